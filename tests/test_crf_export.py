"""The compte rendu financier in the ``contrat_de_ville`` export: tables and Cerfa files."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from citeslab_core.bilan import PublicBilan, compute_bilan
from citeslab_core.cli import main
from citeslab_core.exporting import ExportFile, ExportOptions
from citeslab_core.readers.example import load_example
from citeslab_core.render.json import to_data
from citeslab_exporters import contrat_de_ville

Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def example_bilan() -> PublicBilan:
    return compute_bilan(load_example(), *Y2023)


def files(bilan: PublicBilan, fmt: str) -> dict[str, ExportFile]:
    found = contrat_de_ville.exporter.export(bilan, ExportOptions(fmt), None)
    return {f.name: f for f in found}


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def expected_lines(bilan: PublicBilan) -> dict[str, list[tuple[str, str, Decimal, Decimal]]]:
    """The bilan JSON's compte rendu financier: (compte, libellé, prévu, réalisé) by side."""
    crf = to_data(bilan)["compte_rendu_financier"]
    return {
        side: [
            (x["compte"], x["libelle"], money(x["prevu"]), money(x["realise"])) for x in crf[side]
        ]
        for side in ("charges", "produits")
    }


def test_tables_in_json_add_up_and_are_the_bilans() -> None:
    bilan = example_bilan()
    (document,) = files(bilan, "json").values()
    tables = json.loads(document.data)["tables"]
    expected = expected_lines(bilan)
    for side in ("charges", "produits"):
        rows = tables[f"crf_{side}"]["lignes"]
        lines = [r for r in rows if r["ligne"] == "compte"]
        total = rows[-1]
        assert [
            (r["compte"], r["libelle"], money(r["prevu"]), money(r["realise"])) for r in lines
        ] == expected[side]
        # a total has no account: its libellé names it, as on the Cerfa
        assert (total["compte"], total["ligne"]) == ("", "total_general")
        assert all(r["compte"] == "" for r in rows if r["ligne"].startswith("total"))
        assert total["libelle"].startswith("Total")
        for key in ("prevu", "realise", "ecart"):
            assert money(total[key]) == sum(money(r[key]) for r in lines)
        # each class's subtotal is its lines' sum
        for sub in (r for r in rows if r["ligne"] == "sous_total"):
            mine = [r for r in lines if r["compte"].startswith(sub["compte"])]
            assert mine
            assert money(sub["realise"]) == sum(money(r["realise"]) for r in mine)
        for r in rows:
            assert money(r["ecart"]) == money(r["realise"]) - money(r["prevu"])
    produits = tables["crf_produits"]["lignes"]
    subsidies = {
        r["financeur"]: r["realise"] for r in produits if r["compte"] == "74" and r["financeur"]
    }
    assert subsidies == {"bpi": "16000.00", "contrat_de_ville": "10000.00", "pic": "15000.00"}
    pic = next(r for r in produits if r["financeur"] == "pic")
    assert pic["ecart_pourcentage"] == -50
    # The total line includes the contributions volontaires (86 / 87), as the Cerfa's TOTAL.
    assert produits[-1]["realise"] == "53876.49"
    assert tables["crf_charges"]["lignes"][-1]["realise"] == "53876.49"


def test_csv_has_the_two_tables() -> None:
    names = set(files(example_bilan(), "csv"))
    assert {
        "contrat_de_ville_2023_crf_charges.csv",
        "contrat_de_ville_2023_crf_produits.csv",
    } <= names
    assert not any(n.startswith("compte_rendu_financier") for n in names)


def _cerfa_rows(rows: list[list[Any]]) -> dict[str, list[tuple[str, str, Decimal, Decimal]]]:
    """The account lines of the « Charges et produits » sheet, left and right."""
    sides: dict[str, list[tuple[str, str, Decimal, Decimal]]] = {"charges": [], "produits": []}
    for row in rows[4:]:
        row = [*row, *[None] * (13 - len(row))]
        for side, start in (("charges", 0), ("produits", 7)):
            account, label, planned, actual = row[start : start + 4]
            if account and str(account)[:1].isdigit() and planned not in (None, ""):
                sides[side].append((str(account), str(label), money(planned), money(actual)))
    return sides


def _by_cerfa_order(
    lines: list[tuple[str, str, Decimal, Decimal]],
) -> list[tuple[str, str, Decimal, Decimal]]:
    return sorted(lines, key=lambda x: (x[0][:2] in ("86", "87"), x[0]))


def test_the_cerfa_xlsx_holds_the_bilans_figures(tmp_path: Path) -> None:
    bilan = example_bilan()
    found = files(bilan, "xlsx")
    assert set(found) == {"contrat_de_ville_2023.xlsx", "compte_rendu_financier_2023.xlsx"}
    book = load_workbook(io.BytesIO(found["compte_rendu_financier_2023.xlsx"].data))
    assert book.sheetnames == ["Bilan qualitatif", "Charges et produits", "Annexe"]
    table = book["Charges et produits"]
    rows = [[c.value for c in row] for row in table.iter_rows()]
    got = _cerfa_rows(rows)
    expected = expected_lines(bilan)
    assert got["charges"] == expected["charges"]
    assert got["produits"] == expected["produits"]
    totals = {row[0]: row for row in rows if row[0] in ("Total des charges", "TOTAL")}
    assert money(totals["Total des charges"][3]) == Decimal("52276.49")
    assert money(totals["TOTAL"][3]) == Decimal("53876.49")
    assert money(totals["TOTAL"][10]) == Decimal("53876.49")
    amount_cell = table.cell(5, 3)
    assert isinstance(amount_cell.value, (int, float, Decimal))
    assert "€" in amount_cell.number_format
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.page_setup.fitToWidth == 1
    assert table.page_setup.orientation == "landscape"
    annex = [[c.value for c in row] for row in book["Annexe"].iter_rows()]
    explained = [r for r in annex if r[0] in ("74", "75")]
    assert [r[0] for r in explained] == ["74", "75"]
    assert "premier semestre" in str(explained[0][6])
    quality = [[c.value for c in row] for row in book["Bilan qualitatif"].iter_rows()]
    flat = [str(v) for row in quality for v in row if v is not None]
    assert "Bellevue" in flat
    assert any("Le travail partenarial" in v for v in flat)


def test_the_cerfa_ods_holds_the_same_figures() -> None:
    bilan = example_bilan()
    found = files(bilan, "ods")
    assert set(found) == {"contrat_de_ville_2023.ods", "compte_rendu_financier_2023.ods"}
    book = CalamineWorkbook.from_filelike(io.BytesIO(found["compte_rendu_financier_2023.ods"].data))
    assert book.sheet_names == ["Bilan qualitatif", "Charges et produits", "Annexe"]
    rows = book.get_sheet_by_name("Charges et produits").to_python(skip_empty_area=False)
    got = _cerfa_rows(rows)
    expected = expected_lines(bilan)
    assert got == expected
    with zipfile.ZipFile(io.BytesIO(found["compte_rendu_financier_2023.ods"].data)) as archive:
        content = archive.read("content.xml").decode()
        styles = archive.read("styles.xml").decode()
    assert 'office:value-type="currency"' in content
    assert 'office:currency="EUR"' in content
    assert "29.7cm" in content + styles
    tables = CalamineWorkbook.from_filelike(io.BytesIO(found["contrat_de_ville_2023.ods"].data))
    assert "CRF - Produits" in tables.sheet_names
    produits = tables.get_sheet_by_name("CRF - Produits").to_python()
    # no column of funder codes in a file for people (the libellé names the funder)
    assert produits[0][:4] == ["Compte", "Libellé", "Prévu (€)", "Réalisé (€)"]
    assert produits[-1][0] in ("", None)  # no « total » in the Compte cell
    assert str(produits[-1][1]).startswith("Total")
    assert money(produits[-1][3]) == Decimal("53876.49")


def test_cerfa_cells_are_formula_safe() -> None:
    data = load_example()
    evil = '=HYPERLINK("http://x";"y")'
    data = data.replace(
        budget=tuple(
            attrs.evolve(x, label=evil, gap_explanation=evil) if x.account == "641" else x
            for x in data.budget
        ),
    )
    bilan = compute_bilan(data, *Y2023)
    book = load_workbook(io.BytesIO(files(bilan, "xlsx")["compte_rendu_financier_2023.xlsx"].data))
    texts = [
        c.value
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert evil not in texts
    assert "'" + evil in texts
    ods = files(bilan, "ods")["compte_rendu_financier_2023.ods"].data
    with zipfile.ZipFile(io.BytesIO(ods)) as archive:
        content = archive.read("content.xml").decode()
    assert "table:formula" not in content


def test_no_cerfa_file_without_a_budget_for_the_year() -> None:
    bilan = compute_bilan(load_example(), dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert bilan.financial_report is None
    assert set(files(bilan, "xlsx")) == {"contrat_de_ville_2022.xlsx"}


def test_the_command_writes_the_cerfa_workbook(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["export", "contrat_de_ville", "--example", "--year", "2023", "-o", str(out)]
    assert main([*args, "--format", "xlsx"]) == 0
    assert (out / "compte_rendu_financier_2023.xlsx").is_file()
    assert main([*args, "--format", "ods", "--force"]) == 0
    assert (out / "compte_rendu_financier_2023.ods").is_file()


def test_a_planned_only_budget_has_no_unexplained_gaps() -> None:
    bilan = compute_bilan(load_example(), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    report = bilan.financial_report
    assert report is not None
    assert (report.has_planned, report.has_actual) == (True, False)
    assert not [c for c in bilan.checks if c.code.startswith("crf_")]
    annex = load_workbook(
        io.BytesIO(files(bilan, "xlsx")["compte_rendu_financier_2024.xlsx"].data)
    )["Annexe"]
    assert annex.cell(5, 1).value == "Aucun écart au-delà du seuil."


def test_the_pic_file_writes_the_sex_in_words() -> None:
    """leftovers item 6: « Femme » / « Homme », as every other column is a label; as many
    of each as the bilan counts."""
    from citeslab_core.exporting.privacy import build_participants
    from citeslab_core.readers.example import load_example
    from citeslab_exporters.pic import participants_table

    data = load_example()
    rows = build_participants(
        data, dt.date(2023, 1, 1), dt.date(2023, 12, 31), key=b"k" * 32, exporter="pic"
    )
    table = participants_table(rows)
    column = [c.key for c in table.columns].index("sexe")
    written = [row[column] for row in table.rows]
    assert set(written) <= {"Femme", "Homme", None}
    sexe = compute_bilan(data, year=2023).tables["sexe"]
    women, men = sexe.row("F"), sexe.row("H")
    assert women is not None
    assert men is not None
    assert written.count("Femme") == women.count
    assert written.count("Homme") == men.count
