"""A folder of CSV files, one per sheet of the workbook (``porteurs.csv``, ``suivis.csv``, …).

- File names are matched like sheet names (``Porteurs.csv`` is ``porteurs``); a ``.csv``
  whose name starts with ``_`` is ignored, any other unknown ``.csv`` is an error; other
  files (a README, the JSON, …) are left alone.
- Encoding: UTF-8, with or without BOM; if the file is not valid UTF-8, Windows-1252
  (what French Excel writes with "CSV (séparateur : point-virgule)").
- Separator: ``;``, ``,`` or a tab, whichever the header line holds most of.
- Row numbers are record numbers, the header being row 1 (the row a spreadsheet shows
  when it opens the file), and columns get their spreadsheet letters.
- With pyarrow installed (``citeslab[rapide]``), a folder of at least
  :data:`ARROW_MIN_BYTES` (:data:`ARROW_LOADED_MIN_BYTES` when pyarrow is already
  imported, as pandas imports it) is read by ``pyarrow.csv`` (:mod:`~citeslab_core.readers._arrow`)
  into the same column-wise reading; the pure-Python reading, the reference, reads the
  rest, and any file pyarrow would read otherwise (blank lines, rows of different widths).
- The reading changes no setting of the process: :mod:`csv`'s ``field_size_limit`` stays
  what the program set (131 072 characters by default, four times the longest text a
  cell may hold, :data:`~citeslab_core.model.limits.MAX_TEXT_CHARS`): a longer quoted cell is
  refused where it is (an unquoted one is split by hand, without the limit, and refused
  by the cell's own bound).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from itertools import chain, islice
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.model import Dataset
from citeslab_core.model.limits import MAX_TEXT_CHARS
from citeslab_core.readers._blocks import RaggedBlock, RowBlock
from citeslab_core.readers._columns import CHUNK_ROWS
from citeslab_core.readers.files import not_a_file, unreadable
from citeslab_core.readers.tables import RawSheet, build_dataset, is_ignored, known_sheet

if TYPE_CHECKING:
    from citeslab_core.readers._arrow import ArrowRows

__all__ = ["CsvRows", "read_csv_folder", "sniff_delimiter", "text_pieces"]


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one the first line holds most of (``;`` on a tie)."""
    first = text.split("\n", 1)[0]
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


#: Characters of a CSV file read at a time (about 40 000 rows of a ``suivis`` file).
BLOCK_CHARS = 2_000_000


class CsvRows:
    """The records of a CSV text, numbered from 1, as ``csv.reader`` reads them.

    The text is given whole, or as pieces that each end with a line break (the last one
    may not): a file is read a piece at a time (:func:`text_pieces`), so that a file of
    700 000 rows is never held whole. Iterating gives ``(number, cells)`` pairs. After the
    header, :meth:`blocks` gives the rest a block at a time
    (:class:`~citeslab_core.readers._blocks.BlockRows`): where a block of the text has no
    quote and every line as many separators, its cells are one ``str.split`` of the block,
    without a list per row; a block with quotes, and everything after it (a quoted cell
    may hold line breaks), is read by ``csv.reader``.
    """

    def __init__(
        self, text: str | Iterator[str], delimiter: str, *, file: str | None = None
    ) -> None:
        self._file = file  # the file's name, for a record csv.reader refuses
        self._pieces: Iterator[str] = iter((text,)) if isinstance(text, str) else text
        self._text = next(self._pieces, "")  # the piece being read
        self._sep = delimiter
        self._pos = 0  # where the next record starts in it, while it is split by hand
        self._number = 1  # the next record's number
        self._reader: Iterator[tuple[int, Sequence[object]]] | None = None

    def __iter__(self) -> CsvRows:
        return self

    def _piece(self) -> bool:
        """Whether text is left to read by hand (the next piece once one is read)."""
        while self._pos >= len(self._text):
            piece = next(self._pieces, None)
            if piece is None:
                self._text, self._pos = "", 0
                return False
            self._text, self._pos = piece, 0
        return True

    def _fall_back(self) -> Iterator[tuple[int, Sequence[object]]]:
        """``csv.reader`` from here to the end."""
        if self._reader is None:
            rest = self._text[self._pos :]
            self._text, self._pos = "", 0
            lines = chain.from_iterable(
                io.StringIO(piece, newline="") for piece in chain((rest,), self._pieces)
            )
            records = csv.reader(lines, delimiter=self._sep)
            self._reader = self._checked(enumerate(records, start=self._number))
        return self._reader

    def _checked(
        self, records: Iterator[tuple[int, list[str]]]
    ) -> Iterator[tuple[int, Sequence[object]]]:
        """The records of ``csv.reader``; the one it refuses (a quoted cell longer than
        :func:`csv.field_size_limit`) is an error located at its row."""
        number = self._number
        try:
            for number, cells in records:
                yield number, cells
                number += 1
        except csv.Error:
            from citeslab_core.readers._xlsx import number as french

            sheet = self._file.rsplit(".", 1)[0] if self._file else None
            raise InvalidData(
                [
                    Problem(
                        Location(self._file, sheet, number),
                        f"une cellule de plus de {french(csv.field_size_limit())} caractères "
                        f"(au plus {french(MAX_TEXT_CHARS)} dans une cellule)",
                    )
                ]
            ) from None

    def __next__(self) -> tuple[int, Sequence[object]]:
        if self._reader is not None:
            return next(self._reader)
        if not self._piece():
            raise StopIteration
        text, pos = self._text, self._pos
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        line = text[pos:end]
        if '"' in line or "\r" in line.removesuffix("\r"):
            return next(self._fall_back())
        line = line.removesuffix("\r")
        self._pos = end + 1
        number = self._number
        self._number += 1
        return number, line.split(self._sep) if line else []

    def blocks(self) -> Iterator[RowBlock | RaggedBlock]:
        """The remaining rows, a block at a time."""
        sep = self._sep
        count_sep = methodcaller("count", sep)
        while self._reader is None and self._piece():
            text, pos = self._text, self._pos
            end = text.find("\n", pos + BLOCK_CHARS)
            if end < 0:
                end = len(text)
            chunk = text[pos:end]
            if end < len(text) and chunk.endswith("\r"):
                chunk = chunk[:-1]  # the \r of the \r\n that ends the block
            if "\r" in chunk:
                chunk = chunk.replace("\r\n", "\n")
            if '"' in chunk or "\r" in chunk:
                break  # csv.reader from here
            if end == len(text) and chunk.endswith("\n"):
                chunk = chunk[:-1]
            lines = chunk.split("\n")
            numbers = list(range(self._number, self._number + len(lines)))
            self._number += len(lines)
            self._pos = end + 1
            if "" in lines:  # empty lines are empty rows, which hold nothing: left out
                kept = [k for k, line in enumerate(lines) if line]
                numbers = [numbers[k] for k in kept]
                lines = [lines[k] for k in kept]
                chunk = "\n".join(lines)
            counts = set(map(count_sep, lines))
            if len(counts) == 1:
                width = counts.pop() + 1
                yield RowBlock(numbers, chunk.replace("\n", sep).split(sep), width)
            elif lines:  # rows of different widths
                yield RaggedBlock(numbers, [line.split(sep) for line in lines])
        reader = self._fall_back()  # holds what is left of the text, if anything
        while chunk_rows := list(islice(reader, CHUNK_ROWS)):
            yield RaggedBlock(
                list(map(itemgetter(0), chunk_rows)), list(map(itemgetter(1), chunk_rows))
            )


#: Bytes of a file read at a time.
_READ_BYTES = 1 << 21


def _encoding(stream: BinaryIO) -> str | None:
    """The encoding of a CSV file, UTF-8 (BOM or not) when the whole file is, else
    Windows-1252; ``None`` when it holds a NUL character (it is no text). Read two
    megabytes at a time; the stream is left at its start."""
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8-sig")()
    while data := stream.read(_READ_BYTES):
        if b"\x00" in data:
            return None
        if utf8 is not None:
            try:
                utf8.decode(data)  # checked, not kept
            except UnicodeDecodeError:
                utf8 = None
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = None
    stream.seek(0)
    return "utf-8-sig" if utf8 is not None else "cp1252"


def text_pieces(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """The text of ``stream``, decoded two megabytes at a time, in pieces that each end with
    a line break (the last one may not)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    rest = ""
    while data := stream.read(_READ_BYTES):
        text = rest + decoder.decode(data)
        cut = text.rfind("\n") + 1
        if cut:
            yield text[:cut]
        rest = text[cut:]
    rest += decoder.decode(b"", final=True)
    if rest:
        yield rest


#: The size of a folder's CSV files from which pyarrow reads them, when installed. Below,
#: its import (0.15 s) outweighs what it saves (measured on ``citeslab bilan``: at 4 MiB,
#: 10 000 persons, the same CPU time or a little more, twice the pure path's peak memory;
#: at 15 MiB, 40 000 persons, 20 % less CPU, the peak of the analyst's pandas script and
#: 1.8 times the pure path's; at 58 MiB, 150 000 persons, about 20 % less: docs/performance.md).
ARROW_MIN_BYTES = 12 * 2**20

#: The same when pyarrow is already imported (a notebook that imported pandas 3, which
#: imports it): its import is then paid. Measured on the notebook's ``read_input`` +
#: ``to_frames()``: at 15 MiB (40 000 persons) 15 % less CPU, 50 MiB more at the peak; at
#: 4 MiB (10 000 persons) the same CPU time.
ARROW_LOADED_MIN_BYTES = 8 * 2**20

Engine = Literal["auto", "arrow", "pure"]


def read_csv_folder(path: Path, *, engine: Engine = "auto") -> Dataset:
    """The dataset of a folder of CSV files.

    ``engine``: ``"pure"`` reads with Python alone (the reference), ``"arrow"`` with
    pyarrow wherever it reads a file as the pure path does, ``"auto"`` with pyarrow when
    it is installed and the files weigh at least :data:`ARROW_MIN_BYTES`
    (:data:`ARROW_LOADED_MIN_BYTES` when pyarrow is already imported)."""
    entries = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
    files = [p for p in entries if p.is_file()]
    problems: list[Problem] = [
        # A FIFO would block, a device never end, a folder or a broken link be skipped
        # without a word: each is named (an optional sheet too).
        Problem(Location(p.name), not_a_file(p))
        for p in entries
        if not p.is_file() and not is_ignored(p.stem)
    ]
    use_arrow = engine == "arrow" or (engine == "auto" and _arrow_pays(files))
    folder = path.name or str(path)
    sheets: list[RawSheet] = []
    unread: set[str | None] = set()  # tables whose file the system refused to read
    with ExitStack() as opened:  # every file is closed, read through or not
        for file in files:
            stem = file.stem
            if is_ignored(stem):
                continue
            try:
                stream = opened.enter_context(file.open("rb"))
                encoding = _encoding(stream)
            except OSError as exc:
                problems.append(unreadable(file, exc))
                unread.add(known_sheet(stem))
                continue
            if encoding is None:
                problems.append(
                    Problem(Location(file.name), "ce n'est pas un fichier CSV (texte attendu)")
                )
                continue
            pieces = text_pieces(stream, encoding)
            first = next(pieces, "")
            delimiter = sniff_delimiter(first)
            rows: CsvRows | ArrowRows | None = None
            if use_arrow:
                from citeslab_core.readers._arrow import arrow_rows

                rows = arrow_rows(file, encoding, delimiter, first)
            if rows is None:
                rows = CsvRows(chain((first,), pieces), delimiter, file=file.name)
            sheets.append(RawSheet(stem, file.name, rows))
        return _read_sheets(sheets, problems, unread, folder)


def _arrow_pays(files: list[Path]) -> bool:
    """Whether pyarrow is installed and the files weigh enough for it to pay
    (:data:`ARROW_MIN_BYTES`, or :data:`ARROW_LOADED_MIN_BYTES` when it is imported)."""
    from citeslab_core.readers._arrow import arrow_available

    try:
        size = sum(file.stat().st_size for file in files)
    except OSError:
        return False
    loaded = sys.modules.get("pyarrow") is not None
    least = min(ARROW_MIN_BYTES, ARROW_LOADED_MIN_BYTES) if loaded else ARROW_MIN_BYTES
    return size >= least and arrow_available()


def _read_sheets(
    sheets: list[RawSheet], problems: list[Problem], unread: set[str | None], folder: str
) -> Dataset:
    # structure first: its year is the context of dates written without one.
    sheets.sort(key=lambda s: known_sheet(s.name) != "structure")

    def missing(table: str) -> str:
        return (
            f"le fichier {table}.csv manque dans le dossier {folder} (fichiers "
            "obligatoires : porteurs.csv, suivis.csv)"
        )

    try:
        data = build_dataset(sheets, file=folder, missing_hint=missing, csv_folder=True)
    except InvalidData as exc:
        said = {missing(table) for table in unread if table}  # "missing": said unreadable
        error = InvalidData([*problems, *(p for p in exc.problems if p.message not in said)])
        error.readable, error.set_aside = exc.readable, exc.set_aside  # what could be read
        raise error from None
    if problems:
        raise InvalidData(problems)
    return data
