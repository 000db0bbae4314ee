"""From raw sheets to a checked :class:`~citeslab_core.model.Dataset`.

Every reader (workbook, ODS, CSV folder) turns its file into :class:`RawSheet` objects:
a sheet name and its rows of raw cell values, each with its row number. This module does
the rest, the same way for every format:

- sheets are matched by their normalised name (:func:`~citeslab_core.vocabularies.normalize`:
  case, accents, ``_``/``-``/spaces ignored); ``porteurs`` and ``suivis`` are required;
  a sheet whose name starts with ``_`` is ignored, and so are the template's ``notice``
  and ``listes`` sheets; any other sheet is an error;
- the first row that is not empty holds the headers, matched the same way; a column whose
  header starts with ``_`` is ignored, any other unknown header is an error, and so is a
  required column that is missing;
- rows whose cells are all empty are skipped;
- each column is read by a parser chosen once per sheet from the model field's type and
  metadata (see :func:`field_parsers`);
- rows are read a block at a time and column by column: each distinct cell of a column is
  parsed once, and the records of the rows that read cleanly are built from positional
  values (:func:`~citeslab_core.model.record_maker`); any other row goes through the
  row-wise reading, the reference, which names each problem (docs/performance.md);
- the ``structure`` sheet (``cle``, ``valeur``) becomes the :class:`~citeslab_core.model.Site`;
  its ``annee`` is the year of dates written without one (``15-févr``);
- a text cell that starts with ``'`` followed by something a spreadsheet would take for a
  formula (or by a text with leading or trailing spaces) loses that one ``'``: it is the
  protection :func:`~citeslab_core.files.neutralise` added when the file was written, so
  writing then reading a dataset gives it back unchanged;
- every problem (cell, header, sheet, and the dataset's own checks mapped back to their
  row) is collected, and :class:`~citeslab_core.errors.InvalidData` lists them all.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any

import attrs

from citeslab_core.amounts import parse_amount, parse_percent
from citeslab_core.dates import PartialDate, parse_date, parse_time
from citeslab_core.errors import CellError, InvalidData, Location, Problem
from citeslab_core.files import neutralise
from citeslab_core.headers import column_label, did_you_mean, sheet_label, suggestion
from citeslab_core.identity import identity_key
from citeslab_core.limits import MAX_COUNT, MAX_TEXT_CHARS, check_length, check_year
from citeslab_core.model import (
    TABLE_FIELDS,
    TABLES,
    Columns,
    Dataset,
    FundingPolicy,
    InvalidDataset,
    PathwayPolicy,
    RowOrigins,
    Site,
    column_of,
)
from citeslab_core.vocabularies import Funder, Vocabulary, normalize

__all__ = [
    "IGNORED_SHEETS",
    "PERCENT_COLUMNS",
    "STRUCTURE_KEYS",
    "TABLE_FIELDS",
    "PercentCell",
    "RawSheet",
    "build_dataset",
    "column_letter",
    "field_parsers",
    "needs_quote",
    "protect_text",
    "unquote",
]

#: Columns holding a declared percentage rather than an amount.
PERCENT_COLUMNS = frozenset({"part_declaree"})

#: Sheets of the template that are not data: ignored when read back.
IGNORED_SHEETS = frozenset({"notice", "listes"})


#: The keys of the ``structure`` sheet, in the order the template and the writer list
#: them (``plafond_<financeur>`` keys come after, one per funder).
STRUCTURE_KEYS: tuple[str, ...] = (
    "nom",
    "porteur",
    "territoire",
    "referent",
    "annee",
    "delai_contact_jours",
    "delai_sans_nouvelles_jours",
    "delai_retour_orientation_jours",
    "seuil_ecart_financement",
    "seuil_secret_statistique",
)

_MISSING: Any = object()


@attrs.frozen
class PercentCell:
    """A number read from a cell formatted as a percentage (Excel stores 0.24 for 24 %)."""

    value: float | int


@attrs.frozen
class RawSheet:
    """One sheet as a reader found it: its name and its rows of raw cell values.

    ``rows`` yields ``(row_number, values)`` with 1-based row numbers as a spreadsheet
    shows them; it may be a lazy iterator (it is read once). Empty cells are ``None`` or
    ``""``. ``fractions_ambiguous`` says that percentage-formatted cells cannot be told
    apart from plain numbers (ODS read through calamine): a share between 0 and 1 is then
    refused rather than guessed. A ``rows`` object may also have a ``blocks()`` method
    (see :class:`RowBlock`) to hand the rows after the header over in blocks.
    """

    name: str
    file: str | None
    rows: Iterable[tuple[int, Sequence[object]]]
    fractions_ambiguous: bool = False


# -- texts and the formula protection ---------------------------------------------------


def needs_quote(text: str) -> bool:
    """Whether a writer must put a ``'`` before ``text`` for it to read back unchanged.

    True for what a spreadsheet would take for a formula (:func:`neutralise` would
    change it), for a text with leading or trailing spaces (a reader strips cells), and
    for a text that starts with ``'`` followed by such a text.
    """
    while True:
        if neutralise(text) != text or text != text.strip():
            return True
        if not text.startswith("'"):
            return False
        text = text[1:]


def protect_text(text: str) -> str:
    """The cell to write for ``text``: :func:`neutralise`, plus the same ``'`` wherever
    :func:`unquote` would otherwise change the text."""
    protected = neutralise(text)
    if protected == text and needs_quote(text):
        protected = "'" + text
    return protected


def unquote(cell: str) -> str:
    """The text a cell holds: stripped, or, when it starts with the protecting ``'``,
    what follows it, as written (the inverse of :func:`protect_text`)."""
    if cell.startswith("'"):
        rest = cell[1:]
        if needs_quote(rest):
            return rest
    return cell.strip()


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# -- cell parsers -----------------------------------------------------------------------

Parser = Callable[[object], object]


def _plain(raw: object) -> object:
    return raw.value if isinstance(raw, PercentCell) else raw


def parse_text(raw: object) -> str:
    """A text cell; a number cell is its usual text (``12.0`` → ``"12"``)."""
    if isinstance(raw, str):
        return raw
    raw = _plain(raw)
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
    :data:`~citeslab_core.limits.MAX_COUNT` in size."""
    raw = _plain(raw)
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
    raw = _plain(raw)
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
        for word in _WORDS.split(parse_text(_plain(raw))):
            if word.strip():
                member = vocabulary.parse(word)
                if member not in found:
                    found.append(member)
        if not found:
            raise CellError(f"« {raw} » : aucune valeur de {vocabulary.vocabulary_name}")
        return tuple(found)

    return parse


def _dates(context_year: int | None) -> Parser:
    """Dates separated by ``;`` or ``,``, each a day or a partial date (a month, a range
    of months), or one date cell."""

    def parse(raw: object) -> tuple[PartialDate, ...]:
        raw = _plain(raw)
        if isinstance(raw, dt.date):
            return (parse_date(raw),)
        found = [
            parse_date(part.strip(), partial=True, context_year=context_year)
            for part in re.split(r"[;,]", parse_text(raw))
            if part.strip()
        ]
        return tuple(dict.fromkeys(found))

    return parse


def _percent(fractions_ambiguous: bool) -> Parser:
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
    return parse_amount(_plain(raw))


@attrs.frozen
class FieldSpec:
    """How one model field is read from its column."""

    name: str
    column: str
    required: bool
    parse: Parser
    #: The value standing in for a required field whose cell could not be read, so that
    #: the other checks still see the row; ``_MISSING``: the row is left out.
    placeholder: object


def _field_type(tp: Any) -> Any:
    """``X | None`` → ``X``."""
    if isinstance(tp, types.UnionType) or typing.get_origin(tp) is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _parser_for(
    column: str, tp: Any, context_year: int | None, fractions_ambiguous: bool
) -> tuple[Parser, object]:
    if tp is str:
        return parse_text, _MISSING
    if tp is bool:
        return parse_bool, False
    if tp is int:
        return parse_int, 0
    if tp is Decimal:
        if column in PERCENT_COLUMNS:
            return _percent(fractions_ambiguous), Decimal(0)
        return _amount, Decimal(0)
    if tp is dt.date:

        def day(raw: object) -> dt.date:
            return parse_date(_plain(raw), context_year=context_year).start

        return day, dt.date.min
    if tp is PartialDate:
        birth = column == "date_naissance"  # a two-digit year is never in the future

        def partial(raw: object) -> PartialDate:
            return parse_date(_plain(raw), partial=True, context_year=context_year, birth=birth)

        return partial, PartialDate.day(dt.date.min)
    if isinstance(tp, type) and issubclass(tp, Vocabulary):
        vocabulary = tp

        def member(raw: object) -> Vocabulary:
            if isinstance(raw, str):
                check_length(raw, f"une valeur de {vocabulary.vocabulary_name}")
            return vocabulary.parse(_plain(raw))

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
    amount (:func:`~citeslab_core.amounts.parse_amount`), declared percentage
    (``part_declaree``, :func:`~citeslab_core.amounts.parse_percent`), day
    (:func:`~citeslab_core.dates.parse_date`), partial date, vocabulary value
    (:meth:`~citeslab_core.vocabularies.Vocabulary.parse`), or a list of names.
    """
    hints = typing.get_type_hints(cls)
    specs: dict[str, FieldSpec] = {}
    for field in attrs.fields(cls):
        column = str(field.metadata["column"])
        parse, placeholder = _parser_for(
            column, _field_type(hints[field.name]), context_year, fractions_ambiguous
        )
        specs[normalize(column)] = FieldSpec(
            field.name, column, bool(field.metadata["required"]), parse, placeholder
        )
    return specs


# -- reading sheets ---------------------------------------------------------------------


@attrs.define
class _Collector:
    """The problems found so far, each with a key that sorts them as the file reads."""

    problems: list[tuple[tuple[int, int, int], Problem]] = attrs.field(factory=list)

    def add(self, rank: int, location: Location, message: str, column_index: int = -1) -> None:
        self.problems.append(((rank, location.row or 0, column_index), Problem(location, message)))

    def sorted(self) -> list[Problem]:
        return [p for _, p in sorted(self.problems, key=lambda item: item[0])]


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(
    sheet: RawSheet, rows: Iterator[tuple[int, Sequence[object]]]
) -> tuple[int, list[str]] | None:
    for number, values in rows:
        if any(not _is_empty(v) for v in values):
            return number, [
                parse_text(_plain(v)).strip() if not _is_empty(v) else "" for v in values
            ]
    return None


@attrs.frozen
class _Table:
    """A sheet read into columns (one list per field of the record class), with where
    each row came from."""

    columns: dict[str, list[Any]]
    rows: list[int]
    letters: dict[str, str]
    sheet: str
    file: str | None
    rank: int
    bad_cells: set[tuple[int, str]]


#: Rows read at a time: the column-wise pass holds this many rows' raw cells at once.
CHUNK_ROWS = 50_000


@attrs.frozen
class _Failure:
    """A cell whose value could not be read, and why."""

    message: str


#: An empty cell.
_EMPTY: Any = object()
#: A cell the column-wise pass leaves to the row-wise pass: it does not read, or it is an
#: empty cell of a required column.
_ODD: Any = object()
#: Cell types whose values compare equal across types (``1 == 1.0 == True``): a column
#: holding one of them is looked up by (type, value), never by value alone.
_NUMBERS = frozenset({bool, int, float, Decimal, PercentCell})
#: The most distinct values a column remembers; beyond, it starts again (memory bound).
_MEMO_LIMIT = 250_000


def _cell_value(raw: object, parse: Parser | None) -> object:
    """A cell's value as the row-wise pass reads it: ``_EMPTY`` when the cell is empty,
    a :class:`_Failure` when it cannot be read.

    ``parse`` is ``None`` for a text column."""
    if raw is None or raw == "":
        return _EMPTY
    if raw.__class__ is str:
        text: str = raw
        text = unquote(text) if text[0] == "'" else text.strip()
        if not text:
            return _EMPTY
        if len(text) > MAX_TEXT_CHARS:
            return _Failure(_too_long(text))
        if parse is None:
            return text
        raw = text
    try:
        return parse_text(raw) if parse is None else parse(raw)
    except CellError as exc:
        return _Failure(str(exc))


def _too_long(text: str) -> str:
    return (
        f"texte de {len(text)} caractères : trop long pour une cellule "
        f"(au plus {MAX_TEXT_CHARS}, la limite d'Excel)"
    )


@attrs.define
class _Column:
    """One model field as the column-wise pass reads it."""

    index: int  # in the sheet; -1: the column is absent, every row gets ``default``
    parse: Parser | None  # None: text
    required: bool
    default: object
    memo: dict[object, object] = attrs.field(factory=dict)  # raw cell → value, or _ODD
    has_odd: bool = False  # whether the memo holds _ODD

    def values(self, block: _Block, odd_rows: set[int]) -> list[object]:
        """The column's values in ``block``; rows it cannot read go to ``odd_rows``."""
        if self.index < 0:
            return [self.default] * block.count
        raw = block.column(self.index)
        memo = self.memo
        if block.text_only:
            # Cells already seen (after the first block, nearly all of them in a column of
            # codes or dates) are looked up in one pass; a new one stops it at once.
            try:
                values = list(map(memo.__getitem__, raw))
            except KeyError:
                self._learn(set(raw))
                values = list(map(memo.__getitem__, raw))
        else:
            distinct = set(raw)
            if not _NUMBERS.isdisjoint(map(type, distinct)):
                return self._typed(raw, odd_rows)
            self._learn(distinct)
            values = list(map(memo.__getitem__, raw))
        if self.has_odd:
            odd_rows.update(i for i, value in enumerate(values) if value is _ODD)
        return values

    def _learn(self, distinct: set[object]) -> None:
        """Read the cells of ``distinct`` not read yet."""
        memo = self.memo
        new = distinct.difference(memo)
        if not new:
            return
        if len(memo) + len(new) > _MEMO_LIMIT:
            memo.clear()
            new = distinct
        parse = self.parse
        for cell in new:
            if (
                parse is None
                and cell.__class__ is str
                and cell
                and cell[0] != "'"
                and len(cell) <= MAX_TEXT_CHARS
            ):
                value = cell.strip() or _EMPTY  # a text
            else:
                value = _cell_value(cell, parse)
            if value.__class__ is _Failure or (value is _EMPTY and self.required):
                value = _ODD
                self.has_odd = True
            elif value is _EMPTY:
                value = self.default
            memo[cell] = value

    def _typed(self, raw: list[object], odd_rows: set[int]) -> list[object]:
        """Cells of mixed types (a workbook): looked up by type and value, cell by cell."""
        memo: dict[tuple[type, object], object] = {}
        values: list[object] = []
        for i, cell in enumerate(raw):
            key = (cell.__class__, cell)
            value = memo.get(key, _MISSING)
            if value is _MISSING:
                value = memo[key] = _cell_value(cell, self.parse)
            if value is _EMPTY or value.__class__ is _Failure:
                if value is not _EMPTY or self.required:
                    odd_rows.add(i)
                value = self.default
            values.append(value)
        return values


def _column_plan(cls: type, columns: list[tuple[int, FieldSpec]]) -> list[_Column] | None:
    """The column-wise reading of ``cls``'s fields, or ``None`` when ``cls`` cannot be
    built from positional values alone (then every row is read row-wise)."""
    index_of = {spec.name: (index, spec) for index, spec in columns}
    plan: list[_Column] = []
    if not any(spec.required for _, spec in columns):
        return None  # empty rows are recognised by their empty required cells
    for field in attrs.fields(cls):
        if not field.init or field.kw_only or isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            return None
        index, spec = index_of.get(field.name, (-1, None))
        if spec is None:
            if field.default is attrs.NOTHING:
                return None
            plan.append(_Column(-1, None, False, field.default))
            continue
        parse = None if spec.parse is parse_text else spec.parse
        plan.append(_Column(index, parse, spec.required, field.default))
    return plan


def _read_rows(
    cls: type,
    rank: int,
    rows: Iterator[tuple[int, Sequence[object]]],
    columns: list[tuple[int, FieldSpec]],
    blank_headers: list[int],
    span: int,
    table: _Table,
    out: _Collector,
) -> None:
    """Read the data rows of a sheet into ``table``, problems into ``out``.

    Rows are read :data:`CHUNK_ROWS` at a time, column by column: each distinct raw value
    of a column is parsed once (dates, codes and names repeat massively), and the records
    of the rows whose every cell reads cleanly are built from positional values. Any other
    row (a cell that does not read, an empty required cell, an empty row, a value without
    a header, a short or long row) goes through the row-wise pass, :func:`read_row`, which
    is the reference: it reports each problem in place.
    """
    numbers, bad = table.rows, table.bad_cells
    columns_out = list(table.columns.values())
    getters = [attrgetter(name) for name in table.columns]

    def add_record(record: object) -> None:
        for column, get in zip(columns_out, getters, strict=True):
            column.append(get(record))

    letters = table.letters
    sheet, file = table.sheet, table.file
    specs_by_name = {s.name: s for _, s in columns}
    required = [s for _, s in columns if s.required]
    required_names = {s.name for s in required}
    reported_blank: set[int] = set()
    row_plan = [(i, s.name, None if s.parse is parse_text else s.parse) for i, s in columns]
    row_memos: dict[str, dict[tuple[type, object], object]] = {s.name: {} for _, s in columns}

    def read_row(number: int, values: Sequence[object]) -> None:
        """One row, cell by cell: the reference reading, which reports every problem."""
        if not values:
            return
        width = len(values)
        kwargs: dict[str, object] = {}
        filled = False
        failed: set[str] | None = None
        for index, name, parse in row_plan:
            if index >= width:
                continue
            raw = values[index]
            if raw is None or raw == "":
                continue
            memo = row_memos[name]
            key = (raw.__class__, raw)
            value = memo.get(key, _MISSING)
            if value is _MISSING:
                value = memo[key] = _cell_value(raw, parse)
            if value is _EMPTY:
                continue
            filled = True
            if value.__class__ is not _Failure:
                kwargs[name] = value
                continue
            if failed is None:
                failed = set()
            failed.add(name)
            out.add(
                rank,
                Location(file, sheet, number, specs_by_name[name].column, column_letter(index)),
                value.message,
                index,
            )
        if width > span and any(values[span:]):
            # Cells right of the last header: checked only when something is there.
            blank_headers.extend(
                i
                for i in range(span, width)
                if not _is_empty(values[i]) and i not in reported_blank
            )
        for index in blank_headers:
            if index < width and not _is_empty(values[index]):
                filled = True
                if index not in reported_blank:
                    reported_blank.add(index)
                    out.add(
                        rank,
                        Location(file, sheet, number, None, column_letter(index)),
                        "valeur dans une colonne sans en-tête (donnez-lui un nom, ou un "
                        "nom commençant par _ pour qu'elle soit ignorée)",
                        index,
                    )
        if not filled:
            return
        if failed is None and required_names <= kwargs.keys():
            add_record(cls(**kwargs))
            numbers.append(number)
            return
        failed = failed or set()
        for spec in required:
            if spec.name in kwargs:
                continue
            if spec.name not in failed:
                letter = letters[spec.name]
                out.add(
                    rank,
                    Location(file, sheet, number, spec.column, letter),
                    f"la colonne {spec.column} est obligatoire",
                    _letter_index(letter),
                )
            if spec.placeholder is _MISSING:
                return
            kwargs[spec.name] = spec.placeholder
            failed.add(spec.name)  # the placeholder's own checks say nothing more
        for name in failed:
            bad.add((len(numbers), name))
        add_record(cls(**kwargs))
        numbers.append(number)

    plan = _column_plan(cls, columns)
    if plan is None:
        for number, values in rows:
            read_row(number, values)
        return
    inner_blank = list(blank_headers)  # headerless columns inside the header's span
    for block in _blocks(rows, span):
        odd_rows = set(block.odd)
        for blank in (*inner_blank, *range(span, block.width)):
            raw = block.column(blank)
            filled = {cell for cell in set(raw) if not _is_empty(cell)}
            if filled:
                odd_rows.update(i for i, cell in enumerate(raw) if cell in filled)
        fields = [column.values(block, odd_rows) for column in plan]
        row_numbers = block.numbers
        begin = 0
        for i in sorted(odd_rows):
            if i > begin:
                for column, values in zip(columns_out, fields, strict=True):
                    column.extend(values[begin:i])
                numbers.extend(row_numbers[begin:i])
            read_row(row_numbers[i], block.row(i))
            begin = i + 1
        if begin < block.count:
            if begin:
                fields = [values[begin:] for values in fields]
                row_numbers = row_numbers[begin:]
            for column, values in zip(columns_out, fields, strict=True):
                column.extend(values)
            numbers.extend(row_numbers)


@attrs.frozen
class RowBlock:
    """Consecutive rows of text cells, stored row after row in one list: the cell of row
    ``i`` and column ``j`` is ``flat[i * width + j]``. A reader whose ``rows`` object has a
    ``blocks()`` method lets the rows be read without building one list per row (a CSV
    file without quotes): once the header row was read from it, ``blocks()`` yields the
    rest of the rows, each block a :class:`RowBlock` or a ``(numbers, rows)`` pair of
    lists (rows of any width)."""

    numbers: list[int]
    flat: list[str]
    width: int


class _Block:
    """Rows read at once, as the column-wise pass sees them: every row ``width`` cells wide
    (short rows padded, long rows cut to the header's span, and marked ``odd`` when they
    hold something beyond it)."""

    __slots__ = ("_cells", "_flat", "_rows", "count", "numbers", "odd", "text_only", "width")

    def __init__(
        self,
        numbers: list[int],
        *,
        rows: list[Sequence[object]] | None = None,
        flat: list[str] | None = None,
        width: int = 0,
        span: int = 0,
    ) -> None:
        self.numbers = numbers
        self.count = len(numbers)
        self.odd: set[int] = set()
        self._rows = rows
        self._flat = flat
        self.width = width
        self._cells: list[Sequence[object]] = []
        self.text_only = flat is not None  # every cell a str
        if rows is None:
            return
        self.width = span
        cells = rows
        if set(map(len, rows)) != {span}:
            cells = list(rows)
            padding = (None,) * span
            for i, values in enumerate(rows):
                size = len(values)
                if size < span:
                    cells[i] = (*values, *padding[size:])
                    if not size:
                        self.odd.add(i)
                elif size > span:
                    if any(not _is_empty(v) for v in values[span:]):
                        self.odd.add(i)
                    cells[i] = values[:span]
        self._cells = cells

    def column(self, index: int) -> list[object]:
        """The cells of a column, one a row (``None`` beyond a row's end)."""
        if self._flat is not None:
            if index >= self.width:
                return [None] * self.count
            return self._flat[index :: self.width]  # type: ignore[return-value]
        return list(map(itemgetter(index), self._cells))

    def row(self, i: int) -> Sequence[object]:
        """A row's cells as the file holds them."""
        if self._rows is not None:
            return self._rows[i]
        assert self._flat is not None
        return self._flat[i * self.width : (i + 1) * self.width]


def _blocks(rows: Iterator[tuple[int, Sequence[object]]], span: int) -> Iterator[_Block]:
    blocks = getattr(rows, "blocks", None)
    if blocks is not None:
        for block in blocks():
            if isinstance(block, RowBlock):
                yield _Block(block.numbers, flat=block.flat, width=block.width)
            else:
                numbers, values = block
                yield _Block(numbers, rows=values, span=span)
        return
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield _Block(
            list(map(itemgetter(0), chunk)), rows=list(map(itemgetter(1), chunk)), span=span
        )


def _read_records(
    sheet: RawSheet,
    cls: type,
    rank: int,
    *,
    sheet_required: bool,
    context_year: int | None,
    out: _Collector,
) -> _Table:
    specs = field_parsers(
        cls, context_year=context_year, fractions_ambiguous=sheet.fractions_ambiguous
    )
    rows = iter(sheet.rows)
    values: dict[str, list[Any]] = {field.name: [] for field in attrs.fields(cls)}
    numbers: list[int] = []
    letters: dict[str, str] = {}
    bad: set[tuple[int, str]] = set()
    result = _Table(values, numbers, letters, sheet.name, sheet.file, rank, bad)
    found = _header(sheet, rows)
    if found is None:
        if sheet_required:
            out.add(
                rank,
                Location(sheet.file, sheet.name),
                "la feuille est vide : il faut au moins la ligne des en-têtes ("
                + ", ".join(s.column for s in specs.values())
                + ")",
            )
        return result
    header_row, headers = found
    span = max(i for i, h in enumerate(headers) if h) + 1
    headers = headers[:span]
    table = _TABLE_OF_CLASS.get(cls, "")
    # a header is a column's code or its label (the template's header)
    by_label = {normalize(column_label(table, s.column)): key for key, s in specs.items()}
    columns: list[tuple[int, FieldSpec]] = []
    blank_headers: list[int] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        where = Location(sheet.file, sheet.name, header_row, header or None, column_letter(index))
        if not header:
            blank_headers.append(index)
            continue
        if header.startswith("_"):
            continue
        key = normalize(header)
        key = by_label.get(key, key)
        spec = specs.get(key)
        if spec is None:
            labels = [column_label(table, s.column) for s in specs.values()]
            near = did_you_mean(header, [*labels, *(s.column for s in specs.values())])
            out.add(
                rank,
                where,
                f"colonne « {header} » inconnue{near} (colonnes possibles : "
                + ", ".join(labels)
                + " ; une colonne dont le nom commence par _ est ignorée)",
                index,
            )
            continue
        if key in seen:
            out.add(
                rank,
                where,
                f"colonne « {header} » en double (déjà en {column_letter(seen[key])})",
                index,
            )
            continue
        seen[key] = index
        letters[spec.name] = column_letter(index)
        columns.append((index, spec))
    missing = [s for k, s in specs.items() if s.required and k not in seen]
    for spec in missing:
        out.add(
            rank,
            Location(sheet.file, sheet.name, header_row, spec.column),
            f"colonne obligatoire « {_named(table, spec.column)} absente",
        )
    if missing:
        return result  # no row can be read without its required columns
    _read_rows(cls, rank, rows, columns, blank_headers, span, result, out)
    return result


# -- the structure sheet ----------------------------------------------------------------


def _positive_int(raw: object) -> int:
    """A number of days or persons that must be at least 1."""
    value = parse_int(raw)
    if value < 1:
        raise CellError(f"« {raw} » : un nombre entier d'au moins 1 est attendu")
    return value


_KEY_PARSERS: dict[str, tuple[str, Parser]] = {
    "nom": ("name", parse_text),
    "porteur": ("host", parse_text),
    "territoire": ("territory", parse_text),
    "referent": ("referent", parse_text),
    "annee": ("year", lambda raw: check_year(parse_int(raw))),
    "delai_contact_jours": ("pathway.contact_days", _positive_int),
    "delai_sans_nouvelles_jours": ("pathway.no_news_days", _positive_int),
    "delai_retour_orientation_jours": ("pathway.orientation_reply_days", _positive_int),
    "seuil_ecart_financement": ("funding.gap_threshold", _percent(False)),
    "seuil_secret_statistique": ("disclosure_threshold", _positive_int),
}
_KEYS_BY_NORM = {normalize(k): k for k in _KEY_PARSERS}
_CAP = re.compile(r"^plafond[ _-]?(.+)$")


def _read_site(sheet: RawSheet, rank: int, out: _Collector) -> Site:
    rows = iter(sheet.rows)
    found = _header(sheet, rows)
    if found is None:
        return Site()
    header_row, headers = found
    key_col = value_col = -1
    for index, header in enumerate(headers):
        where = Location(sheet.file, sheet.name, header_row, header or None, column_letter(index))
        norm = normalize(header)
        if norm == "cle":
            key_col = index
        elif norm == "valeur":
            value_col = index
        elif header and not header.startswith("_"):
            out.add(
                rank,
                where,
                f"colonne « {header} » inconnue{did_you_mean(header, ('Clé', 'Valeur'))} "
                "(colonnes possibles : Clé, Valeur)",
                index,
            )
    for name, index in (("cle", key_col), ("valeur", value_col)):
        if index < 0:
            out.add(
                rank,
                Location(sheet.file, sheet.name, header_row, name),
                f"colonne obligatoire « {name} » absente",
            )
    if key_col < 0 or value_col < 0:
        return Site()
    values: dict[str, object] = {}
    caps: dict[Funder, Decimal] = {}
    seen: dict[str, int] = {}
    percent = _percent(sheet.fractions_ambiguous)
    for number, cells in rows:
        raw_key = cells[key_col] if key_col < len(cells) else None
        raw_value = cells[value_col] if value_col < len(cells) else None
        if isinstance(raw_value, str):
            raw_value = unquote(raw_value)
        value_empty = _is_empty(raw_value)
        if _is_empty(raw_key):
            if not value_empty:
                out.add(
                    rank,
                    Location(sheet.file, sheet.name, number, "cle", column_letter(key_col)),
                    "une valeur sans clé",
                    key_col,
                )
            continue
        key = parse_text(raw_key).strip()
        key_where = Location(sheet.file, sheet.name, number, "cle", column_letter(key_col))
        where = Location(sheet.file, sheet.name, number, "valeur", column_letter(value_col))
        if key.startswith("_"):
            continue
        norm = normalize(key)
        if norm in seen:
            out.add(
                rank, key_where, f"clé « {key} » en double (déjà à la ligne {seen[norm]})", key_col
            )
            continue
        seen[norm] = number
        cap = _CAP.match(norm)
        funder: Funder | None = None
        if norm in _KEYS_BY_NORM:
            target, parse = _KEY_PARSERS[_KEYS_BY_NORM[norm]]
        elif cap:
            try:
                funder = Funder.parse(cap[1])
            except CellError as exc:
                out.add(rank, key_where, f"clé « {key} » : {exc}", key_col)
                continue
            target, parse = "cap", percent
        else:
            near = did_you_mean(key, STRUCTURE_KEYS)
            out.add(
                rank,
                key_where,
                f"clé « {key} » inconnue{near} (clés possibles : {', '.join(STRUCTURE_KEYS)}, "
                "plafond_<financeur> ; une clé qui commence par _ est ignorée)",
                key_col,
            )
            continue
        if value_empty:
            continue
        try:
            value = parse(raw_value)
        except CellError as exc:
            out.add(rank, where, f"clé {key} : {exc}", value_col)
            continue
        if funder is not None:
            caps[funder] = value  # type: ignore[assignment]
        else:
            values[target] = value
    pathway: dict[str, Any] = {
        k.split(".")[1]: v for k, v in values.items() if k.startswith("pathway.")
    }
    funding: dict[str, Any] = {
        k.split(".")[1]: v for k, v in values.items() if k.startswith("funding.")
    }
    plain: dict[str, Any] = {k: v for k, v in values.items() if "." not in k}
    return Site(
        **plain,
        pathway_policy=PathwayPolicy(**pathway),
        funding_policy=FundingPolicy(caps=caps, **funding),
    )


# -- the whole dataset ------------------------------------------------------------------

_CLASS_OF = {name: cls for name, cls, _ in TABLES}
_REQUIRED_SHEETS = tuple(name for name, _, required in TABLES if required)
_ORDER = ("structure", *(name for name, _, _ in TABLES))


_TABLE_OF_CLASS = {cls: name for name, cls, _ in TABLES}


def _named(table: str, column: str) -> str:
    """``Date »`` or ``Identifiant » (id)``: a column's label, with its code when the two
    differ, after an opening « ."""
    label = column_label(table, column)
    return f"{label} »" if normalize(label) == normalize(column) else f"{label} » ({column})"


def known_sheet(name: str) -> str | None:
    """The table a sheet name means, by its code or its label (``"Porteurs"``,
    ``"Porteurs de projet"`` → ``"porteurs"``), if any."""
    norm = normalize(name)
    for table in _ORDER:
        if norm in (normalize(table), normalize(sheet_label(table))):
            return table
    return None


def _near_sheet(name: str, suffix: str = "") -> str:
    """`` : vouliez-vous dire « suivis » ?`` for a sheet name close to a known one
    (``suffix``: ``.csv`` for a file of a CSV folder)."""
    near = suggestion(name, [*_ORDER, *(sheet_label(t) for t in _ORDER)])
    return f" : vouliez-vous dire « {near}{suffix} » ?" if near else ""


def is_ignored(name: str) -> bool:
    """A sheet that holds no data: ``_…``, or the template's notice and lists."""
    return name.strip().startswith("_") or normalize(name) in IGNORED_SHEETS


def build_dataset(
    sheets: Iterable[RawSheet],
    *,
    file: str | None,
    missing_hint: Callable[[str], str] | None = None,
    csv_folder: bool = False,
    notes: Sequence[Problem] = (),
) -> Dataset:
    """The dataset of a file's sheets, or :class:`InvalidData` with every problem.

    ``sheets`` may be lazy: each sheet is read once, ``structure`` first if the reader
    yields it first (its ``annee`` is the context year of dates written without a year).
    ``missing_hint`` words the message of a missing required sheet (a CSV folder says
    which file to add). ``notes`` are the reader's warnings (the dataset's
    :attr:`~citeslab_core.model.Dataset.notes`); it is read once every sheet was read, so
    a lazy reader may fill it while its sheets are read.
    """
    seen: list[RawSheet] = []
    try:
        return _build(
            sheets,
            file=file,
            missing_hint=missing_hint,
            csv_folder=csv_folder,
            seen=seen,
            notes=notes,
        )
    finally:
        for sheet in seen:  # release the files the row iterators hold open
            close = getattr(sheet.rows, "close", None)
            if close is not None:
                close()


def _build(
    sheets: Iterable[RawSheet],
    *,
    file: str | None,
    missing_hint: Callable[[str], str] | None = None,
    csv_folder: bool = False,
    seen: list[RawSheet],
    notes: Sequence[Problem] = (),
) -> Dataset:
    out = _Collector()
    by_table: dict[str, RawSheet] = {}
    for sheet in sheets:
        seen.append(sheet)
        if is_ignored(sheet.name):
            continue
        table = known_sheet(sheet.name)
        if table is None:
            if csv_folder:
                message = (
                    f"fichier « {sheet.file} » inconnu{_near_sheet(sheet.name, '.csv')} "
                    "(fichiers possibles : "
                    + ", ".join(f"{t}.csv" for t in _ORDER)
                    + " ; un fichier dont le nom commence par _ est ignoré)"
                )
            else:
                message = (
                    f"feuille « {sheet.name} » inconnue{_near_sheet(sheet.name)} "
                    "(feuilles possibles : "
                    f"{', '.join(_ORDER)} ; une feuille dont le nom commence par _ "
                    "est ignorée)"
                )
            out.add(-1, Location(sheet.file, None if csv_folder else sheet.name), message)
            continue
        if table in by_table:
            first = by_table[table]
            out.add(
                -1,
                Location(sheet.file, None if csv_folder else sheet.name),
                f"« {sheet.file if csv_folder else sheet.name} » en double (déjà : "
                f"{first.file if csv_folder else first.name})",
            )
            continue
        by_table[table] = sheet
    for table in _REQUIRED_SHEETS:
        if table not in by_table:
            message = (
                missing_hint(table)
                if missing_hint
                else f"la feuille « {table} » manque (feuilles obligatoires : "
                f"{', '.join(_REQUIRED_SHEETS)})"
            )
            out.add(-1, Location(file), message)
    site = Site()
    if "structure" in by_table:
        site = _read_site(by_table["structure"], 0, out)
    tables: dict[str, _Table] = {}
    for rank, table in enumerate(_ORDER[1:], start=1):
        found = by_table.get(table)
        if found is not None:
            tables[table] = _read_records(
                found,
                _CLASS_OF[table],
                rank,
                sheet_required=table in _REQUIRED_SHEETS,
                context_year=site.year,
                out=out,
            )
    if "porteurs" in tables:
        _check_ids(tables["porteurs"], out)
    try:
        data = Dataset.from_columns(
            site=site,
            notes=notes,
            origins={t: RowOrigins(read.file, read.sheet, read.rows) for t, read in tables.items()},
            tables={
                t: Columns(_CLASS_OF[t], read.columns, len(read.rows)) for t, read in tables.items()
            },
        )
    except InvalidDataset as exc:
        for issue in exc.issues:
            read = tables.get(issue.table)
            if read is None or issue.index >= len(read.rows):  # pragma: no cover - safety
                out.add(99, Location(file, issue.table), issue.message)
                continue
            if (issue.index, issue.field or "") in read.bad_cells:
                continue  # the cell's own error already says it
            if issue.table == "porteurs" and issue.field == "id":
                continue  # reported by _check_ids, with rows
            cls = _CLASS_OF[issue.table]
            column = column_of(cls, issue.field) if issue.field else None
            letter = read.letters.get(issue.field or "")
            out.add(
                read.rank,
                Location(read.file, read.sheet, read.rows[issue.index], column, letter),
                issue.message,
                _letter_index(letter),
            )
        raise InvalidData(out.sorted()) from None
    if out.problems:
        raise InvalidData(out.sorted())
    return data


def _letter_index(letter: str | None) -> int:
    if not letter:
        return -1
    index = 0
    for ch in letter:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _check_ids(read: _Table, out: _Collector) -> None:
    """Duplicate and empty person ids, named by row (the dataset names elements)."""
    first_row: dict[str, tuple[int, str]] = {}
    letter = read.letters.get("id")
    for person_id, row in zip(read.columns["id"], read.rows, strict=True):
        key = identity_key(person_id)  # ids that differ only invisibly are one id
        if not key:
            out.add(
                read.rank,
                Location(read.file, read.sheet, row, "id", letter),
                "identifiant vide (seulement des caractères invisibles)",
                _letter_index(letter),
            )
        elif key in first_row:
            before, spelt = first_row[key]
            alike = "" if spelt == person_id else f" (« {spelt} » : même identifiant)"
            out.add(
                read.rank,
                Location(read.file, read.sheet, row, "id", letter),
                f"identifiant « {person_id} » en double{alike} (déjà à la ligne {before})",
                _letter_index(letter),
            )
        else:
            first_row[key] = row, person_id
