"""The two ways the library turns counts and amounts into percentages.

- **Shares of persons** (every table of a bilan): :func:`whole_percentages`, each share
  rounded on its own, half up, so that equal counts always read equal shares; a table's
  shares may then add up to 99 or 101, which :func:`shares_add_up` tells.
- **Funding shares** (one decimal): :func:`largest_remainder`, so that a budget's shares
  add up to exactly 100.

The largest remainder method (Hamilton's): each exact share ``100 × count / total`` is
floored to the precision asked; the units still missing to reach 100 are given, one each,
to the shares with the largest remainders. Ties between equal remainders go to the larger
count, then to the earlier position in the sequence. With that tie-break a larger count
never gets a smaller share, and each share is within one unit of the precision of its
exact value.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "largest_remainder",
    "per_thousand",
    "percent_of",
    "shares_add_up",
    "whole_percentages",
]


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
    """The whole percentages of persons: each count's exact share ``100 × count / total``
    rounded on its own, half up (all 0 when the total is 0).

    docs/bilan.md: **equal counts give equal shares** (a table of 4 / 4 / 4
    reads 33 / 33 / 33), so the shares may add up to 99 or 101 (more with many rows);
    :func:`shares_add_up` tells, and the outputs then say that the shares are rounded. Plain
    integer arithmetic: ``round_half_up(100 n / t) = (200 n + t) // (2 t)``.
    """
    if any(c < 0 for c in counts):
        raise ValueError("whole_percentages: les effectifs ne peuvent pas être négatifs")
    whole = sum(counts)
    if whole == 0:
        return [0] * len(counts)
    double = 2 * whole
    return [(200 * n + whole) // double for n in counts]


def percent_of(count: int, total: int) -> int:
    """``count`` as a whole percentage of ``total``, rounded half up (0 when ``total`` is
    0): the share of one row, the rule of :func:`whole_percentages`."""
    if count < 0 or total < 0:
        raise ValueError("percent_of: les effectifs ne peuvent pas être négatifs")
    return (200 * count + total) // (2 * total) if total else 0


def per_thousand(count: int | None, population: int) -> Decimal | None:
    """``count`` persons per 1 000 inhabitants of ``population``, one decimal rounded half
    up (the reach of a neighbourhood); None when ``count`` is masked or ``population`` 0."""
    if count is None or population <= 0:
        return None
    return (Decimal(count) * 1000 / population).quantize(Decimal("0.1"), ROUND_HALF_UP)


def shares_add_up(shares: Sequence[int | None]) -> bool:
    """Whether shown whole percentages add up to exactly 100 (or are all 0: an empty table).

    False when some rows' shares are rounded up or down so that their sum is 99, 101 or
    another figure: the outputs then add « parts arrondies » under the table. A masked
    share (None) cannot be added up: such a table is taken as adding up (its reader cannot
    check the sum, and the note would hint at the masked cells).
    """
    if any(s is None for s in shares):
        return True
    total = sum(s for s in shares if s is not None)
    return total in (0, 100)
