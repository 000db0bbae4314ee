"""The empty workbook a site fills in (``citeslab modele FICHIER.xlsx``).

Its sheets, in order:

- ``notice``: every sheet and every column explained in French (what it holds, whether it
  is required, the values or forms accepted);
- ``structure``: the keys of the site (``cle``, ``valeur``), the policy keys prefilled
  with their default values, and an ``_explication`` column (ignored when read);
- one sheet per table (``quartiers``, ``porteurs``, ``suivis``, ``animations``,
  ``partenariats``, ``financements``, ``textes``, ``budget``, ``permanences``) with its
  headers: the columns' French labels (``Date de naissance``,
  :mod:`citeslab_core.headers`), which read back like their codes; bold, frozen, sized;
- ``listes`` (hidden): the French labels of every vocabulary, which the drop-down lists
  (data validations of type "list") of the vocabulary columns point to, because Excel
  caps a list written inline at 255 characters.

The drop-downs show labels; the reader accepts labels and codes alike, so the list
warns rather than refuses a value typed by hand. Read back untouched, the template is a
valid dataset with no records and the default policy (see ``docs/workbook.md``).
"""

from __future__ import annotations

import io
import typing
from typing import Any, Final

import attrs

from citeslab_core.french import of
from citeslab_core.headers import column_label
from citeslab_core.model import TABLES, BudgetLine, Site, field_type
from citeslab_core.model.accounts import ACCOUNT_CLASSES
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.tables import STRUCTURE_KEYS, column_letter
from citeslab_core.vocabularies import Funder, Vocabulary

__all__ = [
    "COLUMN_HELP",
    "SHEET_HELP",
    "STRUCTURE_HELP",
    "build_template",
    "vocabulary_columns",
]

_DATE = "une date : 30/03/2023, 2023-03-30, 30 mars 2023 ou une cellule date"
_PARTIAL = (
    "une date, ou une date partielle : un mois (janvier 2023, 2023-01), une année (2023), "
    "une période de mois (mai à septembre 2023)"
)
_TIME = "une heure : 9h, 9h30, 09:30, 14:00 ou une cellule heure"
_AMOUNT = "un montant en euros : 16000, 16 000, 16 000,00 €, 16000.00 ou une cellule nombre"
_TEXT = "du texte libre"
_ACCOUNT = "un compte de deux chiffres ou plus : 60 à 68, 70 à 78, 86, 87, ou un sous-compte (641)"

SHEET_HELP: dict[str, str] = {
    "structure": "Le CitésLab : son nom, sa structure porteuse, son territoire, et les "
    "réglages des contrôles (délais du référent de parcours, seuils). Deux colonnes : "
    "cle et valeur. Une valeur vide garde la valeur par défaut.",
    "quartiers": "Les quartiers du site (facultatif). Le statut de résidence et le code QPV "
    "d'un porteur viennent de son quartier s'ils ne sont pas indiqués ; la population donne "
    "le nombre d'accompagnés pour 1 000 habitants.",
    "porteurs": "Une ligne par porteur ou porteuse de projet (obligatoire). L'identité "
    "(nom, prénom, téléphone, e-mail, adresse) et les textes libres restent au CitésLab : "
    "ils ne sortent dans aucun bilan ni export.",
    "suivis": "Une ligne par événement du parcours d'un porteur (obligatoire) : entretien, "
    "point d'étape, orientation, candidature, décision, changement de stade, passage de "
    "relais, sortie. Le stade, le référent et le statut d'un porteur se déduisent des suivis. "
    "Une orientation compte deux fois dans le bilan : dans « Orientation au premier "
    "rendez-vous » seulement si elle porte la même date que le premier entretien ; dans "
    "« Orientations de la période » dès qu'elle est datée de la période.",
    "animations": "Les actions collectives (facultatif) : réalisées (comptées dans le bilan) "
    "ou prévues (le calendrier).",
    "partenariats": "Les partenaires rencontrés et les actions menées avec eux (facultatif).",
    "financements": "Les financements par année et par financeur (facultatif) : réalisés ou "
    "prévisionnels.",
    "textes": "Les textes du site (facultatif) : points forts, points d'amélioration, "
    "perspectives, montrés dans le bilan HTML.",
    "budget": "Le budget de l'action (facultatif), pour le compte rendu financier du contrat "
    "de ville (Cerfa n° 15059) : une ligne par année, nature (prévu ou réalisé) et compte du "
    "plan comptable des associations, les subventions (compte 74) une ligne par financeur. "
    "Les comptes utilisables sont expliqués en bas de cette notice.",
    "permanences": "Les permanences régulières (facultatif) : une ligne par lieu et horaire, "
    "avec ses jours de la semaine et sa période. Elles donnent les dates du calendrier "
    "(citeslab exporter calendrier) ; les jours fériés sont sautés d'office.",
}

COLUMN_HELP: dict[str, dict[str, str]] = {
    "quartiers": {
        "quartier": "Le nom du quartier, tel qu'il est écrit dans la colonne quartier des "
        "porteurs.",
        "statut_residence": "Le statut des habitants du quartier.",
        "code_qpv": "Le code du quartier prioritaire : QN + département + 2 chiffres + une "
        "lettre (liste 2024, ex. QN02901M) ou QP + 6 chiffres (liste 2015).",
        "commune": "La commune.",
        "population": "Le nombre d'habitants (un nombre entier).",
    },
    "porteurs": {
        "id": "L'identifiant du porteur, unique (ex. P001) : les suivis s'y rapportent.",
        "nom": "Nom (reste au CitésLab).",
        "prenom": "Prénom (reste au CitésLab).",
        "telephone": "Téléphone (reste au CitésLab).",
        "email": "E-mail (reste au CitésLab).",
        "adresse": "Adresse (reste au CitésLab).",
        "sexe": "Le sexe ; vide : non connu.",
        "date_naissance": "La date de naissance, ou l'année seule (1990).",
        "quartier": "Le quartier de résidence (voir la feuille quartiers).",
        "statut_residence": "Le statut de résidence ; vide : celui du quartier déclaré.",
        "code_qpv": "Le code QPV ; vide : celui du quartier déclaré.",
        "niveau_formation": "Le niveau de formation (nomenclature 2019, décret n° 2019-14) ; "
        "le chiffre seul (3, 4, 5…) est accepté.",
        "situation_entree": "La situation à l'entrée dans le parcours.",
        "minima_sociaux": "Le minimum social perçu ; vide : aucun.",
        "rqth": "Reconnaissance de la qualité de travailleur handicapé : oui, non (ou 1 / 0, "
        "vrai / faux) ; vide : non connu.",
        "canal": "Comment la personne a connu le CitésLab.",
        "prescripteur": "Le partenaire qui a orienté la personne vers le CitésLab.",
        "secteur": "Le secteur du projet.",
        "stade_entree": "Le stade du projet au premier entretien.",
        "idee_projet": "L'idée de projet, en quelques mots (reste au CitésLab).",
        "commentaire": "Commentaire libre (reste au CitésLab).",
    },
    "suivis": {
        "porteur": "L'identifiant (colonne id de la feuille porteurs) du porteur.",
        "date": "La date de l'événement.",
        "type": "Le type d'événement.",
        "partenaire": "Le partenaire : obligatoire pour une orientation et un passage de relais.",
        "categorie": "La catégorie du partenaire d'une orientation (obligatoire pour une "
        "orientation). Datée du jour du premier entretien, l'orientation compte aussi au "
        "premier rendez-vous.",
        "programme": "Le programme ou l'accélérateur : obligatoire pour une candidature et "
        "une décision.",
        "decision": "La décision du programme (obligatoire pour une décision).",
        "stade": "Le nouveau stade (obligatoire pour un changement de stade).",
        "resultat": "Le résultat de la sortie (obligatoire pour une sortie).",
        "siret": "Le SIRET de l'entreprise créée (14 chiffres, clé de contrôle vérifiée).",
        "forme_juridique": "La forme juridique de l'entreprise créée (micro-entreprise, SAS…).",
        "referent": "Le nom du chef de projet qui a mené l'événement.",
        "commentaire": "Commentaire libre (reste au CitésLab).",
    },
    "animations": {
        "date": "La date de l'action ; une action prévue peut n'avoir qu'un mois ou une période.",
        "type": "Le type d'action collective.",
        "titre": "Le titre de l'action.",
        "lieu": "Le lieu.",
        "quartier": "Le quartier où l'action a eu lieu.",
        "partenaires": "Les partenaires associés, séparés par des virgules ou des points-virgules.",
        "participants": "Le nombre de participants (un nombre entier).",
        "statut": "Réalisé ou prévu ; vide : réalisé.",
    },
    "partenariats": {
        "partenaire": "Le partenaire.",
        "categorie": "La catégorie du partenariat.",
        "action": "Ce qui a été fait avec lui.",
        "date": "Quand.",
    },
    "financements": {
        "annee": "L'année financée (2023).",
        "financeur": "Le financeur.",
        "montant": "Le montant apporté par ce financeur cette année-là.",
        "nature": "Réalisé ou prévisionnel ; vide : réalisé.",
        "cout_total": "Le coût total déclaré de l'année (même valeur sur chaque ligne de "
        "l'année) : il doit être la somme des montants.",
        "part_declaree": "La part déclarée du financeur, à contrôler : 24, 24 %, 24,5 ou une "
        "cellule au format pourcentage.",
    },
    "textes": {
        "section": "points_forts, points_amelioration, perspectives, ou un titre libre.",
        "texte": "Le texte.",
    },
    "budget": {
        "annee": "L'année de l'action (2023).",
        "nature": "Prévu (le budget de la demande de subvention, Cerfa n° 12156) ou réalisé.",
        "compte": "Le compte : une classe de deux chiffres (64) ou un sous-compte (641) ; voir "
        "les comptes en bas de cette notice.",
        "montant": "Le montant en euros (positif).",
        "libelle": "Le libellé de la ligne (ex. Rémunération des personnels) ; vide : celui de "
        "la classe du compte.",
        "financeur": "Pour une subvention (compte 74) seulement : le financeur, le même que "
        "dans la feuille financements (le montant doit y être le même).",
        "ecart_explication": "L'explication de l'écart entre prévu et réalisé (l'annexe du "
        "compte rendu financier) : obligatoire au-delà du seuil d'écart de la structure.",
    },
    "permanences": {
        "lieu": "Le lieu de la permanence (ex. Médiathèque des Capucins).",
        "quartier": "Le quartier (voir la feuille quartiers).",
        "jours": "Les jours de la semaine : un jour de la liste, ou plusieurs séparés par "
        "des virgules (mardi, jeudi).",
        "heure_debut": "L'heure de début.",
        "heure_fin": "L'heure de fin, après l'heure de début.",
        "debut": "Le premier jour où la permanence a lieu.",
        "fin": "Le dernier jour possible ; vide : elle continue.",
        "exceptions": "Les dates sans permanence, séparées par des points-virgules ; un mois "
        "entier s'écrit août 2024. Les jours fériés sont déjà sautés.",
        "annulees": "Les dates prévues puis annulées, séparées par des points-virgules. Une "
        "permanence passée et non annulée compte comme tenue.",
    },
}

STRUCTURE_HELP: dict[str, str] = {
    "nom": "Le nom du CitésLab (ex. CitésLab Brest) ; vide : « CitésLab ».",
    "porteur": "La structure porteuse (ex. DEFIS Emploi).",
    "territoire": "Le territoire couvert.",
    "referent": "Le nom du chef de projet, référent de parcours par défaut.",
    "annee": "L'année des dates écrites sans année (15-févr, novembre).",
    "delai_contact_jours": "Jours sans entretien ni point d'étape avant une relance du "
    "porteur (règle R5).",
    "delai_sans_nouvelles_jours": "Jours sans aucun suivi avant de clore un parcours « sans "
    "nouvelles » (règle R6).",
    "delai_retour_orientation_jours": "Jours après une orientation avant de demander au "
    "partenaire ce qu'elle est devenue (règle R7).",
    "seuil_ecart_financement": "Écart entre prévisionnel et réalisé, en pourcentage, au-delà "
    "duquel il faut l'expliquer.",
    "seuil_secret_statistique": "Effectif en dessous duquel un chiffre est masqué (« s ») "
    "dans un bilan public.",
    "plafond": "plafond_<financeur> (ex. plafond_bpi) : la part maximale de ce financeur, en "
    "pourcentage ; vide : pas de plafond.",
}

_LIST_SHEET = "listes"
_BOOLEAN_LIST = ("oui", "non")


def vocabulary_columns(cls: type) -> dict[str, type[Vocabulary]]:
    """The columns of a record class that hold a vocabulary value (or a list of them,
    as a permanence's ``jours``), and its vocabulary."""
    hints = typing.get_type_hints(cls)
    found: dict[str, type[Vocabulary]] = {}
    for field in attrs.fields(cls):
        tp = field_type(hints[field.name])[0]
        if typing.get_origin(tp) is tuple:
            tp = typing.get_args(tp)[0]
        if isinstance(tp, type) and issubclass(tp, Vocabulary):
            found[str(field.metadata["column"])] = tp
    return found


def _list_columns(cls: type) -> list[str]:
    """The columns that hold several values (a permanence's ``jours``)."""
    hints = typing.get_type_hints(cls)
    return [
        str(f.metadata["column"])
        for f in attrs.fields(cls)
        if typing.get_origin(field_type(hints[f.name])[0]) is tuple
    ]


def _boolean_columns(cls: type) -> list[str]:
    hints = typing.get_type_hints(cls)
    return [
        str(f.metadata["column"]) for f in attrs.fields(cls) if field_type(hints[f.name])[0] is bool
    ]


def _accepted(cls: type, column: str) -> str:
    """What a column accepts, as the notice says it."""
    vocabularies = vocabulary_columns(cls)
    tp = field_type(typing.get_type_hints(cls)[_field_name(cls, column)])[0]
    if column in vocabularies:
        vocabulary = vocabularies[column]
        if typing.get_origin(tp) is tuple:
            return "un ou plusieurs libellés ou codes, séparés par des virgules : " + (
                vocabulary.allowed()
            )
        return "le libellé ou le code : " + vocabulary.allowed()
    name = getattr(tp, "__name__", "")
    if name == "time":
        return _TIME
    if name == "date":
        return _DATE
    if name == "PartialDate":
        return _PARTIAL
    if name == "Decimal":
        return "un pourcentage" if column == "part_declaree" else _AMOUNT
    if tp is int:
        return "un nombre entier"
    if tp is bool:
        return "oui ou non (1 / 0, vrai / faux)"
    if typing.get_origin(tp) is tuple and typing.get_args(tp)[0] is PartialDate:
        return "des dates ou des mois séparés par ; (25/12/2024 ; août 2024)"
    if typing.get_origin(tp) is tuple:
        return "des noms séparés par , ou ;"
    if cls is BudgetLine and column == "compte":
        return _ACCOUNT
    return _TEXT


def _field_name(cls: type, column: str) -> str:
    for field in attrs.fields(cls):
        if field.metadata["column"] == column:
            return str(field.name)
    raise KeyError(column)


def build_template() -> bytes:
    """The empty workbook, as ``.xlsx`` bytes (see the module's notes)."""
    from openpyxl import Workbook

    wb = Workbook()
    notice = wb.active
    assert notice is not None  # a new workbook has one sheet
    notice.title = "notice"
    # The lists (their sheet is written last): the drop-downs point to them.
    list_columns = _drop_down_lists()
    list_ranges: dict[str, str] = {}
    for index, (name, labels) in enumerate(list_columns):
        letter = column_letter(index)
        list_ranges[name] = f"{_LIST_SHEET}!${letter}$2:${letter}${len(labels) + 1}"
    _write_notice(notice)
    _write_structure(wb.create_sheet("structure", 1))
    for table, cls, _ in TABLES:
        _write_table_sheet(wb.create_sheet(table), table, cls, list_ranges)
    _write_lists(wb.create_sheet(_LIST_SHEET), list_columns)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


#: A drop-down chooses for one person: the singular where the vocabulary's label (a
#: table's row: « Femmes ») is a plural. The reader knows these words as aliases.
_ONE_PERSON: Final = {("sexe", "F"): "Femme", ("sexe", "H"): "Homme"}


def _drop_down_lists() -> list[tuple[str, list[str]]]:
    """Each vocabulary's labels (once, in the order of the tables), then oui/non."""
    list_columns: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    for _, cls, _ in TABLES:
        for vocabulary in vocabulary_columns(cls).values():
            if vocabulary.vocabulary_name not in seen:
                seen.add(vocabulary.vocabulary_name)
                name = vocabulary.vocabulary_name
                labels = [_ONE_PERSON.get((name, m.code), m.label) for m in vocabulary]
                list_columns.append((vocabulary.vocabulary_name, labels))
    list_columns.append(("oui_non", list(_BOOLEAN_LIST)))
    return list_columns


def _write_notice(notice: Any) -> None:
    """The first sheet: how to fill the workbook, then every sheet and column explained."""
    from openpyxl.styles import Alignment, Font

    notice.append(["Modèle de classeur CitésLab"])
    notice["A1"].font = Font(bold=True, size=14)
    notice.append(
        [
            "Remplissez une feuille par table. Les feuilles porteurs et suivis sont "
            "obligatoires, les autres facultatives. L'ordre des colonnes est libre ; un "
            "en-tête peut être le libellé (Date de naissance) ou le code (date_naissance), "
            "sans tenir compte des majuscules ni des accents ; une "
            "colonne ou une feuille dont le nom commence par _ est ignorée. Les listes "
            "déroulantes proposent les libellés ; le code est accepté aussi, sans tenir "
            "compte des majuscules ni des accents. Contrôle : citeslab valider FICHIER."
        ]
    )
    notice.append([])
    notice.append(["feuille", "colonne", "code", "obligatoire", "contenu", "valeurs acceptées"])
    for cell in notice[4]:
        cell.font = Font(bold=True)
    notice.append(["structure", "", "", "non", SHEET_HELP["structure"], ""])
    for key in (*STRUCTURE_KEYS, "plafond"):
        notice.append(["structure", key, key, "non", STRUCTURE_HELP[key], ""])
    for table, cls, required in TABLES:
        notice.append([table, "", "", "oui" if required else "non", SHEET_HELP[table], ""])
        for field in attrs.fields(cls):
            column = str(field.metadata["column"])
            notice.append(
                [
                    table,
                    column_label(table, column),
                    column,
                    "oui" if field.metadata["required"] else "non",
                    COLUMN_HELP[table][column],
                    _accepted(cls, column),
                ]
            )
    _account_notice(notice)
    for letter, width in zip("ABCDEF", (14, 26, 20, 12, 70, 70), strict=True):
        notice.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in notice.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    notice.freeze_panes = "A5"


def _write_structure(structure: Any) -> None:
    """The ``structure`` sheet: every key, the policies' defaults filled in."""
    from openpyxl.styles import Font

    structure.append(
        [column_label("structure", "cle"), column_label("structure", "valeur"), "_explication"]
    )
    site = Site()
    defaults: dict[str, object] = {
        "delai_contact_jours": site.pathway_policy.contact_days,
        "delai_sans_nouvelles_jours": site.pathway_policy.no_news_days,
        "delai_retour_orientation_jours": site.pathway_policy.orientation_reply_days,
        "seuil_ecart_financement": int(site.funding_policy.gap_threshold),
        "seuil_secret_statistique": site.disclosure_threshold,
    }
    for key in STRUCTURE_KEYS:
        structure.append([key, defaults.get(key), STRUCTURE_HELP[key]])
    for funder in Funder:
        structure.append([f"plafond_{funder.code}", None, f"plafond {of(funder.label)} (%)"])
    _style_header(structure, Font(bold=True), (34, 30, 80))


def _write_table_sheet(ws: Any, table: str, cls: type, list_ranges: dict[str, str]) -> None:
    """One table's sheet: its headers, a drop-down on each vocabulary or yes/no column."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = [str(f.metadata["column"]) for f in attrs.fields(cls)]
    ws.append([column_label(table, c) for c in columns])
    widths = [max(14, len(column_label(table, c)) + 4) for c in columns]
    vocabularies = vocabulary_columns(cls)
    booleans = _boolean_columns(cls)
    lists = _list_columns(cls)
    for index, column in enumerate(columns):
        letter = column_letter(index)
        list_name = None
        if column in vocabularies:
            list_name = vocabularies[column].vocabulary_name
            widths[index] = max(widths[index], 28)
        elif column in booleans:
            list_name = "oui_non"
        if list_name is None:
            continue
        validation = DataValidation(
            type="list",
            formula1=list_ranges[list_name],
            allow_blank=True,
            showDropDown=False,  # False shows the arrow (the XML flag's odd meaning)
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Valeur hors liste",
            error="Choisissez une valeur de la liste (son code est accepté aussi).",
        )
        if column in lists:  # several values in one cell: the list only suggests
            validation.errorStyle = "information"
            validation.error = (
                "Plusieurs valeurs s'écrivent séparées par des virgules (mardi, jeudi)."
            )
        validation.add(f"{letter}2:{letter}1048576")
        ws.add_data_validation(validation)
    _style_header(ws, Font(bold=True), widths)


def _write_lists(lists: Any, list_columns: list[tuple[str, list[str]]]) -> None:
    """The hidden sheet of the drop-downs' labels, one column per list."""
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for index, (name, labels) in enumerate(list_columns):
        lists.cell(1, index + 1, name).font = bold
        for offset, label in enumerate(labels, start=2):
            lists.cell(offset, index + 1, label)
        lists.column_dimensions[column_letter(index)].width = 40
    lists.sheet_state = "hidden"


def _account_notice(notice: Any) -> None:
    """The classes of accounts a ``budget`` line may use, with the lines the Cerfa names."""
    notice.append(
        [
            "budget",
            "Comptes utilisables",
            "",
            "",
            "Les comptes du plan comptable des associations repris par le compte rendu "
            "financier (Cerfa n° 15059), ligne par ligne ci-dessous : une classe de deux "
            "chiffres ou l'un de ses sous-comptes (641 est dans 64). Les "
            "charges (60 à 68) doivent égaler les produits (70 à 78), au prévu comme au "
            "réalisé ; les contributions volontaires en nature (86 en emplois, 87 en "
            "ressources) sont à part et s'équilibrent entre elles.",
            "",
        ]
    )
    for account in ACCOUNT_CLASSES:
        side = "charges" if account.side.is_charge else "produits"
        lines = "; ".join(account.cerfa_lines)
        notice.append(
            [
                "budget",
                f"Compte {account.code}",
                "",
                "",
                f"{account.heading} ({side}"
                + (", contributions volontaires" if account.side.voluntary else "")
                + ")",
                f"lignes du Cerfa : {lines}" if lines else "",
            ]
        )


def _style_header(ws: Any, bold: Any, widths: Any) -> None:
    for cell in ws[1]:
        cell.font = bold
    for index, width in enumerate(widths):
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A2"
