"""Drawing the deck (private to :mod:`citeslab_core.render.deck`): the 16:9 template and
its master, slides, text boxes, tables and native charts (python-pptx, imported when a
deck is made), and the pages of a long list."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from citeslab_core.bilan import PublicBilan
from citeslab_core.render._deck_charts import (
    BULLET,
    MASKED_SLICE,
    MAX_BARS,
    Chart,
    chart_text,
    even_ranges,
    french,
    year_label,
)
from citeslab_core.render._html_charts import PALETTE

if TYPE_CHECKING:
    from pptx.presentation import Presentation
    from pptx.slide import Slide

# Geometry (inches): a 16:9 slide, 13.333 × 7.5.
WIDTH = 13.333
HEIGHT = 7.5
MARGIN = 0.55
TOP = 1.55  # where a slide's content starts, under its kicker and title
BOTTOM = 6.85  # where it ends, above the master's foot line
INK = "1D2530"
MUTED = "5B6B8C"
GREY = "9AA4B1"
MASKED_GREY = "DDE2E8"

#: What a chart's place says when it has nothing to draw.
NOTHING: Final = "Aucun effectif à dessiner."


def rgb(hex_colour: str) -> Any:
    """A python-pptx colour from ``1F4E79`` (its constructor is untyped)."""
    from pptx.dml.color import RGBColor

    make: Any = RGBColor.from_string
    return make(hex_colour)


def lines_needed(text: str, width: float, size: float) -> int:
    """About how many lines ``text`` takes in a box ``width`` inches wide at ``size``
    points (an average character is about half an em; a little room kept)."""
    per_line = max(8, int(width * 72 / (size * 0.53)))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _fill_pages(items: Sequence[Any], costs: Sequence[float], limit: float) -> list[list[Any]]:
    """``items`` in order, a new page when the next would pass ``limit``."""
    pages: list[list[Any]] = [[]]
    used = 0.0
    for item, spent in zip(items, costs, strict=True):
        if pages[-1] and used + spent > limit:
            pages.append([])
            used = 0.0
        pages[-1].append(item)
        used += spent
    return pages if pages[0] else []


def paginate(items: Sequence[Any], cost: Any, budget: float) -> list[list[Any]]:
    """``items`` cut into as few pages as fit, each page's ``cost(item)`` adding up to at
    most ``budget`` (every page has at least one item), the pages about even (no last
    slide holding one row)."""
    costs = [float(cost(item)) for item in items]
    pages = _fill_pages(items, costs, budget)
    limit = sum(costs) / max(1, len(pages))
    while len(pages) > 1 and limit < budget:
        even = _fill_pages(items, costs, limit)
        if len(even) <= len(pages):
            return even
        limit *= 1.05
    return pages


class Deck:
    """The presentation being made (python-pptx objects), slide by slide."""

    def __init__(self, bilan: PublicBilan) -> None:
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
        prs.slide_width = self.inches(WIDTH)
        prs.slide_height = self.inches(HEIGHT)
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
            self.inches(MARGIN),
            self.inches(HEIGHT - 0.5),
            self.inches(WIDTH - 2 * MARGIN),
            self.inches(0.35),
        )
        box = shapes[len(shapes) - 1]
        frame = box.text_frame
        self._fill(
            frame,
            [f"{self.bilan.site} — bilan {year_label(self.bilan)}"],
            size=10,
            colour=MUTED,
        )

    # text ------------------------------------------------------------------------------

    def _fill(
        self,
        frame: Any,
        lines: Sequence[str],
        *,
        size: float,
        colour: str = INK,
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
            font.color.rgb = rgb(colour)
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
        holder.left, holder.top = self.inches(MARGIN), self.inches(0.55)
        holder.width, holder.height = self.inches(WIDTH - 2 * MARGIN), self.inches(0.95)
        frame = holder.text_frame
        frame.vertical_anchor = MSO_ANCHOR.TOP
        self._fill(frame, [title], size=26 if len(title) < 70 else 22, bold=True)
        if self.part:
            self.text(slide, (MARGIN, 0.18, 9.0, 0.4), [self.part.upper()], size=11, colour=MUTED)
        line = slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT,
            self.inches(MARGIN),
            self.inches(HEIGHT - 0.55),
            self.inches(WIDTH - MARGIN),
            self.inches(HEIGHT - 0.55),
        )
        line.line.color.rgb = rgb(MASKED_GREY)
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
        holder.left, holder.top = self.inches(MARGIN), self.inches(2.4)
        holder.width, holder.height = self.inches(WIDTH - 2 * MARGIN), self.inches(1.4)
        self._fill(holder.text_frame, [self.part], size=40, bold=True)
        if lines:
            self.text(slide, (MARGIN, 3.9, WIDTH - 2 * MARGIN, 2.0), lines, size=18, colour=MUTED)

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
                    colour="FFFFFF" if r == 0 else INK,
                    align="right" if align[c] == "r" else "left",
                )

    def chart(
        self,
        slide: Slide,
        box: tuple[float, float, float, float],
        made: Chart,
        *,
        nothing: bool | None = None,
    ) -> None:
        """A native chart of ``made``'s data (see :class:`Chart`); a sentence instead
        when there is nothing to draw (``nothing``: said of the whole chart, when ``made``
        is a piece of it)."""
        if made.empty if nothing is None else nothing:
            self.text(slide, box, [NOTHING], size=16, colour=MUTED)
            return
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
        from pptx.util import Pt

        data_class: Any = CategoryChartData  # untyped in python-pptx
        data = data_class(number_format=made.number_format)
        data.categories = [chart_text(c) for c in made.categories]
        for series in made.series:
            data.add_series(chart_text(series.name), series.values, made.number_format)
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

    def _pie(self, chart: Any, made: Chart) -> None:
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
                fill.fore_color.rgb = rgb(MASKED_GREY)
            elif index in made.greys:
                fill.fore_color.rgb = rgb(GREY)
            else:
                fill.fore_color.rgb = rgb(PALETTE[colour % len(PALETTE)][1:])
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
                        run.font.color.rgb = rgb("FFFFFF")

    def _bars(self, chart: Any, made: Chart) -> None:
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
        axis.major_gridlines.format.line.color.rgb = rgb(MASKED_GREY)
        axis.tick_labels.number_format = "#,##0"
        axis.tick_labels.number_format_is_linked = False
        axis.tick_labels.font.size = Pt(11)
        chart.category_axis.tick_labels.font.size = Pt(12 if len(made.categories) < 10 else 10)
        for s, series in enumerate(plot.series):
            fill = series.format.fill
            fill.solid()
            fill.fore_color.rgb = rgb(PALETTE[s % len(PALETTE)][1:])
            if len(made.series) == 1:
                for index in made.greys:
                    point = series.points[index]
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = rgb(GREY)
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = "#,##0"
        labels.number_format_is_linked = False
        labels.font.size = Pt(11)
        labels.position = (
            XL_LABEL_POSITION.CENTER if made.kind == "stacked" else XL_LABEL_POSITION.OUTSIDE_END
        )
        if made.kind == "stacked":
            labels.font.color.rgb = rgb("FFFFFF")


def text_slides(deck: Deck, title: str, items: Sequence[str], *, size: float = 16) -> None:
    """``items`` as bullets, on as many slides as they need (« (suite) »)."""
    width = WIDTH - 2 * MARGIN
    budget = (BOTTOM - TOP - 0.3) * 72  # points; a line is 1.2 em, a bullet's gap 0.45
    pages = paginate(
        items, lambda item: (lines_needed(item, width - 0.3, size) * 1.2 + 0.45) * size, budget
    )
    for number, page in enumerate(pages):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.text(slide, (MARGIN, TOP, width, BOTTOM - TOP), page, size=size, bullets=True)


def figure_slide(
    deck: Deck, title: str, made: Chart, lines: Sequence[str], lead: Sequence[str] = ()
) -> None:
    """A chart on the left, its key figures in words on the right (``lead`` first, large);
    a chart of many bars on as many slides as it needs."""
    nothing = made.empty
    for number, piece in enumerate(made.pieces(MAX_BARS)):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        chart_width = 7.6
        deck.chart(slide, (MARGIN - 0.1, TOP, chart_width, BOTTOM - TOP), piece, nothing=nothing)
        if number:
            continue
        left = MARGIN + chart_width + 0.2
        top = TOP + 0.2
        if lead:
            height = 0.5 * len(lead)
            deck.text(slide, (left, top, WIDTH - MARGIN - left, height), lead, size=20, bold=True)
            top += height + 0.2
        if lines:
            deck.text(slide, (left, top, WIDTH - MARGIN - left, BOTTOM - top), lines, size=14)


def table_slides(
    deck: Deck,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    width: float = WIDTH - 2 * MARGIN,
    per_slide: int = 14,
    **style: Any,
) -> None:
    """A table of many rows on as many slides as it needs (about even, « (suite) »)."""
    for number, part in enumerate(even_ranges(len(rows), per_slide)):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.table(
            slide, (MARGIN, TOP, width, 4.0), headers, [rows[i] for i in part], widths, **style
        )


def texts_of(deck: Deck, bilan: PublicBilan, titles: dict[str, str], section: str) -> None:
    key = f"texte:{section}"
    if key not in titles:
        return
    items = [
        cleaned
        for t in bilan.texts
        if t.section == section
        for line in t.text.splitlines()
        if (cleaned := BULLET.sub("", line).strip())
    ]
    text_slides(deck, titles[key], items)
