"""A library changes nothing of the program that imports it (issue 22): importing every
citeslab module and reading a CSV folder leave the process's settings as they were."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from citeslab_core.errors import InvalidData
from citeslab_core.readers import read_input

SRC = Path(__file__).parent.parent / "src"

#: Run in a fresh interpreter: the settings before, every module imported, a CSV folder
#: (with a quoted cell, read by csv.reader) read, the settings after.
SCRIPT = r"""
import csv, decimal, gc, json, locale, pkgutil, importlib, sys, warnings
from pathlib import Path

def state():
    return {
        "field_size_limit": csv.field_size_limit(),
        "gc": [gc.isenabled(), list(gc.get_threshold())],
        "locale": locale.setlocale(locale.LC_ALL, None),
        "warnings": [repr(f) for f in warnings.filters],
        "decimal": repr(decimal.getcontext()),
        "recursion": sys.getrecursionlimit(),
    }

before = state()
modules = []
for package in ("citeslab_core", "citeslab_exporters"):
    root = importlib.import_module(package)
    modules.append(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
        modules.append(info.name)
from citeslab_core.readers import read_input
data = read_input(Path(sys.argv[1]))
print(json.dumps({"before": before, "after": state(), "modules": len(modules),
                  "persons": len(data.persons)}))
"""


def _folder(path: Path, nom: str = "x") -> Path:
    path.mkdir()
    (path / "porteurs.csv").write_text(f'id;nom\nP1;"{nom}"\nP2;y\n', encoding="utf-8")
    (path / "suivis.csv").write_text(
        "porteur;date;type\nP1;2023-03-01;entretien\n", encoding="utf-8"
    )
    return path


def test_importing_and_reading_change_no_setting_of_the_process(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "site", "Le Gall;\nAnne")  # quoted: csv.reader reads it
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found["persons"] == 2
    assert found["modules"] > 50  # every module, not a few
    assert found["after"] == found["before"]


def test_a_quoted_cell_beyond_the_csv_limit_is_refused_where_it_is(tmp_path: Path) -> None:
    """A quoted cell longer than ``csv.field_size_limit()`` (131 072 characters unless the
    program set another) is refused at its row, without raising the limit."""
    import csv

    # The limit is the program's: another library of the test run (frictionless) may have
    # raised it to sys.maxsize, so this test sets its own and puts the program's back.
    program_limit = csv.field_size_limit(4096)
    try:
        folder = _folder(tmp_path / "site", "n" * 4097)
        with pytest.raises(InvalidData) as caught:
            read_input(folder)
        (problem,) = caught.value.problems
        assert (problem.location.file, problem.location.row) == ("porteurs.csv", 2)
        assert "une cellule de plus de" in problem.message
        assert len(problem.message) < 200
        assert csv.field_size_limit() == 4096
    finally:
        csv.field_size_limit(program_limit)
