"""The records of a CitésLab site, as immutable typed objects.

The classes mirror the workbook (docs/workbook.md): each field's French column name is in
its metadata (``column``), which readers, the JSON converter and the template all use, so
there is one list of columns. Identifiers are English; what people read is French.

A :class:`Dataset` can only exist valid: building one checks unique person ids, events of
known persons, the columns each event type needs, SIRET checksums, non-negative counts and
amounts, and raises :class:`~citeslab_core.errors.InvalidData` listing every problem.
Build one with :meth:`Dataset.build`, which also derives a person's residence status from
their neighbourhood when it is not given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cached_property
from itertools import compress
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import attrs
from stdnum.fr import siret as stdnum_siret

from citeslab_core.accounts import SUBSIDY_CLASS, account_problem
from citeslab_core.dates import PartialDate, Precision
from citeslab_core.errors import CellError, InvalidDataset, Location, Problem
from citeslab_core.identity import identity_key
from citeslab_core.limits import MAX_AMOUNT, MAX_COUNT, MAX_YEAR, MIN_YEAR
from citeslab_core.vocabularies import (
    AnimationStatus,
    AnimationType,
    BudgetNature,
    Channel,
    Decision,
    EducationLevel,
    EventType,
    ExitResult,
    Funder,
    FundingNature,
    MinimumBenefit,
    OrientationCategory,
    PartnershipCategory,
    ResidenceStatus,
    Sector,
    Sex,
    SituationAtEntry,
    Stage,
    Weekday,
)

__all__ = [
    "TABLE_FIELDS",
    "Animation",
    "BudgetLine",
    "Columns",
    "Dataset",
    "Event",
    "Funding",
    "FundingPolicy",
    "InvalidDataset",
    "Issue",
    "Neighbourhood",
    "Partnership",
    "PathwayPolicy",
    "Permanence",
    "Person",
    "RowOrigins",
    "Site",
    "Text",
    "column_of",
    "private_fields",
]

if TYPE_CHECKING:
    from pandas import DataFrame

T = TypeVar("T")


def col(
    name: str,
    *,
    default: Any = attrs.NOTHING,
    private: bool = False,
    required: bool = False,
    **kwargs: Any,
) -> Any:
    """An attrs field whose workbook column (and JSON key) is ``name``.

    A ``private`` field (identity or free text) is left out of the record's ``repr``.
    """
    metadata = {"column": name, "private": private, "required": required}
    if private:
        kwargs.setdefault("repr", False)
    return attrs.field(default=default, metadata=metadata, **kwargs)


def column_of(cls: type, field_name: str) -> str:
    """The French column name of a model field."""
    field = attrs.fields_dict(cls)[field_name]
    return str(field.metadata["column"])


def private_fields(cls: type) -> tuple[str, ...]:
    """Identity and free-text fields: they never leave in a bilan or an export."""
    return tuple(f.name for f in attrs.fields(cls) if f.metadata.get("private"))


def record_maker(cls: type[T]) -> Callable[..., T]:
    """A constructor of ``cls`` taking every field positionally, for bulk reading.

    It builds the very instances ``cls(...)`` builds (same class, equal, same hash and
    repr, frozen), about three times faster for a class without validators, converters or
    post-init hook (attrs' frozen ``__init__`` sets each slot through
    ``object.__setattr__``): the values are stored in a mutable twin class with the same
    slots, whose instance then takes ``cls`` as its class, which CPython allows between
    classes of the same layout. A class it cannot build that way (validators, converters,
    a ``__weakref__`` slot, a base class…) gets ``cls`` itself.
    """
    made = _MAKERS.get(cls)
    if made is None:
        made = _MAKERS[cls] = _twin_maker(cls) or cls
    return made


_MAKERS: dict[type, Callable[..., Any]] = {}
#: The generated constructor's own names, which no field may take.
_MAKER_NAMES = frozenset({"make", "_maker_obj", "_maker_new", "_maker_twin", "_maker_cls"})


def _twin_maker(cls: type) -> Callable[..., Any] | None:
    if not attrs.has(cls) or cls.__bases__ != (object,):
        return None
    fields = attrs.fields(cls)
    names = tuple(f.name for f in fields)
    if (
        getattr(cls, "__slots__", None) != names
        or hasattr(cls, "__attrs_post_init__")
        or hasattr(cls, "__attrs_pre_init__")
        or any(
            not f.init or f.validator is not None or f.converter is not None or f.alias != f.name
            for f in fields
        )
        or not all(name.isidentifier() for name in names)
    ):
        return None
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": names})
    try:
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:  # pragma: no cover - a layout CPython refuses
        return None
    if _MAKER_NAMES & set(names):  # a field would shadow the maker's own names
        return None
    arguments = ", ".join(names)
    body = "".join(f"    _maker_obj.{name} = {name}\n" for name in names)
    source = (
        f"def make({arguments}):\n    _maker_obj = _maker_new(_maker_twin)\n{body}"
        "    _maker_obj.__class__ = _maker_cls\n    return _maker_obj\n"
    )
    namespace: dict[str, Any] = {
        "_maker_new": object.__new__,
        "_maker_twin": twin,
        "_maker_cls": cls,
    }
    exec(compile(source, f"<record maker of {cls.__name__}>", "exec"), namespace)
    make: Callable[..., Any] = namespace["make"]
    make.__doc__ = f"A {cls.__name__} from every field, positionally."
    return make


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    """A number of days or persons: at least 1 (a French refusal, like a cell's)."""
    if value < 1:
        raise CellError(
            f"{attribute.metadata['column']} : « {value} », un nombre entier d'au moins 1 "
            "est attendu"
        )


@attrs.frozen
class PathwayPolicy:
    """The numbers of the référent rules (docs/referent-rules.md), which a site may change."""

    contact_days: int = col("delai_contact_jours", default=60, validator=_at_least_one)
    no_news_days: int = col("delai_sans_nouvelles_jours", default=180, validator=_at_least_one)
    orientation_reply_days: int = col(
        "delai_retour_orientation_jours", default=30, validator=_at_least_one
    )


@attrs.frozen
class FundingPolicy:
    """Caps per funder (largest share, in percent) and the planned/actual gap to explain."""

    caps: dict[Funder, Decimal] = col("plafonds", factory=dict, hash=False)
    gap_threshold: Decimal = col("seuil_ecart_financement", default=Decimal("10"))


@attrs.frozen
class Site:
    """The ``structure`` sheet: the site, its host, and its own policy."""

    name: str = col("nom", default="CitésLab")
    host: str | None = col("porteur", default=None)
    territory: str | None = col("territoire", default=None)
    referent: str | None = col("referent", default=None, repr=False)  # a person's name
    year: int | None = col("annee", default=None)
    pathway_policy: PathwayPolicy = col("politique_parcours", factory=PathwayPolicy)
    funding_policy: FundingPolicy = col("politique_financement", factory=FundingPolicy)
    disclosure_threshold: int = col("seuil_secret_statistique", default=5, validator=_at_least_one)


@attrs.frozen
class Neighbourhood:
    """A neighbourhood the site declares (``quartiers`` sheet)."""

    name: str = col("quartier", required=True)
    residence: ResidenceStatus | None = col("statut_residence", default=None)
    qpv_code: str | None = col("code_qpv", default=None)
    commune: str | None = col("commune", default=None)
    population: int | None = col("population", default=None)


@attrs.frozen(weakref_slot=False)
class Person:
    """A porteur / porteuse de projet (``porteurs`` sheet), one per id."""

    id: str = col("id", required=True)
    last_name: str | None = col("nom", default=None, private=True)
    first_name: str | None = col("prenom", default=None, private=True)
    phone: str | None = col("telephone", default=None, private=True)
    email: str | None = col("email", default=None, private=True)
    address: str | None = col("adresse", default=None, private=True)
    sex: Sex | None = col("sexe", default=None)
    birth: PartialDate | None = col("date_naissance", default=None)
    neighbourhood: str | None = col("quartier", default=None)
    residence: ResidenceStatus | None = col("statut_residence", default=None)
    qpv_code: str | None = col("code_qpv", default=None)
    education: EducationLevel | None = col("niveau_formation", default=None)
    situation: SituationAtEntry | None = col("situation_entree", default=None)
    benefit: MinimumBenefit = col("minima_sociaux", default=MinimumBenefit.AUCUN)
    rqth: bool | None = col("rqth", default=None)
    channel: Channel | None = col("canal", default=None)
    prescriber: str | None = col("prescripteur", default=None)
    sector: Sector | None = col("secteur", default=None)
    stage_at_entry: Stage | None = col("stade_entree", default=None)
    project_idea: str | None = col("idee_projet", default=None, private=True)
    comment: str | None = col("commentaire", default=None, private=True)


@attrs.frozen(weakref_slot=False)
class Event:
    """A dated event of a person's pathway (``suivis`` sheet)."""

    person: str = col("porteur", required=True)
    date: dt.date = col("date", required=True)
    type: EventType = col("type", required=True)
    partner: str | None = col("partenaire", default=None)
    category: OrientationCategory | None = col("categorie", default=None)
    programme: str | None = col("programme", default=None)
    decision: Decision | None = col("decision", default=None)
    stage: Stage | None = col("stade", default=None)
    result: ExitResult | None = col("resultat", default=None)
    siret: str | None = col("siret", default=None)
    legal_form: str | None = col("forme_juridique", default=None)
    referent: str | None = col("referent", default=None, repr=False)  # a person's name
    comment: str | None = col("commentaire", default=None, private=True)


#: The columns each event type needs (docs/workbook.md), by field name.
EVENT_NEEDS: Mapping[EventType, tuple[str, ...]] = {
    EventType.ORIENTATION: ("partner", "category"),
    EventType.CANDIDATURE_PROGRAMME: ("programme",),
    EventType.DECISION_PROGRAMME: ("programme", "decision"),
    EventType.CHANGEMENT_STADE: ("stage",),
    EventType.PASSAGE_RELAIS: ("partner",),
    EventType.SORTIE: ("result",),
}


@attrs.frozen
class Animation:
    """A collective action, held or planned (``animations`` sheet)."""

    date: PartialDate = col("date", required=True)
    type: AnimationType = col("type", required=True)
    title: str | None = col("titre", default=None, repr=False)  # free text
    place: str | None = col("lieu", default=None, repr=False)
    neighbourhood: str | None = col("quartier", default=None)
    partners: tuple[str, ...] = col("partenaires", default=())
    participants: int | None = col("participants", default=None)
    status: AnimationStatus = col("statut", default=AnimationStatus.REALISE)


@attrs.frozen
class Partnership:
    """A partnership or partner meeting (``partenariats`` sheet); dates may be partial."""

    partner: str = col("partenaire", required=True)
    category: PartnershipCategory | None = col("categorie", default=None)
    action: str | None = col("action", default=None, repr=False)  # free text
    date: PartialDate | None = col("date", default=None)


@attrs.frozen
class Funding:
    """One funder's contribution to one year (``financements`` sheet)."""

    year: int = col("annee", required=True)
    funder: Funder = col("financeur", required=True)
    amount: Decimal = col("montant", required=True)
    nature: FundingNature = col("nature", default=FundingNature.REALISE)
    declared_total: Decimal | None = col("cout_total", default=None)
    declared_share: Decimal | None = col("part_declaree", default=None)


@attrs.frozen
class Text:
    """A text of the site's own (``textes`` sheet): highlights, improvements, perspectives."""

    section: str = col("section", required=True)
    text: str = col("texte", required=True, repr=False)  # free text


@attrs.frozen
class BudgetLine:
    """A line of the action's budget (``budget`` sheet): one account, planned or actual.

    ``account`` is a class of the associations' chart of accounts (``64``) or a
    sub-account of one (``641``), see :mod:`citeslab_core.accounts`; a subsidy (class 74)
    names its ``funder``. ``gap_explanation`` is the site's explanation of the gap between
    planned and actual (the annex of the compte rendu financier).
    """

    year: int = col("annee", required=True)
    nature: BudgetNature = col("nature", required=True)
    account: str = col("compte", required=True)
    amount: Decimal = col("montant", required=True)
    label: str | None = col("libelle", default=None)
    funder: Funder | None = col("financeur", default=None)
    gap_explanation: str | None = col("ecart_explication", default=None)


@attrs.frozen
class Permanence:
    """A recurring permanence (``permanences`` sheet): the weekdays, the hours, the
    place and the period it runs, and the dates (or months) it does not.

    :func:`citeslab_core.calendar.occurrences` expands it into dated occurrences,
    French public holidays skipped. ``last_day`` ``None``: it runs on.
    """

    place: str = col("lieu", required=True)
    days: tuple[Weekday, ...] = col("jours", required=True)
    start_time: dt.time = col("heure_debut", required=True)
    end_time: dt.time = col("heure_fin", required=True)
    first_day: dt.date = col("debut", required=True)
    last_day: dt.date | None = col("fin", default=None)
    neighbourhood: str | None = col("quartier", default=None)
    exceptions: tuple[PartialDate, ...] = col("exceptions", default=())


#: The sheets of the workbook: name, record class, whether the workbook must have it.
TABLES: tuple[tuple[str, type, bool], ...] = (
    ("quartiers", Neighbourhood, False),
    ("porteurs", Person, True),
    ("suivis", Event, True),
    ("animations", Animation, False),
    ("partenariats", Partnership, False),
    ("financements", Funding, False),
    ("textes", Text, False),
    ("budget", BudgetLine, False),
    ("permanences", Permanence, False),
)

#: The Dataset attribute that holds each table's records, by sheet name.
TABLE_FIELDS: Mapping[str, str] = {
    "quartiers": "neighbourhoods",
    "porteurs": "persons",
    "suivis": "events",
    "animations": "animations",
    "partenariats": "partnerships",
    "financements": "fundings",
    "textes": "texts",
    "budget": "budget",
    "permanences": "permanences",
}


def _field_names(record: type) -> list[str]:
    return [f.name for f in attrs.fields(record)]


@attrs.frozen(eq=False, repr=False)
class Columns(Generic[T]):
    """One sheet's records as columns, in record order: ``cols["date"][i]`` is
    ``records[i].date``.

    Computations read the few columns they need instead of every record; the values are
    the ones the records hold (enum members, dates, :class:`~decimal.Decimal`…).
    ``repr()`` gives the sheet's size and fields, never a value.
    """

    record: type[T]
    values: Mapping[str, Sequence[Any]]
    length: int

    @classmethod
    def of_records(cls, record: type[T], records: Sequence[T]) -> Columns[T]:
        """The columns of ``records``, instances of ``record``."""
        names = _field_names(record)
        if not records:
            return cls(record, dict.fromkeys(names, ()), 0)
        columns = (
            zip(*map(attrgetter(*names), records), strict=True)
            if len(names) > 1
            else (tuple(map(attrgetter(names[0]), records)),)
        )
        return cls(record, dict(zip(names, columns, strict=True)), len(records))

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, field: str) -> Sequence[Any]:
        return self.values[field]

    def records(self) -> tuple[T, ...]:
        """The records, built from the columns."""
        names = _field_names(self.record)
        make = self.record
        return tuple(
            make(**dict(zip(names, row, strict=True)))
            for row in zip(*(self.values[name] for name in names), strict=True)
        )

    def __repr__(self) -> str:
        return f"<Columns of {self.record.__name__}: {self.length} rows, {len(self.values)} fields>"


@attrs.frozen
class Issue:
    """A problem found while checking a dataset: table, element index, field, message."""

    table: str
    index: int
    field: str | None
    message: str


@attrs.frozen(eq=False, repr=False)
class Dataset:
    """All the records of one site: valid by construction.

    Use :meth:`build`; the constructor checks and raises
    :class:`~citeslab_core.errors.InvalidData` with every problem found.
    ``repr()`` is a short summary (site, rows per sheet, dates of the events), which never
    shows a record's content.

    Two datasets are equal only if they are the same object (``eq=False``; a dataset
    hashes by identity): to know whether two hold the same data, compare their records
    (``a.persons == b.persons``…) or their canonical JSON
    (:func:`~citeslab_core.converter.dumps`).
    """

    site: Site = attrs.field(factory=Site)
    neighbourhoods: tuple[Neighbourhood, ...] = ()
    persons: tuple[Person, ...] = ()
    events: tuple[Event, ...] = ()
    animations: tuple[Animation, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    fundings: tuple[Funding, ...] = ()
    texts: tuple[Text, ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    permanences: tuple[Permanence, ...] = ()
    #: Where each record was read from, per table name (``suivis``…) and record index,
    #: when a reader knows it: messages about a record can then name its file and row.
    #: Not part of the data: the JSON leaves it out.
    origins: Mapping[str, Sequence[Location]] = attrs.field(factory=dict, kw_only=True, repr=False)
    #: True for what :meth:`subset` returns: some of the site's persons and their events,
    #: with the animations, partnerships and fundings of the whole site.
    is_subset: bool = attrs.field(default=False, kw_only=True)
    #: Warnings about the input that do not keep it from being a dataset (a hidden sheet,
    #: a funding row given twice, a neighbourhood declared twice alike), located where the
    #: reader knows it. Not part of the data: the JSON leaves it out.
    notes: tuple[Problem, ...] = attrs.field(default=(), kw_only=True, repr=False)

    def __attrs_post_init__(self) -> None:
        issues = check_dataset(self)
        if issues:
            raise InvalidDataset(issues)

    def __repr__(self) -> str:
        from citeslab_core._display import dataset_repr

        return dataset_repr(self)

    def _repr_html_(self) -> str:
        from citeslab_core._display import dataset_html

        return dataset_html(self)

    def subset(self, persons: Iterable[str] | Callable[[Person], bool]) -> Dataset:
        """The same site restricted to some persons: those whose id is in ``persons``, or
        for whom ``persons(person)`` is true, with their events (a bilan per référent or
        per neighbourhood).

        The neighbourhoods, animations, partnerships, fundings and texts stay the whole
        site's: :attr:`is_subset` is set, and a bilan of the result says so. An id that
        is not in the dataset is a :class:`~citeslab_core.errors.UsageError`.
        """
        from citeslab_core._subset import subset

        return subset(self, persons)

    def to_frames(self, *, private: bool = False, labels: bool = False) -> dict[str, DataFrame]:
        """pandas DataFrames of the records (needs the ``citeslab[pandas]`` extra).

        One frame per sheet, keyed by the sheet's name (``porteurs``, ``suivis``, …), plus
        ``parcours`` (one row per pathway): every column present, defaults filled,
        vocabularies as ordered categoricals of their codes (labels with ``labels=True``),
        partial dates as three columns (``<col>``, ``<col>_fin``, ``<col>_precision``),
        amounts as floats. Identity and free-text columns are left out unless
        ``private=True``. docs/notebook.md lists the columns.
        """
        from citeslab_core._frames import dataset_frames

        return dataset_frames(self, private=private, labels=labels)

    @classmethod
    def build(
        cls,
        *,
        site: Site | None = None,
        neighbourhoods: Iterable[Neighbourhood] = (),
        persons: Iterable[Person] = (),
        events: Iterable[Event] = (),
        animations: Iterable[Animation] = (),
        partnerships: Iterable[Partnership] = (),
        fundings: Iterable[Funding] = (),
        texts: Iterable[Text] = (),
        budget: Iterable[BudgetLine] = (),
        permanences: Iterable[Permanence] = (),
        origins: Mapping[str, Sequence[Location]] | None = None,
        notes: Iterable[Problem] = (),
    ) -> Dataset:
        """A checked dataset; residence statuses not given come from the neighbourhood.

        Names are matched by :func:`~citeslab_core.identity.identity_key` (case, invisible
        characters, Unicode forms and spaces aside), and every reference then takes one
        spelling: an event's person the id of ``porteurs``, a person's or an animation's
        neighbourhood the name ``quartiers`` declares (else its first spelling), a
        programme its first spelling. ``origins`` says where the records were read from
        (see :attr:`origins`); ``notes`` are the reader's own warnings (see :attr:`notes`).
        """
        hoods = tuple(neighbourhoods)
        person_list = tuple(persons)
        event_list = tuple(events)
        animation_list = tuple(animations)
        spelling = _spellings(
            map(_NAME_OF, hoods),
            map(_NEIGHBOURHOOD_OF, person_list),
            map(_NEIGHBOURHOOD_OF, animation_list),
        )
        if spelling:
            animation_list = tuple(_respelt(animation_list, "neighbourhood", spelling))
        event_list = _same_people(event_list, person_list)
        programmes = _spellings((), map(_PROGRAMME_OF, event_list))
        if programmes:
            event_list = tuple(_respelt(event_list, "programme", programmes))
        funding_list = tuple(fundings)
        places = origins or {}
        return cls(
            site=site or Site(),
            neighbourhoods=hoods,
            persons=tuple(derive_residence(person_list, hoods, spelling)),
            events=event_list,
            animations=animation_list,
            partnerships=tuple(partnerships),
            fundings=funding_list,
            texts=tuple(texts),
            budget=tuple(budget),
            permanences=tuple(permanences),
            origins=places,
            notes=(*notes, *_notes(hoods, funding_list, places)),
        )

    def origin(self, table: str, index: int) -> Location | None:
        """Where record ``index`` of ``table`` was read from, if known."""
        places = self.origins.get(table)
        return places[index] if places is not None and index < len(places) else None

    def columns(self, sheet: str) -> Columns[Any]:
        """The records of ``sheet`` (``porteurs``, ``suivis``…) as :class:`Columns`."""
        cache = self._columns
        found = cache.get(sheet)
        if found is None:
            found = cache[sheet] = Columns.of_records(
                _CLASS_OF_TABLE[sheet], getattr(self, TABLE_FIELDS[sheet])
            )
        return found

    @cached_property
    def _columns(self) -> dict[str, Columns[Any]]:
        return {}

    @cached_property
    def persons_by_id(self) -> Mapping[str, Person]:
        return {p.id: p for p in self.persons}

    @cached_property
    def events_by_person(self) -> Mapping[str, Sequence[Event]]:
        """Each person's events, by date, rows of the same date in their input order."""
        grouped: dict[str, list[Event]] = {p.id: [] for p in self.persons}
        for event in self.events:
            grouped[event.person].append(event)
        for events in grouped.values():
            if len(events) > 1:
                events.sort(key=_EVENT_DATE)
        return grouped

    @cached_property
    def neighbourhoods_by_name(self) -> Mapping[str, Neighbourhood]:
        return {n.name: n for n in self.neighbourhoods}


_EVENT_DATE = attrgetter("date")


def derive_residence(
    persons: Iterable[Person],
    hoods: Sequence[Neighbourhood],
    spelling: Mapping[str, str] | None = None,
) -> Iterable[Person]:
    """Fill a person's residence status (and QPV code) from their declared neighbourhood,
    matched by :func:`~citeslab_core.identity.identity_key`; ``spelling`` maps a
    neighbourhood as written to the one spelling the dataset keeps (see
    :meth:`Dataset.build`)."""
    by_name: dict[str, Neighbourhood] = {}
    for declared in hoods:
        by_name.setdefault(identity_key(declared.name), declared)
    spelling = spelling or {}
    if not by_name and not spelling:
        yield from persons
        return
    hood_of: dict[str, Neighbourhood | None] = {}  # as written → the neighbourhood
    make = record_maker(Person)
    values_of = attrgetter(*_PERSON_FIELDS)
    for person in persons:
        name = person.neighbourhood
        if not name:
            yield person
            continue
        hood = hood_of.get(name, _UNKNOWN)
        if hood is _UNKNOWN:
            hood = hood_of[name] = by_name.get(identity_key(name))
        respelt = spelling.get(name, name)
        if respelt != name or (
            hood is not None
            and (person.residence is None or (person.qpv_code is None and hood.qpv_code))
        ):
            values = list(values_of(person))
            values[_NEIGHBOURHOOD] = respelt
            if hood is not None:
                values[_RESIDENCE] = person.residence or hood.residence
                values[_QPV_CODE] = person.qpv_code or hood.qpv_code
            person = make(*values)
        yield person


def _spellings(declared: Iterable[str], *columns: Iterable[str | None]) -> dict[str, str]:
    """The names written otherwise than their first spelling (the declared names first),
    mapped to it: ``{"kerourien\u200b": "Kerourien"}``. Empty when each name has one
    spelling (the usual case: only distinct values are looked at)."""
    first: dict[str, str] = {}
    for spelt in declared:
        first.setdefault(identity_key(spelt), spelt)
    changes: dict[str, str] = {}
    for column in columns:
        for name in dict.fromkeys(column):
            if name:
                kept = first.setdefault(identity_key(name), name)
                if kept != name:
                    changes[name] = kept
    return changes


def _respelt(records: Iterable[T], field: str, spelling: Mapping[str, str]) -> Iterator[T]:
    for record in records:
        value = getattr(record, field)
        if value in spelling:
            record = attrs.evolve(record, **{field: spelling[value]})  # type: ignore[misc]
        yield record


def _same_people(events: tuple[Event, ...], persons: Sequence[Person]) -> tuple[Event, ...]:
    """Events whose person is written otherwise than the id of ``porteurs`` (``p001`` for
    ``P001``) take that id."""
    ids = list(map(_ID_OF, persons))
    unknown = set(map(_PERSON_OF, events)).difference(ids)
    if not unknown:
        return events
    by_key: dict[str, str] = {}
    for person_id in ids:
        by_key.setdefault(identity_key(person_id), person_id)
    spelling = {
        name: by_key[key] for name in unknown if (key := identity_key(name)) in by_key and name
    }
    return tuple(_respelt(events, "person", spelling)) if spelling else events


def _notes(
    hoods: Sequence[Neighbourhood],
    fundings: Sequence[Funding],
    origins: Mapping[str, Sequence[Location]],
) -> list[Problem]:
    """Warnings: a neighbourhood declared twice alike, a funding row given twice."""

    def where(table: str, index: int) -> Location:
        places = origins.get(table)
        if places is not None and index < len(places):
            return places[index]
        return Location(sheet=f"{table}[{index}]")

    notes: list[Problem] = []
    first_hood: dict[str, int] = {}
    for index, hood in enumerate(hoods):
        first = first_hood.setdefault(identity_key(hood.name), index)
        if first != index and _hood_facts(hoods[first]) == _hood_facts(hood):
            notes.append(
                Problem(
                    where("quartiers", index),
                    f"quartier « {hood.name} » déclaré deux fois (déjà : "
                    f"{where('quartiers', first)}) : supprimez le doublon",
                )
            )
    first_funding: dict[Funding, int] = {}
    for index, funding in enumerate(fundings):
        first = first_funding.setdefault(funding, index)
        if first != index:
            notes.append(
                Problem(
                    where("financements", index),
                    f"financement identique à celui de {where('financements', first)} (même "
                    "année, financeur, montant et nature) : les deux montants s'additionnent ; "
                    "supprimez le doublon s'il n'est pas voulu",
                )
            )
    return notes


def _hood_facts(hood: Neighbourhood) -> tuple[object, ...]:
    """What two declarations of one neighbourhood must agree on."""
    return hood.residence, hood.qpv_code


_PERSON_FIELDS = tuple(f.name for f in attrs.fields(Person))
_NEIGHBOURHOOD = _PERSON_FIELDS.index("neighbourhood")
_NAME_OF = attrgetter("name")
_NEIGHBOURHOOD_OF = attrgetter("neighbourhood")
_PROGRAMME_OF = attrgetter("programme")
_RESIDENCE = _PERSON_FIELDS.index("residence")
_QPV_CODE = _PERSON_FIELDS.index("qpv_code")
_UNKNOWN: Any = object()


def check_dataset(data: Dataset) -> list[Issue]:
    """Every problem that keeps the records from being a dataset."""
    issues: list[Issue] = []
    seen: dict[str, int]
    # The usual case, checked column-wise: ids all given and distinct, births fine.
    ids = list(map(_ID_OF, data.persons))
    births = list(map(_BIRTH_OF, data.persons))
    distinct = dict(zip(map(id, births), births, strict=True)).values()  # by identity: fast
    clean = "" not in ids and all(b is None or b.precision in _BIRTH_PRECISIONS for b in distinct)
    if clean:
        seen = dict(zip(ids, range(len(ids)), strict=True))
        keys = set(map(identity_key, ids))
        clean = len(seen) == len(ids) == len(keys) and "" not in keys
    if not clean:
        seen = {}
        seen_keys: dict[str, int] = {}  # ids that differ only invisibly are one id
        for index, person in enumerate(data.persons):
            key = identity_key(person.id)
            if not key:
                issues.append(Issue("porteurs", index, "id", "identifiant vide"))
            elif key in seen_keys:
                first = data.persons[seen_keys[key]].id
                alike = "" if first == person.id else f" (« {first} » : même identifiant)"
                issues.append(
                    Issue(
                        "porteurs",
                        index,
                        "id",
                        f"identifiant « {person.id} » en double{alike} (déjà à l'élément "
                        f"{seen_keys[key] + 1})",
                    )
                )
            else:
                seen[person.id] = seen_keys[key] = index
            if person.birth is not None and person.birth.precision not in _BIRTH_PRECISIONS:
                issues.append(
                    Issue(
                        "porteurs", index, "birth", "la date de naissance est un jour ou une année"
                    )
                )
    for index in _events_to_check(data.events, seen):
        event = data.events[index]
        if event.person not in seen:
            issues.append(
                Issue(
                    "suivis",
                    index,
                    "person",
                    f"porteur « {event.person} » inconnu de la feuille porteurs",
                )
            )
        for needed in EVENT_NEEDS.get(event.type, ()):
            if getattr(event, needed) in (None, ""):
                issues.append(
                    Issue(
                        "suivis",
                        index,
                        needed,
                        f"un suivi de type {event.type.code} demande la colonne "
                        f"{column_of(Event, needed)}",
                    )
                )
        if event.siret and not stdnum_siret.is_valid(event.siret):
            issues.append(
                Issue(
                    "suivis",
                    index,
                    "siret",
                    f"SIRET « {event.siret} » invalide (14 chiffres dont le "
                    "dernier est une clé de contrôle)",
                )
            )
    for index, animation in enumerate(data.animations):
        if animation.participants is not None and animation.participants < 0:
            issues.append(
                Issue(
                    "animations",
                    index,
                    "participants",
                    "le nombre de participants ne peut pas être négatif",
                )
            )
        if (
            animation.status is AnimationStatus.REALISE
            and animation.date.precision is not Precision.DAY
        ):
            issues.append(
                Issue(
                    "animations",
                    index,
                    "date",
                    "une animation réalisée doit avoir une date complète (jour, mois, année)",
                )
            )
    for index, funding in enumerate(data.fundings):
        for name in ("amount", "declared_total"):
            value = getattr(funding, name)
            if value is not None and value < 0:
                issues.append(
                    Issue("financements", index, name, "un montant ne peut pas être négatif")
                )
            elif value is not None and (message := _amount_problem(value)):
                issues.append(Issue("financements", index, name, message))
        if funding.declared_share is not None and not 0 <= funding.declared_share <= 100:
            issues.append(Issue("financements", index, "declared_share", _PERCENT_RANGE))
        if not MIN_YEAR <= funding.year <= MAX_YEAR:
            issues.append(Issue("financements", index, "year", _YEAR_RANGE))
    issues.extend(_budget_issues(data.budget))
    issues.extend(_permanence_issues(data.permanences))
    for index, hood in enumerate(data.neighbourhoods):
        if hood.population is not None and hood.population < 0:
            issues.append(
                Issue("quartiers", index, "population", "une population ne peut pas être négative")
            )
        elif hood.population is not None and hood.population > MAX_COUNT:
            issues.append(Issue("quartiers", index, "population", _TOO_LARGE))
    for index, animation in enumerate(data.animations):
        if animation.participants is not None and animation.participants > MAX_COUNT:
            issues.append(Issue("animations", index, "participants", _TOO_LARGE))
    issues.extend(_site_issues(data.site))
    issues.extend(_date_issues(data))
    issues.extend(_hood_issues(data.neighbourhoods))
    return issues


def _hood_issues(hoods: Sequence[Neighbourhood]) -> list[Issue]:
    """A neighbourhood declared twice with two statuses (or QPV codes): which one holds
    cannot be guessed (declared twice alike, it is only a warning: :func:`_notes`)."""
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for index, hood in enumerate(hoods):
        earlier = first.setdefault(identity_key(hood.name), index)
        if earlier != index and _hood_facts(hoods[earlier]) != _hood_facts(hood):
            before = hoods[earlier]
            issues.append(
                Issue(
                    "quartiers",
                    index,
                    "name",
                    f"quartier « {hood.name} » déclaré deux fois, différemment (statut "
                    f"{_code(before.residence)} puis {_code(hood.residence)}, code QPV "
                    f"{before.qpv_code or 'aucun'} puis {hood.qpv_code or 'aucun'}) : "
                    "gardez une seule ligne",
                )
            )
    return issues


def _code(value: ResidenceStatus | None) -> str:
    return value.code if value is not None else "vide"


def _budget_issues(lines: Sequence[BudgetLine]) -> list[Issue]:
    """A budget line's account, its funder (a subsidy's, and only a subsidy's), its amount."""
    issues: list[Issue] = []
    for index, line in enumerate(lines):
        problem = account_problem(line.account)
        if problem is not None:
            issues.append(Issue("budget", index, "account", problem))
        subsidy = line.account.startswith(SUBSIDY_CLASS)
        if problem is None and subsidy and line.funder is None:
            issues.append(
                Issue(
                    "budget",
                    index,
                    "funder",
                    f"compte {line.account} (subventions d'exploitation) : indiquez le "
                    "financeur de la subvention, une ligne par financeur",
                )
            )
        elif problem is None and subsidy and line.funder is Funder.AUTOFINANCEMENT:
            issues.append(
                Issue(
                    "budget",
                    index,
                    "funder",
                    "l'autofinancement n'est pas une subvention : inscrivez-le hors du "
                    "compte 74 (par exemple au compte 75, autres produits de gestion courante)",
                )
            )
        elif problem is None and not subsidy and line.funder is not None:
            issues.append(
                Issue(
                    "budget",
                    index,
                    "funder",
                    f"compte {line.account} : le financeur ne s'indique que pour une "
                    "subvention (compte 74)",
                )
            )
        if line.amount < 0:
            issues.append(Issue("budget", index, "amount", "un montant ne peut pas être négatif"))
    return issues


_PERCENT_RANGE = "un pourcentage est compris entre 0 et 100"
_YEAR_RANGE = f"une année entre {MIN_YEAR} et {MAX_YEAR} est attendue"
_TOO_LARGE = "nombre trop grand (au plus un milliard)"


def _amount_problem(value: Decimal) -> str | None:
    """What is wrong with an amount of the records, if anything (the workbook reader
    refuses the same at the cell: :func:`citeslab_core.amounts.parse_amount`)."""
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        return "montant trop grand (moins de mille milliards attendu)"
    if value != value.quantize(_CENT):
        return "un montant a au plus deux décimales"
    return None


_CENT = Decimal("0.01")


def _site_issues(site: Site) -> list[Issue]:
    """The structure's numbers, as the workbook reader checks its cells."""
    issues: list[Issue] = []
    if site.year is not None and not MIN_YEAR <= site.year <= MAX_YEAR:
        issues.append(Issue("structure", 0, "annee", _YEAR_RANGE))
    policy = site.funding_policy
    if not policy.gap_threshold.is_finite() or not 0 <= policy.gap_threshold <= 100:
        issues.append(Issue("structure", 0, "seuil_ecart_financement", _PERCENT_RANGE))
    for funder, cap in policy.caps.items():
        if not cap.is_finite() or not 0 <= cap <= 100:
            issues.append(Issue("structure", 0, f"plafond_{funder.code}", _PERCENT_RANGE))
    return issues


def _date_issues(data: Dataset) -> list[Issue]:
    """Days outside the years the readers accept, and births in the future (checked on
    the whole columns first: nearly always there is nothing to look at)."""
    issues: list[Issue] = []
    low, high = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
    dates = list(map(_EVENT_DATE, data.events))
    if dates and (min(dates) < low or max(dates) > high):
        for index, day in enumerate(dates):
            if not low <= day <= high:
                issues.append(Issue("suivis", index, "date", _DATE_RANGE))
    all_births = list(map(_BIRTH_OF, data.persons))
    # distinct by identity (fast): the readers share one PartialDate per distinct cell
    births = [b for b in {id(b): b for b in all_births}.values() if b is not None]
    if not births:
        return issues
    if min(b.start for b in births) < low or max(b.end for b in births) > high:
        for index, birth in enumerate(all_births):
            if birth is not None and not (low <= birth.start and birth.end <= high):
                issues.append(Issue("porteurs", index, "birth", _DATE_RANGE))
    today = dt.date.today()
    if max(b.start for b in births) > today:
        for index, birth in enumerate(all_births):
            if birth is not None and birth.start > today:
                issues.append(
                    Issue(
                        "porteurs",
                        index,
                        "birth",
                        f"date de naissance dans le futur ({birth.iso()}) : une année à "
                        "deux chiffres ? écrivez-la en entier (1985)",
                    )
                )
    return issues


_DATE_RANGE = f"une date entre {MIN_YEAR} et {MAX_YEAR} est attendue"


def _permanence_issues(permanences: Sequence[Permanence]) -> list[Issue]:
    """A permanence with no day, hours that end before they start, a period that ends
    before it starts."""
    issues: list[Issue] = []
    low, high = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
    for index, permanence in enumerate(permanences):
        for name in ("first_day", "last_day"):
            day = getattr(permanence, name)
            if day is not None and not low <= day <= high:
                issues.append(Issue("permanences", index, name, _DATE_RANGE))
        if not permanence.days:
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "days",
                    "aucun jour : écrivez par exemple « mardi, jeudi »",
                )
            )
        if permanence.end_time <= permanence.start_time:
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "end_time",
                    f"l'heure de fin ({_hour(permanence.end_time)}) doit suivre l'heure de "
                    f"début ({_hour(permanence.start_time)})",
                )
            )
        if permanence.last_day is not None and permanence.last_day < permanence.first_day:
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "last_day",
                    f"la fin ({permanence.last_day:%d/%m/%Y}) précède le début "
                    f"({permanence.first_day:%d/%m/%Y})",
                )
            )
    return issues


def _hour(value: dt.time) -> str:
    """``9h``, ``14h30``: an hour as a French reader writes it."""
    return f"{value.hour}h{value.minute:02d}" if value.minute else f"{value.hour}h"


def _events_to_check(events: Sequence[Event], persons: Mapping[str, int]) -> list[int]:
    """The indexes of the events that may have a problem, in order: an unknown person, a
    type with a column left empty, a SIRET. Found column by column (a network has 700 000
    events), so that the checks above only run on these."""
    rows = range(len(events))
    suspects: set[int] = set()
    people = list(map(_PERSON_OF, events))
    unknown = set(people).difference(persons)
    if unknown:
        suspects.update(compress(rows, map(unknown.__contains__, people)))
    del people
    needs = list(map(_GETTERS_OF_NEEDS.get, map(id, map(_TYPE_OF, events))))
    for index in compress(rows, needs):
        event = events[index]
        for get in needs[index]:  # type: ignore[union-attr]
            if get(event) in (None, ""):
                suspects.add(index)
                break
    suspects.update(compress(rows, map(_SIRET_OF, events)))
    return sorted(suspects)


_PERSON_OF = attrgetter("person")
_ID_OF = attrgetter("id")
_BIRTH_OF = attrgetter("birth")
_BIRTH_PRECISIONS = (Precision.DAY, Precision.YEAR)
_SIRET_OF = attrgetter("siret")
_TYPE_OF = attrgetter("type")
#: The getters of the columns each event type needs, by the type's ``id()`` (an enum
#: member is itself: looking it up by identity saves ``Enum.__hash__``, written in Python).
_GETTERS_OF_NEEDS = {
    id(kind): tuple(attrgetter(name) for name in names) for kind, names in EVENT_NEEDS.items()
}


class RowOrigins(Sequence[Location]):
    """The locations of a table's records, made on demand (a network's 700 000 events
    need no 700 000 Location objects until one is named): spreadsheet or CSV rows
    (``suivis, ligne 12``), or with ``elements`` the elements of a JSON list
    (``suivis[12]``)."""

    __slots__ = ("elements", "file", "rows", "sheet")

    def __init__(
        self, file: str | None, sheet: str, rows: Sequence[int], *, elements: bool = False
    ) -> None:
        self.file, self.sheet, self.rows, self.elements = file, sheet, rows, elements

    def __len__(self) -> int:
        return len(self.rows)

    def _at(self, row: int) -> Location:
        if self.elements:
            return Location(self.file, f"{self.sheet}[{row}]")
        return Location(self.file, self.sheet, row)

    @overload
    def __getitem__(self, index: int) -> Location: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Location]: ...
    def __getitem__(self, index: int | slice) -> Location | Sequence[Location]:
        if isinstance(index, slice):
            return [self._at(row) for row in self.rows[index]]
        return self._at(self.rows[index])


_CLASS_OF_TABLE = {name: cls for name, cls, _ in TABLES}


def issue_problem(issue: Issue, location: Location | None = None) -> Problem:
    """The :class:`Problem` of an issue; without a location, the element's index."""
    cls = _CLASS_OF_TABLE.get(issue.table)
    column = column_of(cls, issue.field) if cls is not None and issue.field else issue.field
    if location is None:
        sheet = issue.table if cls is None else f"{issue.table}[{issue.index}]"
        location = Location(sheet=sheet, column=column)
    return Problem(location, issue.message)
