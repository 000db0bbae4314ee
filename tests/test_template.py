"""The template: a notice, one sheet per table, a drop-down on every vocabulary column."""

from __future__ import annotations

import io
from pathlib import Path

import attrs
import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from citeslab_core.cli import main
from citeslab_core.headers import column_label
from citeslab_core.model import TABLES, Site
from citeslab_core.readers import read_input
from citeslab_core.readers.tables import STRUCTURE_KEYS
from citeslab_core.readers.template import build_template, vocabulary_columns
from citeslab_core.vocabularies import Funder, Stage, Vocabulary


@pytest.fixture(scope="module")
def workbook() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(build_template()))


def sheet(wb: openpyxl.Workbook, name: str) -> Worksheet:
    ws = wb[name]
    assert isinstance(ws, Worksheet)
    return ws


def headers(ws: Worksheet) -> list[str]:
    return [str(c.value) for c in ws[1] if c.value is not None]


def list_values(wb: openpyxl.Workbook, formula: str) -> list[str]:
    """The cells a list validation points to (``listes!$A$2:$A$9``)."""
    name, _, ref = formula.partition("!")
    ws = sheet(wb, name)
    return [str(c.value) for row in ws[ref.replace("$", "")] for c in row]


def test_sheets_in_order(workbook: openpyxl.Workbook) -> None:
    names = [name for name, _, _ in TABLES]
    assert workbook.sheetnames == ["notice", "structure", *names, "listes"]
    assert sheet(workbook, "listes").sheet_state == "hidden"


@pytest.mark.parametrize(("table", "cls"), [(name, cls) for name, cls, _ in TABLES])
def test_each_table_sheet_has_every_column_bold_and_frozen(
    workbook: openpyxl.Workbook, table: str, cls: type
) -> None:
    ws = sheet(workbook, table)
    assert headers(ws) == [column_label(table, f.metadata["column"]) for f in attrs.fields(cls)]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize(("table", "cls"), [(name, cls) for name, cls, _ in TABLES])
def test_every_vocabulary_column_has_a_drop_down_of_all_its_labels(
    workbook: openpyxl.Workbook, table: str, cls: type
) -> None:
    ws = sheet(workbook, table)
    letters = {str(c.value): get_column_letter(index) for index, c in enumerate(ws[1], start=1)}
    by_column: dict[str, list[str]] = {}
    for validation in ws.data_validations.dataValidation:
        assert validation.type == "list"
        for ref in str(validation.sqref).split():
            column = next(name for name, letter in letters.items() if ref.startswith(letter + "2:"))
            by_column[column] = list_values(workbook, str(validation.formula1))
    vocabularies: dict[str, type[Vocabulary]] = vocabulary_columns(cls)
    for column, vocabulary in vocabularies.items():
        # one person's sex in the singular (« Femme »), not the table's plural label
        one = {"Femmes": "Femme", "Hommes": "Homme"} if vocabulary.vocabulary_name == "sexe" else {}
        expected = [one.get(m.label, m.label) for m in vocabulary]
        assert by_column[column_label(table, column)] == expected, column
        # every label of the list reads back as its member
        assert [
            vocabulary.parse(label) for label in by_column[column_label(table, column)]
        ] == list(vocabulary)
    assert set(by_column) - {column_label(table, c) for c in vocabularies} <= {"RQTH"}


def test_the_vocabulary_columns_are_the_ones_expected() -> None:
    found = {name: sorted(vocabulary_columns(cls)) for name, cls, _ in TABLES}
    assert found["porteurs"] == sorted(
        [
            "sexe",
            "statut_residence",
            "niveau_formation",
            "situation_entree",
            "minima_sociaux",
            "canal",
            "secteur",
            "stade_entree",
        ]
    )
    assert found["suivis"] == ["categorie", "decision", "resultat", "stade", "type"]
    assert found["financements"] == ["financeur", "nature"]


def test_the_notice_explains_every_sheet_and_column(workbook: openpyxl.Workbook) -> None:
    ws = sheet(workbook, "notice")
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=5)]
    explained = {(row[0], row[2] or "") for row in rows}
    labels = {(row[0], row[2]): row[1] for row in rows if row[2]}
    for table, cls, _ in TABLES:
        assert (table, "") in explained
        for field in attrs.fields(cls):
            assert (table, field.metadata["column"]) in explained
            assert labels[table, field.metadata["column"]] == column_label(
                table, field.metadata["column"]
            )
    for key in STRUCTURE_KEYS:
        assert ("structure", key) in explained
    required = {(row[0], row[2]) for row in rows if row[3] == "oui" and row[2]}
    assert required == {
        (table, f.metadata["column"])
        for table, cls, _ in TABLES
        for f in attrs.fields(cls)
        if f.metadata["required"]
    }
    assert all(row[4] for row in rows)  # every row says something


def test_the_structure_sheet_holds_the_default_policy(workbook: openpyxl.Workbook) -> None:
    ws = sheet(workbook, "structure")
    assert headers(ws)[:2] == ["Clé", "Valeur"]
    values = {row[0].value: row[1].value for row in ws.iter_rows(min_row=2)}
    assert values["delai_contact_jours"] == 60
    assert values["delai_sans_nouvelles_jours"] == 180
    assert values["delai_retour_orientation_jours"] == 30
    assert values["seuil_ecart_financement"] == 10
    assert values["seuil_secret_statistique"] == 5
    assert {f"plafond_{f.code}" for f in Funder} <= set(values)
    explanations = {row[0].value: row[2].value for row in ws.iter_rows(min_row=2)}
    assert explanations["plafond_autofinancement"] == "plafond d'Autofinancement (%)"
    assert explanations["plafond_bpi"] == "plafond de Bpifrance (%)"


def test_an_untouched_template_reads_as_a_valid_empty_dataset(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    path.write_bytes(build_template())
    data = read_input(path)
    assert data.persons == ()
    assert data.events == ()
    assert data.site == Site()


def test_a_filled_template_reads_labels_from_the_lists(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(build_template()))
    porteurs = sheet(wb, "porteurs")
    columns = headers(porteurs)
    assert "Date de naissance" in columns
    assert "Stade à l'entrée" in columns
    row = dict.fromkeys(columns)
    row.update(
        {
            "Identifiant": "P1",
            "Sexe": "Femmes",
            "Niveau de formation": "Bac+2 (DUT, BTS…)",
            "RQTH": "oui",
            "Date de naissance": "1990",
            "Stade à l'entrée": "En devenir",
        }
    )
    porteurs.append([row[c] for c in columns])
    suivis = sheet(wb, "suivis")
    suivis.append(["P1", "30/03/2023", "Entretien individuel"])
    path = tmp_path / "rempli.xlsx"
    wb.save(path)
    data = read_input(path)
    assert [p.id for p in data.persons] == ["P1"]
    assert data.persons[0].education is not None
    assert data.persons[0].education.code == "5"
    assert data.persons[0].stage_at_entry is Stage.EN_DEVENIR
    assert data.persons[0].birth is not None
    assert data.persons[0].birth.start.year == 1990


def test_the_template_command(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    assert main(["template", str(path)]) == 0
    assert main(["template", str(path)]) == 2  # exists: not replaced without --force
    assert main(["validate", str(path)]) == 0


def test_docs_workbook_md_documents_every_column_and_key() -> None:
    text = (Path(__file__).parents[1] / "docs" / "workbook.md").read_text(encoding="utf-8")
    for table, cls, _ in TABLES:
        assert f"### `{table}`" in text
        for field in attrs.fields(cls):
            assert f"| `{field.metadata['column']}` |" in text, (table, field.name)
    for key in STRUCTURE_KEYS:
        assert f"| `{key}` |" in text
