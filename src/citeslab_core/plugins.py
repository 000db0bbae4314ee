"""Deprecated: the exporter contract and its registry moved to the plug-in kit,
:mod:`citeslab_core.exporting`.

``from citeslab_core.plugins import X`` keeps working for one release (0.2) and warns
(``DeprecationWarning``); import ``X`` from :mod:`citeslab_core.exporting` instead. The
names are the same objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeslab_core._lazy import forwarding_getattr

if TYPE_CHECKING:  # what a type checker sees: the kit's own names
    from citeslab_core.exporting import (
        ENTRY_POINT_GROUP,
        EXPORTER_API_VERSION,
        Exporter,
        ExporterInfo,
        ExportFile,
        ExportOptions,
        IsolatedExporter,
        LoadedExporter,
        LoadFailure,
        PluginError,
        Registry,
        check_file_name,
    )

__all__ = [
    "ENTRY_POINT_GROUP",
    "EXPORTER_API_VERSION",
    "ExportFile",
    "ExportOptions",
    "Exporter",
    "ExporterInfo",
    "IsolatedExporter",
    "LoadFailure",
    "LoadedExporter",
    "PluginError",
    "Registry",
    "check_file_name",
]

#: The names this module held that are not in the kit's ``__all__``: where they went.
_ELSEWHERE: dict[str, str] = {
    "BUILTIN_DISTRIBUTION": "citeslab_core.exporting._contract",
    "check_exporter": "citeslab_core.exporting._contract",
    "check_files": "citeslab_core.exporting._contract",
    "exception_message": "citeslab_core.exporting._contract",
    "exception_text": "citeslab_core.exporting._contract",
    "export_contained": "citeslab_core.exporting._contract",
    "read_info": "citeslab_core.exporting._contract",
    "run_export_command": "citeslab_core.cli._export",
    "describe_exporters": "citeslab_core.cli._exporter_help",
    "exporter_help": "citeslab_core.cli._exporter_help",
}

if not TYPE_CHECKING:  # at run time, every name goes through the warning
    __getattr__ = forwarding_getattr(
        "citeslab_core.plugins", "citeslab_core.exporting", __all__, _ELSEWHERE
    )


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_ELSEWHERE))
