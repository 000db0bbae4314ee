"""The network's bilan: the checks that the sites can be summed, :func:`network_bilan`
(the sum, then masked in public mode), :func:`mask_bilan` (a computed bilan masked as
``compute_bilan(public=True)`` would mask it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence

import attrs

from citeslab_core import bilan as _bilan
from citeslab_core.bilan import (
    Bilan,
    Check,
    PublicBilan,
)
from citeslab_core.bilan.checks import CheckCode
from citeslab_core.bilan.disclosure import mask_value
from citeslab_core.errors import InvalidData, Location, Problem, UsageError
from citeslab_core.french import format_count, format_period
from citeslab_core.model import Dataset
from citeslab_core.model.identity import identity_key
from citeslab_core.network._protect import protect_network
from citeslab_core.network._sum import (
    _sorted_checks,
    _sum,
)
from citeslab_core.vocabularies import (
    AgeBracket,
)


def network_name(count: int) -> str:
    """The ``site`` of a network bilan: ``3 sites`` (``1 site``)."""
    return f"{format_count(count)} site{'s' if count > 1 else ''}"


def site_key(name: str) -> str:
    """What makes two bilans the same site: the name as :func:`~citeslab_core.model.
    identity.identity_key` compares names (case, spacing, Unicode forms and invisible
    characters such as a zero-width space ignored)."""
    return identity_key(name)


def _flatten(bilans: Iterable[PublicBilan]) -> list[PublicBilan]:
    """The sites' bilans, a network bilan given as an input standing for its sites."""
    sites: list[PublicBilan] = []
    for b in bilans:
        sites.extend(_flatten(b.sites) if b.sites else [b])
    return sites


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
                "site ne compte qu'une fois dans le réseau (donnez des noms distincts aux "
                "sites dans la feuille structure, clé « nom »)."
            )
        else:
            seen[key] = b
    return problems


#: What :func:`network_bilan` takes for one site: its records, its bilan, or a path (a
#: workbook, a CSV folder, a canonical JSON, a bilan JSON file).
NetworkInput = PublicBilan | Dataset | str | os.PathLike[str]


def network_bilan(
    inputs: Iterable[NetworkInput] | Mapping[str, NetworkInput],
    start: dt.date | int | None = None,
    end: dt.date | None = None,
    *,
    year: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    public: bool = False,
    name: str | None = None,
) -> PublicBilan:
    """The bilan of the network of ``inputs`` (see the module docstring).

    ``inputs``: any mix of :class:`~citeslab_core.model.Dataset` (a site's records),
    :class:`~citeslab_core.bilan.Bilan` and paths (workbook, CSV folder, canonical JSON,
    bilan JSON file); or a mapping ``{site name: input}`` that names each site (two
    sites whose records carry the same name are then told apart). Records need the
    period: ``start``, ``end``, ``year=2023`` or ``period=Period.quarter(2023, 2)``
    (``network_bilan(inputs, 2023)`` is the year); given bilans must be of that period.
    A network bilan given among the inputs stands for its own sites.

    Refused with :class:`~citeslab_core.errors.InvalidData`, every message naming the
    input (its path, or « entrée n° 2 ») and the site: an unreadable file, a public
    bilan, two periods, the same site twice. ``public=True`` masks the total and every
    site's bilan together (docs/public-mode.md); ``name`` replaces the default ``site``
    of the total (``3 sites``).
    """
    public, named = _checked(inputs, public, name), isinstance(inputs, Mapping)
    items: list[tuple[str | None, NetworkInput]] = (
        list(inputs.items()) if isinstance(inputs, Mapping) else [(None, x) for x in inputs]
    )
    if not items:
        raise UsageError("un bilan de réseau a besoin d'au moins un site")
    wanted = _period(start, end, year, period)
    problems: list[Problem] = []
    sites = _sites_of(items, wanted, problems)
    problems.extend(_site_problems(sites, wanted, named))
    if problems:
        raise InvalidData(problems)
    given = [b for _, b, _ in sites]
    if public:
        masked = [
            _bilan.compute_bilan(data, b.start, b.end, public=True)
            if data is not None
            else mask_bilan(b)
            for _, b, data in sites
        ]
        return public_network(given, masked, name=name)
    return attrs.evolve(_total(given, 0, name), sites=tuple(given))


def _sites_of(
    items: Sequence[tuple[str | None, NetworkInput]],
    wanted: tuple[dt.date, dt.date] | None,
    problems: list[Problem],
) -> list[tuple[Location, PublicBilan, Dataset | None]]:
    """Each input read and, for records, computed: (where, the complete bilan, the
    records when given); what is wrong is added to ``problems``."""
    # (where, the complete bilan, the records when given)
    sites: list[tuple[Location, PublicBilan, Dataset | None]] = []
    for n, (site_name, item) in enumerate(items, 1):
        where = _where(item, n)
        try:
            read = _read(item, where)
        except InvalidData as exc:
            problems.extend(exc.problems)
            continue
        if isinstance(read, Dataset):
            if wanted is None:
                problems.append(
                    Problem(
                        where,
                        "des fiches de site : indiquez la période du bilan du réseau, par "
                        "exemple network_bilan(entrées, year=2023).",
                    )
                )
                continue
            data = read
            if site_name is not None:
                data = data.replace(site=attrs.evolve(data.site, name=site_name))
            sites.append((where, _bilan.compute_bilan(data, *wanted), data))
            continue
        found = _flatten([read])
        if site_name is not None:
            if len(found) > 1:
                problems.append(
                    Problem(
                        where,
                        f"« {site_name} » : c'est le bilan d'un réseau de {len(found)} sites ; "
                        "un nom ne s'applique qu'à un site (donnez le réseau sans nom).",
                    )
                )
                continue
            found = [attrs.evolve(found[0], site=site_name)]
        sites.extend((where, b, None) for b in found)
    return sites


def _checked(inputs: object, public: object, name: object) -> bool:
    """``network_bilan``'s arguments checked (French errors naming them); ``public``."""
    from citeslab_core.model import guards

    if name is not None:
        guards.instance(name, str, "name", "un nom de réseau (un texte) ou None")
    if isinstance(inputs, str | bytes | os.PathLike | Bilan | Dataset) or not isinstance(
        inputs, Iterable
    ):
        raise UsageError(
            f"inputs = {guards.shown(inputs)} : il faut une liste d'entrées, "
            "network_bilan([entrée1, entrée2], year=2023)"
        )
    return guards.flag(public, "public")


def _period(
    start: dt.date | int | None,
    end: dt.date | None,
    year: int | None,
    period: tuple[dt.date, dt.date] | None,
) -> tuple[dt.date, dt.date] | None:
    """The period the arguments name, None when none is named."""
    if start is None and end is None and year is None and period is None:
        return None
    from citeslab_core.bilan._compute import period_of

    found = period_of(start, end, year, period, call="network_bilan")
    return (found[0], found[1])


def _where(item: object, n: int) -> Location:
    """The input as a message names it: its path, else its number."""
    if isinstance(item, str | os.PathLike):
        return Location(file=os.fspath(item))
    return Location(file=f"entrée n° {n}")


def _read(item: object, where: Location) -> PublicBilan | Dataset:
    if isinstance(item, Bilan | Dataset):
        return item
    if isinstance(item, str | os.PathLike):
        from pathlib import Path

        from citeslab_core.bilan.file import read_inputs

        try:
            return read_inputs([Path(item)])[0]
        except UsageError as exc:  # no such file, an unknown format
            raise InvalidData([Problem(where, str(exc))]) from None
        except OSError as exc:
            raise InvalidData(
                [Problem(where, f"entrée illisible ({exc.strerror or exc}).")]
            ) from None
    raise InvalidData(
        [
            Problem(
                where,
                f"« {type(item).__name__} » n'est ni des fiches (Dataset), ni un bilan (Bilan), "
                "ni un chemin de fichier ou de dossier.",
            )
        ]
    )


def _site_problems(
    sites: Sequence[tuple[Location, PublicBilan, Dataset | None]],
    wanted: tuple[dt.date, dt.date] | None,
    named: bool,
) -> list[Problem]:
    """Why these sites cannot be summed, each problem located at its input."""
    problems: list[Problem] = []
    if not sites:
        return problems
    reference = wanted or (sites[0][1].start, sites[0][1].end)
    first_where = sites[0][0]
    for where, b, _ in sites:
        if b.public:
            problems.append(
                Problem(
                    where,
                    f"« {b.site} » : bilan public (petits effectifs masqués) : ses cases "
                    "masquées ne peuvent pas être additionnées exactement. Donnez le bilan "
                    "complet (sans --public) ; le bilan du réseau se masque après la somme.",
                )
            )
        if (b.start, b.end) != reference:
            against = (
                "de la période demandée"
                if wanted is not None
                else f"de celle de « {sites[0][1].site} » ({first_where})"
            )
            problems.append(
                Problem(
                    where,
                    f"« {b.site} » : bilan {format_period(b.start, b.end)}, pas {against} "
                    f"({format_period(*reference)}) : un bilan de réseau additionne des "
                    "bilans de la même période.",
                )
            )
    seen: dict[str, Location] = {}
    for where, b, _ in sites:
        key = site_key(b.site)
        if key not in seen:
            seen[key] = where
            continue
        also = " (la même entrée deux fois)" if seen[key] == where else f" (déjà dans {seen[key]})"
        hint = (
            "donnez-leur des noms distincts dans le dictionnaire des entrées"
            if named
            else "s'il s'agit de deux sites différents, nommez chaque entrée : "
            'network_bilan({"Brest nord": entrée_1, "Brest sud": entrée_2}, year=…)'
        )
        problems.append(
            Problem(
                where,
                f"le site « {b.site} » est donné deux fois{also} ; chaque site ne compte "
                f"qu'une fois dans le réseau ({hint}).",
            )
        )
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
    total minus the other sites."""
    k = max(b.threshold for b in given)
    total = _total(given, k, name)
    truth = _total(given, 0, name)
    sites_checks = set(_prefixed(given))
    total = attrs.evolve(total, checks=tuple(c for c in total.checks if c not in sites_checks))
    total, sites = protect_network(total, truth, masked, given, k)
    return attrs.evolve(
        total, checks=_sorted_checks([*_prefixed(sites), *total.checks]), sites=sites
    )


def mask_bilan(bilan: PublicBilan) -> PublicBilan:
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
