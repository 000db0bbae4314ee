"""The funding rules of docs/funding.md: totals, shares to one decimal adding up to 100.0,
declared shares flagged beyond half a point, caps, planned against actual."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.bilan.funding import (
    funding_checks,
    funding_plan,
    funding_year,
    funding_years,
)
from citeslab_core.model import Funding, FundingPolicy
from citeslab_core.vocabularies import Funder, FundingNature

D = Decimal
REALISE = FundingNature.REALISE
PREVU = FundingNature.PREVISIONNEL


def seed_rows() -> list[Funding]:
    """The seed's funding (docs/funding.md), with the shares it declares."""
    return [
        Funding(2022, Funder.BPI, D("16000"), REALISE, D("51128.16"), D("31")),
        Funding(2022, Funder.CONTRAT_DE_VILLE, D("10000"), REALISE, D("51128.16"), D("19")),
        Funding(2022, Funder.PIC, D("25128.16"), REALISE, D("51128.16"), D("50")),
        Funding(2023, Funder.BPI, D("16000"), REALISE, D("52276.49"), D("30")),
        Funding(2023, Funder.CONTRAT_DE_VILLE, D("10000"), REALISE, D("52276.49"), D("20")),
        Funding(2023, Funder.PIC, D("15000"), REALISE, D("52276.49"), D("29")),
        Funding(2023, Funder.AUTOFINANCEMENT, D("11276.49"), REALISE, D("52276.49"), D("21")),
        Funding(2024, Funder.BPI, D("28225"), PREVU, D("56466"), D("50")),
        Funding(2024, Funder.CONTRAT_DE_VILLE, D("15000"), PREVU, D("56466"), D("27")),
        Funding(2024, Funder.AUTOFINANCEMENT, D("13241"), PREVU, D("56466"), D("23")),
    ]


def test_seed_2023_shares_and_flags() -> None:
    year = funding_year(seed_rows(), 2023, REALISE, FundingPolicy())
    assert year is not None
    assert year.total == D("52276.49")
    assert not year.total_mismatch
    shares = {c.funder: c.share for c in year.contributions}
    assert shares == {
        Funder.BPI: D("30.6"),
        Funder.CONTRAT_DE_VILLE: D("19.1"),
        Funder.PIC: D("28.7"),
        Funder.AUTOFINANCEMENT: D("21.6"),
    }
    # More than half a point: 30 for 30,6; 20 for 19,1; 21 for 21,6. PIC's 29 is 0,3 from
    # 28,7 (exactly 28,69 %): within the rule's half point, so not flagged.
    flagged = {c.funder for c in year.contributions if c.declared_share_flagged}
    assert flagged == {Funder.BPI, Funder.CONTRAT_DE_VILLE, Funder.AUTOFINANCEMENT}


def test_seed_2022_shares_and_flags() -> None:
    year = funding_year(seed_rows(), 2022, REALISE, FundingPolicy())
    assert year is not None
    shares = {c.funder: c.share for c in year.contributions}
    assert shares[Funder.PIC] == D("49.1")
    assert sum(shares.values()) == D("100.0")
    # PIC declared 50 % for 49,1 % (docs/funding.md); the contrat de ville's 19 % is also more
    # than half a point from 19,6 % (10 000 / 51 128,16 = 19,56 %). BPI 31 % for 31,3 %: ok.
    flagged = {c.funder for c in year.contributions if c.declared_share_flagged}
    assert flagged == {Funder.PIC, Funder.CONTRAT_DE_VILLE}


def test_flag_messages_are_french_with_babel_forms() -> None:
    year = funding_year(seed_rows(), 2022, REALISE, FundingPolicy())
    assert year is not None
    messages = [c.message for c in funding_checks(year) if c.code == "part_declaree_incoherente"]
    pic = next(m for m in messages if "PIC" in m)
    assert "50\u00a0%" in pic
    assert "49,1\u00a0%" in pic
    assert "25\u202f128,16\u00a0€" in pic
    assert "51\u202f128,16\u00a0€" in pic


def test_declared_total_that_differs_from_the_sum_is_a_check() -> None:
    rows = [
        Funding(2023, Funder.BPI, D("100"), REALISE, D("300")),
        Funding(2023, Funder.PIC, D("100"), REALISE, D("300")),
    ]
    year = funding_year(rows, 2023, REALISE, FundingPolicy())
    assert year is not None
    assert year.total == D("300.00")
    assert year.contributions_sum == D("200.00")
    assert year.total_mismatch
    assert [c.share for c in year.contributions] == [D("50.0"), D("50.0")]
    assert [c.code for c in funding_checks(year)] == ["cout_total_incoherent"]


def test_total_without_declaration_is_the_sum_and_rows_of_one_funder_add_up() -> None:
    rows = [
        Funding(2023, Funder.BPI, D("100")),
        Funding(2023, Funder.BPI, D("50")),
        Funding(2023, Funder.REGION, D("50")),
    ]
    year = funding_year(rows, 2023, REALISE, FundingPolicy())
    assert year is not None
    assert year.total == D("200.00")
    assert [(c.funder, c.amount, c.share) for c in year.contributions] == [
        (Funder.BPI, D("150.00"), D("75.0")),
        (Funder.REGION, D("50.00"), D("25.0")),
    ]
    assert funding_checks(year) == []


def test_cap_exceeded() -> None:
    policy = FundingPolicy(caps={Funder.BPI: D("30")})
    year = funding_year(seed_rows(), 2023, REALISE, policy)
    assert year is not None
    bpi = year.contributions[0]
    assert bpi.cap == D("30")
    assert bpi.cap_exceeded
    assert not any(c.cap_exceeded for c in year.contributions[1:])
    assert "plafond_depasse" in [c.code for c in funding_checks(year)]


def test_planned_against_actual() -> None:
    rows = [
        *seed_rows(),
        Funding(2024, Funder.BPI, D("28225"), REALISE),
        Funding(2024, Funder.CONTRAT_DE_VILLE, D("12000"), REALISE),
        Funding(2024, Funder.REGION, D("1000"), REALISE),
    ]
    policy = FundingPolicy(gap_threshold=D("10"))
    actual = funding_year(rows, 2024, REALISE, policy)
    planned = funding_year(rows, 2024, PREVU, policy)
    plan = funding_plan(planned, actual, policy)
    assert plan is not None
    by = {r.funder: r for r in plan.rows}
    assert by[Funder.BPI].gap == 0
    assert not by[Funder.BPI].flagged
    # 12 000 for 15 000 planned: -3 000 €, -20 % > 10 %: flagged.
    assert by[Funder.CONTRAT_DE_VILLE].gap == D("-3000.00")
    assert by[Funder.CONTRAT_DE_VILLE].gap_percent == D("-20.0")
    assert by[Funder.CONTRAT_DE_VILLE].flagged
    # Planned, nothing received: -100 %.
    assert by[Funder.AUTOFINANCEMENT].actual is None
    assert by[Funder.AUTOFINANCEMENT].gap_percent == D("-100.0")
    # Received, nothing planned: no percentage, flagged.
    assert by[Funder.REGION].planned is None
    assert by[Funder.REGION].gap_percent is None
    assert by[Funder.REGION].flagged
    # Total: 41 225 for 56 466 declared planned.
    assert plan.total.planned == D("56466.00")
    assert plan.total.gap == D("-15241.00")
    assert plan.total.flagged
    codes = [c.code for c in funding_checks(actual, plan)] if actual else []
    assert codes.count("ecart_financement") == 4
    # Explained in the budget sheet: shown with the gap, no longer flagged.
    notes = {Funder.CONTRAT_DE_VILLE: "Versement réduit", Funder.REGION: "Aide imprévue"}
    explained = funding_plan(planned, actual, policy, notes)
    assert explained is not None
    by = {r.funder: r for r in explained.rows}
    assert by[Funder.CONTRAT_DE_VILLE].explanation == "Versement réduit"
    assert not by[Funder.CONTRAT_DE_VILLE].flagged
    assert not by[Funder.REGION].flagged
    assert by[Funder.AUTOFINANCEMENT].flagged  # not explained
    assert explained.total.flagged  # while a funder's gap is not explained
    codes = [c.code for c in funding_checks(actual, explained)] if actual else []
    assert codes.count("ecart_financement") == 2


gap_plans = st.lists(
    st.tuples(
        st.sampled_from(Funder),
        st.sampled_from(FundingNature),
        st.decimals(min_value=0, max_value=Decimal("50000"), places=2),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=60)
@given(gap_plans, st.sets(st.sampled_from(Funder)), st.decimals(0, 50, places=1))
def test_an_explained_gap_is_never_flagged_and_an_unexplained_one_as_before(
    rows: list[tuple[Funder, FundingNature, Decimal]], noted: set[Funder], threshold: Decimal
) -> None:
    records = [Funding(2023, f, amount, nature) for f, nature, amount in rows]
    policy = FundingPolicy(gap_threshold=threshold)
    actual = funding_year(records, 2023, REALISE, policy)
    planned = funding_year(records, 2023, PREVU, policy)
    bare = funding_plan(planned, actual, policy)
    notes = {f: f"Explication {f.code}" for f in noted}
    plan = funding_plan(planned, actual, policy, notes)
    if bare is None or plan is None:
        assert bare is plan is None
        return
    for before, after in zip((*bare.rows, bare.total), (*plan.rows, plan.total), strict=True):
        assert (before.funder, before.gap, before.gap_percent) == (
            after.funder,
            after.gap,
            after.gap_percent,
        )
        if after.funder is None:
            # the total's gap is the funders': explained when each of theirs is
            still = not notes or any(r.flagged for r in plan.rows)
            assert after.flagged == (before.flagged and still)
        else:
            assert after.explanation == notes.get(after.funder)
            assert after.flagged == (before.flagged and after.funder not in noted)


def test_funding_years_table_is_by_year_then_nature() -> None:
    years = funding_years(seed_rows(), range(2021, 2026), FundingPolicy())
    assert [(y.year, y.nature) for y in years] == [(2022, REALISE), (2023, REALISE), (2024, PREVU)]
    assert funding_years(seed_rows(), [2023], FundingPolicy())[0].year == 2023


fundings = st.lists(
    st.builds(
        Funding,
        year=st.integers(2022, 2024),
        funder=st.sampled_from(Funder),
        amount=st.decimals(
            min_value=0,
            max_value=Decimal("100000"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
        nature=st.sampled_from(FundingNature),
    ),
    max_size=12,
)


@settings(max_examples=50)
@given(fundings)
def test_any_year_shares_add_up_and_amounts_are_kept(rows: list[Funding]) -> None:
    for year in (2022, 2023, 2024):
        for nature in FundingNature:
            found = funding_year(rows, year, nature, FundingPolicy())
            mine = [r for r in rows if r.year == year and r.nature is nature]
            if not mine:
                assert found is None
                continue
            assert found is not None
            assert found.contributions_sum == sum(r.amount for r in mine)
            assert found.total == found.contributions_sum
            shares = [c.share for c in found.contributions]
            assert sum(shares) == (100 if found.contributions_sum else 0)
            assert len({c.funder for c in found.contributions}) == len(found.contributions)


def test_conflicting_declared_totals_do_not_depend_on_row_order() -> None:
    rows = [
        Funding(2023, Funder.BPI, D("100"), REALISE, D("300")),
        Funding(2023, Funder.PIC, D("200"), REALISE, D("250")),
    ]
    for ordered in (rows, rows[::-1]):
        year = funding_year(ordered, 2023, REALISE, FundingPolicy())
        assert year is not None
        assert year.declared_total == D("300.00")
        assert year.conflicting_totals == (D("250.00"), D("300.00"))
        assert "cout_total_contradictoire" in [c.code for c in funding_checks(year)]


def test_autofinancement_comes_after_every_funder_in_every_table() -> None:
    rows = [
        Funding(2024, funder, D("1000"), nature)
        for funder in (Funder.AUTOFINANCEMENT, Funder.COMMUNE_EPCI, Funder.BPI, Funder.AUTRE)
        for nature in (REALISE, PREVU)
    ]
    policy = FundingPolicy()
    actual = funding_year(rows, 2024, REALISE, policy)
    planned = funding_year(rows, 2024, PREVU, policy)
    assert actual is not None
    order = [Funder.BPI, Funder.COMMUNE_EPCI, Funder.AUTRE, Funder.AUTOFINANCEMENT]
    assert [c.funder for c in actual.contributions] == order
    plan = funding_plan(planned, actual, policy)
    assert plan is not None
    assert [r.funder for r in plan.rows] == order
    assert list(Funder)[-1] is Funder.AUTOFINANCEMENT  # the vocabulary's order itself
