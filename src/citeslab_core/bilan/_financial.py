"""The bilan's funding: the actual funding of the period's last year, its plan, the
years around the period, the compte rendu financier, and their checks
(:mod:`citeslab_core.bilan.funding`, :mod:`citeslab_core.bilan.crf` compute them)."""

from __future__ import annotations

import datetime as dt

import attrs

from citeslab_core.bilan.checks import Check, CheckCode
from citeslab_core.bilan.crf import (
    FinancialReport,
    budget_findings,
    financial_report,
    funder_explanations,
)
from citeslab_core.bilan.funding import (
    FundingPlan,
    FundingYear,
    funding_checks,
    funding_plan,
    funding_year,
    funding_years,
)
from citeslab_core.model import Dataset
from citeslab_core.vocabularies import FundingNature


@attrs.frozen
class _Funding:
    """What the bilan shows of the funding (``Bilan.funding`` … ``financial_report``)."""

    actual: FundingYear | None
    plan: FundingPlan | None
    years: tuple[FundingYear, ...]
    report: FinancialReport | None
    checks: tuple[Check, ...]


def _funding(data: Dataset, start: dt.date, end: dt.date) -> _Funding:
    """The funding of the period's last year and the checks of every year shown: each
    year's own findings (the last year's with its plan), the compte rendu financier's, and
    ``financement_absent`` when the last year has no actual funding."""
    policy = data.site.funding_policy
    year = end.year
    actual = funding_year(data.fundings, year, FundingNature.REALISE, policy)
    planned = funding_year(data.fundings, year, FundingNature.PREVISIONNEL, policy)
    report = financial_report(data.budget, year, policy.gap_threshold)
    # A funder's gap explained in the budget sheet is explained in the bilan too.
    plan = funding_plan(planned, actual, policy, funder_explanations(report))
    years = funding_years(data.fundings, range(start.year - 2, end.year + 3), policy)
    checks: list[Check] = []
    for entry in years:
        # The year's own plan is checked with its actual funding (``actual`` is in
        # ``years``: its year is always in the window).
        is_actual = entry.year == year and entry.nature is FundingNature.REALISE
        checks.extend(funding_checks(entry, plan if is_actual else None))
    if report is not None:
        # A budget finding also names its rows (for the workbook's check): not the bilan's.
        checks.extend(
            Check(f.code, f.severity, f.message) for f in budget_findings(report, data.fundings)
        )
    if actual is None:
        message = f"Aucun financement réalisé n'est saisi pour {year}."
        checks.append(Check.of(CheckCode.NO_FUNDING, message))
    return _Funding(actual, plan, years, report, tuple(checks))
