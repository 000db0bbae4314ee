"""The benchmarks' own correctness (issue 14): the messy site is the clean site's data
written as people type it, and the pandas baseline computes what citeslab computes.

Times are never asserted: they depend on the machine (docs/performance.md)."""

from __future__ import annotations

import csv
import importlib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from citeslab_core import read_input
from citeslab_core.cli import main

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
PERSONS = 400


def _benchmark(name: str) -> ModuleType:
    """A module of benchmarks/ (they import each other by plain name)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    generate = _benchmark("generate")
    base = tmp_path_factory.mktemp("sites")
    clean, messy = base / "propre", base / "brouillon"
    assert generate.generate(clean, PERSONS) == generate.generate(messy, PERSONS, messy=True)
    return clean, messy


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 0
    return capsys.readouterr().out


def test_the_messy_site_holds_the_clean_sites_data(sites: tuple[Path, Path]) -> None:
    clean, messy = (read_input(site) for site in sites)
    assert messy.persons == clean.persons
    assert messy.events == clean.events
    assert messy.neighbourhoods == clean.neighbourhoods


def test_the_messy_site_gives_the_same_bilan_and_followup(
    sites: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")
    clean, messy = sites
    for command in (
        ["report", "--year", "2023", "--format", "json"],
        ["followup", "--on", "2023-10-01", "--format", "json"],
    ):
        assert _run([command[0], str(messy), *command[1:]], capsys) == _run(
            [command[0], str(clean), *command[1:]], capsys
        )


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="cp1252", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_the_messy_files_are_cp1252_with_mixed_dates_labels_and_empty_rows(
    sites: tuple[Path, Path],
) -> None:
    clean, messy = sites
    for name in ("porteurs.csv", "suivis.csv"):
        data = (messy / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert "é" in data.decode("cp1252")
        rows = _rows(messy / name)
        empty = [row for row in rows if not any(row)]
        assert len(empty) >= 2, name
        assert any(row == [] for row in rows)  # a blank line
        assert any(row and not any(row) for row in rows)  # separators only
        assert len(rows) - len(empty) == len(_rows(clean / name))
    events = [row for row in _rows(messy / "suivis.csv")[1:] if any(row)]
    shapes = Counter(
        next(
            (
                shape
                for shape, pattern in {
                    "iso": r"\d{4}-\d\d-\d\d",
                    "jj/mm/aaaa": r"\d\d/\d\d/\d{4}",
                    "jj/mm/aa": r"\d\d/\d\d/\d\d",
                    "j/m/aaaa": r"\d{1,2}/\d{1,2}/\d{4}",
                    "jj.mm.aaaa": r"\d\d\.\d\d\.\d{4}",
                }.items()
                if re.fullmatch(pattern, row[1])
            ),
            "autre",
        )
        for row in events
    )
    assert set(shapes) == {"iso", "jj/mm/aaaa", "jj/mm/aa", "j/m/aaaa", "jj.mm.aaaa"}
    assert all(count > len(events) / 10 for count in shapes.values())
    codes = {"entretien", "point_etape", "orientation", "candidature_programme"}
    codes |= {"decision_programme", "sortie"}
    types = Counter(row[2] for row in events)
    assert sum(n for t, n in types.items() if t not in codes) > len(events) / 2
    assert {"Entretien individuel", "ENTRETIEN INDIVIDUEL", "point d etape"} <= set(types)
    assert any(t != t.strip() for t in types)  # spaces typed around a label
    people = [row for row in _rows(messy / "porteurs.csv")[1:] if any(row)]
    situations = {row[8] for row in people}
    assert "Demandeur d'emploi indemnisé" in situations
    assert any(s.isupper() for s in situations)
    assert any("emploi indemnise" in s.lower() for s in situations)  # typed without accents
    assert not any(re.fullmatch(r"\d\d/\d\d/\d\d", row[5]) for row in people)  # 4-digit years


def test_the_labels_read_as_their_codes() -> None:
    from citeslab_core.vocabularies import VOCABULARIES

    vocabulary = {
        "statut_residence": "statut_residence",
        "stade_entree": "stade",
        "type": "type_suivi",
        "categorie": "categorie_orientation",
        "decision": "decision_programme",
        "resultat": "resultat_sortie",
    }
    for column, forms in _benchmark("labels").LABELS.items():
        cls = VOCABULARIES[vocabulary.get(column, column)]
        for code, labels in forms.items():
            for label in labels:
                assert cls.parse(label).code == code, (column, label)


def test_the_pandas_baseline_computes_citeslabs_figures_on_both_sites(
    sites: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A baseline that computes something else is no baseline (run.py checks it too)."""
    baseline, run = _benchmark("pandas_baseline"), _benchmark("run")
    clean, messy = sites
    bilan = json.loads(_run(["report", str(clean), "--year", "2023", "--format", "json"], capsys))
    assert bilan["accompagnes"] > 50
    for site, is_messy in ((clean, False), (messy, True)):
        figures = baseline.bilan(site, 2023, messy=is_messy)
        assert run.disagreements(figures, bilan) == []
    changed = baseline.bilan(messy, 2023, messy=True)
    changed["tables"]["sexe"]["F"] += 1
    assert run.disagreements(changed, bilan) != []  # the check does check


def test_run_py_measures_and_checks_on_a_small_site(tmp_path: Path) -> None:
    """A smoke test of the harness (2 site folders, one round): it runs, the baseline
    agrees, and it prints the ratios; the figures themselves are never asserted."""
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "run.py"),
            *("--persons", "200", "--sites", "2", "--repeat", "1"),
            *("--start-up-rounds", "1", "--work", str(tmp_path)),
            *("--before", sys.executable),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "check: the pandas baseline gives citeslab's figures" in out
    assert "check: citeslab report before and after give the same bilan JSON" in out
    assert ": yes" in out
    assert "NO" not in out
    for line in (
        "citeslab report / pandas: time ×",
        "citeslab followup / pandas: time ×",
        "report on 2 folders / one folder: CPU ×",
        "to_frames(): ",
        "after / before (CPU, memory):",
    ):
        assert line in out
    assert (tmp_path / "citeslab-bench-200-messy" / "porteurs.csv").exists()


def test_peers_py_checks_then_measures_on_small_sites(tmp_path: Path) -> None:
    """A smoke test of the issue-26 harness (one round, small sites): the peers' figures
    are checked equal to citeslab's first, then the ratios printed; never asserted."""
    done = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "peers.py"),
            *("--repeat", "1", "--sizes", "300", "--workbook-persons", "100"),
            *("--work", str(tmp_path)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for line in (
        "check: the workbook's",
        "check: 300: the analyst's tables are the bilan's, pure and Arrow alike",
        "check: the notebook's frames hold pandas' rows",
        "300: citeslab bilan (Arrow) / 300: pandas analyst: time ×",
        "notebook: read_input + to_frames / notebook: pandas.read_csv: time ×",
        "citeslab --help: ",
    ):
        assert line in out
