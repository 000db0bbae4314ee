"""The sum of the sites' bilans, field by field: the fields of :data:`_HANDLED` by their
own rule (portrait tables re-masked from the summed counts, indicators, programmes,
funding…), any other one by the generic rule (:func:`_generic`), or refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from citeslab_core import bilan as _bilan
from citeslab_core.bilan import (
    NON_RENSEIGNE,
    AnimationRow,
    Bilan,
    Check,
    Indicators,
    OrientationPeriodRow,
    PartnershipRow,
    ProgrammeRow,
    PublicBilan,
    QpvAnimationRow,
    Table,
    TableRow,
)
from citeslab_core.bilan._activity import partnership_order
from citeslab_core.bilan._checking import disclosure_checks, sorted_checks
from citeslab_core.bilan._portrait import _portrait, _without_orientation
from citeslab_core.bilan.crf import FinancialReport, funder_explanations
from citeslab_core.bilan.disclosure import mask_value
from citeslab_core.bilan.funding import Contribution, FundingPlan, FundingYear, funding_plan
from citeslab_core.bilan.shares import largest_remainder, percent_of
from citeslab_core.errors import UsageError
from citeslab_core.model import Dataset, FundingPolicy, Site
from citeslab_core.network._hoods import _Hoods
from citeslab_core.vocabularies import (
    Funder,
    FundingNature,
    ResidenceStatus,
)

_CENT = Decimal("0.01")


def _sorted_checks(checks: Iterable[Check]) -> tuple[Check, ...]:
    return sorted_checks(checks)


#: The fields of :class:`Bilan` that :func:`_sum` sums by their own rule; any other field
#: goes through :func:`_generic`.
_HANDLED = frozenset(
    {
        "site",
        "host",
        "territory",
        "start",
        "end",
        "public",
        "threshold",
        "accompanied",
        "new",
        "tables",
        "without_orientation",
        "indicators",
        "programmes",
        "animations",
        "animations_in_qpv",
        "partnerships",
        "reach",
        "qpv_breakdown",
        "prescribers",
        "funding",
        "funding_plan",
        "funding_years",
        "texts",
        "checks",
        "financial_report",
        "provenance",
        "subset",
        "orientations_period",
        "orientations_period_persons",
        "planned_animations",
        "calendar",
        "sites",
        "rounding",
        "counted_persons",
    }
)


def _counts(rows: Iterable[TableRow[int | None]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        if row.count is None:  # pragma: no cover (public bilans are refused before)
            raise UsageError("un bilan masqué ne peut pas être additionné")
        counts[row.code] += row.count
    return counts


def _sum(bilans: Sequence[PublicBilan], k: int) -> PublicBilan:
    """The sum of complete bilans of one period, masked at ``k`` (0: not masked)."""
    first = bilans[0]
    hoods = _Hoods(bilans)
    # The bilan's own builders (tables, shares, masking, QPV rows, prescribers, reach)
    # run over the summed counts and the network's declared neighbourhoods.
    source = Dataset.build(site=Site(name=first.site), neighbourhoods=hoods.declared())
    tally = _summed_tally(bilans, hoods, source)
    portrait = _portrait(source, tally, k)  # linked tables protected as compute_bilan does
    tables = portrait.tables
    checks = [*disclosure_checks(portrait.unprotected), *hoods.checks()]
    programmes = _programmes(bilans, k)
    animations = _sum_rows(bilans, "animations", ("code", "label"))
    funding_years = _funding_years(bilans)
    funding, plan = _last_year_funding(bilans, funding_years)
    entries = _programme_entries(bilans, programmes, k)
    values: dict[str, Any] = {
        "site": first.site,
        "host": None,
        "territory": None,
        "start": first.start,
        "end": first.end,
        "public": k > 0,
        "threshold": k,
        "accompanied": tally.accompanied,
        "new": mask_value(tally.new, k),
        "tables": tables,
        "without_orientation": _without_orientation(tally, tables, k),
        "indicators": _indicators(tables, tally, k, entries, animations),
        "programmes": programmes,
        "animations": animations,
        "animations_in_qpv": _animations_in_qpv(bilans, hoods, source),
        "partnerships": _partnerships(bilans),
        "reach": _bilan._reach(source, tables["quartier"]),
        "qpv_breakdown": portrait.qpv_rows,
        "prescribers": _bilan._prescribers(tally, tables, k),
        "funding": funding,
        "funding_plan": plan,
        "funding_years": funding_years,
        "texts": (),
        "checks": (),
        "financial_report": FinancialReport.combine(
            [b.financial_report for b in bilans if b.financial_report is not None]
        ),
        "provenance": None,  # the network's own, when stamped (no dataset behind it)
        "subset": any(b.subset for b in bilans),
        "planned_animations": _sum_rows(bilans, "planned_animations", ("code", "label")),
        "calendar": None,  # each site's own (the calendrier exporter), not summed
        "counted_persons": None,  # each site's own (Bilan.persons_frame), not summed
        "orientations_period": _orientations_period(bilans, tally.accompanied, k),
        "orientations_period_persons": mask_value(
            sum(b.orientations_period_persons or 0 for b in bilans), k
        ),
        "sites": (),
        "rounding": 0,  # the public network's total is rounded after its masking
    }
    for field in attrs.fields(Bilan):
        if field.name not in _HANDLED:
            if k > 0:
                raise UsageError(
                    f"le bilan public d'un réseau ne sait pas encore masquer « {field.name} »"
                )
            values[field.name] = _generic(field.name, [getattr(b, field.name) for b in bilans])
    site_checks = [
        Check(c.code, c.severity, f"{b.site} : {c.message}") for b in bilans for c in b.checks
    ]
    values["checks"] = _sorted_checks([*site_checks, *checks])
    return Bilan(**values)


def _summed_tally(bilans: Sequence[PublicBilan], hoods: _Hoods, source: Dataset) -> _bilan._Tally:
    """The sites' true counts added up as one tally (neighbourhoods by the network's
    names), for the bilan's own table builders."""
    tally = _bilan._Tally(counters={key: Counter() for key in bilans[0].tables})
    for i, b in enumerate(bilans):
        tally.accompanied += b.accompanied
        tally.new += b.new or 0
        tally.without_orientation += b.without_orientation or 0
        for key, table in b.tables.items():
            if key == "quartier":
                for code, n in _counts(table.rows).items():
                    name = code if code == NON_RENSEIGNE[0] else hoods.name(i, code)
                    tally.counters[key][name] += n
            else:
                tally.counters.setdefault(key, Counter()).update(_counts(table.rows))
        for q in b.qpv_breakdown:
            hood = None if q.neighbourhood == NON_RENSEIGNE[1] else q.neighbourhood
            qpv_code = q.qpv_code.strip().upper() if q.qpv_code and q.qpv_code.strip() else None
            qpv_name = hoods.name(i, hood, qpv_code) if hood is not None else None
            sexes, ages = tally.qpv.setdefault((qpv_name, qpv_code), (Counter(), Counter()))
            sexes.update(_counts(q.sex.rows))
            ages.update(_counts(q.age.rows))
        for p in b.prescribers:
            if p.count is None:  # pragma: no cover (public bilans are refused before)
                raise UsageError("un bilan masqué ne peut pas être additionné")
            if p.name == NON_RENSEIGNE[1]:
                tally.prescribers[None] += p.count
            else:
                tally.prescribers[p.name.casefold()] += p.count
                tally.prescriber_spellings.setdefault(p.name.casefold(), set()).add(p.name)
    declared = {h.name for h in source.neighbourhoods}
    tally.other_hoods = {
        code
        for code in tally.counters["quartier"]
        if code != NON_RENSEIGNE[0] and code not in declared
    }
    tally.qpv = {key: value for key, value in tally.qpv.items() if sum(value[0].values())}
    return tally


def _programme_entries(
    bilans: Sequence[PublicBilan], programmes: tuple[ProgrammeRow[int | None], ...], k: int
) -> int | None:
    """The sites' programme entries added up; None in public mode when from 1 to k−1, or
    when a programme's ``retained`` is masked."""
    entries = sum(b.indicators.programme_entries or 0 for b in bilans)
    if k > 0 and (0 < entries < k or any(p.retained is None for p in programmes)):
        return None
    return entries


def _last_year_funding(
    bilans: Sequence[PublicBilan], funding_years: tuple[FundingYear, ...]
) -> tuple[FundingYear | None, FundingPlan | None]:
    """The network's actual funding of the period's last year, and its plan (the sites'
    gap threshold when they share one, else the default)."""
    year = bilans[0].end.year
    funding = next(
        (y for y in funding_years if y.year == year and y.nature is FundingNature.REALISE),
        None,
    )
    planned = next(
        (y for y in funding_years if y.year == year and y.nature is FundingNature.PREVISIONNEL),
        None,
    )
    thresholds = {b.funding_plan.threshold for b in bilans if b.funding_plan is not None}
    policy = (
        FundingPolicy(gap_threshold=thresholds.pop()) if len(thresholds) == 1 else FundingPolicy()
    )
    report = FinancialReport.combine(
        [b.financial_report for b in bilans if b.financial_report is not None]
    )
    return funding, funding_plan(planned, funding, policy, funder_explanations(report))


def _indicators(
    tables: dict[str, Table[int | None]],
    tally: _bilan._Tally,
    k: int,
    programme_entries: int | None,
    animations: Sequence[AnimationRow],
) -> Indicators[int | None]:
    """The activity indicators, from the network's tables as ``compute_bilan`` makes them."""

    return _bilan.indicators_from_tables(
        tables,
        accompanied=tally.accompanied,
        new=mask_value(tally.new, k),
        programme_entries=programme_entries,
        animations_held=sum(a.number for a in animations),
        animation_participants=sum(a.participants for a in animations),
    )


def _orientations_period(
    bilans: Sequence[PublicBilan], accompanied: int, k: int
) -> tuple[OrientationPeriodRow[int | None], ...]:
    """By category: persons and orientations summed, the share of the accompanied
    recomputed by the bilan's own rule; masked as ``compute_bilan`` masks them."""
    persons: Counter[str] = Counter()
    events: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for b in bilans:
        for row in b.orientations_period:
            labels.setdefault(row.code, row.label)
            persons[row.code] += row.persons or 0
            events[row.code] += row.orientations or 0
    rows: list[OrientationPeriodRow[int | None]] = []
    for code, label in labels.items():
        if mask_value(persons[code], k) is None:
            rows.append(OrientationPeriodRow(code, label, None, None, None))
        else:
            share = percent_of(persons[code], accompanied)
            rows.append(OrientationPeriodRow(code, label, persons[code], events[code], share))
    return tuple(rows)


def _programmes(bilans: Sequence[PublicBilan], k: int) -> tuple[ProgrammeRow[int | None], ...]:
    """Programmes by name (as written), in the order of their first site (sites by name:
    a site orders them by dates its bilan does not keep)."""
    oriented: Counter[str] = Counter()
    retained: Counter[str] = Counter()
    for b in bilans:
        for p in b.programmes:
            oriented[p.programme] += p.oriented or 0  # Counter: in first-seen order
            retained[p.programme] += p.retained or 0
    return tuple(
        ProgrammeRow(name, mask_value(oriented[name], k), mask_value(retained[name], k))
        for name in oriented
    )


def _animations_in_qpv(
    bilans: Sequence[PublicBilan], hoods: _Hoods, source: Dataset
) -> tuple[QpvAnimationRow, ...]:
    numbers: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for i, b in enumerate(bilans):
        for a in b.animations_in_qpv:
            name = hoods.name(i, a.neighbourhood, a.qpv_code)
            numbers[name] += a.number
            people[name] += a.participants
    return tuple(
        QpvAnimationRow(h.name, h.qpv_code, numbers[h.name], people[h.name])
        for h in source.neighbourhoods
        if h.residence is ResidenceStatus.QPV
    )


def _partnerships(bilans: Sequence[PublicBilan]) -> tuple[PartnershipRow, ...]:
    rows = [p for b in bilans for p in b.partnerships]
    start = bilans[0].start
    rows.sort(key=partnership_order(start))
    return tuple(rows)


def _funding_years(bilans: Sequence[PublicBilan]) -> tuple[FundingYear, ...]:
    """Every (year, nature) of any site: amounts summed by funder, shares recomputed; the
    total is the sum of the sites' totals (declared when one of them declared its own)."""
    natures = list(FundingNature)
    amounts: dict[tuple[int, int], dict[Funder, Decimal]] = {}
    totals: dict[tuple[int, int], Decimal] = {}
    declared: set[tuple[int, int]] = set()
    for b in bilans:
        for y in b.funding_years:
            key = (y.year, natures.index(y.nature))
            by_funder = amounts.setdefault(key, {})
            for c in y.contributions:
                by_funder[c.funder] = by_funder.get(c.funder, Decimal(0)) + c.amount
            totals[key] = totals.get(key, Decimal(0)) + y.total
            if y.declared_total is not None:
                declared.add(key)
    years = []
    for key in sorted(amounts):
        funders = [f for f in Funder if f in amounts[key]]
        values = [amounts[key][f] for f in funders]
        shares = largest_remainder(values, decimals=1)
        contributions_sum = sum(values, Decimal(0)).quantize(_CENT)
        total = totals[key].quantize(_CENT)
        declared_total = total if key in declared else None
        years.append(
            FundingYear(
                year=key[0],
                nature=natures[key[1]],
                total=total,
                contributions_sum=contributions_sum,
                declared_total=declared_total,
                total_mismatch=declared_total is not None and declared_total != contributions_sum,
                contributions=tuple(
                    Contribution(f, v.quantize(_CENT), s)
                    for f, v, s in zip(funders, values, shares, strict=True)
                ),
            )
        )
    return tuple(years)


def _sum_rows(bilans: Sequence[PublicBilan], field: str, key_fields: Sequence[str]) -> Any:
    return _generic_rows(field, [getattr(b, field) for b in bilans], key_fields)


def _is_number(value: object) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, Decimal)


def _generic(field: str, values: Sequence[Any]) -> Any:
    """The sum of one field of several bilans when no rule of its own sums it: numbers
    summed, a table by row code (shares recomputed), rows by their non-numeric fields,
    a mapping key by key; anything else is refused, naming the field."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    first = present[0]
    if len(present) == len(values) and all(_is_number(v) for v in values):
        return sum(values)
    if isinstance(first, Table) and all(isinstance(v, Table) for v in present):
        return _sum_tables(present)
    if isinstance(first, dict) and all(isinstance(v, dict) for v in present):
        keys = list(dict.fromkeys(key for v in present for key in v))
        return {key: _generic(f"{field}[{key}]", [v.get(key) for v in present]) for key in keys}
    if isinstance(first, tuple) and all(
        isinstance(v, tuple) and all(attrs.has(type(r)) for r in v) for v in present
    ):
        return _generic_rows(field, present, None)
    if len(set(map(repr, values))) == 1:  # the same value everywhere (a label, a flag)
        return first
    raise TypeError(f"network_bilan : le champ « {field} » du bilan ne sait pas être additionné")


def _sum_tables(tables: Sequence[Table[int | None]]) -> Table[int | None]:
    counts: Counter[str] = Counter()
    labels: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            labels.setdefault(row.code, row.label)
        counts.update(_counts(table.rows))
    codes = [code for code in labels if code != NON_RENSEIGNE[0]]
    table, _ = _bilan._make_table(
        tables[0].key,
        tables[0].title,
        [(code, labels[code]) for code in codes],
        counts,
        0,
        with_non_renseigne=True,
    )
    return table


def _generic_rows(field: str, values: Sequence[Any], key_fields: Sequence[str] | None) -> Any:
    """Rows (attrs instances) summed by their key fields (default: the non-numeric ones),
    in the order of their first appearance; numbers summed, tables summed."""
    merged: dict[tuple[Any, ...], list[Any]] = {}
    kinds: dict[tuple[Any, ...], Any] = {}
    for rows in values:
        for row in rows:
            fields = attrs.fields(type(row))
            names = (
                list(key_fields)
                if key_fields is not None
                else [
                    f.name
                    for f in fields
                    if not _is_number(getattr(row, f.name))
                    and getattr(row, f.name) is not None
                    and not isinstance(getattr(row, f.name), Table)
                ]
            )
            key = (type(row).__qualname__, *((n, getattr(row, n)) for n in names))
            merged.setdefault(key, []).append(row)
            kinds[key] = type(row)
    result = []
    for key, rows in merged.items():
        keyed = {name for name, _ in key[1:]}
        summed: dict[str, Any] = {}
        kind = kinds[key]
        for f in attrs.fields(kind):
            if f.name in keyed:
                summed[f.name] = getattr(rows[0], f.name)
            else:
                summed[f.name] = _generic(f"{field}.{f.name}", [getattr(r, f.name) for r in rows])
        result.append(kind(**summed))
    return tuple(result)
