"""The ``budget`` sheet: read from every format, written back, refused where it is wrong."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from citeslab_core.cli import main
from citeslab_core.errors import InvalidData
from citeslab_core.model import BudgetLine, Dataset
from citeslab_core.model.accounts import ACCOUNT_CLASSES, account_class, account_problem
from citeslab_core.readers import read_input
from citeslab_core.readers.converter import dumps, loads
from citeslab_core.readers.template import build_template
from citeslab_core.readers.workbook import write_workbook
from citeslab_core.vocabularies import BudgetNature, Funder
from test_readers import PORTEURS, SUIVIS, Rows, ods, problems_of, where, write_csv, xlsx

BUDGET: Rows = [
    ["annee", "nature", "compte", "libelle", "financeur", "montant", "ecart_explication"],
    [2023, "Prévu", 64, "Salaires", None, "40 000,00 €", None],
    [2023, "prévisionnel", "74", None, "Bpifrance", 16000, None],
    [2023, "realise", 641, None, None, 38000.5, "Un départ en cours d'année"],
    [2023, "Réalisé", "7411", "Subvention", "contrat de ville", "10000", None],
]
EXPECTED = [
    BudgetLine(2023, BudgetNature.PREVU, "64", Decimal("40000.00"), "Salaires"),
    BudgetLine(2023, BudgetNature.PREVU, "74", Decimal("16000"), None, Funder.BPI),
    BudgetLine(
        2023,
        BudgetNature.REALISE,
        "641",
        Decimal("38000.5"),
        gap_explanation="Un départ en cours d'année",
    ),
    BudgetLine(
        2023, BudgetNature.REALISE, "7411", Decimal("10000"), "Subvention", Funder.CONTRAT_DE_VILLE
    ),
]


def test_account_classes() -> None:
    codes = [c.code for c in ACCOUNT_CLASSES]
    assert codes == [
        *map(str, range(60, 69)),
        "86",
        *map(str, range(70, 79)),
        "87",
    ]
    found = account_class("641")
    assert found is not None
    assert found.code == "64"
    for bad in ("6", "69", "79", "85", "88", "10", "6a", " 64", "", "7 4"):
        assert account_class(bad) is None
        assert account_problem(bad) is not None
    assert account_problem("870") is None


def test_budget_from_xlsx(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "site.xlsx", {"porteurs": PORTEURS, "suivis": SUIVIS, "budget": BUDGET})
    assert list(read_input(path).budget) == EXPECTED


def test_budget_from_ods(tmp_path: Path) -> None:
    path = ods(tmp_path / "site.ods", {"porteurs": PORTEURS, "suivis": SUIVIS, "Budget": BUDGET})
    assert list(read_input(path).budget) == EXPECTED


def test_budget_from_csv(tmp_path: Path) -> None:
    folder = tmp_path / "donnees"
    for name, rows in (("porteurs", PORTEURS), ("suivis", SUIVIS), ("budget", BUDGET)):
        text = "\n".join(";".join("" if v is None else str(v) for v in row) for row in rows)
        write_csv(folder, f"{name}.csv", text + "\n")
    found = list(read_input(folder).budget)
    # A CSV holds texts: 38000.5 is the text "38000.5", read as the same amount.
    assert found == EXPECTED


def test_budget_through_json_and_workbook(tmp_path: Path) -> None:
    data = Dataset.build(budget=EXPECTED)
    document = json.loads(dumps(data))
    assert document["budget"][1] == {
        "annee": 2023,
        "nature": "prevu",
        "compte": "74",
        "montant": "16000",
        "financeur": "bpi",
    }
    assert loads(dumps(data)).budget == data.budget
    path = tmp_path / "site.xlsx"
    path.write_bytes(write_workbook(data))
    assert read_input(path).budget == data.budget


def test_budget_errors_are_located(tmp_path: Path) -> None:
    rows: Rows = [
        ["annee", "nature", "compte", "financeur", "montant"],
        [2023, "prevu", "69", None, 10],  # not a class of the Cerfa
        [2023, "prevu", "74", None, 10],  # a subsidy without its funder
        [2023, "prevu", "64", "bpi", 10],  # a funder on a charge
        [2023, "prevu", "64", None, -5],  # negative
        [2023, "prevu", "741", "autofinancement", 10],  # not a subsidy
        [2023, "plus tard", "6x", None, 10],  # unknown nature, not an account
    ]
    path = xlsx(tmp_path / "site.xlsx", {"porteurs": PORTEURS, "suivis": SUIVIS, "budget": rows})
    found = problems_of(path)
    located = [where(p) for p in found]
    assert located == [
        ("budget", 2, "C"),
        ("budget", 3, "D"),
        ("budget", 4, "D"),
        ("budget", 5, "E"),
        ("budget", 6, "D"),
        ("budget", 7, "B"),
        ("budget", 7, "C"),
    ]
    messages = [p.message for p in found]
    assert "« 69 »" in messages[0]
    assert "60 à 68" in messages[0]
    assert "indiquez le financeur" in messages[1]
    assert "subvention (compte 74)" in messages[2]
    assert messages[3].endswith("un montant ne peut pas être négatif")
    assert "l'autofinancement n'est pas une subvention" in messages[4]
    assert "« Nature »" in messages[5]
    assert all(p.location.file == "site.xlsx" for p in found)


def test_budget_errors_in_json_name_the_element() -> None:
    document = json.loads(dumps(Dataset.build()))
    document["budget"] = [
        {"annee": 2023, "nature": "prevu", "compte": "64", "montant": "10"},
        {"annee": 2023, "nature": "realise", "compte": "74", "montant": "-1"},
    ]
    with pytest.raises(InvalidData) as caught:
        loads(json.dumps(document), file="site.json")
    located = [(p.location.sheet, p.location.column) for p in caught.value.problems]
    assert located == [("budget[1]", "financeur"), ("budget[1]", "montant")]


def test_validate_exits_1_on_a_bad_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: Rows = [["annee", "nature", "compte", "montant"], [2023, "prevu", "690", 10]]
    path = xlsx(tmp_path / "site.xlsx", {"porteurs": PORTEURS, "suivis": SUIVIS, "budget": rows})
    assert main(["validate", str(path)]) == 1
    assert "budget" in capsys.readouterr().err


def test_template_has_the_budget_sheet_with_its_lists(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    path.write_bytes(build_template())
    book = openpyxl.load_workbook(path)
    sheet = book["budget"]
    headers = [c.value for c in sheet[1]]
    assert headers == [
        "Année",
        "Nature",
        "Compte",
        "Montant",
        "Libellé",
        "Financeur",
        "Explication de l'écart",
    ]
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert set(lists) == {"B", "F"}  # nature, financeur
    listes = book["listes"]
    columns = {listes.cell(1, i).value: i for i in range(1, listes.max_column + 1)}
    nature = [listes.cell(r, columns["nature_budget"]).value for r in range(2, 4)]
    assert nature == ["Prévu", "Réalisé"]
    notice = [[c.value for c in row] for row in book["notice"].iter_rows()]
    accounts = {
        row[1]: row for row in notice if row[0] == "budget" and str(row[1]).startswith("Compte ")
    }
    assert set(accounts) == {f"Compte {c.code}" for c in ACCOUNT_CLASSES}
    assert "Subventions d'exploitation" in str(accounts["Compte 74"][4])
    assert "Région(s)" in str(accounts["Compte 74"][5])
    assert "Charges sociales" in str(accounts["Compte 64"][5])
