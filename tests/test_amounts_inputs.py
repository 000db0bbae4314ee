"""Issue 28 item 8, amounts and inputs: a percentage is not an amount, the canonical JSON
never rounds an amount silently, and the command line works on any terminal encoding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from citeslab_core.cli import main
from citeslab_core.errors import CellError, InvalidData
from citeslab_core.model.amounts import parse_amount
from citeslab_core.readers import read_input
from citeslab_core.readers._cells import PercentCell, _amount
from citeslab_core.readers.converter import dumps, loads
from citeslab_core.readers.example import load_example


@pytest.mark.parametrize("text", ["12,5 %", "50%", "50 %", "3\u202f%", "2 \u2030"])
def test_a_percentage_is_not_an_amount(text: str) -> None:
    with pytest.raises(CellError, match="un pourcentage n'est pas un montant"):
        parse_amount(text)


def test_a_percentage_formatted_cell_is_not_an_amount() -> None:
    with pytest.raises(CellError, match="format pourcentage n'est pas un montant") as caught:
        _amount(PercentCell(0.24))
    assert "« 24 % »" in str(caught.value)


@pytest.mark.parametrize("text", ["16000", "16 000,00 €", "12,50", "0.5"])
def test_amounts_still_read(text: str) -> None:
    assert parse_amount(text) > 0


@pytest.mark.parametrize("value", ["1234.567", "0.004", "0.001"])
@pytest.mark.parametrize("table", ["budget", "financements"])
def test_the_canonical_json_refuses_amounts_it_cannot_hold(table: str, value: str) -> None:
    document = json.loads(dumps(load_example()))
    document[table][0]["montant"] = value
    with pytest.raises(InvalidData, match="au plus deux décimales") as caught:
        loads(json.dumps(document))
    assert f"{table}[0]" in str(caught.value)


def test_the_canonical_json_keeps_exact_amounts() -> None:
    document = json.loads(dumps(load_example()))
    document["budget"][0]["montant"] = "1234.50"
    assert loads(json.dumps(document)).budget[0].amount == Decimal("1234.50")


def test_the_command_line_works_on_an_ascii_terminal() -> None:
    environ = {
        **os.environ,
        "LC_ALL": "C",
        "PYTHONUTF8": "0",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    environ.pop("PYTHONIOENCODING", None)
    done = subprocess.run(
        [sys.executable, "-m", "citeslab_core.cli", "bilan", "--exemple", "--annee", "2023"],
        env=environ,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode("ascii", "replace")
    assert b"Traceback" not in done.stderr
    assert b"Bilan Cit?sLab Brest" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "citeslab_core.cli", "bilan", "--exemple"],
        env=environ,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr
    assert b"indiquez la p?riode" in done.stderr


PORTEURS = "id;sexe\nP1;F\n"
SUIVIS = "porteur;date;type\nP1;01/03/2023;entretien\n"


def csv_folder(path: Path) -> Path:
    path.mkdir()
    (path / "porteurs.csv").write_text(PORTEURS, encoding="utf-8")
    (path / "suivis.csv").write_text(SUIVIS, encoding="utf-8")
    return path


def test_a_plain_csv_folder_reads(tmp_path: Path) -> None:
    assert len(read_input(csv_folder(tmp_path / "csv")).persons) == 1


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: os.mkfifo(p), "tube (FIFO)"),
        (lambda p: p.mkdir(), "c'est un dossier"),
        (lambda p: p.symlink_to(p.parent / "absent.csv"), "lien symbolique cassé"),
        (lambda p: p.symlink_to("/dev/zero"), "périphérique"),
    ],
    ids=["fifo", "dossier", "lien-casse", "peripherique"],
)
def test_an_optional_sheet_that_is_not_a_file_is_named(
    tmp_path: Path, make: Callable[[Path], object], said: str
) -> None:
    folder = csv_folder(tmp_path / "csv")
    make(folder / "animations.csv")  # an optional sheet
    begun = time.monotonic()
    with pytest.raises(InvalidData) as caught:
        read_input(folder)
    assert time.monotonic() - begun < 30
    (problem,) = caught.value.problems
    assert problem.location.file == "animations.csv"
    assert said in problem.message


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: os.mkfifo(p), "tube (FIFO)"),
        (lambda p: p.symlink_to("/dev/zero"), "périphérique"),
        (lambda p: p.symlink_to(p.parent / "absent.xlsx"), "lien symbolique cassé"),
    ],
    ids=["fifo", "peripherique", "lien-casse"],
)
def test_an_input_that_is_not_a_file_is_refused(
    tmp_path: Path, make: Callable[[Path], object], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("entree.json", "entree.xlsx"):
        path = tmp_path / name
        make(path)
        assert main(["bilan", str(path), "--annee", "2023"]) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert said in err
        assert "Traceback" not in err
        path.unlink()


@pytest.mark.parametrize(
    "invisible",
    ["\u034f", "\ufe0f", "\ufe00", "\U000e0100", "\u3164", "\u115f", "\u200b", "\u00ad"],
    ids=["cgj", "vs16", "vs1", "vs17", "hangul", "hangul-choseong", "zwsp", "shy"],
)
def test_ids_differing_by_an_invisible_code_point_are_one_person(invisible: str) -> None:
    from citeslab_core.model.identity import identity_key

    assert identity_key(f"P0{invisible}01") == identity_key("P001")
    assert identity_key(f"Kérourien{invisible}") == identity_key("Kérourien")


def test_one_person_in_a_csv_folder_whatever_the_invisible_marks(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "porteurs.csv").write_text("id;sexe\nP1;F\n", encoding="utf-8")
    (folder / "suivis.csv").write_text(
        "porteur;date;type\nP1;01/03/2023;entretien\nP\u034f1;02/03/2023;entretien\n"
        "P1\ufe0f;03/03/2023;entretien\n",
        encoding="utf-8",
    )
    data = read_input(folder)
    assert len(data.persons) == 1
    assert len(data.events) == 3
