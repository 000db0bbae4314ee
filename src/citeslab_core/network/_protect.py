"""A public network bilan protected as ONE set of linked tables (docs/public-mode.md).

The network's total and every site's bilan under ``sites`` are published together, and
every count of the total is the sum of the sites' (a person belongs to one site): a
cell masked in one site's bilan would be the total minus the other sites. INSEE's manual
of table protection asks that linked tables be protected together; so the cells of the
total and of every site — the portrait tables, the QPV breakdown, the prescribers, the
programmes, the orientations of the period, the new persons, those without orientation —
are written as one system (:class:`~citeslab_core.bilan.disclosure.LinkedCells`): each
bilan's own relations (:func:`~citeslab_core.bilan.linked.link_cells`, the prescribers
adding up to the ``partenaire`` row, ``autre`` = without orientation + the rest) and, for
every cell of the total, ``total = Σ sites``. The self-audit
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

from citeslab_core import bilan as _bilan
from citeslab_core.bilan import NON_RENSEIGNE, Check, PublicBilan, QpvRow, Table
from citeslab_core.bilan._checking import disclosure_checks, sorted_checks
from citeslab_core.bilan.checks import CheckCode
from citeslab_core.bilan.disclosure import LinkedCells, protect
from citeslab_core.bilan.linked import add_qpv_place, link_cells, mask_qpv_rows, mask_rows
from citeslab_core.network._hoods import _Hoods
from citeslab_core.vocabularies import AgeBracket, Channel, OrientationCategory

__all__ = ["network_cells", "protect_network"]

#: Where a cell is: (bilan index: -1 the total, else the site's), then the cell's place
#: in that bilan, in the bilan's own names.
Place = tuple[Any, ...]


@attrs.define
class _System:
    values: list[int] = attrs.field(factory=list)
    masked: list[bool] = attrs.field(factory=list)
    labels: list[str] = attrs.field(factory=list)
    places: list[Place] = attrs.field(factory=list)
    relations: list[tuple[tuple[tuple[int, int], ...], int]] = attrs.field(factory=list)
    #: per bilan (-1 the total), the cell of each network-wide key
    keyed: dict[int, dict[tuple[Any, ...], int]] = attrs.field(factory=dict)

    def cell(self, b: int, key: tuple[Any, ...], place: Place, value: int, masked: bool) -> int:
        self.values.append(value)
        self.masked.append(masked)
        self.labels.append(f"{'total' if b < 0 else f'site {b}'}:{'/'.join(map(str, key))}")
        self.places.append((b, *place))
        index = len(self.values) - 1
        self.keyed.setdefault(b, {})[key] = index
        return index

    def relate(self, terms: Sequence[tuple[int, int]], constant: int) -> None:
        """Add ``Σ a × cell = constant`` when it holds for the true counts."""
        if terms and sum(a * self.values[i] for i, a in terms) == constant:
            self.relations.append((tuple(terms), constant))

    def linked(self) -> LinkedCells:
        return LinkedCells(
            tuple(self.values), tuple(self.masked), tuple(self.relations), tuple(self.labels)
        )


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
    """The cells of one published bilan and its own relations; keys in network names."""
    base = len(system.values)
    cells, places = link_cells(
        published.tables,
        truth.tables,
        published.qpv_breakdown,
        _true_qpv(published, truth),
        statuses,
        truth.accompanied,
    )
    qpv_names = [rename(q.neighbourhood, q.qpv_code) for q in published.qpv_breakdown]
    for value, masked, place in zip(cells.values, cells.masked, places, strict=True):
        if place[0] == "table":
            code = place[2]
            if place[1] == "quartier" and code != NON_RENSEIGNE[0]:
                code = rename(code, None)
            key: tuple[Any, ...] = ("table", place[1], code)
        elif len(place) == 2:
            key = ("qpv", qpv_names[int(place[1])])
        else:
            key = ("qpv", qpv_names[int(place[1])], place[2], place[3])
        system.cell(b, key, place, value, masked)
    for terms, constant in cells.relations:
        system.relate([(base + i, a) for i, a in terms], constant)
    _add_activity(system, b, published, truth)


def _add_activity(system: _System, b: int, published: PublicBilan, truth: PublicBilan) -> None:
    """The cells of a bilan outside its tables (new, without orientation, orientations of
    the period, programmes, prescribers) and their relations to the tables."""
    own = system.keyed[b]

    def scalar(key: tuple[Any, ...], place: Place, value: int | None, shown: int | None) -> int:
        return system.cell(b, key, place, value or 0, shown is None)

    scalar(("new",), ("new",), truth.new, published.new)
    without = scalar(
        ("without",), ("without",), truth.without_orientation, published.without_orientation
    )
    autre = own.get(("table", "orientation_premier_rdv", OrientationCategory.AUTRE.code))
    if autre is not None:
        rest = system.values[autre] - system.values[without]
        other = system.cell(b, ("with_other",), ("with_other",), rest, True)  # never shown
        system.relate([(without, 1), (other, 1), (autre, -1)], 0)
    scalar(
        ("op_persons",),
        ("op_persons",),
        truth.orientations_period_persons,
        published.orientations_period_persons,
    )
    true_op = {r.code: r for r in truth.orientations_period}
    for row in published.orientations_period:
        true_row = true_op.get(row.code)
        for part in ("persons", "orientations"):
            value = getattr(true_row, part) if true_row is not None else 0
            scalar(("op", row.code, part), ("op", row.code, part), value, getattr(row, part))
    true_programmes = {p.programme: p for p in truth.programmes}
    for p in published.programmes:
        true_p = true_programmes.get(p.programme)
        for part in ("oriented", "retained"):
            value = getattr(true_p, part) if true_p is not None else 0
            where = ("prog", p.programme, part)
            scalar(where, where, value, getattr(p, part))
    scalar(
        ("entries",),
        ("entries",),
        truth.indicators.programme_entries,
        published.indicators.programme_entries,
    )
    true_prescribers = {_prescriber_key(p.name): p.count or 0 for p in truth.prescribers}
    prescribers = []
    for prescriber in published.prescribers:
        name = _prescriber_key(prescriber.name)
        prescribers.append(
            scalar(
                ("presc", name),
                ("presc", prescriber.name),
                true_prescribers.get(name, 0),
                prescriber.count,
            )
        )
    partner = own.get(("table", "canal", Channel.PARTENAIRE.code))
    if partner is not None and prescribers:
        system.relate([*((i, 1) for i in prescribers), (partner, -1)], 0)


def _prescriber_key(name: str) -> str | None:
    return None if name == NON_RENSEIGNE[1] else name.casefold()


def _true_qpv(published: PublicBilan, truth: PublicBilan) -> list[QpvRow[int | None]]:
    """The true QPV rows in the published rows' order (by neighbourhood and code)."""
    by_key = {(q.neighbourhood, q.qpv_code): q for q in truth.qpv_breakdown}
    rows = []
    for q in published.qpv_breakdown:
        true_row = by_key.get((q.neighbourhood, q.qpv_code))
        if true_row is None:  # nobody there in truth: a row of zeros
            true_row = attrs.evolve(
                q,
                accompanied=0,
                sex=attrs.evolve(q.sex, rows=()),
                age=attrs.evolve(q.age, rows=()),
            )
        rows.append(true_row)
    return rows


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
    for key, cell in system.keyed[-1].items():
        parts = [system.keyed[i][key] for i in range(len(sites)) if key in system.keyed[i]]
        if parts:
            system.relate([(cell, 1), *((j, -1) for j in parts)], 0)
    return system.linked(), system.places


def _components(cells: LinkedCells) -> list[list[int]]:
    """The cells split into groups that no relation links (each protected on its own)."""
    parent = list(range(len(cells.values)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for terms, _ in cells.relations:
        first = find(terms[0][0])
        for i, _ in terms[1:]:
            root = find(i)
            if root != first:
                parent[root] = first
    groups: dict[int, list[int]] = {}
    for i in range(len(cells.values)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _protect_components(cells: LinkedCells, k: int) -> tuple[list[bool], list[int]]:
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
        )
        sub_masked, sub_still = protect(sub, k)
        for j, hide in enumerate(sub_masked):
            masked[group[j]] = hide
        still.extend(group[j] for j in sub_still)
    return masked, still


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
    masked, still = _protect_components(cells, k)
    added: dict[int, list[Place]] = {}
    for i, (was, now) in enumerate(zip(cells.masked, masked, strict=True)):
        if now and not was:
            added.setdefault(places[i][0], []).append(places[i][1:])
    limited: dict[int, set[str]] = {}
    for i in still:
        place = places[i]
        key = _LIMITED.get(place[1], place[2] if place[1] == "table" else None)
        if key is not None:
            limited.setdefault(place[0], set()).add(key)
    new_sites = tuple(
        _apply(site, added.get(i, []), limited.get(i, set())) for i, site in enumerate(sites)
    )
    new_total = _apply(total, added.get(-1, []), limited.get(-1, set()))
    return new_total, new_sites


#: The table a small count that stays recoverable is reported under.
_LIMITED = {
    "qpv": "quartier",
    "presc": "canal",
    "without": "orientation_premier_rdv",
    "with_other": "orientation_premier_rdv",
}


def _apply(bilan: PublicBilan, places: list[Place], limited: set[str]) -> PublicBilan:
    """``bilan`` with the cells at ``places`` masked, and what follows from them."""
    if not places and not limited:
        return bilan
    tables: dict[str, set[str]] = {}
    qpv: dict[int, dict[str, set[str]]] = {}
    scalars: set[tuple[Any, ...]] = set()
    for place in places:
        if place[0] == "table":
            tables.setdefault(place[1], set()).add(place[2])
        elif place[0] == "qpv":
            add_qpv_place(qpv, place)
        else:
            scalars.add(place)
    new_tables = {key: mask_rows(t, tables.get(key, set())) for key, t in bilan.tables.items()}
    rows = mask_qpv_rows(bilan.qpv_breakdown, qpv)
    activity = _masked_activity(bilan, scalars)
    indicators = _bilan.indicators_from_tables(
        new_tables,
        accompanied=bilan.indicators.accompanied,
        new=activity["new"],
        programme_entries=activity.pop("entries"),
        animations_held=bilan.indicators.animations_held,
        animation_participants=bilan.indicators.animation_participants,
    )
    quartier = new_tables["quartier"]
    reach = []
    for r in bilan.reach:
        cell = quartier.row(r.neighbourhood)
        if cell is not None and cell.count is None:
            r = attrs.evolve(r, accompanied=None, per_thousand=None)
        reach.append(r)
    checks = [_recount(c, new_tables) for c in bilan.checks]
    if limited:
        checks.extend(disclosure_checks(sorted(limited)))
    return attrs.evolve(
        bilan,
        tables=new_tables,
        qpv_breakdown=rows,
        indicators=indicators,
        **activity,
        reach=tuple(reach),
        checks=sorted_checks(dict.fromkeys(checks)),
    )


def _masked_activity(bilan: PublicBilan, scalars: set[tuple[Any, ...]]) -> dict[str, Any]:
    """The fields of ``bilan`` outside its tables with the cells of ``scalars`` masked
    (``entries``: the indicator of programme entries)."""
    new = None if ("new",) in scalars else bilan.new
    without = None if ("without",) in scalars else bilan.without_orientation
    op_persons = None if ("op_persons",) in scalars else bilan.orientations_period_persons
    orientations = tuple(
        attrs.evolve(r, persons=None, orientations=None, share=None)
        if ("op", r.code, "persons") in scalars or ("op", r.code, "orientations") in scalars
        else r
        for r in bilan.orientations_period
    )
    programmes = tuple(
        attrs.evolve(
            p,
            oriented=None if ("prog", p.programme, "oriented") in scalars else p.oriented,
            retained=None if ("prog", p.programme, "retained") in scalars else p.retained,
        )
        for p in bilan.programmes
    )
    entries = bilan.indicators.programme_entries
    if ("entries",) in scalars or any(p.retained is None for p in programmes):
        entries = None
    prescribers = tuple(
        attrs.evolve(p, count=None) if ("presc", p.name) in scalars else p
        for p in bilan.prescribers
    )
    return {
        "new": new,
        "without_orientation": without,
        "orientations_period_persons": op_persons,
        "orientations_period": orientations,
        "programmes": programmes,
        "prescribers": prescribers,
        "entries": entries,
    }


def _recount(check: Check, tables: Mapping[str, Table[int | None]]) -> Check:
    """The under-18 check says « Des » when the table's cell is now masked."""
    if check.code != CheckCode.UNDER_18:
        return check
    row = tables["tranche_age"].row(AgeBracket.UNDER_18.code)
    if row is None or row.count is not None:
        return check
    return attrs.evolve(check, message=_bilan.counted_check_message(check.code, None))
