"""The compte rendu financier (Cerfa n° 15059): lines, totals, gaps, and its three checks."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import compute_bilan
from citeslab_core.bilan.crf import FinancialReport, budget_findings, financial_report
from citeslab_core.cli import main
from citeslab_core.model import BudgetLine, Dataset, Funding, Site
from citeslab_core.model.accounts import Side
from citeslab_core.readers.example import load_example
from citeslab_core.readers.workbook import write_workbook
from citeslab_core.vocabularies import BudgetNature, Funder, FundingNature
from strategies import budget_lines

PREVU, REALISE = BudgetNature.PREVU, BudgetNature.REALISE
TEN = Decimal(10)


def line(
    nature: BudgetNature,
    account: str,
    amount: str,
    funder: Funder | None = None,
    explanation: str | None = None,
    year: int = 2023,
) -> BudgetLine:
    return BudgetLine(
        year, nature, account, Decimal(amount), funder=funder, gap_explanation=explanation
    )


#: A balanced budget, planned and actual, every gap under 10 %, agreeing with FUNDINGS.
BALANCED = [
    line(PREVU, "64", "30000"),
    line(PREVU, "62", "2000"),
    line(PREVU, "74", "20000", Funder.BPI),
    line(PREVU, "74", "10000", Funder.CONTRAT_DE_VILLE),
    line(PREVU, "75", "2000"),
    line(REALISE, "64", "29000"),
    line(REALISE, "62", "1900"),
    line(REALISE, "74", "20000", Funder.BPI),
    line(REALISE, "74", "9000", Funder.CONTRAT_DE_VILLE),
    line(REALISE, "75", "1900"),
    line(PREVU, "86", "500"),
    line(PREVU, "87", "500"),
    line(REALISE, "86", "520"),
    line(REALISE, "87", "520"),
]
FUNDINGS = [
    Funding(2023, Funder.BPI, Decimal(20000), FundingNature.PREVISIONNEL),
    Funding(2023, Funder.CONTRAT_DE_VILLE, Decimal(10000), FundingNature.PREVISIONNEL),
    Funding(2023, Funder.AUTOFINANCEMENT, Decimal(2000), FundingNature.PREVISIONNEL),
    Funding(2023, Funder.BPI, Decimal(20000), FundingNature.REALISE),
    Funding(2023, Funder.CONTRAT_DE_VILLE, Decimal(9000), FundingNature.REALISE),
]


def report_of(budget: list[BudgetLine]) -> FinancialReport:
    found = financial_report(budget, 2023, TEN)
    assert found is not None
    return found


def codes(budget: list[BudgetLine], fundings: list[Funding] = FUNDINGS) -> list[str]:
    return [f.code for f in budget_findings(report_of(budget), fundings)]


def test_lines_in_cerfa_order_with_totals_apart() -> None:
    report = report_of(BALANCED)
    assert [(x.account, x.funder) for x in report.lines] == [
        ("62", None),
        ("64", None),
        ("86", None),
        ("74", Funder.BPI),
        ("74", Funder.CONTRAT_DE_VILLE),
        ("75", None),
        ("87", None),
    ]
    assert report.charges_total.planned == Decimal(32000)
    assert report.charges_total.actual == Decimal(30900)
    assert report.produits_total == report.charges_total
    assert report.total(Side.CHARGES_VOLUNTARY).actual == Decimal(520)
    assert report.charges_grand_total.actual == Decimal(31420)
    cdv = report.lines[4]
    assert (cdv.label, cdv.gap, cdv.gap_percent) == (
        "Contrat de ville",
        Decimal(-1000),
        Decimal("-10.0"),
    )
    assert report.lines[1].label == "Charges de personnel"


def test_a_balanced_coherent_explained_budget_has_no_finding() -> None:
    assert codes(BALANCED) == []


def test_unbalanced_fires_alone() -> None:
    budget = [*BALANCED, line(REALISE, "60", "100", explanation="imprévu")]
    assert codes(budget) == ["crf_desequilibre"]
    (finding,) = budget_findings(report_of(budget), FUNDINGS)
    assert "réalisé" in finding.message
    assert "31\u202f000,00\u00a0€" in finding.message
    assert "30\u202f900,00\u00a0€" in finding.message
    # The contributions volontaires balance on their own.
    voluntary = [*BALANCED, line(PREVU, "87", "1")]
    assert codes(voluntary) == ["crf_desequilibre"]


def test_a_subsidy_off_by_one_cent_fires_alone() -> None:
    budget = [
        attrs.evolve(x, amount=x.amount + Decimal("0.01"))
        if x.funder is Funder.BPI and x.nature is REALISE
        else x
        for x in BALANCED
    ]
    budget.append(line(REALISE, "64", "0.01"))  # still balanced
    found = budget_findings(report_of(budget), FUNDINGS)
    assert [f.code for f in found] == ["crf_subvention_incoherente"]
    assert "de Bpifrance" in found[0].message
    assert "20\u202f000,01\u00a0€" in found[0].message
    # A funder of financements with no 74 line is a disagreement too (not autofinancement).
    extra = [*FUNDINGS, Funding(2023, Funder.REGION, Decimal(5), FundingNature.REALISE)]
    assert codes(BALANCED, extra) == ["crf_subvention_incoherente"]


def test_an_unexplained_gap_fires_alone() -> None:
    budget = [
        *BALANCED,
        line(PREVU, "61", "1000"),
        line(REALISE, "61", "1200"),  # +20 %
        line(PREVU, "76", "1000"),
        line(REALISE, "76", "1200", explanation="Intérêts plus élevés"),  # explained
    ]
    found = budget_findings(report_of(budget), FUNDINGS)
    assert [f.code for f in found] == ["crf_ecart_non_explique"]
    assert "compte 61" in found[0].message
    assert "+20,0\u00a0%" in found[0].message
    # Explained on the planned row: fine too.
    budget[-4] = line(PREVU, "61", "1000", explanation="Loyer revu")
    assert codes(budget) == []
    # Not planned at all: a gap to explain.
    assert codes([*BALANCED, line(REALISE, "65", "10"), line(REALISE, "70", "10")]) == [
        "crf_ecart_non_explique",
        "crf_ecart_non_explique",
    ]


def test_gaps_are_not_checked_before_the_actual_budget_exists() -> None:
    planned_only = [x for x in BALANCED if x.nature is PREVU]
    report = report_of(planned_only)
    assert (report.has_planned, report.has_actual) == (True, False)
    assert codes(planned_only) == []


def test_no_budget_for_the_year() -> None:
    assert financial_report(BALANCED, 2024, TEN) is None


@given(budget_lines(years=st.just(2023), max_size=20))
@settings(max_examples=80, deadline=None)
def test_totals_are_sums_of_lines_and_gaps_actual_minus_planned(budget: list[BudgetLine]) -> None:
    report = financial_report(budget, 2023, TEN)
    if not budget:
        assert report is None
        return
    assert report is not None
    planned = sum((x.amount for x in budget if x.nature is PREVU), Decimal(0))
    actual = sum((x.amount for x in budget if x.nature is REALISE), Decimal(0))
    for side in Side:
        total = report.total(side)
        members = report.side(side)
        assert total.planned == sum((x.planned for x in members), Decimal(0))
        assert total.actual == sum((x.actual for x in members), Decimal(0))
        assert total.gap == total.actual - total.planned
    both = report.charges_grand_total.planned + report.produits_grand_total.planned
    assert both == planned
    assert report.charges_grand_total.actual + report.produits_grand_total.actual == actual
    for x in report.lines:
        assert x.gap == x.actual - x.planned
        if x.planned:
            assert x.gap_percent is not None
            assert abs(x.gap_percent - x.gap * 100 / x.planned) <= Decimal("0.05")
        else:
            assert x.gap_percent is None
    keys = [(x.account, x.funder) for x in report.lines]
    assert len(set(keys)) == len(keys)  # one line per account and funder
    assert all((x.funder is not None) == x.account.startswith("74") for x in report.lines)
    # Summing the report with itself doubles every figure.
    double = FinancialReport.combine([report, report])
    assert double is not None
    assert [(x.planned, x.actual) for x in double.lines] == [
        (2 * x.planned, 2 * x.actual) for x in report.lines
    ]


def test_a_network_keeps_the_label_a_site_wrote() -> None:
    """As one site's rows do: the first label written, else the chart's, whatever the
    site that wrote it (a Hypothesis network case found the chart's label kept)."""
    unlabelled = financial_report([line(REALISE, "63", "10")], 2023, TEN)
    labelled = financial_report(
        [attrs.evolve(line(REALISE, "63", "5"), label="Taxe sur les salaires")], 2023, TEN
    )
    assert unlabelled is not None
    assert labelled is not None
    assert unlabelled.lines[0].label == "Impôts et taxes"
    for reports in ([unlabelled, labelled], [labelled, unlabelled]):
        summed = FinancialReport.combine(reports)
        assert summed is not None
        assert [(x.label, x.actual) for x in summed.lines] == [
            ("Taxe sur les salaires", Decimal(15))
        ]


def test_the_bilan_holds_the_report_and_its_checks() -> None:
    data = Dataset.build(
        site=Site(name="Test"), budget=[*BALANCED, line(REALISE, "60", "1")], fundings=FUNDINGS
    )
    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert bilan.financial_report is not None
    assert bilan.financial_report.year == 2023
    found = [c for c in bilan.checks if c.code.startswith("crf_")]
    assert [(c.code, c.severity) for c in found] == [
        ("crf_desequilibre", "erreur"),
        ("crf_ecart_non_explique", "avertissement"),
    ]
    other = compute_bilan(data, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert other.financial_report is None


def test_the_example_2023_report_balances_and_agrees_with_the_funding() -> None:
    data = load_example()
    report = financial_report(data.budget, 2023, data.site.funding_policy.gap_threshold)
    assert report is not None
    assert budget_findings(report, data.fundings) == []
    total = Decimal("52276.49")
    assert report.charges_total.actual == report.produits_total.actual == total
    assert report.charges_total.planned == report.produits_total.planned
    actual = {
        f.funder: f.amount
        for f in data.fundings
        if f.year == 2023 and f.nature is FundingNature.REALISE
    }
    subsidies = {x.funder: x.actual for x in report.lines if x.account.startswith("74")}
    assert subsidies == {
        Funder.BPI: actual[Funder.BPI],
        Funder.CONTRAT_DE_VILLE: actual[Funder.CONTRAT_DE_VILLE],
        Funder.PIC: actual[Funder.PIC],
    }
    assert subsidies == {
        Funder.BPI: Decimal("16000.00"),
        Funder.CONTRAT_DE_VILLE: Decimal("10000.00"),
        Funder.PIC: Decimal("15000.00"),
    }
    explained = [x for x in report.lines if x.above(report.threshold)]
    assert explained
    assert all(x.explanation for x in explained)


def test_validate_and_report_flag_an_unbalanced_budget(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = load_example()
    data = example.replace(
        budget=(*example.budget, line(REALISE, "60", "250", explanation="Achat imprévu")),
    )
    path = tmp_path / "site.xlsx"
    path.write_bytes(write_workbook(data))
    capsys.readouterr()
    assert main(["validate", str(path), "--on", "2024-12-31"]) == 1
    err = capsys.readouterr().err
    assert "1 erreur du compte rendu financier (feuille budget) :" in err
    assert "site.xlsx, budget, lignes" in err
    assert "le total des charges (52\u202f526,49\u00a0€) n'est pas égal" in err
    assert main(["report", str(path), "--year", "2023", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "crf_desequilibre" in [c["code"] for c in document["controles"]]
    crf = document["compte_rendu_financier"]
    assert crf["total_charges"]["realise"] == "52526.49"
    assert crf["total_produits"]["realise"] == "52276.49"
    # The bundled example itself validates.
    assert main(["validate", "--example", "--on", "2024-12-31"]) == 0


# -- an explained gap is explained in the bilan too (DOMAIN.md, "What a funder receives") --


def test_the_example_s_explained_gaps_are_shown_and_not_flagged() -> None:
    from citeslab_core.bilan.file import from_data
    from citeslab_core.render.html import render as render_html
    from citeslab_core.render.json import render as render_json
    from citeslab_core.render.text import render as render_text
    from citeslab_exporters.contrat_de_ville import finance_table

    data = load_example()
    pic, own = (
        next(
            line.gap_explanation
            for line in data.budget
            if line.year == 2023 and line.gap_explanation and line.account.startswith(account)
        )
        for account in ("74", "75")
    )
    assert pic is not None
    assert pic.startswith("Le PIC n'a financé l'action que sur le premier semestre 2023")
    bilan = compute_bilan(data, year=2023)
    assert bilan.funding_plan is not None
    by = {r.funder: r for r in bilan.funding_plan.rows}
    # The seed's PIC: 15 000 € for 30 000 € planned, -50 %: explained, not "à expliquer".
    assert (by[Funder.PIC].gap_percent, by[Funder.PIC].explanation) == (Decimal("-50.0"), pic)
    assert by[Funder.AUTOFINANCEMENT].explanation == own
    assert not any(r.flagged for r in (*bilan.funding_plan.rows, bilan.funding_plan.total))
    assert not [c for c in bilan.checks if c.code == "ecart_financement"]
    assert "à expliquer" not in " ".join(c.message for c in bilan.checks)
    # Beside the gap in every rendering.
    text = render_text(bilan)
    assert "à expliquer" not in text
    flat = " ".join(text.split())
    assert f"PIC (Plan d'investissement dans les compétences) : {' '.join(pic.split())}" in flat
    spaced = render_html(bilan).replace("\u00a0", " ").replace("\u202f", " ")
    assert pic.replace("'", "&#39;") in spaced  # French typography's spaces read as spaces
    document = json.loads(render_json(bilan))
    explained = {
        r["financeur"]: r["explication"] for r in document["financement_prevu_realise"]["lignes"]
    }
    assert explained["pic"] == pic
    read = from_data(json.loads(render_json(bilan), parse_float=Decimal))
    assert read.funding_plan == bilan.funding_plan
    table = finance_table(bilan)
    column = [c.key for c in table.columns].index("explication")
    assert [row[column] for row in table.rows if row[1] == "Autofinancement"] == [own]


# -- the table as every rendering shows it: class subtotals, 86/87 with their total ---------


@given(budget_lines(years=st.just(2023), max_size=20))
@settings(max_examples=60, deadline=None)
def test_each_class_has_its_subtotal_and_86_87_come_with_their_total(
    budget: list[BudgetLine],
) -> None:
    from citeslab_core.bilan.crf import crf_rows

    report = financial_report(budget, 2023, TEN)
    if report is None:
        return
    for side, voluntary in (
        (Side.CHARGES, Side.CHARGES_VOLUNTARY),
        (Side.PRODUITS, Side.PRODUITS_VOLUNTARY),
    ):
        rows = crf_rows(report, side)
        # every line once, in the report's order
        lines = [r.figures for r in rows if r.kind == "line"]
        assert lines == [*report.side(side), *report.side(voluntary)]
        # a class's subtotal follows its lines and is their sum
        for index, row in enumerate(rows):
            if row.kind != "subtotal":
                continue
            mine = [x for x in report.side(side) if x.account_class.code == row.account]
            assert rows[index - 1].figures == mine[-1]
            assert (row.figures.planned, row.figures.actual) == (
                sum((x.planned for x in mine), Decimal(0)),
                sum((x.actual for x in mine), Decimal(0)),
            )
        classes = {x.account_class.code for x in report.side(side)}
        assert sorted(r.account for r in rows if r.kind == "subtotal") == sorted(classes)
        kinds = [r.kind for r in rows]
        assert kinds.count("total") == 1
        assert rows[kinds.index("total")].figures == report.total(side)
        # « Total (avec 86) » only with an 86 line shown, after it
        extra = report.side(voluntary)
        assert ("grand_total" in kinds) == bool(extra)
        if extra:
            assert kinds[-1] == "grand_total"
            assert kinds[kinds.index("total") + 1 : -1] == ["line"] * len(extra)


def test_the_example_s_crf_shows_class_subtotals_and_the_86_line_before_its_total() -> None:
    from citeslab_core.render.html import render as render_html
    from citeslab_core.render.text import render as render_text

    bilan = compute_bilan(load_example(), year=2023)
    text = [" ".join(x.split()) for x in render_text(bilan).splitlines()]
    start = text.index("Compte Libellé Prévu Réalisé Écart Écart (%)")
    table = [x.replace("\u202f", " ").replace("\u00a0", " ") for x in text[start:]]
    labels = [x for x in table if x.startswith(("Total", "864", "870", "641", "645"))]
    assert labels[:4] == [
        "Total 60 – Achats 1 200,00 € 1 085,00 € -115,00 € -9,6 %",
        "Total 61 – Services extérieurs 2 400,00 € 2 165,00 € -235,00 € -9,8 %",
        "Total 62 – Autres services extérieurs 3 400,00 € 3 065,49 € -334,51 € -9,8 %",
        "641 Rémunération des personnels 38 000,00 € 34 245,00 € -3 755,00 € -9,9 %",
    ]
    order = [x.split(" ")[0] + " " + x.split(" ")[1] for x in labels]
    # the 86 line between the total of 60-68 and the total with 86; 87 likewise
    assert order.index("864 Personnel") == order.index("Total des") + 1
    assert order[order.index("864 Personnel") + 1] == "Total (avec"
    assert order[order.index("870 Bénévolat") + 1] == "Total (avec"
    html = render_html(bilan)
    # subtotals and totals in bold: 4 + 2 classes, 2 totals, 2 totals with 86/87
    assert html.count('<tr class="total">') == 10
    assert "tr.total th, tr.total td { font-weight: bold; }" in html


def test_an_amount_not_planned_reads_0_euros_in_every_funding_table() -> None:
    from citeslab_core.render.html import render as render_html
    from citeslab_core.render.text import render as render_text
    from citeslab_exporters.contrat_de_ville import finance_table

    data = load_example().replace(
        fundings=(
            Funding(2023, Funder.BPI, Decimal("1000"), FundingNature.REALISE),
            Funding(2023, Funder.AUTOFINANCEMENT, Decimal("500"), FundingNature.REALISE),
            Funding(2023, Funder.BPI, Decimal("1000"), FundingNature.PREVISIONNEL),
        )
    )
    bilan = compute_bilan(data, year=2023)
    assert bilan.funding_plan is not None
    own = next(r for r in bilan.funding_plan.rows if r.funder is Funder.AUTOFINANCEMENT)
    assert own.planned is None  # nothing planned: 0 € in every table, never « — »

    def spaced(text: str) -> str:
        return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())

    assert "Autofinancement 0,00 € 500,00 €" in spaced(render_text(bilan))
    html = spaced(render_html(bilan))
    start = html.index("Autofinancement</th>", html.index("Prévu et réalisé 2023"))
    assert "0,00 €" in html[start : start + 200]
    assert "—" not in html[start : start + 200]
    table = finance_table(bilan)
    row = next(r for r in table.rows if r[1] == "Autofinancement")
    assert row[2] == Decimal(0)
