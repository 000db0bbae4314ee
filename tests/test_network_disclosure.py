"""Issue 28 item 1: a public network bilan (its total and every site's bilan under
``sites``) gives no masked count away to a reader who solves what it publishes.

The audit writes every published count of the network as a cell
(:func:`citeslab_core.network._protect.network_cells`: each bilan's own relations, and
``total = Σ sites`` cell by cell) and, for every masked count from 1 to k−1, minimises
and maximises it as an integer programme (``determined`` of tests/disclosure_audit.py,
scipy's ``milp``) under those relations, the visible cells and the bounds a reader knows
(a count is a whole number of at least 0; a masked cell of a table that shows its zeros
is at least 1): the count is safe when the minimum is below the maximum.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from citeslab_core.bilan import TABLE_TITLES, Bilan, PublicBilan, accompanied_persons, compute_bilan
from citeslab_core.bilan._published import limited_key
from citeslab_core.model import Dataset
from citeslab_core.network import mask_bilan, network_bilan
from citeslab_core.network._bilans import _total
from citeslab_core.network._protect import network_cells
from citeslab_core.readers.example import load_example
from disclosure_audit import determined
from strategies import networks

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


def audit(network: PublicBilan, bilans: list[Bilan]) -> list[str]:
    truth = _total(bilans, 0, None)
    cells, _ = network_cells(network, truth, network.sites, bilans)
    return determined(cells, network.threshold)


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,  # the same networks on every run (the audit is slow to shrink)
    suppress_health_check=[HealthCheck.too_slow],
)
@given(networks(max_sites=4, max_persons=8))
def test_no_masked_count_of_a_public_network_is_determined(sites: list[Dataset]) -> None:
    bilans = [compute_bilan(d, START, END) for d in sites]
    network = network_bilan(bilans, public=True)
    # What cannot be protected (every row of a table holds one person, or it has one
    # row) is said in that bilan's check naming the table; nothing else is recoverable.
    for label in audit(network, bilans):
        where, place = label.split(":", 1)
        shown = network if where == "total" else network.sites[int(where.split()[1])]
        if shown.accompanied < network.threshold:
            continue  # every count of a bilan of fewer than k persons is under k
        key = limited_key(tuple(place.split("/")))
        assert key is not None, label
        own = [  # the total's own checks, not its sites' (prefixed by their names)
            c.message
            for c in shown.checks
            if c.code == "secret_statistique_limite"
            and not (where == "total" and any(c.message.startswith(f"{s.site} : ") for s in bilans))
        ]
        assert any(TABLE_TITLES[key] in message for message in own), label
    # Everything the public network shows is the truth (masking hides, never alters).
    plain = network_bilan(bilans)
    for shown, true in ((network, plain), *zip(network.sites, bilans, strict=True)):
        for key, table in shown.tables.items():
            full = {row.code: row.count for row in true.tables[key].rows}
            for row in table.rows:
                assert row.count is None or row.count == full.get(row.code, 0)
                assert row.count is None or not 0 < row.count < network.threshold


def small_sites(size: int = 7) -> list[Bilan]:
    """Three small sites of the example's records: its first accompanied persons of 2023,
    ``size`` each."""
    data = load_example()
    accompanied = [f.person.id for f in accompanied_persons(data, START, END)]
    bilans = []
    for n, name in enumerate(("Brest", "Quimper", "Morlaix")):
        site = data.subset(accompanied[n * size : (n + 1) * size])
        site = site.replace(site=attrs.evolve(data.site, name=name))
        bilans.append(compute_bilan(site, START, END))
    return bilans


def test_the_sites_masked_one_by_one_gave_counts_away() -> None:
    """The attack of issue 28: each site masked on its own, a masked cell of a site is
    the total minus the other sites; the audit finds it (it is not vacuous), and the
    network protected as one set of linked tables gives nothing."""
    bilans = small_sites()
    k = max(b.threshold for b in bilans)
    naive = attrs.evolve(_total(bilans, k, None), sites=tuple(mask_bilan(b) for b in bilans))
    assert audit(naive, bilans)
    assert audit(network_bilan(bilans, public=True), bilans) == []


def test_prescribers_in_alphabetical_order() -> None:
    bilan = compute_bilan(load_example(), START, END, public=True)
    named = [p.name for p in bilan.prescribers if p.name != "Non renseigné"]
    assert named == sorted(named, key=lambda n: (n.casefold(), n))


@pytest.mark.parametrize("public", [True, False])
def test_prescribers_order_does_not_depend_on_counts(public: bool) -> None:
    """Moving one person from one prescriber to another changes no row's place."""
    data = load_example()
    partner = [p for p in data.persons if p.prescriber]
    first = partner[0]
    other = next(p for p in partner if p.prescriber != first.prescriber)
    moved = data.replace(
        persons=[
            attrs.evolve(p, prescriber=other.prescriber) if p.id == first.id else p
            for p in data.persons
        ]
    )
    before = compute_bilan(data, START, END, public=public).prescribers
    after = compute_bilan(moved, START, END, public=public).prescribers
    assert [p.name for p in before if p.count or p.count is None] == [
        p.name for p in after if p.count or p.count is None
    ] or {p.name for p in before} != {p.name for p in after}
