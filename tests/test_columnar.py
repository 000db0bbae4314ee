"""The columnar core gives what the row-by-row reading gives (issue 14).

The readers fill one column per field and the :class:`Dataset` holds those columns; the
reference reads each row cell by cell into records and builds the dataset from them
(:meth:`Dataset.build`, which transposes). For any valid dataset written as sheets (CSV
text or workbook cells) the two give equal columns, equal records, the same site and the
same notes; for messy sheets, the same problems at the same places
(``tests/test_bulk.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citeslab_core.errors import InvalidData
from citeslab_core.model import TABLE_FIELDS, TABLES, Columns, Dataset
from citeslab_core.model.limits import MAX_TEXT_CHARS
from citeslab_core.readers import _columns, csvdir
from citeslab_core.readers._rows import Parsed, TextStore
from citeslab_core.readers.csvdir import CsvRows
from citeslab_core.readers.tables import RawSheet, build_dataset
from citeslab_core.readers.workbook import _cell, _site_rows
from strategies import datasets

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _text(value: object) -> str:
    """A workbook cell as a CSV file holds it."""
    if value is None:
        return ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _sheets(data: Dataset, *, as_text: bool) -> list[RawSheet]:
    """The dataset's sheets, as a CSV folder (``as_text``) or a workbook hands them over."""
    tables: list[tuple[str, list[list[object]]]] = [
        ("structure", [["cle", "valeur"], *([k, _cell(v)] for k, v in _site_rows(data.site))])
    ]
    for sheet, cls, _ in TABLES:
        names = [f.name for f in attrs.fields(cls)]
        rows: list[list[object]] = [[str(f.metadata["column"]) for f in attrs.fields(cls)]]
        rows.extend(
            [_cell(getattr(r, n)) for n in names] for r in getattr(data, TABLE_FIELDS[sheet])
        )
        tables.append((sheet, rows))
    sheets = []
    for table, rows in tables:
        if as_text:
            handle = io.StringIO()
            writer = csv.writer(handle, delimiter=";", lineterminator="\n")
            writer.writerows([_text(v) for v in row] for row in rows)
            source: Any = CsvRows(handle.getvalue(), ";")
        else:
            source = list(enumerate(rows, start=1))
        sheets.append(RawSheet(table, f"{table}.csv" if as_text else None, source))
    return sheets


def _contents(data: Dataset) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    for table, _, _ in TABLES:
        found: Columns[Any] = data.columns(table)
        columns[table] = {field: tuple(found[field]) for field in found.fields}
    return {
        "site": data.site,
        "columns": columns,
        "records": {t: getattr(data, a) for t, a in TABLE_FIELDS.items()},
        "notes": data.notes,
        "origins": {t: list(o) for t, o in data.origins.items()},
    }


@SETTINGS
@given(datasets(), st.booleans(), st.integers(1, 4))
def test_columnar_dataset_equals_the_row_by_row_build(
    data: Dataset, as_text: bool, chunk: int
) -> None:
    old = _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS
    _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS = chunk, chunk * 40
    try:
        columnar = build_dataset(_sheets(data, as_text=as_text), file="x")
        reference = build_dataset(_sheets(data, as_text=as_text), file="x", row_wise=True)
    finally:
        _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS = old
    assert _contents(columnar) == _contents(reference)
    # and the records are the dataset's own (the round trip loses nothing)
    assert columnar.persons == data.persons
    assert columnar.events == data.events


@SETTINGS
@given(datasets())
def test_columns_built_from_records_give_them_back(data: Dataset) -> None:
    """``Dataset.build`` transposes the records; the records it gives back are equal."""
    again = Dataset.build(site=data.site, **{a: getattr(data, a) for a in TABLE_FIELDS.values()})
    for table, _, _ in TABLES:
        attribute = TABLE_FIELDS[table]
        cols = again.columns(table)
        records = getattr(again, attribute)
        assert len(cols) == len(records)
        for field in cols.fields:
            assert tuple(cols[field]) == tuple(getattr(r, field) for r in records)
        rebuilt = Columns(cols.record, {f: cols[f] for f in cols.fields}, len(cols))
        assert rebuilt.records() == records == getattr(data, attribute)


NAMES: list[object] = ["", "  Dupont ", "'=SOMME(A1)", "'  espacé ", "Le Gall", 12.0, None, "x"]


#: Texts as a deferred column meets them: quoted by an apostrophe, blank, too long.
_TEXTS = st.one_of(
    st.text(st.sampled_from(["a", "é", " ", "\t", "\x1f", "'", "\n", "="]), max_size=5),
    st.sampled_from(["x" * MAX_TEXT_CHARS, " " + "x" * MAX_TEXT_CHARS, "x" * MAX_TEXT_CHARS + "y"]),
)


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("extend"), st.lists(_TEXTS, max_size=6)),
            st.tuples(st.just("append"), st.one_of(_TEXTS, st.builds(Parsed, _TEXTS))),
        ),
        max_size=8,
    ),
    st.sampled_from([None, "", "défaut"]),
)
@example([("extend", ["a ", "' b ", " "])], None)
@example([("extend", ["' a", "b"]), ("extend", ["x" * MAX_TEXT_CHARS + "y", "c"])], "")
def test_a_text_column_loads_as_its_cells_read_one_by_one(
    steps: list[tuple[str, Any]], default: object
) -> None:
    """:func:`load_text` reads runs of plain texts by C-level passes: the values are
    those of the cell-by-cell reading (stripped, blank as the default, a quoted or too
    long text read by ``cell_value``: a failure for the row-wise reading to report)."""
    store = TextStore()
    for action, cells in steps:
        if action == "extend":
            store.extend(list(cells))
        else:
            store.append(cells)

    expected = [_columns._text_value(cell, default) for cell in store.cells()]
    assert _columns.load_text(store, default) == expected


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["F", "H", "", "?"])), max_size=8),
    st.booleans(),
    st.booleans(),
    st.integers(1, 3),
)
def test_free_text_read_on_demand_equals_the_row_by_row_reading(
    rows: list[tuple[object, str]], as_text: bool, too_long: bool, chunk: int
) -> None:
    """Names are read only when asked for (deferred columns): the same values, or the same
    problems (a text too long, a cell that does not read beside them), as row by row."""
    from citeslab_core.model.limits import MAX_TEXT_CHARS

    body: list[list[object]] = [[f"P{i}", name, sex] for i, (name, sex) in enumerate(rows)]
    if too_long and body:
        body[-1][1] = "n" * (MAX_TEXT_CHARS + 1)

    def sheets() -> list[RawSheet]:
        table: list[list[object]] = [["id", "nom", "sexe"], *body]
        if as_text:
            handle = io.StringIO()
            csv.writer(handle, delimiter=";", lineterminator="\n").writerows(
                [_text(v) for v in row] for row in table
            )
            porteurs: Any = CsvRows(handle.getvalue(), ";")
        else:
            porteurs = list(enumerate(table, start=1))
        suivis = RawSheet("suivis", None, [(1, ["porteur", "date", "type"])])
        return [RawSheet("porteurs", None, porteurs), suivis]

    _assert_read_alike(sheets, chunk)


def _assert_read_alike(sheets: Callable[[], list[RawSheet]], chunk: int) -> None:
    """The sheets give the same dataset, or the same problems, column-wise (in blocks of
    ``chunk`` rows) and row by row."""

    def outcome(row_wise: bool) -> object:
        try:
            data = build_dataset(sheets(), file="x", row_wise=row_wise)
        except InvalidData as exc:
            return exc.problems
        return _contents(data)

    old = _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS
    _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS = chunk, chunk * 20
    try:
        assert outcome(False) == outcome(True)
    finally:
        _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS = old


_CELLS = st.text(st.sampled_from(["a", "é", " ", "\x1f", "'", "\n"]), max_size=4)


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("extend"), st.lists(_CELLS, max_size=5)),
            st.tuples(st.just("extend"), st.lists(st.builds(Parsed, _CELLS), max_size=3)),
            st.tuples(st.just("append"), st.one_of(_CELLS, st.builds(Parsed, _CELLS))),
        ),
        max_size=8,
    )
)
def test_a_text_store_gives_back_its_cells_in_order(steps: list[tuple[str, Any]]) -> None:
    """Runs of texts are joined into one string (unless a cell holds the separator),
    other cells kept one by one: whatever the mix, the cells come back as they went in."""
    store, expected = TextStore(), []
    for action, cells in steps:
        if action == "extend":
            store.extend(list(cells))
            expected.extend(cells)
        else:
            store.append(cells)
            expected.append(cells)
    assert list(store.cells()) == expected
    moved = store.detach()
    assert list(moved.cells()) == expected
    assert list(store.cells()) == []


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(["F", "H", "", "?"])), max_size=8),
    st.data(),
)
def test_some_rows_of_free_text_read_without_the_whole_column(
    rows: list[tuple[object, str]], data: st.DataObject
) -> None:
    """``Columns.pick`` on a deferred column gives the values ``cols[field]`` gives at those
    rows, and leaves the column unmade."""
    table: list[list[object]] = [["id", "nom", "sexe"]]
    table += [[f"P{i}", name, sex] for i, (name, sex) in enumerate(rows)]
    handle = io.StringIO()
    csv.writer(handle, delimiter=";", lineterminator="\n").writerows(
        [_text(v) for v in row] for row in table
    )
    suivis = RawSheet("suivis", None, [(1, ["porteur", "date", "type"])])
    sheets = [RawSheet("porteurs", None, CsvRows(handle.getvalue(), ";")), suivis]
    try:
        persons = build_dataset(sheets, file="x").columns("porteurs")
    except InvalidData:
        return  # a row that does not read: nothing to pick from
    picked = sorted(data.draw(st.lists(st.integers(0, max(len(persons) - 1, 0)))))
    if not len(persons):
        picked = []
    values = persons.pick("last_name", picked)
    assert "last_name" not in persons._values  # still unmade
    assert values == [persons["last_name"][i] for i in picked]


_IDS = ["P1", "p1", " P2", "''P3", "'P3", "P3", "=P4", "'=P4", "' P5", " P5", "P5", ""]


@SETTINGS
@given(
    st.lists(st.sampled_from(_IDS), max_size=5),
    st.lists(st.sampled_from(_IDS), max_size=8),
    st.integers(1, 3),
)
@example(["' P5"], [" P5"], 1)  # the id " P5" (quoted: its space kept), the event's P5
@example(["P1", " P2"], [" P2", "P2", "P1 "], 2)
def test_events_persons_read_as_row_by_row_whatever_the_ids(
    ids: list[str], persons: list[str], chunk: int
) -> None:
    """The events' ``porteur`` cells that are a person's id as it is are read as that id
    string without being read again: ids with spaces (kept when the cell is quoted with
    an apostrophe), a formula-like start, one case or another give the dataset, or the
    problems, of the row-by-row reading."""

    def text(rows: list[list[str]]) -> str:
        handle = io.StringIO()
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
        return handle.getvalue()

    porteurs = [["id", "nom"], *([pid, "x"] for pid in ids)]
    suivis = [["porteur", "date", "type"], *([p, "2023-03-01", "entretien"] for p in persons)]

    def sheets() -> list[RawSheet]:
        return [
            RawSheet("porteurs", None, CsvRows(text(porteurs), ";")),
            RawSheet("suivis", None, CsvRows(text(suivis), ";")),
        ]

    _assert_read_alike(sheets, chunk)


#: Lines of a hand-edited or Excel-written CSV file: rows of any width (shorter or longer
#: than the header), blank lines, a line of one space, tab or form feed.
_LINES = st.one_of(
    st.lists(st.sampled_from(["P1", "P2", " P3", "x", "", "F", "'=1"]), min_size=1, max_size=5).map(
        ";".join
    ),
    st.sampled_from(["", " ", "\t", "\f", " ; ", ";;;;"]),
)


@SETTINGS
@given(
    st.lists(_LINES, max_size=8),
    st.lists(_LINES, max_size=6),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.integers(1, 3),
    st.integers(1, 40),
)
@example(["P1;x", "P2"], [], "\n", False, 1, 4)  # issue 28: a short last row, no newline
@example(["P1;x", " "], ["P1;2023-03-01;entretien", "\f"], "\n", False, 1, 4)
def test_rows_of_any_shape_read_as_row_by_row(
    persons: list[str],
    events: list[str],
    newline: str,
    final_newline: bool,
    chunk: int,
    piece_bytes: int,
) -> None:
    """A CSV file's rows of any shape (a last row shorter than the header without a final
    line break, a last line of one space, tab or form feed, blank lines, long rows), read
    by pieces of any size: the dataset, or the problems, of the row-by-row reading, never
    a traceback."""

    def text(header: str, lines: list[str]) -> bytes:
        body = newline.join([header, *lines]) + (newline if final_newline else "")
        return body.encode()

    files = {
        "porteurs": text("id;nom;sexe", persons),
        "suivis": text("porteur;date;type", events),
    }

    def sheets() -> list[RawSheet]:
        old = csvdir._READ_BYTES
        csvdir._READ_BYTES = piece_bytes
        try:
            return [
                RawSheet(
                    name,
                    f"{name}.csv",
                    CsvRows(
                        list(csvdir.text_pieces(io.BytesIO(data), "utf-8-sig")).__iter__(), ";"
                    ),
                )
                for name, data in files.items()
            ]
        finally:
            csvdir._READ_BYTES = old

    _assert_read_alike(sheets, chunk)
