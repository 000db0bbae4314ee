"""The référent's follow-up list at a date: who to call, which partner to ask, which
pathways to close, which records to correct, and the open pathways per référent.

:func:`followup` applies the rules (:mod:`citeslab_core.rules`) at a date T to the events
dated T or earlier, and groups the findings by action, most overdue first:

1. contact the person (R5);
2. ask the partner what became of the orientation (R7);
3. close the pathway as ``sans_nouvelles`` (R6);
4. correct the records (the errors: R3, R8, R10).

A person whose pathway is to be closed (R6) is not also listed under 1 and 2: after 180
days without news, the action is to close (after a last try). Events dated after T are
not errors of the list at T (the list can be replayed at a past date): they are counted and
the text says so; ``citeslab validate`` reports them (R10).

:func:`render_text` is the référent's own working list: it shows each person's id, name
(prénom nom), phone and current stage. :func:`render_json` is the JSON of docs/commands.md,
a list of ``{"regle", "gravite", "porteur", "date", "message"}`` with ids only: no name, phone,
e-mail, address or free text.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Mapping

import attrs

from citeslab_core.model import Dataset, PathwayPolicy, Person
from citeslab_core.pathways import referent_label
from citeslab_core.rules import Finding, Severity, assess, rule_name, rule_number
from citeslab_core.vocabularies import Stage, normalize

__all__ = [
    "Action",
    "ActionGroup",
    "Caseload",
    "Contact",
    "FollowUp",
    "followup",
    "render_json",
    "render_text",
]


class Action(enum.Enum):
    """What the référent does about a finding, in the order the list shows them."""

    CONTACT = "contacter"
    ASK_PARTNER = "relancer_partenaire"
    CLOSE = "clore"
    CORRECT = "corriger"

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    Action.CONTACT: "Personnes à recontacter (règle R5)",
    Action.ASK_PARTNER: "Orientations à suivre auprès du partenaire (règle R7)",
    Action.CLOSE: "Parcours à clore « sans nouvelles » (règle R6)",
    Action.CORRECT: "Erreurs à corriger dans les suivis (règles R3, R8, R10)",
}

_ACTION_OF_RULE = {"R5": Action.CONTACT, "R7": Action.ASK_PARTNER, "R6": Action.CLOSE}


def _action_of(finding: Finding) -> Action:
    if finding.severity is Severity.ERROR:
        return Action.CORRECT
    return _ACTION_OF_RULE[finding.rule]


@attrs.frozen
class ActionGroup:
    """The findings that call for one action, most overdue first."""

    action: Action
    findings: tuple[Finding, ...]


@attrs.frozen
class Caseload:
    """How many open pathways a référent holds (``referent`` ``None``: the CitésLab)."""

    referent: str | None
    count: int

    @property
    def label(self) -> str:
        return referent_label(self.referent)


@attrs.frozen
class Contact:
    """Who a listed person is, for the référent's own list only (never in JSON)."""

    name: str | None
    phone: str | None
    stage: Stage | None


@attrs.frozen
class FollowUp:
    """The follow-up list at a date (immutable)."""

    on: dt.date
    site: str
    groups: tuple[ActionGroup, ...]
    caseload: tuple[Caseload, ...]
    contacts: Mapping[str, Contact] = attrs.field(factory=dict, hash=False)
    later_events: int = 0

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the list, in the order of the groups."""
        return tuple(f for g in self.groups for f in g.findings)

    def group(self, action: Action) -> ActionGroup:
        return next(g for g in self.groups if g.action is action)

    @property
    def open_pathways(self) -> int:
        return sum(c.count for c in self.caseload)


def _display_name(person: Person) -> str | None:
    name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return name or None


def _overdue_key(finding: Finding) -> tuple[int, str, dt.date, int]:
    overdue = finding.days_overdue if finding.days_overdue is not None else -1
    return -overdue, finding.person, finding.date, rule_number(finding.rule)


def _error_key(finding: Finding) -> tuple[str, dt.date, int]:
    return finding.person, finding.date, rule_number(finding.rule)


def followup(data: Dataset, on: dt.date, policy: PathwayPolicy | None = None) -> FollowUp:
    """The follow-up list at ``on``; ``policy`` overrides the site's."""
    return _followup(data, on, policy)


def _followup(data: Dataset, on: dt.date, policy: PathwayPolicy | None) -> FollowUp:
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


# -- rendering ----------------------------------------------------------------------------


def _count(value: int) -> str:
    from citeslab_core.french import format_count

    return format_count(value)


def _who(person: str, contact: Contact | None) -> str:
    who = [person]
    if contact is not None:
        who.append(contact.name or "(nom non renseigné)")
        who.append(contact.phone or "(pas de téléphone)")
        who.append(contact.stage.label if contact.stage else "(stade non renseigné)")
    return " · ".join(who)


def render_text(todo: FollowUp) -> str:
    """The référent's working list, in French, with names and phones (not for sharing)."""
    from citeslab_core.rules import french_date

    day = french_date(todo.on)
    lines = [f"Suivi des parcours — {todo.site} — au {day}", ""]
    lines.append(f"Parcours ouverts : {_count(todo.open_pathways)}")
    for load in todo.caseload:
        lines.append(f"  {load.label} : {_count(load.count)}")
    for group in todo.groups:
        lines += ["", f"{group.action.label} : {_count(len(group.findings))}"]
        if not group.findings:
            lines.append("  (rien à faire)")
        previous: str | None = None
        for finding in group.findings:
            if finding.person != previous:
                lines.append(f"  - {_who(finding.person, todo.contacts.get(finding.person))}")
                previous = finding.person
            if group.action is Action.CORRECT:
                name = rule_name(finding.rule)
                lines.append(f"    {name[:1].upper()}{name[1:]} : {finding.message}")
            else:
                lines.append(f"    {finding.message}")
    if todo.later_events:
        plural = todo.later_events > 1
        verb = "ne sont" if plural else "n'est"
        lines += [
            "",
            f"{_count(todo.later_events)} suivi{'s' if plural else ''} "
            f"daté{'s' if plural else ''} après le {day} "
            f"{verb} pas pris en compte "
            "(une date dans le futur est une erreur : voir citeslab validate).",
        ]
    return "\n".join(lines) + "\n"


def render_json(todo: FollowUp) -> str:
    """The JSON of docs/commands.md: a list of ``{"regle", "gravite", "porteur", "date",
    "message"}``, ids only (no identity)."""
    # What json.dumps(items, ensure_ascii=False, indent=2) writes, each string encoded by
    # json's C encoder: with an indent, json.dumps runs its pure-Python encoder, several
    # times slower on a network's 150 000 findings.
    if not todo.findings:
        return "[]\n"
    quote = _encode_string
    items = [
        f'  {{\n    "regle": {quote(f.rule)},\n    "gravite": {quote(f.severity.value)},\n'
        f'    "porteur": {quote(f.person)},\n    "date": "{f.date.isoformat()}",\n'
        f'    "message": {quote(f.message)}\n  }}'
        for f in todo.findings
    ]
    return "[\n" + ",\n".join(items) + "\n]\n"


_encode_string: Callable[[str], str] = json.encoder.encode_basestring
