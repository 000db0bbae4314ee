"""The référent's follow-up list (:class:`~citeslab_core.derive.followup.FollowUp`) as text and JSON
(``citeslab suivi``).

:func:`render_text` is the référent's own working list: it shows each person's id, name
(prénom nom), phone and current stage, never for sharing. :func:`render_json` is the JSON of
docs/commands.md, a list of ``{"regle", "gravite", "porteur", "date", "message"}`` with ids
only: no name, phone, e-mail, address or free text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from citeslab_core.derive.followup import Action, Contact, FollowUp
from citeslab_core.derive.rules import Finding, rule_name
from citeslab_core.french import format_count, format_day, typeset
from citeslab_core.model import _views as views
from citeslab_core.render.lines import wrap
from citeslab_core.vocabularies import Stage

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["followup_frame", "json_parts", "render_json", "render_text"]


def _who(person: str, contact: Contact | None) -> str:
    who = [person]
    if contact is not None:
        who.append(contact.name or "(nom non renseigné)")
        who.append(contact.phone or "(pas de téléphone)")
        who.append(contact.stage.label if contact.stage else "(stade non renseigné)")
    return " · ".join(who)


def render_text(todo: FollowUp, *, today: dt.date | None = None) -> str:
    """The référent's working list, in French, with names and phones (not for sharing);
    ``today`` (by default the system's) tells a list of a past date, whose later events
    are no mistakes, from today's, whose later events are dated in the future. In French typography
    (:func:`~citeslab_core.french.typeset`)."""
    day = format_day(todo.on)
    lines = [f"Suivi des parcours — {todo.site} — au {day}", ""]
    lines.append(f"Parcours ouverts : {format_count(todo.open_pathways)}")
    for load in todo.caseload:
        lines.append(f"  {load.label} : {format_count(load.count)}")
    for group in todo.groups:
        lines += ["", f"{group.action.label} : {format_count(len(group.findings))}"]
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
        future = todo.on >= (today or dt.date.today())
        lines += ["", _later_events(todo.later_events, day, future=future)]
    return wrap(typeset("\n".join(lines))) + "\n"


def _later_events(count: int, day: str, *, future: bool) -> str:
    """The line that says how many events after the list's date were left out: after a
    date chosen in the past they are no mistakes; after today, they are dated in the
    future, which ``citeslab valider`` reports as errors."""
    plural = count > 1
    verb = "ne sont" if plural else "n'est"
    counted = f"{format_count(count)} suivi{'s' if plural else ''} daté{'s' if plural else ''}"
    if future:
        return (
            f"{counted} après aujourd'hui (le {day}) {verb} pas pris en compte : une date dans "
            "le futur est une erreur de saisie, que `citeslab valider` signale."
        )
    return f"{counted} après la date choisie (le {day}) {verb} pas pris en compte dans cette liste."


def render_json(todo: FollowUp) -> str:
    """The JSON of docs/commands.md: a list of ``{"regle", "gravite", "porteur", "date",
    "message"}``, ids only (no identity)."""
    return "".join(json_parts(todo))


def json_parts(todo: FollowUp, size: int = 5_000) -> Iterator[str]:
    """:func:`render_json`'s text in consecutive parts of ``size`` findings, so that the
    list of a network (150 000 findings, 30 MB of JSON) is written without being held
    whole."""
    # What json.dumps(items, ensure_ascii=False, indent=2) writes, each string encoded by
    # json's C encoder: with an indent, json.dumps runs its pure-Python encoder, several
    # times slower on a network's 150 000 findings.
    findings = todo.findings
    if not findings:
        yield "[]\n"
        return
    quote = _encode_string
    for start in range(0, len(findings), size):
        items = [
            f'  {{\n    "regle": {quote(f.rule)},\n    "gravite": {quote(f.severity.value)},\n'
            f'    "porteur": {quote(f.person)},\n    "date": "{f.date.isoformat()}",\n'
            f'    "message": {quote(f.message)}\n  }}'
            for f in findings[start : start + size]
        ]
        yield ("[\n" if not start else ",\n") + ",\n".join(items)
    yield "\n]\n"


_encode_string: Callable[[str], str] = json.encoder.encode_basestring


@views.FOLLOWUP_FRAME.register
def followup_frame(todo: FollowUp, private: bool) -> DataFrame:
    """See :meth:`FollowUp.to_frame <citeslab_core.derive.followup.FollowUp.to_frame>`:
    one row per finding, in the order of the list; names and phones only if ``private``."""
    from citeslab_core.bilan.checks import Severity
    from citeslab_core.render._dataset_frame import categorical, datetimes
    from citeslab_core.render.frames import import_pandas

    pd = import_pandas()
    actions: list[Action] = []
    findings: list[Finding] = []
    for group in todo.groups:
        actions += [group.action] * len(group.findings)
        findings += group.findings
    contacts = [todo.contacts.get(f.person) for f in findings]
    columns: dict[str, object] = {
        "action": categorical(pd, Action, actions, False),
        "regle": pd.array([f.rule for f in findings], dtype="string"),
        "gravite": categorical(pd, Severity, [f.severity for f in findings], False),
        "porteur": pd.array([f.person for f in findings], dtype="string"),
        "date": datetimes(pd, [f.date for f in findings]),
        "jours_de_retard": pd.array([f.days_overdue for f in findings], dtype="Int64"),
        "stade": categorical(pd, Stage, [c.stage if c else None for c in contacts], False),
        "message": pd.array([f.message for f in findings], dtype="string"),
    }
    if private:
        columns["nom"] = pd.array([c.name if c else None for c in contacts], dtype="string")
        columns["telephone"] = pd.array([c.phone if c else None for c in contacts], dtype="string")
    frame: DataFrame = pd.DataFrame(columns, index=pd.RangeIndex(len(findings)))
    return frame
