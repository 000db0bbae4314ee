"""``citeslab exportateurs`` and ``citeslab exporter NAME --help``: the installed exporters and
one exporter's help, in French, from what each plug-in declares."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from citeslab_core.errors import PluginError, UsageError
from citeslab_core.exporting import Registry
from citeslab_core.exporting._contract import clean_text, origin

if TYPE_CHECKING:
    from citeslab_core.exporting import ExporterInfo

__all__ = ["describe_exporters", "exporter_help"]


def describe_exporters(registry: Registry | None = None) -> str:
    """``citeslab exportateurs``: the installed exporters and every load error, in French."""
    registry = registry if registry is not None else Registry.from_entry_points()
    loaded, failures = registry.load_all()
    lines: list[str] = []
    if loaded:
        lines.append("Exportateurs installés :")
        for item in loaded:
            info = item.info
            lines.append(f"- {info.name} : {info.title}")
            lines.append(f"  formats : {', '.join(info.formats)}")
            lines.append(f"  {origin(item.distribution, item.version)}")
            if info.needs_participants:
                lines.append(
                    "  fichier par personne : pseudonymes, clé requise "
                    "(CITESLAB_PSEUDO_KEY ou --cle)"
                )
    else:
        lines.append("Aucun exportateur installé.")
    if failures:
        lines.append("")
        lines.append("Exportateurs qui n'ont pas pu être chargés :")
        for failure in failures:
            lines.append(f"- {failure.name} ({failure.target})")
            lines.append(f"  {origin(failure.distribution, failure.version)}")
            lines.append(f"  erreur : {failure.error}")
    return clean_text("\n".join(lines), keep_lines=True, limit=10**7)


#: What each format's files are, for an exporter that does not say (``{p}``: the prefix).
_DEFAULT_FILES = {
    "xlsx": "{p}.xlsx : un classeur Excel, une feuille par tableau et une feuille « informations »",
    "ods": "{p}.ods : un classeur OpenDocument (LibreOffice), une feuille par tableau",
    "csv": "{p}_TABLEAU.csv : un fichier CSV par tableau (séparateur ;, pour Excel), et "
    "datapackage.json qui décrit leurs colonnes",
    "json": "{p}.json : un document JSON avec tous les tableaux",
}


def _files_lines(info: ExporterInfo) -> list[str]:
    if info.file_help:
        return list(info.file_help)
    prefix = f"{info.name}_PERIODE"
    return [
        _DEFAULT_FILES.get(f, "{p}." + f + " : format " + f).format(p=prefix) for f in info.formats
    ]


def exporter_help(name: str, registry: Registry | None = None) -> str:
    """``citeslab exporter NAME --help``: what this exporter writes, in which formats, with
    which options, from the plug-in itself (so a third party's exporter has its own help).

    An unknown name or an exporter that does not load gives the reason, in French."""
    registry = registry if registry is not None else Registry.from_entry_points()
    try:
        info = registry.load(name).info
    except (UsageError, PluginError) as exc:
        return f"{exc}"
    lines = [f"Exportateur « {info.name} » : {info.title}"]
    if info.description.strip():
        lines.append("")
        lines += [
            textwrap.fill(line, 88, break_long_words=False, break_on_hyphens=False) or ""
            for line in info.description.strip().splitlines()
        ]
    formats = list(info.formats)
    lines += [
        "",
        "Formats : " + ", ".join(formats) + f" (par défaut : {formats[0]})",
        "",
        "Fichiers écrits (PERIODE : l'année, ou les dates de --du et --au) :",
        *(
            textwrap.fill(line, 88, initial_indent="  ", subsequent_indent="      ")
            for line in _files_lines(info)
        ),
        "",
        "Options :",
        f"  --format FORMAT      le format des fichiers : {', '.join(formats)}",
    ]
    if info.needs_participants:
        lines += [
            "  --cle FICHIER        la clé de pseudonymisation de la structure (obligatoire,",
            "                       ou la variable CITESLAB_PSEUDO_KEY) ; pour la créer une",
            "                       fois pour toutes : citeslab cle FICHIER",
            "  --public             refusé : un fichier par personne n'est pas un document",
            "                       public ; il est écrit lisible par vous seul",
        ]
    else:
        lines.append("  --public             masquer les petits effectifs (document à diffuser)")
    lines += [
        "  --force              remplacer les fichiers qui existent déjà",
        "",
        f"Exemple : citeslab exporter {info.name} mon-classeur.xlsx --annee 2023 -o envoi"
        + (" --cle cle.txt" if info.needs_participants else ""),
    ]
    return clean_text("\n".join(lines), keep_lines=True, limit=10**7)
