"""``contrat_de_ville``: the politique de la ville report of a CitésLab (docs/exporters.md).

A workbook (``xlsx``, the default), CSV files with their ``datapackage.json`` (``csv``) or
one JSON document (``json``), with these tables:

- ``qpv``: accompanied persons per QPV (name, code), by sex and by age bracket (at the
  first entretien), one row per QPV: declared QPV neighbourhoods first, zeros included;
- ``animations_qpv``: animations held in the period in each declared QPV, and their
  participants;
- ``compte_rendu_financier``: per funder, planned and actual amounts, the gap in euros and
  in percent of planned, whether the gap is above the site's threshold and must be
  explained, and each funder's share of the planned and of the actual funding (the
  contrat de ville share is the ``contrat_de_ville`` row); a last row for the total;
- ``crf_charges``, ``crf_produits``: the compte rendu financier (Cerfa n° 15059) from the
  ``budget`` sheet, one line per account (a subsidy, class 74: one line per funder):
  ``compte``, ``libelle``, ``financeur`` (a subsidy's funder code), ``prevu``,
  ``realise``, ``ecart`` (actual − planned), ``ecart_pourcentage`` (of planned), then a
  line ``ligne`` = ``total_general`` that adds up every line, the contributions volontaires
  (86, 87) included, as the Cerfa's final TOTAL; a total's ``compte`` is empty (its
  ``libelle`` names it, as on the Cerfa); empty when the budget has no line for the
  period's last year;
- ``informations``: site, period, public or not, the gap threshold.

Formats: ``xlsx`` (the default), ``ods`` (the same sheets, written with odfpy), ``csv``,
``json``. In ``xlsx`` and ``ods``, when the bilan holds a compte rendu financier, a second
file ``compte_rendu_financier_<year>.xlsx`` (``.ods``) is shaped like the Cerfa: the bilan
qualitatif, the table of charges and produits side by side, the annex of explanations
(:mod:`citeslab_exporters._cerfa`).

Every figure is read from the bilan; nothing is computed here. In public mode the masked
counts of the bilan are written ``s``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from citeslab_core.exporting import (
    MASKED,
    NON_RENSEIGNE,
    AgeBracket,
    Cell,
    Column,
    ColumnType,
    CrfLine,
    ExportFile,
    ExportOptions,
    ExportTable,
    Funder,
    FundingNature,
    FundingPlanRow,
    FundingYear,
    PublicBilan,
    QpvRow,
    Sex,
    Side,
    Table,
    TableExporter,
    count,
    crf_label,
    crf_rows,
    format_rate,
    indicator,
    info_table,
    period_slug,
)
from citeslab_exporters._cerfa import cerfa_sheets, to_xlsx
from citeslab_exporters._cerfa_ods import tables_to_ods, to_ods

if TYPE_CHECKING:
    from citeslab_core.exporting import ParticipantRow

__all__ = [
    "ContratDeVilleExporter",
    "animations_table",
    "crf_charges_table",
    "crf_produits_table",
    "exporter",
    "finance_table",
    "qpv_table",
]

_SEXES = [(s.code, s.label) for s in Sex] + [NON_RENSEIGNE]
_AGES = [(a.code, a.label) for a in AgeBracket] + [NON_RENSEIGNE]

_QPV_COLUMNS = (
    Column("quartier", "Quartier", ColumnType.STRING),
    Column("code_qpv", "Code QPV", ColumnType.STRING),
    Column("accompagnes", indicator("accompanied").short, ColumnType.INTEGER),
    *(Column(f"sexe_{code}", f"Sexe : {label}", ColumnType.INTEGER) for code, label in _SEXES),
    *(Column(f"age_{code}", f"Âge : {label}", ColumnType.INTEGER) for code, label in _AGES),
)

_ANIMATION_COLUMNS = (
    Column("quartier", "Quartier", ColumnType.STRING),
    Column("code_qpv", "Code QPV", ColumnType.STRING),
    Column("animations", indicator("animations_held").short, ColumnType.INTEGER),
    Column("participants", "Participants", ColumnType.INTEGER),
)

_FINANCE_COLUMNS = (
    Column("code", "Code financeur", ColumnType.STRING, machine=True),
    Column("financeur", "Financeur", ColumnType.STRING),
    Column("prevu", "Prévu (€)", ColumnType.AMOUNT),
    Column("realise", "Réalisé (€)", ColumnType.AMOUNT),
    Column("ecart", "Écart (€)", ColumnType.AMOUNT, "réalisé moins prévu"),
    Column("ecart_pourcent", "Écart (%)", ColumnType.PERCENT, "écart en % du prévu"),
    Column(
        "a_justifier",
        "Écart à justifier",
        ColumnType.BOOLEAN,
        "écart au-delà du seuil de la structure et non expliqué",
    ),
    Column(
        "explication",
        "Explication de l'écart",
        ColumnType.STRING,
        "donnée par la structure (feuille budget)",
    ),
    Column("part_prevue", "Part du prévu (%)", ColumnType.PERCENT),
    Column("part_realisee", "Part du réalisé (%)", ColumnType.PERCENT),
)


def _cells(table: Table[int | None], codes: Sequence[tuple[str, str]]) -> list[Cell]:
    """The counts of ``codes`` in a bilan table: a code with no row counts 0 (the bilan
    lists every code, and ``non_renseigne`` only when it is not 0)."""
    cells: list[Cell] = []
    for code, _ in codes:
        row = table.row(code)
        cells.append(0 if row is None else count(row.count))
    return cells


def _qpv_row(row: QpvRow[int | None]) -> tuple[Cell, ...]:
    return (
        row.neighbourhood,
        row.qpv_code,
        count(row.accompanied),
        *_cells(row.sex, _SEXES),
        *_cells(row.age, _AGES),
    )


def qpv_table(bilan: PublicBilan) -> ExportTable:
    """One row per QPV, then the total row « Total QPV » (the sum of each column; ``s``
    when one of its cells is masked), which the contrat de ville asks for."""
    rows = [_qpv_row(r) for r in bilan.qpv_breakdown]
    if rows:
        totals: list[Cell] = ["Total QPV", None]
        for column in range(2, len(rows[0])):
            values = [row[column] for row in rows]
            if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                totals.append(sum(v for v in values if isinstance(v, int)))
            else:
                totals.append(MASKED)
        rows.append(tuple(totals))
    return ExportTable.of("qpv", "Accompagnés par QPV", _QPV_COLUMNS, rows)


def animations_table(bilan: PublicBilan) -> ExportTable:
    rows = [
        (a.neighbourhood, a.qpv_code, a.number, a.participants) for a in bilan.animations_in_qpv
    ]
    return ExportTable.of("animations_qpv", "Animations en QPV", _ANIMATION_COLUMNS, rows)


def _shares(year: FundingYear | None) -> dict[Funder, Decimal]:
    return {} if year is None else {c.funder: c.share for c in year.contributions}


def finance_table(bilan: PublicBilan) -> ExportTable:
    plan = bilan.funding_plan
    rows: list[tuple[Cell, ...]] = []
    if plan is not None:
        planned_year = next(
            (
                y
                for y in bilan.funding_years
                if y.year == plan.year and y.nature is FundingNature.PREVISIONNEL
            ),
            None,
        )
        planned_shares = _shares(planned_year)
        actual_shares = _shares(bilan.funding)

        def line(row: FundingPlanRow) -> tuple[Cell, ...]:
            funder = row.funder
            return (
                funder.code if funder is not None else "total",
                funder.label if funder is not None else "Total",
                row.planned or Decimal(0),  # nothing planned: 0,00 €, as the CRF
                row.actual or Decimal(0),
                row.gap,
                row.gap_percent,
                row.flagged,
                row.explanation,
                planned_shares.get(funder) if funder is not None else None,
                actual_shares.get(funder) if funder is not None else None,
            )

        rows = [line(r) for r in plan.rows]
        rows.append(line(plan.total))
    return ExportTable.of(
        "compte_rendu_financier", "Compte rendu financier", _FINANCE_COLUMNS, rows
    )


_CRF_COLUMNS = (
    Column(
        "ligne",
        "Ligne",
        ColumnType.STRING,
        "compte, sous_total (une classe), total (sans 86/87) ou total_general (avec)",
        machine=True,
    ),
    Column("compte", "Compte", ColumnType.STRING, "compte du plan comptable des associations"),
    Column("libelle", "Libellé", ColumnType.STRING),
    Column("financeur", "Financeur", ColumnType.STRING, "code du financeur (74)", machine=True),
    Column("prevu", "Prévu (€)", ColumnType.AMOUNT),
    Column("realise", "Réalisé (€)", ColumnType.AMOUNT),
    Column("ecart", "Écart (€)", ColumnType.AMOUNT, "réalisé moins prévu"),
    Column("ecart_pourcentage", "Écart (%)", ColumnType.PERCENT, "écart en % du prévu"),
)


_ROW_KINDS = {
    "line": "compte",
    "subtotal": "sous_total",
    "total": "total",
    "grand_total": "total_general",
}


def _crf_table(name: str, title: str, bilan: PublicBilan, side: Side) -> ExportTable:
    """One side of the compte rendu financier: each class's lines and subtotal, the
    total, then the contributions volontaires (86, 87) and the total with them."""
    report = bilan.financial_report
    rows: list[tuple[Cell, ...]] = []
    for r in crf_rows(report, side) if report is not None else ():
        line = r.figures
        funder = line.funder if isinstance(line, CrfLine) else None
        rows.append(
            (
                _ROW_KINDS[r.kind],
                r.account,  # a total has no account: its libellé says it (Cerfa 15059)
                crf_label(r),
                funder.code if funder is not None else None,
                line.planned,
                line.actual,
                line.gap,
                line.gap_percent,
            )
        )
    return ExportTable.of(name, title, _CRF_COLUMNS, rows)


def crf_charges_table(bilan: PublicBilan) -> ExportTable:
    return _crf_table("crf_charges", "CRF - Charges", bilan, Side.CHARGES)


def crf_produits_table(bilan: PublicBilan) -> ExportTable:
    return _crf_table("crf_produits", "CRF - Produits", bilan, Side.PRODUITS)


def _notes(bilan: PublicBilan) -> list[tuple[str, str]]:
    plan = bilan.funding_plan
    if plan is None:
        return [
            (
                "Compte rendu financier",
                f"aucun financement prévu ni réalisé saisi pour {bilan.end.year}",
            )
        ]
    return [
        ("Année du compte rendu financier", str(plan.year)),
        ("Seuil d'écart à justifier", f"{format_rate(plan.threshold)} du montant prévu"),
    ]


_TABLES = TableExporter(
    name="contrat_de_ville",
    title="Contrat de ville : bilan de l'action CitésLab",
    api_version=1,
    tables=(qpv_table, animations_table, finance_table, crf_charges_table, crf_produits_table),
    notes=_notes,
)

_MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@attrs.frozen
class ContratDeVilleExporter:
    """The ``contrat_de_ville`` exporter: its tables (see the module docstring), and in
    ``xlsx`` and ``ods`` the compte rendu financier shaped like Cerfa n° 15059."""

    name: str = _TABLES.name
    title: str = _TABLES.title
    api_version: int = 1
    formats: tuple[str, ...] = ("xlsx", "ods", "csv", "json")
    needs_participants: bool = False
    description: str = (
        "Le bilan de l'action pour le contrat de ville (politique de la ville) : les\n"
        "accompagnés de chaque quartier prioritaire (QPV) par sexe et tranche d'âge, les\n"
        "animations tenues en QPV et leurs participants, et le compte rendu financier :\n"
        "pour chaque financeur le prévu, le réalisé et l'écart, les écarts au-delà du seuil\n"
        "de la structure signalés ; avec une feuille budget, le compte rendu financier par\n"
        "compte (tableaux crf_charges et crf_produits) et, en xlsx et ods, le fichier\n"
        "compte_rendu_financier_ANNEE mis en forme comme le Cerfa n° 15059.\n"
        "Aucun nom ni aucune donnée personnelle."
    )
    file_help: tuple[str, ...] = (
        "contrat_de_ville_PERIODE.xlsx (ou .ods) : un classeur, une feuille par tableau",
        "compte_rendu_financier_ANNEE.xlsx (ou .ods) : le compte rendu financier du Cerfa "
        "n° 15059 (bilan qualitatif, charges et produits, annexe des écarts), quand la "
        "feuille budget a des lignes pour l'année",
        "contrat_de_ville_PERIODE_TABLEAU.csv : un fichier CSV par tableau, et "
        "datapackage.json qui décrit leurs colonnes",
        "contrat_de_ville_PERIODE.json : un document JSON avec tous les tableaux",
    )

    def export(
        self,
        bilan: PublicBilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        """The files of ``bilan`` in the format of ``options``."""
        fmt = options.format
        if fmt == "ods":
            tables = [make(bilan) for make in _TABLES.tables]
            info = info_table(bilan, exporter=self.name, title=self.title, notes=_notes(bilan))
            data = tables_to_ods([*tables, info], title=f"{self.title} - {bilan.site}")
            slug = period_slug(bilan.start, bilan.end)
            files = [ExportFile(f"{self.name}_{slug}.ods", _MEDIA["ods"], data)]
        else:
            files = _TABLES.export(bilan, options, participants)
        report = bilan.financial_report
        if report is not None and fmt in _MEDIA:
            sheets = cerfa_sheets(bilan)
            title = f"Compte rendu financier {report.year} - {bilan.site}"
            if fmt == "xlsx":
                made = bilan.provenance
                created = made.generated if made is not None else None
                data = to_xlsx(sheets, title=title, created=created)
            else:
                data = to_ods(sheets, title=title)
            name = f"compte_rendu_financier_{report.year}.{fmt}"
            files.append(ExportFile(name, _MEDIA[fmt], data))
        return files


#: The object the ``contrat_de_ville`` entry point names.
exporter = ContratDeVilleExporter()
