"""People's pathways, derived from their events and never stored beside them.

A person's events (one row per ``suivi``, sorted by date, rows of the same date in their
input order, as :attr:`Dataset.events_by_person <citeslab_core.model.Dataset.events_by_person>`
gives them) are read in one pass, which yields:

- their **pathways** (:class:`Pathway`): opened by an ``entretien`` while none is open (R1),
  closed by a ``sortie`` (R8), reopened by a later ``entretien`` (a new pathway);
- the **référent** of each pathway at any date (R2): the CitésLab from the opening (R1),
  then the partner named by a ``passage_relais`` (R4: an orientation does not change it);
- the **stage** at any date: the stage at entry, then each ``changement_stade``, and R9: a
  ``sortie`` with result ``creation`` means ``en_activite`` from that date;
- the events that cannot be placed, as :class:`Oddity` values, which the rules
  (:mod:`citeslab_core.rules`) report as errors.

Odd histories stay well defined. An event that is not inside an open pathway (before the
person's first ``entretien``, or after a ``sortie`` and before the ``entretien`` that
reopens) is *set aside*: it changes nothing (no stage, no référent, no contact, no closing)
and is reported (R10 before the first ``entretien``, R8 after a ``sortie``). Rows of the
same day are not ordered by people who type them, so an event dated on the day of an
``entretien`` that opens a pathway belongs to that pathway even when its row comes first
(unless a ``sortie`` of that day stands between them). A ``passage_relais`` without a
prior orientation to the same partner (R3) still hands the role over, as the record says,
and is reported. A ``passage_relais`` to « CitésLab » hands the role back to the CitésLab.

Partner names are compared like vocabulary values (case, accents and separators ignored):
« France Travail » and « france-travail » are the same partner.

In this module the CitésLab as référent is written ``None`` and a partner as its name.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence

import attrs

from citeslab_core._twins import record_maker
from citeslab_core.model import Event, Person
from citeslab_core.vocabularies import EventType, ExitResult, Stage, normalize

__all__ = [
    "CITESLAB",
    "Oddity",
    "OddityKind",
    "Pathway",
    "PersonHistory",
    "PersonState",
    "derive",
    "pathways_of",
    "referent_label",
    "state_on",
]

#: The CitésLab as référent (R1): the référent fields hold ``None`` for it.
CITESLAB: None = None

_CITESLAB_KEY = normalize("CitésLab")

_ENTRETIEN = EventType.ENTRETIEN
_POINT_ETAPE = EventType.POINT_ETAPE
_ORIENTATION = EventType.ORIENTATION
_RELAIS = EventType.PASSAGE_RELAIS
_SORTIE = EventType.SORTIE
_STAGE = EventType.CHANGEMENT_STADE


def referent_label(referent: str | None) -> str:
    """The référent as a person reads it: « CitésLab » or the partner's name."""
    return "CitésLab" if referent is None else referent


def _date_of(event: Event) -> dt.date:
    return event.date


@attrs.frozen(weakref_slot=False)
class Pathway:
    """One pathway of a person: from the ``entretien`` that opens it to its ``sortie``.

    :attr:`referents` is the history of the référent role: ``(from_date, référent)`` pairs
    in date order, the first being ``(opened, None)`` (the CitésLab, R1). :attr:`events`
    are the pathway's own events, in order, the opening ``entretien`` first and the closing
    ``sortie`` last.
    """

    person: str
    opened: dt.date
    closed: dt.date | None
    result: ExitResult | None
    referents: tuple[tuple[dt.date, str | None], ...]
    events: tuple[Event, ...]

    @property
    def is_closed(self) -> bool:
        return self.closed is not None

    def is_open_on(self, on: dt.date) -> bool:
        """Open on that date: opened on or before it, not closed on or before it."""
        return self.opened <= on and (self.closed is None or on < self.closed)

    def referent_on(self, on: dt.date) -> str | None:
        """The référent at the end of that day (``None`` is the CitésLab).

        Raises :class:`ValueError` when the pathway is not open on that date.
        """
        if not self.is_open_on(on):
            raise ValueError(f"le parcours n'est pas ouvert le {on.isoformat()}")
        current: str | None = None
        for since, referent in self.referents:
            if since > on:
                break
            current = referent
        return current

    @property
    def referent(self) -> str | None:
        """The last référent of the pathway (``None`` is the CitésLab)."""
        return self.referents[-1][1]

    @property
    def last_event(self) -> dt.date:
        return self.events[-1].date

    @property
    def last_contact(self) -> dt.date:
        """The date of the last ``entretien`` or ``point_etape`` (the opening one at least)."""
        for event in reversed(self.events):
            if event.type is _ENTRETIEN or event.type is _POINT_ETAPE:
                return event.date
        return self.opened  # not reached: a pathway opens with an entretien

    @property
    def awaiting_news(self) -> tuple[Event, ...]:
        """Orientations with no later news: those dated on or after the pathway's last event
        of another type (R7). Same-day rows count as simultaneous."""
        found: list[Event] = []
        other_day: dt.date | None = None
        for event in reversed(self.events):
            if other_day is not None and event.date < other_day:
                break
            if event.type is _ORIENTATION:
                found.append(event)
            elif other_day is None:
                other_day = event.date
        found.reverse()
        return tuple(found)


class OddityKind(enum.Enum):
    """Why an event breaks the référent rules."""

    BEFORE_FIRST_ENTRETIEN = "R10"
    AFTER_SORTIE = "R8"
    RELAIS_WITHOUT_ORIENTATION = "R3"

    @property
    def rule(self) -> str:
        return str(self.value)


@attrs.frozen
class Oddity:
    """An event that breaks a rule. ``related`` is the date that explains it: the person's
    first ``entretien`` (R10, ``None`` if there is none), the ``sortie`` that closed the
    pathway (R8); ``None`` for R3."""

    kind: OddityKind
    event: Event
    related: dt.date | None = None


@attrs.frozen(weakref_slot=False)
class PersonState:
    """A person's situation at the end of a date, from their events dated on or before it.

    ``opened``, ``closed``, ``result``, ``referents``, ``last_contact``, ``last_event`` are
    those of the current pathway, or of the last one when none is open (``None`` when the
    person has no pathway yet). ``referent`` and ``awaiting_news`` only make sense while a
    pathway is open: otherwise they are ``None`` and empty.
    """

    person: str
    on: dt.date
    open: bool
    pathways: int
    opened: dt.date | None
    closed: dt.date | None
    result: ExitResult | None
    stage: Stage | None
    stage_since: dt.date | None
    referent: str | None
    referent_since: dt.date | None
    referents: tuple[tuple[dt.date, str | None], ...]
    last_contact: dt.date | None
    last_event: dt.date | None
    awaiting_news: tuple[Event, ...]

    @property
    def citeslab_is_referent(self) -> bool:
        """An open pathway whose référent is the CitésLab (R5 applies)."""
        return self.open and self.referent is None


@attrs.frozen(weakref_slot=False)
class PersonHistory:
    """Everything one pass over a person's events derives.

    ``on`` is the date of the view: events dated after it are in :attr:`later` and count
    for nothing else (``None``: every event counts).
    """

    person: str
    on: dt.date | None
    pathways: tuple[Pathway, ...]
    stage: Stage | None
    stage_since: dt.date | None
    oddities: tuple[Oddity, ...]
    later: tuple[Event, ...]

    @property
    def current(self) -> Pathway | None:
        """The open pathway, if any."""
        if self.pathways and self.pathways[-1].closed is None:
            return self.pathways[-1]
        return None

    def state(self, on: dt.date | None = None) -> PersonState:
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
            return _make_state(
                self.person, day, False, 0, None, None, None, self.stage, self.stage_since,
                None, None, (), None, None, (),
            )  # fmt: skip
        return _make_state(
            self.person,
            day,
            is_open,
            len(self.pathways),
            last.opened,
            last.closed,
            last.result,
            self.stage,
            self.stage_since,
            referent,
            referent_since,
            last.referents,
            last.last_contact,
            last.last_event,
            last.awaiting_news if is_open else (),
        )


# Positional constructors of the records derived for every person (a network has 150 000).
_make_pathway = record_maker(Pathway)
_make_state = record_maker(PersonState)
_make_history = record_maker(PersonHistory)


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
        return _make_pathway(
            person, self.opened, closed, result, tuple(self.referents), tuple(self.events)
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
    return _make_history(
        person,
        on,
        tuple(pathways),
        stage,
        stage_since,
        tuple(oddities) if oddities else (),
        tuple(events[end:]) if end < len(events) else (),
    )


def _oddity_date(oddity: Oddity) -> dt.date:
    return oddity.event.date


def _settle_relays(unchecked: list[tuple[Event, str, set[str]]], oddities: list[Oddity]) -> None:
    for event, key, oriented in unchecked:
        if key not in oriented:
            oddities.append(Oddity(OddityKind.RELAIS_WITHOUT_ORIENTATION, event))
    unchecked.clear()


def pathways_of(events: Sequence[Event]) -> tuple[Pathway, ...]:
    """A person's pathways, from all their events (any order of rows across dates)."""
    if not events:
        return ()
    return derive(events[0].person, events).pathways


def state_on(person: Person, events: Sequence[Event], on: dt.date) -> PersonState:
    """A person's state at the end of ``on``, from their events dated on or before it."""
    return derive(person.id, events, on=on, stage_at_entry=person.stage_at_entry).state()
