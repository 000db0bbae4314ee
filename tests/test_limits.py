"""What no site's data can be, refused in French by every reader (issue 15, the reading
findings): each test below is one finding of the attack report, reproduced."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.errors import CellError, InvalidData, Problem
from citeslab_core.model import Dataset, Funding, FundingPolicy, Site
from citeslab_core.model.amounts import parse_amount
from citeslab_core.model.dates import PartialDate, parse_date
from citeslab_core.model.identity import identity_key
from citeslab_core.model.limits import MAX_SHARED_STRINGS
from citeslab_core.readers import read_input
from citeslab_core.readers import workbook as workbook_reader
from citeslab_core.readers.converter import loads
from citeslab_core.vocabularies import Funder

PORTEURS = "id;sexe\nP1;F\n"
SUIVIS = "porteur;date;type\nP1;01/03/2023;entretien\n"


def csv_folder(path: Path, **files: str) -> Path:
    """A CSV folder with ``porteurs`` and ``suivis`` unless given, and these files."""
    path.mkdir()
    for name, text in {"porteurs": PORTEURS, "suivis": SUIVIS, **files}.items():
        (path / f"{name}.csv").write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[Problem]:
    with pytest.raises(InvalidData) as caught:
        read_input(path)
    return list(caught.value.problems)


def json_problems(document: object) -> list[Problem]:
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(InvalidData) as caught:
        loads(text)
    return list(caught.value.problems)


def base(**tables: object) -> dict[str, object]:
    document: dict[str, object] = {
        "schema_version": 1,
        "porteurs": [{"id": "P1"}],
        "suivis": [{"porteur": "P1", "date": "2023-03-01", "type": "entretien"}],
    }
    document.update(tables)
    return document


# -- numbers: bounded, with a French message instead of a crash --------------------------


@pytest.mark.parametrize("raw", ["1" * 27, "1e30", 1e308, "9" * 5000, "NaN", float("inf")])
def test_huge_amounts_are_refused_in_french(raw: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_amount(raw)
    assert "trop" in str(caught.value) or "n'est pas un montant" in str(caught.value)


def test_huge_amounts_in_every_reader(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "csv",
        financements="annee;financeur;montant\n2023;bpi;" + "1" * 27 + "\n2024;bpi;1e30\n",
    )
    found = problems(folder)
    assert [p.location.row for p in found] == [2, 3]
    assert "trop grand" in found[0].message
    (problem,) = json_problems(
        base(financements=[{"annee": 2023, "financeur": "bpi", "montant": "1e30"}])
    )
    assert "trop grand" in problem.message
    workbook = tmp_path / "x.xlsx"
    xlsx(workbook, financements=[["annee", "financeur", "montant"], [2023, "bpi", 1e308]])
    (problem,) = problems(workbook)
    assert (problem.location.sheet, problem.location.row) == ("financements", 2)
    assert "trop grand" in problem.message


def test_counts_are_bounded(tmp_path: Path) -> None:
    workbook = tmp_path / "x.xlsx"
    xlsx(
        workbook,
        animations=[["date", "type", "participants"], ["2023-03-01", "atelier_thematique", 1e26]],
    )
    (problem,) = problems(workbook)
    assert "trop grand" in problem.message
    animation = {"date": "2023-03-01", "type": "atelier_thematique", "participants": 10**26}
    (problem,) = json_problems(base(animations=[animation]))
    assert "trop grand" in problem.message


def test_integers_of_thousands_of_digits(tmp_path: Path) -> None:
    text = '{"schema_version": 1, "structure": {"annee": ' + "9" * 5000 + "}}"
    (problem,) = json_problems(text)
    assert "4 300 chiffres" in problem.message
    folder = csv_folder(
        tmp_path / "csv",
        animations="date;type;participants\n01/03/2023;atelier_thematique;" + "9" * 5000,
    )
    (problem,) = problems(folder)
    assert "trop long" in problem.message


def test_json_nested_100_000_deep_is_a_french_error() -> None:
    text = '{"schema_version": 1, "porteurs": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (problem,) = json_problems(text)
    assert "imbriqués trop profond" in problem.message


@pytest.mark.parametrize("year", [10000, 0, -5])
def test_structure_year_out_of_range(tmp_path: Path, year: int) -> None:
    workbook = tmp_path / "x.xlsx"
    xlsx(
        workbook,
        structure=[["cle", "valeur"], ["annee", year]],
        partenariats=[["partenaire", "date"], ["BGE", "novembre"]],
    )
    found = problems(workbook)
    assert "entre 1900 et 2100" in found[0].message
    assert found[0].location.sheet == "structure"
    (problem,) = json_problems(base(structure={"annee": year}))
    assert (problem.location.sheet, problem.location.column) == ("structure", "annee")


def test_a_context_year_out_of_range_is_a_cell_error() -> None:
    with pytest.raises(CellError, match="entre 1900 et 2100"):
        parse_date("novembre", partial=True, context_year=10000)


def test_lone_surrogates_in_json_are_refused_where_they_are() -> None:
    text = json.dumps(base(porteurs=[{"id": "P1", "nom": "\ud800"}]))
    assert "\\ud800" in text
    (problem,) = json_problems(text)
    assert problem.location.sheet == "porteurs[0].nom"
    assert "UTF-16" in problem.message
    # a pair, escaped whole, is one character and reads
    data = loads(json.dumps(base(porteurs=[{"id": "P1", "nom": "\U0001f600"}])))
    assert data.persons[0].last_name == "\U0001f600"


# -- dates ---------------------------------------------------------------------------------


def test_a_two_digit_birth_year_is_never_in_the_future(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "csv", porteurs="id;date_naissance\nP1;15/06/85\nP2;3/2/05\n")
    data = read_input(folder)
    births = [p.birth for p in data.persons]
    assert births == [PartialDate.day(dt.date(1985, 6, 15)), PartialDate.day(dt.date(2005, 2, 3))]
    assert parse_date("15/06/85").start == dt.date(2085, 6, 15)  # an event: the 2000s
    assert parse_date("15/06/24", birth=True, context_year=2023).start.year == 1924


@pytest.mark.parametrize("birth", ["0001", "9999", "1850"])
def test_birth_years_out_of_range(tmp_path: Path, birth: str) -> None:
    folder = csv_folder(tmp_path / "csv", porteurs=f"id;date_naissance\nP1;{birth}\n")
    (problem,) = problems(folder)
    assert problem.location.column == "date_naissance"
    json_problems(base(porteurs=[{"id": "P1", "date_naissance": birth}]))


def test_a_birth_in_the_future_is_refused() -> None:
    future = dt.date.today().year + 5
    (problem,) = json_problems(base(porteurs=[{"id": "P1", "date_naissance": str(future)}]))
    assert "futur" in problem.message


@pytest.mark.parametrize("year", ["-5", "10000", "0"])
def test_funding_years_out_of_range(tmp_path: Path, year: str) -> None:
    folder = csv_folder(tmp_path / "csv", financements=f"annee;financeur;montant\n{year};bpi;100\n")
    (problem,) = problems(folder)
    assert problem.location.column == "annee"
    funding = {"annee": int(year), "financeur": "bpi", "montant": "100.00"}
    (problem,) = json_problems(base(financements=[funding]))
    assert "entre 1900 et 2100" in problem.message


def test_a_date_cell_before_1900_is_refused(tmp_path: Path) -> None:
    workbook = tmp_path / "x.xlsx"
    xlsx(workbook, suivis=[["porteur", "date", "type"], ["P1", -5, "entretien"]], date_cells=True)
    (problem,) = problems(workbook)
    assert (problem.location.sheet, problem.location.row) == ("suivis", 2)
    assert "entre 1900 et 2100" in problem.message


@pytest.mark.parametrize("kind", ["csv", "json", "xlsx"])
def test_a_megabyte_in_a_date_column_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    huge = "1" * 1_000_000 + "/2023"
    started = time.perf_counter()
    if kind == "csv":
        found = problems(
            csv_folder(tmp_path / "csv", suivis=f"porteur;date;type\nP1;{huge};entretien\n")
        )
    elif kind == "json":
        found = json_problems(base(suivis=[{"porteur": "P1", "date": huge, "type": "entretien"}]))
    else:
        workbook = tmp_path / "x.xlsx"
        xlsx(workbook, suivis=[["porteur", "date", "type"], ["P1", huge[:32_000], "entretien"]])
        found = problems(workbook)
    assert time.perf_counter() - started < 5
    assert any("trop long" in p.message for p in found)
    assert all(len(p.message) < 300 for p in found)  # the cell is not echoed


def test_a_text_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "csv", porteurs="id;commentaire\nP1;" + "x" * 40_000 + "\n")
    (problem,) = problems(folder)
    assert "la limite d'Excel" in problem.message
    (problem,) = json_problems(base(porteurs=[{"id": "P1", "commentaire": "x" * 40_000}]))
    assert "la limite d'Excel" in problem.message


# -- spreadsheet floats ------------------------------------------------------------------------


def test_a_formula_float_artifact_is_the_cent_excel_shows(tmp_path: Path) -> None:
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    with pytest.raises(CellError, match="deux décimales"):
        parse_amount(0.305)  # a real third decimal
    with pytest.raises(CellError, match="deux décimales"):
        parse_amount("0.30000000000000004")  # typed, not computed
    workbook = tmp_path / "x.xlsx"
    xlsx(workbook, financements=[["annee", "financeur", "montant"], [2023, "bpi", 0.1 + 0.2]])
    assert read_input(workbook).fundings[0].amount == Decimal("0.30")


# -- JSON goes through the workbook's checks ------------------------------------------------


@pytest.mark.parametrize(
    ("funding", "column"),
    [
        ({"part_declaree": "150"}, "part_declaree"),
        ({"part_declaree": "-5"}, "part_declaree"),
        ({"montant": "16000.005"}, "montant"),
        ({"cout_total": "1.001"}, "cout_total"),
    ],
)
def test_json_funding_rows_are_checked_like_cells(funding: dict[str, str], column: str) -> None:
    row = {"annee": 2023, "financeur": "bpi", "montant": "16000.00", **funding}
    (problem,) = json_problems(base(financements=[row]))
    assert problem.location.sheet == "financements[0]"
    assert problem.location.column == column


@pytest.mark.parametrize(
    "policy",
    [{"plafonds": {"bpi": "500"}}, {"seuil_ecart_financement": "-1"}],
)
def test_json_policy_numbers_are_checked_like_cells(policy: dict[str, object]) -> None:
    (problem,) = json_problems(base(structure={"politique_financement": policy}))
    assert "entre 0 et 100" in problem.message


def test_the_model_refuses_what_the_readers_refuse() -> None:
    with pytest.raises(InvalidData):
        Dataset.build(fundings=[Funding(2023, Funder.BPI, Decimal("1.005"))])
    with pytest.raises(InvalidData):
        Dataset.build(site=Site(funding_policy=FundingPolicy(caps={Funder.BPI: Decimal(500)})))


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_schema_version_must_be_the_integer(version: object) -> None:
    (problem,) = json_problems({"schema_version": version})
    assert "schema_version" in problem.message


def test_duplicate_json_keys_are_refused() -> None:
    text = '{"schema_version": 1, "porteurs": [{"id": "P1"}], "porteurs": []}'
    (problem,) = json_problems(text)
    assert "« porteurs » en double" in problem.message
    text = '{"schema_version": 1, "porteurs": [{"id": "P1", "id": "P2"}]}'
    (problem,) = json_problems(text)
    assert "« id » en double" in problem.message


# -- unreadable inputs: exit 1, French, the same for every format ---------------------------


def _unreadable_inputs(tmp_path: Path) -> list[Path]:
    # /proc/self/mem refuses to be read from offset 0, even by root (who reads a mode 000
    # file): an input the system does not let us read, in every format.
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "porteurs.csv").symlink_to("/proc/self/mem")
    (folder / "suivis.csv").write_text(SUIVIS, encoding="utf-8")
    paths = [folder]
    for name in ("x.xlsx", "x.json", "x.ods"):
        (tmp_path / name).symlink_to("/proc/self/mem")
        paths.append(tmp_path / name)
    return paths


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="Linux /proc")
def test_unreadable_inputs_exit_1_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for path in _unreadable_inputs(tmp_path):
        assert main(["validate", str(path)]) == 1
        err = capsys.readouterr().err
        assert "fichier illisible" in err, err
        assert "Errno" not in err
        assert "Traceback" not in err
        assert "manque" not in err  # an unreadable file is not called missing


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file of mode 000")
def test_permission_denied_is_said_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0)
    assert main(["validate", str(path)]) == 1
    assert "permission refusée" in capsys.readouterr().err


# -- helpers ---------------------------------------------------------------------------------


def xlsx(path: Path, *, date_cells: bool = False, **sheets: list[list[object]]) -> Path:
    """A workbook with ``porteurs`` and ``suivis`` unless given, and these sheets."""
    defaults: dict[str, list[list[object]]] = {
        "porteurs": [["id"], ["P1"]],
        "suivis": [["porteur", "date", "type"], ["P1", "2023-03-01", "entretien"]],
    }
    wb = openpyxl.Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    for name, rows in {**defaults, **sheets}.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if date_cells and name == "suivis":
            ws["B2"].number_format = "DD/MM/YYYY"
    wb.save(path)
    return path


# -- workbooks no site keeps -------------------------------------------------------------------


def _rewrite(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """The workbook at ``path`` with one part's XML changed, written back in place."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _sheet_part(path: Path, title: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


@pytest.mark.parametrize(
    ("row", "expected"), [("99999999999", "ligne 99"), ("0", "ligne 0"), ("1048577", "1 048 576")]
)
def test_a_row_beyond_excel_is_refused_at_once(tmp_path: Path, row: str, expected: str) -> None:
    workbook = xlsx(tmp_path / "x.xlsx")
    far = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>P9</t></is></c></row>'
    _rewrite(
        workbook,
        _sheet_part(workbook, "porteurs"),
        lambda x: x.replace("</sheetData>", far + "</sheetData>"),
    )
    started = time.perf_counter()
    (problem,) = problems(workbook)
    assert time.perf_counter() - started < 5
    assert problem.location.sheet == "porteurs"
    assert expected in problem.message.replace("\u202f", " ")


def test_a_column_beyond_excel_is_refused(tmp_path: Path) -> None:
    workbook = xlsx(tmp_path / "x.xlsx")
    far = '<row r="3"><c r="XFE3" t="inlineStr"><is><t>x</t></is></c></row>'
    _rewrite(
        workbook,
        _sheet_part(workbook, "porteurs"),
        lambda x: x.replace("</sheetData>", far + "</sheetData>"),
    )
    (problem,) = problems(workbook)
    assert "XFD" in problem.message


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_millions_of_shared_strings_are_refused_before_parsing(tmp_path: Path) -> None:
    workbook = xlsx(tmp_path / "x.xlsx", porteurs=[["id", "nom"], ["P1", "Alix"]])
    many = "<si><t/></si>" * (MAX_SHARED_STRINGS + 1)
    sst = f'<sst xmlns="{MAIN}">{many}</sst>'
    with zipfile.ZipFile(workbook, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", sst)
    relation = (
        '<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.openxmlformats'
        '.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    _rewrite(
        workbook, "xl/_rels/workbook.xml.rels", lambda x: x.replace("</Relationships>", relation)
    )
    assert workbook.stat().st_size < 1_000_000
    started = time.perf_counter()
    (problem,) = problems(workbook)
    assert time.perf_counter() - started < 10
    assert "textes différents" in problem.message


def test_a_workbook_too_large_once_uncompressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the real limit is 512 MiB: a test writing that much would take seconds
    monkeypatch.setattr(workbook_reader, "MAX_PART_BYTES", 2**20)
    workbook = xlsx(tmp_path / "x.xlsx")
    with zipfile.ZipFile(workbook, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/blank.bin", b"\0" * (2**20 + 1))
    (problem,) = problems(workbook)
    assert "Mio" in problem.message


# -- identity by normalised text -----------------------------------------------------------

INVISIBLY_DIFFERENT = [
    ("P001", "p001"),  # case
    ("P001", "P\u200b001"),  # zero-width space
    ("P001", "\ufeffP001"),  # byte order mark
    ("P001", "P\u00ad001"),  # soft hyphen
    ("P001", "\uff30\uff10\uff10\uff11"),  # fullwidth
    ("Pontan\u00e9zen", "Pontane\u0301zen"),  # NFC / NFD
    ("Saint Marc", " saint  marc\u00a0"),  # spaces
]


@pytest.mark.parametrize(("first", "second"), INVISIBLY_DIFFERENT)
def test_identity_key_sees_through_invisible_differences(first: str, second: str) -> None:
    assert identity_key(first) == identity_key(second)


def test_identity_key_keeps_accents_and_letters() -> None:
    assert identity_key("Pontanézen") != identity_key("Pontanezen")
    assert identity_key("P001") != identity_key("P0001")


@pytest.mark.parametrize(("first", "second"), INVISIBLY_DIFFERENT)
def test_person_ids_that_differ_invisibly_are_one_person(
    tmp_path: Path, first: str, second: str
) -> None:
    folder = csv_folder(
        tmp_path / "csv",
        porteurs=f"id\n{first}\n{second}\n",
        suivis=f"porteur;date;type\n{first};01/03/2023;entretien\n",
    )
    (problem,) = problems(folder)
    assert (problem.location.row, problem.location.column) == (3, "id")
    assert "en double" in problem.message
    (problem,) = json_problems(base(porteurs=[{"id": first}, {"id": second}], suivis=[]))
    assert problem.location.sheet == "porteurs[1]"


def test_an_event_names_its_person_as_porteurs_spells_it(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "csv",
        porteurs="id\nP001\n",
        suivis="porteur;date;type\n p\u200b001;01/03/2023;entretien\n",
    )
    data = read_input(folder)
    assert [e.person for e in data.events] == ["P001"]
    assert len(data.events_by_person["P001"]) == 1


def test_neighbourhoods_and_programmes_are_matched_and_spelt_once(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "csv",
        quartiers="quartier;statut_residence\nPontan\u00e9zen;qpv\n",
        porteurs=(
            "id;quartier\nP1;Pontane\u0301zen\nP2;pontanézen\u200b\nP3;Bellevue\nP4;BELLEVUE  \n"
        ),
        suivis=(
            "porteur;date;type;programme\nP1;01/03/2023;entretien;\n"
            "P2;01/03/2023;entretien;\nP3;01/03/2023;entretien;\nP4;01/03/2023;entretien;\n"
            "P1;02/03/2023;candidature_programme;EITI Sato\n"
            "P2;02/03/2023;candidature_programme;eiti  sato\n"
        ),
        animations="date;type;quartier\n01/03/2023;atelier_thematique;PONTANÉZEN\n",
    )
    data = read_input(folder)
    hoods = [(p.neighbourhood, p.residence and p.residence.code) for p in data.persons]
    assert hoods == [
        ("Pontan\u00e9zen", "qpv"),
        ("Pontan\u00e9zen", "qpv"),
        ("Bellevue", None),
        ("Bellevue", None),
    ]
    assert {e.programme for e in data.events} == {None, "EITI Sato"}
    assert data.animations[0].neighbourhood == "Pontan\u00e9zen"
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    rows = [(r.code, r.count) for r in bilan.table("quartier").rows if r.count]
    assert rows == [("Pontan\u00e9zen", 2), ("Bellevue", 2)]


def test_a_neighbourhood_declared_twice_with_two_statuses_is_an_error(tmp_path: Path) -> None:
    folder = csv_folder(
        tmp_path / "csv", quartiers="quartier;statut_residence\nBellevue;qpv\nbellevue ;hors_qpv\n"
    )
    (problem,) = problems(folder)
    assert (problem.location.sheet, problem.location.row) == ("quartiers", 3)
    assert "déclaré deux fois" in problem.message
    hoods = [
        {"quartier": "Bellevue", "statut_residence": "qpv"},
        {"quartier": "Bellevue", "statut_residence": "hors_qpv"},
    ]
    (problem,) = json_problems(base(quartiers=hoods))
    assert problem.location.sheet == "quartiers[1]"


def test_declared_twice_alike_and_duplicate_funding_rows_are_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = csv_folder(
        tmp_path / "csv",
        quartiers="quartier;statut_residence\nBellevue;qpv\nBELLEVUE;qpv\n",
        financements="annee;financeur;montant\n2023;bpi;100\n2023;bpi;100\n2023;bpi;50\n",
    )
    data = read_input(folder)
    assert [(n.location.sheet, n.location.row) for n in data.notes] == [
        ("quartiers", 3),
        ("financements", 3),
    ]
    assert "additionnent" in data.notes[1].message
    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().err.count("Avertissement : ") == 2


def test_hidden_sheets_are_noted(tmp_path: Path) -> None:
    workbook = xlsx(tmp_path / "x.xlsx", textes=[["section", "texte"], ["perspectives", "x"]])
    wb = openpyxl.load_workbook(workbook)
    wb["textes"].sheet_state = "veryHidden"
    wb["porteurs"].sheet_state = "hidden"
    wb.save(workbook)
    notes = read_input(workbook).notes
    assert sorted(n.location.sheet or "" for n in notes) == ["porteurs", "textes"]
    assert any("veryHidden" in n.message for n in notes)


def _repeated_ods(path: Path, porteurs_rows: str) -> Path:
    """An ``.ods`` whose ``porteurs`` sheet holds the rows ``porteurs_rows`` (XML)."""
    from test_readers import ods

    ods(path, {"porteurs": [["id"]], "suivis": [["porteur", "date", "type"]]})
    return _rewrite(
        path,
        "content.xml",
        lambda x: x.replace(
            "</table:table-row></table:table>",
            "</table:table-row>" + porteurs_rows + "</table:table>",
            1,
        ),
    )


CELL = '<table:table-cell office:value-type="string"><text:p>P1</text:p></table:table-cell>'


@pytest.mark.parametrize(
    "rows",
    [
        f'<table:table-row table:number-rows-repeated="1000000000">{CELL}</table:table-row>',
        f'<table:table-row><table:table-cell table:number-columns-repeated="100000"/>{CELL}'
        "</table:table-row>",
        f'<table:table-row table:number-rows-repeated="100000">{CELL}'
        f'<table:table-cell table:number-columns-repeated="1000"/>{CELL}</table:table-row>',
    ],
)
def test_repeated_ods_rows_and_columns_are_refused_at_once(tmp_path: Path, rows: str) -> None:
    path = _repeated_ods(tmp_path / "x.ods", rows)
    assert path.stat().st_size < 2_000
    started = time.perf_counter()
    (problem,) = problems(path)
    assert time.perf_counter() - started < 5
    assert problem.location.sheet == "porteurs"


def test_empty_repeated_ods_rows_are_fine(tmp_path: Path) -> None:
    # what LibreOffice writes after a sheet's last row: empty rows, repeated to the end
    empty = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    path = _repeated_ods(tmp_path / "x.ods", f"<table:table-row>{CELL}</table:table-row>{empty}")
    data = read_input(path)
    assert [p.id for p in data.persons] == ["P1"]


def test_an_id_of_invisible_characters_only_is_empty(tmp_path: Path) -> None:
    folder = csv_folder(tmp_path / "csv", porteurs="id\nP1\n\u200b\ufeff\n")
    (problem,) = problems(folder)
    assert (problem.location.row, problem.location.column) == (3, "id")
    assert "identifiant vide" in problem.message
    (problem,) = json_problems(base(porteurs=[{"id": "P1"}, {"id": "\u200b"}]))
    assert problem.location.sheet == "porteurs[1]"
