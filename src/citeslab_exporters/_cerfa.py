"""The compte rendu financier workbook shaped like Cerfa n° 15059, in XLSX and ODS.

Part of the ``contrat_de_ville`` exporter. The workbook is described once, as sheets of
typed cells (:class:`Sheet`, :class:`Cell`), from the bilan alone, then written by
:func:`to_xlsx` (openpyxl) or :func:`to_ods` (odfpy), so the two files hold the same
cells:

1. ``Bilan qualitatif``: the site, the period, the site's own texts (``textes``), the
   accompanied per QPV by sex and age bracket, the animations held in QPV;
2. ``Charges et produits``: the Cerfa's table, charges on the left and produits on the
   right, each line planned, actual, gap in euros and in percent of planned; the total
   of charges (60-68) beside the total of produits (70-78), the contributions volontaires
   (86, 87) after them, then the final TOTAL;
3. ``Annexe``: the lines whose gap is above the site's threshold, or which carry an
   explanation, with the site's explanation.

Amounts are number cells with a euro format, gaps in percent number cells (a number of
percent, ``-50.0``, shown ``-50,0 %``), every text goes through
:func:`citeslab_core.exporting.cell_text` (formula injection), and each sheet prints on A4
(landscape), one page wide.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from citeslab_core.exporting import (
    MASKED_TEXT,
    NON_RENSEIGNE,
    TEXT_SECTION_TITLES,
    AgeBracket,
    Bilan,
    CrfLine,
    CrfTotal,
    FinancialReport,
    Sex,
    Side,
    cell_text,
    format_period,
    format_rate,
)
from citeslab_core.exporting import Table as DataTable

__all__ = ["Cell", "Sheet", "cerfa_sheets", "tables_to_ods", "to_ods", "to_xlsx"]

#: Cell kinds: how a cell looks. Texts: ``text``, ``title``, ``heading``, ``bold``,
#: ``note`` (wrapped); numbers: ``amount``, ``amount_bold``, ``percent``,
#: ``percent_bold``, ``count``.
TEXT_KINDS = frozenset({"text", "title", "heading", "bold", "note", "header"})
#: Kinds whose text wraps in its cell: ``note`` (a paragraph), ``header`` (a bold column
#: header on two lines).
WRAPPED = frozenset({"note", "header"})
#: The height of one line of text, in points.
LINE_POINTS = 13.0


@attrs.frozen
class Cell:
    """A cell: its value and kind; ``span`` cells wide (merged with those on its right)."""

    value: str | Decimal | int | None
    kind: str = "text"
    span: int = 1


@attrs.frozen
class Sheet:
    title: str
    rows: tuple[tuple[Cell, ...], ...]
    #: column widths, in characters
    widths: tuple[int, ...]
    landscape: bool = False

    def heights(self) -> dict[int, float]:
        """The height (points) of each row holding wrapped text, by row index: neither
        Excel nor LibreOffice sizes a row of merged wrapped cells when it opens a file."""
        found: dict[int, float] = {}
        for index, row in enumerate(self.rows):
            lines = 1
            column = 0
            for cell in row:
                width = sum(self.widths[column : column + cell.span]) or 10
                column += cell.span
                if cell.kind in WRAPPED and isinstance(cell.value, str):
                    per_line = max(1, int(width * 1.15))
                    count = sum(
                        max(1, -(-len(part) // per_line)) for part in cell.value.split("\n")
                    )
                    lines = max(lines, count)
            if lines > 1:
                found[index] = LINE_POINTS * lines + 4
        return found


def _t(value: str | None, kind: str = "text") -> Cell:
    return Cell(value, kind)


def _count(value: int | None) -> Cell:
    return Cell(MASKED_TEXT, "text") if value is None else Cell(value, "count")


def _amounts(
    planned: Decimal, actual: Decimal, gap: Decimal, pct: Decimal | None, bold: bool
) -> list[Cell]:
    suffix = "_bold" if bold else ""
    return [
        Cell(planned, "amount" + suffix),
        Cell(actual, "amount" + suffix),
        Cell(gap, "amount" + suffix),
        Cell(pct, "percent" + suffix) if pct is not None else Cell(None),
    ]


def _line_cells(line: CrfLine) -> list[Cell]:
    return [
        _t(line.account),
        _t(line.label),
        *_amounts(line.planned, line.actual, line.gap, line.gap_percent, False),
    ]


def _total_cells(label: str, total: CrfTotal) -> list[Cell]:
    return [
        _t(label, "bold"),
        _t(None),
        *_amounts(total.planned, total.actual, total.gap, total.gap_percent, True),
    ]


_BLANK = [Cell(None)] * 6


def _column(
    report: FinancialReport, main: Side, voluntary: Side, total_label: str
) -> tuple[list[list[Cell]], list[list[Cell]], list[Cell], list[Cell]]:
    main_lines = [_line_cells(x) for x in report.side(main)]
    voluntary_lines = [_line_cells(x) for x in report.side(voluntary)]
    total = _total_cells(total_label, report.total(main))
    grand = _total_cells(
        "TOTAL",
        CrfTotal(
            report.total(main).planned + report.total(voluntary).planned,
            report.total(main).actual + report.total(voluntary).actual,
        ),
    )
    return main_lines, voluntary_lines, total, grand


def _pad(rows: list[list[Cell]], size: int) -> list[list[Cell]]:
    return rows + [list(_BLANK) for _ in range(size - len(rows))]


def _table_sheet(bilan: Bilan, report: FinancialReport) -> Sheet:
    header = ["Compte", "{}", "Prévu (€)", "Réalisé (€)", "Écart (€)", "Écart (%)"]
    rows: list[tuple[Cell, ...]] = [
        (_t(f"Compte rendu financier de l'action {report.year} : charges et produits", "title"),),
        (
            _t(
                f"{bilan.site} — tableau du Cerfa n° 15059 ; écart = réalisé − prévu, "
                "en euros et en % du prévu"
            ),
        ),
        (),
        tuple(
            [_t(h.format("Charges"), "heading") for h in header]
            + [_t(None)]
            + [_t(h.format("Produits"), "heading") for h in header]
        ),
    ]
    c_main, c_vol, c_total, c_grand = _column(
        report, Side.CHARGES, Side.CHARGES_VOLUNTARY, "Total des charges"
    )
    p_main, p_vol, p_total, p_grand = _column(
        report, Side.PRODUITS, Side.PRODUITS_VOLUNTARY, "Total des produits"
    )

    def pair(left: list[list[Cell]], right: list[list[Cell]]) -> None:
        size = max(len(left), len(right))
        for a, b in zip(_pad(left, size), _pad(right, size), strict=True):
            rows.append((*a, Cell(None), *b))

    pair(c_main, p_main)
    pair([c_total], [p_total])
    rows.append(
        (
            _t("86 – Emplois des contributions volontaires en nature", "bold"),
            *[Cell(None)] * 6,
            _t("87 – Contributions volontaires en nature", "bold"),
        )
    )
    pair(c_vol, p_vol)
    pair([c_grand], [p_grand])
    return Sheet(
        "Charges et produits",
        tuple(rows),
        (9, 44, 13, 13, 13, 9, 2, 9, 44, 13, 13, 13, 9),
        landscape=True,
    )


def _annex_sheet(report: FinancialReport) -> Sheet:
    rows: list[tuple[Cell, ...]] = [
        (_t(f"Annexe : explication des écarts {report.year}", "title"),),
        (
            Cell(
                "Les lignes dont l'écart dépasse le seuil de la structure "
                f"({format_rate(report.threshold)} du prévu), ou qui portent une explication.",
                "note",
                7,
            ),
        ),
        (),
        tuple(
            _t(h, "heading")
            for h in (
                "Compte",
                "Libellé",
                "Prévu (€)",
                "Réalisé (€)",
                "Écart (€)",
                "Écart (%)",
                "Explication",
            )
        ),
    ]
    shown = [
        x
        for x in report.lines
        if x.explanation or (report.has_actual and report.has_planned and x.above(report.threshold))
    ]
    for line in shown:
        rows.append((*_line_cells(line), _t(line.explanation or "Écart non expliqué", "note")))
    if not shown:
        rows.append((_t("Aucun écart au-delà du seuil."),))
    return Sheet("Annexe", tuple(rows), (9, 40, 13, 13, 13, 9, 60), landscape=True)


_SEXES = [(s.code, s.label) for s in Sex] + [NON_RENSEIGNE]
_AGES = [(a.code, a.label) for a in AgeBracket] + [NON_RENSEIGNE]


#: Quartier (or a text's section), code QPV, accompanied, then one column per sex and age.
_QUALITY_WIDTHS = (26, 11, 13, *([11] * (len(_SEXES) + len(_AGES))))
#: A text spans every column but the first.
_TEXT_SPAN = len(_QUALITY_WIDTHS) - 1


def _quality_sheet(bilan: Bilan, year: int) -> Sheet:
    rows: list[tuple[Cell, ...]] = [
        (_t(f"Compte rendu financier de l'action {year} (Cerfa n° 15059)", "title"),),
        (_t("Structure", "bold"), _t(bilan.site)),
    ]
    if bilan.host:
        rows.append((_t("Structure porteuse", "bold"), _t(bilan.host)))
    if bilan.territory:
        rows.append((_t("Territoire", "bold"), _t(bilan.territory)))
    rows.append((_t("Période", "bold"), _t(format_period(bilan.start, bilan.end))))
    made = bilan.provenance
    if made is not None:
        rows.append((_t("Provenance", "bold"), Cell(made.describe(), "note", _TEXT_SPAN)))
    rows.append(())
    rows.append((_t("1. Bilan qualitatif de l'action", "heading"),))
    if not bilan.texts:
        rows.append((Cell("(aucun texte saisi dans la feuille textes)", "note", _TEXT_SPAN),))
    for text in bilan.texts:
        title = TEXT_SECTION_TITLES.get(text.section, text.section)
        rows.append((_t(title, "note"), Cell(text.text, "note", _TEXT_SPAN)))
    rows.append(())
    rows.append((_t("2. Personnes accompagnées par quartier prioritaire", "heading"),))
    rows.append(
        tuple(
            _t(h, "header")
            for h in (
                "Quartier",
                "Code QPV",
                "Accompagnés",
                *(label for _, label in _SEXES),
                *(label for _, label in _AGES),
            )
        )
    )
    for q in bilan.qpv_breakdown:
        cells = [_t(q.neighbourhood), _t(q.qpv_code), _count(q.accompanied)]
        for table, codes in ((q.sex, _SEXES), (q.age, _AGES)):
            for code, _ in codes:
                row = table.row(code)
                cells.append(_count(0 if row is None else row.count))
        rows.append(tuple(cells))
    rows.append(())
    rows.append((_t("3. Animations réalisées dans les quartiers prioritaires", "heading"),))
    rows.append(
        tuple(_t(h, "header") for h in ("Quartier", "Code QPV", "Animations", "Participants"))
    )
    for a in bilan.animations_in_qpv:
        rows.append((_t(a.neighbourhood), _t(a.qpv_code), _count(a.number), _count(a.participants)))
    if bilan.public:
        rows.append(())
        rows.append((_t(f"Effectifs de 1 à {bilan.threshold - 1} masqués (s).", "note"),))
    return Sheet("Bilan qualitatif", tuple(rows), _QUALITY_WIDTHS, landscape=True)


def cerfa_sheets(bilan: Bilan) -> list[Sheet]:
    """The three sheets of the compte rendu financier; the bilan must hold one."""
    report = bilan.financial_report
    if report is None:
        raise ValueError("le bilan n'a pas de compte rendu financier")
    return [_quality_sheet(bilan, report.year), _table_sheet(bilan, report), _annex_sheet(report)]


# -- XLSX ---------------------------------------------------------------------------------

_EURO_XLSX = '#,##0.00\\ "€";-#,##0.00\\ "€"'
_PERCENT_XLSX = '0.0\\ "%"'


def to_xlsx(sheets: Sequence[Sheet], *, title: str, created: dt.datetime | None = None) -> bytes:
    """The sheets as an XLSX workbook (openpyxl), A4, one page wide."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    default = book.active
    assert default is not None  # a new workbook has one sheet
    book.remove(default)
    book.properties.creator = "citeslab"
    book.properties.lastModifiedBy = "citeslab"
    book.properties.title = cell_text(title)
    if created is not None:  # the bilan's provenance: the same file for the same input
        naive = created.astimezone(dt.UTC).replace(tzinfo=None)
        book.properties.created = book.properties.modified = naive
    fonts = {
        "title": Font(bold=True, size=14),
        "heading": Font(bold=True, size=12),
        "bold": Font(bold=True),
        "header": Font(bold=True),
    }
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        for r, row in enumerate(sheet.rows, start=1):
            c = 1
            for cell in row:
                c += cell.span
                if cell.value is None:
                    continue
                column = c - cell.span
                if cell.span > 1:
                    ws.merge_cells(start_row=r, start_column=column, end_row=r, end_column=c - 1)
                value: Any = cell_text(cell.value) if isinstance(cell.value, str) else cell.value
                target = ws.cell(r, column, value)
                if cell.kind.startswith("amount"):
                    target.number_format = _EURO_XLSX
                elif cell.kind.startswith("percent"):
                    target.number_format = _PERCENT_XLSX
                if cell.kind.endswith("_bold"):
                    target.font = fonts["bold"]
                elif cell.kind in fonts:
                    target.font = fonts[cell.kind]
                if cell.kind in WRAPPED:
                    target.alignment = wrap
        for index, height in sheet.heights().items():
            ws.row_dimensions[index + 1].height = height
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.5
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- ODS ----------------------------------------------------------------------------------

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


def tables_to_ods(tables: Sequence[DataTable], *, title: str) -> bytes:
    """Export tables as an OpenDocument spreadsheet: one sheet per table, the header row
    bold, numbers as numbers (amounts in euros), a masked count written ``s``."""
    from citeslab_core.exporting import ColumnType, Masked

    sheets = []
    for table in tables:
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
