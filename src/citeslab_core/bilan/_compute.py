""":func:`compute_bilan`: the period, then the scan, the tables, the activity, the funding
and the checks, assembled into one :class:`~citeslab_core.bilan.Bilan`.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Literal, overload

import attrs

from citeslab_core.bilan._activity import (
    _activity,
    _orientations_period,
    _partnerships,
    _programme_entries,
    _programmes,
    indicators_from_tables,
)
from citeslab_core.bilan._checking import (
    animation_checks,
    disclosure_checks,
    partnership_checks,
    person_checks,
    sorted_checks,
    table_checks,
)
from citeslab_core.bilan._financial import _funding
from citeslab_core.bilan._portrait import (
    _portrait,
    _prescribers,
    _reach,
    _true_tables,
    _without_orientation,
)
from citeslab_core.bilan._published import secure_bilan
from citeslab_core.bilan._results import Bilan, PublicBilan, TextRow
from citeslab_core.bilan._scan import _Scan, _scan_persons, _Tally, _tally, counted_persons
from citeslab_core.bilan.disclosure import mask_value
from citeslab_core.derive.calendar import build_calendar
from citeslab_core.errors import UsageError
from citeslab_core.model import Dataset, guards
from citeslab_core.model.guards import DateLike
from citeslab_core.model.periods import Period


# A bilan's counts are int; with public=True they may be masked (None): PublicBilan.
@overload
def compute_bilan(
    data: Dataset,
    start: DateLike,
    end: DateLike,
    *,
    public: Literal[False] = False,
    as_of: DateLike | None = None,
) -> Bilan: ...


@overload
def compute_bilan(
    data: Dataset,
    start: DateLike,
    end: DateLike,
    *,
    public: bool,
    as_of: DateLike | None = None,
) -> PublicBilan: ...


@overload
def compute_bilan(
    data: Dataset, year: int, /, *, public: Literal[False] = False, as_of: DateLike | None = None
) -> Bilan: ...


@overload
def compute_bilan(
    data: Dataset, year: int, /, *, public: bool, as_of: DateLike | None = None
) -> PublicBilan: ...


@overload
def compute_bilan(
    data: Dataset, *, year: int, public: Literal[False] = False, as_of: DateLike | None = None
) -> Bilan: ...


@overload
def compute_bilan(
    data: Dataset, *, year: int, public: bool, as_of: DateLike | None = None
) -> PublicBilan: ...


@overload
def compute_bilan(
    data: Dataset,
    *,
    period: tuple[DateLike, DateLike],
    public: Literal[False] = False,
    as_of: DateLike | None = None,
) -> Bilan: ...


@overload
def compute_bilan(
    data: Dataset,
    *,
    period: tuple[DateLike, DateLike],
    public: bool,
    as_of: DateLike | None = None,
) -> PublicBilan: ...


def compute_bilan(
    data: Dataset,
    start: DateLike | int | None = None,
    end: DateLike | None = None,
    *,
    year: int | None = None,
    period: tuple[DateLike, DateLike] | None = None,
    public: bool = False,
    as_of: DateLike | None = None,
) -> PublicBilan:
    """The bilan of ``data`` from ``start`` to ``end`` (both included; any date-like), or
    for ``year=2023`` (or ``compute_bilan(data, 2023)``), or ``period=Period.year(2023)``.

    One pass over each person's events, then the tables counted column by column over
    the accompanied: linear in the number of events (docs/performance.md, "The bilan").
    ``public=True`` masks small counts (:mod:`.disclosure`); ``as_of``: the bilan's date.
    """
    (start, end), public, today = _checked(data, (start, end, year, period), public, as_of)
    site = data.site
    k = site.disclosure_threshold if public else 0
    scan = _scan_persons(data, start, end)
    tally = _tally(data, scan.accompanied)
    portrait = _portrait(data, tally, k)
    tables = portrait.tables
    new = mask_value(tally.new, k)
    programmes = _programmes(scan, k)
    orientations, oriented = _orientations_period(scan, tally.accompanied, k)
    activity = _activity(data, start, end, today)
    partnerships, undated = _partnerships(data, start, end)
    funding = _funding(data, start, end)
    checks = [
        *disclosure_checks(portrait.unprotected),
        *table_checks(tables, tally),
        *animation_checks(activity.no_participants),
        *person_checks(tally, scan.exits_outside, tables, k),
        *partnership_checks(undated),
        *funding.checks,
    ]
    indicators = indicators_from_tables(
        tables,
        accompanied=tally.accompanied,
        new=new,
        programme_entries=_programme_entries(scan, programmes, k),
        animations_held=activity.held,
        animation_participants=activity.participants,
    )
    bilan: PublicBilan = Bilan(
        site=site.name,
        host=site.host,
        territory=site.territory,
        start=start,
        end=end,
        public=public,
        threshold=site.disclosure_threshold,
        accompanied=tally.accompanied,
        new=new,
        tables=tables,
        without_orientation=_without_orientation(tally, tables, k),
        indicators=indicators,
        programmes=programmes,
        animations=activity.animations,
        animations_in_qpv=activity.in_qpv,
        partnerships=partnerships,
        reach=_reach(data, tables["quartier"]),
        qpv_breakdown=portrait.qpv_rows,
        prescribers=_prescribers(tally, tables, k),
        funding=funding.actual,
        funding_plan=funding.plan,
        funding_years=funding.years,
        texts=tuple(TextRow(t.section, t.text) for t in data.texts),
        checks=sorted_checks(checks),
        financial_report=funding.report,
        planned_animations=activity.planned,
        calendar=build_calendar(data, start, end),
        counted_persons=counted_persons(data, scan, tally),
        subset=data.is_subset,
        orientations_period=orientations,
        orientations_period_persons=oriented,
    )
    return _secured(bilan, data, scan, tally, k) if k > 0 else bilan


def _secured(bilan: PublicBilan, data: Dataset, scan: _Scan, tally: _Tally, k: int) -> PublicBilan:
    """``bilan`` (public) masked more by the self-audit over everything it publishes
    (:mod:`citeslab_core.bilan._published`), against the true counts."""
    tables, qpv_rows = _true_tables(data, tally)
    programmes = _programmes(scan, 0)
    orientations, oriented = _orientations_period(scan, tally.accompanied, 0)
    truth = attrs.evolve(
        bilan,
        new=tally.new,
        tables=tables,
        qpv_breakdown=qpv_rows,
        without_orientation=tally.without_orientation,
        prescribers=_prescribers(tally, tables, 0),
        programmes=programmes,
        orientations_period=orientations,
        orientations_period_persons=oriented,
        indicators=indicators_from_tables(
            tables,
            accompanied=tally.accompanied,
            new=tally.new,
            programme_entries=len(scan.retained_any),
            animations_held=bilan.indicators.animations_held,
            animation_participants=bilan.indicators.animation_participants,
        ),
        checks=tuple(person_checks(tally, scan.exits_outside, tables, 0)),
    )
    statuses = {
        h.name: h.residence.code if h.residence is not None else None for h in data.neighbourhoods
    }
    return secure_bilan(bilan, truth, statuses, k)


def _checked(
    data: object, forms: tuple[object, object, object, object], public: object, as_of: object
) -> tuple[Period, bool, dt.date]:
    """``compute_bilan``'s arguments checked: its period, ``public`` and its date."""
    guards.instance(data, Dataset, "data", guards.DATASET)
    today = dt.date.today() if as_of is None else guards.day(as_of, "as_of")
    return period_of(*forms), guards.flag(public, "public"), today


def period_of(
    start: object, end: object, year: object, period: object, *, call: str = "compute_bilan"
) -> Period:
    """The period that ``compute_bilan``'s arguments name: exactly one of its forms
    (``compute_bilan(data, 2023)``: a lone whole number in place of the start is the
    year)."""
    if year is None and end is None and start is not None and _is_whole(start):
        start, year = None, start
    forms = (start is not None or end is not None) + (year is not None) + (period is not None)
    if forms == 0:
        raise UsageError(
            f"indiquez la période : {call}(data, year=2023), {call}(data, debut, fin) "
            f"ou {call}(data, period=Period.quarter(2023, 2))"
        )
    if forms != 1:
        raise UsageError(
            f"indiquez la période d'une seule façon : {call}(data, debut, fin), "
            f"{call}(data, year=2023) ou {call}(data, period=Period.year(2023))"
        )
    if year is not None:
        return Period.year(guards.year(year, "year"))
    if period is not None:
        if not isinstance(period, tuple) or len(period) != 2:
            raise UsageError(
                f"period = {guards.shown(period)} : il faut une période, Period.year(2023) "
                "ou un couple (debut, fin)"
            )
        return Period(*guards.period(*period, names=("period.start", "period.end")))
    if start is None or end is None:
        raise UsageError(
            "indiquez le début et la fin de la période "
            f"({call}(data, debut, fin)), ou l'année : {call}(data, year=2023)"
        )
    return Period(*guards.period(start, end))


def _is_whole(value: object) -> bool:
    """An int (numpy's too) that is not a bool: a year given in place of the start."""
    if isinstance(value, bool) or guards.is_numpy_bool(value):
        return False
    try:
        operator.index(value)  # type: ignore[arg-type]  # what is asked
    except TypeError:
        return False
    return True
