"""The compte rendu financier of the action (arrêté of 11 October 2006, Cerfa n° 15059).

A politique de la ville grant is accounted for with the action's charges and produits by
account, planned (the grant request, Cerfa n° 12156) against actual, the gaps explained
in an annex. :func:`financial_report` computes it from the ``budget`` sheet for one year;
:func:`budget_findings` checks it against itself and against ``financements``. The bilan
holds the report of its period's last year and the findings among its checks; renderers
and exporters only read them.

Definitions (docs/compte-rendu-financier.md):

- a **line** is one account (``64``, ``641``) and, for a subsidy (class 74), one funder:
  the budget rows of the year with that account and funder are added up, planned rows in
  ``planned``, actual rows in ``actual`` (a side with no row is 0 €); its label is the
  first label written on those rows, else the funder's (74) or the class's;
- lines come in the Cerfa's order: charges (60 to 68), the uses of the contributions
  volontaires (86), produits (70 to 78), the contributions volontaires (87); within each,
  by account, then by funder in the vocabulary's order;
- a line's **gap** is actual − planned, in euros; in percent of planned, one decimal
  (half to even, as the funding plan's gaps), None when nothing was planned;
- **totals**: charges (60-68), produits (70-78), and the contributions volontaires apart
  (86, 87), as the Cerfa shows them; its final TOTAL is charges + 86 (and produits + 87).
  Totals are sums of lines, never stored;
- the **findings**: ``crf_desequilibre`` (error): total charges ≠ total produits, or 86 ≠ 87,
  planned or actual; ``crf_subvention_incoherente`` (error): a funder's 74 lines ≠ its
  amount in ``financements`` for that year and nature (``prevu`` ↔ ``previsionnel``), a
  funder of ``financements`` (autofinancement aside) without a 74 line included;
  ``crf_ecart_non_explique`` (warning): when both sides exist, a line whose gap is above
  the site's threshold (``seuil_ecart_financement``, in percent of planned; anything
  received or spent that was not planned) and none of whose rows has an
  ``ecart_explication``.

:meth:`FinancialReport.combine` sums several sites' reports of one year (a network): lines
of the same account and funder are added, explanations kept side by side.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_EVEN, Decimal

import attrs

from citeslab_core.bilan.checks import CheckCode
from citeslab_core.french import format_amount, format_rate, format_signed_amount, of
from citeslab_core.french import format_signed_share as _signed_share
from citeslab_core.headers import column_label, sheet_label
from citeslab_core.model import BudgetLine, Dataset, Funding
from citeslab_core.model.accounts import SUBSIDY_CLASS, AccountClass, Side, account_class
from citeslab_core.vocabularies import BudgetNature, Funder

__all__ = [
    "BudgetFinding",
    "CrfLine",
    "CrfRow",
    "CrfTotal",
    "FinancialReport",
    "budget_findings",
    "budget_years",
    "crf_rows",
    "dataset_findings",
    "financial_report",
    "funder_explanations",
]

_TENTH = Decimal("0.1")
_ZERO = Decimal(0)
_SIDES = tuple(Side)


def _gap_percent(planned: Decimal, actual: Decimal) -> Decimal | None:
    if not planned:
        return None
    return ((actual - planned) * 100 / planned).quantize(_TENTH, ROUND_HALF_EVEN)


@attrs.frozen
class CrfLine:
    """One account line (a subsidy: one funder's), planned against actual.

    ``explanation``: the site's explanation of the gap (``ecart_explication``; several
    rows' explanations joined by a line break), None when there is none. ``rows``: the
    indexes of the budget rows it adds up (where to point a user), not part of equality.
    """

    account: str
    label: str
    funder: Funder | None
    planned: Decimal
    actual: Decimal
    explanation: str | None = None
    rows: tuple[int, ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def account_class(self) -> AccountClass:
        found = account_class(self.account)
        assert found is not None  # a Dataset's budget accounts are valid
        return found

    @property
    def side(self) -> Side:
        return self.account_class.side

    @property
    def gap(self) -> Decimal:
        """Actual − planned, in euros."""
        return self.actual - self.planned

    @property
    def gap_percent(self) -> Decimal | None:
        """The gap in percent of planned (one decimal), None when nothing was planned."""
        return _gap_percent(self.planned, self.actual)

    def above(self, threshold: Decimal) -> bool:
        """The gap is above ``threshold`` (percent of planned), or the line was not
        planned and is not 0."""
        percent = self.gap_percent
        return self.gap != 0 if percent is None else abs(percent) > threshold


@attrs.frozen
class CrfTotal:
    """A total of the table: planned, actual, and their gap."""

    planned: Decimal
    actual: Decimal

    @property
    def gap(self) -> Decimal:
        return self.actual - self.planned

    @property
    def gap_percent(self) -> Decimal | None:
        return _gap_percent(self.planned, self.actual)


def _total(lines: Iterable[CrfLine]) -> CrfTotal:
    planned = actual = _ZERO
    for line in lines:
        planned += line.planned
        actual += line.actual
    return CrfTotal(planned, actual)


@attrs.frozen
class FinancialReport:
    """The compte rendu financier of one year (see the module docstring).

    ``has_planned``, ``has_actual``: the budget has planned (actual) rows for the year;
    ``threshold``: the site's gap threshold, in percent of planned; ``lines``: in the
    Cerfa's order. Only lines are stored: every total is their sum.
    """

    year: int
    threshold: Decimal
    has_planned: bool
    has_actual: bool
    lines: tuple[CrfLine, ...]

    def side(self, side: Side) -> tuple[CrfLine, ...]:
        return tuple(line for line in self.lines if line.side is side)

    @property
    def charges(self) -> tuple[CrfLine, ...]:
        """The charge lines (60-68), then the uses of contributions volontaires (86)."""
        return self.side(Side.CHARGES) + self.side(Side.CHARGES_VOLUNTARY)

    @property
    def produits(self) -> tuple[CrfLine, ...]:
        """The produit lines (70-78), then the contributions volontaires (87)."""
        return self.side(Side.PRODUITS) + self.side(Side.PRODUITS_VOLUNTARY)

    def total(self, side: Side) -> CrfTotal:
        """The total of one part: charges 60-68, 86, produits 70-78 or 87."""
        return _total(self.side(side))

    @property
    def charges_total(self) -> CrfTotal:
        """Total des charges (60-68), without the contributions volontaires."""
        return self.total(Side.CHARGES)

    @property
    def produits_total(self) -> CrfTotal:
        """Total des produits (70-78), without the contributions volontaires."""
        return self.total(Side.PRODUITS)

    @property
    def charges_grand_total(self) -> CrfTotal:
        """The Cerfa's final TOTAL on the charges side: 60-68 and 86."""
        return _total(self.charges)

    @property
    def produits_grand_total(self) -> CrfTotal:
        """The Cerfa's final TOTAL on the produits side: 70-78 and 87."""
        return _total(self.produits)

    def subsidies(self) -> dict[Funder, CrfTotal]:
        """Each funder's subsidies (its 74 lines added up), in vocabulary order."""
        by: dict[Funder, list[CrfLine]] = defaultdict(list)
        for line in self.lines:
            if line.funder is not None:
                by[line.funder].append(line)
        return {f: _total(by[f]) for f in Funder if f in by}

    @classmethod
    def combine(cls, reports: Sequence[FinancialReport]) -> FinancialReport | None:
        """Several sites' reports of one year summed (a network): lines of the same
        account and funder added, their explanations joined, the first label a site wrote
        (else the chart's); the first report's threshold. None when there is no report."""
        if not reports:
            return None
        years = {r.year for r in reports}
        if len(years) > 1:
            raise ValueError(f"comptes rendus financiers d'années différentes : {sorted(years)}")
        lines: dict[tuple[str, Funder | None], CrfLine] = {}
        for report in reports:
            for line in report.lines:
                key = (line.account, line.funder)
                known = lines.get(key)
                if known is None:
                    lines[key] = attrs.evolve(line, rows=())
                    continue
                # Joined without repeating one (as one site's rows are joined).
                notes = (known.explanation or "").splitlines()
                notes += [n for n in (line.explanation or "").splitlines() if n not in notes]
                # A label a site wrote wins over the chart's (as one site's rows do).
                written = known.label == _default_label(*key) and line.label != known.label
                lines[key] = attrs.evolve(
                    known,
                    label=line.label if written else known.label,
                    planned=known.planned + line.planned,
                    actual=known.actual + line.actual,
                    explanation="\n".join(notes) or None,
                )
        first = reports[0]
        return cls(
            year=first.year,
            threshold=first.threshold,
            has_planned=any(r.has_planned for r in reports),
            has_actual=any(r.has_actual for r in reports),
            lines=tuple(sorted(lines.values(), key=_order)),
        )


def _order(line: CrfLine) -> tuple[int, str, int]:
    funder = -1 if line.funder is None else list(Funder).index(line.funder)
    return (_SIDES.index(line.side), line.account, funder)


def _default_label(account: str, funder: Funder | None) -> str:
    if funder is not None:
        return funder.label
    found = account_class(account)
    assert found is not None  # a Dataset's budget accounts are valid
    return found.title


def financial_report(
    budget: Sequence[BudgetLine], year: int, threshold: Decimal
) -> FinancialReport | None:
    """The compte rendu financier of ``year`` from the budget rows, None when the budget
    has no row for that year (see the module docstring)."""
    planned: dict[tuple[str, Funder | None], Decimal] = defaultdict(Decimal)
    actual: dict[tuple[str, Funder | None], Decimal] = defaultdict(Decimal)
    labels: dict[tuple[str, Funder | None], str] = {}
    notes: dict[tuple[str, Funder | None], list[str]] = defaultdict(list)
    rows: dict[tuple[str, Funder | None], list[int]] = defaultdict(list)
    natures: set[BudgetNature] = set()
    for index, row in enumerate(budget):
        if row.year != year:
            continue
        key = (row.account, row.funder)
        natures.add(row.nature)
        rows[key].append(index)
        side = planned if row.nature is BudgetNature.PREVU else actual
        side[key] += row.amount
        if row.label and key not in labels:
            labels[key] = row.label
        if row.gap_explanation and row.gap_explanation not in notes[key]:
            notes[key].append(row.gap_explanation)
    if not rows:
        return None
    lines = [
        CrfLine(
            account=key[0],
            label=labels.get(key) or _default_label(*key),
            funder=key[1],
            planned=planned.get(key, _ZERO),
            actual=actual.get(key, _ZERO),
            explanation="\n".join(notes[key]) or None,
            rows=tuple(indexes),
        )
        for key, indexes in rows.items()
    ]
    return FinancialReport(
        year=year,
        threshold=threshold,
        has_planned=BudgetNature.PREVU in natures,
        has_actual=BudgetNature.REALISE in natures,
        lines=tuple(sorted(lines, key=_order)),
    )


@attrs.frozen
class BudgetFinding:
    """A finding of the compte rendu financier: code, severity (``erreur`` or
    ``avertissement``), French message, and the budget rows it is about (indexes)."""

    code: str
    severity: str
    message: str
    rows: tuple[int, ...] = ()


_NATURE_WORDS = {BudgetNature.PREVU: "prévu", BudgetNature.REALISE: "réalisé"}


def _funding_amounts(
    fundings: Sequence[Funding], year: int, nature: BudgetNature
) -> dict[Funder, Decimal]:
    amounts: dict[Funder, Decimal] = defaultdict(Decimal)
    wanted = nature.funding_nature
    for row in fundings:
        if row.year == year and row.nature is wanted:
            amounts[row.funder] += row.amount
    return amounts


def _amount_of(line: CrfLine, nature: BudgetNature) -> Decimal:
    return line.planned if nature is BudgetNature.PREVU else line.actual


def budget_findings(report: FinancialReport, fundings: Sequence[Funding]) -> list[BudgetFinding]:
    """The findings of one year's compte rendu financier (see the module docstring)."""
    natures = [
        n
        for n, present in (
            (BudgetNature.PREVU, report.has_planned),
            (BudgetNature.REALISE, report.has_actual),
        )
        if present
    ]
    findings: list[BudgetFinding] = []
    for nature in natures:
        findings.extend(_balance_findings(report, nature))
    for nature in natures:
        findings.extend(_subsidy_findings(report, fundings, nature))
    if report.has_planned and report.has_actual:
        findings.extend(_gap_findings(report))
    return findings


#: The two balances a budget must keep: the sides compared and how a message names them.
_BALANCES = (
    (Side.CHARGES, Side.PRODUITS, "le total des charges", "celui des produits"),
    (
        Side.CHARGES_VOLUNTARY,
        Side.PRODUITS_VOLUNTARY,
        "les emplois des contributions volontaires (86)",
        "les contributions volontaires en nature (87)",
    ),
)


def _head(report: FinancialReport) -> str:
    return f"Compte rendu financier {report.year}"


def _balance_findings(report: FinancialReport, nature: BudgetNature) -> Iterator[BudgetFinding]:
    """Charges equal to produits, and the voluntary contributions' two sides alike."""
    word = _NATURE_WORDS[nature]
    for left, right, left_words, right_words in _BALANCES:
        charges = sum((_amount_of(x, nature) for x in report.side(left)), _ZERO)
        produits = sum((_amount_of(x, nature) for x in report.side(right)), _ZERO)
        if charges != produits:
            yield BudgetFinding(
                CheckCode.BUDGET_UNBALANCED,
                CheckCode.BUDGET_UNBALANCED.severity,
                f"{_head(report)}, {word} : {left_words} ({format_amount(charges)}) n'est pas "
                f"égal à {right_words} ({format_amount(produits)}), écart de "
                f"{format_signed_amount(produits - charges)} : le budget doit être "
                "équilibré.",
                tuple(i for x in report.side(left) + report.side(right) for i in x.rows),
            )


def _subsidy_findings(
    report: FinancialReport, fundings: Sequence[Funding], nature: BudgetNature
) -> Iterator[BudgetFinding]:
    """Each funder's subsidy (account 74) equal to its amount in the financements sheet."""
    word = _NATURE_WORDS[nature]
    declared = _funding_amounts(fundings, report.year, nature)
    subsidies: dict[Funder, Decimal] = defaultdict(Decimal)
    rows: dict[Funder, list[int]] = defaultdict(list)
    for line in report.lines:
        if line.funder is not None and line.account.startswith(SUBSIDY_CLASS):
            subsidies[line.funder] += _amount_of(line, nature)
            rows[line.funder].extend(line.rows)
    for funder in Funder:
        if funder is Funder.AUTOFINANCEMENT or (funder not in subsidies and funder not in declared):
            continue
        budgeted = subsidies.get(funder, _ZERO)
        funded = declared.get(funder, _ZERO)
        if budgeted != funded:
            yield BudgetFinding(
                CheckCode.SUBSIDY_MISMATCH,
                CheckCode.SUBSIDY_MISMATCH.severity,
                f"{_head(report)}, {word} : la subvention {of(funder.label)} au compte 74 "
                f"({format_amount(budgeted)}) diffère de son montant dans la feuille "
                f"financements ({format_amount(funded)}, "
                f"{nature.funding_nature.label.lower()} {report.year}).",
                tuple(rows.get(funder, ())),
            )


@attrs.frozen
class CrfRow:
    """One row of a side of the compte rendu financier's table, as every rendering shows
    it (:func:`crf_rows`). ``kind``: ``line`` (an account line), ``subtotal`` (a class:
    ``account`` its code, ``label`` « Total 60 – Achats »), ``total`` (the side without
    the contributions volontaires) or ``grand_total`` (with them: 86 or 87)."""

    kind: str
    account: str
    label: str
    figures: CrfLine | CrfTotal
    side: Side = Side.CHARGES

    @property
    def is_total(self) -> bool:
        """A subtotal or a total: shown in bold."""
        return self.kind != "line"


def crf_rows(report: FinancialReport, side: Side) -> list[CrfRow]:
    """The rows of one side (``Side.CHARGES`` or ``Side.PRODUITS``): each class's lines
    then its subtotal, the side's total; then, when there are any, the contributions
    volontaires' lines (86 or 87) and the total with them. No « total with 86 » without
    an 86 line to show."""
    voluntary = Side.CHARGES_VOLUNTARY if side is Side.CHARGES else Side.PRODUITS_VOLUNTARY
    rows: list[CrfRow] = []
    by_class: dict[str, list[CrfLine]] = {}
    for line in report.side(side):
        by_class.setdefault(line.account_class.code, []).append(line)
    for lines in by_class.values():
        rows += [CrfRow("line", x.account, x.label, x, side) for x in lines]
        heading = lines[0].account_class.heading
        code = lines[0].account_class.code
        rows.append(CrfRow("subtotal", code, f"Total {heading}", _total(lines), side))
    rows.append(CrfRow("total", "", "", report.total(side), side))
    extra = report.side(voluntary)
    if extra:
        rows += [CrfRow("line", x.account, x.label, x, side) for x in extra]
        rows.append(CrfRow("grand_total", "", "", _total([*report.side(side), *extra]), side))
    return rows


def funder_explanations(report: FinancialReport | None) -> dict[Funder, str]:
    """The site's explanation of each funder's gap, from the budget's lines: a subsidy's
    (class 74, its funder's line) and, for autofinancement, the class 75's; several lines'
    explanations joined by a line break (docs/funding.md, rule 7)."""
    notes: dict[Funder, list[str]] = {}
    for line in report.lines if report is not None else ():
        if not line.explanation:
            continue
        code = line.account_class.code
        if code == SUBSIDY_CLASS and line.funder is not None:
            funder = line.funder
        elif code == _OWN_FUNDS_CLASS:
            funder = Funder.AUTOFINANCEMENT
        else:
            continue
        found = notes.setdefault(funder, [])
        found += [n for n in line.explanation.splitlines() if n not in found]
    return {funder: "\n".join(lines) for funder, lines in notes.items()}


#: The class whose explanation is autofinancement's (75, autres produits de gestion
#: courante: the structure's own funds).
_OWN_FUNDS_CLASS = "75"


def _gap_findings(report: FinancialReport) -> Iterator[BudgetFinding]:
    """Each gap between planned and actual beyond the threshold that is not explained."""
    for line in report.lines:
        if line.explanation or not line.above(report.threshold):
            continue
        percent = line.gap_percent
        detail = (
            f"{_signed_share(percent)} du prévu" if percent is not None else "rien n'était prévu"
        )
        yield BudgetFinding(
            CheckCode.UNEXPLAINED_GAP,
            CheckCode.UNEXPLAINED_GAP.severity,
            f"{_head(report)}, compte {line.account} ({line.label}) : écart entre prévu "
            f"({format_amount(line.planned)}) et réalisé ({format_amount(line.actual)}) "
            f"de {format_signed_amount(line.gap)} ({detail}), au-delà du seuil de "
            f"{format_rate(report.threshold)} : expliquez-le dans la colonne "
            f"« {column_label('budget', 'ecart_explication')} » de la feuille "
            f"{sheet_label('budget')}.",
            line.rows,
        )


def budget_years(data: Dataset) -> list[int]:
    """The years of the budget sheet, in order."""
    return sorted({line.year for line in data.budget})


def dataset_findings(data: Dataset) -> list[BudgetFinding]:
    """The findings of every year of the budget sheet (what ``validate`` checks)."""
    threshold = data.site.funding_policy.gap_threshold
    findings: list[BudgetFinding] = []
    for year in budget_years(data):
        report = financial_report(data.budget, year, threshold)
        if report is not None:
            findings.extend(budget_findings(report, data.fundings))
    return findings
