"""Dates: every form docs/workbook.md lists, partial dates that keep their precision."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.errors import CellError
from citeslab_core.model.dates import PartialDate, Precision, age_on, parse_date, parse_day
from citeslab_core.model.limits import MAX_YEAR, MIN_YEAR
from strategies import partial_dates

MARCH_30 = dt.date(2023, 3, 30)


@pytest.mark.parametrize(
    "cell",
    [
        "2023-03-30",
        "30/03/2023",
        "30/03/23",
        "30 mars 2023",
        "30 Mars 2023",
        " 30 mars 2023 ",
        dt.date(2023, 3, 30),
        dt.datetime(2023, 3, 30, 0, 0),
    ],
)
def test_full_date_forms(cell: object) -> None:
    assert parse_day(cell) == MARCH_30


def test_day_and_month_take_the_context_year() -> None:
    assert parse_day("15-févr", context_year=2023) == dt.date(2023, 2, 15)
    assert parse_day("15-fevr", context_year=2024) == dt.date(2024, 2, 15)


def test_day_and_month_without_a_year_is_an_error_that_says_so() -> None:
    with pytest.raises(CellError, match="l'année manque"):
        parse_day("15-févr")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Janvier 2023", PartialDate.month(2023, 1)),
        ("janv. 2023", PartialDate.month(2023, 1)),
        ("2023-01", PartialDate.month(2023, 1)),
        ("2023", PartialDate.year(2023)),
        (2023, PartialDate.year(2023)),
        (2023.0, PartialDate.year(2023)),
        ("Mai à Septembre 2023", PartialDate.month_range(2023, 5, 2023, 9)),
        ("mai a septembre 2023", PartialDate.month_range(2023, 5, 2023, 9)),
        ("2023-05/2023-09", PartialDate.month_range(2023, 5, 2023, 9)),
    ],
)
def test_partial_forms_keep_their_precision(cell: object, expected: PartialDate) -> None:
    found = parse_date(cell, partial=True)
    assert found == expected
    assert found.precision is expected.precision


def test_a_month_is_never_silently_the_first_of_the_month() -> None:
    found = parse_date("Janvier 2023", partial=True)
    assert found.precision is Precision.MONTH
    assert (found.start, found.end) == (dt.date(2023, 1, 1), dt.date(2023, 1, 31))
    with pytest.raises(CellError, match="date complète"):
        parse_day("Janvier 2023")


@pytest.mark.parametrize("cell", ["2023", "Mai à Septembre 2023", "2023-05"])
def test_partial_forms_are_refused_where_a_day_is_needed(cell: str) -> None:
    with pytest.raises(CellError):
        parse_day(cell)


@pytest.mark.parametrize("cell", ["", "demain", "32/01/2023", "2023-13-01", "30 foo 2023"])
def test_unreadable_dates_are_refused(cell: str) -> None:
    with pytest.raises(CellError):
        parse_date(cell, partial=True)


@settings(max_examples=50)
@given(partial_dates())
def test_partial_dates_round_trip_through_iso(value: PartialDate) -> None:
    back = parse_date(value.iso(), partial=True)
    assert back == value
    assert back.precision is value.precision
    assert PartialDate.from_iso(value.iso()) == value


@settings(max_examples=50)
@given(st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)))
def test_every_day_reads_back_from_its_french_and_iso_forms(day: dt.date) -> None:
    assert parse_day(day.strftime("%d/%m/%Y")) == day
    assert parse_day(day.isoformat()) == day


@st.composite
def impossible_days(draw: st.DrawFn) -> tuple[int, int, int]:
    year = draw(st.integers(1950, 2030))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(calendar.monthrange(year, month)[1] + 1, 39))
    return year, month, day


@settings(max_examples=50)
@given(
    st.one_of(
        impossible_days(), st.tuples(st.integers(1950, 2030), st.just(13), st.integers(1, 28))
    )
)
def test_impossible_dates_are_refused(parts: tuple[int, int, int]) -> None:
    year, month, day = parts
    for text in (f"{year:04d}-{month:02d}-{day:02d}", f"{day:02d}/{month:02d}/{year:04d}"):
        with pytest.raises(CellError):
            parse_date(text, partial=True)


def test_age_with_a_birth_year_only_subtracts_years() -> None:
    assert age_on(PartialDate.year(2000), dt.date(2023, 1, 2)) == 23
    assert age_on(PartialDate.day(dt.date(2000, 6, 1)), dt.date(2023, 1, 2)) == 22


@given(
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(1900, 2099),
    st.sampled_from("/.-"),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_numeric_dates_are_day_month_year(
    day: int, month: int, year: int, sep: str, padded: bool, two_digits: bool, partial: bool
) -> None:
    """30/03/2023 (the form read first, without the general reading) is the day, the
    month, the year; a two-digit year in the 2000s; a day that does not exist refused."""
    written = f"{day:02d}" if padded else str(day)
    year_text = f"{year % 100:02d}" if two_digits else str(year)
    text = f"{written}{sep}{month:02d}{sep}{year_text}"
    meant = 2000 + year % 100 if two_digits else year
    try:
        expected: dt.date | None = dt.date(meant, month, day)
    except ValueError:
        expected = None
    if expected is None or not MIN_YEAR <= meant <= MAX_YEAR:
        with pytest.raises(CellError):
            parse_date(text, partial=partial)
    else:
        assert parse_date(text, partial=partial) == PartialDate.day(expected)


def test_the_current_year_is_todays_and_looked_up_again_when_stale() -> None:
    """The year a two-digit birth year is read against (no year of reference) is
    today's, kept for a minute at most: a stale one is looked up again."""
    from citeslab_core.model import dates

    assert dates._current_year() == dt.date.today().year
    dates._YEAR_KNOWN[:] = [0.0, 1999.0]  # stale: looked up again
    assert dates._current_year() == dt.date.today().year
    until = dates._YEAR_KNOWN[0]
    assert 0 < until - dt.datetime.now().timestamp() <= 60
    year = dt.date.today().year % 100
    assert parse_date(f"01/01/{year:02d}", birth=True).start.year == dt.date.today().year
    assert parse_date(f"01/01/{(year + 1) % 100:02d}", birth=True).start.year < 2000 + year + 1
