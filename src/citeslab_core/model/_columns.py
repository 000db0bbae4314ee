"""A sheet held as columns (:class:`Columns`), and where its rows came from (:class:`RowOrigins`).

The :class:`~citeslab_core.model.Dataset` holds each sheet as columns: the readers make
them directly (docs/performance.md), computations read the few they need, and the records
are built from them only when someone asks for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any, Generic, TypeVar, overload

import attrs

from citeslab_core.errors import Location

T = TypeVar("T")

__all__ = ["Columns", "RowOrigins", "field_names"]


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
    the ones the records hold (enum members, dates, :class:`~decimal.Decimal`…), each a
    tuple. A column may be made only when first asked for (a reader leaves the free-text
    columns for later: the bilan never reads them). :meth:`records` builds the records
    once, with the record class's own constructor, and keeps them.
    ``repr()`` gives the sheet's size and fields, never a value.
    """

    __slots__ = ("_loaders", "_records", "_values", "length", "record")

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
        self._values: dict[str, Sequence[Any]] = {
            name: column if column.__class__ is tuple else tuple(column)
            for name, column in values.items()
        }
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
            found = self._values[field] = tuple(load())
        return found

    @property
    def fields(self) -> tuple[str, ...]:
        """The record class's fields, which are the columns' names."""
        return field_names(self.record)

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
        values.update((name, tuple(column)) for name, column in columns.items())
        loaders = {n: load for n, load in self._loaders.items() if n not in columns}
        return Columns(self.record, values, self.length, loaders=loaders)

    def take(self, rows: Sequence[int]) -> Columns[T]:
        """The rows ``rows`` (indexes, in that order) of the sheet."""
        if self._records is not None:
            records = self._records
            return Columns.of_records(self.record, [records[i] for i in rows])
        values = {}
        for name in self.fields:
            column = self[name]
            values[name] = tuple(column[i] for i in rows)
        return Columns(self.record, values, len(rows))

    def __repr__(self) -> str:
        return f"<Columns of {self.record.__name__}: {self.length} rows, {len(self.fields)} fields>"


class RowOrigins(Sequence[Location]):
    """The locations of a table's records, made on demand (a network's 700 000 events
    need no 700 000 Location objects until one is named): spreadsheet or CSV rows
    (``suivis, ligne 12``), or with ``elements`` the elements of a JSON list
    (``suivis[12]``)."""

    __slots__ = ("elements", "file", "rows", "sheet")

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
