"""The bilan as the seed's own slide deck (``report --format pptx``): an editable
PowerPoint file with native charts.

The seed is the deck a CitésLab presents to its comité de pilotage and its funders. This
module writes it from the computed :class:`~citeslab_core.bilan.Bilan`, in the seed's
order (DOMAIN.md, « The bilan as a deck »): 1 — CitésLab en bref (the missions, the
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
import math
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from citeslab_core.bilan import Bilan, Table
from citeslab_core.derive.calendar import Calendar, CalendarEntry, EntryKind
from citeslab_core.french import (
    MASKED,
    counted,
    format_amount,
    format_count,
    format_decimal,
    format_partial_date,
    format_percent,
    format_period,
    format_share,
    format_years,
    rounded_shares_note,
)
from citeslab_core.model.dates import Precision
from citeslab_core.readers.files import clean_text
from citeslab_core.render._html_charts import PALETTE, PIE_TABLES
from citeslab_core.render.labels import (
    COLUMNS,
    EMPTY,
    HOST,
    INDICATORS,
    NOTES,
    ORIENTED_AT_LEAST_ONCE,
    SUBSET_NOTE,
    TERRITORY,
    TO_EXPLAIN,
)
from citeslab_core.render.outline import outline, summary
from citeslab_core.vocabularies import AnimationType, PartnershipCategory

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import Slide

__all__ = ["MASKED_SLICE", "render_deck", "write_deck"]

#: The slice of a pie that groups the masked rows (public mode), as on the HTML page.
MASKED_SLICE: Final = "Secret statistique"

#: The five missions of a CitésLab (the seed's first slide, DOMAIN.md « The programme »).
_MISSIONS: Final = (
    "Le ciblage des quartiers prioritaires (QPV) et des quartiers de veille active",
    "La dimension partenariale des CitésLab",
    "Le principe d'aller-vers, de préparation et d'orientation",
    "La fonction d'amorçage / désamorçage entrepreneurial",
    "La fonction de référent de parcours",
)

# Geometry (inches): a 16:9 slide, 13.333 × 7.5.
_WIDTH = 13.333
_HEIGHT = 7.5
_MARGIN = 0.55
_TOP = 1.55  # where a slide's content starts, under its kicker and title
_BOTTOM = 6.85  # where it ends, above the master's foot line
_INK = "1D2530"
_MUTED = "5B6B8C"
_GREY = "9AA4B1"
_MASKED_GREY = "DDE2E8"

_BULLET = re.compile(r"^\s*(?:[-–—•*➢>·]\s*)+")
_BEFORE = re.compile(r" +([:;!?»])")
_AFTER = re.compile(r"« +")


def french(text: str) -> str:
    """``text`` cleaned for XML (:func:`~citeslab_core.readers.files.clean_text`) with French
    typography: a no-break space before ``:`` ``;`` ``!`` ``?`` ``»`` and after ``«``."""
    text = _BEFORE.sub("\u00a0\\1", clean_text(text))
    return _AFTER.sub("«\u00a0", text)


@attrs.frozen
class _Series:
    name: str
    values: tuple[float | None, ...]


@attrs.frozen
class _Chart:
    """A native chart's data: ``kind`` is ``pie``, ``bar`` (horizontal), ``column``;
    ``labels``: each point's data label (the bilan's own share or count), by series."""

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[_Series, ...]
    number_format: str = "#,##0"
    labels: tuple[tuple[str, ...], ...] = ()
    greys: frozenset[int] = frozenset()  # points drawn grey (not filled in, in progress)


def _rgb(hex_colour: str) -> Any:
    """A python-pptx colour from ``1F4E79`` (its constructor is untyped)."""
    from pptx.dml.color import RGBColor

    make: Any = RGBColor.from_string
    return make(hex_colour)


def _year_label(bilan: Bilan) -> str:
    return format_years(bilan.start, bilan.end)


# -- the slides' content, from the bilan ---------------------------------------------------


def _table_chart(table: Table, kind: str) -> tuple[_Chart, list[str]]:
    """A portrait table as a chart (masked rows left out, or grouped in a pie) and the
    names of its masked rows."""
    shown = [r for r in table.rows if r.count is not None]
    masked = [r.label for r in table.rows if r.count is None]
    categories = [r.label for r in shown]
    values: list[float | None] = [float(r.count or 0) for r in shown]
    if kind == "pie":
        labels = [format_percent(r.share) if (r.share or 0) >= 5 else "" for r in shown]
        rest = (table.total or 0) - sum(r.count or 0 for r in shown)
        if masked and rest > 0:
            categories.append(MASKED_SLICE)
            values.append(float(rest))
            labels.append("")
    else:
        labels = [format_count(r.count) for r in shown]
    greys = frozenset(
        i for i, r in enumerate(shown) if r.code in ("non_renseigne", "en_cours", "autre")
    )
    chart = _Chart(
        kind,
        table.title,
        tuple(categories),
        (_Series("Personnes", tuple(values)),),
        labels=(tuple(labels),),
        greys=greys,
    )
    return chart, masked


def _masked_note(bilan: Bilan, masked: Sequence[str]) -> str:
    if not masked:
        return ""
    return (
        f"Effectifs masqués («\u00a0{MASKED}\u00a0», secret statistique : de 1 à "
        f"{format_count(bilan.threshold - 1)} personnes, ou de quoi les retrouver) : "
        + ", ".join(masked)
        + ". Le graphique ne les montre pas."
    )


def _portrait_lead(table: Table) -> list[str]:
    """The seed's words for the sexes: « Elles sont : 71 femmes », « Ils sont : 47 hommes »."""
    if table.key != "sexe":
        return []
    women, men = table.row("F"), table.row("H")
    lead = []
    if women is not None:
        lead.append(f"Elles sont : {counted(women.count, 'femme')}")
    if men is not None:
        lead.append(f"Ils sont : {counted(men.count, 'homme')}")
    return lead


def _portrait_lines(bilan: Bilan, table: Table) -> list[str]:
    """The key figures of a portrait table in words, for the panel beside its chart."""
    lines: list[str] = []
    if table.key == "sexe":
        lines += [
            f"{r.label} : {format_count(r.count)}" for r in table.rows if r.code not in ("F", "H")
        ]
    elif len(table.rows) <= 9:
        lines += [
            f"{r.label} : {format_count(r.count)} ({format_percent(r.share)})" for r in table.rows
        ]
    lines.append(f"Total : {counted(table.total, 'personne')}")
    if table.key == "orientation_premier_rdv":
        lines.append(
            f"dont «\u00a0Autres\u00a0» sans aucune orientation : "
            f"{format_count(bilan.without_orientation)}"
        )
    if table.shares_rounded:
        lines.append(rounded_shares_note(r.share for r in table.rows))
    return lines


#: How each portrait table is drawn: the seed's pies, its columns for the channels.
def _kind(key: str) -> str:
    if key in PIE_TABLES:
        return "pie"
    return "column" if key == "canal" else "bar"


def _programmes_chart(bilan: Bilan) -> tuple[_Chart, list[str]]:
    masked = [p.programme for p in bilan.programmes if p.oriented is None or p.retained is None]
    oriented = tuple(None if p.oriented is None else float(p.oriented) for p in bilan.programmes)
    retained = tuple(None if p.retained is None else float(p.retained) for p in bilan.programmes)
    names = COLUMNS["programmes"]
    chart = _Chart(
        "bar",
        "Programmes et accélérateurs",
        tuple(p.programme for p in bilan.programmes),
        (_Series(names[1], oriented), _Series(names[2], retained)),
        labels=(
            tuple(
                format_count(p.oriented) if p.oriented is not None else "" for p in bilan.programmes
            ),
            tuple(
                format_count(p.retained) if p.retained is not None else "" for p in bilan.programmes
            ),
        ),
    )
    return chart, masked


def _orientations_chart(bilan: Bilan) -> tuple[_Chart, list[str]]:
    rows = [o for o in bilan.orientations_period if o.persons is not None]
    masked = [o.label for o in bilan.orientations_period if o.persons is None]
    chart = _Chart(
        "bar",
        "Orientations de la période",
        tuple(o.label for o in rows),
        (_Series("Personnes orientées", tuple(float(o.persons or 0) for o in rows)),),
        labels=(tuple(format_count(o.persons) for o in rows),),
    )
    return chart, masked


def _prescribers_chart(bilan: Bilan) -> tuple[_Chart, list[str]]:
    rows = [p for p in bilan.prescribers if p.count is not None]
    masked = [p.name for p in bilan.prescribers if p.count is None]
    chart = _Chart(
        "bar",
        "Prescripteurs",
        tuple(p.name for p in rows),
        (_Series("Personnes", tuple(float(p.count or 0) for p in rows)),),
        labels=(tuple(format_count(p.count) for p in rows),),
    )
    return chart, masked


def _animations_chart(bilan: Bilan) -> _Chart:
    rows = [a for a in bilan.animations if a.number]
    return _Chart(
        "bar",
        "Animations réalisées",
        tuple(a.label for a in rows),
        (_Series("Nombre", tuple(float(a.number) for a in rows)),),
        labels=(tuple(format_count(a.number) for a in rows),),
    )


def _planned_chart(bilan: Bilan) -> _Chart:
    rows = [a for a in bilan.planned_animations if a.planned or a.held]
    names = COLUMNS["animations_prevues"]
    return _Chart(
        "bar",
        "Animations prévues et réalisées",
        tuple(a.label for a in rows),
        (
            _Series(names[1], tuple(float(a.planned) for a in rows)),
            _Series(names[2], tuple(float(a.held) for a in rows)),
        ),
        labels=(
            tuple(format_count(a.planned) for a in rows),
            tuple(format_count(a.held) for a in rows),
        ),
    )


def _qpv_chart(bilan: Bilan) -> tuple[_Chart, list[str]]:
    """Accompanied persons per QPV by sex (stacked bars); a masked count is left blank."""
    sexes = list(dict.fromkeys((r.code, r.label) for q in bilan.qpv_breakdown for r in q.sex.rows))
    masked: list[str] = []
    series = []
    for code, label in sexes:
        values: list[float | None] = []
        for q in bilan.qpv_breakdown:
            row = q.sex.row(code)
            count = row.count if row is not None else 0
            if count is None:
                masked.append(f"{q.neighbourhood} ({label.lower()})")
            values.append(None if count is None else float(count))
        series.append(_Series(label, tuple(values)))
    chart = _Chart(
        "stacked",
        "Personnes accompagnées par quartier prioritaire",
        tuple(q.neighbourhood for q in bilan.qpv_breakdown),
        tuple(series),
        labels=tuple(
            tuple("" if v is None or v == 0 else format_count(int(v)) for v in s.values)
            for s in series
        ),
    )
    return chart, masked


def _funding_chart(bilan: Bilan) -> _Chart | None:
    year = bilan.funding
    if year is None or not year.contributions:
        return None
    return _Chart(
        "pie",
        "Financement de l'année",
        tuple(c.funder.label for c in year.contributions),
        (_Series("Montant", tuple(float(c.amount) for c in year.contributions)),),
        number_format='#,##0.00" €"',
        labels=(tuple(format_share(c.share) for c in year.contributions),),
    )


# -- drawing ---------------------------------------------------------------------------


def _lines_needed(text: str, width: float, size: float) -> int:
    """About how many lines ``text`` takes in a box ``width`` inches wide at ``size``
    points (an average character is about half an em; a little room kept)."""
    per_line = max(8, int(width * 72 / (size * 0.53)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _pages(items: Sequence[Any], cost: Any, budget: float) -> list[list[Any]]:
    """``items`` cut into pages whose ``cost(item)`` adds up to at most ``budget``
    (every page has at least one item)."""
    pages: list[list[Any]] = [[]]
    used = 0.0
    for item in items:
        spent = cost(item)
        if pages[-1] and used + spent > budget:
            pages.append([])
            used = 0.0
        pages[-1].append(item)
        used += spent
    return pages if pages[0] else []


class _Deck:
    """The presentation being made (python-pptx objects), slide by slide."""

    def __init__(self, bilan: Bilan) -> None:
        from pptx import Presentation as new_presentation
        from pptx.util import Inches

        self.bilan = bilan
        self.inches = Inches
        self.prs: Presentation = new_presentation()
        self.part = ""
        self._widescreen()
        self._master()

    # the template ----------------------------------------------------------------------

    def _widescreen(self) -> None:
        """16:9, the master's and layouts' placeholders widened to match."""
        prs = self.prs
        old = prs.slide_width or 1
        prs.slide_width = self.inches(_WIDTH)
        prs.slide_height = self.inches(_HEIGHT)
        factor = (prs.slide_width or old) / old
        holders = [*prs.slide_master.placeholders]
        for layout in prs.slide_layouts:
            holders += [*layout.placeholders]
        for shape in holders:
            if shape.left is not None and shape.width is not None:
                shape.left = int(shape.left * factor)
                shape.width = int(shape.width * factor)

    def _master(self) -> None:
        """The site's name at the foot of every slide."""
        master = self.prs.slide_master
        shapes = master.shapes
        tree = shapes._spTree
        tree.add_textbox(
            shapes._next_shape_id,
            "Site",
            self.inches(_MARGIN),
            self.inches(_HEIGHT - 0.5),
            self.inches(_WIDTH - 2 * _MARGIN),
            self.inches(0.35),
        )
        box = shapes[len(shapes) - 1]
        frame = box.text_frame
        self._fill(
            frame,
            [f"{self.bilan.site} — bilan {_year_label(self.bilan)}"],
            size=10,
            colour=_MUTED,
        )

    # text ------------------------------------------------------------------------------

    def _fill(
        self,
        frame: Any,
        lines: Sequence[str],
        *,
        size: float,
        colour: str = _INK,
        bold: bool = False,
        bullets: bool = False,
        align: str = "left",
        first_size: float | None = None,
    ) -> None:
        from pptx.enum.lang import MSO_LANGUAGE_ID
        from pptx.enum.text import PP_ALIGN
        from pptx.util import Pt

        frame.word_wrap = True
        for index, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = {
                "left": PP_ALIGN.LEFT,
                "right": PP_ALIGN.RIGHT,
                "center": PP_ALIGN.CENTER,
            }[align]
            if bullets:
                paragraph.space_after = Pt(size * 0.45)
            run = paragraph.add_run()
            run.text = french(("• " if bullets else "") + line)
            font = run.font
            font.size = Pt(first_size if (first_size and index == 0) else size)
            font.bold = bold
            font.color.rgb = _rgb(colour)
            font.language_id = MSO_LANGUAGE_ID.FRENCH

    def text(
        self,
        slide: Slide,
        box: tuple[float, float, float, float],
        lines: Sequence[str],
        **style: Any,
    ) -> None:
        left, top, width, height = box
        shape = slide.shapes.add_textbox(
            self.inches(left), self.inches(top), self.inches(width), self.inches(height)
        )
        self._fill(shape.text_frame, lines, **style)

    # slides ----------------------------------------------------------------------------

    def slide(self, title: str) -> Slide:
        """A new slide of the current part, titled ``title`` (a real title placeholder:
        the outline view and screen readers see it)."""
        from pptx.enum.shapes import MSO_CONNECTOR
        from pptx.enum.text import MSO_ANCHOR
        from pptx.util import Pt

        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # « Titre seul »
        holder = slide.shapes.title
        assert holder is not None
        holder.left, holder.top = self.inches(_MARGIN), self.inches(0.55)
        holder.width, holder.height = self.inches(_WIDTH - 2 * _MARGIN), self.inches(0.95)
        frame = holder.text_frame
        frame.vertical_anchor = MSO_ANCHOR.TOP
        self._fill(frame, [title], size=26 if len(title) < 70 else 22, bold=True)
        if self.part:
            self.text(slide, (_MARGIN, 0.18, 9.0, 0.4), [self.part.upper()], size=11, colour=_MUTED)
        line = slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT,
            self.inches(_MARGIN),
            self.inches(_HEIGHT - 0.55),
            self.inches(_WIDTH - _MARGIN),
            self.inches(_HEIGHT - 0.55),
        )
        line.line.color.rgb = _rgb(_MASKED_GREY)
        line.line.width = Pt(0.75)
        return slide

    def divider(self, number: str, title: str, lines: Sequence[str] = ()) -> None:
        """A part's first slide: « 2 — Bilan 2023 »."""
        self.part = f"{number} — {title}" if number else title
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[2])  # « Titre de section »
        for holder in list(slide.placeholders):
            if holder.placeholder_format.idx != 0:
                holder._element.getparent().remove(holder._element)
        holder = slide.shapes.title
        assert holder is not None
        holder.left, holder.top = self.inches(_MARGIN), self.inches(2.4)
        holder.width, holder.height = self.inches(_WIDTH - 2 * _MARGIN), self.inches(1.4)
        self._fill(holder.text_frame, [self.part], size=40, bold=True)
        if lines:
            self.text(
                slide, (_MARGIN, 3.9, _WIDTH - 2 * _MARGIN, 2.0), lines, size=18, colour=_MUTED
            )

    # tables and charts -----------------------------------------------------------------

    def table(
        self,
        slide: Slide,
        box: tuple[float, float, float, float],
        headers: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        size: float = 12,
        align: str = "",
    ) -> None:
        """A native table; ``widths`` are the columns' shares of the box's width;
        ``align``: one letter per column (``l``, ``r``), figures right by default."""
        from pptx.enum.text import MSO_ANCHOR

        left, top, width, _ = box
        align = align or "l" + "r" * (len(headers) - 1)
        row_height = size / 72 * 1.9
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(headers),
            self.inches(left),
            self.inches(top),
            self.inches(width),
            self.inches(row_height * (len(rows) + 1)),
        )
        table = shape.table
        total = sum(widths)
        for i, share in enumerate(widths):
            table.columns[i].width = self.inches(width * share / total)
        for r in range(len(rows) + 1):
            table.rows[r].height = self.inches(row_height)
        for r, cells in enumerate([headers, *rows]):
            for c, value in enumerate(cells):
                cell = table.cell(r, c)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.margin_top = cell.margin_bottom = self.inches(0.03)
                cell.text_frame.text = ""
                self._fill(
                    cell.text_frame,
                    value.split("\n"),
                    size=size,
                    bold=r == 0,
                    colour="FFFFFF" if r == 0 else _INK,
                    align="right" if align[c] == "r" else "left",
                )

    def chart(self, slide: Slide, box: tuple[float, float, float, float], made: _Chart) -> None:
        """A native chart of ``made``'s data (see :class:`_Chart`)."""
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
        from pptx.util import Pt

        data_class: Any = CategoryChartData  # untyped in python-pptx
        data = data_class(number_format=made.number_format)
        data.categories = [french(c) for c in made.categories]
        for series in made.series:
            data.add_series(french(series.name), series.values, made.number_format)
        kind = {
            "pie": XL_CHART_TYPE.PIE,
            "bar": XL_CHART_TYPE.BAR_CLUSTERED,
            "stacked": XL_CHART_TYPE.BAR_STACKED,
            "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
        }[made.kind]
        left, top, width, height = box
        frame: Any = slide.shapes.add_chart(  # a GraphicFrame (python-pptx says Chart)
            kind,
            self.inches(left),
            self.inches(top),
            self.inches(width),
            self.inches(height),
            data,
        )
        chart = frame.chart
        chart.font.size = Pt(12)
        chart.has_title = False
        several = len(made.series) > 1
        chart.has_legend = made.kind == "pie" or several
        if chart.has_legend:
            chart.legend.position = (
                XL_LEGEND_POSITION.RIGHT if made.kind == "pie" else XL_LEGEND_POSITION.BOTTOM
            )
            chart.legend.include_in_layout = False
            chart.legend.font.size = Pt(12)
        if made.kind == "pie":
            self._pie(chart, made)
        else:
            self._bars(chart, made)

    def _pie(self, chart: Any, made: _Chart) -> None:
        from pptx.enum.chart import XL_LABEL_POSITION
        from pptx.util import Pt

        plot = chart.plots[0]
        plot.vary_by_categories = True
        series = plot.series[0]
        colour = 0
        for index, category in enumerate(made.categories):
            point = series.points[index]
            fill = point.format.fill
            fill.solid()
            if category == MASKED_SLICE:
                fill.fore_color.rgb = _rgb(_MASKED_GREY)
            elif index in made.greys:
                fill.fore_color.rgb = _rgb(_GREY)
            else:
                fill.fore_color.rgb = _rgb(PALETTE[colour % len(PALETTE)][1:])
                colour += 1
            label = made.labels[0][index] if made.labels else ""
            if label:
                data_label = point.data_label
                data_label.position = XL_LABEL_POSITION.CENTER
                frame = data_label.text_frame
                frame.text = french(label)
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(13)
                        run.font.bold = True
                        run.font.color.rgb = _rgb("FFFFFF")

    def _bars(self, chart: Any, made: _Chart) -> None:
        from pptx.enum.chart import XL_LABEL_POSITION
        from pptx.util import Pt

        plot = chart.plots[0]
        plot.gap_width = 60
        if made.kind == "stacked":
            plot.overlap = 100
        elif len(made.series) > 1:
            plot.overlap = -10
        if made.kind in ("bar", "stacked"):
            from pptx.enum.chart import XL_AXIS_CROSSES

            # The first row on top, as in the table, and the figures' axis at the bottom.
            chart.category_axis.reverse_order = True
            # python-pptx has no setter for where the value axis crosses: the XML's.
            value_axis = chart.value_axis._element
            value_axis._remove_crosses()
            value_axis._add_crosses(val=XL_AXIS_CROSSES.MAXIMUM)
        axis = chart.value_axis
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = _rgb(_MASKED_GREY)
        axis.tick_labels.number_format = "#,##0"
        axis.tick_labels.number_format_is_linked = False
        axis.tick_labels.font.size = Pt(11)
        chart.category_axis.tick_labels.font.size = Pt(12 if len(made.categories) < 10 else 10)
        for s, series in enumerate(plot.series):
            fill = series.format.fill
            fill.solid()
            fill.fore_color.rgb = _rgb(PALETTE[s % len(PALETTE)][1:])
            if len(made.series) == 1:
                for index in made.greys:
                    point = series.points[index]
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = _rgb(_GREY)
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = "#,##0"
        labels.number_format_is_linked = False
        labels.font.size = Pt(11)
        labels.position = (
            XL_LABEL_POSITION.CENTER if made.kind == "stacked" else XL_LABEL_POSITION.OUTSIDE_END
        )
        if made.kind == "stacked":
            labels.font.color.rgb = _rgb("FFFFFF")


# -- the parts -------------------------------------------------------------------------


def _cover(deck: _Deck, bilan: Bilan) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[0])
    holder = slide.shapes.title
    assert holder is not None
    holder.left, holder.top = deck.inches(_MARGIN), deck.inches(1.6)
    holder.width, holder.height = deck.inches(_WIDTH - 2 * _MARGIN), deck.inches(1.6)
    deck._fill(holder.text_frame, [f"Bilan {_year_label(bilan)}"], size=44, bold=True)
    for other in list(slide.placeholders):
        if other.placeholder_format.idx != 0:
            other._element.getparent().remove(other._element)
    period = format_period(bilan.start, bilan.end)
    lines = [bilan.site, f"Bilan d'activité CitésLab {period}"]
    if bilan.host:
        lines.append(f"{HOST} : {bilan.host}")
    if bilan.territory:
        lines.append(f"{TERRITORY} : {bilan.territory}")
    if bilan.subset:
        lines.append(SUBSET_NOTE)
    deck.text(slide, (_MARGIN, 3.3, _WIDTH - 2 * _MARGIN, 2.2), lines, size=18, first_size=28)
    if bilan.public:
        deck.text(
            slide,
            (_MARGIN, 5.6, _WIDTH - 2 * _MARGIN, 0.9),
            [_public_note(bilan)],
            size=13,
            colour=_MUTED,
        )


def _public_note(bilan: Bilan) -> str:
    return (
        f"Version publique : les effectifs de 1 à {format_count(bilan.threshold - 1)} "
        f"personnes sont masqués et notés «\u00a0{MASKED}\u00a0», ainsi que ceux qui "
        "permettraient de les retrouver à partir des totaux (secret statistique). Les "
        "graphiques ne montrent aucune valeur masquée."
    )


def _text_slides(deck: _Deck, title: str, items: Sequence[str], *, size: float = 16) -> None:
    """``items`` as bullets, on as many slides as they need (« (suite) »)."""
    width = _WIDTH - 2 * _MARGIN
    budget = (_BOTTOM - _TOP - 0.3) * 72  # points; a line is 1.2 em, a bullet's gap 0.45
    pages = _pages(
        items, lambda item: (_lines_needed(item, width - 0.3, size) * 1.2 + 0.45) * size, budget
    )
    for number, page in enumerate(pages):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.text(slide, (_MARGIN, _TOP, width, _BOTTOM - _TOP), page, size=size, bullets=True)


def _figure_slide(
    deck: _Deck, title: str, made: _Chart, lines: Sequence[str], lead: Sequence[str] = ()
) -> None:
    """A chart on the left, its key figures in words on the right (``lead`` first, large)."""
    slide = deck.slide(title)
    chart_width = 7.6
    deck.chart(slide, (_MARGIN - 0.1, _TOP, chart_width, _BOTTOM - _TOP), made)
    left = _MARGIN + chart_width + 0.2
    top = _TOP + 0.2
    if lead:
        height = 0.5 * len(lead)
        deck.text(slide, (left, top, _WIDTH - _MARGIN - left, height), lead, size=20, bold=True)
        top += height + 0.2
    if lines:
        deck.text(slide, (left, top, _WIDTH - _MARGIN - left, _BOTTOM - top), lines, size=14)


def _part_en_bref(deck: _Deck, bilan: Bilan, titles: dict[str, str]) -> None:
    deck.divider("1", "CitésLab en bref", [bilan.site])
    _text_slides(deck, "Les missions de CitésLab", _MISSIONS, size=20)
    if bilan.reach:
        slide = deck.slide(titles["portee"])
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
        ]
        deck.table(slide, (_MARGIN, _TOP, 10.5, 4.0), COLUMNS["portee"], rows, (4, 2, 2, 2.5))
    slide = deck.slide(titles["indicateurs"])
    ind = bilan.indicators
    deck.table(
        slide,
        (_MARGIN, _TOP, 10.0, 4.8),
        COLUMNS["indicateurs"],
        [[i.label, format_count(getattr(ind, i.attribute))] for i in INDICATORS],
        (5, 1),
        size=13,
    )
    _text_slides(deck, titles["resume"], summary(bilan))


def _partnership_slides(deck: _Deck, bilan: Bilan, title: str) -> None:
    if not bilan.partnerships:
        slide = deck.slide(title)
        deck.text(slide, (_MARGIN, _TOP, 12, 1), [EMPTY["partenariats"]], size=16)
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
    width = _WIDTH - 2 * _MARGIN
    size = 11

    def cost(row: Sequence[str]) -> float:
        return 0.4 + max(
            _lines_needed(cell, width * w / sum(widths) - 0.2, size)
            for cell, w in zip(row, widths, strict=True)
        )

    budget = (_BOTTOM - _TOP - 0.3) * 72 / (size * 1.25) - 1.5
    for number, page in enumerate(_pages(cells, cost, budget)):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.table(
            slide,
            (_MARGIN, _TOP, width, 4.0),
            ("Catégorie", "Partenaire", "Action", "Date"),
            page,
            widths,
            size=size,
            align="llll",
        )


def _portrait_slides(
    deck: _Deck, bilan: Bilan, titles: dict[str, str], keys: Iterable[str]
) -> None:
    for key in keys:
        if key not in titles:
            continue
        table = bilan.tables[key]
        made, masked = _table_chart(table, _kind(key))
        lines = _portrait_lines(bilan, table)
        note = _masked_note(bilan, masked)
        _figure_slide(
            deck, titles[key], made, [*lines, *([note] if note else [])], _portrait_lead(table)
        )


def _part_bilan(deck: _Deck, bilan: Bilan, titles: dict[str, str]) -> None:
    year = _year_label(bilan)
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
        made, masked = _prescribers_chart(bilan)
        note = _masked_note(bilan, masked)
        _figure_slide(deck, titles["prescripteurs"], made, [note] if note else [])
    _portrait_slides(deck, bilan, titles, ("stade_entree", "secteur", "orientation_premier_rdv"))
    _orientations_slide(deck, bilan, titles["orientations_periode"])
    _portrait_slides(deck, bilan, titles, ("resultat",))
    _programmes_slide(deck, bilan, titles["programmes"])
    _animation_slides(deck, bilan, titles)
    if bilan.qpv_breakdown:
        made, masked = _qpv_chart(bilan)
        note = _masked_note(bilan, masked)
        lines = [
            f"{q.neighbourhood}{f' ({q.qpv_code})' if q.qpv_code else ''} : "
            f"{format_count(q.accompanied)}"
            for q in bilan.qpv_breakdown
        ]
        _figure_slide(deck, titles["qpv"], made, [*lines, *([note] if note else [])])
    for section in ("points_forts", "points_amelioration"):
        _texts_of(deck, bilan, titles, section)
    for section in dict.fromkeys(t.section for t in bilan.texts):
        if section not in ("points_forts", "points_amelioration", "perspectives"):
            _texts_of(deck, bilan, titles, section)


def _texts_of(deck: _Deck, bilan: Bilan, titles: dict[str, str], section: str) -> None:
    key = f"texte:{section}"
    if key not in titles:
        return
    items = [
        cleaned
        for t in bilan.texts
        if t.section == section
        for line in t.text.splitlines()
        if (cleaned := _BULLET.sub("", line).strip())
    ]
    _text_slides(deck, titles[key], items)


def _orientations_slide(deck: _Deck, bilan: Bilan, title: str) -> None:
    made, masked = _orientations_chart(bilan)
    lines = [
        f"{o.label} : {format_count(o.persons)} ({format_percent(o.share)}), "
        f"{counted(o.orientations, 'orientation')}"
        for o in bilan.orientations_period
    ]
    lines.append(f"{ORIENTED_AT_LEAST_ONCE} : {format_count(bilan.orientations_period_persons)}")
    lines.append(NOTES["orientations_periode"])
    note = _masked_note(bilan, masked)
    _figure_slide(deck, title, made, [*lines, *([note] if note else [])])


def _programmes_slide(deck: _Deck, bilan: Bilan, title: str) -> None:
    slide = deck.slide(title)
    if not bilan.programmes:
        deck.text(slide, (_MARGIN, _TOP, 12, 1), [EMPTY["programmes"]], size=16)
        return
    rows = [
        [p.programme, format_count(p.oriented), format_count(p.retained)] for p in bilan.programmes
    ]
    deck.table(slide, (_MARGIN, _TOP, 6.0, 3.0), COLUMNS["programmes"], rows, (2.4, 1.5, 1.5))
    made, masked = _programmes_chart(bilan)
    deck.chart(slide, (6.9, _TOP, _WIDTH - _MARGIN - 6.9, _BOTTOM - _TOP), made)
    note = _masked_note(bilan, masked)
    if note:
        deck.text(slide, (_MARGIN, 5.3, 6.0, 1.4), [note], size=12, colour=_MUTED)


def _animation_slides(deck: _Deck, bilan: Bilan, titles: dict[str, str]) -> None:
    ind = bilan.indicators
    held = [a for a in bilan.animations if a.number]
    slide = deck.slide(titles["animations"])
    lead = (
        f"{counted(ind.animations_held, 'action_collective_realisee')}, "
        f"{counted(ind.animation_participants, 'participant')}"
    )
    deck.text(slide, (_MARGIN, _TOP - 0.1, 12, 0.5), [lead], size=16, bold=True)
    if held:
        deck.table(
            slide,
            (_MARGIN, _TOP + 0.55, 5.6, 3.5),
            COLUMNS["animations"],
            [[a.label, format_count(a.number), format_count(a.participants)] for a in held],
            (2.6, 1.2, 1.4),
            size=12,
        )
        deck.chart(
            slide,
            (6.5, _TOP + 0.4, _WIDTH - _MARGIN - 6.5, _BOTTOM - _TOP - 0.4),
            _animations_chart(bilan),
        )
    if "animations_prevues" in titles:
        made = _planned_chart(bilan)
        _figure_slide(deck, titles["animations_prevues"], made, [NOTES["animations_prevues"]])
    if "animations_qpv" in titles:
        slide = deck.slide(titles["animations_qpv"])
        rows = [
            [
                a.neighbourhood,
                a.qpv_code or "",
                format_count(a.number),
                format_count(a.participants),
            ]
            for a in bilan.animations_in_qpv
        ]
        deck.table(
            slide,
            (_MARGIN, _TOP, 10.0, 3.0),
            COLUMNS["animations_qpv"],
            rows,
            (3.5, 2, 1.5, 1.5),
            align="llrr",
        )


# -- perspectives: the site's texts and the next year's calendar ----------------------------


def _short_day(entry: CalendarEntry) -> str:
    """``15 févr.`` for a day, ``novembre`` for a month, ``mai à juin`` for months."""
    from babel.dates import format_date

    if entry.precision is Precision.DAY:
        text = str(format_date(entry.first_day, "d MMM", locale="fr_FR"))
        return "1er" + text[1:] if entry.first_day.day == 1 else text
    if entry.precision is Precision.MONTH:
        return str(format_date(entry.first_day, "LLLL", locale="fr_FR"))
    first = str(format_date(entry.first_day, "LLLL", locale="fr_FR"))
    last = str(format_date(entry.last_day, "LLLL", locale="fr_FR"))
    return f"{first} à {last}"


def _hour(value: dt.time) -> str:
    """``9 h``, ``9 h 30``."""
    return (
        f"{value.hour}\u00a0h\u00a0{value.minute:02d}" if value.minute else f"{value.hour}\u00a0h"
    )


_WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _calendar_slides(deck: _Deck, calendar: Calendar, year: int) -> None:
    animations = [e for e in calendar.entries if e.kind == EntryKind.ANIMATION]
    dated = [e for e in animations if not e.undated]
    undated = [e for e in animations if e.undated]
    permanences = [e for e in calendar.entries if e.kind == EntryKind.PERMANENCE]
    slide = deck.slide(f"Calendrier prévisionnel {year}")
    if not animations and not permanences:
        deck.text(
            slide,
            (_MARGIN, _TOP, 12, 1),
            [f"Aucune animation prévue ni permanence pour {year} dans les données du site."],
            size=16,
        )
        return
    types = [t for t in AnimationType if any(e.type is t for e in dated)]
    columns = [[_short_day(e) for e in dated if e.type is t] for t in types]
    depth = max((len(c) for c in columns), default=0)
    if types:
        rows = [[c[i] if i < len(c) else "" for c in columns] for i in range(depth)]
        size = 12 if depth <= 10 else 10
        deck.table(
            slide,
            (_MARGIN, _TOP, _WIDTH - 2 * _MARGIN, 3.5),
            [t.label for t in types],
            rows,
            [1] * len(types),
            size=size,
            align="l" * len(types),
        )
    below = [f"Et aussi : {e.summary}" for e in undated]
    if permanences:
        below.append(
            f"{counted(len(permanences), 'permanence')} prévues en {year} "
            "(détail sur la diapositive suivante)"
            if len(permanences) > 1
            else f"{counted(len(permanences), 'permanence')} prévue en {year}"
        )
    if below:
        top = _TOP + min(4.3, 0.4 * (depth + 1) + 0.4) if types else _TOP
        deck.text(
            slide, (_MARGIN, top, _WIDTH - 2 * _MARGIN, _BOTTOM - top), below, size=14, bullets=True
        )
    if permanences:
        _permanence_slide(deck, permanences, year)


def _permanence_slide(deck: _Deck, entries: Sequence[CalendarEntry], year: int) -> None:
    """One row per place, weekday and hours, with the number of days in the year."""
    groups: dict[tuple[str, int, str], list[CalendarEntry]] = {}
    for e in entries:
        hours = ""
        if e.start_time is not None and e.end_time is not None:
            hours = f"{_hour(e.start_time)} – {_hour(e.end_time)}"
        groups.setdefault((e.place or "", e.first_day.weekday(), hours), []).append(e)
    rows = [
        [place, _WEEKDAYS[day], hours, format_count(len(found))]
        for (place, day, hours), found in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0]))
    ]
    slide = deck.slide(f"Les permanences {year}")
    deck.text(
        slide,
        (_MARGIN, _TOP - 0.1, 12, 0.5),
        [f"{counted(len(entries), 'permanence')} prévues en {year}, jours fériés exclus"],
        size=16,
        bold=True,
    )
    deck.table(
        slide,
        (_MARGIN, _TOP + 0.5, _WIDTH - 2 * _MARGIN, 3.5),
        ("Lieu", "Jour", "Horaires", "Permanences"),
        rows,
        (5.5, 1.6, 2.4, 1.6),
        size=12 if len(rows) <= 10 else 10,
        align="lllr",
    )


def _part_perspectives(
    deck: _Deck, bilan: Bilan, titles: dict[str, str], calendar: Calendar | None
) -> None:
    year = bilan.end.year + 1
    deck.divider("3", f"Perspectives {year}")
    _texts_of(deck, bilan, titles, "perspectives")
    if calendar is not None:
        _calendar_slides(deck, calendar, year)


# -- funding -----------------------------------------------------------------------------


def _part_funding(deck: _Deck, bilan: Bilan, titles: dict[str, str], with_checks: bool) -> None:
    deck.divider("4", "Le financement du dispositif")
    year = bilan.funding
    slide = deck.slide(f"{titles['financement']} {year.year}" if year else titles["financement"])
    if year is None:
        deck.text(slide, (_MARGIN, _TOP, 12, 1), [EMPTY["financement"]], size=16)
    else:
        made = _funding_chart(bilan)
        rows = [
            [c.funder.label, format_amount(c.amount), format_share(c.share)]
            for c in year.contributions
        ]
        rows.append(["Total", format_amount(year.contributions_sum), format_share(Decimal(100))])
        deck.text(
            slide,
            (_MARGIN, _TOP - 0.1, 7, 0.5),
            [f"Coût total de l'action : {format_amount(year.total)} ({year.nature.label.lower()})"],
            size=16,
            bold=True,
        )
        deck.table(
            slide,
            (_MARGIN, _TOP + 0.55, 6.6, 2.5),
            COLUMNS["financement"][:3],
            rows,
            (3.6, 1.8, 1.2),
        )
        if made is not None:
            deck.chart(slide, (7.4, _TOP, _WIDTH - _MARGIN - 7.4, _BOTTOM - _TOP), made)
    plan = bilan.funding_plan
    if plan is not None and "prevu_realise" in titles:
        slide = deck.slide(titles["prevu_realise"])
        headers = [*COLUMNS["prevu_realise"], *([""] if with_checks else [])]
        rows = []
        for row in (*plan.rows, plan.total):
            cells = [
                row.funder.label if row.funder is not None else "Total",
                format_amount(row.planned) or "—",
                format_amount(row.actual) or "—",
                format_amount(row.gap),
                format_share(row.gap_percent) if row.gap_percent is not None else "—",
            ]
            if with_checks:
                cells.append(TO_EXPLAIN if row.flagged else "")
            rows.append(cells)
        widths = (4.0, 2, 2, 2, 1.5, *((1.5,) if with_checks else ()))
        deck.table(slide, (_MARGIN, _TOP, _WIDTH - 2 * _MARGIN, 3), headers, rows, widths)
    if bilan.funding_years and "pluriannuels" in titles:
        _years_slide(deck, bilan, titles["pluriannuels"])


def _years_slide(deck: _Deck, bilan: Bilan, title: str) -> None:
    from citeslab_core.vocabularies import Funder

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
                else f"{format_amount(found.amount)}\n({format_share(found.share)})"
            )
        rows.append(cells)
    rows.append(["Total", *(format_amount(y.total) for y in years)])
    slide = deck.slide(title)
    headers = [*COLUMNS["pluriannuels"], *(f"{y.year} {y.nature.label.lower()}" for y in years)]
    deck.table(
        slide,
        (_MARGIN, _TOP, _WIDTH - 2 * _MARGIN, 3),
        headers,
        rows,
        (3.2, *([2.0] * len(years))),
        size=12 if len(years) <= 5 else 10,
    )


def _part_checks(deck: _Deck, bilan: Bilan) -> None:
    deck.divider("", "Contrôles")
    if not bilan.checks:
        _text_slides(deck, "Contrôles", ["Aucune remarque."])
        return
    _text_slides(
        deck, "Contrôles", [f"[{c.severity.label}] {c.message}" for c in bilan.checks], size=13
    )


def _closing(deck: _Deck, bilan: Bilan) -> None:
    deck.part = ""
    slide = deck.slide("Merci de votre attention")
    lines = [
        "Établi avec citeslab à partir des données du site : chaque chiffre vient du bilan "
        "calculé une seule fois ; le bilan texte, HTML et JSON donnent les mêmes."
    ]
    if bilan.provenance is not None:
        lines.append(bilan.provenance.describe() + ".")
    deck.text(slide, (_MARGIN, 4.8, _WIDTH - 2 * _MARGIN, 1.8), lines, size=12, colour=_MUTED)


# -- the deck ----------------------------------------------------------------------------


def _properties(deck: _Deck, bilan: Bilan) -> None:
    core = deck.prs.core_properties
    core.title = french(f"Bilan {_year_label(bilan)} — {bilan.site}")[:255]
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
    bilan: Bilan, *, with_checks: bool = False, calendar: Calendar | None = None
) -> bytes:
    """The bilan as a PowerPoint file (``.pptx`` bytes), see the module docstring.

    ``with_checks``: add the part « Contrôles » (a deck for the chef de projet; a funder's
    has none); ``calendar``: the next year's calendar for the Perspectives part."""
    deck = _Deck(bilan)
    titles = {
        section.key: section.title
        for chapter in outline(bilan, checks=with_checks)
        for section in chapter.sections
    }
    _properties(deck, bilan)
    _cover(deck, bilan)
    _part_en_bref(deck, bilan, titles)
    _part_bilan(deck, bilan, titles)
    _part_perspectives(deck, bilan, titles, calendar)
    _part_funding(deck, bilan, titles, with_checks)
    if with_checks:
        _part_checks(deck, bilan)
    _closing(deck, bilan)
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


def write_deck(
    bilan: Bilan,
    path: str | os.PathLike[str],
    *,
    with_checks: bool = False,
    calendar: Calendar | None = None,
    force: bool = False,
) -> None:
    """Write the bilan's deck (:func:`render_deck`) to ``path``, whole or not at all; an
    existing file is replaced only with ``force`` (never a link, a folder or a device)."""
    from citeslab_core.readers.files import write_atomic

    data = render_deck(bilan, with_checks=with_checks, calendar=calendar)
    write_atomic(Path(path), data, force=force)
