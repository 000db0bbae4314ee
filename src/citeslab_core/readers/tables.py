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
- rows are read a block at a time and column by column (:mod:`._columns`): each distinct
  cell of a column is parsed once, and the values of the rows that read cleanly go into
  the sheet's columns (the :class:`~citeslab_core.model.Dataset` holds columns); any other
  row goes through the row-wise reading (:mod:`._rows`), the reference, which names each
  problem (docs/performance.md);
- the ``structure`` sheet (``cle``, ``valeur``) becomes the :class:`~citeslab_core.model.Site`
  (:mod:`._structure`); its ``annee`` is the year of dates written without one
  (``15-févr``);
- a text cell that starts with ``'`` followed by something a spreadsheet would take for a
  formula (or by a text with leading or trailing spaces) loses that one ``'``: it is the
  protection :func:`~citeslab_core.readers.files.neutralise` added when the file was written, so
  writing then reading a dataset gives it back unchanged;
- every problem (cell, header, sheet, and the dataset's own checks mapped back to their
  row) is collected, and :class:`~citeslab_core.errors.InvalidData` lists them all.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.headers import column_label, did_you_mean, sheet_label, suggestion
from citeslab_core.model import (
    TABLE_FIELDS,
    TABLES,
    Columns,
    Dataset,
    InvalidDataset,
    Issue,
    Repeated,
    RowOrigins,
    Site,
    column_of,
)
from citeslab_core.model.identity import identity_key
from citeslab_core.readers._cells import (
    PERCENT_COLUMNS,
    FieldSpec,
    PercentCell,
    column_letter,
    field_parsers,
    letter_index,
)
from citeslab_core.readers._columns import DeferredText, read_rows
from citeslab_core.readers._quoting import needs_quote, protect_text, unquote
from citeslab_core.readers._rows import (
    ROW_NUMBERS,
    AbsentColumn,
    Collector,
    RawSheet,
    SheetColumns,
    TextStore,
    header_row,
)
from citeslab_core.readers._structure import STRUCTURE_KEYS, read_site
from citeslab_core.vocabularies import normalize

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

#: Sheets of the template that are not data: ignored when read back.
IGNORED_SHEETS = frozenset({"notice", "listes"})


def _read_records(
    sheet: RawSheet,
    cls: type,
    rank: int,
    *,
    sheet_required: bool,
    context_year: int | None,
    out: Collector,
    row_wise: bool = False,
    known: Mapping[str, Sequence[str]] | None = None,
) -> SheetColumns:
    """A sheet read into columns (or, ``row_wise``, into records), problems into ``out``;
    ``known``: see :func:`~citeslab_core.readers._columns.read_rows`."""
    specs = field_parsers(
        cls, context_year=context_year, fractions_ambiguous=sheet.fractions_ambiguous
    )
    rows = iter(sheet.rows)
    result = SheetColumns(
        record=cls,
        columns={field.name: [] for field in attrs.fields(cls)},
        rows=array(ROW_NUMBERS),
        letters={},
        sheet=sheet.name,
        file=sheet.file,
        rank=rank,
        bad_cells=set(),
        records=[] if row_wise else None,
    )
    found = header_row(sheet, rows)
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
    number, headers = found
    span = max(i for i, h in enumerate(headers) if h) + 1
    columns, blank_headers = _match_headers(
        sheet,
        number=number,
        headers=headers[:span],
        specs=specs,
        letters=result.letters,
        rank=rank,
        out=out,
    )
    if columns is not None:  # else no row can be read without its required columns
        read_rows(
            rows,
            rank=rank,
            columns=columns,
            blank_headers=blank_headers,
            span=span,
            table=result,
            out=out,
            row_wise=row_wise,
            known=known,
        )
    return result


def _match_headers(
    sheet: RawSheet,
    *,
    number: int,
    headers: list[str],
    specs: dict[str, FieldSpec],
    letters: dict[str, str],
    rank: int,
    out: Collector,
) -> tuple[list[tuple[int, FieldSpec]] | None, list[int]]:
    """The columns the headers name (``None`` when a required one is missing) and the
    headerless ones; unknown, doubled and missing headers reported."""
    table = known_sheet(sheet.name) or ""
    # a header is a column's code or its label (the template's header)
    by_label = {normalize(column_label(table, s.column)): key for key, s in specs.items()}
    columns: list[tuple[int, FieldSpec]] = []
    blank_headers: list[int] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        where = Location(sheet.file, sheet.name, number, header or None, column_letter(index))
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
            Location(sheet.file, sheet.name, number, spec.column),
            f"colonne obligatoire « {_named(table, spec.column)} absente",
        )
    return (None if missing else columns), blank_headers


_CLASS_OF: Mapping[str, type] = {name: cls for name, cls, _ in TABLES}
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
    row_wise: bool = False,
) -> Dataset:
    """The dataset of a file's sheets, or :class:`InvalidData` with every problem.

    ``sheets`` may be lazy: each sheet is read once, ``structure`` first if the reader
    yields it first (its ``annee`` is the context year of dates written without a year).
    ``missing_hint`` words the message of a missing required sheet (a CSV folder says
    which file to add). ``notes`` are the reader's warnings (the dataset's
    :attr:`~citeslab_core.model.Dataset.notes`); it is read once every sheet was read, so
    a lazy reader may fill it while its sheets are read. ``row_wise`` reads every row
    cell by cell into records and builds the dataset from them
    (:meth:`~citeslab_core.model.Dataset.build`): the reference the column-wise reading is
    tested against, never faster.
    """
    seen: list[RawSheet] = []
    out = Collector()
    try:
        by_table = _sheets_by_table(sheets, seen, out, file, missing_hint, csv_folder)
        site = Site()
        if "structure" in by_table:
            site = read_site(by_table["structure"], 0, out)
        tables: dict[str, SheetColumns] = {}
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
                    row_wise=row_wise,
                    known=_known(table, tables),
                )
        return _dataset(site, tables, notes, file, out)
    finally:
        for sheet in seen:  # release the files the row iterators hold open
            close = getattr(sheet.rows, "close", None)
            if close is not None:
                close()


def _sheets_by_table(
    sheets: Iterable[RawSheet],
    seen: list[RawSheet],
    out: Collector,
    file: str | None,
    missing_hint: Callable[[str], str] | None,
    csv_folder: bool,
) -> dict[str, RawSheet]:
    """The sheets by the table each holds (unknown, doubled and missing ones reported)."""
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
    return by_table


def _dataset(
    site: Site,
    tables: dict[str, SheetColumns],
    notes: Sequence[Problem],
    file: str | None,
    out: Collector,
) -> Dataset:
    """The checked dataset of the sheets read; its problems mapped back to their rows."""
    origins = {
        t: RowOrigins(read.file, read.sheet, _compact(read.rows)) for t, read in tables.items()
    }
    row_wise = any(read.records is not None for read in tables.values())
    columns: dict[str, Columns[Any]] = {}
    if not row_wise:
        columns = {t: _columns_of(read) for t, read in tables.items()}
    try:
        if row_wise:  # the reference
            records = {TABLE_FIELDS[t]: read.records or () for t, read in tables.items()}
            data = Dataset.build(site=site, notes=notes, origins=origins, **records)
        else:
            data = Dataset.from_columns(site=site, notes=notes, origins=origins, tables=columns)
    except InvalidDataset as exc:
        if any(i.table == "porteurs" and i.field == "id" for i in exc.issues):
            persons = tables["porteurs"]
            ids = columns["porteurs"]["id"] if columns else [p.id for p in persons.records or ()]
            _check_ids(persons, ids, out)  # the same problems, named by row
        for issue in exc.issues:
            read = tables.get(issue.table)
            if read is None or issue.index >= len(read.rows):  # pragma: no cover - safety
                out.add(99, Location(file, issue.table), issue.message)
                continue
            if (issue.index, issue.field or "") in read.bad_cells:
                continue  # the cell's own error already says it
            if issue.table == "porteurs" and issue.field == "id":
                continue  # reported by _check_ids, with rows
            column = column_of(read.record, issue.field) if issue.field else None
            letter = read.letters.get(issue.field or "")
            out.add(
                read.rank,
                Location(read.file, read.sheet, read.rows[issue.index], column, letter),
                issue.message,
                letter_index(letter),
            )
        raise _refused(out, site, tables, columns, notes=notes, issues=exc.issues) from None
    if out.problems:
        raise _refused(out, site, tables, columns, notes=notes, whole=data)
    return data


def _refused(
    out: Collector,
    site: Site,
    tables: dict[str, SheetColumns],
    columns: dict[str, Columns[Any]],
    *,
    notes: Sequence[Problem],
    issues: Sequence[Issue] = (),
    whole: Dataset | None = None,
) -> InvalidData:
    """The error listing every problem, with what can still be read of the data
    (:attr:`InvalidData.readable`): every sheet's sound rows, less each person one of whose
    own rows is broken (:attr:`InvalidData.set_aside`), so that the rules of the référent
    are checked on the others in the same run. Only the column-wise reading offers it."""
    error = InvalidData(out.sorted())
    if not columns or "porteurs" not in columns or "suivis" not in columns:
        return error
    bad: dict[str, set[int]] = {t: {i for i, _ in read.bad_cells} for t, read in tables.items()}
    for issue in issues:
        bad.setdefault(issue.table, set()).add(issue.index)
    if whole is not None and not any(bad.values()):
        error.readable = whole
        return error
    ids: Sequence[str] = columns["porteurs"]["id"]
    persons: Sequence[str] = columns["suivis"]["person"]
    aside = {ids[i] for i in bad.get("porteurs", ())} | {persons[i] for i in bad.get("suivis", ())}
    aside_keys = {identity_key(name) for name in aside if name}
    kept: dict[str, Columns[Any]] = {}
    origins: dict[str, RowOrigins] = {}
    for table, sheet in columns.items():
        read, broken = tables[table], bad.get(table, set())
        if table in ("porteurs", "suivis"):
            names = ids if table == "porteurs" else persons
            rows = [
                i
                for i in range(len(sheet))
                if i not in broken and identity_key(names[i]) not in aside_keys
            ]
        else:
            rows = [i for i in range(len(sheet)) if i not in broken]
        kept[table] = sheet.take(rows)
        origins[table] = RowOrigins(read.file, read.sheet, [read.rows[i] for i in rows])
    try:
        error.readable = Dataset.from_columns(site=site, notes=notes, origins=origins, tables=kept)
    except InvalidDataset:  # what is left still does not hold together: nothing more to say
        return error
    error.set_aside = tuple(sorted(name for name in aside if name))
    return error


def _known(table: str, read: Mapping[str, SheetColumns]) -> dict[str, Sequence[str]] | None:
    """The texts the cells of ``table`` likely hold, by field: the events' persons are the
    ids of the persons' sheet read before."""
    persons = read.get("porteurs")
    if table != "suivis" or persons is None or persons.records is not None:
        return None
    ids = persons.columns["id"]
    return {"person": ids} if isinstance(ids, list) else None


def _compact(rows: array[int]) -> Sequence[int]:
    """Row numbers, as a ``range`` when they follow each other (a file without empty
    rows: 750 000 numbers then take no memory)."""
    if rows and rows[-1] - rows[0] == len(rows) - 1:  # increasing, so consecutive
        return range(rows[0], rows[-1] + 1)
    return rows


def _columns_of(read: SheetColumns) -> Columns[Any]:
    """The sheet's :class:`~citeslab_core.model.Columns`: each list made a tuple and
    emptied at once (the sheet is never held twice), the deferred ones read on demand."""
    frozen: dict[str, Sequence[Any]] = {}
    loaders: dict[str, Callable[[], Sequence[Any]]] = {}
    for name, column in read.columns.items():
        if isinstance(column, TextStore):
            loaders[name] = DeferredText(column.detach(), read.deferred[name])
        elif isinstance(column, AbsentColumn):
            frozen[name] = Repeated(column.value, len(read.rows)) if read.rows else ()
        else:
            frozen[name] = tuple(column)
            column.clear()
    return Columns(read.record, frozen, len(read.rows), loaders=loaders)


def _check_ids(read: SheetColumns, ids: Sequence[str], out: Collector) -> None:
    """Duplicate and empty person ids, named by row (the dataset names elements)."""
    first_row: dict[str, tuple[int, str]] = {}
    letter = read.letters.get("id")
    for person_id, row in zip(ids, read.rows, strict=True):
        key = identity_key(person_id)  # ids that differ only invisibly are one id
        if not key:
            out.add(
                read.rank,
                Location(read.file, read.sheet, row, "id", letter),
                "identifiant vide (seulement des caractères invisibles)",
                letter_index(letter),
            )
        elif key in first_row:
            before, spelt = first_row[key]
            alike = "" if spelt == person_id else f" (« {spelt} » : même identifiant)"
            out.add(
                read.rank,
                Location(read.file, read.sheet, row, "id", letter),
                f"identifiant « {person_id} » en double{alike} (déjà à la ligne {before})",
                letter_index(letter),
            )
        else:
            first_row[key] = row, person_id
