"""The network: one bilan for several sites, the sum of their own bilans.

A host structure runs several CitésLab sites, a region coordinates a dozen, Bpifrance
follows about a hundred. :func:`network_bilan` sums the sites' bilans (computed from
their records, or read back from their bilan JSON files with
:func:`citeslab_core.bilanfile.read_bilan`) into one :class:`~citeslab_core.bilan.Bilan`
that every renderer and exporter takes like a site's, with :attr:`Bilan.sites` keeping
every site's own bilan (DOMAIN.md, "Several sites: the network"; docs/network.md).

How each part is summed:

- a person belongs to one site (the same id in two sites is two persons): every count of
  persons is additive, and **shares are recomputed from the summed counts** by the
  bilan's own table builder (the same rounding rule as a site's, whatever it is);
- neighbourhoods by QPV code when the site's bilan knows one (reach, QPV rows,
  animations in QPV), else by name (case ignored); a name that stands for several QPV
  codes is followed by its code; the reach per 1 000 inhabitants counts each distinct
  QPV's population once;
- programmes by name, animations by kind, prescribers by name (case ignored), partner
  meetings are listed together;
- funding by funder, year and nature: amounts summed, shares recomputed; each site's
  own declared totals, declared shares, caps and checks stay in its own bilan; the
  compte rendu financier by account and funder (:meth:`FinancialReport.combine`);
- checks: every site's, prefixed by its name, then the network's own.

The sum does not depend on the order of the sites (they are summed in the order of their
names); ``sites`` keeps the order given. Masking for publication applies after summing
(``public=True``): the summed counts go through the bilan's own disclosure control, and
each site's bilan under ``sites`` is masked the same way.

Every field of :class:`~citeslab_core.bilan.Bilan` is summed: the fields named in
:data:`_HANDLED` by their own rule, any other one by a generic rule (an integer is
summed, a table summed by row code, a tuple of rows summed by the rows' non-numeric
fields) or refused with an error naming the field (``tests/test_network.py`` checks
the sum against the bilan of the sites' merged records, field by field).
"""

from __future__ import annotations

import re
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
    QpvAnimationRow,
    Table,
    TableRow,
)
from citeslab_core.bilan._checks import disclosure_checks, sorted_checks
from citeslab_core.checks import CheckCode
from citeslab_core.crf import FinancialReport
from citeslab_core.disclosure import mask_value
from citeslab_core.errors import InvalidData, Location, Problem, UsageError
from citeslab_core.french import format_count, format_period
from citeslab_core.funding import Contribution, FundingYear, funding_plan
from citeslab_core.model import Dataset, FundingPolicy, Neighbourhood, Site
from citeslab_core.shares import largest_remainder, percent_of
from citeslab_core.vocabularies import (
    AgeBracket,
    Funder,
    FundingNature,
    OrientationCategory,
    ResidenceStatus,
)

__all__ = [
    "NetworkInputs",
    "check_sites",
    "mask_bilan",
    "network_bilan",
    "network_name",
    "network_of_inputs",
    "site_key",
]

_CENT = Decimal("0.01")


def network_name(count: int) -> str:
    """The ``site`` of a network bilan: ``3 sites`` (``1 site``)."""
    return f"{format_count(count)} site{'s' if count > 1 else ''}"


def site_key(name: str) -> str:
    """What makes two bilans the same site: the name, case and spacing ignored."""
    return " ".join(name.split()).casefold()


def _refuse(messages: Iterable[str]) -> InvalidData:
    return InvalidData(Problem(Location(), message) for message in messages)


def _flatten(bilans: Iterable[Bilan]) -> list[Bilan]:
    """The sites' bilans, a network bilan given as an input standing for its sites."""
    sites: list[Bilan] = []
    for b in bilans:
        sites.extend(_flatten(b.sites) if b.sites else [b])
    return sites


def check_sites(bilans: Sequence[Bilan]) -> list[str]:
    """Why these bilans cannot be summed (French messages), none when they can."""
    problems: list[str] = []
    for b in bilans:
        if b.public:
            problems.append(
                f"« {b.site} » : bilan public (petits effectifs masqués) : ses cases masquées "
                "ne peuvent pas être additionnées exactement. Donnez le bilan complet (sans "
                "--public) ; le bilan du réseau se masque après la somme."
            )
    first = bilans[0]
    for b in bilans[1:]:
        if (b.start, b.end) != (first.start, first.end):
            problems.append(
                f"« {b.site} » : bilan {format_period(b.start, b.end)}, période différente de "
                f"celle de « {first.site} » ({format_period(first.start, first.end)}) : un "
                "bilan de réseau additionne des bilans de la même période."
            )
    seen: dict[str, Bilan] = {}
    for b in bilans:
        key = site_key(b.site)
        if key in seen:
            problems.append(
                f"« {b.site} » : ce site est donné deux fois pour la même période ; chaque "
                "site ne compte qu'une fois dans le réseau (donnez des noms distincts aux "
                "sites dans la feuille structure, clé « nom »)."
            )
        else:
            seen[key] = b
    return problems


def network_bilan(
    bilans: Iterable[Bilan], *, public: bool = False, name: str | None = None
) -> Bilan:
    """The bilan of the network of ``bilans`` (see the module docstring).

    A network bilan given among ``bilans`` stands for its own sites. Refused with
    :class:`~citeslab_core.errors.InvalidData` (French messages): a public bilan, two
    periods, the same site twice. ``public=True`` masks the sum (and each site's bilan
    under ``sites``); ``name`` replaces the default ``site`` (``3 sites``).
    """
    given = _flatten(bilans)
    if not given:
        raise UsageError("un bilan de réseau a besoin d'au moins un site")
    problems = check_sites(given)
    if problems:
        raise _refuse(problems)
    k = max(b.threshold for b in given) if public else 0
    total = _sum(sorted(given, key=lambda b: (site_key(b.site), b.site)), k)
    total = attrs.evolve(
        total,
        site=name if name is not None else network_name(len(given)),
        host=_common(b.host for b in given),
        territory=_common(b.territory for b in given),
        threshold=max(b.threshold for b in given),
        public=public,
    )
    sites = tuple(mask_bilan(b) for b in given) if public else tuple(given)
    return attrs.evolve(total, sites=sites)


def mask_bilan(bilan: Bilan) -> Bilan:
    """A complete (unmasked) bilan masked for publication, at its own threshold.

    The counts go through the bilan's own disclosure control as in
    ``compute_bilan(public=True)``; the site's funding and texts are kept as they are
    (they are not counts of persons), and the checks that count persons say
    « Des personnes » instead of their number.
    """
    if bilan.public:
        return bilan
    masked = _sum([bilan], bilan.threshold)
    checks = tuple(
        _masked_check(c, bilan.threshold, masked)
        for c in bilan.checks
        if c.code != CheckCode.DISCLOSURE_LIMIT
    )
    return attrs.evolve(
        masked,
        site=bilan.site,
        host=bilan.host,
        territory=bilan.territory,
        public=True,
        threshold=bilan.threshold,
        funding=bilan.funding,
        funding_plan=bilan.funding_plan,
        funding_years=bilan.funding_years,
        financial_report=bilan.financial_report,
        planned_animations=bilan.planned_animations,
        calendar=bilan.calendar,
        provenance=bilan.provenance,
        subset=bilan.subset,
        texts=bilan.texts,
        checks=_sorted_checks(
            [*(c for c in masked.checks if c.code == CheckCode.DISCLOSURE_LIMIT), *checks]
        ),
        sites=tuple(mask_bilan(s) for s in bilan.sites),
    )


_LEADING_COUNT = re.compile(r"^\d[\d\s\u202f\u00a0]*")


def _masked_check(check: Check, k: int, masked: Bilan) -> Check:
    """A counted check (bilan.COUNTED_CHECKS) worded as ``compute_bilan(public=True)``
    words it: « Des … » when its count is masked, from the bilan's own wording."""
    if check.code not in _bilan.COUNTED_CHECKS:
        return check
    found = _LEADING_COUNT.match(check.message)
    if found is None:  # already masked
        return check
    count: int | None = int(re.sub(r"\D", "", found.group(0)))
    if check.code == "age_moins_18":  # the table's cell, secondary masking included
        row = masked.tables["tranche_age"].row(AgeBracket.UNDER_18)
        count = None if row is None else row.count
    else:
        count = mask_value(count, k) if count is not None else None
    return attrs.evolve(check, message=_bilan.counted_check_message(check.code, count))


def _common(values: Iterable[str | None]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _sorted_checks(checks: Iterable[Check]) -> tuple[Check, ...]:
    return sorted_checks(checks)


# -- neighbourhoods -------------------------------------------------------------------------


def _hood_key(name: str, code: str | None) -> tuple[str, str]:
    if code and code.strip():
        return ("qpv", code.strip().upper())
    return ("nom", name.strip().casefold())


@attrs.define
class _Hood:
    """A neighbourhood of the network: every spelling, population and declaration seen."""

    names: set[str] = attrs.field(factory=set)
    populations: set[int] = attrs.field(factory=set)
    declared: bool = False
    qpv: bool = False


class _Hoods:
    """The network's neighbourhoods, keyed by QPV code (or name), and their names."""

    def __init__(self, bilans: Sequence[Bilan]) -> None:
        self.hoods: dict[tuple[str, str], _Hood] = {}
        self.site_codes: list[dict[str, str]] = []
        for b in bilans:
            codes: dict[str, str] = {}
            for name, code in [
                *((r.neighbourhood, r.qpv_code) for r in b.reach),
                *((a.neighbourhood, a.qpv_code) for a in b.animations_in_qpv),
                *((q.neighbourhood, q.qpv_code) for q in b.qpv_breakdown),
            ]:
                if code and code.strip():
                    codes.setdefault(name, code)
            self.site_codes.append(codes)
            # The quartier table lists the declared neighbourhoods first, in their order:
            # the network's follow the order of their first site (sites by name).
            for row in b.tables["quartier"].rows:
                if row.code != NON_RENSEIGNE[0]:
                    self._hood(row.code, codes.get(row.code)).declared = True
            for r in b.reach:
                hood = self._hood(r.neighbourhood, codes.get(r.neighbourhood))
                hood.declared = True
                hood.populations.add(r.population)
            for a in b.animations_in_qpv:
                hood = self._hood(a.neighbourhood, codes.get(a.neighbourhood))
                hood.declared = hood.qpv = True
            for q in b.qpv_breakdown:
                if q.neighbourhood != NON_RENSEIGNE[1]:
                    self._hood(q.neighbourhood, q.qpv_code or codes.get(q.neighbourhood))
        # A neighbourhood whose code a site's bilan does not tell (no population, not a
        # QPV, no QPV resident) is the one of that name whose code another site's tells,
        # when only one such neighbourhood has the name.
        coded: dict[str, set[tuple[str, str]]] = {}
        for key, hood in self.hoods.items():
            if key[0] == "qpv":
                for name in hood.names:
                    coded.setdefault(name.casefold(), set()).add(key)
        self.alias: dict[tuple[str, str], tuple[str, str]] = {}
        for key in self.hoods:
            targets = coded.get(key[1], set()) if key[0] == "nom" else set()
            if len(targets) == 1:
                self.alias[key] = next(iter(targets))
        merged: dict[tuple[str, str], _Hood] = {}
        for key, hood in self.hoods.items():
            into = merged.setdefault(self.alias.get(key, key), _Hood())
            into.names |= hood.names
            into.populations |= hood.populations
            into.declared |= hood.declared
            into.qpv |= hood.qpv
        self.hoods = merged
        # One name per neighbourhood (the first in alphabetical order); a name that
        # stands for several neighbourhoods is followed by the QPV code.
        first = {
            key: min(h.names, key=lambda n: (n.casefold(), n)) for key, h in self.hoods.items()
        }
        used = Counter(name.casefold() for name in first.values())
        self.names = {
            key: f"{name} ({key[1]})" if used[name.casefold()] > 1 and key[0] == "qpv" else name
            for key, name in first.items()
        }

    def _hood(self, name: str, code: str | None) -> _Hood:
        hood = self.hoods.setdefault(_hood_key(name, code), _Hood())
        hood.names.add(name.strip())
        return hood

    def name(self, site: int, name: str, code: str | None = None) -> str:
        """The network's name of a site's neighbourhood."""
        key = _hood_key(name, code or self.site_codes[site].get(name))
        return self.names[self.alias.get(key, key)]

    def declared(self) -> list[Neighbourhood]:
        """The neighbourhoods of the sites' ``quartier`` tables (a site's bilan does not
        tell the declared ones from the others), in the order of their first site (sites
        by name, so that it does not depend on the order given); the largest population
        when sites disagree."""
        return [
            Neighbourhood(
                self.names[key],
                ResidenceStatus.QPV if hood.qpv else None,
                key[1] if key[0] == "qpv" else None,
                None,
                max(hood.populations) if hood.populations else None,
            )
            for key, hood in self.hoods.items()
            if hood.declared
        ]

    def checks(self) -> list[Check]:
        found = []
        for key, hood in self.hoods.items():
            if len(hood.populations) > 1:
                listed = ", ".join(format_count(p) for p in sorted(hood.populations))
                found.append(
                    Check.of(
                        CheckCode.POPULATION_MISMATCH,
                        f"Quartier « {self.names[key]} » : les sites déclarent des populations "
                        f"différentes ({listed} habitants) ; la plus grande est retenue pour "
                        "la portée du réseau.",
                    )
                )
        return sorted(found, key=lambda c: c.message)


# -- the sum ------------------------------------------------------------------------------

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
    }
)


def _counts(rows: Iterable[TableRow]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        if row.count is None:  # pragma: no cover (public bilans are refused before)
            raise UsageError("un bilan masqué ne peut pas être additionné")
        counts[row.code] += row.count
    return counts


def _sum(bilans: Sequence[Bilan], k: int) -> Bilan:
    """The sum of complete bilans of one period, masked at ``k`` (0: not masked)."""
    first = bilans[0]
    hoods = _Hoods(bilans)
    # The bilan's own builders (tables, shares, masking, QPV rows, prescribers, reach)
    # run over the summed counts and the network's declared neighbourhoods.
    source = Dataset.build(site=Site(name=first.site), neighbourhoods=hoods.declared())
    tally = _bilan._Tally(counters={key: Counter() for key in first.tables})
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

    tables, unprotected = _bilan._portrait_tables(source, tally, k)
    qpv_rows = _bilan._qpv_breakdown(source, tally, tables, k, unprotected)
    if k > 0:  # linked tables protected together, as compute_bilan does
        qpv_rows = _bilan._secure_linked(source, tally, tables, qpv_rows, k, unprotected)
    checks = disclosure_checks(unprotected)
    checks.extend(hoods.checks())

    without: int | None = tally.without_orientation
    if k > 0:
        autre = tables["orientation_premier_rdv"].row(OrientationCategory.AUTRE.code)
        true_without = tally.without_orientation
        with_other = (
            autre.count - true_without if autre is not None and autre.count is not None else 0
        )
        if 0 < true_without < k or 0 < with_other < k:
            without = None
    programmes = _programmes(bilans, k)
    entries = sum(b.indicators.programme_entries or 0 for b in bilans)
    programme_entries: int | None = entries
    if k > 0 and (0 < entries < k or any(p.retained is None for p in programmes)):
        programme_entries = None
    animations = _sum_rows(bilans, "animations", ("code", "label"))
    funding_years = _funding_years(bilans)
    funding = next(
        (
            y
            for y in funding_years
            if y.year == first.end.year and y.nature is FundingNature.REALISE
        ),
        None,
    )
    planned = next(
        (
            y
            for y in funding_years
            if y.year == first.end.year and y.nature is FundingNature.PREVISIONNEL
        ),
        None,
    )
    thresholds = {b.funding_plan.threshold for b in bilans if b.funding_plan is not None}
    policy = (
        FundingPolicy(gap_threshold=thresholds.pop()) if len(thresholds) == 1 else FundingPolicy()
    )

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
        "without_orientation": without,
        "indicators": _indicators(tables, tally, k, programme_entries, animations),
        "programmes": programmes,
        "animations": animations,
        "animations_in_qpv": _animations_in_qpv(bilans, hoods, source),
        "partnerships": _partnerships(bilans),
        "reach": _bilan._reach(source, tables["quartier"]),
        "qpv_breakdown": qpv_rows,
        "prescribers": _bilan._prescribers(tally, tables, k),
        "funding": funding,
        "funding_plan": funding_plan(planned, funding, policy),
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
        "orientations_period": _orientations_period(bilans, tally.accompanied, k),
        "orientations_period_persons": mask_value(
            sum(b.orientations_period_persons or 0 for b in bilans), k
        ),
        "sites": (),
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


def _indicators(
    tables: dict[str, Table],
    tally: _bilan._Tally,
    k: int,
    programme_entries: int | None,
    animations: Sequence[AnimationRow],
) -> Indicators:
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
    bilans: Sequence[Bilan], accompanied: int, k: int
) -> tuple[OrientationPeriodRow, ...]:
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
    rows = []
    for code, label in labels.items():
        if mask_value(persons[code], k) is None:
            rows.append(OrientationPeriodRow(code, label, None, None, None))
        else:
            share = percent_of(persons[code], accompanied)
            rows.append(OrientationPeriodRow(code, label, persons[code], events[code], share))
    return tuple(rows)


def _programmes(bilans: Sequence[Bilan], k: int) -> tuple[ProgrammeRow, ...]:
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
    bilans: Sequence[Bilan], hoods: _Hoods, source: Dataset
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


def _partnerships(bilans: Sequence[Bilan]) -> tuple[PartnershipRow, ...]:
    rows = [p for b in bilans for p in b.partnerships]
    start = bilans[0].start
    rows.sort(
        key=lambda r: (
            r.date.start if r.date else start,
            r.date.end if r.date else start,
            r.partner.casefold(),
            r.partner,
            r.category.code if r.category else "",
            r.action or "",
            r.date.iso() if r.date else "",
        )
    )
    return tuple(rows)


def _funding_years(bilans: Sequence[Bilan]) -> tuple[FundingYear, ...]:
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


def _sum_rows(bilans: Sequence[Bilan], field: str, key_fields: Sequence[str]) -> Any:
    return _generic_rows(field, [getattr(b, field) for b in bilans], key_fields)


# -- the generic sum of a field other helpers add ---------------------------------------------


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


def _sum_tables(tables: Sequence[Table]) -> Table:
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


# -- several inputs: records and bilan files ---------------------------------------------------


@attrs.frozen
class NetworkInputs:
    """What :func:`network_of_inputs` read and made: the bilan (a network's, or one
    site's when one bilan file was given) and each input's records (None for a bilan
    file), in the order given."""

    bilan: Bilan
    records: tuple[Dataset | None, ...]


def network_of_inputs(
    paths: Sequence[Any], start: Any, end: Any, *, public: bool = False
) -> NetworkInputs:
    """The bilan of several sites' inputs, records (workbook, CSV folder, canonical JSON)
    and bilan files mixed (:func:`citeslab_core.bilanfile.read_inputs`), for the period
    from ``start`` to ``end``. Refused with :class:`~citeslab_core.errors.InvalidData`,
    each message naming its file: what :func:`~citeslab_core.bilanfile.read_bilan`
    refuses, a bilan file of another period, the same site twice. In public mode the
    sum is masked, and each site's bilan: from its records by ``compute_bilan``, from a
    bilan file by :func:`mask_bilan`."""
    from pathlib import Path

    from citeslab_core.bilanfile import read_inputs

    files = [Path(p) for p in paths]
    items = read_inputs(files)
    problems: list[Problem] = []
    sites: list[tuple[Path, Bilan, Dataset | None]] = []
    for path, item in zip(files, items, strict=True):
        where = Location(file=str(path))
        if isinstance(item, Bilan):
            if (item.start, item.end) != (start, end):
                problems.append(
                    Problem(
                        where,
                        f"bilan {format_period(item.start, item.end)}, pas de la période "
                        f"demandée ({format_period(start, end)}) : un bilan de réseau "
                        "additionne des bilans de la même période.",
                    )
                )
            sites.extend((path, site, None) for site in _flatten([item]))
        else:
            sites.append((path, _bilan.compute_bilan(item, start, end), item))
    seen: dict[str, Path] = {}
    for path, site, _ in sites:
        key = site_key(site.site)
        if key in seen:
            first = seen[key]
            also = "" if first == path else f" (déjà dans « {first} »)"
            problems.append(
                Problem(
                    Location(file=str(path)),
                    f"le site « {site.site} » est donné deux fois pour la même période{also} ; "
                    "chaque site ne compte qu'une fois dans le réseau (donnez des noms "
                    "distincts aux sites dans la feuille structure, clé « nom »).",
                )
            )
        else:
            seen[key] = path
    if problems:
        raise InvalidData(problems)
    records = tuple(None if isinstance(item, Bilan) else item for item in items)
    if len(files) == 1 and isinstance(items[0], Bilan) and not items[0].sites:
        return NetworkInputs(mask_bilan(items[0]) if public else items[0], (None,))
    network = network_bilan([site for _, site, _ in sites], public=public)
    if public:
        network = attrs.evolve(
            network,
            sites=tuple(
                _bilan.compute_bilan(data, start, end, public=True)
                if data is not None
                else mask_bilan(site)
                for _, site, data in sites
            ),
        )
    return NetworkInputs(network, records)
