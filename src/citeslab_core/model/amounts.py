"""Amounts in euros and declared percentages, read from cells.

Amounts are :class:`~decimal.Decimal` with two decimals, never floats: ``16000``,
``16 000``, ``16 000,00 €``, ``16 000 EUR``, ``16 000 euros``, ``16000.00`` and
spreadsheet number cells all read as ``Decimal("16000.00")``. An abbreviation
(``16k€``, ``1,5 M``) is refused with the reason: a misread multiplier is an error by a
factor of a thousand.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from citeslab_core.errors import CellError
from citeslab_core.model.limits import MAX_AMOUNT, check_length

__all__ = ["CENT", "FLOAT_SLACK", "parse_amount", "parse_percent"]

CENT = Decimal("0.01")
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
#: The currency after an amount (spaces already removed): €, EUR, euro(s), any case.
_CURRENCY = re.compile(r"(?:€|eur|euros?)$", re.IGNORECASE)
#: ``14k``, ``1,5M``, ``14 k€``, ``14 K EUR``: a multiplier instead of the digits.
_ABBREVIATED = re.compile(r"^[+-]?[\d.,]+(?:k|m|md|mds|mille|millions?)$", re.IGNORECASE)
_DIGITS = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)$")


def _number(raw: object, what: str) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(f"« {raw} » n'est pas {what}")
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # repr() gives the shortest text that reads back as the same float: what the
        # spreadsheet showed, not the binary expansion.
        if raw != raw or raw in (_INFINITY, -_INFINITY):
            raise CellError(f"« {raw} » n'est pas {what}")
        if raw.is_integer():  # calamine gives 31.0 for the 31 a cell shows (openpyxl: 31)
            return Decimal(int(raw))
        return Decimal(repr(raw))
    text = check_length(str(raw), what.split(" (")[0])
    text = _CURRENCY.sub("", _SPACES.sub("", text))
    if _ABBREVIATED.match(text):
        raise CellError(
            f"« {raw} » : écrivez le montant en chiffres, sans abréviation (14000 ou "
            "14 000 €, pas 14k€) : « k » ou « M » n'est pas lu, pour ne jamais risquer "
            "une erreur d'un facteur mille"
        )
    text = _plain(text.removesuffix("%"), raw, what)
    if not _DIGITS.match(text):  # no exponent, NaN or Infinity: only what a person writes
        raise CellError(f"« {raw} » n'est pas {what}")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(f"« {raw} » n'est pas {what}") from None
    if not value.is_finite():
        raise CellError(f"« {raw} » n'est pas {what}")
    return value


_INFINITY = float("inf")


def _bounded(value: Decimal, raw: object) -> Decimal:
    """``value`` if it is less than :data:`~citeslab_core.model.limits.MAX_AMOUNT` in size."""
    if abs(value) >= MAX_AMOUNT:
        raise CellError(f"« {raw} » : nombre trop grand (moins de mille milliards attendu)")
    return value


def _grouped(text: str, mark: str) -> bool:
    """Digits grouped by threes with ``mark``: ``16.000``, ``1,234,567``."""
    head, *groups = text.lstrip("+-").split(mark)
    return (
        1 <= len(head) <= 3 and head.isdigit() and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _plain(text: str, raw: object, what: str) -> str:
    """The number written with a dot as decimal mark and no grouping.

    The French way (``25.128,16``: dots group, the comma is the decimal mark) and the
    English way (``25,128.16``) are both read: when both marks are present the last one
    is the decimal mark. A single mark followed by exactly three digits (``16.000``,
    ``16,000``) could be either a thousands separator or three decimals: it is refused
    rather than guessed, since a wrong guess divides an amount by a thousand.
    """
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, fraction = text.rpartition(decimal)
        if decimal in whole or not _grouped(whole, group):
            raise CellError(f"« {raw} » n'est pas {what}")
        return whole.replace(group, "") + "." + fraction
    if commas + dots > 1:
        mark = "," if commas else "."
        if not _grouped(text, mark):
            raise CellError(f"« {raw} » n'est pas {what}")
        return text.replace(mark, "")
    if commas + dots == 1:
        mark = "," if commas else "."
        whole, _, fraction = text.partition(mark)
        if len(fraction) == 3 and _grouped(text, mark):
            raise CellError(
                f"« {raw} » est ambigu (séparateur de milliers ou trois décimales ?) : "
                "écrivez par exemple 16000, 16 000 ou 16000,00"
            )
        return whole + "." + fraction
    return text


#: How far from a cent a spreadsheet number may be and still be that cent: a formula's
#: result such as ``0.1 + 0.2`` is the float 0.30000000000000004, which Excel shows 0,30.
FLOAT_SLACK = Decimal("1e-9")


def parse_amount(raw: object) -> Decimal:
    """An amount in euros, to the cent; negative amounts are refused, and so are amounts
    of a thousand billion euros or more. A number cell within ``1e-9`` of a cent (a
    formula's float rounding) is that cent."""
    if isinstance(raw, str) and ("%" in raw or "\u2030" in raw):
        raise CellError(
            f"« {raw} » : un pourcentage n'est pas un montant ; écrivez le montant en euros "
            "(16000 ou 16 000,00 €)"
        )
    value = _bounded(_number(raw, "un montant (attendu : 16000, 16 000,00 € ou 16000.00)"), raw)
    if isinstance(raw, float) and abs(value - value.quantize(CENT)) <= FLOAT_SLACK:
        value = value.quantize(CENT)
    if value != value.quantize(CENT):
        raise CellError(f"« {raw} » : un montant a au plus deux décimales")
    if value < 0:
        raise CellError(f"« {raw} » : un montant ne peut pas être négatif")
    return value.quantize(CENT)


def parse_percent(raw: object, *, percent_cell: bool = False) -> Decimal:
    """A declared share in percent: ``24``, ``24 %``, ``24,0``, ``35,1``.

    ``percent_cell`` says the spreadsheet cell is formatted as a percentage, so it
    stores a fraction (Excel stores 0.24 and shows 24 %).
    """
    value = _bounded(_number(raw, "un pourcentage (attendu : 24, 24 % ou 24,5)"), raw)
    if percent_cell and not isinstance(raw, str):
        value = value * 100
    if not 0 <= value <= 100:
        raise CellError(f"« {raw} » : un pourcentage est compris entre 0 et 100")
    return value
