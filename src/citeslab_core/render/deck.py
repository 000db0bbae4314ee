"""The bilan as the seed's own slide deck (``bilan --format pptx``): an editable
PowerPoint file with native charts.

The seed is the deck a CitésLab presents to its comité de pilotage and its funders. This
module writes it from the computed :class:`~citeslab_core.bilan.Bilan`, in the seed's
order (docs/bilan.md, « Le bilan en présentation PowerPoint », and docs/decisions.md,
« The bilan as a deck »): 1 — CitésLab en bref (the missions, the
neighbourhoods and their populations, the year's indicators and summary), 2 — Bilan
(partnerships, the portrait of the accompanied, orientations, results, programmes,
animations, the QPV, the site's points forts and points d'amélioration), 3 — Perspectives
of the next year (the site's perspectives, the calendar of planned animations and
permanences), 4 — Le financement du dispositif; the checks only when asked.

- **No figure is computed here.** Every count, share and amount is the bilan's, written
  by :mod:`citeslab_core.french` (babel, fr_FR). The charts' data are the bilan's tables,
  row for row (``tests/test_deck.py`` compares them with the bilan's JSON); a chart's
  data labels show the bilan's own shares, not PowerPoint's.
- **Native charts** (python-pptx's ``add_chart``): the chef de projet restyles them, and
  PowerPoint's « Modifier les données » shows the counts. Pies where the seed has pies
  (the HTML page's :data:`~citeslab_core.render._html_charts.PIE_TABLES`), horizontal
  bars elsewhere, columns for the channels as in the seed; tables where the seed has
  tables (partnerships, programmes, funding).
- **Public mode**: a masked count is never in a chart's data. A bar chart leaves the
  masked categories out; a pie groups them in one « Secret statistique » slice whose size
  is the table's total less its shown counts (what the table already tells, as on the
  HTML page); the slide names the masked categories and says why.
- **Template**: 16:9, the default Office theme's fonts, one slide master that carries
  the site's name at the foot of every slide; a kicker above each title names its part
  (« 2 — Bilan 2023 »), as the seed does. Texts are French (language ``fr-FR``) with a
  no-break space before ``:`` ``;`` ``!`` ``?`` ``»`` and after ``«``.
- **Nothing personal**: the bilan holds no identity and no person's free text; the
  deck shows the site's own words (its texts, its partnerships' actions, its planned
  animations' titles and permanences' places), as the page and the calendar do.

The next year's calendar is not part of the bilan's figures (:attr:`Bilan.calendar` is
the period's): the caller gives it (``calendar=``, made by
:func:`citeslab_core.derive.calendar.build_calendar` over the next year); without it, the
Perspectives part has the site's texts only.

python-pptx is imported inside :func:`render_deck`, so that importing this module (and
starting the command line) stays light.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence
from typing import Final

from citeslab_core.bilan import Bilan, PublicBilan
from citeslab_core.bilan.rounding import rounding_note
from citeslab_core.derive.calendar import Calendar
from citeslab_core.french import (
    MASKED_TEXT,
    counted,
    format_amount,
    format_count,
    format_decimal,
    format_partial_date,
    format_percent,
    format_period,
)
from citeslab_core.render._deck_charts import (
    MASKED_SLICE,
    MAX_BARS,
    animations_chart,
    chart_kind,
    chart_text,
    even_ranges,
    french,
    masked_note,
    orientations_chart,
    planned_chart,
    portrait_lead,
    portrait_lines,
    prescribers_chart,
    programmes_chart,
    qpv_chart,
    table_chart,
    year_label,
)
from citeslab_core.render._deck_parts import closing, part_checks, part_funding, part_perspectives
from citeslab_core.render._deck_slides import (
    BOTTOM,
    MARGIN,
    MUTED,
    TOP,
    WIDTH,
    Deck,
    figure_slide,
    lines_needed,
    paginate,
    table_slides,
    text_slides,
    texts_of,
)
from citeslab_core.render.labels import (
    COLUMNS,
    EMPTY,
    INDICATORS,
    NOTES,
    ORIENTED_AT_LEAST_ONCE,
    site_lines,
)
from citeslab_core.render.outline import outline, summary
from citeslab_core.vocabularies import PartnershipCategory

#: ``french``, ``chart_text`` (the deck's typography) and ``MASKED_SLICE`` are read by the
#: tests.
__all__ = ["MASKED_SLICE", "chart_text", "french", "render_deck", "write_deck"]

#: The five missions of a CitésLab (the seed's first slide).
_MISSIONS: Final = (
    "Le ciblage des quartiers prioritaires (QPV) et des quartiers de veille active",
    "La dimension partenariale des CitésLab",
    "Le principe d'aller-vers, de préparation et d'orientation",
    "La fonction d'amorçage / désamorçage entrepreneurial",
    "La fonction de référent de parcours",
)


def _cover(deck: Deck, bilan: PublicBilan) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    holder = slide.shapes.title
    assert holder is not None
    holder.left, holder.top = deck.inches(MARGIN), deck.inches(1.6)
    holder.width, holder.height = deck.inches(WIDTH - 2 * MARGIN), deck.inches(1.6)
    deck._fill(holder.text_frame, [f"Bilan {year_label(bilan)}"], size=44, bold=True)
    for other in list(slide.placeholders):
        if other.placeholder_format.idx != 0:
            other._element.getparent().remove(other._element)
    period = format_period(bilan.start, bilan.end)
    lines = [bilan.site, f"Bilan d'activité CitésLab {period}", *site_lines(bilan)]
    deck.text(slide, (MARGIN, 3.3, WIDTH - 2 * MARGIN, 2.2), lines, size=18, first_size=28)
    if bilan.public:
        deck.text(
            slide,
            (MARGIN, 5.6, WIDTH - 2 * MARGIN, 0.9),
            [_public_note(bilan)],
            size=13,
            colour=MUTED,
        )


def _public_note(bilan: PublicBilan) -> str:
    return (
        f"Version publique : les effectifs de 1 à {format_count(bilan.threshold - 1)} "
        f"personnes sont masqués et notés «\u00a0{MASKED_TEXT}\u00a0», ainsi que ceux qui "
        "permettraient de les retrouver à partir des totaux (secret statistique). Les "
        "graphiques ne montrent aucune valeur masquée."
    ) + (f" {rounding_note(bilan.rounding)}" if bilan.rounding else "")


def _part_en_bref(deck: Deck, bilan: PublicBilan, titles: dict[str, str]) -> None:
    deck.divider("1", "CitésLab en bref", [bilan.site])
    text_slides(deck, "Les missions de CitésLab", _MISSIONS, size=20)
    if bilan.reach:
        _reach_slides(deck, bilan, titles["portee"])
    slide = deck.slide(titles["indicateurs"])
    ind = bilan.indicators
    deck.table(
        slide,
        (MARGIN, TOP, 10.0, 4.8),
        COLUMNS["indicateurs"],
        [[i.label, format_count(getattr(ind, i.attribute))] for i in INDICATORS],
        (5, 1),
        size=13,
    )
    if bilan.sites:
        _sites_slides(deck, bilan)
    text_slides(deck, titles["resume"], summary(bilan))


def _reach_slides(deck: Deck, bilan: PublicBilan, title: str) -> None:
    """The neighbourhoods and their populations (the seed's « Le dispositif »); a long
    list keeps the neighbourhoods with persons shown and counts the others."""
    long = len(bilan.reach) > MAX_BARS
    rows = [
        [
            r.neighbourhood,
            format_count(r.population),
            format_count(r.accompanied),
            ""
            if r.accompanied is not None and r.per_thousand is None
            else format_decimal(r.per_thousand),
        ]
        for r in bilan.reach
        if not long or r.accompanied
    ]
    if long:
        nobody = sum(1 for r in bilan.reach if r.accompanied == 0)
        masked = sum(1 for r in bilan.reach if r.accompanied is None)
        if nobody:
            rows.append([f"{counted(nobody, 'autre_quartier')} sans personne accompagnée"])
        if masked:
            rows.append(
                [f"{counted(masked, 'autre_quartier')} à l'effectif masqué ({MASKED_TEXT})"]
            )
    rows = [row + [""] * (4 - len(row)) for row in rows]
    table_slides(deck, title, COLUMNS["portee"], rows, (4, 2, 2, 2.5), width=10.5)


def _site_cells(bilan: PublicBilan, name: str) -> list[str]:
    ind = bilan.indicators
    funding = bilan.funding
    return [
        name,
        format_count(bilan.accompanied),
        format_count(bilan.new),
        format_count(ind.women),
        format_count(ind.qpv_residents),
        format_count(ind.creations),
        format_count(ind.animations_held),
        format_amount(funding.total, missing="—") if funding is not None else "—",
    ]


def _sites_slides(deck: Deck, bilan: PublicBilan) -> None:
    """A network's sites, one row each, and the network's own row (as on the page)."""
    rows = [_site_cells(site, site.site) for site in bilan.sites]
    for number, page in enumerate(paginate(rows, lambda row: 1, 13)):
        title = "Par site" if number == 0 else "Par site (suite)"
        slide = deck.slide(title)
        deck.table(
            slide,
            (MARGIN, TOP, WIDTH - 2 * MARGIN, 4.0),
            COLUMNS["sites"],
            [*page, _site_cells(bilan, f"Réseau ({bilan.site})")],
            (2.4, 1.7, 1.4, 1.2, 1.5, 1.4, 1.6, 2.0),
            size=12,
        )


def _partnership_slides(deck: Deck, bilan: PublicBilan, title: str) -> None:
    if not bilan.partnerships:
        slide = deck.slide(title)
        deck.text(slide, (MARGIN, TOP, 12, 1), [EMPTY["partenariats"]], size=16)
        return
    order = {c: i for i, c in enumerate(PartnershipCategory)}
    rows = sorted(
        bilan.partnerships,
        key=lambda p: order.get(p.category, len(order)) if p.category else len(order),
    )
    cells = [
        [
            p.category.label if p.category is not None else "",
            p.partner,
            p.action or "",
            format_partial_date(p.date),
        ]
        for p in rows
    ]
    widths = (2.2, 3.0, 5.0, 2.1)
    width = WIDTH - 2 * MARGIN
    size = 11

    def cost(row: Sequence[str]) -> float:
        return 0.4 + max(
            lines_needed(cell, width * w / sum(widths) - 0.2, size)
            for cell, w in zip(row, widths, strict=True)
        )

    budget = (BOTTOM - TOP - 0.3) * 72 / (size * 1.25) - 2.5  # a row kept free: fonts vary
    for number, page in enumerate(paginate(cells, cost, budget)):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.table(
            slide,
            (MARGIN, TOP, width, 4.0),
            ("Catégorie", "Partenaire", "Action", "Date"),
            page,
            widths,
            size=size,
            align="llll",
        )


def _portrait_slides(
    deck: Deck, bilan: PublicBilan, titles: dict[str, str], keys: Iterable[str]
) -> None:
    for key in keys:
        if key not in titles:
            continue
        table = bilan.tables[key]
        made, masked, zeros = table_chart(table, chart_kind(key))
        lines = portrait_lines(bilan, table)
        if zeros:
            lines.append(f"Sans personne, non dessinées : {counted(zeros, 'ligne')}.")
        note = masked_note(bilan, masked)
        figure_slide(
            deck, titles[key], made, [*lines, *([note] if note else [])], portrait_lead(table)
        )


def _part_bilan(deck: Deck, bilan: PublicBilan, titles: dict[str, str]) -> None:
    year = year_label(bilan)
    deck.divider("2", f"Bilan {year}", [f"{counted(bilan.accompanied, 'personne_accompagnee')}"])
    _partnership_slides(deck, bilan, titles["partenariats"])
    _portrait_slides(
        deck,
        bilan,
        titles,
        ("sexe", "statut_residence", "quartier", "tranche_age", "niveau_formation"),
    )
    _portrait_slides(deck, bilan, titles, ("situation_entree", "minima_sociaux", "canal"))
    if bilan.prescribers:
        made, masked = prescribers_chart(bilan)
        note = masked_note(bilan, masked)
        figure_slide(deck, titles["prescripteurs"], made, [note] if note else [])
    _portrait_slides(deck, bilan, titles, ("stade_entree", "secteur", "orientation_premier_rdv"))
    _orientations_slide(deck, bilan, titles["orientations_periode"])
    _portrait_slides(deck, bilan, titles, ("resultat",))
    _programmes_slide(deck, bilan, titles["programmes"])
    _animation_slides(deck, bilan, titles)
    if bilan.qpv_breakdown:
        made, masked = qpv_chart(bilan)
        note = masked_note(bilan, masked)
        lines = [
            f"{q.neighbourhood}{f' ({q.qpv_code})' if q.qpv_code else ''} : "
            f"{format_count(q.accompanied)}"
            for q in bilan.qpv_breakdown
            if len(bilan.qpv_breakdown) <= 10  # more: the chart says them
        ]
        figure_slide(deck, titles["qpv"], made, [*lines, *([note] if note else [])])
    for section in ("points_forts", "points_amelioration"):
        texts_of(deck, bilan, titles, section)
    for section in dict.fromkeys(t.section for t in bilan.texts):
        if section not in ("points_forts", "points_amelioration", "perspectives"):
            texts_of(deck, bilan, titles, section)


def _orientations_slide(deck: Deck, bilan: PublicBilan, title: str) -> None:
    made, masked = orientations_chart(bilan)
    lines = [
        f"{o.label} : {format_count(o.persons)} ({format_percent(o.share)}), "
        f"{counted(o.orientations, 'orientation')}"
        for o in bilan.orientations_period
    ]
    lines.append(f"{ORIENTED_AT_LEAST_ONCE} : {format_count(bilan.orientations_period_persons)}")
    lines.append(NOTES["orientations_periode"])
    note = masked_note(bilan, masked)
    figure_slide(deck, title, made, [*lines, *([note] if note else [])])


def _programmes_slide(deck: Deck, bilan: PublicBilan, title: str) -> None:
    """The seed's table of programmes beside its chart, ten programmes a slide."""
    if not bilan.programmes:
        slide = deck.slide(title)
        deck.text(slide, (MARGIN, TOP, 12, 1), [EMPTY["programmes"]], size=16)
        return
    rows = [
        [p.programme, format_count(p.oriented), format_count(p.retained)] for p in bilan.programmes
    ]
    made, masked = programmes_chart(bilan)
    pieces = made.pieces(10)
    parts = even_ranges(len(rows), 10)
    for number, (part, piece) in enumerate(zip(parts, pieces, strict=True)):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.table(
            slide,
            (MARGIN, TOP, 6.0, 3.0),
            COLUMNS["programmes"],
            [rows[i] for i in part],
            (2.4, 1.5, 1.5),
        )
        deck.chart(slide, (6.9, TOP, WIDTH - MARGIN - 6.9, BOTTOM - TOP), piece, nothing=made.empty)
    note = masked_note(bilan, masked)
    if note and len(parts) == 1:
        deck.text(slide, (MARGIN, 5.3, 6.0, 1.4), [note], size=12, colour=MUTED)


def _animation_slides(deck: Deck, bilan: PublicBilan, titles: dict[str, str]) -> None:
    ind = bilan.indicators
    held = [a for a in bilan.animations if a.number]
    slide = deck.slide(titles["animations"])
    lead = (
        f"{counted(ind.animations_held, 'action_collective_realisee')}, "
        f"{counted(ind.animation_participants, 'participant')}"
    )
    deck.text(slide, (MARGIN, TOP - 0.1, 12, 0.5), [lead], size=16, bold=True)
    if held:
        deck.table(
            slide,
            (MARGIN, TOP + 0.55, 5.6, 3.5),
            COLUMNS["animations"],
            [[a.label, format_count(a.number), format_count(a.participants)] for a in held],
            (2.6, 1.2, 1.4),
            size=12,
        )
        deck.chart(
            slide,
            (6.5, TOP + 0.4, WIDTH - MARGIN - 6.5, BOTTOM - TOP - 0.4),
            animations_chart(bilan),
        )
    if "animations_prevues" in titles:
        made = planned_chart(bilan)
        figure_slide(deck, titles["animations_prevues"], made, [NOTES["animations_prevues"]])
    if "animations_qpv" in titles:
        rows = [
            [
                a.neighbourhood,
                a.qpv_code or "",
                format_count(a.number),
                format_count(a.participants),
            ]
            for a in bilan.animations_in_qpv
        ]
        table_slides(
            deck,
            titles["animations_qpv"],
            COLUMNS["animations_qpv"],
            rows,
            (3.5, 2, 1.5, 1.5),
            width=10.0,
            align="llrr",
        )


# -- the deck ----------------------------------------------------------------------------


def _properties(deck: Deck, bilan: PublicBilan) -> None:
    core = deck.prs.core_properties
    core.title = french(f"Bilan {year_label(bilan)} — {bilan.site}")[:255]
    core.subject = "Bilan d'activité CitésLab"
    core.author = "citeslab"
    core.last_modified_by = "citeslab"
    core.language = "fr-FR"
    core.keywords = ""
    core.comments = ""
    core.category = ""
    core.revision = 1
    when = (
        bilan.provenance.generated
        if bilan.provenance is not None
        else dt.datetime.combine(bilan.end, dt.time())
    )
    core.created = core.modified = when.replace(tzinfo=None)


def render_deck(
    bilan: PublicBilan, *, with_checks: bool = False, calendar: Calendar | None = None
) -> bytes:
    """The bilan as a PowerPoint file (``.pptx`` bytes), see the module docstring.

    ``with_checks``: add the part « Contrôles » (a deck for the chef de projet; a funder's
    has none); ``calendar``: the next year's calendar for the Perspectives part."""
    deck = Deck(bilan)
    titles = {
        section.key: section.title
        for chapter in outline(bilan, checks=with_checks)
        for section in chapter.sections
    }
    _properties(deck, bilan)
    _cover(deck, bilan)
    _part_en_bref(deck, bilan, titles)
    _part_bilan(deck, bilan, titles)
    part_perspectives(deck, bilan, titles, calendar)
    part_funding(deck, bilan, titles, with_checks)
    if with_checks:
        part_checks(deck, bilan)
    closing(deck, bilan)
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


def write_deck(
    bilan: PublicBilan,
    path: str | os.PathLike[str],
    *,
    with_checks: bool = False,
    calendar: Calendar | None = None,
    force: bool = False,
) -> None:
    """Write the bilan's deck (:func:`render_deck`) to ``path``, whole or not at all; an
    existing file is replaced only with ``force`` (never a link, a folder or a device)."""
    from citeslab_core.model import guards
    from citeslab_core.readers.files import write_atomic

    guards.instance(bilan, Bilan, "bilan", "un bilan (compute_bilan(…) ou read_bilan(…))")
    target = guards.path(path, "path")
    with_checks = guards.flag(with_checks, "with_checks")
    force = guards.flag(force, "force")
    if calendar is not None:
        guards.instance(calendar, Calendar, "calendar", "un calendrier ou None")
    data = render_deck(bilan, with_checks=with_checks, calendar=calendar)
    write_atomic(target, data, force=force)
