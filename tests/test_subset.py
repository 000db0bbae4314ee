"""Dataset.subset: a bilan per référent or per neighbourhood in one line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core import Dataset, UsageError, compute_bilan, load_example
from citeslab_core.readers.converter import dumps, read_json
from citeslab_core.render.json import render as render_json
from citeslab_core.render.text import render as render_text
from strategies import datasets

PERIOD = (dt.date(2022, 1, 1), dt.date(2023, 12, 31))


@settings(max_examples=60)
@given(datasets(), st.data())
def test_subset_bilan_is_the_bilan_of_those_persons_alone(
    data: Dataset, draw: st.DataObject
) -> None:
    ids = draw.draw(
        st.sets(st.sampled_from([p.id for p in data.persons])) if data.persons else st.just(set())
    )
    part = data.subset(ids)
    alone = Dataset.build(
        site=data.site,
        neighbourhoods=data.neighbourhoods,
        persons=[p for p in data.persons if p.id in ids],
        events=[e for e in data.events if e.person in ids],
        animations=data.animations,
        partnerships=data.partnerships,
        fundings=data.fundings,
        texts=data.texts,
    )
    for public in (False, True):
        bilan = compute_bilan(part, *PERIOD, public=public)
        assert bilan.subset  # animations and funding are the site's: the bilan says so
        assert attrs.evolve(bilan, subset=False) == compute_bilan(alone, *PERIOD, public=public)
    assert part.is_subset
    assert not alone.is_subset
    assert (part.animations, part.fundings) == (data.animations, data.fundings)


def test_subset_by_predicate_and_by_ids_agree() -> None:
    data = load_example()
    by_hood = data.subset(lambda person: person.neighbourhood == "Kerourien")
    ids = [p.id for p in by_hood.persons]
    assert ids
    assert [p.id for p in data.subset(ids).persons] == ids
    assert all(e.person in set(ids) for e in by_hood.events)
    assert len(by_hood.events) == sum(1 for e in data.events if e.person in set(ids))


def test_an_unknown_id_is_a_french_usage_error() -> None:
    with pytest.raises(UsageError, match=r"identifiant\(s\) inconnu\(s\).*« P-nope »"):
        load_example().subset(["P-nope"])


def test_renderers_say_animations_and_funding_are_site_wide() -> None:
    data = load_example()
    part = data.subset(lambda person: person.neighbourhood == "Kerourien")
    whole, sub = compute_bilan(data, year=2023), compute_bilan(part, year=2023)
    assert sub.indicators.animations_held == whole.indicators.animations_held
    assert sub.funding == whole.funding
    assert sub.accompanied < whole.accompanied
    assert "tout le site" in render_text(sub)
    assert "tout le site" not in render_text(whole)
    assert '"sous_ensemble": true' in render_json(sub)
    assert "sous_ensemble" not in render_json(whole)


def test_a_subset_keeps_where_its_records_were_read(tmp_path: object) -> None:

    assert isinstance(tmp_path, Path)
    path = tmp_path / "site.json"
    path.write_text(dumps(load_example()), encoding="utf-8")
    data = read_json(path)
    last = data.persons[-1].id
    part = data.subset([last])
    assert part.origin("porteurs", 0) == data.origin("porteurs", len(data.persons) - 1)
    first_event = next(i for i, e in enumerate(data.events) if e.person == last)
    assert part.origin("suivis", 0) == data.origin("suivis", first_event)
