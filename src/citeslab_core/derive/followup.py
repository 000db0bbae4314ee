"""The référent's follow-up list at a date: who to call, which partner to ask, which
pathways to close, which records to correct, and the open pathways per référent.

:func:`followup` applies the rules (:mod:`citeslab_core.derive.rules`) at a date T to the events
dated T or earlier, and groups the findings by action, most overdue first:

1. contact the person (R5);
2. ask the partner what became of the orientation (R7);
3. close the pathway as ``sans_nouvelles`` (R6);
4. correct the records (the errors: R3, R8, R10).

A person whose pathway is to be closed (R6) is not also listed under 1 and 2: after 180
days without news, the action is to close (after a last try). Events dated after T are
not errors of the list at T (the list can be replayed at a past date): they are counted and
the text says so; ``citeslab valider`` reports them (R10).

The list is rendered by :mod:`citeslab_core.render.followup` (the référent's working text,
which names people, and the JSON, ids only).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from citeslab_core.derive.pathways import referent_label
from citeslab_core.derive.rules import (
    Finding,
    Severity,
    assessed,
    checked_arguments,
    rule_number,
)
from citeslab_core.model import Dataset, PathwayPolicy
from citeslab_core.model import _views as views
from citeslab_core.vocabularies import Stage, normalize

if TYPE_CHECKING:
    from pandas import DataFrame

    from citeslab_core.model.guards import DateLike

__all__ = [
    "Action",
    "ActionGroup",
    "Caseload",
    "Contact",
    "FollowUp",
    "followup",
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
    """Who a listed person is, for the référent's own list only (never in JSON nor in a
    repr)."""

    name: str | None = attrs.field(repr=False)
    phone: str | None = attrs.field(repr=False)
    stage: Stage | None


@attrs.frozen(repr=False)
class FollowUp:
    """The follow-up list at a date (immutable).

    Displayed (``repr``, a notebook's ``_repr_html_``), it shows counts by rule and
    severity and the listed persons' ids, never a name, phone or message: a saved notebook
    carries no personal data. The names and phones are in :attr:`contacts` and in
    :meth:`to_frame` with ``private=True`` (the référent's own list, ``citeslab
    followup``)."""

    on: dt.date
    site: str
    groups: tuple[ActionGroup, ...]
    caseload: tuple[Caseload, ...]
    contacts: Mapping[str, Contact] = attrs.field(factory=dict, hash=False)
    later_events: int = 0

    def __repr__(self) -> str:
        return views.FOLLOWUP_REPR(self)

    def _repr_html_(self) -> str:
        return views.FOLLOWUP_HTML(self)

    @property
    def persons(self) -> tuple[str, ...]:
        """The ids of the listed persons, in the order of the list (each once)."""
        return tuple(dict.fromkeys(f.person for f in self.findings))

    def to_frame(self, *, private: bool = False) -> DataFrame:
        """The list as a pandas DataFrame (``citeslab[pandas]``), one row per finding in
        the order of the list: ``action``, ``regle``, ``gravite``, ``porteur``, ``date``,
        ``jours_de_retard``, ``stade``, ``message``; with ``private=True`` (the référent's
        own list, not for sharing) also ``nom`` and ``telephone``."""
        from citeslab_core.model import guards

        return views.FOLLOWUP_FRAME(self, guards.flag(private, "private"))

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding of the list, in the order of the groups."""
        return tuple(f for g in self.groups for f in g.findings)

    def group(self, action: Action) -> ActionGroup:
        """The findings that call for ``action``."""
        from citeslab_core.model import guards

        action = guards.instance(action, Action, "action", "une Action")
        return next(g for g in self.groups if g.action is action)

    @property
    def open_pathways(self) -> int:
        return sum(c.count for c in self.caseload)


def _display_name(first_name: str | None, last_name: str | None) -> str | None:
    """« Prénom Nom », either alone when the other is missing, None when both are."""
    if first_name and last_name:
        return f"{first_name} {last_name}"
    return first_name or last_name or None


def _overdue_key(finding: Finding) -> tuple[int, str, dt.date, int]:
    overdue = finding.days_overdue if finding.days_overdue is not None else -1
    return -overdue, finding.person, finding.date, rule_number(finding.rule)


def _error_key(finding: Finding) -> tuple[str, dt.date, int]:
    return finding.person, finding.date, rule_number(finding.rule)


def followup(data: Dataset, on: DateLike, policy: PathwayPolicy | None = None) -> FollowUp:
    """The follow-up list at ``on`` (a date, see :func:`~citeslab_core.bilan.compute_bilan`);
    ``policy`` overrides the site's."""
    day = checked_arguments(data, on, policy, "compute_followup")
    return _followup(data, day, policy)


def _followup(data: Dataset, on: dt.date, policy: PathwayPolicy | None) -> FollowUp:
    grouped: dict[Action, list[Finding]] = {action: [] for action in Action}
    listed: list[tuple[int, Stage | None]] = []
    load: dict[str, int] = {}
    partner_names: dict[str, str] = {}
    citeslab = 0
    later = 0
    for index, walked, findings in assessed(data, on, policy):
        current = walked.current
        if current is not None:
            referent = current.referent
            if referent is None:
                citeslab += 1
            else:
                key = normalize(referent)
                partner_names.setdefault(key, referent)
                load[key] = load.get(key, 0) + 1
        if findings:
            kept = _actionable(findings, on)
            later += sum(f.date > on for f in findings)  # R10: events after the date
            for finding in kept:
                grouped[_action_of(finding)].append(finding)
            if kept:
                listed.append((index, walked.stage))
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
    return FollowUp(on, data.site.name, groups, caseload, _contacts(data, listed), later)


def _actionable(findings: list[Finding], on: dt.date) -> list[Finding]:
    """A person's findings that the list shows: not an event after the date of the list
    (counted apart), not R5 or R7 when the pathway is to be closed (R6)."""
    closing = any(f.rule == "R6" for f in findings)
    return [f for f in findings if f.date <= on and not (closing and f.rule in ("R5", "R7"))]


def _contacts(data: Dataset, listed: list[tuple[int, Stage | None]]) -> dict[str, Contact]:
    """Who the listed persons are (index in ``data.persons``, current stage), from the
    persons' columns."""
    persons = data.columns("porteurs")
    rows = sorted({i for i, _ in listed})  # only their names are read (not 150 000)
    ids = persons["id"]
    firsts, lasts = persons.pick("first_name", rows), persons.pick("last_name", rows)
    phones = persons.pick("phone", rows)
    at = {row: k for k, row in enumerate(rows)}
    return {
        ids[i]: Contact(_display_name(firsts[at[i]], lasts[at[i]]), phones[at[i]], stage)
        for i, stage in listed
    }
