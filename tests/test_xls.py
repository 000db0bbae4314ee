"""``.xls`` (Excel 97-2003) workbooks read like ``.xlsx``: tests/fixtures/site.xls was made
by LibreOffice from the workbook :func:`source_workbook` builds (tests/fixtures/README.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from citeslab_core.cli import main
from citeslab_core.errors import InvalidData
from citeslab_core.headers import column_label
from citeslab_core.readers import read_input

FIXTURE = Path(__file__).parent / "fixtures" / "site.xls"


def source_workbook(path: Path) -> Path:
    """The ``.xlsx`` the fixture was converted from."""
    wb = openpyxl.Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    ws = wb.create_sheet("structure")
    for pair in (["Clé", "Valeur"], ["nom", "CitésLab Essai"], ["annee", 2023]):
        ws.append(pair)
    ws = wb.create_sheet("porteurs")
    columns = [
        *("id", "sexe", "date_naissance", "quartier", "statut_residence", "niveau_formation"),
        *("situation_entree", "minima_sociaux", "rqth", "stade_entree"),
    ]
    ws.append([column_label("porteurs", c) for c in columns])
    ws.append(
        [
            *("P1", "Femmes", dt.date(1990, 5, 12), "Bellevue", "Quartier prioritaire", 5),
            *("Demandeur d'emploi indemnisé", "RSA", "non", "En devenir"),
        ]
    )
    ws.append(
        [
            *("P2", "H", 1985, None, "hors_qpv", "Bac+5 (master, ingénieur)", "salarie", None),
            *("oui", "intentionniste"),
        ]
    )
    ws["C2"].number_format = "DD/MM/YYYY"
    ws = wb.create_sheet("suivis")
    columns = ["porteur", "date", "type", "partenaire", "categorie", "resultat"]
    ws.append([column_label("suivis", c) for c in columns])
    creation = "Acteurs de la création (BGE, ADIE, CCI/CMA…)"
    ws.append(["P1", dt.date(2023, 3, 1), "Entretien individuel", None, None, None])
    ws.append(["P1", "15-mars", "Orientation", "BGE", creation, None])
    ws.append(["P2", dt.date(2023, 4, 3), "entretien", None, None, None])
    ws.append(["P2", dt.date(2023, 10, 2), "Sortie", None, None, "Création"])
    for number in (2, 4, 5):
        ws.cell(number, 2).number_format = "DD/MM/YYYY"
    ws = wb.create_sheet("financements")
    columns = ["annee", "financeur", "montant", "part_declaree"]
    ws.append([column_label("financements", c) for c in columns])
    ws.append([2023, "Bpifrance", 16000, "60 %"])
    ws.append([2023, "Autofinancement", "10 668,50 euros", 40])
    wb.save(path)
    return path


def test_an_xls_workbook_reads_like_the_xlsx_it_was_made_from(tmp_path: Path) -> None:
    xls = read_input(FIXTURE)
    xlsx = read_input(source_workbook(tmp_path / "site.xlsx"))
    assert xls.site == xlsx.site
    assert xls.persons == xlsx.persons
    assert xls.events == xlsx.events
    assert xls.fundings == xlsx.fundings
    # what it holds, not only that both readers agree
    assert xls.site.name == "CitésLab Essai"
    assert [p.id for p in xls.persons] == ["P1", "P2"]
    assert xls.persons[0].birth is not None
    assert xls.persons[0].birth.start == dt.date(1990, 5, 12)
    assert xls.events[1].date == dt.date(2023, 3, 15)  # « 15-mars », the year from structure
    assert [str(f.amount) for f in xls.fundings] == ["16000.00", "10668.50"]
    assert xls.origin("suivis", 1) is not None


def test_citeslab_validate_and_report_read_an_xls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(FIXTURE), "--on", "2024-01-01"]) == 0
    assert "2 porteurs, 4 suivis" in capsys.readouterr().out
    assert main(["report", str(FIXTURE), "--year", "2023"]) == 0


def test_a_damaged_xls_is_refused_in_french(tmp_path: Path) -> None:
    path = tmp_path / "abime.xls"
    path.write_bytes(FIXTURE.read_bytes()[:1500])
    with pytest.raises(InvalidData) as caught:
        read_input(path)
    (problem,) = caught.value.problems
    assert "abime.xls" in str(problem)
    assert "Excel 97-2003 (.xls)" in problem.message
