"""The registry: the exporters registered as entry points (or given as objects), each
loaded when first asked for, every failure kept with its entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, cast

import attrs

from citeslab_core.errors import PluginError, UsageError
from citeslab_core.exporting._contract import (
    BUILTIN_DISTRIBUTION,
    ENTRY_POINT_GROUP,
    Exporter,
    LoadedExporter,
    LoadFailure,
    exception_text,
    origin,
    read_attributes,
    read_info,
    safe_repr,
)

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint


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

    def resolve(self) -> LoadedExporter | LoadFailure:
        if self.result is None:
            self.result = self._resolve()
        return self.result

    def _resolve(self) -> LoadedExporter | LoadFailure:
        if self.isolated:
            from citeslab_core.exporting._isolation import IsolatedExporter, describe_isolated

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
                        f"({origin(first.distribution, first.version)}) : ignoré"
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


def _constant(obj: object) -> Callable[[], object]:
    return lambda: obj


def _entry_of(point: EntryPoint, group: str, isolate: bool) -> _Entry:
    dist = point.dist
    distribution = dist.name if dist is not None else None
    version = dist.version if dist is not None else None
    isolated = isolate and distribution != BUILTIN_DISTRIBUTION
    return _Entry(
        point.name, point.value, distribution, version, point.load, isolated=isolated, group=group
    )
