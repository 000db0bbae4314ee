"""The ``permanences`` sheet: read from every format, expanded into dated occurrences."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import attrs
import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import compute_bilan
from citeslab_core.derive.calendar import (
    OccurrenceState,
    build_calendar,
    french_holidays,
    occurrences,
    permanence_record,
)
from citeslab_core.errors import CellError, InvalidData, Location
from citeslab_core.model import Animation, Dataset, Event, Permanence, Person
from citeslab_core.model.dates import PartialDate, parse_time
from citeslab_core.readers import read_input
from citeslab_core.readers.converter import dumps, loads
from citeslab_core.readers.workbook import write_workbook
from citeslab_core.vocabularies import AnimationType, EventType, Weekday
from strategies import permanences
from test_readers import ods, problems_of, xlsx

D = dt.date
T = dt.time

BASE: dict[str, list[list[object]]] = {
    "porteurs": [["id"], ["P1"]],
    "suivis": [["porteur", "date", "type"], ["P1", D(2024, 3, 1), "entretien"]],
}
HEADER = ["lieu", "quartier", "jours", "heure_debut", "heure_fin", "debut", "fin", "exceptions"]


def _dataset(*rules: Permanence) -> Dataset:
    return Dataset.build(
        persons=[Person("P1")],
        events=[Event("P1", D(2024, 3, 1), EventType.ENTRETIEN)],
        permanences=rules,
    )


CAPUCINS = Permanence(
    "Médiathèque des Capucins",
    (Weekday.MARDI, Weekday.JEUDI),
    T(9, 30),
    T(12),
    D(2024, 4, 1),
    D(2024, 6, 30),
    "Bellevue",
    (PartialDate.day(D(2024, 5, 16)), PartialDate.month(2024, 6)),
)


# -- reading ------------------------------------------------------------------------------


def test_a_workbook_sheet_in_the_forms_people_write(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "site.xlsx",
        {
            **BASE,
            "Permanences": [
                ["Lieu", "Quartier", "Jours", "Heure début", "heure_fin", "debut", "fin",
                 "exceptions"],
                ["Médiathèque des Capucins", "Bellevue", "Mardi, jeudi", "9h30", T(12, 0),
                 D(2024, 4, 1), "30/06/2024", "16/05/2024 ; juin 2024"],
                ["Centre social", None, "lundi et mercredi", 14, "17:00", "2024-04-01", None,
                 None],
            ],
        },
    )  # fmt: skip
    data = read_input(path)
    assert data.permanences[0] == CAPUCINS
    assert data.permanences[1] == Permanence(
        "Centre social", (Weekday.LUNDI, Weekday.MERCREDI), T(14), T(17), D(2024, 4, 1)
    )


def test_every_problem_is_named_by_file_sheet_row_and_column(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "site.xlsx",
        {
            **BASE,
            "permanences": [
                HEADER,
                ["A", None, "marday", "9h", "12h", D(2024, 4, 1), None, None],
                ["B", None, "mardi", "25h", "9h75", D(2024, 4, 1), None, None],
                ["C", None, "mardi", "14h", "12h", D(2024, 4, 1), None, None],
                ["D", None, "mardi", "9h", "12h", D(2024, 4, 1), D(2024, 3, 1), None],
                ["E", None, None, "9h", "12h", D(2024, 4, 1), None, "le 3 mai"],
            ],
        },
    )
    found = {(p.location.row, p.location.column, p.location.column_letter): p.message
             for p in problems_of(path)}  # fmt: skip
    assert set(found) == {
        (2, "jours", "C"),
        (3, "heure_debut", "D"),
        (3, "heure_fin", "E"),
        (4, "heure_fin", "E"),
        (5, "fin", "G"),
        (6, "jours", "C"),
        (6, "exceptions", "H"),
    }
    assert (
        "« marday » n'est pas une valeur de « Jours » : vouliez-vous dire « Mardi » ?"
        in found[2, "jours", "C"]
    )
    assert found[3, "heure_debut", "D"].startswith("« 25h » n'est pas une heure")
    assert found[3, "heure_fin", "E"].startswith("« 9h75 » n'est pas une heure")
    assert found[4, "heure_fin", "E"] == "l'heure de fin (12h) doit suivre l'heure de début (14h)"
    assert found[5, "fin", "G"] == "la fin (01/03/2024) précède le début (01/04/2024)"
    assert found[6, "jours", "C"] == "la colonne « Jours » est obligatoire"
    problem = next(p for p in problems_of(path) if p.location.row == 2)
    assert problem.location == Location("site.xlsx", "permanences", 2, "jours", "C")


def test_a_csv_folder(tmp_path: Path) -> None:
    (tmp_path / "porteurs.csv").write_text("id\nP1\n", encoding="utf-8")
    (tmp_path / "suivis.csv").write_text("porteur;date;type\nP1;01/03/2024;entretien\n")
    (tmp_path / "permanences.csv").write_text(
        "lieu;quartier;jours;heure_debut;heure_fin;debut;fin;exceptions\n"
        "Médiathèque des Capucins;Bellevue;mardi, jeudi;9h30;12h;01/04/2024;30/06/2024;"
        "16/05/2024, juin 2024\n",
        encoding="utf-8",
    )
    assert read_input(tmp_path).permanences == (CAPUCINS,)


def _ods_time(value: str) -> str:
    return f'<table:table-cell office:value-type="time" office:time-value="{value}"/>'


def test_an_ods_workbook(tmp_path: Path) -> None:
    path = ods(
        tmp_path / "site.ods",
        {
            **BASE,
            "permanences": [
                HEADER,
                ["Médiathèque des Capucins", "Bellevue", "mardi, jeudi", "9h30", "12:00",
                 D(2024, 4, 1), D(2024, 6, 30), "2024-05-16; 2024-06"],
            ],
        },
    )  # fmt: skip
    assert read_input(path).permanences == (CAPUCINS,)
    # A time cell, as LibreOffice writes one.
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").decode()
    content = content.replace(
        '<table:table-cell office:value-type="string"><text:p>9h30</text:p></table:table-cell>',
        _ods_time("PT09H30M00S"),
    )
    timed = tmp_path / "timed.ods"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(timed, "w") as archive:
        for item in source.namelist():
            data = content if item == "content.xml" else source.read(item)
            archive.writestr(item, data)
    assert read_input(timed).permanences == (CAPUCINS,)


def test_the_canonical_json_and_the_workbook_round_trip(tmp_path: Path) -> None:
    data = _dataset(CAPUCINS)
    document = json.loads(dumps(data))
    assert document["permanences"] == [
        {
            "lieu": "Médiathèque des Capucins",
            "quartier": "Bellevue",
            "jours": ["mardi", "jeudi"],
            "heure_debut": "09:30",
            "heure_fin": "12:00",
            "debut": "2024-04-01",
            "fin": "2024-06-30",
            "exceptions": ["2024-05-16", "2024-06"],
        }
    ]
    assert loads(dumps(data)).permanences == (CAPUCINS,)
    path = tmp_path / "x.xlsx"
    path.write_bytes(write_workbook(data))
    assert read_input(path).permanences == (CAPUCINS,)


def test_the_json_reader_names_the_element() -> None:
    document = json.loads(dumps(_dataset(CAPUCINS)))
    document["permanences"][0]["heure_debut"] = "9h30"
    document["permanences"][0]["jours"] = ["mardi", "marday"]
    with pytest.raises(InvalidData) as caught:
        loads(json.dumps(document))
    sheets = {p.location.sheet: p.message for p in caught.value.problems}
    assert sheets["permanences[0].heure_debut"].startswith("« 9h30 » n'est pas une heure HH:MM")
    assert "« marday »" in sheets["permanences[0].jours[1]"]
    document = json.loads(dumps(_dataset(CAPUCINS)))
    document["permanences"][0]["fin"] = "2024-03-01"
    with pytest.raises(InvalidData) as caught:
        loads(json.dumps(document))
    (problem,) = caught.value.problems
    assert (problem.location.sheet, problem.location.column) == ("permanences[0]", "fin")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9h", T(9)), ("9h30", T(9, 30)), ("09:30", T(9, 30)), ("14 h 30", T(14, 30)),
     (14, T(14)), (0.375, T(9)), (T(9, 30, 15), T(9, 30)), (dt.timedelta(hours=9), T(9))],
)  # fmt: skip
def test_hours_in_every_form(raw: object, expected: dt.time) -> None:
    assert parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["25h", "9h75", "midi", "24", 1.5, -1, True, "9-12"])
def test_what_is_not_an_hour(raw: object) -> None:
    with pytest.raises(CellError, match="n'est pas une heure"):
        parse_time(raw)


# -- occurrences ----------------------------------------------------------------------------


def test_the_rule_of_an_example() -> None:
    days = occurrences(CAPUCINS)
    # Tuesdays and Thursdays of April and May 2024, less Ascension (9 May, a Thursday)
    # and the exception (16 May); June is an exception as a whole.
    assert days == [
        D(2024, 4, 2), D(2024, 4, 4), D(2024, 4, 9), D(2024, 4, 11), D(2024, 4, 16),
        D(2024, 4, 18), D(2024, 4, 23), D(2024, 4, 25), D(2024, 4, 30), D(2024, 5, 2),
        D(2024, 5, 7), D(2024, 5, 14), D(2024, 5, 21), D(2024, 5, 23), D(2024, 5, 28),
        D(2024, 5, 30),
    ]  # fmt: skip
    assert occurrences(CAPUCINS, D(2024, 5, 1), D(2024, 5, 10)) == [D(2024, 5, 2), D(2024, 5, 7)]


def test_french_public_holidays_are_the_metropolitan_ones() -> None:
    found = french_holidays(D(2024, 1, 1), D(2024, 12, 31))
    assert found == {
        D(2024, 1, 1), D(2024, 4, 1), D(2024, 5, 1), D(2024, 5, 8), D(2024, 5, 9),
        D(2024, 5, 20), D(2024, 7, 14), D(2024, 8, 15), D(2024, 11, 1), D(2024, 11, 11),
        D(2024, 12, 25),
    }  # fmt: skip


def test_a_rule_without_an_end_needs_one() -> None:
    rule = Permanence("X", (Weekday.LUNDI,), T(9), T(12), D(2024, 1, 1))
    with pytest.raises(ValueError, match="end"):
        occurrences(rule)
    assert occurrences(rule, None, D(2024, 1, 15)) == [D(2024, 1, 8), D(2024, 1, 15)]


periods = st.tuples(st.dates(D(2022, 6, 1), D(2026, 6, 1)), st.integers(0, 500)).map(
    lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(permanences(), periods)
def test_occurrences_follow_the_rule_and_nothing_else(
    rule: Permanence, period: tuple[dt.date, dt.date]
) -> None:
    start, end = period
    days = occurrences(rule, start, end)
    public = holidays.country_holidays("FR", years=range(start.year, end.year + 1))
    weekdays = {d.number for d in rule.days}
    last = end if rule.last_day is None else min(end, rule.last_day)

    def expected(day: dt.date) -> bool:
        return (
            day.weekday() in weekdays
            and day not in public
            and not any(e.start <= day <= e.end for e in rule.exceptions)
        )

    for day in days:
        assert day.weekday() in weekdays
        assert max(start, rule.first_day) <= day <= last
        assert day not in public
        assert not any(e.start <= day <= e.end for e in rule.exceptions)
    assert days == sorted(set(days))
    # ...and every day that follows the rule is there.
    first = max(start, rule.first_day)
    every = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    assert days == [d for d in every if expected(d)]


# -- planned and held (DOMAIN.md, "Planned and held, for permanences") -------------------------


def _recorded(day: dt.date, place: str | None, participants: int | None) -> Animation:
    return Animation(
        PartialDate.day(day), AnimationType.PERMANENCE, None, place, None, (), participants
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(permanences(first=D(2024, 1, 1), last=D(2024, 12, 31)), min_size=1, max_size=3),
    st.dates(D(2023, 12, 1), D(2025, 2, 1)),
    st.data(),
)
def test_held_cancelled_and_to_come_are_the_planned_occurrences(
    rules: list[Permanence], as_of: dt.date, data: st.DataObject
) -> None:
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    planned = _dataset(*rules)
    found = permanence_record(planned, start, end, as_of)
    # Records of the permanence at some of its occurrences (some twice), and elsewhere.
    at = (
        data.draw(st.lists(st.sampled_from(found.occurrences), max_size=6))
        if found.occurrences
        else []
    )
    elsewhere = data.draw(st.lists(st.dates(start, end), max_size=3))
    records = [
        _recorded(
            o.day, f"  {o.permanence.place.upper()} ", data.draw(st.none() | st.integers(0, 9))
        )
        for o in at
    ] + [_recorded(day, "Ailleurs, hors calendrier", 4) for day in elsewhere]
    site = Dataset.build(
        persons=planned.persons, events=planned.events, permanences=rules, animations=records
    )
    record = permanence_record(site, start, end, as_of)
    calendar = build_calendar(site, start, end)
    # The planned occurrences are the calendar's, whatever was recorded.
    assert record.planned == found.planned == len(calendar.entries)
    assert record.held_planned + record.cancelled + record.upcoming == record.planned
    for o in record.occurrences:
        if o.records:  # recorded at an occurrence: that occurrence, held
            assert o.state == OccurrenceState.HELD
        elif any(c.start <= o.day <= c.end for c in o.permanence.cancelled):
            assert o.state == OccurrenceState.CANCELLED
        else:
            assert o.state == (OccurrenceState.UPCOMING if o.day > as_of else OccurrenceState.HELD)
    # Each record is one occurrence or one permanence held elsewhere, never both.
    assert sum(len(o.records) for o in record.occurrences) + len(record.elsewhere) == len(records)
    assert len(record.elsewhere) == len(elsewhere)
    matched = {(o.day, o.permanence.place) for o in at}
    assert sum(1 for o in record.occurrences if o.records) == len(matched)
    # The bilan says the same: a recorded permanence at an occurrence never counts twice.
    bilan = compute_bilan(site, start, end, as_of=as_of)
    row = next(r for r in bilan.planned_animations if r.code == "permanence")
    assert (row.planned, row.cancelled, row.upcoming) == (
        record.planned,
        record.cancelled,
        record.upcoming,
    )
    assert row.held == record.held_planned + len(elsewhere)
    assert row.held <= record.planned + len(elsewhere)
    held = next(r for r in bilan.animations if r.code == "permanence")
    assert held.number == row.held
    assert held.participants == sum(a.participants or 0 for a in records)


def test_a_permanence_recorded_at_an_occurrence_is_that_occurrence() -> None:
    # Tuesdays and Thursdays of April 2024, 9 of them less 1 cancelled; seen on 18 April.
    rule = attrs.evolve(
        CAPUCINS, last_day=D(2024, 4, 30), cancelled=(PartialDate.day(D(2024, 4, 9)),)
    )
    site = Dataset.build(
        persons=[Person("P1")],
        events=[Event("P1", D(2024, 3, 1), EventType.ENTRETIEN)],
        permanences=[rule],
        animations=[
            _recorded(D(2024, 4, 4), "médiathèque des capucins", 7),  # the occurrence of 4 April
            _recorded(D(2024, 4, 9), "Médiathèque des Capucins", 2),  # held after all
            _recorded(D(2024, 4, 5), "Centre social de Kerourien", 3),  # elsewhere
        ],
    )
    bilan = compute_bilan(site, D(2024, 4, 1), D(2024, 4, 30), as_of=D(2024, 4, 18))
    row = next(r for r in bilan.planned_animations if r.code == "permanence")
    # 2, 4, 9, 11, 16, 18, 23, 25, 30 April: 6 up to the 18th, 3 after.
    assert (row.planned, row.held, row.cancelled, row.upcoming) == (9, 6 + 1, 0, 3)
    held = next(r for r in bilan.animations if r.code == "permanence")
    assert (held.number, held.participants) == (7, 12)
    # No check for the occurrences nobody recorded: they have no count, not an unknown one.
    assert not [c for c in bilan.checks if c.code == "animation_sans_participants"]
