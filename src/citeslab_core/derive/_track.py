"""The track the pathways' pass reads (:mod:`citeslab_core.derive.pathways`): events sorted by
person, date and row as parallel columns, and the two questions a pathway asks of a span
of it (its last contact, the orientations awaiting news)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from citeslab_core.derive._grouping import event_groups
from citeslab_core.model import Dataset, Event
from citeslab_core.vocabularies import EventType, ExitResult, Stage

__all__ = ["Track"]

_ENTRETIEN = EventType.ENTRETIEN
_POINT_ETAPE = EventType.POINT_ETAPE
_ORIENTATION = EventType.ORIENTATION


def _date_of(event: Event) -> dt.date:
    return event.date


class Track:
    """Events sorted by date (a dataset's: by person, then date), rows of a date in input
    order, as parallel columns: position ``i`` is one event; :attr:`record` builds the
    :class:`~citeslab_core.model.Event` at a position (only for what leaves in a result)."""

    __slots__ = ("dates", "partners", "record", "results", "stages", "types")
    dates: Sequence[dt.date]
    types: Sequence[EventType]
    partners: Sequence[str | None]
    stages: Sequence[Stage | None]
    results: Sequence[ExitResult | None]
    record: Callable[[int], Event]

    def __init__(
        self,
        *,
        dates: Sequence[dt.date],
        types: Sequence[EventType],
        partners: Sequence[str | None],
        stages: Sequence[Stage | None],
        results: Sequence[ExitResult | None],
        record: Callable[[int], Event],
    ) -> None:
        self.dates = dates
        self.types = types
        self.partners = partners
        self.stages = stages
        self.results = results
        self.record = record

    @classmethod
    def of_events(cls, events: Sequence[Event], *, presorted: bool = False) -> Track:
        """The track of one person's records, sorted by date (stably) unless ``presorted``."""
        if not presorted and not _is_sorted(events):
            events = sorted(events, key=_date_of)
        return cls(
            dates=[e.date for e in events],
            types=[e.type for e in events],
            partners=[e.partner for e in events],
            stages=[e.stage for e in events],
            results=[e.result for e in events],
            record=events.__getitem__,
        )

    @classmethod
    def of_dataset(cls, data: Dataset) -> Track:
        """The track of a dataset's events (:func:`citeslab_core.derive._grouping.event_groups`)."""
        groups = event_groups(data)
        column, through = groups.column, groups.through
        return cls(  # dates and types read at every event, the others at a few
            dates=column("date"),
            types=column("type"),
            partners=through("partner"),
            stages=through("stage"),
            results=through("result"),
            record=groups.record,
        )


def _is_sorted(events: Sequence[Event]) -> bool:
    return all(events[i].date <= events[i + 1].date for i in range(len(events) - 1))


def _last_contact(track: Track, first: int, stop: int) -> dt.date:
    """The date of the last ``entretien`` or ``point_etape`` among the positions (the
    first position's date when there is none: a pathway opens with an entretien)."""
    types = track.types
    for i in range(stop - 1, first - 1, -1):
        kind = types[i]
        if kind is _ENTRETIEN or kind is _POINT_ETAPE:
            return track.dates[i]
    return track.dates[first]


def _awaiting(track: Track, first: int, stop: int) -> list[int]:
    """The positions of the orientations with no later news: those dated on or after the
    last event of another type (R7). Same-day rows count as simultaneous."""
    dates, types = track.dates, track.types
    found: list[int] = []
    other_day: dt.date | None = None
    for i in range(stop - 1, first - 1, -1):
        day = dates[i]
        if other_day is not None and day < other_day:
            break
        if types[i] is _ORIENTATION:
            found.append(i)
        elif other_day is None:
            other_day = day
    found.reverse()
    return found
