"""The column-wise reading of a sheet's rows: each distinct cell of a column parsed once.

Rows come in blocks (:data:`CHUNK_ROWS` rows, or the blocks a :class:`BlockRows` source
hands over: a CSV file without quotes is one ``str.split`` per block). Each column keeps a
memo *raw cell → value*; the values of the rows whose every cell reads cleanly go straight
into the sheet's columns, any other row goes through the row-wise reading
(:class:`~citeslab_core.readers._rows.RowReader`), the reference, which names each problem.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import compress, count, islice, repeat
from operator import is_, itemgetter
from typing import Any, Final, TypeGuard, cast

import attrs

from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.model.limits import MAX_TEXT_CHARS
from citeslab_core.readers._blocks import Block, BlockRows, ColumnBlock, RowBlock
from citeslab_core.readers._cells import (
    EMPTY,
    MISSING,
    DateParser,
    Failure,
    FieldSpec,
    Marker,
    Parser,
    PercentCell,
    cell_value,
    is_empty,
    parse_text,
)
from citeslab_core.readers._rows import (
    AbsentColumn,
    Collector,
    Parsed,
    RowReader,
    SheetColumns,
    TextStore,
)

__all__ = [
    "CHUNK_ROWS",
    "DeferredText",
    "load_text",
    "read_rows",
]

#: Rows read at a time: the column-wise pass holds this many rows' raw cells at once.
CHUNK_ROWS = 50_000


#: A cell the column-wise pass leaves to the row-wise pass: it does not read, or it is an
#: empty cell of a required column.
_ODD: Final = Marker.ODD
#: Cell types whose values compare equal across types (``1 == 1.0 == True``): a column
#: holding one of them is looked up by (type, value), never by value alone.
_NUMBERS = frozenset({bool, int, float, Decimal, PercentCell})
#: A dictionary-encoded block of at least this many rows tells whether a column's texts
#: are mostly distinct (see ``_Column.mostly_distinct``).
_MANY_ROWS = 1_000
#: The most distinct values a column remembers; beyond, it starts again (memory bound).
_MEMO_LIMIT = 250_000


@attrs.define
class _Column:
    """One model field as the column-wise pass reads it."""

    index: int  # in the sheet; -1: the column is absent, every row gets ``default``
    parse: Parser | None  # None: text
    required: bool
    default: object
    memo: dict[object, object] = attrs.field(factory=dict)  # raw cell → value, or _ODD
    #: One object per value of a date or a partial date (a day's partial date keyed by
    #: its day): ``2023-03-14`` and ``14/03/2023`` read as the same object (the
    #: fingerprint and the frames then find one distinct object per value).
    canonical: dict[object, object] = attrs.field(factory=dict)
    has_odd: bool = False  # whether the memo holds _ODD
    #: A free-text column (names, phone, comments): its cells are kept as they are and
    #: read when the column is first asked for (:func:`load_text`); nothing computes on it.
    deferred: bool = False
    #: The last dictionary-encoded block's texts were mostly distinct: the next blocks'
    #: cells are read as plain texts (:meth:`_encoded_values`).
    mostly_distinct: bool = False

    def values(self, block: Block, odd_rows: set[int]) -> list[object] | _Coded:
        """The column's values in ``block`` (a dictionary-encoded column's as
        :class:`_Coded`, spread over the rows when they are known); rows it cannot read
        go to ``odd_rows``. A deferred column gives its cells as they are (only texts of a
        fitting length, which always read), or each value wrapped in :class:`Parsed`."""
        coded = block.coded(self.index)
        if coded is not None and not self.deferred and not self.mostly_distinct:
            return self._encoded_values(coded.encoded(), block.count, odd_rows)
        raw = block.column(self.index)
        if self.deferred:
            texts = cast("list[str]", raw)  # when the block is text_only
            if block.text_only and max(map(len, texts), default=0) <= MAX_TEXT_CHARS:
                return raw
            return list(map(Parsed, self._values(raw, block, odd_rows)))
        return self._values(raw, block, odd_rows)

    def _encoded_values(
        self, encoded: tuple[list[str], Any], count: int, odd_rows: set[int]
    ) -> _Coded:
        """The values of a dictionary-encoded column: each distinct text read once, spread
        over the rows by NumPy once the block's odd rows are known. A column whose texts
        are mostly distinct (identifiers) is read as plain texts from the next block on:
        encoding it costs more than it saves."""
        texts, indices = encoded
        self.mostly_distinct = count >= _MANY_ROWS and 2 * len(texts) > count
        self._learn(set(texts))
        parsed = list(map(self.memo.__getitem__, texts))
        if self.has_odd:
            odd_rows.update(_rows_holding([k for k, v in enumerate(parsed) if v is _ODD], indices))
        return _Coded(parsed, indices)

    def _values(self, raw: list[object], block: Block, odd_rows: set[int]) -> list[object]:
        memo = self.memo
        if block.text_only:
            # Cells already seen (after the first block, nearly all of them in a column of
            # codes or dates) are looked up in one pass; a new one stops it at once.
            try:
                values = list(map(memo.__getitem__, raw))
            except KeyError:
                self._learn(set(raw))
                values = list(map(memo.__getitem__, raw))
        else:
            distinct = set(raw)
            if not _NUMBERS.isdisjoint(map(type, distinct)):
                return self._typed(raw, odd_rows)
            self._learn(distinct)
            values = list(map(memo.__getitem__, raw))
        if self.has_odd:  # the rows holding _ODD, by one C-level pass
            odd_rows.update(compress(count(), map(is_, values, repeat(_ODD))))
        return values

    def _learn(self, distinct: set[object]) -> None:
        """Read the cells of ``distinct`` not read yet."""
        memo = self.memo
        unread = distinct.difference(memo)
        if not unread:
            return
        if len(memo) + len(unread) > _MEMO_LIMIT:
            memo.clear()
            self.canonical.clear()
            unread = distinct
        parse = self.parse
        new: Iterable[object] = unread
        if parse is None:
            new = _learn_texts(memo, unread)
        elif parse.__class__ is DateParser:
            new = _learn_days(memo, self.canonical, parse, unread)
        canonical = self.canonical
        for cell in new:
            value: object
            if parse is None and _plain_text(cell):
                value = cell.strip() or EMPTY  # a text
            else:
                value = cell_value(cell, parse)
            if value.__class__ is Failure or (value is EMPTY and self.required):
                value = _ODD
                self.has_odd = True
            elif value is EMPTY:
                value = self.default
            elif value.__class__ in _ONE_OBJECT:
                value = canonical.setdefault(_day_of(value), value)
            memo[cell] = value

    def _typed(self, raw: list[object], odd_rows: set[int]) -> list[object]:
        """Cells of mixed types (a workbook): looked up by type and value, cell by cell."""
        memo: dict[tuple[type, object], object] = {}
        values: list[object] = []
        for i, cell in enumerate(raw):
            key = (cell.__class__, cell)
            value = memo.get(key, MISSING)
            if value is MISSING:
                value = memo[key] = cell_value(cell, self.parse)
            if value is EMPTY or value.__class__ is Failure:
                if value is not EMPTY or self.required:
                    odd_rows.add(i)
                value = self.default
            values.append(value)
        return values


#: The values read as one object per value (see ``_Column.canonical``).
_ONE_OBJECT: Final = frozenset({dt.date, PartialDate, dt.time})


def _plain_texts(cells: Iterable[object]) -> list[str] | None:
    """``cells`` as a list when every one is a text a cell reads as itself stripped (of a
    fitting length, not quoted by an apostrophe: :func:`_plain_text`), else ``None``;
    found by C-level passes."""
    listed = list(cells)
    if (
        _STR.issuperset(map(type, listed))
        and max(map(len, cast("list[str]", listed)), default=0) <= MAX_TEXT_CHARS
        and not any(map(str.startswith, cast("list[str]", listed), repeat("'")))
    ):
        return cast("list[str]", listed)
    return None


def _learn_texts(memo: dict[object, object], cells: set[object]) -> Iterable[object]:
    """Learn the ``cells`` of a text column that read as themselves stripped by C-level
    passes (the commonest: :func:`_plain_texts`), as ``_Column._learn`` reads each; the
    others are returned, to be read one by one (all of them unless every one is plain)."""
    texts = _plain_texts(cells)
    if texts is None:
        return cells
    stripped = list(map(str.strip, texts))
    if "" in stripped:  # empty cells: read one by one (the default, or a missing value)
        memo.update((t, s) for t, s in zip(texts, stripped, strict=True) if s)
        return [t for t, s in zip(texts, stripped, strict=True) if not s]
    memo.update(zip(texts, stripped, strict=True))
    return ()


def _learn_days(
    memo: dict[object, object],
    canonical: dict[object, object],
    parse: DateParser,
    cells: Iterable[object],
) -> Iterable[object]:
    """Learn the cells of a date column written in the commonest forms at once
    (:meth:`DateParser.common`), one object per value; the others are returned."""
    listed = list(cells)
    if not _STR.issuperset(map(type, listed)):
        return listed
    found, rest = parse.common(cast("list[str]", listed), canonical)
    memo.update(found)
    return rest


def _day_of(value: object) -> object:
    """The key of ``value`` in ``_Column.canonical``: a day's partial date by its day, as
    :meth:`DateParser.common` keeps it, any other value by itself."""
    if value.__class__ is PartialDate:
        assert isinstance(value, PartialDate)
        if value.precision is Precision.DAY:
            return value.start
    return value


_STR: Final = frozenset({str})


def _column_plan(cls: type, columns: list[tuple[int, FieldSpec]]) -> list[_Column] | None:
    """The column-wise reading of ``cls``'s fields, or ``None`` when ``cls`` cannot be
    built from positional values alone (then every row is read row-wise)."""
    index_of = {spec.name: (index, spec) for index, spec in columns}
    plan: list[_Column] = []
    if not any(spec.required for _, spec in columns):
        return None  # empty rows are recognised by their empty required cells
    for field in attrs.fields(cls):
        if not field.init or field.kw_only or isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            return None
        index, spec = index_of.get(field.name, (-1, None))
        if spec is None:
            if field.default is attrs.NOTHING:
                return None
            plan.append(_Column(-1, None, False, field.default))
            continue
        parse = None if spec.parse is parse_text else spec.parse
        deferred = parse is None and not spec.required and bool(field.metadata.get("private"))
        plan.append(_Column(index, parse, spec.required, field.default, deferred=deferred))
    return plan


def load_text(stored: TextStore, default: object) -> list[object]:
    """A deferred text column's values from what the reading stored: cells as they are
    (read now, as :func:`~citeslab_core.readers._cells.cell_value` reads a text) or
    :class:`Parsed` values.

    A run of texts none of which is quoted by an apostrophe or too long (the commonest:
    names, phones) is read by C-level passes: each text stripped, an empty one the
    default, as :func:`_text_value` reads them one by one."""
    values: list[object] = []
    for joined, cells in stored.runs():
        if (
            joined is not None
            and not joined.startswith("'")
            and _QUOTED not in joined
            and max(map(len, cast("list[str]", cells))) <= MAX_TEXT_CHARS
        ):
            texts = list(map(str.strip, cast("list[str]", cells)))
            values.extend([text or default for text in texts] if "" in texts else texts)
        else:
            values.extend([_text_value(cell, default) for cell in cells])
    return values


#: A cell quoted by an apostrophe inside a run of joined texts (see :class:`TextStore`).
_QUOTED: Final = "\x1f'"


def _plain_text(cell: object) -> TypeGuard[str]:
    """Whether ``cell`` is a text read as itself, stripped (no apostrophe that quotes it,
    a fitting length): the commonest cell, read without
    :func:`~citeslab_core.readers._cells.cell_value`."""
    return cell.__class__ is str and bool(cell) and cell[0] != "'" and len(cell) <= MAX_TEXT_CHARS


def _text_value(cell: object, default: object) -> object:
    """A stored cell's value (:func:`load_text`, one cell)."""
    if cell.__class__ is Parsed:
        return cell.value
    if _plain_text(cell):
        return cell.strip() or default
    value = cell_value(cell, None)
    return default if value is EMPTY else value


@attrs.frozen
class DeferredText:
    """The loader of a deferred text column: called, every value
    (:func:`load_text`); :meth:`pick` reads only some rows'."""

    stored: TextStore
    default: object

    def __call__(self) -> list[object]:
        return load_text(self.stored, self.default)

    def pick(self, rows: Sequence[int]) -> list[object]:
        """The values at ``rows`` (indexes, in increasing order)."""
        values: list[object] = []
        wanted = iter(rows)
        target = next(wanted, None)
        if target is None:
            return values
        for index, cell in enumerate(self.stored.cells()):
            while index == target:  # a row asked for twice is given twice
                values.append(_text_value(cell, self.default))
                target = next(wanted, None)
            if target is None:
                break
        if target is not None:
            raise IndexError("row out of range")
        return values


def read_rows(
    rows: Iterator[tuple[int, Sequence[object]]],
    *,
    rank: int,
    columns: list[tuple[int, FieldSpec]],
    blank_headers: list[int],
    span: int,
    table: SheetColumns,
    out: Collector,
    row_wise: bool = False,
    known: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Read the data rows of a sheet into ``table``, problems into ``out``.

    ``known`` gives, for a text field, texts its cells are likely to hold (the persons'
    ids, for the events' ``porteur``): a cell that is one of them, as it is, reads as that
    very string, without being read (the events then share the persons' id strings).

    Rows are read :data:`CHUNK_ROWS` at a time, column by column: each distinct raw value
    of a column is parsed once (dates, codes and names repeat massively), and the values
    of the rows whose every cell reads cleanly go into the table's columns. Any other row
    (a cell that does not read, an empty required cell, an empty row, a value without a
    header, a short or long row) goes through the row-wise reading,
    :class:`~citeslab_core.readers._rows.RowReader`, which is the reference: it reports
    each problem in place. With ``row_wise``, every row does.
    """
    reader = RowReader(rank, columns, blank_headers, span, table, out)
    plan = None if row_wise else _column_plan(table.record, columns)
    if plan is None:
        for number, values in rows:
            reader.read(number, values)
        return
    read: list[_Column] = []  # the fields a column of the sheet holds
    columns_out: list[list[object] | TextStore] = []  # and their columns in the table
    for name, planned in zip(table.columns, plan, strict=True):
        if planned.index < 0:
            table.columns[name] = AbsentColumn(planned.default)
            continue
        texts = (known or {}).get(name)
        if texts is not None and planned.parse is None and len(texts) <= _MEMO_LIMIT:
            planned.memo = _as_themselves(texts)
        column: list[object] | TextStore = cast("list[object]", table.columns[name])
        if planned.deferred:
            table.deferred[name] = planned.default
            column = table.columns[name] = TextStore()
        read.append(planned)
        columns_out.append(column)
    numbers = table.rows
    inner_blank = list(blank_headers)  # headerless columns inside the header's span
    for block in _blocks(rows, span):
        odd_rows = set(block.odd)
        for blank in (*inner_blank, *range(span, block.width)):
            raw = block.column(blank)
            filled = {cell for cell in set(raw) if not is_empty(cell)}
            if filled:
                odd_rows.update(i for i, cell in enumerate(raw) if cell in filled)
        fields = [column.values(block, odd_rows) for column in read]
        row_numbers = block.numbers
        odd = sorted(odd_rows)
        good = _GoodRows(columns_out, numbers, fields, row_numbers, odd)
        begin = 0
        for i in odd:
            made = reader.make(row_numbers[i], block.row(i))
            if made is not None:  # the good rows before it first, in the file's order
                good.add(begin, i)
                reader.add(row_numbers[i], made)
                begin = i + 1
        good.add(begin, block.count)


@attrs.frozen
class _GoodRows:
    """A block's rows that read cleanly, added to the table a run at a time: ``fields``
    (each column's values in the block) into ``columns``, ``row_numbers`` into
    ``numbers``, less the ``odd`` rows (in increasing order), which the row-wise reading
    reads."""

    columns: list[list[object] | TextStore]
    numbers: Any
    fields: list[list[object] | _Coded]
    row_numbers: Sequence[int]
    odd: list[int]

    def add(self, begin: int, end: int) -> None:
        """Add the good rows from ``begin`` to ``end``. A dictionary-encoded column is
        spread over those rows alone; the others are added a run of good rows at a time
        (slices of a list, copied in C)."""
        odd = self.odd
        skipped = odd[bisect_left(odd, begin) : bisect_left(odd, end)]
        if begin >= end - len(skipped):
            return
        kept: Any = None  # the rows to spread a coded column over (NumPy indexes)
        if skipped and any(isinstance(values, _Coded) for values in self.fields):
            import numpy as np  # a coded column came from Arrow: NumPy is there

            kept = np.delete(np.arange(begin, end), np.subtract(skipped, begin))
        runs = _runs(begin, end, skipped)
        for column, values in zip(self.columns, self.fields, strict=True):
            if isinstance(values, _Coded):
                column.extend(values.rows(kept, begin, end))
            elif not skipped and begin == 0 and end == len(values):
                column.extend(values)
            else:
                for start, stop in runs:
                    column.extend(values[start:stop])
        for start, stop in runs:
            self.numbers.extend(self.row_numbers[start:stop])


def _runs(begin: int, end: int, skipped: list[int]) -> list[tuple[int, int]]:
    """The runs of rows from ``begin`` to ``end`` less the ``skipped`` ones."""
    runs = []
    for i in (*skipped, end):
        if i > begin:
            runs.append((begin, i))
        begin = i + 1
    return runs


@attrs.frozen
class _Coded:
    """A dictionary-encoded column's values in a block: ``distinct`` values, each row's
    index into them."""

    distinct: list[object]
    indices: Any

    def rows(self, kept: Any, begin: int, end: int) -> list[object]:
        """The values of the rows ``kept`` (NumPy indexes), or of the rows ``begin`` to
        ``end`` when ``kept`` is ``None``."""
        if kept is None:
            indices = (
                self.indices if begin == 0 and end == len(self.indices) else self.indices[begin:end]
            )
        else:
            indices = self.indices[kept]
        return _spread(self.distinct, indices)


def _as_themselves(texts: Sequence[str]) -> dict[object, object]:
    """The ``texts`` that a text cell reads as (see ``_Column._learn``), each to itself:
    by C-level passes when all of them are (the commonest: identifiers)."""
    plain = _plain_texts(texts)
    if plain is not None and "" not in plain and list(map(str.strip, plain)) == plain:
        return dict(zip(plain, plain, strict=True))
    return {text: text for text in texts if _reads_as_itself(text)}


def _reads_as_itself(text: str) -> bool:
    """Whether a text cell holding ``text`` reads as ``text`` (see ``_Column._learn``)."""
    return _plain_text(text) and text == text.strip()


def _spread(distinct: Sequence[object], indices: Any) -> list[object]:
    """The values of a dictionary-encoded column, one a row: one NumPy ``take``."""
    import numpy as np

    values = np.empty(len(distinct), dtype=object)
    values[:] = distinct
    spread: list[object] = values[indices].tolist()
    return spread


def _rows_holding(wanted: list[int], indices: Any) -> list[int]:
    """The rows whose index (into a column's distinct texts) is one of ``wanted``."""
    if not wanted:
        return []
    import numpy as np

    found: list[int] = np.flatnonzero(np.isin(indices, wanted)).tolist()
    return found


def _blocks(rows: Iterator[tuple[int, Sequence[object]]], span: int) -> Iterator[Block]:
    if isinstance(rows, BlockRows):
        for block in rows.blocks():
            if isinstance(block, ColumnBlock):
                if len(block.columns) >= span:
                    yield Block(block.numbers, encoded=block.columns)
                else:  # narrower than the header: padded row by row
                    coded = Block(block.numbers, encoded=block.columns)
                    rows_of = [coded.row(i) for i in range(coded.count)]
                    yield Block(block.numbers, rows=rows_of, span=span)
            elif isinstance(block, RowBlock) and block.width >= span:
                yield Block(block.numbers, flat=block.flat, width=block.width)
            elif isinstance(block, RowBlock):  # rows shorter than the header: padded
                flat, width = block.flat, block.width
                short: list[Sequence[object]] = [
                    flat[i : i + width] for i in range(0, len(flat), width)
                ]
                yield Block(block.numbers, rows=short, span=span)
            else:
                yield Block(block.numbers, rows=block.rows, span=span)
        return
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield Block(
            list(map(itemgetter(0), chunk)), rows=list(map(itemgetter(1), chunk)), span=span
        )
