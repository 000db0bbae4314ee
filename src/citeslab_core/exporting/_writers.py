"""The writers every exporter shares: a set of tables as CSV (with its Frictionless data
package), XLSX or JSON (see :mod:`citeslab_core.exporting`, "Tables").

Every text cell of a CSV or XLSX file goes through :func:`cell_text` (formula
injection); numbers, dates and booleans are written as such and never altered. The JSON
document is data for programs, not a spreadsheet: its texts are exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Final

from citeslab_core.exporting._contract import ExportFile
from citeslab_core.exporting._export_table import (
    MASKED_TEXT,
    Cell,
    Column,
    ColumnType,
    ExportTable,
    Masked,
    cell_text,
)
from citeslab_core.readers.files import clean_text

__all__ = [
    "CSV_DELIMITER",
    "CSV_ENCODING",
    "FALSE_TEXT",
    "MEDIA_TYPES",
    "TRUE_TEXT",
    "datapackage",
    "export_tables",
    "to_csv",
    "to_json",
    "to_xlsx",
]

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


def to_csv(table: ExportTable) -> bytes:
    """The table as a CSV file for French Excel (see :mod:`citeslab_core.exporting`)."""
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
    tables: Sequence[ExportTable], paths: Mapping[str, str], *, name: str, title: str
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
    tables: Sequence[ExportTable], *, title: str | None = None, created: dt.datetime | None = None
) -> bytes:
    """One workbook, one sheet per table (see :mod:`citeslab_core.exporting`).

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
    for table in (t.for_people() for t in tables):  # no column of internal codes
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


def to_json(tables: Sequence[ExportTable], metadata: Mapping[str, Any]) -> bytes:
    """One JSON document: ``metadata``'s keys, then ``tables`` (see
    :mod:`citeslab_core.exporting`)."""
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
    tables: Sequence[ExportTable],
    format: str,
    *,
    prefix: str,
    title: str,
    metadata: Mapping[str, Any],
    private: bool = False,
    created: dt.datetime | None = None,
    datapackage: bool = True,
) -> list[ExportFile]:
    """The files of ``tables`` in ``format`` (``csv``, ``xlsx`` or ``json``).

    File names start with ``prefix``: ``{prefix}.xlsx``, ``{prefix}.json``, or one
    ``{prefix}_{table}.csv`` per table plus ``datapackage.json`` (unless ``datapackage``
    is false). ``private`` marks participant-level files. The workbook leaves the machine
    columns out (:meth:`ExportTable.for_people`); the CSV and JSON copies keep them.
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
        if datapackage:
            package = _package(tables, paths, name=prefix.replace("_", "-"), title=title)
            files.append(ExportFile("datapackage.json", MEDIA_TYPES["json"], package, False))
        return files
    raise ValueError(f"format inconnu : {format}")


_package = datapackage  # the name export_tables' argument hides
