"""The network: one bilan for several sites, the sum of their own bilans.

A host structure runs several CitésLab sites, a region coordinates a dozen, Bpifrance
follows about a hundred. :func:`network_bilan` sums the sites' bilans (computed from
their records, or read back from their bilan JSON files with
:func:`citeslab_core.bilan.file.read_bilan`) into one :class:`~citeslab_core.bilan.Bilan`
that every renderer and exporter takes like a site's, with :attr:`Bilan.sites` keeping
every site's own bilan (docs/network.md).

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
``_sum._HANDLED`` by their own rule, any other one by a generic rule (an integer is
summed, a table summed by row code, a tuple of rows summed by the rows' non-numeric
fields) or refused with an error naming the field (``tests/test_network.py`` checks
the sum against the bilan of the sites' merged records, field by field).

The package's private modules: ``_bilans`` (the checks of the sites, the total, masking),
``_sum`` (the sum, field by field), ``_hoods`` (the neighbourhoods), ``_protect`` (the
public network's joint protection) and ``_inputs`` (the inputs read, checked and summed:
:func:`network_bilan` and the command line's :func:`network_of_inputs`, one path).
"""

from __future__ import annotations

from citeslab_core.network._bilans import (
    check_sites,
    mask_bilan,
    network_name,
    site_key,
)
from citeslab_core.network._inputs import NetworkInputs, network_bilan, network_of_inputs

__all__ = [
    "NetworkInputs",
    "check_sites",
    "mask_bilan",
    "network_bilan",
    "network_name",
    "network_of_inputs",
    "site_key",
]
