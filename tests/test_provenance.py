"""Issue 15, provenance: every bilan and export carries the citeslab version, the period,
the generation time (SOURCE_DATE_EPOCH fixes it) and the SHA-256 of the canonical dataset."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from citeslab_core import __version__
from citeslab_core.bilan.provenance import _serialised, dataset_sha256, generation_time
from citeslab_core.cli import main
from citeslab_core.errors import InvalidData
from citeslab_core.model import TABLE_FIELDS, Dataset, Repeated
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.converter import dumps, loads
from citeslab_core.readers.example import load_example
from citeslab_core.vocabularies import Sex
from strategies import datasets

EPOCH = "1704067200"  # 2024-01-01T00:00:00Z
KEY = "une clé de test suffisamment longue"


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("CITESLAB_PSEUDO_KEY", KEY)


@pytest.mark.usefixtures("fixed_time")
def test_the_json_bilan_carries_its_provenance(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--example", "--year", "2023", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["provenance"] == {
        "citeslab": __version__,
        "periode": {"debut": "2023-01-01", "fin": "2023-12-31"},
        "genere_le": "2024-01-01T00:00:00Z",
        "donnees_sha256": dataset_sha256(load_example()),
    }


@pytest.mark.usefixtures("fixed_time")
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_text_and_html_bilans_carry_it_in_their_footer(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--example", "--year", "2023", "--format", fmt]) == 0
    out = " ".join(capsys.readouterr().out.split())  # the text report wraps long lines
    assert f"Généré par citeslab {__version__} le 1er janvier 2024 à 00:00:00 (UTC)" in out
    sha = dataset_sha256(load_example())
    if fmt == "html":  # shown in groups of eight: in one piece it is wider than a phone
        sha = " ".join(sha[i : i + 8] for i in range(0, len(sha), 8))
    assert f"empreinte SHA-256 des données : {sha}" in out


@pytest.mark.usefixtures("fixed_time")
def test_the_same_records_in_any_form_have_the_same_fingerprint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["example", str(tmp_path)]) == 0
    digests = set()
    for name in ("exemple.xlsx", "exemple.json"):
        capsys.readouterr()
        assert main(["report", str(tmp_path / name), "--year", "2023", "--format", "json"]) == 0
        digests.add(json.loads(capsys.readouterr().out)["provenance"]["donnees_sha256"])
    assert digests == {dataset_sha256(load_example())}


def test_one_changed_record_changes_the_fingerprint() -> None:
    import attrs

    data = load_example()
    changed = data.replace(persons=(attrs.evolve(data.persons[0], phone="0600000000"),
                                          *data.persons[1:]))  # fmt: skip
    assert dataset_sha256(changed) != dataset_sha256(data)


@pytest.mark.usefixtures("fixed_time")
@pytest.mark.parametrize("exporter", ["bpi", "contrat_de_ville", "pic"])
def test_every_export_carries_it(exporter: str, tmp_path: Path) -> None:
    digest = dataset_sha256(load_example())
    for fmt in ("xlsx", "json", "csv"):
        out = tmp_path / fmt
        argv = ["export", exporter, "--example", "--year", "2023", "--format", fmt]
        assert main([*argv, "-o", str(out)]) == 0
        if fmt == "xlsx":
            (path,) = out.glob(f"{exporter}_*.xlsx")
            book = load_workbook(path)
            rows = {
                row[0]: row[1]
                for row in book["Informations"].iter_rows(min_row=2, values_only=True)
            }
            assert rows["Version de citeslab"] == __version__
            assert rows["Généré le"] == "1er janvier 2024 à 1\u00a0h\u00a000"  # Paris time
            assert rows["Empreinte des données (SHA-256)"] == digest
            assert book.properties.created == dt.datetime(2024, 1, 1)
        elif fmt == "json":
            (path,) = out.glob("*.json")
            provenance = json.loads(path.read_text(encoding="utf-8"))["provenance"]
            assert provenance["donnees_sha256"] == digest
            assert provenance["genere_le"] == "2024-01-01T00:00:00Z"
            assert provenance["periode"] == {"debut": "2023-01-01", "fin": "2023-12-31"}
        else:
            (path,) = out.glob("*_informations.csv")
            assert f"Empreinte des données (SHA-256);{digest}" in path.read_text("utf-8-sig")


def test_without_source_date_epoch_the_time_is_now() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    made = generation_time({})
    assert before <= made <= dt.datetime.now(dt.UTC)
    assert generation_time({"SOURCE_DATE_EPOCH": EPOCH}) == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_a_wrong_source_date_epoch_is_a_french_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hier")
    assert main(["report", "--example", "--year", "2023"]) == 2
    assert "SOURCE_DATE_EPOCH" in capsys.readouterr().err


def test_two_runs_give_the_same_bytes_with_source_date_epoch() -> None:
    outputs = set()
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "citeslab_core.cli", "report", "--example", "--year", "2023",
             "--format", "html"],
            capture_output=True,
            env={"SOURCE_DATE_EPOCH": EPOCH, "PATH": "/usr/bin:/bin"},
            check=True,
            timeout=120,
        )  # fmt: skip
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert b"2024" in io.BytesIO(outputs.pop()).read()


# The fingerprint's serialisation (issue 14: columns, not the canonical JSON).


@settings(max_examples=25)
@given(datasets(max_persons=6))
def test_the_fingerprint_is_the_same_for_the_same_values_in_other_objects(data: Dataset) -> None:
    """The JSON reader builds every value anew (other objects, other ids): same fingerprint,
    and computing it twice gives the same."""
    again = loads(dumps(data))
    assert dataset_sha256(again) == dataset_sha256(data) == dataset_sha256(data)


def _changed(value: object) -> object:
    """A different value of the same type, or None when there is no obvious one."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "é"
    if isinstance(value, Enum):
        others = [member for member in type(value) if member is not value]
        return others[0] if others else None
    if isinstance(value, PartialDate):
        return PartialDate.year(value.start.year + 1 if value.start.year < 2100 else 2000)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, dt.time):
        return value.replace(minute=(value.minute + 1) % 60)
    if isinstance(value, Decimal):
        return value + 1
    if isinstance(value, tuple):
        return value[:-1] if value else None
    return None


@settings(max_examples=50)
@given(datasets(max_persons=6), st.data())
def test_any_changed_value_changes_the_fingerprint(data: Dataset, draw: st.DataObject) -> None:
    tables = [name for name in TABLE_FIELDS.values() if getattr(data, name)]
    assume(tables)
    table = draw.draw(st.sampled_from(tables))
    records = getattr(data, table)
    index = draw.draw(st.integers(0, len(records) - 1))
    field = draw.draw(st.sampled_from(attrs.fields(type(records[index]))))
    new = _changed(getattr(records[index], field.name))
    assume(new is not None)
    changed_record = attrs.evolve(records[index], **{field.name: new})
    changed_records = (*records[:index], changed_record, *records[index + 1 :])
    changes: dict[str, Any] = {table: changed_records}
    try:
        changed = data.replace(**changes)
    except InvalidData:
        assume(False)  # the change broke a rule of the dataset (an id, a date order…)
        raise
    assert dataset_sha256(changed) != dataset_sha256(data)


def _written(values: Any) -> bytes:
    return b"".join(_serialised(values))


_CELLS = st.none() | st.text(alphabet="a\x1f", max_size=3)

#: The values of one column: one type (a field's), or null.
_KINDS = st.sampled_from(
    [
        st.text(alphabet="a\x1f", max_size=3),
        st.sampled_from(list(Sex)),
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
        st.sampled_from(
            [
                PartialDate.day(dt.date(1985, 3, 4)),
                PartialDate.year(1985),
                PartialDate.month(1985, 3),
            ]
        ),
        st.decimals(
            allow_nan=False, allow_infinity=False, places=2, max_value=10**6, min_value=-(10**6)
        ),
        st.integers(-3, 3),
    ]
)


@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(st.lists(_CELLS, min_size=n, max_size=n), min_size=2, max_size=2)
    )
)
def test_the_serialisation_of_a_slice_tells_any_two_apart(pair: list[list[str | None]]) -> None:
    """Texts holding the separator, empty texts and nulls: equal slices only are written
    alike (a text and a null, ``["a\\x1fb"]`` and ``["a", "b"]``…)."""
    first, second = pair
    assert (_written(first) == _written(second)) == (first == second)


@given(
    _KINDS.flatmap(
        lambda kind: st.integers(1, 4).flatmap(
            lambda n: st.lists(
                st.lists(st.none() | kind, min_size=n, max_size=n), min_size=2, max_size=2
            )
        )
    )
)
def test_two_slices_of_a_column_are_written_alike_only_when_equal(
    pair: list[list[object]],
) -> None:
    """Whatever a column holds (codes, dates, partial dates, amounts…, with nulls or not),
    each written its own way (``C``, ``D``, ``P``, ``S``, JSON): equal slices only are
    written alike."""
    first, second = pair
    same = all(  # equal, and of one type; amounts as written (0.00 is not -0.00)
        a is b or (type(a) is type(b) and a == b and str(a) == str(b))
        for a, b in zip(first, second, strict=True)
    )
    assert (_written(first) == _written(second)) == same


def _fresh(value: object) -> object:
    """An equal value in another object (as the JSON reader builds them)."""
    if isinstance(value, str):
        return "".join(list(value))
    if type(value) is dt.date:
        return dt.date.fromordinal(value.toordinal())
    if isinstance(value, Decimal):
        return Decimal(str(value))
    if isinstance(value, PartialDate):
        return attrs.evolve(value)
    return value


@given(_KINDS.flatmap(lambda kind: st.lists(st.none() | kind, max_size=8)), st.integers(0, 5))
def test_a_column_is_written_alike_whichever_objects_hold_its_values(
    values: list[object], length: int
) -> None:
    """The readers share one object per distinct value, the JSON reader builds each anew:
    the rows are written as references to the first equal value (pickle's memo is keyed
    by object), so the column must be rewritten with one object per value first."""
    shared: dict[tuple[type, str], object] = {}
    one_each = [shared.setdefault((type(value), str(value)), value) for value in values]
    assert _written(values) == _written([_fresh(value) for value in values])
    assert _written(values) == _written(one_each)
    if values:
        value = values[0]
        expected = _written([value] * length)
        assert _written(Repeated(value, length)) == expected
        assert _written([_fresh(value) for _ in range(length)]) == expected


def test_the_fingerprint_of_texts_is_not_their_concatenation() -> None:
    """Texts are separated (U+001F, or pickled with their lengths when one holds it)."""
    assert _written(["ab", "c"]) != _written(["a", "bc"])
    assert _written(["a\x1fb", None]) != _written(["a", "\x1fb"])
    assert _written([Sex.F, None]) != _written([None, Sex.F])


def test_the_serialisation_of_texts_holding_the_separator() -> None:
    assert _written(["a\x1fb", "c"]) != _written(["a", "b\x1fc"])
    assert _written([None, None]) != _written(["null", "null"])
    assert _written(["", None]) != _written([None, ""])
