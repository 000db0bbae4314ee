"""A sheet held as columns (:class:`Columns`), and where its rows came from (:class:`RowOrigins`).

The :class:`~citeslab_core.model.Dataset` holds each sheet as columns: the readers make
them directly (docs/performance.md), computations read the few they need, and the records
are built from them only when someone asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from operator import attrgetter, is_
from typing import Any, ClassVar, Generic, TypeVar, overload

import attrs

from citeslab_core.errors import Location

T = TypeVar("T")

__all__ = ["Columns", "Repeated", "RowOrigins", "field_names", "object_ids"]


def field_names(record: type) -> tuple[str, ...]:
    """The fields of a record class, in their order."""
    found = _FIELD_NAMES.get(record)
    if found is None:
        found = _FIELD_NAMES[record] = tuple(f.name for f in attrs.fields(record))
    return found


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


class Columns(Generic[T]):
    """One sheet's records as columns, in record order: ``cols["date"][i]`` is
    ``cols.records()[i].date``.

    Computations read the few columns they need instead of every record; the values are
    the ones the records hold (enum members, dates, :class:`~decimal.Decimal`…), each
    column a tuple, or a :class:`Repeated` when every row holds the same object (an
    absent column, or one nobody filled in: ``None`` on every row), which holds that value
    once. A column may be made only when first asked for (a reader leaves the free-text
    columns for later: the bilan never reads them). :meth:`records` builds the records
    once, with the record class's own constructor, and keeps them. ``repr()`` gives the
    sheet's size and fields, never a value.
    """

    __slots__ = ("_loaders", "_records", "_values", "length", "record")
    record: type[T]
    length: int

    def __init__(
        self,
        record: type[T],
        values: Mapping[str, Sequence[Any]],
        length: int,
        *,
        loaders: Mapping[str, Callable[[], Sequence[Any]]] | None = None,
        records: tuple[T, ...] | None = None,
    ) -> None:
        self.record = record
        self.length = length
        self._values = {name: _frozen(column, length) for name, column in values.items()}
        self._loaders = dict(loaders or {})
        self._records = records
        missing = set(field_names(record)).difference(self._values, self._loaders)
        if missing:  # pragma: no cover - a programming error
            raise ValueError(f"columns missing for {record.__name__}: {sorted(missing)}")

    @classmethod
    def of_records(cls, record: type[T], records: Iterable[T]) -> Columns[T]:
        """The columns of ``records``, instances of ``record`` (kept: :meth:`records`
        gives them back)."""
        kept = tuple(records)
        names = field_names(record)
        if not kept:
            return cls(record, dict.fromkeys(names, ()), 0, records=kept)
        if len(names) == 1:
            columns: Iterable[tuple[Any, ...]] = (tuple(map(attrgetter(names[0]), kept)),)
        else:
            columns = zip(*map(attrgetter(*names), kept), strict=True)
        return cls(record, dict(zip(names, columns, strict=True)), len(kept), records=kept)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, field: str) -> Sequence[Any]:
        found = self._values.get(field)
        if found is None:
            load = self._loaders.pop(field, None)
            if load is None:
                raise KeyError(field)
            found = self._values[field] = _frozen(load(), self.length)
        return found

    def pick(self, field: str, rows: Sequence[int]) -> list[Any]:
        """The values of ``field`` at ``rows`` (indexes, in increasing order). A column
        read only when first asked for (free text) is not made and kept for this: only
        those rows' values are read, when its loader can (one with a ``pick(rows)``
        method, as the readers' are)."""
        if field not in self._values:
            picker = getattr(self._loaders.get(field), "pick", None)
            if picker is not None:
                picked: list[Any] = picker(rows)
                return picked
        column = self[field]
        return [column[i] for i in rows]

    @property
    def fields(self) -> tuple[str, ...]:
        """The record class's fields, which are the columns' names."""
        return field_names(self.record)

    def at(self, index: int) -> T:
        """The record at ``index``, built from the columns (the one built by
        :meth:`records` if they were built)."""
        if self._records is not None:
            return self._records[index]
        return self.record(*(self[name][index] for name in self.fields))

    def records(self) -> tuple[T, ...]:
        """The records, built from the columns once (then kept)."""
        if self._records is None:
            columns = [self[name] for name in self.fields]
            self._records = tuple(map(self.record, *columns)) if self.length else ()
        return self._records

    def replace(self, **columns: Sequence[Any]) -> Columns[T]:
        """The same sheet with some columns replaced (records built anew when asked; a
        column not made yet stays so)."""
        values = {n: v for n, v in self._values.items() if n not in columns}
        values.update(columns)
        loaders = {n: load for n, load in self._loaders.items() if n not in columns}
        return Columns(self.record, values, self.length, loaders=loaders)

    def take(self, rows: Sequence[int]) -> Columns[T]:
        """The rows ``rows`` (indexes, in that order) of the sheet."""
        if self._records is not None:
            records = self._records
            return Columns.of_records(self.record, [records[i] for i in rows])
        values: dict[str, Sequence[Any]] = {}
        for name in self.fields:
            column = self[name]
            if column.__class__ is Repeated:
                values[name] = Repeated(column[0], len(rows)) if rows else ()
            else:
                values[name] = tuple(column[i] for i in rows)
        return Columns(self.record, values, len(rows))

    def __repr__(self) -> str:
        return f"<Columns of {self.record.__name__}: {self.length} rows, {len(self.fields)} fields>"


def _frozen(column: Sequence[Any], length: int) -> Sequence[Any]:
    """A column as :class:`Columns` keeps it: a :class:`Repeated` when every row holds the
    same object (found at C speed: the first different one stops the look), else a tuple."""
    if column.__class__ is Repeated:
        return column
    if length > 1:
        first = column[0]
        # 17 rows spread over the column first: most columns that are not one object say
        # so; then every row (None, the usual one, counted: a C loop comparing by identity
        # first, 7 times faster than the general look)
        step = max(1, length // 16)
        if all(column[k] is first for k in (*range(0, length, step), length - 1)) and (
            column.count(None) == length if first is None else all(map(is_, column, repeat(first)))
        ):
            return Repeated(first, length)
    return column if column.__class__ is tuple else tuple(column)


class Repeated(Sequence[T]):
    """``value``, ``length`` times: a column whose every row holds the same object (an
    absent column, one nobody filled in), in the memory of one value instead of one
    pointer a row. It reads like the tuple it stands for (indexes, slices, iteration,
    ``in``, ``count``, ``==`` with a tuple or list of the same values); ``repr()`` shows
    the length and the value's type, never the value."""

    __slots__ = ("_length", "_value")

    def __init__(self, value: T, length: int) -> None:
        if length < 0:
            raise ValueError("a length is not negative")
        self._value, self._length = value, length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Repeated[T]: ...

    def __getitem__(self, index: int | slice) -> T | Repeated[T]:
        if isinstance(index, slice):
            return Repeated(self._value, len(range(*index.indices(self._length))))
        if not -self._length <= index < self._length:
            raise IndexError("index out of range")
        return self._value

    def __iter__(self) -> Iterator[T]:
        return repeat(self._value, self._length)

    def __contains__(self, item: object) -> bool:
        return self._length > 0 and (item is self._value or item == self._value)

    def count(self, item: object) -> int:
        return self._length if item in self else 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Repeated):
            return len(other) == self._length and (
                not self._length or other[0] is self._value or other[0] == self._value
            )
        if isinstance(other, (tuple, list)):
            return len(other) == self._length and all(
                item is self._value or item == self._value for item in other
            )
        return NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]  # a list is unhashable too

    def __repr__(self) -> str:
        return f"<Repeated {type(self._value).__name__}, {self._length} times>"


class RowOrigins(Sequence[Location]):
    """The locations of a table's records, made on demand (a network's 700 000 events
    need no 700 000 Location objects until one is named): spreadsheet or CSV rows
    (``suivis, ligne 12``), or with ``elements`` the elements of a JSON list
    (``suivis[12]``)."""

    __slots__ = ("elements", "file", "rows", "sheet")
    file: str | None
    sheet: str
    rows: Sequence[int]
    elements: bool

    def __init__(
        self, file: str | None, sheet: str, rows: Sequence[int], *, elements: bool = False
    ) -> None:
        self.file, self.sheet, self.rows, self.elements = file, sheet, rows, elements

    def __len__(self) -> int:
        return len(self.rows)

    def _at(self, row: int) -> Location:
        if self.elements:
            return Location(self.file, f"{self.sheet}[{row}]")
        return Location(self.file, self.sheet, row)

    @overload
    def __getitem__(self, index: int) -> Location: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Location]: ...
    def __getitem__(self, index: int | slice) -> Location | Sequence[Location]:
        if isinstance(index, slice):
            return [self._at(row) for row in self.rows[index]]
        return self._at(self.rows[index])


def object_ids(values: Sequence[Any]) -> Any:
    """Each value's identity as a NumPy array (NumPy must be installed), by C loops: the
    pointers that an object array of the values holds (what ``id()`` gives), read from
    its memory (the integers keep the array, hence the objects, alive); else ``id()``
    called a value (a NumPy or a Python that does not give an object array's memory).
    The frames and the checks find rows by object with it (the readers share one object
    per distinct value)."""
    import numpy as np

    try:
        held = np.fromiter(values, dtype=object, count=len(values))
        return np.frombuffer(held, dtype=np.uintp)
    except (TypeError, ValueError, BufferError):
        return np.fromiter(map(id, values), dtype=np.uint64, count=len(values))
