"""The exporter contract: what an exporter is, what it returns, and the containment that
reads a plug-in's attributes and runs its ``export`` (see :mod:`citeslab_core.exporting`)."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, cast

import attrs

from citeslab_core.errors import PluginError, UsageError

if TYPE_CHECKING:
    from citeslab_core.bilan import PublicBilan
    from citeslab_core.exporting.privacy import ParticipantRow

__all__ = [
    "BUILTIN_DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "EXPORTER_API_VERSION",
    "MAX_FILES",
    "ExportFile",
    "ExportOptions",
    "Exporter",
    "ExporterInfo",
    "LoadFailure",
    "LoadedExporter",
    "check_file_name",
    "check_files",
    "clean_text",
    "exception_message",
    "exception_text",
    "export_contained",
    "origin",
    "read_attributes",
    "read_info",
    "safe_repr",
]

#: The distribution of the built-in exporters: they run in-process.
BUILTIN_DISTRIBUTION = "citeslab"

#: The version of the exporter contract this library supports (see :mod:`citeslab_core.exporting`).
EXPORTER_API_VERSION = 1

#: The entry-point group where exporters are registered.
ENTRY_POINT_GROUP = "citeslab.exporters"

#: The most files one export may return (a plug-in's 20 000 files are refused, not listed).
MAX_FILES = 1000

#: The longest file name accepted, in UTF-8 bytes (most file systems' limit).
MAX_NAME_BYTES = 255

#: The most refused files named in one message (the others are counted).
_MAX_PROBLEMS = 20

#: Unicode categories never written raw to a terminal nor accepted in a file name:
#: controls (C0, DEL, C1: escape sequences), formats (bidi overrides such as U+202E,
#: zero-width characters), surrogates, private use, unassigned, line and paragraph
#: separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def clean_text(text: str, *, keep_lines: bool = False, limit: int = 2000) -> str:
    """``text`` a plug-in gave (a title, an error message, what it printed) made safe for
    a terminal: every control, format (bidi), surrogate or unassigned character shown as
    ``\\uXXXX`` (so an escape sequence is seen, never obeyed), newlines and tabs kept
    with ``keep_lines``, and at most ``limit`` characters (the rest counted)."""
    shown: list[str] = []
    for char in text[:limit]:
        if keep_lines and char in "\n\t":
            shown.append(char)
        elif _unsafe(char):
            code = ord(char)
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(char)
    if len(text) > limit:
        shown.append(f" […{len(text) - limit} caractères de plus]")
    return "".join(shown)


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
    """What the user asked for: the format (one of the exporter's ``formats``), whether
    the files are meant for publication (the bilan is then masked), and whether a
    ``datapackage.json`` goes with CSV files where the exporter makes it optional (the
    calendar's: ``--datapackage``)."""

    format: str
    public: bool = False
    datapackage: bool = False


class Exporter(Protocol):
    """The shape of an exporter (see :mod:`citeslab_core.exporting`)."""

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
        bilan: PublicBilan,
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
        where = origin(self.distribution, self.version)
        return f"{self.name} ({self.target}, {where}) : {self.error}"


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
            clean_text(value["title"]),
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
        message = str(exc)
        if not isinstance(message, str):  # a str subclass's own __str__
            message = "(message illisible)"
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plug-in's __str__ may raise anything
        return "(message illisible)"
    return clean_text(message, keep_lines=True)


def exception_text(exc: BaseException) -> str:
    """``Type: message`` of an exception raised by a plug-in (see :func:`exception_message`)."""
    message = exception_message(exc)
    name = clean_text(type(exc).__name__)
    return f"{name}: {message}" if message else name


def origin(distribution: str | None, version: str | None) -> str:
    if distribution is None:
        return "fourni directement"
    return f"paquet {distribution} {version}" if version else f"paquet {distribution}"


_ATTRIBUTES = (
    ("name", str, "un texte"),
    ("title", str, "un texte"),
    ("api_version", int, "un entier"),
    ("needs_participants", bool, "un booléen"),
)


def read_attributes(obj: object) -> tuple[dict[str, object], list[str]]:
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
        or not all(
            isinstance(f, str) and f and f == f.strip() and not any(_unsafe(c) for c in f)
            for f in formats
        )
    ):
        problems.append("« formats » doit être une liste non vide de noms de format")
    if problems:
        return "ce n'est pas un exportateur : " + " ; ".join(problems)
    if values["name"] != name:
        return (
            f"l'exportateur s'appelle « {clean_text(str(values['name']))} » mais son point "
            f"d'entrée « {clean_text(name)} »"
        )
    if any(_unsafe(char) for char in name) or name != name.strip():
        return f"nom « {clean_text(name)} » refusé : caractère de contrôle ou invisible"
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
        lines = tuple(clean_text(line) for line in cast("Sequence[str]", file_help))
    text = clean_text(description, keep_lines=True) if isinstance(description, str) else ""
    return text, lines


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
    exporter. Every access to ``obj`` is contained (see :mod:`citeslab_core.exporting`)."""
    if isinstance(obj, type):
        return "l'objet est une classe : le point d'entrée doit désigner une instance"
    values, problems = read_attributes(obj)
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
        clean_text(cast("str", values["title"])),
        cast("tuple[str, ...]", values["formats"]),
        cast("int", values["api_version"]),
        cast("bool", values["needs_participants"]),
        *_help_values(_read_help(obj)),
    )


def safe_repr(obj: object, index: int) -> str:
    try:
        return repr(obj)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a plug-in's __repr__ may raise anything
        return f"<exportateur n° {index + 1}>"


def check_file_name(name: object) -> str | None:
    """Why a returned file name is refused, or ``None``: it must be a plain name, without
    a folder separator, a control, format (bidi: ``facture\\u202ecod.exe``) or surrogate
    character, and short enough for any file system. The name is shown escaped."""
    if not isinstance(name, str) or not name:
        return "le nom de fichier doit être un texte non vide"
    shown = clean_text(name, limit=120)
    if "/" in name or "\\" in name or (os.altsep is not None and os.altsep in name):
        return f"« {shown} » n'est pas un simple nom de fichier (séparateur de dossier)"
    if any(_unsafe(char) for char in name):
        return (
            f"« {shown} » contient un caractère de contrôle, invisible ou d'inversion du "
            "sens d'écriture"
        )
    if name in (".", "..") or name.startswith(".."):
        return f"« {shown} » n'est pas un simple nom de fichier"
    if name.startswith("."):
        return f"« {shown} » : un fichier caché n'est pas accepté"
    if name != name.strip():
        return f"« {shown} » commence ou finit par une espace"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"« {shown} » : nom trop long (plus de {MAX_NAME_BYTES} octets)"
    return None


def check_files(name: str, files: object, *, needs_participants: bool) -> list[ExportFile]:
    """An exporter's result, checked: ExportFile objects with plain, distinct names and
    bytes, copied into plain :class:`ExportFile` objects whose ``private`` flag the
    library sets (always for an exporter that ``needs_participants``)."""
    if not isinstance(files, Sequence) or isinstance(files, str | bytes):
        raise PluginError(f"l'exportateur « {name} » n'a pas rendu une liste de fichiers")
    if len(files) > MAX_FILES:
        raise PluginError(
            f"l'exportateur « {name} » a rendu {len(files)} fichiers : au plus {MAX_FILES} "
            "sont acceptés (aucun n'est écrit)"
        )
    problems: list[str] = []
    seen: set[str] = set()
    folded: set[str] = set()
    checked: list[ExportFile] = []
    for item in files:
        if not isinstance(item, ExportFile):
            problems.append(f"{safe_repr(item, len(checked))} n'est pas un ExportFile")
            continue
        file_name, media_type, data = item.name, item.media_type, item.data
        problem = check_file_name(file_name)
        if problem is None and not isinstance(data, bytes):
            problem = f"« {file_name} » : le contenu doit être des octets (bytes)"
        if problem is None and not isinstance(media_type, str):
            problem = f"« {file_name} » : le type de média doit être un texte"
        if problem is None and file_name in seen:
            problem = f"« {file_name} » rendu deux fois"
        if problem is None and file_name.casefold() in folded:
            problem = f"« {file_name} » rendu deux fois (à la casse près)"
        if problem is not None:
            problems.append(problem)
            continue
        seen.add(str(file_name))
        folded.add(str(file_name).casefold())
        private = needs_participants or item.private is True
        checked.append(ExportFile(str(file_name), str(media_type), bytes(data), private))
    if problems:
        shown = [f"- {p}" for p in problems[:_MAX_PROBLEMS]]
        if len(problems) > _MAX_PROBLEMS:
            shown.append(f"- et {len(problems) - _MAX_PROBLEMS} autres")
        raise PluginError(
            f"l'exportateur « {name} » a rendu des fichiers refusés :\n" + "\n".join(shown)
        )
    return checked


def export_contained(
    loaded: LoadedExporter,
    bilan: PublicBilan,
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
