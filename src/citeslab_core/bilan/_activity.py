"""The site's activity in the period: programmes, orientations of the period, animations
(held, planned, in QPV), partnerships, and the activity indicators read from the tables.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping

import attrs

from citeslab_core.bilan._results import (
    POSITIVE_EXITS,
    AnimationRow,
    Indicators,
    OrientationPeriodRow,
    PartnershipRow,
    PlannedRow,
    ProgrammeRow,
    QpvAnimationRow,
    Table,
)
from citeslab_core.bilan._scan import (
    _Scan,
)
from citeslab_core.bilan.disclosure import mask_value, masked_sum
from citeslab_core.bilan.shares import percent_of
from citeslab_core.derive.calendar import PermanenceRecord, partial_in, permanence_record
from citeslab_core.model import Animation, Dataset
from citeslab_core.vocabularies import (
    AgeBracket,
    AnimationStatus,
    AnimationType,
    ExitResult,
    MinimumBenefit,
    OrientationCategory,
    ResidenceStatus,
    Sex,
    SituationAtEntry,
)


def _table_cell(tables: Mapping[str, Table[int | None]], key: str, code: str) -> int | None:
    """The count of row ``code`` of table ``key`` (None when masked, 0 when absent)."""
    row = tables[key].row(code)
    return row.count if row is not None else 0


def indicators_from_tables(
    tables: Mapping[str, Table[int | None]],
    *,
    accompanied: int | None,
    new: int | None,
    programme_entries: int | None,
    animations_held: int,
    animation_participants: int,
) -> Indicators[int | None]:
    """The activity indicators read from a bilan's (masked or not) tables: one definition
    for a site's bilan and a network's (:class:`Indicators` says what each one counts)."""

    def cell(key: str, code: str) -> int | None:
        return _table_cell(tables, key, code)

    return Indicators(
        accompanied=accompanied,
        new=new,
        women=cell("sexe", Sex.F.code),
        qpv_residents=cell("statut_residence", ResidenceStatus.QPV.code),
        under_26=masked_sum(
            [
                cell("tranche_age", AgeBracket.UNDER_18.code),
                cell("tranche_age", AgeBracket.A18_25.code),
            ]
        ),
        job_seekers=masked_sum(
            [cell("situation_entree", s.code) for s in SituationAtEntry if s.job_seeker]
        ),
        minimum_benefits=masked_sum(
            [
                cell("minima_sociaux", b.code)
                for b in MinimumBenefit
                if b is not MinimumBenefit.AUCUN
            ]
        ),
        orientations=tables["orientation_premier_rdv"].rows,
        creations=cell("resultat", ExitResult.CREATION.code),
        positive_exits=masked_sum([cell("resultat", r.code) for r in POSITIVE_EXITS]),
        programme_entries=programme_entries,
        animations_held=animations_held,
        animation_participants=animation_participants,
    )


def _programmes(scan: _Scan, k: int) -> tuple[ProgrammeRow[int | None], ...]:
    names = sorted(scan.programme_first, key=lambda p: (scan.programme_first[p], p))
    rows = []
    for name in names:
        oriented = len(scan.oriented.get(name, ()))
        retained = len(scan.retained.get(name, ()))
        if k > 0:
            rows.append(ProgrammeRow(name, mask_value(oriented, k), mask_value(retained, k)))
        else:
            rows.append(ProgrammeRow(name, oriented, retained))
    return tuple(rows)


def _orientations_period(
    scan: _Scan, accompanied: int, k: int
) -> tuple[tuple[OrientationPeriodRow[int | None], ...], int | None]:
    """The orientations of the period by category, and the persons oriented at least once.

    In public mode a category's persons from 1 to k−1 are masked with its events and share
    (the rows overlap, so no row can be worked out from the others and the total)."""
    rows: list[OrientationPeriodRow[int | None]] = []
    persons_of, events_of = Counter(scan.orient_persons), Counter(scan.orient_events)
    for category in OrientationCategory:
        persons = persons_of[category]
        events = events_of[category]
        if mask_value(persons, k) is None:
            rows.append(OrientationPeriodRow(category.code, category.label, None, None, None))
            continue
        share = percent_of(persons, accompanied)
        rows.append(OrientationPeriodRow(category.code, category.label, persons, events, share))
    return tuple(rows), mask_value(scan.orient_any, k)


def _held(animation: Animation, start: dt.date, end: dt.date) -> bool:
    return animation.status is AnimationStatus.REALISE and start <= animation.date.start <= end


def _animations(
    data: Dataset, start: dt.date, end: dt.date, permanences: PermanenceRecord
) -> tuple[tuple[AnimationRow, ...], int, int, int]:
    """The animations held in the period by type. The permanences held are the
    ``permanences`` sheet's occurrences held and those recorded elsewhere (docs/calendar.md,
    "Prévu et réalisé"): an occurrence no animation records counts with 0
    participant, and is not an animation "sans nombre de participants"."""
    numbers: Counter[AnimationType] = Counter()
    people: Counter[AnimationType] = Counter()
    unknown = 0
    for animation in data.animations:
        if not _held(animation, start, end):
            continue
        people[animation.type] += animation.participants or 0
        if animation.participants is None:
            unknown += 1
        if animation.type is not AnimationType.PERMANENCE:
            numbers[animation.type] += 1
    numbers[AnimationType.PERMANENCE] = permanences.held
    rows = tuple(AnimationRow(t.code, t.label, numbers[t], people[t]) for t in AnimationType)
    return rows, sum(numbers.values()), sum(people.values()), unknown


def _planned(
    data: Dataset,
    held: tuple[AnimationRow, ...],
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    permanences: PermanenceRecord,
) -> tuple[PlannedRow, ...]:
    """Planned against held by type. A ``prevu`` animation dated wholly in the period is
    planned, and *à venir* while it starts after ``as_of``; for permanences, the
    occurrences of the sheet (held, cancelled or à venir) and the ``prevu`` permanences at
    no occurrence."""
    planned: Counter[str] = Counter()
    upcoming: Counter[str] = Counter()
    for a in data.animations:
        if a.status is not AnimationStatus.PREVU or a.type is AnimationType.PERMANENCE:
            continue
        if partial_in(a.date, start, end):
            planned[a.type.code] += 1
            upcoming[a.type.code] += a.date.start > as_of
    code = AnimationType.PERMANENCE.code
    planned[code] = permanences.planned + len(permanences.planned_apart)
    upcoming[code] = permanences.upcoming + sum(
        1 for a in permanences.planned_apart if a.date.start > as_of
    )
    cancelled = {code: permanences.cancelled}
    return tuple(
        PlannedRow(
            row.code,
            row.label,
            planned[row.code],
            row.number,
            cancelled.get(row.code, 0),
            upcoming[row.code],
        )
        for row in held
    )


@attrs.frozen
class _Activity:
    """The animations of the period: held by type (their total, participants, and how
    many have no participant count), planned against held, held in each QPV."""

    animations: tuple[AnimationRow, ...]
    held: int
    participants: int
    no_participants: int
    planned: tuple[PlannedRow, ...]
    in_qpv: tuple[QpvAnimationRow, ...]


def _activity(data: Dataset, start: dt.date, end: dt.date, as_of: dt.date) -> _Activity:
    """The animations of ``[start, end]`` seen from ``as_of`` (the permanences' occurrences
    matched with the recorded ones once: :func:`permanence_record`)."""
    permanences = permanence_record(data, start, end, as_of)
    rows, held, participants, unknown = _animations(data, start, end, permanences)
    return _Activity(
        rows,
        held,
        participants,
        unknown,
        _planned(data, rows, start, end, as_of, permanences),
        _animations_in_qpv(data, start, end, permanences),
    )


def _animations_in_qpv(
    data: Dataset, start: dt.date, end: dt.date, permanences: PermanenceRecord
) -> tuple[QpvAnimationRow, ...]:
    """The animations held in each QPV, the permanences held there included (an
    occurrence no animation records in its permanence's neighbourhood)."""
    qpv = [h for h in data.neighbourhoods if h.residence is ResidenceStatus.QPV]
    by_key = {h.name.casefold(): h.name for h in qpv}
    numbers: Counter[str] = Counter()
    people: Counter[str] = Counter()
    places: list[tuple[str | None, int]] = [
        (a.neighbourhood, a.participants or 0) for a in data.animations if _held(a, start, end)
    ]
    places += [(o.permanence.neighbourhood, 0) for o in permanences.unrecorded]
    for neighbourhood, participants in places:
        name = by_key.get(neighbourhood.casefold()) if neighbourhood else None
        if name is None:
            continue
        numbers[name] += 1
        people[name] += participants
    return tuple(QpvAnimationRow(h.name, h.qpv_code, numbers[h.name], people[h.name]) for h in qpv)


def _partnerships(
    data: Dataset, start: dt.date, end: dt.date
) -> tuple[tuple[PartnershipRow, ...], int]:
    rows = []
    undated = 0
    for p in data.partnerships:
        if p.date is None:
            undated += 1
        elif p.date.overlaps(start, end):
            rows.append(PartnershipRow(p.partner, p.category, p.action, p.date))
    rows.sort(key=partnership_order(start))
    return tuple(rows), undated


def partnership_order(start: dt.date) -> Callable[[PartnershipRow], tuple[object, ...]]:
    """The order of the partnerships of a period beginning on ``start`` (a site's and a
    network's): by date (undated ones first), then partner, category, action."""

    def key(r: PartnershipRow) -> tuple[object, ...]:
        return (
            r.date.start if r.date else start,
            r.date.end if r.date else start,
            r.partner.casefold(),
            r.partner,
            r.category.code if r.category else "",
            r.action or "",
            r.date.iso() if r.date else "",
        )

    return key


def _programme_entries(
    scan: _Scan, programmes: tuple[ProgrammeRow[int | None], ...], k: int
) -> int | None:
    """The distinct persons retained by a programme in the period; None in public mode
    when from 1 to k−1, or when a programme's ``retained`` is masked."""
    entries = len(scan.retained_any)
    if k > 0 and (0 < entries < k or any(p.retained is None for p in programmes)):
        return None
    return entries
