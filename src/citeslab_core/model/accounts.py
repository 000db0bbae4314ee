"""The associations' chart of accounts, as the compte rendu financier uses it.

The compte rendu financier of a subsidised action (arrêté of 11 October 2006, Cerfa
n° 15059) lists the action's charges and produits by the two-digit classes of the
associations' chart of accounts (règlement ANC n° 2018-06): charges 60 to 68 and the
contributions volontaires' uses (86), produits 70 to 78 and the contributions volontaires
(87). A ``budget`` line's account is such a class (``64``) or a sub-account of one
(``641``, ``7411``): its first two digits are its class.

This module is the one place where the classes, their French titles and the lines the
Cerfa names under each are written: the template's notice, the validation of the
``budget`` sheet, the computation (:mod:`citeslab_core.bilan.crf`) and the exporter's Cerfa
sheet all read them here.
"""

from __future__ import annotations

import enum
import re

import attrs

__all__ = [
    "ACCOUNT_CLASSES",
    "SUBSIDY_CLASS",
    "AccountClass",
    "Side",
    "account_class",
    "account_problem",
]


class Side(enum.Enum):
    """Where a class stands in the Cerfa's table."""

    #: charges 60 to 68
    CHARGES = "charges"
    #: emplois des contributions volontaires en nature (86)
    CHARGES_VOLUNTARY = "charges_volontaires"
    #: produits 70 to 78
    PRODUITS = "produits"
    #: contributions volontaires en nature (87)
    PRODUITS_VOLUNTARY = "produits_volontaires"

    @property
    def is_charge(self) -> bool:
        return self in (Side.CHARGES, Side.CHARGES_VOLUNTARY)

    @property
    def voluntary(self) -> bool:
        return self in (Side.CHARGES_VOLUNTARY, Side.PRODUITS_VOLUNTARY)


@attrs.frozen
class AccountClass:
    """A two-digit class: its code, French title, side, and the lines the Cerfa names."""

    code: str
    title: str
    side: Side
    cerfa_lines: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """``64 – Charges de personnel``, as the Cerfa writes it."""
        return f"{self.code} – {self.title}"


def _classes(side: Side, *rows: tuple[str, str, tuple[str, ...]]) -> tuple[AccountClass, ...]:
    return tuple(AccountClass(code, title, side, lines) for code, title, lines in rows)


#: Every class a ``budget`` line may use, in the Cerfa's order.
ACCOUNT_CLASSES: tuple[AccountClass, ...] = (
    *_classes(
        Side.CHARGES,
        (
            "60",
            "Achats",
            ("Prestations de services", "Achats matières et fournitures", "Autres fournitures"),
        ),
        (
            "61",
            "Services extérieurs",
            ("Locations", "Entretien et réparation", "Assurance", "Documentation"),
        ),
        (
            "62",
            "Autres services extérieurs",
            (
                "Rémunérations intermédiaires et honoraires",
                "Publicité, publication",
                "Déplacements, missions",
                "Services bancaires, autres",
            ),
        ),
        ("63", "Impôts et taxes", ("Impôts et taxes sur rémunération", "Autres impôts et taxes")),
        (
            "64",
            "Charges de personnel",
            ("Rémunération des personnels", "Charges sociales", "Autres charges de personnel"),
        ),
        ("65", "Autres charges de gestion courante", ()),
        ("66", "Charges financières", ()),
        ("67", "Charges exceptionnelles", ()),
        ("68", "Dotation aux amortissements, provisions et engagements", ()),
    ),
    *_classes(
        Side.CHARGES_VOLUNTARY,
        (
            "86",
            "Emplois des contributions volontaires en nature",
            (
                "Secours en nature",
                "Mise à disposition gratuite de biens et prestations",
                "Personnel bénévole",
            ),
        ),
    ),
    *_classes(
        Side.PRODUITS,
        (
            "70",
            "Vente de produits finis, de marchandises, prestations de services",
            (),
        ),
        ("71", "Production stockée", ()),
        ("72", "Production immobilisée", ()),
        ("73", "Dotations et produits de tarification", ()),
        (
            "74",
            "Subventions d'exploitation",
            (
                "État",
                "Région(s)",
                "Département(s)",
                "Intercommunalité(s) : EPCI",
                "Commune(s)",
                "Organismes sociaux",
                "Fonds européens (FSE, FEDER…)",
                "L'agence de services et de paiement (emplois aidés)",
                "Autres établissements publics",
                "Aides privées (fondations)",
            ),
        ),
        (
            "75",
            "Autres produits de gestion courante",
            ("Cotisations", "Dons manuels, mécénat", "Autofinancement de la structure"),
        ),
        ("76", "Produits financiers", ()),
        ("77", "Produits exceptionnels", ()),
        ("78", "Reprises sur amortissements et provisions", ()),
    ),
    *_classes(
        Side.PRODUITS_VOLUNTARY,
        (
            "87",
            "Contributions volontaires en nature",
            ("Bénévolat", "Prestations en nature", "Dons en nature"),
        ),
    ),
)

_BY_CODE = {c.code: c for c in ACCOUNT_CLASSES}

#: The class of the subsidies: one line per funder, which must agree with ``financements``.
SUBSIDY_CLASS = "74"

_ACCOUNT = re.compile(r"^[0-9]{2,}$")


def account_class(account: str) -> AccountClass | None:
    """The class of an account (``641`` → 64), None when it is not one the Cerfa uses."""
    if not _ACCOUNT.match(account):
        return None
    return _BY_CODE.get(account[:2])


def account_problem(account: str) -> str | None:
    """Why ``account`` cannot be a ``budget`` line's account (French), None when it can."""
    if account_class(account) is not None:
        return None
    return (
        f"compte « {account} » : un compte du plan comptable des associations est attendu, "
        "une classe de deux chiffres (charges 60 à 68 ou 86, produits 70 à 78 ou 87) ou "
        "l'un de ses sous-comptes (641, 7411…)"
    )
