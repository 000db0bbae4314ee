"""Periods: boundaries of years, quarters, months and rolling periods (leap years, year
ends), and the keyword forms of compute_bilan."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeslab_core import Period, Sex, UsageError, compute_bilan, load_example

D = dt.date


def test_year() -> None:
    assert Period.year(2023) == (D(2023, 1, 1), D(2023, 12, 31))
    assert Period.year(2024).end == D(2024, 12, 31)


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (1, D(2024, 1, 1), D(2024, 3, 31)),
        (2, D(2024, 4, 1), D(2024, 6, 30)),
        (3, D(2024, 7, 1), D(2024, 9, 30)),
        (4, D(2024, 10, 1), D(2024, 12, 31)),
    ],
)
def test_quarters(quarter: int, start: dt.date, end: dt.date) -> None:
    assert Period.quarter(2024, quarter) == Period(start, end)


def test_months_end_on_their_last_day() -> None:
    assert Period.month(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))  # leap year
    assert Period.month(2023, 2) == (D(2023, 2, 1), D(2023, 2, 28))
    assert Period.month(1900, 2).end == D(1900, 2, 28)  # a century is not a leap year
    assert Period.month(2000, 2).end == D(2000, 2, 29)  # unless divisible by 400
    assert Period.month(2023, 12) == (D(2023, 12, 1), D(2023, 12, 31))
    assert Period.month(2023, 4).end == D(2023, 4, 30)


@pytest.mark.parametrize(
    ("end", "months", "start"),
    [
        (D(2023, 12, 31), 12, D(2023, 1, 1)),  # a year end: the calendar year
        (D(2024, 2, 29), 12, D(2023, 3, 1)),  # a leap day
        (D(2024, 2, 28), 12, D(2023, 3, 1)),
        (D(2023, 2, 28), 12, D(2022, 3, 1)),
        (D(2024, 3, 31), 1, D(2024, 3, 1)),
        (D(2024, 3, 30), 1, D(2024, 3, 1)),  # 31 February: the next month's first day
        (D(2023, 3, 30), 1, D(2023, 3, 1)),
        (D(2023, 3, 27), 1, D(2023, 2, 28)),
        (D(2024, 3, 28), 1, D(2024, 2, 29)),
        (D(2024, 1, 15), 3, D(2023, 10, 16)),  # across a year end
        (D(2023, 6, 30), 3, D(2023, 4, 1)),  # a quarter's end: that quarter
        (D(2023, 12, 31), 24, D(2022, 1, 1)),
    ],
)
def test_rolling(end: dt.date, months: int, start: dt.date) -> None:
    assert Period.rolling(end, months=months) == Period(start, end)


@given(st.dates(min_value=D(1906, 1, 1), max_value=D(2100, 12, 31)), st.integers(1, 60))
def test_rolling_spans_the_months_asked(end: dt.date, months: int) -> None:
    period = Period.rolling(end, months=months)
    assert period.end == end
    assert period.start <= end
    after = end + dt.timedelta(days=1)

    # the start is in the month `months` before the day after the end
    def index(day: dt.date) -> int:
        return day.year * 12 + day.month

    assert index(after) - index(period.start) in (months, months - 1)
    assert (end - period.start).days < 31 * months  # never more than the months asked
    assert period.start.day in (after.day, 1)
    # consecutive rolling periods tile time: the next starts the day after
    following = Period.rolling(end + dt.timedelta(days=1), months=months)
    assert following.start >= period.start


@given(st.integers(1901, 2100))
def test_quarters_tile_the_year(year: int) -> None:
    quarters = [Period.quarter(year, q) for q in range(1, 5)]
    assert quarters[0].start == Period.year(year).start
    assert quarters[-1].end == Period.year(year).end
    for before, after in itertools.pairwise(quarters):
        assert after.start == before.end + dt.timedelta(days=1)
    months = [Period.month(year, m) for m in range(1, 13)]
    assert sum((m.end - m.start).days + 1 for m in months) == (
        (Period.year(year).end - Period.year(year).start).days + 1
    )


def test_out_of_range_is_a_french_usage_error() -> None:
    with pytest.raises(UsageError, match="trimestre"):
        Period.quarter(2023, 5)
    with pytest.raises(UsageError, match="mois"):
        Period.month(2023, 0)
    with pytest.raises(UsageError, match="months = 0 : il faut un nombre de mois"):
        Period.rolling(D(2023, 1, 1), months=0)
    with pytest.raises(UsageError, match="précède"):
        Period.of(D(2023, 2, 1), D(2023, 1, 1))


def test_a_period_holds_its_days() -> None:
    period = Period.quarter(2023, 2)
    assert D(2023, 4, 1) in period
    assert D(2023, 6, 30) in period
    assert D(2023, 7, 1) not in period
    assert "2023-05-01" not in period


def test_compute_bilan_keyword_forms_are_the_positional_form() -> None:
    data = load_example()
    positional = compute_bilan(data, D(2023, 1, 1), D(2023, 12, 31))
    assert compute_bilan(data, year=2023) == positional
    assert compute_bilan(data, period=Period.year(2023)) == positional
    assert compute_bilan(data, *Period.year(2023)) == positional
    quarter = compute_bilan(data, period=Period.quarter(2023, 2), public=True)
    assert (quarter.start, quarter.end, quarter.public) == (D(2023, 4, 1), D(2023, 6, 30), True)


@pytest.mark.parametrize(
    "call",
    [
        lambda data: compute_bilan(data, D(2023, 1, 1), D(2023, 12, 31), year=2023),  # type: ignore[call-overload]
        lambda data: compute_bilan(data, year=2023, period=Period.year(2023)),  # type: ignore[call-overload]
        lambda data: compute_bilan(data),  # type: ignore[call-overload]
        lambda data: compute_bilan(data, D(2023, 1, 1)),  # type: ignore[call-overload]
        lambda data: compute_bilan(data, period=(D(2023, 2, 1), D(2023, 1, 1))),
    ],
)
def test_a_period_named_twice_or_not_at_all_is_refused(call: object) -> None:
    assert callable(call)
    with pytest.raises(UsageError):
        call(load_example())


def test_table_row_takes_a_code_or_a_member() -> None:
    bilan = compute_bilan(load_example(), year=2023)
    sex = bilan.table("sexe")
    assert sex is bilan.tables["sexe"]
    assert sex.row(Sex.F) == sex.row("F")
    assert sex.row(Sex.F) is not None
    assert sex.row("Z") is None
