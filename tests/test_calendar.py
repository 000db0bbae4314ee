"""The calendar: the example's 2024 plan, the ``calendrier`` exporter (ics, html, csv), the
stable UIDs, the daylight-saving boundaries, planned against held in the bilan."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from browser import A4_WIDTH_PX, Browser
from citeslab_core.bilan import compute_bilan
from citeslab_core.cli import main
from citeslab_core.derive.calendar import Calendar, build_calendar
from citeslab_core.exporting import ExportOptions, Registry
from citeslab_core.model import Animation, Dataset, Event, Permanence, Person
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.example import load_example
from citeslab_core.render.json import render as render_json
from citeslab_core.vocabularies import AnimationStatus, AnimationType, EventType, Weekday
from citeslab_exporters.calendrier import events_table, exporter, to_html, to_ics
from strategies import permanences

D = dt.date
T = dt.time
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
AT = AnimationType

#: The seed's "Calendrier prévisionnel 2024", column by column (« novembre » a month).
SEED_2024: dict[AnimationType, list[dt.date | str]] = {
    AT.ATELIER_THEMATIQUE: [D(2024, 2, 15), D(2024, 4, 18), D(2024, 6, 13), D(2024, 9, 19),
                            D(2024, 11, 7)],
    AT.CAFE_CREATEUR: [D(2024, 3, 21), D(2024, 5, 30), D(2024, 7, 2), D(2024, 9, 26),
                       "novembre"],
    AT.PETIT_DEJEUNER_CREATEURS: [D(2024, 2, 29), D(2024, 6, 6), D(2024, 9, 26), D(2024, 12, 5)],
    AT.MARCHE_CREATEURS: [D(2024, 5, 29), D(2024, 10, 9), D(2024, 12, 13)],
}  # fmt: skip


def _events(ics: bytes) -> list[Any]:
    """The VEVENTs of a file, parsed back by icalendar (typed loosely: its properties are
    a union of value types)."""
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


def _export(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out"
    assert main(["export", "calendrier", "--example", *args, "-o", str(out)]) == 0
    return out


# -- the example's 2024 calendar ------------------------------------------------------------


def test_the_example_2024_calendar_holds_every_date_of_the_seed_table(tmp_path: Path) -> None:
    out = _export(tmp_path, "--from", "2024-01-01", "--to", "2024-12-31", "--format", "ics")
    assert sorted(p.name for p in out.iterdir()) == ["calendrier_2024.ics"]
    events = _events((out / "calendrier_2024.ics").read_bytes())
    found = {
        (str(e["categories"].cats[0]), e.decoded("dtstart"), e.decoded("dtend")) for e in events
    }
    for kind, dates in SEED_2024.items():
        for date in dates:
            if date == "novembre":  # a month-long, all-day event
                expected = (kind.label, D(2024, 11, 1), D(2024, 12, 1))
            else:
                assert isinstance(date, dt.date)
                expected = (kind.label, date, date + dt.timedelta(days=1))
            assert expected in found, (kind, date)
    planned = [e for e in events if e["categories"].cats[0] != AT.PERMANENCE.label]
    assert len(planned) == sum(len(d) for d in SEED_2024.values())  # and nothing else
    # About six permanences a week, timed in Paris, in the seed's neighbourhoods.
    held = [e for e in events if e["categories"].cats[0] == AT.PERMANENCE.label]
    weeks = {e.decoded("dtstart").isocalendar()[1] for e in held}
    assert 5.5 <= len(held) / len(weeks) <= 6
    hoods = {"Recouvrance", "Kerourien", "Bellevue", "Lambézellec", "Pontanézen"}
    where = [{h for h in hoods if h in str(e["location"])} for e in held]
    assert all(len(found) == 1 for found in where)
    assert set().union(*where) == hoods
    assert all(e.decoded("dtstart").tzinfo is not None for e in held)


def test_the_example_holds_the_seed_plan_as_planned_animations() -> None:
    planned = [a for a in load_example().animations if a.status is AnimationStatus.PREVU]
    dated = {
        (a.type, a.date.start if a.date.precision.value == "day" else "novembre")
        for a in planned
        if a.date.precision.value in ("day", "month")
    }
    assert dated == {(kind, date) for kind, dates in SEED_2024.items() for date in dates}


def test_the_html_version_prints_on_a4_and_passes_axe(browser: Browser, tmp_path: Path) -> None:
    out = _export(tmp_path, "--year", "2024", "--format", "html")
    page = out / "calendrier_2024.html"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text  # self-contained
    assert "http" not in text
    for month in ("Janvier 2024", "Novembre 2024", "Décembre 2024"):
        assert month in text
    assert "Café créateur</span> — dans le mois, jour à préciser" in text
    for width in (360, 420, 768, 1280):
        opened = browser.open(page, width=width)
        assert opened.axe_violations() == []
        layout = opened.layout()
        assert layout.scroll_width <= layout.viewport_width
        assert layout.overflowing == []
        assert opened.cut_words() == [], width  # no word cut across lines (issue 23)
    printed = browser.open(page, width=A4_WIDTH_PX, media="print")
    assert printed.layout().fits
    assert printed.cut_words() == []
    pdf = printed.pdf()
    assert pdf.startswith(b"%PDF")
    assert b"/MediaBox [0 0 595" in pdf  # A4


def test_the_csv_version_has_one_row_per_event(tmp_path: Path) -> None:
    out = _export(tmp_path, "--quarter", "2024-T2", "--format", "csv")
    names = sorted(p.name for p in out.iterdir())
    # No machine file beside the partner's table unless asked (--datapackage).
    assert names == [
        "calendrier_2024-04-01_2024-06-30_evenements.csv",
        "calendrier_2024-04-01_2024-06-30_informations.csv",
    ]
    asked = _export(
        tmp_path / "portail", "--quarter", "2024-T2", "--format", "csv", "--datapackage"
    )
    assert "datapackage.json" in {p.name for p in asked.iterdir()}
    text = (out / names[0]).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    calendar = build_calendar(load_example(), D(2024, 4, 1), D(2024, 6, 30))
    assert len(rows) == len(calendar.entries)
    assert [r["Identifiant"] for r in rows] == [e.uid for e in calendar.entries]
    # The two forums « date à venir » of 2024 first (the whole year), then the permanences
    # from Tuesday 2 April (Monday 1 April is Easter Monday).
    assert [
        (r["Date de début"], r["Date de fin"], r["Précision de la date"]) for r in rows[:2]
    ] == [("01/01/2024", "31/12/2024", "année")] * 2
    first = rows[2]
    assert (first["Date de début"], first["Heure de début"], first["Origine"]) == (
        "02/04/2024",
        "09:30",
        "permanence",
    )
    package = json.loads((asked / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == names[:2]


def test_the_period_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o"
    base = ["export", "calendrier", "--example", "-o", str(out)]
    assert main([*base, "--quarter", "2024-T5"]) == 2
    assert "un trimestre s'écrit ANNEE-Tn" in capsys.readouterr().err
    assert main([*base, "--quarter", "2024-T2", "--year", "2024"]) == 2
    assert main([*base, "--quarter", "T2-2024"]) == 0
    events = _events((out / "calendrier_2024-04-01_2024-06-30.ics").read_bytes())
    days = [e.decoded("dtstart") for e in events]
    days = [d.date() if isinstance(d, dt.datetime) else d for d in days]
    assert min(days) >= D(2024, 4, 1)
    assert max(days) <= D(2024, 6, 30)


def test_the_exporter_is_a_registered_plug_in() -> None:
    registry = Registry.from_entry_points()
    assert "calendrier" in registry.names()
    loaded = registry.load("calendrier")
    assert loaded.info.formats == ("ics", "html", "csv")


# -- the iCalendar file ---------------------------------------------------------------------


def _site(*records: Animation | Permanence) -> Dataset:
    return Dataset.build(
        persons=[Person("P1", last_name="Secretname", phone="0600000042")],
        events=[Event("P1", D(2024, 3, 1), EventType.ENTRETIEN, comment="Secretcomment")],
        animations=[r for r in records if isinstance(r, Animation)],
        permanences=[r for r in records if isinstance(r, Permanence)],
    )


def _calendar(data: Dataset, start: dt.date, end: dt.date) -> Calendar:
    calendar = compute_bilan(data, start, end).calendar
    assert calendar is not None
    return calendar


STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@settings(max_examples=40)
@given(
    st.lists(permanences(first=D(2024, 1, 1), last=D(2024, 12, 31)), min_size=1, max_size=3),
    st.dates(D(2024, 1, 1), D(2024, 12, 31)),
)
def test_the_ics_parses_back_to_the_same_events(rules: list[Permanence], start: dt.date) -> None:
    data = _site(
        *rules,
        Animation(PartialDate.month(2024, 11), AT.CAFE_CREATEUR, status=AnimationStatus.PREVU),
        Animation(PartialDate.day(D(2024, 6, 6)), AT.FORUM, "Forum", "Capucins", "Recouvrance",
                  status=AnimationStatus.PREVU),
    )  # fmt: skip
    end = start + dt.timedelta(days=120)
    calendar = build_calendar(data, start, end)
    events = _events(to_ics(calendar, stamp=STAMP))
    assert [str(e["uid"]) for e in events] == [e.uid for e in calendar.dated]
    for event, entry in zip(events, calendar.dated, strict=True):
        assert str(event["summary"]) == entry.summary
        if entry.start_time is not None and entry.end_time is not None:
            assert event.decoded("dtstart") == dt.datetime.combine(
                entry.first_day, entry.start_time, PARIS
            )
            assert event.decoded("dtend") == dt.datetime.combine(
                entry.last_day, entry.end_time, PARIS
            )
            assert event["dtstart"].params["TZID"] == "Europe/Paris"
        else:
            assert event.decoded("dtstart") == entry.first_day
            assert event.decoded("dtend") == entry.last_day + dt.timedelta(days=1)
        if entry.place:
            assert str(event["location"]).startswith(entry.place)
    timezones = list(icalendar.Calendar.from_ical(to_ics(calendar, stamp=STAMP)).walk("VTIMEZONE"))
    assert [str(t["tzid"]) for t in timezones] == (
        ["Europe/Paris"] if any(e.timed for e in calendar.dated) else []
    )


@settings(max_examples=40)
@given(
    st.lists(permanences(first=D(2023, 6, 1), last=D(2025, 6, 1)), min_size=1, max_size=3),
    st.dates(D(2024, 1, 1), D(2024, 12, 31)),
    st.integers(20, 200),
    st.integers(0, 100),
)
def test_uids_of_overlapping_exports_agree_on_the_shared_events(
    rules: list[Permanence], start: dt.date, length: int, shift: int
) -> None:
    data = _site(*rules)
    first = build_calendar(data, start, start + dt.timedelta(days=length))
    later = start + dt.timedelta(days=shift)
    second = build_calendar(data, later, later + dt.timedelta(days=length))
    one = {str(e["uid"]): e.decoded("dtstart") for e in _events(to_ics(first, stamp=STAMP))}
    two = {str(e["uid"]): e.decoded("dtstart") for e in _events(to_ics(second, stamp=STAMP))}
    shared = {(e.first_day, e.start_time, e.place) for e in first.entries} & {
        (e.first_day, e.start_time, e.place) for e in second.entries
    }
    assert len(set(one) & set(two)) == len(shared)
    for uid in set(one) & set(two):
        assert one[uid] == two[uid]
    assert len(one) == len(first.entries)  # no two events share a UID


def test_daylight_saving_boundaries() -> None:
    # The last Sundays of March and October 2024: 31 March (02:00 -> 03:00) and 27 October
    # (03:00 -> 02:00). A Sunday permanence at 9h30 stays at 9h30 in Paris on both sides.
    rule = Permanence(
        "Marché", (Weekday.SAMEDI, Weekday.DIMANCHE), T(9, 30), T(12), D(2024, 3, 23),
        D(2024, 11, 3), None, (PartialDate.month_range(2024, 4, 2024, 9),),
    )  # fmt: skip
    calendar = _calendar(_site(rule), D(2024, 1, 1), D(2024, 12, 31))
    ics = to_ics(calendar, stamp=STAMP)
    starts = {e.decoded("dtstart").date(): e.decoded("dtstart") for e in _events(ics)}
    assert sorted(starts) == [
        D(2024, 3, 23), D(2024, 3, 24), D(2024, 3, 30), D(2024, 3, 31), D(2024, 10, 5),
        D(2024, 10, 6), D(2024, 10, 12), D(2024, 10, 13), D(2024, 10, 19), D(2024, 10, 20),
        D(2024, 10, 26), D(2024, 10, 27), D(2024, 11, 2), D(2024, 11, 3),
    ]  # fmt: skip
    utc = {day: start.astimezone(dt.UTC).time() for day, start in starts.items()}
    assert utc[D(2024, 3, 30)] == T(8, 30)  # winter time, UTC+1
    assert utc[D(2024, 3, 31)] == T(7, 30)  # summer time from that night, UTC+2
    assert utc[D(2024, 10, 26)] == T(7, 30)
    assert utc[D(2024, 10, 27)] == T(8, 30)  # winter time again
    assert all(start.time() == T(9, 30) for start in starts.values())
    (zone,) = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
    transitions = {
        (sub.name, sub.decoded("dtstart").date())
        for sub in zone.subcomponents
        if sub.name in ("DAYLIGHT", "STANDARD")
    }
    assert ("DAYLIGHT", D(2024, 3, 31)) in transitions
    assert ("STANDARD", D(2024, 10, 27)) in transitions


def test_a_year_alone_is_left_to_the_html_and_the_csv() -> None:
    data = _site(
        Animation(PartialDate.year(2024), AT.FORUM, "Forum (date à venir)",
                  status=AnimationStatus.PREVU),
        Animation(PartialDate.month_range(2024, 5, 2024, 6), AT.SENSIBILISATION,
                  status=AnimationStatus.PREVU),
    )  # fmt: skip
    calendar = _calendar(data, D(2024, 1, 1), D(2024, 12, 31))
    events = _events(to_ics(calendar, stamp=STAMP))
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events] == [
        (D(2024, 5, 1), D(2024, 7, 1))
    ]
    assert "Forum (date à venir)" in to_html(calendar)
    assert len(events_table(calendar).rows) == 2


def test_no_personal_data_leaves_in_any_format() -> None:
    rule = Permanence("Capucins", (Weekday.MARDI,), T(9), T(12), D(2024, 3, 1), D(2024, 3, 31))
    data = _site(rule)
    bilan = compute_bilan(data, D(2024, 1, 1), D(2024, 12, 31))
    for format in exporter.formats:
        for file in exporter.export(bilan, ExportOptions(format), None):
            for secret in (b"Secretname", b"0600000042", b"Secretcomment", b"P1"):
                assert secret not in file.data, (format, file.name)


def test_a_bilan_without_its_calendar_is_refused_in_french() -> None:
    bilan = compute_bilan(_site(), D(2024, 1, 1), D(2024, 12, 31))
    import attrs

    from citeslab_core.errors import UsageError

    with pytest.raises(UsageError, match="pas de calendrier"):
        exporter.export(attrs.evolve(bilan, calendar=None), ExportOptions("ics"), None)


# -- planned against held ---------------------------------------------------------------------


def test_planned_against_held_in_the_example_2024_bilan() -> None:
    # The example's site recorded what it held until the end of June 2024 (the seed's
    # calendar's first half, one permanence a fortnight at an occurrence); the year is
    # over, so every permanence not cancelled was held (DOMAIN.md).
    bilan = compute_bilan(load_example(), year=2024)
    rows = {r.code: (r.planned, r.held) for r in bilan.planned_animations}
    assert [r.code for r in bilan.planned_animations] == [t.code for t in AnimationType]
    assert rows["atelier_thematique"] == (5, 3)
    assert rows["cafe_createur"] == (5, 2)  # « novembre » is in 2024
    assert rows["petit_dejeuner_createurs"] == (4, 2)
    assert rows["marche_createurs"] == (3, 1)
    assert rows["forum"] == (2, 0)  # the two « date à venir », planned for the year
    # Six a week, less August, the holidays and one exception: 264 planned; 3 cancelled.
    permanence = next(r for r in bilan.planned_animations if r.code == "permanence")
    assert (permanence.planned, permanence.held) == (264, 261)
    assert (permanence.cancelled, permanence.upcoming) == (3, 0)
    held = {a.code: a.number for a in bilan.animations}
    assert {code: h for code, (_, h) in rows.items()} == held
    calendar = bilan.calendar
    assert calendar is not None
    assert rows["permanence"][0] == sum(1 for e in calendar.entries if e.kind == "permanence")
    assert sum(1 for e in calendar.entries if e.cancelled) == 3
    document = json.loads(render_json(bilan))
    assert document["animations_prevues"][0] == {
        "code": "atelier_thematique",
        "libelle": "Atelier thématique",
        "prevues": 5,
        "realisees": 3,
        "annulees": 0,
        "a_venir": 0,
    }
    # Seen from the end of June 2024, the second half is still to come.
    june = compute_bilan(load_example(), year=2024, as_of=D(2024, 6, 30))
    by_code = {r.code: r for r in june.planned_animations}
    assert by_code["atelier_thematique"].upcoming == 2
    seen = by_code["permanence"]
    # 144 occurrences up to 30 June (one cancelled), 120 after it (two cancelled).
    assert (seen.held, seen.cancelled, seen.upcoming) == (143, 3, 118)
    assert seen.held + seen.cancelled + seen.upcoming == seen.planned
    # A quarter counts what is dated in it: « novembre » in T4, not in T2.
    t4 = compute_bilan(load_example(), D(2024, 10, 1), D(2024, 12, 31))
    assert {r.code: r.planned for r in t4.planned_animations}["cafe_createur"] == 1
    november = compute_bilan(load_example(), D(2024, 11, 1), D(2024, 11, 15))
    assert {r.code: r.planned for r in november.planned_animations}["cafe_createur"] == 0


def test_planned_against_held_in_the_text_and_html_bilans(tmp_path: Path) -> None:
    from citeslab_core.render.html import render as render_html
    from citeslab_core.render.text import render as render_text

    bilan = compute_bilan(load_example(), year=2024)
    text = render_text(bilan)
    assert "Animations prévues et réalisées" in text
    assert "  Marché de créateurs             3          1         0        0" in text
    assert "  Permanence                    264        261         3        0" in text
    html = render_html(bilan)
    # The same section title in the page as in the text (one outline for both).
    assert "Animations prévues et réalisées" in html
    # Nothing planned in 2023: no comparison to show.
    assert "Animations prévues et réalisées" not in render_html(
        compute_bilan(load_example(), year=2023)
    )


def test_planned_against_held_sums_over_sites_by_code() -> None:
    # Two counts per kind of animation, keyed by code: a network adds them up like the
    # animations' rows (the calendar itself is not a figure and is left out).
    one = compute_bilan(load_example(), year=2024)
    two = compute_bilan(load_example(), D(2024, 1, 1), D(2024, 6, 30))
    assert [r.code for r in one.planned_animations] == [r.code for r in two.planned_animations]
    assert all(
        isinstance(r.planned, int) and isinstance(r.held, int)
        for r in (*one.planned_animations, *two.planned_animations)
    )
    assert one == compute_bilan(load_example(), year=2024)  # the calendar is not compared


def test_hostile_titles_give_well_formed_files() -> None:
    hostile = '=HYPERLINK("x")\ud800\x07 fin'
    data = _site(
        Animation(PartialDate.day(D(2024, 5, 2)), AT.FORUM, hostile, hostile, hostile,
                  (hostile,), status=AnimationStatus.PREVU),
    )  # fmt: skip
    bilan = compute_bilan(data, D(2024, 1, 1), D(2024, 12, 31))
    files = {f.name: f.data for fmt in exporter.formats
             for f in exporter.export(bilan, ExportOptions(fmt), None)}  # fmt: skip
    (event,) = _events(files["calendrier_2024.ics"])
    # the lone surrogate replaced (clean_text), the BEL dropped (calendar text: clean_line)
    assert str(event["summary"]) == 'Forum\u00a0: =HYPERLINK("x")\ufffd fin'
    files["calendrier_2024.html"].decode("utf-8")
    table = files["calendrier_2024_evenements.csv"].decode("utf-8-sig")
    assert ";'=HYPERLINK" in table or ";\"'=HYPERLINK" in table  # neutralised
