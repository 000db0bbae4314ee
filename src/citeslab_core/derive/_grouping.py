"""A dataset's events grouped by person, from its columns, with one sort of integer keys.

Each event gets a key ``(person index, date rank, row)`` packed into one integer: the index
of its person in ``data.persons`` (a dict of ids), the rank of its date among the distinct
dates (one ``sorted`` of the distinct dates), its row. One ``sorted`` of those integers
gives every person's events by date, rows of a date in input order, persons in the order
of ``data.persons``; offsets per person say where each person's run starts. The columns a
computation reads are then permuted once into that order (``operator.itemgetter``, at C
speed), and a person's events are a range of positions: no ``Event`` record is built.

Computed once per dataset (a dataset is immutable), on first use.
"""

from __future__ import annotations

import sys
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from itertools import repeat
from operator import and_, itemgetter, lshift, or_
from typing import Any, overload

from citeslab_core.model import Dataset, Event, Repeated

__all__ = ["EventGroups", "Through", "event_groups"]


class EventGroups:
    """The events of a dataset sorted by person, date and row.

    ``order[k]`` is the record index (in ``data.events``) of the event at sorted position
    ``k``; person ``p`` (``data.persons[p]``) has positions ``starts[p]`` to
    ``starts[p + 1] - 1``. :meth:`column` gives a field's values in sorted order.
    """

    __slots__ = ("_columns", "_sorted", "order", "starts")

    def __init__(self, data: Dataset) -> None:
        events = data.columns("suivis")
        person_ids = data.columns("porteurs")["id"]
        self._columns = events
        self._sorted: dict[str, Sequence[Any]] = {}
        self.order, self.starts = _sort(person_ids, events["person"], events["date"])

    def __len__(self) -> int:
        return len(self.order)

    def column(self, field: str) -> Sequence[Any]:
        """The values of an ``Event`` field, in sorted order (permuted once, then cached)."""
        found = self._sorted.get(field)
        if found is None:
            found = self._sorted[field] = _permuted(self._columns[field], self.order)
        return found

    def through(self, field: str) -> Sequence[Any]:
        """The values of an ``Event`` field in sorted order, read through :attr:`order`
        without a permuted copy: for a field read at a few positions only (partners,
        stages, results), at the price of an indirection at each."""
        values = self._columns[field]
        if isinstance(values, Repeated):
            return values
        return Through(values, self.order)

    def record(self, position: int) -> Event:
        """The ``Event`` at a sorted position, built from the columns."""
        record: Event = self._columns.at(self.order[position])
        return record


class Through(Sequence[Any]):
    """``column`` read in the order ``order``: ``view[k]`` is ``column[order[k]]``."""

    __slots__ = ("_column", "_order")

    def __init__(self, column: Sequence[Any], order: Sequence[int]) -> None:
        self._column, self._order = column, order

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Any, ...]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            column = self._column
            return tuple(column[row] for row in self._order[index])
        return self._column[self._order[index]]

    def __repr__(self) -> str:
        return f"<Through: {len(self)} values>"


def _permuted(values: Sequence[Any], order: Sequence[int]) -> Sequence[Any]:
    if isinstance(values, Repeated):  # the same value on every row, in any order
        return values
    if len(order) > 1:
        result: tuple[Any, ...] = itemgetter(*order)(values)
        return result
    return tuple(values[i] for i in order)


def _sort(
    person_ids: Sequence[str], persons: Sequence[str], dates: Sequence[Any]
) -> tuple[array[int], array[int]]:
    """The sorted positions' record indices and the persons' offsets (machine integers:
    no Python object per event is kept): by NumPy when it is already imported (the
    Arrow reading, a notebook), else by Python's ``sorted``; the same either way
    (tests/test_reference_pathways.py)."""
    if sys.modules.get("numpy") is not None:
        return _sort_numpy(person_ids, persons, dates)
    return _sort_python(person_ids, persons, dates)


def _sort_numpy(
    person_ids: Sequence[str], persons: Sequence[str], dates: Sequence[Any]
) -> tuple[array[int], array[int]]:
    """:func:`_sort` by one stable ``argsort`` of (person, date rank) keys."""
    import numpy as np

    index = {pid: i for i, pid in enumerate(person_ids)}
    count = len(persons)
    people = np.fromiter(map(index.__getitem__, persons), dtype=np.int64, count=count)
    rank = {day: r for r, day in enumerate(sorted(set(dates)))}
    days = np.fromiter(map(rank.__getitem__, dates), dtype=np.int64, count=count)
    positions = np.argsort((people << 32) | days, kind="stable").astype(np.int64)
    offsets = np.zeros(len(person_ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(people, minlength=len(person_ids)), out=offsets[1:])
    order, starts = array("q"), array("q")
    order.frombytes(positions.tobytes())
    starts.frombytes(offsets.tobytes())
    return order, starts


def _sort_python(
    person_ids: Sequence[str], persons: Sequence[str], dates: Sequence[Any]
) -> tuple[array[int], array[int]]:
    """:func:`_sort` by Python's ``sorted`` of packed integer keys."""
    index = {pid: i for i, pid in enumerate(person_ids)}
    distinct = sorted(set(dates))
    rank = {day: r for r, day in enumerate(distinct)}
    count = len(persons)
    row_bits = max(count.bit_length(), 1)
    date_bits = max(len(distinct).bit_length(), 1)
    # (person << date_bits | rank) << row_bits | row, by C-level maps (no Python loop)
    people = map(index.__getitem__, persons)
    days = map(or_, map(lshift, people, repeat(date_bits)), map(rank.__getitem__, dates))
    keys = sorted(map(or_, map(lshift, days, repeat(row_bits)), range(count)))
    # Person p's first position: the first key at or above p's smallest key.
    firsts = map(lshift, range(len(person_ids) + 1), repeat(date_bits + row_bits))
    starts = array("q", map(bisect_left, repeat(keys), firsts))
    order = array("q", map(and_, keys, repeat((1 << row_bits) - 1)))
    return order, starts


_CACHE: weakref.WeakKeyDictionary[Dataset, EventGroups] = weakref.WeakKeyDictionary()


def event_groups(data: Dataset) -> EventGroups:
    """The dataset's :class:`EventGroups` (computed on first use, kept while it lives)."""
    found = _CACHE.get(data)
    if found is None:
        found = _CACHE[data] = EventGroups(data)
    return found
