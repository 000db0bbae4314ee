"""The portrait tables of the accompanied: rows, shares, masking table by table (primary
and secondary, :mod:`citeslab_core.bilan.disclosure`), the QPV breakdown, the prescribers
and the reach of the declared neighbourhoods. The self-audit over everything a public
bilan publishes runs afterwards (:mod:`citeslab_core.bilan._published`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import attrs

from citeslab_core.bilan._results import (
    EN_COURS,
    NON_RENSEIGNE,
    TABLE_KEYS,
    TABLE_TITLES,
    Prescriber,
    QpvRow,
    ReachRow,
    Table,
    TableRow,
)
from citeslab_core.bilan._scan import (
    _Tally,
)
from citeslab_core.bilan.disclosure import suppress
from citeslab_core.bilan.shares import per_thousand, whole_percentages
from citeslab_core.model import Dataset
from citeslab_core.vocabularies import (
    AgeBracket,
    Channel,
    EducationLevel,
    ExitResult,
    MinimumBenefit,
    OrientationCategory,
    ResidenceStatus,
    Sector,
    Sex,
    SituationAtEntry,
    Stage,
    Vocabulary,
)


def _vocabulary_rows(vocabulary: type[Vocabulary]) -> list[tuple[str, str]]:
    return [(m.code, m.label) for m in vocabulary]


#: The vocabulary of each portrait table whose rows are a vocabulary's (``quartier``'s
#: rows are the site's neighbourhoods).
TABLE_VOCABULARIES: dict[str, type[Vocabulary]] = {
    "sexe": Sex,
    "statut_residence": ResidenceStatus,
    "tranche_age": AgeBracket,
    "niveau_formation": EducationLevel,
    "situation_entree": SituationAtEntry,
    "minima_sociaux": MinimumBenefit,
    "canal": Channel,
    "stade_entree": Stage,
    "secteur": Sector,
    "orientation_premier_rdv": OrientationCategory,
    "resultat": ExitResult,
}


def table_codes(key: str) -> frozenset[str] | None:
    """The codes a row of table ``key`` may have (its vocabulary's, ``non_renseigne``,
    ``en_cours`` for ``resultat``); None for a table of free names (``quartier``)."""
    vocabulary = TABLE_VOCABULARIES.get(key)
    if vocabulary is None:
        return None
    extra = EN_COURS[0] if key == "resultat" else NON_RENSEIGNE[0]
    return frozenset({*(m.code for m in vocabulary), extra, NON_RENSEIGNE[0]})


def _row_codes(data: Dataset, tally: _Tally) -> dict[str, list[tuple[str, str]]]:
    """Every table's rows (code, label) before the ``non_renseigne`` row."""
    declared = [h.name for h in data.neighbourhoods]
    declared_set = set(declared)
    others = sorted(tally.other_hoods - declared_set, key=lambda n: (n.casefold(), n))
    rows = {key: _vocabulary_rows(vocabulary) for key, vocabulary in TABLE_VOCABULARIES.items()}
    rows["quartier"] = [(n, n) for n in [*declared, *others]]
    rows["resultat"].append(EN_COURS)
    return {key: rows[key] for key in TABLE_KEYS}


#: Tables in which every person has a value: no ``non_renseigne`` row.
_ALWAYS_FILLED = frozenset({"orientation_premier_rdv", "resultat", "minima_sociaux"})


def _make_table(
    key: str,
    title: str,
    codes: list[tuple[str, str]],
    counter: Counter[str] | Counter[str | None],
    k: int,
    *,
    with_non_renseigne: bool = True,
    forced: dict[str, bool] | None = None,
    total_masked: bool = False,
) -> tuple[Table[int | None], bool]:
    """A table from its rows and counter, masked when ``k`` > 0; also "unprotected"."""
    rows = list(codes)
    if with_non_renseigne:
        rows.append(NON_RENSEIGNE)
    counts = [counter.get(code, 0) for code, _ in rows]
    shares = whole_percentages(counts)
    masked: tuple[bool, ...] = (False,) * len(rows)
    unprotected = False
    if k > 0:
        forced_list = [bool(forced and forced.get(code)) for code, _ in rows]
        suppression = suppress(counts, k, forced_list, total_masked=total_masked)
        masked, unprotected = suppression.masked, suppression.unprotected
    table_rows = []
    for (code, label), count, share, hidden in zip(rows, counts, shares, masked, strict=True):
        if code == NON_RENSEIGNE[0] and with_non_renseigne and count == 0 and not hidden:
            continue
        table_rows.append(
            TableRow(code, label, None if hidden else count, None if hidden else share)
        )
    total = sum(counts)
    return Table(key, title, tuple(table_rows), total), unprotected


def _portrait_tables(
    data: Dataset, tally: _Tally, k: int
) -> tuple[dict[str, Table[int | None]], list[str]]:
    codes = _row_codes(data, tally)
    tables: dict[str, Table[int | None]] = {}
    unprotected: list[str] = []
    for key in TABLE_KEYS:
        table, exposed = _make_table(
            key,
            TABLE_TITLES[key],
            codes[key],
            tally.counters[key],
            k,
            with_non_renseigne=key not in _ALWAYS_FILLED,
        )
        tables[key] = table
        if exposed:
            unprotected.append(key)
    return tables, unprotected


def _true_tables(
    data: Dataset, tally: _Tally
) -> tuple[dict[str, Table[int | None]], tuple[QpvRow[int | None], ...]]:
    """The tables and QPV rows unmasked: the true counts the self-audit needs."""
    truth, _ = _portrait_tables(data, tally, 0)
    return truth, _qpv_breakdown(data, tally, dict(truth), 0, [])


def _qpv_keys(data: Dataset, tally: _Tally) -> list[tuple[str | None, str | None]]:
    """The QPV rows: declared QPV neighbourhoods, then others by name, then unnamed."""
    declared = [
        (h.name, h.qpv_code) for h in data.neighbourhoods if h.residence is ResidenceStatus.QPV
    ]
    seen = set(declared)
    others = sorted(
        (key for key in tally.qpv if key not in seen),
        key=lambda key: (key[0] is None, (key[0] or "").casefold(), key[0] or "", key[1] or ""),
    )
    return [*declared, *others]


def _qpv_breakdown(
    data: Dataset,
    tally: _Tally,
    tables: dict[str, Table[int | None]],
    k: int,
    unprotected: list[str],
) -> tuple[QpvRow[int | None], ...]:
    """The per-QPV rows; may mask more of the ``quartier`` table (and say so in
    ``unprotected`` when that table can no longer be protected)."""
    keys = _qpv_keys(data, tally)
    counts = [sum(tally.qpv[key][0].values()) if key in tally.qpv else 0 for key in keys]
    masked: tuple[bool, ...] = (False,) * len(keys)
    if k > 0:
        # A neighbourhood masked in the quartier table stays masked here, and the other
        # way round, until both agree (the two tables often show the same figure).
        quartier = tables["quartier"]
        codes = _row_codes(data, tally)["quartier"]
        qpv_total = tables["statut_residence"].row(ResidenceStatus.QPV.code)
        total_masked = qpv_total is not None and qpv_total.count is None
        for _ in range(len(keys) + 2):
            hidden_hoods = {row.code for row in quartier.rows if row.count is None}
            forced = [
                (key[0] if key[0] is not None else NON_RENSEIGNE[0]) in hidden_hoods for key in keys
            ]
            masked = suppress(counts, k, forced, total_masked=total_masked).masked
            names = {
                (key[0] if key[0] is not None else NON_RENSEIGNE[0])
                for key, hide in zip(keys, masked, strict=True)
                if hide
            }
            if names <= hidden_hoods:
                break
            quartier, exposed = _make_table(
                "quartier",
                TABLE_TITLES["quartier"],
                codes,
                tally.counters["quartier"],
                k,
                forced=dict.fromkeys(names | hidden_hoods, True),
            )
            tables["quartier"] = quartier
            if exposed and "quartier" not in unprotected:
                unprotected.append("quartier")
    rows = []
    age_codes = _vocabulary_rows(AgeBracket)
    sex_codes = _vocabulary_rows(Sex)
    for key, count, hide in zip(keys, counts, masked, strict=True):
        sexes, ages = tally.qpv.get(key, (Counter(), Counter()))
        name = key[0] if key[0] is not None else NON_RENSEIGNE[1]
        sex_table, _ = _make_table(
            "sexe", TABLE_TITLES["sexe"], sex_codes, sexes, k, total_masked=hide
        )
        age_table, _ = _make_table(
            "tranche_age", TABLE_TITLES["tranche_age"], age_codes, ages, k, total_masked=hide
        )
        rows.append(
            QpvRow(
                name,
                key[1],
                None if hide else count,
                attrs.evolve(sex_table, total=None if hide else count),
                attrs.evolve(age_table, total=None if hide else count),
            )
        )
    return tuple(rows)


def _prescribers(
    tally: _Tally, tables: dict[str, Table[int | None]], k: int
) -> tuple[Prescriber[int | None], ...]:
    named = [key for key in tally.prescribers if key is not None]
    spelling = {key: min(tally.prescriber_spellings[key]) for key in named}
    # Alphabetical, never by size: in a public bilan an order by count would tell the
    # order of masked counts (issue 28).
    named.sort(key=lambda key: (spelling[key].casefold(), spelling[key]))
    keys: list[str | None] = [*named]
    if tally.prescribers.get(None):
        keys.append(None)
    counts = [tally.prescribers[key] for key in keys]
    masked: tuple[bool, ...] = (False,) * len(keys)
    if k > 0:
        partner = tables["canal"].row(Channel.PARTENAIRE.code)
        masked = suppress(
            counts, k, total_masked=partner is not None and partner.count is None
        ).masked
    return tuple(
        Prescriber(spelling[key] if key is not None else NON_RENSEIGNE[1], None if hide else count)
        for key, count, hide in zip(keys, counts, masked, strict=True)
    )


def _reach(data: Dataset, quartier: Table[int | None]) -> tuple[ReachRow[int | None], ...]:
    rows = []
    for hood in data.neighbourhoods:
        if hood.population is None:
            continue
        row = quartier.row(hood.name)
        count = row.count if row is not None else 0
        rate = per_thousand(count, hood.population)
        rows.append(ReachRow(hood.name, hood.qpv_code, hood.population, count, rate))
    return tuple(rows)


@attrs.frozen
class _Portrait:
    """The portrait tables (masked when ``k`` > 0), the QPV rows, and the tables that
    masking cannot protect, by key."""

    tables: dict[str, Table[int | None]]
    qpv_rows: tuple[QpvRow[int | None], ...]
    unprotected: tuple[str, ...]


def _portrait(data: Dataset, tally: _Tally, k: int) -> _Portrait:
    """The tables, then the QPV breakdown (which may mask more of ``quartier``); in public
    mode, ``compute_bilan`` then protects the linked tables together with everything else
    the bilan publishes (:mod:`citeslab_core.bilan._published`)."""
    tables, unprotected = _portrait_tables(data, tally, k)
    qpv_rows = _qpv_breakdown(data, tally, tables, k, unprotected)
    return _Portrait(tables, qpv_rows, tuple(unprotected))


def _without_orientation(
    tally: _Tally, tables: Mapping[str, Table[int | None]], k: int
) -> int | None:
    """How many of ``orientation_premier_rdv``'s ``autre`` had no orientation at all; None
    in public mode when it, or the rest of ``autre``, is from 1 to k−1."""
    without = tally.without_orientation
    if k > 0:
        autre = tables["orientation_premier_rdv"].row(OrientationCategory.AUTRE.code)
        with_other = autre.count - without if autre is not None and autre.count is not None else 0
        if 0 < without < k or 0 < with_other < k:
            return None
    return without
