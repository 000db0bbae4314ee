"""The values of the bilan's JSON, read and written (:mod:`citeslab_core.bilan._json`'s
hooks): each reader refuses, with a French :class:`~citeslab_core.errors.CellError`, a
value of the wrong type, out of the bounds of :mod:`citeslab_core.model.limits`, or not
a code of its vocabulary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, get_args, get_origin

import cattrs

from citeslab_core.bilan.checks import Severity
from citeslab_core.errors import CellError
from citeslab_core.french import MASKED_TEXT
from citeslab_core.model.dates import PartialDate
from citeslab_core.model.limits import (
    MAX_AMOUNT,
    MAX_CELL_CHARS,
    MAX_COUNT,
    MAX_TEXT_CHARS,
    check_year,
)
from citeslab_core.vocabularies import Vocabulary

__all__ = [
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
    "read_severity",
    "read_text",
    "read_vocabulary",
    "read_year",
    "shown",
    "write_amount",
    "write_generated",
    "write_masked_count",
    "write_number",
]


def shown(value: Any) -> str:
    """A JSON value as a message quotes it: short, never a whole list or object."""
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) > 10**12:
        return "un nombre de " + str(len(str(abs(value)))) + " chiffres"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def read_count(value: Any, _: type) -> int:
    if value == MASKED_TEXT:
        raise CellError("effectif masqué « s » dans un bilan qui n'est pas public")
    if isinstance(value, bool) or not isinstance(value, int):
        raise CellError(f"« {shown(value)} » : un nombre entier est attendu")
    if not 0 <= value <= MAX_COUNT:
        what = "négatif" if value < 0 else "trop grand (au plus un milliard)"
        raise CellError(f"« {shown(value)} » : nombre {what}")
    return value


def read_masked_count(value: Any, t: type) -> int | None:
    return None if value == MASKED_TEXT else read_count(value, t)


def write_masked_count(value: int | None) -> int | str:
    return MASKED_TEXT if value is None else value


def read_year(value: Any, t: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CellError(f"« {shown(value)} » : une année est attendue")
    return check_year(value)


def decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise CellError(f"« {shown(value)} » : un nombre est attendu")
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise CellError(f"nombre de {len(value)} caractères : trop long")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"« {shown(value)} » n'est pas un nombre") from None
    if not number.is_finite():
        raise CellError(f"« {shown(value)} » n'est pas un nombre")
    if abs(number) >= MAX_AMOUNT:
        raise CellError(f"« {shown(value)} » : nombre trop grand (moins de mille milliards)")
    return number


def read_amount(value: Any, t: Any) -> Decimal | None:
    if value is None and optional(t):
        return None
    if not isinstance(value, str):
        raise CellError(
            f'« {shown(value)} » : un montant s\'écrit en texte, par exemple "16000.00"'
        )
    return decimal(value)


def write_amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def optional(t: Any) -> bool:
    return type(None) in get_args(t)


def read_number(value: Any, t: Any) -> Decimal | None:
    if value is None and optional(t):
        return None
    if isinstance(value, str):  # a number is written as a number, not a text
        raise CellError(f"« {shown(value)} » : un nombre est attendu, sans guillemets")
    return decimal(value)


def write_number(value: Decimal | None) -> float | None:
    # One decimal: the float's shortest repr is that decimal (30.6 -> 30.6).
    return None if value is None else float(value)


def read_text(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise CellError(f"« {shown(value)} » : un texte est attendu")
    if len(value) > MAX_TEXT_CHARS:
        raise CellError(f"texte de {len(value)} caractères : trop long (au plus {MAX_TEXT_CHARS})")
    return value


def read_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise CellError(f"« {shown(value)} » : true ou false est attendu")
    return value


def read_date(value: Any, _: type) -> dt.date:
    if not isinstance(value, str) or len(value) > MAX_CELL_CHARS:
        raise CellError(f"« {shown(value)} » : une date ISO (AAAA-MM-JJ) est attendue")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CellError(f"« {value} » n'est pas une date ISO qui existe") from None
    check_year(day.year, "une date")
    return day


def read_partial(value: Any, _: type) -> PartialDate:
    if not isinstance(value, str) or len(value) > MAX_CELL_CHARS:
        raise CellError(f"« {shown(value)} » : une date ISO est attendue")
    found = PartialDate.from_iso(value)
    if found.iso() != value:
        raise CellError(f"« {value} » n'est pas une date ISO (attendu : {found.iso()})")
    return found


def read_vocabulary(value: Any, cls: type[Vocabulary]) -> Vocabulary:
    for member in cls:
        if member.code == value:
            return member
    raise CellError(f"« {shown(value)} » : code inconnu (liste « {cls.vocabulary_name} »)")


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
        raise CellError(f"« {shown(value)} » : une liste est attendue")
    return value


def as_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CellError(f"« {shown(value)} » : un objet est attendu")
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
