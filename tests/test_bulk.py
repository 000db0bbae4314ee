"""The network-scale paths give exactly what the plain paths give.

Reading a network (docs/performance.md) takes shortcuts: CSV text split without
``csv.reader``, cells read column by column, the dataset's checks run on the suspect
events only. Each shortcut is compared here with
the plain path it stands for, on data made to hit every corner (quotes, line breaks,
empty and short rows, cells that do not read, numbers that compare equal across types).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab_core.derive import followup
from citeslab_core.errors import InvalidData
from citeslab_core.model import (
    EVENT_NEEDS,
    TABLES,
    Dataset,
    Event,
    InvalidDataset,
    Person,
    _validation,
    column_of,
)
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.readers import _columns, csvdir
from citeslab_core.readers._blocks import RowBlock
from citeslab_core.readers.csvdir import CsvRows
from citeslab_core.readers.tables import RawSheet, build_dataset
from citeslab_core.render.followup import json_parts, render_json
from citeslab_core.vocabularies import EventType
from strategies import messy_datasets

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- the CSV text split by hand -------------------------------------------------------------

CELLS = st.text(alphabet="ab ;,\"\r\n'é\t", max_size=5)


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    """A CSV text as a spreadsheet or a person writes one: quotes or not, CRLF or LF,
    blank lines, ragged rows, a last line with or without its line break."""
    quoted = draw(st.booleans())
    cells = (
        CELLS
        if quoted
        else st.text(alphabet="ab ;'é", max_size=5).map(lambda s: s.replace(";", ""))
    )
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=4), max_size=12))
    handle = io.StringIO()
    writer = csv.writer(handle, delimiter=";", lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    for row in rows:
        writer.writerow(row)
    text = handle.getvalue()
    if draw(st.booleans()):
        text = text.removesuffix("\n").removesuffix("\r")
    return text


def _reference(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    return [(number, list(row)) for number, row in enumerate(reader, start=1)]


def _flatten(blocks: Iterator[Any]) -> Iterator[tuple[int, list[Any]]]:
    for block in blocks:
        if isinstance(block, RowBlock):
            width = block.width
            for i, number in enumerate(block.numbers):
                yield number, block.flat[i * width : (i + 1) * width]
        else:
            yield from zip(block.numbers, (list(row) for row in block.rows), strict=True)


@FAST
@given(csv_texts(), st.integers(1, 40), st.integers(0, 3))
def test_csv_rows_read_as_csv_reader(text: str, block_chars: int, first: int) -> None:
    """Row by row, then a block at a time after ``first`` rows (the header), CsvRows gives
    the records ``csv.reader`` gives, numbered the same; blocks leave out the empty lines
    (an empty row holds nothing, and a block of equal rows then stays one flat list)."""
    expected = _reference(text)
    assert [(n, list(r)) for n, r in CsvRows(text, ";")] == expected
    old = csvdir.BLOCK_CHARS
    csvdir.BLOCK_CHARS = block_chars
    try:
        rows = CsvRows(text, ";")
        head = [(n, list(r)) for n, r in islice(rows, first)]
        rest = expected[len(head) :]
        in_blocks = list(_flatten(rows.blocks()))
        assert head == expected[: len(head)]
        # csv.reader's own blocks (after a quote) keep empty rows; plain lines' do not.
        assert [row for row in in_blocks if row[1]] == [row for row in rest if row[1]]
        assert all(row in rest for row in in_blocks)
    finally:
        csvdir.BLOCK_CHARS = old


@FAST
@given(csv_texts(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), st.integers(1, 9), st.data())
def test_a_file_read_in_pieces_gives_the_rows_of_its_whole_text(
    text: str, encoding: str, read_bytes: int, data: st.DataObject
) -> None:
    """A file is decoded a few bytes at a time (a character of several bytes may be cut),
    in pieces that end with a line break: the encoding chosen, and the records, row by row
    then in blocks, are the ones of the whole file decoded at once (the empty rows aside,
    which a block may leave out)."""
    raw = text.encode(encoding, errors="replace")
    try:  # the rule, on the whole file at once
        whole = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        whole = raw.decode("cp1252", errors="replace")
    first = data.draw(st.integers(0, 3))
    old = csvdir._READ_BYTES, csvdir.BLOCK_CHARS
    csvdir._READ_BYTES, csvdir.BLOCK_CHARS = read_bytes, data.draw(st.integers(1, 40))
    try:
        stream = io.BytesIO(raw)
        chosen = csvdir._encoding(stream)
        assert chosen is not None
        pieces = list(csvdir.text_pieces(stream, chosen))
        assert "".join(pieces) == whole
        assert all(piece.endswith("\n") for piece in pieces[:-1])
        rows, reference = CsvRows(iter(pieces), ";"), CsvRows(whole, ";")
        head = [(n, list(r)) for n, r in islice(rows, first)]
        assert head == [(n, list(r)) for n, r in islice(reference, first)]
        # empty rows: csv.reader's blocks keep them, plain lines' leave them out
        filled = [row for row in _flatten(rows.blocks()) if row[1]]
        assert filled == [row for row in _flatten(reference.blocks()) if row[1]]
    finally:
        csvdir._READ_BYTES, csvdir.BLOCK_CHARS = old


def test_a_file_holding_a_nul_is_no_text() -> None:
    assert csvdir._encoding(io.BytesIO(b"id;sexe\r\nP1\x00;F\r\n")) is None
    stream = io.BytesIO("id;quartier\r\nP1;Pontanézen\r\n".encode("cp1252"))
    assert csvdir._encoding(stream) == "cp1252"
    assert stream.tell() == 0


def test_csv_rows_split_plain_text_without_csv_reader() -> None:
    rows = CsvRows("id;sexe\r\nP1;F\r\nP2;\r\n", ";")
    assert next(rows) == (1, ["id", "sexe"])
    blocks = list(rows.blocks())
    assert blocks == [RowBlock([2, 3], ["P1", "F", "P2", ""], 2)]


# -- column-wise reading against the row-wise reference -------------------------------------

PORTEURS = [["id", "sexe", "quartier"], ["P1", "F", ""], ["P2", "H", "Bellevue"]]
HEADERS = ["porteur", "date", "type", "partenaire", "categorie", "", "siret", "_note"]
CELL_CHOICES: list[object] = [
    "",
    "  ",
    "P1",
    " P2 ",
    "P9",
    "2023-03-01",
    "01/03/2023",
    "'2023-03-02",
    "pas une date",
    "entretien",
    "Orientation",
    "sortie",
    "inconnu",
    "BGE",
    "'=BGE",
    "creation",
    "emploi",
    "73282932000074",
    "12345678901234",
    "x",
]
WORKBOOK_CELLS: list[object] = [None, 1, 1.0, True, 0, dt.datetime(2023, 3, 1), 2023.5]


def _outcome(rows: Sequence[Sequence[object]], *, csv_text: bool, row_wise: bool) -> object:
    """The dataset read from the rows (or its problems), by one of the two paths."""
    if csv_text:
        handle = io.StringIO()
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
        suivis: Any = CsvRows(handle.getvalue(), ";")
    else:
        suivis = iter(list(enumerate(rows, start=1)))
    sheets = [
        RawSheet("porteurs", None, list(enumerate(PORTEURS, start=1))),
        RawSheet("suivis", None, suivis),
    ]
    try:
        data = build_dataset(sheets, file="test", row_wise=row_wise)
    except InvalidData as exc:
        return [(p.location, p.message) for p in exc.problems]
    columns = [tuple(data.columns(t)[f] for f in data.columns(t).fields) for t, _, _ in TABLES]
    origins = {table: list(where) for table, where in data.origins.items()}  # row numbers
    return data.persons, data.events, columns, origins


#: Rows that read cleanly, in the forms a person types them.
CLEAN_ROWS = st.tuples(
    st.sampled_from(["P1", " P2 "]),
    st.sampled_from(["2023-03-01", "01/03/2023", "'2023-03-02", " 2023-03-04"]),
    st.sampled_from(["entretien", "Point étape", "orientation"]),
    st.sampled_from(["", "BGE", "'=BGE", " ADIE "]),
    st.sampled_from(["", "creation", "Emploi"]),
    st.just(""),
    st.sampled_from(["", "73282932000074"]),
    st.sampled_from(["", "note"]),
).map(list)
MESSY_ROWS = st.lists(st.sampled_from(CELL_CHOICES), min_size=0, max_size=len(HEADERS) + 2)
#: Empty rows, as a spreadsheet keeps them (each goes to the row-wise reading, which makes
#: nothing of it and says nothing).
EMPTY_ROWS = st.lists(st.sampled_from(["", None]), min_size=1, max_size=len(HEADERS))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(CLEAN_ROWS, CLEAN_ROWS, MESSY_ROWS, EMPTY_ROWS), max_size=12),
    st.booleans(),
    st.booleans(),
    st.integers(1, 5),
)
def test_column_wise_reading_equals_row_wise(
    body: list[list[object]], csv_text: bool, workbook_cells: bool, chunk: int
) -> None:
    if workbook_cells and not csv_text:  # mix in the cells a workbook gives
        body = [
            [
                WORKBOOK_CELLS[(i + j) % len(WORKBOOK_CELLS)] if (i * j) % 3 == 1 else c
                for j, c in enumerate(row)
            ]
            for i, row in enumerate(body)
        ]
    rows: list[list[object]] = [list(HEADERS), *body]
    old = _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS
    _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS = chunk, chunk * 20
    try:
        fast = _outcome(rows, csv_text=csv_text, row_wise=False)
        slow = _outcome(rows, csv_text=csv_text, row_wise=True)
    finally:
        _columns.CHUNK_ROWS, csvdir.BLOCK_CHARS = old
    assert fast == slow


def test_equal_numbers_of_other_types_are_read_each_as_itself() -> None:
    """1, 1.0 and True are equal keys of a dict: a column read once per distinct value
    must still refuse True as a number (and read 1.0 as 1)."""
    rows: list[list[object]] = [
        ["quartier", "population"],
        ["A", 1.0],
        ["B", True],
        ["C", 1],
    ]
    sheets = [
        RawSheet("quartiers", None, list(enumerate(rows, start=1))),
        RawSheet("porteurs", None, list(enumerate(PORTEURS, start=1))),
        RawSheet("suivis", None, [(1, ["porteur", "date", "type"])]),
    ]
    with pytest.raises(InvalidData) as caught:
        build_dataset(sheets, file="test")
    assert [p.location.row for p in caught.value.problems] == [3]


# -- the dataset's checks on suspect events only --------------------------------------------


def _reference_event_issues(data_persons: Sequence[Person], events: Sequence[Event]) -> list[str]:
    """Every event problem, event by event (the checks as docs/workbook.md and
    docs/referent-rules.md state them)."""
    from stdnum.fr import siret

    known = {p.id for p in data_persons if p.id}
    issues = []
    for index, event in enumerate(events):
        if event.person not in known:
            issues.append(f"{index} person")
        for needed in EVENT_NEEDS.get(event.type, ()):
            if getattr(event, needed) in (None, ""):
                issues.append(f"{index} {needed} {column_of(Event, needed)}")
        if event.siret and not siret.is_valid(event.siret):
            issues.append(f"{index} siret")
    return issues


@FAST
@given(
    st.lists(
        st.builds(
            Event,
            person=st.sampled_from(["P1", "P2", "P3"]),
            date=st.just(dt.date(2023, 3, 1)),
            type=st.sampled_from(EventType),
            partner=st.sampled_from([None, "", "BGE"]),
            programme=st.sampled_from([None, "", "EITI"]),
            siret=st.sampled_from([None, "", "73282932000074", "12345678901234"]),
        ),
        max_size=15,
    )
)
def test_dataset_checks_every_event(events: list[Event]) -> None:
    persons = [Person("P1"), Person("P2")]
    expected = _reference_event_issues(persons, events)
    try:
        Dataset.build(persons=persons, events=events)
    except InvalidDataset as exc:
        found = [
            f"{i.index} {i.field}"
            + (f" {column_of(Event, i.field or '')}" if "demande" in i.message else "")
            for i in exc.issues
        ]
        assert found == expected
    else:
        assert expected == []


# -- the follow-up list's JSON --------------------------------------------------------------


@FAST
@given(messy_datasets(), st.dates(dt.date(2022, 1, 1), dt.date(2024, 12, 31)), st.integers(1, 4))
def test_followup_json_is_what_json_dumps_writes(data: Dataset, on: dt.date, size: int) -> None:
    """Whole, or in parts of any number of findings (what the command line writes)."""
    todo = followup.followup(data, on)
    assert "".join(json_parts(todo, size)) == render_json(todo)
    items = [
        {
            "regle": f.rule,
            "gravite": f.severity.value,
            "porteur": f.person,
            "date": f.date.isoformat(),
            "message": f.message,
        }
        for f in todo.findings
    ]
    assert render_json(todo) == json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def test_followup_json_escapes_what_json_escapes() -> None:
    data = Dataset.build(
        persons=[Person('P"1\\\n\u2028é')],
        events=[Event('P"1\\\n\u2028é', dt.date(2023, 1, 2), EventType.POINT_ETAPE)],
    )
    text = render_json(followup.followup(data, dt.date(2023, 3, 1)))
    assert json.loads(text)[0]["porteur"] == 'P"1\\\n\u2028é'
    assert render_json(followup.followup(Dataset.build(), dt.date(2023, 3, 1))) == "[]\n"


@FAST
@given(
    st.lists(
        st.builds(
            Person,
            id=st.sampled_from(["P1", "P2", "P3", ""]),
            birth=st.sampled_from(
                [
                    None,
                    PartialDate.day(dt.date(1990, 5, 1)),
                    PartialDate.year(1990),
                    PartialDate.month(1990, 5),
                ]
            ),
        ),
        max_size=6,
    )
)
def test_dataset_checks_every_person(persons: list[Person]) -> None:
    expected: list[str] = []
    first: dict[str, int] = {}
    for index, person in enumerate(persons):
        if not person.id:
            expected.append(f"{index} id vide")
        elif person.id in first:
            expected.append(f"{index} id double {first[person.id] + 1}")
        else:
            first[person.id] = index
        if person.birth is not None and person.birth.precision is Precision.MONTH:
            expected.append(f"{index} birth")
    try:
        Dataset.build(persons=persons)
    except InvalidDataset as exc:
        found = [
            f"{i.index} id vide"
            if i.message == "identifiant vide"
            else f"{i.index} id double {i.message.rstrip(')').rsplit(' ', 1)[1]}"
            if i.field == "id"
            else f"{i.index} {i.field}"
            for i in exc.issues
        ]
        assert found == expected
    else:
        assert expected == []


@FAST
@given(st.lists(st.sampled_from(EventType), max_size=40))
def test_the_rows_of_each_type_alike_with_or_without_numpy(types: list[EventType]) -> None:
    """The events' check finds each type's rows by NumPy over the members' ids when
    NumPy is imported, by one pass a type otherwise: the same rows."""
    kinds = list(EVENT_NEEDS)
    numpy = pytest.importorskip("numpy")
    with_numpy = _validation._positions_of(types, kinds)
    sys.modules["numpy"] = None  # type: ignore[assignment]  # as if never imported
    try:
        without = _validation._positions_of(types, kinds)
    finally:
        sys.modules["numpy"] = numpy
    expected = {kind: [i for i, t in enumerate(types) if t is kind] for kind in kinds}
    assert with_numpy == without == expected
