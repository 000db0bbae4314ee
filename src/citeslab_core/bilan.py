"""The bilan: every figure of a site's annual report, computed once from the records.

:func:`compute_bilan` turns a :class:`~citeslab_core.model.Dataset` and a period into a
:class:`Bilan`, an immutable tree of plain values. Renderers (text, JSON, HTML) and
exporters (BPI, PIC, contrat de ville) only read it: they compute nothing, so two outputs
of the same input and period can never disagree (DOMAIN.md, "Consistency").

Definitions (DOMAIN.md, "The annual report"; docs/bilan.md has every figure):

- **accompagnés**: persons with at least one ``entretien`` or ``point_etape`` dated in the
  period (both ends included); **nouveaux**: those whose first-ever ``entretien`` is in
  the period.
- The **portrait tables** count the accompanied: each lists every code of its
  vocabulary in vocabulary order, zeros included, then a ``non_renseigne`` row when some
  persons have no value; its counts add up to the accompanied and its shares (whole
  percentages, largest remainder) to exactly 100 (all 0 when the table is empty).
- **Orientation at the first meeting**: the category of the orientation dated on the day of
  the person's first-ever ``entretien`` (several that day: the first row); none: ``autre``,
  and :attr:`Bilan.without_orientation` says how many of ``autre`` had none.
- **Results**: the last ``sortie`` in the period (by date; same date: the later row),
  else ``en_cours``.

In public mode (``public=True``) the counts from 1 to k−1 are masked (None, shown ``s``),
with secondary masking: see :mod:`citeslab_core.disclosure`.

Masked values are None wherever a field is typed ``int | None``; a true 0 is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

import attrs

from citeslab_core.dates import PartialDate
from citeslab_core.funding import (
    Contribution,
    FundingPlan,
    FundingPlanRow,
    FundingYear,
)
from citeslab_core.model import Dataset
from citeslab_core.vocabularies import PartnershipCategory

__all__ = [
    "NON_RENSEIGNE",
    "SEVERITIES",
    "TABLE_KEYS",
    "TABLE_TITLES",
    "AnimationRow",
    "Bilan",
    "Check",
    "Contribution",
    "FundingPlan",
    "FundingPlanRow",
    "FundingYear",
    "Indicators",
    "PartnershipRow",
    "Prescriber",
    "ProgrammeRow",
    "QpvAnimationRow",
    "QpvRow",
    "ReachRow",
    "Table",
    "TableRow",
    "TextRow",
    "compute_bilan",
]

#: The code and label of the row of persons with no value.
NON_RENSEIGNE = ("non_renseigne", "Non renseigné")
#: The code and label of a result row for persons with no exit in the period.
EN_COURS = ("en_cours", "En cours")

#: The portrait tables, in the order of FORMATS.md §4 (the keys of ``Bilan.tables``).
TABLE_KEYS: tuple[str, ...] = (
    "sexe",
    "statut_residence",
    "quartier",
    "tranche_age",
    "niveau_formation",
    "situation_entree",
    "minima_sociaux",
    "canal",
    "stade_entree",
    "secteur",
    "orientation_premier_rdv",
    "resultat",
)

#: The French title of each table.
TABLE_TITLES: Mapping[str, str] = {
    "sexe": "Répartition femmes / hommes",
    "statut_residence": "Répartition par statut de résidence",
    "quartier": "Répartition par quartier",
    "tranche_age": "Répartition par âge (au premier entretien)",
    "niveau_formation": "Niveau de formation",
    "situation_entree": "Situation à l'entrée",
    "minima_sociaux": "Minima sociaux",
    "canal": "Comment le porteur de projet a connu CitésLab",
    "stade_entree": "Stade du projet à l'entrée",
    "secteur": "Nature des projets accompagnés",
    "orientation_premier_rdv": "Orientation à l'issue du premier rendez-vous",
    "resultat": "Résultats (sorties de la période)",
}

#: Severities of a check, most serious first.
SEVERITIES: tuple[str, ...] = ("erreur", "avertissement", "info")


@attrs.frozen
class TableRow:
    """One row of a table: a vocabulary code and its French label.

    ``count`` is the number of persons; ``share`` their whole percentage of the table's
    population. Both are None when masked in public mode (shown ``s``).
    """

    code: str
    label: str
    count: int | None
    share: int | None


@attrs.frozen
class Table:
    """A table of persons: rows in vocabulary order, then ``non_renseigne`` if not 0.

    ``total`` is the table's population (the accompanied for the portrait tables; for a
    sub-table, e.g. one QPV's persons by sex, that QPV's persons). It is None only when a
    sub-table's population is itself masked in public mode. The rows' counts add up to
    ``total`` and their shares to 100 (all 0 when ``total`` is 0).
    """

    key: str
    title: str
    rows: tuple[TableRow, ...]
    total: int | None

    def row(self, code: str) -> TableRow | None:
        """The row of ``code``, None when the table has none."""
        for row in self.rows:
            if row.code == code:
                return row
        return None


@attrs.frozen
class Indicators:
    """The activity indicators of the Bpifrance reporting (FORMATS.md §5), as counts.

    Each is a number of distinct persons among the accompanied (None when masked),
    except the animations' figures, which count actions and their participants.

    - ``accompanied``, ``new``: as in :class:`Bilan`;
    - ``women``: sex F; ``qpv_residents``: residence status ``qpv`` (not ``qpv_limite``);
    - ``under_26``: age brackets ``moins_18`` + ``18_25``;
    - ``job_seekers``: situation at entry ``de_non_indemnise`` + ``de_indemnise``;
    - ``minimum_benefits``: ``rsa`` + ``ass`` + ``aah``;
    - ``orientations``: the rows of the ``orientation_premier_rdv`` table;
    - ``creations``: the ``creation`` row of the results;
    - ``programme_entries``: distinct persons retained by a programme in the period;
    - ``animations_held``, ``animation_participants``: animations held (``realise``) in
      the period, all types, and their participants (None participants count 0).
    """

    accompanied: int | None
    new: int | None
    women: int | None
    qpv_residents: int | None
    under_26: int | None
    job_seekers: int | None
    minimum_benefits: int | None
    orientations: tuple[TableRow, ...]
    creations: int | None
    programme_entries: int | None
    animations_held: int
    animation_participants: int


@attrs.frozen
class ProgrammeRow:
    """A programme or accelerator: distinct persons who applied in the period
    (``oriented``) and who had a ``retenu`` decision in the period (``retained``)."""

    programme: str
    oriented: int | None
    retained: int | None


@attrs.frozen
class AnimationRow:
    """Animations of one type held (``realise``) in the period: how many, participants.

    Every type of the vocabulary, in its order, zeros included. ``participants`` adds up
    the participants of each animation (an unknown number counts 0). Permanences are the
    ``permanence`` row.
    """

    code: str
    label: str
    number: int
    participants: int


@attrs.frozen
class QpvAnimationRow:
    """Animations held in the period in one declared QPV neighbourhood (contrat de ville)."""

    neighbourhood: str
    qpv_code: str | None
    number: int
    participants: int


@attrs.frozen
class PartnershipRow:
    """A partnership or partner meeting whose (possibly partial) date overlaps the period."""

    partner: str
    category: PartnershipCategory | None
    action: str | None
    date: PartialDate | None


@attrs.frozen
class ReachRow:
    """Reach of one declared neighbourhood with a population.

    ``accompanied``: accompanied persons living there (the ``quartier`` table's count);
    ``per_thousand``: accompanied per 1 000 inhabitants, one decimal (None when masked
    or when the population is 0).
    """

    neighbourhood: str
    qpv_code: str | None
    population: int
    accompanied: int | None
    per_thousand: Decimal | None


@attrs.frozen
class QpvRow:
    """Accompanied persons of one QPV (residence status ``qpv``), by sex and age bracket.

    Rows: the declared neighbourhoods whose status is ``qpv`` in declared order, zeros
    included, then other neighbourhoods of QPV residents alphabetically, then QPV
    residents with no neighbourhood (``neighbourhood`` "Non renseigné").
    ``sex`` and ``age`` are tables whose ``total`` is ``accompanied``.
    """

    neighbourhood: str
    qpv_code: str | None
    accompanied: int | None
    sex: Table
    age: Table


@attrs.frozen
class Prescriber:
    """A prescribing partner of persons whose channel is ``partenaire``."""

    name: str
    count: int | None


@attrs.frozen
class TextRow:
    """A text of the site's own (``textes`` sheet), for publication."""

    section: str
    text: str


@attrs.frozen
class Check:
    """A consistency finding of the bilan: code, severity (``erreur``,
    ``avertissement`` or ``info``) and a French message."""

    code: str
    severity: str
    message: str


@attrs.frozen
class Bilan:
    """The computed bilan of one site for one period. See the module docstring.

    - ``site``: the site's name; ``start``, ``end``: the period, both included;
    - ``public``: masked for publication; ``threshold``: k, counts 1 … k−1 are masked;
    - ``accompanied`` (never masked: it is every table's total), ``new``;
    - ``tables``: the portrait tables, keys :data:`TABLE_KEYS` in that order;
    - ``without_orientation``: how many of ``orientation_premier_rdv``'s ``autre`` had
      no orientation at all on the day of their first entretien;
    - ``indicators``: the Bpifrance activity indicators;
    - ``programmes``: by first appearance in the records (the date order of the
      candidatures, then decisions), one row per programme seen in the period;
    - ``animations``: every animation type, held in the period;
    - ``animations_in_qpv``: per declared QPV neighbourhood;
    - ``partnerships``: by date, then partner;
    - ``reach``: declared neighbourhoods with a population, in declared order;
    - ``qpv_breakdown``: accompanied QPV residents per QPV by sex and age bracket;
    - ``prescribers``: most frequent first, ties by name;
    - ``funding``: the actual (``realise``) funding of the period's last year, or None;
    - ``funding_plan``: planned against actual for that year, or None;
    - ``funding_years``: every (year, nature) from two years before the period's first
      year to two years after its last year present in the records (a convention spans
      three years), by year then nature;
    - ``texts``: the site's texts, in their order;
    - ``checks``: the findings, errors first then warnings then information, each group
      in the order found.
    """

    site: str
    start: dt.date
    end: dt.date
    public: bool
    threshold: int
    accompanied: int
    new: int | None
    tables: Mapping[str, Table]
    without_orientation: int | None
    indicators: Indicators
    programmes: tuple[ProgrammeRow, ...]
    animations: tuple[AnimationRow, ...]
    animations_in_qpv: tuple[QpvAnimationRow, ...]
    partnerships: tuple[PartnershipRow, ...]
    reach: tuple[ReachRow, ...]
    qpv_breakdown: tuple[QpvRow, ...]
    prescribers: tuple[Prescriber, ...]
    funding: FundingYear | None
    funding_plan: FundingPlan | None
    funding_years: tuple[FundingYear, ...]
    texts: tuple[TextRow, ...]
    checks: tuple[Check, ...]


def compute_bilan(data: Dataset, start: dt.date, end: dt.date, *, public: bool = False) -> Bilan:
    """The bilan of ``data`` for the period from ``start`` to ``end`` (both included)."""
    raise NotImplementedError("compute_bilan: en cours d'écriture")
