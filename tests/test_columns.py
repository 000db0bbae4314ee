"""Dataset.columns: each sheet's records as columns, the same values in the same order."""

from __future__ import annotations

import attrs
from hypothesis import given

from citeslab_core.model import TABLE_FIELDS, TABLES, Columns, Dataset, Event
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
