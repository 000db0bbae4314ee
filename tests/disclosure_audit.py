"""The reader's attack on a public bilan, for the disclosure audits (issue 28 item 1).

:func:`determined` solves what a bilan publishes as an integer programme (scipy's
``milp``, a test-only dependency): for every masked count from 1 to k−1, its smallest and
largest values under the published relations, the visible cells and the bounds a reader
knows (a count is a whole number of at least 0; a masked cell of a table that shows its
zeros is at least 1). The count is recovered when they meet.

:func:`site_cells` writes, independently of the library's own self-audit, every count a
public site bilan publishes and every relation its reader knows (docs/public-mode.md):
tables and their totals, the quartier rows against ``statut_residence`` where true, the
QPV breakdown, the prescribers against ``partenaire``, the indicators, the counted checks,
the programmes, the orientations of the period, and the inequalities (``nouveaux`` ≤
accompanied, without orientation ≤ ``autre``, …), each an equality with a slack cell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from citeslab_core.bilan import POSITIVE_EXITS, Bilan, PublicBilan
from citeslab_core.bilan.disclosure import LinkedCells
from citeslab_core.vocabularies import (
    AgeBracket,
    Channel,
    ExitResult,
    MinimumBenefit,
    OrientationCategory,
    ResidenceStatus,
    Sex,
    SituationAtEntry,
)


def determined(
    cells: LinkedCells, k: int, rounded: Mapping[int, tuple[int, int]] | None = None
) -> list[str]:
    """The masked counts from 1 to k−1 whose smallest and largest possible values under
    the published relations meet (the reader recovers them), by label. ``rounded``: the
    cells shown rounded (a public network's total), each with the bounds the reader knows
    of its true count: unknowns too, between those bounds."""
    rounded = rounded or {}
    unknown = [i for i, m in enumerate(cells.masked) if m or i in rounded]
    if not unknown:
        return []
    column = {cell: j for j, cell in enumerate(unknown)}
    ceiling = max([abs(c) for _, c in cells.relations] + list(cells.values) + [1])
    rows, constants = [], []
    for terms, constant in cells.relations:
        row = np.zeros(len(unknown))
        rest = constant
        for i, a in terms:
            if i in column:
                row[column[i]] += a
            else:
                rest -= a * cells.values[i]
        if row.any():
            rows.append(row)
            constants.append(rest)
    # A never-published unknown (a slack, the rest of « autre ») may be 0; a published
    # masked cell is at least 1 unless it is a true 0 (zeros are shown, or masked as a
    # last resort: then the reader cannot tell, and 0 is allowed).
    free = {i for i in unknown if i in cells.slack or "with_other" in cells.labels[i]}
    low = np.array(
        [
            rounded[i][0] if i in rounded else 0 if i in free or cells.values[i] == 0 else 1
            for i in unknown
        ],
        dtype=float,
    )
    high = np.array([rounded[i][1] if i in rounded else ceiling for i in unknown], dtype=float)
    bounds = Bounds(low, high)
    constraints = (
        [LinearConstraint(np.array(rows), np.array(constants), np.array(constants))] if rows else []
    )
    integrality = np.ones(len(unknown))

    def solve(c: np.ndarray) -> np.ndarray:
        result = milp(c, constraints=constraints, bounds=bounds, integrality=integrality)
        assert result.success, result.message
        solution: np.ndarray = np.round(result.x)
        return solution

    small = [i for i in unknown if cells.masked[i] and 0 < cells.values[i] < k and i not in free]
    if not small:
        return []
    # A few solutions first (random objectives): a cell that differs between two of them
    # is not determined; only the others need their own minimum and maximum.
    rng = np.random.default_rng(0)
    seen = [solve(rng.choice([-1.0, 1.0], len(unknown))) for _ in range(6)]
    found = []
    for i in small:
        if len({s[column[i]] for s in seen}) > 1:
            continue
        c = np.zeros(len(unknown))
        c[column[i]] = 1.0
        if solve(c)[column[i]] == solve(-c)[column[i]]:
            found.append(cells.labels[i])
    return found


@attrs.define
class Reader:
    """What a reader writes down: cells (true value, masked or not, a label) and linear
    relations; only relations that hold for the true counts are kept (a false one would
    give the reader a wrong answer)."""

    values: list[int] = attrs.field(factory=list)
    masked: list[bool] = attrs.field(factory=list)
    labels: list[str] = attrs.field(factory=list)
    slack: set[int] = attrs.field(factory=set)
    relations: list[tuple[tuple[tuple[int, int], ...], int]] = attrs.field(factory=list)

    def cell(self, label: str, true: int | None, shown: int | None) -> int:
        true = true or 0
        assert shown is None or shown == true, (label, shown, true)  # masking never alters
        self.values.append(true)
        self.masked.append(shown is None)
        self.labels.append(label)
        return len(self.values) - 1

    def equal(self, left: Sequence[int], right: Sequence[int], constant: int = 0) -> None:
        """Σ left − Σ right = constant, when it holds."""
        terms = [*((i, 1) for i in left), *((j, -1) for j in right)]
        if terms and sum(a * self.values[i] for i, a in terms) == constant:
            self.relations.append((tuple(terms), constant))

    def at_most(self, left: Sequence[int], right: Sequence[int], constant: int = 0) -> None:
        """Σ left ≤ Σ right + constant, when it holds: Σ left + s − Σ right = constant."""
        gap = constant + sum(self.values[j] for j in right) - sum(self.values[i] for i in left)
        if gap < 0 or not (left or right):
            return
        s = self.cell(f"slack {len(self.slack)}", gap, None)
        self.slack.add(s)
        self.equal([*left, s], right, constant)

    def linked(self) -> LinkedCells:
        return LinkedCells(
            tuple(self.values),
            tuple(self.masked),
            tuple(self.relations),
            tuple(self.labels),
            frozenset(self.slack),
        )


_COUNT = re.compile(r"^\d[\d\s\u202f\u00a0]*")


def _check_count(bilan: PublicBilan, code: str) -> tuple[bool, int | None]:
    """Whether ``bilan`` has the counted check ``code``, and its count (None: « Des »)."""
    for check in bilan.checks:
        if check.code == code:
            found = _COUNT.match(check.message)
            return True, None if found is None else int(re.sub(r"\D", "", found.group(0)))
    return False, 0


def site_cells(shown: PublicBilan, truth: Bilan, statuses: Mapping[str, str | None]) -> LinkedCells:
    """Every count ``shown`` publishes, with its true value, and every relation a reader
    knows (module docstring); ``statuses``: the residence status of each declared
    neighbourhood (a reader may know which are QPV)."""
    r = Reader()
    table: dict[tuple[str, str], int] = {}
    for key, t in shown.tables.items():
        true = {row.code: row.count for row in truth.tables[key].rows}
        cells = []
        for row in t.rows:
            table[key, row.code] = r.cell(f"{key}[{row.code}]", true.get(row.code), row.count)
            cells.append(table[key, row.code])
        r.equal(cells, [], shown.accompanied)

    def cells_of(key: str, code: object) -> list[int]:
        cell = table.get((key, str(getattr(code, "code", code))))
        return [] if cell is None else [cell]

    for status in ("qpv", "qpv_limite", "hors_qpv"):
        hoods = [c for n, s in statuses.items() if s == status for c in cells_of("quartier", n)]
        if hoods:
            r.equal(hoods, cells_of("statut_residence", status))
    _qpv(r, shown, truth, cells_of)
    _people(r, shown, truth, cells_of)
    _indicators(r, shown, truth, cells_of)
    _activity(r, shown, truth)
    return r.linked()


def _qpv(r: Reader, shown: PublicBilan, truth: Bilan, row: Any) -> None:
    true_rows = {(q.neighbourhood, q.qpv_code): q for q in truth.qpv_breakdown}
    counts = []
    for q in shown.qpv_breakdown:
        t = true_rows.get((q.neighbourhood, q.qpv_code))
        count = r.cell(f"qpv[{q.neighbourhood}]", t.accompanied if t else 0, q.accompanied)
        counts.append(count)
        for part in ("sex", "age"):
            true = {x.code: x.count for x in getattr(t, part).rows} if t else {}
            cells = [
                r.cell(f"qpv[{q.neighbourhood}]/{part}[{x.code}]", true.get(x.code), x.count)
                for x in getattr(q, part).rows
            ]
            r.equal(cells, [count])
        r.equal(row("quartier", q.neighbourhood), [count])
    if counts:
        r.equal(counts, row("statut_residence", ResidenceStatus.QPV))
    true_reach = {x.neighbourhood: x.accompanied for x in truth.reach}
    for x in shown.reach:
        cell = r.cell(f"portee[{x.neighbourhood}]", true_reach.get(x.neighbourhood), x.accompanied)
        r.equal([cell], row("quartier", x.neighbourhood))


def _people(r: Reader, shown: PublicBilan, truth: Bilan, row: Any) -> None:
    """Prescribers, new persons, without orientation, the counted checks."""
    true_presc = {p.name: p.count for p in truth.prescribers}
    prescribers = [
        r.cell(f"prescripteur[{p.name}]", true_presc.get(p.name), p.count)
        for p in shown.prescribers
    ]
    if prescribers:
        r.equal(prescribers, row("canal", Channel.PARTENAIRE))
    everyone = shown.accompanied
    new = r.cell("nouveaux", truth.new, shown.new)
    r.at_most([new], [], everyone)
    autre = row("orientation_premier_rdv", OrientationCategory.AUTRE)
    without = r.cell("sans_orientation", truth.without_orientation, shown.without_orientation)
    r.at_most([without], autre)
    # The check is there when someone has no entretien: no check, a visible 0.
    _, count = _check_count(shown, "sans_premier_entretien")
    _, true_count = _check_count(truth, "sans_premier_entretien")
    no_entretien = r.cell("sans_premier_entretien", true_count, count)
    # Counted in « autre » with no orientation, and never new.
    r.at_most([no_entretien], [without])
    r.at_most([new, no_entretien], [], everyone)
    has, count = _check_count(shown, "age_moins_18")
    _, true_count = _check_count(truth, "age_moins_18")
    if has:
        r.equal([r.cell("controle_moins_18", true_count, count)], row("tranche_age", "moins_18"))


def _indicators(r: Reader, shown: PublicBilan, truth: Bilan, row: Any) -> None:
    sums: dict[str, list[int]] = {
        "women": row("sexe", Sex.F),
        "qpv_residents": row("statut_residence", ResidenceStatus.QPV),
        "under_26": [*row("tranche_age", AgeBracket.UNDER_18), *row("tranche_age", "18_25")],
        "job_seekers": [
            c for s in SituationAtEntry if s.job_seeker for c in row("situation_entree", s)
        ],
        "minimum_benefits": [
            c
            for b in MinimumBenefit
            if b is not MinimumBenefit.AUCUN
            for c in row("minima_sociaux", b)
        ],
        "creations": row("resultat", ExitResult.CREATION),
        "positive_exits": [c for x in POSITIVE_EXITS for c in row("resultat", x)],
    }
    for name, rows in sums.items():
        cell = r.cell(
            f"indicateur[{name}]", getattr(truth.indicators, name), getattr(shown.indicators, name)
        )
        r.equal([cell], rows)
    for x in shown.indicators.orientations:
        cell = r.cell(f"indicateur[orientation {x.code}]", _count(truth, x.code), x.count)
        r.equal([cell], row("orientation_premier_rdv", x.code))


def _count(truth: Bilan, code: str) -> int:
    found = truth.tables["orientation_premier_rdv"].row(code)
    return found.count if found is not None else 0


def _activity(r: Reader, shown: PublicBilan, truth: Bilan) -> None:
    """Programmes and entries, the orientations of the period."""
    true_prog = {p.programme: p for p in truth.programmes}
    retained = []
    for p in shown.programmes:
        t = true_prog[p.programme]
        r.cell(f"programme[{p.programme}]/orientes", t.oriented, p.oriented)
        retained.append(r.cell(f"programme[{p.programme}]/retenus", t.retained, p.retained))
    entries = r.cell(
        "entrees_programme", truth.indicators.programme_entries, shown.indicators.programme_entries
    )
    for cell in retained:  # the distinct persons retained: at least each, at most all
        r.at_most([cell], [entries])
    r.at_most([entries], retained)
    true_op = {x.code: x for x in truth.orientations_period}
    anyone = r.cell(
        "orientes_periode", truth.orientations_period_persons, shown.orientations_period_persons
    )
    r.at_most([anyone], [], shown.accompanied)
    persons = []
    for x in shown.orientations_period:
        o = true_op[x.code]
        who = r.cell(f"orientation_periode[{x.code}]/personnes", o.persons, x.persons)
        label = f"orientation_periode[{x.code}]/orientations"
        events = r.cell(label, o.orientations, x.orientations)
        r.at_most([who], [events])
        r.at_most([who], [anyone])
        persons.append(who)
    r.at_most([anyone], persons)
