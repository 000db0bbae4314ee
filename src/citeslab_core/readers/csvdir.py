"""A folder of CSV files, one per sheet of the workbook (``porteurs.csv``, ``suivis.csv``, …).

- File names are matched like sheet names (``Porteurs.csv`` is ``porteurs``); a ``.csv``
  whose name starts with ``_`` is ignored, any other unknown ``.csv`` is an error; other
  files (a README, the JSON, …) are left alone.
- Encoding: UTF-8, with or without BOM; if the file is not valid UTF-8, Windows-1252
  (what French Excel writes with "CSV (séparateur : point-virgule)").
- Separator: ``;``, ``,`` or a tab, whichever the header line holds most of.
- Row numbers are record numbers, the header being row 1 (the row a spreadsheet shows
  when it opens the file), and columns get their spreadsheet letters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from itertools import islice
from operator import itemgetter, methodcaller
from pathlib import Path

from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.model import Dataset
from citeslab_core.readers._columns import CHUNK_ROWS, RaggedBlock, RowBlock
from citeslab_core.readers.tables import RawSheet, build_dataset, is_ignored, known_sheet

__all__ = ["CsvRows", "decode", "read_csv_folder", "sniff_delimiter"]

csv.field_size_limit(2**31 - 1)


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


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

    Iterating gives ``(number, cells)`` pairs. After the header, :meth:`blocks` gives the
    rest a block at a time (:class:`~citeslab_core.readers._columns.BlockRows`): where a block
    of the text has no quote and every line as many separators, its cells are one
    ``str.split`` of the block, without a list per row; a block with quotes, and everything
    after it (a quoted cell may hold line breaks), is read by ``csv.reader``.
    """

    def __init__(self, text: str, delimiter: str) -> None:
        self._text = text
        self._sep = delimiter
        self._pos = 0  # where the next record starts, while the text is split by hand
        self._number = 1  # the next record's number
        self._reader: Iterator[tuple[int, Sequence[object]]] | None = None

    def __iter__(self) -> CsvRows:
        return self

    def _fall_back(self) -> Iterator[tuple[int, Sequence[object]]]:
        """``csv.reader`` from here to the end."""
        if self._reader is None:
            rest = io.StringIO(self._text[self._pos :], newline="")
            self._reader = enumerate(csv.reader(rest, delimiter=self._sep), start=self._number)
            self._pos = len(self._text)
        return self._reader

    def __next__(self) -> tuple[int, Sequence[object]]:
        if self._reader is not None:
            return next(self._reader)
        text, pos = self._text, self._pos
        if pos >= len(text):
            raise StopIteration
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
        text, sep = self._text, self._sep
        count_sep = methodcaller("count", sep)
        while self._reader is None and self._pos < len(text):
            pos = self._pos
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
        self._text = ""
        del text  # the file's text is released
        while chunk_rows := list(islice(reader, CHUNK_ROWS)):
            yield RaggedBlock(
                list(map(itemgetter(0), chunk_rows)), list(map(itemgetter(1), chunk_rows))
            )


def _rows(text: str) -> CsvRows:
    return CsvRows(text, sniff_delimiter(text))


def read_csv_folder(path: Path) -> Dataset:
    """The dataset of a folder of CSV files."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    folder = path.name or str(path)
    problems: list[Problem] = []
    sheets: list[RawSheet] = []
    unread: set[str | None] = set()  # tables whose file the system refused to read
    for file in files:
        stem = file.stem
        if is_ignored(stem):
            continue
        try:
            text = decode(file.read_bytes())
        except OSError as exc:
            from citeslab_core.readers import unreadable

            problems.append(unreadable(file, exc))
            unread.add(known_sheet(stem))
            continue
        if "\x00" in text:
            problems.append(
                Problem(Location(file.name), "ce n'est pas un fichier CSV (texte attendu)")
            )
            continue
        sheets.append(RawSheet(stem, file.name, _rows(text)))
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
        raise InvalidData(
            [*problems, *(p for p in exc.problems if p.message not in said)]
        ) from None
    if problems:
        raise InvalidData(problems)
    return data
