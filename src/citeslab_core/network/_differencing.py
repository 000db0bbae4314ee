"""The rounded total of a public network checked against differencing (docs/public-mode.md,
« Deux publications qui diffèrent d'un site »).

Rounding the total (:mod:`citeslab_core.bilan.rounding`) leaves a reader an interval of
five values per count; crossed with what a site publishes itself, an interval may still
shrink to one value. The worst second publication tells the reader every other site's
true counts (the same network without this site, whose total is their sum): then each
count of the total rounded bounds the site's own count, ``x − (T − low)`` to
``x + (high − T)`` (``T`` the true total, ``low``–``high`` what the rounded one stands
for). :func:`guard_rounding` writes, for each site, its own published cells and
relations with those bounds (each an equality with a slack cell), runs the self-audit's
exact methods (:func:`~citeslab_core.bilan.disclosure.exposed_cells`), and masks in the
total the counts that let a masked count from 1 to k−1 of the site be found, until none
does.
"""

from __future__ import annotations

from collections.abc import Sequence

from citeslab_core.bilan import PublicBilan
from citeslab_core.bilan._published import apply_masks
from citeslab_core.bilan.disclosure import LinkedCells, exposed_cells
from citeslab_core.bilan.rounding import round_count, true_bounds
from citeslab_core.network._protect import network_cells

__all__ = ["guard_rounding"]

Relation = tuple[tuple[tuple[int, int], ...], int]


#: A count of a site that a visible count of the total bounds: the total's cell, the
#: site's cell, and the lowest and highest true values the rounded total stands for.
Bounded = tuple[int, int, int, int]


def _by_site(
    cells: LinkedCells, places: Sequence[tuple[object, ...]], k: int, base: int
) -> tuple[dict[object, list[int]], dict[object, list[Relation]], dict[object, list[Bounded]]]:
    """Each bilan's cells (by index, in order), own relations (those whose every cell is
    its, in order) and counts a visible count of the total bounds (in the order of the
    relations ``total = Σ sites``, then of their terms), by the bilan's place: one pass
    over the network, not one a site."""
    mine: dict[object, list[int]] = {}
    for i, place in enumerate(places):
        mine.setdefault(place[0], []).append(i)
    own: dict[object, list[Relation]] = {}
    bounded: dict[object, list[Bounded]] = {}
    for relation in cells.relations:
        terms = relation[0]
        if not terms:  # a relation holds one cell at least (CellSystem.relate)
            continue
        site = places[terms[0][0]][0]
        if all(places[i][0] == site for i, _ in terms):
            own.setdefault(site, []).append(relation)
        elif site == -1 and all(places[i][0] != -1 for i, _ in terms[1:]):
            total = terms[0][0]  # total = Σ sites
            if cells.masked[total]:
                continue
            true = cells.values[total]
            shown = round_count(true, base)
            low, high = true_bounds(shown, base)
            if shown:
                low = max(low, k)
            for i, _ in terms[1:]:
                bounded.setdefault(places[i][0], []).append((total, i, low, high))
    return mine, own, bounded


def _site_system(
    cells: LinkedCells, mine: list[int], own: list[Relation], bounded: list[Bounded]
) -> tuple[LinkedCells, dict[int, list[int]]]:
    """A site's cells (``mine``) and own relations (``own``), with the bounds each
    visible count of the total puts on its own count when every other site is known
    (``bounded``); and for each of its cells, the total's cells bounding it."""
    index = {i: n for n, i in enumerate(mine)}
    values = [cells.values[i] for i in mine]
    masked = [cells.masked[i] for i in mine]
    slack = {n for n, i in enumerate(mine) if i in cells.slack}
    relations: list[Relation] = [(tuple((index[i], a) for i, a in terms), c) for terms, c in own]
    bounding: dict[int, list[int]] = {}
    for total, i, low, high in bounded:
        true = cells.values[total]
        bounding.setdefault(index[i], []).append(total)
        for gap, sign in ((high - true, 1), (true - low, -1)):
            values.append(gap)
            masked.append(True)
            slack.add(len(values) - 1)
            # x + s = x_true + gap (at most), x − s = x_true − gap (at least)
            relations.append(
                (((index[i], 1), (len(values) - 1, sign)), cells.values[i] + sign * gap)
            )
    system = LinkedCells(
        tuple(values), tuple(masked), tuple(relations), ("",) * len(values), frozenset(slack)
    )
    return system, bounding


def guard_rounding(
    total: PublicBilan,
    total_truth: PublicBilan,
    sites: Sequence[PublicBilan],
    truths: Sequence[PublicBilan],
    k: int,
    base: int,
) -> PublicBilan:
    """``total`` (protected with its sites, not yet rounded) masked more until, rounded
    to ``base``, none of its counts lets a reader who knows every other site find a masked
    count from 1 to k−1 of a site (module docstring)."""
    for _ in range(len(total.tables) + 8):  # each round masks more; a bound, not a loop
        cells, places = network_cells(total, total_truth, sites, truths)
        hide: set[int] = set()
        mine, own, bounded = _by_site(cells, places, k, base)
        for b in range(len(sites)):
            system, bounding = _site_system(
                cells, mine.get(b, []), own.get(b, []), bounded.get(b, [])
            )
            exposed = exposed_cells(system, k)
            if not exposed:
                continue
            near = set(exposed)
            for terms, _ in system.relations:  # the cells that share a relation with them
                if any(i in near for i, _ in terms):
                    near.update(i for i, _ in terms)
            found = {t for n in near for t in bounding.get(n, ())}
            # Nothing bounds the exposed cells' neighbours: every bound of the site goes.
            hide |= found or {t for ts in bounding.values() for t in ts}
        if not hide:
            return total
        total = apply_masks(total, [places[i][1:] for i in sorted(hide)], set())
    return total
