"""The record-based definition of pathways, référent rules and the follow-up list, as
they were computed before the columnar core (issue 14): one pass over each person's
``Event`` records. The library computes them from the dataset's columns, by index; the
properties of tests/test_reference_pathways.py check that both give the same results for
any dataset. Kept here, in the tests only, as the reference."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence

from citeslab_core.derive.followup import Action, ActionGroup, Caseload, Contact, FollowUp
from citeslab_core.derive.pathways import (
    Oddity,
    OddityKind,
    Pathway,
    PersonHistory,
    PersonState,
)
from citeslab_core.derive.rules import Finding, Severity, french_date, french_days, rule_number
from citeslab_core.model import Dataset, Event, PathwayPolicy, Person
from citeslab_core.vocabularies import EventType, ExitResult, Stage, normalize

_CITESLAB_KEY = normalize("CitésLab")
_ENTRETIEN = EventType.ENTRETIEN
_ORIENTATION = EventType.ORIENTATION
_RELAIS = EventType.PASSAGE_RELAIS
_SORTIE = EventType.SORTIE
_STAGE = EventType.CHANGEMENT_STADE


def _date_of(event: Event) -> dt.date:
    return event.date


def events_by_person(data: Dataset) -> Mapping[str, list[Event]]:
    """Each person's events, by date, rows of a date in input order."""
    grouped: dict[str, list[Event]] = {p.id: [] for p in data.persons}
    for event in data.events:
        grouped[event.person].append(event)
    for events in grouped.values():
        events.sort(key=_date_of)
    return grouped


class _Open:
    """The pathway being read (mutable while the pass goes on)."""

    __slots__ = ("events", "opened", "oriented", "referent_key", "referents")

    def __init__(self, opened: dt.date) -> None:
        self.opened = opened
        self.events: list[Event] = []
        self.referents: list[tuple[dt.date, str | None]] = [(opened, None)]
        self.referent_key = _CITESLAB_KEY
        self.oriented: set[str] = set()

    def freeze(self, person: str, closed: dt.date | None, result: ExitResult | None) -> Pathway:
        return Pathway(
            person=person,
            opened=self.opened,
            closed=closed,
            result=result,
            referents=tuple(self.referents),
            events=tuple(self.events),
        )


def _entretien_later_today(events: Sequence[Event], index: int, end: int) -> bool:
    """Whether an ``entretien`` follows row ``index`` on the same day, no ``sortie`` between."""
    day = events[index].date
    for j in range(index + 1, end):
        event = events[j]
        if event.date != day or event.type is _SORTIE:
            return False
        if event.type is _ENTRETIEN:
            return True
    return False


def _is_sorted(events: Sequence[Event]) -> bool:
    return all(events[i].date <= events[i + 1].date for i in range(len(events) - 1))


def derive(
    person: str,
    events: Sequence[Event],
    *,
    on: dt.date | None = None,
    stage_at_entry: Stage | None = None,
    presorted: bool = False,
) -> PersonHistory:
    """One pass over a person's events: pathways, stage and oddities as of ``on``.

    ``events`` are sorted by date (stably, so rows of a day keep their order) unless
    ``presorted`` says they already are (as ``Dataset.events_by_person`` gives them).
    Events dated after ``on`` are set apart in :attr:`PersonHistory.later`.
    """
    if not presorted and not _is_sorted(events):
        events = sorted(events, key=_date_of)
    end = len(events)
    if on is not None:
        while end and events[end - 1].date > on:
            end -= 1
    pathways: list[Pathway] = []
    oddities: list[Oddity] = []
    before_first: list[Event] = []
    stage = stage_at_entry
    stage_since: dt.date | None = None
    current: _Open | None = None
    last_sortie: dt.date | None = None
    # R3: relays without a prior orientation, checked when their day is over (an
    # orientation typed in a later row of the same day counts).
    unchecked: list[tuple[Event, str, set[str]]] = []
    day: dt.date | None = None

    for index in range(end):
        event = events[index]
        if event.date != day:
            if unchecked:
                _settle_relays(unchecked, oddities)
            day = event.date
        kind = event.type
        if current is None:
            if kind is _ENTRETIEN or (
                kind is not _SORTIE and _entretien_later_today(events, index, end)
            ):
                current = _Open(event.date)
            elif last_sortie is None:
                before_first.append(event)
                continue
            else:
                oddities.append(Oddity(OddityKind.AFTER_SORTIE, event, last_sortie))
                continue
        current.events.append(event)
        if kind is _ORIENTATION:
            if event.partner:
                current.oriented.add(normalize(event.partner))
        elif kind is _RELAIS:
            name = event.partner or ""
            key = normalize(name)
            if key != current.referent_key:
                current.referent_key = key
                current.referents.append((event.date, None if key == _CITESLAB_KEY else name))
            if key != _CITESLAB_KEY and key not in current.oriented:
                unchecked.append((event, key, current.oriented))
        elif kind is _STAGE:
            if event.stage is not None:
                stage, stage_since = event.stage, event.date
        elif kind is _SORTIE:
            if event.result is ExitResult.CREATION:
                stage, stage_since = Stage.EN_ACTIVITE, event.date  # R9
            pathways.append(current.freeze(person, event.date, event.result))
            current = None
            last_sortie = event.date
    if unchecked:
        _settle_relays(unchecked, oddities)
    if current is not None:
        pathways.append(current.freeze(person, None, None))
    if before_first:
        first = pathways[0].opened if pathways else None
        early = [Oddity(OddityKind.BEFORE_FIRST_ENTRETIEN, e, first) for e in before_first]
        oddities[:0] = early
    if len(oddities) > 1:
        oddities.sort(key=_oddity_date)
    return PersonHistory(
        person=person,
        on=on,
        pathways=tuple(pathways),
        stage=stage,
        stage_since=stage_since,
        oddities=tuple(oddities),
        later=tuple(events[end:]),
    )


def _oddity_date(oddity: Oddity) -> dt.date:
    return oddity.event.date


def _settle_relays(unchecked: list[tuple[Event, str, set[str]]], oddities: list[Oddity]) -> None:
    for event, key, oriented in unchecked:
        if key not in oriented:
            oddities.append(Oddity(OddityKind.RELAIS_WITHOUT_ORIENTATION, event))
    unchecked.clear()


def state_of(self: PersonHistory, on: dt.date | None = None) -> PersonState:
    """The :class:`PersonState` at the view's date (``on`` when the view has none)."""
    day = self.on or on
    if day is None:
        raise ValueError("une date est nécessaire")
    last = self.pathways[-1] if self.pathways else None
    is_open = last is not None and last.closed is None
    referent_since: dt.date | None = None
    referent: str | None = None
    if last is not None and is_open:
        referent_since, referent = last.referents[-1]
    if last is None:
        return PersonState(
            person=self.person, on=day, open=False, pathways=0, opened=None, closed=None,
            result=None, stage=self.stage, stage_since=self.stage_since, referent=None,
            referent_since=None, referents=(), last_contact=None, last_event=None,
            awaiting_news=(),
        )  # fmt: skip
    return PersonState(
        person=self.person,
        on=day,
        open=is_open,
        pathways=len(self.pathways),
        opened=last.opened,
        closed=last.closed,
        result=last.result,
        stage=self.stage,
        stage_since=self.stage_since,
        referent=referent,
        referent_since=referent_since,
        referents=last.referents,
        last_contact=last.last_contact,
        last_event=last.last_event,
        awaiting_news=last.awaiting_news if is_open else (),
    )


def _event_words(event: Event) -> str:
    return f"Le suivi « {event.type.label} » du {french_date(event.date)}"


def _oddity_finding(person: str, oddity: Oddity) -> Finding:
    event = oddity.event
    if oddity.kind is OddityKind.RELAIS_WITHOUT_ORIENTATION:
        message = (
            f"Passage de relais à {event.partner} le {french_date(event.date)} sans "
            f"orientation vers {event.partner} dans ce parcours : ajouter "
            "l'orientation ou corriger le nom du partenaire."
        )
    elif oddity.kind is OddityKind.AFTER_SORTIE:
        assert oddity.related is not None
        closed = french_date(oddity.related)
        if event.type is EventType.SORTIE:
            message = (
                f"Sortie du {french_date(event.date)} alors que le parcours est clos "
                f"depuis la sortie du {closed} : supprimer l'une des deux sorties, ou "
                "ajouter l'entretien qui a rouvert le parcours."
            )
        else:
            message = (
                f"{_event_words(event)} suit la sortie du {closed} : un parcours clos "
                "ne se rouvre que par un entretien ; ajouter cet entretien, ou "
                "corriger la date."
            )
    elif oddity.related is not None:
        message = (
            f"{_event_words(event)} précède le premier entretien (le "
            f"{french_date(oddity.related)}) : corriger la date, ou saisir "
            "l'entretien d'accueil."
        )
    else:
        message = (
            f"{_event_words(event)} n'est précédé d'aucun entretien : saisir "
            "l'entretien d'accueil, qui ouvre le parcours."
        )
    return Finding(oddity.kind.rule, Severity.ERROR, person, event.date, message)


def _future_finding(person: str, event: Event, on: dt.date) -> Finding:
    return Finding(
        "R10",
        Severity.ERROR,
        person,
        event.date,
        f"{_event_words(event)} est postérieur à la date du contrôle "
        f"({french_date(on)}) : corriger la date.",
    )


def _delay_findings(state: PersonState, on: dt.date, policy: PathwayPolicy) -> list[Finding]:
    findings: list[Finding] = []
    if not state.open:
        return findings
    person = state.person
    last_event = state.last_event
    assert last_event is not None
    elapsed = (on - last_event).days
    if elapsed > policy.no_news_days:
        findings.append(
            Finding(
                "R6",
                Severity.WARNING,
                person,
                last_event,
                f"Aucun suivi depuis le {french_date(last_event)}, il y a {french_days(elapsed)} "
                f"(au-delà de {french_days(policy.no_news_days)}) : clore le parcours par une "
                "sortie « sans nouvelles », ou reprendre contact.",
                elapsed - policy.no_news_days,
            )
        )
    if state.citeslab_is_referent and state.last_contact is not None:
        contact = state.last_contact
        since = (on - contact).days
        if since > policy.contact_days:
            findings.append(
                Finding(
                    "R5",
                    Severity.REMINDER,
                    person,
                    contact,
                    f"Dernier contact le {french_date(contact)}, il y a {french_days(since)} "
                    f"(un contact tous les {french_days(policy.contact_days)}) : proposer un "
                    "entretien ou un point d'étape.",
                    since - policy.contact_days,
                )
            )
    if state.awaiting_news and elapsed > policy.orientation_reply_days:
        partners = ", ".join(dict.fromkeys(e.partner or "?" for e in state.awaiting_news))
        findings.append(
            Finding(
                "R7",
                Severity.REMINDER,
                person,
                last_event,
                f"Orientation vers {partners} le {french_date(last_event)}, sans nouvelles depuis "
                f"{french_days(elapsed)} (au-delà de {french_days(policy.orientation_reply_days)})"
                " : demander au partenaire ce qu'est devenue l'orientation.",
                elapsed - policy.orientation_reply_days,
            )
        )
    return findings


def _finding_key(finding: Finding) -> tuple[dt.date, int]:
    return finding.date, rule_number(finding.rule)


def assess(
    data: Dataset, on: dt.date, policy: PathwayPolicy | None = None
) -> Iterator[tuple[Person, PersonState, list[Finding]]]:
    """Each person's state at ``on`` and their findings, in the dataset's order of persons.

    One pass per person over their sorted events. ``policy`` overrides the site's
    (``data.site.pathway_policy``).
    """
    rules = policy if policy is not None else data.site.pathway_policy
    by_person = events_by_person(data)
    for person in data.persons:
        pid = person.id
        history = derive(
            pid, by_person.get(pid, ()), on=on, stage_at_entry=person.stage_at_entry, presorted=True
        )
        state = state_of(history)
        findings = [_oddity_finding(pid, o) for o in history.oddities] if history.oddities else []
        if state.open:
            findings.extend(_delay_findings(state, on, rules))
        if history.later:
            findings.extend(_future_finding(pid, e, on) for e in history.later)
        if len(findings) > 1:
            findings.sort(key=_finding_key)
        yield person, state, findings


def _display_name(person: Person) -> str | None:
    name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return name or None


def _overdue_key(finding: Finding) -> tuple[int, str, dt.date, int]:
    overdue = finding.days_overdue if finding.days_overdue is not None else -1
    return -overdue, finding.person, finding.date, rule_number(finding.rule)


def _error_key(finding: Finding) -> tuple[str, dt.date, int]:
    return finding.person, finding.date, rule_number(finding.rule)


def followup(data: Dataset, on: dt.date, policy: PathwayPolicy | None = None) -> FollowUp:
    grouped: dict[Action, list[Finding]] = {action: [] for action in Action}
    contacts: dict[str, Contact] = {}
    load: dict[str, int] = {}
    partner_names: dict[str, str] = {}
    citeslab = 0
    later = 0
    for person, state, findings in assess(data, on, policy):
        if state.open:
            if state.referent is None:
                citeslab += 1
            else:
                key = normalize(state.referent)
                partner_names.setdefault(key, state.referent)
                load[key] = load.get(key, 0) + 1
        if not findings:
            continue
        closing = any(f.rule == "R6" for f in findings)
        listed = False
        for finding in findings:
            if finding.date > on:  # R10: an event after the date of the list
                later += 1
                continue
            if closing and finding.rule in ("R5", "R7"):
                continue
            grouped[_action_of(finding)].append(finding)
            listed = True
        if listed:
            contacts[person.id] = Contact(_display_name(person), person.phone, state.stage)
    groups = tuple(
        ActionGroup(
            action,
            tuple(
                sorted(
                    grouped[action], key=_error_key if action is Action.CORRECT else _overdue_key
                )
            ),
        )
        for action in Action
    )
    partners = sorted(load, key=lambda k: (-load[k], k))
    caseload = (Caseload(None, citeslab), *(Caseload(partner_names[k], load[k]) for k in partners))
    return FollowUp(on, data.site.name, groups, caseload, contacts, later)


_ACTION_OF_RULE = {"R5": Action.CONTACT, "R7": Action.ASK_PARTNER, "R6": Action.CLOSE}


def _action_of(finding: Finding) -> Action:
    if finding.severity is Severity.ERROR:
        return Action.CORRECT
    return _ACTION_OF_RULE[finding.rule]


def check(data: Dataset, on: dt.date, policy: PathwayPolicy | None = None) -> list[Finding]:
    return [f for _, _, findings in assess(data, on, policy) for f in findings]
