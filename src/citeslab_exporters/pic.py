"""``pic``: the PIC participant file (Plan d'investissement dans les compétences).

One row per person accompanied in the period, pseudonymised (docs/exporters.md), and a
summary, as a workbook (``xlsx``, the default), CSV files with their ``datapackage.json``
(``csv``) or one JSON document (``json``):

- ``participants``: pseudonym, sex, age bracket (at the first entretien), education
  level, situation at entry, minimum benefits, RQTH, QPV resident (yes / no) and QPV code,
  entry date (first entretien), exit date and result (the last exit in the period, else
  « En cours »);
- ``synthese``: accompanied persons, entries (first entretien in the period), exits by
  result, positive exits (creation + emploi_formation + poursuite), from the bilan;
- ``informations``: site, period.

The rows come from :func:`citeslab_core.exporting.privacy.build_participants`: the exporter never
sees a name, an address, a person id or the key. The pseudonyms are keyed for ``pic``
(HMAC-SHA256 under the site's key), stable from one year to the next.

This is participant-level material, never public: the files are written readable by
their owner only, and ``--public`` is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from citeslab_core.exporting import (
    EN_COURS,
    INDICATOR_COLUMNS,
    Cell,
    Column,
    ColumnType,
    ExportTable,
    ParticipantRow,
    PublicBilan,
    Sex,
    TableExporter,
    count,
    indicator,
)

__all__ = ["exporter", "participants_table", "summary_table"]

_PARTICIPANT_COLUMNS = (
    Column("pseudonyme", "Pseudonyme", ColumnType.STRING),
    Column("sexe", "Sexe", ColumnType.STRING, "Femme ou Homme"),
    Column("tranche_age", "Tranche d'âge", ColumnType.STRING, "au premier entretien"),
    Column("niveau_formation", "Niveau de formation", ColumnType.STRING),
    Column("situation_entree", "Situation à l'entrée", ColumnType.STRING),
    Column("minima_sociaux", "Minima sociaux", ColumnType.STRING),
    Column("rqth", "RQTH", ColumnType.BOOLEAN),
    Column("resident_qpv", "Résident QPV", ColumnType.BOOLEAN),
    Column("code_qpv", "Code QPV", ColumnType.STRING),
    Column("date_entree", "Date d'entrée", ColumnType.DATE, "premier entretien"),
    Column("date_sortie", "Date de sortie", ColumnType.DATE, "dernière sortie de la période"),
    Column("resultat_sortie", "Résultat de sortie", ColumnType.STRING),
)


#: A person's sex in words, as the other columns give their labels (FORMATS prescribes no
#: code for the PIC file; the bilan's labels, « Femmes », are a table's rows).
_SEX_WORDS = {Sex.F: "Femme", Sex.H: "Homme"}


def _label(value: object) -> str | None:
    label = getattr(value, "label", None)
    return label if isinstance(label, str) else None


def participants_table(rows: Sequence[ParticipantRow]) -> ExportTable:
    return ExportTable.of(
        "participants",
        "Participants",
        _PARTICIPANT_COLUMNS,
        [
            (
                p.pseudonym,
                _SEX_WORDS[p.sex] if p.sex is not None else None,
                _label(p.age_bracket),
                _label(p.education),
                _label(p.situation),
                p.benefit.label,
                p.rqth,
                p.qpv_resident,
                p.qpv_code,
                p.entry_date,
                p.exit_date,
                p.exit_result.label if p.exit_result is not None else EN_COURS[1],
            )
            for p in rows
        ],
    )


def summary_table(bilan: PublicBilan) -> ExportTable:
    rows: list[tuple[Cell, ...]] = [
        ("accompagnes", indicator("accompanied").label, bilan.accompanied),
        ("entrees", "Entrées (premier entretien dans la période)", count(bilan.new)),
    ]
    rows.extend(
        (
            f"sortie_{row.code}",
            f"Sorties : {row.label}"
            if row.code != EN_COURS[0]
            else "Sans sortie dans la période (en cours)",
            count(row.count),
        )
        for row in bilan.tables["resultat"].rows
    )
    rows.append(
        (
            "sorties_positives",
            indicator("positive_exits").label,
            count(bilan.indicators.positive_exits),
        )
    )
    return ExportTable.of("synthese", "Synthèse", INDICATOR_COLUMNS, rows)


def _notes(bilan: PublicBilan) -> list[tuple[str, str]]:
    return [("Pseudonymes", "identifiant pseudonymisé, propre à ce financeur")]


#: The object the ``pic`` entry point names: it needs the participants (its files are
#: private, public mode is refused).
exporter = TableExporter(
    name="pic",
    title="PIC : fichier des participants",
    api_version=1,
    participant_tables=(participants_table,),
    tables=(summary_table,),
    notes=_notes,
    description=(
        "Le fichier des participants du PIC : une ligne par personne accompagnée dans la\n"
        "période, sous un pseudonyme (jamais le nom), avec sexe, tranche d'âge, niveau de\n"
        "formation, situation à l'entrée, minima sociaux, RQTH, résidence en QPV, dates\n"
        "d'entrée et de sortie et résultat ; plus une feuille de synthèse (entrées, sorties\n"
        "par résultat, sorties positives). Il demande la clé de pseudonymisation de la\n"
        "structure : la même chaque année, pour qu'une personne garde le même pseudonyme."
    ),
)
