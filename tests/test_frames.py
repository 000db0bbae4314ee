"""DataFrames of a dataset and of a bilan (FORMATS §6): citeslab[pandas]."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import typing
from decimal import Decimal
from pathlib import Path

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core import (
    Dataset,
    Event,
    EventType,
    Funder,
    Funding,
    FundingNature,
    PublicBilan,
    Sex,
    Stage,
    Vocabulary,
    compare,
    compute_bilan,
    load_example,
    network_bilan,
    read_bilan,
)
from citeslab_core.derive.pathways import derive, referent_label
from citeslab_core.errors import UsageError
from citeslab_core.model import TABLE_FIELDS, TABLES
from citeslab_core.model.dates import PartialDate
from citeslab_core.render.frames import BILAN_COLUMNS
from citeslab_core.render.json import render as render_json
from citeslab_core.render.labels import INDICATORS
from strategies import datasets, messy_datasets, secrets

PRIVATE_COLUMNS = {
    "porteurs": {"nom", "prenom", "telephone", "email", "adresse", "idee_projet", "commentaire"},
    "suivis": {"commentaire", "referent"},
    "animations": {"titre", "lieu"},
    "partenariats": {"action"},
    "textes": {"texte"},
    "budget": {"ecart_explication"},
}


def expected_columns(cls: type, *, private: bool) -> list[str]:
    """The columns FORMATS §6 asks for: the workbook's, partial dates as three."""
    hints = typing.get_type_hints(cls)
    columns: list[str] = []
    for field in attrs.fields(cls):
        name = field.metadata["column"]
        if not private and name in PRIVATE_COLUMNS.get(_sheet(cls), set()):
            continue
        if hints[field.name] in (PartialDate, PartialDate | None):
            columns += [name, f"{name}_fin", f"{name}_precision"]
        else:
            columns.append(name)
    return columns


def _sheet(cls: type) -> str:
    return next(sheet for sheet, c, _ in TABLES if c is cls)


def vocabulary_of(cls: type, field_name: str) -> type[Vocabulary] | None:
    hint = typing.get_type_hints(cls)[field_name]
    if typing.get_origin(hint) is tuple:  # several values in a cell: not a categorical
        return None
    for arg in (hint, *typing.get_args(hint)):
        if isinstance(arg, type) and issubclass(arg, Vocabulary):
            return arg
    return None


@settings(max_examples=30)
@given(datasets(identity=secrets))
def test_frames_have_a_row_per_record_and_vocabularies_in_order(data: Dataset) -> None:
    frames = data.to_frames()
    assert list(frames) == [sheet for sheet, _, _ in TABLES] + ["parcours"]
    for sheet, cls, _ in TABLES:
        frame = frames[sheet]
        records = getattr(data, TABLE_FIELDS[sheet])
        assert len(frame) == len(records)
        assert list(frame.columns) == expected_columns(cls, private=False)
        for field in attrs.fields(cls):
            vocabulary = vocabulary_of(cls, field.name)
            if vocabulary is None or field.metadata["column"] not in frame:
                continue
            column = frame[field.metadata["column"]]
            assert isinstance(column.dtype, pd.CategoricalDtype)
            assert column.cat.ordered
            assert list(column.cat.categories) == [m.code for m in vocabulary]
            values = [getattr(r, field.name) for r in records]
            assert [None if pd.isna(v) else v for v in column] == [
                None if v is None else v.code for v in values
            ]
    # no enum member nor PartialDate left in a cell
    for frame in frames.values():
        for column in frame.columns:
            if frame[column].dtype == object:
                for cell in frame[column]:
                    items = cell if isinstance(cell, tuple) else (cell,)
                    assert not any(isinstance(i, Vocabulary | PartialDate) for i in items)
    # no identity or free text, anywhere
    for frame in frames.values():
        assert "Secret" not in frame.to_csv()
    # unless asked for
    if any(p.last_name for p in data.persons):
        assert "Secret" in data.to_frames(private=True)["porteurs"].to_csv()


def test_frames_of_the_example() -> None:
    data = load_example()
    frames = data.to_frames()
    persons = frames["porteurs"]
    assert persons["sexe"].dtype == pd.CategoricalDtype(["F", "H"], ordered=True)
    assert str(persons["date_naissance"].dtype) == "datetime64[ns]"
    born = data.persons[0].birth
    assert born is not None
    assert persons["date_naissance"][0] == pd.Timestamp(born.start)
    assert persons["date_naissance_fin"][0] == pd.Timestamp(born.end)
    assert persons["date_naissance_precision"][0] == born.precision.value
    # defaults filled: every funding has its nature, 2022's actual rows included
    fundings = frames["financements"]
    assert fundings["nature"].notna().all()
    assert fundings["montant"].dtype == "float64"
    actual_2022 = fundings[(fundings.annee == 2022) & (fundings.nature == "realise")]
    assert len(actual_2022) == sum(
        1 for f in data.fundings if f.year == 2022 and f.nature is FundingNature.REALISE
    )
    assert actual_2022["montant"].sum() == pytest.approx(
        float(sum(f.amount for f in data.fundings if f.year == 2022 and f.nature.code == "realise"))
    )
    # sorts and groups by vocabulary order
    counts = persons.groupby("sexe", observed=False).size()
    assert list(counts.index) == ["F", "H"]
    assert counts["F"] == sum(1 for p in data.persons if p.sex is Sex.F)
    labelled = data.to_frames(labels=True)["porteurs"]
    assert list(labelled["sexe"].cat.categories) == [m.label for m in Sex]
    assert set(persons.columns).isdisjoint(PRIVATE_COLUMNS["porteurs"])
    private = data.to_frames(private=True)["porteurs"]
    assert list(private.columns) == expected_columns(type(data.persons[0]), private=True)


def test_pathways_frame() -> None:
    data = load_example()
    pathways = data.to_frames()["parcours"]
    assert list(pathways.columns) == [
        "porteur",
        "numero",
        "ouverture",
        "cloture",
        "resultat",
        "referent",
        "stade_entree",
        "stade_fin",
    ]
    assert list(pathways["stade_entree"].cat.categories) == [s.code for s in Stage]
    closed = pathways[pathways.cloture.notna()]
    assert closed["resultat"].notna().all()
    assert pathways[pathways.cloture.isna()]["resultat"].isna().all()
    assert (closed.cloture >= closed.ouverture).all()
    # every person with an entretien has a first pathway
    assert set(pathways[pathways.numero == 1].porteur) <= {p.id for p in data.persons}


def _day(value: typing.Any) -> dt.date | None:
    return None if value is pd.NaT else typing.cast("dt.date", value.date())


def _stage_on(
    events: typing.Sequence[Event], entry: Stage | None, day: dt.date | None
) -> str | None:
    """The stage on ``day`` (the last one for ``None``): the last ``changement_stade``
    on or before it, else the stage at entry (the frame's ``stade_entree`` and
    ``stade_fin``)."""
    stage = entry
    for event in events:  # by date, rows of a day in input order
        if event.type is EventType.CHANGEMENT_STADE and event.stage is not None:
            if day is not None and event.date > day:
                break
            stage = event.stage
    return None if stage is None else stage.code


@settings(max_examples=40, deadline=None)
@given(datasets())
def test_pathways_frame_is_each_persons_derivation(data: Dataset) -> None:
    """See :func:`check_pathways_frame`: datasets of every sheet."""
    check_pathways_frame(data)


@settings(max_examples=80, deadline=None)
@given(messy_datasets())
def test_pathways_frame_of_messy_histories(data: Dataset) -> None:
    """See :func:`check_pathways_frame`: histories as people type them."""
    check_pathways_frame(data)


def check_pathways_frame(data: Dataset) -> None:
    """The ``parcours`` frame (computed column-wise with NumPy) holds, person by person,
    the pathways that :func:`derive` gives from the person's records (messy histories too:
    rows in any order, events of a day before its entretien, relays to spellings of one
    partner or back to the CitésLab, reopenings), with the stage at each end."""
    expected = []
    for person in data.persons:
        events = data.events_by_person[person.id]
        history = derive(person.id, events, stage_at_entry=person.stage_at_entry, presorted=True)
        for number, pathway in enumerate(history.pathways, start=1):
            result = pathway.result.code if pathway.result is not None else None
            referent = referent_label(pathway.referent)
            entry = _stage_on(events, person.stage_at_entry, pathway.opened)
            end = _stage_on(events, person.stage_at_entry, pathway.closed)
            expected.append(
                (person.id, number, pathway.opened, pathway.closed, result, referent, entry, end)
            )
    frame = data.to_frames()["parcours"]
    got = [
        (
            row.porteur,
            row.numero,
            _day(row.ouverture),
            _day(row.cloture),
            row.resultat if isinstance(row.resultat, str) else None,  # NaN: no result
            row.referent,
            row.stade_entree if isinstance(row.stade_entree, str) else None,
            row.stade_fin if isinstance(row.stade_fin, str) else None,
        )
        for row in frame.itertuples()
    ]
    assert got == expected


def _masked(value: object) -> object:
    return None if value == "s" else value


def json_rows(document: dict[str, typing.Any]) -> list[tuple[object, ...]]:
    """Every table of the bilan JSON as the bilan frame's rows: ``(tableau, code, libelle,
    effectif, part, montant, masque)``, read from the JSON alone (but the indicators'
    and the funders' labels, which the JSON does not carry)."""
    rows: list[tuple[object, ...]] = []

    def counts(table: str, items: list[tuple[str, str, object, object]]) -> None:
        for code, label, count, share in items:
            count, share = _masked(count), _masked(share)
            part = None if share is None else float(share)  # type: ignore[arg-type]
            rows.append((table, code, label, count, part, None, count is None))

    for key, table in document["tables"].items():
        counts(key, [(r["code"], r["libelle"], r["effectif"], r["part"]) for r in table])
    indicators = document["indicateurs"]
    counts("indicateurs", [(i.key, i.short, indicators[i.key], None) for i in INDICATORS])
    programmes = document["programmes"]
    counts(
        "programmes_orientes",
        [(p["programme"], p["programme"], p["orientes"], None) for p in programmes],
    )
    counts(
        "programmes_retenus",
        [(p["programme"], p["programme"], p["retenus"], None) for p in programmes],
    )
    animations = document["animations"]
    counts("animations", [(a["code"], a["libelle"], a["nombre"], None) for a in animations])
    counts(
        "animations_participants",
        [(a["code"], a["libelle"], a["participants"], None) for a in animations],
    )
    period = document["orientations_periode"]
    counts(
        "orientations_periode",
        [(o["code"], o["libelle"], o["personnes"], o["part"]) for o in period],
    )
    counts(
        "orientations_periode_orientations",
        [(o["code"], o["libelle"], o["orientations"], None) for o in period],
    )
    if document["financement"] is not None:
        for c in document["financement"]["contributions"]:
            funder = Funder.parse(c["financeur"])
            rows.append(
                (
                    "financement",
                    funder.code,
                    funder.label,
                    None,
                    c["part"],
                    float(c["montant"]),
                    False,
                )
            )
    reach = document["portee"]
    counts("portee", [(r["quartier"], r["quartier"], r["accompagnes"], None) for r in reach])
    counts(
        "portee_population", [(r["quartier"], r["quartier"], r["population"], None) for r in reach]
    )
    return rows


def frame_rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    def plain(value: object) -> object:
        return None if value is pd.NA else value

    return [
        (r.tableau, r.code, r.libelle, plain(r.effectif), plain(r.part), plain(r.montant), r.masque)
        for r in frame.itertuples()
    ]


def assert_frame_is_the_json(bilan: PublicBilan) -> None:
    frame = bilan.to_frame()
    document = json.loads(render_json(bilan))
    assert list(frame.columns) == list(BILAN_COLUMNS)
    assert frame_rows(frame) == json_rows(document)
    assert (frame["site"] == document["site"]).all()
    assert (frame["debut"] == pd.Timestamp(document["periode"]["debut"])).all()
    assert (frame["fin"] == pd.Timestamp(document["periode"]["fin"])).all()
    assert {str(c): str(t) for c, t in frame.dtypes.items()} == FRAME_DTYPES
    for key, table in bilan.tables.items():  # a table's frame: its rows of the bilan's
        alone = table.to_frame()
        assert list(alone.columns) == list(BILAN_COLUMNS[:-3])
        assert frame_rows(alone) == frame_rows(frame[frame.tableau == key])


#: The dtypes of every bilan frame: a site's, a public one, a network's.
FRAME_DTYPES = {
    "tableau": "string",
    "code": "string",
    "libelle": "string",
    "effectif": "Int64",
    "part": "Float64",
    "montant": "Float64",
    "masque": "bool",
    "site": "string",
    "debut": "datetime64[ns]",
    "fin": "datetime64[ns]",
}


def test_bilan_frame_equals_the_bilan_json() -> None:
    data = load_example()
    bilans = [compute_bilan(data, year=2023, public=public) for public in (False, True)]
    for bilan in bilans:
        assert_frame_is_the_json(bilan)
    assert bilans[1].to_frame()["masque"].any()  # the public one masks something
    tables = set(bilans[0].to_frame()["tableau"])
    assert {"indicateurs", "programmes_orientes", "animations", "financement", "portee"} <= tables
    other = data.replace(site=attrs.evolve(data.site, name="CitésLab Quimper"))
    network = network_bilan([compute_bilan(data, year=2023), compute_bilan(other, year=2023)])
    assert_frame_is_the_json(network)


@settings(max_examples=25, deadline=None)
@given(datasets(), st.booleans())
def test_every_table_of_a_generated_bilan_is_in_its_frame(data: Dataset, public: bool) -> None:
    assert_frame_is_the_json(
        compute_bilan(data, dt.date(2021, 1, 1), dt.date(2025, 12, 31), public=public)
    )


def test_a_comparison_frame_has_the_bilan_frame_types() -> None:
    data = load_example()
    before, after = compute_bilan(data, year=2022), compute_bilan(data, year=2023)
    frame = compare(before, after).to_frame()
    for column in ("tableau", "code", "libelle"):
        assert str(frame[column].dtype) == FRAME_DTYPES[column]
    for column in ("effectif_avant", "effectif_apres", "evolution"):
        assert str(frame[column].dtype) == FRAME_DTYPES["effectif"]
    for column in ("part_avant", "part_apres", "evolution_points"):
        assert str(frame[column].dtype) == FRAME_DTYPES["part"]
    # the same rows as the two bilans' frames, for the tables both hold
    sex = frame[frame.tableau == "sexe"].set_index("code")
    mine = after.to_frame()
    assert list(sex["effectif_apres"]) == list(mine[mine.tableau == "sexe"]["effectif"])


def test_a_funding_left_at_its_default_nature_is_realise() -> None:
    data = Dataset.build(fundings=[Funding(2022, Funder.BPI, Decimal("10"))])
    frame = data.to_frames()["financements"]
    assert frame["nature"].tolist() == ["realise"]


def test_without_pandas_a_french_error() -> None:
    code = (
        "import sys\n"
        "sys.modules['pandas'] = None\n"
        "from citeslab_core import load_example, UsageError\n"
        "try:\n"
        "    load_example().to_frames()\n"
        "except UsageError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "pip install 'citeslab[pandas]'" in result.stdout
    assert "pandas n'est pas installé" in result.stdout


def test_pandas_is_imported_only_for_frames() -> None:
    code = (
        "import sys\n"
        "from citeslab_core import load_example, compute_bilan\n"
        "b = compute_bilan(load_example(), year=2023)\n"
        "repr(b); b._repr_html_()\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_dates_are_days() -> None:
    frame = load_example().to_frames()["suivis"]
    assert frame["date"][0] == pd.Timestamp(load_example().events[0].date)
    assert (frame["date"].dt.normalize() == frame["date"]).all()
    assert frame["date"].min() >= pd.Timestamp(dt.date(2022, 1, 1))


#: The persons frame's columns counted by a portrait table, and the row of a missing value.
COUNTED_COLUMNS = {
    "sexe": "non_renseigne",
    "statut_residence": "non_renseigne",
    "tranche_age": "non_renseigne",
    "stade_entree": "non_renseigne",
    "orientation_premier_rdv": "autre",
    "resultat": "en_cours",
}


def assert_persons_are_the_tables(bilan: PublicBilan) -> None:
    frame = bilan.persons_frame()
    assert len(frame) == bilan.accompanied
    assert int(frame["nouveau"].sum()) == bilan.new
    assert frame["porteur"].is_unique
    for column, missing in COUNTED_COLUMNS.items():
        codes = frame[column].astype("string").fillna(missing)
        counted = {str(code): int(n) for code, n in codes.value_counts().items()}
        table = {row.code: row.count for row in bilan.tables[column].rows if row.count}
        assert counted == table, column
    for row in bilan.programmes:  # an applicant not accompanied is counted by the table only
        applied = sum(row.programme in programmes for programmes in frame["programmes"])
        assert row.oriented is not None
        assert applied <= row.oriented


@settings(max_examples=30, deadline=None)
@given(datasets(identity=secrets))
def test_the_persons_frame_counts_what_the_bilan_counts(data: Dataset) -> None:
    bilan = compute_bilan(data, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    assert_persons_are_the_tables(bilan)
    shown = bilan.persons_frame().to_csv()
    assert "Secret" not in shown  # the id only: no identity, no free text


def test_the_persons_frame_of_the_example() -> None:
    bilan = compute_bilan(load_example(), year=2023)
    assert_persons_are_the_tables(bilan)
    frame = bilan.persons_frame()
    assert list(frame.columns) == [
        "porteur",
        "nouveau",
        "tranche_age",
        "sexe",
        "statut_residence",
        "code_qpv",
        "stade_entree",
        "orientation_premier_rdv",
        "resultat",
        "programmes",
    ]
    applied = {p for programmes in frame["programmes"] for p in programmes}
    assert applied  # the example's accompanied apply to programmes


def test_a_bilan_without_its_persons_says_so(tmp_path: Path) -> None:
    bilan = compute_bilan(load_example(), year=2023)
    path = tmp_path / "bilan.json"
    path.write_text(render_json(bilan), encoding="utf-8")
    with pytest.raises(UsageError, match="compute_bilan"):
        read_bilan(path).persons_frame()
