"""The calendar of a period: planned animations and permanence occurrences (docs/workbook.md,
the permanences sheet).

- A planned animation (``statut = prevu``) is one entry. Its date may be partial: a day
  gives an all-day entry, a month ("novembre 2024") a month-long one, a range of months
  an entry over those months, a year alone an entry *à dater* (kept apart: see
  :attr:`CalendarEntry.undated`).
- A permanence (``permanences`` sheet) is expanded into one entry per occurrence with
  python-dateutil's ``rrule``: each of its weekdays from its first to its last day, less
  the French public holidays (the ``holidays`` library, metropolitan France) and its
  exceptions (days, months or ranges of months: dates it was never planned for). An
  occurrence whose date is in its ``annulees`` (cancelled) stays in the calendar, marked
  cancelled (the ``.ics`` says ``STATUS:CANCELLED`` under the same UID, so that a partner's
  diary drops it).
- Planned and held (:func:`permanence_record`, docs/calendar.md "Prévu et réalisé"):
  an occurrence is *held* once its day has passed, unless cancelled;
  *à venir* while its day is after the bilan's date. An animation of type ``permanence``
  recorded (``realise``) on the day and at the place of an occurrence *is* that
  occurrence (its participants count), never a second one; one recorded elsewhere is held
  and was not planned.
- An entry belongs to the calendar of ``[start, end]`` when its dates meet the period.
- Each entry has a stable :attr:`~CalendarEntry.uid` made from the site's name and the
  entry's own fields (never from its position in a file or in the period), so that the
  calendar of the next quarter, imported by a partner, updates the events it shares with
  this one instead of doubling them: a planned animation's from its type, date and title
  (with a rank when two are alike in all three), a permanence occurrence's from its
  place, day and start time (two rows giving the same place, day and time give one
  occurrence).

Only places, titles, kinds and dates are kept: nothing about a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from functools import cache

import attrs
from dateutil.rrule import WEEKLY, rrule, weekday

from citeslab_core.errors import UsageError
from citeslab_core.model import Animation, Dataset, Permanence
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.vocabularies import AnimationStatus, AnimationType

__all__ = [
    "MAX_OCCURRENCES",
    "Calendar",
    "CalendarEntry",
    "EntryKind",
    "Occurrence",
    "OccurrenceState",
    "PermanenceRecord",
    "build_calendar",
    "clean_line",
    "french_holidays",
    "occurrences",
    "occurrences_iter",
    "permanence_record",
]

#: The calendar's time zone (every CitésLab is in metropolitan France).
TIME_ZONE = "Europe/Paris"


@cache
def _holidays_of(year: int) -> frozenset[dt.date]:
    import holidays

    return frozenset(holidays.country_holidays("FR", years=year))


def french_holidays(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    """The French public holidays (metropolitan France) from ``start`` to ``end``."""
    found: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        found.update(d for d in _holidays_of(year) if start <= d <= end)
    return frozenset(found)


def occurrences(
    permanence: Permanence, start: dt.date | None = None, end: dt.date | None = None
) -> list[dt.date]:
    """The days a permanence is held, between ``start`` and ``end`` (both included, and
    both optional): its weekdays inside its own period, less the French public holidays
    and its exceptions. A permanence without an end needs ``end``."""
    return list(occurrences_iter(permanence, start, end))


def _bounded(days: Iterator[dt.date], limit: int) -> Iterator[dt.date]:
    for count, day in enumerate(days):
        if count >= limit:
            return
        yield day


def occurrences_iter(
    permanence: Permanence, start: dt.date | None = None, end: dt.date | None = None
) -> Iterator[dt.date]:
    """:func:`occurrences`, one day at a time (a caller that stops early expands no
    more)."""
    first = permanence.first_day if start is None else max(start, permanence.first_day)
    last = permanence.last_day
    if end is not None:
        last = end if last is None else min(last, end)
    if last is None:
        raise ValueError("a permanence without an end needs the end of the period")
    if last < first or not permanence.days:
        return
    rule = rrule(
        WEEKLY,
        dtstart=dt.datetime.combine(first, dt.time()),
        until=dt.datetime.combine(last, dt.time()),
        byweekday=[weekday(day.number) for day in permanence.days],
    )
    skipped = [(e.start, e.end) for e in permanence.exceptions]
    for moment in rule:
        day = moment.date()
        if day in _holidays_of(day.year) or any(low <= day <= high for low, high in skipped):
            continue
        yield day


class EntryKind:
    """What an entry comes from (plain strings, for the CSV and the JSON)."""

    ANIMATION = "animation"
    PERMANENCE = "permanence"


@attrs.frozen(repr=False)
class CalendarEntry:
    """One event of the calendar.

    ``first_day``/``last_day``: the days it covers (one for a dated animation or a
    permanence occurrence, a whole month for "novembre 2024"). ``start_time`` and
    ``end_time`` are given for a permanence occurrence (local time, Europe/Paris) and
    ``None`` for an all-day entry. ``precision`` is the precision of the animation's
    date (``day`` for a permanence). ``cancelled``: a permanence occurrence planned and
    then cancelled (``annulees``); its summary says so.
    """

    uid: str
    kind: str
    type: AnimationType
    summary: str = attrs.field(repr=False)  # an animation's title: free text, never in a repr
    first_day: dt.date
    last_day: dt.date
    precision: Precision
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    place: str | None = attrs.field(default=None, repr=False)
    neighbourhood: str | None = None
    partners: tuple[str, ...] = ()
    cancelled: bool = False

    def __repr__(self) -> str:
        # Titles, places and partners are the site's own words: no repr shows them.
        mark = " annulée" if self.cancelled else ""
        return (
            f"<CalendarEntry {self.kind} {self.type.code} {self.first_day.isoformat()}"
            f"..{self.last_day.isoformat()}{mark}>"
        )

    @property
    def undated(self) -> bool:
        """An animation known only by its year: listed apart, as "à dater"."""
        return self.precision is Precision.YEAR

    @property
    def timed(self) -> bool:
        return self.start_time is not None


@attrs.frozen(repr=False)
class Calendar:
    """The calendar of a site for ``[start, end]``: entries by date, then time, then kind."""

    site: str
    start: dt.date
    end: dt.date
    entries: tuple[CalendarEntry, ...]

    def __repr__(self) -> str:
        return (
            f"<Calendar {self.start.isoformat()}..{self.end.isoformat()}: "
            f"{len(self.entries)} events>"
        )

    @property
    def dated(self) -> tuple[CalendarEntry, ...]:
        """The entries with a day, a month or a range of months."""
        return tuple(e for e in self.entries if not e.undated)

    @property
    def undated(self) -> tuple[CalendarEntry, ...]:
        """The animations known only by their year."""
        return tuple(e for e in self.entries if e.undated)


def clean_line(text: str | None) -> str:
    """``text`` as one line of calendar text: every line break and tab a space, every
    other control character (DEL, C1, the separator ``\\x1f``…) dropped, spaces at the
    ends stripped. What a diary shows, and what a UID is made from (so no field can hold
    the UID's separator)."""
    if not text:
        return ""
    kept: list[str] = []
    for char in text:
        if char in "\t\n\r\x0b\x0c\x85\u2028\u2029":
            kept.append(" ")
        elif char < " " or "\x7f" <= char <= "\x9f":
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def _optional(text: str | None) -> str | None:
    return clean_line(text) or None


def _uid(site: str, *parts: str) -> str:
    """A stable identifier: a digest of the site and the entry's own fields (each cleaned
    by :func:`clean_line`, so none holds the separator)."""
    text = "\x1f".join(clean_line(part) for part in (site.strip().casefold(), *parts))
    # surrogatepass: a lone surrogate (a record built in Python) hashes, never raises
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{digest}@citeslab"


def _animation_summary(animation: Animation) -> str:
    label = animation.type.label
    title = clean_line(animation.title)
    if not title or title.casefold() == label.casefold():
        return label
    if label.casefold() in title.casefold():
        return title
    return f"{label} : {title}"


def _animation_entries(site: str, animations: Iterable[Animation]) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    seen: dict[tuple[str, ...], int] = {}
    for animation in animations:
        if animation.status is not AnimationStatus.PREVU:
            continue
        key = (
            EntryKind.ANIMATION,
            animation.type.code,
            animation.date.iso(),
            clean_line(animation.title),
            *([_place_key(animation.place)] if _place_key(animation.place) else []),
        )
        count = seen[key] = seen.get(key, 0) + 1
        # Two planned animations alike in kind, date, title and place (the same event
        # twice): the second gets its rank; reordering them swaps nothing a diary shows.
        uid = _uid(site, *key, *([str(count)] if count > 1 else []))
        entries.append(
            CalendarEntry(
                uid=uid,
                kind=EntryKind.ANIMATION,
                type=animation.type,
                summary=_animation_summary(animation),
                first_day=animation.date.start,
                last_day=animation.date.end,
                precision=animation.date.precision,
                place=_optional(animation.place),
                neighbourhood=_optional(animation.neighbourhood),
                partners=tuple(p for p in map(clean_line, animation.partners) if p),
            )
        )
    return entries


def permanence_summary(site: str) -> str:
    """``Permanence CitésLab Brest``."""
    name = clean_line(site)
    return f"Permanence {name}" if name else "Permanence"


def _permanence_entries(
    site: str, found: list[tuple[str, dt.date, Permanence]]
) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    summary = permanence_summary(site)
    for uid, day, permanence in found:
        cancelled = _cancelled(permanence, day)
        entries.append(
            CalendarEntry(
                uid=uid,
                kind=EntryKind.PERMANENCE,
                type=AnimationType.PERMANENCE,
                summary=f"{summary} (annulée)" if cancelled else summary,
                first_day=day,
                last_day=day,
                precision=Precision.DAY,
                start_time=permanence.start_time,
                end_time=permanence.end_time,
                place=_optional(permanence.place),
                neighbourhood=_optional(permanence.neighbourhood),
                cancelled=cancelled,
            )
        )
    return entries


#: The most permanence occurrences one calendar holds: a weekly permanence on every
#: weekday for 20 years is 5 200; 60 permanences spanning 200 years (624 000) are refused,
#: never expanded (a hang before), and so is the 20 001st occurrence of a long period.
MAX_OCCURRENCES = 20_000


def _too_many(data: Dataset | None, index: int, start: dt.date, end: dt.date) -> UsageError:
    where = data.origin("permanences", index) if data is not None else None
    row = str(where) if where is not None else f"permanences, ligne n° {index + 1}"
    count = f"{MAX_OCCURRENCES:_}".replace("_", "\u202f")
    return UsageError(
        f"{row} : jusqu'à cette ligne, les permanences donnent plus de "
        f"{count} dates du {start:%d/%m/%Y} au {end:%d/%m/%Y} : le calendrier n'en tient "
        "pas tant. Vérifiez les dates de début et de fin de ces permanences, ou demandez "
        "une période plus courte."
    )


def _expanded(
    site: str,
    permanences: Iterable[Permanence],
    start: dt.date,
    end: dt.date,
    data: Dataset | None = None,
) -> list[tuple[str, dt.date, Permanence]]:
    """Each occurrence of the permanences in ``[start, end]`` with its uid, once: two rows
    giving the same place, day and hour give one occurrence (the first row's). More than
    :data:`MAX_OCCURRENCES` is a French :class:`UsageError` naming the row (of ``data``,
    when given) where the count was passed."""
    found: list[tuple[str, dt.date, Permanence]] = []
    seen: set[str] = set()
    for index, permanence in enumerate(permanences):
        start_text = permanence.start_time.isoformat(timespec="minutes")
        for day in _bounded(occurrences_iter(permanence, start, end), MAX_OCCURRENCES + 1):
            if len(found) >= MAX_OCCURRENCES:
                raise _too_many(data, index, start, end)
            uid = _uid(
                site,
                EntryKind.PERMANENCE,
                clean_line(permanence.place).casefold(),
                day.isoformat(),
                start_text,
            )
            if uid in seen:
                continue
            seen.add(uid)
            found.append((uid, day, permanence))
    return found


def _cancelled(permanence: Permanence, day: dt.date) -> bool:
    return any(c.start <= day <= c.end for c in permanence.cancelled)


class OccurrenceState:
    """What became of a planned occurrence (plain strings, for the JSON)."""

    HELD = "tenue"
    CANCELLED = "annulee"
    UPCOMING = "a_venir"


@attrs.frozen(repr=False)
class Occurrence:
    """One planned occurrence of a permanence in the period, and what became of it.

    ``records``: the animations of type ``permanence`` recorded on its day and at its
    place (they *are* this occurrence: its participants are theirs)."""

    day: dt.date
    permanence: Permanence
    state: str
    records: tuple[Animation, ...] = ()

    def __repr__(self) -> str:
        return f"<Occurrence {self.day.isoformat()} {self.state}>"

    @property
    def participants(self) -> int:
        """The recorded participants (an occurrence not recorded counts 0)."""
        return sum(a.participants or 0 for a in self.records)


@attrs.frozen(repr=False)
class PermanenceRecord:
    """The permanences of ``[start, end]`` seen from ``as_of`` (the bilan's date).

    ``occurrences``: every occurrence planned in the period, each held, cancelled or à
    venir (so ``held_planned + cancelled + upcoming == planned``); ``elsewhere``: the
    permanences recorded (``realise``) in the period at no occurrence: held, not planned;
    ``planned_apart``: the ``prevu`` animations of type permanence dated in the period at
    no occurrence (planned besides the sheet)."""

    occurrences: tuple[Occurrence, ...]
    elsewhere: tuple[Animation, ...]
    planned_apart: tuple[Animation, ...]

    def __repr__(self) -> str:
        return (
            f"<PermanenceRecord {self.planned} planned, {self.held} held, "
            f"{self.cancelled} cancelled, {self.upcoming} upcoming>"
        )

    def _count(self, state: str) -> int:
        return sum(1 for o in self.occurrences if o.state == state)

    @property
    def planned(self) -> int:
        """The occurrences planned in the period."""
        return len(self.occurrences)

    @property
    def held_planned(self) -> int:
        """The occurrences held."""
        return self._count(OccurrenceState.HELD)

    @property
    def held(self) -> int:
        """The permanences held: the occurrences held and those recorded elsewhere."""
        return self.held_planned + len(self.elsewhere)

    @property
    def cancelled(self) -> int:
        return self._count(OccurrenceState.CANCELLED)

    @property
    def upcoming(self) -> int:
        return self._count(OccurrenceState.UPCOMING)

    @property
    def unrecorded(self) -> tuple[Occurrence, ...]:
        """The occurrences held that no animation records (no participant count)."""
        return tuple(
            o for o in self.occurrences if o.state == OccurrenceState.HELD and not o.records
        )


def _by_day(found: list[tuple[str, dt.date, Permanence]]) -> dict[dt.date, list[int]]:
    """The indexes of the occurrences by day."""
    by_day: dict[dt.date, list[int]] = {}
    for index, (_, day, _) in enumerate(found):
        by_day.setdefault(day, []).append(index)
    return by_day


def _place_key(text: str | None) -> str:
    return " ".join(clean_line(text).split()).casefold()


def _occurrence_of(
    animation: Animation,
    by_day: dict[dt.date, list[int]],
    found: list[tuple[str, dt.date, Permanence]],
) -> int | None:
    """The index of the occurrence an animation of type permanence is, if any: on its day,
    at its place (without a place, in its neighbourhood; with neither, the day's first)."""
    if animation.date.precision is not Precision.DAY:
        return None
    candidates = by_day.get(animation.date.start, [])
    if animation.place and animation.place.strip():
        key = _place_key(animation.place)
        candidates = [i for i in candidates if _place_key(found[i][2].place) == key]
    elif animation.neighbourhood and animation.neighbourhood.strip():
        key = _place_key(animation.neighbourhood)
        candidates = [i for i in candidates if _place_key(found[i][2].neighbourhood) == key]
    return candidates[0] if candidates else None


def permanence_record(
    data: Dataset, start: dt.date, end: dt.date, as_of: dt.date
) -> PermanenceRecord:
    """The permanences of ``[start, end]``, planned and held, seen from ``as_of`` (see the
    module's notes)."""
    found = _expanded(data.site.name, data.permanences, start, end, data)
    by_day = _by_day(found)
    records: dict[int, list[Animation]] = {}
    elsewhere: list[Animation] = []
    apart: list[Animation] = []
    for animation in data.animations:
        if animation.type is not AnimationType.PERMANENCE:
            continue
        match = _occurrence_of(animation, by_day, found)
        if animation.status is AnimationStatus.REALISE:
            if not start <= animation.date.start <= end:
                continue
            if match is None:
                elsewhere.append(animation)
            else:
                records.setdefault(match, []).append(animation)
        elif match is None and partial_in(animation.date, start, end):
            apart.append(animation)
    occurrences_: list[Occurrence] = []
    for index, (_, day, permanence) in enumerate(found):
        recorded = tuple(records.get(index, ()))
        if recorded:
            state = OccurrenceState.HELD
        elif _cancelled(permanence, day):
            state = OccurrenceState.CANCELLED
        elif day > as_of:
            state = OccurrenceState.UPCOMING
        else:
            state = OccurrenceState.HELD
        occurrences_.append(Occurrence(day, permanence, state, recorded))
    return PermanenceRecord(tuple(occurrences_), tuple(elsewhere), tuple(apart))


def _order(entry: CalendarEntry) -> tuple[object, ...]:
    return (
        entry.first_day,
        entry.last_day - entry.first_day,  # a day before a month starting that day
        entry.start_time or dt.time(),
        entry.kind,
        entry.type.code,
        entry.summary,
        entry.uid,
    )


def build_calendar(data: Dataset, start: dt.date, end: dt.date) -> Calendar:
    """The calendar of ``[start, end]``: the planned animations whose date meets the
    period and the permanences' occurrences in it (see the module's notes); a planned
    animation of type permanence on the day and at the place of an occurrence is that
    occurrence, not a second entry."""
    if end < start:
        raise ValueError("the period ends before it starts")
    site = data.site.name
    found = _expanded(site, data.permanences, start, end, data)
    by_day = _by_day(found)
    animations = [
        a
        for a in data.animations
        if a.type is not AnimationType.PERMANENCE or _occurrence_of(a, by_day, found) is None
    ]
    planned = [
        e
        for e in _animation_entries(site, animations)
        if e.first_day <= end and e.last_day >= start
    ]
    held = _permanence_entries(site, found)
    entries = sorted([*planned, *held], key=_order)
    return Calendar(site=site, start=start, end=end, entries=tuple(entries))


def partial_in(date: PartialDate, start: dt.date, end: dt.date) -> bool:
    """Whether a (partial) date lies wholly inside ``[start, end]``: a planned animation
    "dated in the period"."""
    return start <= date.start and date.end <= end
