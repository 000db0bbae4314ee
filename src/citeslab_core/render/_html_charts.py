"""The HTML page's charts (private to :mod:`citeslab_core.render.html`): pygal, as inline
SVG with nothing external (the pies), and HTML (the bars).

Each chart gets a fixed id of its own (``chart-citeslab-<table>``), its comments, scripts
and tooltip data removed, so that several charts never share a style and the page is the
same for the same bilan. A chart never carries a masked value (see the page's module
docstring). pygal is imported when the first chart is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from citeslab_core.bilan import Table
from citeslab_core.french import format_count, format_percent, typeset

if TYPE_CHECKING:
    from markupsafe import Markup


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


def slice_colours(table: Table[int | None]) -> dict[str, str]:
    """The colour of each slice of a table's pie: its shown rows with persons, in order
    (the palette, grey for ``non_renseigne``)."""
    colours: dict[str, str] = {}
    for row in table.rows:
        if row.count:
            colours[row.code] = (
                GREY if row.code == "non_renseigne" else PALETTE[len(colours) % len(PALETTE)]
            )
    return colours


class Charts:
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

    def pie(self, table: Table[int | None], colours: dict[str, str]) -> Markup | None:
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
        return self._finish(chart, table)

    def bars(self, table: Table[int | None]) -> Markup | None:
        """Horizontal bars of the table's shown rows, first row on top; None when empty.

        Drawn in HTML, not SVG: each row a label (page text, so that it keeps the page's
        size on a phone, where a scaled SVG drew it at 9 px), a bar whose length is the
        row's share of the longest, and its count. Labels wrap at spaces, never inside a
        word. The chart is an image for assistive technologies (``role="img"``, the
        table's title as its name): the table beside it gives the same figures.
        """
        from markupsafe import escape

        if not table.total:
            return None
        rows = [r for r in table.rows if r.count is not None]
        if not rows:
            return None
        largest = max(r.count or 0 for r in rows) or 1
        # The chart shows a label's short form ("Acteurs de la création"), the table
        # beside it the whole label ("Acteurs de la création (BGE, ADIE, CCI/CMA…)").
        short = [r.label.split(" (")[0] for r in rows]
        labels = short if len(set(short)) == len(short) else [r.label for r in rows]
        lines = []
        for row, label in zip(rows, labels, strict=True):
            grey = " grey" if row.code in ("non_renseigne", "en_cours") else ""
            length = f"{(row.count or 0) / largest:.4f}"
            lines.append(
                f'<span class="bar-label">{escape(typeset(label))}</span>'
                f'<span class="bar-track"><span class="bar{grey}" style="--length: {length}">'
                f'</span><span class="bar-value">{escape(format_count(row.count))}</span></span>'
            )
        return self.markup(
            f'<div class="bars" id="chart-citeslab-{escape(table.key)}" role="img" '
            f'aria-label="{escape(typeset(table.title))}">' + "".join(lines) + "</div>"
        )

    def _finish(self, chart: Any, table: Table[int | None]) -> Markup:
        chart.uuid = f"citeslab-{table.key}"
        chart.add_xml_filter(_SvgCleaner(table.title))
        # pygal draws with lxml when it is installed (python-pptx and pyarrow users have it),
        # which writes other namespaces and keeps its credits: the page must not depend on
        # what else is installed, so the chart is drawn with the standard library's
        # ElementTree, and pygal's choice is put back as it was.
        from pygal.etree import etree

        with_lxml = etree.lxml
        etree.to_etree()
        try:
            svg: str = chart.render(is_unicode=True)
        finally:
            if with_lxml:
                etree.to_lxml()
        return self.markup(svg)


def _constant(text: str) -> Callable[[object], str]:
    def formatter(value: object) -> str:
        return text

    return formatter


class _SvgCleaner:
    """A pygal XML filter: drop what needs JavaScript or the network, fix ids and labels.

    Removes comments (pygal's credits carry URLs and the date), ``<script>`` (pygal's
    tooltip configuration), ``<desc>`` (the tooltips' data); removes the legends' ``id``
    attributes (the same in every chart); gives the chart its title; centres each value on
    its slice (pygal writes ``text-anchor="left"``, which SVG does not know).
    """

    def __init__(self, title: str) -> None:
        self.title = title

    def __call__(self, root: Any) -> Any:
        for parent in list(root.iter()):
            for child in list(parent):
                tag = child.tag
                # a comment or processing instruction: its tag is a function, in
                # ElementTree as in lxml (which pygal uses when it is installed)
                if not isinstance(tag, str):
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
                node.attrib["text-anchor"] = "middle"
        root.attrib["role"] = "img"
        root.attrib["aria-label"] = self.title
        return root
