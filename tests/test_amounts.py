"""Amounts and declared percentages read from cells: every accepted form, and the
ambiguous ones refused rather than misread by a factor of a thousand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeslab_core.errors import CellError
from citeslab_core.french import format_amount
from citeslab_core.model.amounts import parse_amount, parse_percent


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("16000", "16000.00"),
        ("16 000", "16000.00"),
        ("16 000,00", "16000.00"),
        ("16 000,00 €", "16000.00"),
        ("16\u202f000,00\u00a0€", "16000.00"),
        ("16000.00", "16000.00"),
        ("14 000 euros", "14000.00"),
        ("14 000 Euros", "14000.00"),
        ("14000 euro", "14000.00"),
        ("14 000 EUR", "14000.00"),
        ("14 000 €", "14000.00"),
        ("14 000,50 eur", "14000.50"),
        ("25.128,16", "25128.16"),
        ("25,128.16", "25128.16"),
        ("1.234.567", "1234567.00"),
        ("16,5", "16.50"),
        (16000, "16000.00"),
        (25128.16, "25128.16"),
    ],
)
def test_accepted_amounts(raw: object, expected: str) -> None:
    assert parse_amount(raw) == Decimal(expected)
    assert str(parse_amount(raw)) == expected


@pytest.mark.parametrize("raw", ["16.000", "16,000", "16,005", "1.500"])
def test_a_single_mark_before_three_digits_is_refused_as_ambiguous(raw: str) -> None:
    with pytest.raises(CellError, match="ambigu"):
        parse_amount(raw)


@pytest.mark.parametrize("raw", ["14k€", "14 k€", "14K", "1,5 M€", "14 keur", "2 millions"])
def test_an_abbreviated_amount_is_refused_with_the_reason(raw: str) -> None:
    with pytest.raises(CellError, match="sans abréviation") as caught:
        parse_amount(raw)
    assert f"« {raw} »" in str(caught.value)
    assert "facteur mille" in str(caught.value)


@pytest.mark.parametrize("raw", ["1.2.3", "16,000,00", "12.345,6.7", "seize mille", "-5", ""])
def test_refused_amounts(raw: str) -> None:
    with pytest.raises(CellError):
        parse_amount(raw)


cents = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2)


@given(cents)
def test_what_babel_writes_reads_back(amount: Decimal) -> None:
    """An amount as the library shows it (``51 128,16 €``) reads back exactly."""
    assert parse_amount(format_amount(amount)) == amount


@given(cents)
def test_english_grouping_reads_back(amount: Decimal) -> None:
    assert parse_amount(f"{amount:,.2f}") == amount


@pytest.mark.parametrize(
    ("raw", "cell", "expected"),
    [
        ("24", False, "24"),
        ("24 %", False, "24"),
        ("24,0", False, "24"),
        ("35,1", False, "35.1"),
        (0.24, True, "24"),
    ],
)
def test_declared_percentages(raw: object, cell: bool, expected: str) -> None:
    assert parse_percent(raw, percent_cell=cell) == Decimal(expected)
