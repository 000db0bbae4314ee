"""An exporter of the bilan made of tables: the ``informations`` table, the files of an
export named after the exporter and the period, and :class:`TableExporter`, the plug-in
author's shortcut (see :mod:`citeslab_core.exporting`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import attrs

from citeslab_core import french
from citeslab_core.errors import UsageError
from citeslab_core.exporting._contract import ExportFile, ExportOptions
from citeslab_core.exporting._export_table import Column, ColumnType, ExportTable
from citeslab_core.exporting._writers import export_tables

if TYPE_CHECKING:
    from citeslab_core.bilan import PublicBilan
    from citeslab_core.exporting.privacy import ParticipantRow

__all__ = [
    "INDICATOR_COLUMNS",
    "INFO_COLUMNS",
    "BilanTable",
    "Notes",
    "ParticipantTable",
    "TableExporter",
    "bilan_files",
    "info_table",
    "period_slug",
]


def period_slug(start: dt.date, end: dt.date) -> str:
    """The period in file names: ``2023`` for a calendar year, else both dates."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return str(start.year)
    return f"{start.isoformat()}_{end.isoformat()}"


INFO_COLUMNS: Final = (
    Column("rubrique", "Rubrique", ColumnType.STRING),
    Column("valeur", "Valeur", ColumnType.STRING),
)

#: The columns of a table of indicators: a code, its French label, a count.
INDICATOR_COLUMNS: Final = (
    Column("code", "Code", ColumnType.STRING, machine=True),
    Column("indicateur", "Indicateur", ColumnType.STRING),
    Column("valeur", "Valeur", ColumnType.INTEGER),
)


def info_table(
    bilan: PublicBilan,
    *,
    exporter: str,
    title: str,
    notes: Sequence[tuple[str, str]] = (),
    audience: str | None = None,
) -> ExportTable:
    """The ``informations`` table of an export: site, its host structure and territory
    when known, period, document, public or not (``audience`` says it for a document
    that holds nothing to mask, a calendar for partners), ``notes``, the exporter."""
    public = audience or (
        f"oui : effectifs de 1 à {bilan.threshold - 1} masqués (s), avec masquage secondaire"
        if bilan.public
        else "non : document interne, à ne pas publier"
    )
    about = [
        ("Structure", bilan.site),
        *([("Structure porteuse", bilan.host)] if bilan.host else []),
        *([("Territoire", bilan.territory)] if bilan.territory else []),
        ("Période", french.format_period(bilan.start, bilan.end)),
        ("Document", title),
        ("Diffusion publique", public),
        *notes,
        ("Produit par", f"citeslab, exportateur « {exporter} »"),
    ]
    made = bilan.provenance
    if made is not None:
        about += [
            ("Version de citeslab", made.version),
            ("Généré le", french.format_moment(made.generated)),
            ("Empreinte des données (SHA-256)", made.dataset_sha256 or "non disponible"),
        ]
    return ExportTable.of("informations", "Informations", INFO_COLUMNS, about)


def bilan_files(
    bilan: PublicBilan,
    tables: Sequence[ExportTable],
    options: ExportOptions,
    *,
    exporter: str,
    title: str,
    notes: Sequence[tuple[str, str]] = (),
    private: bool = False,
    audience: str | None = None,
    datapackage: bool = True,
) -> list[ExportFile]:
    """The files of an exporter of ``bilan``: its ``tables`` and an ``informations`` table
    (:func:`info_table`, ``audience`` there), named ``{exporter}_{period}…``, in the
    format of ``options``. The JSON document carries the same information as keys.
    ``datapackage``: a CSV export writes its ``datapackage.json`` (for a data portal)."""
    info = info_table(bilan, exporter=exporter, title=title, notes=notes, audience=audience)
    made = bilan.provenance
    metadata: dict[str, Any] = {
        "schema": "citeslab.export/1",
        "exportateur": exporter,
        "titre": title,
        "site": bilan.site,
        "periode": {"debut": bilan.start.isoformat(), "fin": bilan.end.isoformat()},
        "public": bilan.public,
    }
    if made is not None:
        metadata["provenance"] = {
            "citeslab": made.version,
            "periode": metadata["periode"],
            "genere_le": made.generated_text,
            "donnees_sha256": made.dataset_sha256,
        }
    prefix = f"{exporter}_{period_slug(bilan.start, bilan.end)}"
    return export_tables(
        [*tables, info],
        options.format,
        prefix=prefix,
        title=f"{title} - {bilan.site}",
        metadata=metadata,
        private=private,
        created=made.generated if made is not None else None,
        datapackage=datapackage,
    )


# -- an exporter that only describes its tables ------------------------------------------

#: A table of the bilan: a function of the bilan.
BilanTable: TypeAlias = Callable[["PublicBilan"], ExportTable]
#: A table of participant rows (one row per person): a function of the rows.
ParticipantTable: TypeAlias = Callable[[Sequence["ParticipantRow"]], ExportTable]
#: Lines of the ``informations`` sheet, (heading, text), from the bilan.
Notes: TypeAlias = Callable[["PublicBilan"], Sequence[tuple[str, str]]]


@attrs.frozen
class TableExporter:
    """An exporter that only describes its tables: the plug-in author's shortcut.

    An instance is a complete exporter (it has every attribute of the contract,
    :class:`citeslab_core.exporting.Exporter`); its ``export`` calls each table function and
    hands the tables to :func:`bilan_files`. Using it is a convenience, never a
    requirement: any object with the contract's shape is an exporter.

    - ``name``, ``title``: as the contract says;
    - ``api_version``: the version of the contract **you** wrote the exporter for; write
      the number (``1``), not :data:`~citeslab_core.exporting.EXPORTER_API_VERSION`, so
      that a later citeslab with another contract reports your exporter instead of
      running it;
    - ``tables``: functions of the bilan, one table each, in the order of the sheets;
    - ``participant_tables``: functions of the participant rows, one table each, written
      first. When there are any, the exporter needs the participants
      (``needs_participants``), its files are private (mode 0600) and it refuses public
      mode;
    - ``notes``: a function of the bilan giving more lines of the ``informations`` sheet;
    - ``formats``: the formats offered, the default first;
    - ``description``, ``file_help``: the optional French help of
      ``citeslab export NAME --help`` .
    """

    name: str
    title: str
    api_version: int
    tables: tuple[BilanTable, ...] = ()
    participant_tables: tuple[ParticipantTable, ...] = ()
    notes: Notes | None = None
    formats: tuple[str, ...] = ("xlsx", "csv", "json")
    description: str = ""
    file_help: tuple[str, ...] = ()

    @property
    def needs_participants(self) -> bool:
        """True when the exporter writes participant tables (one row per person)."""
        return bool(self.participant_tables)

    def export(
        self,
        bilan: PublicBilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        """The files of the tables, in the format of ``options`` (see the class docstring)."""
        tables: list[ExportTable] = []
        if self.needs_participants:
            if options.public or bilan.public:
                raise UsageError(
                    f"« {self.title} » est un fichier par personne, qui n'est pas un document "
                    "public : exportez-le sans --public et transmettez-le au seul financeur"
                )
            if participants is None:
                raise UsageError(f"« {self.title} » demande les participants de la période")
            tables.extend(make(participants) for make in self.participant_tables)
        tables.extend(make(bilan) for make in self.tables)
        return bilan_files(
            bilan,
            tables,
            options,
            exporter=self.name,
            title=self.title,
            notes=self.notes(bilan) if self.notes is not None else (),
            private=self.needs_participants,
        )
