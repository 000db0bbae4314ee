"""The self-audit's two methods (``bilan/disclosure.py``), each held to a reference.

- The elimination: which unknowns the equalities alone determine, equal to a plain rank
  test over the rationals, on systems with fill-in; the rows it reduced, given again with
  the unknowns since solved left out, give what the equalities without them give (the
  audit's later rounds reuse them), and the whole audit finds what it found when each
  round started afresh.
- The bounds' propagation: the same bounds as its first form."""

from __future__ import annotations

from collections import deque
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from citeslab_core.bilan.disclosure import (
    LinkedCells,
    _propagate,
    _solved_by_elimination,
    _without,
    recoverable,
)

#: An equality's coefficients: a few of 8 unknowns, each coefficient ±1 or ±2.
ROWS = st.lists(
    st.dictionaries(st.integers(0, 7), st.sampled_from([-2, -1, 1, 2]), min_size=1, max_size=5),
    max_size=8,
)


def _rank(rows: list[dict[int, int]]) -> int:
    """The rank of the rows, by Gaussian elimination over fractions."""
    matrix = [{i: Fraction(a) for i, a in row.items() if a} for row in rows]
    rank = 0
    for col in range(8):
        pivot = next((r for r in matrix[rank:] if r.get(col)), None)
        if pivot is None:
            continue
        matrix.remove(pivot)
        matrix.insert(rank, pivot)
        for row in matrix[rank + 1 :]:
            factor = row.get(col, Fraction(0)) / pivot[col]
            if factor:
                for i, v in pivot.items():
                    row[i] = row.get(i, Fraction(0)) - factor * v
                    if not row[i]:
                        del row[i]
        rank += 1
    return rank


def _determined(rows: list[dict[int, int]]) -> set[int]:
    """The unknowns whose unit row lies in the rows' span (adding it keeps the rank)."""
    held = {i for row in rows for i in row}
    rank = _rank(rows)
    return {i for i in held if _rank([*rows, {i: 1}]) == rank}


@settings(max_examples=300, deadline=None)
@given(ROWS)
def test_the_elimination_finds_what_the_rank_test_finds(rows: list[dict[int, int]]) -> None:
    lines = [dict(row) for row in rows]
    assert _solved_by_elimination(lines) == _determined(rows)


@settings(max_examples=300, deadline=None)
@given(ROWS, st.sets(st.integers(0, 7)))
def test_reduced_rows_less_solved_unknowns_span_the_rows_less_them(
    rows: list[dict[int, int]], solved: set[int]
) -> None:
    lines = [dict(row) for row in rows]
    _solved_by_elimination(lines)
    again = [kept for line in lines if (kept := _without(line, solved))]
    plain = [kept for row in rows if (kept := _without(row, solved))]
    assert _solved_by_elimination(again) == _determined(plain)


def _solve_afresh(cells: LinkedCells, unknown: set[int], ceiling: int) -> set[int]:
    """What the audit's two methods find, each round's elimination started afresh from
    the equalities (the audit's first form, kept as the reference)."""
    values = cells.values
    low = {i: (1 if values[i] > 0 and i not in cells.slack else 0) for i in unknown}
    high = dict.fromkeys(unknown, ceiling)
    solved: set[int] = set()
    while True:
        rows: list[tuple[dict[int, int], int]] = []
        for terms, constant in cells.relations:
            coefficients: dict[int, int] = {}
            for i, a in terms:
                if i in unknown and i not in solved:
                    coefficients[i] = coefficients.get(i, 0) + a
                else:
                    constant -= a * values[i]
            coefficients = {i: a for i, a in coefficients.items() if a}
            if coefficients:
                rows.append((coefficients, constant))
        _propagate(rows, low, high)
        found = {i for i in unknown - solved if low[i] == high[i]}
        found |= _solved_by_elimination([dict(c) for c, _ in rows]) - solved
        if not found:
            return solved
        solved |= found
        for i in found:
            low[i] = high[i] = values[i]


@st.composite
def _linked(draw: st.DrawFn) -> LinkedCells:
    """Cells of small counts, some masked, and equalities that hold for them."""
    values = draw(st.lists(st.integers(0, 6), min_size=2, max_size=10))
    n = len(values)
    masked = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    relations = []
    for members in draw(st.lists(st.sets(st.integers(0, n - 1), min_size=1), max_size=8)):
        terms = tuple((i, draw(st.sampled_from([-1, 1]))) for i in sorted(members))
        relations.append((terms, sum(a * values[i] for i, a in terms)))
    return LinkedCells(tuple(values), tuple(masked), tuple(relations), tuple(map(str, values)))


#: x + y = 2 gives x = y = 1 by the bounds alone (each at least 1); then p + q + x = 6
#: and p − q = 1 give p and q, but only once x is a constant.
BOUNDS_THEN_ELIMINATION = LinkedCells(
    (1, 1, 3, 2),
    (True, True, True, True),
    ((((0, 1), (1, 1)), 2), (((2, 1), (3, 1), (0, 1)), 6), (((2, 1), (3, -1)), 1)),
    ("x", "y", "p", "q"),
)


@settings(max_examples=300, deadline=None)
@given(_linked())
@example(BOUNDS_THEN_ELIMINATION)
def test_the_audit_reusing_its_reduced_rows_finds_what_it_found_afresh(
    cells: LinkedCells,
) -> None:
    unknown = {i for i, m in enumerate(cells.masked) if m}
    ceiling = max([abs(c) for _, c in cells.relations] + list(cells.values) + [0])
    assert recoverable(cells) == _solve_afresh(cells, unknown, ceiling)


def test_a_count_the_bounds_give_lets_the_equalities_give_others() -> None:
    assert recoverable(BOUNDS_THEN_ELIMINATION) == {0, 1, 2, 3}


def _propagate_reference(
    rows: list[tuple[dict[int, int], int]], low: dict[int, int], high: dict[int, int]
) -> None:
    """The bounds' propagation in its first form (each term's part as a pair, min and
    max), kept as the reference of the audit's faster loop."""
    rows_of: dict[int, list[int]] = {}
    for n, (coefficients, _) in enumerate(rows):
        for j in coefficients:
            rows_of.setdefault(j, []).append(n)
    queue = deque(range(len(rows)))
    waiting = [True] * len(rows)
    budget = 64 * len(rows)
    while queue and budget > 0:
        budget -= 1
        n = queue.popleft()
        waiting[n] = False
        coefficients, constant = rows[n]
        parts = {
            j: (min(b * low[j], b * high[j]), max(b * low[j], b * high[j]))
            for j, b in coefficients.items()
        }
        all_min = sum(p[0] for p in parts.values())
        all_max = sum(p[1] for p in parts.values())
        for i, a in coefficients.items():
            first = (constant - (all_max - parts[i][1])) * a
            second = (constant - (all_min - parts[i][0])) * a
            new_low = max(low[i], min(first, second))
            new_high = min(high[i], max(first, second))
            if new_low != low[i] or new_high != high[i]:
                low[i], high[i] = new_low, new_high
                for m in rows_of[i]:
                    if not waiting[m]:
                        waiting[m] = True
                        queue.append(m)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.integers(0, 7), st.sampled_from([-1, 1]), min_size=1, max_size=5),
            st.integers(-6, 12),
        ),
        max_size=8,
    ),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 12)), min_size=8, max_size=8),
)
def test_the_bounds_tighten_as_in_the_first_form(
    rows: list[tuple[dict[int, int], int]], bounds: list[tuple[int, int]]
) -> None:
    low = {i: lo for i, (lo, _) in enumerate(bounds)}
    high = {i: max(lo, hi) for i, (lo, hi) in enumerate(bounds)}
    expected_low, expected_high = dict(low), dict(high)
    _propagate_reference(rows, expected_low, expected_high)
    _propagate(rows, low, high)
    assert (low, high) == (expected_low, expected_high)
