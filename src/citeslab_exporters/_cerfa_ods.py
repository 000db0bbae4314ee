"""The compte rendu financier's sheets (:mod:`citeslab_exporters._cerfa`) written as an
OpenDocument spreadsheet with odfpy, and any export tables written the same way.

The same cells as the XLSX file: number cells with the French formats declared as
styles, A4 pages one page wide, every text through ``cell_text``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from citeslab_core.exporting import MASKED_TEXT, ExportTable, cell_text
from citeslab_exporters._cerfa import Cell, Sheet, _t

__all__ = ["tables_to_ods", "to_ods"]

_LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"


#: The cell styles of the ODS file, by name (the order they are declared in).
_ODS_CELL_STYLES: dict[str, dict[str, Any]] = {
    "text": {},
    "title": {"bold": True, "size": "14pt"},
    "heading": {"bold": True, "size": "12pt"},
    "bold": {"bold": True},
    "note": {"wrap": True},
    "header": {"bold": True, "wrap": True},
    "amount": {"data": "N_EUR"},
    "amount_bold": {"data": "N_EUR", "bold": True},
    "percent": {"data": "N_PCT"},
    "percent_bold": {"data": "N_PCT", "bold": True},
    "count": {"data": "N_INT"},
}


class _Ods:
    """An OpenDocument spreadsheet being written with odfpy, with the styles it needs."""

    def __init__(self, title: str) -> None:
        from odf.dc import Title
        from odf.opendocument import OpenDocumentSpreadsheet

        doc = self.doc = OpenDocumentSpreadsheet()
        doc.meta.addElement(Title(text=cell_text(title)))
        self.styles: dict[str, Any] = {}
        self.tables: dict[bool, Any] = {}
        self.columns: dict[int, Any] = {}
        self.rows: dict[float, Any] = {}
        self._number_styles()
        for name, options in _ODS_CELL_STYLES.items():
            self._cell_style(name, **options)
        for landscape in (False, True):
            self.tables[landscape] = self._page_style(landscape)

    def _number_styles(self) -> None:
        """Euros (2 decimals, grouped), percents (1 decimal) and counts, the French way."""
        from odf.number import CurrencyStyle, CurrencySymbol, Number, NumberStyle
        from odf.number import Text as NumberText

        euro = CurrencyStyle(name="N_EUR", language="fr", country="FR")
        euro.addElement(Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
        euro.addElement(NumberText(text="\u00a0"))
        euro.addElement(CurrencySymbol(language="fr", country="FR", text="€"))
        self.doc.styles.addElement(euro)
        percent = NumberStyle(name="N_PCT", language="fr", country="FR")
        percent.addElement(Number(decimalplaces="1", minintegerdigits="1"))
        percent.addElement(NumberText(text="\u00a0%"))
        self.doc.styles.addElement(percent)
        integer = NumberStyle(name="N_INT")
        integer.addElement(Number(decimalplaces="0", minintegerdigits="1", grouping="true"))
        self.doc.styles.addElement(integer)

    def _cell_style(
        self,
        name: str,
        *,
        data: str | None = None,
        bold: bool = False,
        size: str | None = None,
        wrap: bool = False,
    ) -> None:
        from odf.style import ParagraphProperties, Style, TableCellProperties, TextProperties

        style = Style(name=name, family="table-cell", **({"datastylename": data} if data else {}))
        if bold or size:
            props: dict[str, str] = {}
            if bold:
                props.update(fontweight="bold", fontweightasian="bold", fontweightcomplex="bold")
            if size:
                props["fontsize"] = size
            style.addElement(TextProperties(**props))
        if wrap:
            style.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
            style.addElement(ParagraphProperties())
        self.doc.automaticstyles.addElement(style)
        self.styles[name] = style

    def _page_style(self, landscape: bool) -> Any:
        """The table style of an A4 page, portrait or landscape, fitted to its width."""
        from odf.style import MasterPage, PageLayout, PageLayoutProperties, Style, TableProperties

        doc = self.doc
        name = "A4_paysage" if landscape else "A4_portrait"
        layout = PageLayout(name=f"PL_{name}")
        props = PageLayoutProperties(
            pagewidth="29.7cm" if landscape else "21cm",
            pageheight="21cm" if landscape else "29.7cm",
            printorientation="landscape" if landscape else "portrait",
            margintop="1.5cm",
            marginbottom="1.5cm",
            marginleft="1.2cm",
            marginright="1.2cm",
        )
        props.setAttrNS(_LOEXT, "scale-to-X", "1")
        props.setAttrNS(_LOEXT, "scale-to-Y", "0")
        layout.addElement(props)
        doc.automaticstyles.addElement(layout)
        master = MasterPage(name=name, pagelayoutname=layout)
        doc.masterstyles.addElement(master)
        table_style = Style(name=f"T_{name}", family="table", masterpagename=master)
        table_style.addElement(TableProperties(display="true"))
        doc.automaticstyles.addElement(table_style)
        return table_style

    def row_style(self, height: float) -> Any:
        from odf.style import Style, TableRowProperties

        style = self.rows.get(height)
        if style is None:
            style = Style(name=f"ro{len(self.rows) + 1}", family="table-row")
            style.addElement(
                TableRowProperties(rowheight=f"{height:.1f}pt", useoptimalrowheight="false")
            )
            self.doc.automaticstyles.addElement(style)
            self.rows[height] = style
        return style

    def column_style(self, width: int) -> Any:
        from odf.style import Style, TableColumnProperties

        style = self.columns.get(width)
        if style is None:
            style = Style(name=f"co{width}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width * 0.23:.2f}cm"))
            self.doc.automaticstyles.addElement(style)
            self.columns[width] = style
        return style

    def add(self, sheet: Sheet) -> None:
        from odf.table import CoveredTableCell, Table, TableColumn, TableRow

        table = Table(name=cell_text(sheet.title), stylename=self.tables[sheet.landscape])
        for width in sheet.widths:
            table.addElement(TableColumn(stylename=self.column_style(width)))
        heights = sheet.heights()
        for index, row in enumerate(sheet.rows):
            height = heights.get(index)
            element = TableRow(stylename=self.row_style(height)) if height else TableRow()
            for cell in row:
                element.addElement(self.cell(cell))
                for _ in range(cell.span - 1):
                    element.addElement(CoveredTableCell())
            if not row:
                element.addElement(self.cell(Cell(None)))
            table.addElement(element)
        self.doc.spreadsheet.addElement(table)

    def cell(self, cell: Cell) -> Any:
        from odf.table import TableCell
        from odf.text import P

        from citeslab_core.exporting import format_amount, format_count, format_decimal

        value = cell.value
        if value is None:
            return TableCell()
        style = self.styles[cell.kind]
        spanned = {"numbercolumnsspanned": str(cell.span)} if cell.span > 1 else {}
        if isinstance(value, str):
            text = cell_text(value)
            element = TableCell(valuetype="string", stylename=style, **spanned)
            for line in text.split("\n"):
                element.addElement(P(text=line))
            return element
        if cell.kind.startswith("amount"):
            amount = Decimal(value)
            element = TableCell(
                valuetype="currency", currency="EUR", value=str(amount), stylename=style
            )
            element.addElement(P(text=format_amount(amount)))
        elif cell.kind.startswith("percent"):
            element = TableCell(valuetype="float", value=str(value), stylename=style)
            element.addElement(P(text=format_decimal(Decimal(value)) + "\u00a0%"))
        else:
            element = TableCell(valuetype="float", value=str(value), stylename=style)
            element.addElement(P(text=format_count(int(value))))
        return element

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.write(buffer)
        return buffer.getvalue()


def to_ods(sheets: Sequence[Sheet], *, title: str) -> bytes:
    """The sheets as an OpenDocument spreadsheet (odfpy), A4, one page wide.

    The file declares its own namespaces only: odfpy keeps one table of the namespaces
    any element of the process has used (a document read before, by pandas say, adds
    chart and draw), so the table is emptied for the writing and put back after; the
    same sheets give the same bytes whatever the process did before.
    """
    from odf.element import Element

    seen = dict(Element.namespaces)
    Element.namespaces.clear()
    try:
        ods = _Ods(title)
        for sheet in sheets:
            ods.add(sheet)
        return ods.bytes()
    finally:
        Element.namespaces.clear()
        Element.namespaces.update(seen)


def tables_to_ods(tables: Sequence[ExportTable], *, title: str) -> bytes:
    """Export tables as an OpenDocument spreadsheet: one sheet per table, the header row
    bold, numbers as numbers (amounts in euros), a masked count written ``s``."""
    from citeslab_core.exporting import ColumnType, Masked

    sheets = []
    for table in (t.for_people() for t in tables):  # no column of internal codes
        rows: list[tuple[Cell, ...]] = [tuple(_t(c.header, "bold") for c in table.columns)]
        for row in table.rows:
            cells = []
            for value, column in zip(row, table.columns, strict=True):
                if value is None:
                    cells.append(Cell(None))
                elif isinstance(value, Masked):
                    cells.append(_t(MASKED_TEXT))
                elif isinstance(value, bool):
                    cells.append(_t("oui" if value else "non"))
                elif isinstance(value, str):
                    cells.append(_t(value))
                elif column.type is ColumnType.AMOUNT and isinstance(value, int | Decimal):
                    cells.append(Cell(Decimal(value), "amount"))
                elif column.type is ColumnType.PERCENT and isinstance(value, int | Decimal):
                    cells.append(Cell(Decimal(value), "percent"))
                elif isinstance(value, int | Decimal):
                    cells.append(Cell(value, "count"))
                else:
                    cells.append(_t(value.strftime("%d/%m/%Y")))
            rows.append(tuple(cells))
        widths = tuple(max(10, min(40, len(c.header) + 2)) for c in table.columns)
        sheets.append(Sheet(table.title, tuple(rows), widths))
    return to_ods(sheets, title=title)
