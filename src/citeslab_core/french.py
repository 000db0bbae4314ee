"""French forms of every number, amount, percentage and date a person reads (babel, fr_FR).

One function per kind, used by the renderers (text, HTML), the bilan's and the funding's
check messages and the exporters' notes, so that a figure is written the same way
everywhere:

- :func:`format_count`: ``17 168``; ``s`` when masked (None);
- :func:`format_percent`: a whole percentage, ``60 %``; ``s`` when masked;
- :func:`format_share`: one decimal, ``30,6 %``;
- :func:`format_rate`: at most one decimal, ``10 %``, ``12,5 %`` (thresholds, caps);
- :func:`format_signed_share`: ``+12,5 %``, ``-100,0 %``;
- :func:`format_amount`: ``51 128,16 €``; :func:`format_signed_amount`: ``-500,00 €``;
- :func:`format_decimal`: ``6,9``; ``s`` when masked;
- :func:`format_day`: ``30 mars 2023``, ``1er janvier 2023``;
- :func:`format_partial_date`: ``janvier 2023``, ``mai à septembre 2023``, ``2023``;
- :func:`format_period`: ``du 1er janvier 2023 au 31 décembre 2023``;
- :func:`format_years`: ``2023``, ``2022–2023``;
- :func:`counted`: « 1 création », « 2 créations » (babel's plural rules; every counted
  phrase is in :data:`COUNTED`);
- :func:`rounded_shares_note`: « Parts arrondies chacune à l'unité : leur somme fait
  101 %. », under a table whose shares do not add up to 100;
- :func:`typeset`: the no-break spaces French typography wants in a sentence (before
  ``:`` ``;`` ``!`` ``?`` ``»``, after ``«``, between a number and what it counts, inside a
  number), applied wherever a sentence a person reads is put together.

Where a value may be absent (no declared share, nothing planned), the function takes a
``missing`` text (``""`` by default, the HTML page gives ``"—"``).

The figures are babel's exact output: a narrow no-break space (U+202F) between thousands
and a no-break space (U+00A0) before ``%`` and ``€``; tests assert those characters. Two
French conventions babel does not apply are added here: the first day of a month is
written « 1er » (``1er janvier 2023``), and a range of months within one year names the
year once (``mai à septembre 2023``). A sign is the ASCII ``+`` or ``-`` before the
figure.

babel is imported inside each function: importing this module costs nothing, so modules
the command line imports at start-up may import it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from citeslab_core.model.dates import Precision

if TYPE_CHECKING:
    from citeslab_core.model.dates import PartialDate

__all__ = [
    "COUNTED",
    "LOCALE",
    "MASKED_TEXT",
    "counted",
    "format_amount",
    "format_count",
    "format_day",
    "format_decimal",
    "format_moment",
    "format_partial_date",
    "format_percent",
    "format_period",
    "format_rate",
    "format_share",
    "format_signed_amount",
    "format_signed_share",
    "format_years",
    "is_singular",
    "noun",
    "of",
    "rounded_shares_note",
    "typeset",
]

#: The locale of everything a person reads.
LOCALE: Final = "fr_FR"
#: How a count masked by statistical secrecy is written.
MASKED_TEXT: Final = "s"
#: The no-break space (before ``:``, ``%``, ``€``, inside guillemets).
NBSP: Final = "\u00a0"
#: The narrow no-break space (before ``;`` ``!`` ``?``, between thousands).
NNBSP: Final = "\u202f"

# Each rule: a plain space (U+0020, alone: two spaces are a layout, not a sentence) and
# what it becomes.
_TYPOGRAPHY: Final = (
    # before a colon; before ; ! ? (a narrow one); before a closing guillemet
    (re.compile(r"(?<=\S) (?=:)"), NBSP),
    (re.compile(r"(?<=\S) (?=[;!?])"), NNBSP),
    (re.compile(r"(?<=\S) (?=»)"), NBSP),
    # after an opening guillemet
    (re.compile(r"(?<=«) (?=\S)"), NBSP),
    # between a number and its unit or what it counts: 18 ans, 60 %, 2 orientés, n° 15059
    # (a year is not a quantity: « 2022 au 31 décembre » keeps its space)
    (re.compile(r"(?<=\d) (?=[%€])"), NBSP),
    (re.compile(r"(?<=\d)(?<!(?<!\d)(?:19|20)\d\d) (?=[^\W\d_])"), NBSP),
    (re.compile(r"(?<=\bn°) (?=\S)"), NBSP),
    # a slash between words never starts a line: « emploi / formation »
    (re.compile(r"(?<=\S) (?=/ )"), NBSP),
)
# A number written with its thousands apart: 1 000, 12 345 678 (not a year and a count).
_THOUSANDS: Final = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d])")


def format_count(value: int | None) -> str:
    """A count: ``17 168``; ``s`` when masked (None)."""
    if value is None:
        return MASKED_TEXT
    from babel.numbers import format_decimal as babel_decimal

    return str(babel_decimal(value, locale=LOCALE))


def _percent(value: int | Decimal, fraction: str) -> str:
    """``value`` (a number of percent) with the locale's percent pattern, its fraction
    part replaced by ``fraction`` (``""``, ``".0"``, ``".#"``)."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    pattern = str(Locale.parse(LOCALE).percent_formats[None].pattern)
    if fraction:
        pattern = pattern.replace("#,##0", "#,##0" + fraction, 1)
    return str(babel_percent(Decimal(value) / 100, format=pattern, locale=LOCALE))


def format_percent(value: int | Decimal | None) -> str:
    """A whole percentage (a table's share): ``60 %``; ``s`` when masked (None)."""
    return MASKED_TEXT if value is None else _percent(value, "")


def format_share(value: int | Decimal | None, *, missing: str = "") -> str:
    """A percentage with one decimal (a funding share): ``30,6 %``, ``100,0 %``;
    ``missing`` when there is none."""
    return missing if value is None else _percent(value, ".0")


def format_rate(value: int | Decimal) -> str:
    """A percentage with at most one decimal (a threshold, a cap): ``10 %``, ``12,5 %``."""
    return _percent(value, ".#")


def _sign(value: Decimal) -> str:
    return "+" if value > 0 else "-" if value < 0 else ""


def format_signed_share(value: Decimal | None, *, missing: str = "—") -> str:
    """A gap in percent with its sign: ``+12,5 %``, ``-100,0 %``, ``0,0 %``;
    ``missing`` when there is none."""
    if value is None:
        return missing
    return _sign(value) + _percent(abs(value), ".0")


def format_amount(value: Decimal | None, *, missing: str = "") -> str:
    """An amount in euros: ``51 128,16 €``; ``missing`` when there is none."""
    if value is None:
        return missing
    from babel.numbers import format_currency

    return str(format_currency(value, "EUR", locale=LOCALE))


def format_signed_amount(value: Decimal) -> str:
    """A gap in euros with its sign: ``+1 000,00 €``, ``-500,00 €``, ``0,00 €``."""
    return _sign(value) + format_amount(abs(value))


def format_decimal(value: Decimal | None, *, decimals: int = 1) -> str:
    """A decimal number with ``decimals`` digits after the comma: ``6,9``, ``1 234,5``;
    ``s`` when masked (None)."""
    if value is None:
        return MASKED_TEXT
    from babel.numbers import format_decimal as babel_decimal

    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return str(babel_decimal(value, format=pattern, locale=LOCALE))


#: Every counted phrase a person reads: key -> (singular, plural). French agreement by
#: babel's plural rules (CLDR: 0 and 1 take the singular, « 0 création », « 1 création »,
#: « 2 créations »; a masked count takes the plural).
COUNTED: Final[dict[str, tuple[str, str]]] = {
    "personne": ("personne", "personnes"),
    "personne_accompagnee": ("personne accompagnée", "personnes accompagnées"),
    "nouvelle_personne": ("nouvelle personne", "nouvelles personnes"),
    "femme": ("femme", "femmes"),
    "homme": ("homme", "hommes"),
    "habitant_qpv": ("habitant des QPV", "habitants des QPV"),
    "demandeur_emploi": ("demandeur d'emploi", "demandeurs d'emploi"),
    "creation": ("création", "créations"),
    "poursuite": ("poursuite du parcours", "poursuites du parcours"),
    "entree_programme": ("entrée en programme", "entrées en programme"),
    "programme": ("programme ou accélérateur", "programmes ou accélérateurs"),
    "action_collective": ("action collective", "actions collectives"),
    "action_collective_realisee": ("action collective réalisée", "actions collectives réalisées"),
    "participant": ("participant", "participants"),
    "permanence": ("permanence", "permanences"),
    "reunion_partenariale": ("réunion partenariale", "réunions partenariales"),
    "oriente": ("orienté", "orientés"),
    "orientation": ("orientation", "orientations"),
    "ligne": ("ligne", "lignes"),
    "autre_quartier": ("autre quartier", "autres quartiers"),
    "retenu": ("retenu", "retenus"),
    "partenariat": (
        "partenariat ou rencontre partenariale",
        "partenariats et rencontres partenariales",
    ),
    "constat": ("constat", "constats"),
    "sortie": ("sortie", "sorties"),
    "animation": ("animation", "animations"),
}


def is_singular(count: int | None) -> bool:
    """Whether French writes ``count``'s noun in the singular (babel's plural rules for
    fr_FR: 0 and 1); a masked count (None) is read as a plural."""
    if count is None:
        return False
    from babel import Locale

    return bool(Locale.parse(LOCALE).plural_form(abs(count)) == "one")


def noun(count: int | None, key: str) -> str:
    """The noun of the counted phrase ``key`` (:data:`COUNTED`) agreeing with ``count``."""
    singular, plural = COUNTED[key]
    return singular if is_singular(count) else plural


def counted(count: int | None, key: str) -> str:
    """``count`` and its noun, agreeing: « 1 création », « 2 créations », « s créations »."""
    return f"{format_count(count)} {noun(count, key)}"


def rounded_shares_note(shares: Iterable[int | None]) -> str:
    """The note under a table whose shares do not add up to 100: « Parts arrondies
    chacune à l'unité : leur somme fait 101 %. »"""
    total = sum(s for s in shares if s is not None)
    return f"Parts arrondies chacune à l'unité : leur somme fait {format_percent(total)}."


def typeset(text: str) -> str:
    r"""``text`` with the no-break spaces of French typography: before ``:`` (U+00A0),
    ``;`` ``!`` ``?`` (U+202F) and ``»``, after ``«`` (U+00A0), inside a number
    (``1 000``, U+202F, as babel writes it), between a number and its unit or the noun it
    counts (``18 ans``, ``60 %``, ``2 orientés``: U+00A0), after ``n°`` and before a
    ``/`` between words, so that no line starts with ``:``, ``;`` or ``/`` and no number
    is parted from its unit. Only a single plain space (U+0020) changes: two spaces (a
    text report's columns), tabs and line ends stay, and applying it twice changes
    nothing. For sentences a person reads, never for a code or an identifier.

    >>> typeset("création : 5 ; poursuite (pour 1 000 habitants) « ici »")
    'création\xa0: 5\u202f; poursuite (pour 1\u202f000\xa0habitants) «\xa0ici\xa0»'
    """
    if " " not in text:
        return text
    text = _THOUSANDS.sub(lambda m: m[0].replace(" ", NNBSP), text)
    for pattern, space in _TYPOGRAPHY:
        text = pattern.sub(space, text)
    return text


def of(noun: str) -> str:
    """« de » before a noun, elided before a vowel: ``de Bpifrance``,
    ``d'Autofinancement``, ``d'État``."""
    first = unicodedata.normalize("NFD", noun[:1])[:1].casefold()
    return f"d'{noun}" if first and first in "aeiouy" else f"de {noun}"


def format_day(day: dt.date) -> str:
    """A day: ``30 mars 2023``; the first of a month ``1er janvier 2023``."""
    from babel.dates import format_date

    text = str(format_date(day, "d MMMM y", locale=LOCALE))
    return "1er" + text[1:] if day.day == 1 else text


def format_moment(moment: dt.datetime) -> str:
    """A moment as French people write it, in Paris time: ``7 décembre 2026 à 8 h 03``
    (``1er janvier 2024 à 1 h 00``). A naive moment is taken as UTC."""
    import zoneinfo

    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    local = aware.astimezone(zoneinfo.ZoneInfo("Europe/Paris"))
    return f"{format_day(local.date())} à {local.hour}\u00a0h\u00a0{local.minute:02d}"


def _month_year(day: dt.date) -> str:
    from babel.dates import format_date

    return str(format_date(day, "LLLL y", locale=LOCALE))


def format_partial_date(value: PartialDate | None, *, missing: str = "") -> str:
    """A (possibly partial) date at its precision: ``30 mars 2023``, ``1er mars 2023``,
    ``janvier 2023``, ``mai à septembre 2023``, ``novembre 2023 à février 2024``,
    ``2023``; ``missing`` when there is none."""
    if value is None:
        return missing
    if value.precision is Precision.DAY:
        return format_day(value.start)
    if value.precision is Precision.YEAR:
        return str(value.start.year)
    if value.precision is Precision.MONTH:
        return _month_year(value.start)
    from babel.dates import format_date

    if value.start.year == value.end.year:
        first = str(format_date(value.start, "LLLL", locale=LOCALE))
    else:
        first = _month_year(value.start)
    return f"{first} à {_month_year(value.end)}"


def format_period(start: dt.date, end: dt.date) -> str:
    """A period, both days included: ``du 1er janvier 2023 au 31 décembre 2023``."""
    return f"du {format_day(start)} au {format_day(end)}"


def format_years(start: dt.date, end: dt.date) -> str:
    """The year(s) of a period, for a title: ``2023``, ``2022–2023`` (an en dash)."""
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
