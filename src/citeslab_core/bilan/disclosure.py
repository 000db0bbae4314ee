"""Statistical disclosure control for a bilan meant for publication (``--public``).

docs/public-mode.md: a published report masks small counts (threshold k, the site's
``seuil_secret_statistique``, default 5) and shows them as ``s``, never as 0, with
secondary masking so that a masked cell cannot be recomputed from totals.

:func:`suppress` decides which cells of one table to mask, given all its counts (the
``non_renseigne`` row included) and knowing that the table's total is public:

1. **Primary**: every count from 1 to k−1 is masked. A true 0 is not secret and stays 0.
2. **Secondary**: a reader knows the total, the visible cells and that a masked cell of a
   table that shows its zeros is at least 1. The masked cells of a table are safe when
   there are at least two of them and their sum (total − visible cells) is larger than
   their number: then each masked cell can take at least two values. While that is not
   so, the smallest visible non-zero cell is masked too (ties: the first in row order).
3. **Last resort**: when no visible non-zero cell is left (every non-zero cell is masked
   and each holds 1, or a lone masked cell is the whole total), the table's zero cells
   are masked as well (a zero ``non_renseigne`` row then appears, masked): a reader can
   then no longer tell a masked 0 from a masked 1.
4. **Limit**: when every cell is masked and a cell can still be told (every row,
   ``non_renseigne`` included, holds exactly one person; or the table has a single row,
   e.g. a ``quartier`` table where nobody has a neighbourhood), nothing more can be done
   while the total is public. :func:`suppress` then reports it
   (:attr:`Suppression.unprotected`) and the bilan adds an ``info`` check naming the
   table.

Shares of masked cells are masked too (a masked share could be turned back into a count).
Sums of several cells (an indicator "moins de 26 ans" = moins_18 + 18_25) are masked as
soon as one of their cells is masked (:func:`masked_sum`), so that no visible sum gives a
masked cell back.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from math import gcd

import attrs

__all__ = [
    "LinkedCells",
    "Suppression",
    "exposed_cells",
    "mask_value",
    "masked_sum",
    "protect",
    "recoverable",
    "suppress",
]


@attrs.frozen
class Suppression:
    """Which cells of a table to mask; ``unprotected``: the limit case (see module doc)."""

    masked: tuple[bool, ...]
    unprotected: bool = False


def mask_value(value: int, k: int) -> int | None:
    """``value`` itself, or None when it is from 1 to k−1 (primary masking only)."""
    return None if 0 < value < k else value


def masked_sum(values: Sequence[int | None]) -> int | None:
    """The sum of cells already masked or not: None as soon as one of them is masked."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _safe(counts: Sequence[int], masked: Sequence[bool]) -> bool:
    hidden = [c for c, m in zip(counts, masked, strict=True) if m]
    if not hidden:
        return True
    if len(hidden) < 2:
        return False
    if 0 in hidden:
        # Masked zeros: a reader cannot tell a masked 0 from a masked 1, and with two
        # masked cells or more each may be 0 or more.
        return True
    return sum(hidden) > len(hidden)


def suppress(
    counts: Sequence[int],
    k: int,
    forced: Sequence[bool] | None = None,
    *,
    total_masked: bool = False,
) -> Suppression:
    """The cells of one table to mask (see the module docstring for the rules).

    ``forced`` marks cells that must be masked whatever their count (a cell masked in
    another table that shows the same figure). ``total_masked`` says the table's total is
    itself a masked cell elsewhere (the QPV residents of the ``statut_residence`` table
    for the per-QPV table): then at least one non-zero cell is masked, else the visible
    cells would add up to that masked total.
    """
    masked = [(forced is not None and forced[i]) or 0 < c < k for i, c in enumerate(counts)]
    if k <= 1:
        return Suppression(tuple(masked))
    if total_masked and not any(m and c > 0 for c, m in zip(counts, masked, strict=True)):
        nonzero = [i for i, c in enumerate(counts) if c > 0]
        if nonzero:
            masked[min(nonzero, key=lambda i: (counts[i], i))] = True
    while not _safe(counts, masked):
        candidates = [i for i, c in enumerate(counts) if not masked[i] and c > 0]
        if candidates:
            smallest = min(candidates, key=lambda i: (counts[i], i))
            masked[smallest] = True
            continue
        zeros = [i for i, c in enumerate(counts) if not masked[i] and c == 0]
        if not zeros:
            return Suppression(tuple(masked), unprotected=True)
        for i in zeros:
            masked[i] = True
    return Suppression(tuple(masked))


# -- linked tables: the self-audit ----------------------------------------------------------

#: A linear relation between published cells: ``Σ coefficient × cell = constant``.
Relation = tuple[tuple[tuple[int, int], ...], int]


@attrs.frozen
class LinkedCells:
    """Every published cell of a set of linked tables, and the relations between them.

    ``values``: the true counts; ``masked``: which are shown ``s``; ``relations``: linear
    equalities that hold for the true counts and that a reader can write down from the
    published tables (each table's total, a total shown in another table, the same figure
    in two tables); ``labels``: a name per cell, for messages and tests. ``slack``: cells
    never published that turn an inequality the reader knows into an equality (``a ≤ b``
    is ``a + s = b``): masked, known only to be whole numbers from 0, and not counts to
    protect.
    """

    values: tuple[int, ...]
    masked: tuple[bool, ...]
    relations: tuple[Relation, ...]
    labels: tuple[str, ...]
    slack: frozenset[int] = frozenset()


@attrs.define
class CellSystem:
    """A :class:`LinkedCells` being written (the bilan's cells, a network's): cells
    appended by the writer's own ``cell`` method, relations kept when they hold for the
    true counts, then frozen by :meth:`linked`."""

    values: list[int] = attrs.field(factory=list)
    masked: list[bool] = attrs.field(factory=list)
    labels: list[str] = attrs.field(factory=list)
    relations: list[Relation] = attrs.field(factory=list)
    slack: set[int] = attrs.field(factory=set)

    def relate(self, terms: Sequence[tuple[int, int]], constant: int) -> None:
        """Add ``Σ a × cell = constant`` when it holds for the true counts."""
        if terms and sum(a * self.values[i] for i, a in terms) == constant:
            self.relations.append((tuple(terms), constant))

    def linked(self) -> LinkedCells:
        return LinkedCells(
            tuple(self.values),
            tuple(self.masked),
            tuple(self.relations),
            tuple(self.labels),
            frozenset(self.slack),
        )


def _propagate(
    rows: list[tuple[dict[int, int], int]], low: dict[int, int], high: dict[int, int]
) -> None:
    """Tighten integer bounds through each equality until nothing changes: an equality is
    looked at again when a bound of one of its unknowns changed (at most 64 looks an
    equality on average, as many as 64 passes over them all)."""
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
        terms = coefficients.items()
        # each term's smallest and largest value, from the bounds as they were
        mins: list[int] = []
        maxs: list[int] = []
        for j, b in terms:
            least, most = b * low[j], b * high[j]
            if least > most:
                least, most = most, least
            mins.append(least)
            maxs.append(most)
        all_min, all_max = sum(mins), sum(maxs)
        for (i, a), part_min, part_max in zip(terms, mins, maxs, strict=True):
            # a * x_i = constant - rest, rest in [all - part]; a is ±1
            first = (constant - all_max + part_max) * a
            second = (constant - all_min + part_min) * a
            if first > second:
                first, second = second, first
            was_low, was_high = low[i], high[i]
            new_low = first if first > was_low else was_low
            new_high = second if second < was_high else was_high
            if new_low != was_low or new_high != was_high:
                low[i], high[i] = new_low, new_high
                for m in rows_of[i]:
                    if not waiting[m]:
                        waiting[m] = True
                        queue.append(m)


def _solved_by_elimination(lines: list[dict[int, int]]) -> set[int]:
    """The unknowns the equalities alone determine, ``lines`` their coefficients (reduced
    in place: given again with the unknowns found since left out, they span what the
    equalities then span, and are reduced again at little cost). Exact Gauss-Jordan
    elimination: rows kept sparse, in whole numbers (a row is scaled rather than
    divided, then divided by the greatest common divisor of its coefficients, which keeps
    the rational row space and is many times faster than fractions). An unknown is
    determined when the reduced rows hold a row of it alone: the reduced form of a row
    space is one, whatever rows span it. The pivot of a column is its shortest row (less
    fill-in)."""
    holding: dict[int, set[int]] = {}  # column -> the lines that hold it
    for n, line in enumerate(lines):
        for i in line:
            holding.setdefault(i, set()).add(n)
    pivots: list[tuple[int, int]] = []
    remaining = set(range(len(lines)))
    for col in sorted(holding):
        candidates = [n for n in holding[col] if n in remaining]
        if not candidates:
            continue
        found = min(candidates, key=lambda n: (len(lines[n]), n))
        remaining.discard(found)
        for n in sorted(holding[col] - {found}):
            added, removed = _eliminate(lines[n], lines[found], col)
            for i in added:
                holding.setdefault(i, set()).add(n)
            for i in removed:
                holding[i].discard(n)
        pivots.append((found, col))
    return {col for n, col in pivots if len(lines[n]) == 1}


def _eliminate(
    line: dict[int, int], pivot: dict[int, int], col: int
) -> tuple[list[int], list[int]]:
    """``line`` := a × ``line`` − b × ``pivot`` with no ``col`` left (a, b whole), divided
    by the greatest common divisor of its coefficients; the unknowns it gained and lost
    (only the pivot's can come or go)."""
    g = gcd(pivot[col], line[col])
    a, b = pivot[col] // g, line[col] // g
    if a != 1:
        for i in line:
            line[i] *= a
    added: list[int] = []
    removed: list[int] = []
    for i, v in pivot.items():
        held = line.get(i)
        value = (0 if held is None else held) - b * v
        if value:
            if held is None:
                added.append(i)
            line[i] = value
        elif held is not None:
            del line[i]
            removed.append(i)
    d = gcd(*line.values())  # 0 for an empty line
    if d > 1:
        for i in line:
            line[i] //= d
    return added, removed


def recoverable(cells: LinkedCells) -> set[int]:
    """The masked cells a reader can compute exactly from what is published.

    The reader knows every visible cell, every relation of ``cells``, that a count is a
    whole number of at least 0, at most the largest total, and at least 1 for a masked
    cell whose true count is not 0 (zeros are published, so a masked cell is not 0 unless
    zeros are masked too). Two exact methods are applied in turn until neither finds
    more: Gaussian elimination over the rationals (a cell determined by the equalities
    alone) and integer bounds propagated through each equality (a cell whose smallest
    and largest possible values meet). Both are sound: a cell they report is recoverable.
    """
    ceiling = max([abs(c) for _, c in cells.relations] + list(cells.values) + [0])
    unknown = {i for i, m in enumerate(cells.masked) if m}
    return _solve(cells, cells.relations, unknown, ceiling)


def _solve(
    cells: LinkedCells,
    relations: Sequence[Relation],
    unknown: set[int],
    ceiling: int,
    k: int = 0,
) -> set[int]:
    """:func:`recoverable` over ``relations``, the cells of ``unknown`` masked; with ``k``,
    the exact step too for the masked counts from 1 to k−1 (:func:`_another_value`)."""
    values = cells.values
    low = {i: (1 if values[i] > 0 and i not in cells.slack else 0) for i in unknown}
    high = dict.fromkeys(unknown, ceiling)
    solved: set[int] = set()
    lines: list[dict[int, int]] | None = None  # the equalities' rows, as last reduced
    while True:
        rows: list[tuple[dict[int, int], int]] = []
        for terms, constant in relations:
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
        if lines is None:
            lines = [dict(coefficients) for coefficients, _ in rows]
        else:  # the rows last reduced, the unknowns solved since left out
            lines = [kept for line in lines if (kept := _without(line, solved))]
        found |= _solved_by_elimination(lines) - solved
        if not found:
            break
        solved |= found
        for i in found:
            low[i] = high[i] = values[i]
    pending = [i for i in sorted(unknown - solved) if 0 < values[i] < k and i not in cells.slack]
    if pending:
        held = {j for c, _ in rows for j in c}
        variables = [j for j in low if j in held]
        for i in pending:
            if not _another_value(rows, low, high, i, values, variables):
                solved.add(i)
    return solved


def _without(line: dict[int, int], solved: set[int]) -> dict[int, int]:
    """``line`` less the unknowns of ``solved`` (now constants)."""
    if solved.isdisjoint(line):
        return line
    return {i: a for i, a in line.items() if i not in solved}


#: The nodes the exact step may visit for one cell before taking it as recoverable, and
#: the most unknowns of a group it searches (larger groups: the two methods alone).
SEARCH_BUDGET = 50
SEARCH_MAX_UNKNOWNS = 30


def _another_value(
    rows: list[tuple[dict[int, int], int]],
    low: dict[int, int],
    high: dict[int, int],
    target: int,
    values: Sequence[int],
    variables: list[int],
) -> bool:
    """Whether the equalities have a whole-number solution within the bounds where
    ``target`` is not its true value (the exact step): a search that splits the smallest
    domain around the true value (the true counts are a solution but for ``target``, so
    it is found quickly when there is one), bounds propagated at every node. False when
    the search runs out of :data:`SEARCH_BUDGET` (the cell is then taken as recoverable:
    the self-audit masks more). ``variables``: the unknowns the equalities hold, found
    once for every cell of a group by the caller."""
    if len(variables) > SEARCH_MAX_UNKNOWNS:
        return True
    nodes = 0

    def search(lo: dict[int, int], hi: dict[int, int]) -> bool | None:
        nonlocal nodes
        nodes += 1
        if nodes > SEARCH_BUDGET:
            return None
        _propagate(rows, lo, hi)
        if any(lo[j] > hi[j] for j in variables):
            return False
        free = [j for j in variables if lo[j] < hi[j]]
        if not free:
            return all(sum(a * lo[j] for j, a in c.items()) == b for c, b in rows)
        j = min(free, key=lambda j: (hi[j] - lo[j], j))
        t = min(max(values[j], lo[j]), hi[j])
        for a, b in ((t, t), (lo[j], t - 1), (t + 1, hi[j])):
            if a > b:
                continue
            sub_lo, sub_hi = dict(lo), dict(hi)
            sub_lo[j], sub_hi[j] = a, b
            answer = search(sub_lo, sub_hi)
            if answer is None or answer:
                return answer
        return False

    v = values[target]
    for a, b in ((low[target], v - 1), (v + 1, high[target])):
        if a > b:
            continue
        lo = {j: low[j] for j in variables}
        hi = {j: high[j] for j in variables}
        lo[target], hi[target] = a, b
        answer = search(lo, hi)
        if answer is None:
            return False
        if answer:
            return True
    return False


def exposed_cells(cells: LinkedCells, k: int) -> list[int]:
    """The masked counts from 1 to k−1 a reader can recover exactly, in cell order (the
    two methods of :func:`recoverable`, then the exact step for those counts)."""
    ceiling = max([abs(c) for _, c in cells.relations] + list(cells.values) + [0])
    unknown = {i for i, m in enumerate(cells.masked) if m}
    solved = _solve(cells, cells.relations, unknown, ceiling, k)
    return sorted(i for i in solved if 0 < cells.values[i] < k and i not in cells.slack)


def _linked_groups(members: Sequence[int], links: Sequence[Sequence[int]]) -> list[list[int]]:
    """``members`` in groups, two members being in the same group when a list of ``links``
    holds both (union-find), each group in the order of ``members``."""
    parent = {i: i for i in members}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for linked in links:
        for i in linked[1:]:
            a, b = find(linked[0]), find(i)
            if a != b:
                parent[b] = a
    groups: dict[int, list[int]] = {}
    for i in members:
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _components(cells: LinkedCells) -> list[list[int]]:
    """The cells split into groups that no relation links (each protected on its own)."""
    links = [[i for i, _ in terms] for terms, _ in cells.relations]
    return _linked_groups(range(len(cells.values)), links)


def protect(cells: LinkedCells, k: int) -> tuple[tuple[bool, ...], tuple[int, ...]]:
    """Mask more cells until no count from 1 to k−1 can be recovered (the self-audit).

    While a small masked count is recoverable, the smallest visible non-zero cell of a
    relation that holds it is masked; when none is left there, the visible zeros of those
    relations; when none either, the same is looked for one relation further (the
    relations of the cells of those relations), and so on. Each pass masks so for every
    recovered small count at once, then solves again, but for a count that shares a
    relation with a count masked for earlier in the pass or with a cell masked in it (it
    may be protected already: it waits for the next solve). Returns the masks and the
    small counts that stay recoverable however much is masked (to be reported). The
    cells are protected group by group (the relations split them into independent
    groups).
    """
    masked = list(cells.masked)
    still: list[int] = []
    relations_of: dict[int, list[int]] = {}
    for n, (terms, _) in enumerate(cells.relations):
        for i, _ in terms:
            relations_of.setdefault(i, []).append(n)
    for group in _components(cells):
        if not any(cells.masked[i] for i in group):
            continue
        index = {cell: j for j, cell in enumerate(group)}
        numbers = {n for cell in group for n in relations_of.get(cell, ())}
        relations = tuple(
            (tuple((index[i], a) for i, a in cells.relations[n][0]), cells.relations[n][1])
            for n in sorted(numbers)
        )
        sub = LinkedCells(
            tuple(cells.values[i] for i in group),
            tuple(cells.masked[i] for i in group),
            relations,
            tuple(cells.labels[i] for i in group),
            frozenset(index[i] for i in cells.slack if i in index),
        )
        sub_masked, sub_still = _protect_group(sub, k)
        for j, hide in enumerate(sub_masked):
            masked[group[j]] = hide
        still.extend(group[j] for j in sub_still)
    return tuple(masked), tuple(sorted(still))


def _to_mask(
    cells: LinkedCells, masked: list[bool], target: int, relations_of: dict[int, list[int]]
) -> list[int]:
    """The cells to mask so that ``target`` may no longer be recovered: the smallest
    visible non-zero cell of the relations nearest to it, else their visible zeros."""
    reached = {target}
    frontier = [target]
    while frontier:
        numbers = {n for cell in frontier for n in relations_of.get(cell, ())}
        members = {i for n in numbers for i, _ in cells.relations[n][0]}
        visible = [i for i in members if not masked[i]]
        nonzero = [i for i in visible if cells.values[i] > 0]
        if nonzero:
            return [min(nonzero, key=lambda i: (cells.values[i], i))]
        if visible:
            return sorted(visible)
        frontier = sorted(members - reached)
        reached |= members
    return []


def _protect_group(cells: LinkedCells, k: int) -> tuple[tuple[bool, ...], tuple[int, ...]]:
    masked = list(cells.masked)
    accepted: set[int] = set()
    relations_of: dict[int, list[int]] = {}
    for n, (terms, _) in enumerate(cells.relations):
        for i, _ in terms:
            relations_of.setdefault(i, []).append(n)
    ceiling = max([abs(c) for _, c in cells.relations] + list(cells.values) + [0])
    # What a reader recovers, by group of masked cells that relations link through masked
    # cells only (visible cells are constants): independent systems, so masking one more
    # cell leaves the others' answers as they were.
    known: dict[frozenset[int], set[int]] = {}

    def small(solved: set[int]) -> list[int]:
        return sorted(
            i
            for i in solved
            if 0 < cells.values[i] < k and i not in accepted and i not in cells.slack
        )

    def recovered() -> set[int]:
        solved: set[int] = set()
        for part in _masked_groups(cells, masked):
            if part not in known:
                numbers = sorted({n for i in part for n in relations_of.get(i, ())})
                relations = [cells.relations[n] for n in numbers]
                known[part] = _solve(cells, relations, set(part), ceiling, k)
            solved |= known[part]
        return solved

    for _ in range(len(masked) + 1):
        exposed = small(recovered())
        if not exposed:
            break
        # Every exposed count of the pass at once (then solved again), but for one that
        # shares a relation with a count masked for in this pass, or with a cell masked in
        # it (that mask may protect it already): left to the next pass, as the first of
        # the pass is never.
        touched: set[int] = set()
        for target in exposed:
            near = relations_of.get(target, ())
            if not touched.isdisjoint(near):
                continue
            touched.update(near)
            chosen = _to_mask(cells, masked, target, relations_of)
            if not chosen:
                accepted.add(target)
                continue
            for i in chosen:
                masked[i] = True
                touched.update(relations_of.get(i, ()))
    accepted.clear()
    return tuple(masked), tuple(small(recovered()))


def _masked_groups(cells: LinkedCells, masked: list[bool]) -> list[frozenset[int]]:
    """The masked cells in groups that relations link through masked cells only."""
    hidden = [i for i, m in enumerate(masked) if m]
    links = [[i for i, _ in terms if masked[i]] for terms, _ in cells.relations]
    return [frozenset(g) for g in _linked_groups(hidden, links)]
