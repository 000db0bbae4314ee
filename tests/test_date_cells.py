"""Huge, NaN and infinite numbers in date cells (issue 28 item 8, « a date cell of 9e15
prints a raw Python UserWarning »): ``citeslab valider`` in a subprocess says where the
cell is, in French, and its standard error holds no warning, no traceback and no panic of
calamine's Rust code (``-INF`` in a date cell made its date library panic)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

SRC = str(Path(__file__).resolve().parent.parent / "src")

#: The value written in the date cell, as the sheet's XML holds it.
XLSX_VALUES = ["9e15", "-9e15", "1e300", "NaN", "INF", "-INF", "1e309"]


def _xlsx(path: Path, raw: str) -> Path:
    """A workbook whose one event's date cell (suivis!B2, formatted as a date) holds
    ``raw``: openpyxl writes 9e15; the XML is then edited for what it cannot write."""
    workbook = openpyxl.Workbook()
    persons = workbook.active
    assert persons is not None
    persons.title = "porteurs"
    persons.append(["id", "sexe"])
    persons.append(["P1", "F"])
    events = workbook.create_sheet("suivis")
    events.append(["porteur", "date", "type"])
    events.append(["P1", 9e15, "entretien"])
    events["B2"].number_format = "dd/mm/yyyy"
    plain = path.with_suffix(".tmp")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                assert b"<v>9000000000000000</v>" in data
                data = data.replace(b"<v>9000000000000000</v>", f"<v>{raw}</v>".encode())
            copy.writestr(info, data)
    plain.unlink()
    return path


def _ods(path: Path, cell: str) -> Path:
    """An OpenDocument spreadsheet whose one event's date cell is ``cell``."""

    def text(value: str) -> str:
        cell = '<table:table-cell office:value-type="string">'
        return f"{cell}<text:p>{value}</text:p></table:table-cell>"

    def row(*cells: str) -> str:
        return f"<table:table-row>{''.join(cells)}</table:table-row>"

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        f'<table:table table:name="porteurs">{row(text("id"), text("sexe"))}'
        f"{row(text('P1'), text('F'))}</table:table>"
        f'<table:table table:name="suivis">{row(text("porteur"), text("date"), text("type"))}'
        f"{row(text('P1'), cell, text('entretien'))}</table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        archive.writestr("content.xml", content)
    return path


ODS_CELLS = {
    "float-9e15": '<table:table-cell office:value-type="float" office:value="9e15"/>',
    "float-nan": '<table:table-cell office:value-type="float" office:value="NaN"/>',
    "float-moins-inf": '<table:table-cell office:value-type="float" office:value="-inf"/>',
    "date-an-9e9": (
        '<table:table-cell office:value-type="date" office:date-value="9000000000-01-01"/>'
    ),
}


def _valider(path: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "citeslab_core.cli", "valider", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC, "RUST_BACKTRACE": "1"},
        timeout=120,
        check=False,
    )
    return done.returncode, done.stderr


def _assert_located(code: int, err: str, name: str) -> None:
    assert code == 1, err
    for raw in ("Warning", "Traceback", "panicked", "Error", "backtrace"):
        assert raw not in err, err
    lines = [line for line in err.splitlines() if line.startswith("- ")]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"- {name}, suivis!B2 (colonne « Date ») : « "), err
    assert "n'est pas une date" in err, err


@pytest.mark.parametrize("raw", XLSX_VALUES)
def test_a_number_no_date_can_be_in_an_xlsx_date_cell(tmp_path: Path, raw: str) -> None:
    path = _xlsx(tmp_path / "site.xlsx", raw)
    code, err = _valider(path)
    _assert_located(code, err, "site.xlsx")
    assert "1899" not in err  # NaN is not the day Excel counts from
    assert "caractères" not in err  # 1e300 is a number, not 301 digits of text


@pytest.mark.parametrize("cell", sorted(ODS_CELLS))
def test_a_number_no_date_can_be_in_an_ods_date_cell(tmp_path: Path, cell: str) -> None:
    path = _ods(tmp_path / "site.ods", ODS_CELLS[cell])
    code, err = _valider(path)
    _assert_located(code, err, "site.ods")
