"""A faster constructor for the frozen records a computation derives in bulk.

Private. :func:`record_maker` builds the very instances the class builds, about three
times faster (docs/performance.md); the dataset's own records no longer use it (they are
built from columns, with the classes' constructors, only when asked for).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

T = TypeVar("T")

__all__ = ["record_maker"]


def record_maker(cls: type[T]) -> Callable[..., T]:
    """A constructor of ``cls`` taking every field positionally, for bulk reading.

    It builds the very instances ``cls(...)`` builds (same class, equal, same hash and
    repr, frozen), about three times faster for a class without validators, converters or
    post-init hook (attrs' frozen ``__init__`` sets each slot through
    ``object.__setattr__``): the values are stored in a mutable twin class with the same
    slots, whose instance then takes ``cls`` as its class, which CPython allows between
    classes of the same layout. A class it cannot build that way (validators, converters,
    a ``__weakref__`` slot, a base class…) gets ``cls`` itself.
    """
    made = _MAKERS.get(cls)
    if made is None:
        made = _MAKERS[cls] = _twin_maker(cls) or cls
    return made


_MAKERS: dict[type, Callable[..., Any]] = {}
#: The generated constructor's own names, which no field may take.
_MAKER_NAMES = frozenset({"make", "_maker_obj", "_maker_new", "_maker_twin", "_maker_cls"})


def _twin_maker(cls: type) -> Callable[..., Any] | None:
    if not attrs.has(cls) or cls.__bases__ != (object,):
        return None
    fields = attrs.fields(cls)
    names = tuple(f.name for f in fields)
    if (
        getattr(cls, "__slots__", None) != names
        or hasattr(cls, "__attrs_post_init__")
        or hasattr(cls, "__attrs_pre_init__")
        or any(
            not f.init or f.validator is not None or f.converter is not None or f.alias != f.name
            for f in fields
        )
        or not all(name.isidentifier() for name in names)
    ):
        return None
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": names})
    try:
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:  # pragma: no cover - a layout CPython refuses
        return None
    if _MAKER_NAMES & set(names):  # a field would shadow the maker's own names
        return None
    arguments = ", ".join(names)
    body = "".join(f"    _maker_obj.{name} = {name}\n" for name in names)
    source = (
        f"def make({arguments}):\n    _maker_obj = _maker_new(_maker_twin)\n{body}"
        "    _maker_obj.__class__ = _maker_cls\n    return _maker_obj\n"
    )
    namespace: dict[str, Any] = {
        "_maker_new": object.__new__,
        "_maker_twin": twin,
        "_maker_cls": cls,
    }
    exec(compile(source, f"<record maker of {cls.__name__}>", "exec"), namespace)
    make: Callable[..., Any] = namespace["make"]
    make.__doc__ = f"A {cls.__name__} from every field, positionally."
    return make
