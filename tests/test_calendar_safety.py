"""Issue 28 item 7, the calendar: text cleaned of control characters, escaping that
round-trips, UIDs from what the event is, the summer-time gap, bounded expansion. Each
case on its own small input (the example with a few rows changed)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import attrs
import icalendar
import pytest

from citeslab_core.derive.calendar import MAX_OCCURRENCES, build_calendar, clean_line
from citeslab_core.errors import UsageError
from citeslab_core.model import Animation, Dataset, Permanence
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.example import load_example
from citeslab_core.vocabularies import AnimationStatus, AnimationType, Weekday
from citeslab_exporters.calendrier import to_html, to_ics

STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_example()


def planned(title: str, day: dt.date, place: str | None = None) -> Animation:
    return Animation(
        date=PartialDate.day(day),
        type=AnimationType.ATELIER_THEMATIQUE,
        title=title,
        place=place,
        status=AnimationStatus.PREVU,
    )


def permanence(place: str, first: dt.date, last: dt.date, **changes: Any) -> Permanence:
    base = Permanence(
        place=place,
        days=(Weekday.MARDI,),
        start_time=dt.time(9, 30),
        end_time=dt.time(12),
        first_day=first,
        last_day=last,
    )
    return attrs.evolve(base, **changes)


def site_of(example: Dataset, name: str, animations=(), permanences=()) -> Dataset:  # type: ignore[no-untyped-def]
    return example.replace(
        site=attrs.evolve(example.site, name=name),
        animations=tuple(animations),
        permanences=tuple(permanences),
    )


def text(event: icalendar.cal.Component, key: str) -> str:
    value = event.decoded(key)
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def events(ics: bytes) -> list[icalendar.cal.Component]:
    return list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))


def test_control_characters_never_reach_the_ics_and_text_round_trips(example: Dataset) -> None:
    title = "Atelier\r\nBEGIN:VEVENT\rDEL\x7f C1\x85 sép\x1far \\n et \\ ; , fin"
    data = site_of(
        example,
        "Brest\rSUMMARY:injecté",
        animations=[planned(title, dt.date(2024, 3, 5), place="Salle\r\nA\x7f")],
        permanences=[permanence("Maison\rdu\x00 quartier", dt.date(2024, 3, 1), YEAR[1])],
    )
    calendar = build_calendar(data, *YEAR)
    ics = to_ics(calendar, stamp=STAMP)
    raw = ics.decode("utf-8")
    assert "\r" not in raw.replace("\r\n", "")  # no bare CR
    assert "\n" not in raw.replace("\r\n", "")  # no bare LF
    assert not any((c < " " and c not in "\r\n") or "\x7f" <= c <= "\x9f" for c in raw)
    found = events(ics)
    assert len(found) == 1 + len([e for e in calendar.entries if e.kind == "permanence"])
    workshop = next(e for e in found if "Atelier" in text(e, "summary"))
    summary = text(workshop, "summary")
    assert "Atelier  BEGIN:VEVENT DEL C1  sépar" in summary
    assert clean_line(title) == "Atelier  BEGIN:VEVENT DEL C1  sépar \\n et \\ ; , fin"
    assert "\\n et \\" in summary  # a backslash round-trips
    assert summary.endswith(", fin")
    assert text(workshop, "location") == "Salle  A"
    name = icalendar.Calendar.from_ical(ics)["x-wr-calname"]
    assert "\r" not in str(name)


def test_uids_follow_the_event_not_the_rows_order(example: Dataset) -> None:
    day = dt.date(2024, 5, 14)
    rows = [
        planned("Atelier", day, place="Salle A"),
        planned("Atelier", day, place="Salle B"),
        planned("Atelier", day, place="Salle C"),
        planned("Café", day + dt.timedelta(days=1)),
    ]

    def uids(order: list[Animation]) -> dict[tuple[str | None, str], str]:
        calendar = build_calendar(site_of(example, "Brest", animations=order), *YEAR)
        return {(e.place, e.summary): e.uid for e in calendar.entries}

    assert uids(rows) == uids(rows[::-1]) == uids([rows[1], rows[3], rows[0], rows[2]])


def test_a_separator_in_a_title_makes_no_shared_uid(example: Dataset) -> None:
    day = dt.date(2024, 5, 14)
    rows = [planned("t", day), planned("t", day), planned("t\x1f2", day), planned("t2", day)]
    calendar = build_calendar(site_of(example, "Brest", animations=rows), *YEAR)
    found = [e.uid for e in calendar.entries]
    assert len(found) == 4
    # "t" twice: the second is ranked; "t\x1f2" is cleaned to "t2", alike the fourth and
    # ranked too: four events, four UIDs.
    assert len(set(found)) == 4


def test_a_time_in_the_summer_time_gap_is_moved_and_said(example: Dataset) -> None:
    night = dt.date(2024, 3, 31)  # the switch to summer time in Europe/Paris, a Sunday
    sunday = permanence(
        "Salle",
        night,
        night,
        days=(Weekday.DIMANCHE,),
        start_time=dt.time(2, 30),
        end_time=dt.time(4),
    )
    calendar = build_calendar(site_of(example, "Brest", permanences=[sunday]), *YEAR)
    assert [e.first_day for e in calendar.entries] == [night]
    ics = to_ics(calendar, stamp=STAMP)
    (event,) = events(ics)
    start = event.decoded("dtstart")
    assert start.replace(tzinfo=None) == dt.datetime(2024, 3, 31, 3, 30)
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert b"DTSTART;TZID=Europe/Paris:20240331T033000" in ics
    description = " ".join(text(event, "description").replace("\xa0", " ").split())
    assert "Passage à l'heure d'été" in description
    assert "2h30 n'existe pas" in description
    assert "3h30" in description


def test_an_ordinary_time_is_not_moved(example: Dataset) -> None:
    calendar = build_calendar(
        site_of(example, "Brest", permanences=[permanence("Salle", *YEAR)]), *YEAR
    )
    ics = to_ics(calendar, stamp=STAMP)
    assert b"heure d" not in ics
    assert all(e.decoded("dtstart").time() == dt.time(9, 30) for e in events(ics))


def test_two_hundred_years_of_permanences_are_refused_quickly_and_located(
    example: Dataset,
) -> None:
    rows = [
        permanence(f"Lieu {i}", dt.date(1900, 1, 1), dt.date(2099, 12, 31), days=tuple(Weekday))
        for i in range(60)
    ]
    data = site_of(example, "Brest", permanences=rows)
    begun = time.monotonic()
    with pytest.raises(UsageError, match="plus de 20\u202f000 dates") as caught:
        build_calendar(data, dt.date(1900, 1, 1), dt.date(2099, 12, 31))
    assert time.monotonic() - begun < 20
    assert "permanences" in str(caught.value)
    assert "période plus courte" in str(caught.value)


def test_the_cap_counts_occurrences_not_rows(example: Dataset) -> None:
    rows = [permanence(f"Lieu {i}", *YEAR) for i in range(MAX_OCCURRENCES // 53 - 5)]
    calendar = build_calendar(site_of(example, "Brest", permanences=rows), *YEAR)
    assert MAX_OCCURRENCES - 53 * 10 < len(calendar.entries) <= MAX_OCCURRENCES


def test_five_thousand_permanence_rows_in_html_are_quick(example: Dataset) -> None:
    tuesdays = [dt.date(2024, 1, 2) + dt.timedelta(weeks=w) for w in range(50)]
    rows = [permanence(f"Lieu {i}", tuesdays[i % 50], tuesdays[i % 50]) for i in range(5000)]
    calendar = build_calendar(site_of(example, "Brest", permanences=rows), *YEAR)
    assert len(calendar.entries) > 4000  # less the holidays
    begun = time.monotonic()
    html = to_html(calendar)
    assert time.monotonic() - begun < 15
    assert html.count("Lieu 4999") >= 1


@pytest.mark.parametrize("place", ["", "   ", "\u200b", "\x7f\t"])
def test_a_permanence_needs_a_place(example: Dataset, place: str) -> None:
    from citeslab_core.errors import CitesLabError

    with pytest.raises(CitesLabError, match="lieu vide") as caught:
        site_of(example, "Brest", permanences=[permanence(place, *YEAR)])
    assert "permanences" in str(caught.value)
