"""The funding rules (docs/funding.md).

- Amounts are exact :class:`~decimal.Decimal` euros, never floats.
- A year's total cost (per nature, ``realise`` or ``previsionnel``) is the declared
  ``cout_total`` when one is declared, else the sum of the contributions; a declared total
  that differs from that sum is a check (``cout_total_incoherent``).
- Shares are computed from the amounts, to one decimal, by the largest remainder method
  (:func:`citeslab_core.bilan.shares.largest_remainder`), so that they add up to exactly 100.0.
  They are shares of the sum of the contributions (what the funders actually bring), not
  of a declared total that disagrees with it.
- A declared share (``part_declaree``) more than half a point away from the computed one is
  flagged (``part_declaree_incoherente``): the seed declares PIC 50 % for 2022 where the
  amounts give 49,1 %.
- The site's :class:`~citeslab_core.model.FundingPolicy` sets caps (a funder's largest
  share, in percent; a share above its cap is flagged, ``plafond_depasse``) and the gap
  between planned and actual (in percent of planned) above which a line must be explained
  (``ecart_financement``), per funder and in total.

Everything here is computed once, in :func:`citeslab_core.bilan.compute_bilan`; renderers
and exporters only read the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from citeslab_core.bilan.checks import Check, CheckCode
from citeslab_core.bilan.shares import largest_remainder
from citeslab_core.french import (
    format_amount,
    format_rate,
    format_signed_amount,
    format_signed_share,
    of,
)
from citeslab_core.model import Funding, FundingPolicy
from citeslab_core.vocabularies import Funder, FundingNature

__all__ = [
    "DECLARED_SHARE_TOLERANCE",
    "Contribution",
    "FundingPlan",
    "FundingPlanRow",
    "FundingYear",
    "funding_checks",
    "funding_plan",
    "funding_year",
    "funding_years",
]

#: A declared share further than this from the computed one (in points) is flagged.
DECLARED_SHARE_TOLERANCE = Decimal("0.5")
_TENTH = Decimal("0.1")
_CENT = Decimal("0.01")


@attrs.frozen
class Contribution:
    """One funder's contribution to a year.

    ``share`` is the computed share in percent, one decimal (the shares of a year add up
    to exactly 100.0, or are all 0 when the year's sum is 0). ``declared_share`` is the
    ``part_declaree`` of the records (None when none was declared) and
    ``declared_share_flagged`` says it is more than half a point from ``share``.
    ``cap`` is the site's cap for this funder (percent, None when no cap) and
    ``cap_exceeded`` says ``share`` is above it.
    """

    funder: Funder
    amount: Decimal
    share: Decimal
    declared_share: Decimal | None = None
    declared_share_flagged: bool = False
    cap: Decimal | None = None
    cap_exceeded: bool = False


@attrs.frozen
class FundingYear:
    """The funding of one year and one nature (``realise`` or ``previsionnel``).

    ``total`` is the total cost: the declared ``cout_total`` when there is one, else the
    sum of the contributions. ``contributions_sum`` is always that sum, and
    ``declared_total`` the declared total (None when none was declared);
    ``total_mismatch`` says a declared total differs from the sum. Contributions are in
    the vocabulary order of funders (bpi, contrat_de_ville, pic, autofinancement, …), one
    per funder (several rows of one funder and year are added up). When rows declare
    different totals, the largest is ``declared_total`` and ``conflicting_totals`` lists
    them all (else it is empty).
    """

    year: int
    nature: FundingNature
    total: Decimal
    contributions_sum: Decimal
    declared_total: Decimal | None
    total_mismatch: bool
    contributions: tuple[Contribution, ...]
    conflicting_totals: tuple[Decimal, ...] = ()


@attrs.frozen
class FundingPlanRow:
    """Planned against actual for one funder (``funder``), or for the total (``None``).

    A side absent from the records is None; the gap treats it as 0 euro.
    ``gap`` = actual − planned (euros); ``gap_percent`` = gap / planned × 100, one
    decimal, None when nothing (or 0) was planned. ``above``: the absolute gap in
    percent is above the site's threshold, or something was received that was not planned
    (or the reverse: planned and nothing received is a gap of −100 %). ``explanation``:
    the site's explanation of this funder's gap, from the ``budget`` sheet
    (``ecart_explication`` of account 74 on the funder's line, 75 for autofinancement;
    docs/funding.md, rule 7), None when there is none. ``flagged``: above
    the threshold and not explained, "à expliquer" (the total: when a funder's gap is).
    """

    funder: Funder | None
    planned: Decimal | None
    actual: Decimal | None
    gap: Decimal
    gap_percent: Decimal | None
    flagged: bool
    explanation: str | None = attrs.field(default=None, repr=False)  # free text


@attrs.frozen
class FundingPlan:
    """The compte rendu financier of one year: per funder then in total."""

    year: int
    threshold: Decimal
    rows: tuple[FundingPlanRow, ...]
    total: FundingPlanRow


def funding_year(
    rows: Sequence[Funding], year: int, nature: FundingNature, policy: FundingPolicy
) -> FundingYear | None:
    """The funding of ``year`` and ``nature`` from the records, None when there is none."""
    amounts: dict[Funder, Decimal] = defaultdict(Decimal)
    declared_shares: dict[Funder, Decimal] = {}
    declared_totals: set[Decimal] = set()
    found = False
    for row in rows:
        if row.year != year or row.nature is not nature:
            continue
        found = True
        amounts[row.funder] += row.amount
        if row.declared_share is not None:
            # Several declared shares for one funder (several rows): the largest, so that
            # the order of the rows does not matter.
            known = declared_shares.get(row.funder)
            declared_shares[row.funder] = (
                row.declared_share if known is None else max(known, row.declared_share)
            )
        if row.declared_total is not None:
            declared_totals.add(row.declared_total.quantize(_CENT))
    if not found:
        return None
    funders = [f for f in Funder if f in amounts]
    values = [amounts[f] for f in funders]
    shares = largest_remainder(values, decimals=1)
    contributions = []
    for funder, amount, share in zip(funders, values, shares, strict=True):
        declared = declared_shares.get(funder)
        cap = policy.caps.get(funder)
        contributions.append(
            Contribution(
                funder=funder,
                amount=amount.quantize(_CENT),
                share=share,
                declared_share=declared,
                declared_share_flagged=(
                    declared is not None and abs(declared - share) > DECLARED_SHARE_TOLERANCE
                ),
                cap=cap,
                cap_exceeded=cap is not None and share > cap,
            )
        )
    total_sum = sum(values, Decimal(0)).quantize(_CENT)
    # Rows that declare different totals: the largest is kept, the others reported.
    declared_total = max(declared_totals) if declared_totals else None
    return FundingYear(
        year=year,
        nature=nature,
        total=declared_total.quantize(_CENT) if declared_total is not None else total_sum,
        contributions_sum=total_sum,
        declared_total=declared_total,
        total_mismatch=declared_total is not None and declared_total != total_sum,
        contributions=tuple(contributions),
        conflicting_totals=tuple(sorted(declared_totals)) if len(declared_totals) > 1 else (),
    )


def funding_years(
    rows: Sequence[Funding], years: Iterable[int], policy: FundingPolicy
) -> tuple[FundingYear, ...]:
    """Every (year, nature) of ``years`` present in the records, by year then nature."""
    wanted = set(years)
    present = sorted({(r.year, _nature_rank(r.nature)) for r in rows if r.year in wanted})
    natures = list(FundingNature)
    result = []
    for year, rank in present:
        found = funding_year(rows, year, natures[rank], policy)
        if found is not None:
            result.append(found)
    return tuple(result)


def _nature_rank(nature: FundingNature) -> int:
    return list(FundingNature).index(nature)


def _gap_row(
    funder: Funder | None,
    planned: Decimal | None,
    actual: Decimal | None,
    threshold: Decimal,
    explanation: str | None = None,
) -> FundingPlanRow:
    gap = (actual or Decimal(0)) - (planned or Decimal(0))
    gap_percent: Decimal | None = None
    if planned:
        percent = (gap * 100 / planned).quantize(_TENTH, ROUND_HALF_EVEN)
        gap_percent = percent
        flagged = abs(percent) > threshold
    else:
        flagged = gap != 0
    return FundingPlanRow(
        funder,
        planned,
        actual,
        gap.quantize(_CENT),
        gap_percent,
        flagged=flagged and not explanation,
        explanation=explanation or None,
    )


def funding_plan(
    planned: FundingYear | None,
    actual: FundingYear | None,
    policy: FundingPolicy,
    explanations: Mapping[Funder, str] | None = None,
) -> FundingPlan | None:
    """Planned against actual for one year; None unless both sides exist.

    ``explanations``: the site's explanation of a funder's gap (see
    :func:`citeslab_core.bilan.crf.funder_explanations`): such a gap is shown with it and
    no longer flagged; the total is flagged only while a funder's gap is."""
    if planned is None or actual is None:
        return None
    planned_by: Mapping[Funder, Decimal] = {c.funder: c.amount for c in planned.contributions}
    actual_by: Mapping[Funder, Decimal] = {c.funder: c.amount for c in actual.contributions}
    threshold = policy.gap_threshold
    notes = explanations or {}
    rows = tuple(
        _gap_row(f, planned_by.get(f), actual_by.get(f), threshold, notes.get(f))
        for f in Funder
        if f in planned_by or f in actual_by
    )
    total = _gap_row(None, planned.total, actual.total, threshold)
    if notes and total.flagged and not any(row.flagged for row in rows):
        # The total's gap is the funders' gaps: each one explained, it is explained.
        total = attrs.evolve(total, flagged=False)
    return FundingPlan(actual.year, threshold, rows, total)


def funding_checks(year: FundingYear, plan: FundingPlan | None = None) -> list[Check]:
    """The findings of one year's funding (and of its plan, when given), in French."""
    checks: list[Check] = []
    what = f"financement {year.nature.label.lower()} {year.year}"
    if year.total_mismatch and year.declared_total is not None:
        checks.append(
            Check.of(
                CheckCode.TOTAL_COST_MISMATCH,
                f"{what} : le coût total déclaré ({format_amount(year.declared_total)}) "
                f"diffère de la somme des financements ({format_amount(year.contributions_sum)}) "
                "; les parts sont calculées sur la somme des financements.",
            )
        )
    if year.conflicting_totals:
        listed = ", ".join(format_amount(t) for t in year.conflicting_totals)
        checks.append(
            Check.of(
                CheckCode.CONFLICTING_TOTAL_COSTS,
                f"{what} : plusieurs coûts totaux différents sont déclarés ({listed}) ; "
                "le plus grand est retenu.",
            )
        )
    for c in year.contributions:
        if c.declared_share_flagged and c.declared_share is not None:
            checks.append(
                Check.of(
                    CheckCode.DECLARED_SHARE_MISMATCH,
                    f"{what} : la part déclarée {of(c.funder.label)} "
                    f"({format_rate(c.declared_share)}) diffère de plus d'un demi-point de la "
                    "part calculée d'après les montants "
                    f"({format_rate(c.share)}, {format_amount(c.amount)} sur "
                    f"{format_amount(year.contributions_sum)}).",
                )
            )
        if c.cap_exceeded and c.cap is not None:
            checks.append(
                Check.of(
                    CheckCode.CAP_EXCEEDED,
                    f"{what} : la part {of(c.funder.label)} ({format_rate(c.share)}) dépasse son "
                    f"plafond ({format_rate(c.cap)}).",
                )
            )
    if plan is not None:
        for row in (*plan.rows, plan.total):
            if not row.flagged:
                continue
            name = row.funder.label if row.funder is not None else "total"
            detail = (
                f"{format_signed_share(row.gap_percent)} du prévu"
                if row.gap_percent is not None
                else "rien n'était prévu"
            )
            checks.append(
                Check.of(
                    CheckCode.FUNDING_GAP,
                    f"financement {plan.year}, {name} : écart entre prévu "
                    f"({format_amount(row.planned or Decimal(0))}) et réalisé "
                    f"({format_amount(row.actual or Decimal(0))}) "
                    f"de {format_signed_amount(row.gap)} "
                    f"({detail}), "
                    f"au-delà du seuil de {format_rate(plan.threshold)} : à expliquer.",
                )
            )
    return checks
