"""Bilan files: read_bilan is the inverse of the JSON renderer; refusals name the file."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bilan_strategies import bilans
from citeslab_core.bilan import PublicBilan, compute_bilan
from citeslab_core.bilan._json import structure_bilan
from citeslab_core.bilan.file import (
    from_data,
    is_bilan_file,
    read_bilan,
    read_inputs,
    to_json,
    write_bilan,
)
from citeslab_core.bilan.provenance import stamp
from citeslab_core.errors import InvalidData, UsageError
from citeslab_core.model import Dataset
from citeslab_core.network import network_bilan, network_of_inputs
from citeslab_core.readers.converter import dumps
from citeslab_core.readers.example import load_example
from citeslab_core.render import html, text
from citeslab_core.render.json import render as render_json
from strategies import datasets, networks

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)


def read_back(document: str) -> PublicBilan:
    return from_data(json.loads(document, parse_float=Decimal))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bilans())
def test_the_converter_reads_back_any_bilan_it_writes(bilan: PublicBilan) -> None:
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


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_sites=3), st.booleans())
def test_write_bilan_then_read_bilan_gives_the_bilan_back(
    tmp_path_factory: pytest.TempPathFactory, sites: list[Dataset], public: bool
) -> None:
    """The public API, through a file: a network's bilan (with its sites), public or not."""
    network = network_bilan([compute_bilan(d, START, END) for d in sites], public=public)
    path = tmp_path_factory.mktemp("bilan") / "reseau.json"
    write_bilan(network, path)
    assert path.read_text("utf-8") == network.to_json() == render_json(network)
    assert read_bilan(path) == network
    with pytest.raises(UsageError, match="existe déjà"):
        write_bilan(network, path)
    write_bilan(network, path, force=True)


def test_a_masked_count_in_a_bilan_that_is_not_public_is_refused(tmp_path: Path) -> None:
    document = json.loads(render_json(compute_bilan(load_example(), START, END)))
    document["tables"]["sexe"][0]["effectif"] = "s"
    path = tmp_path / "bilan.json"
    path.write_text(json.dumps(document), "utf-8")
    assert _refusal(path) == (
        "tables.sexe[0].effectif : effectif masqué « s » dans un bilan qui n'est pas public"
    )


def test_a_folder_is_refused_in_french(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="est un dossier : read_bilan lit un fichier"):
        read_bilan(tmp_path)


# -- a bilan file checked like a workbook (issue 28) -------------------------------------------


def _site_document() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(render_json(compute_bilan(load_example(), START, END))))


def _problems(tmp_path: Path, text: str) -> list[str]:
    """Every problem read_bilan finds in ``text``, each as « path : message »."""
    path = tmp_path / "bilan.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InvalidData) as caught:
        read_bilan(path)
    for problem in caught.value.problems:
        assert problem.location.file == str(path)
    return [
        str(p).removeprefix(f"{path}, ").removeprefix(f"{path} : ") for p in caught.value.problems
    ]


def test_every_problem_of_a_bilan_file_at_once_located_by_its_json_path(tmp_path: Path) -> None:
    document = _site_document()
    sexe = document["tables"]["sexe"]
    sexe[0]["effectif"] = -3
    sexe[1]["effectif"] = 10**30
    document["seuil_secret_statistique"] = 0
    document["financement"]["contributions"][0]["financeur"] = "inconnu"
    document["financement"]["cout_total"] = "NaN"
    document["programmes"][0]["orientes"] = 1.5
    document["animations"][0]["nombre"] = "3"
    problems = _problems(tmp_path, json.dumps(document))
    assert problems == [
        'animations[0].nombre : « "3" » : il faut un nombre entier, sans guillemets',
        "financement.contributions[0].financeur : « inconnu » : code inconnu (liste « financeur »)",
        "financement.cout_total : « NaN » n'est pas un nombre",
        "programmes[0].orientes : « 1.5 » : il faut un nombre entier, sans guillemets",
        "tables.sexe[0].effectif : « -3 » : nombre négatif",
        "tables.sexe[1].effectif : « un nombre de 31 chiffres » : nombre trop grand (au plus "
        "un milliard)",
    ]
    # The range and sum checks come once the values are read.
    document = _site_document()
    document["seuil_secret_statistique"] = 0
    document["site"] = " "
    document["nouveaux"] = document["accompagnes"] + 1
    document["tables"]["canal"][0]["effectif"] += 50
    document["qpv"][0]["accompagnes"] += 1
    document["compte_rendu_financier"]["total_charges"]["realise"] = "1.00"
    hood = document["qpv"][0]["quartier"]
    (in_hood,) = [r["effectif"] for r in document["tables"]["quartier"] if r["code"] == hood]
    assert _problems(tmp_path, json.dumps(document)) == [
        "compte_rendu_financier.total_charges.realise : « 1.00 » : ce n'est pas ce que "
        "donnent les lignes (52276.49)",
        f"nouveaux : {document['nouveaux']} nouveaux, plus que les "
        f"{document['accompagnes']} accompagnés",
        "qpv : les lignes QPV font "
        f"{sum(q['accompagnes'] for q in document['qpv'])} accompagnés, et le tableau "
        f"statut_residence {document['tables']['statut_residence'][0]['effectif']} "
        "résidents QPV",
        f"qpv[0].accompagnes : plus de résidents QPV à « {hood} » que le tableau quartier "
        f"n'en compte ({in_hood})",
        f"qpv[0].sexe : les effectifs des lignes font {document['qpv'][0]['accompagnes'] - 1}, "
        f"et non {document['qpv'][0]['accompagnes']} (accompagnes du QPV "
        f"{document['qpv'][0]['quartier']})",
        "qpv[0].tranche_age : les effectifs des lignes font "
        f"{document['qpv'][0]['accompagnes'] - 1}, et non {document['qpv'][0]['accompagnes']} "
        f"(accompagnes du QPV {document['qpv'][0]['quartier']})",
        "seuil_secret_statistique : le seuil du secret statistique est d'au moins 1",
        "site : le nom du site est vide",
        f"tables.canal : les effectifs des lignes font {document['accompagnes'] + 50}, et non "
        f"{document['accompagnes']} (accompagnes)",
    ]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace('"public": false', '"public": "false"'), 'public : « "false" » : '),
        (lambda t: t.replace('"accompagnes": ', '"accompagnes": ' + "9" * 5000, 1), "4 300"),
        (lambda t: t.replace('"tables": {', '"tables": [], "x": {', 1), "tables : « une liste »"),
        (lambda t: t[:-2] + ', "sites": [1]}', "sites[0] : « 1 » : il faut un objet"),
        (lambda t: t.replace('"site": ', '"site": "a", "site": ', 1), "clé « site » en double"),
        (lambda t: t.replace('"cout_total": "', '"cout_total": NaN, "x": "', 1), "« NaN »"),
        (lambda t: t.replace('"cout_total": "', '"cout_total": 1e999999, "x": "', 1), "1E+999999"),
        (lambda t: t[:-2] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "imbriqués"),
        (lambda t: t[:-2] + ', "x": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}", "imbriqués"),
    ],
)
def test_hostile_bilan_files_are_refused_in_french(
    tmp_path: Path, edit: Callable[[str], str], expected: str
) -> None:
    text = edit(render_json(compute_bilan(load_example(), START, END)))
    problems = _problems(tmp_path, text)
    assert any(expected in p for p in problems), problems


def test_a_site_given_twice_under_two_unicode_spellings_is_refused(tmp_path: Path) -> None:
    data = load_example()
    composed = compute_bilan(
        data.replace(site=attrs.evolve(data.site, name="Pontanézen")), START, END
    )
    paths = []
    for name, spelling in (("a", "Pontane\u0301zen"), ("b", "Ponta\u200bnézen")):
        path = tmp_path / f"{name}.json"
        write_bilan(attrs.evolve(composed, site=spelling), path)
        paths.append(path)
    with pytest.raises(InvalidData, match="donné deux fois"):
        network_of_inputs(paths, START, END)
