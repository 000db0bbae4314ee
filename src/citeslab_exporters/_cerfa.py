"""The compte rendu financier workbook shaped like Cerfa n° 15059, in XLSX and ODS.

Part of the ``contrat_de_ville`` exporter. The workbook is described once, as sheets of
typed cells (:class:`Sheet`, :class:`Cell`), from the bilan alone, then written by
:func:`to_xlsx` (openpyxl) or :func:`~citeslab_exporters._cerfa_ods.to_ods` (odfpy),
so the two files hold the same cells:

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
    CrfLine,
    CrfTotal,
    FinancialReport,
    PublicBilan,
    Sex,
    Side,
    cell_text,
    crf_rows,
    format_period,
    format_rate,
)

__all__ = ["Cell", "Sheet", "cerfa_sheets", "to_xlsx"]

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
    # each class's lines, then its subtotal in bold (« Total 60 – Achats »)
    rows = crf_rows(report, main)
    rows = rows[: [r.kind for r in rows].index("total")]  # 86/87 come after the total
    main_lines = [
        _line_cells(r.figures)
        if isinstance(r.figures, CrfLine)
        else _total_cells(r.label, r.figures)
        for r in rows
    ]
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


def _table_sheet(bilan: PublicBilan, report: FinancialReport) -> Sheet:
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


def _quality_sheet(bilan: PublicBilan, year: int) -> Sheet:
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


def cerfa_sheets(bilan: PublicBilan) -> list[Sheet]:
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
