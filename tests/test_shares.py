"""Shares. Funding (largest remainder): they add up to exactly 100 and stay within one unit
of the exact share. Persons (each rounded on its own, half up): equal counts, equal shares,
and a larger count never gets a smaller share."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.bilan.shares import largest_remainder, shares_add_up, whole_percentages

counts = st.lists(st.integers(0, 10_000), min_size=1, max_size=12)
cents = st.lists(
    st.decimals(
        min_value=0, max_value=Decimal("200000"), places=2, allow_nan=False, allow_infinity=False
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=50)
@given(counts, st.sampled_from([0, 1, 2]))
def test_shares_add_up_to_100_and_stay_close(values: list[int], decimals: int) -> None:
    shares = largest_remainder(values, decimals)
    total = sum(values)
    unit = Decimal(1).scaleb(-decimals)
    if total == 0:
        assert all(s == 0 for s in shares)
        return
    assert sum(shares) == 100
    for value, share in zip(values, shares, strict=True):
        exact = Decimal(value) * 100 / total
        assert abs(share - exact) < unit
        assert share == share.quantize(unit)


@settings(max_examples=50)
@given(counts)
def test_a_larger_count_never_gets_a_smaller_share(values: list[int]) -> None:
    shares = whole_percentages(values)
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a > b:
                assert shares[i] >= shares[j]
            if a == b:
                assert shares[i] == shares[j]


@settings(max_examples=100)
@given(counts)
def test_whole_percentages_are_the_exact_shares_rounded_half_up(values: list[int]) -> None:
    total = sum(values)
    for value, share in zip(values, whole_percentages(values), strict=True):
        exact = Decimal(0) if total == 0 else Decimal(100 * value) / total
        assert share == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert shares_add_up(whole_percentages(values)) == (sum(whole_percentages(values)) in (0, 100))


@settings(max_examples=50)
@given(cents)
def test_amounts_with_cents_give_one_decimal_shares_adding_to_100(values: list[Decimal]) -> None:
    shares = largest_remainder(values, 1)
    if sum(values) == 0:
        assert all(s == 0 for s in shares)
    else:
        assert sum(shares) == Decimal("100.0")
        for value, share in zip(values, shares, strict=True):
            assert abs(share - value * 100 / sum(values)) < Decimal("0.1")


def test_seed_portrait_shares() -> None:
    # Seed: 71 femmes and 47 hommes, shown 60 % / 40 %.
    assert whole_percentages([71, 47]) == [60, 40]


def test_seed_funding_shares() -> None:
    # docs/funding.md: 2023 amounts give 30,6 / 19,1 / 28,7 / 21,6 %; 2022 PIC is 49,15 %.
    amounts_2023 = [Decimal("16000"), Decimal("10000"), Decimal("15000"), Decimal("11276.49")]
    assert largest_remainder(amounts_2023, 1) == [
        Decimal("30.6"),
        Decimal("19.1"),
        Decimal("28.7"),
        Decimal("21.6"),
    ]
    amounts_2022 = [Decimal("16000"), Decimal("10000"), Decimal("25128.16")]
    shares_2022 = largest_remainder(amounts_2022, 1)
    assert shares_2022[2] == Decimal("49.1")
    assert sum(shares_2022) == 100


def test_largest_remainder_ties_go_to_the_earlier_position() -> None:
    # Three equal thirds: 33.33… each, one unit missing, it goes to the first.
    assert largest_remainder([1, 1, 1]) == [34, 33, 33]
    # Equal remainders, larger count first: 1/8 = 12.5 and 7/8 = 87.5 -> the 7 gets it.
    assert largest_remainder([1, 7]) == [12, 88]


def test_persons_shares_each_rounded_on_its_own() -> None:
    # Equal counts, equal shares, even when they add up to 99 or 101.
    assert whole_percentages([1, 1, 1]) == [33, 33, 33]
    assert whole_percentages([1, 7]) == [13, 88]  # 12,5 and 87,5 both rounded up: 101
    assert not shares_add_up([13, 88])


def test_empty_and_zero_totals() -> None:
    assert whole_percentages([]) == []
    assert whole_percentages([0, 0]) == [0, 0]


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="négatifs"):
        largest_remainder([1, -1])
    with pytest.raises(ValueError, match="négatifs"):
        whole_percentages([1, -1])
