"""Public mode: small counts masked, with secondary masking so that no masked cell can be
recomputed from a table's total and its visible cells."""

from __future__ import annotations

import datetime as dt
import itertools

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import PublicBilan, Table, compute_bilan
from citeslab_core.bilan.disclosure import mask_value, masked_sum, suppress
from citeslab_core.model import Dataset, Event, Person
from citeslab_core.model.dates import PartialDate
from citeslab_core.vocabularies import EventType
from strategies import datasets

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


def derivable(counts: list[int], masked: tuple[bool, ...]) -> bool:
    """Whether a reader who knows the total, the visible cells and that a masked cell is
    at least 1 when the table shows its zeros (0 or more when some zero is masked) can
    tell the value of a masked cell."""
    hidden = [c for c, m in zip(counts, masked, strict=True) if m]
    if not hidden:
        return False
    rest = sum(hidden)
    low = 0 if 0 in hidden else 1
    if len(hidden) == 1:
        return True
    # Every masked cell lies between ``low`` and ``rest - low * (n - 1)``: it is known
    # exactly when that range holds one value.
    return rest - low * (len(hidden) - 1) == low


@settings(max_examples=50)
@given(st.lists(st.integers(0, 12), min_size=2, max_size=9), st.integers(2, 6))
def test_suppress_masks_small_cells_and_protects_them(counts: list[int], k: int) -> None:
    result = suppress(counts, k)
    for count, hidden in zip(counts, result.masked, strict=True):
        if 0 < count < k:
            assert hidden
    if result.unprotected:
        # The documented limit: every cell is masked and still derivable.
        assert all(result.masked)
        assert derivable(counts, result.masked)
    else:
        assert not derivable(counts, result.masked)


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    # 3 women, 40 men, 6 unknown: 3 is masked, and 6 (the next smallest) with it.
    assert suppress([3, 40, 6], 5).masked == (True, False, True)


def test_two_masked_ones_are_not_enough() -> None:
    # 1 and 1 masked: the reader knows they add up to 2, hence 1 each.
    assert suppress([1, 1, 30, 10], 5).masked == (True, True, False, True)


def test_zeros_stay_visible_unless_nothing_else_can_hide_a_cell() -> None:
    assert suppress([0, 3, 20, 8], 5).masked == (False, True, False, True)
    # Only one non-zero cell, small: the zeros are masked too.
    assert suppress([0, 3, 0], 5).masked == (True, True, True)


def test_mask_value_and_sums() -> None:
    assert [mask_value(v, 5) for v in (0, 1, 4, 5)] == [0, None, None, 5]
    assert masked_sum([1, 2]) == 3
    assert masked_sum([None, 2]) is None


def _cells(bilan: PublicBilan) -> list[int | None]:
    """Every count a published bilan shows about persons."""
    ind = bilan.indicators
    values: list[int | None] = [
        bilan.new,
        bilan.without_orientation,
        ind.women,
        ind.qpv_residents,
        ind.under_26,
        ind.job_seekers,
        ind.minimum_benefits,
        ind.creations,
        ind.programme_entries,
    ]
    for table in bilan.tables.values():
        values += [r.count for r in table.rows]
    for p in bilan.programmes:
        values += [p.oriented, p.retained]
    for q in bilan.qpv_breakdown:
        values += [q.accompanied, *(r.count for r in q.sex.rows), *(r.count for r in q.age.rows)]
    values += [r.accompanied for r in bilan.reach]
    values += [p.count for p in bilan.prescribers]
    return values


def _truth(
    table: Table[int | None], public: Table[int | None]
) -> tuple[list[int], tuple[bool, ...]]:
    true_counts = {r.code: r.count for r in table.rows}
    counts = [true_counts.get(r.code) or 0 for r in public.rows]
    return counts, tuple(r.count is None for r in public.rows)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_persons=20), st.integers(2, 6))
def test_public_bilan_shows_no_small_cell_and_no_derivable_one(data: Dataset, k: int) -> None:
    data = data.replace(site=attrs.evolve(data.site, disclosure_threshold=k))
    full = compute_bilan(data, START, END)
    public = compute_bilan(data, START, END, public=True)
    assert public.accompanied == full.accompanied
    for value in _cells(public):
        assert value is None or value == 0 or value >= k
    unprotected = {c.message for c in public.checks if c.code == "secret_statistique_limite"}
    for key, table in public.tables.items():
        counts, masked = _truth(full.tables[key], table)
        # The rows shown add up to the public total: masked rows included.
        assert sum(counts) == table.total == full.accompanied
        for row in table.rows:
            assert (row.count is None) == (row.share is None)
        if derivable(counts, masked):
            assert any(table.title in m for m in unprotected)
            assert all(masked)
    for full_q, public_q in zip(full.qpv_breakdown, public.qpv_breakdown, strict=True):
        for sub_full, sub_public in ((full_q.sex, public_q.sex), (full_q.age, public_q.age)):
            counts, masked = _truth(sub_full, sub_public)
            if public_q.accompanied is not None and derivable(counts, masked):
                assert all(masked)


def test_public_indicators_hide_sums_of_masked_cells() -> None:
    # Not a property: a fixed case where 18-25 is masked, so "moins de 26 ans" must be.
    people = [Person(f"P{i}", birth=PartialDate.year(2000 if i < 2 else 1980)) for i in range(12)]
    events = [Event(p.id, dt.date(2023, 3, 1), EventType.ENTRETIEN) for p in people]
    data = Dataset.build(persons=people, events=events)
    bilan = compute_bilan(data, START, END, public=True)
    age = bilan.tables["tranche_age"]
    assert age.row("18_25") is not None
    assert age.row("18_25").count is None  # type: ignore[union-attr]
    assert bilan.indicators.under_26 is None
    assert list(itertools.chain(_cells(bilan)))
