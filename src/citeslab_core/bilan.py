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
with secondary masking: see :mod:`citeslab_core.disclosure`.

Masked values are None wherever a field is typed ``int | None``; a true 0 is 0.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress, repeat, starmap
from operator import attrgetter, is_
from typing import TYPE_CHECKING, Literal, overload

import attrs

from citeslab_core.calendar import Calendar, EntryKind, build_calendar, partial_in
from citeslab_core.crf import FinancialReport, budget_findings, financial_report
from citeslab_core.dates import PartialDate, Precision, age_on
from citeslab_core.disclosure import mask_value, masked_sum, suppress
from citeslab_core.errors import UsageError
from citeslab_core.french import format_count, is_singular
from citeslab_core.funding import (
    Contribution,
    FundingPlan,
    FundingPlanRow,
    FundingYear,
    funding_checks,
    funding_plan,
    funding_year,
    funding_years,
)
from citeslab_core.model import Animation, Dataset, Event, Person
from citeslab_core.periods import Period
from citeslab_core.provenance import Provenance
from citeslab_core.shares import percent_of, shares_add_up, whole_percentages
from citeslab_core.vocabularies import (
    AgeBracket,
    AnimationStatus,
    AnimationType,
    Channel,
    Decision,
    EducationLevel,
    EventType,
    ExitResult,
    FundingNature,
    MinimumBenefit,
    OrientationCategory,
    PartnershipCategory,
    ResidenceStatus,
    Sector,
    Sex,
    SituationAtEntry,
    Stage,
    Vocabulary,
)

if TYPE_CHECKING:
    from pandas import DataFrame

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

#: The code and label of the row of persons with no value.
NON_RENSEIGNE = ("non_renseigne", "Non renseigné")
#: The code and label of a result row for persons with no exit in the period.
EN_COURS = ("en_cours", "En cours")

#: The key of a portrait table (``Bilan.table(key)``): a type checker catches a misspelt one.
TableKey = Literal[
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
]

#: The portrait tables, in the order of docs/bilan-json.md (the keys of ``Bilan.tables``).
TABLE_KEYS: tuple[TableKey, ...] = (
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
    "orientation_premier_rdv": "Orientation au premier rendez-vous (le jour du premier entretien)",
    "resultat": "Résultats (sorties de la période)",
}

#: The title of the orientations of the period (docs/bilan.md), beside the first meeting's.
ORIENTATIONS_PERIOD_TITLE = "Orientations de la période (personnes orientées au moins une fois)"

#: The exit results that count as positive exits (docs/exporters.md).
POSITIVE_EXITS: tuple[ExitResult, ...] = (
    ExitResult.CREATION,
    ExitResult.EMPLOI_FORMATION,
    ExitResult.POURSUITE,
)

#: The French title of the site's text sections that the ``textes`` sheet names by a code
#: (the seed's words); any other section is titled by its own name.
TEXT_SECTION_TITLES: Mapping[str, str] = {
    "points_forts": "Les points forts du dispositif",
    "points_amelioration": "Les points d’amélioration pour faire perdurer le dispositif",
    "perspectives": "Perspectives",
}

_TENTH = Decimal("0.1")

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


@attrs.frozen(repr=False)
class Table:
    """A table of persons: rows in vocabulary order, then ``non_renseigne`` if not 0.

    ``total`` is the table's population (the accompanied for the portrait tables; for a
    sub-table, e.g. one QPV's persons by sex, that QPV's persons). It is None only when a
    sub-table's population is itself masked in public mode. The rows' counts add up to
    ``total``; their shares are each rounded on their own, half up (equal counts, equal
    shares), so they add up to 100, or to 99 or 101 (:attr:`shares_rounded`); all 0 when
    ``total`` is 0.
    """

    key: str
    title: str
    rows: tuple[TableRow, ...]
    total: int | None

    def row(self, code: str | Vocabulary) -> TableRow | None:
        """The row of ``code`` (a code, or a member of the table's vocabulary such as
        ``Sex.F``), None when the table has none."""
        if isinstance(code, Vocabulary):
            code = code.code
        for row in self.rows:
            if row.code == code:
                return row
        return None

    @property
    def shares_rounded(self) -> bool:
        """The rows' shares, each rounded on its own, add up to 99, 101 or another figure
        than 100: the outputs say « parts arrondies » (see
        :func:`~citeslab_core.shares.shares_add_up`)."""
        return not shares_add_up([row.share for row in self.rows])

    def __repr__(self) -> str:
        from citeslab_core._display import table_repr

        return table_repr(self)

    def _repr_html_(self) -> str:
        from citeslab_core._display import table_html

        return table_html(self)


@attrs.frozen
class Indicators:
    """The activity indicators of the Bpifrance reporting (docs/exporters.md), as counts.

    Each is a number of distinct persons among the accompanied (None when masked),
    except the animations' figures, which count actions and their participants.

    - ``accompanied``, ``new``: as in :class:`Bilan`;
    - ``women``: sex F; ``qpv_residents``: residence status ``qpv`` (not ``qpv_limite``);
    - ``under_26``: age brackets ``moins_18`` + ``18_25``;
    - ``job_seekers``: situation at entry ``de_non_indemnise`` + ``de_indemnise``;
    - ``minimum_benefits``: ``rsa`` + ``ass`` + ``aah``;
    - ``orientations``: the rows of the ``orientation_premier_rdv`` table;
    - ``creations``: the ``creation`` row of the results;
    - ``positive_exits``: the results ``creation`` + ``emploi_formation`` + ``poursuite``
      (:data:`POSITIVE_EXITS`; docs/exporters.md, the PIC's summary), None when one of them
      is masked;
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
    positive_exits: int | None
    programme_entries: int | None
    animations_held: int
    animation_participants: int


@attrs.frozen
class OrientationPeriodRow:
    """One orientation category among the orientations of the period (docs/bilan.md).

    ``persons``: the distinct accompanied persons oriented at least once to that category
    in the period; ``orientations``: those persons' orientation events of that category in
    the period; ``share``: ``persons`` as a whole percentage of the accompanied (rounded on
    its own, half up). A person may count in several categories: the rows are not a
    partition. ``persons``, ``orientations`` and ``share`` are None when masked.
    """

    code: str
    label: str
    persons: int | None
    orientations: int | None
    share: int | None


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
class PlannedRow:
    """Animations of one type planned against held in the period (DOMAIN.md, "The
    calendar": the bilan compares planned and held).

    Every type of the vocabulary, in its order, zeros included. ``planned``: the
    ``prevu`` animations whose date lies wholly in the period ("novembre 2024" is in 2024
    and in its fourth quarter, not in November's first half), and for the ``permanence``
    row also the occurrences of the ``permanences`` sheet in the period; ``held``: the
    ``realise`` animations of the period (the ``number`` of the animations' row). Two
    counts, summed by ``code`` over a network like the animations' rows.
    """

    code: str
    label: str
    planned: int
    held: int


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
    action: str | None = attrs.field(repr=False)  # free text
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
    text: str = attrs.field(repr=False)  # free text


@attrs.frozen
class Check:
    """A consistency finding of the bilan: code, severity (``erreur``,
    ``avertissement`` or ``info``) and a French message."""

    code: str
    severity: str
    message: str


@attrs.frozen(repr=False)
class Bilan:
    """The computed bilan of one site for one period. See the module docstring.

    - ``site``: the site's name; ``host``, ``territory``: its host structure and its
      territory (the ``structure`` sheet's ``porteur`` and ``territoire``), None when not
      given; ``start``, ``end``: the period, both included;
    - ``public``: masked for publication; ``threshold``: k, counts 1 … k−1 are masked;
    - ``accompanied`` (never masked: it is every table's total), ``new``;
    - ``tables``: the portrait tables, keys :data:`TABLE_KEYS` in that order;
    - ``without_orientation``: how many of ``orientation_premier_rdv``'s ``autre`` had
      no orientation at all on the day of their first entretien;
    - ``indicators``: the Bpifrance activity indicators;
    - ``programmes``: by the date of the first candidature or decision in the period,
      then by name (an order that does not depend on the order of the rows);
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
      in the order found;
    - ``financial_report``: the compte rendu financier (Cerfa n° 15059) of the period's
      last year from the ``budget`` sheet, None when the budget has no line for that year
      (:mod:`citeslab_core.crf`); its findings are among ``checks``;
    - ``planned_animations``: per type of animation, planned and held in the period
      (:class:`PlannedRow`);
    - ``calendar``: the period's calendar (:mod:`citeslab_core.calendar`), for the
      ``calendrier`` exporter; not part of the figures;
    - ``subset``: the bilan of some of the site's persons (``Dataset.subset``): the
      persons' figures are theirs, the animations, partnerships and funding the whole
      site's;
    - ``orientations_period``: the orientations of the period, one row per orientation
      category in vocabulary order (:class:`OrientationPeriodRow`);
      ``orientations_period_persons``: the distinct accompanied persons oriented at least
      once in the period (the table's total row; None when masked);
    - ``sites``: empty for a site; for a network bilan (:func:`citeslab_core.network.
      network_bilan`), every site's own bilan, in the order given.
    """

    site: str
    host: str | None
    territory: str | None
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
    financial_report: FinancialReport | None = None
    #: planned against held, per type of animation (:class:`PlannedRow`)
    planned_animations: tuple[PlannedRow, ...] = ()
    #: the calendar of the period (planned animations, permanence occurrences) for the
    #: ``calendrier`` exporter: not a figure, so neither compared nor written in the JSON;
    #: None in a bilan read back from its JSON or summed over a network
    calendar: Calendar | None = attrs.field(default=None, eq=False)
    #: where the bilan comes from (citeslab_core.provenance.stamp), None until stamped
    provenance: Provenance | None = None
    subset: bool = False
    orientations_period: tuple[OrientationPeriodRow, ...] = ()
    orientations_period_persons: int | None = 0
    sites: tuple[Bilan, ...] = ()

    def table(self, key: TableKey) -> Table:
        """The portrait table ``key`` (typed: a misspelt key is a type checker's error)."""
        return self.tables[key]

    def __repr__(self) -> str:
        from citeslab_core._display import bilan_repr

        return bilan_repr(self)

    def _repr_html_(self) -> str:
        from citeslab_core._display import bilan_html

        return bilan_html(self)

    def to_frame(self) -> DataFrame:
        """The portrait tables as one tidy pandas DataFrame (``citeslab[pandas]``): a row
        per table row, columns ``tableau``, ``code``, ``libelle``, ``effectif``, ``part``,
        ``masque``, ``site``, ``debut``, ``fin``; a masked count or share is missing (NA)
        and ``masque`` is true."""
        from citeslab_core._frames import bilan_frame

        return bilan_frame(self)


@overload
def compute_bilan(
    data: Dataset, start: dt.date, end: dt.date, *, public: bool = False
) -> Bilan: ...
@overload
def compute_bilan(data: Dataset, *, year: int, public: bool = False) -> Bilan: ...
@overload
def compute_bilan(
    data: Dataset, *, period: tuple[dt.date, dt.date], public: bool = False
) -> Bilan: ...
def compute_bilan(
    data: Dataset,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    year: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    public: bool = False,
) -> Bilan:
    """The bilan of ``data`` for the period from ``start`` to ``end`` (both included), or
    for ``year=2023``, or for ``period=Period.quarter(2023, 2)`` (any ``(start, end)``).

    One pass over each person's events (``Dataset.events_by_person``; a person whose
    events all fall before or after the period is skipped at once), then the tables
    counted column by column over the accompanied: linear in the number of events
    (docs/performance.md, "The bilan").
    ``public=True`` masks small counts (see :mod:`citeslab_core.disclosure`).
    """
    start, end = _period_of(start, end, year, period)
    site = data.site
    k = site.disclosure_threshold if public else 0
    scan = _scan_persons(data, start, end)
    tally = _tally(data, scan.rows)
    checks: list[Check] = []

    tables, unprotected = _portrait_tables(data, tally, k)
    qpv_rows = _qpv_breakdown(data, tally, tables, k, unprotected)
    if k > 0:  # linked tables protected together, by the self-audit (citeslab_core.linked)
        qpv_rows = _secure_linked(data, tally, tables, qpv_rows, k, unprotected)
    for key in unprotected:
        checks.append(
            Check(
                "secret_statistique_limite",
                "info",
                f"Tableau « {TABLE_TITLES[key]} » : toutes ses cases sont masquées, mais une "
                "case masquée reste déductible du total publié (chaque ligne compte une "
                "personne, ou le tableau n'a qu'une ligne) : ne publiez pas ce tableau.",
            )
        )

    accompanied = tally.accompanied
    for key, table in tables.items():
        true_total = sum(tally.counters[key].values())
        if true_total != accompanied:  # pragma: no cover (defensive: cannot happen)
            checks.append(
                Check(
                    "table_incoherente",
                    "erreur",
                    f"Tableau « {table.title} » : {format_count(true_total)} personnes pour "
                    f"{format_count(accompanied)} accompagnées.",
                )
            )

    new = mask_value(tally.new, k)
    autre = tables["orientation_premier_rdv"].row(OrientationCategory.AUTRE.code)
    without: int | None = tally.without_orientation
    if public:
        with_other = (
            autre.count - tally.without_orientation
            if autre is not None and autre.count is not None
            else 0
        )
        if 0 < tally.without_orientation < k or 0 < with_other < k:
            without = None

    programmes = _programmes(scan, k)
    orientations_period, orientations_period_persons = _orientations_period(
        scan, tally.accompanied, k
    )
    entries = len(scan.retained_any)
    programme_entries: int | None = entries
    if public and (0 < entries < k or any(p.retained is None for p in programmes)):
        programme_entries = None

    animations, held, participants, no_participants = _animations(data, start, end)
    animations_in_qpv = _animations_in_qpv(data, start, end)
    calendar = build_calendar(data, start, end)
    if no_participants:
        checks.append(
            Check(
                "animation_sans_participants",
                "info",
                _agree(
                    no_participants,
                    "{n} animation réalisée sans nombre de participants : comptée pour 0 "
                    "participant.",
                    "{n} animations réalisées sans nombre de participants : comptées pour 0 "
                    "participant.",
                ),
            )
        )

    indicators = indicators_from_tables(
        tables,
        accompanied=accompanied,
        new=new,
        programme_entries=programme_entries,
        animations_held=held,
        animation_participants=participants,
    )

    under_18 = tally.counters["tranche_age"][AgeBracket.UNDER_18.code]
    if under_18:
        checks.append(
            Check(
                "age_moins_18",
                "avertissement",
                counted_check_message(
                    "age_moins_18", _table_cell(tables, "tranche_age", AgeBracket.UNDER_18.code)
                ),
            )
        )
    if tally.no_entretien:
        checks.append(
            Check(
                "sans_premier_entretien",
                "avertissement",
                counted_check_message("sans_premier_entretien", mask_value(tally.no_entretien, k)),
            )
        )
    if scan.exits_outside:
        checks.append(
            Check(
                "sortie_sans_contact",
                "info",
                counted_check_message("sortie_sans_contact", mask_value(scan.exits_outside, k)),
            )
        )

    partnerships, undated = _partnerships(data, start, end)
    if undated:
        checks.append(
            Check(
                "partenariat_sans_date",
                "info",
                _agree(
                    undated,
                    "{n} partenariat sans date : absent du bilan.",
                    "{n} partenariats sans date : absents du bilan.",
                ),
            )
        )

    policy = site.funding_policy
    year = end.year
    funding = funding_year(data.fundings, year, FundingNature.REALISE, policy)
    planned = funding_year(data.fundings, year, FundingNature.PREVISIONNEL, policy)
    plan = funding_plan(planned, funding, policy)
    years = funding_years(data.fundings, range(start.year - 2, end.year + 3), policy)
    for entry in years:
        # The year's own plan is checked with its actual funding (``funding`` is in
        # ``years``: its year is always in the window).
        is_actual = entry.year == year and entry.nature is FundingNature.REALISE
        checks.extend(
            Check(c.code, c.severity, c.message)
            for c in funding_checks(entry, plan if is_actual else None)
        )
    report = financial_report(data.budget, year, policy.gap_threshold)
    if report is not None:
        checks.extend(
            Check(f.code, f.severity, f.message) for f in budget_findings(report, data.fundings)
        )
    if funding is None:
        checks.append(
            Check(
                "financement_absent", "info", f"Aucun financement réalisé n'est saisi pour {year}."
            )
        )

    checks.sort(key=lambda c: SEVERITIES.index(c.severity))
    return Bilan(
        site=site.name,
        host=site.host,
        territory=site.territory,
        start=start,
        end=end,
        public=public,
        threshold=site.disclosure_threshold,
        accompanied=accompanied,
        new=new,
        tables=tables,
        without_orientation=without,
        indicators=indicators,
        programmes=programmes,
        animations=animations,
        animations_in_qpv=animations_in_qpv,
        partnerships=partnerships,
        reach=_reach(data, tables["quartier"]),
        qpv_breakdown=qpv_rows,
        prescribers=_prescribers(tally, tables, k),
        funding=funding,
        funding_plan=plan,
        funding_years=years,
        texts=tuple(TextRow(t.section, t.text) for t in data.texts),
        checks=tuple(checks),
        financial_report=report,
        planned_animations=_planned(data, animations, calendar),
        calendar=calendar,
        subset=data.is_subset,
        orientations_period=orientations_period,
        orientations_period_persons=orientations_period_persons,
    )


def _period_of(
    start: dt.date | None,
    end: dt.date | None,
    year: int | None,
    period: tuple[dt.date, dt.date] | None,
) -> Period:
    """The period that ``compute_bilan``'s arguments name: exactly one of its forms."""
    forms = (start is not None or end is not None) + (year is not None) + (period is not None)
    if forms != 1:
        raise UsageError(
            "indiquez la période d'une seule façon : compute_bilan(data, debut, fin), "
            "compute_bilan(data, year=2023) ou compute_bilan(data, period=Period.year(2023))"
        )
    if year is not None:
        return Period.year(year)
    if period is not None:
        return Period.of(*period)
    if start is None or end is None:
        raise UsageError("indiquez le début et la fin de la période")
    return Period.of(start, end)


# -- the pass over persons ---------------------------------------------------------------


@attrs.frozen
class PersonFigures:
    """One person accompanied in the period, as the bilan counts them.

    The one definition of the per-person figures: the bilan's tables tally these, and
    :func:`citeslab_core.privacy.build_participants` turns them into participant rows, so
    the two always agree.

    - ``person``: the record (identity included: it never leaves the core as it is);
    - ``first_entretien``: the person's first-ever ``entretien``, None when there is none;
    - ``new``: that first entretien is in the period;
    - ``age_date``: the day the age is taken: the first entretien, else the person's first
      event; ``age_bracket``: the age bracket on that day, None when the birth date is
      unknown;
    - ``orientation``: the category of the orientation dated on the day of the first
      entretien (several that day: the first row), None when there is none (the bilan
      counts it ``autre``);
    - ``exit_date``, ``exit_result``: the last ``sortie`` in the period (by date; same date:
      the later row), None when there is none (``en_cours``).
    """

    person: Person
    first_entretien: dt.date | None
    new: bool
    age_date: dt.date
    age_bracket: AgeBracket | None
    orientation: OrientationCategory | None
    exit_date: dt.date | None
    exit_result: ExitResult | None


def accompanied_persons(data: Dataset, start: dt.date, end: dt.date) -> tuple[PersonFigures, ...]:
    """The persons accompanied from ``start`` to ``end`` (at least one ``entretien`` or
    ``point_etape`` in the period, both ends included), in the order of ``data.persons``.
    One pass over each person's events: linear in the number of events."""
    return tuple(starmap(PersonFigures, _scan_persons(data, start, end).rows))


#: One accompanied person's figures, the fields of :class:`PersonFigures` in their order.
_Row = tuple[
    Person,
    dt.date | None,
    bool,
    dt.date,
    AgeBracket | None,
    OrientationCategory | None,
    dt.date | None,
    ExitResult | None,
]


@attrs.define
class _Scan:
    """What one pass over the persons' events gathers (true counts, before masking)."""

    rows: list[_Row] = attrs.field(factory=list)
    exits_outside: int = 0
    oriented: dict[str, set[str]] = attrs.field(factory=dict)
    retained: dict[str, set[str]] = attrs.field(factory=dict)
    retained_any: set[str] = attrs.field(factory=set)
    programme_first: dict[str, dt.date] = attrs.field(factory=dict)
    #: Orientations of the period of the accompanied: distinct persons and events by
    #: category, and the persons oriented at least once.
    orient_persons: Counter[OrientationCategory] = attrs.field(factory=Counter)
    orient_events: Counter[OrientationCategory] = attrs.field(factory=Counter)
    orient_any: int = 0


def _scan_persons(data: Dataset, start: dt.date, end: dt.date) -> _Scan:
    """The one pass: each accompanied person's figures as a row (a plain tuple: the bilan
    tallies them column-wise, :func:`accompanied_persons` makes them records), and the
    programmes' and exits' figures of every person."""
    scan = _Scan()
    rows = scan.rows
    oriented, retained, retained_any = scan.oriented, scan.retained, scan.retained_any
    firsts = scan.programme_first
    exits_outside = 0
    entretien, point, orientation = (
        EventType.ENTRETIEN,
        EventType.POINT_ETAPE,
        EventType.ORIENTATION,
    )
    candidature, decision, sortie = (
        EventType.CANDIDATURE_PROGRAMME,
        EventType.DECISION_PROGRAMME,
        EventType.SORTIE,
    )
    retenu = Decision.RETENU
    other_category = OrientationCategory.AUTRE
    by_person = data.events_by_person
    # events_by_person has every person, in the order of data.persons: the person of each
    # entry comes with it, without a look-up (checked below; else the look-up).
    persons = data.persons if len(data.persons) == len(by_person) else repeat(None)
    for person, (pid, events) in zip(persons, by_person.items(), strict=False):
        # By date: a person whose events all fall before or after the period has no
        # contact, exit or programme event in it, and nothing to count.
        if not events or events[-1].date < start or events[0].date > end:
            continue
        first: dt.date | None = None
        contact = False
        last_exit: Event | None = None
        orient_day: dt.date | None = None
        orient_category: OrientationCategory | None = None
        in_period: list[OrientationCategory] | None = None
        for ev in events:  # by date, same date in input order
            kind = ev.type
            if kind is point:
                if not contact:
                    contact = start <= ev.date <= end
            elif kind is entretien:
                day = ev.date
                if first is None:
                    first = day
                if not contact:
                    contact = start <= day <= end
            elif kind is orientation:
                # The first orientation row of the day of the first entretien.
                day = ev.date
                if day != orient_day and (first is None or day == first):
                    orient_day = day
                    orient_category = ev.category
                if start <= day <= end:
                    if in_period is None:
                        in_period = []
                    in_period.append(ev.category or other_category)
            elif kind is sortie:
                if start <= ev.date <= end:
                    last_exit = ev  # the last one wins: by date, then the later row
            elif kind is candidature:
                programme = ev.programme
                day = ev.date
                if programme and start <= day <= end:
                    oriented.setdefault(programme, set()).add(pid)
                    known = firsts.get(programme)
                    if known is None or day < known:
                        firsts[programme] = day
            elif kind is decision:
                programme = ev.programme
                day = ev.date
                if programme and start <= day <= end:
                    if ev.decision is retenu:
                        retained.setdefault(programme, set()).add(pid)
                        retained_any.add(pid)
                    known = firsts.get(programme)
                    if known is None or day < known:
                        firsts[programme] = day
        if not contact:
            if last_exit is not None and last_exit.result is not None:
                exits_outside += 1
            continue
        if in_period is not None:
            scan.orient_events.update(in_period)
            scan.orient_persons.update(set(in_period))
            scan.orient_any += 1
        if person is None or person.id != pid:  # pragma: no cover (defensive)
            person = data.persons_by_id[pid]
        age_date = first if first is not None else events[0].date
        rows.append(
            (
                person,
                first,
                first is not None and start <= first <= end,
                age_date,
                _age_bracket(person.birth, age_date),
                orient_category if orient_day == first else None,
                last_exit.date if last_exit is not None else None,
                last_exit.result if last_exit is not None else None,
            )
        )
    scan.exits_outside = exits_outside
    return scan


#: The age bracket of each age from 0 to 120 (``AgeBracket.of_age`` once per age).
_BRACKET_OF_AGE: tuple[AgeBracket, ...] = tuple(AgeBracket.of_age(age) for age in range(121))


def _age_bracket(birth: PartialDate | None, on: dt.date) -> AgeBracket | None:
    """``AgeBracket.of_age(age_on(birth, on))``, None without a birth date.

    The same ages as :func:`~citeslab_core.dates.age_on` (``relativedelta``), without
    building a ``relativedelta`` per person (5 µs each): born on a day other than 29
    February and on or before ``on``, the age is the difference of the years, less one
    before the birthday; the other cases go through ``age_on``.
    """
    if birth is None:
        return None
    born = birth.start
    if birth.precision is not Precision.DAY:
        age = on.year - born.year
    elif (born.day == 29 and born.month == 2) or on < born:
        age = age_on(birth, on)
    else:
        age = on.year - born.year
        if on.month < born.month or (on.month == born.month and on.day < born.day):
            age -= 1
    if 0 <= age <= 120:
        return _BRACKET_OF_AGE[age]
    return AgeBracket.of_age(age)


@attrs.define
class _Tally:
    """The accompanied persons' counts, by table and more (true counts, before masking)."""

    accompanied: int = 0
    new: int = 0
    without_orientation: int = 0
    no_entretien: int = 0
    counters: dict[str, Counter[str]] = attrs.field(factory=dict)
    other_hoods: set[str] = attrs.field(factory=set)
    qpv: dict[tuple[str | None, str | None], tuple[Counter[str], Counter[str]]] = attrs.field(
        factory=dict
    )
    prescribers: Counter[str | None] = attrs.field(factory=Counter)
    prescriber_spellings: dict[str, set[str]] = attrs.field(factory=dict)


def _codes_by_id(vocabulary: type[Vocabulary], none: str | None) -> dict[int, str]:
    """``id(member)`` → code (and ``id(None)`` → ``none``): a column of members (singletons)
    is counted by ``id``, then each distinct member turned into its code once."""
    codes = {id(member): member.code for member in vocabulary}
    if none is not None:
        codes[id(None)] = none
    return codes


def _count_codes(column: Iterable[object], codes: dict[int, str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for key, n in Counter(map(id, column)).items():
        counts[codes[key]] += n  # None may count as a member (orientation: ``autre``)
    return counts


#: The person's fields counted as they are (vocabulary, code of "no value"), by table.
_PERSON_TABLES: tuple[tuple[str, str, type[Vocabulary], str | None], ...] = (
    ("sexe", "sex", Sex, NON_RENSEIGNE[0]),
    ("statut_residence", "residence", ResidenceStatus, NON_RENSEIGNE[0]),
    ("niveau_formation", "education", EducationLevel, NON_RENSEIGNE[0]),
    ("situation_entree", "situation", SituationAtEntry, NON_RENSEIGNE[0]),
    ("minima_sociaux", "benefit", MinimumBenefit, None),
    ("canal", "channel", Channel, NON_RENSEIGNE[0]),
    ("stade_entree", "stage_at_entry", Stage, NON_RENSEIGNE[0]),
    ("secteur", "sector", Sector, NON_RENSEIGNE[0]),
)


def _tally(data: Dataset, rows: list[_Row]) -> _Tally:
    """The counts of the accompanied, column by column (C-level counting of each column;
    Python only per distinct value)."""
    tally = _Tally(counters={key: Counter() for key in TABLE_KEYS})
    if not rows:
        return tally
    counters = tally.counters
    nr = NON_RENSEIGNE[0]
    persons, firsts, news, _, brackets, orientations, _, results = zip(*rows, strict=True)
    tally.accompanied = len(rows)
    tally.new = news.count(True)
    tally.no_entretien = firsts.count(None)
    tally.without_orientation = orientations.count(None)
    # Every field read in one pass over the persons (one visit of each record, where a
    # pass per field would fetch each record from memory again), then transposed.
    names = [field for _, field, _, _ in _PERSON_TABLES]
    names += ["neighbourhood", "qpv_code", "prescriber"]
    values = zip(*map(attrgetter(*names), persons), strict=True)
    columns = dict(zip(names, values, strict=True))
    for key, field, vocabulary, none in _PERSON_TABLES:
        counters[key] = _count_codes(columns[field], _codes_by_id(vocabulary, none))
    age_codes = _codes_by_id(AgeBracket, nr)
    counters["tranche_age"] = _count_codes(brackets, age_codes)
    counters["orientation_premier_rdv"] = _count_codes(
        orientations, _codes_by_id(OrientationCategory, OrientationCategory.AUTRE.code)
    )
    counters["resultat"] = _count_codes(results, _codes_by_id(ExitResult, EN_COURS[0]))

    # Neighbourhoods: a declared one in any case, else the name as written (trimmed).
    hoods = {h.name.casefold(): h for h in data.neighbourhoods}
    written = columns["neighbourhood"]
    hood_of: dict[str | None, str | None] = {}
    for raw in dict.fromkeys(written):
        name: str | None = None
        if raw and raw.strip():
            declared = hoods.get(raw.casefold())
            if declared is not None:
                name = declared.name
            else:
                name = raw.strip()
                tally.other_hoods.add(name)
        hood_of[raw] = name
    quartier = counters["quartier"]
    for raw, n in Counter(written).items():
        name = hood_of[raw]
        quartier[name if name is not None else nr] += n

    # QPV residents by (neighbourhood, QPV code), by sex and by age bracket; the keys in
    # the order of their first person, as a person-by-person pass would add them.
    in_qpv = list(map(is_, columns["residence"], repeat(ResidenceStatus.QPV)))
    if any(in_qpv):
        keys = list(
            zip(
                compress(written, in_qpv),
                compress(columns["qpv_code"], in_qpv),
                strict=True,
            )
        )
        sex_codes = _codes_by_id(Sex, nr)
        by_sex = Counter(zip(keys, map(id, compress(columns["sex"], in_qpv)), strict=True))
        by_age = Counter(zip(keys, map(id, compress(brackets, in_qpv)), strict=True))
        qpv = tally.qpv
        for ((raw, code), sex), n in by_sex.items():
            counts = qpv.setdefault((hood_of[raw], code), (Counter(), Counter()))
            counts[0][sex_codes[sex]] += n
        for ((raw, code), age), n in by_age.items():
            qpv[hood_of[raw], code][1][age_codes[age]] += n

    # Prescribers of the persons who came through a partner: one per spelling up to case.
    partner = list(map(is_, columns["channel"], repeat(Channel.PARTENAIRE)))
    for raw, n in Counter(compress(columns["prescriber"], partner)).items():
        name = raw.strip() if raw else ""
        if name:
            key = name.casefold()
            tally.prescribers[key] += n
            tally.prescriber_spellings.setdefault(key, set()).add(name)
        else:
            tally.prescribers[None] += n
    return tally


#: The checks whose message starts with a count of persons (or exits), masked in public
#: mode: their singular and plural wording, in one place for compute_bilan and for
#: masking a computed bilan (network.mask_bilan).
COUNTED_CHECKS: dict[str, tuple[str, str]] = {
    "age_moins_18": (
        "{n} personne accompagnée avait moins de 18 ans au premier entretien : "
        "vérifiez sa date de naissance.",
        "{n} personnes accompagnées avaient moins de 18 ans au premier entretien : "
        "vérifiez les dates de naissance.",
    ),
    "sans_premier_entretien": (
        "{n} personne accompagnée n'a aucun entretien individuel : son âge est pris "
        "à son premier suivi et son orientation au premier rendez-vous comptée en "
        "« Autres ».",
        "{n} personnes accompagnées n'ont aucun entretien individuel : leur âge est "
        "pris à leur premier suivi et leur orientation au premier rendez-vous "
        "comptée en « Autres ».",
    ),
    "sortie_sans_contact": (
        "{n} sortie datée de la période concerne une personne sans entretien ni "
        "point d'étape dans la période : elle n'est pas dans les résultats.",
        "{n} sorties datées de la période concernent des personnes sans entretien "
        "ni point d'étape dans la période : elles ne sont pas dans les résultats.",
    ),
}


def _table_cell(tables: Mapping[str, Table], key: str, code: str) -> int | None:
    """The count of row ``code`` of table ``key`` (None when masked, 0 when absent)."""
    row = tables[key].row(code)
    return row.count if row is not None else 0


def indicators_from_tables(
    tables: Mapping[str, Table],
    *,
    accompanied: int | None,
    new: int | None,
    programme_entries: int | None,
    animations_held: int,
    animation_participants: int,
) -> Indicators:
    """The activity indicators read from a bilan's (masked or not) tables: one definition
    for a site's bilan and a network's (:class:`Indicators` says what each one counts)."""

    def cell(key: str, code: str) -> int | None:
        return _table_cell(tables, key, code)

    return Indicators(
        accompanied=accompanied,
        new=new,
        women=cell("sexe", Sex.F.code),
        qpv_residents=cell("statut_residence", ResidenceStatus.QPV.code),
        under_26=masked_sum(
            [
                cell("tranche_age", AgeBracket.UNDER_18.code),
                cell("tranche_age", AgeBracket.A18_25.code),
            ]
        ),
        job_seekers=masked_sum(
            [cell("situation_entree", s.code) for s in SituationAtEntry if s.job_seeker]
        ),
        minimum_benefits=masked_sum(
            [
                cell("minima_sociaux", b.code)
                for b in MinimumBenefit
                if b is not MinimumBenefit.AUCUN
            ]
        ),
        orientations=tables["orientation_premier_rdv"].rows,
        creations=cell("resultat", ExitResult.CREATION.code),
        positive_exits=masked_sum([cell("resultat", r.code) for r in POSITIVE_EXITS]),
        programme_entries=programme_entries,
        animations_held=animations_held,
        animation_participants=animation_participants,
    )


def counted_check_message(code: str, count: int | None) -> str:
    """The message of the counted check ``code`` for ``count`` (None: masked, « Des … »)."""
    singular, plural = COUNTED_CHECKS[code]
    return _agree(count, singular, plural)


def _agree(count: int | None, singular: str, plural: str) -> str:
    """A check's message agreeing with ``count`` (babel's French plural rules:
    :func:`~citeslab_core.french.is_singular`); ``{n}`` is the count, or « Des » when it
    is masked (``k`` is 0 outside public mode: nothing is)."""
    if count is None:
        return plural.replace("{n}", "Des")
    text = singular if is_singular(count) else plural
    return text.replace("{n}", format_count(count))


# -- tables --------------------------------------------------------------------------------


def _vocabulary_rows(vocabulary: type[Vocabulary]) -> list[tuple[str, str]]:
    return [(m.code, m.label) for m in vocabulary]


def _row_codes(data: Dataset, tally: _Tally) -> dict[str, list[tuple[str, str]]]:
    """Every table's rows (code, label) before the ``non_renseigne`` row."""
    declared = [h.name for h in data.neighbourhoods]
    declared_set = set(declared)
    others = sorted(tally.other_hoods - declared_set, key=lambda n: (n.casefold(), n))
    return {
        "sexe": _vocabulary_rows(Sex),
        "statut_residence": _vocabulary_rows(ResidenceStatus),
        "quartier": [(n, n) for n in [*declared, *others]],
        "tranche_age": _vocabulary_rows(AgeBracket),
        "niveau_formation": _vocabulary_rows(EducationLevel),
        "situation_entree": _vocabulary_rows(SituationAtEntry),
        "minima_sociaux": _vocabulary_rows(MinimumBenefit),
        "canal": _vocabulary_rows(Channel),
        "stade_entree": _vocabulary_rows(Stage),
        "secteur": _vocabulary_rows(Sector),
        "orientation_premier_rdv": _vocabulary_rows(OrientationCategory),
        "resultat": [*_vocabulary_rows(ExitResult), EN_COURS],
    }


#: Tables in which every person has a value: no ``non_renseigne`` row.
_ALWAYS_FILLED = frozenset({"orientation_premier_rdv", "resultat", "minima_sociaux"})


def _make_table(
    key: str,
    title: str,
    codes: list[tuple[str, str]],
    counter: Counter[str] | Counter[str | None],
    k: int,
    *,
    with_non_renseigne: bool = True,
    forced: dict[str, bool] | None = None,
    total_masked: bool = False,
) -> tuple[Table, bool]:
    """A table from its rows and counter, masked when ``k`` > 0; also "unprotected"."""
    rows = list(codes)
    if with_non_renseigne:
        rows.append(NON_RENSEIGNE)
    counts = [counter.get(code, 0) for code, _ in rows]
    shares = whole_percentages(counts)
    masked: tuple[bool, ...] = (False,) * len(rows)
    unprotected = False
    if k > 0:
        forced_list = [bool(forced and forced.get(code)) for code, _ in rows]
        suppression = suppress(counts, k, forced_list, total_masked=total_masked)
        masked, unprotected = suppression.masked, suppression.unprotected
    table_rows = []
    for (code, label), count, share, hidden in zip(rows, counts, shares, masked, strict=True):
        if code == NON_RENSEIGNE[0] and with_non_renseigne and count == 0 and not hidden:
            continue
        table_rows.append(
            TableRow(code, label, None if hidden else count, None if hidden else share)
        )
    total = sum(counts)
    return Table(key, title, tuple(table_rows), total), unprotected


def _portrait_tables(data: Dataset, tally: _Tally, k: int) -> tuple[dict[str, Table], list[str]]:
    codes = _row_codes(data, tally)
    tables: dict[str, Table] = {}
    unprotected: list[str] = []
    for key in TABLE_KEYS:
        table, exposed = _make_table(
            key,
            TABLE_TITLES[key],
            codes[key],
            tally.counters[key],
            k,
            with_non_renseigne=key not in _ALWAYS_FILLED,
        )
        tables[key] = table
        if exposed:
            unprotected.append(key)
    return tables, unprotected


def _true_tables(data: Dataset, tally: _Tally) -> tuple[dict[str, Table], tuple[QpvRow, ...]]:
    """The tables and QPV rows unmasked: the true counts the self-audit needs."""
    truth, _ = _portrait_tables(data, tally, 0)
    return truth, _qpv_breakdown(data, tally, dict(truth), 0, [])


def _secure_linked(
    data: Dataset,
    tally: _Tally,
    tables: dict[str, Table],
    qpv_rows: tuple[QpvRow, ...],
    k: int,
    unprotected: list[str],
) -> tuple[QpvRow, ...]:
    from citeslab_core.linked import secure

    truth, true_qpv = _true_tables(data, tally)
    statuses = {
        h.name: h.residence.code if h.residence is not None else None for h in data.neighbourhoods
    }
    rows, limited = secure(tables, truth, qpv_rows, true_qpv, statuses, tally.accompanied, k)
    unprotected.extend(key for key in limited if key not in unprotected)
    return rows


def _qpv_keys(data: Dataset, tally: _Tally) -> list[tuple[str | None, str | None]]:
    """The QPV rows: declared QPV neighbourhoods, then others by name, then unnamed."""
    declared = [
        (h.name, h.qpv_code) for h in data.neighbourhoods if h.residence is ResidenceStatus.QPV
    ]
    seen = set(declared)
    others = sorted(
        (key for key in tally.qpv if key not in seen),
        key=lambda key: (key[0] is None, (key[0] or "").casefold(), key[0] or "", key[1] or ""),
    )
    return [*declared, *others]


def _qpv_breakdown(
    data: Dataset, tally: _Tally, tables: dict[str, Table], k: int, unprotected: list[str]
) -> tuple[QpvRow, ...]:
    """The per-QPV rows; may mask more of the ``quartier`` table (and say so in
    ``unprotected`` when that table can no longer be protected)."""
    keys = _qpv_keys(data, tally)
    counts = [sum(tally.qpv[key][0].values()) if key in tally.qpv else 0 for key in keys]
    masked: tuple[bool, ...] = (False,) * len(keys)
    if k > 0:
        # A neighbourhood masked in the quartier table stays masked here, and the other
        # way round, until both agree (the two tables often show the same figure).
        quartier = tables["quartier"]
        codes = _row_codes(data, tally)["quartier"]
        qpv_total = tables["statut_residence"].row(ResidenceStatus.QPV.code)
        total_masked = qpv_total is not None and qpv_total.count is None
        for _ in range(len(keys) + 2):
            hidden_hoods = {row.code for row in quartier.rows if row.count is None}
            forced = [
                (key[0] if key[0] is not None else NON_RENSEIGNE[0]) in hidden_hoods for key in keys
            ]
            masked = suppress(counts, k, forced, total_masked=total_masked).masked
            names = {
                (key[0] if key[0] is not None else NON_RENSEIGNE[0])
                for key, hide in zip(keys, masked, strict=True)
                if hide
            }
            if names <= hidden_hoods:
                break
            quartier, exposed = _make_table(
                "quartier",
                TABLE_TITLES["quartier"],
                codes,
                tally.counters["quartier"],
                k,
                forced=dict.fromkeys(names | hidden_hoods, True),
            )
            tables["quartier"] = quartier
            if exposed and "quartier" not in unprotected:
                unprotected.append("quartier")
    rows = []
    age_codes = _vocabulary_rows(AgeBracket)
    sex_codes = _vocabulary_rows(Sex)
    for key, count, hide in zip(keys, counts, masked, strict=True):
        sexes, ages = tally.qpv.get(key, (Counter(), Counter()))
        name = key[0] if key[0] is not None else NON_RENSEIGNE[1]
        sex_table, _ = _make_table(
            "sexe", TABLE_TITLES["sexe"], sex_codes, sexes, k, total_masked=hide
        )
        age_table, _ = _make_table(
            "tranche_age", TABLE_TITLES["tranche_age"], age_codes, ages, k, total_masked=hide
        )
        rows.append(
            QpvRow(
                name,
                key[1],
                None if hide else count,
                attrs.evolve(sex_table, total=None if hide else count),
                attrs.evolve(age_table, total=None if hide else count),
            )
        )
    return tuple(rows)


def _programmes(scan: _Scan, k: int) -> tuple[ProgrammeRow, ...]:
    names = sorted(scan.programme_first, key=lambda p: (scan.programme_first[p], p))
    rows = []
    for name in names:
        oriented = len(scan.oriented.get(name, ()))
        retained = len(scan.retained.get(name, ()))
        if k > 0:
            rows.append(ProgrammeRow(name, mask_value(oriented, k), mask_value(retained, k)))
        else:
            rows.append(ProgrammeRow(name, oriented, retained))
    return tuple(rows)


def _orientations_period(
    scan: _Scan, accompanied: int, k: int
) -> tuple[tuple[OrientationPeriodRow, ...], int | None]:
    """The orientations of the period by category, and the persons oriented at least once.

    In public mode a category's persons from 1 to k−1 are masked with its events and share
    (the rows overlap, so no row can be worked out from the others and the total)."""
    rows = []
    for category in OrientationCategory:
        persons = scan.orient_persons[category]
        events = scan.orient_events[category]
        if mask_value(persons, k) is None:
            rows.append(OrientationPeriodRow(category.code, category.label, None, None, None))
            continue
        share = percent_of(persons, accompanied)
        rows.append(OrientationPeriodRow(category.code, category.label, persons, events, share))
    return tuple(rows), mask_value(scan.orient_any, k)


def _prescribers(tally: _Tally, tables: dict[str, Table], k: int) -> tuple[Prescriber, ...]:
    named = [key for key in tally.prescribers if key is not None]
    spelling = {key: min(tally.prescriber_spellings[key]) for key in named}
    named.sort(key=lambda key: (-tally.prescribers[key], spelling[key].casefold(), spelling[key]))
    keys: list[str | None] = [*named]
    if tally.prescribers.get(None):
        keys.append(None)
    counts = [tally.prescribers[key] for key in keys]
    masked: tuple[bool, ...] = (False,) * len(keys)
    if k > 0:
        partner = tables["canal"].row(Channel.PARTENAIRE.code)
        masked = suppress(
            counts, k, total_masked=partner is not None and partner.count is None
        ).masked
    return tuple(
        Prescriber(spelling[key] if key is not None else NON_RENSEIGNE[1], None if hide else count)
        for key, count, hide in zip(keys, counts, masked, strict=True)
    )


def _reach(data: Dataset, quartier: Table) -> tuple[ReachRow, ...]:
    rows = []
    for hood in data.neighbourhoods:
        if hood.population is None:
            continue
        row = quartier.row(hood.name)
        count = row.count if row is not None else 0
        per_thousand = None
        if count is not None and hood.population > 0:
            per_thousand = (Decimal(count) * 1000 / hood.population).quantize(_TENTH, ROUND_HALF_UP)
        rows.append(ReachRow(hood.name, hood.qpv_code, hood.population, count, per_thousand))
    return tuple(rows)


# -- animations, partnerships ----------------------------------------------------------------


def _held(animation: Animation, start: dt.date, end: dt.date) -> bool:
    return animation.status is AnimationStatus.REALISE and start <= animation.date.start <= end


def _animations(
    data: Dataset, start: dt.date, end: dt.date
) -> tuple[tuple[AnimationRow, ...], int, int, int]:
    numbers: Counter[AnimationType] = Counter()
    people: Counter[AnimationType] = Counter()
    unknown = 0
    for animation in data.animations:
        if not _held(animation, start, end):
            continue
        numbers[animation.type] += 1
        if animation.participants is None:
            unknown += 1
        else:
            people[animation.type] += animation.participants
    rows = tuple(AnimationRow(t.code, t.label, numbers[t], people[t]) for t in AnimationType)
    return rows, sum(numbers.values()), sum(people.values()), unknown


def _planned(
    data: Dataset, held: tuple[AnimationRow, ...], calendar: Calendar
) -> tuple[PlannedRow, ...]:
    start, end = calendar.start, calendar.end
    planned: Counter[str] = Counter(
        a.type.code
        for a in data.animations
        if a.status is AnimationStatus.PREVU and partial_in(a.date, start, end)
    )
    planned[AnimationType.PERMANENCE.code] += sum(
        1 for e in calendar.entries if e.kind == EntryKind.PERMANENCE
    )
    return tuple(PlannedRow(row.code, row.label, planned[row.code], row.number) for row in held)


def _animations_in_qpv(data: Dataset, start: dt.date, end: dt.date) -> tuple[QpvAnimationRow, ...]:
    qpv = [h for h in data.neighbourhoods if h.residence is ResidenceStatus.QPV]
    by_key = {h.name.casefold(): h.name for h in qpv}
    numbers: Counter[str] = Counter()
    people: Counter[str] = Counter()
    for animation in data.animations:
        if not animation.neighbourhood or not _held(animation, start, end):
            continue
        name = by_key.get(animation.neighbourhood.casefold())
        if name is None:
            continue
        numbers[name] += 1
        people[name] += animation.participants or 0
    return tuple(QpvAnimationRow(h.name, h.qpv_code, numbers[h.name], people[h.name]) for h in qpv)


def _partnerships(
    data: Dataset, start: dt.date, end: dt.date
) -> tuple[tuple[PartnershipRow, ...], int]:
    rows = []
    undated = 0
    for p in data.partnerships:
        if p.date is None:
            undated += 1
        elif p.date.overlaps(start, end):
            rows.append(PartnershipRow(p.partner, p.category, p.action, p.date))
    rows.sort(
        key=lambda r: (
            r.date.start if r.date else start,
            r.date.end if r.date else start,
            r.partner.casefold(),
            r.partner,
            r.category.code if r.category else "",
            r.action or "",
        )
    )
    return tuple(rows), undated
