"""The exporter plug-in contract and the registry that finds plug-ins.

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

Two optional attributes feed ``citeslab export NAME --help`` (the command line shows them).
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

The built-in exporters run in-process (they are the library's own code), and so do the
objects given to :meth:`Registry.from_exporters` (they are already in the caller's
process); ``Registry.from_entry_points(isolate=False)`` runs every plug-in in-process
(for debugging).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, cast

import attrs

from citeslab_core.errors import PluginError, UsageError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from citeslab_core.bilan import Bilan
    from citeslab_core.privacy import ParticipantRow

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

#: The distribution of the built-in exporters: they run in-process.
BUILTIN_DISTRIBUTION = "citeslab"

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
class ExporterInfo:
    """An exporter's attributes, read once inside the containment and checked."""

    name: str
    title: str
    formats: tuple[str, ...]
    api_version: int
    needs_participants: bool
    #: The optional help of ``citeslab export NAME --help`` ("" and () when not given).
    description: str = ""
    file_help: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "formats": list(self.formats),
            "api_version": self.api_version,
            "needs_participants": self.needs_participants,
            "description": self.description,
            "file_help": list(self.file_help),
        }

    @classmethod
    def from_json(cls, value: object, name: str) -> ExporterInfo | str:
        """The info a child process sent, checked again (it is untrusted), or why not."""
        if not isinstance(value, dict):
            return "réponse invalide du processus de l'exportateur"
        problem = _check_values(value, name)
        if problem is not None:
            return problem
        return cls(
            value["name"],
            value["title"],
            tuple(value["formats"]),
            value["api_version"],
            value["needs_participants"],
            *_help_values(value),
        )


@attrs.frozen
class LoadedExporter:
    """An exporter that loaded, with the distribution it comes from, its checked
    attributes (``info``) and whether it runs in a separate process (``isolated``)."""

    exporter: Exporter
    distribution: str | None
    version: str | None
    info: ExporterInfo
    isolated: bool = False


def exception_message(exc: BaseException) -> str:
    """The message of an exception raised by a plug-in; never raises itself (its
    ``__str__`` is the plug-in's code too)."""
    try:
        return str(exc)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plug-in's __str__ may raise anything
        return "(message illisible)"


def exception_text(exc: BaseException) -> str:
    """``Type: message`` of an exception raised by a plug-in (see :func:`exception_message`)."""
    message = exception_message(exc)
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


def _origin(distribution: str | None, version: str | None) -> str:
    if distribution is None:
        return "fourni directement"
    return f"paquet {distribution} {version}" if version else f"paquet {distribution}"


_ATTRIBUTES = (
    ("name", str, "un texte"),
    ("title", str, "un texte"),
    ("api_version", int, "un entier"),
    ("needs_participants", bool, "un booléen"),
)


def _read_attributes(obj: object) -> tuple[dict[str, object], list[str]]:
    """Every attribute of the contract read from ``obj``, each inside the containment."""
    values: dict[str, object] = {}
    problems: list[str] = []
    for attribute in ("name", "title", "api_version", "needs_participants", "formats", "export"):
        try:
            values[attribute] = getattr(obj, attribute)
        except AttributeError:
            continue
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a plug-in's property may raise anything
            problems.append(f"l'attribut « {attribute} » a échoué : {exception_text(exc)}")
    return values, problems


def _check_values(values: Mapping[str, object], name: str) -> str | None:
    problems: list[str] = []
    for attribute, kind, label in _ATTRIBUTES:
        if attribute not in values:
            problems.append(f"attribut « {attribute} » manquant")
            continue
        value = values[attribute]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"« {attribute} » doit être {label}, pas {type(value).__name__}")
    formats = values.get("formats")
    if formats is None:
        problems.append("attribut « formats » manquant")
    elif (
        isinstance(formats, str | bytes)
        or not isinstance(formats, Sequence | list)
        or not formats
        or not all(isinstance(f, str) and f for f in formats)
    ):
        problems.append("« formats » doit être une liste non vide de noms de format")
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


def _help_values(values: Mapping[str, object]) -> tuple[str, tuple[str, ...]]:
    """The optional help attributes, kept only when of the right type (an older plug-in's
    attribute of that name that means something else is ignored, never refused)."""
    description = values.get("description", "")
    file_help = values.get("file_help", ())
    lines: tuple[str, ...] = ()
    if (
        isinstance(file_help, Sequence | list)
        and not isinstance(file_help, str | bytes)
        and all(isinstance(line, str) for line in file_help)
    ):
        lines = tuple(cast("Sequence[str]", file_help))
    return (description if isinstance(description, str) else ""), lines


def _read_help(obj: object) -> dict[str, object]:
    """The optional help attributes of ``obj``, each read inside the containment; one that
    fails is left out."""
    found: dict[str, object] = {}
    for attribute in ("description", "file_help"):
        try:
            value = getattr(obj, attribute)
            if isinstance(value, Sequence) and not isinstance(value, str | bytes):
                value = list(value)
        except KeyboardInterrupt:
            raise
        except BaseException:  # absent, or a property that fails: no help, no harm
            continue
        found[attribute] = value
    return found


def read_info(obj: object, name: str) -> ExporterInfo | str:
    """The checked attributes of ``obj`` registered as ``name``, or why it is not an
    exporter. Every access to ``obj`` is contained (see the module docstring)."""
    if isinstance(obj, type):
        return "l'objet est une classe : le point d'entrée doit désigner une instance"
    values, problems = _read_attributes(obj)
    if problems:
        return "ce n'est pas un exportateur : " + " ; ".join(problems)
    export = values.pop("export", None)
    try:
        formats = values.get("formats")
        if formats is not None and not isinstance(formats, str | bytes):
            values["formats"] = tuple(cast("Iterable[object]", formats))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # iterating the plug-in's formats
        return f"ce n'est pas un exportateur : « formats » a échoué : {exception_text(exc)}"
    problem = _check_values(values, name)
    if problem is None and not callable(export):
        problem = "ce n'est pas un exportateur : méthode « export » manquante"
    if problem is not None:
        return problem
    return ExporterInfo(
        cast("str", values["name"]),
        cast("str", values["title"]),
        cast("tuple[str, ...]", values["formats"]),
        cast("int", values["api_version"]),
        cast("bool", values["needs_participants"]),
        *_help_values(_read_help(obj)),
    )


def check_exporter(obj: object, name: str) -> str | None:
    """Why ``obj`` is not an exporter registered as ``name``, or ``None`` if it is one."""
    info = read_info(obj, name)
    return info if isinstance(info, str) else None


@attrs.define
class _Entry:
    """One registered exporter: how to load it, and what loading gave (cached).

    ``isolated`` entries are loaded and run in a separate process (see the module
    docstring): ``load`` is then never called in this process.
    """

    name: str
    target: str
    distribution: str | None
    version: str | None
    load: Callable[[], object]
    result: LoadedExporter | LoadFailure | None = None
    isolated: bool = False
    group: str = ENTRY_POINT_GROUP

    def resolve(self) -> LoadedExporter | LoadFailure:
        if self.result is None:
            self.result = self._resolve()
        return self.result

    def _resolve(self) -> LoadedExporter | LoadFailure:
        if self.isolated:
            from citeslab_core._isolation import describe_isolated

            outcome = describe_isolated(self.group, self.name, self.target)
            if isinstance(outcome, str):
                return self._failure(outcome)
            exporter = IsolatedExporter(outcome, self.group, self.target)
            return LoadedExporter(exporter, self.distribution, self.version, outcome, True)
        try:
            obj = self.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a plug-in may fail in any way, exit too
            return self._failure(f"chargement impossible : {exception_text(exc)}")
        info = read_info(obj, self.name)
        if isinstance(info, str):
            return self._failure(info)
        return LoadedExporter(cast("Exporter", obj), self.distribution, self.version, info)

    def _failure(self, error: str) -> LoadFailure:
        return LoadFailure(self.name, self.target, self.distribution, self.version, error)


@attrs.frozen
class IsolatedExporter:
    """A third-party exporter that runs in a separate process (see the module docstring).

    Its attributes are the checked ones its process reported; :meth:`export` starts a
    process that imports the plug-in, gives it the bilan, the options and the participant
    rows, and returns the files it made (checked again here).
    """

    info: ExporterInfo
    group: str
    target: str

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def formats(self) -> Sequence[str]:
        return self.info.formats

    @property
    def api_version(self) -> int:
        return self.info.api_version

    @property
    def needs_participants(self) -> bool:
        return self.info.needs_participants

    def export(
        self,
        bilan: Bilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        from citeslab_core._isolation import export_isolated

        return export_isolated(self, bilan, options, participants)


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
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP, *, isolate: bool = True) -> Registry:
        """The exporters registered in ``group``; with ``isolate`` (the default) those of
        other distributions than citeslab run in a separate process."""
        from importlib.metadata import entry_points

        return cls(_entry_of(point, group, isolate) for point in entry_points(group=group))

    @classmethod
    def from_exporters(cls, exporters: Iterable[object]) -> Registry:
        """A registry of the given objects (each is checked like a plug-in; they run in
        this process)."""
        entries = []
        for index, obj in enumerate(exporters):
            values, _ = _read_attributes(obj)
            name = values.get("name")
            target = _safe_repr(obj, index)
            entries.append(
                _Entry(
                    name if isinstance(name, str) else target, target, None, None, _constant(obj)
                )
            )
        return cls(entries)

    def names(self) -> list[str]:
        """Every registered name, loaded or not, sorted."""
        return sorted(self._entries)

    def get(self, name: str) -> Exporter:
        """The exporter called ``name``; a French :class:`UsageError` names the installed
        ones when there is none, :class:`PluginError` says why it failed to load."""
        return self.load(name).exporter

    def load(self, name: str) -> LoadedExporter:
        """The exporter called ``name`` with its checked attributes (as :meth:`get`)."""
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
        return result

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


def _safe_repr(obj: object, index: int) -> str:
    try:
        return repr(obj)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plug-in's __repr__ may raise anything
        return f"<exportateur n° {index + 1}>"


def _entry_of(point: EntryPoint, group: str, isolate: bool) -> _Entry:
    dist = point.dist
    distribution = dist.name if dist is not None else None
    version = dist.version if dist is not None else None
    isolated = isolate and distribution != BUILTIN_DISTRIBUTION
    return _Entry(
        point.name, point.value, distribution, version, point.load, isolated=isolated, group=group
    )


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


def check_files(name: str, files: object, *, needs_participants: bool) -> list[ExportFile]:
    """An exporter's result, checked: ExportFile objects with plain, distinct names and
    bytes, copied into plain :class:`ExportFile` objects whose ``private`` flag the
    library sets (always for an exporter that ``needs_participants``)."""
    if not isinstance(files, Sequence) or isinstance(files, str | bytes):
        raise PluginError(f"l'exportateur « {name} » n'a pas rendu une liste de fichiers")
    problems: list[str] = []
    seen: set[str] = set()
    checked: list[ExportFile] = []
    for item in files:
        if not isinstance(item, ExportFile):
            problems.append(f"{_safe_repr(item, len(checked))} n'est pas un ExportFile")
            continue
        file_name, media_type, data = item.name, item.media_type, item.data
        problem = check_file_name(file_name)
        if problem is None and not isinstance(data, bytes):
            problem = f"« {file_name} » : le contenu doit être des octets (bytes)"
        if problem is None and not isinstance(media_type, str):
            problem = f"« {file_name} » : le type de média doit être un texte"
        if problem is None and file_name in seen:
            problem = f"« {file_name} » rendu deux fois"
        if problem is not None:
            problems.append(problem)
            continue
        seen.add(str(file_name))
        private = needs_participants or item.private is True
        checked.append(ExportFile(str(file_name), str(media_type), bytes(data), private))
    if problems:
        raise PluginError(
            f"l'exportateur « {name} » a rendu des fichiers refusés :\n"
            + "\n".join(f"- {p}" for p in problems)
        )
    return checked


def export_contained(
    loaded: LoadedExporter,
    bilan: Bilan,
    options: ExportOptions,
    participants: Sequence[ParticipantRow] | None,
) -> list[ExportFile]:
    """Run ``loaded``'s export inside the containment: its files, checked, or a French
    :class:`PluginError` naming it whatever it raised (``SystemExit`` included); a
    :class:`~citeslab_core.errors.UsageError` it raises on purpose stays one, and
    ``KeyboardInterrupt`` stays the user's abort."""
    name = loaded.info.name
    try:
        result = loaded.exporter.export(bilan, options, participants)
        return check_files(name, result, needs_participants=loaded.info.needs_participants)
    except KeyboardInterrupt:
        raise
    except PluginError:
        raise
    except UsageError as exc:
        raise UsageError(exception_message(exc)) from None
    except BaseException as exc:  # a plug-in's bug or exit: name it, go on
        raise PluginError(f"l'exportateur « {name} » a échoué : {exception_text(exc)}") from None
