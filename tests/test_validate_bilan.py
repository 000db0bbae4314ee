"""``citeslab valider`` on a bilan JSON file (issue 28, leftovers item 4): read as a bilan,
not as the records' canonical JSON (it said « schema_version null inconnue »), every
problem at once, each located by the file and the JSON path, like a workbook's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.bilan.file import read_bilan
from citeslab_core.cli import main
from citeslab_core.errors import InvalidData
from citeslab_core.readers import read_input
from citeslab_core.readers.example import load_example
from citeslab_core.render.json import render as render_json

TEXT = render_json(compute_bilan(load_example(), year=2023))


def _valider(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["valider", str(path)])
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def test_a_sound_bilan_file_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bilan.json"
    path.write_text(TEXT, "utf-8")
    code, out, err = _valider(path, capsys)
    assert code == 0, err
    assert out.startswith("Bilan valide : CitésLab Brest, du 1er janvier 2023 au 31 décembre")
    assert "Bilan complet, 118 porteurs accompagnés." in out


def test_every_problem_at_once_located_by_the_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(TEXT)
    document["public"] = "false"  # checked before the converter: it used to stop there
    document["accompagnes"] = -3
    document["financement"]["contributions"][0]["montant"] = "beaucoup"
    path = tmp_path / "bilan.json"
    text = json.dumps(document, ensure_ascii=False)
    path.write_text(text.replace('"site":', '"site": "Brest", "site":', 1), "utf-8")
    code, out, err = _valider(path, capsys)
    assert code == 1
    assert out == ""
    assert "schema_version" not in err
    assert err.startswith("4 erreurs dans les données")
    for where in (
        "bilan.json : clé « site » en double",
        'bilan.json, public : « "false" » : il faut true ou false, sans guillemets',
        "bilan.json, accompagnes : « -3 »",
        "bilan.json, financement.contributions[0].montant : « beaucoup »",
    ):
        assert f"/{where}" in err, err
    assert "Ce fichier est un bilan JSON" in err
    # The library says the same, at once.
    with pytest.raises(InvalidData) as caught:
        read_bilan(path)
    assert len(caught.value.problems) == 4


def test_the_relations_are_checked_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(TEXT)
    document["nouveaux"] = document["accompagnes"] + 1
    path = tmp_path / "bilan.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    code, _, err = _valider(path, capsys)
    assert code == 1
    assert "bilan.json, nouveaux" in err, err


def test_a_bilan_given_as_records_is_named_a_bilan(tmp_path: Path) -> None:
    document = json.loads(TEXT)
    document["schema"] = document.pop("schema")  # no longer the first key
    path = tmp_path / "bilan.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    with pytest.raises(InvalidData, match="c'est un bilan JSON"):
        read_input(path)


def test_a_table_row_of_an_unknown_code_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """issue 28 item 2 (« unknown codes »): a row of a vocabulary's table, or of a QPV's
    sub-table, must have a code of that vocabulary, once."""
    document = json.loads(TEXT)
    document["tables"]["sexe"][1]["code"] = "X"
    document["tables"]["niveau_formation"][1]["code"] = document["tables"]["niveau_formation"][0][
        "code"
    ]
    document["qpv"][0]["tranche_age"][0]["code"] = "18-25"
    path = tmp_path / "bilan.json"
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    code, _, err = _valider(path, capsys)
    assert code == 1
    assert "/bilan.json, tables.sexe[1].code : « X » : code inconnu (liste « sexe »)" in err
    assert "tables.niveau_formation[1].code : « " in err
    assert "ligne en double" in err
    assert "qpv[0].tranche_age[0].code : « 18-25 » : code inconnu (liste « tranche_age »)" in err
