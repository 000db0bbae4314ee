"""The records of a CitésLab site, as immutable typed objects.

The classes mirror the workbook (``FORMATS.md`` §1): each field's French column name is in
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
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cached_property
from typing import Any

import attrs
from stdnum.fr import siret as stdnum_siret

from citeslab_core.dates import PartialDate, Precision
from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.vocabularies import (
    AnimationStatus,
    AnimationType,
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
)

__all__ = [
    "Animation",
    "Dataset",
    "Event",
    "Funding",
    "FundingPolicy",
    "InvalidDataset",
    "Issue",
    "Neighbourhood",
    "Partnership",
    "PathwayPolicy",
    "Person",
    "Site",
    "Text",
    "column_of",
    "private_fields",
]


def col(
    name: str,
    *,
    default: Any = attrs.NOTHING,
    private: bool = False,
    required: bool = False,
    **kwargs: Any,
) -> Any:
    """An attrs field whose workbook column (and JSON key) is ``name``."""
    metadata = {"column": name, "private": private, "required": required}
    return attrs.field(default=default, metadata=metadata, **kwargs)


def column_of(cls: type, field_name: str) -> str:
    """The French column name of a model field."""
    field = attrs.fields_dict(cls)[field_name]
    return str(field.metadata["column"])


def private_fields(cls: type) -> tuple[str, ...]:
    """Identity and free-text fields: they never leave in a bilan or an export."""
    return tuple(f.name for f in attrs.fields(cls) if f.metadata.get("private"))


@attrs.frozen
class PathwayPolicy:
    """The numbers of the référent rules (DOMAIN.md), which a site may change."""

    contact_days: int = col("delai_contact_jours", default=60)
    no_news_days: int = col("delai_sans_nouvelles_jours", default=180)
    orientation_reply_days: int = col("delai_retour_orientation_jours", default=30)


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
    referent: str | None = col("referent", default=None)
    year: int | None = col("annee", default=None)
    pathway_policy: PathwayPolicy = col("politique_parcours", factory=PathwayPolicy)
    funding_policy: FundingPolicy = col("politique_financement", factory=FundingPolicy)
    disclosure_threshold: int = col("seuil_secret_statistique", default=5)


@attrs.frozen
class Neighbourhood:
    """A neighbourhood the site declares (``quartiers`` sheet)."""

    name: str = col("quartier", required=True)
    residence: ResidenceStatus | None = col("statut_residence", default=None)
    qpv_code: str | None = col("code_qpv", default=None)
    commune: str | None = col("commune", default=None)
    population: int | None = col("population", default=None)


@attrs.frozen
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


@attrs.frozen
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
    referent: str | None = col("referent", default=None)
    comment: str | None = col("commentaire", default=None, private=True)


#: The columns each event type needs (FORMATS.md §1), by field name.
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
    title: str | None = col("titre", default=None)
    place: str | None = col("lieu", default=None)
    neighbourhood: str | None = col("quartier", default=None)
    partners: tuple[str, ...] = col("partenaires", default=())
    participants: int | None = col("participants", default=None)
    status: AnimationStatus = col("statut", default=AnimationStatus.REALISE)


@attrs.frozen
class Partnership:
    """A partnership or partner meeting (``partenariats`` sheet); dates may be partial."""

    partner: str = col("partenaire", required=True)
    category: PartnershipCategory | None = col("categorie", default=None)
    action: str | None = col("action", default=None)
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
    text: str = col("texte", required=True)


#: The sheets of the workbook: name, record class, whether the workbook must have it.
TABLES: tuple[tuple[str, type, bool], ...] = (
    ("quartiers", Neighbourhood, False),
    ("porteurs", Person, True),
    ("suivis", Event, True),
    ("animations", Animation, False),
    ("partenariats", Partnership, False),
    ("financements", Funding, False),
    ("textes", Text, False),
)


@attrs.frozen
class Issue:
    """A problem found while checking a dataset: table, element index, field, message."""

    table: str
    index: int
    field: str | None
    message: str


@attrs.frozen(eq=False)
class Dataset:
    """All the records of one site: valid by construction.

    Use :meth:`build`; the constructor checks and raises
    :class:`~citeslab_core.errors.InvalidData` with every problem found.
    """

    site: Site = attrs.field(factory=Site)
    neighbourhoods: tuple[Neighbourhood, ...] = ()
    persons: tuple[Person, ...] = ()
    events: tuple[Event, ...] = ()
    animations: tuple[Animation, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    fundings: tuple[Funding, ...] = ()
    texts: tuple[Text, ...] = ()

    def __attrs_post_init__(self) -> None:
        issues = check_dataset(self)
        if issues:
            raise InvalidDataset(issues)

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
    ) -> Dataset:
        """A checked dataset; residence statuses not given come from the neighbourhood."""
        hoods = tuple(neighbourhoods)
        return cls(
            site=site or Site(),
            neighbourhoods=hoods,
            persons=tuple(derive_residence(persons, hoods)),
            events=tuple(events),
            animations=tuple(animations),
            partnerships=tuple(partnerships),
            fundings=tuple(fundings),
            texts=tuple(texts),
        )

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
            events.sort(key=_event_date)
        return grouped

    @cached_property
    def neighbourhoods_by_name(self) -> Mapping[str, Neighbourhood]:
        return {n.name: n for n in self.neighbourhoods}


def _event_date(event: Event) -> dt.date:
    return event.date


def derive_residence(persons: Iterable[Person], hoods: Sequence[Neighbourhood]) -> Iterable[Person]:
    """Fill a person's residence status (and QPV code) from their declared neighbourhood."""
    by_name = {h.name.casefold(): h for h in hoods}
    for person in persons:
        hood = by_name.get(person.neighbourhood.casefold()) if person.neighbourhood else None
        if hood is not None and (
            person.residence is None or (person.qpv_code is None and hood.qpv_code)
        ):
            person = attrs.evolve(
                person,
                residence=person.residence or hood.residence,
                qpv_code=person.qpv_code or hood.qpv_code,
            )
        yield person


def check_dataset(data: Dataset) -> list[Issue]:
    """Every problem that keeps the records from being a dataset."""
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for index, person in enumerate(data.persons):
        if not person.id:
            issues.append(Issue("porteurs", index, "id", "identifiant vide"))
        elif person.id in seen:
            issues.append(
                Issue(
                    "porteurs",
                    index,
                    "id",
                    f"identifiant « {person.id} » en double (déjà à l'élément "
                    f"{seen[person.id] + 1})",
                )
            )
        else:
            seen[person.id] = index
        if person.birth is not None and person.birth.precision not in (
            Precision.DAY,
            Precision.YEAR,
        ):
            issues.append(
                Issue("porteurs", index, "birth", "la date de naissance est un jour ou une année")
            )
    for index, event in enumerate(data.events):
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
                Issue("animations", index, "date", "une animation réalisée a une date complète")
            )
    for index, funding in enumerate(data.fundings):
        for name in ("amount", "declared_total"):
            value = getattr(funding, name)
            if value is not None and value < 0:
                issues.append(
                    Issue("financements", index, name, "un montant ne peut pas être négatif")
                )
    for index, hood in enumerate(data.neighbourhoods):
        if hood.population is not None and hood.population < 0:
            issues.append(
                Issue("quartiers", index, "population", "une population ne peut pas être négative")
            )
    return issues


class InvalidDataset(InvalidData):
    """A dataset refused: :attr:`issues` keeps each problem's table and element index, so
    that a reader can name the row of its file."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = tuple(issues)
        super().__init__(issue_problem(i) for i in self.issues)


_CLASS_OF_TABLE = {name: cls for name, cls, _ in TABLES}


def issue_problem(issue: Issue, location: Location | None = None) -> Problem:
    """The :class:`Problem` of an issue; without a location, the element's index."""
    cls = _CLASS_OF_TABLE.get(issue.table)
    column = column_of(cls, issue.field) if cls is not None and issue.field else issue.field
    if location is None:
        location = Location(sheet=f"{issue.table}[{issue.index}]", column=column)
    return Problem(location, issue.message)
