"""The HTML bilan in a real browser (tests/browser.py): it fits every screen from a 360 px
phone to a laptop and A4 paper, with no page-wide horizontal scroll and no cell whose text
spills over, no word cut across lines and no chart label under 10 px as rendered (issue 23:
at a true 360 px viewport the example had 60 words cut and 104 chart labels at 9 px), and
axe-core finds no WCAG 2.1 AA violation. On the bundled example, a small site of 15
persons, a generated site (tests/golden/inputs/site_a, made by benchmarks/generate.py) and
a public network of three of the example's small sites (its total rounded, its note said).

The viewport is set through Playwright, never with chromium's ``--window-size`` under
``--dump-dom``, which lays a page out at 500 px at least."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pytest

from browser import A4_WIDTH_PX, WIDTHS, Browser
from citeslab_core.bilan import compute_bilan
from citeslab_core.model import Dataset
from citeslab_core.network import network_bilan
from citeslab_core.readers import read_input
from citeslab_core.readers.example import load_example
from citeslab_core.render.html import render
from test_network_rounding import example_sites

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


def small_site() -> Dataset:
    """The example's first 15 persons with their events, and the whole site's animations,
    partnerships, funding and texts (the long tables of a real site)."""
    data = load_example()
    persons = data.persons[:15]
    kept = {p.id for p in persons}
    return Dataset.build(
        site=data.site,
        neighbourhoods=data.neighbourhoods,
        persons=persons,
        events=[e for e in data.events if e.person in kept],
        animations=data.animations,
        partnerships=data.partnerships,
        fundings=data.fundings,
        texts=data.texts,
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("html")
    out = {}
    generated = read_input(Path(__file__).parent / "golden" / "inputs" / "site_a")
    for name, data in (("exemple", load_example()), ("petit", small_site()), ("genere", generated)):
        for public in (False, True):
            path = folder / f"{name}{'-public' if public else ''}.html"
            path.write_text(render(compute_bilan(data, START, END, public=public)), "utf-8")
            out[path.stem] = path
    path = folder / "reseau-public.html"
    path.write_text(render(network_bilan(example_sites(), public=True)), "utf-8")
    out[path.stem] = path
    return out


#: A phone, a tablet, A4 paper.
SCREENS: tuple[tuple[int, Literal["screen", "print"]], ...] = (
    (360, "screen"),
    (768, "screen"),
    (A4_WIDTH_PX, "print"),
)


@pytest.mark.parametrize("site", ["exemple", "genere", "exemple-public", "genere-public"])
def test_no_word_cut_and_chart_labels_of_10_px_at_least(
    browser: Browser, pages: dict[str, Path], site: str
) -> None:
    for width, media in SCREENS:
        page = browser.open(pages[site], width=width, media=media)
        assert page.cut_words() == [], (site, width, page.cut_words()[:10])
        labels = page.chart_labels()
        assert len(labels) > 20, (site, width)  # every bar and pie label is measured
        small = [label for label in labels if label.size < 10]
        assert small == [], (site, width, small[:5])
        layout = page.layout()
        assert layout.fits, (site, width, layout.scroll_width, layout.overflowing[:5])


@pytest.mark.parametrize(
    "site", ["exemple", "petit", "exemple-public", "petit-public", "genere", "reseau-public"]
)
def test_fits_every_screen_without_overlap(
    browser: Browser, pages: dict[str, Path], site: str
) -> None:
    for width in WIDTHS:
        layout = browser.open(pages[site], width=width).layout()
        assert layout.scroll_width <= width, (site, width, layout.scroll_width)
        assert layout.overflowing == [], (site, width, layout.overflowing[:5])


@pytest.mark.parametrize("site", ["exemple", "petit", "reseau-public"])
def test_prints_on_a4(browser: Browser, pages: dict[str, Path], site: str, tmp_path: Path) -> None:
    page = browser.open(pages[site], width=A4_WIDTH_PX, media="print")
    layout = page.layout()
    assert layout.scroll_width <= A4_WIDTH_PX
    assert layout.overflowing == [], layout.overflowing[:5]
    pdf = page.pdf(tmp_path / "bilan.pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") > 3


@pytest.mark.parametrize(
    ("site", "width"),
    [
        ("exemple", 360),
        ("exemple", 1280),
        ("genere", 768),
        ("petit", 1280),
        ("reseau-public", 360),
        ("reseau-public", 1280),
    ],
)
def test_axe_finds_no_violation(
    browser: Browser, pages: dict[str, Path], site: str, width: int
) -> None:
    assert browser.open(pages[site], width=width).axe_violations() == []


def test_no_plural_mistake_in_the_page(pages: dict[str, Path]) -> None:
    for path in pages.values():
        text = path.read_text("utf-8")
        assert " 1 créations" not in text
        assert "1 poursuites" not in text
