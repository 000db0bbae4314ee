"""The canonical JSON: lossless both ways, every problem reported with its JSON path."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from citeslab_core.errors import InvalidData
from citeslab_core.model import TABLE_FIELDS, Dataset, Event, Funding, Person, Site
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.converter import SCHEMA_VERSION, dumps, loads, read_json, to_dict
from citeslab_core.vocabularies import EducationLevel, EventType, Funder
from strategies import datasets


def assert_same(left: Dataset, right: Dataset) -> None:
    """Field by field: the site, then every record of every table."""
    # Not ``origins``: where records were read from is not the data.
    for name in ("site", *TABLE_FIELDS.values(), "is_subset", "notes"):
        assert getattr(left, name) == getattr(right, name), name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_json_round_trip_is_lossless(data: Dataset) -> None:
    text = dumps(data)
    back = loads(text)
    assert_same(back, data)
    assert dumps(back) == text


def _document() -> dict[str, object]:
    data = Dataset.build(
        site=Site(name="CitésLab Brest", year=2023),
        persons=[Person("P1", birth=PartialDate.year(1990), education=EducationLevel.LEVEL_5)],
        events=[Event("P1", dt.date(2023, 3, 30), EventType.ENTRETIEN)],
        fundings=[Funding(2023, Funder.BPI, Decimal("16000.00"))],
    )
    return to_dict(data)


def test_the_document_reads_like_the_workbook() -> None:
    document = _document()
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["porteurs"] == [{"id": "P1", "date_naissance": "1990", "niveau_formation": "5"}]
    assert document["suivis"] == [{"porteur": "P1", "date": "2023-03-30", "type": "entretien"}]
    assert document["financements"] == [{"annee": 2023, "financeur": "bpi", "montant": "16000.00"}]


def test_truncated_json_is_a_data_error_not_a_traceback() -> None:
    text = json.dumps(_document())
    with pytest.raises(InvalidData) as caught:
        loads(text[: len(text) // 2], file="donnees.json")
    (problem,) = caught.value.problems
    assert problem.location.file == "donnees.json"
    assert "JSON illisible" in problem.message


def test_bad_values_are_all_reported_with_their_path() -> None:
    document = _document()
    document["porteurs"] = [
        {"id": "P1", "sexe": "X"},
        {"id": "P2", "date_naissance": "1990-02-30"},
    ]
    with pytest.raises(InvalidData) as caught:
        loads(json.dumps(document))
    where = {str(p.location.sheet) for p in caught.value.problems}
    assert where == {"porteurs[0].sexe", "porteurs[1].date_naissance"}


def test_wrong_schema_version_and_unknown_keys_are_refused() -> None:
    document = _document()
    document["schema_version"] = 99
    with pytest.raises(InvalidData, match="schema_version"):
        loads(json.dumps(document))
    document = _document()
    document["porteurs"] = [{"id": "P1", "sexee": "F"}]
    with pytest.raises(InvalidData, match="sexee"):
        loads(json.dumps(document))


def test_read_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "site.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(InvalidData) as caught:
        read_json(path)
    assert caught.value.problems[0].location.file == "site.json"


def test_the_example_of_docs_json_md_reads() -> None:
    text = (Path(__file__).parents[1] / "docs" / "json.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```json\n(.*?)```", text, re.S)
    data = loads(block)
    assert data.site.funding_policy.caps == {Funder.BPI: Decimal("50")}
    assert data.site.pathway_policy.contact_days == 45
    assert [e.type for e in data.events] == [EventType.ENTRETIEN, EventType.ORIENTATION]
