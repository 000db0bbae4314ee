"""The Arrow reading of CSV folders (``citeslab[rapide]``) gives what the pure-Python
reading gives (issue 26): the same dataset, or the same problems at the same places, on
generated messy files. The pure path is the reference."""

from __future__ import annotations

import csv
import io
import pickle
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citeslab_core.readers import _columns
from citeslab_core.readers._arrow import _blank_line_numbers, _numbers, arrow_rows
from citeslab_core.readers._rows import ROW_NUMBERS
from reading_outcome import outcome

pytest.importorskip("pyarrow")

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

IDS = ["P1", "P2", " P3", "p1", "'P4", "", "P5;x", 'P"6']
DATES = ["2023-03-01", "01/03/2023", "1/3/23", "15-févr", "mars 2023", "", "32/13/2023", "x"]
TYPES = ["entretien", "Entretien individuel", "ORIENTATION", "sortie", "", "bilan", "point d'étape"]
NAMES = ["Le Gall", "", "Éloïse", "a\nb", '"quoted"', "=SOMME(A1)", "n" * 40, "Cœur’s €"]
SEXES = ["F", "H", "femme", "", "?"]

#: A row of a sheet: its cells (some rows shorter or longer than the header), or a line
#: that is no row (blank, a space, a tab).
_EXTRA = st.lists(st.sampled_from(["", "x", " "]), max_size=2)
PERSON = st.one_of(
    st.tuples(st.sampled_from(IDS), st.sampled_from(NAMES), st.sampled_from(SEXES)).map(list),
    st.tuples(st.sampled_from(IDS), st.sampled_from(NAMES)).map(list),
    st.builds(
        lambda a, b: [*a, *b], st.tuples(st.sampled_from(IDS), st.just("x"), st.just("F")), _EXTRA
    ),
    st.sampled_from([[], [" "], ["\t"], ["", "", ""]]),
)
EVENT = st.one_of(
    st.tuples(st.sampled_from(IDS), st.sampled_from(DATES), st.sampled_from(TYPES)).map(list),
    st.tuples(st.sampled_from(IDS), st.sampled_from(DATES)).map(list),
    st.sampled_from([[], ["", "", ""]]),
)


def _text(
    header: list[str], rows: list[list[str]], delimiter: str, newline: str, final: bool
) -> str:
    handle = io.StringIO()
    writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
    for row in [header, *rows]:
        if row in ([" "], ["\t"]):
            handle.write(row[0] + newline)  # a line of a blank character, unquoted
        else:
            writer.writerow(row)
    text = handle.getvalue()
    return text if final else text.removesuffix(newline)


@SETTINGS
@given(
    st.lists(PERSON, max_size=10),
    st.lists(EVENT, max_size=10),
    st.sampled_from([";", ","]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    st.integers(1, 4),
)
@example(
    [["P1", "x", "F"], []], [["P1", "2023-03-01", "entretien"]], ";", "\r\n", True, "cp1252", 1
)
@example([["P1", "x", "F"], ["P2"]], [], ";", "\n", False, "utf-8", 2)  # a short last row
def test_the_arrow_reading_equals_the_pure_one(
    persons: list[list[str]],
    events: list[list[str]],
    delimiter: str,
    newline: str,
    final: bool,
    encoding: str,
    chunk: int,
) -> None:
    files = {
        "porteurs": _text(["id", "nom", "sexe"], persons, delimiter, newline, final),
        "suivis": _text(["porteur", "date", "type"], events, delimiter, newline, final),
    }
    old = _columns.CHUNK_ROWS, _columns._MANY_ROWS
    # several blocks, as a big file has; a column whose block's texts are mostly distinct
    # then read as plain texts from the next block on, as an identifier's of a big file
    _columns.CHUNK_ROWS, _columns._MANY_ROWS = chunk, chunk
    try:
        with TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for name, text in files.items():
                (folder / f"{name}.csv").write_bytes(text.encode(encoding, "replace"))
            assert outcome(folder, "arrow") == outcome(folder, "pure")
    finally:
        _columns.CHUNK_ROWS, _columns._MANY_ROWS = old


def test_distinct_texts_read_as_plain_texts_keep_their_rows(tmp_path: Path) -> None:
    """A clean folder that pyarrow reads, in blocks of 7 rows: the identifiers' and the
    names' columns, whose texts are all distinct, are read as plain texts from the second
    block on (the other columns dictionary-encoded), and every value stays on its row."""
    persons = [[f"P{i:03d}", f"Nom {i}", "F" if i % 2 else "H"] for i in range(50)]
    events = [[f"P{i % 50:03d}", f"2023-{1 + i % 12:02d}-01", "entretien"] for i in range(120)]
    files = {
        "porteurs.csv": _text(["id", "nom", "sexe"], persons, ";", "\n", True),
        "suivis.csv": _text(["porteur", "date", "type"], events, ";", "\n", True),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        assert arrow_rows(tmp_path / name, "utf-8", ";", text) is not None  # pyarrow reads it
    old = _columns.CHUNK_ROWS, _columns._MANY_ROWS
    _columns.CHUNK_ROWS, _columns._MANY_ROWS = 7, 7
    try:
        arrow = outcome(tmp_path, "arrow")
        assert arrow == outcome(tmp_path, "pure")
    finally:
        _columns.CHUNK_ROWS, _columns._MANY_ROWS = old
    assert isinstance(arrow, tuple)  # a dataset, not problems
    tables: dict[str, dict[str, tuple[object, ...]]] = arrow[1]
    assert tables["porteurs"]["id"] == tuple(row[0] for row in persons)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("id;nom\nP1;x\nP2;y\n", True),
        ("id;nom\r\nP1;x\r\n\r\nP2;y\r\n", True),  # a blank line: numbered as the pure path
        ('id;nom\nP1;"a\nb"\n', True),  # a line break in a quoted cell
        ("id;nom\nP1;x\nP2\n", False),  # a short row: the pure path pads it
        ('id;nom\nP1;"x\n\nP2;y\n', False),  # a quote left open, then a blank line
    ],
)
def test_which_files_pyarrow_reads(tmp_path: Path, text: str, read: bool) -> None:
    """pyarrow reads the files it reads as the pure path does; the others are left to it
    (the equality above holds for both)."""
    path = tmp_path / "porteurs.csv"
    path.write_text(text, encoding="utf-8")
    rows = arrow_rows(path, "utf-8", ";", text)
    assert (rows is not None) == read


def test_windows_1252_is_decoded_as_the_pure_path_decodes_it(tmp_path: Path) -> None:
    """A Windows-1252 file, read by pyarrow as bytes and decoded afterwards, gives the
    pure path's texts, in the header, the dictionary-encoded blocks and the plain texts
    (the letters of 0x80-0x9F included); a byte Windows-1252 leaves undefined sends the
    file to the pure path, which reads it with a replacement character."""
    folder = tmp_path / "site"
    folder.mkdir()
    names = ["Cœur", "Lefèvre", "D’Ar Mor", "Nom €"]
    persons = "".join(f"P{i};{names[i % 4]} {i};F\r\n" for i in range(40))
    (folder / "porteurs.csv").write_bytes(("id;prénom;sexe\r\n" + persons).encode("cp1252"))
    (folder / "suivis.csv").write_bytes(b"porteur;date;type\r\nP1;2023-03-01;entretien\r\n")
    old = _columns.CHUNK_ROWS, _columns._MANY_ROWS
    _columns.CHUNK_ROWS, _columns._MANY_ROWS = 7, 7
    try:
        arrow = outcome(folder, "arrow")
        assert arrow == outcome(folder, "pure")
        rows = arrow_rows(folder / "porteurs.csv", "cp1252", ";", "id;prénom;sexe\r\n")
        assert rows is not None
        assert next(rows) == (1, ["id", "prénom", "sexe"])
    finally:
        _columns.CHUNK_ROWS, _columns._MANY_ROWS = old
    assert isinstance(arrow, tuple)
    first_names = ("Cœur 0", "Lefèvre 1", "D’Ar Mor 2", "Nom € 3")
    assert arrow[1]["porteurs"]["first_name"][:4] == first_names
    (folder / "porteurs.csv").write_bytes(b"id;nom;sexe\r\nP1;Nom\x81;F\r\n")
    assert arrow_rows(folder / "porteurs.csv", "cp1252", ";", "id;nom;sexe\r\n") is None
    assert outcome(folder, "arrow") == outcome(folder, "pure")


def test_blank_lines_keep_their_row_numbers(tmp_path: Path) -> None:
    """The row after a blank line is numbered as a spreadsheet numbers it."""
    path = tmp_path / "porteurs.csv"
    path.write_text("id;nom\nP1;x\n\n\nP2;y\n", encoding="utf-8")
    rows = arrow_rows(path, "utf-8", ";", path.read_text())
    assert rows is not None
    assert next(rows) == (1, ["id", "nom"])
    (block,) = list(rows.blocks())
    assert list(block.numbers) == [2, 5]


def _site_of_ids(folder: Path) -> Path:
    """A folder of 200 000 persons' ids and one event: 1.3 MiB."""
    folder.mkdir()
    (folder / "porteurs.csv").write_text("id\n" + "".join(f"P{i}\n" for i in range(200_000)))
    (folder / "suivis.csv").write_text("porteur;date;type\nP1;2023-03-01;entretien\n")
    return folder


def test_pyarrow_is_imported_only_for_a_folder_that_needs_it(tmp_path: Path) -> None:
    """Importing the readers and reading a small folder leave pyarrow unloaded (start-up
    time); a folder of more than ``ARROW_MIN_BYTES`` loads it, and never pandas."""
    small = tmp_path / "small"
    small.mkdir()
    (small / "porteurs.csv").write_text("id\nP1\n", encoding="utf-8")
    (small / "suivis.csv").write_text("porteur;date;type\nP1;2023-03-01;entretien\n")
    big = _site_of_ids(tmp_path / "big")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from citeslab_core.readers import csvdir, read_input\n"
        "csvdir.ARROW_MIN_BYTES = 2**20  # the folder above weighs 1.3 MiB\n"
        "read_input(Path(sys.argv[1]))\n"
        "print('pyarrow' in sys.modules, 'pandas' in sys.modules)\n"
    )
    seen = [
        subprocess.run(
            [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True
        ).stdout.strip()
        for folder in (small, big)
    ]
    # pandas is never imported to read (pyarrow's to_numpy would import it)
    assert seen == ["False False", "True False"]


def test_pyarrow_already_imported_reads_from_a_lower_size(tmp_path: Path) -> None:
    """A folder between ``ARROW_LOADED_MIN_BYTES`` and ``ARROW_MIN_BYTES`` goes to pyarrow
    only when pyarrow is already imported (as pandas imports it in a notebook): the
    command line, which has not imported it, keeps the pure path there."""
    folder = _site_of_ids(tmp_path / "site")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from citeslab_core.readers import csvdir\n"
        "csvdir.ARROW_MIN_BYTES = 2**30\n"
        "csvdir.ARROW_LOADED_MIN_BYTES = 2**20  # the folder above weighs 1.3 MiB\n"
        "files = sorted(Path(sys.argv[1]).glob('*.csv'))\n"
        "before = csvdir._arrow_pays(files)\n"
        "import pyarrow\n"
        "print(before, csvdir._arrow_pays(files))\n"
    )
    seen = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert seen == ["False", "True"]


def _blank_lines_by_search(data: bytes) -> list[int] | None:
    """What :func:`_blank_line_numbers` gives, by byte searches (its first form, kept as
    the reference): ``None`` when an empty line stands where a line may not be a record."""
    body = data
    if body.endswith(b"\r\n"):
        body = body[:-2]
    elif body.endswith((b"\n", b"\r")):
        body = body[:-1]
    broken = b"\n\n" in body or b"\n\r\n" in body or b"\r\r" in body
    if body and not body.endswith((b"\n", b"\r")) and not broken:
        return []
    if b'"' in data or data.count(b"\r") != data.count(b"\r\n") or data[:1] in b"\r\n":
        return None
    ends = []
    for pattern in (b"\n\n", b"\n\r\n"):
        at = data.find(pattern)
        while at >= 0:
            ends.append(at)
            at = data.find(pattern, at + 1)
    return [data.count(b"\n", 0, at + 1) + 1 for at in sorted(ends)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b";", b'"', b"\r", b"\n", b"\r\n"]), max_size=30))
@example([b"a", b"\r\n", b"\r\n", b"a", b"\r\n"])
@example([b"a", b"\n", b"\n", b"\n", b"a"])
def test_blank_lines_are_found_as_by_byte_searches(pieces: list[bytes]) -> None:
    """The NumPy scan for empty lines gives the numbers (or the refusal) that searching
    the bytes for each pattern gives."""
    data = b"".join(pieces)
    assert _blank_line_numbers(data, b'"' in data) == _blank_lines_by_search(data)


@pytest.mark.parametrize("bad", [False, True])
def test_the_pure_path_reads_without_numpy(tmp_path: Path, bad: bool) -> None:
    """Without NumPy (nor pyarrow), a folder whose blocks hold odd rows (empty rows, a
    short row; with ``bad``, a date that does not read, whose row still makes a record
    for the checks) reads as with them: the same dataset, or the same problems at the
    same places."""
    (tmp_path / "porteurs.csv").write_text(
        "id;nom;sexe\nP1;Le Gall;F\n;;\nP2;Éloïse;h\n\nP3;x\n", encoding="utf-8"
    )
    day = "32/13/2023" if bad else "02/03/2023"
    (tmp_path / "suivis.csv").write_text(
        f"porteur;date;type\nP1;2023-03-01;entretien\n;;\nP2;{day};entretien\n"
        "P2;01/03/2023;point d'étape\n;;\nP3;2023-04-02;entretien\n",
        encoding="utf-8",
    )
    code = (
        "import pickle, sys\n"
        "sys.modules['numpy'] = sys.modules['pyarrow'] = None  # as if not installed\n"
        "from pathlib import Path\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from citeslab_core.readers import _columns\n"
        "_columns.CHUNK_ROWS = 2  # odd rows inside blocks and between them\n"
        "from reading_outcome import outcome\n"
        "sys.stdout.buffer.write(pickle.dumps(outcome(Path(sys.argv[1]), 'pure')))\n"
    )
    tests = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), tests], capture_output=True, check=True
    )
    old = _columns.CHUNK_ROWS
    _columns.CHUNK_ROWS = 2
    try:
        expected = outcome(tmp_path, "arrow")
    finally:
        _columns.CHUNK_ROWS = old
    assert pickle.loads(done.stdout) == expected
    assert isinstance(expected, tuple)  # the problems, or the dataset's parts
    if bad:  # the problem named where it is
        assert [(p.location.file, p.location.row) for p in expected] == [("suivis.csv", 4)]
    else:
        assert len(expected[1]["suivis"]["person"]) == 4


def _numbers_by_loop(count: int, skipped: list[int]) -> list[int]:
    """The row numbers of ``count`` records, the ``skipped`` ones left out, one by one
    (the first form of :func:`_numbers`, kept as its reference)."""
    blanks, numbers, number = set(skipped), list[int](), 1
    while len(numbers) < count:
        if number not in blanks:
            numbers.append(number)
        number += 1
    return numbers


@given(st.integers(0, 60), st.lists(st.integers(1, 90), max_size=20))
def test_row_numbers_leave_the_blank_lines_out(count: int, skipped: list[int]) -> None:
    """Blank lines anywhere (before, among or after the records, repeated): the records
    keep the numbers the pure path gives them, as the sheet's type of array."""
    numbers = _numbers(count, skipped)
    assert numbers.typecode == ROW_NUMBERS
    assert numbers.tolist() == _numbers_by_loop(count, skipped)
