"""The plug-in kit: everything an exporter's author imports, from this one module.

::

    from citeslab_core.exporting import (
        Bilan, Column, ColumnType, ExportTable, TableExporter, count,
    )

It holds the exporter contract (:class:`Exporter`, :class:`ExportOptions`,
:class:`ExportFile`), the registry that finds plug-ins (:class:`Registry`), the table
model and its writers (:class:`ExportTable`, :class:`TableExporter`, :func:`export_tables`),
and, re-exported so that a plug-in needs no other import, what an exporter reads: the
:class:`Bilan` and its parts, the participant rows, the vocabularies and the French
formatting of the reports. The bundled exporters (``citeslab_exporters``) import only
from here, as a third party's do. The names are loaded on first use; the code lives in
private modules (``_contract``, ``_registry``, ``_isolation``, ``_export_table``, ``_writers``,
``_table_exporter``).

The contract
============

An exporter turns one computed :class:`~citeslab_core.bilan.Bilan` (and, when it says it
needs them, the pseudonymised :class:`~citeslab_core.exporting.privacy.ParticipantRow` of the
period) into files. It is any object with these attributes (:class:`Exporter` is the
:class:`typing.Protocol` that mypy checks):

``name``
    the name users type (``citeslab export NAME``); it must equal the entry point's name.
``title``
    a French title shown by ``citeslab exporters``.
``formats``
    the formats it writes, the default first (``("xlsx", "csv", "json")``).
``api_version``
    the version of this contract it was written for (an ``int``).
``needs_participants``
    ``True`` if it writes a file with one row per person: the library then builds the
    participant rows, with pseudonyms keyed for this exporter, and refuses ``--public``.
``export(bilan, options, participants)``
    returns a sequence of :class:`ExportFile`. It is pure: no file system, no network, no
    clock needed. ``participants`` is ``None`` unless ``needs_participants``.

Two optional attributes feed ``citeslab export NAME --help``.
An exporter without them keeps working, and one whose attribute of that name holds
something else (not a text, not a list of texts) is not refused: its help just leaves
that part out.

``description``
    a French text: what the files hold and who they are for (default: the title only).
``file_help``
    French lines, one per file or kind of file written (default: made from ``name`` and
    ``formats``: ``bpi_PERIODE.xlsx``, one CSV per table…).

The library writes the returned files into the output folder, each atomically, none if
any cannot be written; a file name must be a plain name (no folder, no ``..``).

An exporter computes nothing itself: every figure comes from the bilan, so that two
exporters can never disagree on the same period.

Compatibility promise
=====================

:data:`EXPORTER_API_VERSION` is ``1``. The library loads an exporter whose
``api_version`` equals the version it supports, and reports any other as a load error
(it never guesses). Within one version the library only makes *compatible* changes:
new optional fields with defaults in :class:`ExportOptions`, new fields in
:class:`~citeslab_core.exporting.privacy.ParticipantRow` and in the bilan, new optional attributes
an exporter may declare. The version is bumped, with a note in the changelog, when a
change would break a written exporter: a field removed or renamed in the bilan, the
options or the participant rows, a change in the meaning or the type of a field, a new
required attribute or method, or a change in the ``export`` signature or in what it must
return.

Discovery
=========

Exporters are found through the entry-point group ``citeslab.exporters``; the built-in
ones (``bpi``, ``pic``, ``contrat_de_ville``) are registered there exactly as a third
party registers its own. The registry lists entry points without importing them and
loads one only when it is asked for by name (as Sphinx does for builders). Every failure
(import error, missing attribute, wrong shape, incompatible version) is kept with its
entry point and its distribution and shown by ``citeslab exporters`` (as stevedore
does); a broken plug-in never stops the others.

Containment
===========

Every access to a plug-in (its import, each attribute, ``export``) happens inside the
containment: whatever the plug-in raises, ``SystemExit`` included, becomes a French
:class:`PluginError` naming it (``KeyboardInterrupt`` alone stays the user's abort). Its
attributes are read once, checked, and kept (:class:`ExporterInfo`): a property that
changes or raises later is never read again. The mode of each written file is the
library's choice: owner-only (0600) for every file of an exporter that
``needs_participants``, whatever the plug-in says (a plug-in may ask 0600 for a file, never
0644 for a participant file).

Isolation
=========

A **third-party** exporter (an entry point of any distribution but ``citeslab``) runs by
default in a **separate process** (:class:`IsolatedExporter`): that process imports the
plug-in, and receives, pickled on its standard input, only the bilan, the options and the
pseudonymised participant rows; it answers with the files, as JSON, which the library
checks again (it never unpickles what a plug-in sends). The process starts in an empty
temporary folder, without the pseudonym key in its environment, and the plug-in is never
imported into the process that holds the records. So a plug-in cannot read the records
from its caller's frames or objects: it cannot leak what it never receives. What
isolation is not: a sandbox. The plug-in runs with the user's rights and could open
files the user can open; install only plug-ins you trust, as for any program.

The leash on that process (:mod:`citeslab_core.exporting._isolation`): a time limit
(120 s, ``timeout=`` of :meth:`Registry.from_entry_points` or ``CITESLAB_DELAI_GREFFON``),
an audit hook that refuses writes outside its temporary folder and starting programs,
returned file names checked (:func:`check_file_name`: no separator, control, bidi or
surrogate character, at most 1 000 files), what it prints relayed cleaned
of control characters, and a third-party entry point named like a built-in exporter
refused. :meth:`Registry.export` is the one public path that runs an exporter and
writes its files (the command line calls it).

The built-in exporters run in-process (they are the library's own code), and so do the
objects given to :meth:`Registry.from_exporters` (they are already in the caller's
process); ``Registry.from_entry_points(isolate=False)`` runs every plug-in in-process
(for debugging).

Tables
======

An exporter describes each of its tables once, as an :class:`ExportTable` (a file-safe name, a
French title, :class:`Column` objects with a JSON key, a French header and a
:class:`ColumnType`, and rows of plain values), and :func:`export_tables` gives the files
of the format asked:

``csv``
    one file per table, for French Excel: ``;`` separated, UTF-8 with a BOM, CRLF line
    ends, dates ``dd/mm/yyyy``, decimal comma, booleans ``oui`` / ``non``; beside them a
    ``datapackage.json`` (Frictionless Data Package, Table Schema) that describes every
    column, so that ``frictionless validate`` or a notebook reads the files back exactly.
``xlsx``
    one workbook, one sheet per table: numbers stay numbers, dates stay dates shown
    ``dd/mm/yyyy``, the header row bold and frozen, columns wide enough to read.
``json``
    one document: the tables with their columns and rows (keys are the columns' keys),
    dates ISO, amounts as exact strings (``"16000.00"``) as in the canonical JSON.

Cell values: ``int`` (integer columns), ``int``/``Decimal`` (number, amount and percent
columns; a percent is a number of percent, ``30.6``, never ``0.306``), ``str``,
:class:`datetime.date`, ``bool``, ``None`` (an empty cell) and :data:`MASKED` (a count
hidden in a public report, written ``s``, never 0). A value of the wrong type is a bug of
the exporter: :class:`ExportTable` refuses it with a ``TypeError``.

For an exporter of the bilan, :func:`bilan_files` adds the ``informations`` table and
names the files; :class:`TableExporter` goes one step further: an exporter is then only
its name, its title, its contract version and its table functions.

Every text cell of a CSV or XLSX file goes through :func:`cell_text` (line ends, the
characters a worksheet cannot hold, formula injection); numbers, dates and booleans are
written as such and never altered. The JSON document is data for programs, not a
spreadsheet: its texts are exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeslab_core.exporting._lazy import lazy_getattr

if TYPE_CHECKING:
    from citeslab_core.bilan import (
        EN_COURS,
        NON_RENSEIGNE,
        TABLE_KEYS,
        TEXT_SECTION_TITLES,
        Bilan,
        PublicBilan,
        QpvRow,
        Table,
    )
    from citeslab_core.bilan.crf import (
        CrfLine,
        CrfRow,
        CrfTotal,
        FinancialReport,
        crf_rows,
    )
    from citeslab_core.bilan.funding import (
        FundingPlanRow,
        FundingYear,
    )
    from citeslab_core.derive.calendar import (
        TIME_ZONE,
        Calendar,
        CalendarEntry,
        EntryKind,
        clean_line,
    )
    from citeslab_core.errors import (
        PluginError,
        UsageError,
    )
    from citeslab_core.exporting._contract import (
        ENTRY_POINT_GROUP,
        EXPORTER_API_VERSION,
        Exporter,
        ExporterInfo,
        ExportFile,
        ExportOptions,
        LoadedExporter,
        LoadFailure,
        check_file_name,
    )
    from citeslab_core.exporting._export_table import (
        MASKED,
        MASKED_TEXT,
        Cell,
        Column,
        ColumnType,
        ExportTable,
        Masked,
        cell_text,
        count,
    )
    from citeslab_core.exporting._isolation import IsolatedExporter
    from citeslab_core.exporting._registry import Registry
    from citeslab_core.exporting._table_exporter import (
        INDICATOR_COLUMNS,
        INFO_COLUMNS,
        BilanTable,
        Notes,
        ParticipantTable,
        TableExporter,
        bilan_files,
        info_table,
        period_slug,
    )
    from citeslab_core.exporting._writers import (
        datapackage,
        export_tables,
        to_csv,
        to_json,
        to_xlsx,
    )
    from citeslab_core.exporting.privacy import (
        ParticipantRow,
    )
    from citeslab_core.french import (
        format_amount,
        format_count,
        format_day,
        format_decimal,
        format_moment,
        format_period,
        format_rate,
        format_share,
        typeset,
    )
    from citeslab_core.model.accounts import (
        Side,
    )
    from citeslab_core.model.dates import (
        Precision,
    )
    from citeslab_core.readers.files import (
        clean_text,
    )
    from citeslab_core.render.labels import (
        IndicatorLabel,
        crf_label,
        indicator,
    )
    from citeslab_core.vocabularies import (
        AgeBracket,
        AnimationStatus,
        AnimationType,
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
        Vocabulary,
    )

__all__ = [
    "ENTRY_POINT_GROUP",
    "EN_COURS",
    "EXPORTER_API_VERSION",
    "INDICATOR_COLUMNS",
    "INFO_COLUMNS",
    "MASKED",
    "MASKED_TEXT",
    "NON_RENSEIGNE",
    "TABLE_KEYS",
    "TEXT_SECTION_TITLES",
    "TIME_ZONE",
    "AgeBracket",
    "AnimationStatus",
    "AnimationType",
    "Bilan",
    "BilanTable",
    "Calendar",
    "CalendarEntry",
    "Cell",
    "Channel",
    "Column",
    "ColumnType",
    "CrfLine",
    "CrfRow",
    "CrfTotal",
    "Decision",
    "EducationLevel",
    "EntryKind",
    "EventType",
    "ExitResult",
    "ExportFile",
    "ExportOptions",
    "ExportTable",
    "Exporter",
    "ExporterInfo",
    "FinancialReport",
    "Funder",
    "FundingNature",
    "FundingPlanRow",
    "FundingYear",
    "IndicatorLabel",
    "IsolatedExporter",
    "LoadFailure",
    "LoadedExporter",
    "Masked",
    "MinimumBenefit",
    "Notes",
    "OrientationCategory",
    "ParticipantRow",
    "ParticipantTable",
    "PartnershipCategory",
    "PluginError",
    "Precision",
    "PublicBilan",
    "QpvRow",
    "Registry",
    "ResidenceStatus",
    "Sector",
    "Sex",
    "Side",
    "SituationAtEntry",
    "Stage",
    "Table",
    "TableExporter",
    "UsageError",
    "Vocabulary",
    "bilan_files",
    "cell_text",
    "check_file_name",
    "clean_line",
    "clean_text",
    "count",
    "crf_label",
    "crf_rows",
    "datapackage",
    "export_tables",
    "format_amount",
    "format_count",
    "format_day",
    "format_decimal",
    "format_moment",
    "format_period",
    "format_rate",
    "format_share",
    "indicator",
    "info_table",
    "period_slug",
    "to_csv",
    "to_json",
    "to_xlsx",
    "typeset",
]

#: Where each name lives: ``module`` or ``module:attribute`` (loaded on first use, so that
#: the registry alone, ``citeslab exporters``, imports neither the bilan nor the writers).
_LAZY: dict[str, str] = {
    "ENTRY_POINT_GROUP": "citeslab_core.exporting._contract",
    "EXPORTER_API_VERSION": "citeslab_core.exporting._contract",
    "ExportFile": "citeslab_core.exporting._contract",
    "ExportOptions": "citeslab_core.exporting._contract",
    "Exporter": "citeslab_core.exporting._contract",
    "ExporterInfo": "citeslab_core.exporting._contract",
    "LoadFailure": "citeslab_core.exporting._contract",
    "LoadedExporter": "citeslab_core.exporting._contract",
    "check_file_name": "citeslab_core.exporting._contract",
    "IsolatedExporter": "citeslab_core.exporting._isolation",
    "Registry": "citeslab_core.exporting._registry",
    "MASKED": "citeslab_core.exporting._export_table",
    "MASKED_TEXT": "citeslab_core.exporting._export_table",
    "Cell": "citeslab_core.exporting._export_table",
    "Column": "citeslab_core.exporting._export_table",
    "ColumnType": "citeslab_core.exporting._export_table",
    "Masked": "citeslab_core.exporting._export_table",
    "ExportTable": "citeslab_core.exporting._export_table",
    "cell_text": "citeslab_core.exporting._export_table",
    "count": "citeslab_core.exporting._export_table",
    "datapackage": "citeslab_core.exporting._writers",
    "export_tables": "citeslab_core.exporting._writers",
    "to_csv": "citeslab_core.exporting._writers",
    "to_json": "citeslab_core.exporting._writers",
    "to_xlsx": "citeslab_core.exporting._writers",
    "INDICATOR_COLUMNS": "citeslab_core.exporting._table_exporter",
    "INFO_COLUMNS": "citeslab_core.exporting._table_exporter",
    "BilanTable": "citeslab_core.exporting._table_exporter",
    "Notes": "citeslab_core.exporting._table_exporter",
    "ParticipantTable": "citeslab_core.exporting._table_exporter",
    "TableExporter": "citeslab_core.exporting._table_exporter",
    "bilan_files": "citeslab_core.exporting._table_exporter",
    "info_table": "citeslab_core.exporting._table_exporter",
    "period_slug": "citeslab_core.exporting._table_exporter",
    "Side": "citeslab_core.model.accounts",
    "EN_COURS": "citeslab_core.bilan",
    "NON_RENSEIGNE": "citeslab_core.bilan",
    "TABLE_KEYS": "citeslab_core.bilan",
    "TEXT_SECTION_TITLES": "citeslab_core.bilan",
    "Bilan": "citeslab_core.bilan",
    "PublicBilan": "citeslab_core.bilan",
    "QpvRow": "citeslab_core.bilan",
    "Table": "citeslab_core.bilan",
    "TIME_ZONE": "citeslab_core.derive.calendar",
    "Calendar": "citeslab_core.derive.calendar",
    "CalendarEntry": "citeslab_core.derive.calendar",
    "clean_line": "citeslab_core.derive.calendar",
    "EntryKind": "citeslab_core.derive.calendar",
    "CrfLine": "citeslab_core.bilan.crf",
    "CrfRow": "citeslab_core.bilan.crf",
    "CrfTotal": "citeslab_core.bilan.crf",
    "crf_rows": "citeslab_core.bilan.crf",
    "crf_label": "citeslab_core.render.labels",
    "FinancialReport": "citeslab_core.bilan.crf",
    "Precision": "citeslab_core.model.dates",
    "PluginError": "citeslab_core.errors",
    "UsageError": "citeslab_core.errors",
    "clean_text": "citeslab_core.readers.files",
    "format_amount": "citeslab_core.french",
    "format_count": "citeslab_core.french",
    "format_day": "citeslab_core.french",
    "format_moment": "citeslab_core.french",
    "format_decimal": "citeslab_core.french",
    "format_period": "citeslab_core.french",
    "format_rate": "citeslab_core.french",
    "format_share": "citeslab_core.french",
    "typeset": "citeslab_core.french",
    "FundingPlanRow": "citeslab_core.bilan.funding",
    "FundingYear": "citeslab_core.bilan.funding",
    "ParticipantRow": "citeslab_core.exporting.privacy",
    "IndicatorLabel": "citeslab_core.render.labels",
    "indicator": "citeslab_core.render.labels",
    "AgeBracket": "citeslab_core.vocabularies",
    "AnimationStatus": "citeslab_core.vocabularies",
    "AnimationType": "citeslab_core.vocabularies",
    "Channel": "citeslab_core.vocabularies",
    "Decision": "citeslab_core.vocabularies",
    "EducationLevel": "citeslab_core.vocabularies",
    "EventType": "citeslab_core.vocabularies",
    "ExitResult": "citeslab_core.vocabularies",
    "Funder": "citeslab_core.vocabularies",
    "FundingNature": "citeslab_core.vocabularies",
    "MinimumBenefit": "citeslab_core.vocabularies",
    "OrientationCategory": "citeslab_core.vocabularies",
    "PartnershipCategory": "citeslab_core.vocabularies",
    "ResidenceStatus": "citeslab_core.vocabularies",
    "Sector": "citeslab_core.vocabularies",
    "Sex": "citeslab_core.vocabularies",
    "SituationAtEntry": "citeslab_core.vocabularies",
    "Stage": "citeslab_core.vocabularies",
    "Vocabulary": "citeslab_core.vocabularies",
}

if not TYPE_CHECKING:  # a type checker sees the imports above, and no other name
    __getattr__ = lazy_getattr(__name__, _LAZY, globals())


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
