"""Shares that add up to exactly 100: the largest remainder method, used everywhere.

Every percentage the library shows (the portrait tables' whole percentages, the funding
shares to one decimal) comes from :func:`largest_remainder`, so that a table's shares
always add up to exactly 100 and two outputs never round the same figure differently.

The method (Hamilton's): each exact share ``100 × count / total`` is floored to the
precision asked; the units still missing to reach 100 are given, one each, to the shares
with the largest remainders. Ties between equal remainders go to the larger count, then
to the earlier position in the sequence. With that tie-break a larger count never gets a
smaller share, and each share is within one unit of the precision of its exact value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

__all__ = ["largest_remainder", "whole_percentages"]


def largest_remainder(counts: Sequence[int | Decimal], decimals: int = 0) -> list[Decimal]:
    """The shares in percent of ``counts``, to ``decimals`` places, adding up to 100.

    When the counts add up to 0 (or there are none), every share is 0. Counts must not be
    negative.
    """
    values = [Decimal(c) for c in counts]
    if any(v < 0 for v in values):
        raise ValueError("largest_remainder: les effectifs ne peuvent pas être négatifs")
    unit = Decimal(1).scaleb(-decimals)
    if sum(values, Decimal(0)) == 0:
        return [Decimal(0).quantize(unit) for _ in values]
    # Exact integer arithmetic: amounts with cents become whole numbers of cents, and
    # 100 % is 100 × 10**decimals units of the precision asked.
    places = max(
        (-v.as_tuple().exponent for v in values if v.as_tuple().exponent < 0),  # type: ignore[operator]
        default=0,
    )
    ints = [int(v.scaleb(places)) for v in values]
    whole = sum(ints)
    scale = 100 * 10**decimals
    floors = [n * scale // whole for n in ints]
    remainders = [n * scale % whole for n in ints]
    missing = scale - sum(floors)
    order = sorted(range(len(ints)), key=lambda i: (-remainders[i], -ints[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return [(Decimal(f) * unit).quantize(unit) for f in floors]


def whole_percentages(counts: Sequence[int]) -> list[int]:
    """Whole percentages of ``counts`` adding up to 100 (all 0 when the total is 0).

    The shares of :func:`largest_remainder` with no decimal, in plain integer arithmetic
    (a bilan has a few hundred tables: no :class:`~decimal.Decimal` per cell).
    """
    if not all(type(c) is int for c in counts):
        return [int(s) for s in largest_remainder(counts, 0)]
    if any(c < 0 for c in counts):
        raise ValueError("largest_remainder: les effectifs ne peuvent pas être négatifs")
    whole = sum(counts)
    if whole == 0:
        return [0] * len(counts)
    floors = [n * 100 // whole for n in counts]
    missing = 100 - sum(floors)
    if missing:
        remainders = [n * 100 % whole for n in counts]
        order = sorted(range(len(counts)), key=lambda i: (-remainders[i], -counts[i], i))
        for i in order[:missing]:
            floors[i] += 1
    return floors
