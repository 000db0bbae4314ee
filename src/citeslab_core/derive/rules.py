"""The référent-de-parcours rules R1 to R10 (docs/referent-rules.md), as findings at a date.

:func:`findings` reads each person's events once (:func:`citeslab_core.derive.pathways.walk`) and
turns what it finds into :class:`Finding` values: the rule, a severity, the person's id
(never their name), the date the finding is about and a French message that says what to
do. R1, R2, R4 and R9 say how pathways, référents and stages are derived; they cannot be
broken by the records (what breaks them is reported as R3, R8 or R10). The others:

- R3 (erreur): a ``passage_relais`` to a partner with no orientation to that partner
  earlier in the pathway (or the same day);
- R5 (rappel): the CitésLab is référent of an open pathway whose last contact
  (``entretien`` or ``point_etape``) is more than ``contact_days`` old;
- R6 (avertissement): an open pathway whose last event is more than ``no_news_days`` old:
  close it as ``sans_nouvelles``;
- R7 (rappel): an open pathway whose last event is an orientation more than
  ``orientation_reply_days`` old: ask the partner;
- R8 (erreur): an event other than an ``entretien`` between a ``sortie`` and a reopening;
- R10 (erreur): an event before the person's first ``entretien``, or dated after the date
  of the check.

Days are calendar days; "more than 60 days on date T" means ``T - date > 60``. The rules at
T read the events dated T or earlier only: a later event is reported (R10) and otherwise
ignored. The finding's date is the date of the event it is about (the last contact for R5,
the last event for R6, the orientation for R7, the faulty event for R3, R8, R10);
``days_overdue`` is how many days the delay is exceeded by (reminders and warnings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from functools import lru_cache

import attrs

from citeslab_core.derive._track import Track
from citeslab_core.derive.pathways import OddityAt, OddityKind, PersonState, Span, Walk, walks
from citeslab_core.errors import Location, UsageError
from citeslab_core.model import Dataset, PathwayPolicy, Person, guards
from citeslab_core.model.guards import DateLike
from citeslab_core.vocabularies import EventType, Severity

__all__ = [
    "RULE_TITLES",
    "Finding",
    "Severity",
    "assess",
    "findings",
    "rule_name",
    "rule_number",
    "sources",
]


#: Each rule that yields findings, in words (what a person reads beside its number).
RULE_TITLES: dict[str, str] = {
    "R3": "passage de relais vers un partenaire jamais orienté",
    "R5": "contact du porteur à reprendre",
    "R6": "parcours sans nouvelles à clore",
    "R7": "orientation sans nouvelles du partenaire",
    "R8": "suivi après la sortie, sans entretien qui rouvre le parcours",
    "R10": "suivi avant le premier entretien ou après la date du contrôle",
}


def rule_name(rule: str) -> str:
    """A rule in words, with its number: ``passage de relais vers un partenaire jamais
    orienté (règle R3)``."""
    title = RULE_TITLES.get(rule)
    return f"{title} (règle {rule})" if title else f"règle {rule}"


def rule_number(rule: str) -> int:
    """``"R10"`` → 10, for ordering rules by number."""
    return int(rule[1:])


@attrs.frozen(weakref_slot=False)
class Finding:
    """What a rule finds about one person."""

    rule: str
    severity: Severity
    person: str
    date: dt.date
    message: str
    days_overdue: int | None = None

    def describe(self) -> str:
        """One French line, with the person's id and never their name: ``Passage de
        relais vers un partenaire jamais orienté (règle R3, erreur), porteur P1 : …``."""
        title = RULE_TITLES.get(self.rule, "règle")
        title = title[:1].upper() + title[1:]
        severity = self.severity.label.lower()
        return f"{title} (règle {self.rule}, {severity}), porteur {self.person} : {self.message}"


# -- French wording -----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def french_date(day: dt.date) -> str:
    """``3 juin 2023``, ``1er juin 2023`` (:func:`citeslab_core.french.format_day`)."""
    from citeslab_core.french import format_day

    return format_day(day)


@lru_cache(maxsize=1024)
def french_days(count: int) -> str:
    """``1 jour``, ``75 jours``, ``1 500 jours`` (babel, fr_FR)."""
    from citeslab_core.french import format_count

    return f"{format_count(count)} jour{'s' if abs(count) > 1 else ''}"


def _event_words(kind: EventType, day: dt.date) -> str:
    return f"Le suivi « {kind.label} » du {french_date(day)}"


def _oddity_finding(person: str, track: Track, oddity: OddityAt) -> Finding:
    position = oddity.position
    kind, day, partner = track.types[position], track.dates[position], track.partners[position]
    if oddity.kind is OddityKind.RELAIS_WITHOUT_ORIENTATION:
        message = (
            f"Passage de relais à {partner} le {french_date(day)} sans "
            f"orientation vers {partner} dans ce parcours : ajouter "
            "l'orientation ou corriger le nom du partenaire."
        )
    elif oddity.kind is OddityKind.AFTER_SORTIE:
        assert oddity.related is not None
        closed = french_date(oddity.related)
        if kind is EventType.SORTIE:
            message = (
                f"Sortie du {french_date(day)} alors que le parcours est clos "
                f"depuis la sortie du {closed} : supprimer l'une des deux sorties, ou "
                "ajouter l'entretien qui a rouvert le parcours."
            )
        else:
            message = (
                f"{_event_words(kind, day)} suit la sortie du {closed} : un parcours clos "
                "ne se rouvre que par un entretien ; ajouter cet entretien, ou "
                "corriger la date."
            )
    elif oddity.related is not None:
        message = (
            f"{_event_words(kind, day)} précède le premier entretien (le "
            f"{french_date(oddity.related)}) : corriger la date, ou saisir "
            "l'entretien d'accueil."
        )
    else:
        message = (
            f"{_event_words(kind, day)} n'est précédé d'aucun entretien : saisir "
            "l'entretien d'accueil, qui ouvre le parcours."
        )
    return Finding(oddity.kind.rule, Severity.ERROR, person, day, message)


def _future_finding(person: str, track: Track, position: int, on: dt.date) -> Finding:
    day = track.dates[position]
    return Finding(
        "R10",
        Severity.ERROR,
        person,
        day,
        f"{_event_words(track.types[position], day)} est postérieur à la date du contrôle "
        f"({french_date(on)}) : corriger la date.",
    )


def _delay_findings(person: str, span: Span, on: dt.date, policy: PathwayPolicy) -> list[Finding]:
    """R6, R5 and R7 for the open pathway ``span``."""
    findings: list[Finding] = []
    last_event = span.last_event
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
    if span.referent is None:
        contact = span.last_contact
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
    awaiting = span.awaiting if elapsed > policy.orientation_reply_days else ()
    if awaiting:
        names = span.track.partners
        partners = ", ".join(dict.fromkeys(names[i] or "?" for i in awaiting))
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


def findings_of(person: str, walk: Walk, on: dt.date, policy: PathwayPolicy) -> list[Finding]:
    """A person's findings at ``on`` from their :class:`~citeslab_core.derive.pathways.Walk`: by
    date, then rule number."""
    track = walk.track
    findings = [_oddity_finding(person, track, o) for o in walk.oddities] if walk.oddities else []
    current = walk.current
    if current is not None:
        findings.extend(_delay_findings(person, current, on, policy))
    if walk.end < walk.stop:
        findings.extend(_future_finding(person, track, i, on) for i in range(walk.end, walk.stop))
    if len(findings) > 1:
        findings.sort(key=_finding_key)
    return findings


def assessed(
    data: Dataset, on: dt.date, policy: PathwayPolicy | None = None
) -> Iterator[tuple[int, Walk, list[Finding]]]:
    """Each person's index in ``data.persons``, pass and findings at ``on``, from the
    dataset's columns (the records only of what the findings say)."""
    rules = policy if policy is not None else data.site.pathway_policy
    ids = data.columns("porteurs")["id"]
    for index, (pid, walked) in enumerate(zip(ids, walks(data, on), strict=True)):
        yield index, walked, findings_of(pid, walked, on, rules)


def assess(
    data: Dataset, on: dt.date, policy: PathwayPolicy | None = None
) -> Iterator[tuple[Person, PersonState, list[Finding]]]:
    """Each person's state at ``on`` and their findings, in the dataset's order of persons.

    One pass per person over their sorted events. ``policy`` overrides the site's
    (``data.site.pathway_policy``).
    """
    persons = data.persons
    for index, walked, findings in assessed(data, on, policy):
        person = persons[index]
        yield person, walked.state(person.id, on), findings


def sources(data: Dataset, findings: Sequence[Finding]) -> list[tuple[Location, ...]]:
    """Where each finding's events were read from: the person's events of the finding's
    date (the date of the event it is about), in input order; empty when the dataset was
    not read from a file that names rows (:attr:`Dataset.origins`)."""
    wanted = {(f.person, f.date) for f in findings}
    found: dict[tuple[str, dt.date], list[Location]] = {}
    if wanted and "suivis" in data.origins:
        events = data.columns("suivis")
        for index, key in enumerate(zip(events["person"], events["date"], strict=True)):
            if key in wanted:
                place = data.origin("suivis", index)
                if place is not None:
                    found.setdefault(key, []).append(place)
    return [tuple(found.get((f.person, f.date), ())) for f in findings]


def findings(data: Dataset, on: DateLike, policy: PathwayPolicy | None = None) -> list[Finding]:
    """Every finding of the rules at ``on`` (a date, as for
    :func:`~citeslab_core.bilan.compute_bilan`): persons in the dataset's order, then by
    date and rule number. ``policy`` overrides the site's."""
    day = checked_arguments(data, on, policy, "check_rules")
    return [f for _, _, findings in assessed(data, day, policy) for f in findings]


def checked_arguments(data: object, on: object, policy: object, call: str) -> dt.date:
    """The date of ``check_rules`` / ``compute_followup``, their arguments checked."""
    guards.instance(data, Dataset, "data", guards.DATASET)
    if on is None:
        raise UsageError(
            f"on = None : il faut la date du contrôle, {call}(data, date(2024, 12, 31))"
        )
    if policy is not None:
        guards.instance(policy, PathwayPolicy, "policy", "une PathwayPolicy ou None")
    return guards.day(on, "on")
