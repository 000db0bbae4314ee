"""Bilan files: read_bilan is the inverse of the JSON renderer; refusals name the file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from bilan_strategies import bilans
from citeslab_core.bilan import Bilan, compute_bilan
from citeslab_core.bilan._json import structure_bilan
from citeslab_core.bilan.file import from_data, is_bilan_file, read_bilan, read_inputs, to_json
from citeslab_core.bilan.provenance import stamp
from citeslab_core.errors import InvalidData
from citeslab_core.model import Dataset
from citeslab_core.network import network_bilan
from citeslab_core.readers.converter import dumps
from citeslab_core.readers.example import load_example
from citeslab_core.render import html, text
from citeslab_core.render.json import render as render_json
from strategies import datasets, networks

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


def read_back(document: str) -> Bilan:
    return from_data(json.loads(document, parse_float=Decimal))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bilans())
def test_the_converter_reads_back_any_bilan_it_writes(bilan: Bilan) -> None:
    """One converter both ways: any bilan, public or not, a network's with its sites."""
    document = to_json(bilan)
    again = structure_bilan(json.loads(document, parse_float=Decimal))
    assert again == bilan
    assert to_json(again) == document


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_read_bilan_inverts_the_json_render(data: Dataset) -> None:
    bilan = compute_bilan(data, START, END)
    document = render_json(bilan)
    again = read_back(document)
    assert again == bilan
    assert render_json(again) == document


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_sites=3))
def test_network_from_files_equals_network_from_records(sites: list[Dataset]) -> None:
    bilans = [compute_bilan(d, START, END) for d in sites]
    from_files = network_bilan([read_back(render_json(b)) for b in bilans])
    network = network_bilan(bilans)
    assert from_files == network
    assert render_json(read_back(render_json(network))) == render_json(network)


def test_every_renderer_gives_the_same_output(tmp_path: Path) -> None:
    data = load_example()
    bilan = stamp(
        compute_bilan(data, START, END), data, generated=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    path = tmp_path / "brest.json"
    path.write_text(render_json(bilan), encoding="utf-8")
    assert is_bilan_file(path)
    again = read_bilan(path)
    assert again == bilan
    for render in (render_json, text.render, html.render):
        assert render(again) == render(bilan)


def _refusal(path: Path, read: Callable[[Path], object] = read_bilan) -> str:
    with pytest.raises(InvalidData) as caught:
        read(path)
    (problem,) = caught.value.problems
    assert problem.location.file == str(path)
    return str(problem).removeprefix(f"{path}, ").removeprefix(f"{path} : ")


def test_refusals(tmp_path: Path) -> None:
    data = load_example()
    public = tmp_path / "public.json"
    masked = compute_bilan(data, START, END, public=True)
    public.write_text(render_json(masked), "utf-8")
    # A public bilan is read back as it is, and refused only where it would be summed.
    assert read_bilan(public) == masked
    assert "bilan public" in _refusal(public, lambda path: read_inputs([path]))
    dataset = tmp_path / "donnees.json"
    dataset.write_text(dumps(data), "utf-8")
    assert "jeu de données" in _refusal(dataset)
    assert not is_bilan_file(dataset)
    other = tmp_path / "autre.json"
    other.write_text('{"bonjour": 1}', "utf-8")
    assert "n'est pas un bilan" in _refusal(other)
    broken = tmp_path / "casse.json"
    broken.write_text("{", "utf-8")
    assert "pas du JSON" in _refusal(broken)
    edited = tmp_path / "modifie.json"
    document = json.loads(render_json(compute_bilan(data, START, END)))
    del document["tables"]
    edited.write_text(json.dumps(document), "utf-8")
    assert _refusal(edited) == "tables : clé manquante"


def test_read_inputs_mixes_records_and_bilan_files(tmp_path: Path) -> None:
    data = load_example()
    other = data.replace(site=attrs.evolve(data.site, name="CitésLab Quimper"))
    records = tmp_path / "brest.json"
    records.write_text(dumps(data), "utf-8")
    bilan_file = tmp_path / "quimper-bilan.json"
    bilan_file.write_text(render_json(compute_bilan(other, START, END)), "utf-8")
    read = read_inputs([records, bilan_file])
    assert isinstance(read[0], Dataset)
    assert read[1] == compute_bilan(other, START, END)
