"""The coded vocabularies of the CitésLab records (docs/workbook.md lists each column's values).

Each vocabulary is an :class:`enum.Enum` whose value is the stable ASCII code that files
and JSON carry, with a French :attr:`~Vocabulary.label` for people, and aliases that a
spreadsheet cell may hold. Members are listed in the order reports show them.

A cell parses with :meth:`Vocabulary.parse`: the code, the label or an alias, in any case,
with or without accents, with ``_``, ``-`` and spaces taken alike; anything else raises a
:class:`~citeslab_core.errors.CellError` in the user's words (:meth:`Vocabulary.refusal`:
the column's title, the closest value, the labels of the drop-down list).
"""

from __future__ import annotations

import enum
from typing import Any, Self

from citeslab_core.errors import CellError, unknown_member
from citeslab_core.headers import did_you_mean, normalize

__all__ = [
    "VOCABULARIES",
    "AgeBracket",
    "AnimationStatus",
    "AnimationType",
    "BudgetNature",
    "Channel",
    "Decision",
    "EducationLevel",
    "EventType",
    "ExitResult",
    "Funder",
    "FundingNature",
    "MinimumBenefit",
    "OrientationCategory",
    "PartnershipCategory",
    "ResidenceStatus",
    "Sector",
    "Severity",
    "Sex",
    "SituationAtEntry",
    "Stage",
    "Vocabulary",
    "Weekday",
    "normalize",
]

VOCABULARIES: dict[str, type[Vocabulary]] = {}


class Vocabulary(enum.Enum):
    """A coded vocabulary: the value is the code, :attr:`label` the French label."""

    label: str
    aliases: tuple[str, ...]
    vocabulary_name: str

    def __init_subclass__(cls, *, vocabulary: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if vocabulary:
            cls.vocabulary_name = vocabulary
            VOCABULARIES[vocabulary] = cls

    def __new__(cls, code: str, label: str, *aliases: str) -> Self:
        member = object.__new__(cls)
        member._value_ = code
        member.label = label
        member.aliases = aliases
        return member

    @classmethod
    def _missing_(cls, value: object) -> Self:
        """``Sex("X")``: a French error listing the codes (a ``ValueError`` too)."""
        raise unknown_member(cls, value)

    @property
    def code(self) -> str:
        """The stable ASCII code (same as :attr:`value`)."""
        return str(self.value)

    def __str__(self) -> str:
        return self.label

    @classmethod
    def _lookup(cls) -> dict[str, Self]:
        table: dict[str, Self] | None = cls.__dict__.get("_lookup_table")
        if table is None:
            table = {}
            for member in cls:
                for form in (member.code, member.label, *member.aliases):
                    table.setdefault(normalize(form), member)
                # A label with a parenthesis is also known without it:
                # "Bac+2 (DUT, BTS…)" as "Bac+2".
                short = member.label.split("(")[0].strip()
                if short:
                    table.setdefault(normalize(short), member)
            type.__setattr__(cls, "_lookup_table", table)
        return table

    @classmethod
    def parse(cls, raw: object) -> Self:
        """The member a cell means, from its code, label or an alias.

        A number cell holding a code is that code (``3`` for ``niveau_formation``).
        """
        if isinstance(raw, cls):
            return raw
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = str(raw).strip()
        member = cls._lookup().get(normalize(text))
        if member is None:
            raise CellError(cls.refusal(text))
        return member

    @classmethod
    def title(cls) -> str:
        """The vocabulary's name in the user's words: the title of its column in the
        template (« Type de suivi » for ``type_suivi``)."""
        return _TITLES.get(cls.vocabulary_name, cls.vocabulary_name)

    @classmethod
    def refusal(cls, text: str) -> str:
        """Why ``text`` is not a value, in the words of the drop-down list: the column's
        title, the closest value's label (matched on codes, labels and aliases, case and
        accents ignored) and every label:

        « Orientaton » n'est pas une valeur de « Type de suivi » : vouliez-vous dire
        « Orientation » ? Valeurs possibles : Entretien individuel, Orientation, …"""
        forms: dict[str, str] = {}
        for member in cls:
            short = member.label.split("(")[0].strip()  # « Bac+2 » for « Bac+2 (DUT, BTS…) »
            for form in (member.label, short, member.code, *member.aliases):
                forms.setdefault(form, member.label)
        close = did_you_mean(text, forms, cutoff=0.7)
        return (
            f"« {text} » n'est pas une valeur de « {cls.title()} »{close or '.'} "
            f"Valeurs possibles : {cls.labels()}"
        )

    @classmethod
    def labels(cls) -> str:
        """The values as the drop-down list shows them: ``Femmes, Hommes``."""
        return ", ".join(m.label for m in cls)

    @classmethod
    def allowed(cls) -> str:
        """The values with their codes, as the template's notice lists them."""
        return ", ".join(f"{m.code} ({m.label})" for m in cls)


# A member is equal only to itself (Vocabulary has no ``__eq__``): hashed by identity, in
# C, rather than by ``Enum.__hash__``, written in Python (``hash(self._name_)``), which
# counting and grouping by member (the bilan, the checks, the frames) call hundreds of
# thousands of times at network scale. Set after the class (a ``__hash__`` in its body
# would hide Enum's declared one from type checkers).
setattr(Vocabulary, "__hash__", object.__hash__)  # noqa: B010

#: Each vocabulary's title: its column's header in the template (``citeslab modele``).
_TITLES = {
    "sexe": "Sexe",
    "stade": "Stade",
    "statut_residence": "Statut de résidence",
    "tranche_age": "Tranche d'âge",
    "niveau_formation": "Niveau de formation",
    "situation_entree": "Situation à l'entrée",
    "minima_sociaux": "Minima sociaux",
    "canal": "Canal",
    "secteur": "Secteur",
    "categorie_orientation": "Catégorie d'orientation",
    "type_suivi": "Type de suivi",
    "resultat_sortie": "Résultat de sortie",
    "decision_programme": "Décision",
    "type_animation": "Type d'animation",
    "statut_animation": "Statut",
    "categorie_partenariat": "Catégorie de partenariat",
    "financeur": "Financeur",
    "nature_financement": "Nature",
    "nature_budget": "Nature",
    "jour_semaine": "Jours",
}


class Sex(Vocabulary, vocabulary="sexe"):
    F = ("F", "Femmes", "femme", "feminin", "féminin")
    H = ("H", "Hommes", "homme", "masculin", "M")


class Stage(Vocabulary, vocabulary="stade"):
    INTENTIONNISTE = ("intentionniste", "Intentionniste")
    EN_DEVENIR = ("en_devenir", "En devenir", "porteur de projet")
    EN_ACTIVITE = ("en_activite", "En activité", "créateur", "creatrice", "créatrice")


class ResidenceStatus(Vocabulary, vocabulary="statut_residence"):
    QPV = ("qpv", "Quartier prioritaire", "QPV", "QPV/QVA")
    QPV_LIMITE = ("qpv_limite", "Quartier en limite", "QPV en limite", "limite QPV")
    HORS_QPV = ("hors_qpv", "Hors quartier", "hors QPV")


class AgeBracket(Vocabulary, vocabulary="tranche_age"):
    UNDER_18 = ("moins_18", "Moins de 18 ans")
    A18_25 = ("18_25", "18-25 ans")
    A26_35 = ("26_35", "26-35 ans")
    A36_45 = ("36_45", "36-45 ans")
    A46_55 = ("46_55", "46-55 ans")
    A56_PLUS = ("56_plus", "56 ans et plus", "56+")

    @classmethod
    def of_age(cls, age: int) -> AgeBracket:
        """The bracket of an age in whole years."""
        if age < 18:
            return cls.UNDER_18
        if age <= 25:
            return cls.A18_25
        if age <= 35:
            return cls.A26_35
        if age <= 45:
            return cls.A36_45
        if age <= 55:
            return cls.A46_55
        return cls.A56_PLUS


class EducationLevel(Vocabulary, vocabulary="niveau_formation"):
    INFRA_3 = (
        "infra_3",
        "Fin de scolarité obligatoire (niveaux 1-2)",
        "niveau 1-2",
        "sans diplome",
        "sans diplôme",
    )
    LEVEL_3 = ("3", "CAP, BEP", "niveau 3", "BEP, CAP", "CAP", "BEP")
    LEVEL_4 = ("4", "Bac, brevet de technicien, brevet professionnel", "niveau 4", "Bac")
    LEVEL_5 = ("5", "Bac+2 (DUT, BTS…)", "niveau 5", "DUT", "BTS")
    LEVEL_6 = ("6", "Bac+3 et 4 (licence, BUT, maîtrise)", "niveau 6", "Bac+3", "Bac+4", "licence")
    LEVEL_7 = ("7", "Bac+5 (master, ingénieur)", "niveau 7", "master")
    LEVEL_8 = ("8", "Doctorat", "niveau 8")


class SituationAtEntry(Vocabulary, vocabulary="situation_entree"):
    DE_NON_INDEMNISE = (
        "de_non_indemnise",
        "Demandeur d'emploi non indemnisé",
        "demandeuse d'emploi non indemnisée",
    )
    DE_INDEMNISE = (
        "de_indemnise",
        "Demandeur d'emploi indemnisé",
        "demandeuse d'emploi indemnisée",
    )
    SALARIE = ("salarie", "Salarié(e)", "salarié", "salariée")
    INDEPENDANT = ("independant", "Indépendant(e)", "indépendante")
    ETUDIANT = ("etudiant", "Étudiant(e) ou en formation", "étudiante", "en formation")
    INACTIF = ("inactif", "Sans activité", "inactive")
    AUTRE = ("autre", "Autre")

    @property
    def job_seeker(self) -> bool:
        """Registered as a job seeker, with or without benefit."""
        return self in (SituationAtEntry.DE_NON_INDEMNISE, SituationAtEntry.DE_INDEMNISE)


class MinimumBenefit(Vocabulary, vocabulary="minima_sociaux"):
    RSA = ("rsa", "RSA")
    ASS = ("ass", "ASS")
    AAH = ("aah", "AAH")
    AUCUN = ("aucun", "Aucun", "non", "sans")


class Channel(Vocabulary, vocabulary="canal"):
    ACTION_CITESLAB = (
        "action_citeslab",
        "Action CitésLab / internet & réseaux",
        "Action CitésLab",
        "internet",
        "réseaux sociaux",
    )
    BOUCHE_A_OREILLE = ("bouche_a_oreille", "Bouche à oreille")
    PARTENAIRE = ("partenaire", "Partenaires", "partenaire", "prescripteur")


class Sector(Vocabulary, vocabulary="secteur"):
    RESTAURATION = ("restauration", "Restauration")
    SERVICES_PERSONNE = ("services_personne", "Services à la personne")
    ARTISTIQUE = ("artistique", "Artistique")
    ASSOCIATION = ("association", "Association")
    COMMERCE = ("commerce", "Commerce")
    BATIMENT = ("batiment", "Bâtiment")
    NUMERIQUE = ("numerique", "Numérique")
    DIVERS = ("divers", "Divers")


class OrientationCategory(Vocabulary, vocabulary="categorie_orientation"):
    CREATION = (
        "creation",
        "Acteurs de la création (BGE, ADIE, CCI/CMA…)",
        "Acteurs de la création",
        "création",
    )
    EMPLOI = ("emploi", "Acteurs de l'emploi")
    FORMATION_INSERTION = (
        "formation_insertion",
        "Acteurs de la formation et de l'insertion",
        "formation",
        "insertion",
    )
    AUTRE = ("autre", "Autres", "autre")


class EventType(Vocabulary, vocabulary="type_suivi"):
    ENTRETIEN = ("entretien", "Entretien individuel")
    POINT_ETAPE = ("point_etape", "Point d'étape")
    ORIENTATION = ("orientation", "Orientation")
    CANDIDATURE_PROGRAMME = ("candidature_programme", "Candidature à un programme", "candidature")
    DECISION_PROGRAMME = ("decision_programme", "Décision d'un programme", "décision")
    CHANGEMENT_STADE = ("changement_stade", "Changement de stade")
    PASSAGE_RELAIS = ("passage_relais", "Passage de relais du référent", "passage de relais")
    SORTIE = ("sortie", "Sortie")

    @property
    def is_contact(self) -> bool:
        """An individual contact with the person (R5): interview or follow-up."""
        return self in (EventType.ENTRETIEN, EventType.POINT_ETAPE)


class ExitResult(Vocabulary, vocabulary="resultat_sortie"):
    CREATION = ("creation", "Création")
    POURSUITE = ("poursuite", "Poursuite du processus entrepreneurial")
    EMPLOI_FORMATION = ("emploi_formation", "Amorçage emploi / formation")
    SANS_NOUVELLES = ("sans_nouvelles", "Sans nouvelles")
    ABANDON = ("abandon", "Abandon")


class Decision(Vocabulary, vocabulary="decision_programme"):
    RETENU = ("retenu", "Retenu(e)", "retenue", "accepté", "acceptée")
    NON_RETENU = ("non_retenu", "Non retenu(e)", "non retenue", "refusé", "refusée")


class AnimationType(Vocabulary, vocabulary="type_animation"):
    ATELIER_THEMATIQUE = ("atelier_thematique", "Atelier thématique", "Ateliers thématiques")
    CAFE_CREATEUR = ("cafe_createur", "Café créateur", "Cafés créateurs")
    RENCONTRE_CREATEURS = (
        "rencontre_createurs",
        "Rencontre de créateurs",
        "Rencontres de créateurs",
    )
    PETIT_DEJEUNER_CREATEURS = (
        "petit_dejeuner_createurs",
        "Petit déjeuner créateurs",
        "Petits déjeuners créateurs",
    )
    MARCHE_CREATEURS = ("marche_createurs", "Marché de créateurs", "Marchés de créateurs")
    GRAND_EVENEMENT = ("grand_evenement", "Grand événement", "Grands événements", "grand évènement")
    SENSIBILISATION = ("sensibilisation", "Action de sensibilisation")
    PERMANENCE = ("permanence", "Permanence", "Permanences")
    WEBINAIRE = ("webinaire", "Webinaire", "Webinaires")
    FORUM = ("forum", "Forum", "Forums")
    REUNION_PARTENARIALE = (
        "reunion_partenariale",
        "Réunion partenariale",
        "Réunions partenariales",
    )


class AnimationStatus(Vocabulary, vocabulary="statut_animation"):
    REALISE = ("realise", "Réalisé", "réalisée", "fait")
    PREVU = ("prevu", "Prévu", "prévue", "prévisionnel")


class PartnershipCategory(Vocabulary, vocabulary="categorie_partenariat"):
    CREATION = ("creation", "Création d'entreprise", "création")
    EMPLOI_INSERTION = ("emploi_insertion", "Emploi / Insertion", "emploi", "insertion")
    RESEAU_CITESLAB = ("reseau_citeslab", "Réseau CitésLab")
    AUTRE = ("autre", "Autre")


class Funder(Vocabulary, vocabulary="financeur"):
    BPI = ("bpi", "Bpifrance", "BPI France")
    CONTRAT_DE_VILLE = ("contrat_de_ville", "Contrat de ville", "politique de la ville")
    PIC = (
        "pic",
        "PIC (Plan d'investissement dans les compétences)",
        "Plan d'investissement dans les compétences",
    )
    REGION = ("region", "Région", "conseil régional")
    DEPARTEMENT = ("departement", "Département", "conseil départemental")
    COMMUNE_EPCI = ("commune_epci", "Commune / EPCI", "commune", "EPCI", "métropole")
    FSE = ("fse", "FSE+", "FSE")
    AUTRE = ("autre", "Autre")
    # The structure's own funds last, after every funder, as the compte rendu financier
    # lists them (75 after the subsidies of 74): the same order in every table.
    AUTOFINANCEMENT = ("autofinancement", "Autofinancement", "fonds propres")


class FundingNature(Vocabulary, vocabulary="nature_financement"):
    REALISE = ("realise", "Réalisé", "réel")
    PREVISIONNEL = ("previsionnel", "Prévisionnel", "prévu")


class BudgetNature(Vocabulary, vocabulary="nature_budget"):
    """A line of the ``budget`` sheet: planned (the grant request) or actual."""

    PREVU = ("prevu", "Prévu", "prévisionnel", "prévision", "budget prévisionnel")
    REALISE = ("realise", "Réalisé", "réel", "réalisation")

    @property
    def funding_nature(self) -> FundingNature:
        """The nature of the ``financements`` rows that this nature's lines agree with."""
        return FundingNature.PREVISIONNEL if self is BudgetNature.PREVU else FundingNature.REALISE


class Weekday(Vocabulary, vocabulary="jour_semaine"):
    """The days of a permanence (``permanences`` sheet, column ``jours``), Monday first:
    a member's position is the weekday number of :mod:`datetime` and dateutil."""

    LUNDI = ("lundi", "Lundi", "lun")
    MARDI = ("mardi", "Mardi", "mar")
    MERCREDI = ("mercredi", "Mercredi", "mer")
    JEUDI = ("jeudi", "Jeudi", "jeu")
    VENDREDI = ("vendredi", "Vendredi", "ven")
    SAMEDI = ("samedi", "Samedi", "sam")
    DIMANCHE = ("dimanche", "Dimanche", "dim")

    @property
    def number(self) -> int:
        """0 for Monday … 6 for Sunday, as :meth:`datetime.date.weekday` counts."""
        return _WEEKDAY_NUMBERS[self]


_WEEKDAY_NUMBERS = {day: number for number, day in enumerate(Weekday)}


class Severity(enum.StrEnum):
    """How serious a finding of the référent's rules or a check of the bilan is, most
    serious first; the value is the code JSON carries. Here, below both, so that the rules
    need not import the bilan. The follow-up's findings are ``erreur``,
    ``avertissement`` or ``rappel``; the bilan's checks ``erreur``, ``avertissement`` or
    ``info``."""

    ERROR = "erreur"
    WARNING = "avertissement"
    REMINDER = "rappel"
    INFO = "info"

    @classmethod
    def _missing_(cls, value: object) -> Severity:
        raise unknown_member(cls, value)

    @property
    def label(self) -> str:
        """The French word a person reads (« Erreur », « Information »…)."""
        return _SEVERITY_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for the most serious: the order in which findings and checks are listed."""
        return _SEVERITY_RANKS[self]


_SEVERITY_LABELS = {
    Severity.ERROR: "Erreur",
    Severity.WARNING: "Avertissement",
    Severity.REMINDER: "Rappel",
    Severity.INFO: "Information",
}
_SEVERITY_RANKS = {severity: rank for rank, severity in enumerate(Severity)}
