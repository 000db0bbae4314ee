"""``Dataset.to_frames()`` column by column: every sheet's frame equals one built cell by
cell from the records (docs/notebook.md's table of types), with pyarrow and without it.

The frames are built from the dataset's columns, each kind of column its own way (Arrow
for texts and dates when pyarrow is there, NumPy over the objects' ids otherwise): these
tests hold every way to the same frame, dtypes and categories included, on generated
datasets (one object a cell) and on folders read from files (the readers share one object
per distinct cell, and a column nobody filled in is one object repeated)."""

from __future__ import annotations

import datetime as dt
import enum
import json
import subprocess
import sys
import typing
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import attrs
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core import Dataset, Sex, Vocabulary, load_example, read_input
from citeslab_core.model import TABLE_FIELDS, TABLES, Columns, Repeated, field_type
from citeslab_core.model._columns import object_ids
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.render import _dataset_frame as frames
from strategies import datasets, messy_datasets, secrets
from test_frames import PRIVATE_COLUMNS, check_pathways_frame

TESTS = Path(__file__).resolve().parent
SITE = TESTS / "golden" / "inputs" / "site_a"


def _plain(value: Any, labels: bool) -> Any:
    if isinstance(value, tuple):
        return tuple(_plain(item, labels) for item in value)
    if isinstance(value, Vocabulary):
        return value.label if labels else value.code
    if isinstance(value, PartialDate):
        return value.iso()
    return value


def _stamps(days: list[dt.date | None]) -> Any:
    return pd.array([pd.NaT if d is None else pd.Timestamp(d) for d in days], "datetime64[ns]")


def _categories(members: Any, values: list[Any], names: list[str], name: Any) -> Any:
    shown = [None if v is None else name(v) for v in values]
    return pd.Categorical(shown, categories=names, ordered=True)


def _reference_column(name: str, hint: Any, values: list[Any], labels: bool) -> dict[str, Any]:
    """One column (three for a partial date) as docs/notebook.md says, cell by cell."""
    kind, optional = field_type(hint)
    if isinstance(kind, type) and issubclass(kind, Vocabulary):
        names = [m.label if labels else m.code for m in kind]
        pick = (lambda m: m.label) if labels else (lambda m: m.code)
        return {name: _categories(kind, values, names, pick)}
    if kind is PartialDate:
        return {
            name: _stamps([v and v.start for v in values]),
            f"{name}_fin": _stamps([v and v.end for v in values]),
            f"{name}_precision": _categories(
                Precision,
                [v and v.precision for v in values],
                [m.value for m in Precision],
                lambda m: m.value,
            ),
        }
    if kind is dt.date:
        return {name: _stamps(values)}
    if kind is Decimal:
        return {
            name: pd.array([float("nan") if v is None else float(v) for v in values], "float64")
        }
    if kind is bool:
        return {name: pd.array(values, dtype="boolean")}
    if kind is int:
        return {name: pd.array(values, dtype="Int64" if optional else "int64")}
    if kind is str:
        return {name: pd.array(values, dtype="string")}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        names = [m.value for m in kind]
        return {name: _categories(kind, values, names, lambda m: m.value)}
    return {name: pd.array([_plain(v, labels) for v in values], dtype=object)}


def reference_frames(data: Dataset, *, private: bool, labels: bool) -> dict[str, pd.DataFrame]:
    """Every sheet's frame, built record by record."""
    built: dict[str, pd.DataFrame] = {}
    for sheet, cls, _ in TABLES:
        records = getattr(data, TABLE_FIELDS[sheet])
        hints = typing.get_type_hints(cls)
        columns: dict[str, Any] = {}
        for field in attrs.fields(cls):
            name = field.metadata["column"]
            if not private and name in PRIVATE_COLUMNS.get(sheet, set()):
                continue
            values = [getattr(r, field.name) for r in records]
            columns.update(_reference_column(name, hints[field.name], values, labels))
        built[sheet] = pd.DataFrame(columns, index=pd.RangeIndex(len(records)))
    return built


@pytest.fixture(params=["arrow", "numpy"])
def path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Both ways of building the frames: with pyarrow, and as without it."""
    if request.param == "arrow":
        yield request.param
    else:
        with mock.patch.object(frames, "_arrow", return_value=None):
            yield request.param


def assert_frames(data: Dataset, *, private: bool = False, labels: bool = False) -> None:
    got = data.to_frames(private=private, labels=labels)
    for sheet, expected in reference_frames(data, private=private, labels=labels).items():
        pd.testing.assert_frame_equal(got[sheet], expected, check_exact=True, obj=sheet)


def without_arrow(data: Dataset, *, private: bool, labels: bool) -> dict[str, pd.DataFrame]:
    with mock.patch.object(frames, "_arrow", return_value=None):
        return data.to_frames(private=private, labels=labels)


@settings(max_examples=25)
@given(datasets(identity=secrets), st.booleans(), st.booleans())
def test_generated_frames_are_built_cell_by_cell(
    data: Dataset, private: bool, labels: bool
) -> None:
    for built in (
        data.to_frames(private=private, labels=labels),
        without_arrow(data, private=private, labels=labels),
    ):
        for sheet, expected in reference_frames(data, private=private, labels=labels).items():
            pd.testing.assert_frame_equal(built[sheet], expected, check_exact=True, obj=sheet)


@settings(max_examples=25)
@given(messy_datasets())
def test_messy_frames_are_the_same_both_ways(data: Dataset) -> None:
    """The ``parcours`` frame too (tests/test_frames.py holds it to the derivation)."""
    arrow, numpy = data.to_frames(), without_arrow(data, private=False, labels=False)
    for sheet, expected in reference_frames(data, private=False, labels=False).items():
        pd.testing.assert_frame_equal(arrow[sheet], expected, check_exact=True, obj=sheet)
        pd.testing.assert_frame_equal(numpy[sheet], expected, check_exact=True, obj=sheet)
    pd.testing.assert_frame_equal(arrow["parcours"], numpy["parcours"], check_exact=True)


@pytest.fixture(scope="module")
def messy_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 persons as people type them (benchmarks/generate.py): shared cells, repeated
    columns, partial dates of every precision, missing values."""
    sys.path.insert(0, str(TESTS.parent / "benchmarks"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(TESTS.parent / "benchmarks"))
    folder = tmp_path_factory.mktemp("messy") / "site"
    generate.generate(folder, 300, messy=True)
    return folder


@pytest.mark.parametrize("private", [False, True])
@pytest.mark.parametrize("labels", [False, True])
def test_frames_of_read_folders(path: str, messy_folder: Path, private: bool, labels: bool) -> None:
    for data in (read_input(SITE), read_input(messy_folder), load_example()):
        assert_frames(data, private=private, labels=labels)


def test_frames_of_read_folders_agree_on_the_pathways(messy_folder: Path) -> None:
    for data in (read_input(SITE), read_input(messy_folder)):
        pd.testing.assert_frame_equal(
            data.to_frames()["parcours"],
            without_arrow(data, private=False, labels=False)["parcours"],
            check_exact=True,
        )


def test_empty_and_one_person_datasets(path: str) -> None:
    assert_frames(Dataset.build())
    example = load_example()
    person = example.persons[0]
    events = [e for e in example.events if e.person == person.id]
    assert_frames(Dataset.build(persons=[person], events=events), private=True)


def test_without_pyarrow_installed() -> None:
    """pyarrow absent (``sys.modules['pyarrow'] = None``): the same frames, cell by cell
    (pandas keeps its texts in Python strings then)."""
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "sys.modules['pyarrow'] = None\n"
        "from pathlib import Path\n"
        "from citeslab_core import read_input\n"
        "import test_frame_columns as t\n"
        f"t.assert_frames(read_input(Path({str(SITE)!r})), private=True)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pyarrow.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


#: Objects a column may hold; two equal texts that are two objects among them.
POOL = (None, "a", "".join(["a"]), dt.date(2024, 5, 1), Sex.F, Sex.H, Decimal("1.5"), (1, 2))


@settings(max_examples=60)
@given(st.lists(st.sampled_from(range(len(POOL)))), st.booleans())
def test_distinct_objects_and_where_each_value_is(picks: list[int], by_id: bool) -> None:
    """Every value's object is found (by identity, equal objects kept apart), each
    object once, through the array's memory or through ``id()``."""
    values = tuple(POOL[i] for i in picks)
    if by_id:
        with mock.patch("numpy.frombuffer", side_effect=TypeError):
            objects, inverse = frames._distinct(values)
    else:
        objects, inverse = frames._distinct(values)
    assert sorted(map(id, objects)) == sorted({id(v) for v in values})
    assert all(objects[j] is v for j, v in zip(inverse.tolist(), values, strict=True))
    if sys.implementation.name == "cpython":  # the memory holds what id() gives
        assert object_ids(values).tolist() == [id(v) for v in values]


def test_events_naming_their_person_by_an_equal_text(path: str) -> None:
    """Events whose person is an equal text, not the person's id object (a dataset built
    by hand): each event's person found by text; the same pathways."""
    example = load_example()
    events = [attrs.evolve(e, person="".join(list(e.person))) for e in example.events]
    data = Dataset.build(site=example.site, persons=example.persons, events=events)
    ids = {id(pid) for pid in data.columns("porteurs")["id"]}
    assert not ids & {id(person) for person in data.columns("suivis")["person"]}
    check_pathways_frame(data)
    assert_frames(data)


#: Sheets whose rows may all hold one value in every column but the key (its name).
REPEATABLE: dict[typing.Literal["porteurs", "animations", "partenariats", "budget"], str | None] = {
    "porteurs": "id",
    "animations": None,
    "partenariats": None,
    "budget": None,
}


@settings(max_examples=20)
@given(datasets(identity=secrets, min_persons=1), st.data(), st.booleans())
def test_columns_of_one_object(data: Dataset, draw: st.DataObject, labels: bool) -> None:
    """A column of one object on every row (``Repeated``: what the readers make of a
    column nobody filled in, or filled in alike), of every kind: None, a yes/no, a
    vocabulary, a partial date, a text, an amount."""
    tables: dict[str, Columns[Any]] = {}
    for sheet, key in REPEATABLE.items():
        found: Columns[Any] = data.columns(sheet)
        if not len(found):
            continue
        row = draw.draw(st.integers(0, len(found) - 1))
        one = {f: Repeated(found[f][row], len(found)) for f in found.fields if f != key}
        tables[sheet] = found.replace(**one)
    changed = Dataset.from_columns(site=data.site, tables=tables)
    assert isinstance(changed.columns("porteurs")["sex"], Repeated)
    for built in (
        changed.to_frames(labels=labels),
        without_arrow(changed, private=False, labels=labels),
    ):
        for name, expected in reference_frames(changed, private=False, labels=labels).items():
            pd.testing.assert_frame_equal(built[name], expected, check_exact=True, obj=name)
