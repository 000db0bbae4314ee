"""The registry: the exporters registered as entry points (or given as objects), each
loaded when first asked for, every failure kept with its entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import attrs

from citeslab_core.errors import PluginError, UsageError
from citeslab_core.exporting._contract import (
    BUILTIN_DISTRIBUTION,
    ENTRY_POINT_GROUP,
    Exporter,
    ExportFile,
    ExportOptions,
    LoadedExporter,
    LoadFailure,
    clean_text,
    exception_text,
    export_contained,
    origin,
    read_attributes,
    read_info,
    safe_repr,
)

if TYPE_CHECKING:
    import datetime as dt
    from importlib.metadata import EntryPoint

    from citeslab_core.bilan import PublicBilan
    from citeslab_core.exporting.privacy import ParticipantRow


__all__ = ["Registry"]


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
    timeout: float | None = None

    def resolve(self) -> LoadedExporter | LoadFailure:
        if self.result is None:
            self.result = self._resolve()
        return self.result

    def _resolve(self) -> LoadedExporter | LoadFailure:
        if self.isolated:
            from citeslab_core.exporting._isolation import (
                DEFAULT_TIMEOUT,
                IsolatedExporter,
                describe_isolated,
            )

            timeout = self.timeout if self.timeout is not None else DEFAULT_TIMEOUT
            outcome = describe_isolated(self.group, self.name, self.target, timeout)
            if isinstance(outcome, str):
                return self._failure(outcome)
            exporter = IsolatedExporter(outcome, self.group, self.target, timeout)
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
        return LoadFailure(
            clean_text(self.name),
            clean_text(self.target),
            None if self.distribution is None else clean_text(self.distribution),
            None if self.version is None else clean_text(self.version),
            error,
        )

    @property
    def builtin(self) -> bool:
        return self.distribution == BUILTIN_DISTRIBUTION and not self.isolated


class Registry:
    """The installed exporters, by name, each loaded when first asked for.

    :meth:`from_entry_points` reads the ``citeslab.exporters`` entry points (nothing is
    imported until an exporter is used); :meth:`from_exporters` builds one from objects,
    for tests and notebooks.
    """

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self._entries: dict[str, _Entry] = {}
        self._duplicates: list[LoadFailure] = []
        # The built-in exporters first: a third-party entry point named like one (``bpi``)
        # never runs in its place, whatever the order of sys.path.
        ordered = sorted(entries, key=lambda entry: not entry.builtin)
        for entry in ordered:
            if entry.name in self._entries and self._entries[entry.name].builtin:
                self._duplicates.append(
                    entry._failure(
                        f"nom réservé à l'exportateur intégré « {clean_text(entry.name)} » : "
                        "ignoré (cet exportateur d'un autre paquet ne le remplace pas)"
                    )
                )
            elif entry.name in self._entries:
                first = self._entries[entry.name]
                self._duplicates.append(
                    entry._failure(
                        f"nom déjà pris par {first.target} "
                        f"({origin(first.distribution, first.version)}) : ignoré"
                    )
                )
            else:
                self._entries[entry.name] = entry

    @classmethod
    def from_entry_points(
        cls,
        group: str = ENTRY_POINT_GROUP,
        *,
        isolate: bool = True,
        timeout: float | None = None,
    ) -> Registry:
        """The exporters registered in ``group``; with ``isolate`` (the default) those of
        other distributions than citeslab run in a separate process, each given
        ``timeout`` seconds to answer (when None: the environment variable
        ``CITESLAB_DELAI_GREFFON``, else ``DEFAULT_TIMEOUT``, 120 s)."""
        from importlib.metadata import entry_points

        from citeslab_core.model import guards

        guards.instance(group, str, "group", "un nom de groupe de points d'entrée (un texte)")
        isolate = guards.flag(isolate, "isolate")
        if timeout is None:
            timeout = _timeout_from_environment()
        elif isinstance(timeout, bool) or not (
            isinstance(timeout, int | float) and 0 < timeout < 1e6
        ):
            raise UsageError(
                f"délai des exportateurs {timeout!r} : un nombre de secondes positif est attendu"
            )
        return cls(_entry_of(point, group, isolate, timeout) for point in entry_points(group=group))

    @classmethod
    def from_exporters(cls, exporters: Iterable[object]) -> Registry:
        """A registry of the given objects (each is checked like a plug-in; they run in
        this process)."""
        entries = []
        for index, obj in enumerate(exporters):
            values, _ = read_attributes(obj)
            name = values.get("name")
            target = safe_repr(obj, index)
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
            from citeslab_core.headers import did_you_mean

            installed = ", ".join(self.names()) or "aucun"
            raise UsageError(
                f"exportateur « {name} » inconnu{did_you_mean(name, self.names()) or '.'} "
                f"Exportateurs installés : {installed} (voir citeslab exportateurs)."
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

    def export(
        self,
        name: str,
        bilan: PublicBilan,
        out_dir: str | Path,
        *,
        format: str | None = None,
        public: bool = False,
        participants: Sequence[ParticipantRow] | None = None,
        force: bool = False,
        generated: dt.datetime | None = None,
        protect: Sequence[str | Path] = (),
        datapackage: bool = False,
    ) -> list[Path]:
        """Run exporter ``name`` on ``bilan`` and write its files into ``out_dir``: the
        contained, checked path every caller (the command line too) goes through.

        - the exporter runs inside the containment (a separate process for a third-party
          one, see "Isolation"); whatever it raises becomes a French
          :class:`~citeslab_core.errors.PluginError` naming it;
        - what it returns is checked (plain, safe, distinct file names, bytes, at most
          :data:`MAX_FILES` files); participant-level files are written mode 0600;
        - ``bilan`` is stamped with its provenance when it has none (``generated``, or
          now);
        - the files are written all or none (each atomically); an existing file is
          replaced only with ``force``, and never one of ``protect`` (the inputs: an
          exporter's file named like an input, or an output folder inside an input
          folder, is refused even with ``force``).

        ``format`` defaults to the exporter's first; ``datapackage`` asks for the
        optional ``datapackage.json`` (see :class:`ExportOptions`); ``public`` asks for a
        public export (the bilan must then be a public one); ``participants`` are the
        pseudonymised rows an exporter that ``needs_participants`` requires
        (:func:`~citeslab_core.exporting.privacy.build_participants`). Returns the paths
        written, in the exporter's order.
        """
        from citeslab_core.errors import UsageError as _UsageError

        loaded = self.load(name)
        chosen = _chosen_format(loaded, format)
        if public and loaded.info.needs_participants:
            raise _UsageError(
                f"l'exportateur « {name} » écrit un fichier par personne, qui n'est pas un "
                "document public : --public n'a pas de sens ici. Transmettez ce fichier au "
                "seul financeur, sans --public."
            )
        if public and not bilan.public:
            raise _UsageError(
                "export public demandé d'un bilan qui n'est pas public : calculez-le avec "
                "public=True"
            )
        if loaded.info.needs_participants and participants is None:
            raise _UsageError(
                f"l'exportateur « {name} » écrit un fichier par personne : donnez-lui les "
                "lignes pseudonymisées (participants=build_participants(...))"
            )
        if bilan.provenance is None:
            from citeslab_core.bilan.provenance import stamp

            bilan = stamp(bilan, None, generated=generated)
        options = ExportOptions(format=chosen, public=public, datapackage=datapackage)
        given = participants if loaded.info.needs_participants else None
        files = export_contained(loaded, bilan, options, given)
        output = Path(out_dir)
        _check_protected([output / f.name for f in files], output, [Path(p) for p in protect])
        return write_files(files, output, force=force)


def _check_protected(paths: Sequence[Path], output: Path, protect: Sequence[Path]) -> None:
    """Refuse writing over or into a protected path (an input), even with ``force``."""
    import os

    def resolved(path: Path) -> Path:
        try:
            return path.resolve()
        except (OSError, RuntimeError):
            return path.absolute()

    for kept in protect:
        source = resolved(kept)
        if kept.is_dir() and resolved(output).is_relative_to(source):
            raise UsageError(
                f"le dossier de sortie {output} est dans le dossier d'entrée {kept} : "
                "choisissez un dossier hors de l'entrée"
            )
        for path in paths:
            same = resolved(path) == source
            if not same and path.exists():
                try:
                    same = os.path.samefile(path, kept)
                except OSError:
                    same = False
            if same:
                raise UsageError(
                    f"{path} est l'entrée {kept} : elle n'est jamais remplacée, même avec "
                    "--force. Choisissez un autre dossier de sortie."
                )


#: The environment variable that sets the seconds a third-party exporter has to answer.
TIMEOUT_ENV = "CITESLAB_DELAI_GREFFON"


def _timeout_from_environment() -> float | None:
    import math
    import os

    text = os.environ.get(TIMEOUT_ENV, "").strip()
    if not text:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = math.nan
    if not 0 < value < 1e6:
        raise UsageError(
            f"{TIMEOUT_ENV}={clean_text(text)!r} : un nombre de secondes positif est attendu "
            "(par exemple 300)"
        )
    return value


def _chosen_format(loaded: LoadedExporter, format: str | None) -> str:
    """The format to write: ``format`` when the exporter writes it, its first when None."""
    formats = list(loaded.info.formats)
    chosen = format if format is not None else formats[0]
    if chosen not in formats:
        from citeslab_core.headers import did_you_mean

        message = (
            f"l'exportateur « {loaded.info.name} » n'écrit pas le format « {chosen} »"
            f"{did_you_mean(chosen, formats, cutoff=0.6) or '.'} "
            f"Formats possibles : {', '.join(formats)}."
        )
        if chosen.strip().casefold() == "pdf":
            message += (
                " Pour un PDF : écrivez-le en html (--format html) et imprimez-le en PDF "
                "depuis le navigateur."
                if "html" in formats
                else " Pour un PDF : ouvrez un fichier xlsx dans Excel ou LibreOffice et "
                "enregistrez-le en PDF."
            )
        raise UsageError(message)
    return chosen


def write_files(files: Sequence[ExportFile], output: Path, *, force: bool) -> list[Path]:
    """Checked files written into ``output`` (created if needed), all or none."""
    from citeslab_core.readers.files import system_reason, write_all_atomic

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"impossible de créer le dossier {output} : {system_reason(exc)}"
        ) from None
    paths = [output / f.name for f in files]
    write_all_atomic(
        [(path, f.data, f.private) for path, f in zip(paths, files, strict=True)], force=force
    )
    return paths


def _constant(obj: object) -> Callable[[], object]:
    return lambda: obj


def _entry_of(point: EntryPoint, group: str, isolate: bool, timeout: float | None) -> _Entry:
    dist = point.dist
    distribution = dist.name if dist is not None else None
    version = dist.version if dist is not None else None
    isolated = isolate and distribution != BUILTIN_DISTRIBUTION
    return _Entry(
        point.name,
        point.value,
        distribution,
        version,
        point.load,
        isolated=isolated,
        group=group,
        timeout=timeout,
    )
