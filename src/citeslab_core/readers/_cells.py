"""Reading one cell: the parser of each model field, chosen from its type and metadata.

A parser takes a raw cell (a text of a CSV file, or a workbook's number, date, boolean…)
and gives the field's value, or raises :class:`~citeslab_core.errors.CellError` with a
French message. :func:`cell_value` is a cell as both the column-wise and the row-wise
readings see it: empty, a value, or a :class:`Failure`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import sys
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

import attrs

from citeslab_core.errors import CellError
from citeslab_core.model import field_type
from citeslab_core.model.amounts import parse_amount, parse_percent
from citeslab_core.model.dates import PartialDate, parse_date, parse_time
from citeslab_core.model.limits import (
    MAX_COUNT,
    MAX_TEXT_CHARS,
    MAX_YEAR,
    MIN_YEAR,
    check_length,
)
from citeslab_core.readers._days import MANY_TEXTS, common_days, day_value
from citeslab_core.readers._quoting import unquote
from citeslab_core.vocabularies import Vocabulary, normalize

__all__ = [
    "EMPTY",
    "MISSING",
    "PERCENT_COLUMNS",
    "DateParser",
    "Failure",
    "FieldSpec",
    "Marker",
    "Parser",
    "PercentCell",
    "cell_value",
    "column_letter",
    "field_parsers",
    "is_empty",
    "letter_index",
    "parse_text",
]

#: Columns holding a declared percentage rather than an amount.
PERCENT_COLUMNS = frozenset({"part_declaree"})


class Marker(enum.Enum):
    """The readers' markers, typed (as attrs' ``NOTHING``): never a value a cell holds.

    ``MISSING``: no value (a memo's miss, a required column's placeholder: the row is left
    out); ``EMPTY``: an empty cell; ``ODD``: a cell the column-wise pass leaves to the
    row-wise one."""

    MISSING = "missing"
    EMPTY = "empty"
    ODD = "odd"

    def __repr__(self) -> str:
        return self.name


MISSING: Final = Marker.MISSING


@attrs.frozen
class PercentCell:
    """A number read from a cell formatted as a percentage (Excel stores 0.24 for 24 %)."""

    value: float | int


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def letter_index(letter: str | None) -> int:
    if not letter:
        return -1
    index = 0
    for ch in letter:
        index = index * 26 + ord(ch) - 64
    return index - 1


Parser = Callable[[object], object]


def plain(raw: object) -> object:
    return raw.value if isinstance(raw, PercentCell) else raw


def parse_text(raw: object) -> str:
    """A text cell; a number cell is its usual text (``12.0`` → ``"12"``)."""
    if isinstance(raw, str):
        return raw
    raw = plain(raw)
    if isinstance(raw, bool):
        return "oui" if raw else "non"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


_INTEGER = re.compile(r"^[+-]?\d+$")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_int(raw: object) -> int:
    """A whole number: ``12``, ``12.0``, ``"1 240"``; at most
    :data:`~citeslab_core.model.limits.MAX_COUNT` in size."""
    raw = plain(raw)
    if isinstance(raw, bool):
        raise CellError(f"« {raw} » n'est pas un nombre entier")
    if isinstance(raw, int):
        return _count_sized(raw)
    if isinstance(raw, float):
        if raw.is_integer():
            return _count_sized(int(raw))
        raise CellError(f"« {raw} » n'est pas un nombre entier")
    text = _SPACES.sub("", check_length(str(raw), "un nombre"))
    if text.endswith((",0", ".0")):
        text = text[:-2]
    if not _INTEGER.match(text):
        raise CellError(f"« {raw} » n'est pas un nombre entier")
    return _count_sized(int(text))


def _count_sized(value: int) -> int:
    if abs(value) > MAX_COUNT:
        raise CellError(f"« {value:.3g} » : nombre trop grand (au plus un milliard)")
    return value


_BOOLEANS = {
    "oui": True,
    "non": False,
    "1": True,
    "0": False,
    "vrai": True,
    "faux": False,
    "true": True,
    "false": False,
    "o": True,
    "n": False,
}


def parse_bool(raw: object) -> bool:
    """``oui``/``non``, ``1``/``0``, ``vrai``/``faux`` (and a checkbox cell)."""
    raw = plain(raw)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    value = _BOOLEANS.get(normalize(check_length(str(raw), "oui ou non")))
    if value is None:
        raise CellError(f"« {raw} » : attendu oui ou non (ou 1 / 0, vrai / faux)")
    return value


def parse_list(raw: object) -> tuple[str, ...]:
    """Names separated by ``,`` or ``;``."""
    return tuple(part for part in (p.strip() for p in re.split(r"[,;]", parse_text(raw))) if part)


_WORDS = re.compile(r"[,;/]|\s+et\s+|\s+")


def _members(vocabulary: type[Vocabulary]) -> Parser:
    """A list of vocabulary values (``mardi, jeudi``, ``mardi et jeudi``): each once, in
    the order written."""

    def parse(raw: object) -> tuple[Vocabulary, ...]:
        found: list[Vocabulary] = []
        for word in _WORDS.split(parse_text(plain(raw))):
            if word.strip():
                member = vocabulary.parse(word)
                if member not in found:
                    found.append(member)
        if not found:
            raise CellError(f"« {raw} » : aucune valeur de « {vocabulary.title()} »")
        return tuple(found)

    return parse


def _dates(context_year: int | None) -> Parser:
    """Dates separated by ``;`` or ``,``, each a day or a partial date (a month, a range
    of months), or one date cell."""

    def parse(raw: object) -> tuple[PartialDate, ...]:
        raw = plain(raw)
        if isinstance(raw, dt.date):
            return (parse_date(raw),)
        if isinstance(raw, float):  # a number cell: never 300 digits of text (1e300)
            return (parse_date(raw, partial=True, context_year=context_year),)
        found = [
            parse_date(part.strip(), partial=True, context_year=context_year)
            for part in re.split(r"[;,]", parse_text(raw))
            if part.strip()
        ]
        return tuple(dict.fromkeys(found))

    return parse


def percent_parser(fractions_ambiguous: bool) -> Parser:
    def parse(raw: object) -> Decimal:
        if isinstance(raw, PercentCell):
            return parse_percent(raw.value, percent_cell=True)
        if fractions_ambiguous and isinstance(raw, (int, float)) and 0 < raw < 1:
            raise CellError(
                f"« {raw} » : pourcentage ambigu dans ce format de fichier ; "
                "écrivez 24 ou « 24 % » pour 24 %"
            )
        return parse_percent(raw)

    return parse


def _amount(raw: object) -> Decimal:
    if isinstance(raw, PercentCell):  # 0.24 shown as 24 %: a share, not 0,24 €
        shown = f"{raw.value * 100:g}".replace(".", ",")
        raise CellError(
            f"« {shown} % » : une cellule au format pourcentage n'est pas un montant ; "
            "écrivez le montant en euros (format nombre ou monétaire)"
        )
    return parse_amount(raw)


#: The two commonest forms of a day, ``2023-03-14`` and ``14/03/2023`` (ASCII digits).
_COMMON_DAY: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{2})/([0-9]{2})/([0-9]{4})"
).fullmatch


@attrs.frozen
class DateParser:
    """The reader of a date column (a day, or a partial date with ``partial``): a cell
    through :func:`~citeslab_core.model.dates.parse_date`; :meth:`common` reads many
    texts of the two commonest forms at once, as ``parse_date`` reads them."""

    partial: bool
    context_year: int | None
    birth: bool

    def __call__(self, raw: object) -> object:
        found = parse_date(
            plain(raw), partial=self.partial, context_year=self.context_year, birth=self.birth
        )
        return found if self.partial else found.start

    def common(
        self, texts: list[str], made: dict[object, object] | None = None
    ) -> tuple[dict[str, object], list[str]]:
        """The values of the ``texts`` written exactly ``2023-03-14`` or ``14/03/2023`` (a
        day that exists, of a year :func:`parse_date` takes), and the other texts, left
        to :meth:`__call__`. No pivot applies (four-digit years), and with a year of
        reference ``parse_date`` refuses, every text is left.

        One object per day: ``made`` (the column's, kept from one call to the next) maps
        each day to the value made for it."""
        year = self.context_year
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            return {}, texts
        made = {} if made is None else made
        if len(texts) >= MANY_TEXTS and sys.modules.get("numpy") is not None:
            return common_days(texts, made, self.partial)  # the same, by NumPy
        return common_days_by_loop(texts, made, self.partial)


def common_days_by_loop(
    texts: list[str], made: dict[object, object], partial: bool
) -> tuple[dict[str, object], list[str]]:
    """:meth:`DateParser.common` text by text (the reference of
    :func:`~citeslab_core.readers._days.common_days`)."""
    found: dict[str, object] = {}
    rest: list[str] = []
    for text in texts:
        match = _COMMON_DAY(text)
        if match is None:
            rest.append(text)
            continue
        try:
            day = (
                dt.date(int(match[1]), int(match[2]), int(match[3]))
                if match[1]
                else dt.date(int(match[6]), int(match[5]), int(match[4]))
            )
        except ValueError:  # no such day: parse_date says so in its own words
            rest.append(text)
            continue
        value = day_value(day, made, partial)
        if value is None:  # a year out of range: parse_date says so
            rest.append(text)
            continue
        found[text] = value
    return found, rest


@attrs.frozen
class FieldSpec:
    """How one model field is read from its column."""

    name: str
    column: str
    required: bool
    parse: Parser
    #: The value standing in for a required field whose cell could not be read, so that
    #: the other checks still see the row; ``MISSING``: the row is left out.
    placeholder: object


def _parser_for(
    column: str, tp: Any, context_year: int | None, fractions_ambiguous: bool
) -> tuple[Parser, object]:
    if tp is str:
        return parse_text, MISSING
    if tp is bool:
        return parse_bool, False
    if tp is int:
        return parse_int, 0
    if tp is Decimal:
        if column in PERCENT_COLUMNS:
            return percent_parser(fractions_ambiguous), Decimal(0)
        return _amount, Decimal(0)
    if tp is dt.date:
        return DateParser(False, context_year, False), dt.date.min
    if tp is PartialDate:
        # a two-digit year of a birth date is never in the future
        return DateParser(True, context_year, column == "date_naissance"), PartialDate.day(
            dt.date.min
        )
    if isinstance(tp, type) and issubclass(tp, Vocabulary):
        vocabulary = tp

        def member(raw: object) -> Vocabulary:
            if isinstance(raw, str):
                check_length(raw, f"une valeur de « {vocabulary.title()} »")
            return vocabulary.parse(plain(raw))

        return member, next(iter(vocabulary))
    if tp is dt.time:
        return parse_time, dt.time()
    if typing.get_origin(tp) is tuple:
        item = typing.get_args(tp)[0]
        if isinstance(item, type) and issubclass(item, Vocabulary):
            return _members(item), ()
        if item is PartialDate:
            return _dates(context_year), ()
        return parse_list, ()
    raise TypeError(f"no cell parser for {tp!r}")  # a model field of a new type


def field_parsers(
    cls: type, *, context_year: int | None = None, fractions_ambiguous: bool = False
) -> dict[str, FieldSpec]:
    """The readers of a record class's columns, by normalised column name.

    The parser follows the field's type: text, whole number, ``oui``/``non`` (``rqth``),
    amount (:func:`~citeslab_core.model.amounts.parse_amount`), declared percentage
    (``part_declaree``, :func:`~citeslab_core.model.amounts.parse_percent`), day
    (:func:`~citeslab_core.model.dates.parse_date`), partial date, vocabulary value
    (:meth:`~citeslab_core.vocabularies.Vocabulary.parse`), or a list of names.
    """
    hints = typing.get_type_hints(cls)
    specs: dict[str, FieldSpec] = {}
    for field in attrs.fields(cls):
        column = str(field.metadata["column"])
        parse, placeholder = _parser_for(
            column, field_type(hints[field.name])[0], context_year, fractions_ambiguous
        )
        specs[normalize(column)] = FieldSpec(
            field.name, column, bool(field.metadata["required"]), parse, placeholder
        )
    return specs


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@attrs.frozen
class Failure:
    """A cell whose value could not be read, and why."""

    message: str


#: An empty cell.
EMPTY: Final = Marker.EMPTY


def cell_value(raw: object, parse: Parser | None) -> object:
    """A cell's value as the row-wise pass reads it: ``EMPTY`` when the cell is empty,
    a :class:`Failure` when it cannot be read.

    ``parse`` is ``None`` for a text column."""
    if raw is None or raw == "":
        return EMPTY
    if raw.__class__ is str:
        text: str = raw
        text = unquote(text) if text[0] == "'" else text.strip()
        if not text:
            return EMPTY
        if len(text) > MAX_TEXT_CHARS:
            return Failure(too_long(text))
        if parse is None:
            return text
        raw = text
    try:
        return parse_text(raw) if parse is None else parse(raw)
    except CellError as exc:
        return Failure(str(exc))


def too_long(text: str) -> str:
    return (
        f"texte de {len(text)} caractères : trop long pour une cellule "
        f"(au plus {MAX_TEXT_CHARS}, la limite d'Excel)"
    )
