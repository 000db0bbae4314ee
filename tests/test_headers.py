"""Headers and sheet names in the users' words: a label reads like its code, and a near
miss is answered with « vouliez-vous dire … ? »."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeslab_core.cli import main
from citeslab_core.errors import InvalidData, Problem
from citeslab_core.headers import COLUMN_LABELS, column_label, sheet_label, suggestion
from citeslab_core.model import TABLES
from citeslab_core.readers import read_input
from citeslab_core.vocabularies import Stage, normalize
from test_readers import Rows, ods, xlsx


def labelled(table: str, header: Sequence[str]) -> list[str]:
    return [column_label(table, code) for code in header]


PORTEURS: Rows = [
    labelled("porteurs", ["id", "sexe", "date_naissance", "stade_entree", "niveau_formation"]),
    ["P1", "Femmes", "12/05/1990", "En devenir", "Bac+2 (DUT, BTS…)"],
]
SUIVIS: Rows = [
    labelled("suivis", ["porteur", "date", "type", "partenaire", "categorie"]),
    ["P1", "2023-03-01", "Entretien individuel", None, None],
    ["P1", "2023-03-01", "Orientation", "BGE", "Acteurs de la création (BGE, ADIE, CCI/CMA…)"],
]
FINANCEMENTS: Rows = [
    labelled("financements", ["annee", "financeur", "montant", "part_declaree"]),
    [2023, "Bpifrance", "14 000 euros", "50 %"],
    [2023, "Autofinancement", "14 000 €", None],
]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InvalidData) as caught:
        read_input(path)
    return list(caught.value.problems)


def test_the_labels_are_the_ones_users_write() -> None:
    assert column_label("porteurs", "date_naissance") == "Date de naissance"
    assert column_label("porteurs", "stade_entree") == "Stade à l'entrée"
    assert column_label("suivis", "type") == "Type de suivi"
    assert sheet_label("porteurs") == "Porteurs de projet"
    # a column with no label of its own (a table added later) still has one
    assert column_label("nouvelle", "heure_debut") == "Heure debut"


@pytest.mark.parametrize(("table", "cls"), [(name, cls) for name, cls, _ in TABLES])
def test_every_column_has_a_label_that_means_only_it(table: str, cls: type) -> None:
    codes = [str(f.metadata["column"]) for f in attrs.fields(cls)]
    assert set(codes) <= set(COLUMN_LABELS[table])
    labels = [normalize(column_label(table, code)) for code in codes]
    assert len(set(labels)) == len(labels)
    for code, label in zip(codes, labels, strict=True):
        # a label is never another column's code
        assert label == normalize(code) or label not in {normalize(c) for c in codes}


def test_a_workbook_with_the_templates_labels_reads_like_codes(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "site.xlsx",
        {"Porteurs de projet": PORTEURS, "Suivis": SUIVIS, "financements": FINANCEMENTS},
    )
    data = read_input(path)
    (person,) = data.persons
    assert person.stage_at_entry is Stage.EN_DEVENIR
    assert person.birth is not None
    assert person.birth.start.isoformat() == "1990-05-12"
    assert [e.type.code for e in data.events] == ["entretien", "orientation"]
    assert [str(f.amount) for f in data.fundings] == ["14000.00", "14000.00"]
    assert main(["validate", str(path)]) == 0


def test_labels_in_capitals_without_accents_and_in_ods(tmp_path: Path) -> None:
    upper: Rows = [[str(h).upper().replace("É", "E") for h in PORTEURS[0]], *PORTEURS[1:]]
    path = ods(tmp_path / "site.ods", {"PORTEURS": upper, "suivis des parcours": SUIVIS})
    (person,) = read_input(path).persons
    assert person.stage_at_entry is Stage.EN_DEVENIR


def test_labels_in_a_csv_folder(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "porteurs.csv").write_text(
        "Identifiant;Date de naissance;Stade à l'entrée\nP1;1990;Intentionniste\n",
        encoding="utf-8",
    )
    (folder / "Suivis des parcours.csv").write_text(
        "Porteur;Date;Type de suivi\nP1;01/03/2023;Entretien individuel\n", encoding="utf-8"
    )
    (person,) = read_input(folder).persons
    assert person.stage_at_entry is Stage.INTENTIONNISTE


def test_near_miss_headers_and_sheets_get_a_suggestion(tmp_path: Path) -> None:
    porteurs: Rows = [["Identifiant", "Date de naisance", "stade_entre", "Pointure"], ["P1"]]
    path = xlsx(
        tmp_path / "site.xlsx",
        {"porteurs": porteurs, "Suivi": SUIVIS, "Financement": FINANCEMENTS, "Feuil1": [["a"]]},
    )
    messages = [p.message for p in problems_of(path)]
    assert any("feuille « Suivi » inconnue : vouliez-vous dire « suivis » ?" in m for m in messages)
    assert any(
        "feuille « Financement » inconnue : vouliez-vous dire « financements » ?" in m
        for m in messages
    )
    assert any(
        "colonne « Date de naisance » inconnue : vouliez-vous dire « Date de naissance » ?" in m
        for m in messages
    )
    assert any(
        "colonne « stade_entre » inconnue : vouliez-vous dire « stade_entree » ?" in m
        for m in messages
    )
    # nothing close: no guess
    (feuil1,) = [m for m in messages if "Feuil1" in m]
    assert "vouliez-vous dire" not in feuil1
    (pointure,) = [m for m in messages if "Pointure" in m]
    assert "vouliez-vous dire" not in pointure
    assert "Date de naissance" in pointure  # the possible columns, as the template names them


def test_near_miss_csv_file_and_structure_key(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "porteur.csv").write_text("id\nP1\n", encoding="utf-8")
    (folder / "suivis.csv").write_text("porteur;date;type\n", encoding="utf-8")
    (folder / "structure.csv").write_text("Clé;Valeur\ndelai_contact;30\n", encoding="utf-8")
    messages = [p.message for p in problems_of(folder)]
    assert any("vouliez-vous dire « porteurs.csv » ?" in m for m in messages)
    assert any(
        "clé « delai_contact » inconnue : vouliez-vous dire « delai_contact_jours » ?" in m
        for m in messages
    )


@given(st.sampled_from([(t, c) for t, columns in COLUMN_LABELS.items() for c in columns]))
def test_a_label_or_code_with_one_letter_dropped_is_recognised(pair: tuple[str, str]) -> None:
    table, code = pair
    label = column_label(table, code)
    known = [*COLUMN_LABELS[table].values(), *COLUMN_LABELS[table]]
    if len(normalize(label)) >= 6:
        typo = label[:-2] + label[-1]
        assert normalize(suggestion(typo, known) or "") == normalize(label)
