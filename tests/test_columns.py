"""Dataset.columns: each sheet's records as columns, the same values in the same order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeslab_core.model import (
    TABLE_FIELDS,
    TABLES,
    Columns,
    Dataset,
    Event,
    Neighbourhood,
    Repeated,
)
from citeslab_core.vocabularies import ResidenceStatus, Sex
from strategies import datasets


@given(datasets())
def test_columns_hold_the_records_values_in_order(data: Dataset) -> None:
    for sheet, cls, _ in TABLES:
        records = getattr(data, TABLE_FIELDS[sheet])
        cols = data.columns(sheet)
        assert len(cols) == len(records)
        for field in attrs.fields(cls):
            assert list(cols[field.name]) == [getattr(r, field.name) for r in records]
        assert cols.records() == tuple(records)
        assert data.columns(sheet) is cols  # computed once


def test_columns_repr_shows_no_value() -> None:
    cols = Columns.of_records(Event, ())
    assert len(cols) == 0
    assert cols.records() == ()
    assert repr(cols) == "<Columns of Event: 0 rows, 13 fields>"


# A column holding one object on every row: kept as a Repeated, read like the tuple.

_VALUES = st.sampled_from([None, "", "P1", 0, dt.date(2023, 3, 14), Sex.F])


@given(_VALUES, st.integers(0, 40), st.data())
def test_repeated_reads_like_the_tuple_it_stands_for(
    value: object, length: int, data: st.DataObject
) -> None:
    draw = data.draw
    repeated = Repeated(value, length)
    plain = (value,) * length
    assert len(repeated) == len(plain)
    assert list(repeated) == list(plain)
    assert repeated == plain
    assert plain == repeated
    assert repeated == list(plain)
    assert repeated != (*plain, value)
    assert repeated != ("autre",) * length or length == 0
    index = draw(st.integers(-length - 2, length + 2))
    if -length <= index < length:
        assert repeated[index] is plain[index]
    else:
        with pytest.raises(IndexError):
            repeated[index]
    window = slice(
        draw(st.none() | st.integers(-45, 45)),
        draw(st.none() | st.integers(-45, 45)),
        draw(st.none() | st.integers(1, 5) | st.integers(-5, -1)),
    )
    assert list(repeated[window]) == list(plain[window])
    assert (value in repeated) == (value in plain)
    assert repeated.count(value) == plain.count(value)
    assert ("autre" in repeated) == ("autre" in plain)
    assert list(reversed(repeated)) == list(reversed(plain))


def test_repeated_repr_shows_no_value() -> None:
    assert repr(Repeated("Dupont", 3)) == "<Repeated str, 3 times>"
    assert "Dupont" not in repr(Columns(Neighbourhood, _hoods(("Dupont",) * 3), 3))


def _hoods(names: tuple[str, ...]) -> dict[str, tuple[object, ...]]:
    count = len(names)
    return {
        "name": names,
        "residence": (ResidenceStatus.QPV,) * count,
        "qpv_code": tuple(f"QN0{i}" for i in range(count)),
        "commune": ("Brest",) * count,
        "population": (None,) * count,
    }


def test_a_column_of_one_object_is_kept_once() -> None:
    cols = Columns(Neighbourhood, _hoods(("Kerourien", "Pontanézen", "Bellevue")), 3)
    assert isinstance(cols["residence"], Repeated)
    assert isinstance(cols["population"], Repeated)
    assert isinstance(cols["name"], tuple)
    assert isinstance(cols["qpv_code"], tuple)
    assert [h.residence for h in cols.records()] == [ResidenceStatus.QPV] * 3
    picked = cols.take([2, 0])
    assert list(picked["residence"]) == [ResidenceStatus.QPV] * 2
    assert [h.name for h in picked.records()] == ["Bellevue", "Kerourien"]
    assert list(cols.take([])["residence"]) == []
    # equal, not the same object, is not one object: 1 and True stay a tuple
    mixed = Columns(Neighbourhood, _hoods(("A", "B")) | {"population": (1, True)}, 2)
    assert [type(v) for v in mixed["population"]] == [int, bool]


@given(datasets())
def test_a_record_built_alone_is_the_one_of_the_records(data: Dataset) -> None:
    """``at(i)`` builds row ``i``'s record from the columns, equal to ``records()[i]``,
    whether the records were built or not."""
    for sheet, cls, _ in TABLES:
        built = data.columns(sheet)
        fresh: Columns[Any] = Columns(cls, {name: built[name] for name in built.fields}, len(built))
        for i in range(len(built)):
            assert fresh.at(i) == built.records()[i]
            assert built.at(i) is built.records()[i]
