"""The types of a record's fields checked: a record is built without validation (the
readers check every cell), so :class:`~citeslab_core.model.Dataset` checks the records a
caller gives it, and a wrong type is a French error naming the field, not a ``TypeError``
deep in the dataset's checks."""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import attrs

from citeslab_core.model._records import field_type

__all__ = ["field_checks"]


_Check = tuple[str, Callable[[object], bool], str]


@cache
def field_checks(cls: type) -> tuple[_Check, ...]:
    """For each field of the record class ``cls``: its name, whether a value is of its
    type, and the type in words (a record is built without validation: the dataset
    checks what it is given, so that a wrong type is a French error, not a
    ``TypeError`` deep in the checks)."""
    hints = typing.get_type_hints(cls)
    found: list[_Check] = []
    for field in attrs.fields(cls):
        tp, optional = field_type(hints[field.name])
        check: Callable[[object], bool]
        if typing.get_origin(tp) is tuple:
            item = typing.get_args(tp)[0]
            check, expected = _tuple_of(_is_of(item)), f"un tuple de {_named(item)}"
        else:
            check, expected = _is_of(tp), _named(tp)
        if optional:
            check = _or_none(check)
            expected += " ou None"
        found.append((field.name, check, expected))
    return tuple(found)


def _tuple_of(one: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda v: isinstance(v, tuple) and all(map(one, v))


def _or_none(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda v: v is None or check(v)


def _is_of(tp: Any) -> Callable[[object], bool]:
    """Whether a value is of ``tp`` (a bool is no number; a code, « F », is not its
    vocabulary's member: the records compare members)."""
    if not isinstance(tp, type) or tp is object:
        return lambda v: True
    if tp is int:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    return lambda v: isinstance(v, tp)


def _named(tp: Any) -> str:
    names = {
        str: "un texte",
        int: "un entier",
        bool: "True ou False",
        Decimal: 'un Decimal (Decimal("1200.50"))',
    }
    if tp in names:
        return names[tp]
    if tp is dt.date:
        return "une date (datetime.date)"
    if tp is dt.time:
        return "une heure (datetime.time)"
    name = getattr(tp, "__name__", str(tp))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return f"un {name} ({name}.parse(« code ») pour un code)"
    return f"un {name}"
