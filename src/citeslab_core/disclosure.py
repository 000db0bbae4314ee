"""Statistical disclosure control for a bilan meant for publication (``--public``).

DOMAIN.md ("Privacy"): a published report masks small counts (threshold k, the site's
``seuil_secret_statistique``, default 5) and shows them as ``s``, never as 0, with
secondary masking so that a masked cell cannot be recomputed from totals.

:func:`suppress` decides which cells of one table to mask, given all its counts (the
``non_renseigne`` row included) and knowing that the table's total is public:

1. **Primary**: every count from 1 to k−1 is masked. A true 0 is not secret and stays 0.
2. **Secondary**: a reader knows the total, the visible cells and that a masked cell of a
   table that shows its zeros is at least 1. The masked cells of a table are safe when
   there are at least two of them and their sum (total − visible cells) is larger than
   their number: then each masked cell can take at least two values. While that is not
   so, the smallest visible non-zero cell is masked too (ties: the first in row order).
3. **Last resort**: when no visible non-zero cell is left (every non-zero cell is masked
   and each holds 1, or a lone masked cell is the whole total), the table's zero cells
   are masked as well (a zero ``non_renseigne`` row then appears, masked): a reader can
   then no longer tell a masked 0 from a masked 1.
4. **Limit**: when every cell is masked and a cell can still be told (every row,
   ``non_renseigne`` included, holds exactly one person; or the table has a single row,
   e.g. a ``quartier`` table where nobody has a neighbourhood), nothing more can be done
   while the total is public. :func:`suppress` then reports it
   (:attr:`Suppression.unprotected`) and the bilan adds an ``info`` check naming the
   table.

Shares of masked cells are masked too (a masked share could be turned back into a count).
Sums of several cells (an indicator "moins de 26 ans" = moins_18 + 18_25) are masked as
soon as one of their cells is masked (:func:`masked_sum`), so that no visible sum gives a
masked cell back.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = ["Suppression", "mask_value", "masked_sum", "suppress"]


@attrs.frozen
class Suppression:
    """Which cells of a table to mask; ``unprotected``: the limit case (see module doc)."""

    masked: tuple[bool, ...]
    unprotected: bool = False


def mask_value(value: int, k: int) -> int | None:
    """``value`` itself, or None when it is from 1 to k−1 (primary masking only)."""
    return None if 0 < value < k else value


def masked_sum(values: Sequence[int | None]) -> int | None:
    """The sum of cells already masked or not: None as soon as one of them is masked."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _safe(counts: Sequence[int], masked: Sequence[bool]) -> bool:
    hidden = [c for c, m in zip(counts, masked, strict=True) if m]
    if not hidden:
        return True
    if len(hidden) < 2:
        return False
    if 0 in hidden:
        # Masked zeros: a reader cannot tell a masked 0 from a masked 1, and with two
        # masked cells or more each may be 0 or more.
        return True
    return sum(hidden) > len(hidden)


def suppress(
    counts: Sequence[int],
    k: int,
    forced: Sequence[bool] | None = None,
    *,
    total_masked: bool = False,
) -> Suppression:
    """The cells of one table to mask (see the module docstring for the rules).

    ``forced`` marks cells that must be masked whatever their count (a cell masked in
    another table that shows the same figure). ``total_masked`` says the table's total is
    itself a masked cell elsewhere (the QPV residents of the ``statut_residence`` table
    for the per-QPV table): then at least one non-zero cell is masked, else the visible
    cells would add up to that masked total.
    """
    masked = [(forced is not None and forced[i]) or 0 < c < k for i, c in enumerate(counts)]
    if k <= 1:
        return Suppression(tuple(masked))
    if total_masked and not any(m and c > 0 for c, m in zip(counts, masked, strict=True)):
        nonzero = [i for i, c in enumerate(counts) if c > 0]
        if nonzero:
            masked[min(nonzero, key=lambda i: (counts[i], i))] = True
    while not _safe(counts, masked):
        candidates = [i for i, c in enumerate(counts) if not masked[i] and c > 0]
        if candidates:
            smallest = min(candidates, key=lambda i: (counts[i], i))
            masked[smallest] = True
            continue
        zeros = [i for i, c in enumerate(counts) if not masked[i] and c == 0]
        if not zeros:
            return Suppression(tuple(masked), unprotected=True)
        for i in zeros:
            masked[i] = True
    return Suppression(tuple(masked))
