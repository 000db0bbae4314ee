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
  (:mod:`citeslab_core.derive.rules`) report as errors.

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

The pass is written once, by index (:func:`walk`): it reads a track (events sorted
by person, date and row, as parallel columns) from one position to another and builds no
record. A dataset's track is its columns permuted once (:mod:`citeslab_core.derive._grouping`), so
the rules and the follow-up list over 150 000 persons build only the records that leave in
a result; the functions that take records (:func:`derive`, :func:`pathways_of`,
:func:`state_on`) make a track of them and run the same pass.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator, Sequence
from typing import NamedTuple, Protocol

import attrs

from citeslab_core.derive._grouping import event_groups
from citeslab_core.derive._track import Track, _awaiting, _last_contact
from citeslab_core.model import Dataset, Event, Person
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
        return _last_contact(Track.of_events(self.events, presorted=True), 0, len(self.events))

    @property
    def awaiting_news(self) -> tuple[Event, ...]:
        """Orientations with no later news: those dated on or after the pathway's last event
        of another type (R7). Same-day rows count as simultaneous."""
        track = Track.of_events(self.events, presorted=True)
        return tuple(map(self.events.__getitem__, _awaiting(track, 0, len(self.events))))


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
        return _state(
            self.person,
            day,
            pathways=len(self.pathways),
            stage=self.stage,
            stage_since=self.stage_since,
            last=self.pathways[-1] if self.pathways else None,
        )


class _PathwayFacts(Protocol):
    """What a person's state reads of their last pathway (a :class:`Pathway` or a
    :class:`Span`)."""

    @property
    def opened(self) -> dt.date: ...
    @property
    def closed(self) -> dt.date | None: ...
    @property
    def result(self) -> ExitResult | None: ...
    @property
    def referents(self) -> Sequence[tuple[dt.date, str | None]]: ...
    @property
    def last_contact(self) -> dt.date: ...
    @property
    def last_event(self) -> dt.date: ...
    @property
    def awaiting_news(self) -> tuple[Event, ...]: ...


def _state(
    person: str,
    on: dt.date,
    *,
    pathways: int,
    stage: Stage | None,
    stage_since: dt.date | None,
    last: _PathwayFacts | None,
) -> PersonState:
    """The one builder of :class:`PersonState`, from the person's last pathway."""
    if last is None:
        return PersonState(
            person=person, on=on, open=False, pathways=0, opened=None, closed=None,
            result=None, stage=stage, stage_since=stage_since, referent=None,
            referent_since=None, referents=(), last_contact=None, last_event=None,
            awaiting_news=(),
        )  # fmt: skip
    is_open = last.closed is None
    referent_since, referent = last.referents[-1] if is_open else (None, None)
    return PersonState(
        person=person,
        on=on,
        open=is_open,
        pathways=pathways,
        opened=last.opened,
        closed=last.closed,
        result=last.result,
        stage=stage,
        stage_since=stage_since,
        referent=referent,
        referent_since=referent_since,
        referents=tuple(last.referents),
        last_contact=last.last_contact,
        last_event=last.last_event,
        awaiting_news=last.awaiting_news if is_open else (),
    )


# -- the one pass, by index ---------------------------------------------------------------


class Span:
    """A pathway being read, then read: the track's positions ``first`` to ``stop - 1``."""

    __slots__ = (
        "closed",
        "first",
        "opened",
        "oriented",
        "referent_key",
        "referents",
        "result",
        "stop",
        "track",
    )
    track: Track
    first: int
    stop: int
    opened: dt.date
    referent_key: str

    def __init__(self, track: Track, first: int, opened: dt.date) -> None:
        self.track = track
        self.first = first
        self.stop = first + 1
        self.opened = opened
        self.closed: dt.date | None = None
        self.result: ExitResult | None = None
        self.referents: list[tuple[dt.date, str | None]] = [(opened, None)]
        self.referent_key = _CITESLAB_KEY
        #: Partners oriented to in the pathway, normalised (made at the first orientation).
        self.oriented: set[str] | None = None

    @property
    def referent(self) -> str | None:
        """The last référent (``None`` is the CitésLab)."""
        return self.referents[-1][1]

    @property
    def last_event(self) -> dt.date:
        return self.track.dates[self.stop - 1]

    @property
    def last_contact(self) -> dt.date:
        return _last_contact(self.track, self.first, self.stop)

    @property
    def awaiting(self) -> list[int]:
        """The positions of the orientations awaiting news (R7)."""
        return _awaiting(self.track, self.first, self.stop)

    @property
    def awaiting_news(self) -> tuple[Event, ...]:
        return tuple(map(self.track.record, self.awaiting))

    def pathway(self, person: str) -> Pathway:
        return Pathway(
            person=person,
            opened=self.opened,
            closed=self.closed,
            result=self.result,
            referents=tuple(self.referents),
            events=tuple(map(self.track.record, range(self.first, self.stop))),
        )


class OddityAt(NamedTuple):
    """An :class:`Oddity` by index: the event is the track's position."""

    kind: OddityKind
    position: int
    related: dt.date | None


class Walk:
    """What one pass over a person's positions derives: their pathways (:attr:`spans`),
    stage, oddities, and the positions from :attr:`end` to :attr:`stop` ``- 1``, dated
    after the view's date (later events, which count for nothing else)."""

    __slots__ = ("end", "oddities", "spans", "stage", "stage_since", "stop", "track")
    track: Track
    end: int
    stop: int
    stage: Stage | None

    def __init__(self, track: Track, end: int, stop: int, stage: Stage | None) -> None:
        self.track = track
        self.end = end
        self.stop = stop
        self.spans: list[Span] = []
        self.stage = stage
        self.stage_since: dt.date | None = None
        self.oddities: list[OddityAt] = []

    @property
    def current(self) -> Span | None:
        """The open pathway, if any."""
        spans = self.spans
        return spans[-1] if spans and spans[-1].closed is None else None

    def state(self, person: str, on: dt.date) -> PersonState:
        return _state(
            person,
            on,
            pathways=len(self.spans),
            stage=self.stage,
            stage_since=self.stage_since,
            last=self.spans[-1] if self.spans else None,
        )

    def history(self, person: str, on: dt.date | None) -> PersonHistory:
        record = self.track.record
        return PersonHistory(
            person=person,
            on=on,
            pathways=tuple(span.pathway(person) for span in self.spans),
            stage=self.stage,
            stage_since=self.stage_since,
            oddities=tuple(Oddity(o.kind, record(o.position), o.related) for o in self.oddities),
            later=tuple(map(record, range(self.end, self.stop))),
        )


def _entretien_later_today(track: Track, index: int, end: int) -> bool:
    """Whether an ``entretien`` follows position ``index`` on the same day, no ``sortie``
    between."""
    dates, types = track.dates, track.types
    day = dates[index]
    for j in range(index + 1, end):
        kind = types[j]
        if dates[j] != day or kind is _SORTIE:
            return False
        if kind is _ENTRETIEN:
            return True
    return False


def walk(
    track: Track, first: int, stop: int, *, on: dt.date | None = None, stage: Stage | None = None
) -> Walk:
    """One pass over positions ``first`` to ``stop - 1`` of ``track`` (one person's
    events): pathways, stage and oddities as of ``on``, starting from ``stage`` (the stage
    at entry)."""
    dates, types = track.dates, track.types
    end = stop
    if on is not None:
        while end > first and dates[end - 1] > on:
            end -= 1
    result = Walk(track, end, stop, stage)
    oddities = result.oddities
    current: Span | None = None
    last_sortie: dt.date | None = None
    before_first: list[int] = []
    # R3: relays without a prior orientation, checked when their day is over (an
    # orientation typed in a later row of the same day counts).
    unchecked: list[tuple[int, str, Span]] = []
    day: dt.date | None = None
    for i in range(first, end):
        date = dates[i]
        if date != day:
            if unchecked:
                _settle_relays(unchecked, oddities)
            day = date
        kind = types[i]
        if current is None:
            if kind is _ENTRETIEN or (
                kind is not _SORTIE and _entretien_later_today(track, i, end)
            ):
                current = Span(track, i, date)
                result.spans.append(current)
            elif last_sortie is None:
                before_first.append(i)
                continue
            else:
                oddities.append(OddityAt(OddityKind.AFTER_SORTIE, i, last_sortie))
                continue
        current.stop = i + 1
        if kind is _ENTRETIEN or kind is _POINT_ETAPE:
            continue
        if kind is _SORTIE:
            _close(result, current, i)
            current, last_sortie = None, date
        else:
            _take(result, current, i, kind, unchecked)
    if unchecked:
        _settle_relays(unchecked, oddities)
    _finish_oddities(result, before_first)
    return result


def _take(
    result: Walk, span: Span, i: int, kind: EventType, unchecked: list[tuple[int, str, Span]]
) -> None:
    """An orientation, a relay or a change of stage at position ``i`` of an open pathway."""
    track = result.track
    if kind is _ORIENTATION:
        partner = track.partners[i]
        if partner:
            if span.oriented is None:
                span.oriented = set()
            span.oriented.add(normalize(partner))
    elif kind is _RELAIS:
        name = track.partners[i] or ""
        key = normalize(name)
        if key != span.referent_key:
            span.referent_key = key
            span.referents.append((track.dates[i], None if key == _CITESLAB_KEY else name))
        if key != _CITESLAB_KEY and (span.oriented is None or key not in span.oriented):
            unchecked.append((i, key, span))
    elif kind is _STAGE:
        stage = track.stages[i]
        if stage is not None:
            result.stage, result.stage_since = stage, track.dates[i]


def _close(result: Walk, span: Span, i: int) -> None:
    """The ``sortie`` at position ``i`` closes the pathway (R8); a creation means
    ``en_activite`` from its date (R9)."""
    track = result.track
    span.closed = track.dates[i]
    span.result = track.results[i]
    if span.result is ExitResult.CREATION:
        result.stage, result.stage_since = Stage.EN_ACTIVITE, span.closed


def _settle_relays(unchecked: list[tuple[int, str, Span]], oddities: list[OddityAt]) -> None:
    for position, key, span in unchecked:
        if span.oriented is None or key not in span.oriented:
            oddities.append(OddityAt(OddityKind.RELAIS_WITHOUT_ORIENTATION, position, None))
    unchecked.clear()


def _finish_oddities(result: Walk, before_first: list[int]) -> None:
    """The events before the first entretien first (R10), then all by date (stably)."""
    oddities = result.oddities
    if before_first:
        first = result.spans[0].opened if result.spans else None
        kind = OddityKind.BEFORE_FIRST_ENTRETIEN
        oddities[:0] = [OddityAt(kind, i, first) for i in before_first]
    if len(oddities) > 1:
        dates = result.track.dates
        oddities.sort(key=lambda oddity: dates[oddity.position])


def walks(data: Dataset, on: dt.date | None = None) -> Iterator[Walk]:
    """One :class:`Walk` per person of ``data``, in the order of ``data.persons``, from the
    dataset's columns (no record built)."""
    track = Track.of_dataset(data)
    starts = event_groups(data).starts
    stages = data.columns("porteurs")["stage_at_entry"]
    for index, stage in enumerate(stages):
        yield walk(track, starts[index], starts[index + 1], on=on, stage=stage)


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
    track = Track.of_events(events, presorted=presorted)
    return walk(track, 0, len(events), on=on, stage=stage_at_entry).history(person, on)


def pathways_of(events: Sequence[Event]) -> tuple[Pathway, ...]:
    """A person's pathways, from all their events (any order of rows across dates)."""
    if not events:
        return ()
    return derive(events[0].person, events).pathways


def state_on(person: Person, events: Sequence[Event], on: dt.date) -> PersonState:
    """A person's state at the end of ``on``, from their events dated on or before it."""
    track = Track.of_events(events)
    return walk(track, 0, len(events), on=on, stage=person.stage_at_entry).state(person.id, on)
