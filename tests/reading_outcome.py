"""What a reading of a CSV folder gives, compared between readings (``test_arrow.py``,
also in a process without NumPy: this module imports neither pytest nor Hypothesis)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from citeslab_core.errors import InvalidData
from citeslab_core.model import TABLES, Columns
from citeslab_core.readers.csvdir import read_csv_folder


def outcome(folder: Path, engine: Any) -> object:
    """The dataset's site, columns, notes and row numbers, or the problems."""
    try:
        data = read_csv_folder(folder, engine=engine)
    except InvalidData as exc:
        return exc.problems
    tables: dict[str, Any] = {}
    for table, _, _ in TABLES:
        found: Columns[Any] = data.columns(table)
        tables[table] = {field: tuple(found[field]) for field in found.fields}
    origins = {table: list(where) for table, where in data.origins.items()}  # row numbers
    return data.site, tables, data.notes, origins
