"""The network bilan: the sum of the sites' bilans equals the bilan of their merged records
(with distinct person ids), whatever the order of the sites; refusals."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import Bilan, PublicBilan, compute_bilan
from citeslab_core.bilan.rounding import NETWORK_ROUNDING, round_count
from citeslab_core.derive.calendar import _by_day, _expanded, _occurrence_of
from citeslab_core.errors import InvalidData
from citeslab_core.model import TABLE_FIELDS, Animation, Dataset, Event, Neighbourhood, Person
from citeslab_core.network import mask_bilan, network_bilan
from citeslab_core.readers.example import load_example
from citeslab_core.render.json import render as render_json
from citeslab_core.vocabularies import AnimationType, ResidenceStatus
from strategies import networks

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)

#: The fields of a network bilan that are not the bilan of the merged records: the name,
#: host and territory (the network's), the sites' texts and checks (kept in each site's
#: bilan; the network's checks prefix them), ``sites`` itself and the calendar (each
#: site's own, not a figure).
NOT_SUMMED = frozenset(
    {"site", "host", "territory", "texts", "checks", "sites", "calendar", "counted_persons"}
)


def merged(sites: list[Dataset]) -> Dataset:
    """The sites' records as one dataset, each person id (and permanence place) prefixed by
    its site's number."""
    persons: list[Person] = []
    events: list[Event] = []
    hoods: dict[str, Neighbourhood] = {}
    for i, data in enumerate(sites):
        persons.extend(attrs.evolve(p, id=f"{i}/{p.id}") for p in data.persons)
        events.extend(attrs.evolve(e, person=f"{i}/{e.person}") for e in data.events)
        for h in data.neighbourhoods:
            hoods.setdefault(h.name, h)
    # Every other table (animations, partnerships, fundings, budget, permanences…) is
    # the sites' rows together.
    others: dict[str, Any] = {
        field: [row for d in sites for row in getattr(d, field)]
        for field in TABLE_FIELDS.values()
        if field not in ("neighbourhoods", "persons", "events", "texts")
    }
    # Two sites' permanences at one place, day and hour are two permanences (one site's
    # are one: calendar.md), as the persons' ids are made distinct.
    others["permanences"] = [
        attrs.evolve(p, place=f"{i}/{p.place}") for i, d in enumerate(sites) for p in d.permanences
    ]
    # A recorded permanence is the occurrence of its own site it stands on (DOMAIN.md,
    # "Planned and held"), never another site's at the same place: its place is the
    # prefixed place of that occurrence, or one that no occurrence has.
    others["animations"] = [
        _own_occurrence(a, i, d) for i, d in enumerate(sites) for a in d.animations
    ]
    return Dataset.build(neighbourhoods=hoods.values(), persons=persons, events=events, **others)


def _own_occurrence(animation: Animation, i: int, data: Dataset) -> Animation:
    if animation.type is not AnimationType.PERMANENCE:
        return animation
    found = _expanded(data.site.name, data.permanences, START, END, data)
    index = _occurrence_of(animation, _by_day(found), found)
    place = f"{i}/{found[index][2].place}" if index is not None else f"{i}/hors permanence"
    return attrs.evolve(animation, place=place)


def comparable(bilan: PublicBilan) -> dict[str, Any]:
    """Every field of ``bilan`` but :data:`NOT_SUMMED`; programmes and partnerships as
    multisets (a site orders its programmes by dates its bilan does not keep)."""
    fields: dict[str, Any] = {
        f.name: getattr(bilan, f.name) for f in attrs.fields(Bilan) if f.name not in NOT_SUMMED
    }
    fields["programmes"] = Counter(fields["programmes"])
    fields["partnerships"] = Counter(fields["partnerships"])
    return fields


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.randoms(use_true_random=False))
def test_network_equals_the_bilan_of_the_merged_records(sites: list[Dataset], rnd: Any) -> None:
    bilans = [compute_bilan(d, START, END) for d in sites]
    expected = compute_bilan(merged(sites), START, END)
    network = network_bilan(bilans)
    assert comparable(network) == comparable(expected)
    assert network.sites == tuple(bilans)
    assert network.site == f"{len(sites)} site{'s' if len(sites) > 1 else ''}"
    # Every site's checks, prefixed by its name.
    for b in bilans:
        for c in b.checks:
            assert attrs.evolve(c, message=f"{b.site} : {c.message}") in network.checks
    # Independent of the order of the sites (but ``sites`` keeps the order given).
    shuffled = list(bilans)
    rnd.shuffle(shuffled)
    other = network_bilan(shuffled)
    assert attrs.evolve(other, sites=()) == attrs.evolve(network, sites=())
    assert other.sites == tuple(shuffled)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_sites=3))
def test_public_network_is_masked_after_summing(sites: list[Dataset]) -> None:
    bilans = [compute_bilan(d, START, END) for d in sites]
    public = network_bilan(bilans, public=True)
    plain = network_bilan(bilans)
    assert public.public
    assert all(s.public for s in public.sites)
    # A single site's bilan masked after the fact is the one compute_bilan masks, when
    # the bilan tells every neighbourhood's declared status (a bilan file tells only the
    # QPV ones: docs/network.md).
    for data, b in zip(sites, bilans, strict=True):
        if any(h.residence not in (None, ResidenceStatus.QPV) for h in data.neighbourhoods):
            continue
        assert render_json(mask_bilan(b)) == render_json(
            compute_bilan(data, START, END, public=True)
        )
    # The masked network is the plain one masked (not the sum of masked sites), then
    # rounded: a count shown is its true count rounded, and that true count is not small.
    assert public.rounding == NETWORK_ROUNDING
    assert public.accompanied == round_count(plain.accompanied, NETWORK_ROUNDING)
    for key, table in public.tables.items():
        full = {row.code: row.count for row in plain.tables[key].rows}
        for row in table.rows:
            true = full.get(row.code) or 0
            assert row.count is None or row.count == round_count(true, NETWORK_ROUNDING)
            assert row.count is None or not 0 < true < public.threshold


def test_example_network_of_three_sites() -> None:
    data = load_example()
    sites = [
        data.replace(site=attrs.evolve(data.site, name=name))
        for name in ("CitésLab Brest", "CitésLab Quimper", "CitésLab Morlaix")
    ]
    bilans = [compute_bilan(d, START, END) for d in sites]
    network = network_bilan(bilans)
    assert network.site == "3 sites"
    assert network.accompanied == 3 * bilans[0].accompanied
    assert network.host == "DEFIS Emploi"
    funding = network.funding
    assert funding is not None
    assert bilans[0].funding is not None
    assert funding.total == 3 * bilans[0].funding.total
    assert [c.share for c in funding.contributions] == [
        c.share for c in bilans[0].funding.contributions
    ]
    # Shares recomputed from the summed counts: three times the counts, the same shares.
    for key, table in network.tables.items():
        site_table = bilans[0].tables[key]
        assert [r.count for r in table.rows] == [3 * (r.count or 0) for r in site_table.rows]
        assert [r.share for r in table.rows] == [r.share for r in site_table.rows]


def test_refusals_name_the_site() -> None:
    data = load_example()
    brest = compute_bilan(data, START, END)
    with pytest.raises(InvalidData, match="donné deux fois"):
        network_bilan([brest, brest])
    other = compute_bilan(
        data.replace(site=attrs.evolve(data.site, name="Autre")),
        dt.date(2022, 1, 1),
        dt.date(2022, 12, 31),
    )
    with pytest.raises(InvalidData, match="période"):
        network_bilan([brest, other])
    public = compute_bilan(data, START, END, public=True)
    with pytest.raises(InvalidData, match="bilan public"):
        network_bilan([public])


def test_a_network_among_the_inputs_stands_for_its_sites() -> None:
    data = load_example()
    names = ("A", "B", "C")
    bilans = [
        compute_bilan(data.replace(site=attrs.evolve(data.site, name=n)), START, END) for n in names
    ]
    nested = network_bilan([network_bilan(bilans[:2]), bilans[2]])
    assert nested == network_bilan(bilans)


def test_same_qpv_code_under_two_names_is_one_neighbourhood() -> None:
    data = load_example()
    renamed = data.replace(
        site=attrs.evolve(data.site, name="Autre"),
    )
    a = compute_bilan(data, START, END)
    b = compute_bilan(renamed, START, END)
    # The same QPV, spelt differently in the second site's bilan.
    reach = tuple(attrs.evolve(r, neighbourhood=r.neighbourhood.upper()) for r in b.reach)
    rows = tuple(
        attrs.evolve(row, code=row.code.upper(), label=row.label.upper())
        if any(r.neighbourhood == row.code for r in b.reach)
        else row
        for row in b.tables["quartier"].rows
    )
    tables = {**b.tables, "quartier": attrs.evolve(b.tables["quartier"], rows=rows)}
    qpv = tuple(
        attrs.evolve(q, neighbourhood=q.neighbourhood.upper())
        if any(r.neighbourhood == q.neighbourhood for r in b.reach)
        else q
        for q in b.qpv_breakdown
    )
    animations = tuple(
        attrs.evolve(x, neighbourhood=x.neighbourhood.upper())
        if any(r.neighbourhood == x.neighbourhood for r in b.reach)
        else x
        for x in b.animations_in_qpv
    )
    b = attrs.evolve(b, reach=reach, tables=tables, qpv_breakdown=qpv, animations_in_qpv=animations)
    network = network_bilan([a, b])
    assert [r.neighbourhood.casefold() for r in network.reach] == [
        r.neighbourhood.casefold() for r in a.reach
    ]
    for net, site in zip(network.reach, a.reach, strict=True):
        assert net.population == site.population  # once per distinct QPV
        assert net.accompanied == 2 * (site.accompanied or 0)


# -- issue 25 item 5: one call on any mix of inputs ------------------------------------------


SITE_A = Path(__file__).parent / "golden" / "inputs" / "site_a"


def test_any_mix_of_records_bilans_and_paths(tmp_path: Path) -> None:
    from citeslab_core.readers import read_input

    example = load_example()
    a = read_input(SITE_A)
    other = example.replace(site=attrs.evolve(example.site, name="Autre"))
    bilan_file = tmp_path / "brest.json"
    bilan_file.write_text(render_json(compute_bilan(example, START, END)), encoding="utf-8")
    mixed = network_bilan([SITE_A, bilan_file, other], year=2023)
    expected = network_bilan([compute_bilan(d, START, END) for d in (a, example, other)])
    assert mixed == expected
    # The same with start and end, with a period, and with the year as a position.
    assert network_bilan([str(SITE_A), bilan_file, other], START, END) == expected
    assert network_bilan([SITE_A, bilan_file, other], period=(START, END)) == expected
    assert network_bilan([SITE_A, bilan_file, other], 2023) == expected
    # Public: the records' sites masked by compute_bilan, then all protected together.
    public = network_bilan([SITE_A, bilan_file, other], year=2023, public=True)
    assert public.public
    assert all(s.public for s in public.sites)


def test_errors_name_the_input_and_the_site(tmp_path: Path) -> None:
    example = load_example()
    bilan = compute_bilan(example, START, END)
    bilan_file = tmp_path / "brest.json"
    bilan_file.write_text(render_json(bilan), encoding="utf-8")
    wrong: Any = 3  # a misuse, on purpose
    with pytest.raises(InvalidData) as caught:
        network_bilan([bilan, example, tmp_path / "absent.xlsx", wrong, bilan_file], year=2022)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("entrée n° 1") and "CitésLab Brest" in m for m in messages)
    assert any(m.startswith("entrée n° 4") and "int" in m for m in messages)
    assert any("absent.xlsx" in m and "n'existe pas" in m for m in messages)
    assert any(m.startswith(str(bilan_file)) and "période" in m for m in messages)
    # Records without a period: the input is named, and the way to give the period.
    with pytest.raises(InvalidData, match=r"entrée n° 2.*year=2023"):
        network_bilan([bilan, example])
    # Every problem is located: none is only « données ».
    assert all(p.location.file for p in caught.value.problems)


def test_two_sites_of_one_name_told_apart_by_naming_the_inputs() -> None:
    example = load_example()
    with pytest.raises(InvalidData, match=r"entrée n° 2.*deux fois.*nommez chaque entrée"):
        network_bilan([example, example], year=2023)
    network = network_bilan({"Brest nord": example, "Brest sud": example}, year=2023)
    assert [s.site for s in network.sites] == ["Brest nord", "Brest sud"]
    assert network.accompanied == 2 * compute_bilan(example, START, END).accompanied
    # A named bilan is renamed too; a named network is refused (its sites keep theirs).
    bilan = compute_bilan(example, START, END)
    assert network_bilan({"Nord": bilan, "Sud": bilan}).sites[1].site == "Sud"
    with pytest.raises(InvalidData, match="un nom ne s'applique qu'à un site"):
        network_bilan({"Réseau": network})
