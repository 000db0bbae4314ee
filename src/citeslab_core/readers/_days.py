"""Many texts of a date column read at once by NumPy: the two commonest forms of a day,
``2023-03-14`` and ``14/03/2023``, as :meth:`~citeslab_core.readers._cells.DateParser.common`
reads them one by one (the reference: ``tests/test_common_days.py`` holds both equal).

Used when NumPy is already imported (the Arrow reading, a notebook) and a column brings
many new texts at once: a birth-date column holds thousands of distinct days, each
written in either form (25 000 texts, 17 000 days, at 40 000 persons). The texts'
characters are read as one array of code points; the forms, the digits, the months'
lengths and the leap years are checked by array operations; each distinct day is then
made once, in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.model.limits import MAX_YEAR, MIN_YEAR

__all__ = ["MANY_TEXTS", "common_days", "day_value"]

#: From this many texts, :func:`common_days` (below, the Python loop costs less than
#: NumPy's calls).
MANY_TEXTS: Final = 1_000

#: The positions of the digits of the year, the month and the day in each form.
_ISO_DIGITS: Final = (0, 1, 2, 3, 5, 6, 8, 9)  # 2023-03-14
_FRENCH_DIGITS: Final = (6, 7, 8, 9, 3, 4, 0, 1)  # 14/03/2023
_HYPHEN, _SLASH, _ZERO = ord("-"), ord("/"), ord("0")


def common_days(
    texts: list[str], made: dict[object, object], partial: bool
) -> tuple[dict[str, object], list[str]]:
    """The values of the ``texts`` written exactly ``2023-03-14`` or ``14/03/2023`` (a
    day that exists; a year from :data:`MIN_YEAR` to :data:`MAX_YEAR` unless ``made``
    already holds the day), one object per day (``made``: the column's day → value), and
    the other texts, in their order."""
    import numpy as np

    sizes = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
    ten = np.flatnonzero(sizes == 10)  # both forms have ten characters
    candidates = [texts[i] for i in ten.tolist()]
    codes = np.array(candidates, dtype="<U10").view(np.uint32).reshape(-1, 10)
    iso = (codes[:, 4] == _HYPHEN) & (codes[:, 7] == _HYPHEN)
    french = (codes[:, 2] == _SLASH) & (codes[:, 5] == _SLASH)
    # year, month and day digits, in that order; a character below "0" wraps above 9
    digits = np.where(iso[:, None], codes[:, _ISO_DIGITS], codes[:, _FRENCH_DIGITS]) - _ZERO
    ok = (iso | french) & (digits <= 9).all(axis=1)
    digits = digits.astype(np.int64)
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)  # as datetime.date
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    lengths = np.array(_MONTH_DAYS)[np.where(ok, month, 0)]
    ok &= day <= lengths + ((month == 2) & leap)
    good = np.flatnonzero(ok)
    keys = (year * 10_000 + month * 100 + day)[good]
    distinct, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.reshape(-1)
    values = _values(distinct, made, partial)
    made_one = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    taken = made_one[inverse]  # a day out of the years' range, not made yet: left
    kept = good[taken]
    spread = np.empty(len(values), dtype=object)
    spread[:] = values
    found = dict(
        zip(
            [candidates[i] for i in kept.tolist()],
            spread[inverse[taken]].tolist(),
            strict=True,
        )
    )
    left = np.ones(len(texts), dtype=bool)
    left[ten[kept]] = False
    return found, [texts[i] for i in np.flatnonzero(left).tolist()]


def _values(keys: Any, made: dict[object, object], partial: bool) -> list[object | None]:
    """The value of each day of ``keys`` (``yyyymmdd`` numbers, days that exist): the
    one ``made`` holds, else one made now (a partial date with ``partial``), or ``None``
    for a year out of :data:`MIN_YEAR` to :data:`MAX_YEAR`."""
    months = (keys // 10_000 - 1970).astype("M8[Y]").astype("M8[M]")
    months = months + (keys // 100 % 100 - 1).astype("m8[M]")
    days: list[dt.date] = (months.astype("M8[D]") + (keys % 100 - 1).astype("m8[D]")).tolist()
    return [day_value(day, made, partial) for day in days]


def day_value(day: dt.date, made: dict[object, object], partial: bool) -> object | None:
    """The column's one object for ``day``: the one ``made`` holds, else one made now and
    kept there (a partial date with ``partial``), or ``None`` for a year out of
    :data:`MIN_YEAR` to :data:`MAX_YEAR`."""
    value = made.get(day)
    if value is None and MIN_YEAR <= day.year <= MAX_YEAR:
        value = made[day] = PartialDate(day, day, Precision.DAY) if partial else day
    return value


#: The days of each month (index 0: none), February of a common year.
_MONTH_DAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
