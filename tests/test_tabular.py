"""The shared writers: CSV for French Excel, XLSX, JSON, the data package, formula injection."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from citeslab_core.bilan import PublicBilan, compute_bilan
from citeslab_core.errors import UsageError
from citeslab_core.exporting import (
    INDICATOR_COLUMNS,
    MASKED,
    Cell,
    Column,
    ColumnType,
    ExportOptions,
    ExportTable,
    Masked,
    Registry,
    TableExporter,
    cell_text,
    datapackage,
    export_tables,
    to_csv,
    to_json,
    to_xlsx,
)
from citeslab_core.exporting._contract import read_info
from citeslab_core.exporting.privacy import ParticipantRow, build_participants
from citeslab_core.readers.example import load_example
from citeslab_core.readers.files import neutralise
from strategies import texts

# -- neutralise -------------------------------------------------------------------------

FORMULA_START = "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
TRIGGERS = FORMULA_START + "\t\r\n"
SPACES = {chr(c) for c in range(0x3001) if chr(c).isspace()} - set("\t\r\n") | set(
    "\u200b\u200c\u200d\u2060\ufeff"
)


def _skip(text: str, i: int, blanks: set[str]) -> int:
    while i < len(text) and text[i] in blanks:
        i += 1
    return i


def starts_formula(text: str) -> bool:
    """Would a spreadsheet take the cell (or one of its lines) for a formula?"""
    i = _skip(text, 0, SPACES)
    if i < len(text) and text[i] in TRIGGERS:
        return True
    for j, char in enumerate(text):
        if char in "\r\n":
            k = _skip(text, j + 1, SPACES | {"\t"})
            if k < len(text) and text[k] in FORMULA_START:
                return True
    return False


@pytest.mark.parametrize(
    "text",
    [
        "=SUM(A1:A2)",
        "+33 6 12",
        "-2+3",
        "@cmd",
        "\tx",
        "\rx",
        "\nx",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20x",
        "   =1",
        "\u00a0=1",
        "\u2003+1",
        "\u202f-1",
        "\u3000@x",
        "\u200b=1",
        "\ufeff=1",
        "Bellevue\n=HYPERLINK(1)",
        "Bellevue\r\n  +1",
        "a\n\t=1",
        "x\n\n-1",
        "\x0b=1",
    ],
)
def test_neutralise_prefixes_every_formula_start(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "text", ["Bellevue", "EITI Sato", "a=b", "1-2", "'=déjà", "s", "", "a\r\nb", "5"]
)
def test_neutralise_leaves_safe_text_unchanged(text: str) -> None:
    assert neutralise(text) == text


spreadsheet_texts = (
    st.text(
        alphabet=st.sampled_from([*TRIGGERS, " ", "\u00a0", "\u3000", "a", "1", "'", "é"]),
        max_size=8,
    )
    | texts
)


@given(spreadsheet_texts)
@settings(max_examples=50)
def test_neutralise_never_lets_a_formula_through(text: str) -> None:
    out = neutralise(text)
    assert out in (text, "'" + text)
    assert out.startswith("'") or not starts_formula(out)
    assert (out == text) == (not starts_formula(text))


# -- tables -----------------------------------------------------------------------------

COLUMNS = (
    Column("code", "Code", ColumnType.STRING),
    Column("effectif", "Effectif", ColumnType.INTEGER),
    Column("montant", "Montant (€)", ColumnType.AMOUNT),
    Column("part", "Part (%)", ColumnType.PERCENT),
    Column("taux", "Taux", ColumnType.NUMBER),
    Column("date", "Date", ColumnType.DATE),
    Column("flag", "Signalé", ColumnType.BOOLEAN),
)

EXAMPLE = ExportTable.of(
    "exemple",
    "Exemple",
    COLUMNS,
    [
        ("=1+1", -5, Decimal("51128.16"), Decimal("30.6"), 7, dt.date(2023, 3, 9), True),
        ("Bellevue", MASKED, Decimal("-0.50"), 0, Decimal("1.25"), None, False),
        (None, 0, None, None, None, dt.date(2024, 12, 31), None),
    ],
)


def test_csv_is_french_excel_csv() -> None:
    data = to_csv(EXAMPLE)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Code;Effectif;Montant (€);Part (%);Taux;Date;Signalé"
    assert lines[1] == "'=1+1;-5;51128,16;30,6;7;09/03/2023;oui"
    assert lines[2] == "Bellevue;s;-0,50;0;1,25;;non"
    assert lines[3] == ";0;;;;31/12/2024;"
    assert lines[4] == ""
    assert "\n" not in text.replace("\r\n", "")


def test_table_refuses_a_value_of_the_wrong_type() -> None:
    with pytest.raises(TypeError):
        ExportTable.of("t", "T", COLUMNS[:2], [("x", "12")])
    with pytest.raises(TypeError):
        ExportTable.of("t", "T", COLUMNS[:2], [("x", True)])
    with pytest.raises(TypeError):
        ExportTable.of("t", "T", COLUMNS[:2], [(MASKED, 1)])
    with pytest.raises(ValueError, match="vide"):
        ExportTable.of("t", "T", COLUMNS[:2], [(None, None)])
    with pytest.raises(ValueError, match="cellules"):
        ExportTable.of("t", "T", COLUMNS[:2], [("x",)])
    with pytest.raises(ValueError, match="titre"):
        ExportTable.of("t", "Un titre de feuille bien trop long pour Excel", COLUMNS[:1], [])
    with pytest.raises(ValueError, match="nom"):
        ExportTable.of("Pas un nom", "T", COLUMNS[:1], [])


def test_xlsx_keeps_types_formats_bold_frozen_header() -> None:
    book = load_workbook(io.BytesIO(to_xlsx([EXAMPLE])))
    sheet = book["Exemple"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    row = list(sheet[2])
    assert row[0].value == "'=1+1"
    assert row[1].value == -5
    assert row[1].data_type == "n"
    assert row[2].value == pytest.approx(51128.16)
    assert row[2].number_format == "#,##0.00"
    assert row[5].value == dt.datetime(2023, 3, 9)
    assert row[5].number_format == "dd/mm/yyyy"
    assert row[6].value == "oui"  # yes/no as text, as in the CSV
    assert sheet["B3"].value == "s"
    width = sheet.column_dimensions["A"].width
    assert width is not None
    assert width >= len("Bellevue")


def test_json_keeps_amounts_exact_and_masks_as_s() -> None:
    document = json.loads(to_json([EXAMPLE], {"schema": "x"}))
    assert document["schema"] == "x"
    rows = document["tables"]["exemple"]["lignes"]
    assert rows[0] == {
        "code": "=1+1",
        "effectif": -5,
        "montant": "51128.16",
        "part": 30.6,
        "taux": 7,
        "date": "2023-03-09",
        "flag": True,
    }
    assert rows[1]["effectif"] == "s"
    assert rows[1]["montant"] == "-0.50"


# -- read back: CSV and XLSX mean the same --------------------------------------------


def read_csv_back(table: ExportTable, data: bytes) -> list[tuple[Cell, ...]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    rows = list(reader)
    assert rows[0] == [cell_text(c.header) for c in table.columns]
    parsed = []
    for row in rows[1:]:
        cells: list[Cell] = []
        for text, column in zip(row, table.columns, strict=True):
            cells.append(_parse_csv_cell(text, column.type))
        parsed.append(tuple(cells))
    return parsed


def _parse_csv_cell(text: str, kind: ColumnType) -> Cell:
    if text == "":
        return None
    if kind.numeric and text == "s":
        return MASKED
    if kind is ColumnType.INTEGER:
        return int(text)
    if kind.numeric:
        return Decimal(text.replace(",", "."))
    if kind is ColumnType.DATE:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    if kind is ColumnType.BOOLEAN:
        return {"oui": True, "non": False}[text]
    return text


def read_xlsx_back(table: ExportTable, data: bytes) -> list[tuple[Cell, ...]]:
    sheet = load_workbook(io.BytesIO(data))[table.title]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [cell_text(c.header) for c in table.columns]
    parsed = []
    for row in rows[1:]:
        cells: list[Cell] = []
        for value, column in zip(row, table.columns, strict=True):
            cells.append(_parse_xlsx_cell(value, column.type))
        parsed.append(tuple(cells))
    return parsed


def _parse_xlsx_cell(value: Any, kind: ColumnType) -> Cell:
    if value is None:
        return None
    if kind.numeric and value == "s":
        return MASKED
    if kind is ColumnType.BOOLEAN:
        # Written « oui » / « non » as text, as in the CSV (docs/decisions.md).
        assert value in ("oui", "non")
        return bool(value == "oui")
    if kind is ColumnType.INTEGER:
        assert isinstance(value, int)
        return value
    if kind.numeric:
        assert isinstance(value, int | float)
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if kind is ColumnType.DATE:
        assert isinstance(value, dt.datetime)
        return value.date()
    assert isinstance(value, str)
    return value


def same(a: Sequence[tuple[Cell, ...]], b: Sequence[tuple[Cell, ...]]) -> bool:
    """Equal, numbers compared by value (1.50 == 1.5); a worksheet keeps no empty last
    rows, so rows with no value at all are left out on both sides."""
    return _keys(a) == _keys(b)


def _keys(rows: Sequence[tuple[Cell, ...]]) -> list[tuple[object, ...]]:
    return [tuple(_key(v) for v in row) for row in rows if any(v is not None for v in row)]


def _key(value: Cell) -> object:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return ("n", Decimal(value).normalize())
    return value


CELLS: dict[ColumnType, st.SearchStrategy[Cell]] = {
    ColumnType.INTEGER: st.integers(-(10**9), 10**9),
    ColumnType.NUMBER: st.decimals(-(10**6), 10**6, places=3, allow_nan=False),
    ColumnType.AMOUNT: st.decimals(0, 10**7, places=2, allow_nan=False),
    ColumnType.PERCENT: st.decimals(0, 100, places=1, allow_nan=False),
    ColumnType.STRING: spreadsheet_texts.filter(lambda s: s != "") | texts,
    ColumnType.DATE: st.dates(dt.date(1900, 3, 1), dt.date(2100, 12, 31)),
    ColumnType.BOOLEAN: st.booleans(),
}


@st.composite
def tables(draw: st.DrawFn) -> ExportTable:
    kinds = draw(st.lists(st.sampled_from(list(ColumnType)), min_size=1, max_size=6))
    columns = [Column(f"c{i}", f"Colonne {i}", kind) for i, kind in enumerate(kinds)]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        row: list[Cell] = []
        for kind in kinds:
            options = CELLS[kind] | st.none()
            if kind.numeric:
                options = options | st.just(MASKED)
            row.append(draw(options))
        if any(v is not None and v is not MASKED for v in row):
            rows.append(tuple(row))
    return ExportTable.of("table", "Feuille", columns, rows)


@given(tables())
@settings(max_examples=40, deadline=None)
def test_xlsx_read_back_equals_csv_read_back(table: ExportTable) -> None:
    from_csv = read_csv_back(table, to_csv(table))
    from_xlsx = read_xlsx_back(table, to_xlsx([table]))
    assert same(from_csv, from_xlsx)
    # and both say what the table says (texts neutralised, numbers untouched)
    expected = [tuple(cell_text(v) if isinstance(v, str) else v for v in row) for row in table.rows]
    assert same(from_csv, [tuple(None if v == "" else v for v in r) for r in expected])


@given(tables())
@settings(max_examples=40, deadline=None)
def test_no_written_cell_starts_a_formula(table: ExportTable) -> None:
    text = to_csv(table).decode("utf-8-sig")
    kinds = [c.type for c in table.columns]
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        for cell, kind in zip(row, kinds, strict=True):
            if kind.numeric:  # a number, "s" or empty: never a text that was written
                assert re.fullmatch(r"-?\d+(,\d+)?|s|", cell) or cell.startswith("Colonne")
            else:
                assert cell.startswith("'") or not starts_formula(cell)
    sheet = load_workbook(io.BytesIO(to_xlsx([table])))["Feuille"]
    for xrow in sheet.iter_rows(values_only=True):
        for value in xrow:
            if isinstance(value, str):
                assert value.startswith("'") or not starts_formula(value)


@given(st.integers(-(10**6), 10**6), st.decimals(-1000, 1000, places=2, allow_nan=False))
@settings(max_examples=30, deadline=None)
def test_numbers_are_never_altered(count: int, amount: Decimal) -> None:
    table = ExportTable.of(
        "t",
        "T",
        [Column("n", "N", ColumnType.INTEGER), Column("a", "A", ColumnType.AMOUNT)],
        [(count, amount)],
    )
    row = read_csv_back(table, to_csv(table))[0]
    assert row == (count, amount)
    sheet = load_workbook(io.BytesIO(to_xlsx([table])))["T"]
    assert sheet["A2"].value == count
    assert Decimal(repr(sheet["B2"].value)) == amount


# -- the data package ------------------------------------------------------------------


def test_datapackage_validates_its_csv_with_frictionless(tmp_path: Path) -> None:
    from frictionless import Package, validate

    other = ExportTable.of(
        "autre",
        "Autre",
        [Column("quartier", "Quartier", ColumnType.STRING), Column("n", "N", ColumnType.INTEGER)],
        [("s", 3), ("Kérourien", MASKED)],
    )
    files = export_tables([EXAMPLE, other], "csv", prefix="test", title="Essai", metadata={})
    for f in files:
        (tmp_path / f.name).write_bytes(f.data)
    assert sorted(f.name for f in files) == [
        "datapackage.json",
        "test_autre.csv",
        "test_exemple.csv",
    ]
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    rows = package.get_table_resource("exemple").read_rows()
    assert rows[0]["Code"] == "'=1+1"
    assert rows[0]["Montant (€)"] == Decimal("51128.16")
    assert rows[0]["Date"] == dt.date(2023, 3, 9)
    assert rows[0]["Signalé"] is True
    assert rows[1]["Effectif"] is None  # masked: a missing value, not 0
    assert rows[1]["Part (%)"] == 0
    other_rows = package.get_table_resource("autre").read_rows()
    assert other_rows[0]["Quartier"] == "s"  # a text "s" is not a masked count


@given(tables())
@settings(max_examples=10, deadline=None)
def test_datapackage_validates_any_table(table: ExportTable) -> None:
    from frictionless import Package

    files = {
        f.name: f.data for f in export_tables([table], "csv", prefix="p", title="P", metadata={})
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            Path(folder, name).write_bytes(data)
        package = Package(str(Path(folder, "datapackage.json")))
        report = package.validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        rows = package.get_table_resource("table").read_rows()
        assert len(rows) == len(table.rows)
        for got, row in zip(rows, table.rows, strict=True):
            for column, value in zip(table.columns, row, strict=True):
                read = got[cell_text(column.header)]
                if value is None or isinstance(value, Masked):
                    assert read is None
                elif isinstance(value, str):
                    assert read == cell_text(value)
                else:
                    assert _key(read) == _key(value)


def test_export_tables_formats() -> None:
    xlsx = export_tables([EXAMPLE], "xlsx", prefix="bpi", title="T", metadata={})
    assert [f.name for f in xlsx] == ["bpi.xlsx"]
    assert xlsx[0].data.startswith(b"PK")
    (doc,) = export_tables(
        [EXAMPLE], "json", prefix="bpi", title="T", metadata={"a": 1}, private=True
    )
    assert doc.name == "bpi.json"
    assert doc.private
    assert json.loads(doc.data)["a"] == 1
    with pytest.raises(ValueError, match="format"):
        export_tables([EXAMPLE], "ods", prefix="bpi", title="T", metadata={})


def test_datapackage_describes_french_csv() -> None:
    descriptor = json.loads(datapackage([EXAMPLE], {"exemple": "x.csv"}, name="n", title="t"))
    (resource,) = descriptor["resources"]
    assert resource["path"] == "x.csv"
    assert resource["encoding"] == "utf-8-sig"
    assert resource["dialect"]["delimiter"] == ";"
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["Date"] == {"name": "Date", "type": "date", "format": "%d/%m/%Y"}
    assert fields["Montant (€)"]["decimalChar"] == ","
    assert fields["Effectif"]["type"] == "integer"
    assert fields["Signalé"]["trueValues"] == ["oui"]
    assert "missingValues" not in fields["Code"]


# -- TableExporter: an exporter that only describes its tables ---------------------------

_ROWS_COLUMNS = (
    Column("pseudonyme", "Pseudonyme", ColumnType.STRING),
    Column("sortie", "Date de sortie", ColumnType.DATE),
)


def _accompanied(bilan: PublicBilan) -> ExportTable:
    return ExportTable.of(
        "bref", "En bref", INDICATOR_COLUMNS, [("accompagnes", "Accompagnés", bilan.accompanied)]
    )


def _persons(rows: Sequence[ParticipantRow]) -> ExportTable:
    return ExportTable.of(
        "personnes", "Personnes", _ROWS_COLUMNS, [(r.pseudonym, r.exit_date) for r in rows]
    )


def _note(bilan: PublicBilan) -> list[tuple[str, str]]:
    return [("Note", f"{bilan.accompanied} personnes")]


YEAR_2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def test_a_table_exporter_keeps_the_contract_and_writes_its_tables() -> None:
    exporter = TableExporter(
        name="essai", title="Essai", api_version=1, tables=(_accompanied,), notes=_note
    )
    assert not isinstance(read_info(exporter, "essai"), str)
    assert Registry.from_exporters([exporter]).get("essai") is exporter
    assert exporter.needs_participants is False
    assert exporter.formats == ("xlsx", "csv", "json")
    data = load_example()
    bilan = compute_bilan(data, *YEAR_2023)
    (document,) = exporter.export(bilan, ExportOptions("json"), None)
    assert (document.name, document.private) == ("essai_2023.json", False)
    tables = json.loads(document.data)["tables"]
    assert list(tables) == ["bref", "informations"]
    assert tables["bref"]["lignes"] == [
        {"code": "accompagnes", "indicateur": "Accompagnés", "valeur": bilan.accompanied}
    ]
    info = {r["rubrique"]: r["valeur"] for r in tables["informations"]["lignes"]}
    assert info["Structure"] == "CitésLab Brest"
    assert info["Structure porteuse"] == "DEFIS Emploi"
    assert info["Territoire"] == "Brest métropole"
    assert info["Période"] == "du 1er janvier 2023 au 31 décembre 2023"
    assert info["Note"] == f"{bilan.accompanied} personnes"


def test_a_participant_table_exporter_is_private_and_never_public() -> None:
    exporter = TableExporter(
        name="essai",
        title="Essai",
        api_version=1,
        tables=(_accompanied,),
        participant_tables=(_persons,),
        formats=("csv",),
    )
    assert not isinstance(read_info(exporter, "essai"), str)
    assert exporter.needs_participants is True
    data = load_example()
    bilan = compute_bilan(data, *YEAR_2023)
    rows = build_participants(
        data, *YEAR_2023, key=b"une cle de test assez longue", exporter="essai"
    )
    files = {f.name: f for f in exporter.export(bilan, ExportOptions("csv"), rows)}
    assert list(files) == [
        "essai_2023_personnes.csv",
        "essai_2023_bref.csv",
        "essai_2023_informations.csv",
        "datapackage.json",
    ]
    assert all(f.private for name, f in files.items() if name != "datapackage.json")
    lines = files["essai_2023_personnes.csv"].data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + len(rows) == 1 + bilan.accompanied
    with pytest.raises(UsageError, match="pas un document public"):
        exporter.export(bilan, ExportOptions("csv", public=True), rows)
    public = compute_bilan(data, *YEAR_2023, public=True)
    with pytest.raises(UsageError, match="pas un document public"):
        exporter.export(public, ExportOptions("csv"), rows)
    with pytest.raises(UsageError, match="demande les participants"):
        exporter.export(bilan, ExportOptions("csv"), None)


def test_a_table_exporter_states_its_contract_version() -> None:
    # No default: the version is the one the author wrote for, never the library's.
    with pytest.raises(TypeError, match="api_version"):
        TableExporter(name="essai", title="Essai")  # type: ignore[call-arg]
    old = TableExporter(name="essai", title="Essai", api_version=0, tables=(_accompanied,))
    problem = read_info(old, "essai")
    assert isinstance(problem, str)
    assert "version 0" in problem
