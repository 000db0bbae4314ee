"""The plain tables of the HTML page's sections (private to :mod:`citeslab_core.render.html`):
one function per section key of :func:`citeslab_core.render.outline.outline` that is drawn as a
grid (:data:`GRIDS`), with the headings of :data:`citeslab_core.render.labels.COLUMNS`."""

from __future__ import annotations

from collections.abc import Callable

from citeslab_core.bilan import PublicBilan
from citeslab_core.bilan.crf import CrfRow, crf_rows
from citeslab_core.french import (
    format_amount,
    format_count,
    format_signed_amount,
    format_signed_share,
)
from citeslab_core.model.accounts import Side
from citeslab_core.render._html_parts import (
    NONE,
    nature_title,
    view_animations,
    view_funding_table,
    view_gaps,
    view_orientations_period,
    view_partnerships,
    view_reach,
)
from citeslab_core.render._html_view import FundingTable, GapLine, Grid, GridRow
from citeslab_core.render.labels import (
    COLUMNS,
    EMPTY,
    GAP_EXPLANATION,
    INDICATORS,
    NOTES,
    ORIENTED_AT_LEAST_ONCE,
    crf_label,
    years_table,
)


def _indicators_grid(bilan: PublicBilan) -> Grid:
    ind = bilan.indicators
    rows = [(i.label, getattr(ind, i.attribute)) for i in INDICATORS]
    return Grid(
        COLUMNS["indicateurs"],
        "lr",
        tuple(GridRow((label, format_count(value)), value is None) for label, value in rows),
    )


def _reach_grid(bilan: PublicBilan) -> Grid:
    return Grid(
        COLUMNS["portee"],
        "lrrr",
        tuple(
            GridRow((r.name, r.population, r.count, r.per_thousand)) for r in view_reach(bilan).rows
        ),
        notes=(
            "Personnes accompagnées pour 1 000 habitants des quartiers dont la population "
            "est déclarée.",
        ),
    )


def _prescribers_grid(bilan: PublicBilan) -> Grid:
    return Grid(
        COLUMNS["prescripteurs"],
        "lr",
        tuple(GridRow((p.name, format_count(p.count)), p.count is None) for p in bilan.prescribers),
        notes=("Personnes venues par un partenaire, par ordre alphabétique.",),
    )


def _orientations_grid(bilan: PublicBilan) -> Grid:
    view = view_orientations_period(bilan)
    return Grid(
        COLUMNS["orientations_periode"],
        "lrrr",
        tuple(GridRow((r.label, r.persons, r.share, r.orientations)) for r in view.rows),
        foot=(GridRow((ORIENTED_AT_LEAST_ONCE, view.persons, "", "")),),
        notes=view.notes,
    )


def _programmes_grid(bilan: PublicBilan) -> Grid:
    return Grid(
        COLUMNS["programmes"],
        "lrr",
        tuple(
            GridRow((p.programme, format_count(p.oriented), format_count(p.retained)))
            for p in bilan.programmes
        ),
        empty=EMPTY["programmes"],
    )


def _animations_grid(bilan: PublicBilan) -> Grid:
    view = view_animations(bilan)
    return Grid(
        COLUMNS["animations"],
        "lrr",
        tuple(GridRow((r.label, r.number, r.participants)) for r in view.rows),
        foot=(GridRow(("Total", view.number, view.participants)),),
        notes=view.notes,
        empty="Aucune action collective réalisée sur la période.",
    )


def _animations_planned_grid(bilan: PublicBilan) -> Grid:
    return Grid(
        COLUMNS["animations_prevues"],
        "lrrrr",
        tuple(
            GridRow((r.label, r.planned, r.held, r.cancelled, r.upcoming))
            for r in view_animations(bilan).planned
        ),
        notes=(NOTES["animations_prevues"],),
    )


def _animations_qpv_grid(bilan: PublicBilan) -> Grid:
    return Grid(
        COLUMNS["animations_qpv"],
        "llrr",
        tuple(
            GridRow(
                (
                    a.neighbourhood,
                    a.qpv_code or "",
                    format_count(a.number),
                    format_count(a.participants),
                )
            )
            for a in bilan.animations_in_qpv
        ),
    )


def _qpv_grid(bilan: PublicBilan) -> Grid:
    sex_labels = [r.label for r in bilan.qpv_breakdown[0].sex.rows]
    age_labels = [r.label for r in bilan.qpv_breakdown[0].age.rows]
    rows = []
    for q in bilan.qpv_breakdown:
        name = f"{q.neighbourhood} ({q.qpv_code})" if q.qpv_code else q.neighbourhood
        by_sex = {r.label: format_count(r.count) for r in q.sex.rows}
        by_age = {r.label: format_count(r.count) for r in q.age.rows}
        rows.append(
            GridRow(
                (
                    name,
                    format_count(q.accompanied),
                    *(by_sex.get(label, "0") for label in sex_labels),
                    *(by_age.get(label, "0") for label in age_labels),
                ),
                q.accompanied is None,
            )
        )
    heads = ("Quartier", "Total", *sex_labels, *age_labels)
    return Grid(heads, "l" + "r" * (len(heads) - 1), tuple(rows))


def _partnerships_grid(bilan: PublicBilan) -> Grid:
    rows: list[GridRow] = []
    for group in view_partnerships(bilan.partnerships):
        rows.append(GridRow((group.title,), group=True))
        rows += [GridRow((r.partner, r.action, r.date)) for r in group.rows]
    return Grid(
        ("Partenaire", "Action", "Date"),
        "llr",
        tuple(rows),
        empty=EMPTY["partenariats"],
    )


def _funding_grid(table: FundingTable) -> Grid:
    return Grid(
        (*COLUMNS["financement"], "Contrôle"),
        "lrrrl",
        tuple(
            GridRow((r.funder, r.amount, r.share, r.declared, r.flag), flags=(4,))
            for r in table.rows
        ),
        foot=(
            GridRow(
                ("Coût total", table.total, table.total_share, "", table.total_flag), flags=(4,)
            ),
        ),
        notes=table.notes,
    )


def _year_funding_grid(bilan: PublicBilan) -> Grid:
    if bilan.funding is None:
        return Grid((), "", (), empty=EMPTY["financement"])
    return _funding_grid(view_funding_table(bilan.funding, nature_title(bilan.funding)))


def _gaps_grid(bilan: PublicBilan) -> Grid:
    gaps = view_gaps(bilan)
    if gaps is None:  # pragma: no cover - the outline has no such section then
        return Grid((), "", ())

    def row(line: GapLine) -> GridRow:
        note = line.flag or line.explanation
        cells = (line.funder, line.planned, line.actual, line.gap, line.gap_percent, note)
        return GridRow(cells, flags=(5,) if line.flag else ())

    return Grid(
        (*COLUMNS["prevu_realise"], GAP_EXPLANATION),
        "lrrrrl",
        tuple(row(r) for r in gaps.rows),
        foot=(row(gaps.total),) if gaps.total is not None else (),
        notes=gaps.notes,
    )


def _years_grid(bilan: PublicBilan) -> Grid:
    table = years_table(bilan.funding_years)
    return Grid(
        tuple(table.headings),
        "l" + "r" * len(bilan.funding_years),
        tuple(GridRow(tuple(cells)) for cells in table.rows),
        foot=(GridRow(tuple(table.total)),),
        notes=("Montant et part de chaque financeur, par année et nature.",),
    )


def _crf_grid(bilan: PublicBilan) -> Grid:
    report = bilan.financial_report
    if report is None:  # pragma: no cover - the outline has no such section then
        return Grid((), "", ())

    def row(r: CrfRow) -> GridRow:
        line = r.figures
        percent = line.gap_percent
        account = r.account if r.kind == "line" else ""
        return GridRow(
            (
                f"{account} {crf_label(r)}".strip(),
                format_amount(line.planned, missing=NONE),
                format_amount(line.actual, missing=NONE),
                format_signed_amount(line.gap),
                format_signed_share(percent) if percent is not None else NONE,
            ),
            total=r.is_total,  # subtotals and totals in bold
        )

    rows = [row(r) for side in (Side.CHARGES, Side.PRODUITS) for r in crf_rows(report, side)]
    return Grid(("Compte", "Prévu", "Réalisé", "Écart", "Écart (%)"), "lrrrr", tuple(rows))


GRIDS: dict[str, Callable[[PublicBilan], Grid]] = {
    "indicateurs": _indicators_grid,
    "portee": _reach_grid,
    "prescripteurs": _prescribers_grid,
    "orientations_periode": _orientations_grid,
    "programmes": _programmes_grid,
    "animations": _animations_grid,
    "animations_prevues": _animations_planned_grid,
    "animations_qpv": _animations_qpv_grid,
    "qpv": _qpv_grid,
    "partenariats": _partnerships_grid,
    "financement": _year_funding_grid,
    "prevu_realise": _gaps_grid,
    "pluriannuels": _years_grid,
    "compte_rendu_financier": _crf_grid,
}
