"""Several inputs (folders, workbooks, bilan files) read and summed into one network
bilan: :class:`NetworkInputs`, :func:`network_of_inputs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from citeslab_core import bilan as _bilan
from citeslab_core.bilan import (
    Bilan,
    PublicBilan,
)
from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.french import format_period
from citeslab_core.model import Dataset
from citeslab_core.network._bilans import (
    _flatten,
    check_sites,
    mask_bilan,
    network_bilan,
    public_network,
    site_key,
)


@attrs.frozen
class NetworkInputs:
    """What :func:`network_of_inputs` read and made: the bilan (a network's, or one
    site's when one bilan file was given) and each input's records (None for a bilan
    file), in the order given."""

    bilan: PublicBilan
    records: tuple[Dataset | None, ...]


def network_of_inputs(
    paths: Sequence[Any], start: Any, end: Any, *, public: bool = False
) -> NetworkInputs:
    """The bilan of several sites' inputs, records (workbook, CSV folder, canonical JSON)
    and bilan files mixed (:func:`citeslab_core.bilan.file.read_inputs`), for the period
    from ``start`` to ``end``. Refused with :class:`~citeslab_core.errors.InvalidData`,
    each message naming its file: what :func:`~citeslab_core.bilan.file.read_bilan`
    refuses, a bilan file of another period, the same site twice. In public mode the
    sum is masked, and each site's bilan: from its records by ``compute_bilan``, from a
    bilan file by :func:`mask_bilan`."""
    from pathlib import Path

    from citeslab_core.bilan.file import read_inputs

    files = [Path(p) for p in paths]
    items = read_inputs(files)
    problems: list[Problem] = []
    sites: list[tuple[Path, PublicBilan, Dataset | None]] = []
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
    given = [site for _, site, _ in sites]
    if public:
        problems_ = check_sites(given)
        if problems_:
            raise InvalidData(Problem(Location(), message) for message in problems_)
        network = public_network(
            given,
            [
                _bilan.compute_bilan(data, start, end, public=True)
                if data is not None
                else mask_bilan(site)
                for _, site, data in sites
            ],
        )
    else:
        network = network_bilan(given)
    return NetworkInputs(network, records)
