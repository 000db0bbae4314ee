"""``citeslab report A B C`` and ``citeslab export NAME A B C``: the network on the command
line, from records and bilan files mixed; every refusal exits 1 in French, no traceback,
no file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.readers.converter import dumps
from citeslab_core.readers.example import load_example
from citeslab_core.render.json import render as render_json

NAMES = ("CitésLab Brest", "CitésLab Quimper", "CitésLab Morlaix")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three sites' records (canonical JSON) and their 2023 bilan files."""
    folder = tmp_path_factory.mktemp("reseau")
    data = load_example()
    paths: dict[str, Path] = {}
    for i, name in enumerate(NAMES):
        site = data.replace(site=attrs.evolve(data.site, name=name))
        records = folder / f"site{i}.json"
        records.write_text(dumps(site), "utf-8")
        bilan = folder / f"bilan{i}.json"
        bilan.write_text(render_json(compute_bilan(site, year=2023)), "utf-8")
        paths[f"site{i}"], paths[f"bilan{i}"] = records, bilan
    public = folder / "public.json"
    public.write_text(render_json(compute_bilan(data, year=2023, public=True)), "utf-8")
    paths["public"] = public
    other = folder / "autre.json"
    other.write_text('{"bonjour": 1}', "utf-8")
    paths["autre"] = other
    return paths


def _report(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _without_provenance(document: dict[str, Any]) -> dict[str, Any]:
    document.pop("provenance", None)
    for site in document.get("sites", ()):
        site.pop("provenance", None)
    return document


def test_records_and_bilan_files_give_the_same_network(
    sites: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    records = [str(sites[f"site{i}"]) for i in range(3)]
    files = [str(sites[f"bilan{i}"]) for i in range(3)]
    mixed = [records[0], files[1], records[2]]
    documents = []
    for inputs in (records, files, mixed):
        code, out, err = _report([*inputs, "--year", "2023", "--format", "json"], capsys)
        assert code == 0, err
        documents.append(_without_provenance(json.loads(out)))
    assert documents[0] == documents[1] == documents[2]
    network = documents[0]
    assert network["site"] == "3 sites"
    assert [s["site"] for s in network["sites"]] == list(NAMES)
    one = network["sites"][0]
    assert network["accompagnes"] == 3 * one["accompagnes"]
    for key, rows in network["tables"].items():
        assert [r["effectif"] for r in rows] == [
            sum(s["tables"][key][i]["effectif"] for s in network["sites"]) for i in range(len(rows))
        ]


def test_html_shows_the_sites(sites: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    inputs = [str(sites[f"bilan{i}"]) for i in range(3)]
    code, out, err = _report([*inputs, "--year", "2023", "--format", "html"], capsys)
    assert code == 0, err
    assert "Par site" in out
    for name in NAMES:
        assert name in out


def test_public_network_masks_after_summing(
    sites: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = [str(sites[f"bilan{i}"]) for i in range(3)]
    code, out, _ = _report([*inputs, "--year", "2023", "--format", "json", "--public"], capsys)
    assert code == 0
    document = json.loads(out)
    assert document["public"] is True
    assert all(s["public"] for s in document["sites"])


@pytest.mark.parametrize(
    ("inputs", "year", "expected"),
    [
        (["public", "site1"], 2023, "bilan public"),
        (["site0", "site0"], 2023, "donné deux fois"),
        (["bilan0", "site0"], 2023, "donné deux fois"),
        (["bilan0", "site1"], 2022, "pas de la période demandée"),
        (["autre", "site1"], 2023, "autre.json"),
    ],
)
def test_refusals_exit_1_in_french_and_write_nothing(
    inputs: list[str],
    year: int,
    expected: str,
    sites: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / "reseau.json"
    argv = [*(str(sites[i]) for i in inputs), "--year", str(year), "-o", str(output)]
    code, _, err = _report([*argv, "--format", "json"], capsys)
    assert code == 1
    assert expected in err
    assert "Traceback" not in err
    assert sites[inputs[0]].name in err or sites[inputs[-1]].name in err
    assert not output.exists()
    assert list(tmp_path.iterdir()) == []


def test_export_keys_each_site_into_the_pseudonyms(
    sites: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CITESLAB_PSEUDO_KEY", "une clé de test assez longue")
    records = [str(sites[f"site{i}"]) for i in range(2)]
    out = tmp_path / "pic"
    code = main(["export", "pic", *records, "--year", "2023", "-o", str(out), "--format", "json"])
    assert code == 0, capsys.readouterr().err
    (written,) = out.iterdir()
    document = json.loads(written.read_text("utf-8"))
    rows = document["tables"]["participants"]["lignes"]
    pseudonyms = [row["pseudonyme"] for row in rows]
    one = compute_bilan(load_example(), year=2023).accompanied
    # The same ids in both sites are distinct persons, with distinct pseudonyms.
    assert len(pseudonyms) == len(set(pseudonyms)) == 2 * one
    # From bilan files there are no records: refused, nothing written.
    files = [str(sites["bilan0"]), str(sites["site1"])]
    refused = tmp_path / "refus"
    code = main(["export", "pic", *files, "--year", "2023", "-o", str(refused)])
    assert code == 2
    assert "fiches de chaque site" in " ".join(capsys.readouterr().err.split())
    assert not refused.exists()
    bpi = tmp_path / "bpi"
    assert main(["export", "bpi", *files, "--year", "2023", "-o", str(bpi)]) == 0
