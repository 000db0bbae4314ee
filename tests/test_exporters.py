"""The built-in exporters: no identity leaves, every figure is the bilan's, formats agree."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from citeslab_core.bilan import TABLE_KEYS, PublicBilan, compute_bilan
from citeslab_core.cli import main
from citeslab_core.errors import UsageError
from citeslab_core.exporting import Exporter, ExportFile, ExportOptions
from citeslab_core.exporting.privacy import KEY_ENV, build_participants
from citeslab_core.model import Dataset, Event, Neighbourhood, Person, private_fields
from citeslab_core.vocabularies import EventType, ExitResult, Funder, ResidenceStatus
from citeslab_exporters import bpi, calendrier, contrat_de_ville, pic
from strategies import datasets, secrets

KEY = b"cle de test des exportateurs"
EXPORTERS: list[Exporter] = [bpi.exporter, contrat_de_ville.exporter, pic.exporter]
S = "s"


def run(exporter: Exporter, data: Dataset, bilan: PublicBilan, fmt: str) -> Sequence[ExportFile]:
    participants = None
    if exporter.needs_participants:
        participants = build_participants(
            data, bilan.start, bilan.end, key=KEY, exporter=exporter.name
        )
    return exporter.export(bilan, ExportOptions(fmt, bilan.public), participants)


def blobs(files: Sequence[ExportFile]) -> list[bytes]:
    """Every file's bytes, and every member of an XLSX (zip) file decompressed."""
    found = []
    for f in files:
        found.append(f.data)
        if f.name.endswith((".xlsx", ".ods")):
            with zipfile.ZipFile(io.BytesIO(f.data)) as archive:
                found.extend(archive.read(name) for name in archive.namelist())
    return found


def identity_values(data: Dataset) -> set[str]:
    """Everything the strategies draw from ``identity``: identity and free text."""
    values: set[str] = set()
    for person in data.persons:
        values.update(getattr(person, name) for name in private_fields(Person))
    values.update(e.comment for e in data.events if e.comment)
    values.update(a.title for a in data.animations if a.title)
    values.update(p.action for p in data.partnerships if p.action)
    values.update(t.text for t in data.texts)
    values.discard(None)
    return values


periods = st.sampled_from([2022, 2023, 2024]).map(
    lambda y: (dt.date(y, 1, 1), dt.date(y, 12, 31))
) | st.just((dt.date(2022, 7, 1), dt.date(2024, 6, 30)))


@given(datasets(max_persons=10, identity=secrets), periods, st.booleans())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_identity_or_free_text_leaves_in_any_file(
    data: Dataset, period: tuple[dt.date, dt.date], public: bool
) -> None:
    planted = identity_values(data)
    # The compte rendu financier's bilan qualitatif is made of the site's own texts
    # (docs/decisions.md): there, and only there, they may appear.
    site_texts = {t.text for t in data.texts}
    bilan = compute_bilan(data, *period, public=public)
    for exporter in EXPORTERS:
        if public and exporter.needs_participants:
            continue
        for fmt in exporter.formats:
            for file in run(exporter, data, bilan, fmt):
                cerfa = file.name.startswith("compte_rendu_financier_")
                secret = planted - site_texts if cerfa else planted
                for blob in blobs([file]):
                    for value in secret:
                        assert value.encode() not in blob, (exporter.name, fmt, value)
                        assert value.encode("utf-16-le") not in blob


# -- every figure is the bilan's --------------------------------------------------------


def json_of(exporter: Exporter, data: Dataset, bilan: PublicBilan) -> dict[str, Any]:
    (document,) = run(exporter, data, bilan, "json")
    parsed: dict[str, Any] = json.loads(document.data, parse_float=Decimal)
    return parsed


def lines(document: dict[str, Any], table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = document["tables"][table]["lignes"]
    return rows


def shown(value: int | None) -> int | str:
    """How a bilan count is written: a masked count (None) is ``s``."""
    return S if value is None else value


def amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def check_bpi(document: dict[str, Any], bilan: PublicBilan) -> None:
    ind = bilan.indicators
    expected = {
        "accompagnes": shown(ind.accompanied),
        "nouveaux": shown(ind.new),
        "femmes": shown(ind.women),
        "residents_qpv": shown(ind.qpv_residents),
        "moins_26": shown(ind.under_26),
        "demandeurs_emploi": shown(ind.job_seekers),
        "minima_sociaux": shown(ind.minimum_benefits),
        **{f"orientation_{r.code}": shown(r.count) for r in ind.orientations},
        "orientation_periode_personnes": shown(bilan.orientations_period_persons),
        **{f"orientation_periode_{o.code}": shown(o.persons) for o in bilan.orientations_period},
        **{
            f"orientation_periode_{o.code}_nombre": shown(o.orientations)
            for o in bilan.orientations_period
        },
        "creations": shown(ind.creations),
        "sorties_positives": shown(ind.positive_exits),
        "entrees_programme": shown(ind.programme_entries),
        "animations": ind.animations_held,
        "participants_animations": ind.animation_participants,
        "partenariats": len(bilan.partnerships),
    }
    assert {r["code"]: r["valeur"] for r in lines(document, "indicateurs")} == expected
    assert [
        (r["tableau"], r["code"], r["libelle"], r["effectif"], r["part"])
        for r in lines(document, "portrait")
    ] == [
        (key, row.code, row.label, shown(row.count), shown(row.share))
        for key in TABLE_KEYS
        for row in bilan.tables[key].rows
    ]
    assert [
        (r["programme"], r["orientes"], r["retenus"]) for r in lines(document, "programmes")
    ] == [(p.programme, shown(p.oriented), shown(p.retained)) for p in bilan.programmes]
    assert [(r["code"], r["nombre"], r["participants"]) for r in lines(document, "animations")] == [
        (a.code, a.number, a.participants) for a in bilan.animations
    ]
    assert [
        (r["code"], r["prevues"], r["realisees"]) for r in lines(document, "animations_prevues")
    ] == [(a.code, a.planned, a.held) for a in bilan.planned_animations]
    funding = lines(document, "financement")
    if bilan.funding is None:
        assert funding == []
    else:
        assert [(r["code"], r["montant"], r["part"]) for r in funding] == [
            *((c.funder.code, amount(c.amount), c.share) for c in bilan.funding.contributions),
            ("total", amount(bilan.funding.total), None),
        ]


def check_contrat_de_ville(document: dict[str, Any], bilan: PublicBilan) -> None:
    qpv = lines(document, "qpv")
    if bilan.qpv_breakdown:
        # The last row is the total: each column's sum, or "s" when a cell is masked.
        *qpv, total = qpv
        assert total["quartier"] == "Total QPV"
        for key, value in total.items():
            if key in ("quartier", "code_qpv"):
                continue
            column = [line[key] for line in qpv]
            assert value == (S if S in column else sum(column))
    assert len(qpv) == len(bilan.qpv_breakdown)
    for line, row in zip(qpv, bilan.qpv_breakdown, strict=True):
        assert (line["quartier"], line["code_qpv"], line["accompagnes"]) == (
            row.neighbourhood,
            row.qpv_code,
            shown(row.accompanied),
        )
        for table, prefix in ((row.sex, "sexe_"), (row.age, "age_")):
            written = {k[len(prefix) :]: v for k, v in line.items() if k.startswith(prefix)}
            from_bilan = {r.code: shown(r.count) for r in table.rows}
            assert {k: v for k, v in written.items() if k in from_bilan} == from_bilan
            assert all(v == 0 for k, v in written.items() if k not in from_bilan)
    assert [
        (r["quartier"], r["code_qpv"], r["animations"], r["participants"])
        for r in lines(document, "animations_qpv")
    ] == [(a.neighbourhood, a.qpv_code, a.number, a.participants) for a in bilan.animations_in_qpv]
    finance = lines(document, "compte_rendu_financier")
    plan = bilan.funding_plan
    if plan is None:
        assert finance == []
        return
    assert [
        (r["code"], r["prevu"], r["realise"], r["ecart"], r["ecart_pourcent"], r["a_justifier"])
        for r in finance
    ] == [
        (
            row.funder.code if row.funder else "total",
            # nothing planned (received) is 0 €, as in the compte rendu financier
            amount(row.planned or Decimal(0)),
            amount(row.actual or Decimal(0)),
            amount(row.gap),
            row.gap_percent,
            row.flagged,
        )
        for row in (*plan.rows, plan.total)
    ]
    actual = {c.funder.code: c.share for c in bilan.funding.contributions} if bilan.funding else {}
    for r in finance:
        assert r["part_realisee"] == actual.get(r["code"])
    cdv = [r for r in finance if r["code"] == Funder.CONTRAT_DE_VILLE.code]
    if bilan.funding is not None and Funder.CONTRAT_DE_VILLE.code in actual:
        assert cdv[0]["part_realisee"] == actual[Funder.CONTRAT_DE_VILLE.code]


def check_pic(document: dict[str, Any], bilan: PublicBilan, data: Dataset) -> None:
    summary = {r["code"]: r["valeur"] for r in lines(document, "synthese")}
    assert summary["accompagnes"] == bilan.accompanied
    assert summary["entrees"] == shown(bilan.new)
    for row in bilan.tables["resultat"].rows:
        assert summary[f"sortie_{row.code}"] == shown(row.count)
    assert summary["sorties_positives"] == shown(bilan.indicators.positive_exits)
    assert summary["sorties_positives"] == sum(
        summary[f"sortie_{code}"] for code in ("creation", "emploi_formation", "poursuite")
    )
    rows = build_participants(data, bilan.start, bilan.end, key=KEY, exporter="pic")
    written = lines(document, "participants")
    assert len(written) == bilan.accompanied
    assert [
        (w["pseudonyme"], w["date_entree"], w["date_sortie"], w["rqth"], w["resident_qpv"])
        for w in written
    ] == [
        (
            r.pseudonym,
            r.entry_date.isoformat() if r.entry_date else None,
            r.exit_date.isoformat() if r.exit_date else None,
            r.rqth,
            r.qpv_resident,
        )
        for r in rows
    ]


@given(datasets(max_persons=12), periods, st.booleans())
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_figure_written_is_the_bilans(
    data: Dataset, period: tuple[dt.date, dt.date], public: bool
) -> None:
    bilan = compute_bilan(data, *period, public=public)
    check_bpi(json_of(bpi.exporter, data, bilan), bilan)
    check_contrat_de_ville(json_of(contrat_de_ville.exporter, data, bilan), bilan)
    if not public:
        check_pic(json_of(pic.exporter, data, bilan), bilan, data)


def test_example_figures_are_the_bilans() -> None:
    from citeslab_core.readers.example import load_example

    data = load_example()
    for public in (False, True):
        bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31), public=public)
        check_bpi(json_of(bpi.exporter, data, bilan), bilan)
        check_contrat_de_ville(json_of(contrat_de_ville.exporter, data, bilan), bilan)
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    check_pic(json_of(pic.exporter, data, bilan), bilan, data)
    assert bilan.accompanied == 118  # the seed's figure, written by every exporter
    document = json_of(bpi.exporter, data, bilan)
    assert lines(document, "indicateurs")[0] == {
        "code": "accompagnes",
        "indicateur": "Personnes accompagnées",
        "valeur": 118,
    }


# -- the XLSX read back equals the CSV read back ----------------------------------------


def _parse(text: str | None, field: dict[str, Any]) -> object:
    if text is None or text == "" or text in field.get("missingValues", []):
        return None
    kind = field["type"]
    if kind == "integer":
        return int(text)
    if kind == "number":
        return Decimal(text.replace(",", "."))
    if kind == "date":
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    if kind == "boolean":
        return {"oui": True, "non": False}[text]
    return text


def _cell(value: object, field: dict[str, Any]) -> object:
    if value is None or value in field.get("missingValues", []):
        return None
    kind = field["type"]
    if kind == "number":
        assert isinstance(value, int | float)
        return Decimal(repr(value)).normalize()
    if kind == "date":
        assert isinstance(value, dt.datetime)
        return value.date()
    if kind == "boolean":
        # « oui » / « non » as text in the workbook too (docs/decisions.md).
        return {"oui": True, "non": False}[str(value)]
    return value


def read_back(files: Sequence[ExportFile], workbook: ExportFile) -> None:
    by_name = {f.name: f.data for f in files}
    package = json.loads(by_name["datapackage.json"])
    book = load_workbook(io.BytesIO(workbook.data))
    assert len(book.sheetnames) == len(package["resources"])
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        text = by_name[resource["path"]].decode("utf-8-sig")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        header, *rows = list(reader)
        from_csv = [
            tuple(
                (lambda v: v.normalize() if isinstance(v, Decimal) else v)(_parse(t, f))
                for t, f in zip(row, fields, strict=True)
            )
            for row in rows
        ]
        sheet = book[resource["title"]]
        sheet_rows = list(sheet.iter_rows(values_only=True))
        assert header == [f["name"] for f in fields]
        # The workbook, for people, leaves the columns of internal codes out.
        kept = [i for i, name in enumerate(header) if name in sheet_rows[0]]
        assert {header[i] for i in range(len(header)) if i not in kept} <= MACHINE_HEADERS
        assert list(sheet_rows[0]) == [header[i] for i in kept]
        fields = [fields[i] for i in kept]
        from_csv = [tuple(row[i] for i in kept) for row in from_csv]
        from_xlsx = [
            tuple(_cell(v, f) for v, f in zip(row, fields, strict=True)) for row in sheet_rows[1:]
        ]
        assert from_xlsx == from_csv, resource["name"]


#: The headers of the columns of internal codes, kept in the CSV and JSON copies only.
MACHINE_HEADERS = frozenset(
    {"Code", "Code financeur", "Code du type", "Tableau", "Financeur", "Ligne"}
)


@given(datasets(max_persons=10), periods, st.booleans())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_xlsx_read_back_equals_csv_read_back(
    data: Dataset, period: tuple[dt.date, dt.date], public: bool
) -> None:
    bilan = compute_bilan(data, *period, public=public)
    for exporter in EXPORTERS:
        if public and exporter.needs_participants:
            continue
        # The tables' workbook (contrat_de_ville may add the compte rendu financier's).
        (workbook,) = [
            f for f in run(exporter, data, bilan, "xlsx") if f.name.startswith(exporter.name)
        ]
        read_back(run(exporter, data, bilan, "csv"), workbook)


def test_datapackages_validate_with_frictionless(tmp_path: Path) -> None:
    from frictionless import validate

    from citeslab_core.readers.example import load_example

    data = load_example()
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    for exporter in EXPORTERS:
        folder = tmp_path / exporter.name
        folder.mkdir()
        for f in run(exporter, data, bilan, "csv"):
            (folder / f.name).write_bytes(f.data)
        report = validate(str(folder / "datapackage.json"))
        assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])


# -- formula injection, public mode, refusals ------------------------------------------


def hostile_dataset() -> Dataset:
    return Dataset.build(
        neighbourhoods=[Neighbourhood('=HYPERLINK("x")', ResidenceStatus.QPV, "QN02901M")],
        persons=[Person(id=f"P{i}", neighbourhood='=HYPERLINK("x")') for i in range(3)],
        events=[
            e
            for i in range(3)
            for e in (
                Event(f"P{i}", dt.date(2023, 2, 1), EventType.ENTRETIEN),
                Event(
                    f"P{i}",
                    dt.date(2023, 2, 2),
                    EventType.CANDIDATURE_PROGRAMME,
                    programme="+cmd|' /C calc'!A0",
                ),
                Event(f"P{i}", dt.date(2023, 3, 2), EventType.SORTIE, result=ExitResult.CREATION),
            )
        ],
    )


def test_hostile_names_are_neutralised_in_csv_and_xlsx() -> None:
    data = hostile_dataset()
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    files = {f.name: f.data for f in run(bpi.exporter, data, bilan, "csv")}
    programmes = files["bpi_2023_programmes.csv"].decode("utf-8-sig")
    assert "'+cmd|' /C calc'!A0;3;0" in programmes.splitlines()
    portrait = files["bpi_2023_portrait.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(portrait, newline=""), delimiter=";"))
    hostile = '\'=HYPERLINK("x")'
    assert ["quartier", "Répartition par quartier", hostile, hostile, "3", "100"] in rows
    (workbook,) = run(contrat_de_ville.exporter, data, bilan, "xlsx")
    book = load_workbook(io.BytesIO(workbook.data))
    values = [c for ws in book for row in ws.iter_rows(values_only=True) for c in row]
    assert '\'=HYPERLINK("x")' in values
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_public_mode_writes_masked_counts_as_s() -> None:
    data = hostile_dataset()  # 3 persons: below the threshold of 5
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31), public=True)
    files = {f.name: f.data for f in run(bpi.exporter, data, bilan, "csv")}
    programmes = files["bpi_2023_programmes.csv"].decode("utf-8-sig").splitlines()
    assert programmes[1] == "'+cmd|' /C calc'!A0;s;0"
    info = files["bpi_2023_informations.csv"].decode("utf-8-sig")
    assert "Diffusion publique;oui" in info


def test_pic_refuses_public_material() -> None:
    data = hostile_dataset()
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31), public=True)
    with pytest.raises(UsageError, match="pas un document public"):
        pic.exporter.export(bilan, ExportOptions("xlsx", True), [])


def test_pic_files_are_private() -> None:
    data = hostile_dataset()
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    files = run(pic.exporter, data, bilan, "csv")
    assert {f.name for f in files if f.private} == {
        "pic_2023_participants.csv",
        "pic_2023_synthese.csv",
        "pic_2023_informations.csv",
    }


# -- end to end through the command line ------------------------------------------------


def test_cli_export_bpi_writes_the_workbook(tmp_path: Path) -> None:
    out = tmp_path / "sortie"
    assert main(["export", "bpi", "--example", "--year", "2023", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["bpi_2023.xlsx"]
    book = load_workbook(out / "bpi_2023.xlsx")
    assert book.sheetnames == [
        "Indicateurs",
        "Portrait",
        "Programmes",
        "Animations",
        "Animations prévues",
        "Financement",
        "Informations",
    ]
    # the indicator in words, no column of codes: « Personnes accompagnées », 118
    assert book["Indicateurs"]["B2"].value == 118
    assert book["Indicateurs"]["A1"].value == "Indicateur"


def test_cli_export_csv_and_json(tmp_path: Path) -> None:
    for fmt in ("csv", "json"):
        out = tmp_path / fmt
        args = ["export", "contrat_de_ville", "--example", "--year", "2023", "-o", str(out)]
        assert main([*args, "--format", fmt]) == 0
        assert any(p.suffix == f".{fmt}" for p in out.iterdir())


def test_cli_pic_without_key_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    out = tmp_path / "pic"
    assert main(["exporter", "pic", "--exemple", "--annee", "2023", "-o", str(out)]) == 2
    assert "clé des pseudonymes absente" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_cli_pic_with_key_writes_private_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, "une clé de site assez longue")
    out = tmp_path / "pic"
    assert main(["export", "pic", "--example", "--year", "2023", "-o", str(out)]) == 0
    (path,) = out.iterdir()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    monkeypatch.delenv(KEY_ENV)
    key_file = tmp_path / "cle"
    key_file.write_text("une autre clé de site, longue\n")
    other = tmp_path / "pic2"
    args = ["export", "pic", "--example", "--year", "2023", "-o", str(other)]
    assert main([*args, "--key-file", str(key_file), "--format", "json"]) == 0
    assert main([*args, "--public", "--key-file", str(key_file), "--force"]) == 2


def test_cli_does_not_replace_files_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sortie"
    args = ["export", "bpi", "--example", "--year", "2023", "-o", str(out)]
    assert main(args) == 0
    target = out / "bpi_2023.xlsx"
    target.write_bytes(b"mine")
    capsys.readouterr()
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == b"mine"
    assert main([*args, "--force"]) == 0
    assert target.read_bytes().startswith(b"PK")
    assert sorted(p.name for p in out.iterdir()) == ["bpi_2023.xlsx"]  # no temporary file


def test_cli_unknown_exporter_lists_the_installed_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "bpy", "--example", "--year", "2023", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "« bpy » inconnu" in err
    for name in ("bpi", "contrat_de_ville", "pic"):
        assert name in err


def test_cli_refuses_an_unknown_format_and_a_file_as_folder(tmp_path: Path) -> None:
    args = ["export", "bpi", "--example", "--year", "2023"]
    assert main([*args, "-o", str(tmp_path / "x"), "--format", "ods"]) == 2
    a_file = tmp_path / "fichier"
    a_file.write_text("")
    assert main([*args, "-o", str(a_file)]) == 2


# -- what a funder receives: words, not codes (docs/exporters.md) ----------------------------

#: An internal code as a cell: lowercase words joined by underscores (« moins_26 »).
INTERNAL_CODE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
#: An ISO timestamp (« 2026-12-07T07:03:28Z »).
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _spaced(text: str) -> str:
    """``text`` with its non-breaking spaces (French typography) read as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _sheet_cells(file: ExportFile) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(file.data))
    return [
        list(row) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
    ]


@pytest.mark.parametrize(
    ("exporter", "fmt"),
    [
        (bpi.exporter, "xlsx"),
        (pic.exporter, "xlsx"),
        (contrat_de_ville.exporter, "xlsx"),
        (contrat_de_ville.exporter, "ods"),
        (calendrier.exporter, "html"),
    ],
)
def test_a_funder_s_document_holds_no_internal_code_nor_iso_moment(
    exporter: Exporter, fmt: str
) -> None:
    from citeslab_core.bilan.provenance import stamp
    from citeslab_core.readers.example import load_example

    data = load_example()
    year = 2024 if exporter is calendrier.exporter else 2023
    made = compute_bilan(data, year=year, as_of=dt.date(2025, 1, 1))
    bilan = stamp(made, data, generated=dt.datetime(2026, 12, 7, 7, 3, 28, tzinfo=dt.UTC))
    files = run(exporter, data, bilan, fmt)
    assert files
    for file in files:
        if fmt == "html":
            text = file.data.decode("utf-8")
            assert not ISO_MOMENT.search(text), file.name
            assert "7 décembre 2026 à 8 h 03" in _spaced(text)
            continue
        cells = [c for row in _sheet_cells(file) for c in row if isinstance(c, str)]
        codes = [c for c in cells if INTERNAL_CODE.fullmatch(c)]
        assert codes == [], (file.name, codes[:5])
        assert not [c for c in cells if ISO_MOMENT.search(c)], file.name
        # the official QPV code stays (« Code QPV »): it is the state's, not ours
        internal = {"Code", "Code financeur", "Code du type", "Tableau"}
        assert not [c for c in cells if "HMAC" in c or c in internal], file.name
        if file.name.startswith(("bpi", "pic", "contrat_de_ville")):
            assert "7 décembre 2026 à 8 h 03" in map(_spaced, cells), file.name


def test_the_machine_copies_keep_the_codes() -> None:
    from citeslab_core.readers.example import load_example

    bilan = compute_bilan(load_example(), year=2023)
    (document,) = run(bpi.exporter, load_example(), bilan, "json")
    tables = json.loads(document.data)["tables"]
    assert "residents_qpv" in [row["code"] for row in tables["indicateurs"]["lignes"]]
    csv_files = {f.name: f for f in run(bpi.exporter, load_example(), bilan, "csv")}
    assert b"Code" in csv_files["bpi_2023_portrait.csv"].data
    assert "datapackage.json" in csv_files


def test_the_calendar_for_partners_is_public_and_has_no_data_package_unless_asked() -> None:
    from citeslab_core.readers.example import load_example

    bilan = compute_bilan(load_example(), year=2024)
    plain = {f.name: f for f in calendrier.exporter.export(bilan, ExportOptions("csv"), None)}
    assert "datapackage.json" not in plain
    info = plain["calendrier_2024_informations.csv"].data.decode("utf-8")
    assert "document interne" not in info
    assert "Diffusion publique;oui" in info
    asked = calendrier.exporter.export(bilan, ExportOptions("csv", datapackage=True), None)
    assert "datapackage.json" in {f.name for f in asked}
