"""The words of the outputs, written once: the one table of wording.

The text report (:mod:`citeslab_core.render.text`), the HTML page
(:mod:`citeslab_core.render.html`), the notebook views, the comparison of two bilans and
the bundled exporters (``bpi``, ``pic``, ``contrat_de_ville``) name the same things. Each
name is written here, once, and they all read it from here, so that an indicator is worded
the same in the report and in the funder's file (before this table, « Demandeurs
d'emploi » in the report was « Demandeurs d'emploi à l'entrée » in the Bpifrance file and
« demandeurs d'emploi » with a typographic apostrophe on the page).

- :data:`INDICATORS`: the activity indicators, in their order, each with its key in the
  bilan JSON (``indicateurs.<key>``), its :class:`~citeslab_core.bilan.Indicators`
  attribute, its label (report, page, funders' files) and its short label (where room is
  short: the comparison of two bilans);
- :data:`COLUMNS`: the column headings of the report's sections that the text and the page
  both draw as a table, by section key (:func:`citeslab_core.render.outline.outline`);
- the sentences both say: :data:`EMPTY` (a section with nothing), :data:`NOTES`,
  :data:`SUBSET_NOTE`, the compte rendu financier's totals (:data:`CRF_TOTALS`), the site's
  lines (:data:`HOST`, :data:`TERRITORY`).

The HTML template (``templates/bilan.html``) receives :data:`COLUMNS` as ``columns``.

What is not here, and where it is: how a figure, a date or a masked count (``s``,
:data:`citeslab_core.french.MASKED_TEXT`) is written and the counted nouns (« 2 créations »):
:mod:`citeslab_core.french`; the vocabularies' labels (« Femmes », « Acteurs de l'emploi »):
:mod:`citeslab_core.vocabularies`; the portrait tables' and the texts' titles, computed with
the bilan: :mod:`citeslab_core.bilan`; the sections' titles and order:
:mod:`citeslab_core.render.outline`; a check's message: where the check is made.

Typography: the apostrophe is the ASCII ``'`` everywhere (as in the vocabularies and the
workbook's columns), never the typographic U+2019.

This module imports nothing: importing it costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Final, NamedTuple

from citeslab_core.model.accounts import Side

if TYPE_CHECKING:
    from citeslab_core.bilan import PublicBilan
    from citeslab_core.bilan.crf import CrfRow
    from citeslab_core.bilan.funding import FundingYear

__all__ = [
    "COLUMNS",
    "CRF_TOTALS",
    "EMPTY",
    "EXPLAINED",
    "GAP_EXPLANATION",
    "HOST",
    "INDICATORS",
    "NOTES",
    "ORIENTED_AT_LEAST_ONCE",
    "SUBSET_NOTE",
    "TABLE_HEADS",
    "TERRITORY",
    "TO_EXPLAIN",
    "ZERO_EUROS",
    "IndicatorLabel",
    "YearsTable",
    "crf_label",
    "indicator",
    "site_lines",
    "years_table",
]


class IndicatorLabel(NamedTuple):
    """How an activity indicator is named."""

    #: its key in the bilan JSON (``indicateurs.<key>``) and in the comparison
    key: str
    #: its :class:`~citeslab_core.bilan.Indicators` attribute
    attribute: str
    #: in the report (text and HTML) and the funders' files
    label: str
    #: where room is short (the comparison of two bilans)
    short: str


#: The activity indicators of the Bpifrance reporting, in the order every output lists them.
INDICATORS: Final[tuple[IndicatorLabel, ...]] = (
    IndicatorLabel(
        "accompagnes", "accompanied", "Personnes accompagnées", "Personnes accompagnées"
    ),
    IndicatorLabel(
        "nouveaux",
        "new",
        "dont nouvelles (premier entretien dans la période)",
        "Nouvelles personnes",
    ),
    IndicatorLabel("femmes", "women", "Femmes", "Femmes"),
    IndicatorLabel(
        "residents_qpv",
        "qpv_residents",
        "Résidents d'un quartier prioritaire (QPV)",
        "Résidents QPV",
    ),
    IndicatorLabel(
        "moins_26_ans", "under_26", "Moins de 26 ans (au premier entretien)", "Moins de 26 ans"
    ),
    IndicatorLabel(
        "demandeurs_emploi",
        "job_seekers",
        "Demandeurs d'emploi à l'entrée",
        "Demandeurs d'emploi",
    ),
    IndicatorLabel(
        "beneficiaires_minima_sociaux",
        "minimum_benefits",
        "Bénéficiaires de minima sociaux (RSA, ASS, AAH)",
        "Bénéficiaires de minima sociaux",
    ),
    IndicatorLabel("creations", "creations", "Créations d'entreprise (sorties)", "Créations"),
    IndicatorLabel(
        "sorties_positives",
        "positive_exits",
        "Sorties positives (création, emploi ou formation, poursuite)",
        "Sorties positives",
    ),
    IndicatorLabel(
        "entrees_programmes",
        "programme_entries",
        "Entrées en programme ou accélérateur (retenus)",
        "Entrées en programme",
    ),
    IndicatorLabel(
        "animations_realisees", "animations_held", "Animations réalisées", "Animations réalisées"
    ),
    IndicatorLabel(
        "participants_animations",
        "animation_participants",
        "Participants aux animations",
        "Participants aux animations",
    ),
)

_BY_ATTRIBUTE: Final = {i.attribute: i for i in INDICATORS}


def indicator(attribute: str) -> IndicatorLabel:
    """The wording of the indicator held in :class:`~citeslab_core.bilan.Indicators`'
    ``attribute`` (``"job_seekers"``); a ``KeyError`` for an unknown one."""
    return _BY_ATTRIBUTE[attribute]


#: The column headings of the sections the text report and the HTML page both draw as a
#: table (section keys of :func:`citeslab_core.render.outline.outline`).
COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    "indicateurs": ("Indicateur", "Valeur"),
    # a portrait table, after its rows' heading (the page's TABLE_HEADS, blank in the text)
    "portrait": ("Effectif", "Part"),
    "portee": ("Quartier", "Habitants", "Accompagnés", "Pour 1 000 habitants"),
    "prescripteurs": ("Prescripteur", "Personnes"),
    "orientations_periode": ("Orientation", "Personnes", "Part", "Orientations"),
    "programmes": ("Programme ou accélérateur", "Personnes orientées", "Personnes retenues"),
    "animations": ("Type d'animation", "Nombre", "Participants"),
    "animations_prevues": ("Type d'animation", "Prévues", "Réalisées", "Annulées", "À venir"),
    "animations_qpv": ("Quartier", "Code QPV", "Nombre", "Participants"),
    # the year's funding, before the last column (the text's cap, the page's flags)
    "financement": ("Financeur", "Montant", "Part", "Part déclarée"),
    "prevu_realise": ("Financeur", "Prévu", "Réalisé", "Écart", "Écart (%)"),
    "pluriannuels": ("Financeur",),
    # a network's sites, one row each, then the network's (the page and the deck)
    "sites": (
        "Site",
        "Accompagnés",
        "Nouveaux",
        "Femmes",
        "Résidents QPV",
        "Créations",
        "Animations",
        "Financement réalisé",
    ),
}

#: The heading of a portrait table's rows on the page, by table key ("Catégorie" for
#: another); the text report leaves it blank.
TABLE_HEADS: Final[Mapping[str, str]] = {
    "sexe": "Sexe",
    "statut_residence": "Résidence",
    "quartier": "Quartier",
    "tranche_age": "Âge",
    "niveau_formation": "Niveau de formation",
    "situation_entree": "Situation",
    "minima_sociaux": "Minima sociaux",
    "canal": "Canal",
    "stade_entree": "Stade",
    "secteur": "Secteur",
    "orientation_premier_rdv": "Orientation",
    "resultat": "Résultat",
}

#: What a section shows when it has no row.
EMPTY: Final[Mapping[str, str]] = {
    "programmes": "Aucune candidature ni décision dans la période.",
    "partenariats": "Aucun partenariat daté dans la période.",
    "financement": "Aucun financement réalisé saisi pour l'année.",
}

#: The notes under a section, the same in the text and on the page.
NOTES: Final[Mapping[str, str]] = {
    "orientations_periode": (
        "Orientations datées de la période, quel que soit le jour du premier entretien. "
        "Part : des personnes accompagnées ; une personne orientée vers plusieurs "
        "catégories compte dans chacune, et une fois dans le total."
    ),
    "animations_prevues": (
        "Prévues : les animations au statut prévu datées dans la période, et les "
        "permanences du calendrier. Une permanence passée compte comme réalisée, sauf "
        "si elle est annulée ; une permanence saisie dans les animations le jour et au "
        "lieu d'une permanence du calendrier est cette permanence, ailleurs elle est "
        "réalisée sans avoir été prévue. À venir : prévues après la date du bilan."
    ),
}

#: The total row of the orientations of the period.
ORIENTED_AT_LEAST_ONCE: Final = "Personnes orientées au moins une fois"
#: The flag of a funder's gap above the site's threshold (planned against actual).
TO_EXPLAIN: Final = "à expliquer"
#: An amount not planned (or not received) in the funding tables: 0 €, shown « 0,00 € »
#: as the compte rendu financier shows it, never « — » in one table and 0 in another.
ZERO_EUROS: Final = Decimal(0)
#: A gap the site explained (its explanation shown beside it).
EXPLAINED: Final = "expliqué"
#: The heading of a funder's explained gap (the budget's ``ecart_explication``).
GAP_EXPLANATION: Final = "Explication de l'écart"

#: The site's lines under the report's title (« Structure porteuse : … »).
HOST: Final = "Structure porteuse"
TERRITORY: Final = "Territoire"

#: The line of a bilan of some of the site's persons (``Dataset.subset``).
SUBSET_NOTE: Final = (
    "Sous-ensemble de personnes : les animations, partenariats et financements sont ceux "
    "de tout le site."
)

#: The total lines of the compte rendu financier (Cerfa n° 15059), in the order shown:
#: charges (60 to 68), charges with 86, produits (70 to 78), produits with 87.
CRF_TOTALS: Final = (
    "Total des charges (60 à 68)",
    "Total (avec 86)",
    "Total des produits (70 à 78)",
    "Total (avec 87)",
)


def crf_label(row: CrfRow) -> str:
    """A row's words in the compte rendu financier's table: an account line's libellé, a
    class's « Total 60 – Achats », a side's total (:data:`CRF_TOTALS`)."""
    if row.kind in ("line", "subtotal"):
        return row.label
    charges = row.side is Side.CHARGES
    return CRF_TOTALS[(0 if charges else 2) + (row.kind == "grand_total")]


class YearsTable(NamedTuple):
    """The multi-year funding table as every rendering shows it: its headings, one row per
    funder (amount and share of each year and nature, empty where it gave nothing), and
    the total row."""

    headings: list[str]
    rows: list[list[str]]
    total: list[str]


def years_table(years: Sequence[FundingYear], between: str = " ") -> YearsTable:
    """The multi-year funding table; ``between`` separates an amount from its share (a
    line break where the cell is narrow)."""
    from citeslab_core.french import format_amount, format_share
    from citeslab_core.vocabularies import Funder

    funders = [f for f in Funder if any(c.funder is f for y in years for c in y.contributions)]
    rows = []
    for funder in funders:
        cells = [funder.label]
        for year in years:
            found = next((c for c in year.contributions if c.funder is funder), None)
            cells.append(
                ""
                if found is None
                else f"{format_amount(found.amount)}{between}({format_share(found.share)})"
            )
        rows.append(cells)
    headings = [*COLUMNS["pluriannuels"], *(f"{y.year} {y.nature.label.lower()}" for y in years)]
    return YearsTable(headings, rows, ["Total", *(format_amount(y.total) for y in years)])


def site_lines(bilan: PublicBilan) -> tuple[str, ...]:
    """What the HTML page's header and the deck's title slide say of the site after the
    period: the host structure, the territory, the subset's note."""
    lines = []
    if bilan.host:
        lines.append(f"{HOST} : {bilan.host}")
    if bilan.territory:
        lines.append(f"{TERRITORY} : {bilan.territory}")
    if bilan.subset:
        lines.append(SUBSET_NOTE)
    return tuple(lines)
