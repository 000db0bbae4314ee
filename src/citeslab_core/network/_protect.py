"""A public network bilan protected as ONE set of linked tables (docs/public-mode.md).

The network's total and every site's bilan under ``sites`` are published together, and
every count of the total is the sum of the sites' (a person belongs to one site): a
cell masked in one site's bilan would be the total minus the other sites. INSEE's manual
of table protection asks that linked tables be protected together; so the cells of the
total and of every site — the portrait tables, the QPV breakdown, the prescribers, the
programmes, the orientations of the period, the new persons, those without orientation —
are written as one system (:class:`~citeslab_core.bilan.disclosure.LinkedCells`): each
bilan's own cells and relations (:func:`~citeslab_core.bilan._published.bilan_cells`:
the tables, the prescribers adding up to the ``partenaire`` row, the indicators, the
inequalities…) and, for every cell of the total, ``total = Σ sites``. The self-audit
(:func:`~citeslab_core.bilan.disclosure.protect`) masks more until no count from 1 to
k−1 can be recovered (k: the network's threshold, the largest of the sites'), component
by component (the relations split the cells into independent groups), and the masks are
written back into the bilans; their indicators, reach and counted checks follow.

:func:`network_cells` gives the same system for a published network (the audit of
``tests/test_network_disclosure.py`` solves it as an integer programme).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from citeslab_core.bilan import NON_RENSEIGNE, PublicBilan
from citeslab_core.bilan._published import apply_masks, bilan_cells, limited_key
from citeslab_core.bilan.disclosure import CellSystem, LinkedCells, protect
from citeslab_core.network._hoods import _Hoods

__all__ = ["network_cells", "protect_network"]

#: Where a cell is: (bilan index: -1 the total, else the site's), then the cell's place
#: in that bilan, in the bilan's own names.
Place = tuple[Any, ...]


@attrs.define
class _System(CellSystem):
    places: list[Place] = attrs.field(factory=list)
    #: per bilan (-1 the total), the cell of each network-wide key
    keyed: dict[int, dict[tuple[Any, ...], int]] = attrs.field(factory=dict)

    def cell(
        self, b: int, key: tuple[Any, ...] | None, place: Place, value: int, masked: bool
    ) -> int:
        """A cell of bilan ``b``; ``key`` (None: a cell of that bilan alone) names it
        across bilans."""
        self.values.append(value)
        self.masked.append(masked)
        name = "/".join(map(str, key if key is not None else place))
        self.labels.append(f"{'total' if b < 0 else f'site {b}'}:{name}")
        self.places.append((b, *place))
        index = len(self.values) - 1
        if key is not None:
            self.keyed.setdefault(b, {})[key] = index
        return index


def _statuses(bilan: PublicBilan, rename: Any) -> dict[str, str | None]:
    """The residence status a reader can tell of each neighbourhood of ``bilan``: QPV for
    those of its QPV breakdown (a bilan does not tell the others')."""
    return {
        rename(q.neighbourhood, q.qpv_code): "qpv"
        for q in bilan.qpv_breakdown
        if q.neighbourhood != NON_RENSEIGNE[1]
    }


def _add_bilan(
    system: _System,
    b: int,
    published: PublicBilan,
    truth: PublicBilan,
    rename: Any,
    statuses: Mapping[str, str | None],
) -> None:
    """The cells of one published bilan and its own relations
    (:func:`~citeslab_core.bilan._published.bilan_cells`); keys in network names."""
    base = len(system.values)
    cells, places = bilan_cells(published, truth, statuses)
    qpv_names = [rename(q.neighbourhood, q.qpv_code) for q in published.qpv_breakdown]
    for value, masked, place in zip(cells.values, cells.masked, places, strict=True):
        key: tuple[Any, ...] | None = place
        if place[0] == "table":
            code = place[2]
            if place[1] == "quartier" and code != NON_RENSEIGNE[0]:
                code = rename(code, None)
            key = ("table", place[1], code)
        elif place[0] == "qpv":
            key = ("qpv", qpv_names[int(place[1])], *place[2:])
        elif place[0] == "presc":
            key = ("presc", _prescriber_key(place[1]))
        elif place[0] == "slack":
            key = None  # a bilan's own inequality: no sum across sites
        system.cell(b, key, place, value, masked)
    system.slack.update(base + i for i in cells.slack)
    for terms, constant in cells.relations:
        system.relate([(base + i, a) for i, a in terms], constant)


def _prescriber_key(name: str) -> str | None:
    return None if name == NON_RENSEIGNE[1] else name.casefold()


def network_cells(
    total: PublicBilan,
    total_truth: PublicBilan,
    sites: Sequence[PublicBilan],
    truths: Sequence[PublicBilan],
) -> tuple[LinkedCells, list[Place]]:
    """Every published count of a public network (its total and its sites' bilans), with
    its true value and mask, and every relation that holds between them: each bilan's
    own and ``total = Σ sites`` cell by cell. Places: ``(bilan, …)``, -1 the total."""
    hoods = _Hoods(list(truths))
    system = _System()

    def total_name(name: str, code: str | None) -> str:
        return name

    network_statuses = _statuses(total, total_name)
    _add_bilan(system, -1, total, total_truth, total_name, network_statuses)
    for i, (site, truth) in enumerate(zip(sites, truths, strict=True)):

        def rename(name: str, code: str | None, i: int = i) -> str:
            if name in (NON_RENSEIGNE[0], NON_RENSEIGNE[1]):
                return name
            return hoods.name(i, name, code)

        _add_bilan(system, i, site, truth, rename, _statuses(site, lambda n, c: n))
    for key, cell in system.keyed.get(-1, {}).items():
        parts = [system.keyed[i][key] for i in range(len(sites)) if key in system.keyed.get(i, {})]
        if parts:
            system.relate([(cell, 1), *((j, -1) for j in parts)], 0)
    return system.linked(), system.places


def protect_network(
    total: PublicBilan,
    total_truth: PublicBilan,
    sites: Sequence[PublicBilan],
    truths: Sequence[PublicBilan],
    k: int,
) -> tuple[PublicBilan, tuple[PublicBilan, ...]]:
    """The public total and sites' bilans masked more, together, until no count from 1
    to k−1 of any of them can be recovered from all of them (module docstring)."""
    cells, places = network_cells(total, total_truth, sites, truths)
    masked, still = protect(cells, k)
    added: dict[int, list[Place]] = {}
    for i, (was, now) in enumerate(zip(cells.masked, masked, strict=True)):
        if now and not was:
            added.setdefault(places[i][0], []).append(places[i][1:])
    limited: dict[int, set[str]] = {}
    for i in still:
        place = places[i]
        key = limited_key(place[1:])
        if key is not None:
            limited.setdefault(place[0], set()).add(key)
    new_sites = tuple(
        apply_masks(site, added.get(i, []), limited.get(i, set())) for i, site in enumerate(sites)
    )
    new_total = apply_masks(total, added.get(-1, []), limited.get(-1, set()))
    return new_total, new_sites
