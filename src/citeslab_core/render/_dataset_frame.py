"""The sheets' frames of :meth:`Dataset.to_frames <citeslab_core.model.Dataset.to_frames>`,
column by column (private to :mod:`citeslab_core.render.frames`, which says what a frame
holds).

Columns are built one at a time from the dataset's own columns, not record by record,
without a Python loop per cell: texts and dates by Arrow when pyarrow is installed (one C
pass a column), the other kinds (and texts and dates without pyarrow) by each distinct
value (the readers share one object per distinct cell) converted once and spread over the
rows by NumPy (``factorize`` over the objects' identities, then ``take``). Each column is
converted once for the call: the ``parcours`` frame (:mod:`._pathway_frame`) reuses what
the sheets' frames made (:class:`_Spread`). ``tests/test_frame_columns.py`` holds every
way to the frames built cell by cell from the records.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from itertools import compress, count, repeat
from operator import attrgetter, is_
from typing import Any

import attrs

from citeslab_core.model import TABLES, Columns, Dataset, Repeated, field_type
from citeslab_core.model._columns import object_ids
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.render._pathway_frame import pathways_frame
from citeslab_core.vocabularies import Vocabulary

__all__ = ["categorical", "datetimes", "sheet_frames"]

#: Free-text fields that are not marked private (they reach the bilan or the compte
#: rendu) but are words typed freely: left out of frames unless ``private=True``.
_FREE_TEXT = frozenset(
    {
        ("Event", "referent"),  # the name of the chef de projet who held the event
        ("Animation", "title"),
        ("Animation", "place"),
        ("Partnership", "action"),
        ("Text", "text"),
        ("BudgetLine", "gap_explanation"),
    }
)

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: The day number standing for no date (NumPy's NaT is the smallest int64).
_NAT = -(2**63)
#: Any partial date: it stands for None while a column's dates are read.
_SOME_DAY = PartialDate.day(dt.date(1970, 1, 1))


def _arrow() -> Any:
    """pyarrow, or None when it is not installed (the frames are then built by NumPy)."""
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _left_out(cls: type, field: attrs.Attribute[Any]) -> bool:
    return bool(field.metadata.get("private")) or (cls.__name__, field.name) in _FREE_TEXT


def _distinct(values: Sequence[Any]) -> tuple[list[Any], Any]:
    """The distinct objects of ``values`` (by identity: the readers share them) and, for
    each value, the index of its object: pandas' ``factorize`` (a hash table, no sort)
    over the objects' ids, with no Python loop per value."""
    import numpy as np
    import pandas as pd

    if isinstance(values, Repeated):  # one object on every row
        return list(values[:1]), np.zeros(len(values), dtype=np.intp)
    inverse, distinct = pd.factorize(object_ids(values))
    where = np.empty(len(distinct), dtype=np.intp)
    where[inverse] = np.arange(len(values))  # a row holding each object (any one)
    return [values[i] for i in where.tolist()], inverse


def _by_identity(values: Sequence[Any], convert: Callable[[Any], Any], dtype: Any = object) -> Any:
    """``convert`` applied to each value, once per distinct object, as a NumPy array."""
    import numpy as np

    objects, inverse = _distinct(values)
    converted = np.empty(len(objects), dtype=dtype)
    converted[:] = [convert(value) for value in objects]
    return converted[inverse]


class _Spread:
    """The dataset's columns as arrays, for one :func:`dataset_frames` call: each column
    converted once (the ``parcours`` frame reads the events' persons, dates, types and
    results again), by Arrow where pyarrow is installed (texts, dates: a C loop over the
    column), else by NumPy over the objects' ids (each distinct object converted once)."""

    def __init__(self, pa: Any) -> None:
        self.pa = pa
        self._done: dict[tuple[object, int], tuple[Sequence[Any], Any]] = {}

    def _once(self, what: object, values: Sequence[Any], make: Callable[[], Any]) -> Any:
        key = (what, id(values))
        found = self._done.get(key)
        if found is None:  # the column is kept with its result: its id stays its own
            found = self._done[key] = (values, make())
        return found[1]

    def codes(self, values: Sequence[Any], members: type[enum.Enum]) -> Any:
        """Each value's position among ``members`` (-1: None), as int64."""

        def make() -> Any:
            where = {id(member): position for position, member in enumerate(members)}
            return _by_identity(values, lambda v: where.get(id(v), -1), dtype="int64")

        return self._once(members, values, make)

    def days(self, values: Sequence[dt.date | None]) -> Any:
        """Each date as days since 1970-01-01 (None: :data:`_NAT`), as int64."""

        def make() -> Any:
            if self.pa is None or isinstance(values, Repeated):
                return _by_identity(values, _day, dtype="int64")
            # Arrow's days as NumPy's datetime64[D], whose NaT is the smallest int64
            days = self.pa.array(values, type=self.pa.date32())
            return days.to_numpy(zero_copy_only=False).view("int64")

        return self._once("days", values, make)

    def texts(self, values: Sequence[str | None]) -> Any:
        """An Arrow array of the texts (None without pyarrow, or for a repeated one)."""
        if self.pa is None or isinstance(values, Repeated):
            return None
        return self._once("texts", values, lambda: self.pa.array(values, self.pa.large_string()))

    def positions(self, values: Sequence[str], keys: Sequence[str]) -> Any:
        """Each value's position in ``keys`` (distinct), as int64; a value that is not
        a key raises ``KeyError``. By identity first (the readers give the events the
        persons' id objects: a hash table of integers), else by text."""
        import numpy as np
        import pandas as pd

        objects = pd.Index(object_ids(keys))
        if objects.is_unique:
            at = objects.get_indexer(object_ids(values))
            if not len(at) or at.min() >= 0:
                return at.astype("int64")
        texts, among = self.texts(values), self.texts(keys)
        if texts is not None and among is not None:
            import pyarrow.compute as pc

            found = pc.index_in(texts, value_set=among)
            if not found.null_count:
                return found.to_numpy().astype("int64")
        where = {key: position for position, key in enumerate(keys)}
        return np.fromiter(map(where.__getitem__, values), "int64", len(values))

    def strings(self, pd: Any, values: Sequence[str | None]) -> Any:
        """A ``string`` array: Arrow's, or each distinct object converted once and spread
        by ``take``."""
        texts = self.texts(values)
        if texts is not None:
            return pd.array(texts, dtype="string")
        return _strings(pd, values)


def _strings(pd: Any, values: Sequence[str | None]) -> Any:
    """A ``string`` array: each distinct object converted once, spread by ``take``
    (a column of ids, all distinct, converted as it is)."""
    objects, inverse = _distinct(values)
    if len(objects) == len(values):
        return pd.array(values if isinstance(values, tuple) else tuple(values), dtype="string")
    return pd.array(objects, dtype="string").take(inverse)


def _day(value: dt.date | None) -> int:
    """A date as days since 1970-01-01, or the smallest int64 (NaT) for ``None``."""
    return _NAT if value is None else value.toordinal() - _EPOCH_ORDINAL


def datetimes(pd: Any, days: Sequence[dt.date | None]) -> Any:
    """``datetime64[ns]`` values of dates (None: NaT), through day numbers."""
    return _from_days(pd, _by_identity(days, _day, dtype="int64"))


def _from_days(pd: Any, numbers: Any) -> Any:
    """``datetime64[ns]`` values of day numbers (:data:`_NAT`: NaT)."""
    import numpy as np

    missing = numbers == _NAT
    out = np.where(missing, 0, numbers).astype("datetime64[D]").astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return pd.array(out, dtype="datetime64[ns]")


@cache
def _category_type(members: type[enum.Enum], labels: bool) -> Any:
    """The ordered categories of a vocabulary's codes (or labels), in its order."""
    import pandas as pd

    names = [m.label if labels else m.value for m in members]  # type: ignore[attr-defined]
    return pd.CategoricalDtype(names, ordered=True)


def categorical(
    pd: Any,
    members: type[enum.Enum],
    values: Sequence[Any],
    labels: bool,
    spread: _Spread | None = None,
) -> Any:
    """An ordered categorical of a vocabulary's codes (or labels), in its order."""
    codes = (spread or _Spread(None)).codes(values, members)
    return pd.Categorical.from_codes(codes, dtype=_category_type(members, labels))


def _partial_dates(pd: Any, name: str, values: Sequence[Any]) -> dict[str, Any]:
    """A partial date column as three: its first day, its last, its precision; each
    distinct object read once, by C loops (``attrgetter``, ``date.toordinal``)."""
    import numpy as np

    toordinal = dt.date.toordinal
    objects, inverse = _distinct(values)
    # None (one object) stands aside while the dates are read, then reads NaT
    empty = next(compress(count(), map(is_, objects, repeat(None))), None)
    if empty is not None:
        objects[empty] = _SOME_DAY
    # one pass a part, no tuple a date (thousands of tuples kept a moment would wake
    # Python's collector, whose full walk over the dataset costs more than this)
    days = [
        np.fromiter(map(toordinal, map(part, objects)), "int64", len(objects)) - _EPOCH_ORDINAL
        for part in (attrgetter("start"), attrgetter("end"))
    ]
    where = {id(member): position for position, member in enumerate(Precision)}
    precisions = map(id, map(attrgetter("precision"), objects))
    codes = np.fromiter(map(where.__getitem__, precisions), "int64", len(objects))
    if empty is not None:
        days[0][empty] = days[1][empty] = _NAT
        codes[empty] = -1
    return {
        name: _from_days(pd, days[0][inverse]),
        f"{name}_fin": _from_days(pd, days[1][inverse]),
        f"{name}_precision": pd.Categorical.from_codes(
            codes[inverse], dtype=_category_type(Precision, False)
        ),
    }


def _numbers(pd: Any, values: Sequence[Any], dtype: str) -> Any:
    """pandas' array of yes/no or integers; a column of one object (a yes/no nobody
    filled in) made of that one value, spread by ``take``."""
    if isinstance(values, Repeated) and len(values):
        import numpy as np

        return pd.array([values[0]], dtype=dtype).take(np.zeros(len(values), dtype=np.intp))
    return pd.array(tuple(values), dtype=dtype)


def _plain(value: Any, labels: bool) -> Any:
    """A cell's value without enum members or partial dates: codes (labels) and ISO
    forms, inside tuples too (so that a column sorts and groups)."""
    if isinstance(value, tuple):
        return tuple(_plain(item, labels) for item in value)
    if isinstance(value, Vocabulary):
        return value.label if labels else value.code
    if isinstance(value, PartialDate):
        return value.iso()
    return value


def _columns(
    pd: Any, sheet: Columns[Any], spread: _Spread, *, private: bool, labels: bool
) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    cls: type = sheet.record
    hints = _hints(cls)
    for field in attrs.fields(cls):
        if not private and _left_out(cls, field):
            continue
        name = field.metadata.get("column", field.name)
        kind, optional = field_type(hints[field.name])
        values = sheet[field.name]  # the dataset's column: no record built
        if isinstance(kind, type) and issubclass(kind, Vocabulary):
            columns[name] = categorical(pd, kind, values, labels, spread)
        elif kind is PartialDate:
            columns.update(_partial_dates(pd, name, values))
        elif kind is dt.date:
            columns[name] = _from_days(pd, spread.days(values))
        elif kind is Decimal:
            columns[name] = pd.array(
                _by_identity(values, lambda v: float("nan") if v is None else float(v), "float64"),
                dtype="float64",
            )
        elif kind is bool:
            columns[name] = _numbers(pd, values, "boolean")
        elif kind is int:
            columns[name] = _numbers(pd, values, "Int64" if optional else "int64")
        elif kind is str:
            columns[name] = spread.strings(pd, values)
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            columns[name] = categorical(pd, kind, values, False, spread)
        else:  # a tuple (partners, weekdays, exceptions), a time: plain values in a cell
            columns[name] = pd.array(
                _by_identity(values, lambda v: _plain(v, labels)), dtype=object
            )
    return columns


def sheet_frames(pd: Any, data: Dataset, *, private: bool, labels: bool) -> dict[str, Any]:
    """One frame per sheet, then ``parcours``."""
    frames: dict[str, Any] = {}
    spread = _Spread(_arrow())
    for sheet, _, _ in TABLES:
        found = data.columns(sheet)
        columns = _columns(pd, found, spread, private=private, labels=labels)
        frames[sheet] = pd.DataFrame(columns, index=pd.RangeIndex(len(found)))
    frames["parcours"] = pathways_frame(pd, data, labels, spread, _from_days)
    return frames
