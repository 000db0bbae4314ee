"""The network's inputs: records, bilans and paths (folders, workbooks, canonical JSON,
bilan files) read, checked and summed into one network bilan. :func:`network_bilan` (the
Python API) and :func:`network_of_inputs` (the command line: the bilan and each site's
records, for the exporters) are one path, :func:`_network`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from citeslab_core import bilan as _bilan
from citeslab_core.bilan import Bilan, PublicBilan
from citeslab_core.errors import InvalidData, Location, Problem, UsageError
from citeslab_core.french import format_period
from citeslab_core.model import Dataset
from citeslab_core.network._bilans import (
    _total,
    mask_bilan,
    public_network,
    site_key,
)

#: What :func:`network_bilan` takes for one site: its records, its bilan, or a path (a
#: workbook, a CSV folder, a canonical JSON, a bilan JSON file).
NetworkInput = PublicBilan | Dataset | str | os.PathLike[str]


@attrs.frozen
class NetworkInputs:
    """What :func:`network_of_inputs` read and made: the bilan (a network's, or one
    site's when one bilan file was given) and each site's records (None for a site
    given by its bilan), in the order given."""

    bilan: PublicBilan
    records: tuple[Dataset | None, ...]


@attrs.frozen
class _Site:
    """One site of the network as its input gave it."""

    where: Location  # the input: its path, or « entrée n° 2 »
    bilan: PublicBilan  # the complete bilan
    data: Dataset | None  # the records, when given
    naming: str | None  # where its name is written, in the input's own terms


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
    """The bilan of the network of ``inputs`` (see the package's docstring).

    ``inputs``: any mix of :class:`~citeslab_core.model.Dataset` (a site's records),
    :class:`~citeslab_core.bilan.Bilan` and paths (workbook, CSV folder, canonical JSON,
    bilan JSON file); or a mapping ``{site name: input}`` that names each site (two
    sites whose records carry the same name are then told apart). Records need the
    period: ``start``, ``end``, ``year=2023`` or ``period=Period.quarter(2023, 2)``
    (``network_bilan(inputs, 2023)`` is the year); given bilans must be of that period.
    A network bilan given among the inputs stands for its own sites.

    Refused with :class:`~citeslab_core.errors.InvalidData`, every message naming the
    input (its path, or « entrée n° 2 ») and the site: an unreadable file, a public
    bilan, two periods, the same site twice (the message says where to rename it: the
    workbook's sheet ``structure``, the folder's ``structure.csv``, the JSON path).
    ``public=True`` masks the total and every site's bilan together
    (docs/public-mode.md); ``name`` replaces the default ``site`` of the total
    (``3 sites``).
    """
    public = _checked(inputs, public, name)
    items: list[tuple[str | None, NetworkInput]] = (
        list(inputs.items()) if isinstance(inputs, Mapping) else [(None, x) for x in inputs]
    )
    wanted = _period(start, end, year, period)
    return _network(
        items, wanted, public=public, name=name, named=isinstance(inputs, Mapping)
    ).bilan


def network_of_inputs(
    paths: Sequence[str | os.PathLike[str]], start: dt.date, end: dt.date, *, public: bool = False
) -> NetworkInputs:
    """The command line's network: :func:`network_bilan` of ``paths`` for the period from
    ``start`` to ``end``, with each site's records (for the exporters). One bilan file
    alone is that site's bilan (masked in public mode), not a network of one site."""
    return _network([(None, p) for p in paths], (start, end), public=public, name=None, alone=True)


def _network(
    items: Sequence[tuple[str | None, NetworkInput]],
    wanted: tuple[dt.date, dt.date] | None,
    *,
    public: bool,
    name: str | None,
    named: bool = False,
    alone: bool = False,
) -> NetworkInputs:
    """The one path of :func:`network_bilan` and :func:`network_of_inputs`: each input
    read, every problem gathered, the sites summed (protected together in public mode).
    ``alone``: one bilan file of one site is returned as it is."""
    if not items:
        raise UsageError("un bilan de réseau a besoin d'au moins un site")
    problems: list[Problem] = []
    sites = _sites_of(items, wanted, problems)
    problems.extend(_site_problems(sites, wanted, named))
    if problems:
        raise InvalidData(problems)
    records = tuple(s.data for s in sites)
    if alone and len(items) == 1 and len(sites) == 1 and sites[0].data is None:
        only = sites[0].bilan
        return NetworkInputs(mask_bilan(only) if public else only, records)
    given = [s.bilan for s in sites]
    if public:
        masked = [
            _bilan.compute_bilan(s.data, s.bilan.start, s.bilan.end, public=True)
            if s.data is not None
            else mask_bilan(s.bilan)
            for s in sites
        ]
        return NetworkInputs(public_network(given, masked, name=name), records)
    return NetworkInputs(attrs.evolve(_total(given, 0, name), sites=tuple(given)), records)


def _sites_of(
    items: Sequence[tuple[str | None, NetworkInput]],
    wanted: tuple[dt.date, dt.date] | None,
    problems: list[Problem],
) -> list[_Site]:
    """Each input read and, for records, computed; what is wrong is added to
    ``problems``."""
    sites: list[_Site] = []
    for n, (site_name, item) in enumerate(items, 1):
        where = _where(item, n)
        try:
            read = _read(item, where)
        except InvalidData as exc:
            problems.extend(exc.problems)
            continue
        if site_name is not None:
            naming = None
        elif isinstance(item, str | os.PathLike):
            naming = _naming(Path(item), read)
        else:
            naming = None
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
            sites.append(_Site(where, _bilan.compute_bilan(data, *wanted), data, naming))
            continue
        found = _flatten(read, "site")
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
            found = [(attrs.evolve(found[0][0], site=site_name), "site")]
        sites.extend(
            _Site(where, b, None, None if naming is None else f"{naming} {json_path}")
            for b, json_path in found
        )
    return sites


def _flatten(bilan: PublicBilan, json_path: str) -> list[tuple[PublicBilan, str]]:
    """The sites of ``bilan`` (itself, or a network's sites, at any depth), each with the
    JSON path of its name in the bilan file."""
    if not bilan.sites:
        return [(bilan, json_path)]
    prefix = json_path.removesuffix("site")
    return [
        found
        for i, site in enumerate(bilan.sites)
        for found in _flatten(site, f"{prefix}sites[{i}].site")
    ]


def _naming(path: Path, read: PublicBilan | Dataset) -> str:
    """Where a site's name is written in the input ``path``, in the input's own terms
    (completed by the JSON path for a bilan file)."""
    name = path.name or path.resolve().name  # « . » is the folder's own name
    if isinstance(read, Bilan):
        return f"dans {name}, au chemin JSON"
    if path.is_dir():
        return f"dans {name}/structure.csv, à la ligne de clé « nom »"
    if path.suffix.lower() == ".json":
        return f"dans {name}, au chemin JSON structure.nom"
    return f"dans {name}, feuille structure, à la ligne de clé « nom »"


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
    sites: Sequence[_Site], wanted: tuple[dt.date, dt.date] | None, named: bool
) -> list[Problem]:
    """Why these sites cannot be summed, each problem located at its input."""
    problems: list[Problem] = []
    if not sites:
        return problems
    first = sites[0]
    reference = wanted or (first.bilan.start, first.bilan.end)
    for site in sites:
        b = site.bilan
        if b.public:
            problems.append(
                Problem(
                    site.where,
                    f"« {b.site} » : bilan public (petits effectifs masqués) : ses cases "
                    "masquées ne peuvent pas être additionnées exactement. Donnez le bilan "
                    "complet (sans --public) ; le bilan du réseau se masque après la somme.",
                )
            )
        if (b.start, b.end) != reference:
            against = (
                "de la période demandée"
                if wanted is not None
                else f"de celle de « {first.bilan.site} » ({first.where})"
            )
            problems.append(
                Problem(
                    site.where,
                    f"« {b.site} » : bilan {format_period(b.start, b.end)}, pas {against} "
                    f"({format_period(*reference)}) : un bilan de réseau additionne des "
                    "bilans de la même période.",
                )
            )
    seen: dict[str, _Site] = {}
    for site in sites:
        key = site_key(site.bilan.site)
        if key not in seen:
            seen[key] = site
            continue
        problems.append(Problem(site.where, _twice(seen[key], site, named)))
    return problems


def _twice(first: _Site, second: _Site, named: bool) -> str:
    """The message for a site given twice: what to do, in the terms of the inputs given
    (the sheet ``structure`` of a workbook, ``structure.csv``, a JSON path; the mapping
    of ``network_bilan`` for objects)."""
    same = first.where == second.where and first.naming == second.naming
    also = " (la même entrée deux fois)" if same else f" (déjà dans {first.where})"
    said = (
        f"le site « {second.bilan.site} » est donné deux fois pour la même période{also} ; "
        "chaque site ne compte qu'une fois dans le réseau"
    )
    if same:
        return f"{said} : retirez l'entrée en double."
    if named:
        return f"{said} : donnez-leur des noms distincts dans le dictionnaire des entrées."
    places = [s.naming for s in (first, second) if s.naming is not None]
    if not places:
        return (
            f"{said} ; s'il s'agit de deux sites différents, nommez chaque entrée : "
            'network_bilan({"Brest nord": entrée_1, "Brest sud": entrée_2}, year=…).'
        )
    return (
        f"{said}. Si c'est le même site, ne le donnez qu'une fois ; s'il s'agit de deux "
        f"sites différents, renommez l'un d'eux ({' ou '.join(places)})."
    )
