"""The network's bilan: the checks that the sites can be summed, the total (the sum,
then masked in public mode; the inputs are read in ``_inputs``), :func:`mask_bilan` (a
computed bilan masked as ``compute_bilan(public=True)`` would mask it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from citeslab_core import bilan as _bilan
from citeslab_core.bilan import (
    NON_RENSEIGNE,
    Check,
    PublicBilan,
)
from citeslab_core.bilan._published import secure_bilan
from citeslab_core.bilan.checks import CheckCode
from citeslab_core.bilan.disclosure import mask_value
from citeslab_core.bilan.rounding import NETWORK_ROUNDING, round_bilan
from citeslab_core.french import format_count, format_period
from citeslab_core.model.identity import identity_key
from citeslab_core.network._differencing import guard_rounding
from citeslab_core.network._protect import protect_network
from citeslab_core.network._sum import (
    _sorted_checks,
    _sum,
)
from citeslab_core.vocabularies import (
    AgeBracket,
    ResidenceStatus,
)


def network_name(count: int) -> str:
    """The ``site`` of a network bilan: ``3 sites`` (``1 site``)."""
    return f"{format_count(count)} site{'s' if count > 1 else ''}"


def site_key(name: str) -> str:
    """What makes two bilans the same site: the name as :func:`~citeslab_core.model.
    identity.identity_key` compares names (case, spacing, Unicode forms and invisible
    characters such as a zero-width space ignored)."""
    return identity_key(name)


def check_sites(bilans: Sequence[PublicBilan]) -> list[str]:
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
    seen: dict[str, PublicBilan] = {}
    for b in bilans:
        key = site_key(b.site)
        if key in seen:
            problems.append(
                f"« {b.site} » : ce site est donné deux fois pour la même période ; chaque "
                "site ne compte qu'une fois dans le réseau (s'il s'agit de deux sites "
                "différents, donnez-leur des noms distincts)."
            )
        else:
            seen[key] = b
    return problems


def _total(given: Sequence[PublicBilan], k: int, name: str | None) -> PublicBilan:
    """The sum of the sites' bilans (masked at ``k``, 0: not masked), named."""
    total = _sum(sorted(given, key=lambda b: (site_key(b.site), b.site)), k)
    return attrs.evolve(
        total,
        site=name if name is not None else network_name(len(given)),
        host=_common(b.host for b in given),
        territory=_common(b.territory for b in given),
        threshold=max(b.threshold for b in given),
        public=k > 0,
    )


def _prefixed(bilans: Iterable[PublicBilan]) -> list[Check]:
    return [Check(c.code, c.severity, f"{b.site} : {c.message}") for b in bilans for c in b.checks]


def public_network(
    given: Sequence[PublicBilan], masked: Sequence[PublicBilan], *, name: str | None = None
) -> PublicBilan:
    """The public bilan of the network of the complete bilans ``given``, whose sites'
    public bilans are first ``masked`` (each on its own): the total masked after the
    sum, then the total and every site protected together as one set of linked tables
    (:mod:`citeslab_core.network._protect`), so that no masked count of a site is the
    total minus the other sites; then the total masked more where, rounded, it would let
    a reader who knows every other site find a site's small count
    (:mod:`citeslab_core.network._differencing`); last, every count of the total rounded to
    :data:`~citeslab_core.bilan.rounding.NETWORK_ROUNDING` (:mod:`citeslab_core.bilan.
    rounding`), so that two publications whose sites differ by one do not give that
    site's counts by difference. The sites' own bilans are not rounded."""
    k = max(b.threshold for b in given)
    total = _total(given, k, name)
    truth = _total(given, 0, name)
    sites_checks = set(_prefixed(given))
    total = attrs.evolve(total, checks=tuple(c for c in total.checks if c not in sites_checks))
    total, sites = protect_network(total, truth, masked, given, k)
    total = guard_rounding(total, truth, sites, given, k, NETWORK_ROUNDING)
    return attrs.evolve(
        round_bilan(total, NETWORK_ROUNDING),
        checks=_sorted_checks([*_prefixed(sites), *total.checks]),
        sites=sites,
    )


def mask_bilan(bilan: PublicBilan) -> PublicBilan:
    """A complete (unmasked) bilan masked for publication, at its own threshold.

    The counts go through the bilan's own disclosure control as in
    ``compute_bilan(public=True)``; the site's funding and texts are kept as they are
    (they are not counts of persons), and the checks that count persons say
    « Des personnes » instead of their number. A network's bilan is masked as
    :func:`public_network` masks it: its total and its sites together, then its total
    rounded (masking each on its own would give a site's masked counts away).
    """
    if bilan.public:
        return bilan
    if bilan.sites:  # a network bilan's sites are sites (a network given is flattened)
        sites = bilan.sites
        network = public_network(sites, [mask_bilan(s) for s in sites], name=bilan.site)
        return attrs.evolve(network, provenance=bilan.provenance)
    masked = _sum([bilan], bilan.threshold)
    checks = tuple(
        _masked_check(c, bilan.threshold, masked)
        for c in bilan.checks
        if c.code != CheckCode.DISCLOSURE_LIMIT
    )
    shown = attrs.evolve(
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
    )
    # The self-audit over everything the bilan publishes, as compute_bilan runs it; the
    # QPV neighbourhoods are the statuses a bilan tells (docs/network.md).
    statuses = {
        q.neighbourhood: ResidenceStatus.QPV.code
        for q in bilan.qpv_breakdown
        if q.neighbourhood != NON_RENSEIGNE[1]
    }
    return secure_bilan(shown, bilan, statuses, bilan.threshold)


_LEADING_COUNT = re.compile(r"^\d[\d\s\u202f\u00a0]*")


def _masked_check(check: Check, k: int, masked: PublicBilan) -> Check:
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
