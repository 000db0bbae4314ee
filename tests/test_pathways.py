"""Pathways, stages and référents derived from a person's events (docs/referent-rules.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.derive.pathways import (
    OddityKind,
    Pathway,
    derive,
    pathways_of,
    referent_label,
    state_on,
)
from citeslab_core.model import Event, Person
from citeslab_core.vocabularies import EventType, ExitResult, OrientationCategory, Stage
from strategies import messy_histories

D = dt.date
ENTRETIEN = EventType.ENTRETIEN
POINT = EventType.POINT_ETAPE


def ev(day: dt.date, kind: EventType, *, person: str = "P1", **fields: object) -> Event:
    """An event with the columns its type needs filled with plausible values."""
    if kind is EventType.ORIENTATION:
        fields.setdefault("category", OrientationCategory.CREATION)
    if kind is EventType.SORTIE:
        fields.setdefault("result", ExitResult.POURSUITE)
    return Event(person, day, kind, **fields)  # type: ignore[arg-type]


def orientation(day: dt.date, partner: str) -> Event:
    return ev(day, EventType.ORIENTATION, partner=partner)


def relay(day: dt.date, partner: str) -> Event:
    return ev(day, EventType.PASSAGE_RELAIS, partner=partner)


def exit_(day: dt.date, result: ExitResult = ExitResult.POURSUITE) -> Event:
    return ev(day, EventType.SORTIE, result=result)


PERSON = Person("P1", stage_at_entry=Stage.INTENTIONNISTE)


# -- examples -----------------------------------------------------------------------------


def test_a_pathway_closes_and_reopens_with_its_referent_history() -> None:
    events = [
        ev(D(2023, 1, 10), ENTRETIEN),
        orientation(D(2023, 2, 1), "BGE"),
        relay(D(2023, 3, 1), "BGE"),
        exit_(D(2023, 6, 30), ExitResult.POURSUITE),
        ev(D(2023, 9, 4), ENTRETIEN),
        ev(D(2023, 10, 2), POINT),
    ]
    first, second = pathways_of(events)
    assert (first.opened, first.closed, first.result) == (
        D(2023, 1, 10),
        D(2023, 6, 30),
        ExitResult.POURSUITE,
    )
    assert first.referents == ((D(2023, 1, 10), None), (D(2023, 3, 1), "BGE"))
    assert first.events == tuple(events[:4])
    assert (second.opened, second.closed, second.result) == (D(2023, 9, 4), None, None)
    assert second.referents == ((D(2023, 9, 4), None),)
    assert second.last_contact == D(2023, 10, 2)

    before = state_on(PERSON, events, D(2023, 1, 9))
    assert (before.open, before.pathways, before.opened) == (False, 0, None)
    assert before.stage is Stage.INTENTIONNISTE

    opening = state_on(PERSON, events, D(2023, 1, 10))
    assert (opening.open, opening.referent, opening.referent_since) == (
        True,
        None,
        D(2023, 1, 10),
    )
    assert opening.citeslab_is_referent

    oriented = state_on(PERSON, events, D(2023, 2, 15))  # R4: an orientation keeps the role
    assert oriented.referent is None
    assert oriented.awaiting_news == (events[1],)
    assert oriented.last_contact == D(2023, 1, 10)
    assert oriented.last_event == D(2023, 2, 1)

    relayed = state_on(PERSON, events, D(2023, 3, 1))
    assert (relayed.referent, relayed.referent_since) == ("BGE", D(2023, 3, 1))
    assert not relayed.citeslab_is_referent
    assert relayed.awaiting_news == ()

    closed = state_on(PERSON, events, D(2023, 6, 30))
    assert (closed.open, closed.closed, closed.result) == (
        False,
        D(2023, 6, 30),
        ExitResult.POURSUITE,
    )
    assert closed.referent is None

    reopened = state_on(PERSON, events, D(2023, 9, 4))
    assert (reopened.open, reopened.pathways, reopened.opened) == (True, 2, D(2023, 9, 4))
    assert reopened.referent is None  # the CitésLab again (R1)
    assert reopened.last_contact == D(2023, 9, 4)


def test_r9_a_creation_exit_means_en_activite_from_that_date() -> None:
    events = [
        ev(D(2023, 1, 10), ENTRETIEN),
        ev(D(2023, 3, 1), EventType.CHANGEMENT_STADE, stage=Stage.EN_DEVENIR),
        exit_(D(2023, 8, 1), ExitResult.CREATION),
    ]
    assert state_on(PERSON, events, D(2023, 2, 28)).stage is Stage.INTENTIONNISTE
    during = state_on(PERSON, events, D(2023, 7, 31))
    assert (during.stage, during.stage_since) == (Stage.EN_DEVENIR, D(2023, 3, 1))
    after = state_on(PERSON, events, D(2023, 8, 1))
    assert (after.stage, after.stage_since) == (Stage.EN_ACTIVITE, D(2023, 8, 1))
    # Other exit results leave the stage as it was.
    other = [*events[:2], exit_(D(2023, 8, 1), ExitResult.EMPLOI_FORMATION)]
    assert state_on(PERSON, other, D(2023, 9, 1)).stage is Stage.EN_DEVENIR


def test_a_person_may_move_back_a_stage() -> None:
    person = Person("P1", stage_at_entry=Stage.EN_DEVENIR)
    events = [
        ev(D(2023, 1, 10), ENTRETIEN),
        ev(D(2023, 3, 1), EventType.CHANGEMENT_STADE, stage=Stage.INTENTIONNISTE),
    ]
    assert state_on(person, events, D(2023, 2, 1)).stage is Stage.EN_DEVENIR
    assert state_on(person, events, D(2023, 3, 1)).stage is Stage.INTENTIONNISTE


def test_events_outside_a_pathway_change_nothing_and_are_reported() -> None:
    events = [
        ev(D(2023, 1, 2), EventType.CHANGEMENT_STADE, stage=Stage.EN_ACTIVITE),  # before
        ev(D(2023, 1, 10), ENTRETIEN),
        exit_(D(2023, 4, 1)),
        ev(D(2023, 5, 1), POINT),  # after the sortie, no reopening
        ev(D(2023, 5, 2), EventType.CHANGEMENT_STADE, stage=Stage.EN_DEVENIR),
        exit_(D(2023, 5, 3)),  # a second sortie
    ]
    history = derive("P1", events, stage_at_entry=Stage.INTENTIONNISTE)
    assert len(history.pathways) == 1
    assert history.pathways[0].closed == D(2023, 4, 1)
    assert history.stage is Stage.INTENTIONNISTE
    assert [(o.kind, o.event, o.related) for o in history.oddities] == [
        (OddityKind.BEFORE_FIRST_ENTRETIEN, events[0], D(2023, 1, 10)),
        (OddityKind.AFTER_SORTIE, events[3], D(2023, 4, 1)),
        (OddityKind.AFTER_SORTIE, events[4], D(2023, 4, 1)),
        (OddityKind.AFTER_SORTIE, events[5], D(2023, 4, 1)),
    ]
    state = history.state(D(2023, 6, 1))
    assert (state.open, state.last_contact, state.last_event) == (
        False,
        D(2023, 1, 10),
        D(2023, 4, 1),
    )


def test_a_person_without_entretien_has_no_pathway() -> None:
    events = [ev(D(2023, 1, 2), POINT), orientation(D(2023, 1, 3), "ADIE")]
    history = derive("P1", events)
    assert history.pathways == ()
    assert [(o.kind, o.related) for o in history.oddities] == [
        (OddityKind.BEFORE_FIRST_ENTRETIEN, None),
        (OddityKind.BEFORE_FIRST_ENTRETIEN, None),
    ]
    state = state_on(PERSON, events, D(2023, 6, 1))
    assert (state.open, state.pathways, state.awaiting_news) == (False, 0, ())


def test_rows_of_the_opening_day_belong_to_the_pathway_in_any_row_order() -> None:
    day = D(2023, 1, 10)
    events = [orientation(day, "BGE"), ev(day, ENTRETIEN)]
    history = derive("P1", events)
    assert history.oddities == ()
    (pathway,) = history.pathways
    assert (pathway.opened, pathway.events) == (day, tuple(events))
    assert pathway.awaiting_news == (events[0],)


def test_a_sortie_between_same_day_rows_keeps_them_apart() -> None:
    day = D(2023, 5, 1)
    events = [ev(D(2023, 1, 10), ENTRETIEN), exit_(day), ev(day, POINT), ev(day, ENTRETIEN)]
    history = derive("P1", events)
    # The point d'étape comes after the sortie and before the reopening entretien of the
    # same day: a sortie between them keeps it out of the closed pathway.
    assert [p.opened for p in history.pathways] == [D(2023, 1, 10), day]
    assert history.pathways[1].events == (events[2], events[3])
    assert history.oddities == ()


def test_orientations_awaiting_news() -> None:
    opening = ev(D(2023, 1, 10), ENTRETIEN)
    bge, adie = orientation(D(2023, 1, 10), "BGE"), orientation(D(2023, 2, 1), "ADIE")
    (pathway,) = pathways_of([opening, bge, adie])
    assert pathway.awaiting_news == (bge, adie)  # no news of either since
    (pathway,) = pathways_of([opening, bge, adie, ev(D(2023, 2, 20), POINT)])
    assert pathway.awaiting_news == ()
    # A point d'étape and an orientation on the same day: the orientation waits, in
    # whichever row order they were typed.
    day = D(2023, 3, 1)
    for rows in (
        [ev(day, POINT), orientation(day, "ADIE")],
        [orientation(day, "ADIE"), ev(day, POINT)],
    ):
        (pathway,) = pathways_of([opening, bge, *rows])
        assert pathway.awaiting_news == (orientation(day, "ADIE"),)


def test_relay_to_partner_and_back_to_citeslab() -> None:
    events = [
        ev(D(2023, 1, 10), ENTRETIEN),
        orientation(D(2023, 1, 20), "France Travail"),
        relay(D(2023, 2, 1), "france-travail"),  # same partner, spelt otherwise
        relay(D(2023, 2, 15), "France Travail"),  # already référent: no new entry
        relay(D(2023, 4, 1), "Citéslab"),  # the role comes back
    ]
    history = derive("P1", events)
    (pathway,) = history.pathways
    assert history.oddities == ()
    assert pathway.referents == (
        (D(2023, 1, 10), None),
        (D(2023, 2, 1), "france-travail"),
        (D(2023, 4, 1), None),
    )
    assert pathway.referent_on(D(2023, 3, 31)) == "france-travail"
    assert pathway.referent_on(D(2023, 4, 1)) is None
    assert referent_label(pathway.referent_on(D(2023, 3, 1))) == "france-travail"
    assert referent_label(None) == "CitésLab"


def test_a_relay_without_orientation_still_hands_over_and_is_reported() -> None:
    events = [ev(D(2023, 1, 10), ENTRETIEN), relay(D(2023, 2, 1), "ADIE")]
    history = derive("P1", events)
    assert [(o.kind, o.event) for o in history.oddities] == [
        (OddityKind.RELAIS_WITHOUT_ORIENTATION, events[1])
    ]
    assert history.state(D(2023, 3, 1)).referent == "ADIE"


def test_referent_on_refuses_a_date_outside_the_pathway() -> None:
    (pathway,) = pathways_of([ev(D(2023, 1, 10), ENTRETIEN), exit_(D(2023, 2, 1))])
    assert pathway.referent_on(D(2023, 1, 31)) is None
    for day in (D(2023, 1, 9), D(2023, 2, 1)):
        with pytest.raises(ValueError, match="pas ouvert"):
            pathway.referent_on(day)


def test_events_after_the_view_date_count_for_nothing() -> None:
    events = [ev(D(2023, 1, 10), ENTRETIEN), exit_(D(2023, 5, 1), ExitResult.CREATION)]
    history = derive("P1", events, on=D(2023, 4, 30), stage_at_entry=Stage.EN_DEVENIR)
    assert history.later == (events[1],)
    assert history.current is not None
    assert history.stage is Stage.EN_DEVENIR


# -- properties ---------------------------------------------------------------------------


def _sample_days(events: Sequence[Event]) -> list[dt.date]:
    days = {e.date + dt.timedelta(days=d) for e in events for d in (-1, 0, 1)}
    return sorted(days)


def _check_structure(pathways: Sequence[Pathway]) -> None:
    for before, after in itertools.pairwise(pathways):
        assert before.closed is not None  # only the last pathway may be open
        assert before.closed <= after.opened
    for pathway in pathways:
        assert pathway.events, "a pathway holds its events"
        assert any(e.type is ENTRETIEN and e.date == pathway.opened for e in pathway.events)
        assert all(e.date >= pathway.opened for e in pathway.events)
        if pathway.closed is not None:
            last = pathway.events[-1]
            assert last.type is EventType.SORTIE
            assert (last.date, last.result) == (pathway.closed, pathway.result)
            assert all(e.type is not EventType.SORTIE for e in pathway.events[:-1])
        # R2: a history of référents, the CitésLab first (R1), dates in order, inside.
        assert pathway.referents[0] == (pathway.opened, None)
        dates = [since for since, _ in pathway.referents]
        assert dates == sorted(dates)
        assert dates[-1] <= pathway.events[-1].date


@settings(max_examples=50)
@given(messy_histories("P1"))
def test_an_open_pathway_has_exactly_one_referent_at_every_date(events: list[Event]) -> None:
    pathways = pathways_of(events)
    _check_structure(pathways)
    if not events:
        return
    first = min(e.date for e in events) - dt.timedelta(days=1)
    last = max(e.date for e in events) + dt.timedelta(days=1)
    day = first
    while day <= last:
        open_ones = [p for p in pathways if p.is_open_on(day)]
        assert len(open_ones) <= 1
        for pathway in open_ones:
            assert pathway.referent_on(day) in {r for _, r in pathway.referents}
        day += dt.timedelta(days=1)
    for day in _sample_days(events):
        state = state_on(PERSON, events, day)
        open_ones = [p for p in pathways if p.is_open_on(day)]
        assert state.open == bool(open_ones)
        if state.open:
            assert state.referent == open_ones[0].referent_on(day)
            assert state.opened == open_ones[0].opened


@settings(max_examples=50)
@given(messy_histories("P1"))
def test_every_event_is_in_one_pathway_or_reported(events: list[Event]) -> None:
    history = derive("P1", events)
    placed = [e for p in history.pathways for e in p.events]
    stray = [
        o.event for o in history.oddities if o.kind is not OddityKind.RELAIS_WITHOUT_ORIENTATION
    ]
    assert sorted(map(id, placed + stray)) == sorted(map(id, events))
    relays = [o.event for o in history.oddities if o.kind is OddityKind.RELAIS_WITHOUT_ORIENTATION]
    assert all(any(r is e for e in placed) for r in relays)
    assert all(r.type is EventType.PASSAGE_RELAIS for r in relays)


def _reorder_across_dates(events: list[Event], seed: int) -> list[Event]:
    """The same rows in another order; rows of one date keep their relative order."""
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    by_date: dict[dt.date, list[Event]] = {}
    for event in events:
        by_date.setdefault(event.date, []).append(event)
    return [by_date[e.date].pop(0) for e in shuffled]


@settings(max_examples=50)
@given(messy_histories("P1"), st.integers(0, 2**32))
def test_derived_state_does_not_depend_on_row_order_across_dates(
    events: list[Event], seed: int
) -> None:
    reordered = _reorder_across_dates(events, seed)
    assert pathways_of(reordered) == pathways_of(events)
    assert derive("P1", reordered) == derive("P1", events)
    for day in _sample_days(events):
        assert state_on(PERSON, reordered, day) == state_on(PERSON, events, day)


@settings(max_examples=50)
@given(messy_histories("P1"))
def test_the_view_at_a_date_is_the_view_of_the_events_up_to_it(events: list[Event]) -> None:
    for day in _sample_days(events):
        history = derive("P1", events, on=day)
        known = [e for e in sorted(events, key=lambda e: e.date) if e.date <= day]
        assert history.pathways == pathways_of(known)
        assert all(e.date > day for e in history.later)
        assert len(history.later) + len(known) == len(events)


@settings(max_examples=50)
@given(messy_histories("P1"))
def test_pathways_open_on_entretien_and_close_on_sortie(events: list[Event]) -> None:
    """Closing and reopening: each sortie of an open pathway closes it, and an entretien
    while none is open starts a new one; other entretiens are contacts."""
    pathways = pathways_of(events)
    sorties_inside = [e for p in pathways for e in p.events if e.type is EventType.SORTIE]
    assert len(sorties_inside) == sum(p.closed is not None for p in pathways)
    opened = sorted(p.opened for p in pathways)
    assert opened == [p.opened for p in pathways]
    if any(e.type is ENTRETIEN for e in events):
        assert pathways, "an entretien always opens a pathway"
        first_entretien = min(e.date for e in events if e.type is ENTRETIEN)
        assert pathways[0].opened == first_entretien
    else:
        assert pathways == ()
