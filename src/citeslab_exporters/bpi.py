"""``bpi``: the Bpifrance activity reporting of a CitésLab (docs/exporters.md).

A workbook (``xlsx``, the default), or one CSV file per table with its
``datapackage.json`` (``csv``), or one JSON document (``json``), with these tables:

- ``indicateurs``: the activity indicators (accompanied, new, women, QPV residents, under
  26, job seekers, minimum-benefit recipients, orientations at the first meeting by
  category, orientations of the period (persons and events by category, persons oriented
  at least once), creations, positive exits, programme entries, animations held and their
  participants, partnerships of the period);
- ``portrait``: every portrait table of the bilan, one row per table and code;
- ``programmes``: per programme or accelerator, persons oriented and retained;
- ``animations``: per type of animation, how many were held and their participants;
- ``animations_prevues``: per type of animation, how many were planned in the period
  (``prevu`` rows dated in it, and the permanences' occurrences) and how many were held;
- ``financement``: the year's actual funding, per funder, amount and share (the BPI share
  is the ``bpi`` row), with the declared share and whether it is flagged;
- ``informations``: site, period, public or not.

Every figure is read from the bilan; nothing is computed here. In public mode the masked
counts of the bilan are written ``s``.
"""

from __future__ import annotations

from citeslab_core.exporting import (
    INDICATOR_COLUMNS,
    TABLE_KEYS,
    Cell,
    Column,
    ColumnType,
    ExportTable,
    PublicBilan,
    TableExporter,
    count,
    format_share,
    indicator,
)

__all__ = [
    "animations_table",
    "exporter",
    "funding_table",
    "indicators_table",
    "planned_table",
    "portrait_table",
    "programmes_table",
]

_PORTRAIT_COLUMNS = (
    Column("tableau", "Tableau", ColumnType.STRING, "clé du tableau du bilan", machine=True),
    Column("titre", "Titre du tableau", ColumnType.STRING),
    Column("code", "Code", ColumnType.STRING, machine=True),
    Column("libelle", "Libellé", ColumnType.STRING),
    Column("effectif", "Effectif", ColumnType.INTEGER, "personnes accompagnées"),
    Column("part", "Part (%)", ColumnType.PERCENT, "pourcentage entier du tableau"),
)

_PROGRAMME_COLUMNS = (
    Column("programme", "Programme", ColumnType.STRING),
    Column("orientes", "Orientés (candidatures)", ColumnType.INTEGER),
    Column("retenus", "Retenus", ColumnType.INTEGER),
)

_ANIMATION_COLUMNS = (
    Column("code", "Code", ColumnType.STRING, machine=True),
    Column("type", "Type d'animation", ColumnType.STRING),
    Column("nombre", "Nombre réalisé", ColumnType.INTEGER),
    Column("participants", "Participants", ColumnType.INTEGER),
)

_FUNDING_COLUMNS = (
    Column("annee", "Année", ColumnType.INTEGER),
    Column("code", "Code financeur", ColumnType.STRING, machine=True),
    Column("financeur", "Financeur", ColumnType.STRING),
    Column("montant", "Montant (€)", ColumnType.AMOUNT),
    Column("part", "Part (%)", ColumnType.PERCENT, "part du financement réalisé, à 0,1 près"),
    Column("part_declaree", "Part déclarée (%)", ColumnType.PERCENT),
    Column("part_declaree_signalee", "Part déclarée incohérente", ColumnType.BOOLEAN),
)


#: The indicators' codes in the file (its own, documented in docs/exporters.md) and their
#: :class:`~citeslab_core.bilan.Indicators` attribute; their labels are the report's
#: (:mod:`citeslab_core.render.labels`).
_PORTRAIT_CODES = (
    ("accompagnes", "accompanied"),
    ("nouveaux", "new"),
    ("femmes", "women"),
    ("residents_qpv", "qpv_residents"),
    ("moins_26", "under_26"),
    ("demandeurs_emploi", "job_seekers"),
    ("minima_sociaux", "minimum_benefits"),
)
_RESULT_CODES = (
    ("creations", "creations"),
    ("sorties_positives", "positive_exits"),
    ("entrees_programme", "programme_entries"),
    ("animations", "animations_held"),
    ("participants_animations", "animation_participants"),
)


def _indicator_rows(
    bilan: PublicBilan, codes: tuple[tuple[str, str], ...]
) -> list[tuple[Cell, ...]]:
    ind = bilan.indicators
    return [(code, indicator(name).label, count(getattr(ind, name))) for code, name in codes]


def indicators_table(bilan: PublicBilan) -> ExportTable:
    ind = bilan.indicators
    rows = _indicator_rows(bilan, _PORTRAIT_CODES)
    rows.extend(
        (
            f"orientation_{row.code}",
            f"Orientation au premier rendez-vous : {row.label}",
            count(row.count),
        )
        for row in ind.orientations
    )
    rows.append(
        (
            "orientation_periode_personnes",
            "Personnes orientées au moins une fois dans la période",
            count(bilan.orientations_period_persons),
        )
    )
    for row in bilan.orientations_period:
        rows.append(
            (
                f"orientation_periode_{row.code}",
                f"Orientations de la période, personnes : {row.label}",
                count(row.persons),
            )
        )
        rows.append(
            (
                f"orientation_periode_{row.code}_nombre",
                f"Orientations de la période, nombre : {row.label}",
                count(row.orientations),
            )
        )
    rows += _indicator_rows(bilan, _RESULT_CODES)
    rows.append(
        ("partenariats", "Partenariats et rencontres partenariales", len(bilan.partnerships))
    )
    return ExportTable.of("indicateurs", "Indicateurs", INDICATOR_COLUMNS, rows)


def portrait_table(bilan: PublicBilan) -> ExportTable:
    rows = [
        (key, table.title, row.code, row.label, count(row.count), count(row.share))
        for key in TABLE_KEYS
        for table in (bilan.tables[key],)
        for row in table.rows
    ]
    return ExportTable.of("portrait", "Portrait", _PORTRAIT_COLUMNS, rows)


def programmes_table(bilan: PublicBilan) -> ExportTable:
    rows = [(p.programme, count(p.oriented), count(p.retained)) for p in bilan.programmes]
    return ExportTable.of("programmes", "Programmes", _PROGRAMME_COLUMNS, rows)


def animations_table(bilan: PublicBilan) -> ExportTable:
    rows = [(a.code, a.label, a.number, a.participants) for a in bilan.animations]
    return ExportTable.of("animations", "Animations", _ANIMATION_COLUMNS, rows)


_PLANNED_COLUMNS = (
    Column("code", "Code", ColumnType.STRING, machine=True),
    Column("type", "Type d'animation", ColumnType.STRING),
    Column(
        "prevues",
        "Prévues",
        ColumnType.INTEGER,
        "animations au statut prévu datées dans la période, et permanences du calendrier",
    ),
    Column(
        "realisees",
        "Réalisées",
        ColumnType.INTEGER,
        "permanences : passées et non annulées, et celles saisies hors calendrier",
    ),
    Column("annulees", "Annulées", ColumnType.INTEGER, "permanences prévues puis annulées"),
    Column("a_venir", "À venir", ColumnType.INTEGER, "prévues après la date du bilan"),
)


def planned_table(bilan: PublicBilan) -> ExportTable:
    rows = [
        (a.code, a.label, a.planned, a.held, a.cancelled, a.upcoming)
        for a in bilan.planned_animations
    ]
    return ExportTable.of("animations_prevues", "Animations prévues", _PLANNED_COLUMNS, rows)


def funding_table(bilan: PublicBilan) -> ExportTable:
    funding = bilan.funding
    rows: list[tuple[Cell, ...]] = []
    if funding is not None:
        rows = [
            (
                funding.year,
                c.funder.code,
                c.funder.label,
                c.amount,
                c.share,
                c.declared_share,
                c.declared_share_flagged,
            )
            for c in funding.contributions
        ]
        rows.append((funding.year, "total", "Coût total", funding.total, None, None, None))
    return ExportTable.of("financement", "Financement", _FUNDING_COLUMNS, rows)


def _bpi_note(bilan: PublicBilan) -> list[tuple[str, str]]:
    funding = bilan.funding
    if funding is None:
        return [("Part Bpifrance", f"aucun financement réalisé saisi pour {bilan.end.year}")]
    for contribution in funding.contributions:
        if contribution.funder.code == "bpi":
            share = format_share(contribution.share)
            return [("Part Bpifrance", f"{share} du financement réalisé {funding.year}")]
    return [("Part Bpifrance", f"aucune contribution Bpifrance en {funding.year}")]


#: The object the ``bpi`` entry point names.
exporter = TableExporter(
    name="bpi",
    title="Bpifrance : reporting d'activité CitésLab",
    api_version=1,
    tables=(
        indicators_table,
        portrait_table,
        programmes_table,
        animations_table,
        planned_table,
        funding_table,
    ),
    notes=_bpi_note,
    description=(
        "Le reporting d'activité demandé par Bpifrance : les indicateurs de l'année\n"
        "(accompagnés, nouveaux, femmes, habitants des QPV, moins de 26 ans, demandeurs\n"
        "d'emploi, bénéficiaires des minima sociaux, orientations, créations, programmes,\n"
        "animations), le portrait des accompagnés, les programmes et le financement de\n"
        "l'année avec la part de Bpifrance. Aucun nom ni aucune donnée personnelle."
    ),
)
