"""The table model of an export: a :class:`ExportTable` of typed :class:`Column` objects and
rows of plain cells, :data:`MASKED` for a count hidden in public mode, and
:func:`cell_text`, the one cleaner of a spreadsheet's text cell (see
:mod:`citeslab_core.exporting`, "Tables")."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Final, TypeAlias

import attrs

from citeslab_core import french
from citeslab_core.readers.files import clean_text, neutralise

__all__ = [
    "MASKED",
    "MASKED_TEXT",
    "Cell",
    "Column",
    "ColumnType",
    "ExportTable",
    "Masked",
    "cell_text",
    "count",
]


class Masked(enum.Enum):
    """The type of :data:`MASKED`: a count hidden by statistical secrecy."""

    MASKED = french.MASKED_TEXT

    def __repr__(self) -> str:
        return "MASKED"


#: A masked count (public mode): written ``s`` in every format.
MASKED: Final = Masked.MASKED
#: How a masked count is written (as everywhere: :data:`citeslab_core.french.MASKED_TEXT`).
MASKED_TEXT: Final = french.MASKED_TEXT

Cell: TypeAlias = int | Decimal | str | dt.date | bool | Masked | None


class ColumnType(enum.Enum):
    """A column's type; the value is its Table Schema type."""

    INTEGER = "integer"
    NUMBER = "number"
    #: euros, exact, two decimals.
    AMOUNT = "amount"
    #: a number of percent (30.6 means 30,6 %).
    PERCENT = "percent"
    STRING = "string"
    DATE = "date"
    BOOLEAN = "boolean"

    @property
    def schema_type(self) -> str:
        if self in (ColumnType.AMOUNT, ColumnType.PERCENT):
            return "number"
        return str(self.value)

    @property
    def numeric(self) -> bool:
        return self in _NUMERIC


_NUMERIC = frozenset({ColumnType.INTEGER, ColumnType.NUMBER, ColumnType.AMOUNT, ColumnType.PERCENT})

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@attrs.frozen
class Column:
    """A column: ``key`` (ASCII, the JSON key), ``header`` (French, the CSV and sheet
    header and the Table Schema field name), ``type``, an optional French description.
    ``machine``: a column of internal codes, for programs: kept in the machine-readable
    copies (CSV, JSON), left out of a spreadsheet meant for people (XLSX, ODS)."""

    key: str
    header: str
    type: ColumnType
    description: str | None = None
    machine: bool = False


def _check_cell(value: object, column: Column) -> bool:
    if value is None:
        return True
    kind = column.type
    if isinstance(value, Masked):
        return kind.numeric
    if isinstance(value, bool):
        return kind is ColumnType.BOOLEAN
    if kind is ColumnType.INTEGER:
        return isinstance(value, int)
    if kind.numeric:
        return isinstance(value, int | Decimal) and (
            not isinstance(value, Decimal) or value.is_finite()
        )
    if kind is ColumnType.DATE:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind is ColumnType.STRING:
        return isinstance(value, str)
    return False


@attrs.frozen
class ExportTable:
    """A table to export: ``name`` (lowercase ASCII, the file and resource name),
    ``title`` (French, the sheet's name: at most 31 characters, none of ``[]:*?/\\``),
    columns, and rows of cells (see the module docstring); a row holds at least one value
    that is neither empty nor masked (a worksheet drops, and a data package refuses, a
    blank row: give each row its label)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def for_people(self) -> ExportTable:
        """The table without its machine columns (:attr:`Column.machine`): what a
        spreadsheet meant for people shows."""
        keep = [i for i, c in enumerate(self.columns) if not c.machine]
        if len(keep) == len(self.columns):
            return self
        return ExportTable(
            self.name,
            self.title,
            tuple(self.columns[i] for i in keep),
            tuple(tuple(row[i] for i in keep) for row in self.rows),
        )

    def __attrs_post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"nom de table invalide : {self.name!r}")
        if not self.title or len(self.title) > 31 or _SHEET_FORBIDDEN.search(self.title):
            raise ValueError(f"titre de feuille invalide : {self.title!r}")
        keys = [c.key for c in self.columns]
        headers = [c.header for c in self.columns]
        if len(set(keys)) != len(keys) or len(set(headers)) != len(headers):
            raise ValueError(f"{self.name} : colonnes en double")
        width = len(self.columns)
        for index, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(
                    f"{self.name}, ligne {index + 1} : {len(row)} cellules pour {width} colonnes"
                )
            if width and all(value is None or value is MASKED for value in row):
                raise ValueError(f"{self.name}, ligne {index + 1} : ligne vide")
            for value, column in zip(row, self.columns, strict=True):
                if not _check_cell(value, column):
                    raise TypeError(
                        f"{self.name}, ligne {index + 1}, {column.header} : "
                        f"{value!r} n'est pas du type {column.type.value}"
                    )

    @classmethod
    def of(
        cls, name: str, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
    ) -> ExportTable:
        return cls(name, title, tuple(columns), tuple(tuple(r) for r in rows))


_LINE_END = re.compile(r"\r\n?")


def cell_text(text: str) -> str:
    """A text as every spreadsheet format writes it: line ends made ``\\n`` (XLSX keeps no
    ``\\r``), every character a worksheet cannot hold replaced by U+FFFD
    (:func:`citeslab_core.readers.files.clean_text`), set in French typography (no-break
    spaces before ``:`` ``;``, between a number and its unit: :func:`~citeslab_core.french.
    typeset`, which leaves a code or an identifier as it is: it has no such space), then
    neutralised against formula injection."""
    return neutralise(french.typeset(clean_text(_LINE_END.sub("\n", text))))


def count(value: int | None) -> int | Masked:
    """A count of the bilan as a cell: the bilan's None (masked in public mode) is
    :data:`MASKED`, written ``s``."""
    return MASKED if value is None else value
