"""The pathways, rules and follow-up list computed from the dataset's columns, by index,
equal the record-based definition (tests/reference_pathways.py) for any dataset."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

import reference_pathways as reference
from citeslab_core.derive._grouping import _sort_numpy, _sort_python, event_groups
from citeslab_core.derive.followup import followup
from citeslab_core.derive.pathways import derive, pathways_of, state_on
from citeslab_core.derive.rules import assess
from citeslab_core.derive.rules import findings as rule_findings
from citeslab_core.model import Dataset, Event
from citeslab_core.readers.example import load_example
from citeslab_core.vocabularies import Stage
from strategies import messy_datasets, messy_histories

ON_DATES = st.dates(dt.date(2022, 12, 1), dt.date(2024, 3, 1))
STAGES = st.none() | st.sampled_from(Stage)


@settings(max_examples=200)
@given(messy_histories("P1", max_events=20), st.none() | ON_DATES, STAGES)
def test_derive_equals_the_record_based_definition(
    events: list[Event], on: dt.date | None, stage: Stage | None
) -> None:
    expected = reference.derive("P1", events, on=on, stage_at_entry=stage)
    assert derive("P1", events, on=on, stage_at_entry=stage) == expected
    if on is not None:
        assert derive("P1", events, on=on, stage_at_entry=stage).state() == reference.state_of(
            expected
        )
    assert pathways_of(events) == (reference.derive("P1", events).pathways if events else ())


@settings(max_examples=150)
@given(messy_datasets(max_persons=6), ON_DATES)
def test_rules_and_states_equal_the_record_based_definition(data: Dataset, on: dt.date) -> None:
    assert rule_findings(data, on) == reference.check(data, on)
    assert list(assess(data, on)) == list(reference.assess(data, on))
    for person in data.persons:
        events = data.events_by_person[person.id]
        assert state_on(person, events, on) == reference.state_of(
            reference.derive(person.id, events, on=on, stage_at_entry=person.stage_at_entry)
        )


@settings(max_examples=150)
@given(messy_datasets(max_persons=6), ON_DATES)
def test_followup_equals_the_record_based_definition(data: Dataset, on: dt.date) -> None:
    assert followup(data, on) == reference.followup(data, on)


def test_the_bundled_example_at_many_dates() -> None:
    data = load_example()
    for month in range(1, 13):
        on = dt.date(2023, month, 15)
        assert rule_findings(data, on) == reference.check(data, on)
        assert followup(data, on) == reference.followup(data, on)


@settings(max_examples=150)
@given(messy_datasets(max_persons=6))
def test_the_grouping_gives_each_persons_events_by_date_then_row(data: Dataset) -> None:
    groups = event_groups(data)
    by_person = reference.events_by_person(data)
    assert len(groups.starts) == len(data.persons) + 1
    for index, person in enumerate(data.persons):
        positions = range(groups.starts[index], groups.starts[index + 1])
        assert [data.events[groups.order[k]] for k in positions] == by_person[person.id]
        assert [groups.record(k) for k in positions] == by_person[person.id]
        assert [groups.column("date")[k] for k in positions] == [
            e.date for e in by_person[person.id]
        ]


@settings(max_examples=100)
@given(messy_datasets(max_persons=6), st.data())
def test_a_column_read_through_the_order_is_its_permuted_copy(
    data: Dataset, draw: st.DataObject
) -> None:
    """``through(field)`` reads what ``column(field)`` holds, position by position and by
    slices, without copying the column."""
    groups = event_groups(data)
    for field in ("partner", "category", "programme", "decision", "stage", "result"):
        permuted, through = groups.column(field), groups.through(field)
        assert len(through) == len(permuted)
        assert [through[k] for k in range(len(through))] == list(permuted)
        window = slice(draw.draw(st.integers(-8, 8)), draw.draw(st.integers(-8, 8)))
        assert list(through[window]) == list(permuted[window])


@settings(max_examples=150)
@given(
    st.integers(0, 6).flatmap(
        lambda persons: st.tuples(
            st.just([f"P{i}" for i in range(persons)]),
            st.lists(
                st.tuples(
                    st.sampled_from([f"P{i}" for i in range(persons)] or ["P0"]),
                    st.dates(dt.date(2022, 1, 1), dt.date(2022, 1, 20)),
                ),
                max_size=30 if persons else 0,
            ),
        )
    )
)
def test_the_events_sort_alike_with_or_without_numpy(
    drawn: tuple[list[str], list[tuple[str, dt.date]]],
) -> None:
    """The grouping's sort by NumPy (when it is imported) gives Python's: each
    person's events by date, rows of a date in order, persons in order."""
    ids, events = drawn
    persons = [person for person, _ in events]
    dates = [day for _, day in events]
    assert _sort_numpy(ids, persons, dates) == _sort_python(ids, persons, dates)
