"""Rows in blocks, as the sources hand them to the column-wise reading
(:mod:`citeslab_core.readers._columns`): rows of text stored flat (a CSV file without
quotes), rows of any width, or columns (pyarrow's, :mod:`citeslab_core.readers._arrow`),
and :class:`Block`, the form the column-wise reading sees them in."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, Protocol, cast, runtime_checkable

import attrs

from citeslab_core.readers._cells import is_empty

__all__ = ["Block", "BlockRows", "CodedColumn", "ColumnBlock", "RaggedBlock", "RowBlock"]


@attrs.frozen
class RowBlock:
    """Consecutive rows of text cells, stored row after row in one list: the cell of row
    ``i`` and column ``j`` is ``flat[i * width + j]`` (a CSV file without quotes, read
    without one list per row)."""

    numbers: Sequence[int]
    flat: list[str]
    width: int


@attrs.frozen
class ColumnBlock:
    """Consecutive rows given column by column, every row as wide as the header (see
    :mod:`citeslab_core.readers._arrow`)."""

    numbers: Sequence[int]
    columns: list[CodedColumn]


class CodedColumn(Protocol):
    """A column of a :class:`ColumnBlock`, each form made when asked for."""

    def encoded(self) -> tuple[list[str], Any]:
        """Dictionary-encoded: its distinct texts and, for each row, the index of its text
        (a NumPy array)."""
        ...

    def texts(self) -> list[str]:
        """Its texts, one a row."""
        ...

    def cell(self, row: int) -> str:
        """One row's text."""
        ...


@attrs.frozen
class RaggedBlock:
    """Consecutive rows of any width, one sequence of cells a row."""

    numbers: Sequence[int]
    rows: list[Sequence[object]]


@runtime_checkable
class BlockRows(Protocol):
    """A sheet's rows that can also be handed over in blocks: once the header row was
    read from the iterator, :meth:`blocks` yields the rest of the rows."""

    def __iter__(self) -> Iterator[tuple[int, Sequence[object]]]: ...

    def __next__(self) -> tuple[int, Sequence[object]]: ...

    def blocks(self) -> Iterator[RowBlock | RaggedBlock | ColumnBlock]: ...


class Block:
    """Rows read at once, as the column-wise pass sees them: every row ``width`` cells wide
    (short rows padded, long rows cut to the header's span, and marked ``odd`` when they
    hold something beyond it)."""

    __slots__ = (
        "_cells",
        "_encoded",
        "_flat",
        "_rows",
        "count",
        "numbers",
        "odd",
        "text_only",
        "width",
    )

    def __init__(
        self,
        numbers: Sequence[int],
        *,
        rows: list[Sequence[object]] | None = None,
        flat: list[str] | None = None,
        encoded: list[CodedColumn] | None = None,
        width: int = 0,
        span: int = 0,
    ) -> None:
        self.numbers = numbers
        self.count = len(numbers)
        self.odd: set[int] = set()
        self._rows = rows
        self._flat = flat
        self._encoded = encoded
        self.width = len(encoded) if encoded is not None else width
        self._cells: list[Sequence[object]] = []
        self.text_only = flat is not None or encoded is not None  # every cell a str
        if rows is None:
            return
        self.width = span
        cells = rows
        if set(map(len, rows)) != {span}:
            cells = list(rows)
            padding = (None,) * span
            for i, values in enumerate(rows):
                size = len(values)
                if size < span:
                    cells[i] = (*values, *padding[size:])
                    if not size:
                        self.odd.add(i)
                elif size > span:
                    if any(not is_empty(v) for v in values[span:]):
                        self.odd.add(i)
                    cells[i] = values[:span]
        self._cells = cells

    def coded(self, index: int) -> CodedColumn | None:
        """A column as a :class:`ColumnBlock` gives it (which can dictionary-encode it),
        when the block was given so."""
        if self._encoded is None or index >= self.width:
            return None
        return self._encoded[index]

    def column(self, index: int) -> list[object]:
        """The cells of a column, one a row (``None`` beyond a row's end)."""
        if self._encoded is not None:
            if index >= self.width:
                return [None] * self.count
            return cast("list[object]", self._encoded[index].texts())
        if self._flat is not None:
            if index >= self.width:
                return [None] * self.count
            return self._flat[index :: self.width]  # type: ignore[return-value]
        return list(map(itemgetter(index), self._cells))

    def row(self, i: int) -> Sequence[object]:
        """A row's cells as the file holds them."""
        if self._rows is not None:
            return self._rows[i]
        if self._encoded is not None:
            return [column.cell(i) for column in self._encoded]
        assert self._flat is not None
        return self._flat[i * self.width : (i + 1) * self.width]
