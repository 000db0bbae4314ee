"""The command line's network from mixed inputs (issue 28, leftovers item 1): a workbook, a
CSV folder and a bilan JSON file summed by the one path ``network_bilan`` takes; the same
site given twice, under names that differ only by Unicode form or an invisible
character, refused with a message that says where to rename it in the input given."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import attrs
import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.network import network_bilan
from citeslab_core.readers.example import load_example
from citeslab_core.readers.workbook import write_workbook
from citeslab_core.render.json import render as render_json

NAME = unicodedata.normalize("NFC", "Pontanézen")
NFD = unicodedata.normalize("NFD", NAME)
ZWSP = "Ponta\u200bnézen"
assert len({NAME, NFD, ZWSP}) == 3


def _workbook(path: Path, name: str) -> Path:
    data = load_example()
    path.write_bytes(write_workbook(data.replace(site=attrs.evolve(data.site, name=name))))
    return path


def _folder(path: Path, name: str) -> Path:
    path.mkdir()
    (path / "structure.csv").write_text(f"cle;valeur\nnom;{name}\n", encoding="utf-8")
    (path / "porteurs.csv").write_text("id;sexe\nP1;F\nP2;H\n", encoding="utf-8")
    (path / "suivis.csv").write_text(
        "porteur;date;type\nP1;01/03/2023;entretien\nP2;02/03/2023;entretien\n",
        encoding="utf-8",
    )
    return path


def _bilan_file(path: Path, name: str) -> Path:
    data = load_example()
    site = data.replace(site=attrs.evolve(data.site, name=name))
    path.write_text(render_json(compute_bilan(site, year=2023)), "utf-8")
    return path


def _report(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["bilan", *argv, "--annee", "2023", "--format", "json"])
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def test_a_workbook_a_folder_and_a_bilan_file_make_one_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = [
        _workbook(tmp_path / "brest.xlsx", "CitésLab Brest"),
        _folder(tmp_path / "quimper", "CitésLab Quimper"),
        _bilan_file(tmp_path / "morlaix.json", "CitésLab Morlaix"),
    ]
    code, out, err = _report([str(p) for p in inputs], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert [s["site"] for s in document["sites"]] == [
        "CitésLab Brest",
        "CitésLab Quimper",
        "CitésLab Morlaix",
    ]
    # The command line and the Python API are one path: the same network.
    expected = json.loads(render_json(network_bilan(inputs, year=2023)))
    for made in (document, expected):
        made.pop("provenance", None)
        for site in made["sites"]:
            site.pop("provenance", None)
    assert document == expected
    assert document["accompagnes"] == sum(s["accompagnes"] for s in document["sites"])


def test_the_same_site_twice_is_refused_in_the_terms_of_each_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = [
        _workbook(tmp_path / "site.xlsx", NAME),
        _folder(tmp_path / "dossier", ZWSP),
        _bilan_file(tmp_path / "bilan.json", NFD),
    ]
    output = tmp_path / "reseau.json"
    code, _, err = _report([*(str(p) for p in inputs), "-o", str(output)], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert not output.exists()
    assert err.count("est donné deux fois") == 2, err
    # Each refusal is located at the second input and says where its name is written.
    assert "site.xlsx, feuille structure, à la ligne de clé « nom »" in err
    assert "dossier/structure.csv, à la ligne de clé « nom »" in err
    assert "bilan.json, au chemin JSON site" in err
    # Never the Python API's advice, nor structure.csv for a workbook.
    assert "network_bilan" not in err
    assert "site.xlsx/structure.csv" not in err


def test_a_site_of_a_network_bilan_is_named_by_its_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = load_example()
    bilans = [
        compute_bilan(data.replace(site=attrs.evolve(data.site, name=n)), year=2023)
        for n in ("Brest", NAME)
    ]
    network = tmp_path / "reseau-2023.json"
    network.write_text(render_json(network_bilan(bilans)), "utf-8")
    folder = _folder(tmp_path / "csv", NFD)
    code, _, err = _report([str(network), str(folder)], capsys)
    assert code == 1
    assert "reseau-2023.json, au chemin JSON sites[1].site" in err
    assert "csv/structure.csv" in err


def test_the_same_file_twice_is_said_to_be_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = _workbook(tmp_path / "site.xlsx", NAME)
    code, _, err = _report([str(workbook), str(workbook)], capsys)
    assert code == 1
    assert "la même entrée deux fois" in err
    assert "retirez l'entrée en double" in err


def test_one_bilan_file_alone_is_its_site_not_a_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _bilan_file(tmp_path / "bilan.json", NAME)
    code, out, err = _report([str(path)], capsys)
    assert code == 0, err
    document = json.loads(out)
    assert document["site"] == NAME
    assert "sites" not in document or not document["sites"]


def test_the_current_folder_is_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """« . » is the CSV folder one stands in (it was refused as « chemin vide »), and the
    message names the folder by its own name."""
    workbook = _workbook(tmp_path / "site.xlsx", NAME)
    folder = _folder(tmp_path / "quimper", NFD)
    monkeypatch.chdir(folder)
    assert main(["valider", "."]) == 0
    capsys.readouterr()
    code, _, err = _report([str(workbook), "."], capsys)
    assert code == 1
    assert "chemin vide" not in err
    assert "dans quimper/structure.csv, à la ligne de clé « nom »" in err
