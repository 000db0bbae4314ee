"""The référent's follow-up list at a date: actions, caseload, text and JSON forms."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.cli import main
from citeslab_core.derive.followup import Action, followup
from citeslab_core.derive.pathways import state_on
from citeslab_core.derive.rules import Severity
from citeslab_core.derive.rules import findings as rule_findings
from citeslab_core.french import typeset
from citeslab_core.model import Dataset, Event, PathwayPolicy, Person, Site
from citeslab_core.readers.converter import dumps
from citeslab_core.render.followup import render_json, render_text
from citeslab_core.vocabularies import EventType, ExitResult, OrientationCategory, Stage
from strategies import messy_datasets, secrets

D = dt.date
ON = D(2023, 10, 1)
ENTRETIEN = EventType.ENTRETIEN
NNBSP = "\u202f"


def ev(person: str, day: dt.date, kind: EventType, **fields: object) -> Event:
    if kind is EventType.ORIENTATION:
        fields.setdefault("category", OrientationCategory.CREATION)
    if kind is EventType.SORTIE:
        fields.setdefault("result", ExitResult.POURSUITE)
    return Event(person, day, kind, **fields)  # type: ignore[arg-type]


def days_before(days: int) -> dt.date:
    return ON - dt.timedelta(days=days)


def person(pid: str, first: str, last: str, phone: str, stage: Stage | None = None) -> Person:
    return Person(pid, first_name=first, last_name=last, phone=phone, stage_at_entry=stage)


PERSONS = [
    person("A", "Awa", "Diallo", "06 11 11 11 11", Stage.INTENTIONNISTE),  # R5, 10 days late
    person("B", "Brahim", "Kaci", "06 22 22 22 22", Stage.EN_DEVENIR),  # R5, 40 days late
    person("C", "Chloé", "Le Gall", "06 33 33 33 33"),  # R7
    person("E", "Erwan", "Tanguy", "06 44 44 44 44"),  # R6 (R5 and R7 too, not repeated)
    person("F", "Fatou", "Sow", "06 55 55 55 55"),  # R3 error, référent BGE
    person("G", "Gwen", "Morvan", "06 66 66 66 66"),  # all well
    person("H", "Hugo", "Roux", "06 77 77 77 77"),  # closed
]

EVENTS = [
    ev("A", days_before(70), ENTRETIEN),
    ev("B", days_before(100), ENTRETIEN),
    ev("C", days_before(50), ENTRETIEN),
    ev("C", days_before(40), EventType.ORIENTATION, partner="ADIE"),
    ev("E", days_before(200), ENTRETIEN),
    ev("E", days_before(190), EventType.ORIENTATION, partner="BGE"),
    ev("F", days_before(20), ENTRETIEN),
    ev("F", days_before(10), EventType.PASSAGE_RELAIS, partner="BGE"),
    ev("G", days_before(10), ENTRETIEN),
    ev("H", days_before(300), ENTRETIEN),
    ev("H", days_before(200), EventType.SORTIE, result=ExitResult.CREATION),
    ev("G", ON + dt.timedelta(days=3), EventType.POINT_ETAPE),  # after the list's date
]

DATA = Dataset.build(site=Site(name="CitésLab Brest"), persons=PERSONS, events=EVENTS)


def test_findings_grouped_by_action_most_overdue_first() -> None:
    todo = followup(DATA, ON)
    assert [g.action for g in todo.groups] == list(Action)
    summary = {g.action: [(f.person, f.rule) for f in g.findings] for g in todo.groups}
    assert summary == {
        Action.CONTACT: [("B", "R5"), ("A", "R5")],
        Action.ASK_PARTNER: [("C", "R7")],
        Action.CLOSE: [("E", "R6")],
        Action.CORRECT: [("F", "R3")],
    }
    assert [f.days_overdue for f in todo.group(Action.CONTACT).findings] == [40, 10]
    # E is late for R5 and R7 too: the rules say so, the list asks only to close.
    assert {f.rule for f in rule_findings(DATA, ON) if f.person == "E"} == {"R5", "R6", "R7"}
    assert todo.later_events == 1
    assert todo.on == ON


def test_caseload_per_referent() -> None:
    todo = followup(DATA, ON)
    assert [(c.label, c.count) for c in todo.caseload] == [("CitésLab", 5), ("BGE", 1)]
    assert todo.open_pathways == 6
    # One relay more to BGE and one to ADIE: partners by caseload, then by name.
    extra = [
        person("I", "Inès", "Abgrall", "06"),
        person("J", "Jean", "Caro", "06"),
    ]
    more = [
        ev("I", days_before(5), ENTRETIEN),
        ev("I", days_before(5), EventType.ORIENTATION, partner="bge"),
        ev("I", days_before(4), EventType.PASSAGE_RELAIS, partner="bge"),
        ev("J", days_before(5), ENTRETIEN),
        ev("J", days_before(5), EventType.ORIENTATION, partner="ADIE"),
        ev("J", days_before(4), EventType.PASSAGE_RELAIS, partner="ADIE"),
    ]
    data = Dataset.build(persons=[*PERSONS, *extra], events=[*EVENTS, *more])
    assert [(c.label, c.count) for c in followup(data, ON).caseload] == [
        ("CitésLab", 5),
        ("BGE", 2),
        ("ADIE", 1),
    ]


def test_text_list_shows_name_phone_stage_and_caseload() -> None:
    text = render_text(followup(DATA, ON))
    assert "Suivi des parcours — CitésLab Brest — au 1er octobre 2023" in text
    assert typeset("  CitésLab : 5\n  BGE : 1\n") in text
    assert typeset("  - B · Brahim Kaci · 06 22 22 22 22 · En devenir\n") in text
    assert typeset("  - C · Chloé Le Gall · 06 33 33 33 33 · (stade non renseigné)\n") in text
    assert text.index("Brahim Kaci") < text.index("Awa Diallo")  # most overdue first
    assert "Fatou Sow" in text
    assert "Gwen Morvan" not in text  # nothing to do for her
    # A date chosen in the past: later events are not mistakes (issue 24).
    assert (
        "1 suivi daté après la date choisie (le 1er octobre 2023) n'est pas pris en compte"
        in " ".join(text.split())
    )
    assert "erreur" not in text.split("Parcours ouverts")[0] + text.split("\n\n")[-1]
    for group in Action:
        assert typeset(group.label) in text
    # The list of today: an event after it is dated in the future, a mistake to correct.
    today = " ".join(render_text(followup(DATA, ON), today=ON).split())
    assert "1 suivi daté après aujourd'hui (le 1er octobre 2023) n'est pas pris en compte" in today
    assert "une date dans le futur est une erreur de saisie, que `citeslab valider`" in today


def test_text_numbers_and_dates_are_french() -> None:
    persons = [person(f"P{i:04d}", "X", "Y", "06") for i in range(1200)]
    events = [ev(p.id, days_before(1), ENTRETIEN) for p in persons]
    events.append(ev("P0000", D(2021, 1, 4), EventType.POINT_ETAPE))  # R10, before
    text = render_text(followup(Dataset.build(persons=persons, events=events), ON))
    assert typeset(f"Parcours ouverts : 1{NNBSP}200\n") in text
    assert typeset("du 4 janvier 2021 précède le premier entretien (le 30 septembre 2023)") in text


def test_json_is_the_formats_contract_with_ids_only() -> None:
    todo = followup(DATA, ON)
    items = json.loads(render_json(todo))
    assert [list(item) for item in items] == [
        ["regle", "gravite", "porteur", "date", "message"]
    ] * 5
    assert [(i["regle"], i["gravite"], i["porteur"]) for i in items] == [
        ("R5", "rappel", "B"),
        ("R5", "rappel", "A"),
        ("R7", "rappel", "C"),
        ("R6", "avertissement", "E"),
        ("R3", "erreur", "F"),
    ]
    assert items[0]["date"] == days_before(100).isoformat()
    text = render_json(todo)
    for p in PERSONS:
        for private in (p.first_name, p.last_name, p.phone):
            assert private is not None
            assert private not in text


def test_the_policy_argument_reaches_the_list() -> None:
    todo = followup(
        DATA, ON, PathwayPolicy(contact_days=365, no_news_days=365, orientation_reply_days=365)
    )
    assert [f.rule for f in todo.findings] == ["R3"]
    site = DATA.replace(site=Site(pathway_policy=PathwayPolicy(contact_days=365)))
    assert [f.person for f in followup(site, ON).group(Action.CONTACT).findings] == []


def test_followup_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "donnees.json"
    path.write_text(dumps(DATA), encoding="utf-8")
    assert main(["followup", str(path), "--on", "2023-10-01", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == json.loads(render_json(followup(DATA, ON)))
    assert "Diallo" not in out
    assert main(["followup", str(path), "--on", "2023-10-01"]) == 0
    assert "Awa Diallo · 06 11 11 11 11" in capsys.readouterr().out


def test_the_bundled_example_gives_an_actionable_list() -> None:
    from citeslab_core.readers.example import load_example

    data = load_example()
    last = max(e.date for e in data.events)
    assert [f.describe() for f in rule_findings(data, last) if f.severity is Severity.ERROR] == []
    todo = followup(data, ON)
    assert todo.group(Action.CORRECT).findings == ()
    assert todo.findings, "the example shows what the list is for"
    for finding in todo.findings:
        contact = todo.contacts[finding.person]
        assert contact.name
        assert contact.phone


# -- properties -----------------------------------------------------------------------------

ON_DATES = st.dates(D(2022, 12, 1), D(2024, 3, 1))


@settings(max_examples=30)
@given(messy_datasets(identity=secrets), ON_DATES, secrets)
def test_json_carries_no_identity(data: Dataset, on: dt.date, comment: str) -> None:
    data = data.replace(events=tuple(attrs.evolve(e, comment=comment) for e in data.events))
    text = render_json(followup(data, on))
    planted = {comment} | {
        value
        for p in data.persons
        for value in (
            p.first_name,
            p.last_name,
            p.phone,
            p.email,
            p.address,
            p.project_idea,
            p.comment,
        )
        if value
    }
    assert not [s for s in planted if s in text]


@settings(max_examples=30)
@given(messy_datasets(), ON_DATES)
def test_the_list_at_a_date_ignores_later_events(data: Dataset, on: dt.date) -> None:
    todo = followup(data, on)
    known = data.replace(events=tuple(e for e in data.events if e.date <= on))
    assert attrs.evolve(todo, later_events=0) == followup(known, on)
    assert todo.later_events == sum(e.date > on for e in data.events)
    assert all(f.date <= on for f in todo.findings)


@settings(max_examples=30)
@given(messy_datasets(), ON_DATES)
def test_caseload_counts_each_open_pathway_once(data: Dataset, on: dt.date) -> None:
    todo = followup(data, on)
    states = [state_on(p, data.events_by_person[p.id], on) for p in data.persons]
    assert todo.open_pathways == sum(s.open for s in states)
    assert todo.caseload[0].referent is None
    assert todo.caseload[0].count == sum(s.citeslab_is_referent for s in states)
    # Every error of the rules up to the date is in the list; reminders at most once a person.
    errors = [f for f in rule_findings(data, on) if f.severity is Severity.ERROR and f.date <= on]
    listed = todo.group(Action.CORRECT).findings
    assert len(listed) == len(errors)
    assert set(listed) == set(errors)
    for action in (Action.CONTACT, Action.ASK_PARTNER, Action.CLOSE):
        people = [f.person for f in todo.group(action).findings]
        assert len(people) == len(set(people))
        overdue = [f.days_overdue or 0 for f in todo.group(action).findings]
        assert overdue == sorted(overdue, reverse=True)
