"""Hypothesis strategies for bilans made directly (not computed from records): any value
each field of :class:`~citeslab_core.bilan.Bilan` may hold, public (counts masked, None)
or not, a network's with its sites. What the JSON does not carry is drawn as the reader
gives it back: a table's title (its key's), a table's total (the bilan's, or its QPV's,
accompanied), a compte rendu's lines in the Cerfa's order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from citeslab_core.bilan import (
    TABLE_KEYS,
    TABLE_TITLES,
    AnimationRow,
    Bilan,
    Check,
    Indicators,
    OrientationPeriodRow,
    PartnershipRow,
    PlannedRow,
    Prescriber,
    ProgrammeRow,
    PublicBilan,
    QpvAnimationRow,
    QpvRow,
    ReachRow,
    Table,
    TableRow,
    TextRow,
)
from citeslab_core.bilan.crf import CrfLine, FinancialReport, _order
from citeslab_core.bilan.funding import Contribution, FundingPlan, FundingPlanRow, FundingYear
from citeslab_core.bilan.provenance import Provenance
from citeslab_core.model.accounts import ACCOUNT_CLASSES, SUBSIDY_CLASS
from citeslab_core.vocabularies import Funder, FundingNature, PartnershipCategory
from strategies import optional, partial_dates

# Any text a JSON file can hold (the writer replaces what it cannot: see clean_text).
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=20)

counts = st.integers(0, 10**6)
amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2)
numbers = st.decimals(min_value=-1000, max_value=1000, places=1)
codes = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


def _masked(public: bool) -> st.SearchStrategy[int | None]:
    return optional(counts) if public else counts


def table_rows(public: bool) -> st.SearchStrategy[tuple[TableRow[int | None], ...]]:
    c = _masked(public)
    return st.lists(st.builds(TableRow, codes, texts, c, c), max_size=4).map(tuple)


def _table(
    key: str, rows: tuple[TableRow[int | None], ...], total: int | None
) -> Table[int | None]:
    return Table(key, TABLE_TITLES.get(key, key), rows, total)


@st.composite
def qpv_rows(draw: st.DrawFn, public: bool) -> QpvRow[int | None]:
    accompanied = draw(_masked(public))
    return QpvRow(
        draw(texts),
        draw(optional(codes)),
        accompanied,
        _table("sexe", draw(table_rows(public)), accompanied),
        _table("tranche_age", draw(table_rows(public)), accompanied),
    )


@st.composite
def reach_rows(draw: st.DrawFn, public: bool) -> ReachRow[int | None]:
    accompanied = draw(_masked(public))
    per_thousand = None if accompanied is None else draw(optional(numbers))
    return ReachRow(draw(texts), draw(optional(codes)), draw(counts), accompanied, per_thousand)


funders = st.sampled_from(list(Funder))


def funding_years() -> st.SearchStrategy[FundingYear]:
    contribution = st.builds(
        Contribution,
        funders,
        amounts,
        numbers,
        optional(numbers),
        st.booleans(),
        optional(numbers),
        st.booleans(),
    )
    return st.builds(
        FundingYear,
        st.integers(1900, 2100),
        st.sampled_from(list(FundingNature)),
        amounts,
        amounts,
        optional(amounts),
        st.booleans(),
        st.lists(contribution, max_size=3).map(tuple),
    )


def funding_plans() -> st.SearchStrategy[FundingPlan]:
    def row(funder: st.SearchStrategy[Funder | None]) -> st.SearchStrategy[FundingPlanRow]:
        return st.builds(
            FundingPlanRow,
            funder,
            optional(amounts),
            optional(amounts),
            amounts,
            optional(numbers),
            st.booleans(),
        )

    return st.builds(
        FundingPlan,
        st.integers(1900, 2100),
        numbers,
        st.lists(row(funders), max_size=3).map(tuple),
        row(st.none()),
    )


@st.composite
def crf_lines(draw: st.DrawFn) -> CrfLine:
    cls = draw(st.sampled_from(ACCOUNT_CLASSES))
    account = cls.code + draw(st.text("0123456789", max_size=2))
    funder = draw(optional(funders)) if cls.code == SUBSIDY_CLASS else None
    return CrfLine(
        account, draw(texts), funder, draw(amounts), draw(amounts), draw(optional(texts))
    )


@st.composite
def financial_reports(draw: st.DrawFn) -> FinancialReport:
    lines = draw(st.lists(crf_lines(), max_size=4))
    return FinancialReport(
        draw(st.integers(1900, 2100)),
        draw(numbers),
        draw(st.booleans()),
        draw(st.booleans()),
        tuple(sorted(lines, key=_order)),
    )


provenances = st.builds(
    Provenance,
    texts,
    st.datetimes(dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0, tzinfo=dt.UTC)
    ),
    optional(st.text("0123456789abcdef", min_size=64, max_size=64)),
)


_INDICATOR_COUNTS = (
    "accompanied",
    "new",
    "women",
    "qpv_residents",
    "under_26",
    "job_seekers",
    "minimum_benefits",
    "creations",
    "positive_exits",
    "programme_entries",
)


@st.composite
def bilans(draw: st.DrawFn, *, public: bool | None = None, sites: bool = True) -> PublicBilan:
    """Any bilan; ``public`` None draws it; with ``sites``, maybe a network's."""
    if public is None:
        public = draw(st.booleans())
    c = _masked(public)
    start = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))
    accompanied = draw(counts)
    keys = draw(st.lists(st.sampled_from(TABLE_KEYS), unique=True))
    rows = st.lists
    fields: dict[str, Any] = {
        "site": draw(texts),
        "host": draw(optional(texts)),
        "territory": draw(optional(texts)),
        "start": start,
        "end": start + dt.timedelta(days=draw(st.integers(0, 365))),
        "public": public,
        "threshold": draw(st.integers(1, 20)),
        "accompanied": accompanied,
        "new": draw(c),
        "tables": {k: _table(k, draw(table_rows(public)), accompanied) for k in keys},
        "without_orientation": draw(c),
        "indicators": Indicators(
            **{field: draw(c) for field in _INDICATOR_COUNTS},
            orientations=draw(table_rows(public)),
            animations_held=draw(counts),
            animation_participants=draw(counts),
        ),
        "programmes": draw(rows(st.builds(ProgrammeRow, texts, c, c), max_size=2)),
        "animations": draw(rows(st.builds(AnimationRow, codes, texts, counts, counts), max_size=2)),
        "animations_in_qpv": draw(
            rows(st.builds(QpvAnimationRow, texts, optional(codes), counts, counts), max_size=2)
        ),
        "partnerships": draw(
            rows(
                st.builds(
                    PartnershipRow,
                    texts,
                    optional(st.sampled_from(list(PartnershipCategory))),
                    optional(texts),
                    optional(partial_dates()),
                ),
                max_size=2,
            )
        ),
        "reach": draw(rows(reach_rows(public), max_size=2)),
        "qpv_breakdown": draw(rows(qpv_rows(public), max_size=2)),
        "prescribers": draw(rows(st.builds(Prescriber, texts, c), max_size=2)),
        "funding": draw(optional(funding_years())),
        "funding_plan": draw(optional(funding_plans())),
        "funding_years": draw(rows(funding_years(), max_size=2)),
        "texts": draw(rows(st.builds(TextRow, texts, texts), max_size=2)),
        "checks": draw(
            rows(
                st.builds(
                    Check, codes, st.sampled_from(["erreur", "avertissement", "info"]), texts
                ),
                max_size=2,
            )
        ),
        "financial_report": draw(optional(financial_reports())),
        "planned_animations": draw(
            rows(st.builds(PlannedRow, codes, texts, counts, counts), max_size=2)
        ),
        "provenance": draw(optional(provenances)),
        "subset": draw(st.booleans()),
        "orientations_period": draw(
            rows(st.builds(OrientationPeriodRow, codes, texts, c, c, c), max_size=2)
        ),
        "orientations_period_persons": draw(c),
    }
    for key, value in fields.items():
        if isinstance(value, list):
            fields[key] = tuple(value)
    if sites and draw(st.booleans()):
        fields["sites"] = tuple(draw(st.lists(bilans(public=public, sites=False), max_size=2)))
    return Bilan(**fields)
