"""The French labels of sheets and columns, and the « vouliez-vous dire » of a near miss.

A sheet or a column has a code (``porteurs``, ``date_naissance``: what the JSON carries
and what the docs name) and a French label (``Porteurs de projet``, ``Date de
naissance``: what the template shows). A reader matches a header against both, the way
vocabulary values are matched (:func:`normalize`: case,
accents, ``_``/``-``/apostrophes ignored), so ``date_naissance``, ``Date de naissance``
and ``DATE DE NAISSANCE`` are the same column.

A column that has no label here (a table added later) gets one made from its code
(``heure_debut`` → ``Heure debut``), so it still reads by code and by that label.

:func:`suggestion` finds, among known names, the one closest to a name that matched
none (difflib's ratio on the normalised forms), for the messages' « vouliez-vous
dire … ? ».
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

__all__ = [
    "COLUMN_LABELS",
    "SHEET_LABELS",
    "column_label",
    "column_title",
    "did_you_mean",
    "normalize",
    "sheet_label",
    "suggestion",
]

_SEPARATORS = re.compile(r"[\s_\-’']+")
_AROUND_PLUS = re.compile(r"\s*\+\s*")


@cache
def normalize(text: str) -> str:
    """The form under which codes, labels, aliases and headers are compared.

    Case-folded, accents removed, ``_``, ``-``, apostrophes and runs of spaces made one
    space, no space around ``+``: ``"Bac + 2"``, ``"BAC+2"`` and ``"bac+2"`` are alike, and
    so are ``"en_devenir"`` and ``"En devenir"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = _SEPARATORS.sub(" ", stripped).strip()
    return _AROUND_PLUS.sub("+", spaced)


#: The label of each sheet (its code is the table name).
SHEET_LABELS: dict[str, str] = {
    "structure": "Structure",
    "quartiers": "Quartiers",
    "porteurs": "Porteurs de projet",
    "suivis": "Suivis des parcours",
    "animations": "Animations",
    "partenariats": "Partenariats",
    "financements": "Financements",
    "textes": "Textes du bilan",
    "permanences": "Permanences",
    "budget": "Budget",
}

_STATUT = "Statut de résidence"

#: The label of each column, by sheet then column code: the template's headers.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "structure": {"cle": "Clé", "valeur": "Valeur"},
    "quartiers": {
        "quartier": "Quartier",
        "statut_residence": _STATUT,
        "code_qpv": "Code QPV",
        "commune": "Commune",
        "population": "Population",
    },
    "porteurs": {
        "id": "Identifiant",
        "nom": "Nom",
        "prenom": "Prénom",
        "telephone": "Téléphone",
        "email": "E-mail",
        "adresse": "Adresse",
        "sexe": "Sexe",
        "date_naissance": "Date de naissance",
        "quartier": "Quartier",
        "statut_residence": _STATUT,
        "code_qpv": "Code QPV",
        "niveau_formation": "Niveau de formation",
        "situation_entree": "Situation à l'entrée",
        "minima_sociaux": "Minima sociaux",
        "rqth": "RQTH",
        "canal": "Canal",
        "prescripteur": "Prescripteur",
        "secteur": "Secteur",
        "stade_entree": "Stade à l'entrée",
        "idee_projet": "Idée de projet",
        "commentaire": "Commentaire",
    },
    "suivis": {
        "porteur": "Porteur",
        "date": "Date",
        "type": "Type de suivi",
        "partenaire": "Partenaire",
        "categorie": "Catégorie d'orientation",
        "programme": "Programme",
        "decision": "Décision",
        "stade": "Stade",
        "resultat": "Résultat de sortie",
        "siret": "SIRET",
        "forme_juridique": "Forme juridique",
        "referent": "Référent",
        "commentaire": "Commentaire",
    },
    "animations": {
        "date": "Date",
        "type": "Type d'animation",
        "titre": "Titre",
        "lieu": "Lieu",
        "quartier": "Quartier",
        "partenaires": "Partenaires",
        "participants": "Participants",
        "statut": "Statut",
    },
    "partenariats": {
        "partenaire": "Partenaire",
        "categorie": "Catégorie de partenariat",
        "action": "Action",
        "date": "Date",
    },
    "financements": {
        "annee": "Année",
        "financeur": "Financeur",
        "montant": "Montant",
        "nature": "Nature",
        "cout_total": "Coût total",
        "part_declaree": "Part déclarée",
    },
    "textes": {"section": "Section", "texte": "Texte"},
    "permanences": {
        "lieu": "Lieu",
        "quartier": "Quartier",
        "jours": "Jours",
        "heure_debut": "Heure de début",
        "heure_fin": "Heure de fin",
        "debut": "Début",
        "fin": "Fin",
        "exceptions": "Exceptions",
        "annulees": "Annulées",
    },
    "budget": {
        "annee": "Année",
        "nature": "Nature",
        "compte": "Compte",
        "libelle": "Libellé",
        "financeur": "Financeur",
        "montant": "Montant",
        "ecart_explication": "Explication de l'écart",
    },
}


def sheet_label(table: str) -> str:
    """The label of a sheet: ``porteurs`` → ``Porteurs de projet``."""
    return SHEET_LABELS.get(table) or table.replace("_", " ").capitalize()


def column_label(table: str, column: str) -> str:
    """The label of a column: ``("porteurs", "date_naissance")`` → ``Date de naissance``;
    a column with no label of its own gets its code, spaced and capitalised."""
    return COLUMN_LABELS.get(table, {}).get(column) or column.replace("_", " ").capitalize()


def column_title(sheet: str | None, column: str) -> str:
    """The title a person knows a column by, for a message: the template's header when
    ``column`` is a known column's code in the sheet (``("suivis", "type")`` → ``Type de
    suivi``; the sheet named by its code or its label), else ``column`` as written."""
    if sheet is None:
        return column
    norm_sheet = normalize(sheet)
    for table, labels in COLUMN_LABELS.items():
        if norm_sheet in (normalize(table), normalize(sheet_label(table))):
            return labels.get(column) or column
    return column


def suggestion(
    name: str, known: Iterable[str] | Mapping[str, str], *, cutoff: float = 0.75
) -> str | None:
    """The known name closest to ``name`` (compared normalised: case, accents, ``_`` and
    ``-`` ignored), or ``None`` when none is close enough (difflib's ratio at least
    ``cutoff``).

    ``known`` is the names themselves, or a mapping from each form a name may be typed in
    (a code, a label, an English alias) to the name to suggest (the label the user
    knows): ``{"orientation": "Orientation", "Orientation": "Orientation"}``. This one
    helper makes every « vouliez-vous dire » of citeslab: sheets, columns, vocabulary
    values, commands, options, choices and exporters."""
    forms = known if isinstance(known, Mapping) else {k: k for k in known}
    by_norm: dict[str, str] = {}
    for form, shown in forms.items():
        by_norm.setdefault(normalize(form), shown)
    typed = normalize(name)
    found = difflib.get_close_matches(typed, list(by_norm), n=len(by_norm), cutoff=cutoff)
    if not found:
        return None
    # Two names as close as each other (« Bac+9 »: Bac+2, Bac+3, Bac+5): no guess.
    best = _ratio(typed, found[0])
    if any(by_norm[f] != by_norm[found[0]] and _ratio(typed, f) == best for f in found[1:]):
        return None
    return by_norm[found[0]]


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def did_you_mean(
    name: str, known: Iterable[str] | Mapping[str, str], *, cutoff: float = 0.75
) -> str:
    """`` : vouliez-vous dire « suivis » ?`` when a known name is close to ``name``, else
    the empty string (to be put right after « … inconnue »)."""
    found = suggestion(name, known, cutoff=cutoff)
    return f" : vouliez-vous dire « {found} » ?" if found else ""
