"""CSV files read by ``pyarrow.csv`` (the ``citeslab[rapide]`` extra), handed to the same
column-wise reading as the pure-Python path (:mod:`citeslab_core.readers._columns`).

pyarrow parses a file into string columns (on one thread: the peak memory is then about
pandas', for the same CPU time), a Windows-1252 file into byte columns (its texts decoded
afterwards, a distinct text once, not every byte through Python's codec); each block of
rows is then given column by column, each column dictionary-encoded (its distinct texts
once, and for each row the index of its text): the column-wise reading parses each
distinct text once, as it does, and spreads the values over the rows with one NumPy
``take`` instead of a lookup per cell. Rows that do not read go, as always, to the
row-wise reading, which names each problem where it is.

The pure-Python reading stays the reference (``tests/test_arrow.py`` holds both equal on
generated messy files). A file pyarrow cannot read as the pure path would (rows of
different widths, blank lines, a quote left open, a byte Windows-1252 does not define) is
read by the pure path: :func:`arrow_rows` returns ``None``. pyarrow is imported only here,
when a folder is read.
"""

from __future__ import annotations

import csv
import io
from array import array
from collections import deque
from collections.abc import Iterator, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from citeslab_core.readers import _columns
from citeslab_core.readers._blocks import CodedColumn, ColumnBlock
from citeslab_core.readers._rows import ROW_NUMBERS

__all__ = ["ArrowRows", "arrow_available", "arrow_rows"]


def arrow_available() -> bool:
    """Whether pyarrow and NumPy can be imported (without importing them)."""
    return find_spec("pyarrow") is not None and find_spec("numpy") is not None


def arrow_rows(path: Path, encoding: str, delimiter: str, first: str) -> ArrowRows | None:
    """The records of the CSV file at ``path`` (``first``: its first piece of text, which
    holds its header), or ``None`` when pyarrow does not read it as the pure path would."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    data = path.read_bytes()  # looked at, then let go before pyarrow reads the file
    quoted = b'"' in data
    skipped = _blank_line_numbers(data, quoted)
    # Windows-1252 is read as bytes, each distinct text decoded once afterwards, not
    # every byte by pyarrow (which calls Python's codec: 150 000 persons, 0.2 s of CPU);
    # a byte it leaves undefined sends the file to the pure path, which replaces it
    legacy = not encoding.startswith("utf-8")
    undefined = legacy and any(byte in data for byte in _UNDEFINED_1252)
    del data
    if skipped is None or undefined:
        return None
    header = next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter), [])
    width = len(header)
    if not width:
        return None
    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                # one thread: on two cores the same CPU time, 45 MiB less at the peak
                # (150 000 persons), for a tenth of a second of wall time
                use_threads=False,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                newlines_in_values=quoted,
                ignore_empty_lines=bool(skipped),
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.binary() if legacy else pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None
    return ArrowRows(table, skipped, legacy=legacy)


#: The bytes Windows-1252 does not define (Python's codec refuses them).
_UNDEFINED_1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


def _decoded(texts: list[Any]) -> list[str]:
    """Windows-1252 ``texts`` (bytes) decoded by one C-level join, decode and split (a
    file holding a NUL byte is no text: its texts hold none)."""
    if not texts:
        return []
    return b"\x00".join(texts).decode("cp1252").split("\x00")


def _blank_line_numbers(data: bytes, quoted: bool) -> list[int] | None:
    """The numbers (from 1) of the file's empty lines, which the pure path skips but
    counts in the row numbers and pyarrow skips; ``None`` when pyarrow would not number
    the records as the pure path does: empty lines where a line may not be a record (a
    quote, a lone carriage return, a line break first).

    An empty line is two line breaks in a row (``\\n\\n``, ``\\n\\r\\n``, ``\\r\\r``), or the
    text ending with one more than its last line's (an empty file too). Found by NumPy
    over the bytes (the positions of the line feeds and carriage returns), in two passes
    instead of a search per pattern: a 36 MB file of 750 000 lines is read in a few
    hundredths of a second."""
    import numpy as np

    size = len(data)
    end = size - (2 if data.endswith(b"\r\n") else 1 if data.endswith((b"\n", b"\r")) else 0)
    if end <= 0:  # nothing but a line break, or nothing: an empty line first
        return None
    octets = np.frombuffer(data, dtype=np.uint8)
    feeds = np.flatnonzero(octets == 10)
    returns = np.flatnonzero(octets == 13)
    gaps = np.diff(feeds[feeds < end])  # the breaks within the text less its last one
    blank = (
        data[end - 1 : end] in (b"\n", b"\r")
        or bool(np.any(gaps == 1))
        or bool(np.any(np.diff(returns[returns < end]) == 1))
        or bool(np.any((gaps == 2) & (octets[feeds[: len(gaps)] + 1] == 13)))
    )
    if not blank:
        return []
    after = returns + 1
    lone = np.any(after >= size) or np.any(octets[np.minimum(after, size - 1)] != 10)
    if quoted or lone or data[:1] in (b"\r", b"\n"):
        return None
    # every line ends with a line feed: line k + 2 is empty when the feeds ending lines
    # k + 1 and k + 2 are one apart, or two with a carriage return between
    gaps = np.diff(feeds)
    empty = (gaps == 1) | ((gaps == 2) & (octets[feeds[:-1] + 1] == 13))
    numbers: list[int] = (np.flatnonzero(empty) + 2).tolist()
    return numbers


def _numbers(count: int, skipped: list[int]) -> array[int]:
    """The row numbers of ``count`` records, from 1, the ``skipped`` numbers left out: an
    array of machine integers, as a sheet keeps its rows' numbers (a block's numbers are
    then a slice of it, added to the sheet's by one copy, not one object a row)."""
    import numpy as np

    blanks = sorted(set(skipped))
    total = count + len(blanks)  # the records' numbers and the blanks' among them
    numbers = np.delete(np.arange(1, total + 1), [b - 1 for b in blanks if b <= total])
    kept = array(ROW_NUMBERS)
    kept.frombytes(numbers[:count].astype(f"i{kept.itemsize}").tobytes())
    return kept


class ArrowRows:
    """A CSV file's records as pyarrow read them: iterated, ``(number, cells)`` (the header
    first, numbered 1); after the header, :meth:`blocks` gives the rest a block at a time
    (:class:`~citeslab_core.readers._blocks.BlockRows`). The table's batches (pyarrow
    parses a file in pieces, each with buffers of its own) are let go as they are read,
    so that the table and the dataset are not held whole at once."""

    def __init__(
        self, table: Any, skipped: list[int] | None = None, *, legacy: bool = False
    ) -> None:
        self._numbers = _numbers(table.num_rows, skipped or [])
        self._legacy = legacy  # read as Windows-1252 bytes, decoded here
        self._batches = deque(batch for batch in table.to_batches() if batch.num_rows)
        self._next = 0  # the next record's index in the file (its row number - 1)
        self._rows: Iterator[tuple[int, Sequence[object]]] | None = None

    def __iter__(self) -> ArrowRows:
        return self

    def __next__(self) -> tuple[int, Sequence[object]]:
        if self._rows is None:
            self._rows = self._all_rows()
        return next(self._rows)

    def _take(self, count: int) -> Any:
        """The next ``count`` records (or fewer, at the end) as one table; their batches
        are let go."""
        import pyarrow as pa

        taken = []
        while self._batches and count > 0:
            batch = self._batches.popleft()
            if batch.num_rows > count:
                self._batches.appendleft(batch.slice(count))
                batch = batch.slice(0, count)
            taken.append(batch)
            count -= batch.num_rows
        part = pa.Table.from_batches(taken) if taken else None
        if part is not None:
            self._next += part.num_rows
        return part

    def _all_rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        if self._next == 0 and self._batches:  # the header, alone
            header = self._take(1)
            yield self._numbers[0], [_ArrowColumn(c, self._legacy).cell(0) for c in header.columns]
        while self._batches:
            start = self._next
            part = self._take(_columns.CHUNK_ROWS)
            columns = [_ArrowColumn(column, self._legacy).texts() for column in part.columns]
            for offset, cells in enumerate(zip(*columns, strict=True)):
                yield self._numbers[start + offset], list(cells)

    def blocks(self) -> Iterator[ColumnBlock]:
        """The remaining rows, :data:`~citeslab_core.readers._columns.CHUNK_ROWS` at a
        time, each column as :class:`_ArrowColumn` (dictionary-encoded when asked)."""
        self._rows = iter(())  # the rows go by blocks from here
        while self._batches:
            start = self._next
            part = self._take(_columns.CHUNK_ROWS)
            columns: list[CodedColumn] = [
                _ArrowColumn(column.combine_chunks(), self._legacy) for column in part.columns
            ]
            del part
            yield ColumnBlock(self._numbers[start : self._next], columns)
        # pyarrow's allocator keeps what the table held for later tables: given back
        # now, before the next file is read (150 000 persons: 100 MiB less at the peak)
        import pyarrow as pa

        pa.default_memory_pool().release_unused()


class _ArrowColumn:
    """A column of a block as pyarrow parsed it: its texts (a column of identifiers, of
    free text, whose texts are mostly distinct, read as they are: 10 ms for 150 000 rows
    where encoding them and spreading them back took 35-50 ms), or dictionary-encoded, its
    distinct texts once and each row's index (each distinct text then parsed once).
    ``legacy``: the column holds Windows-1252 bytes, decoded as they are read."""

    __slots__ = ("_array", "_encoded", "_legacy")

    def __init__(self, array: Any, legacy: bool = False) -> None:
        self._array = array
        self._legacy = legacy
        self._encoded: tuple[list[str], Any] | None = None

    def encoded(self) -> tuple[list[str], Any]:
        if self._encoded is None:
            import pyarrow.compute as pc

            encoded = pc.dictionary_encode(self._array)
            distinct = encoded.dictionary.to_pylist()
            if self._legacy:
                distinct = _decoded(distinct)
            self._encoded = (distinct, _indices(encoded.indices))
        return self._encoded

    def texts(self) -> list[str]:
        texts: list[Any] = self._array.to_pylist()
        return _decoded(texts) if self._legacy else texts

    def cell(self, row: int) -> str:
        text: Any = self._array[row].as_py()
        return str(text.decode("cp1252")) if self._legacy else str(text)


def _indices(indices: Any) -> Any:
    """A dictionary array's indices as a NumPy array, read from their buffer: pyarrow's
    ``to_numpy`` imports pandas when it is installed (half a second and 50 MiB that a
    command reading a folder does not need)."""
    import numpy as np

    if indices.null_count:  # pragma: no cover - the texts of a CSV file are never null
        return indices.to_numpy(zero_copy_only=False)
    width = indices.type.bit_width // 8
    return np.frombuffer(
        indices.buffers()[1], dtype=f"i{width}", count=len(indices), offset=indices.offset * width
    )
