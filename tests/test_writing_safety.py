"""Issue 15, writing side: one cell cleaner for every writer, safe output streams, paths
that are never replaced when they are not regular files, key files that are bounded."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.errors import UsageError
from citeslab_core.exporting import ExportOptions
from citeslab_core.exporting.privacy import (
    KEY_ENV,
    MAX_KEY_FILE_BYTES,
    PseudonymKeyError,
    build_participants,
    load_key,
)
from citeslab_core.model import Dataset
from citeslab_core.readers.example import load_example
from citeslab_core.readers.files import check_writable, clean_text, write_atomic
from citeslab_core.readers.workbook import write_workbook
from citeslab_exporters import bpi, contrat_de_ville, pic

KEY = b"une cle de test assez longue"
#: Everything a site's cell may hold that XML or an encoder cannot.
HOSTILE = "A\ufffeB\uffffC\x01D\x0bE\ud800F\udfffG"


def _xml_ok(char: str) -> bool:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return False
    return code >= 0x20 or char in "\t\n\r"


@given(st.text(alphabet=st.characters(codec=None)))
def test_clean_text_leaves_only_what_xml_and_utf8_hold(text: str) -> None:
    cleaned = clean_text(text)
    assert all(_xml_ok(c) for c in cleaned)
    cleaned.encode("utf-8")  # never raises: no lone surrogate is left
    assert len(cleaned) == len(text)
    if all(_xml_ok(c) for c in text):
        assert cleaned == text


def hostile_dataset() -> Dataset:
    """The example with the hostile characters in the site's name, a quartier (declared
    and of its residents) and every programme."""
    data = load_example()
    hood = data.neighbourhoods[0]
    new_name = hood.name + HOSTILE
    return data.replace(
        site=attrs.evolve(data.site, name="CitésLab " + HOSTILE, host=HOSTILE),
        neighbourhoods=(attrs.evolve(hood, name=new_name), *data.neighbourhoods[1:]),
        persons=tuple(
            attrs.evolve(p, neighbourhood=new_name) if p.neighbourhood == hood.name else p
            for p in data.persons
        ),
        events=tuple(
            attrs.evolve(e, programme=e.programme + HOSTILE) if e.programme else e
            for e in data.events
        ),
    )


def assert_well_formed_xlsx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(archive.read(name))  # raises if not well-formed


@pytest.mark.parametrize("exporter", [bpi.exporter, contrat_de_ville.exporter, pic.exporter])
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_exports_of_hostile_names_are_well_formed(exporter: object, fmt: str) -> None:
    data = hostile_dataset()
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    participants = build_participants(
        data,
        bilan.start,
        bilan.end,
        key=KEY,
        exporter=exporter.name,  # type: ignore[attr-defined]
    )
    files = exporter.export(bilan, ExportOptions(fmt), participants)  # type: ignore[attr-defined]
    assert files
    for f in files:
        text = f.data.decode("utf-8-sig") if not f.name.endswith(".xlsx") else ""
        if f.name.endswith(".xlsx"):
            assert_well_formed_xlsx(f.data)
        elif f.name.endswith(".json"):
            json.loads(text)
        assert "\ufffe" not in text
        assert "\uffff" not in text


def test_the_workbook_of_hostile_names_is_well_formed() -> None:
    assert_well_formed_xlsx(write_workbook(hostile_dataset()))


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
@pytest.mark.parametrize("command", ["report", "followup"])
def test_lone_surrogates_never_reach_an_encoder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, command: str
) -> None:
    data = load_example().replace(
        site=attrs.evolve(load_example().site, name="CitésLab \ud800 Brest"),
    )
    path = tmp_path / "site.json"
    # What a JSON input with "\ud800" (escaped, valid JSON) gives once read.
    from citeslab_core.readers.converter import dumps

    path.write_text(dumps(data), encoding="utf-8", errors="surrogatepass")
    if command == "followup" and fmt == "html":
        pytest.skip("followup has no HTML")
    argv = [command, str(path), "--format", fmt]
    argv += ["--year", "2023"] if command == "report" else ["--on", "2023-12-31"]
    try:
        code = main([*argv, "-o", str(tmp_path / "out")] if command == "report" else argv)
    except UsageError:  # pragma: no cover - the reader may refuse it: that is fine too
        return
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    if code == 0 and command == "report":
        written = (tmp_path / "out").read_bytes().decode("utf-8")  # valid UTF-8
        assert "\ud800" not in written


def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    environ = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "citeslab_core.cli", *args],
        capture_output=True,
        env=environ,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_a_cp1252_terminal_gets_a_fallback_not_a_traceback(fmt: str) -> None:
    result = _run_cli(
        "report", "--example", "--year", "2023", "--format", fmt,
        env={"PYTHONIOENCODING": "cp1252"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode("cp1252")
    assert b"Traceback" not in result.stderr
    text = result.stdout.decode("cp1252")
    assert "Accompagn" in text or "accompagn" in text
    if fmt == "text":
        assert "\xa0%" in text  # babel's narrow no-break space became a no-break space


def test_an_ascii_terminal_gets_a_fallback_not_a_traceback() -> None:
    result = _run_cli("report", "--example", "--year", "2023", env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr
    result.stdout.decode("ascii")


def test_a_closed_stdout_is_a_french_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    assert main(["report", "--example", "--year", "2023"]) == 2
    err = capsys.readouterr().err
    assert "sortie standard est fermée" in err
    assert "Traceback" not in err


def test_a_closed_stdout_in_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "citeslab_core.cli", "report", "--example", "--year", "2023"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert b"AttributeError" not in result.stderr
    assert "sortie standard est fermée" in result.stderr.decode("utf-8")


# -- paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_a_dangling_symlink_is_never_replaced(tmp_path: Path, force: bool) -> None:
    link = tmp_path / "bilan.txt"
    link.symlink_to(tmp_path / "nulle-part")
    with pytest.raises(UsageError, match="lien symbolique"):
        write_atomic(link, b"x", force=force)
    assert link.is_symlink()
    assert not (tmp_path / "nulle-part").exists()


@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_to_a_file_is_never_replaced(tmp_path: Path, force: bool) -> None:
    target = tmp_path / "cible.txt"
    target.write_bytes(b"avant")
    link = tmp_path / "bilan.txt"
    link.symlink_to(target)
    with pytest.raises(UsageError, match="lien symbolique"):
        write_atomic(link, b"x", force=force)
    assert link.is_symlink()
    assert target.read_bytes() == b"avant"


@pytest.mark.parametrize("force", [False, True])
def test_a_device_is_never_replaced(force: bool) -> None:
    with pytest.raises(UsageError, match="périphérique"):
        check_writable(Path("/dev/null"), force=force)


@pytest.mark.parametrize("force", [False, True])
def test_a_directory_or_a_fifo_is_never_replaced(tmp_path: Path, force: bool) -> None:
    folder = tmp_path / "dossier"
    folder.mkdir()
    with pytest.raises(UsageError, match="dossier"):
        write_atomic(folder, b"x", force=force)
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="tube"):
        write_atomic(fifo, b"x", force=force)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_regular_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    path = tmp_path / "bilan.txt"
    path.write_bytes(b"avant")
    with pytest.raises(UsageError, match="--force"):
        write_atomic(path, b"apres")
    write_atomic(path, b"apres", force=True)
    assert path.read_bytes() == b"apres"


def test_report_to_a_symlink_exits_2_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "bilan.html"
    link.symlink_to(tmp_path / "ailleurs.html")
    code = main(["report", "--example", "--year", "2023", "-o", str(link), "--force"])
    assert code == 2
    assert "lien symbolique" in capsys.readouterr().err
    assert not (tmp_path / "ailleurs.html").exists()


def test_export_never_replaces_a_symlink_in_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "bpi_2023.xlsx").symlink_to(tmp_path / "ailleurs.xlsx")
    code = main(["export", "bpi", "--example", "--year", "2023", "-o", str(out), "--force"])
    assert code == 2
    assert "lien symbolique" in capsys.readouterr().err
    assert not (tmp_path / "ailleurs.xlsx").exists()


# -- key files -------------------------------------------------------------------------


def test_a_fifo_key_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "cle"
    os.mkfifo(fifo)
    with pytest.raises(PseudonymKeyError, match="pas un fichier ordinaire"):
        load_key(fifo, {})


def test_dev_zero_as_key_file_is_refused() -> None:
    with pytest.raises(PseudonymKeyError, match="pas un fichier ordinaire"):
        load_key(Path("/dev/zero"), {})


def test_a_huge_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cle"
    path.write_bytes(b"k" * (MAX_KEY_FILE_BYTES + 1))
    path.chmod(0o600)
    with pytest.raises(PseudonymKeyError, match="dépasse"):
        load_key(path, {})


def test_a_world_readable_key_gets_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "cle"
    path.write_bytes(b"une cle secrete assez longue\n")
    path.chmod(0o644)
    warnings: list[str] = []
    assert load_key(path, {}, warn=warnings.append) == b"une cle secrete assez longue"
    assert len(warnings) == 1
    assert "lisible par tous" in warnings[0]
    path.chmod(0o600)
    warnings.clear()
    load_key(path, {}, warn=warnings.append)
    assert warnings == []


def test_export_with_a_fifo_key_ends_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    fifo = tmp_path / "cle"
    os.mkfifo(fifo)
    code = main(
        ["export", "pic", "--example", "--year", "2023", "-o", str(tmp_path / "o"),
         "--key-file", str(fifo)]
    )  # fmt: skip
    assert code == 2  # a key file to fix: a usage error
    assert "pas un fichier ordinaire" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("module", ["text", "json", "html"])
def test_renderers_never_return_what_an_encoder_refuses(module: str) -> None:
    import importlib

    render = importlib.import_module(f"citeslab_core.render.{module}").render
    data = load_example().replace(
        site=attrs.evolve(load_example().site, name="Cités\ud800Lab\uffff")
    )
    text = render(compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
    text.encode("utf-8")
    assert "\uffff" not in text
    assert "Cités\ufffdLab\ufffd" in text


@pytest.mark.parametrize("fmt", ["ics", "html", "csv"])
def test_the_calendar_holds_no_character_its_format_refuses(fmt: str) -> None:
    from citeslab_core.model import Animation
    from citeslab_core.model.dates import PartialDate
    from citeslab_core.vocabularies import AnimationStatus, AnimationType
    from citeslab_exporters.calendrier import exporter as calendrier

    data = load_example()
    hostile = Animation(
        PartialDate.day(dt.date(2024, 3, 14)),
        AnimationType.ATELIER_THEMATIQUE,
        title="Atelier\x01\x0b créer\uffff",
        place="Salle\x02 B",
        status=AnimationStatus.PREVU,
    )
    data = data.replace(animations=(*data.animations, hostile))
    bilan = compute_bilan(data, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    files = calendrier.export(bilan, ExportOptions(fmt), None)
    for f in files:
        text = f.data.decode("utf-8-sig")
        assert not any(c in text for c in "\x01\x02\x0b\uffff"), f.name
