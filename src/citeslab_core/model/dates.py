"""Dates as the records hold them: a day, or a partial date that keeps its precision.

Event dates are days (:class:`datetime.date`). Partnerships, birth dates and planned
animations may be partial: :class:`PartialDate` is a day, a month, a year or a range of
months, and is never silently turned into the first of the month. Its text form is ISO
8601: ``2023-03-30``, ``2023-03``, ``2023``, ``2023-05/2023-09``.

:func:`parse_date` reads every form docs/workbook.md lists: ISO, ``30/03/2023``,
``30 mars 2023``, ``15-févr`` (the year from the context), ``Janvier 2023``,
``janv. 2023``, ``Mai à Septembre 2023``, ``2023``, and spreadsheet date cells.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import re
import time
from functools import cache

import attrs
from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from citeslab_core.errors import CellError, unknown_member
from citeslab_core.model.limits import MAX_YEAR, MIN_YEAR, check_length, check_year
from citeslab_core.vocabularies import normalize

__all__ = [
    "PartialDate",
    "Precision",
    "age_on",
    "parse_date",
    "parse_day",
    "parse_time",
]


class Precision(enum.Enum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    MONTH_RANGE = "month_range"

    @classmethod
    def _missing_(cls, value: object) -> Precision:
        raise unknown_member(cls, value)


MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        ("janvier", "janv", "jan"),
        ("fevrier", "fevr", "fev"),
        ("mars", "mar"),
        ("avril", "avr"),
        ("mai", "mai"),
        ("juin", "juin"),
        ("juillet", "juil", "jul"),
        ("aout", "aou"),
        ("septembre", "sept", "sep"),
        ("octobre", "oct"),
        ("novembre", "nov"),
        ("decembre", "dec"),
    ],
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_MONTH = r"([a-z]+)\.?"
_YEAR_ONLY = re.compile(r"^(\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_RANGE = re.compile(r"^(\d{4})-(\d{1,2})/(\d{4})-(\d{1,2})$")
_MONTH_YEAR = re.compile(rf"^{_MONTH} (\d{{4}})$")
_MONTH_ALONE = re.compile(rf"^{_MONTH}$")
_RANGE_WORDS = re.compile(rf"^(?:de )?{_MONTH}(?: (\d{{4}}))? (?:a|au) {_MONTH} (\d{{4}})$")
_DAY_MONTH = re.compile(rf"^(\d{{1,2}}) ?{_MONTH}$")
_FR_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$")


class _FrenchParserInfo(dateutil_parser.parserinfo):
    """dateutil's parser, taught French month names and day-first dates."""

    MONTHS = [  # noqa: RUF012 (dateutil's own class attribute)
        ("janv", "janvier"),
        ("fevr", "fevrier", "fev"),
        ("mars", "mars"),
        ("avr", "avril"),
        ("mai", "mai"),
        ("juin", "juin"),
        ("juil", "juillet"),
        ("aout", "aout"),
        ("sept", "septembre", "sep"),
        ("oct", "octobre"),
        ("nov", "novembre"),
        ("dec", "decembre"),
    ]
    JUMP = [" ", ".", ",", "/", "-", "le", "er"]  # noqa: RUF012

    def __init__(self) -> None:
        super().__init__(dayfirst=True, yearfirst=False)


_PARSER = dateutil_parser.parser(_FrenchParserInfo())


def _check_month(year: object, month: object, year_name: str, month_name: str) -> None:
    """A year a date can hold and a month of 1 to 12, as ints; checked cheaply (the
    readers build a partial date per cell), a French error otherwise."""
    if type(year) is not int or not dt.MINYEAR <= year <= dt.MAXYEAR:
        from citeslab_core.model import guards

        guards.whole(year, year_name, dt.MINYEAR, dt.MAXYEAR, "une année (un nombre entier)")
    if type(month) is not int or not 1 <= month <= 12:
        from citeslab_core.model import guards

        guards.whole(month, month_name, 1, 12, "un mois (un nombre entier)")


@attrs.frozen(order=True)
class PartialDate:
    """A date known to the day, the month, the year, or as a range of months.

    :attr:`start` and :attr:`end` are the first and last days it may mean.
    """

    start: dt.date
    end: dt.date
    precision: Precision = attrs.field(order=False)

    @classmethod
    def day(cls, value: dt.date) -> PartialDate:
        """The day ``value``: a ``datetime.date`` as it is (the readers' path), any other
        date-like through :func:`citeslab_core.model.guards.day`."""
        if type(value) is not dt.date:
            from citeslab_core.model import guards

            value = guards.day(value, "value")
        return cls(value, value, Precision.DAY)

    @classmethod
    def month(cls, year: int, month: int) -> PartialDate:
        """A month of a year."""
        _check_month(year, month, "year", "month")
        last = calendar.monthrange(year, month)[1]
        return cls(dt.date(year, month, 1), dt.date(year, month, last), Precision.MONTH)

    @classmethod
    def year(cls, year: int) -> PartialDate:
        """A whole year."""
        _check_month(year, 1, "year", "month")
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), Precision.YEAR)

    @classmethod
    def month_range(cls, year1: int, month1: int, year2: int, month2: int) -> PartialDate:
        """From a month to a later month (both whole)."""
        _check_month(year1, month1, "year1", "month1")
        _check_month(year2, month2, "year2", "month2")
        if (year2, month2) < (year1, month1):
            raise CellError("la fin de la période précède son début")
        if (year1, month1) == (year2, month2):
            return cls.month(year1, month1)
        last = calendar.monthrange(year2, month2)[1]
        return cls(dt.date(year1, month1, 1), dt.date(year2, month2, last), Precision.MONTH_RANGE)

    def overlaps(self, start: dt.date, end: dt.date) -> bool:
        """Whether this date may fall between ``start`` and ``end`` (both included)."""
        return self.start <= end and self.end >= start

    def iso(self) -> str:
        """The ISO 8601 form: ``2023-03-30``, ``2023-03``, ``2023``, ``2023-05/2023-09``."""
        if self.precision is Precision.DAY:
            return self.start.isoformat()
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.precision is Precision.YEAR:
            return f"{self.start.year:04d}"
        return (
            f"{self.start.year:04d}-{self.start.month:02d}/{self.end.year:04d}-{self.end.month:02d}"
        )

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """The inverse of :meth:`iso`."""
        if not isinstance(text, str):
            from citeslab_core.model import guards

            guards.instance(text, str, "text", "un texte ISO (« 2023-06 »)")
        return parse_date(text, partial=True)


def _month_number(word: str) -> int:
    number = MONTHS.get(word)
    if number is None:
        raise CellError(f"« {word} » n'est pas un nom de mois")
    return number


def _checked_day(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"« {raw} » n'est pas une date qui existe") from None


def parse_date(
    raw: object,
    *,
    partial: bool = False,
    context_year: int | None = None,
    birth: bool = False,
) -> PartialDate:
    """Read a date cell. Partial forms are refused unless ``partial`` is true.

    ``context_year`` supplies the year of a day written without one (``15-févr``) or of a
    month alone (``novembre``); without it those forms are an error.

    A year written with two digits (``15/06/85``) is in the 2000s, except with ``birth``:
    a birth date is never after the year of reference (``context_year``, else the current
    year), so ``85`` is 1985 and ``05`` 2005. Dates outside the years
    :data:`~citeslab_core.model.limits.MIN_YEAR` to :data:`~citeslab_core.model.limits.MAX_YEAR` are
    refused (a spreadsheet date cell of -5 is 25 December 1899), and so is a text longer
    than any date (:data:`~citeslab_core.model.limits.MAX_CELL_CHARS`).
    """
    if context_year is not None:  # the sheet's year: a cell's error, not a caller's
        check_year(context_year, "l'année de référence")
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return _in_range(PartialDate.day(raw), raw.isoformat())
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        raw = int(raw)  # 9e15 read as 9000000000000000, 1e300 left a number
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise CellError(f"« {raw} » n'est pas une date")
    text = check_length(raw, "une date").strip()
    pivot = (context_year or _current_year()) if birth else None
    return _parse_text(text, partial, context_year, pivot)


#: The current year and until when (a :func:`time.time`) it is known to be: asking the
#: date of the day reads the time zone each time, as long as parsing a birth date.
_YEAR_KNOWN: list[float] = [0.0, 0.0]


def _current_year() -> int:
    """The current local year, as :meth:`datetime.date.today` gives it; looked up again
    at the next new year and at least every minute (a clock or time zone changed)."""
    now = time.time()
    until, known = _YEAR_KNOWN
    if now < until:
        return int(known)
    year = dt.date.today().year
    new_year = dt.datetime(year + 1, 1, 1).timestamp() if year < MAX_YEAR else now
    _YEAR_KNOWN[:] = [min(new_year, now + 60.0), float(year)]
    return year


def _in_range(found: PartialDate, text: str) -> PartialDate:
    if found.start.year < MIN_YEAR or found.end.year > MAX_YEAR:
        raise CellError(f"« {text} » : une date entre {MIN_YEAR} et {MAX_YEAR} est attendue")
    return found


@cache
def _parse_text(
    text: str, partial: bool, context_year: int | None, pivot: int | None = None
) -> PartialDate:
    try:
        return _in_range(_parse_any(text, partial, context_year, pivot), text)
    except (ValueError, OverflowError) as exc:
        if isinstance(exc, CellError):
            raise
        # a year 0 or 10000 (written, or the structure's annee): no such date
        raise CellError(
            f"« {text} » : une date entre {MIN_YEAR} et {MAX_YEAR} est attendue"
        ) from None


def _parse_any(
    text: str, partial: bool, context_year: int | None, pivot: int | None
) -> PartialDate:
    if not text:
        raise CellError("date vide")
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return PartialDate.day(dt.date.fromisoformat(text))
        except ValueError:
            raise CellError(f"« {text} » n'est pas une date qui existe") from None
    match = _FR_NUMERIC.match(text)
    if match:  # 30/03/2023, the commonest form: no partial form reads it
        try:
            return PartialDate.day(_numeric_day(match, pivot))
        except ValueError:
            pass  # no such day: the general reading says so in its own words
    key = normalize(text.replace(".", " ").replace("/", " / ")).replace(" / ", "/")
    key = re.sub(r"\s+", " ", key)
    found = _parse_partial(text, key, context_year)
    if found is not None:
        if found.precision is not Precision.DAY and not partial:
            raise CellError(f"« {text} » : une date complète est attendue (jour, mois, année)")
        return found
    try:
        return PartialDate.day(_parse_full(text, pivot))
    except CellError:
        if not partial:
            raise
        raise CellError(
            f"« {text} » n'est pas une date lisible (attendu : 30/03/2023, 30 mars 2023, "
            "mars 2023, mai à septembre 2023 ou 2023)"
        ) from None


def _parse_partial(text: str, key: str, context_year: int | None) -> PartialDate | None:
    match = _YEAR_ONLY.match(key)
    if match:
        return PartialDate.year(int(match[1]))
    compact = text.replace(" ", "")
    match = _ISO_MONTH.match(compact)
    if match:
        month = int(match[2])
        if not 1 <= month <= 12:
            raise CellError(f"« {text} » n'est pas une date qui existe")
        return PartialDate.month(int(match[1]), month)
    match = _ISO_RANGE.match(compact)
    if match:
        return PartialDate.month_range(int(match[1]), int(match[2]), int(match[3]), int(match[4]))
    match = _MONTH_YEAR.match(key)
    if match and match[1] in MONTHS:
        return PartialDate.month(int(match[2]), _month_number(match[1]))
    match = _RANGE_WORDS.match(key)
    if match:
        year2 = int(match[4])
        year1 = int(match[2]) if match[2] else year2
        return PartialDate.month_range(
            year1, _month_number(match[1]), year2, _month_number(match[3])
        )
    match = _DAY_MONTH.match(key)
    if match and match[2] in MONTHS:
        if context_year is None:
            raise CellError(
                f"« {text} » : l'année manque (indiquez-la, ou la clé annee "
                "de la feuille structure)"
            )
        return PartialDate.day(
            _checked_day(context_year, _month_number(match[2]), int(match[1]), text)
        )
    match = _MONTH_ALONE.match(key)
    if match and match[1] in MONTHS:
        if context_year is None:
            raise CellError(
                f"« {text} » : l'année manque (indiquez-la, ou la clé annee "
                "de la feuille structure)"
            )
        return PartialDate.month(context_year, _month_number(match[1]))
    return None


def _numeric_day(match: re.Match[str], pivot: int | None) -> dt.date:
    """The day of a ``_FR_NUMERIC`` match (day, month, year); ValueError if none."""
    year = int(match[4])
    if len(match[4]) == 2:
        year += 2000
        if pivot is not None and year > pivot:
            year -= 100  # a birth date: the latest such year not after the pivot
    return dt.date(year, int(match[3]), int(match[1]))


def _parse_full(text: str, pivot: int | None = None) -> dt.date:
    match = _FR_NUMERIC.match(text)
    if match:
        try:
            return _numeric_day(match, pivot)
        except ValueError:
            raise CellError(f"« {text} » n'est pas une date qui existe") from None
    cleaned = normalize(text)
    # dateutil fills what is missing from its default: two different defaults tell
    # whether the text gave a day, a month and a year.
    try:
        first = _PARSER.parse(cleaned, default=dt.datetime(1904, 2, 29))
        second = _PARSER.parse(cleaned, default=dt.datetime(1908, 3, 31))
    except (ValueError, OverflowError, TypeError):
        raise CellError(
            f"« {text} » n'est pas une date lisible (attendu : 30/03/2023, "
            "2023-03-30 ou 30 mars 2023)"
        ) from None
    if first.date() != second.date() or first.time() != dt.time():
        raise CellError(f"« {text} » : une date complète est attendue (jour, mois, année)")
    return first.date()


def parse_day(raw: object, *, context_year: int | None = None) -> dt.date:
    """Read a cell that must hold a full date (an event's date)."""
    return parse_date(raw, context_year=context_year).start


def age_on(birth: PartialDate, on: dt.date) -> int:
    """Age in whole years on a date.

    With a birth year only, the year is subtracted from ``on``'s year (docs/bilan.md).
    """
    if birth.precision is Precision.DAY:
        return relativedelta(on, birth.start).years
    return on.year - birth.start.year


_TIME = re.compile(r"^(\d{1,2})\s*(?:h|:)\s*(\d{2})?(?:\s*(?::)\s*(\d{2}))?$")
_TIME_HOURS_ONLY = re.compile(r"^(\d{1,2})$")


def parse_time(raw: object) -> dt.time:
    """An hour of the day: ``9h``, ``9h30``, ``09:30``, ``14 h 30``, ``9:30:00``, a
    whole number of hours (``14``), or a spreadsheet time cell (a :class:`datetime.time`,
    or the fraction of a day a spreadsheet stores: ``0.375`` is 9h). Refused: what is not
    an hour of one day (``25h``, ``9h75``, ``midi``)."""
    if isinstance(raw, dt.datetime):
        return raw.time().replace(second=0, microsecond=0)
    if isinstance(raw, dt.time):
        return raw.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(raw, dt.timedelta) and dt.timedelta(0) <= raw < dt.timedelta(days=1):
        minutes = round(raw.total_seconds() / 60)
        return dt.time(*divmod(minutes, 60)) if minutes < 24 * 60 else dt.time(23, 59)
    if isinstance(raw, float) and not raw.is_integer() and 0 < raw < 1:
        minutes = round(raw * 24 * 60)
        if minutes < 24 * 60:
            return dt.time(*divmod(minutes, 60))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        raw = str(int(raw))
    text = raw.strip().casefold() if isinstance(raw, str) else ""
    found = _TIME.match(text) or _TIME_HOURS_ONLY.match(text)
    if found is not None:
        hour = int(found[1])
        minute = int(found[2]) if found.lastindex and found.lastindex >= 2 and found[2] else 0
        if hour < 24 and minute < 60:
            return dt.time(hour, minute)
    raise CellError(f"« {raw} » n'est pas une heure (attendu : 9h, 9h30, 09:30 ou 14:00)")
