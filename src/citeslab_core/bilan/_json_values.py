"""The values of the bilan's JSON, read and written (:mod:`citeslab_core.bilan._json`'s
hooks): each reader refuses, with a French :class:`~citeslab_core.errors.CellError`, a
value of the wrong type, out of the bounds of :mod:`citeslab_core.model.limits`, or not
a code of its vocabulary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, get_args, get_origin

import cattrs

from citeslab_core.bilan.checks import Severity
from citeslab_core.errors import CellError
from citeslab_core.french import MASKED_TEXT
from citeslab_core.model import json_refusals as refusals
from citeslab_core.model.dates import PartialDate
from citeslab_core.model.json_refusals import shown
from citeslab_core.model.limits import (
    MAX_COUNT,
    MAX_TEXT_CHARS,
    check_year,
)
from citeslab_core.vocabularies import Vocabulary

__all__ = [
    "ROUNDING_HOOKS",
    "as_list",
    "as_object",
    "checked",
    "decimal",
    "is_rows",
    "optional",
    "read_amount",
    "read_bool",
    "read_count",
    "read_date",
    "read_generated",
    "read_masked_count",
    "read_number",
    "read_partial",
    "read_rounding",
    "read_severity",
    "read_text",
    "read_vocabulary",
    "read_year",
    "shown",
    "unknown_code",
    "write_amount",
    "write_generated",
    "write_masked_count",
    "write_number",
    "write_rounding",
]


def read_count(value: Any, _: type) -> int:
    if value == MASKED_TEXT:
        raise CellError("effectif masqué « s » dans un bilan qui n'est pas public")
    if isinstance(value, bool) or not isinstance(value, int):
        raise refusals.wrong(value, refusals.INTEGER)
    if value < 0:
        raise refusals.negative(value)
    if value > MAX_COUNT:
        raise refusals.too_big(value, "au plus un milliard")
    return value


def read_masked_count(value: Any, t: type) -> int | None:
    return None if value == MASKED_TEXT else read_count(value, t)


def write_masked_count(value: int | None) -> int | str:
    return MASKED_TEXT if value is None else value


#: The largest base of rounding a bilan file may declare (a base is a small number: 5, 10).
MAX_ROUNDING = 1000


def write_rounding(base: int) -> dict[str, Any]:
    """A rounded bilan's ``arrondi``: the base and the sentence the renderings say."""
    from citeslab_core.bilan.rounding import rounding_note

    return {"base": base, "note": rounding_note(base)}


def read_rounding(value: Any, _: type) -> int:
    """``arrondi``'s base (the note is the bilan's own sentence: written, not read)."""
    if not isinstance(value, dict):
        raise CellError(f'« {shown(value)} » : un objet est attendu ({{"base": 5, …}})')
    extra = sorted(set(value) - {"base", "note"})
    if extra:
        raise CellError("clés inconnues : " + ", ".join(shown(k) for k in extra))
    if not isinstance(value.get("note", ""), str):
        raise CellError(f"note « {shown(value.get('note'))} » : un texte est attendu")
    base = value.get("base")
    if isinstance(base, bool) or not isinstance(base, int) or not 2 <= base <= MAX_ROUNDING:
        raise CellError(
            f"base « {shown(base)} » : la base d'arrondi est un nombre entier de 2 à "
            f"{MAX_ROUNDING} (5 pour le total d'un réseau public)"
        )
    return base


#: How ``Bilan.rounding`` is written (``arrondi``) and read.
ROUNDING_HOOKS = {"unstruct_hook": write_rounding, "struct_hook": read_rounding}


def read_year(value: Any, t: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise refusals.wrong(value, refusals.YEAR)
    return check_year(value)


def decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise refusals.wrong(value, refusals.NUMBER)
    return refusals.decimal_of(value)


def read_amount(value: Any, t: Any) -> Decimal | None:
    if value is None and optional(t):
        return None
    if not isinstance(value, str):
        raise refusals.wrong(value, refusals.AMOUNT_TEXT)
    return decimal(value)


def write_amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def optional(t: Any) -> bool:
    return type(None) in get_args(t)


def read_number(value: Any, t: Any) -> Decimal | None:
    if value is None and optional(t):
        return None
    if isinstance(value, str):  # a number is written as a number, not a text
        raise refusals.wrong(value, refusals.NUMBER)
    return decimal(value)


def write_number(value: Decimal | None) -> float | None:
    # One decimal: the float's shortest repr is that decimal (30.6 -> 30.6).
    return None if value is None else float(value)


def read_text(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise refusals.wrong(value, refusals.TEXT)
    if len(value) > MAX_TEXT_CHARS:
        raise refusals.too_long(len(value))
    return value


def read_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise refusals.wrong(value, refusals.BOOLEAN)
    return value


def read_date(value: Any, _: type) -> dt.date:
    return refusals.iso_date(value)


def read_partial(value: Any, _: type) -> PartialDate:
    return refusals.iso_partial_date(value)


def read_vocabulary(value: Any, cls: type[Vocabulary]) -> Vocabulary:
    for member in cls:
        if member.code == value:
            return member
    raise unknown_code(value, cls.vocabulary_name)


def unknown_code(value: Any, vocabulary: str) -> CellError:
    """A code that is not one of its vocabulary's (a bilan file holds codes only)."""
    return CellError(f"« {shown(value)} » : code inconnu (liste « {vocabulary} »)")


def read_severity(value: Any, _: type) -> Severity:
    if value not in ("erreur", "avertissement", "info"):
        raise CellError(f"gravité « {shown(value)} » inconnue (erreur, avertissement ou info)")
    return Severity(value)


def read_generated(value: Any, _: type) -> dt.datetime:
    if isinstance(value, str) and len(value) == 20:
        try:
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            pass
    raise CellError(
        f"« {shown(value)} » : une date et heure ISO en UTC (2024-01-01T00:00:00Z) est attendue"
    )


def write_generated(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise refusals.wrong(value, refusals.LIST)
    return value


def as_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise refusals.wrong(value, refusals.OBJECT)
    return value


def is_rows(t: Any) -> bool:
    """``tuple[X, ...]``: a list of rows in the document."""
    return bool(get_origin(t) is tuple and get_args(t)[1:] == (...,))


def checked(
    check: Callable[[Any], Any], factory: Callable[..., Any], conv: cattrs.Converter
) -> Callable[[Any], Callable[[Any, Any], Any]]:
    """A hook factory: ``factory``'s hook, after ``check`` of the value."""

    def make(t: Any) -> Callable[[Any, Any], Any]:
        hook = factory(t, conv)
        return lambda value, t: hook(check(value), t)

    return make
