"""Pseudonyms and participant rows: keyed, separated per exporter, no identity by construction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import EN_COURS, NON_RENSEIGNE, compute_bilan
from citeslab_core.exporting.privacy import (
    KEY_ENV,
    ParticipantRow,
    PseudonymKeyError,
    build_participants,
    load_key,
    pseudonym,
)
from citeslab_core.model import Dataset, Event, Person, private_fields
from citeslab_core.model.dates import PartialDate
from citeslab_core.vocabularies import AgeBracket, EventType, ExitResult, ResidenceStatus
from strategies import datasets

KEY = b"une cle de test assez longue"
YEAR = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))

keys = st.binary(min_size=16, max_size=40)
ids = st.text(min_size=1, max_size=20)
names = st.sampled_from(["pic", "bpi", "contrat_de_ville", "region_bretagne"])


# -- the key ---------------------------------------------------------------------------


def test_key_from_the_environment() -> None:
    assert load_key(None, {KEY_ENV: "  une phrase secrète assez longue\n"}) == (
        "une phrase secrète assez longue".encode()
    )


def test_key_file_wins_over_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "cle.txt"
    path.write_bytes(b"la cle du fichier, assez longue\n")
    assert load_key(path, {KEY_ENV: "celle de l'environnement"}) == (
        b"la cle du fichier, assez longue"
    )


@pytest.mark.parametrize("environ", [{}, {KEY_ENV: ""}, {KEY_ENV: "   \n"}])
def test_no_key_is_a_french_error(environ: dict[str, str]) -> None:
    with pytest.raises(PseudonymKeyError, match="clé des pseudonymes absente"):
        load_key(None, environ)


def test_short_key_is_refused() -> None:
    with pytest.raises(PseudonymKeyError, match="trop courte"):
        load_key(None, {KEY_ENV: "court"})


def test_missing_key_file_is_a_french_error(tmp_path: Path) -> None:
    with pytest.raises(PseudonymKeyError, match="introuvable"):
        load_key(tmp_path / "absente.txt", {KEY_ENV: "ignorée car un fichier est donné"})


# -- pseudonyms ------------------------------------------------------------------------


def test_pseudonym_is_hmac_sha256_of_exporter_and_id() -> None:
    # The documented construction: a funder's files of several years must keep matching.
    digest = hmac.new(KEY, b"citeslab/pseudonyme/v1\x00pic\x00P001", hashlib.sha256).hexdigest()
    assert pseudonym(KEY, "pic", "P001") == "P" + digest[:32]


@given(keys, names, ids)
@settings(max_examples=30)
def test_pseudonym_is_stable_under_one_key(key: bytes, name: str, person: str) -> None:
    first = pseudonym(key, name, person)
    assert first == pseudonym(bytes(key), name, person)
    assert len(first) == 33
    assert first.startswith("P")
    int(first[1:], 16)
    assert person not in first[1:] or len(person) < 3


@given(keys, names, names, ids)
@settings(max_examples=30)
def test_pseudonyms_differ_across_exporters(key: bytes, a: str, b: str, person: str) -> None:
    if a != b:
        assert pseudonym(key, a, person) != pseudonym(key, b, person)


@given(keys, keys, names, ids)
@settings(max_examples=30)
def test_pseudonyms_differ_across_keys(a: bytes, b: bytes, name: str, person: str) -> None:
    if a != b:
        assert pseudonym(a, name, person) != pseudonym(b, name, person)


@given(keys, names, ids, ids)
@settings(max_examples=30)
def test_pseudonyms_differ_across_persons(key: bytes, name: str, p: str, q: str) -> None:
    if p != q:
        assert pseudonym(key, name, p) != pseudonym(key, name, q)


# -- participant rows ------------------------------------------------------------------


def test_participant_row_has_no_identity_field() -> None:
    fields = {f.name for f in attrs.fields(ParticipantRow)}
    forbidden = set(private_fields(Person)) | {
        "id",
        "person",
        "birth",
        "neighbourhood",
        "prescriber",
        "comment",
    }
    assert not fields & forbidden
    # Every field is a pseudonym, a coded value, a flag, a code or a date: no free text.
    for field in attrs.fields(ParticipantRow):
        assert field.name in {"pseudonym", "qpv_code"} or "str" not in str(field.type)


def _person(pid: str, **kwargs: object) -> Person:
    return Person(id=pid, last_name="Dupont", phone="06 00 00 00 00", **kwargs)  # type: ignore[arg-type]


def test_rows_follow_the_bilan_definitions() -> None:
    data = Dataset.build(
        persons=[
            _person(
                "A",
                birth=PartialDate.day(dt.date(2000, 6, 15)),
                residence=ResidenceStatus.QPV,
                qpv_code="QN02901M",
            ),
            _person("B", birth=PartialDate.year(1980), residence=ResidenceStatus.QPV_LIMITE),
            _person("C"),
        ],
        events=[
            # A: first entretien in 2022 at 21, back in 2023, two exits in 2023
            Event("A", dt.date(2022, 6, 14), EventType.ENTRETIEN, comment="secret"),
            Event("A", dt.date(2023, 2, 1), EventType.POINT_ETAPE),
            Event("A", dt.date(2023, 3, 1), EventType.SORTIE, result=ExitResult.ABANDON),
            Event("A", dt.date(2023, 5, 1), EventType.ENTRETIEN),
            Event("A", dt.date(2023, 9, 1), EventType.SORTIE, result=ExitResult.CREATION),
            # B: new in 2023, still accompanied; an exit in 2024 is not in the period
            Event("B", dt.date(2023, 11, 2), EventType.ENTRETIEN),
            Event("B", dt.date(2024, 1, 5), EventType.SORTIE, result=ExitResult.POURSUITE),
            # C: only in 2022, not accompanied in 2023
            Event("C", dt.date(2022, 1, 3), EventType.ENTRETIEN),
        ],
    )
    rows = build_participants(data, *YEAR, key=KEY, exporter="pic")
    by = {r.pseudonym: r for r in rows}
    assert set(by) == {pseudonym(KEY, "pic", "A"), pseudonym(KEY, "pic", "B")}
    a = by[pseudonym(KEY, "pic", "A")]
    assert a.entry_date == dt.date(2022, 6, 14)
    assert a.age_bracket is AgeBracket.A18_25  # 21 at the first entretien
    assert (a.exit_date, a.exit_result) == (dt.date(2023, 9, 1), ExitResult.CREATION)
    assert a.qpv_resident is True
    assert a.qpv_code == "QN02901M"
    b = by[pseudonym(KEY, "pic", "B")]
    assert b.age_bracket is AgeBracket.A36_45  # 2023 - 1980 = 43
    assert (b.exit_date, b.exit_result) == (None, None)
    assert b.qpv_resident is False
    assert "Dupont" not in repr(rows)
    assert [r.entry_date for r in rows] == sorted(r.entry_date for r in rows)  # type: ignore[type-var]


@given(datasets(max_persons=10), st.sampled_from([2022, 2023, 2024]))
@settings(max_examples=40, deadline=None)
def test_rows_agree_with_the_bilan(data: Dataset, year: int) -> None:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    bilan = compute_bilan(data, start, end)
    rows = build_participants(data, start, end, key=KEY, exporter="pic")
    assert len(rows) == bilan.accompanied
    assert len({r.pseudonym for r in rows}) == len(rows)

    def table(key: str) -> dict[str, int]:
        return {r.code: r.count or 0 for r in bilan.tables[key].rows if r.count}

    def tally(values: list[str]) -> dict[str, int]:
        return dict(Counter(values))

    nr = NON_RENSEIGNE[0]
    assert tally([r.sex.code if r.sex else nr for r in rows]) == table("sexe")
    assert tally([r.age_bracket.code if r.age_bracket else nr for r in rows]) == table(
        "tranche_age"
    )
    assert tally([r.exit_result.code if r.exit_result else EN_COURS[0] for r in rows]) == (
        table("resultat")
    )
    assert tally([r.benefit.code for r in rows]) == table("minima_sociaux")
    assert sum(1 for r in rows if r.qpv_resident) == bilan.indicators.qpv_residents
    new = sum(1 for r in rows if r.entry_date is not None and start <= r.entry_date <= end)
    assert new == bilan.new
    for r in rows:
        assert (r.exit_date is None) == (r.exit_result is None)
        assert r.exit_date is None or start <= r.exit_date <= end


@given(datasets(max_persons=8))
@settings(max_examples=20, deadline=None)
def test_pseudonyms_are_stable_across_years(data: Dataset) -> None:
    expected = {pseudonym(KEY, "pic", p.id) for p in data.persons}
    for year in (2022, 2023, 2024):
        rows = build_participants(
            data, dt.date(year, 1, 1), dt.date(year, 12, 31), key=KEY, exporter="pic"
        )
        assert {r.pseudonym for r in rows} <= expected
    other = build_participants(data, *YEAR, key=KEY, exporter="bpi")
    assert not {r.pseudonym for r in other} & expected
