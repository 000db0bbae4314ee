"""Every published count of a public bilan as ONE set of linked cells, and the masks the
self-audit adds written back into the bilan (docs/public-mode.md, « l'auto-contrôle »).

:func:`bilan_cells` writes each count a public bilan publishes — the portrait tables and
the QPV breakdown (:func:`~citeslab_core.bilan.linked.link_cells`), the prescribers, the
new persons, those without orientation, the persons with no entretien (a counted check),
the indicators, the programmes and the orientations of the period — with every relation a
reader knows: the prescribers add up to the ``partenaire`` row, each indicator is a sum of
rows, ``autre`` = without orientation + the rest, and the inequalities (new ≤ accompanied,
no entretien ≤ without orientation, the distinct persons retained by a programme between
the largest ``retenus`` and their sum, the persons oriented in the period between each
category's and their sum…), each an equality with a slack cell
(:attr:`~citeslab_core.bilan.disclosure.LinkedCells.slack`).

:func:`secure_bilan` runs the self-audit (:func:`~citeslab_core.bilan.disclosure.protect`)
on a site's public bilan; :func:`apply_masks` writes masks back into a bilan (a site's,
or a network's total and sites: :mod:`citeslab_core.network._protect`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from citeslab_core.bilan._activity import indicators_from_tables
from citeslab_core.bilan._checking import counted_check_message, disclosure_checks, sorted_checks
from citeslab_core.bilan._results import NON_RENSEIGNE, POSITIVE_EXITS, PublicBilan, QpvRow, Table
from citeslab_core.bilan.checks import Check, CheckCode
from citeslab_core.bilan.disclosure import CellSystem, LinkedCells, protect
from citeslab_core.bilan.linked import add_qpv_place, link_cells, mask_qpv_rows, mask_rows
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

#: Where a cell is in its bilan: ``("table", key, code)``, ``("qpv", n, …)`` (as
#: :func:`~citeslab_core.bilan.linked.link_cells` says), or one of the scalars below.
Place = tuple[Any, ...]

#: The rows each indicator adds up (table, codes).
INDICATOR_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "women": ("sexe", (Sex.F.code,)),
    "qpv_residents": ("statut_residence", (ResidenceStatus.QPV.code,)),
    "under_26": ("tranche_age", (AgeBracket.UNDER_18.code, AgeBracket.A18_25.code)),
    "job_seekers": ("situation_entree", tuple(s.code for s in SituationAtEntry if s.job_seeker)),
    "minimum_benefits": (
        "minima_sociaux",
        tuple(b.code for b in MinimumBenefit if b is not MinimumBenefit.AUCUN),
    ),
    "creations": ("resultat", (ExitResult.CREATION.code,)),
    "positive_exits": ("resultat", tuple(r.code for r in POSITIVE_EXITS)),
}

#: The table whose ``secret_statistique_limite`` check covers a cell outside the tables.
LIMITED = {
    "qpv": "quartier",
    "presc": "canal",
    "without": "orientation_premier_rdv",
    "with_other": "orientation_premier_rdv",
    "no_entretien": "orientation_premier_rdv",
}
LIMITED.update({f"ind:{name}": table for name, (table, _) in INDICATOR_ROWS.items()})

_LEADING_COUNT = re.compile(r"^\d[\d\s\u202f\u00a0]*")


def check_count(bilan: PublicBilan, code: str) -> int | None:
    """The count a counted check of ``bilan`` starts with (None: masked, « Des »); 0
    when ``bilan`` has no such check."""
    for check in bilan.checks:
        if check.code == code:
            found = _LEADING_COUNT.match(check.message)
            return None if found is None else int(re.sub(r"\D", "", found.group(0)))
    return 0


@attrs.define
class _Cells(CellSystem):
    places: list[Place] = attrs.field(factory=list)
    at: dict[Place, int] = attrs.field(factory=dict)

    def cell(self, place: Place, value: int | None, shown: int | None) -> int:
        self.values.append(value or 0)
        self.masked.append(shown is None)
        self.labels.append("/".join(map(str, place)))
        self.places.append(place)
        self.at[place] = len(self.values) - 1
        return len(self.values) - 1

    def at_most(self, left: Sequence[int], right: Sequence[int], constant: int = 0) -> None:
        """``Σ left ≤ Σ right + constant`` (when it holds): ``Σ left + s − Σ right =
        constant`` with a slack cell ``s``."""
        gap = constant + sum(self.values[j] for j in right) - sum(self.values[i] for i in left)
        if gap < 0:
            return
        s = self.cell(("slack", len(self.slack)), gap, None)
        self.slack.add(s)
        self.relate([*((i, 1) for i in left), (s, 1), *((j, -1) for j in right)], constant)

    def rows(self, key: str, codes: Sequence[str]) -> list[int]:
        return [self.at[p] for code in codes if (p := ("table", key, code)) in self.at]


def true_qpv(published: PublicBilan, truth: PublicBilan) -> list[QpvRow[int | None]]:
    """The true QPV rows in the published rows' order (by neighbourhood and code)."""
    by_key = {(q.neighbourhood, q.qpv_code): q for q in truth.qpv_breakdown}
    rows = []
    for q in published.qpv_breakdown:
        true_row = by_key.get((q.neighbourhood, q.qpv_code))
        if true_row is None:  # nobody there in truth: a row of zeros
            true_row = attrs.evolve(
                q,
                accompanied=0,
                sex=attrs.evolve(q.sex, rows=()),
                age=attrs.evolve(q.age, rows=()),
            )
        rows.append(true_row)
    return rows


def bilan_cells(
    published: PublicBilan, truth: PublicBilan, statuses: Mapping[str, str | None]
) -> tuple[LinkedCells, list[Place]]:
    """Every count ``published`` shows (its true value in ``truth``) and every relation
    between them (module docstring); ``statuses``: each neighbourhood's residence status
    code, as a reader may know it."""
    linked, places = link_cells(
        published.tables,
        truth.tables,
        published.qpv_breakdown,
        true_qpv(published, truth),
        statuses,
        truth.accompanied,
    )
    cells = _Cells(
        values=list(linked.values),
        masked=list(linked.masked),
        labels=list(linked.labels),
        relations=list(linked.relations),
        places=list(places),
    )
    cells.at = {place: i for i, place in enumerate(places)}
    _add_persons(cells, published, truth)
    _add_indicators(cells, published, truth)
    _add_activity(cells, published, truth)
    return cells.linked(), cells.places


def _add_persons(cells: _Cells, published: PublicBilan, truth: PublicBilan) -> None:
    """Prescribers, new persons, without orientation and with no entretien."""
    true_prescribers = {_prescriber_key(p.name): p.count or 0 for p in truth.prescribers}
    prescribers = [
        cells.cell(("presc", p.name), true_prescribers.get(_prescriber_key(p.name), 0), p.count)
        for p in published.prescribers
    ]
    partner = cells.rows("canal", [Channel.PARTENAIRE.code])
    if partner and prescribers:
        cells.relate([*((i, 1) for i in prescribers), (partner[0], -1)], 0)
    everyone = truth.accompanied
    new = cells.cell(("new",), truth.new, published.new)
    cells.at_most([new], [], everyone)
    without = cells.cell(("without",), truth.without_orientation, published.without_orientation)
    autre = cells.rows("orientation_premier_rdv", [OrientationCategory.AUTRE.code])
    if autre:
        rest = cells.values[autre[0]] - cells.values[without]
        other = cells.cell(("with_other",), rest, None)  # never shown
        cells.relate([(without, 1), (other, 1), (autre[0], -1)], 0)
    code = CheckCode.NO_FIRST_ENTRETIEN
    # Counted in « autre » with no orientation, and never new.
    none = cells.cell(("no_entretien",), check_count(truth, code), check_count(published, code))
    cells.at_most([none], [without])
    cells.at_most([new, none], [], everyone)


def _prescriber_key(name: str) -> str | None:
    return None if name == NON_RENSEIGNE[1] else name.casefold()


def _add_indicators(cells: _Cells, published: PublicBilan, truth: PublicBilan) -> None:
    for name, (key, codes) in INDICATOR_ROWS.items():
        shown = getattr(published.indicators, name)
        cell = cells.cell(("ind", name), getattr(truth.indicators, name), shown)
        cells.relate([(cell, 1), *((i, -1) for i in cells.rows(key, codes))], 0)


def _add_activity(cells: _Cells, published: PublicBilan, truth: PublicBilan) -> None:
    """Programmes and their entries, the orientations of the period."""
    true_programmes = {p.programme: p for p in truth.programmes}
    retained = []
    for p in published.programmes:
        true_p = true_programmes.get(p.programme)
        for part in ("oriented", "retained"):
            value = getattr(true_p, part) if true_p is not None else 0
            cell = cells.cell(("prog", p.programme, part), value, getattr(p, part))
            if part == "retained":
                retained.append(cell)
    entries = cells.cell(
        ("entries",), truth.indicators.programme_entries, published.indicators.programme_entries
    )
    for cell in retained:  # the distinct persons retained: at least each, at most all
        cells.at_most([cell], [entries])
    if retained:
        cells.at_most([entries], retained)
    anyone = cells.cell(
        ("op_persons",), truth.orientations_period_persons, published.orientations_period_persons
    )
    cells.at_most([anyone], [], truth.accompanied)
    true_op = {r.code: r for r in truth.orientations_period}
    persons = []
    for row in published.orientations_period:
        true_row = true_op.get(row.code)
        parts = []
        for part in ("persons", "orientations"):
            value = getattr(true_row, part) if true_row is not None else 0
            parts.append(cells.cell(("op", row.code, part), value, getattr(row, part)))
        cells.at_most([parts[0]], [parts[1]])
        cells.at_most([parts[0]], [anyone])
        persons.append(parts[0])
    if persons:
        cells.at_most([anyone], persons)


def limited_key(place: Place) -> str | None:
    """The table whose limit check reports a small count at ``place`` that stays
    recoverable (None: a count outside the tables, said by no check)."""
    if place[0] == "table":
        return str(place[1])
    if place[0] == "ind":
        return LIMITED.get(f"ind:{place[1]}")
    return LIMITED.get(str(place[0]))


def secure_bilan(
    published: PublicBilan, truth: PublicBilan, statuses: Mapping[str, str | None], k: int
) -> PublicBilan:
    """``published`` masked more until no count from 1 to k−1 can be recovered from
    everything it publishes (the self-audit over :func:`bilan_cells`)."""
    cells, places = bilan_cells(published, truth, statuses)
    masked, still = protect(cells, k)
    added = [
        places[i]
        for i, (was, now) in enumerate(zip(cells.masked, masked, strict=True))
        if now and not was
    ]
    limited = {key for i in still if (key := limited_key(places[i])) is not None}
    return apply_masks(published, added, limited)


def apply_masks(bilan: PublicBilan, places: Sequence[Place], limited: set[str]) -> PublicBilan:
    """``bilan`` with the cells at ``places`` masked, and what follows from them (the
    indicators, the reach, the counted checks); a limit check per table of ``limited``."""
    if not places and not limited:
        return bilan
    tables: dict[str, set[str]] = {}
    qpv: dict[int, dict[str, set[str]]] = {}
    scalars: set[Place] = set()
    for place in places:
        if place[0] == "table":
            tables.setdefault(place[1], set()).add(place[2])
        elif place[0] == "qpv":
            add_qpv_place(qpv, place)
        else:
            scalars.add(place)
    new_tables = {key: mask_rows(t, tables.get(key, set())) for key, t in bilan.tables.items()}
    rows = mask_qpv_rows(bilan.qpv_breakdown, qpv)
    activity = _masked_activity(bilan, scalars)
    indicators = indicators_from_tables(
        new_tables,
        accompanied=bilan.indicators.accompanied,
        new=activity["new"],
        programme_entries=activity.pop("entries"),
        animations_held=bilan.indicators.animations_held,
        animation_participants=bilan.indicators.animation_participants,
    )
    hidden: dict[str, Any] = {str(place[1]): None for place in scalars if place[0] == "ind"}
    indicators = attrs.evolve(indicators, **hidden)
    quartier = new_tables["quartier"]
    reach = []
    for r in bilan.reach:
        cell = quartier.row(r.neighbourhood)
        if cell is not None and cell.count is None:
            r = attrs.evolve(r, accompanied=None, per_thousand=None)
        reach.append(r)
    checks = [_recount(c, new_tables, scalars) for c in bilan.checks]
    if limited:
        checks.extend(disclosure_checks(sorted(limited)))
    return attrs.evolve(
        bilan,
        tables=new_tables,
        qpv_breakdown=rows,
        indicators=indicators,
        **activity,
        reach=tuple(reach),
        checks=sorted_checks(dict.fromkeys(checks)),
    )


def _masked_activity(bilan: PublicBilan, scalars: set[Place]) -> dict[str, Any]:
    """The fields of ``bilan`` outside its tables with the cells of ``scalars`` masked
    (``entries``: the indicator of programme entries)."""
    new = None if ("new",) in scalars else bilan.new
    without = None if ("without",) in scalars else bilan.without_orientation
    op_persons = None if ("op_persons",) in scalars else bilan.orientations_period_persons
    orientations = tuple(
        attrs.evolve(r, persons=None, orientations=None, share=None)
        if ("op", r.code, "persons") in scalars or ("op", r.code, "orientations") in scalars
        else r
        for r in bilan.orientations_period
    )
    programmes = tuple(
        attrs.evolve(
            p,
            oriented=None if ("prog", p.programme, "oriented") in scalars else p.oriented,
            retained=None if ("prog", p.programme, "retained") in scalars else p.retained,
        )
        for p in bilan.programmes
    )
    entries = bilan.indicators.programme_entries
    if ("entries",) in scalars or any(p.retained is None for p in programmes):
        entries = None
    prescribers = tuple(
        attrs.evolve(p, count=None) if ("presc", p.name) in scalars else p
        for p in bilan.prescribers
    )
    return {
        "new": new,
        "without_orientation": without,
        "orientations_period_persons": op_persons,
        "orientations_period": orientations,
        "programmes": programmes,
        "prescribers": prescribers,
        "entries": entries,
    }


def _recount(check: Check, tables: Mapping[str, Table[int | None]], scalars: set[Place]) -> Check:
    """A counted check says « Des » when its count is now masked: the under-18 check
    the table's cell, the no-entretien check its own cell."""
    if check.code == CheckCode.UNDER_18:
        row = tables["tranche_age"].row(AgeBracket.UNDER_18.code)
        if row is None or row.count is not None:
            return check
    elif check.code != CheckCode.NO_FIRST_ENTRETIEN or ("no_entretien",) not in scalars:
        return check
    return attrs.evolve(check, message=counted_check_message(check.code, None))
