"""Issue 28 item 5, data loss by path and weak keys: an output that is an input is refused
even with --force, nothing is written into an input folder, a key beside the files sent
is refused, and so are weak and undecodable keys, each with the way to make a good one."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.errors import UsageError
from citeslab_core.exporting import ExportFile, Registry
from citeslab_core.exporting.privacy import KEY_ENV, PseudonymKeyError, load_key
from citeslab_core.readers.example import load_example

KEY = "une clé de test suffisamment longue"
COMMAND = (sys.executable, "-m", "citeslab_core.cli")


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    assert main(["exemple", str(tmp_path / "ex")]) == 0
    return tmp_path / "ex" / "exemple.xlsx"


def test_a_report_never_replaces_its_input_even_with_force(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = workbook.read_bytes()
    for output in (workbook, workbook.parent / ".." / "ex" / "exemple.xlsx"):
        code = main(["bilan", str(workbook), "--annee", "2023", "-o", str(output), "--force"])
        assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "est l'entrée" in err
    assert "même avec --force" in err
    assert workbook.read_bytes() == before


def test_a_report_never_replaces_its_input_through_a_link(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = workbook.parent / "lien.xlsx"
    os.link(workbook, link)  # a hard link: another name, the same file
    code = main(["bilan", str(workbook), "--annee", "2023", "-o", str(link), "--force"])
    assert code == 2
    assert "est l'entrée" in capsys.readouterr().err


def test_nothing_is_written_into_an_input_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "personnes.csv").write_text("id;nom\n", encoding="utf-8")
    code = main(["bilan", str(folder), "--annee", "2023", "-o", str(folder / "bilan.json")])
    assert code == 2
    code = main(["exporter", "bpi", str(folder), "--annee", "2023", "-o", str(folder)])
    assert code == 2
    code = main(["exporter", "bpi", str(folder), "--annee", "2023", "-o", str(folder / "s")])
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("dans le dossier d'entrée") == 3
    assert sorted(p.name for p in folder.iterdir()) == ["personnes.csv"]


def test_registry_export_never_writes_over_a_protected_input(tmp_path: Path) -> None:
    class Clash:
        name = "collision"
        title = "Collision"
        formats = ("xlsx",)
        api_version = 1
        needs_participants = False

        def export(self, bilan: object, options: object, participants: object) -> object:
            return [ExportFile("classeur.xlsx", "application/octet-stream", b"remplace")]

    source = tmp_path / "classeur.xlsx"
    source.write_bytes(b"les donnees")
    bilan = compute_bilan(load_example(), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    registry = Registry.from_exporters([Clash()])
    with pytest.raises(UsageError, match="jamais remplacée"):
        registry.export("collision", bilan, tmp_path, force=True, protect=[source])
    assert source.read_bytes() == b"les donnees"


def test_a_key_file_inside_the_output_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "envoi"
    out.mkdir()
    assert main(["cle", str(out / "cle.txt")]) == 0
    capsys.readouterr()
    code = main(
        [
            "exporter",
            "pic",
            "--exemple",
            "--annee",
            "2023",
            "-o",
            str(out),
            "--cle",
            str(out / "cle.txt"),
        ]
    )
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "dans le dossier de sortie" in err
    assert "partirait avec les fichiers" in err
    assert sorted(p.name for p in out.iterdir()) == ["cle.txt"]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\x00" * 16, "trop faible"),
        (b"\x00" * 64, "trop faible"),
        (b"a" * 40, "trop faible"),
        (b"abababababababababab", "trop faible"),
        (b"court", "trop courte"),
    ],
)
def test_weak_key_files_are_refused_with_the_way_to_make_one(
    tmp_path: Path, content: bytes, why: str
) -> None:
    path = tmp_path / "cle.txt"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match=why) as caught:
        load_key(path, {})
    assert "citeslab cle FICHIER" in str(caught.value)


def test_a_weak_key_in_the_environment_is_refused() -> None:
    with pytest.raises(PseudonymKeyError, match="trop faible"):
        load_key(None, {KEY_ENV: "0000000000000000000000"})


def test_an_undecodable_key_in_the_environment_is_refused() -> None:
    # os.environ holds a non-UTF-8 byte as a lone surrogate (surrogateescape)
    with pytest.raises(PseudonymKeyError, match="UTF-8") as caught:
        load_key(None, {KEY_ENV: "une clé assez longue \udcff\udcfe"})
    assert "citeslab cle FICHIER" in str(caught.value)


def test_the_command_line_refuses_a_non_utf8_key_without_a_traceback(tmp_path: Path) -> None:
    environ = {k.encode(): v.encode("utf-8", "surrogateescape") for k, v in os.environ.items()}
    environ[b"PYTHONPATH"] = os.pathsep.join(sys.path).encode()
    environ[KEY_ENV.encode()] = b"une cl\xe9 latin-1 assez longue pour passer"
    done = subprocess.run(
        [*COMMAND, "exporter", "pic", "--exemple", "--annee", "2023", "-o", str(tmp_path / "o")],
        env=environ,
        capture_output=True,
        check=False,
    )
    err = done.stderr.decode("utf-8")
    assert done.returncode == 2, err
    assert "Traceback" not in err
    assert "pas du texte UTF-8" in err
    assert not (tmp_path / "o").exists()


def test_a_good_key_still_passes() -> None:
    assert load_key(None, {KEY_ENV: KEY}) == KEY.encode("utf-8")
