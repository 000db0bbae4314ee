"""The bilan: every figure of a site's annual report, computed once from the records.

:func:`compute_bilan` turns a :class:`~citeslab_core.model.Dataset` and a period into a
:class:`Bilan`, an immutable tree of plain values. Renderers (text, JSON, HTML) and
exporters (BPI, PIC, contrat de ville) only read it: they compute nothing, so two outputs
of the same input and period can never disagree (docs/bilan.md).

Definitions (docs/bilan.md has every figure):

- **accompagnés**: persons with at least one ``entretien`` or ``point_etape`` dated in the
  period (both ends included); **nouveaux**: those whose first-ever ``entretien`` is in
  the period.
- The **portrait tables** count the accompanied: each lists every code of its
  vocabulary in vocabulary order, zeros included, then a ``non_renseigne`` row when some
  persons have no value; its counts add up to the accompanied; its shares are whole
  percentages each rounded on its own, half up (equal counts, equal shares: they may add
  up to 99 or 101), all 0 when the table is empty.
- **Orientation at the first meeting**: the category of the orientation dated on the day of
  the person's first-ever ``entretien`` (several that day: the first row); none: ``autre``,
  and :attr:`Bilan.without_orientation` says how many of ``autre`` had none.
- **Results**: the last ``sortie`` in the period (by date; same date: the later row),
  else ``en_cours``.

In public mode (``public=True``) the counts from 1 to k−1 are masked (None, shown ``s``),
with secondary masking: see :mod:`citeslab_core.bilan.disclosure`.

Masked values are None wherever a field is typed ``int | None``; a true 0 is 0.

The package's private modules, in the order of the computation (docs/developer-notes.md):
``_results`` (the frozen result classes and the tables' keys and titles), ``_scan`` (the
one pass over the persons' events and the tally of the accompanied), ``_portrait`` (the
portrait tables, their masking, the linked tables, the QPV breakdown, prescribers and
reach), ``_activity`` (programmes, animations, partnerships, orientations of the period,
the activity indicators), ``_checks`` (the wording of the checks) and ``_compute``
(:func:`compute_bilan`, which calls the others).
"""

from __future__ import annotations

from citeslab_core.bilan._activity import indicators_from_tables as indicators_from_tables
from citeslab_core.bilan._checking import COUNTED_CHECKS as COUNTED_CHECKS
from citeslab_core.bilan._checking import counted_check_message as counted_check_message
from citeslab_core.bilan._compute import compute_bilan
from citeslab_core.bilan._portrait import _make_table as _make_table
from citeslab_core.bilan._portrait import _portrait_tables as _portrait_tables
from citeslab_core.bilan._portrait import _prescribers as _prescribers
from citeslab_core.bilan._portrait import _qpv_breakdown as _qpv_breakdown
from citeslab_core.bilan._portrait import _reach as _reach
from citeslab_core.bilan._portrait import _true_tables as _true_tables
from citeslab_core.bilan._results import EN_COURS as EN_COURS
from citeslab_core.bilan._results import (
    NON_RENSEIGNE,
    ORIENTATIONS_PERIOD_TITLE,
    POSITIVE_EXITS,
    SEVERITIES,
    TABLE_KEYS,
    TABLE_TITLES,
    TEXT_SECTION_TITLES,
    AnimationRow,
    Bilan,
    Indicators,
    OrientationPeriodRow,
    PartnershipRow,
    Prescriber,
    ProgrammeRow,
    PublicBilan,
    QpvAnimationRow,
    QpvRow,
    ReachRow,
    Table,
    TableKey,
    TableRow,
    TextRow,
)
from citeslab_core.bilan._results import PlannedRow as PlannedRow
from citeslab_core.bilan._scan import PersonFigures, accompanied_persons
from citeslab_core.bilan._scan import _age_bracket as _age_bracket
from citeslab_core.bilan._scan import _scan_persons as _scan_persons
from citeslab_core.bilan._scan import _Tally as _Tally
from citeslab_core.bilan._scan import _tally as _tally
from citeslab_core.bilan.checks import Check
from citeslab_core.bilan.funding import Contribution, FundingPlan, FundingPlanRow, FundingYear

# Besides these, the names imported ``as`` themselves above are private: other modules of
# the package (network, tests) import them from here.
__all__ = [
    "NON_RENSEIGNE",
    "ORIENTATIONS_PERIOD_TITLE",
    "POSITIVE_EXITS",
    "SEVERITIES",
    "TABLE_KEYS",
    "TABLE_TITLES",
    "TEXT_SECTION_TITLES",
    "AnimationRow",
    "Bilan",
    "Check",
    "Contribution",
    "FundingPlan",
    "FundingPlanRow",
    "FundingYear",
    "Indicators",
    "OrientationPeriodRow",
    "PartnershipRow",
    "PersonFigures",
    "Prescriber",
    "ProgrammeRow",
    "PublicBilan",
    "QpvAnimationRow",
    "QpvRow",
    "ReachRow",
    "Table",
    "TableKey",
    "TableRow",
    "TextRow",
    "accompanied_persons",
    "compute_bilan",
]
