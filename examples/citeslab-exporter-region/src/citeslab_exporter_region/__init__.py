"""``region_bretagne``: an example third-party exporter for citeslab.

It writes what a regional funder (here the Région Bretagne) may ask of a CitésLab: a few
activity indicators, the projects by sector and the Région's part of the year's funding,
as a workbook (``xlsx``, the default) or CSV files with their ``datapackage.json``.

Like every exporter it computes nothing: each figure is read from the bilan that
citeslab computed, so this file can never disagree with the Bpifrance or contrat de ville
files of the same period. It is registered in ``pyproject.toml``::

    [project.entry-points."citeslab.exporters"]
    region_bretagne = "citeslab_exporter_region:exporter"
"""

from __future__ import annotations

from citeslab_core.exporting import (
    INDICATOR_COLUMNS,
    Cell,
    Column,
    ColumnType,
    ExportTable,
    Funder,
    PublicBilan,
    TableExporter,
    count,
)

__all__ = ["exporter", "indicators", "region_funding", "sectors"]

_SECTORS = (
    Column("code", "Code", ColumnType.STRING),
    Column("secteur", "Secteur du projet", ColumnType.STRING),
    Column("effectif", "Personnes", ColumnType.INTEGER),
    Column("part", "Part (%)", ColumnType.PERCENT),
)

_FUNDING = (
    Column("annee", "Année", ColumnType.INTEGER),
    Column("financeur", "Financeur", ColumnType.STRING),
    Column("montant", "Montant (€)", ColumnType.AMOUNT),
    Column("part", "Part du coût total (%)", ColumnType.PERCENT),
)


def indicators(bilan: PublicBilan) -> ExportTable:
    ind = bilan.indicators
    rows: list[tuple[Cell, ...]] = [
        ("accompagnes", "Personnes accompagnées", count(ind.accompanied)),
        ("nouveaux", "Nouvelles personnes", count(ind.new)),
        ("femmes", "Femmes", count(ind.women)),
        ("residents_qpv", "Résidents des quartiers prioritaires", count(ind.qpv_residents)),
        ("moins_26", "Moins de 26 ans", count(ind.under_26)),
        ("demandeurs_emploi", "Demandeurs d'emploi", count(ind.job_seekers)),
        ("creations", "Créations d'entreprise", count(ind.creations)),
    ]
    return ExportTable.of("indicateurs", "Indicateurs", INDICATOR_COLUMNS, rows)


def sectors(bilan: PublicBilan) -> ExportTable:
    rows = [
        (row.code, row.label, count(row.count), count(row.share))
        for row in bilan.tables["secteur"].rows
    ]
    return ExportTable.of("secteurs", "Secteurs", _SECTORS, rows)


def region_funding(bilan: PublicBilan) -> ExportTable:
    rows: list[tuple[Cell, ...]] = []
    funding = bilan.funding
    if funding is not None:
        rows = [
            (funding.year, c.funder.label, c.amount, c.share)
            for c in funding.contributions
            if c.funder is Funder.REGION
        ]
        rows.append((funding.year, "Coût total de l'action", funding.total, None))
    return ExportTable.of("financement_region", "Financement", _FUNDING, rows)


#: The object the entry point names. ``api_version`` is the version of citeslab's
#: exporter contract this code was written for: a number, not citeslab's constant.
exporter = TableExporter(
    name="region_bretagne",
    title="Région Bretagne : bilan CitésLab (exemple de plug-in tiers)",
    api_version=1,
    tables=(indicators, sectors, region_funding),
    formats=("xlsx", "csv"),
    # Optional: what ``citeslab exporter region_bretagne --help`` says of this exporter.
    description=(
        "Le bilan demandé par la Région Bretagne : les indicateurs de l'année, les\n"
        "secteurs des projets et la part de la Région dans le financement."
    ),
)
