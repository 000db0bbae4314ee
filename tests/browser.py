"""Browser checks for the HTML the project writes: axe-core, a layout probe, A4 printing.

Reusable by every test that checks an HTML page (the bilan, the calendar month view, …).
A test takes the session-scoped ``browser`` fixture (tests/conftest.py), opens its page at a
viewport width and asks what it needs::

    def test_my_page_fits_a_phone(browser: Browser, tmp_path: Path) -> None:
        page = browser.open(html_text, width=420)      # a str of HTML, or a Path to a file
        assert page.axe_violations() == []             # WCAG 2.1 AA (wcag2a/2aa/21a/21aa)
        layout = page.layout()
        assert layout.scroll_width <= layout.viewport_width   # no page-wide horizontal scroll
        assert layout.overflowing == []                # no element whose content spills out
        page.screenshot(tmp_path / "page.png")         # to look at it (full page)
        pdf = page.pdf()                               # A4, backgrounds printed
        assert browser.open(html_text, width=A4_WIDTH_PX, media="print").layout().fits

``Page.layout()`` reports the document's ``scrollWidth`` against the viewport and every
element whose content overflows its own box (``scrollWidth > clientWidth``) without
scrolling inside it (``overflow-x`` neither ``auto`` nor ``scroll``): a cell whose text
spills over its neighbour, a box that cuts a date. An element that scrolls inside its own
box (a wide table in an ``overflow-x: auto`` wrapper) is allowed.

The browser is the system Chromium (Debian package ``chromium``, ``/usr/bin/chromium``)
driven by Playwright (the Python package, never its own browser download); axe-core comes
from npm into ``tests/axe/node_modules`` (``tests/axe/package.json`` pins the version; `.ci/run`
installs both). When either is missing the tests are skipped with the reason, except under CI
(the environment variable ``CI`` set), where they fail: CI must run them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# The viewports the HTML pages must fit: small and common phones, a tablet, a laptop.
WIDTHS = (360, 420, 768, 1280)
# A4 printed with 1 cm margins: 190 mm at 96 px per inch.
A4_WIDTH_PX = round(190 / 25.4 * 96)

_LAYOUT_PROBE = """
() => {
  const doc = document.documentElement;
  const overflowing = [];
  for (const el of document.querySelectorAll('body, body *')) {
    if (el.closest('svg') || el.closest('[hidden]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.display === 'contents' || style.display === 'none')
      continue;
    if (style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const rect = el.getBoundingClientRect();
      overflowing.push({
        tag: el.tagName.toLowerCase(),
        id: el.id || (el.closest('[id]') ? el.closest('[id]').id : ''),
        text: (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60),
        client_width: el.clientWidth,
        scroll_width: el.scrollWidth,
        left: Math.round(rect.left),
      });
    }
  }
  return {
    scroll_width: Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0),
    viewport_width: window.innerWidth,
    overflowing: overflowing,
  };
}
"""


# Every word of the page's text (not the CSS, not the SVG) cut across two lines: a Range
# over the word gives line boxes at two heights (Range.getClientRects). A word is a run
# of characters other than spaces and hyphens: a compound word may break after its
# hyphen (« rendez- / vous »), as French allows, never elsewhere.
_CUT_WORDS_PROBE = """
() => {
  const cut = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('svg, style, script, [hidden]')) continue;
    if (!parent.getClientRects().length) continue;  // not shown (display: none)
    for (const match of node.data.matchAll(/[^\\s\\-\u2010]+-?/g)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = Array.from(range.getClientRects()).filter(r => r.width > 0);
      if (rects.length < 2) continue;
      const tops = rects.map(r => r.top);
      const height = Math.min(...rects.map(r => r.height));
      if (Math.max(...tops) - Math.min(...tops) > height / 2) {
        const id = parent.closest('[id]');
        cut.push({word: match[0], id: id ? id.id : '', lines: rects.length});
      }
    }
  }
  return cut;
}
"""

# The rendered size of every chart label: an SVG text's font size times the scale the
# SVG is drawn at (its screen matrix), an HTML label's computed font size.
_CHART_LABELS_PROBE = """
() => {
  const labels = [];
  for (const chart of document.querySelectorAll('.chart')) {
    if (!chart.getClientRects().length) continue;
    const id = chart.closest('[id]') ? chart.closest('[id]').id : '';
    for (const text of chart.querySelectorAll('svg text')) {
      if (!text.textContent.trim() || !text.getClientRects().length) continue;
      const matrix = text.getScreenCTM();
      const scale = Math.sqrt(Math.abs(matrix.a * matrix.d - matrix.b * matrix.c));
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      labels.push({text: text.textContent.trim(), id: id, size: size});
    }
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.data.trim() || parent.closest('svg') || !parent.getClientRects().length)
        continue;
      const size = parseFloat(getComputedStyle(parent).fontSize);
      labels.push({text: node.data.trim(), id: id, size: size});
    }
  }
  return labels;
}
"""


@attrs.frozen
class CutWord:
    """A word of the page laid out on two lines or more."""

    word: str
    id: str  # the nearest enclosing id
    lines: int


@attrs.frozen
class ChartLabel:
    """A chart's text (an axis label, a value) and its size as rendered, in CSS pixels."""

    text: str
    id: str
    size: float


@attrs.frozen
class Overflow:
    """An element whose content is wider than its box and does not scroll inside it."""

    tag: str
    id: str  # its own id, else the nearest enclosing one's
    text: str  # the first 60 characters it shows
    client_width: int
    scroll_width: int
    left: int


@attrs.frozen
class Layout:
    """What the layout probe saw at one viewport width."""

    scroll_width: int
    viewport_width: int
    overflowing: list[Overflow]

    @property
    def fits(self) -> bool:
        """No page-wide horizontal scroll and no element whose content spills over."""
        return self.scroll_width <= self.viewport_width and not self.overflowing


def _require(condition: bool, reason: str) -> None:
    """Skip the test with ``reason`` when ``condition`` fails, or fail it under CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run; see .ci/run)")
    pytest.skip(reason)


class Page:
    """One page opened at a viewport width (see the module docstring)."""

    def __init__(self, page: Any) -> None:
        self._page = page

    def axe_violations(self, tags: tuple[str, ...] = WCAG_21_AA) -> list[dict[str, Any]]:
        """axe-core's violations for the rules of ``tags`` (WCAG 2.1 AA by default), each
        reduced to its id, impact, help text and the first nodes' selectors."""
        self._page.add_script_tag(path=str(AXE_JS))
        result = self._page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [node["target"] for node in violation["nodes"][:5]],
            }
            for violation in result["violations"]
        ]

    def layout(self) -> Layout:
        """The page's width against the viewport and the elements whose content spills."""
        seen = self._page.evaluate(_LAYOUT_PROBE)
        return Layout(
            scroll_width=seen["scroll_width"],
            viewport_width=seen["viewport_width"],
            overflowing=[Overflow(**item) for item in seen["overflowing"]],
        )

    def cut_words(self) -> list[CutWord]:
        """Every word of the page's text cut across lines (``overflow-wrap: anywhere``,
        hyphenation, a column too narrow for it)."""
        return [CutWord(**item) for item in self._page.evaluate(_CUT_WORDS_PROBE)]

    def chart_labels(self) -> list[ChartLabel]:
        """Every text of the page's charts (``.chart``: SVG or HTML) with the size it is
        rendered at (an SVG drawn smaller than its viewBox shrinks its text)."""
        return [ChartLabel(**item) for item in self._page.evaluate(_CHART_LABELS_PROBE)]

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """Runs a JavaScript expression or function in the page and returns its value."""
        return self._page.evaluate(script, arg)

    def screenshot(self, path: Path, *, full_page: bool = True) -> Path:
        """A PNG of the page (the whole page by default), to look at."""
        self._page.screenshot(path=str(path), full_page=full_page)
        return path

    def pdf(self, path: Path | None = None) -> bytes:
        """The page printed on A4 (1 cm margins, backgrounds printed), as PDF bytes."""
        margin = "10mm"
        data: bytes = self._page.pdf(
            path=None if path is None else str(path),
            format="A4",
            print_background=True,
            margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
        )
        return data


class Browser:
    """The system Chromium, driven by Playwright; ``open`` gives a fresh page each time."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser
        self._contexts: list[Any] = []

    def open(
        self,
        html: str | Path,
        *,
        width: int,
        height: int = 900,
        media: Literal["screen", "print"] = "screen",
    ) -> Page:
        """Opens ``html`` (a string of HTML, or a file) at ``width`` x ``height`` CSS pixels,
        with the ``screen`` or ``print`` media type."""
        context = self._browser.new_context(
            viewport={"width": width, "height": height},
            bypass_csp=True,  # axe-core is injected as a script
            java_script_enabled=True,
        )
        self._contexts.append(context)
        page = context.new_page()
        page.emulate_media(media=media)
        if isinstance(html, Path):
            page.goto(html.resolve().as_uri(), wait_until="load")
        else:
            page.set_content(html, wait_until="load")
        return Page(page)

    def close_pages(self) -> None:
        """Closes every page opened so far."""
        for context in self._contexts:
            context.close()
        self._contexts.clear()


def launch() -> Iterator[Browser]:
    """Starts Chromium for a test session (or skips, or fails under CI, when it cannot)."""
    _require(CHROMIUM.exists(), f"{CHROMIUM} is missing (Debian package chromium)")
    _require(AXE_JS.exists(), f"{AXE_JS} is missing (npm ci in tests/axe)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        _require(False, "the playwright package is missing (pip install -e '.[test]')")
        raise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        browser = Browser(chromium)
        try:
            yield browser
        finally:
            browser.close_pages()
            chromium.close()
