"""Module attributes loaded on first use: the lazy names of :mod:`citeslab_core.exporting`
(nothing heavy is imported until a name is asked for). ``citeslab_core`` itself keeps its
own copy of :func:`lazy_getattr`'s few lines: importing it must import no other module
(``tests/test_api.py``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_getattr"]


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
