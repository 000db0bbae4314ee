"""The browser helper itself (tests/browser.py): it must see what it claims to see, or the
HTML checks built on it would pass on a broken page."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import A4_WIDTH_PX, Browser

GOOD = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Essai</title></head>
<body><main><h1>Essai</h1><p>Un texte court.</p></main></body></html>"""

SPILLING = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Essai</title>
<style>td { width: 40px; max-width: 40px; white-space: nowrap; }</style></head>
<body><main><h1>Essai</h1><table style="table-layout: fixed; width: 80px">
<tr><th scope="col">A</th><th scope="col">B</th></tr>
<tr><td id="c">16000,00000000</td><td>30,6</td></tr></table>
<div style="width: 900px">large</div></main></body></html>"""

SCROLLING = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Essai</title></head>
<body><main><h1>Essai</h1><div id="box" style="overflow-x: auto" tabindex="0"
 role="region" aria-label="Tableau"><div style="width: 900px">large</div></div></main>
</body></html>"""

PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Essai</title>
</head><body><main>{}</main></body></html>"""

INACCESSIBLE = """<!doctype html><html><head><title>Essai</title></head>
<body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<p style="color: #aaa; background: #fff">pâle</p></body></html>"""


def test_a_page_that_fits(browser: Browser) -> None:
    page = browser.open(GOOD, width=360)
    assert page.axe_violations() == []
    layout = page.layout()
    assert layout.fits, layout
    assert layout.viewport_width == 360


def test_spilling_cells_and_a_wide_page_are_seen(browser: Browser) -> None:
    layout = browser.open(SPILLING, width=420).layout()
    assert layout.scroll_width > 420
    assert not layout.fits
    assert any(item.id == "c" and item.tag == "td" for item in layout.overflowing)


def test_a_box_that_scrolls_inside_itself_is_allowed(browser: Browser) -> None:
    layout = browser.open(SCROLLING, width=420).layout()
    assert layout.fits, layout


def test_axe_finds_violations(browser: Browser) -> None:
    ids = {violation["id"] for violation in browser.open(INACCESSIBLE, width=1280).axe_violations()}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= ids


def test_print_on_a4(browser: Browser, tmp_path: Path) -> None:
    page = browser.open(GOOD, width=A4_WIDTH_PX, media="print")
    assert page.layout().fits
    pdf = page.pdf(tmp_path / "page.pdf")
    assert pdf.startswith(b"%PDF-")
    assert (tmp_path / "page.pdf").read_bytes() == pdf
    png = page.screenshot(tmp_path / "page.png")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_a_word_cut_across_lines_is_seen(browser: Browser) -> None:
    """What the 360 px bilan did: a narrow cell with ``overflow-wrap: anywhere`` cut
    « Partenaire »; a word that breaks only at its hyphen is not a cut."""
    cut = PAGE.format(
        '<table><tr><td style="width: 40px; overflow-wrap: anywhere">Partenaire</td>'
        "<td>x</td></tr></table>"
        '<p style="width: 60px">rendez-vous</p>'
    )
    words = browser.open(cut, width=360).cut_words()
    assert [w.word for w in words] == ["Partenaire"]
    assert browser.open(PAGE.format("<p>Partenaire rendez-vous</p>"), width=360).cut_words() == []


def test_the_size_of_a_chart_label_as_rendered(browser: Browser) -> None:
    """A 520-unit wide SVG drawn in 314 px shrinks its 15-unit text to 9 px: seen."""
    svg = (
        '<div class="chart" style="width: 314px"><svg viewBox="0 0 520 100" width="100%">'
        '<text x="0" y="50" style="font-size: 15px">Kerourien</text></svg>'
        '<span style="font-size: 12px">Bellevue</span></div>'
    )
    sizes = {
        label.text: label.size for label in browser.open(PAGE.format(svg), width=360).chart_labels()
    }
    assert sizes["Kerourien"] == pytest.approx(15 * 314 / 520, abs=0.05)
    assert sizes["Bellevue"] == pytest.approx(12)
