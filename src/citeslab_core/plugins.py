"""The exporter plug-in contract, the registry that finds plug-ins, and the export command.

The contract
============

An exporter turns one computed :class:`~citeslab_core.bilan.Bilan` (and, when it says it
needs them, the pseudonymised :class:`~citeslab_core.privacy.ParticipantRow` of the
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

Two optional attributes feed ``citeslab export NAME --help`` (:func:`exporter_help`).
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
:class:`~citeslab_core.privacy.ParticipantRow` and in the bilan, new optional attributes
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
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

import attrs

from citeslab_core.errors import CitesLabError, InvalidData, UsageError

if TYPE_CHECKING:
    import datetime as dt
    from importlib.metadata import EntryPoint

    from citeslab_core.bilan import Bilan
    from citeslab_core.model import Dataset
    from citeslab_core.privacy import ParticipantRow

__all__ = [
    "ENTRY_POINT_GROUP",
    "EXPORTER_API_VERSION",
    "ExportFile",
    "ExportOptions",
    "Exporter",
    "LoadFailure",
    "LoadedExporter",
    "PluginError",
    "Registry",
    "check_file_name",
]

#: The version of the exporter contract this library supports (see the module docstring).
EXPORTER_API_VERSION = 1

#: The entry-point group where exporters are registered.
ENTRY_POINT_GROUP = "citeslab.exporters"


@attrs.frozen
class ExportFile:
    """A file an exporter returns: a plain file name, its media type, its bytes.

    ``private`` marks a participant-level file: the library writes it readable by its
    owner only (mode 0600).
    """

    name: str
    media_type: str
    data: bytes
    private: bool = False


@attrs.frozen
class ExportOptions:
    """What the user asked for: the format (one of the exporter's ``formats``) and
    whether the files are meant for publication (the bilan is then masked)."""

    format: str
    public: bool = False


class Exporter(Protocol):
    """The shape of an exporter (see the module docstring)."""

    @property
    def name(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def formats(self) -> Sequence[str]: ...

    @property
    def api_version(self) -> int: ...

    @property
    def needs_participants(self) -> bool: ...

    def export(
        self,
        bilan: Bilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> Sequence[ExportFile]: ...


class PluginError(CitesLabError):
    """An exporter that cannot be loaded, or that returned something the library refuses."""


@attrs.frozen
class LoadFailure:
    """An exporter that could not be loaded: which entry point, from which distribution, why."""

    name: str
    target: str
    distribution: str | None
    version: str | None
    error: str

    def describe(self) -> str:
        origin = _origin(self.distribution, self.version)
        return f"{self.name} ({self.target}, {origin}) : {self.error}"


@attrs.frozen
class LoadedExporter:
    """An exporter that loaded, with the distribution it comes from."""

    exporter: Exporter
    distribution: str | None
    version: str | None


def _origin(distribution: str | None, version: str | None) -> str:
    if distribution is None:
        return "fourni directement"
    return f"paquet {distribution} {version}" if version else f"paquet {distribution}"


def check_exporter(obj: object, name: str) -> str | None:
    """Why ``obj`` is not an exporter registered as ``name``, or ``None`` if it is one."""
    if isinstance(obj, type):
        return "l'objet est une classe : le point d'entrée doit désigner une instance"
    problems: list[str] = []
    values: dict[str, object] = {}
    for attribute, kind, label in (
        ("name", str, "un texte"),
        ("title", str, "un texte"),
        ("api_version", int, "un entier"),
        ("needs_participants", bool, "un booléen"),
    ):
        if not hasattr(obj, attribute):
            problems.append(f"attribut « {attribute} » manquant")
            continue
        value = values[attribute] = getattr(obj, attribute)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"« {attribute} » doit être {label}, pas {type(value).__name__}")
    formats = getattr(obj, "formats", None)
    if formats is None:
        problems.append("attribut « formats » manquant")
    elif (
        isinstance(formats, str | bytes)
        or not isinstance(formats, Sequence)
        or not formats
        or not all(isinstance(f, str) and f for f in formats)
    ):
        problems.append("« formats » doit être une liste non vide de noms de format")
    if not callable(getattr(obj, "export", None)):
        problems.append("méthode « export » manquante")
    if problems:
        return "ce n'est pas un exportateur : " + " ; ".join(problems)
    if values["name"] != name:
        return f"l'exportateur s'appelle « {values['name']} » mais son point d'entrée « {name} »"
    version = values["api_version"]
    if version != EXPORTER_API_VERSION:
        return (
            f"écrit pour la version {version} du contrat des exportateurs ; cette version "
            f"de citeslab accepte la version {EXPORTER_API_VERSION} (mettez à jour le paquet "
            "de l'exportateur ou citeslab)"
        )
    return None


@attrs.define
class _Entry:
    """One registered exporter: how to load it, and what loading gave (cached)."""

    name: str
    target: str
    distribution: str | None
    version: str | None
    load: Callable[[], object]
    result: LoadedExporter | LoadFailure | None = None

    def resolve(self) -> LoadedExporter | LoadFailure:
        if self.result is None:
            self.result = self._resolve()
        return self.result

    def _resolve(self) -> LoadedExporter | LoadFailure:
        try:
            obj = self.load()
        except Exception as exc:  # a plug-in may fail in any way: keep it, go on
            return self._failure(f"chargement impossible : {type(exc).__name__}: {exc}")
        problem = check_exporter(obj, self.name)
        if problem is not None:
            return self._failure(problem)
        return LoadedExporter(cast("Exporter", obj), self.distribution, self.version)

    def _failure(self, error: str) -> LoadFailure:
        return LoadFailure(self.name, self.target, self.distribution, self.version, error)


class Registry:
    """The installed exporters, by name, each loaded when first asked for.

    :meth:`from_entry_points` reads the ``citeslab.exporters`` entry points (nothing is
    imported until an exporter is used); :meth:`from_exporters` builds one from objects,
    for tests and notebooks.
    """

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self._entries: dict[str, _Entry] = {}
        self._duplicates: list[LoadFailure] = []
        for entry in entries:
            if entry.name in self._entries:
                first = self._entries[entry.name]
                self._duplicates.append(
                    entry._failure(
                        f"nom déjà pris par {first.target} "
                        f"({_origin(first.distribution, first.version)}) : ignoré"
                    )
                )
            else:
                self._entries[entry.name] = entry

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> Registry:
        from importlib.metadata import entry_points

        return cls(_entry_of(point) for point in entry_points(group=group))

    @classmethod
    def from_exporters(cls, exporters: Iterable[object]) -> Registry:
        """A registry of the given objects (each is checked like a plug-in)."""
        entries = []
        for obj in exporters:
            name = getattr(obj, "name", None)
            name = name if isinstance(name, str) else repr(obj)
            entries.append(_Entry(name, repr(obj), None, None, _constant(obj)))
        return cls(entries)

    def names(self) -> list[str]:
        """Every registered name, loaded or not, sorted."""
        return sorted(self._entries)

    def get(self, name: str) -> Exporter:
        """The exporter called ``name``; a French :class:`UsageError` names the installed
        ones when there is none, :class:`PluginError` says why it failed to load."""
        entry = self._entries.get(name)
        if entry is None:
            installed = ", ".join(self.names()) or "aucun"
            raise UsageError(
                f"exportateur « {name} » inconnu. Exportateurs installés : {installed} "
                "(voir citeslab exporters)"
            )
        result = entry.resolve()
        if isinstance(result, LoadFailure):
            raise PluginError(
                f"l'exportateur « {name} » n'a pas pu être chargé : {result.describe()}"
            )
        return result.exporter

    def load_all(self) -> tuple[list[LoadedExporter], list[LoadFailure]]:
        """Load every exporter: those that work, and every failure (none stops the rest)."""
        loaded: list[LoadedExporter] = []
        failures: list[LoadFailure] = []
        for name in self.names():
            result = self._entries[name].resolve()
            if isinstance(result, LoadFailure):
                failures.append(result)
            else:
                loaded.append(result)
        return loaded, failures + self._duplicates


def _constant(obj: object) -> Callable[[], object]:
    return lambda: obj


def _entry_of(point: EntryPoint) -> _Entry:
    dist = point.dist
    distribution = dist.name if dist is not None else None
    version = dist.version if dist is not None else None
    return _Entry(point.name, point.value, distribution, version, point.load)


def check_file_name(name: object) -> str | None:
    """Why a returned file name is refused, or ``None``: it must be a plain name."""
    if not isinstance(name, str) or not name:
        return "le nom de fichier doit être un texte non vide"
    if (
        "/" in name
        or "\\" in name
        or (os.altsep is not None and os.altsep in name)
        or "\x00" in name
    ):
        return f"« {name} » n'est pas un simple nom de fichier (séparateur de dossier)"
    if name in (".", "..") or name.startswith(".."):
        return f"« {name} » n'est pas un simple nom de fichier"
    if name.startswith("."):
        return f"« {name} » : un fichier caché n'est pas accepté"
    return None


def _check_files(exporter: Exporter, files: object) -> list[ExportFile]:
    """The exporter's result, checked: ExportFile objects with plain, distinct names."""
    if not isinstance(files, Sequence) or isinstance(files, str | bytes):
        raise PluginError(f"l'exportateur « {exporter.name} » n'a pas rendu une liste de fichiers")
    problems: list[str] = []
    seen: set[str] = set()
    checked: list[ExportFile] = []
    for item in files:
        if not isinstance(item, ExportFile):
            problems.append(f"{item!r} n'est pas un ExportFile")
            continue
        problem = check_file_name(item.name)
        if problem is None and not isinstance(item.data, bytes):
            problem = f"« {item.name} » : le contenu doit être des octets (bytes)"
        if problem is None and item.name in seen:
            problem = f"« {item.name} » rendu deux fois"
        if problem is not None:
            problems.append(problem)
            continue
        seen.add(item.name)
        checked.append(item)
    if problems:
        raise PluginError(
            f"l'exportateur « {exporter.name} » a rendu des fichiers refusés :\n"
            + "\n".join(f"- {p}" for p in problems)
        )
    return checked


def _warn(message: str) -> None:
    print(f"citeslab : attention : {message}", file=sys.stderr)


def _check_output_folder(output: Path) -> None:
    """Refuse now (before any computation) a folder that cannot be created or written."""
    if output.exists():
        if not output.is_dir():
            raise UsageError(f"{output} existe et n'est pas un dossier")
        if not os.access(output, os.W_OK | os.X_OK):
            raise UsageError(f"le dossier {output} n'est pas accessible en écriture")
        return
    parent = output.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"impossible de créer le dossier {output} ({parent} non modifiable)")


def run_export_command(
    *,
    name: str,
    load: Callable[[], Dataset],
    start: dt.date,
    end: dt.date,
    output: Path,
    format: str | None,
    public: bool,
    force: bool,
    key_file: Path | None,
    environ: Mapping[str, str],
    registry: Registry | None = None,
) -> int:
    """``citeslab export``: run one exporter on the period's bilan and write its files.

    Everything that can be refused is refused before the data is read: the exporter's
    name, the format, ``--public`` for a participant-level exporter, the pseudonym key,
    the output folder. Returns the exit code; usage errors raise
    :class:`~citeslab_core.errors.UsageError`, data errors
    :class:`~citeslab_core.errors.InvalidData`.
    """
    registry = registry if registry is not None else Registry.from_entry_points()
    try:
        exporter = registry.get(name)
    except PluginError as exc:
        raise UsageError(str(exc)) from None
    formats = list(exporter.formats)
    chosen = format if format is not None else formats[0]
    if chosen not in formats:
        raise UsageError(
            f"l'exportateur « {name} » n'écrit pas le format « {chosen} ». "
            f"Formats possibles : {', '.join(formats)}"
        )
    if public and exporter.needs_participants:
        raise UsageError(
            f"l'exportateur « {name} » écrit un fichier par personne, qui n'est pas un "
            "document public : --public n'a pas de sens ici. Transmettez ce fichier au seul "
            "financeur, sans --public."
        )
    key: bytes | None = None
    if exporter.needs_participants:
        from citeslab_core.privacy import PseudonymKeyError, load_key

        try:
            key = load_key(key_file, environ, warn=_warn)
        except PseudonymKeyError as exc:
            print(f"citeslab : erreur : {exc}", file=sys.stderr)
            return 1
    _check_output_folder(output)

    data = load()
    from citeslab_core.bilan import compute_bilan

    bilan = compute_bilan(data, start, end, public=public)
    participants = None
    if key is not None:
        from citeslab_core.privacy import build_participants

        participants = build_participants(data, start, end, key=key, exporter=name)
    options = ExportOptions(format=chosen, public=public)
    try:
        files = _check_files(exporter, exporter.export(bilan, options, participants))
    except (UsageError, InvalidData):
        raise
    except PluginError as exc:
        print(f"citeslab : erreur : {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a plug-in's bug: say which plug-in, no traceback
        print(
            f"citeslab : erreur : l'exportateur « {name} » a échoué : {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return 1

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from citeslab_core.files import system_reason

        raise UsageError(
            f"impossible de créer le dossier {output} : {system_reason(exc)}"
        ) from None
    from citeslab_core.files import write_all_atomic

    write_all_atomic(
        [(output / f.name, f.data, f.private) for f in files],
        force=force,
    )
    for f in files:
        print(f"Écrit : {output / f.name}", file=sys.stderr)
    return 0


def describe_exporters(registry: Registry | None = None) -> str:
    """``citeslab exporters``: the installed exporters and every load error, in French."""
    registry = registry if registry is not None else Registry.from_entry_points()
    loaded, failures = registry.load_all()
    lines: list[str] = []
    if loaded:
        lines.append("Exportateurs installés :")
        for item in loaded:
            exporter = item.exporter
            lines.append(f"- {exporter.name} : {exporter.title}")
            lines.append(f"  formats : {', '.join(exporter.formats)}")
            lines.append(f"  {_origin(item.distribution, item.version)}")
            if exporter.needs_participants:
                lines.append(
                    "  fichier par personne : pseudonymes, clé requise "
                    "(CITESLAB_PSEUDO_KEY ou --key-file)"
                )
    else:
        lines.append("Aucun exportateur installé.")
    if failures:
        lines.append("")
        lines.append("Exportateurs qui n'ont pas pu être chargés :")
        for failure in failures:
            lines.append(f"- {failure.name} ({failure.target})")
            lines.append(f"  {_origin(failure.distribution, failure.version)}")
            lines.append(f"  erreur : {failure.error}")
    return "\n".join(lines)


#: What each format's files are, for an exporter that does not say (``{p}``: the prefix).
_DEFAULT_FILES = {
    "xlsx": "{p}.xlsx : un classeur Excel, une feuille par tableau et une feuille « informations »",
    "ods": "{p}.ods : un classeur OpenDocument (LibreOffice), une feuille par tableau",
    "csv": "{p}_TABLEAU.csv : un fichier CSV par tableau (séparateur ;, pour Excel), et "
    "datapackage.json qui décrit leurs colonnes",
    "json": "{p}.json : un document JSON avec tous les tableaux",
}


def _files_lines(exporter: Exporter) -> list[str]:
    declared = getattr(exporter, "file_help", ())
    if (
        declared
        and isinstance(declared, Sequence)
        and not isinstance(declared, str | bytes)
        and all(isinstance(line, str) for line in declared)
    ):
        return list(declared)
    prefix = f"{exporter.name}_PERIODE"
    return [
        _DEFAULT_FILES.get(f, "{p}." + f + " : format " + f).format(p=prefix)
        for f in exporter.formats
    ]


def exporter_help(name: str, registry: Registry | None = None) -> str:
    """``citeslab export NAME --help``: what this exporter writes, in which formats, with
    which options, from the plug-in itself (so a third party's exporter has its own help).

    An unknown name or an exporter that does not load gives the reason, in French."""
    registry = registry if registry is not None else Registry.from_entry_points()
    try:
        exporter = registry.get(name)
    except (UsageError, PluginError) as exc:
        return f"{exc}"
    lines = [f"Exportateur « {exporter.name} » : {exporter.title}"]
    description = getattr(exporter, "description", "")
    if isinstance(description, str) and description.strip():
        lines += ["", *description.strip().splitlines()]
    formats = list(exporter.formats)
    lines += [
        "",
        "Formats : " + ", ".join(formats) + f" (par défaut : {formats[0]})",
        "",
        "Fichiers écrits (PERIODE : l'année, ou les dates de --from et --to) :",
        *(
            textwrap.fill(line, 88, initial_indent="  ", subsequent_indent="      ")
            for line in _files_lines(exporter)
        ),
        "",
        "Options :",
        f"  --format FORMAT      le format des fichiers : {', '.join(formats)}",
    ]
    if exporter.needs_participants:
        lines += [
            "  --key-file FICHIER   la clé de pseudonymisation de la structure (obligatoire,",
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
        f"Exemple : citeslab export {exporter.name} mon-classeur.xlsx --year 2023 -o envoi"
        + (" --key-file cle.txt" if exporter.needs_participants else ""),
    ]
    return "\n".join(lines)
