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
from pathlib import Path

from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.model import Dataset
from citeslab_core.readers.tables import RawSheet, build_dataset, is_ignored, known_sheet

__all__ = ["decode", "read_csv_folder", "sniff_delimiter"]

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


def _rows(text: str) -> Iterator[tuple[int, Sequence[object]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    return enumerate(reader, start=1)


def read_csv_folder(path: Path) -> Dataset:
    """The dataset of a folder of CSV files."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    folder = path.name or str(path)
    problems: list[Problem] = []
    sheets: list[RawSheet] = []
    for file in files:
        stem = file.stem
        if is_ignored(stem):
            continue
        try:
            text = decode(file.read_bytes())
        except OSError as exc:
            problems.append(Problem(Location(file.name), f"fichier illisible : {exc}"))
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
        raise InvalidData([*problems, *exc.problems]) from None
    if problems:
        raise InvalidData(problems)
    return data
