"""Deprecated: the tables of an export and their writers moved to the plug-in kit,
:mod:`citeslab_core.exporting`.

``from citeslab_core.tabular import X`` keeps working for one release (0.2) and warns
(``DeprecationWarning``); import ``X`` from :mod:`citeslab_core.exporting` instead. The
names are the same objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeslab_core._lazy import forwarding_getattr

if TYPE_CHECKING:  # what a type checker sees: the kit's own names
    from citeslab_core.exporting import (
        INDICATOR_COLUMNS,
        INFO_COLUMNS,
        MASKED,
        MASKED_TEXT,
        BilanTable,
        Cell,
        Column,
        ColumnType,
        Masked,
        Notes,
        ParticipantTable,
        Table,
        TableExporter,
        bilan_files,
        cell_text,
        count,
        datapackage,
        export_tables,
        info_table,
        period_slug,
        to_csv,
        to_json,
        to_xlsx,
    )

__all__ = [
    "INDICATOR_COLUMNS",
    "INFO_COLUMNS",
    "MASKED",
    "MASKED_TEXT",
    "BilanTable",
    "Cell",
    "Column",
    "ColumnType",
    "Masked",
    "Notes",
    "ParticipantTable",
    "Table",
    "TableExporter",
    "bilan_files",
    "cell_text",
    "count",
    "datapackage",
    "export_tables",
    "info_table",
    "period_slug",
    "to_csv",
    "to_json",
    "to_xlsx",
]

#: The names this module held that are not in the kit's ``__all__``: where they went.
_ELSEWHERE: dict[str, str] = {
    "CSV_DELIMITER": "citeslab_core.exporting._writers",
    "CSV_ENCODING": "citeslab_core.exporting._writers",
    "FALSE_TEXT": "citeslab_core.exporting._writers",
    "MEDIA_TYPES": "citeslab_core.exporting._writers",
    "TRUE_TEXT": "citeslab_core.exporting._writers",
}

if not TYPE_CHECKING:  # at run time, every name goes through the warning
    __getattr__ = forwarding_getattr(
        "citeslab_core.tabular", "citeslab_core.exporting", __all__, _ELSEWHERE
    )


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_ELSEWHERE))
