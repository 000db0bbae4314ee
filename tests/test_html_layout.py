"""The HTML bilan in a real browser (tests/browser.py): it fits every screen from a 360 px
phone to a laptop and A4 paper, with no page-wide horizontal scroll and no cell whose text
spills over, and axe-core finds no WCAG 2.1 AA violation. On the bundled example and on a
small site of 15 persons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from browser import A4_WIDTH_PX, WIDTHS, Browser
from citeslab_core.bilan import compute_bilan
from citeslab_core.model import Dataset
from citeslab_core.readers.example import load_example
from citeslab_core.render.html import render

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
    for name, data in (("exemple", load_example()), ("petit", small_site())):
        for public in (False, True):
            path = folder / f"{name}{'-public' if public else ''}.html"
            path.write_text(render(compute_bilan(data, START, END, public=public)), "utf-8")
            out[path.stem] = path
    return out


@pytest.mark.parametrize("site", ["exemple", "petit", "exemple-public", "petit-public"])
def test_fits_every_screen_without_overlap(
    browser: Browser, pages: dict[str, Path], site: str
) -> None:
    for width in WIDTHS:
        layout = browser.open(pages[site], width=width).layout()
        assert layout.scroll_width <= width, (site, width, layout.scroll_width)
        assert layout.overflowing == [], (site, width, layout.overflowing[:5])


@pytest.mark.parametrize("site", ["exemple", "petit"])
def test_prints_on_a4(browser: Browser, pages: dict[str, Path], site: str, tmp_path: Path) -> None:
    page = browser.open(pages[site], width=A4_WIDTH_PX, media="print")
    layout = page.layout()
    assert layout.scroll_width <= A4_WIDTH_PX
    assert layout.overflowing == [], layout.overflowing[:5]
    pdf = page.pdf(tmp_path / "bilan.pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") > 3


@pytest.mark.parametrize(("site", "width"), [("exemple", 420), ("petit", 1280)])
def test_axe_finds_no_violation(
    browser: Browser, pages: dict[str, Path], site: str, width: int
) -> None:
    assert browser.open(pages[site], width=width).axe_violations() == []


def test_no_plural_mistake_in_the_page(pages: dict[str, Path]) -> None:
    for path in pages.values():
        text = path.read_text("utf-8")
        assert " 1 créations" not in text
        assert "1 poursuites" not in text
