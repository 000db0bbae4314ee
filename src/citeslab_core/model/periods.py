"""Periods of a bilan: a year, a quarter, a month, or the months up to a day.

A :class:`Period` is a named tuple ``(start, end)``, both days included, so that it unpacks
where ``compute_bilan(data, start, end)`` wants its two dates::

    compute_bilan(data, *Period.quarter(2023, 2))
    compute_bilan(data, period=Period.rolling(date(2024, 2, 29), months=12))
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

from citeslab_core.errors import UsageError

__all__ = ["Period"]


def _month_start(year: int, month: int, months_back: int) -> dt.date:
    """The first day of the month ``months_back`` months before (year, month)."""
    index = year * 12 + (month - 1) - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


class Period(NamedTuple):
    """A period from ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, start: dt.date, end: dt.date) -> Period:
        """The period from ``start`` to ``end``; a French error when it ends before it starts."""
        if end < start:
            raise UsageError("la fin de la période précède son début")
        return cls(start, end)

    @classmethod
    def year(cls, year: int) -> Period:
        """1 January to 31 December of ``year``."""
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """The ``quarter`` (1 to 4) of ``year``: 1 January–31 March, …, 1 October–31 December."""
        if not 1 <= quarter <= 4:
            raise UsageError(f"trimestre « {quarter} » : un nombre de 1 à 4 est attendu")
        first = 3 * quarter - 2
        last = first + 2
        return cls(dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The ``month`` (1 to 12) of ``year``, to its last day (29 February in a leap year)."""
        if not 1 <= month <= 12:
            raise UsageError(f"mois « {month} » : un nombre de 1 à 12 est attendu")
        return cls(
            dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        )

    @classmethod
    def rolling(cls, end: dt.date, *, months: int = 12) -> Period:
        """The ``months`` months up to ``end`` (included).

        It starts on the day after ``end``, ``months`` months earlier; a day that month
        lacks (31 February) is the first of the next month, so that twelve months never hold
        the same date twice: to 31 December 2023 from 1 January 2023, to 29 February 2024
        from 1 March 2023, to 28 February 2024 from 1 March 2023 (not 29 February 2023).
        """
        if months < 1:
            raise UsageError(f"« {months} » mois : un nombre d'au moins 1 est attendu")
        after = end + dt.timedelta(days=1)
        first = _month_start(after.year, after.month, months)
        if after.day > calendar.monthrange(first.year, first.month)[1]:
            return cls(_month_start(first.year, first.month, -1), end)
        return cls(first.replace(day=after.day), end)

    def __contains__(self, day: object) -> bool:
        """Whether ``day`` (a date) falls in the period."""
        if isinstance(day, dt.date):
            return self.start <= day <= self.end
        return False
