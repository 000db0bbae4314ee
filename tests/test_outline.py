"""One table of contents for every renderer (citeslab_core.render.outline): the text report and the
HTML page show the same sections, in the same order, under the same titles."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings

from citeslab_core.bilan import PublicBilan, compute_bilan
from citeslab_core.french import typeset
from citeslab_core.model import Dataset
from citeslab_core.readers.example import load_example
from citeslab_core.render.html import render as render_html
from citeslab_core.render.outline import outline
from citeslab_core.render.text import render as render_text
from strategies import datasets

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
SECTION_TITLE = re.compile(r"\n([^\n]+)\n(-+)\n")
HTML_H3 = re.compile(r"<h3[^>]*>(.*?)</h3>")


def text_titles(text: str) -> list[str]:
    return [m.group(1) for m in SECTION_TITLE.finditer(text) if len(m.group(2)) == len(m.group(1))]


def html_titles(html: str) -> list[str]:
    return [unescape(title) for title in HTML_H3.findall(html)]


def expected(bilan: PublicBilan, *, checks: bool = True) -> list[str]:
    """The outline's titles as both renderings write them: in French typography."""
    return [typeset(s.title) for c in outline(bilan, checks=checks) for s in c.sections]


def check_both(bilan: PublicBilan, *, checks: bool = True) -> None:
    titles = expected(bilan, checks=checks)
    assert text_titles(render_text(bilan, checks=checks)) == titles
    assert html_titles(render_html(bilan, checks=checks)) == titles


@pytest.fixture(scope="module")
def example_bilan() -> PublicBilan:
    return compute_bilan(load_example(), START, END)


def test_the_html_has_every_section_of_the_text_report(example_bilan: PublicBilan) -> None:
    check_both(example_bilan)
    check_both(example_bilan, checks=False)
    titles = expected(example_bilan)
    # The sections the issue found missing from the HTML page, under the text's titles.
    for title in (
        "Indicateurs d'activité",
        "Animations réalisées",
        "Animations dans les quartiers prioritaires",
        "Portée dans les quartiers (pour 1 000 habitants)",
        "Personnes accompagnées par quartier prioritaire",
        "Financement de l'année",
        "Financements pluriannuels",
        "Orientations de la période (personnes orientées au moins une fois)",
    ):
        assert typeset(title) in titles
    assert any(t.startswith("Prévu et réalisé 2023") for t in titles)
    assert "Contrôles" not in expected(example_bilan, checks=False)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_persons=8))
def test_any_bilan_has_the_same_sections_in_text_and_html(data: Dataset) -> None:
    check_both(compute_bilan(data, START, END))
