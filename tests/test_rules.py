"""The référent-de-parcours rules as findings (docs/referent-rules.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.cli import main
from citeslab_core.derive.pathways import state_on
from citeslab_core.derive.rules import Finding, Severity, rule_number
from citeslab_core.derive.rules import findings as rule_findings
from citeslab_core.model import Dataset, Event, PathwayPolicy, Person, Site
from citeslab_core.readers.converter import dumps
from citeslab_core.vocabularies import EventType, ExitResult, OrientationCategory
from strategies import messy_datasets, secrets

D = dt.date
DAY0 = D(2023, 1, 10)
ENTRETIEN = EventType.ENTRETIEN
POINT = EventType.POINT_ETAPE


def ev(day: dt.date, kind: EventType, *, person: str = "P1", **fields: object) -> Event:
    if kind is EventType.ORIENTATION:
        fields.setdefault("category", OrientationCategory.CREATION)
    if kind is EventType.SORTIE:
        fields.setdefault("result", ExitResult.POURSUITE)
    return Event(person, day, kind, **fields)  # type: ignore[arg-type]


def after(days: int) -> dt.date:
    return DAY0 + dt.timedelta(days=days)


def dataset(*events: Event, site: Site | None = None) -> Dataset:
    ids = sorted({e.person for e in events} | {"P1"})
    persons = [Person(i, first_name="Awa", last_name="Diallo", phone="06 12 34 56 78") for i in ids]
    return Dataset.build(site=site, persons=persons, events=events)


def rules_at(data: Dataset, on: dt.date, policy: PathwayPolicy | None = None) -> list[str]:
    return [f.rule for f in rule_findings(data, on, policy)]


def only(data: Dataset, on: dt.date, rule: str) -> Finding:
    (finding,) = [f for f in rule_findings(data, on) if f.rule == rule]
    return finding


# -- severities and the finding's line ---------------------------------------------------


def test_severity_codes_and_labels() -> None:
    assert [(s.value, s.label) for s in Severity] == [
        ("erreur", "Erreur"),
        ("avertissement", "Avertissement"),
        ("rappel", "Rappel"),
        ("info", "Information"),  # the bilan's checks (citeslab_core.bilan.checks)
    ]


def test_describe_gives_the_rule_the_severity_and_the_id_never_the_name() -> None:
    data = dataset(ev(DAY0, ENTRETIEN), ev(after(5), EventType.PASSAGE_RELAIS, partner="ADIE"))
    finding = only(data, after(10), "R3")
    line = finding.describe()
    assert line.startswith(
        "Passage de relais vers un partenaire jamais orienté (règle R3, erreur), porteur P1 : "
    )
    assert finding.message in line
    assert "Awa" not in line
    assert "Diallo" not in line


def test_every_rule_that_finds_has_a_name_in_words() -> None:
    from citeslab_core.derive.followup import followup
    from citeslab_core.derive.rules import RULE_TITLES, rule_name
    from citeslab_core.render.followup import render_text

    assert rule_name("R3") == "passage de relais vers un partenaire jamais orienté (règle R3)"
    data = dataset(ev(DAY0, ENTRETIEN), ev(after(5), EventType.PASSAGE_RELAIS, partner="ADIE"))
    found = {f.rule for f in rule_findings(data, after(400))}
    assert found <= set(RULE_TITLES)
    text = render_text(followup(data, after(10)))
    assert "Erreurs à corriger dans les suivis (règles R3, R8, R10)\u00a0: 1" in text
    assert "    Passage de relais vers un partenaire jamais orienté (règle R3)\u00a0: " in text


# -- the delays at their boundaries (R5: 60, R6: 180, R7: 30) -----------------------------


def test_r5_contact_due_after_60_days_not_on_the_60th() -> None:
    data = dataset(ev(DAY0, ENTRETIEN))
    assert rules_at(data, after(60)) == []
    finding = only(data, after(61), "R5")
    assert (finding.severity, finding.person, finding.date, finding.days_overdue) == (
        Severity.REMINDER,
        "P1",
        DAY0,
        1,
    )
    assert "10 janvier 2023" in finding.message
    assert "61 jours" in finding.message


def test_r5_counts_from_the_last_contact_of_either_kind() -> None:
    data = dataset(ev(DAY0, ENTRETIEN), ev(after(50), POINT))
    assert "R5" not in rules_at(data, after(110))
    assert only(data, after(111), "R5").date == after(50)
    # An event that is not a contact does not reset the count.
    data = dataset(
        ev(DAY0, ENTRETIEN), ev(after(50), EventType.CANDIDATURE_PROGRAMME, programme="EITI Sato")
    )
    assert only(data, after(61), "R5").date == DAY0


def test_r5_does_not_apply_when_a_partner_is_referent() -> None:
    data = dataset(
        ev(DAY0, ENTRETIEN),
        ev(after(1), EventType.ORIENTATION, partner="BGE"),
        ev(after(2), EventType.PASSAGE_RELAIS, partner="BGE"),
    )
    assert rules_at(data, after(150)) == []


def test_r6_no_news_after_180_days_not_on_the_180th() -> None:
    data = dataset(
        ev(DAY0, ENTRETIEN),
        ev(after(1), EventType.ORIENTATION, partner="BGE"),
        ev(after(2), EventType.PASSAGE_RELAIS, partner="BGE"),
    )
    assert rules_at(data, after(182)) == []
    finding = only(data, after(183), "R6")
    assert (finding.severity, finding.date, finding.days_overdue) == (
        Severity.WARNING,
        after(2),
        1,
    )
    assert "sans nouvelles" in finding.message


def test_r7_ask_the_partner_after_30_days_not_on_the_30th() -> None:
    data = dataset(ev(DAY0, ENTRETIEN), ev(after(10), EventType.ORIENTATION, partner="ADIE"))
    assert rules_at(data, after(40)) == []
    finding = only(data, after(41), "R7")
    assert (finding.severity, finding.date, finding.days_overdue) == (
        Severity.REMINDER,
        after(10),
        1,
    )
    assert "ADIE" in finding.message
    # Any later event is news: the orientation no longer waits.
    data = dataset(
        ev(DAY0, ENTRETIEN),
        ev(after(10), EventType.ORIENTATION, partner="ADIE"),
        ev(after(20), EventType.CANDIDATURE_PROGRAMME, programme="Les déterminés"),
    )
    assert "R7" not in rules_at(data, after(59))


def test_reminders_stop_once_the_pathway_is_closed() -> None:
    data = dataset(
        ev(DAY0, ENTRETIEN),
        ev(after(10), EventType.ORIENTATION, partner="ADIE"),
        ev(after(12), EventType.SORTIE, result=ExitResult.SANS_NOUVELLES),
    )
    assert rules_at(data, after(400)) == []


# -- the policy: the site's numbers, and an explicit argument over them -------------------


def test_the_site_policy_changes_the_delays() -> None:
    site = Site(
        pathway_policy=PathwayPolicy(contact_days=30, no_news_days=90, orientation_reply_days=15)
    )
    data = dataset(
        ev(DAY0, ENTRETIEN), ev(after(5), EventType.ORIENTATION, partner="ADIE"), site=site
    )
    assert rules_at(data, after(20)) == []
    assert rules_at(data, after(21)) == ["R7"]
    assert rules_at(data, after(31)) == ["R5", "R7"]
    assert rules_at(data, after(95)) == ["R5", "R7"]
    assert rules_at(data, after(96)) == ["R5", "R6", "R7"]
    # The same data under the default policy: nothing at 21 or 31 days.
    assert rules_at(data.replace(site=Site()), after(31)) == []


def test_an_explicit_policy_overrides_the_site() -> None:
    site = Site(pathway_policy=PathwayPolicy(contact_days=10))
    data = dataset(ev(DAY0, ENTRETIEN), site=site)
    assert rules_at(data, after(11)) == ["R5"]
    assert rules_at(data, after(11), PathwayPolicy(contact_days=100)) == []
    assert rules_at(data, after(101), PathwayPolicy(contact_days=100)) == ["R5"]


# -- the errors: R3, R8, R10 ---------------------------------------------------------------


def test_r3_relay_needs_a_prior_orientation_to_that_partner_in_the_pathway() -> None:
    relay = ev(after(5), EventType.PASSAGE_RELAIS, partner="ADIE")
    finding = only(dataset(ev(DAY0, ENTRETIEN), relay), after(6), "R3")
    assert (finding.severity, finding.date) == (Severity.ERROR, after(5))
    assert "ADIE" in finding.message
    # An orientation to another partner does not do.
    other = dataset(ev(DAY0, ENTRETIEN), ev(after(1), EventType.ORIENTATION, partner="BGE"), relay)
    assert "R3" in rules_at(other, after(6))
    # An orientation to the same partner (any spelling), before or on the same day, does.
    for day in (after(1), after(5)):
        good = dataset(ev(DAY0, ENTRETIEN), relay, ev(day, EventType.ORIENTATION, partner="adie"))
        assert "R3" not in rules_at(good, after(6))


def test_r3_the_orientation_must_be_in_the_same_pathway() -> None:
    data = dataset(
        ev(DAY0, ENTRETIEN),
        ev(after(1), EventType.ORIENTATION, partner="ADIE"),
        ev(after(2), EventType.SORTIE),
        ev(after(10), ENTRETIEN),
        ev(after(11), EventType.PASSAGE_RELAIS, partner="ADIE"),
    )
    assert only(data, after(12), "R3").date == after(11)


def test_r8_events_after_a_sortie_until_an_entretien_reopens() -> None:
    data = dataset(
        ev(DAY0, ENTRETIEN),
        ev(after(30), EventType.SORTIE, result=ExitResult.EMPLOI_FORMATION),
        ev(after(40), POINT),
        ev(after(45), EventType.SORTIE, result=ExitResult.ABANDON),
        ev(after(50), ENTRETIEN),
        ev(after(51), POINT),
    )
    findings = [f for f in rule_findings(data, after(52)) if f.severity is Severity.ERROR]
    assert [(f.rule, f.date) for f in findings] == [("R8", after(40)), ("R8", after(45))]
    assert "sortie" in findings[1].message.lower()


def test_r10_events_before_the_first_entretien() -> None:
    data = dataset(ev(DAY0, POINT), ev(after(3), ENTRETIEN))
    finding = only(data, after(4), "R10")
    assert (finding.severity, finding.date) == (Severity.ERROR, DAY0)
    assert "13 janvier 2023" in finding.message  # names the first entretien
    # No entretien at all: every event is reported.
    data = dataset(ev(DAY0, POINT), ev(after(3), EventType.ORIENTATION, partner="BGE"))
    assert rules_at(data, after(4)) == ["R10", "R10"]


def test_r10_events_after_the_date_of_the_check() -> None:
    data = dataset(ev(DAY0, ENTRETIEN), ev(after(20), POINT))
    assert rules_at(data, after(19)) == ["R10"]
    finding = only(data, after(19), "R10")
    assert finding.date == after(20)
    assert "29 janvier 2023" in finding.message
    assert rules_at(data, after(20)) == []


def test_findings_are_ordered_by_person_then_date_then_rule() -> None:
    data = dataset(
        ev(DAY0, POINT, person="P2"),
        ev(after(1), ENTRETIEN, person="P2"),
        ev(DAY0, ENTRETIEN, person="P1"),
        ev(after(2), EventType.PASSAGE_RELAIS, partner="BGE", person="P2"),
    )
    findings = rule_findings(data, after(100))
    keys = [(f.person, f.date, rule_number(f.rule)) for f in findings]
    assert keys == sorted(keys)
    assert [f.person for f in findings] == ["P1", "P2", "P2"]


# -- the command line: validate exits with 1 on an error -----------------------------------


@pytest.mark.parametrize(
    ("events", "rule"),
    [
        (
            (
                ev(D(2023, 3, 1), ENTRETIEN),
                ev(D(2023, 3, 2), EventType.PASSAGE_RELAIS, partner="BGE"),
            ),
            "R3",
        ),
        (
            (
                ev(D(2023, 3, 1), ENTRETIEN),
                ev(D(2023, 3, 2), EventType.SORTIE),
                ev(D(2023, 3, 3), POINT),
            ),
            "R8",
        ),
        ((ev(D(2023, 3, 1), POINT), ev(D(2023, 3, 2), ENTRETIEN)), "R10"),
        ((ev(D(2023, 3, 1), ENTRETIEN), ev(D(2024, 3, 2), POINT)), "R10"),
    ],
)
def test_validate_exits_with_1_on_a_rule_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], events: tuple[Event, ...], rule: str
) -> None:
    path = tmp_path / "donnees.json"
    path.write_text(dumps(dataset(*events)), encoding="utf-8")
    assert main(["validate", str(path), "--on", "2024-01-01"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert f"(règle {rule}, erreur), porteur P1" in err
    assert "Diallo" not in err


def test_validate_exits_with_0_when_only_reminders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "donnees.json"
    data = dataset(
        ev(D(2023, 3, 1), ENTRETIEN), ev(D(2023, 3, 2), EventType.ORIENTATION, partner="BGE")
    )
    assert rules_at(data, D(2024, 1, 1)) != []  # reminders and a warning, no error
    path.write_text(dumps(data), encoding="utf-8")
    assert main(["validate", str(path), "--on", "2024-01-01"]) == 0
    assert "Données valides" in capsys.readouterr().out


# -- properties -----------------------------------------------------------------------------

ON_DATES = st.dates(D(2022, 12, 1), D(2024, 3, 1))


def _known(data: Dataset, on: dt.date) -> Dataset:
    return data.replace(events=tuple(e for e in data.events if e.date <= on))


def _is_future(finding: Finding, on: dt.date) -> bool:
    return finding.rule == "R10" and finding.date > on


@settings(max_examples=50)
@given(messy_datasets(), ON_DATES)
def test_the_rules_at_a_date_read_only_the_events_up_to_it(data: Dataset, on: dt.date) -> None:
    findings = rule_findings(data, on)
    future = [f for f in findings if _is_future(f, on)]
    others = [f for f in findings if not _is_future(f, on)]
    assert all(f.date <= on for f in others)
    assert others == rule_findings(_known(data, on), on)
    assert sorted((f.person, f.date) for f in future) == sorted(
        (e.person, e.date) for e in data.events if e.date > on
    )
    assert all(f.severity is Severity.ERROR for f in future)


@settings(max_examples=50)
@given(messy_datasets(), ON_DATES)
def test_reminders_follow_the_derived_state(data: Dataset, on: dt.date) -> None:
    policy = data.site.pathway_policy
    for finding in rule_findings(data, on):
        person = data.persons_by_id[finding.person]
        state = state_on(person, data.events_by_person[person.id], on)
        if finding.rule == "R5":
            assert state.citeslab_is_referent
            assert state.last_contact == finding.date
            assert (on - finding.date).days - policy.contact_days == finding.days_overdue
        elif finding.rule in ("R6", "R7"):
            assert state.open
            assert state.last_event == finding.date
            assert finding.days_overdue is not None
            assert finding.days_overdue > 0
        if finding.rule == "R7":
            assert state.awaiting_news
        if finding.rule in ("R3", "R8", "R10"):
            assert finding.severity is Severity.ERROR
            assert finding.days_overdue is None


@settings(max_examples=30)
@given(messy_datasets(identity=secrets), ON_DATES, secrets)
def test_findings_carry_no_identity(data: Dataset, on: dt.date, comment: str) -> None:
    data = data.replace(events=tuple(attrs.evolve(e, comment=comment) for e in data.events))
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
    for finding in rule_findings(data, on):
        line = finding.describe()
        assert not [s for s in planted if s in line]
