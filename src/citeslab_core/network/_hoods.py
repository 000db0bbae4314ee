"""The network's neighbourhoods: the sites' declared neighbourhoods keyed by QPV code when
known, else by name (case aside), one population per QPV, and the
``population_incoherente`` check when two sites declare different ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import attrs

from citeslab_core.bilan import (
    NON_RENSEIGNE,
    Check,
    PublicBilan,
)
from citeslab_core.bilan.checks import CheckCode
from citeslab_core.french import format_count
from citeslab_core.model import Neighbourhood
from citeslab_core.vocabularies import (
    ResidenceStatus,
)


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

    def __init__(self, bilans: Sequence[PublicBilan]) -> None:
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
