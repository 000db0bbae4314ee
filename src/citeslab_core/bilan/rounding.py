"""Counts of persons rounded to a base: the total of a public network bilan
(docs/public-mode.md, « Deux publications qui diffèrent d'un site »).

Masking protects one publication. Two public network bilans whose sites differ by one
site (the same network a year apart, two regions) give that site's counts by difference
of their totals, masked cells included, and no masking of either stops it. Statistical
offices round the counts of linked releases to a base; so does citeslab for the total of
a public network bilan, after the joint masking (:mod:`citeslab_core.network._protect`):

- a count ``n`` of persons is published as the multiple of ``base`` nearest to it,
  halves up (base 5: 0 → 0, 3 to 7 → 5, 8 to 12 → 10): the reader knows the true count
  lies within ``base // 2`` of what is shown (:func:`true_bounds`);
- a count of 1 or 2 (one that is not 0 but rounds to 0) is masked, shown ``s``: a 0
  shown stays a true 0, as everywhere in public mode, and nobody reads « 0 créations »
  where there were two (it only happens with a threshold under 3: the joint masking
  hides every count from 1 to k−1 first); ``accompanied``, never masked, shows 0;
- a masked count stays masked;
- every figure derived from counts (a row's share, the share of the orientations of the
  period, a neighbourhood's reach per 1 000 inhabitants) is computed from the rounded
  counts, so that none gives a count back more exactly than its rounding; a share whose
  table's population is masked is masked too;
- what does not count persons is kept: animations and their participants, amounts,
  populations, the threshold.

A rounded table's rows may not add up to its total (each is off by up to ``base // 2``):
the bilan says so (:func:`rounding_note`), and the reading of a bilan file allows for it
(:mod:`citeslab_core.bilan._validation`).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from citeslab_core.bilan._results import (
    POSITIVE_EXITS,
    Indicators,
    PublicBilan,
    QpvRow,
    Table,
)
from citeslab_core.bilan.shares import per_thousand, percent_of
from citeslab_core.vocabularies import (
    AgeBracket,
    ExitResult,
    MinimumBenefit,
    ResidenceStatus,
    Sex,
    SituationAtEntry,
)

__all__ = [
    "NETWORK_ROUNDING",
    "round_bilan",
    "round_count",
    "rounding_note",
    "shown_count",
    "true_bounds",
]

_NO_BENEFIT = MinimumBenefit.AUCUN

#: The base the counts of a public network's total are rounded to (docs/decisions.md).
NETWORK_ROUNDING = 5


def round_count(count: int, base: int) -> int:
    """``count`` to the nearest multiple of ``base``, halves up (``base`` ≥ 2)."""
    return base * ((count + base // 2) // base)


def shown_count(count: int | None, base: int) -> int | None:
    """What a rounded bilan shows of ``count``: None (masked) stays None, 0 stays 0, a
    count that is not 0 but rounds to 0 is masked, any other is rounded."""
    if count is None or count == 0:
        return count
    rounded = round_count(count, base)
    return rounded or None


def true_bounds(shown: int, base: int) -> tuple[int, int]:
    """The smallest and largest true count that a bilan rounded to ``base`` shows as
    ``shown`` (a shown 0 is a true 0: a count that rounds to 0 is masked)."""
    if shown == 0:
        return 0, 0
    return max(shown - base // 2, 0), shown + (base - 1) - base // 2


def rounding_note(base: int) -> str:
    """The sentence every rendering of a rounded bilan says once (text, HTML, deck, JSON)."""
    return (
        f"Effectifs du réseau arrondis à {base} ; les totaux peuvent différer de la somme des "
        "lignes. Les parts et les taux sont calculés sur les effectifs arrondis ; un effectif "
        "de 1 ou 2 est masqué (s) et un 0 est un vrai 0."
    )


def _table(table: Table[int | None], total: int | None, base: int) -> Table[int | None]:
    """``table`` rounded: each row's count, its share of the rounded ``total`` (masked
    when ``total`` is, but for a row of 0), and the total."""
    rows = []
    for row in table.rows:
        count = shown_count(row.count, base)
        share: int | None = None
        if count == 0:
            share = 0
        elif count is not None and total is not None:
            share = percent_of(count, total)
        rows.append(attrs.evolve(row, count=count, share=share))
    return attrs.evolve(table, rows=tuple(rows), total=total)


def _qpv_row(row: QpvRow[int | None], base: int) -> QpvRow[int | None]:
    count = shown_count(row.accompanied, base)
    return attrs.evolve(
        row,
        accompanied=count,
        sex=_table(row.sex, count, base),
        age=_table(row.age, count, base),
    )


def _indicators(
    indicators: Indicators[int | None],
    tables: dict[str, Table[int | None]],
    accompanied: int,
    new: int | None,
    entries: int | None,
    base: int,
) -> Indicators[int | None]:
    """Each indicator's own count rounded; a sum of rows masked as soon as one of its rows
    is (as the bilan's own rule), now that rounding may have masked a row of 1 or 2."""

    def cell(key: str, code: str) -> int | None:
        row = tables[key].row(code)
        return row.count if row is not None else 0

    def summed(value: int | None, cells: list[int | None]) -> int | None:
        return None if any(c is None for c in cells) else shown_count(value, base)

    return attrs.evolve(
        indicators,
        accompanied=accompanied,
        new=new,
        women=cell("sexe", Sex.F.code),
        qpv_residents=cell("statut_residence", ResidenceStatus.QPV.code),
        under_26=summed(
            indicators.under_26,
            [cell("tranche_age", a.code) for a in (AgeBracket.UNDER_18, AgeBracket.A18_25)],
        ),
        job_seekers=summed(
            indicators.job_seekers,
            [cell("situation_entree", s.code) for s in SituationAtEntry if s.job_seeker],
        ),
        minimum_benefits=summed(
            indicators.minimum_benefits,
            [cell("minima_sociaux", b.code) for b in MinimumBenefit if b is not _NO_BENEFIT],
        ),
        orientations=tables["orientation_premier_rdv"].rows,
        creations=cell("resultat", ExitResult.CREATION.code),
        positive_exits=summed(
            indicators.positive_exits, [cell("resultat", r.code) for r in POSITIVE_EXITS]
        ),
        programme_entries=entries,
    )


def round_bilan(bilan: PublicBilan, base: int = NETWORK_ROUNDING) -> PublicBilan:
    """``bilan``'s own counts of persons rounded to ``base`` (the module docstring), its
    shares and rates recomputed from them, ``rounding`` set to ``base``; its sites' bilans
    and its checks are kept (a network total's checks are its sites', and its own name no
    count of persons)."""
    count: Callable[[int | None], int | None] = lambda n: shown_count(n, base)  # noqa: E731
    accompanied = round_count(bilan.accompanied, base)
    tables = {key: _table(t, accompanied, base) for key, t in bilan.tables.items()}
    quartier = tables.get("quartier")
    reach = []
    for r in bilan.reach:
        row = quartier.row(r.neighbourhood) if quartier is not None else None
        shown = row.count if row is not None else count(r.accompanied)
        reach.append(
            attrs.evolve(r, accompanied=shown, per_thousand=per_thousand(shown, r.population))
        )
    op_persons = count(bilan.orientations_period_persons)
    orientations = []
    for o in bilan.orientations_period:
        persons, events = count(o.persons), count(o.orientations)
        if persons is None or events is None:
            persons = events = None
        share = percent_of(persons, accompanied) if persons is not None else None
        orientations.append(attrs.evolve(o, persons=persons, orientations=events, share=share))
    programmes = tuple(
        attrs.evolve(p, oriented=count(p.oriented), retained=count(p.retained))
        for p in bilan.programmes
    )
    entries = count(bilan.indicators.programme_entries)
    if any(p.retained is None for p in programmes):
        entries = None
    new = count(bilan.new)
    return attrs.evolve(
        bilan,
        accompanied=accompanied,
        new=new,
        tables=tables,
        without_orientation=count(bilan.without_orientation),
        indicators=_indicators(bilan.indicators, tables, accompanied, new, entries, base),
        programmes=programmes,
        reach=tuple(reach),
        qpv_breakdown=tuple(_qpv_row(q, base) for q in bilan.qpv_breakdown),
        prescribers=tuple(attrs.evolve(p, count=count(p.count)) for p in bilan.prescribers),
        orientations_period=tuple(orientations),
        orientations_period_persons=op_persons,
        rounding=base,
    )
