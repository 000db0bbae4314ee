"""French plurals and agreement through one helper (citeslab_core.french.counted, babel's
plural rules): every counted phrase with 0, 1, 2 and 1 000, and no « 1 créations » anywhere
a count goes in a bilan."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.french import COUNTED, MASKED_TEXT, counted, is_singular, noun, typeset
from citeslab_core.model import Dataset, Event, Person
from citeslab_core.readers.example import load_example
from citeslab_core.render.html import render as render_html
from citeslab_core.render.text import render as render_text
from citeslab_core.vocabularies import EventType

NNBSP = "\u202f"


@pytest.mark.parametrize("key", sorted(COUNTED))
def test_every_counted_phrase_agrees_with_0_1_2_and_1000(key: str) -> None:
    singular, plural = COUNTED[key]
    assert singular != plural
    assert counted(0, key) == f"0 {singular}"  # French: 0 takes the singular
    assert counted(1, key) == f"1 {singular}"
    assert counted(2, key) == f"2 {plural}"
    assert counted(1000, key) == f"1{NNBSP}000 {plural}"
    assert counted(None, key) == f"{MASKED_TEXT} {plural}"
    assert noun(1, key) == singular


def test_babel_plural_rules() -> None:
    assert [is_singular(n) for n in (0, 1, 2, 1000, 1_000_000)] == [
        True,
        True,
        False,
        False,
        False,
    ]


def one_of_each() -> Dataset:
    # One person, one creation, one programme, one animation of each kind: every « 1 ».
    day = dt.date(2023, 3, 1)
    events = [
        Event("A", day, EventType.ENTRETIEN),
        Event("A", day, EventType.CANDIDATURE_PROGRAMME, programme="EITI Sato"),
    ]
    return Dataset.build(persons=[Person("A")], events=events)


SINGULAR_MISTAKES = re.compile(
    r"\b1[ \u00a0](créations|poursuites|entrées|permanences|personnes|orientés|retenus|constats|"
    r"femmes|hommes|participants|programmes|actions|sorties|animations|partenariats)\b"
)


@pytest.mark.parametrize("year", [2022, 2023])
def test_no_plural_after_one_in_the_bilans(year: int) -> None:
    for data in (load_example(), one_of_each()):
        bilan = compute_bilan(data, year=year)
        for text in (render_text(bilan), render_html(bilan)):
            assert not SINGULAR_MISTAKES.search(text), SINGULAR_MISTAKES.search(text)
    html = render_html(compute_bilan(one_of_each(), year=2023))
    assert typeset("1 personne accompagnée") in html
    assert typeset("EITI Sato (1 orienté, 0 retenu)") in html
