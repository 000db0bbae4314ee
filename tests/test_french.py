"""French forms (citeslab_core.french): babel's exact fr_FR output, and the two French
conventions added to it (« 1er » for the first of a month, one year for a range of months
within a year)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.french import (
    format_amount,
    format_count,
    format_day,
    format_decimal,
    format_partial_date,
    format_percent,
    format_period,
    format_rate,
    format_share,
    format_signed_amount,
    format_signed_share,
    format_years,
    of,
)
from citeslab_core.model.dates import PartialDate

NNBSP = "\u202f"  # babel's group separator in fr_FR
NBSP = "\u00a0"  # babel's space before % and €


def test_numbers_are_babel_s_exactly() -> None:
    assert format_amount(Decimal("51128.16")) == f"51{NNBSP}128,16{NBSP}€"
    assert format_percent(60) == f"60{NBSP}%"
    assert format_share(Decimal("30.6")) == f"30,6{NBSP}%"
    assert format_share(100) == f"100,0{NBSP}%"
    assert format_rate(Decimal("12.5")) == f"12,5{NBSP}%"
    assert format_rate(Decimal("10.0")) == f"10{NBSP}%"
    assert format_count(17168) == f"17{NNBSP}168"
    assert format_decimal(Decimal("1234.5")) == f"1{NNBSP}234,5"


def test_signs_are_ascii_before_the_figure() -> None:
    assert format_signed_amount(Decimal("-15000")) == f"-15{NNBSP}000,00{NBSP}€"
    assert format_signed_amount(Decimal("1000")) == f"+1{NNBSP}000,00{NBSP}€"
    assert format_signed_amount(Decimal("0")) == f"0,00{NBSP}€"
    assert format_signed_share(Decimal("-50")) == f"-50,0{NBSP}%"
    assert format_signed_share(Decimal("12.5")) == f"+12,5{NBSP}%"


def test_masked_and_missing_values() -> None:
    assert format_count(None) == "s"
    assert format_percent(None) == "s"
    assert format_decimal(None) == "s"
    assert format_share(None) == ""
    assert format_share(None, missing="—") == "—"
    assert format_amount(None) == ""
    assert format_amount(None, missing="—") == "—"
    assert format_signed_share(None) == "—"
    assert format_partial_date(None) == ""
    assert format_partial_date(None, missing="—") == "—"


def test_days_and_the_first_of_the_month() -> None:
    assert format_day(dt.date(2023, 3, 30)) == "30 mars 2023"
    assert format_day(dt.date(2023, 1, 1)) == "1er janvier 2023"
    assert format_day(dt.date(2023, 8, 11)) == "11 août 2023"
    assert format_period(dt.date(2023, 1, 1), dt.date(2023, 12, 31)) == (
        "du 1er janvier 2023 au 31 décembre 2023"
    )
    assert format_years(dt.date(2023, 1, 1), dt.date(2023, 12, 31)) == "2023"
    assert format_years(dt.date(2022, 9, 1), dt.date(2023, 8, 31)) == "2022–2023"


def test_partial_dates_keep_their_precision() -> None:
    assert format_partial_date(PartialDate.day(dt.date(2023, 3, 30))) == "30 mars 2023"
    assert format_partial_date(PartialDate.day(dt.date(2023, 3, 1))) == "1er mars 2023"
    assert format_partial_date(PartialDate.month(2023, 1)) == "janvier 2023"
    assert format_partial_date(PartialDate.year(2023)) == "2023"
    assert format_partial_date(PartialDate.month_range(2023, 5, 2023, 9)) == (
        "mai à septembre 2023"
    )
    assert format_partial_date(PartialDate.month_range(2023, 11, 2024, 2)) == (
        "novembre 2023 à février 2024"
    )


@settings(max_examples=50)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_day_reads_day_month_year(day: dt.date) -> None:
    text = format_day(day)
    number, month, year = text.split(" ")
    assert number == ("1er" if day.day == 1 else str(day.day))
    assert year == str(day.year)
    assert format_partial_date(PartialDate.month(day.year, day.month)) == f"{month} {year}"


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("Bpifrance", "de Bpifrance"),
        ("Autofinancement", "d'Autofinancement"),
        ("État", "d'État"),
        ("Contrat de ville", "de Contrat de ville"),
        ("", "de "),
    ],
)
def test_de_is_elided_before_a_vowel(noun: str, expected: str) -> None:
    assert of(noun) == expected
