"""The one pass over the persons' events, and the tally of the accompanied.

:func:`_scan_persons` visits each person's events once (:class:`_Scan`: the accompanied's
figures, programmes, exits, orientations of the period); :func:`_tally` counts the
accompanied column by column (:class:`_Tally`, true counts before masking).
:class:`PersonFigures` is the one definition of a person's figures, shared with
:mod:`citeslab_core.exporting.privacy`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any, TypeVar

import attrs

from citeslab_core.bilan._results import (
    EN_COURS,
    NON_RENSEIGNE,
    TABLE_KEYS,
    CountedPersons,
)
from citeslab_core.derive._grouping import event_groups
from citeslab_core.model import Dataset, Person
from citeslab_core.model.dates import PartialDate, Precision, age_on
from citeslab_core.vocabularies import (
    AgeBracket,
    Channel,
    Decision,
    EducationLevel,
    EventType,
    ExitResult,
    MinimumBenefit,
    OrientationCategory,
    ResidenceStatus,
    Sector,
    Sex,
    SituationAtEntry,
    Stage,
    Vocabulary,
)

T = TypeVar("T")


@attrs.frozen
class PersonFigures:
    """One person accompanied in the period, as the bilan counts them.

    The one definition of the per-person figures: the bilan's tables tally these, and
    :func:`citeslab_core.exporting.privacy.build_participants` turns them into participant rows, so
    the two always agree.

    - ``person``: the record (identity included: it never leaves the core as it is);
    - ``first_entretien``: the person's first-ever ``entretien``, None when there is none;
    - ``new``: that first entretien is in the period;
    - ``age_date``: the day the age is taken: the first entretien, else the person's first
      event; ``age_bracket``: the age bracket on that day, None when the birth date is
      unknown;
    - ``orientation``: the category of the orientation dated on the day of the first
      entretien (several that day: the first row), None when there is none (the bilan
      counts it ``autre``);
    - ``exit_date``, ``exit_result``: the last ``sortie`` in the period (by date; same date:
      the later row), None when there is none (``en_cours``).
    """

    person: Person
    first_entretien: dt.date | None
    new: bool
    age_date: dt.date
    age_bracket: AgeBracket | None
    orientation: OrientationCategory | None
    exit_date: dt.date | None
    exit_result: ExitResult | None


def accompanied_persons(data: Dataset, start: dt.date, end: dt.date) -> tuple[PersonFigures, ...]:
    """The persons accompanied from ``start`` to ``end`` (at least one ``entretien`` or
    ``point_etape`` in the period, both ends included), in the order of ``data.persons``.
    One pass over each person's events: linear in the number of events."""
    figures = _scan_persons(data, start, end).accompanied
    persons = data.persons
    return tuple(
        PersonFigures(
            person=persons[index],
            first_entretien=figures.first_entretien[row],
            new=figures.new[row],
            age_date=figures.age_date[row],
            age_bracket=figures.age_bracket[row],
            orientation=figures.orientation[row],
            exit_date=figures.exit_date[row],
            exit_result=figures.exit_result[row],
        )
        for row, index in enumerate(figures.persons)
    )


@attrs.define
class _Accompanied:
    """The accompanied persons' figures column-wise: one list per field of
    :class:`PersonFigures`, the person as their index in ``data.persons`` (the tally counts
    each list at C speed; :func:`accompanied_persons` makes records of them)."""

    persons: list[int] = attrs.field(factory=list)
    first_entretien: list[dt.date | None] = attrs.field(factory=list)
    new: list[bool] = attrs.field(factory=list)
    age_date: list[dt.date] = attrs.field(factory=list)
    age_bracket: list[AgeBracket | None] = attrs.field(factory=list)
    orientation: list[OrientationCategory | None] = attrs.field(factory=list)
    exit_date: list[dt.date | None] = attrs.field(factory=list)
    exit_result: list[ExitResult | None] = attrs.field(factory=list)


@attrs.define
class _Scan:
    """What one pass over the persons' events gathers (true counts, before masking)."""

    accompanied: _Accompanied = attrs.field(factory=_Accompanied)
    exits_outside: int = 0
    oriented: dict[str, set[str]] = attrs.field(factory=dict)
    retained: dict[str, set[str]] = attrs.field(factory=dict)
    retained_any: set[str] = attrs.field(factory=set)
    programme_first: dict[str, dt.date] = attrs.field(factory=dict)
    #: Orientations of the period of the accompanied: each person's distinct categories,
    #: each orientation's category (counted once by the table, not by a ``Counter``
    #: update a person, a Mapping check each), and the persons oriented at least once.
    orient_persons: list[OrientationCategory] = attrs.field(factory=list)
    orient_events: list[OrientationCategory] = attrs.field(factory=list)
    orient_any: int = 0


class _Events:
    """The columns the scan reads, in the order of :mod:`citeslab_core.derive._grouping` (by
    person, date, row), and the period. Dates and types, read for every event, permuted;
    the columns read only for some events (orientations, programmes, exits) read through
    the order (:meth:`~citeslab_core.derive._grouping.EventGroups.through`): no copy of them."""

    __slots__ = (
        "categories",
        "dates",
        "decisions",
        "end",
        "programmes",
        "results",
        "start",
        "types",
    )

    def __init__(self, data: Dataset, start: dt.date, end: dt.date) -> None:
        groups = event_groups(data)
        self.dates: Sequence[dt.date] = groups.column("date")
        self.types: Sequence[EventType] = groups.column("type")
        self.categories: Sequence[OrientationCategory | None] = groups.through("category")
        self.programmes: Sequence[str | None] = groups.through("programme")
        self.decisions: Sequence[Decision | None] = groups.through("decision")
        self.results: Sequence[ExitResult | None] = groups.through("result")
        self.start, self.end = start, end


def _scan_persons(data: Dataset, start: dt.date, end: dt.date) -> _Scan:
    """The one pass: each accompanied person's figures (column-wise), and the programmes'
    and exits' figures of every person, from the dataset's columns (no record built)."""
    scan = _Scan()
    events = _Events(data, start, end)
    dates = events.dates
    offsets = event_groups(data).starts
    persons = data.columns("porteurs")
    for index, (pid, birth) in enumerate(zip(persons["id"], persons["birth"], strict=True)):
        first, stop = offsets[index], offsets[index + 1]
        # By date: a person whose events all fall before or after the period has no
        # contact, exit or programme event in it, and nothing to count.
        if first == stop or dates[stop - 1] < start or dates[first] > end:
            continue
        _scan_person(scan, events, index=index, pid=pid, birth=birth, i=first, stop=stop)
    return scan


def _scan_person(
    scan: _Scan,
    events: _Events,
    *,
    index: int,
    pid: str,
    birth: PartialDate | None,
    i: int,
    stop: int,
) -> None:
    """One person's events, positions ``i`` to ``stop - 1`` (by date, same date in input
    order): their figures if they are accompanied, their programmes and exits."""
    start, end = events.start, events.end
    dates, types, categories = events.dates, events.types, events.categories
    first: dt.date | None = None
    contact = False
    last_exit = -1
    orient_day: dt.date | None = None
    orient_category: OrientationCategory | None = None
    in_period: list[OrientationCategory] | None = None
    for position in range(i, stop):
        kind = types[position]
        day = dates[position]
        if kind is _POINT:
            if not contact:
                contact = start <= day <= end
        elif kind is _ENTRETIEN:
            if first is None:
                first = day
            if not contact:
                contact = start <= day <= end
        elif kind is _ORIENTATION:
            # The first orientation row of the day of the first entretien.
            if day != orient_day and (first is None or day == first):
                orient_day = day
                orient_category = categories[position]
            if start <= day <= end:
                if in_period is None:
                    in_period = []
                in_period.append(categories[position] or _OTHER_CATEGORY)
        elif kind is _SORTIE:
            if start <= day <= end:
                last_exit = position  # the last one wins: by date, then the later row
        elif kind is _CANDIDATURE or kind is _DECISION:
            _programme_event(scan, events, pid, position)
    if not contact:
        if last_exit >= 0 and events.results[last_exit] is not None:
            scan.exits_outside += 1
        return
    if in_period is not None:
        scan.orient_events.extend(in_period)
        scan.orient_persons.extend(set(in_period))
        scan.orient_any += 1
    age_date = first if first is not None else dates[i]
    figures = scan.accompanied
    figures.persons.append(index)
    figures.first_entretien.append(first)
    figures.new.append(first is not None and start <= first <= end)
    figures.age_date.append(age_date)
    figures.age_bracket.append(_age_bracket(birth, age_date))
    figures.orientation.append(orient_category if orient_day == first else None)
    figures.exit_date.append(dates[last_exit] if last_exit >= 0 else None)
    figures.exit_result.append(events.results[last_exit] if last_exit >= 0 else None)


def _programme_event(scan: _Scan, events: _Events, pid: str, position: int) -> None:
    """A ``candidature_programme`` or ``decision_programme`` (counted when in the period)."""
    programme = events.programmes[position]
    day = events.dates[position]
    if not programme or not events.start <= day <= events.end:
        return
    if events.types[position] is _CANDIDATURE:
        scan.oriented.setdefault(programme, set()).add(pid)
    elif events.decisions[position] is Decision.RETENU:
        scan.retained.setdefault(programme, set()).add(pid)
        scan.retained_any.add(pid)
    known = scan.programme_first.get(programme)
    if known is None or day < known:
        scan.programme_first[programme] = day


_ENTRETIEN = EventType.ENTRETIEN
_POINT = EventType.POINT_ETAPE
_ORIENTATION = EventType.ORIENTATION
_SORTIE = EventType.SORTIE
_CANDIDATURE = EventType.CANDIDATURE_PROGRAMME
_DECISION = EventType.DECISION_PROGRAMME
_OTHER_CATEGORY = OrientationCategory.AUTRE


#: The age bracket of each age from 0 to 120 (``AgeBracket.of_age`` once per age).
_BRACKET_OF_AGE: tuple[AgeBracket, ...] = tuple(AgeBracket.of_age(age) for age in range(121))


def _age_bracket(birth: PartialDate | None, on: dt.date) -> AgeBracket | None:
    """``AgeBracket.of_age(age_on(birth, on))``, None without a birth date.

    The same ages as :func:`~citeslab_core.model.dates.age_on` (``relativedelta``), without
    building a ``relativedelta`` per person (5 µs each): born on a day other than 29
    February and on or before ``on``, the age is the difference of the years, less one
    before the birthday; the other cases go through ``age_on``.
    """
    if birth is None:
        return None
    born = birth.start
    if birth.precision is not Precision.DAY:
        age = on.year - born.year
    elif (born.day == 29 and born.month == 2) or on < born:
        age = age_on(birth, on)
    else:
        age = on.year - born.year
        if on.month < born.month or (on.month == born.month and on.day < born.day):
            age -= 1
    if 0 <= age <= 120:
        return _BRACKET_OF_AGE[age]
    return AgeBracket.of_age(age)


@attrs.define
class _Tally:
    """The accompanied persons' counts, by table and more (true counts, before masking)."""

    accompanied: int = 0
    new: int = 0
    without_orientation: int = 0
    no_entretien: int = 0
    counters: dict[str, Counter[str]] = attrs.field(factory=dict)
    other_hoods: set[str] = attrs.field(factory=set)
    qpv: dict[tuple[str | None, str | None], tuple[Counter[str], Counter[str]]] = attrs.field(
        factory=dict
    )
    prescribers: Counter[str | None] = attrs.field(factory=Counter)
    prescriber_spellings: dict[str, set[str]] = attrs.field(factory=dict)
    #: the person's columns the tally read, for the accompanied only (by field name)
    columns: dict[str, tuple[Any, ...]] = attrs.field(factory=dict)


def _count_members(
    column: Sequence[object], vocabulary: type[Vocabulary], none: str | None
) -> Counter[str]:
    """A column of members counted by code (``None`` as ``none``), one C-level
    ``count`` per member (members are singletons: compared by identity first)."""
    counts: Counter[str] = Counter()
    for member in vocabulary:
        n = column.count(member)
        if n:
            counts[member.code] = n
    if none is not None:
        n = column.count(None)
        if n:
            counts[none] += n  # None may count as a member (orientation: ``autre``)
    return counts


def _picked(column: Sequence[T], indices: Sequence[int]) -> tuple[T, ...]:
    """``column[i]`` for each index, at C speed."""
    if len(indices) > 1:
        values: tuple[T, ...] = itemgetter(*indices)(column)
        return values
    return tuple(column[i] for i in indices)


#: The person's fields counted as they are (vocabulary, code of "no value"), by table.
_PERSON_TABLES: tuple[tuple[str, str, type[Vocabulary], str | None], ...] = (
    ("sexe", "sex", Sex, NON_RENSEIGNE[0]),
    ("statut_residence", "residence", ResidenceStatus, NON_RENSEIGNE[0]),
    ("niveau_formation", "education", EducationLevel, NON_RENSEIGNE[0]),
    ("situation_entree", "situation", SituationAtEntry, NON_RENSEIGNE[0]),
    ("minima_sociaux", "benefit", MinimumBenefit, None),
    ("canal", "channel", Channel, NON_RENSEIGNE[0]),
    ("stade_entree", "stage_at_entry", Stage, NON_RENSEIGNE[0]),
    ("secteur", "sector", Sector, NON_RENSEIGNE[0]),
)


def _tally(data: Dataset, figures: _Accompanied) -> _Tally:
    """The counts of the accompanied, column by column (C-level counting of each column;
    Python only per distinct value)."""
    tally = _Tally(counters={key: Counter() for key in TABLE_KEYS})
    if not figures.persons:
        return tally
    counters = tally.counters
    nr = NON_RENSEIGNE[0]
    tally.accompanied = len(figures.persons)
    tally.new = figures.new.count(True)
    tally.no_entretien = figures.first_entretien.count(None)
    tally.without_orientation = figures.orientation.count(None)
    persons = data.columns("porteurs")
    names = [field for _, field, _, _ in _PERSON_TABLES]
    names += ["neighbourhood", "qpv_code", "prescriber"]
    columns = {name: _picked(persons[name], figures.persons) for name in names}
    tally.columns = columns
    for key, field, vocabulary, none in _PERSON_TABLES:
        counters[key] = _count_members(columns[field], vocabulary, none)
    counters["tranche_age"] = _count_members(figures.age_bracket, AgeBracket, nr)
    counters["orientation_premier_rdv"] = _count_members(
        figures.orientation, OrientationCategory, OrientationCategory.AUTRE.code
    )
    counters["resultat"] = _count_members(figures.exit_result, ExitResult, EN_COURS[0])
    hood_of = _neighbourhoods(data, tally, columns["neighbourhood"])
    _qpv_residents(tally, columns, figures.age_bracket, hood_of)
    _prescribers(tally, columns)
    return tally


def _neighbourhoods(
    data: Dataset, tally: _Tally, written: Sequence[str | None]
) -> dict[str | None, str | None]:
    """The neighbourhoods counted: a declared one in any case, else the name as written
    (trimmed); the name of each spelling found."""
    hoods = {h.name.casefold(): h for h in data.neighbourhoods}
    hood_of: dict[str | None, str | None] = {}
    for raw in dict.fromkeys(written):
        name: str | None = None
        if raw and raw.strip():
            declared = hoods.get(raw.casefold())
            if declared is not None:
                name = declared.name
            else:
                name = raw.strip()
                tally.other_hoods.add(name)
        hood_of[raw] = name
    quartier = tally.counters["quartier"]
    for raw, n in Counter(written).items():
        name = hood_of[raw]
        quartier[name if name is not None else NON_RENSEIGNE[0]] += n
    return hood_of


def _qpv_residents(
    tally: _Tally,
    columns: dict[str, tuple[Any, ...]],
    brackets: Sequence[AgeBracket | None],
    hood_of: dict[str | None, str | None],
) -> None:
    """QPV residents by (neighbourhood, QPV code), by sex and by age bracket; the keys in
    the order of their first person, as a person-by-person pass would add them."""
    in_qpv = list(map(is_, columns["residence"], repeat(ResidenceStatus.QPV)))
    if not any(in_qpv):
        return
    keys = list(
        zip(
            compress(columns["neighbourhood"], in_qpv),
            compress(columns["qpv_code"], in_qpv),
            strict=True,
        )
    )
    qpv = tally.qpv
    for raw, code in dict.fromkeys(keys):
        qpv.setdefault((hood_of[raw], code), (Counter(), Counter()))
    sexes = tuple(compress(columns["sex"], in_qpv))
    ages = tuple(compress(brackets, in_qpv))
    for values, vocabulary, side in ((sexes, Sex, 0), (ages, AgeBracket, 1)):
        for member in (*vocabulary, None):
            code = NON_RENSEIGNE[0] if member is None else member.code
            chosen = compress(keys, map(is_, values, repeat(member)))
            for (raw, qpv_code), n in Counter(chosen).items():
                qpv[hood_of[raw], qpv_code][side][code] += n


def _prescribers(tally: _Tally, columns: dict[str, tuple[Any, ...]]) -> None:
    """Prescribers of the persons who came through a partner: one per spelling up to case."""
    partner = list(map(is_, columns["channel"], repeat(Channel.PARTENAIRE)))
    for raw, n in Counter(compress(columns["prescriber"], partner)).items():
        name = raw.strip() if raw else ""
        if name:
            key = name.casefold()
            tally.prescribers[key] += n
            tally.prescriber_spellings.setdefault(key, set()).add(name)
        else:
            tally.prescribers[None] += n


def counted_persons(data: Dataset, scan: _Scan, tally: _Tally) -> CountedPersons:
    """The accompanied of ``scan``, as ``tally`` counted them (see :class:`CountedPersons`):
    the scan's and the tally's own columns, not copied (a few milliseconds a bilan)."""
    figures = scan.accompanied
    ids = _picked(data.columns("porteurs")["id"], figures.persons) if figures.persons else ()
    applied: dict[str, list[str]] = {}
    for programme, persons in scan.oriented.items():
        for pid in persons:
            applied.setdefault(pid, []).append(programme)
    columns = tally.columns if ids else {}
    accompanied = set(ids) if applied else set()
    return CountedPersons(
        ids=ids,
        new=figures.new,
        age_bracket=figures.age_bracket,
        sex=columns.get("sex", ()),
        residence=columns.get("residence", ()),
        qpv_code=columns.get("qpv_code", ()),
        stage_at_entry=columns.get("stage_at_entry", ()),
        orientation=figures.orientation,
        exit_result=figures.exit_result,
        programmes={
            pid: tuple(sorted(names))
            for pid, names in applied.items()
            if pid in accompanied  # an applicant not accompanied is not counted here
        },
    )
