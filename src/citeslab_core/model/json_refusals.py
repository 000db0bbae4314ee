"""One wording for the refusals of a JSON value, whichever JSON reads it: the records'
canonical JSON (:mod:`citeslab_core.readers.converter`) and the bilan file
(:mod:`citeslab_core.bilan._json_values`) refuse the same wrong value (a text where a
boolean is expected, a negative count, a number too big) with the same French sentence,
built here: the value quoted by :func:`shown`, then what it should be. The values both
read alike (a number in a text, an ISO date, a partial date) are read here once:
:func:`decimal_of`, :func:`iso_date`, :func:`iso_partial_date`.

``« "false" » : il faut true ou false, sans guillemets`` reads the same in both files;
the readers locate it by the JSON path (``porteurs[3].rqth``, ``public``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from citeslab_core.errors import CellError
from citeslab_core.model.dates import PartialDate
from citeslab_core.model.limits import MAX_AMOUNT, MAX_TEXT_CHARS, check_length, check_year

__all__ = [
    "AMOUNT_TEXT",
    "BOOLEAN",
    "DATE",
    "INTEGER",
    "LIST",
    "NUMBER",
    "OBJECT",
    "PARTIAL_DATE",
    "TEXT",
    "YEAR",
    "decimal_of",
    "duplicate_key",
    "iso_date",
    "iso_partial_date",
    "negative",
    "no_such_date",
    "not_a_number",
    "not_iso",
    "shown",
    "too_big",
    "too_long",
    "wrong",
]

#: What a value should be, as :func:`wrong` says it (« il faut … »).
BOOLEAN = "true ou false, sans guillemets"
TEXT = "un texte entre guillemets"
INTEGER = "un nombre entier, sans guillemets"
NUMBER = "un nombre, sans guillemets"
AMOUNT_TEXT = 'un montant écrit en texte, par exemple "16000.00"'
DATE = 'une date ISO en texte, par exemple "2023-03-30"'
PARTIAL_DATE = 'une date ISO en texte ("2023-03-30", "2023-03" ou "2023")'
YEAR = "une année, un nombre entier (2023)"
LIST = "une liste [ … ]"
OBJECT = "un objet { … }"

#: The longest text a message quotes whole.
_LONGEST_SHOWN = 40


def shown(value: Any, *, quoted: bool = False) -> str:
    """A JSON value as a message quotes it: short, one line, never a whole list or object
    nor a number of thousands of digits; with ``quoted``, a text in its JSON quotes
    (``"false"``), so that a text is told from a boolean or a number."""
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un objet"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) > 10**12:
        return f"un nombre de {len(str(abs(value)))} chiffres"
    if isinstance(value, str):
        text = value.replace("\n", " ")
        cut = text if len(text) <= _LONGEST_SHOWN else text[:_LONGEST_SHOWN] + "…"
        return f'"{cut}"' if quoted else cut
    text = str(value)
    return text if len(text) <= _LONGEST_SHOWN else text[:_LONGEST_SHOWN] + "…"


def wrong(value: Any, expected: str) -> CellError:
    """A value of the wrong kind: ``« "oui" » : il faut true ou false, sans guillemets``."""
    return CellError(f"« {shown(value, quoted=True)} » : il faut {expected}")


def not_a_number(value: Any) -> CellError:
    """A text that is no number (``"douze"``, ``"NaN"``)."""
    return CellError(f"« {shown(value)} » n'est pas un nombre")


def negative(value: Any) -> CellError:
    """A count below zero."""
    return CellError(f"« {shown(value)} » : nombre négatif")


def too_big(value: Any, bound: str) -> CellError:
    """A number beyond its bound, said in words (``au plus un milliard``)."""
    return CellError(f"« {shown(value)} » : nombre trop grand ({bound})")


def too_long(length: int, limit: int = MAX_TEXT_CHARS) -> CellError:
    """A text longer than ``limit`` characters (Excel's limit for a cell, by default)."""
    excel = ", la limite d'Excel" if limit == MAX_TEXT_CHARS else ""
    return CellError(f"texte de {length} caractères : trop long (au plus {limit}{excel})")


def not_iso(value: str, expected: str) -> CellError:
    """A partial date not written as its ISO form (``2023-3`` for ``2023-03``)."""
    return CellError(f"« {shown(value)} » n'est pas une date ISO (attendu : {expected})")


def no_such_date(value: str) -> CellError:
    """An ISO date that does not exist (``2023-02-30``)."""
    return CellError(f"« {shown(value)} » n'est pas une date ISO qui existe")


def duplicate_key(key: str) -> str:
    """A key given twice in one object: json would keep the last one silently."""
    return f"clé « {shown(key)} » en double dans un objet (laquelle croire ?)"


def decimal_of(value: int | str | Decimal) -> Decimal:
    """A number (an amount, a share) of a JSON value already known to be one of these
    types: a text that is no number, an infinite one or one of a thousand billion or
    more refused."""
    try:
        number = Decimal(check_length(value, "un nombre") if isinstance(value, str) else value)
    except InvalidOperation:
        raise not_a_number(value) from None
    if not number.is_finite():
        raise not_a_number(value)
    if abs(number) >= MAX_AMOUNT:
        raise too_big(value, "moins de mille milliards")
    return number


def iso_date(value: Any) -> dt.date:
    """A day written ``"2023-03-30"``, that exists, between 1900 and 2100."""
    if not isinstance(value, str):
        raise wrong(value, DATE)
    check_length(value, "une date")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise no_such_date(value) from None
    check_year(day.year, "une date")
    return day


def iso_partial_date(value: Any) -> PartialDate:
    """A day, a month or a year written in its ISO form (``"2023-03"``)."""
    if not isinstance(value, str):
        raise wrong(value, PARTIAL_DATE)
    check_length(value, "une date")
    found = PartialDate.from_iso(value)
    if found.iso() != value:
        raise not_iso(value, found.iso())
    return found
