"""Periods of a bilan: a year, a quarter, a month, or the months up to a day.

A :class:`Period` is a named tuple ``(start, end)``, both days included, so that it unpacks
where ``compute_bilan(data, start, end)`` wants its two dates::

    compute_bilan(data, *Period.quarter(2023, 2))
    compute_bilan(data, period=Period.rolling(date(2024, 2, 29), months=12))
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from citeslab_core.errors import UsageError
from citeslab_core.model import guards

if TYPE_CHECKING:
    from citeslab_core.model.guards import DateLike

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
    def of(cls, start: DateLike, end: DateLike) -> Period:
        """The period from ``start`` to ``end`` (dates, see :func:`compute_bilan
        <citeslab_core.bilan.compute_bilan>`); a French error when it ends before it
        starts."""
        first, last = guards.period(start, end)
        return cls(first, last)

    @classmethod
    def year(cls, year: int) -> Period:
        """1 January to 31 December of ``year``."""
        year = guards.year(year)
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """The ``quarter`` (1 to 4) of ``year``: 1 January–31 March, …, 1 October–31 December."""
        year = guards.year(year)
        quarter = guards.whole(quarter, "quarter", 1, 4, "un trimestre (un nombre entier)")
        first = 3 * quarter - 2
        last = first + 2
        return cls(dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1]))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The ``month`` (1 to 12) of ``year``, to its last day (29 February in a leap year)."""
        year = guards.year(year)
        month = guards.whole(month, "month", 1, 12, "un mois (un nombre entier)")
        return cls(
            dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        )

    @classmethod
    def rolling(cls, end: DateLike, *, months: int = 12) -> Period:
        """The ``months`` months up to ``end`` (included).

        It starts on the day after ``end``, ``months`` months earlier; a day that month
        lacks (31 February) is the first of the next month, so that twelve months never hold
        the same date twice: to 31 December 2023 from 1 January 2023, to 29 February 2024
        from 1 March 2023, to 28 February 2024 from 1 March 2023 (not 29 February 2023).
        """
        end = guards.day(end, "end")
        months = guards.whole(months, "months", 1, 12 * 100, "un nombre de mois (entier)")
        after = end + dt.timedelta(days=1)
        first = _month_start(after.year, after.month, months)
        if first.year < guards.MIN_YEAR:
            raise UsageError(f"months = {months} : la période commencerait avant {guards.MIN_YEAR}")
        if after.day > calendar.monthrange(first.year, first.month)[1]:
            return cls(_month_start(first.year, first.month, -1), end)
        return cls(first.replace(day=after.day), end)

    def __contains__(self, day: object) -> bool:
        """Whether ``day`` (a date) falls in the period."""
        if isinstance(day, dt.date):
            return self.start <= day <= self.end
        return False
