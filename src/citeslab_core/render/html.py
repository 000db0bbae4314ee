"""The bilan as one self-contained HTML page (``citeslab report --format html``).

:func:`render` turns a computed :class:`~citeslab_core.bilan.Bilan` into a French page
laid out like the seed's slides (1 — En bref, 2 — Bilan, 3 — Financement,
4 — Perspectives, Contrôles), that prints on A4. It computes no figure: every number
comes from the bilan, and this module only formats it (babel, fr_FR) and draws it.

- **Template**: Jinja2 (``templates/bilan.html``), autoescaping on and
  :class:`~jinja2.StrictUndefined`, so a site name or a text holding ``<script>`` comes
  out as text and a misspelt variable is an error, not an empty cell.
- **Charts**: pygal, which writes SVG; each chart is embedded inline. Its external
  resources are switched off (no JavaScript, no remote CSS or font), its comments,
  scripts and tooltip data are removed, and each chart gets a fixed id of its own
  (``chart-citeslab-<table>``) so that several charts never share a style and the page
  is the same for the same bilan.
- **Public mode**: a masked count is shown ``s``. Charts never carry a masked value: a bar
  chart leaves the masked categories out, a pie chart groups them in one grey slice
  labelled "Secret statistique" with no figure (its size is the accompanied minus the
  shown counts, which the table already tells), and a note under the chart says so.

babel, jinja2 and pygal are imported inside :func:`render`, so that importing this
module (and starting the command line) stays light.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from citeslab_core.bilan import (
    ORIENTATIONS_PERIOD_TITLE,
    TEXT_SECTION_TITLES,
    Bilan,
    Check,
    FundingPlanRow,
    FundingYear,
    PartnershipRow,
    Table,
    TableRow,
    TextRow,
)
from citeslab_core.french import (
    MASKED,
    counted,
    format_amount,
    format_count,
    format_decimal,
    format_partial_date,
    format_percent,
    format_period,
    format_rate,
    format_share,
    format_signed_amount,
    format_signed_share,
    format_years,
    noun,
    rounded_shares_note,
)
from citeslab_core.outline import outline, summary
from citeslab_core.render.labels import (
    COLUMNS,
    CRF_TOTALS,
    EMPTY,
    INDICATORS,
    NOTES,
    ORIENTED_AT_LEAST_ONCE,
    SUBSET_NOTE,
    TO_EXPLAIN,
)
from citeslab_core.vocabularies import Funder, FundingNature, PartnershipCategory

if TYPE_CHECKING:
    from markupsafe import Markup

__all__ = ["render"]

#: How a value that does not exist (no declared share, nothing planned) is shown.
NONE = "—"

#: Portrait tables drawn as parts of a whole (pies); the other tables as bars.
PIE_TABLES = ("sexe", "statut_residence", "niveau_formation", "secteur")
BAR_TABLES = (
    "quartier",
    "tranche_age",
    "canal",
    "stade_entree",
    "orientation_premier_rdv",
    "resultat",
)
#: The first column's heading of each table.
TABLE_HEADS = {
    "sexe": "Sexe",
    "statut_residence": "Résidence",
    "quartier": "Quartier",
    "tranche_age": "Âge",
    "niveau_formation": "Niveau de formation",
    "situation_entree": "Situation",
    "minima_sociaux": "Minima sociaux",
    "canal": "Canal",
    "stade_entree": "Stade",
    "secteur": "Secteur",
    "orientation_premier_rdv": "Orientation",
    "resultat": "Résultat",
}
#: Animation types the key figure names apart (the seed counts them apart from workshops).
ANIMATION_NOUNS = {"permanence": "permanence", "reunion_partenariale": "reunion_partenariale"}
SEVERITY_LABELS = {"erreur": "Erreur", "avertissement": "Avertissement", "info": "Information"}

#: Chart colours: readable on screen, distinct in grey when printed in black and white.
PALETTE = (
    "#1f4e79",
    "#e07b39",
    "#6a9f58",
    "#8064a2",
    "#4bacc6",
    "#c0504d",
    "#c9a100",
    "#2e8b7a",
    "#9c6b4e",
    "#5b6b8c",
)
GREY = "#9aa4b1"
#: The slice that groups masked rows in public mode.
MASKED_GREY = "#dde2e8"
FONT = '"DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif'
_BULLET = re.compile(r"^\s*(?:[-–—•*➢>·]\s*)+")


def render(bilan: Bilan, *, checks: bool = True) -> str:
    """The bilan as one self-contained HTML page (a ``str``, UTF-8 when written);
    ``checks=False`` leaves the section « Contrôles » out (``report --without-checks``)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("citeslab_core", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    page = _page(bilan, _Charts(), with_checks=checks)
    from citeslab_core.files import clean_text

    # What no encoder or HTML parser accepts (a lone surrogate, U+FFFF) never leaves.
    return clean_text(env.get_template("bilan.html").render(page=page))


# --- French formatting: citeslab_core.french, and the page's own period heading ---------


def period_heading(start: dt.date, end: dt.date) -> str:
    """``Année 2023`` for a calendar year, else ``Du 1er mars 2023 au 30 juin 2023``."""
    if start == dt.date(start.year, 1, 1) and end == dt.date(start.year, 12, 31):
        return f"Année {start.year}"
    text = format_period(start, end)
    return text[0].upper() + text[1:]


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: every character but letters, digits and spaces
    escaped (``\\3c `` for ``<``), so that no site name can close the ``<style>``."""
    out = []
    for char in text:
        if char == " " or (char.isalnum() and char.isascii()):
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


# --- What the template shows -----------------------------------------------------------


@attrs.frozen
class CountRow:
    label: str
    count: str
    share: str
    masked: bool
    #: The colour of the row's slice in the table's pie chart ("" when none).
    swatch: str = ""


@attrs.frozen
class Block:
    """A portrait table as the page shows it: its chart (or None) and its rows."""

    key: str
    title: str
    head: str
    rows: tuple[CountRow, ...]
    total: str
    total_share: str
    chart: Markup | None
    notes: tuple[str, ...]


@attrs.frozen
class SiteLine:
    """A site of a network: its key figures, formatted."""

    name: str
    accompanied: str
    new: str
    women: str
    qpv_residents: str
    creations: str
    animations: str
    funding: str


@attrs.frozen
class KeyFigure:
    value: str
    label: str
    detail: str


@attrs.frozen
class OrientationLine:
    label: str
    persons: str
    share: str
    orientations: str


@attrs.frozen
class OrientationsPeriod:
    title: str
    rows: tuple[OrientationLine, ...]
    persons: str
    notes: tuple[str, ...]


@attrs.frozen
class ReachLine:
    name: str
    population: str
    count: str
    per_thousand: str


@attrs.frozen
class Reach:
    rows: tuple[ReachLine, ...]
    total: ReachLine | None


@attrs.frozen
class PrescriberLine:
    name: str
    count: str
    masked: bool


@attrs.frozen
class ProgrammeLine:
    name: str
    oriented: str
    retained: str


@attrs.frozen
class AnimationLine:
    label: str
    number: str
    participants: str


@attrs.frozen
class PlannedLine:
    label: str
    planned: str
    held: str


@attrs.frozen
class Animations:
    rows: tuple[AnimationLine, ...]
    number: str
    participants: str
    notes: tuple[str, ...]
    #: planned against held, the types with one or the other (empty: nothing planned)
    planned: tuple[PlannedLine, ...] = ()


@attrs.frozen
class PartnershipLine:
    partner: str
    action: str
    date: str


@attrs.frozen
class PartnershipGroup:
    title: str
    rows: tuple[PartnershipLine, ...]


@attrs.frozen
class FundingLine:
    funder: str
    amount: str
    share: str
    declared: str
    flag: str


@attrs.frozen
class FundingTable:
    title: str
    rows: tuple[FundingLine, ...]
    total: str
    total_share: str
    total_flag: str
    notes: tuple[str, ...]


@attrs.frozen
class GapLine:
    funder: str
    planned: str
    actual: str
    gap: str
    gap_percent: str
    flag: str


@attrs.frozen
class Gaps:
    title: str
    rows: tuple[GapLine, ...]
    total: GapLine | None
    notes: tuple[str, ...]


@attrs.frozen
class TextGroup:
    title: str
    items: tuple[str, ...]


@attrs.frozen
class CheckLine:
    severity: str
    css: str
    message: str


@attrs.frozen
class Page:
    """Everything the template shows, formatted."""

    version: str
    title: str
    kicker: str
    period: str
    year_label: str
    site_lines: tuple[str, ...]
    public: bool
    public_note: str
    footer_css: str
    accompanied: str
    key_figures: tuple[KeyFigure, ...]
    summary: tuple[str, ...]
    portrait_lead: str
    tables: dict[str, Block]
    orientations_period: OrientationsPeriod
    reach: Reach
    prescribers: tuple[PrescriberLine, ...]
    programmes: tuple[ProgrammeLine, ...]
    animations: Animations
    partnerships: tuple[PartnershipGroup, ...]
    funding: FundingTable | None
    other_fundings: tuple[FundingTable, ...]
    gaps: Gaps | None
    texts: tuple[TextGroup, ...]
    chapters: tuple[ChapterView, ...]
    with_checks: bool
    checks: tuple[CheckLine, ...]
    checks_lead: str
    colophon: str
    #: a network bilan: the key figures of each site, and each site's funding
    sites: tuple[SiteLine, ...] = ()
    site_fundings: tuple[FundingTable, ...] = ()


def provenance_text(bilan: Bilan) -> str:
    """`` Généré par citeslab … ; empreinte SHA-256 des données : ….`` when stamped."""
    return "" if bilan.provenance is None else f" {bilan.provenance.describe()}."


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citeslab")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "dev"


def _page(bilan: Bilan, charts: _Charts, *, with_checks: bool = True) -> Page:
    years = format_years(bilan.start, bilan.end)
    title = f"Bilan {years} — {bilan.site}"
    tables = {key: _block(bilan, table, charts) for key, table in bilan.tables.items()}
    return Page(
        version=_version(),
        title=title,
        kicker="Bilan d'activité CitésLab",
        period=period_heading(bilan.start, bilan.end),
        year_label=years,
        site_lines=_site_lines(bilan),
        public=bilan.public,
        public_note=(
            f"Les effectifs de 1 à {format_count(bilan.threshold - 1)} personnes sont masqués "
            f"et notés «\u00a0{MASKED}\u00a0», ainsi que ceux qui permettraient de les retrouver à "
            "partir des totaux (secret statistique). Les graphiques ne montrent aucune "
            "valeur masquée."
        ),
        footer_css=charts.markup(css_string(title)),
        accompanied=format_count(bilan.accompanied),
        key_figures=_key_figures(bilan),
        summary=summary(bilan),
        portrait_lead=(
            f"{counted(bilan.accompanied, 'personne_accompagnee')} sur la période : chaque "
            f"tableau les compte une fois (total {format_percent(100)}) ; chaque part est "
            "arrondie à l'unité, et deux effectifs égaux ont la même part."
        ),
        tables=tables,
        orientations_period=_orientations_period(bilan),
        reach=_reach(bilan),
        prescribers=tuple(
            PrescriberLine(p.name, format_count(p.count), p.count is None)
            for p in bilan.prescribers
        ),
        programmes=tuple(
            ProgrammeLine(p.programme, format_count(p.oriented), format_count(p.retained))
            for p in bilan.programmes
        ),
        animations=_animations(bilan),
        partnerships=_partnerships(bilan.partnerships),
        funding=(
            None
            if bilan.funding is None
            else _funding_table(bilan.funding, _nature_title(bilan.funding))
        ),
        other_fundings=_other_fundings(bilan),
        gaps=_gaps(bilan),
        texts=_texts(bilan.texts, bilan.end.year),
        chapters=_chapters(bilan, tables, checks=with_checks),
        with_checks=with_checks,
        checks=tuple(_check(c) for c in bilan.checks),
        checks_lead=_checks_lead(bilan),
        colophon=(
            f"Établi avec citeslab {_version()} à partir des données du site. Chaque "
            "chiffre de cette page vient du bilan calculé une seule fois : le rapport "
            "texte, le JSON et les fichiers des financeurs donnent les mêmes."
            + provenance_text(bilan)
        ),
        sites=tuple(_site_line(site) for site in (*bilan.sites, bilan)) if bilan.sites else (),
        site_fundings=tuple(
            _funding_table(site.funding, f"{site.site} : {_nature_title(site.funding).lower()}")
            for site in bilan.sites
            if site.funding is not None
        ),
    )


def _site_line(bilan: Bilan) -> SiteLine:
    """One row of the network's « Par site » table (the network's own row last)."""
    ind = bilan.indicators
    return SiteLine(
        name=bilan.site,
        accompanied=format_count(bilan.accompanied),
        new=format_count(bilan.new),
        women=format_count(ind.women),
        qpv_residents=format_count(ind.qpv_residents),
        creations=format_count(ind.creations),
        animations=format_count(ind.animations_held),
        funding=format_amount(bilan.funding.total, missing=NONE)
        if bilan.funding is not None
        else NONE,
    )


def _site_lines(bilan: Bilan) -> tuple[str, ...]:
    """The header's lines after the period: the host structure and the territory."""
    lines = []
    if bilan.host:
        lines.append(f"Structure porteuse : {bilan.host}")
    if bilan.territory:
        lines.append(f"Territoire : {bilan.territory}")
    if bilan.subset:
        lines.append(SUBSET_NOTE)
    return tuple(lines)


def _key_figures(bilan: Bilan) -> tuple[KeyFigure, ...]:
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


def _apart(bilan: Bilan) -> str:
    """``dont 22 permanences et 24 réunions partenariales``, from the animations' rows."""
    parts = [
        counted(a.number, ANIMATION_NOUNS[a.code])
        for a in bilan.animations
        if a.code in ANIMATION_NOUNS and a.number
    ]
    return "dont " + " et ".join(parts) if parts else ""


def _share_of(row: TableRow | None) -> str:
    return "" if row is None else format_percent(row.share)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _results_detail(results: Table | None) -> str:
    if results is None:
        return ""
    follow = results.row("poursuite")
    return "" if follow is None else counted(follow.count, "poursuite")


def slice_colours(table: Table) -> dict[str, str]:
    """The colour of each slice of a table's pie: its shown rows with persons, in order
    (the palette, grey for ``non_renseigne``)."""
    colours: dict[str, str] = {}
    for row in table.rows:
        if row.count:
            colours[row.code] = (
                GREY if row.code == "non_renseigne" else PALETTE[len(colours) % len(PALETTE)]
            )
    return colours


def _block(bilan: Bilan, table: Table, charts: _Charts) -> Block:
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
        notes.append(f"Personnes sans orientation le jour du premier entretien : {MASKED}.")
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


def _orientations_period(bilan: Bilan) -> OrientationsPeriod:
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
        notes=(
            "Orientations datées de la période, quel que soit le jour du premier entretien. "
            "Part : des personnes accompagnées ; une personne orientée vers plusieurs "
            "catégories compte dans chacune, et une fois dans le total.",
        ),
    )


def _reach(bilan: Bilan) -> Reach:
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


def _animations(bilan: Bilan) -> Animations:
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
        PlannedLine(a.label, format_count(a.planned), format_count(a.held))
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


def _partnerships(rows: Sequence[PartnershipRow]) -> tuple[PartnershipGroup, ...]:
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


def _funding_table(year: FundingYear, title: str) -> FundingTable:
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


def _nature_title(year: FundingYear) -> str:
    kind = "réalisé" if year.nature is FundingNature.REALISE else "prévisionnel"
    return f"Financement {year.year} ({kind})"


def _other_fundings(bilan: Bilan) -> tuple[FundingTable, ...]:
    """The other years of the convention (and the planned side of the period's year)."""
    shown = None if bilan.funding is None else (bilan.funding.year, bilan.funding.nature)
    return tuple(
        _funding_table(year, _nature_title(year))
        for year in bilan.funding_years
        if (year.year, year.nature) != shown
    )


def _gap_line(row: FundingPlanRow, label: str) -> GapLine:
    return GapLine(
        funder=label,
        planned=format_amount(row.planned, missing=NONE),
        actual=format_amount(row.actual, missing=NONE),
        gap=format_signed_amount(row.gap),
        gap_percent=format_signed_share(row.gap_percent),
        flag=TO_EXPLAIN if row.flagged else "",
    )


def _gaps(bilan: Bilan) -> Gaps | None:
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
            "financeur.",
        ),
    )


def _texts(texts: Iterable[TextRow], year: int) -> tuple[TextGroup, ...]:
    groups: dict[str, list[str]] = {}
    for text in texts:
        items = groups.setdefault(text.section, [])
        for line in text.text.splitlines():
            cleaned = _BULLET.sub("", line).strip()
            if cleaned:
                items.append(cleaned)
    result = []
    for section, items in groups.items():
        title = TEXT_SECTION_TITLES.get(section, section)
        if section == "perspectives":
            title = f"Perspectives {year + 1}"
        result.append(TextGroup(title, tuple(items)))
    return tuple(result)


def _check(check: Check) -> CheckLine:
    return CheckLine(
        severity=SEVERITY_LABELS.get(check.severity, check.severity),
        css=check.severity if check.severity in SEVERITY_LABELS else "info",
        message=check.message,
    )


def _checks_lead(bilan: Bilan) -> str:
    if not bilan.checks:
        return (
            f"Aucune incohérence relevée : chaque tableau totalise les "
            f"{counted(bilan.accompanied, 'personne_accompagnee')}."
        )
    return (
        f"{counted(len(bilan.checks), 'constat')} du contrôle de cohérence du bilan, à "
        "vérifier avant de l'envoyer aux financeurs."
    )


# --- Charts (pygal) ---------------------------------------------------------------------


class _Charts:
    """Draws the charts with pygal, as inline SVG with nothing external."""

    def __init__(self) -> None:
        import pygal
        from markupsafe import Markup

        self._pygal: Any = pygal
        self.markup: Callable[[str], Markup] = Markup

    def _style(
        self, colors: Sequence[str], value_colour: str | None = None, value_size: int = 15
    ) -> Any:
        from pygal.style import Style

        return Style(
            background="transparent",
            plot_background="transparent",
            foreground="#1d2530",
            foreground_strong="#1d2530",
            foreground_subtle="#c9d1dc",
            opacity="1",
            opacity_hover="1",
            transition="0s",
            colors=tuple(colors),
            font_family=FONT,
            label_font_size=15,
            major_label_font_size=15,
            value_font_size=value_size,
            value_label_font_size=15,
            legend_font_size=14,
            title_font_size=15,
            tooltip_font_size=12,
            guide_stroke_color="#c9d1dc",
            major_guide_stroke_color="#c9d1dc",
            value_colors=tuple(value_colour for _ in colors) if value_colour else (),
        )

    def _common(self, key: str) -> dict[str, Any]:
        return {
            "js": [],
            "disable_xml_declaration": True,
            "explicit_size": False,
            "force_uri_protocol": "",
            "margin": 6,
            "no_data_text": "",
            "show_x_guides": False,
            "truncate_legend": -1,
            "truncate_label": -1,
        }

    def pie(self, table: Table, colours: dict[str, str]) -> Markup | None:
        """A ring of the table's shown rows (parts of a whole), or None when empty.

        No legend: the table beside it shows each row's colour. A slice larger than 5 %
        carries its share; masked rows are one grey slice with no figure.
        """
        if not table.total:
            return None
        slices: list[tuple[str, int, str]] = []
        shown = 0
        for row in table.rows:
            if row.count is None or row.code not in colours:
                continue
            shown += row.count
            printed = format_percent(row.share) if row.share is not None and row.share >= 5 else ""
            slices.append((row.label, row.count, printed))
        palette = [colours[r.code] for r in table.rows if r.count is not None and r.code in colours]
        if any(r.count is None for r in table.rows) and table.total - shown > 0:
            palette.append(MASKED_GREY)
            slices.append(("Secret statistique", table.total - shown, ""))
        chart = self._pygal.Pie(
            style=self._style(palette, value_colour="#ffffff", value_size=17),
            width=320,
            height=260,
            inner_radius=0.45,
            show_legend=False,
            print_values=True,
            **self._common(table.key),
        )
        for label, value, printed in slices:
            chart.add(label, [{"value": value}], formatter=_constant(printed))
        return self._finish(chart, table, horizontal=False)

    def bars(self, table: Table) -> Markup | None:
        """Horizontal bars of the table's shown rows, first row on top; None when empty."""
        if not table.total:
            return None
        rows = [r for r in table.rows if r.count is not None]
        if not rows:
            return None
        rows.reverse()  # pygal draws the first label at the bottom
        chart = self._pygal.HorizontalBar(
            style=self._style([PALETTE[0]]),
            width=520,
            height=50 + 32 * len(rows),
            show_legend=False,
            print_values=True,
            print_values_position="top",
            show_y_guides=True,
            value_formatter=format_count,
            y_labels=_ticks(max(r.count or 0 for r in rows)),
            **self._common(table.key),
        )
        # The chart shows a label's short form ("Acteurs de la création"), the table
        # beside it the whole label ("Acteurs de la création (BGE, ADIE, CCI/CMA…)").
        short = [r.label.split(" (")[0] for r in rows]
        unique = len(set(short)) == len(short)
        chart.x_labels = short if unique else [r.label for r in rows]
        chart.add(
            table.title,
            [
                {
                    "value": r.count,
                    "color": (GREY if r.code in ("non_renseigne", "en_cours") else PALETTE[0]),
                }
                for r in rows
            ],
        )
        return self._finish(chart, table, horizontal=True)

    def _finish(self, chart: Any, table: Table, *, horizontal: bool) -> Markup:
        chart.uuid = f"citeslab-{table.key}"
        chart.add_xml_filter(_SvgCleaner(table.title, horizontal))
        svg: str = chart.render(is_unicode=True)
        return self.markup(svg)


def _ticks(largest: int) -> list[int]:
    """Whole-number axis ticks from 0 past ``largest``, at most seven (steps 1, 2, 5 × 10ⁿ)."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if largest <= 6 * step:
                top = max(step, -(-largest // step) * step)
                return list(range(0, top + 1, step))
        magnitude *= 10


def _constant(text: str) -> Callable[[object], str]:
    def formatter(value: object) -> str:
        return text

    return formatter


class _SvgCleaner:
    """A pygal XML filter: drop what needs JavaScript or the network, fix ids and labels.

    Removes comments (pygal's credits carry URLs and the date), ``<script>`` (pygal's
    tooltip configuration), ``<desc>`` (the tooltips' data); removes the legends' ``id``
    attributes (the same in every chart); gives the chart its title; in horizontal bar
    charts puts each value just right of its bar, in pies centres it on its slice (pygal
    writes ``text-anchor="left"``, which SVG does not know).
    """

    def __init__(self, title: str, horizontal: bool) -> None:
        self.title = title
        self.horizontal = horizontal

    def __call__(self, root: Any) -> Any:
        from xml.etree import ElementTree

        for parent in list(root.iter()):
            for child in list(parent):
                tag = child.tag
                if tag is ElementTree.Comment or tag is ElementTree.ProcessingInstruction:
                    parent.remove(child)
                    continue
                name = str(tag).rsplit("}", 1)[-1]
                if name in ("script", "desc"):
                    parent.remove(child)
                elif name == "title":
                    child.text = self.title
        for node in root.iter():
            if node is root:
                continue
            node_id = node.attrib.get("id", "")
            if node_id.startswith("activate-serie"):
                del node.attrib["id"]
            if str(node.tag).endswith("text") and "value" in node.attrib.get("class", "").split():
                if self.horizontal:
                    node.attrib["text-anchor"] = "start"
                    node.attrib["x"] = f"{float(node.attrib['x']) - 4:.2f}"
                else:
                    node.attrib["text-anchor"] = "middle"
        root.attrib["role"] = "img"
        root.attrib["aria-label"] = self.title
        return root


# --- The sections, in the order and under the titles of citeslab_core.outline ------------


@attrs.frozen
class GridRow:
    """A row of a plain table: its cells (the first is the row's heading)."""

    cells: tuple[str, ...]
    masked: bool = False
    #: A heading row spanning the table (a group of the rows below).
    group: bool = False
    #: The cells shown as a warning flag (indexes).
    flags: tuple[int, ...] = ()


@attrs.frozen
class Grid:
    """A plain table: headings, alignment (``l`` or ``r`` per column), rows, total rows,
    notes; ``empty`` is shown instead when there is no row. A table of four columns or more
    is stacked on narrow screens (each row a block, each cell with its heading)."""

    heads: tuple[str, ...]
    align: str
    rows: tuple[GridRow, ...]
    foot: tuple[GridRow, ...] = ()
    notes: tuple[str, ...] = ()
    empty: str = ""

    @property
    def stack(self) -> bool:
        return len(self.heads) >= 4


@attrs.frozen
class SectionView:
    """One section of the outline: ``kind`` names the template's macro (``figure``,
    ``grid``, ``list``, ``checks``) and ``body`` is what it draws."""

    key: str
    anchor: str
    title: str
    kind: str
    body: Any


@attrs.frozen
class ChapterView:
    key: str
    number: str
    title: str
    sections: tuple[SectionView, ...]


def _anchor(key: str) -> str:
    """A section's id: its key (``texte:perspectives`` gives ``texte-perspectives``); the
    chapters' ids start with ``chapitre-``, so that they never meet."""
    return re.sub(r"[^a-z0-9_]+", "-", key.lower()).strip("-")


def _chapters(bilan: Bilan, blocks: dict[str, Block], *, checks: bool) -> tuple[ChapterView, ...]:
    chapters = []
    for chapter in outline(bilan, checks=checks):
        sections = []
        for section in chapter.sections:
            kind, body = _section_body(bilan, blocks, section.key)
            sections.append(
                SectionView(section.key, _anchor(section.key), section.title, kind, body)
            )
        chapters.append(ChapterView(chapter.key, chapter.number, chapter.title, tuple(sections)))
    return tuple(chapters)


def _section_body(bilan: Bilan, blocks: dict[str, Block], key: str) -> tuple[str, Any]:
    if key in blocks:
        return "figure", blocks[key]
    if key.startswith("texte:"):
        items: list[str] = []
        for text in bilan.texts:
            if text.section == key[len("texte:") :]:
                for line in text.text.splitlines():
                    cleaned = _BULLET.sub("", line).strip()
                    if cleaned:
                        items.append(cleaned)
        return "list", tuple(items)
    if key == "resume":
        return "list", summary(bilan)
    if key == "controles":
        return "checks", (_checks_lead(bilan), tuple(_check(c) for c in bilan.checks))
    return "grid", _GRIDS[key](bilan)


def _indicators_grid(bilan: Bilan) -> Grid:
    ind = bilan.indicators
    rows = [(i.label, getattr(ind, i.attribute)) for i in INDICATORS]
    return Grid(
        COLUMNS["indicateurs"],
        "lr",
        tuple(GridRow((label, format_count(value)), value is None) for label, value in rows),
    )


def _reach_grid(bilan: Bilan) -> Grid:
    return Grid(
        COLUMNS["portee"],
        "lrrr",
        tuple(GridRow((r.name, r.population, r.count, r.per_thousand)) for r in _reach(bilan).rows),
        notes=(
            "Personnes accompagnées pour 1 000 habitants des quartiers dont la population "
            "est déclarée.",
        ),
    )


def _prescribers_grid(bilan: Bilan) -> Grid:
    return Grid(
        COLUMNS["prescripteurs"],
        "lr",
        tuple(GridRow((p.name, format_count(p.count)), p.count is None) for p in bilan.prescribers),
        notes=("Personnes venues par un partenaire, le plus fréquent d'abord.",),
    )


def _orientations_grid(bilan: Bilan) -> Grid:
    view = _orientations_period(bilan)
    return Grid(
        COLUMNS["orientations_periode"],
        "lrrr",
        tuple(GridRow((r.label, r.persons, r.share, r.orientations)) for r in view.rows),
        foot=(GridRow((ORIENTED_AT_LEAST_ONCE, view.persons, "", "")),),
        notes=view.notes,
    )


def _programmes_grid(bilan: Bilan) -> Grid:
    return Grid(
        COLUMNS["programmes"],
        "lrr",
        tuple(
            GridRow((p.programme, format_count(p.oriented), format_count(p.retained)))
            for p in bilan.programmes
        ),
        empty=EMPTY["programmes"],
    )


def _animations_grid(bilan: Bilan) -> Grid:
    view = _animations(bilan)
    return Grid(
        COLUMNS["animations"],
        "lrr",
        tuple(GridRow((r.label, r.number, r.participants)) for r in view.rows),
        foot=(GridRow(("Total", view.number, view.participants)),),
        notes=view.notes,
        empty="Aucune action collective réalisée sur la période.",
    )


def _animations_planned_grid(bilan: Bilan) -> Grid:
    return Grid(
        COLUMNS["animations_prevues"],
        "lrr",
        tuple(GridRow((r.label, r.planned, r.held)) for r in _animations(bilan).planned),
        notes=(NOTES["animations_prevues"],),
    )


def _animations_qpv_grid(bilan: Bilan) -> Grid:
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


def _qpv_grid(bilan: Bilan) -> Grid:
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


def _partnerships_grid(bilan: Bilan) -> Grid:
    rows: list[GridRow] = []
    for group in _partnerships(bilan.partnerships):
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
        ("Financeur", "Montant", "Part", "Part déclarée", "Contrôle"),
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


def _year_funding_grid(bilan: Bilan) -> Grid:
    if bilan.funding is None:
        return Grid((), "", (), empty=EMPTY["financement"])
    return _funding_grid(_funding_table(bilan.funding, _nature_title(bilan.funding)))


def _gaps_grid(bilan: Bilan) -> Grid:
    gaps = _gaps(bilan)
    if gaps is None:  # pragma: no cover - the outline has no such section then
        return Grid((), "", ())

    def row(line: GapLine) -> GridRow:
        cells = (line.funder, line.planned, line.actual, line.gap, line.gap_percent, line.flag)
        return GridRow(cells, flags=(5,))

    return Grid(
        (*COLUMNS["prevu_realise"], "À expliquer"),
        "lrrrrl",
        tuple(row(r) for r in gaps.rows),
        foot=(row(gaps.total),) if gaps.total is not None else (),
        notes=gaps.notes,
    )


def _years_grid(bilan: Bilan) -> Grid:
    years = bilan.funding_years
    funders = [f for f in Funder if any(c.funder is f for y in years for c in y.contributions)]
    rows = []
    for funder in funders:
        cells = [funder.label]
        for year in years:
            found = next((c for c in year.contributions if c.funder is funder), None)
            cells.append(
                ""
                if found is None
                else f"{format_amount(found.amount)} ({format_share(found.share)})"
            )
        rows.append(GridRow(tuple(cells)))
    heads = (*COLUMNS["pluriannuels"], *(f"{y.year} {y.nature.label.lower()}" for y in years))
    return Grid(
        heads,
        "l" + "r" * len(years),
        tuple(rows),
        foot=(GridRow(("Total", *(format_amount(y.total) for y in years))),),
        notes=("Montant et part de chaque financeur, par année et nature.",),
    )


def _crf_grid(bilan: Bilan) -> Grid:
    report = bilan.financial_report
    if report is None:  # pragma: no cover - the outline has no such section then
        return Grid((), "", ())

    def row(account: str, label: str, line: Any, total: bool = False) -> GridRow:
        percent = line.gap_percent
        return GridRow(
            (
                f"{account} {label}".strip(),
                format_amount(line.planned, missing=NONE),
                format_amount(line.actual, missing=NONE),
                format_signed_amount(line.gap),
                format_signed_share(percent) if percent is not None else NONE,
            )
        )

    rows = [
        *(row(x.account, x.label, x) for x in report.charges),
        row("", CRF_TOTALS[0], report.charges_total),
        row("", CRF_TOTALS[1], report.charges_grand_total),
        *(row(x.account, x.label, x) for x in report.produits),
        row("", CRF_TOTALS[2], report.produits_total),
        row("", CRF_TOTALS[3], report.produits_grand_total),
    ]
    return Grid(("Compte", "Prévu", "Réalisé", "Écart", "Écart (%)"), "lrrrr", tuple(rows))


_GRIDS: dict[str, Callable[[Bilan], Grid]] = {
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
