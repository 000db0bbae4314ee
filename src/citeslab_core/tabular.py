"""Tables for exporters, and the writers every exporter shares: CSV, XLSX, JSON.

An exporter describes each of its tables once, as a :class:`Table` (a file-safe name, a
French title, :class:`Column` objects with a JSON key, a French header and a
:class:`ColumnType`, and rows of plain values), and :func:`export_tables` gives the files
of the format asked:

``csv``
    one file per table, for French Excel: ``;`` separated, UTF-8 with a BOM, CRLF line
    ends, dates ``dd/mm/yyyy``, decimal comma, booleans ``oui`` / ``non``; beside them a
    ``datapackage.json`` (Frictionless Data Package, Table Schema) that describes every
    column, so that ``frictionless validate`` or a notebook reads the files back exactly.
``xlsx``
    one workbook, one sheet per table: numbers stay numbers, dates stay dates shown
    ``dd/mm/yyyy``, the header row bold and frozen, columns wide enough to read.
``json``
    one document: the tables with their columns and rows (keys are the columns' keys),
    dates ISO, amounts as exact strings (``"16000.00"``) as in the canonical JSON.

Cell values: ``int`` (integer columns), ``int``/``Decimal`` (number, amount and percent
columns; a percent is a number of percent, ``30.6``, never ``0.306``), ``str``,
:class:`datetime.date`, ``bool``, ``None`` (an empty cell) and :data:`MASKED` (a count
hidden in a public report, written ``s``, never 0). A value of the wrong type is a bug of
the exporter: :class:`Table` refuses it with a ``TypeError``.

For an exporter of the bilan, :func:`bilan_files` adds the ``informations`` table and
names the files; :class:`TableExporter` goes one step further: an exporter is then only
its name, its title, its contract version and its table functions.

Every text cell of a CSV or XLSX file goes through
:func:`citeslab_core.files.neutralise` (formula injection); numbers, dates and booleans
are written as such and never altered. The JSON document is data for programs, not a
spreadsheet: its texts are exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from citeslab_core import french
from citeslab_core.errors import UsageError
from citeslab_core.files import clean_text, neutralise
from citeslab_core.plugins import ExportFile, ExportOptions

if TYPE_CHECKING:
    from citeslab_core.bilan import Bilan
    from citeslab_core.privacy import ParticipantRow

__all__ = [
    "INDICATOR_COLUMNS",
    "INFO_COLUMNS",
    "MASKED",
    "MASKED_TEXT",
    "BilanTable",
    "Cell",
    "Column",
    "ColumnType",
    "Masked",
    "Notes",
    "ParticipantTable",
    "Table",
    "TableExporter",
    "bilan_files",
    "cell_text",
    "count",
    "datapackage",
    "export_tables",
    "info_table",
    "period_slug",
    "to_csv",
    "to_json",
    "to_xlsx",
]


class Masked(enum.Enum):
    """The type of :data:`MASKED`: a count hidden by statistical secrecy."""

    MASKED = french.MASKED

    def __repr__(self) -> str:
        return "MASKED"


#: A masked count (public mode): written ``s`` in every format.
MASKED: Final = Masked.MASKED
#: How a masked count is written (as everywhere: :data:`citeslab_core.french.MASKED`).
MASKED_TEXT: Final = french.MASKED

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
    header and the Table Schema field name), ``type``, an optional French description."""

    key: str
    header: str
    type: ColumnType
    description: str | None = None


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
class Table:
    """A table to export: ``name`` (lowercase ASCII, the file and resource name),
    ``title`` (French, the sheet's name: at most 31 characters, none of ``[]:*?/\\``),
    columns, and rows of cells (see the module docstring); a row holds at least one value
    that is neither empty nor masked (a worksheet drops, and a data package refuses, a
    blank row: give each row its label)."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

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
    ) -> Table:
        return cls(name, title, tuple(columns), tuple(tuple(r) for r in rows))


_LINE_END = re.compile(r"\r\n?")


def cell_text(text: str) -> str:
    """A text as every spreadsheet format writes it: line ends made ``\\n`` (XLSX keeps no
    ``\\r``), every character a worksheet cannot hold replaced by U+FFFD
    (:func:`citeslab_core.files.clean_text`), then neutralised against formula
    injection."""
    return neutralise(clean_text(_LINE_END.sub("\n", text)))


# -- CSV -------------------------------------------------------------------------------

CSV_DELIMITER: Final = ";"
CSV_ENCODING: Final = "utf-8-sig"
TRUE_TEXT: Final = "oui"
FALSE_TEXT: Final = "non"


def _decimal_text(value: int | Decimal) -> str:
    text = str(value) if isinstance(value, int) else format(value, "f")
    return text.replace(".", ",")


def _csv_cell(value: Cell, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, Masked):
        return MASKED_TEXT
    if isinstance(value, bool):
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, int | Decimal):
        return _decimal_text(value)
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return cell_text(value)


def to_csv(table: Table) -> bytes:
    """The table as a CSV file for French Excel (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([cell_text(c.header) for c in table.columns])
    columns = table.columns
    for row in table.rows:
        writer.writerow([_csv_cell(v, c) for v, c in zip(row, columns, strict=True)])
    return buffer.getvalue().encode(CSV_ENCODING)


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": cell_text(column.header), "type": column.type.schema_type}
    if column.description:
        field["description"] = column.description
    if column.type is ColumnType.DATE:
        field["format"] = "%d/%m/%Y"
    elif column.type.numeric and column.type is not ColumnType.INTEGER:
        field["decimalChar"] = ","
    elif column.type is ColumnType.BOOLEAN:
        field["trueValues"] = [TRUE_TEXT]
        field["falseValues"] = [FALSE_TEXT]
    if column.type.numeric:
        # Only a count can be masked: a text "s" (a neighbourhood so named) stays a text.
        field["missingValues"] = ["", MASKED_TEXT]
    return field


def datapackage(
    tables: Sequence[Table], paths: Mapping[str, str], *, name: str, title: str
) -> bytes:
    """A Frictionless Data Package describing the CSV files of ``tables``.

    ``paths`` gives each table's file name (by table name). An empty cell is a missing
    value, and so is a masked count (``s``) in a numeric column.
    """
    resources = []
    for table in tables:
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "path": paths[table.name],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": CSV_ENCODING,
                "dialect": {
                    "delimiter": CSV_DELIMITER,
                    "lineTerminator": "\r\n",
                    "header": True,
                    "doubleQuote": True,
                    "quoteChar": '"',
                },
                "schema": {
                    "fields": [_field(c) for c in table.columns],
                    "missingValues": [""],
                },
            }
        )
    package = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "resources": resources,
    }
    return clean_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- XLSX ------------------------------------------------------------------------------

#: Number formats of the typed cells (integers and plain numbers keep Excel's General).
_XLSX_FORMATS = {
    ColumnType.AMOUNT: "#,##0.00",
    ColumnType.PERCENT: "0.0",
    ColumnType.DATE: "dd/mm/yyyy",
}
_MAX_WIDTH = 60


def _xlsx_cell(value: Cell) -> Any:
    if isinstance(value, bool):
        # « oui » / « non » as text, as in the CSV: a boolean cell reads TRUE/FALSE (VRAI/
        # FAUX) and no number format can make Excel or LibreOffice show it as oui/non.
        return TRUE_TEXT if value else FALSE_TEXT
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, Masked):
        return MASKED_TEXT
    return value


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, str):
        return max((len(line) for line in value.split("\n")), default=0)
    return len(str(value))


def to_xlsx(
    tables: Sequence[Table], *, title: str | None = None, created: dt.datetime | None = None
) -> bytes:
    """One workbook, one sheet per table (see the module docstring).

    Written in openpyxl's write-only mode (streamed, a constant memory per row), so that a
    participant file of a whole network stays quick to write.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    titles = [t.title for t in tables]
    if len(set(titles)) != len(titles):
        raise ValueError("deux tables ont le même titre de feuille")
    book = Workbook(write_only=True)
    book.properties.creator = "citeslab"
    book.properties.lastModifiedBy = "citeslab"
    if title:
        book.properties.title = clean_text(title)
    if created is not None:  # the bilan's generation time: the same bilan, the same file
        naive = created.astimezone(dt.UTC).replace(tzinfo=None)
        book.properties.created = naive
        book.properties.modified = naive
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(clean_text(table.title))
        sheet.freeze_panes = "A2"
        headers = [cell_text(c.header) for c in table.columns]
        rows = [[_xlsx_cell(v) for v in row] for row in table.rows]
        for index, header in enumerate(headers):
            width = max((_width(row[index]) for row in rows), default=0)
            width = max(width, _width(header))
            letter = get_column_letter(index + 1)
            sheet.column_dimensions[letter].width = min(width + 2, _MAX_WIDTH)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        formats = [
            (i, _XLSX_FORMATS[c.type])
            for i, c in enumerate(table.columns)
            if c.type in _XLSX_FORMATS
        ]
        for row in rows:
            for index, number_format in formats:
                value = row[index]
                if value is not None and not isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = number_format
                    row[index] = cell
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- JSON ------------------------------------------------------------------------------


def _json_cell(value: Cell, column: Column) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Masked):
        return MASKED_TEXT
    if isinstance(value, dt.date):
        return value.isoformat()
    if column.type is ColumnType.AMOUNT:
        return format(Decimal(value).quantize(Decimal("0.01")), "f")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_json(tables: Sequence[Table], metadata: Mapping[str, Any]) -> bytes:
    """One JSON document: ``metadata``'s keys, then ``tables`` (see the module docstring)."""
    document: dict[str, Any] = dict(metadata)
    document["tables"] = {
        table.name: {
            "titre": table.title,
            "colonnes": [
                {"cle": c.key, "entete": c.header, "type": c.type.value} for c in table.columns
            ],
            "lignes": [
                {c.key: _json_cell(v, c) for v, c in zip(row, table.columns, strict=True)}
                for row in table.rows
            ],
        }
        for table in tables
    }
    # A lone surrogate (from a JSON input) would stop the encoder: clean_text replaces it.
    return clean_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# -- the files of one export -----------------------------------------------------------

MEDIA_TYPES: Final = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export_tables(
    tables: Sequence[Table],
    format: str,
    *,
    prefix: str,
    title: str,
    metadata: Mapping[str, Any],
    private: bool = False,
    created: dt.datetime | None = None,
) -> list[ExportFile]:
    """The files of ``tables`` in ``format`` (``csv``, ``xlsx`` or ``json``).

    File names start with ``prefix``: ``{prefix}.xlsx``, ``{prefix}.json``, or one
    ``{prefix}_{table}.csv`` per table plus ``datapackage.json``. ``private`` marks
    participant-level files.
    """
    if format == "xlsx":
        return [
            ExportFile(
                f"{prefix}.xlsx",
                MEDIA_TYPES["xlsx"],
                to_xlsx(tables, title=title, created=created),
                private,
            )
        ]
    if format == "json":
        return [
            ExportFile(f"{prefix}.json", MEDIA_TYPES["json"], to_json(tables, metadata), private)
        ]
    if format == "csv":
        paths = {t.name: f"{prefix}_{t.name}.csv" for t in tables}
        files = [ExportFile(paths[t.name], MEDIA_TYPES["csv"], to_csv(t), private) for t in tables]
        package = datapackage(tables, paths, name=prefix.replace("_", "-"), title=title)
        files.append(ExportFile("datapackage.json", MEDIA_TYPES["json"], package, False))
        return files
    raise ValueError(f"format inconnu : {format}")


# -- helpers for exporters of a bilan --------------------------------------------------


def count(value: int | None) -> int | Masked:
    """A count of the bilan as a cell: the bilan's None (masked in public mode) is
    :data:`MASKED`, written ``s``."""
    return MASKED if value is None else value


def period_slug(start: dt.date, end: dt.date) -> str:
    """The period in file names: ``2023`` for a calendar year, else both dates."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start.isoformat()}_{end.isoformat()}"


INFO_COLUMNS: Final = (
    Column("rubrique", "Rubrique", ColumnType.STRING),
    Column("valeur", "Valeur", ColumnType.STRING),
)

#: The columns of a table of indicators: a code, its French label, a count.
INDICATOR_COLUMNS: Final = (
    Column("code", "Code", ColumnType.STRING),
    Column("indicateur", "Indicateur", ColumnType.STRING),
    Column("valeur", "Valeur", ColumnType.INTEGER),
)


def info_table(
    bilan: Bilan, *, exporter: str, title: str, notes: Sequence[tuple[str, str]] = ()
) -> Table:
    """The ``informations`` table of an export: site, its host structure and territory
    when known, period, document, public or not, ``notes``, the exporter."""
    public = (
        f"oui : effectifs de 1 à {bilan.threshold - 1} masqués (s), avec masquage secondaire"
        if bilan.public
        else "non : document interne, à ne pas publier"
    )
    about = [
        ("Structure", bilan.site),
        *([("Structure porteuse", bilan.host)] if bilan.host else []),
        *([("Territoire", bilan.territory)] if bilan.territory else []),
        ("Période", french.format_period(bilan.start, bilan.end)),
        ("Document", title),
        ("Diffusion publique", public),
        *notes,
        ("Produit par", f"citeslab, exportateur « {exporter} »"),
    ]
    made = bilan.provenance
    if made is not None:
        about += [
            ("Version de citeslab", made.version),
            ("Généré le", made.generated_text),
            ("Empreinte des données (SHA-256)", made.dataset_sha256 or "non disponible"),
        ]
    return Table.of("informations", "Informations", INFO_COLUMNS, about)


def bilan_files(
    bilan: Bilan,
    tables: Sequence[Table],
    options: ExportOptions,
    *,
    exporter: str,
    title: str,
    notes: Sequence[tuple[str, str]] = (),
    private: bool = False,
) -> list[ExportFile]:
    """The files of an exporter of ``bilan``: its ``tables`` and an ``informations`` table
    (:func:`info_table`), named ``{exporter}_{period}…``, in the
    format of ``options``. The JSON document carries the same information as keys."""
    info = info_table(bilan, exporter=exporter, title=title, notes=notes)
    made = bilan.provenance
    metadata: dict[str, Any] = {
        "schema": "citeslab.export/1",
        "exportateur": exporter,
        "titre": title,
        "site": bilan.site,
        "periode": {"debut": bilan.start.isoformat(), "fin": bilan.end.isoformat()},
        "public": bilan.public,
    }
    if made is not None:
        metadata["provenance"] = {
            "citeslab": made.version,
            "periode": metadata["periode"],
            "genere_le": made.generated_text,
            "donnees_sha256": made.dataset_sha256,
        }
    prefix = f"{exporter}_{period_slug(bilan.start, bilan.end)}"
    return export_tables(
        [*tables, info],
        options.format,
        prefix=prefix,
        title=f"{title} - {bilan.site}",
        metadata=metadata,
        private=private,
        created=made.generated if made is not None else None,
    )


# -- an exporter that only describes its tables ------------------------------------------

#: A table of the bilan: a function of the bilan.
BilanTable: TypeAlias = Callable[["Bilan"], Table]
#: A table of participant rows (one row per person): a function of the rows.
ParticipantTable: TypeAlias = Callable[[Sequence["ParticipantRow"]], Table]
#: Lines of the ``informations`` sheet, (heading, text), from the bilan.
Notes: TypeAlias = Callable[["Bilan"], Sequence[tuple[str, str]]]


@attrs.frozen
class TableExporter:
    """An exporter that only describes its tables: the plug-in author's shortcut.

    An instance is a complete exporter (it has every attribute of the contract,
    :class:`citeslab_core.plugins.Exporter`); its ``export`` calls each table function and
    hands the tables to :func:`bilan_files`. Using it is a convenience, never a
    requirement: any object with the contract's shape is an exporter.

    - ``name``, ``title``: as the contract says;
    - ``api_version``: the version of the contract **you** wrote the exporter for; write
      the number (``1``), not :data:`~citeslab_core.plugins.EXPORTER_API_VERSION`, so
      that a later citeslab with another contract reports your exporter instead of
      running it;
    - ``tables``: functions of the bilan, one table each, in the order of the sheets;
    - ``participant_tables``: functions of the participant rows, one table each, written
      first. When there are any, the exporter needs the participants
      (``needs_participants``), its files are private (mode 0600) and it refuses public
      mode;
    - ``notes``: a function of the bilan giving more lines of the ``informations`` sheet;
    - ``formats``: the formats offered, the default first;
    - ``description``, ``file_help``: the optional French help of
      ``citeslab export NAME --help`` (:func:`citeslab_core.plugins.exporter_help`).
    """

    name: str
    title: str
    api_version: int
    tables: tuple[BilanTable, ...] = ()
    participant_tables: tuple[ParticipantTable, ...] = ()
    notes: Notes | None = None
    formats: tuple[str, ...] = ("xlsx", "csv", "json")
    description: str = ""
    file_help: tuple[str, ...] = ()

    @property
    def needs_participants(self) -> bool:
        """True when the exporter writes participant tables (one row per person)."""
        return bool(self.participant_tables)

    def export(
        self,
        bilan: Bilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        """The files of the tables, in the format of ``options`` (see the class docstring)."""
        tables: list[Table] = []
        if self.needs_participants:
            if options.public or bilan.public:
                raise UsageError(
                    f"« {self.title} » est un fichier par personne, qui n'est pas un document "
                    "public : exportez-le sans --public et transmettez-le au seul financeur"
                )
            if participants is None:
                raise UsageError(f"« {self.title} » demande les participants de la période")
            tables.extend(make(participants) for make in self.participant_tables)
        tables.extend(make(bilan) for make in self.tables)
        return bilan_files(
            bilan,
            tables,
            options,
            exporter=self.name,
            title=self.title,
            notes=self.notes(bilan) if self.notes is not None else (),
            private=self.needs_participants,
        )
