"""The parts of the HTML page made from the bilan (private to
:mod:`citeslab_core.render.html`): key figures, portrait blocks with their chart and notes,
reach, animations, partnerships, funding tables, gaps, texts; every figure formatted by
:mod:`citeslab_core.french`, every shared word from :mod:`citeslab_core.render.labels`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from citeslab_core.bilan import (
    ORIENTATIONS_PERIOD_TITLE,
    TEXT_SECTION_TITLES,
    FundingPlanRow,
    FundingYear,
    PartnershipRow,
    PublicBilan,
    Table,
    TableRow,
    TextRow,
)
from citeslab_core.french import (
    MASKED_TEXT,
    counted,
    format_amount,
    format_count,
    format_decimal,
    format_partial_date,
    format_percent,
    format_rate,
    format_share,
    format_signed_amount,
    format_signed_share,
    noun,
    rounded_shares_note,
)
from citeslab_core.render._html_charts import BAR_TABLES, PIE_TABLES, Charts, slice_colours
from citeslab_core.render._html_view import (
    AnimationLine,
    Animations,
    Block,
    CountRow,
    FundingLine,
    FundingTable,
    GapLine,
    Gaps,
    KeyFigure,
    OrientationLine,
    OrientationsPeriod,
    PartnershipGroup,
    PartnershipLine,
    PlannedLine,
    Reach,
    ReachLine,
    TextGroup,
)
from citeslab_core.render.labels import NOTES, TABLE_HEADS, TO_EXPLAIN, ZERO_EUROS
from citeslab_core.vocabularies import FundingNature, PartnershipCategory

if TYPE_CHECKING:
    from markupsafe import Markup


#: How a value that does not exist (no declared share, nothing planned) is shown.
NONE = "—"

#: Animation types the key figure names apart (the seed counts them apart from workshops).
ANIMATION_NOUNS = {"permanence": "permanence", "reunion_partenariale": "reunion_partenariale"}

BULLET = re.compile(r"^\s*(?:[-–—•*➢>·]\s*)+")


def view_key_figures(bilan: PublicBilan) -> tuple[KeyFigure, ...]:
    ind = bilan.indicators
    sex = bilan.tables.get("sexe")
    residence = bilan.tables.get("statut_residence")
    results = bilan.tables.get("resultat")
    women = sex.row("F") if sex else None
    men = sex.row("H") if sex else None
    qpv = residence.row("qpv") if residence else None
    limit = residence.row("qpv_limite") if residence else None
    figures = [
        KeyFigure(
            format_count(bilan.accompanied),
            noun(bilan.accompanied, "personne_accompagnee"),
            "CitésLab référent de parcours",
        ),
        KeyFigure(
            format_count(bilan.new),
            noun(bilan.new, "nouvelle_personne"),
            "premier entretien dans la période",
        ),
        KeyFigure(
            format_count(ind.women),
            noun(ind.women, "femme"),
            _join(_share_of(women), counted(men.count, "homme") if men else ""),
        ),
        KeyFigure(
            format_count(ind.qpv_residents),
            noun(ind.qpv_residents, "habitant_qpv"),
            _join(
                _share_of(qpv),
                f"{format_count(limit.count)} en limite de quartier" if limit else "",
            ),
        ),
        KeyFigure(
            format_count(ind.job_seekers),
            noun(ind.job_seekers, "demandeur_emploi"),
            f"{format_count(ind.minimum_benefits)} aux minima sociaux",
        ),
        KeyFigure(
            format_count(ind.creations), noun(ind.creations, "creation"), _results_detail(results)
        ),
        KeyFigure(
            format_count(ind.programme_entries),
            noun(ind.programme_entries, "entree_programme"),
            counted(len(bilan.programmes), "programme"),
        ),
        KeyFigure(
            format_count(ind.animations_held),
            noun(ind.animations_held, "action_collective"),
            _join(counted(ind.animation_participants, "participant"), _apart(bilan)),
        ),
    ]
    return tuple(figures)


def _apart(bilan: PublicBilan) -> str:
    """``dont 22 permanences et 24 réunions partenariales``, from the animations' rows."""
    parts = [
        counted(a.number, ANIMATION_NOUNS[a.code])
        for a in bilan.animations
        if a.code in ANIMATION_NOUNS and a.number
    ]
    return "dont " + " et ".join(parts) if parts else ""


def _share_of(row: TableRow[int | None] | None) -> str:
    return "" if row is None else format_percent(row.share)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _results_detail(results: Table[int | None] | None) -> str:
    if results is None:
        return ""
    follow = results.row("poursuite")
    return "" if follow is None else counted(follow.count, "poursuite")


def view_block(bilan: PublicBilan, table: Table[int | None], charts: Charts) -> Block:
    pie = table.key in PIE_TABLES and bool(table.total)
    colours = slice_colours(table) if pie else {}
    rows = tuple(
        CountRow(
            r.label,
            format_count(r.count),
            format_percent(r.share),
            r.count is None,
            colours.get(r.code, ""),
        )
        for r in table.rows
    )
    notes: list[str] = []
    chart: Markup | None = None
    masked = [r.label for r in table.rows if r.count is None]
    if pie:
        chart = charts.pie(table, colours)
        if masked and chart is not None:
            notes.append(
                "Graphique : les catégories masquées (" + ", ".join(masked) + ") "
                "sont regroupées, sans valeur, dans la part «\u00a0Secret statistique\u00a0»."
            )
    elif table.key in BAR_TABLES:
        chart = charts.bars(table)
        if masked and chart is not None:
            notes.append(
                "Graphique : les catégories masquées (" + ", ".join(masked) + ") "
                "ne sont pas représentées."
            )
    if table.key == "orientation_premier_rdv" and bilan.without_orientation is not None:
        notes.append(
            f"Dont {counted(bilan.without_orientation, 'personne')} sans "
            "orientation le jour du premier entretien (comptées dans «\u00a0Autres\u00a0») : "
            "le projet poursuit sa maturation avec CitésLab."
        )
    elif table.key == "orientation_premier_rdv" and bilan.public:
        notes.append(f"Personnes sans orientation le jour du premier entretien : {MASKED_TEXT}.")
    if table.key == "tranche_age":
        notes.append("Âge en années révolues au premier entretien.")
    if table.key == "resultat":
        notes.append("Dernière sortie de la période ; «\u00a0En cours\u00a0» : pas de sortie.")
    if table.total == 0:
        notes.append("Aucune personne dans ce tableau.")
    if table.shares_rounded:
        notes.append(rounded_shares_note(r.share for r in table.rows))
    return Block(
        key=table.key,
        title=table.title,
        head=TABLE_HEADS.get(table.key, "Catégorie"),
        rows=rows,
        total=format_count(table.total),
        total_share=format_percent(100 if table.total else 0),
        chart=chart,
        notes=tuple(notes),
    )


def view_orientations_period(bilan: PublicBilan) -> OrientationsPeriod:
    return OrientationsPeriod(
        title=ORIENTATIONS_PERIOD_TITLE,
        rows=tuple(
            OrientationLine(
                o.label,
                format_count(o.persons),
                format_percent(o.share),
                format_count(o.orientations),
            )
            for o in bilan.orientations_period
        ),
        persons=format_count(bilan.orientations_period_persons),
        notes=(NOTES["orientations_periode"],),
    )


def view_reach(bilan: PublicBilan) -> Reach:
    rows = tuple(
        ReachLine(
            name=r.neighbourhood + (f" ({r.qpv_code})" if r.qpv_code else ""),
            population=format_count(r.population),
            count=format_count(r.accompanied),
            per_thousand=(NONE if r.population == 0 else format_decimal(r.per_thousand)),
        )
        for r in bilan.reach
    )
    return Reach(rows=rows, total=None)


def view_animations(bilan: PublicBilan) -> Animations:
    held = tuple(
        AnimationLine(a.label, format_count(a.number), format_count(a.participants))
        for a in bilan.animations
        if a.number
    )
    notes = (
        "Actions réalisées dans la période ; les actions prévues forment le "
        "calendrier, pas le bilan. Un nombre de participants inconnu compte 0.",
    )
    planned = tuple(
        PlannedLine(
            a.label,
            format_count(a.planned),
            format_count(a.held),
            format_count(a.cancelled),
            format_count(a.upcoming),
        )
        for a in bilan.planned_animations
        if a.planned or a.held
    )
    return Animations(
        rows=held,
        number=format_count(bilan.indicators.animations_held),
        participants=format_count(bilan.indicators.animation_participants),
        notes=notes,
        planned=planned if any(a.planned for a in bilan.planned_animations) else (),
    )


def view_partnerships(rows: Sequence[PartnershipRow]) -> tuple[PartnershipGroup, ...]:
    groups: list[PartnershipGroup] = []
    order: list[PartnershipCategory | None] = [*PartnershipCategory, None]
    for category in order:
        lines = tuple(
            PartnershipLine(r.partner, r.action or "", format_partial_date(r.date, missing=NONE))
            for r in rows
            if r.category is category
        )
        if lines:
            title = category.label if category is not None else "Sans catégorie"
            groups.append(PartnershipGroup(title, lines))
    return tuple(groups)


def view_funding_table(year: FundingYear, title: str) -> FundingTable:
    lines = []
    for c in year.contributions:
        flags = []
        if c.declared_share_flagged:
            flags.append("écart avec la part déclarée")
        if c.cap_exceeded and c.cap is not None:
            flags.append(f"au-dessus du plafond de {format_share(c.cap)}")
        declared = format_share(c.declared_share, missing=NONE)
        lines.append(
            FundingLine(
                c.funder.label,
                format_amount(c.amount),
                format_share(c.share),
                declared,
                " ; ".join(flags),
            )
        )
    notes = []
    total_flag = ""
    if year.total_mismatch and year.declared_total is not None:
        total_flag = "total déclaré incohérent"
        notes.append(
            f"Le coût total déclaré ({format_amount(year.declared_total)}) diffère de "
            f"la somme des contributions ({format_amount(year.contributions_sum)}) ; "
            "les parts sont calculées sur la somme des contributions."
        )
    if any(c.declared_share_flagged for c in year.contributions):
        notes.append(
            "Parts calculées à partir des montants, à un chiffre après la virgule ; "
            "une part déclarée qui s'en écarte de plus d'un demi-point est signalée."
        )
    return FundingTable(
        title=title,
        rows=tuple(lines),
        total=format_amount(year.total),
        total_share=format_share(100 if year.contributions_sum else 0),
        total_flag=total_flag,
        notes=tuple(notes),
    )


def nature_title(year: FundingYear) -> str:
    kind = "réalisé" if year.nature is FundingNature.REALISE else "prévisionnel"
    return f"Financement {year.year} ({kind})"


def view_other_fundings(bilan: PublicBilan) -> tuple[FundingTable, ...]:
    """The other years of the convention (and the planned side of the period's year)."""
    shown = None if bilan.funding is None else (bilan.funding.year, bilan.funding.nature)
    return tuple(
        view_funding_table(year, nature_title(year))
        for year in bilan.funding_years
        if (year.year, year.nature) != shown
    )


def _gap_line(row: FundingPlanRow, label: str) -> GapLine:
    return GapLine(
        funder=label,
        # nothing planned (received) is 0,00 €, as in the compte rendu financier
        planned=format_amount(row.planned or ZERO_EUROS),
        actual=format_amount(row.actual or ZERO_EUROS),
        gap=format_signed_amount(row.gap),
        gap_percent=format_signed_share(row.gap_percent),
        flag=TO_EXPLAIN if row.flagged else "",
        explanation=" ".join((row.explanation or "").split()),
    )


def view_gaps(bilan: PublicBilan) -> Gaps | None:
    plan = bilan.funding_plan
    if plan is None:
        return None
    rows = tuple(_gap_line(r, r.funder.label if r.funder else "Total") for r in plan.rows)
    return Gaps(
        title=f"Prévisionnel et réalisé {plan.year}",
        rows=rows,
        total=_gap_line(plan.total, "Total"),
        notes=(
            f"Écart = réalisé − prévisionnel, en euros et en pourcentage du prévisionnel ; "
            f"un écart de plus de {format_rate(plan.threshold)} est à expliquer au "
            "financeur : l'explication saisie dans la feuille budget est donnée à côté.",
        ),
    )


def view_texts(texts: Iterable[TextRow], year: int) -> tuple[TextGroup, ...]:
    groups: dict[str, list[str]] = {}
    for text in texts:
        items = groups.setdefault(text.section, [])
        for line in text.text.splitlines():
            cleaned = BULLET.sub("", line).strip()
            if cleaned:
                items.append(cleaned)
    result = []
    for section, items in groups.items():
        title = TEXT_SECTION_TITLES.get(section, section)
        if section == "perspectives":
            title = f"Perspectives {year + 1}"
        result.append(TextGroup(title, tuple(items)))
    return tuple(result)
