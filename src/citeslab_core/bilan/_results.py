"""The bilan's results: frozen trees of plain values that renderers and exporters read.

:class:`Bilan` and its parts (:class:`Table`, :class:`TableRow`, :class:`Indicators`, the
row classes, :class:`Check`), and the keys and French titles of the portrait tables. No
computation here: :mod:`citeslab_core.bilan._compute` builds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Generic, Literal, get_args

import attrs
from typing_extensions import TypeVar

from citeslab_core.bilan.checks import Check, Severity
from citeslab_core.bilan.crf import FinancialReport
from citeslab_core.bilan.funding import (
    FundingPlan,
    FundingYear,
)
from citeslab_core.bilan.provenance import Provenance
from citeslab_core.bilan.shares import shares_add_up
from citeslab_core.derive.calendar import Calendar
from citeslab_core.model import _views as views
from citeslab_core.model.dates import PartialDate
from citeslab_core.vocabularies import (
    AgeBracket,
    ExitResult,
    OrientationCategory,
    PartnershipCategory,
    ResidenceStatus,
    Sex,
    Stage,
    Vocabulary,
)

if TYPE_CHECKING:
    from pandas import DataFrame


#: A count of persons: ``int`` in a bilan, ``int | None`` in one that may be public (a
#: masked count is None). Every class holding counts is generic in it: ``Bilan`` (counts
#: ``int``, what ``compute_bilan(data, year=…)`` returns) and :data:`PublicBilan`
#: (``Bilan[int | None]``, what ``compute_bilan(…, public=True)`` returns). Covariant: a
#: ``Bilan`` is a ``PublicBilan`` with nothing masked, so whatever takes a
#: ``PublicBilan`` (renderers, exporters) takes both (docs/decisions.md).
C = TypeVar("C", bound="int | None", covariant=True, default=int)


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
TABLE_KEYS: tuple[TableKey, ...] = get_args(TableKey)


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
    "points_amelioration": "Les points d'amélioration pour faire perdurer le dispositif",
    "perspectives": "Perspectives",
}


#: Severities of a check, most serious first (:class:`~citeslab_core.bilan.checks.Severity`).
SEVERITIES: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@attrs.frozen
class TableRow(Generic[C]):
    """One row of a table: a vocabulary code and its French label.

    ``count`` is the number of persons; ``share`` their whole percentage of the table's
    population. Both are None when masked in public mode (shown ``s``).
    """

    code: str
    label: str
    count: C
    share: C


@attrs.frozen(repr=False)
class Table(Generic[C]):
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
    rows: tuple[TableRow[C], ...]
    total: C

    def row(self, code: str | Vocabulary) -> TableRow[C] | None:
        """The row of ``code`` (a code, or a member of the table's vocabulary such as
        ``Sex.F``), None when the table has none."""
        if isinstance(code, Vocabulary):
            code = code.code
        elif not isinstance(code, str):
            from citeslab_core.model import guards

            guards.instance(
                code, str, "code", "un code (« F ») ou un membre de vocabulaire (Sex.F)"
            )
        for row in self.rows:
            if row.code == code:
                return row
        return None

    @property
    def shares_rounded(self) -> bool:
        """The rows' shares, each rounded on its own, add up to 99, 101 or another figure
        than 100: the outputs say « parts arrondies » (see
        :func:`~citeslab_core.bilan.shares.shares_add_up`)."""
        return not shares_add_up([row.share for row in self.rows])

    def __repr__(self) -> str:
        return views.TABLE_REPR(self)

    def _repr_html_(self) -> str:
        return views.TABLE_HTML(self)

    def to_frame(self) -> DataFrame:
        """The table as a pandas DataFrame (``citeslab[pandas]``): the rows of
        :meth:`Bilan.to_frame` for this table, without ``site``, ``debut`` and ``fin``."""
        return views.TABLE_FRAME(self)


@attrs.frozen
class Indicators(Generic[C]):
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

    accompanied: C
    new: C
    women: C
    qpv_residents: C
    under_26: C
    job_seekers: C
    minimum_benefits: C
    orientations: tuple[TableRow[C], ...]
    creations: C
    positive_exits: C
    programme_entries: C
    animations_held: int
    animation_participants: int


@attrs.frozen
class OrientationPeriodRow(Generic[C]):
    """One orientation category among the orientations of the period (docs/bilan.md).

    ``persons``: the distinct accompanied persons oriented at least once to that category
    in the period; ``orientations``: those persons' orientation events of that category in
    the period; ``share``: ``persons`` as a whole percentage of the accompanied (rounded on
    its own, half up). A person may count in several categories: the rows are not a
    partition. ``persons``, ``orientations`` and ``share`` are None when masked.
    """

    code: str
    label: str
    persons: C
    orientations: C
    share: C


@attrs.frozen
class ProgrammeRow(Generic[C]):
    """A programme or accelerator: distinct persons who applied in the period
    (``oriented``) and who had a ``retenu`` decision in the period (``retained``)."""

    programme: str
    oriented: C
    retained: C


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
    """Animations of one type planned against held in the period (docs/calendar.md: the
    bilan compares planned and held).

    Every type of the vocabulary, in its order, zeros included. ``planned``: the
    ``prevu`` animations whose date lies wholly in the period ("novembre 2024" is in 2024
    and in its fourth quarter, not in November's first half), and for the ``permanence``
    row also the occurrences of the ``permanences`` sheet in the period; ``held``: the
    ``realise`` animations of the period (the ``number`` of the animations' row: for
    permanences, the occurrences held and those recorded elsewhere); ``cancelled``: the
    occurrences cancelled (``annulees``); ``upcoming``: the planned ones still to come at
    the bilan's date ("à venir", neither held nor missed). Counts, summed by ``code`` over
    a network like the animations' rows.
    """

    code: str
    label: str
    planned: int
    held: int
    cancelled: int = 0
    upcoming: int = 0


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
class ReachRow(Generic[C]):
    """Reach of one declared neighbourhood with a population.

    ``accompanied``: accompanied persons living there (the ``quartier`` table's count);
    ``per_thousand``: accompanied per 1 000 inhabitants, one decimal (None when masked
    or when the population is 0).
    """

    neighbourhood: str
    qpv_code: str | None
    population: int
    accompanied: C
    per_thousand: Decimal | None


@attrs.frozen
class QpvRow(Generic[C]):
    """Accompanied persons of one QPV (residence status ``qpv``), by sex and age bracket.

    Rows: the declared neighbourhoods whose status is ``qpv`` in declared order, zeros
    included, then other neighbourhoods of QPV residents alphabetically, then QPV
    residents with no neighbourhood (``neighbourhood`` "Non renseigné").
    ``sex`` and ``age`` are tables whose ``total`` is ``accompanied``.
    """

    neighbourhood: str
    qpv_code: str | None
    accompanied: C
    sex: Table[C]
    age: Table[C]


@attrs.frozen
class Prescriber(Generic[C]):
    """A prescribing partner of persons whose channel is ``partenaire``."""

    name: str
    count: C


@attrs.frozen
class TextRow:
    """A text of the site's own (``textes`` sheet), for publication."""

    section: str
    text: str = attrs.field(repr=False)  # free text


@attrs.frozen(eq=False, repr=False)
class CountedPersons:
    """The persons a bilan counted as accompanied, column-wise, each as the bilan counted
    them: what :meth:`Bilan.persons_frame <citeslab_core.bilan.Bilan.persons_frame>` shows.
    No identity: the person's id only (``None`` a value not given).

    ``programmes``: by person id, the programmes the person applied to in the period
    (``candidature_programme``), by name, sorted (a person who applied to none is not a
    key). The columns are the bilan's own lists (nothing copied: kept for the frame).
    """

    ids: Sequence[str]
    new: Sequence[bool]
    age_bracket: Sequence[AgeBracket | None]
    sex: Sequence[Sex | None]
    residence: Sequence[ResidenceStatus | None]
    qpv_code: Sequence[str | None]
    stage_at_entry: Sequence[Stage | None]
    orientation: Sequence[OrientationCategory | None]
    exit_result: Sequence[ExitResult | None]
    programmes: Mapping[str, tuple[str, ...]]

    def __repr__(self) -> str:
        return f"<CountedPersons: {len(self.ids)} personnes>"


@attrs.frozen(repr=False)
class Bilan(Generic[C]):
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
    - ``prescribers``: alphabetical (never by size: that would order masked counts);
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
      (:mod:`citeslab_core.bilan.crf`); its findings are among ``checks``;
    - ``planned_animations``: per type of animation, planned and held in the period
      (:class:`PlannedRow`);
    - ``calendar``: the period's calendar (:mod:`citeslab_core.derive.calendar`), for the
      ``calendrier`` exporter; not part of the figures;
    - ``subset``: the bilan of some of the site's persons (``Dataset.subset``): the
      persons' figures are theirs, the animations, partnerships and funding the whole
      site's;
    - ``orientations_period``: the orientations of the period, one row per orientation
      category in vocabulary order (:class:`OrientationPeriodRow`);
      ``orientations_period_persons``: the distinct accompanied persons oriented at least
      once in the period (the table's total row; None when masked);
    - ``sites``: empty for a site; for a network bilan (:func:`citeslab_core.network.
      network_bilan`), every site's own bilan, in the order given;
    - ``rounding``: 0, or the base every count of persons is rounded to (the total of a
      public network bilan: :mod:`citeslab_core.bilan.rounding`); shares and rates are
      then computed from the rounded counts, and a table's rows may not add up to its
      total.
    """

    site: str
    host: str | None
    territory: str | None
    start: dt.date
    end: dt.date
    public: bool
    threshold: int
    accompanied: int
    new: C
    tables: Mapping[str, Table[C]]
    without_orientation: C
    indicators: Indicators[C]
    programmes: tuple[ProgrammeRow[C], ...]
    animations: tuple[AnimationRow, ...]
    animations_in_qpv: tuple[QpvAnimationRow, ...]
    partnerships: tuple[PartnershipRow, ...]
    reach: tuple[ReachRow[C], ...]
    qpv_breakdown: tuple[QpvRow[C], ...]
    prescribers: tuple[Prescriber[C], ...]
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
    #: where the bilan comes from (citeslab_core.bilan.provenance.stamp), None until stamped
    provenance: Provenance | None = None
    subset: bool = False
    orientations_period: tuple[OrientationPeriodRow[C], ...] = ()
    orientations_period_persons: C = 0  # type: ignore[assignment]
    sites: tuple[Bilan[C], ...] = ()
    #: the base every count of persons of this bilan is rounded to (0: not rounded): 5 for
    #: the total of a public network bilan (:mod:`citeslab_core.bilan.rounding`), never
    #: for its sites' own bilans
    rounding: int = 0
    #: the accompanied persons as this bilan counted them (:meth:`persons_frame`): not a
    #: figure, so neither compared nor written in the JSON nor given to a plug-in; None in
    #: a bilan read back from its JSON or summed over a network
    counted_persons: CountedPersons | None = attrs.field(default=None, eq=False, repr=False)

    def table(self, key: TableKey) -> Table[C]:
        """The portrait table ``key`` (typed: a misspelt key is a type checker's error; at
        run time an :class:`~citeslab_core.errors.UnknownKey`, a ``KeyError`` too, that
        lists the keys)."""
        from citeslab_core.model import guards

        return self.tables[guards.key(key, tuple(self.tables), "key", "un tableau du bilan")]

    def __repr__(self) -> str:
        return views.BILAN_REPR(self)

    def _repr_html_(self) -> str:
        return views.BILAN_HTML(self)

    def to_json(self) -> str:
        """The bilan's ``citeslab.bilan/1`` JSON document (docs/bilan-json.md), the text
        :func:`~citeslab_core.bilan.file.write_bilan` writes and
        :func:`~citeslab_core.bilan.file.read_bilan` reads back equal."""
        return views.BILAN_JSON(self)

    def to_frame(self) -> DataFrame:
        """Every table of the bilan as one tidy pandas DataFrame (``citeslab[pandas]``), a
        row per table row, in the bilan JSON's order: the portrait tables (``tableau`` their
        key), ``indicateurs``, ``programmes_orientes``, ``programmes_retenus``,
        ``animations``, ``animations_participants``, ``orientations_periode``,
        ``orientations_periode_orientations``, ``financement`` (the year's contributions),
        ``portee`` and ``portee_population``. Columns ``tableau``, ``code``, ``libelle``
        (strings), ``effectif`` (Int64), ``part`` (Float64, in percent), ``montant``
        (Float64, euros), ``masque`` (a count masked in public mode: ``effectif`` is NA),
        ``site``, ``debut``, ``fin``; the same for a network's bilan."""
        return views.BILAN_FRAME(self)

    def persons_frame(self) -> DataFrame:
        """One row per person accompanied in the period, with what the bilan counted
        (``citeslab[pandas]``): ``porteur`` (the id: no identity), ``nouveau``,
        ``tranche_age``, ``sexe``, ``statut_residence``, ``code_qpv``, ``stade_entree``,
        ``orientation_premier_rdv``, ``resultat`` (ordered categoricals of the codes, NA
        when not given; ``resultat`` NA: still accompanied) and ``programmes`` (the
        programmes applied to in the period). Counting a column gives the bilan's table.
        A bilan read from its JSON or summed over a network has no persons: a French
        :class:`~citeslab_core.errors.UsageError`."""
        return views.PERSONS_FRAME(self)


#: A bilan whose counts may be masked (None): what ``compute_bilan(..., public=True)``
#: returns, and what renderers and exporters take (a :class:`Bilan` is one too).
PublicBilan = Bilan[int | None]
