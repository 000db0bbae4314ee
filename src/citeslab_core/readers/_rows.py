"""A sheet's rows, and the row-wise reading: the reference every faster path is held to.

:class:`RawSheet` is what every reader (workbook, ODS, CSV folder) hands over.
:class:`RowReader` reads one row cell by cell and names each problem by file, sheet, row
and column; the column-wise reading (:mod:`._columns`) sends it every row it cannot read
cleanly, and with ``row_wise`` every row (tests compare the two).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, cast

import attrs

from citeslab_core.errors import Location, Problem
from citeslab_core.headers import column_title
from citeslab_core.readers._cells import (
    EMPTY,
    MISSING,
    Failure,
    FieldSpec,
    cell_value,
    column_letter,
    is_empty,
    letter_index,
    parse_text,
    plain,
)

__all__ = [
    "ROW_NUMBERS",
    "AbsentColumn",
    "Collector",
    "Parsed",
    "RawSheet",
    "RowReader",
    "SheetColumns",
    "header_row",
]


@attrs.frozen
class RawSheet:
    """One sheet as a reader found it: its name and its rows of raw cell values.

    ``rows`` yields ``(row_number, values)`` with 1-based row numbers as a spreadsheet
    shows them; it may be a lazy iterator (it is read once). Empty cells are ``None`` or
    ``""``. ``fractions_ambiguous`` says that percentage-formatted cells cannot be told
    apart from plain numbers (ODS read through calamine): a share between 0 and 1 is then
    refused rather than guessed. A ``rows`` object may also hand the rows after the header
    over in blocks (:class:`~citeslab_core.readers._blocks.BlockRows`).
    """

    name: str
    file: str | None
    rows: Iterable[tuple[int, Sequence[object]]]
    fractions_ambiguous: bool = False


@attrs.define
class Collector:
    """The problems found so far, each with a key that sorts them as the file reads."""

    problems: list[tuple[tuple[int, int, int], Problem]] = attrs.field(factory=list)

    def add(self, rank: int, location: Location, message: str, column_index: int = -1) -> None:
        self.problems.append(((rank, location.row or 0, column_index), Problem(location, message)))

    def sorted(self) -> list[Problem]:
        return [p for _, p in sorted(self.problems, key=lambda item: item[0])]


def header_row(
    sheet: RawSheet, rows: Iterator[tuple[int, Sequence[object]]]
) -> tuple[int, list[str]] | None:
    for number, values in rows:
        if any(not is_empty(v) for v in values):
            return number, [parse_text(plain(v)).strip() if not is_empty(v) else "" for v in values]
    return None


#: The type code of the arrays that hold a sheet's row numbers (:attr:`SheetColumns.rows`).
ROW_NUMBERS: Final = "l"


@attrs.frozen
class SheetColumns:
    """A sheet read into columns (one list per field of the record class), with where
    each row came from."""

    record: type
    #: A list a field, a :class:`TextStore` for a deferred column, or an
    #: :class:`AbsentColumn` for a field no column of the sheet holds.
    columns: dict[str, list[Any] | TextStore | AbsentColumn]
    #: The row number of each record (an array: 750 000 numbers take 6 MB, not 27).
    rows: array[int]
    letters: dict[str, str]
    sheet: str
    file: str | None
    rank: int
    #: Cells that did not read, by row index and field: the dataset's checks of their
    #: stand-in values say nothing more.
    bad_cells: set[tuple[int, str]]
    #: The records themselves, kept instead of the columns by the row-wise reference.
    records: list[Any] | None = None
    #: The deferred columns (free text, read when first asked for) and their default:
    #: they hold cells as they are, or values wrapped (see ``_columns.load_text``).
    deferred: dict[str, object] = attrs.field(factory=dict)

    def add(self, record: object, number: int) -> None:
        """A row read by :class:`RowReader`."""
        if self.records is not None:
            self.records.append(record)
        else:
            for name, column in self.columns.items():
                value = getattr(record, name)
                column.append(Parsed(value) if name in self.deferred else value)
        self.rows.append(number)


@attrs.frozen
class Parsed:
    """A deferred column's value already read (an odd row, a block of other cells)."""

    value: object


#: Between the cells of a deferred column that a :class:`TextStore` joins into one text.
_UNIT = "\x1f"


class TextStore:
    """A deferred column's stored cells, compactly: a run of text cells is joined into one
    string (U+001F between the cells) instead of one string object per row, unless a cell
    holds that character; other cells (:class:`Parsed` values) are kept one by one.
    :meth:`cells` gives them all back, in order. The names, phones and e-mails of 150 000
    persons then take a few strings per block, not 450 000 objects."""

    __slots__ = ("_parts",)

    def __init__(self) -> None:
        self._parts: list[str | list[object]] = []

    def extend(self, cells: list[object]) -> None:
        """Add cells: raw texts as a file holds them, or :class:`Parsed` values."""
        if not cells:
            return
        if set(map(type, cells)) == {str}:
            text = _UNIT.join(cast("list[str]", cells))
            if text.count(_UNIT) == len(cells) - 1:
                self._parts.append(text)
                return
        self._list().extend(cells)

    def append(self, cell: object) -> None:
        """Add one cell."""
        self._list().append(cell)

    def _list(self) -> list[object]:
        last = self._parts[-1] if self._parts else None
        if last.__class__ is list:
            return last
        added: list[object] = []
        self._parts.append(added)
        return added

    def cells(self) -> Iterator[object]:
        """The cells, in the order they were added."""
        for part in self._parts:
            if part.__class__ is str:
                yield from part.split(_UNIT)
            else:
                yield from part

    def runs(self) -> Iterator[tuple[str | None, list[object]]]:
        """The cells by runs, in order: each run with the text it was joined from (its
        cells are then texts), or ``None`` for cells kept one by one."""
        for part in self._parts:
            if isinstance(part, str):
                yield part, cast("list[object]", part.split(_UNIT))
            else:
                yield None, part

    def detach(self) -> TextStore:
        """A store holding what this one held, which is left empty."""
        moved = TextStore()
        moved._parts, self._parts = self._parts, []
        return moved


class AbsentColumn:
    """A field no column of the sheet holds: every row has the field's default, kept
    once, never as a list of it row by row (the sheet's column then becomes a
    :class:`~citeslab_core.model.Repeated`)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def extend(self, values: Iterable[object]) -> None:
        """Rows added: each holds :attr:`value`."""

    def append(self, value: object) -> None:
        """A row added by :class:`RowReader`: it holds :attr:`value`, the default."""


_BLANK_HEADER = (
    "valeur dans une colonne sans en-tête (donnez-lui un nom, ou un nom commençant par _ "
    "pour qu'elle soit ignorée)"
)


class RowReader:
    """The rows of a sheet read one at a time, cell by cell: the reference reading, which
    reports every problem where it is (into ``out``) and adds the rows that make a record
    to ``table``."""

    def __init__(
        self,
        rank: int,
        columns: list[tuple[int, FieldSpec]],
        blank_headers: list[int],
        span: int,
        table: SheetColumns,
        out: Collector,
    ) -> None:
        self.rank, self.table, self.out, self.span = rank, table, out, span
        #: Headerless columns (inside the header's span, then beyond it as found).
        self.blank_headers = blank_headers
        self.reported_blank: set[int] = set()
        self.specs = {s.name: s for _, s in columns}
        self.required = [s for _, s in columns if s.required]
        self.plan = [(i, s.name, None if s.parse is parse_text else s.parse) for i, s in columns]
        self.memos: dict[str, dict[tuple[type, object], object]] = {s.name: {} for _, s in columns}

    def read(self, number: int, values: Sequence[object]) -> None:
        """One row: its record added to the table, its problems reported."""
        made = self.make(number, values)
        if made is not None:
            self.add(number, made)

    def add(self, number: int, made: tuple[object, frozenset[str]]) -> None:
        """Add a record :meth:`make` made (with the fields whose cell did not read)."""
        record, failed = made
        table = self.table
        for name in failed:
            table.bad_cells.add((len(table.rows), name))
        table.add(record, number)

    def make(self, number: int, values: Sequence[object]) -> tuple[object, frozenset[str]] | None:
        """One row's record and the fields whose cell did not read, its problems reported;
        ``None`` when the row makes no record (empty, or a required cell missing)."""
        if not values:
            return None
        kwargs: dict[str, object] = {}
        failed: set[str] = set()
        filled = self._cells(number, values, kwargs, failed)
        filled = self._blank_cells(number, values) or filled
        if not filled:
            return None
        table = self.table
        if not failed and all(spec.name in kwargs for spec in self.required):
            return table.record(**kwargs), frozenset()
        for spec in self.required:
            if spec.name in kwargs:
                continue
            if spec.name not in failed:
                letter = table.letters[spec.name]
                self.out.add(
                    self.rank,
                    Location(table.file, table.sheet, number, spec.column, letter),
                    f"la colonne « {column_title(table.sheet, spec.column)} » est obligatoire",
                    letter_index(letter),
                )
            if spec.placeholder is MISSING:
                return None
            kwargs[spec.name] = spec.placeholder
            failed.add(spec.name)  # the placeholder's own checks say nothing more
        return table.record(**kwargs), frozenset(failed)

    def _cells(
        self, number: int, values: Sequence[object], kwargs: dict[str, object], failed: set[str]
    ) -> bool:
        """The row's values into ``kwargs``, the fields whose cell does not read into
        ``failed`` (each reported); whether any cell holds something."""
        width = len(values)
        filled = False
        table = self.table
        for index, name, parse in self.plan:
            if index >= width:
                continue
            raw = values[index]
            if raw is None or raw == "":
                continue
            memo = self.memos[name]
            key = (raw.__class__, raw)
            value = memo.get(key, MISSING)
            if value is MISSING:
                value = memo[key] = cell_value(raw, parse)
            if value is EMPTY:
                continue
            filled = True
            if value.__class__ is not Failure:
                kwargs[name] = value
                continue
            failed.add(name)
            self.out.add(
                self.rank,
                Location(
                    table.file, table.sheet, number, self.specs[name].column, column_letter(index)
                ),
                value.message,
                index,
            )
        return filled

    def _blank_cells(self, number: int, values: Sequence[object]) -> bool:
        """Whether a headerless column holds something (the first such cell of each
        column reported)."""
        width, span = len(values), self.span
        blank, reported = self.blank_headers, self.reported_blank
        if width > span and any(values[span:]):
            # Cells right of the last header: checked only when something is there.
            blank.extend(
                i for i in range(span, width) if not is_empty(values[i]) and i not in reported
            )
        filled = False
        for index in blank:
            if index < width and not is_empty(values[index]):
                filled = True
                if index not in reported:
                    reported.add(index)
                    self.out.add(
                        self.rank,
                        Location(
                            self.table.file, self.table.sheet, number, None, column_letter(index)
                        ),
                        _BLANK_HEADER,
                        index,
                    )
        return filled
