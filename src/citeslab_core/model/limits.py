"""The bounds of what a site's data can hold, checked by every reader.

A site's workbook is a few thousand rows of short cells. What cannot be one (a row
numbered beyond Excel's last, a date of a megabyte, an amount of thirty digits, a year
10000) is refused with a French message before it costs time or memory, and so that no
later step (a date, babel, ``Decimal.quantize``) fails on it with a traceback. The same
bounds hold whatever the format (workbook, CSV folder, JSON) and for a dataset built in
Python (:func:`citeslab_core.model.check_dataset`). docs/workbook.md lists them for users.
"""

from __future__ import annotations

from decimal import Decimal

from citeslab_core.errors import CellError

__all__ = [
    "MAX_AMOUNT",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_COUNT",
    "MAX_JSON_DEPTH",
    "MAX_PART_BYTES",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS",
    "MAX_TEXT_CHARS",
    "MAX_TOTAL_BYTES",
    "MAX_YEAR",
    "MIN_YEAR",
    "check_length",
    "check_year",
]

#: The years a date, a birth, a funding or the site's ``annee`` may have.
MIN_YEAR = 1900
MAX_YEAR = 2100
#: The largest amount in euros (a thousand billion: far beyond any site or network).
MAX_AMOUNT = Decimal(10) ** 12
#: The largest count (participants of an animation, a neighbourhood's population).
MAX_COUNT = 10**9
#: The longest text cell: Excel's own limit (a longer text could not be written back).
MAX_TEXT_CHARS = 32_767
#: The longest cell of any other kind (a date, a number, a code, oui / non).
MAX_CELL_CHARS = 200
#: Excel's last row and last column (XFD).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: The most shared strings a workbook may declare (its distinct texts).
MAX_SHARED_STRINGS = 2_000_000
#: The most bytes one part of a workbook (a sheet, the shared strings) may hold once
#: uncompressed, and all of them together.
MAX_PART_BYTES = 512 * 2**20
MAX_TOTAL_BYTES = 1024 * 2**20
#: The deepest nesting of a JSON document (the canonical one has 4 levels).
MAX_JSON_DEPTH = 32


def check_length(text: str, what: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` if it is at most ``limit`` characters long, else :class:`CellError`
    (the message names the length, never the text itself)."""
    if len(text) > limit:
        raise CellError(
            f"texte de {len(text)} caractères : trop long pour {what} (au plus {limit})"
        )
    return text


def check_year(year: int, what: str = "une année") -> int:
    """``year`` if it lies between :data:`MIN_YEAR` and :data:`MAX_YEAR`."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(f"« {year} » : {what} entre {MIN_YEAR} et {MAX_YEAR} est attendue")
    return year
