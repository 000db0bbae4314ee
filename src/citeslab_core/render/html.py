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

The page is made in four private modules: :mod:`~citeslab_core.render._html_view` (the
records the template shows), :mod:`~citeslab_core.render._html_parts` (those records made
from the bilan), :mod:`~citeslab_core.render._html_grids` (the sections drawn as plain
tables) and :mod:`~citeslab_core.render._html_charts` (pygal); this module assembles the
page and its chapters. Shared words come from :mod:`citeslab_core.render.labels`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from citeslab_core import __version__
from citeslab_core.bilan import SEVERITIES, Check, PublicBilan
from citeslab_core.bilan.rounding import rounding_note
from citeslab_core.french import (
    MASKED_TEXT,
    counted,
    format_amount,
    format_count,
    format_percent,
    format_period,
    format_years,
    typeset,
)
from citeslab_core.render._html_charts import Charts
from citeslab_core.render._html_grids import GRIDS
from citeslab_core.render._html_parts import (
    BULLET,
    NONE,
    nature_title,
    view_animations,
    view_block,
    view_funding_table,
    view_gaps,
    view_key_figures,
    view_orientations_period,
    view_other_fundings,
    view_partnerships,
    view_reach,
    view_texts,
)
from citeslab_core.render._html_view import (
    Block,
    ChapterView,
    CheckLine,
    Page,
    PrescriberLine,
    ProgrammeLine,
    SectionView,
    SiteLine,
)
from citeslab_core.render.labels import COLUMNS, site_lines
from citeslab_core.render.outline import outline, summary

__all__ = ["render"]


SEVERITY_LABELS = {s.value: s.label for s in SEVERITIES}


def render(bilan: PublicBilan, *, checks: bool = True) -> str:
    """The bilan as one self-contained HTML page (a ``str``, UTF-8 when written);
    ``checks=False`` leaves the section « Contrôles » out (``report --without-checks``)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("citeslab_core.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_typeset,
    )
    page = _page(bilan, Charts(), with_checks=checks)
    from citeslab_core.readers.files import clean_text

    # What no encoder or HTML parser accepts (a lone surrogate, U+FFFF) never leaves.
    return clean_text(env.get_template("bilan.html").render(page=page, columns=COLUMNS))


def _typeset(value: Any) -> Any:
    """Every text the template writes, set in French typography (no-break spaces before
    ``:`` ``;`` and the like: :func:`~citeslab_core.french.typeset`); markup (a chart, the
    page's CSS) and what is not text pass as they are."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return typeset(value)
    return value


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


#: A SHA-256 fingerprint (64 hexadecimal digits).
_FINGERPRINT = re.compile(r"\b[0-9a-f]{64}\b")


def provenance_text(bilan: PublicBilan) -> str:
    """`` Généré par citeslab … ; empreinte SHA-256 des données : ….`` when stamped; the
    fingerprint in groups of eight digits (``2df01e79 bea06319 …``), so that it wraps on
    a phone without a digit cut (64 digits in a row are wider than a 360 px screen)."""
    if bilan.provenance is None:
        return ""
    text = _FINGERPRINT.sub(
        lambda m: " ".join(m[0][i : i + 8] for i in range(0, 64, 8)), bilan.provenance.describe()
    )
    return f" {text}."


def _page(bilan: PublicBilan, charts: Charts, *, with_checks: bool = True) -> Page:
    years = format_years(bilan.start, bilan.end)
    title = f"Bilan {years} — {bilan.site}"
    tables = {key: view_block(bilan, table, charts) for key, table in bilan.tables.items()}
    return Page(
        version=__version__,
        title=title,
        kicker="Bilan d'activité CitésLab",
        period=period_heading(bilan.start, bilan.end),
        year_label=years,
        site_lines=site_lines(bilan),
        public=bilan.public,
        public_note=(
            f"Les effectifs de 1 à {format_count(bilan.threshold - 1)} personnes sont masqués "
            f"et notés «\u00a0{MASKED_TEXT}\u00a0», ainsi que ceux qui permettraient de les "
            "retrouver à partir des totaux (secret statistique). Les graphiques ne montrent aucune "
            "valeur masquée." + (f" {rounding_note(bilan.rounding)}" if bilan.rounding else "")
        ),
        footer_css=charts.markup(css_string(title)),
        accompanied=format_count(bilan.accompanied),
        key_figures=view_key_figures(bilan),
        summary=summary(bilan),
        portrait_lead=(
            f"{counted(bilan.accompanied, 'personne_accompagnee')} sur la période : chaque "
            f"tableau les compte une fois (total {format_percent(100)}) ; chaque part est "
            "arrondie à l'unité, et deux effectifs égaux ont la même part."
        ),
        tables=tables,
        orientations_period=view_orientations_period(bilan),
        reach=view_reach(bilan),
        prescribers=tuple(
            PrescriberLine(p.name, format_count(p.count), p.count is None)
            for p in bilan.prescribers
        ),
        programmes=tuple(
            ProgrammeLine(p.programme, format_count(p.oriented), format_count(p.retained))
            for p in bilan.programmes
        ),
        animations=view_animations(bilan),
        partnerships=view_partnerships(bilan.partnerships),
        funding=(
            None
            if bilan.funding is None
            else view_funding_table(bilan.funding, nature_title(bilan.funding))
        ),
        other_fundings=view_other_fundings(bilan),
        gaps=view_gaps(bilan),
        texts=view_texts(bilan.texts, bilan.end.year),
        chapters=_chapters(bilan, tables, checks=with_checks),
        with_checks=with_checks,
        checks=tuple(_check(c) for c in bilan.checks),
        checks_lead=_checks_lead(bilan),
        colophon=(
            f"Établi avec citeslab {__version__} à partir des données du site. Chaque "
            "chiffre de cette page vient du bilan calculé une seule fois : le rapport "
            "texte, le JSON et les fichiers des financeurs donnent les mêmes."
            + provenance_text(bilan)
        ),
        sites=tuple(_site_line(site) for site in (*bilan.sites, bilan)) if bilan.sites else (),
        site_fundings=tuple(
            view_funding_table(site.funding, f"{site.site} : {nature_title(site.funding).lower()}")
            for site in bilan.sites
            if site.funding is not None
        ),
    )


def _site_line(bilan: PublicBilan) -> SiteLine:
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


def _check(check: Check) -> CheckLine:
    return CheckLine(
        severity=SEVERITY_LABELS.get(check.severity, check.severity),
        css=check.severity if check.severity in SEVERITY_LABELS else "info",
        message=check.message,
    )


def _checks_lead(bilan: PublicBilan) -> str:
    if not bilan.checks:
        return (
            f"Aucune incohérence relevée : chaque tableau totalise les "
            f"{counted(bilan.accompanied, 'personne_accompagnee')}."
        )
    return (
        f"{counted(len(bilan.checks), 'constat')} du contrôle de cohérence du bilan, à "
        "vérifier avant de l'envoyer aux financeurs."
    )


def _anchor(key: str) -> str:
    """A section's id: its key (``texte:perspectives`` gives ``texte-perspectives``); the
    chapters' ids start with ``chapitre-``, so that they never meet."""
    return re.sub(r"[^a-z0-9_]+", "-", key.lower()).strip("-")


def _chapters(
    bilan: PublicBilan, blocks: dict[str, Block], *, checks: bool
) -> tuple[ChapterView, ...]:
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


def _section_body(bilan: PublicBilan, blocks: dict[str, Block], key: str) -> tuple[str, Any]:
    if key in blocks:
        return "figure", blocks[key]
    if key.startswith("texte:"):
        items: list[str] = []
        for text in bilan.texts:
            if text.section == key[len("texte:") :]:
                for line in text.text.splitlines():
                    cleaned = BULLET.sub("", line).strip()
                    if cleaned:
                        items.append(cleaned)
        return "list", tuple(items)
    if key == "resume":
        return "list", summary(bilan)
    if key == "controles":
        return "checks", (_checks_lead(bilan), tuple(_check(c) for c in bilan.checks))
    return "grid", GRIDS[key](bilan)
