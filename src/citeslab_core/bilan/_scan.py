"""The one pass over the persons' events, and the tally of the accompanied.

:func:`_scan_persons` visits each person's events once (:class:`_Scan`: the accompanied's
figures, programmes, exits, orientations of the period); :func:`_tally` counts the
accompanied column by column (:class:`_Tally`, true counts before masking).
:class:`PersonFigures` is the one definition of a person's figures, shared with
:mod:`citeslab_core.privacy`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from itertools import compress, repeat, starmap
from operator import attrgetter, is_

import attrs

from citeslab_core.bilan._results import (
    EN_COURS,
    NON_RENSEIGNE,
    TABLE_KEYS,
)
from citeslab_core.dates import PartialDate, Precision, age_on
from citeslab_core.model import Dataset, Event, Person
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


@attrs.frozen
class PersonFigures:
    """One person accompanied in the period, as the bilan counts them.

    The one definition of the per-person figures: the bilan's tables tally these, and
    :func:`citeslab_core.privacy.build_participants` turns them into participant rows, so
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
    return tuple(starmap(PersonFigures, _scan_persons(data, start, end).rows))


#: One accompanied person's figures, the fields of :class:`PersonFigures` in their order.
_Row = tuple[
    Person,
    dt.date | None,
    bool,
    dt.date,
    AgeBracket | None,
    OrientationCategory | None,
    dt.date | None,
    ExitResult | None,
]


@attrs.define
class _Scan:
    """What one pass over the persons' events gathers (true counts, before masking)."""

    rows: list[_Row] = attrs.field(factory=list)
    exits_outside: int = 0
    oriented: dict[str, set[str]] = attrs.field(factory=dict)
    retained: dict[str, set[str]] = attrs.field(factory=dict)
    retained_any: set[str] = attrs.field(factory=set)
    programme_first: dict[str, dt.date] = attrs.field(factory=dict)
    #: Orientations of the period of the accompanied: distinct persons and events by
    #: category, and the persons oriented at least once.
    orient_persons: Counter[OrientationCategory] = attrs.field(factory=Counter)
    orient_events: Counter[OrientationCategory] = attrs.field(factory=Counter)
    orient_any: int = 0


def _scan_persons(data: Dataset, start: dt.date, end: dt.date) -> _Scan:
    """The one pass: each accompanied person's figures as a row (a plain tuple: the bilan
    tallies them column-wise, :func:`accompanied_persons` makes them records), and the
    programmes' and exits' figures of every person."""
    scan = _Scan()
    rows = scan.rows
    oriented, retained, retained_any = scan.oriented, scan.retained, scan.retained_any
    firsts = scan.programme_first
    exits_outside = 0
    entretien, point, orientation = (
        EventType.ENTRETIEN,
        EventType.POINT_ETAPE,
        EventType.ORIENTATION,
    )
    candidature, decision, sortie = (
        EventType.CANDIDATURE_PROGRAMME,
        EventType.DECISION_PROGRAMME,
        EventType.SORTIE,
    )
    retenu = Decision.RETENU
    other_category = OrientationCategory.AUTRE
    by_person = data.events_by_person
    # events_by_person has every person, in the order of data.persons: the person of each
    # entry comes with it, without a look-up (checked below; else the look-up).
    persons = data.persons if len(data.persons) == len(by_person) else repeat(None)
    for person, (pid, events) in zip(persons, by_person.items(), strict=False):
        # By date: a person whose events all fall before or after the period has no
        # contact, exit or programme event in it, and nothing to count.
        if not events or events[-1].date < start or events[0].date > end:
            continue
        first: dt.date | None = None
        contact = False
        last_exit: Event | None = None
        orient_day: dt.date | None = None
        orient_category: OrientationCategory | None = None
        in_period: list[OrientationCategory] | None = None
        for ev in events:  # by date, same date in input order
            kind = ev.type
            if kind is point:
                if not contact:
                    contact = start <= ev.date <= end
            elif kind is entretien:
                day = ev.date
                if first is None:
                    first = day
                if not contact:
                    contact = start <= day <= end
            elif kind is orientation:
                # The first orientation row of the day of the first entretien.
                day = ev.date
                if day != orient_day and (first is None or day == first):
                    orient_day = day
                    orient_category = ev.category
                if start <= day <= end:
                    if in_period is None:
                        in_period = []
                    in_period.append(ev.category or other_category)
            elif kind is sortie:
                if start <= ev.date <= end:
                    last_exit = ev  # the last one wins: by date, then the later row
            elif kind is candidature:
                programme = ev.programme
                day = ev.date
                if programme and start <= day <= end:
                    oriented.setdefault(programme, set()).add(pid)
                    known = firsts.get(programme)
                    if known is None or day < known:
                        firsts[programme] = day
            elif kind is decision:
                programme = ev.programme
                day = ev.date
                if programme and start <= day <= end:
                    if ev.decision is retenu:
                        retained.setdefault(programme, set()).add(pid)
                        retained_any.add(pid)
                    known = firsts.get(programme)
                    if known is None or day < known:
                        firsts[programme] = day
        if not contact:
            if last_exit is not None and last_exit.result is not None:
                exits_outside += 1
            continue
        if in_period is not None:
            scan.orient_events.update(in_period)
            scan.orient_persons.update(set(in_period))
            scan.orient_any += 1
        if person is None or person.id != pid:  # pragma: no cover (defensive)
            person = data.persons_by_id[pid]
        age_date = first if first is not None else events[0].date
        rows.append(
            (
                person,
                first,
                first is not None and start <= first <= end,
                age_date,
                _age_bracket(person.birth, age_date),
                orient_category if orient_day == first else None,
                last_exit.date if last_exit is not None else None,
                last_exit.result if last_exit is not None else None,
            )
        )
    scan.exits_outside = exits_outside
    return scan


#: The age bracket of each age from 0 to 120 (``AgeBracket.of_age`` once per age).
_BRACKET_OF_AGE: tuple[AgeBracket, ...] = tuple(AgeBracket.of_age(age) for age in range(121))


def _age_bracket(birth: PartialDate | None, on: dt.date) -> AgeBracket | None:
    """``AgeBracket.of_age(age_on(birth, on))``, None without a birth date.

    The same ages as :func:`~citeslab_core.dates.age_on` (``relativedelta``), without
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


def _codes_by_id(vocabulary: type[Vocabulary], none: str | None) -> dict[int, str]:
    """``id(member)`` → code (and ``id(None)`` → ``none``): a column of members (singletons)
    is counted by ``id``, then each distinct member turned into its code once."""
    codes = {id(member): member.code for member in vocabulary}
    if none is not None:
        codes[id(None)] = none
    return codes


def _count_codes(column: Iterable[object], codes: dict[int, str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for key, n in Counter(map(id, column)).items():
        counts[codes[key]] += n  # None may count as a member (orientation: ``autre``)
    return counts


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


def _tally(data: Dataset, rows: list[_Row]) -> _Tally:
    """The counts of the accompanied, column by column (C-level counting of each column;
    Python only per distinct value)."""
    tally = _Tally(counters={key: Counter() for key in TABLE_KEYS})
    if not rows:
        return tally
    counters = tally.counters
    nr = NON_RENSEIGNE[0]
    persons, firsts, news, _, brackets, orientations, _, results = zip(*rows, strict=True)
    tally.accompanied = len(rows)
    tally.new = news.count(True)
    tally.no_entretien = firsts.count(None)
    tally.without_orientation = orientations.count(None)
    # Every field read in one pass over the persons (one visit of each record, where a
    # pass per field would fetch each record from memory again), then transposed.
    names = [field for _, field, _, _ in _PERSON_TABLES]
    names += ["neighbourhood", "qpv_code", "prescriber"]
    values = zip(*map(attrgetter(*names), persons), strict=True)
    columns = dict(zip(names, values, strict=True))
    for key, field, vocabulary, none in _PERSON_TABLES:
        counters[key] = _count_codes(columns[field], _codes_by_id(vocabulary, none))
    age_codes = _codes_by_id(AgeBracket, nr)
    counters["tranche_age"] = _count_codes(brackets, age_codes)
    counters["orientation_premier_rdv"] = _count_codes(
        orientations, _codes_by_id(OrientationCategory, OrientationCategory.AUTRE.code)
    )
    counters["resultat"] = _count_codes(results, _codes_by_id(ExitResult, EN_COURS[0]))

    # Neighbourhoods: a declared one in any case, else the name as written (trimmed).
    hoods = {h.name.casefold(): h for h in data.neighbourhoods}
    written = columns["neighbourhood"]
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
    quartier = counters["quartier"]
    for raw, n in Counter(written).items():
        name = hood_of[raw]
        quartier[name if name is not None else nr] += n

    # QPV residents by (neighbourhood, QPV code), by sex and by age bracket; the keys in
    # the order of their first person, as a person-by-person pass would add them.
    in_qpv = list(map(is_, columns["residence"], repeat(ResidenceStatus.QPV)))
    if any(in_qpv):
        keys = list(
            zip(
                compress(written, in_qpv),
                compress(columns["qpv_code"], in_qpv),
                strict=True,
            )
        )
        sex_codes = _codes_by_id(Sex, nr)
        by_sex = Counter(zip(keys, map(id, compress(columns["sex"], in_qpv)), strict=True))
        by_age = Counter(zip(keys, map(id, compress(brackets, in_qpv)), strict=True))
        qpv = tally.qpv
        for ((raw, code), sex), n in by_sex.items():
            counts = qpv.setdefault((hood_of[raw], code), (Counter(), Counter()))
            counts[0][sex_codes[sex]] += n
        for ((raw, code), age), n in by_age.items():
            qpv[hood_of[raw], code][1][age_codes[age]] += n

    # Prescribers of the persons who came through a partner: one per spelling up to case.
    partner = list(map(is_, columns["channel"], repeat(Channel.PARTENAIRE)))
    for raw, n in Counter(compress(columns["prescriber"], partner)).items():
        name = raw.strip() if raw else ""
        if name:
            key = name.casefold()
            tally.prescribers[key] += n
            tally.prescriber_spellings.setdefault(key, set()).add(name)
        else:
            tally.prescribers[None] += n
    return tally
