"""Module attributes loaded on first use: the lazy names of :mod:`citeslab_core.exporting`
(nothing heavy is imported until a name is asked for), and the old import paths that
forward to the kit with a ``DeprecationWarning``. ``citeslab_core`` itself keeps its own
copy of :func:`lazy_getattr`'s few lines: importing it must import no other module
(``tests/test_api.py``)."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["forwarding_getattr", "lazy_getattr"]


def lazy_getattr(
    module: str, table: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` giving each name of ``table`` (``"module"`` or
    ``"module:attribute"``) from its module, then kept in ``namespace`` (looked up once)."""

    def __getattr__(name: str) -> Any:
        target = table.get(name)
        if target is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        source, _, attribute = target.partition(":")
        value = getattr(importlib.import_module(source), attribute or name)
        namespace[name] = value
        return value

    return __getattr__


def forwarding_getattr(
    module: str, kit: str, kept: Collection[str], elsewhere: Mapping[str, str]
) -> Callable[[str], Any]:
    """The ``__getattr__`` of a deprecated module: a name of ``kept`` comes from ``kit``,
    one of ``elsewhere`` from the module named there (no longer public), each with a
    ``DeprecationWarning`` pointing at the importer's line."""

    def __getattr__(name: str) -> Any:
        if name in kept:
            target, advice = kit, f"importez-le de {kit}"
        elif name in elsewhere:
            target, advice = elsewhere[name], "ce nom n'est plus public"
        else:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} est obsolète : {advice} (l'ancien chemin "
            "disparaîtra dans la version 0.3)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(target), name)

    return __getattr__
