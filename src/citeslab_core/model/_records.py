"""The record classes of a CitésLab site, their fields and the sheets that hold them.

Each field's French column name is in its metadata (``column``), which readers, the JSON
converter and the template all use, so there is one list of columns. Identifiers are
English; what people read is French.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

import attrs

from citeslab_core.errors import CellError
from citeslab_core.model._views import PERSON_HTML, RECORD_HTML
from citeslab_core.model.dates import PartialDate
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


def field_type(hint: Any) -> tuple[Any, bool]:
    """The type a field holds, from its type hint: ``X | None`` is ``X``, which may be
    ``None`` (the second item); a hint of several types besides ``None`` is ``object``."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        return (args[0] if len(args) == 1 else object), optional
    return hint, False


def column_of(cls: type, field_name: str) -> str:
    """The French column name of a model field."""
    field = attrs.fields_dict(cls)[field_name]
    return str(field.metadata["column"])


def private_fields(cls: type) -> tuple[str, ...]:
    """Identity and free-text fields: they never leave in a bilan or an export."""
    return tuple(f.name for f in attrs.fields(cls) if f.metadata.get("private"))


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    """A number of days or persons: at least 1 (a French refusal, like a cell's)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CellError(
            f"{attribute.metadata['column']} : « {value} », un nombre entier d'au moins 1 "
            "est attendu"
        )


class Displayed:
    """A record's notebook display: the fields its ``repr`` shows (never an identity or
    free-text field), as an HTML table (the view ``RECORD_HTML``)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return RECORD_HTML(self)


@attrs.frozen
class PathwayPolicy(Displayed):
    """The numbers of the référent rules (docs/referent-rules.md), which a site may change."""

    contact_days: int = col("delai_contact_jours", default=60, validator=_at_least_one)
    no_news_days: int = col("delai_sans_nouvelles_jours", default=180, validator=_at_least_one)
    orientation_reply_days: int = col(
        "delai_retour_orientation_jours", default=30, validator=_at_least_one
    )


@attrs.frozen
class FundingPolicy(Displayed):
    """Caps per funder (largest share, in percent) and the planned/actual gap to explain."""

    caps: dict[Funder, Decimal] = col("plafonds", factory=dict, hash=False)
    gap_threshold: Decimal = col("seuil_ecart_financement", default=Decimal("10"))


@attrs.frozen
class Site(Displayed):
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
class Neighbourhood(Displayed):
    """A neighbourhood the site declares (``quartiers`` sheet)."""

    name: str = col("quartier", required=True)
    residence: ResidenceStatus | None = col("statut_residence", default=None)
    qpv_code: str | None = col("code_qpv", default=None)
    commune: str | None = col("commune", default=None)
    population: int | None = col("population", default=None)


@attrs.frozen(weakref_slot=False)
class Person(Displayed):
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

    def _repr_html_(self) -> str:
        """The fields its ``repr`` shows, as a table: no identity, no free text."""
        return PERSON_HTML(self)


@attrs.frozen(weakref_slot=False)
class Event(Displayed):
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
class Animation(Displayed):
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
class Partnership(Displayed):
    """A partnership or partner meeting (``partenariats`` sheet); dates may be partial."""

    partner: str = col("partenaire", required=True)
    category: PartnershipCategory | None = col("categorie", default=None)
    action: str | None = col("action", default=None, repr=False)  # free text
    date: PartialDate | None = col("date", default=None)


@attrs.frozen
class Funding(Displayed):
    """One funder's contribution to one year (``financements`` sheet)."""

    year: int = col("annee", required=True)
    funder: Funder = col("financeur", required=True)
    amount: Decimal = col("montant", required=True)
    nature: FundingNature = col("nature", default=FundingNature.REALISE)
    declared_total: Decimal | None = col("cout_total", default=None)
    declared_share: Decimal | None = col("part_declaree", default=None)


@attrs.frozen
class Text(Displayed):
    """A text of the site's own (``textes`` sheet): highlights, improvements, perspectives."""

    section: str = col("section", required=True)
    text: str = col("texte", required=True, repr=False)  # free text


@attrs.frozen
class BudgetLine(Displayed):
    """A line of the action's budget (``budget`` sheet): one account, planned or actual.

    ``account`` is a class of the associations' chart of accounts (``64``) or a
    sub-account of one (``641``), see :mod:`citeslab_core.model.accounts`; a subsidy (class 74)
    names its ``funder``. ``gap_explanation`` is the site's explanation of the gap between
    planned and actual (the annex of the compte rendu financier).
    """

    year: int = col("annee", required=True)
    nature: BudgetNature = col("nature", required=True)
    account: str = col("compte", required=True)
    amount: Decimal = col("montant", required=True)
    label: str | None = col("libelle", default=None, repr=False)  # typed freely
    funder: Funder | None = col("financeur", default=None)
    gap_explanation: str | None = col("ecart_explication", default=None, repr=False)  # free text


@attrs.frozen
class Permanence(Displayed):
    """A recurring permanence (``permanences`` sheet): the weekdays, the hours, the
    place and the period it runs, the dates (or months) it was never planned for
    (``exceptions``) and those it was planned for and then cancelled (``cancelled``).

    :func:`citeslab_core.derive.calendar.occurrences` expands it into dated occurrences,
    French public holidays skipped. ``last_day`` ``None``: it runs on.
    """

    place: str = col("lieu", required=True, repr=False)  # as an animation's place
    days: tuple[Weekday, ...] = col("jours", required=True)
    start_time: dt.time = col("heure_debut", required=True)
    end_time: dt.time = col("heure_fin", required=True)
    first_day: dt.date = col("debut", required=True)
    last_day: dt.date | None = col("fin", default=None)
    neighbourhood: str | None = col("quartier", default=None)
    exceptions: tuple[PartialDate, ...] = col("exceptions", default=())
    cancelled: tuple[PartialDate, ...] = col("annulees", default=())


#: The sheets of the workbook: name, record class, whether the workbook must have it.
#: The name of a sheet (``Dataset.columns(name)``): a type checker catches a misspelt one.
SheetName = Literal[
    "quartiers",
    "porteurs",
    "suivis",
    "animations",
    "partenariats",
    "financements",
    "textes",
    "budget",
    "permanences",
]

TABLES: tuple[tuple[SheetName, type, bool], ...] = (
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
