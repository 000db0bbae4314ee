"""The HTML bilan: the seed's figures, French formatting, a self-contained page, escaping,
public mode that never shows a masked count (docs/html.md)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from markupsafe import escape

from citeslab_core.bilan import PublicBilan, compute_bilan
from citeslab_core.french import MASKED_TEXT, typeset
from citeslab_core.model import Dataset, Partnership, Text
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.example import load_example
from citeslab_core.render._html_charts import BAR_TABLES, PIE_TABLES
from citeslab_core.render.html import css_string, render
from citeslab_core.vocabularies import PartnershipCategory
from strategies import datasets

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
NNBSP, NBSP = "\u202f", "\xa0"
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
ASCII_SPACES = re.compile(r"[ \t\r\n]+")  # not str.split(), which also eats U+00A0
NAMESPACES = re.compile(r'xmlns(?::\w+)?="http://www\.w3\.org/(?:2000/svg|1999/xlink)"')


@dataclass
class Chart:
    """One chart: an inline ``<svg>`` (a pie) or an HTML ``<div class="bars">`` (bars):
    its id, its style text (SVG) and the texts it draws (class ``value`` for a figure,
    ``label`` for a bar's label)."""

    svg_id: str
    style: str = ""
    texts: list[tuple[str, str]] = field(default_factory=list)  # (class, text)
    svg: bool = True
    depth: int = 0  # where it opens in the stack of elements


class Page(HTMLParser):
    """The page as a person reads it: table rows per block, charts, structure errors."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, id of the enclosing block)
        self.errors: list[str] = []
        self.rows: dict[str, list[list[str]]] = {}
        self.charts: dict[str, Chart] = {}  # by enclosing block id
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.styles = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._chart: Chart | None = None
        self._text: tuple[str, list[str]] | None = None
        self._in_style = False
        self.feed(html)
        self.close()
        if self.stack:
            self.errors.append(f"non fermés : {[t for t, _ in self.stack]}")

    @property
    def block(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs_)
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs_]
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        block = self.block
        if tag in ("figure", "div", "section") and attributes.get("id"):
            block = attributes["id"]
        if tag == "svg":
            self._chart = Chart(str(attributes.get("id")))
            self.charts[str(block)] = self._chart
        elif tag == "div" and "bars" in (attributes.get("class") or "").split():
            self._chart = Chart(str(attributes.get("id")), svg=False, depth=len(self.stack))
            self.charts[str(self.block)] = self._chart
        elif tag == "span" and self._chart is not None and not self._chart.svg:
            kind = (attributes.get("class") or "").split()
            if "bar-value" in kind or "bar-label" in kind:
                self._text = ("value" if "bar-value" in kind else "label", [])
        elif tag == "style":
            self._in_style = True
        elif tag == "text" and self._chart is not None:
            self._text = (attributes.get("class") or "", [])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag not in VOID:
            self.stack.append((tag, block))

    def handle_startendtag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs_]
        if dict(attrs_).get("id"):
            self.ids.append(str(dict(attrs_)["id"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> ferme {self.stack[-1][0] if self.stack else 'rien'}")
            return
        _, block = self.stack.pop()
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(ASCII_SPACES.sub(" ", "".join(self._cell)).strip(" "))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.setdefault(str(block), []).append(self._row)
            self._row = None
        elif tag in ("text", "span") and self._text is not None and self._chart is not None:
            self._chart.texts.append((self._text[0], "".join(self._text[1]).strip()))
            self._text = None
        elif tag == "div" and self._chart is not None and len(self.stack) == self._chart.depth:
            self._chart = None
        elif tag == "style":
            self._in_style = False
        elif tag == "svg":
            self._chart = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text[1].append(data)
        if self._in_style:
            self.styles += data
            if self._chart is not None:
                self._chart.style += data


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_example()


@pytest.fixture(scope="module")
def bilan(example: Dataset) -> PublicBilan:
    return compute_bilan(example, START, END)


@pytest.fixture(scope="module")
def html(bilan: PublicBilan) -> str:
    return render(bilan)


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    return Page(html)


def row(page: Page, block: str, label: str) -> list[str]:
    """The row of ``block`` whose first cell is ``label``."""
    found = [r for r in page.rows[block] if r and r[0] == label]
    assert len(found) == 1, (block, label, page.rows.get(block))
    return found[0]


# --- The seed's figures, the French way ---------------------------------------------------


def test_title_language_and_key_figures(html: str, page: Page) -> None:
    assert '<html lang="fr">' in html
    assert "<title>Bilan 2023 — CitésLab Brest</title>" in html
    assert "<h1>Bilan 2023 — CitésLab Brest</h1>" in html
    assert (
        f'<p class="meta">Année 2023 · Structure porteuse{NBSP}: DEFIS Emploi · '
        f"Territoire{NBSP}: Brest métropole</p>"
    ) in html
    key = re.findall(r'<span class="value">([^<]*)</span><span class="label">([^<]*)</span>', html)
    figures = {label: value for value, label in key}
    assert figures["personnes accompagnées"] == "118"
    assert figures["femmes"] == "71"


def test_portrait_tables_hold_the_seed(page: Page) -> None:
    assert row(page, "sexe", "Femmes") == ["Femmes", "71", f"60{NBSP}%"]
    assert row(page, "sexe", "Hommes") == ["Hommes", "47", f"40{NBSP}%"]
    assert row(page, "sexe", "Total") == ["Total", "118", f"100{NBSP}%"]
    assert row(page, "stade_entree", "Intentionniste")[1] == "67"
    assert row(page, "orientation_premier_rdv", "Acteurs de l'emploi")[1] == "23"
    assert row(page, "orientation_premier_rdv", "Autres")[1] == "48"
    assert row(page, "resultat", "Création")[1] == "5"
    assert row(page, "resultat", "Poursuite du processus entrepreneurial")[1] == "45"


def test_programmes_and_animations_hold_the_seed(page: Page) -> None:
    programmes = {r[0]: r[1:] for r in page.rows["programmes"][1:]}
    assert programmes == {
        "EITI Sato": ["6", "4"],
        "Les déterminés": ["5", "2"],
        "Les activé.es": ["5", "3"],
        "Cuisine du monde": ["4", "3"],
    }
    assert row(page, "animations", "Atelier thématique")[1] == "10"
    assert row(page, "animations", "Rencontre de créateurs")[1] == "4"
    assert row(page, "animations", "Café créateur")[1] == "4"
    assert row(page, "animations", "Grand événement")[1] == "2"


def test_funding_amounts_and_shares_exactly_as_babel_writes_them(html: str, page: Page) -> None:
    rows = page.rows["financement"]
    assert [
        "Bpifrance",
        f"16{NNBSP}000,00{NBSP}€",
        f"30,6{NBSP}%",
        f"30,0{NBSP}%",
        "écart avec la part déclarée",
    ] in rows
    assert [
        "PIC (Plan d'investissement dans les compétences)",
        f"15{NNBSP}000,00{NBSP}€",
        f"28,7{NBSP}%",
        f"29,0{NBSP}%",
        "",
    ] in rows
    assert ["Coût total", f"52{NNBSP}276,49{NBSP}€", f"100,0{NBSP}%", "", ""] in rows
    # The other years of the convention: the section « Financements pluriannuels », funders
    # in rows, (year, nature) in columns, as in the text report.
    (total,) = [r for r in page.rows["pluriannuels"] if r[0] == "Total"]
    assert f"51{NNBSP}128,16{NBSP}€" in total
    assert f"56{NNBSP}466,00{NBSP}€" in total
    assert f"Prévu et réalisé 2023 (seuil d&#39;écart{NBSP}: 10{NBSP}%)" in html
    assert [
        "PIC (Plan d'investissement dans les compétences)",
        f"30{NNBSP}000,00{NBSP}€",
        f"15{NNBSP}000,00{NBSP}€",
        f"-15{NNBSP}000,00{NBSP}€",
        f"-50,0{NBSP}%",
        # the budget sheet's explanation, beside the gap, no longer flagged
        typeset(
            "Le PIC n'a financé l'action que sur le premier semestre 2023 (15 000 € au lieu "
            "des 30 000 € prévus)."
        ),
    ] in page.rows["prevu_realise"]


def test_reach_prescribers_partnerships_texts_checks(
    bilan: PublicBilan, html: str, page: Page
) -> None:
    assert row(page, "portee", "Bellevue (QP029903)")[1] == f"7{NNBSP}120"
    assert page.rows["prescripteurs"][1][0] == bilan.prescribers[0].name
    dates = {r[2] for r in page.rows["partenariats"] if len(r) == 3}
    assert {"janvier 2023", "mai à septembre 2023", "2023"} <= dates
    for text in bilan.texts:
        for line in text.text.splitlines():
            shown = line.lstrip("-–—•*➢>· ").strip()
            assert not shown or f"<li>{escape(typeset(shown))}</li>" in html
    assert "<h3>Les points forts du dispositif</h3>" in html
    assert "<h3>Perspectives 2024</h3>" in html
    for check in bilan.checks:
        assert str(escape(typeset(check.message))) in html


# --- One self-contained file that parses ------------------------------------------------


def assert_well_formed_and_closed(page: Page) -> None:
    """Parses with balanced tags; loads nothing: no script, link, image, frame, source
    attribute, CSS import or url(), and links only to anchors of the page itself."""
    assert not page.errors, page.errors[:5]
    for tag in (
        "script",
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "base",
        "audio",
        "video",
        "source",
        "image",
        "use",
        "foreignobject",
    ):
        assert tag not in page.tags, tag
    assert "@import" not in page.styles
    assert "url(" not in page.styles
    for name, value in page.attributes:
        assert name not in ("src", "srcset", "xlink:href", "action", "formaction"), name
        if name == "href":
            assert value.startswith("#"), value
        assert not name.startswith("on"), name
    assert len(page.ids) == len(set(page.ids)), "ids en double"


def assert_self_contained(html: str, page: Page) -> None:
    """The page above, and no URL at all outside the SVG/XLink namespace declarations."""
    assert_well_formed_and_closed(page)
    assert "http" not in NAMESPACES.sub("", html).lower()
    assert "//" not in NAMESPACES.sub("", html)  # no protocol-relative reference either


def test_page_is_self_contained_and_parses(html: str, page: Page) -> None:
    assert_self_contained(html, page)
    assert html.count("<svg") == len(PIE_TABLES)  # the bars are HTML
    assert html.count('<div class="bars"') == len(BAR_TABLES)
    assert set(page.charts) == set(PIE_TABLES) | set(BAR_TABLES)


def test_each_chart_styles_only_itself(page: Page) -> None:
    ids = {chart.svg_id for chart in page.charts.values()}
    assert len(ids) == len(page.charts)
    for chart in page.charts.values():
        assert chart.style or not chart.svg
        for rule in chart.style.split("}"):
            selectors = rule.split("{")[0].strip()
            if not selectors:
                continue
            for selector in selectors.split(","):
                assert selector.strip().startswith(f"#{chart.svg_id}"), selector


def test_charts_show_the_tables_values(bilan: PublicBilan, page: Page) -> None:
    for key in BAR_TABLES:
        values = [t for c, t in page.charts[key].texts if "value" in c.split()]
        assert sorted(values) == sorted(str(r.count) for r in bilan.tables[key].rows), key
    shares = [t for c, t in page.charts["sexe"].texts if "value" in c.split()]
    assert sorted(shares) == [f"40{NBSP}%", f"60{NBSP}%"]


def test_the_page_is_the_same_for_the_same_bilan(bilan: PublicBilan, html: str) -> None:
    assert render(bilan) == html


# --- Escaping -------------------------------------------------------------------------


def test_site_names_and_texts_are_escaped(example: Dataset) -> None:
    evil = '<script>alert("x")</script></style>'
    data = example.replace(
        site=attrs.evolve(example.site, name=f"CitésLab {evil}"),
        texts=(Text("points_forts", f"Fort {evil}"), Text(f"Titre {evil}", "texte")),
        partnerships=(
            Partnership(f"P {evil}", PartnershipCategory.AUTRE, evil, PartialDate.year(2023)),
        ),
    )
    html = render(compute_bilan(data, START, END))
    page = Page(html)
    assert_self_contained(html, page)
    assert html.count("<style") == html.count("</style>")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<title>Bilan 2023 — CitésLab &lt;script&gt;" in html


def test_css_string_escapes_everything_but_letters_and_digits() -> None:
    assert css_string('a </style> "b"') == '"a \\3c \\2f style\\3e  \\22 b\\22 "'
    assert re.fullmatch(r'"[A-Za-z0-9 \\]*"', css_string("Bilan 2023 — Cités'Lab <é>"))


# --- Public mode ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def public(example: Dataset) -> tuple[PublicBilan, str]:
    bilan = compute_bilan(example, START, END, public=True)
    return bilan, render(bilan)


def assert_charts_hide_masked(bilan: PublicBilan, page: Page) -> None:
    """No chart draws a masked category's value or (for bars) its label."""
    for key, chart in page.charts.items():
        table = bilan.tables[key]
        texts = [t for _, t in chart.texts]
        values = [t for c, t in chart.texts if "value" in c.split()]
        if key in BAR_TABLES:
            shown = [str(r.count) for r in table.rows if r.count is not None]
            assert sorted(values) == sorted(shown), key
            for masked in (r for r in table.rows if r.count is None):
                assert masked.label not in texts
                assert masked.label.split(" (")[0] not in texts
        else:
            shares = {f"{r.share}{NBSP}%" for r in table.rows if r.count is not None}
            assert set(values) - {""} <= shares, key
        assert MASKED_TEXT not in texts


def test_public_page_shows_s_and_no_masked_value_in_charts(
    bilan: PublicBilan, public: tuple[PublicBilan, str]
) -> None:
    public_bilan, html = public
    page = Page(html)
    assert_self_contained(html, page)
    assert "Version publique." in html
    assert row(page, "quartier", "Kérédern")[1:] == [MASKED_TEXT, MASKED_TEXT]
    assert row(page, "secteur", "Association")[1:] == [MASKED_TEXT, MASKED_TEXT]
    assert_charts_hide_masked(public_bilan, page)
    # The bar chart of neighbourhoods leaves Kérédern out; its true count is not drawn.
    quartier = [t for _, t in page.charts["quartier"].texts]
    assert "Kérédern" not in quartier
    assert "Kérédern" in [t for _, t in Page(render(bilan)).charts["quartier"].texts]
    # The sector ring groups its masked rows in one slice with no figure.
    assert "Secret statistique" in html


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets())
def test_any_public_page_is_self_contained_and_hides_masked(data: Dataset) -> None:
    for year in sorted({e.date.year for e in data.events})[:1] or [2023]:
        bilan = compute_bilan(data, dt.date(year, 1, 1), dt.date(year, 12, 31), public=True)
        page = Page(render(bilan))
        assert_well_formed_and_closed(page)
        assert_charts_hide_masked(bilan, page)
