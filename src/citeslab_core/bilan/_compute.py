""":func:`compute_bilan`: the period, then the scan, the tables, the activity, the funding
and the checks, assembled into one :class:`~citeslab_core.bilan.Bilan`.
"""

from __future__ import annotations

import datetime as dt
from typing import overload

from citeslab_core.bilan._activity import (
    _animations,
    _animations_in_qpv,
    _orientations_period,
    _partnerships,
    _planned,
    _programmes,
    _table_cell,
    indicators_from_tables,
)
from citeslab_core.bilan._checks import _agree, counted_check_message
from citeslab_core.bilan._portrait import (
    _portrait_tables,
    _prescribers,
    _qpv_breakdown,
    _reach,
    _secure_linked,
)
from citeslab_core.bilan._results import (
    SEVERITIES,
    TABLE_TITLES,
    Bilan,
    Check,
    TextRow,
)
from citeslab_core.bilan._scan import (
    _scan_persons,
    _tally,
)
from citeslab_core.calendar import build_calendar
from citeslab_core.crf import budget_findings, financial_report
from citeslab_core.disclosure import mask_value
from citeslab_core.errors import UsageError
from citeslab_core.french import format_count
from citeslab_core.funding import (
    funding_checks,
    funding_plan,
    funding_year,
    funding_years,
)
from citeslab_core.model import Dataset
from citeslab_core.periods import Period
from citeslab_core.vocabularies import (
    AgeBracket,
    FundingNature,
    OrientationCategory,
)


@overload
def compute_bilan(
    data: Dataset, start: dt.date, end: dt.date, *, public: bool = False
) -> Bilan: ...


@overload
def compute_bilan(data: Dataset, *, year: int, public: bool = False) -> Bilan: ...


@overload
def compute_bilan(
    data: Dataset, *, period: tuple[dt.date, dt.date], public: bool = False
) -> Bilan: ...


def compute_bilan(
    data: Dataset,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    year: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    public: bool = False,
) -> Bilan:
    """The bilan of ``data`` for the period from ``start`` to ``end`` (both included), or
    for ``year=2023``, or for ``period=Period.quarter(2023, 2)`` (any ``(start, end)``).

    One pass over each person's events (``Dataset.events_by_person``; a person whose
    events all fall before or after the period is skipped at once), then the tables
    counted column by column over the accompanied: linear in the number of events
    (docs/performance.md, "The bilan").
    ``public=True`` masks small counts (see :mod:`citeslab_core.disclosure`).
    """
    start, end = _period_of(start, end, year, period)
    site = data.site
    k = site.disclosure_threshold if public else 0
    scan = _scan_persons(data, start, end)
    tally = _tally(data, scan.rows)
    checks: list[Check] = []

    tables, unprotected = _portrait_tables(data, tally, k)
    qpv_rows = _qpv_breakdown(data, tally, tables, k, unprotected)
    if k > 0:  # linked tables protected together, by the self-audit (citeslab_core.linked)
        qpv_rows = _secure_linked(data, tally, tables, qpv_rows, k, unprotected)
    for key in unprotected:
        checks.append(
            Check(
                "secret_statistique_limite",
                "info",
                f"Tableau « {TABLE_TITLES[key]} » : toutes ses cases sont masquées, mais une "
                "case masquée reste déductible du total publié (chaque ligne compte une "
                "personne, ou le tableau n'a qu'une ligne) : ne publiez pas ce tableau.",
            )
        )

    accompanied = tally.accompanied
    for key, table in tables.items():
        true_total = sum(tally.counters[key].values())
        if true_total != accompanied:  # pragma: no cover (defensive: cannot happen)
            checks.append(
                Check(
                    "table_incoherente",
                    "erreur",
                    f"Tableau « {table.title} » : {format_count(true_total)} personnes pour "
                    f"{format_count(accompanied)} accompagnées.",
                )
            )

    new = mask_value(tally.new, k)
    autre = tables["orientation_premier_rdv"].row(OrientationCategory.AUTRE.code)
    without: int | None = tally.without_orientation
    if public:
        with_other = (
            autre.count - tally.without_orientation
            if autre is not None and autre.count is not None
            else 0
        )
        if 0 < tally.without_orientation < k or 0 < with_other < k:
            without = None

    programmes = _programmes(scan, k)
    orientations_period, orientations_period_persons = _orientations_period(
        scan, tally.accompanied, k
    )
    entries = len(scan.retained_any)
    programme_entries: int | None = entries
    if public and (0 < entries < k or any(p.retained is None for p in programmes)):
        programme_entries = None

    animations, held, participants, no_participants = _animations(data, start, end)
    animations_in_qpv = _animations_in_qpv(data, start, end)
    calendar = build_calendar(data, start, end)
    if no_participants:
        checks.append(
            Check(
                "animation_sans_participants",
                "info",
                _agree(
                    no_participants,
                    "{n} animation réalisée sans nombre de participants : comptée pour 0 "
                    "participant.",
                    "{n} animations réalisées sans nombre de participants : comptées pour 0 "
                    "participant.",
                ),
            )
        )

    indicators = indicators_from_tables(
        tables,
        accompanied=accompanied,
        new=new,
        programme_entries=programme_entries,
        animations_held=held,
        animation_participants=participants,
    )

    under_18 = tally.counters["tranche_age"][AgeBracket.UNDER_18.code]
    if under_18:
        checks.append(
            Check(
                "age_moins_18",
                "avertissement",
                counted_check_message(
                    "age_moins_18", _table_cell(tables, "tranche_age", AgeBracket.UNDER_18.code)
                ),
            )
        )
    if tally.no_entretien:
        checks.append(
            Check(
                "sans_premier_entretien",
                "avertissement",
                counted_check_message("sans_premier_entretien", mask_value(tally.no_entretien, k)),
            )
        )
    if scan.exits_outside:
        checks.append(
            Check(
                "sortie_sans_contact",
                "info",
                counted_check_message("sortie_sans_contact", mask_value(scan.exits_outside, k)),
            )
        )

    partnerships, undated = _partnerships(data, start, end)
    if undated:
        checks.append(
            Check(
                "partenariat_sans_date",
                "info",
                _agree(
                    undated,
                    "{n} partenariat sans date : absent du bilan.",
                    "{n} partenariats sans date : absents du bilan.",
                ),
            )
        )

    policy = site.funding_policy
    year = end.year
    funding = funding_year(data.fundings, year, FundingNature.REALISE, policy)
    planned = funding_year(data.fundings, year, FundingNature.PREVISIONNEL, policy)
    plan = funding_plan(planned, funding, policy)
    years = funding_years(data.fundings, range(start.year - 2, end.year + 3), policy)
    for entry in years:
        # The year's own plan is checked with its actual funding (``funding`` is in
        # ``years``: its year is always in the window).
        is_actual = entry.year == year and entry.nature is FundingNature.REALISE
        checks.extend(
            Check(c.code, c.severity, c.message)
            for c in funding_checks(entry, plan if is_actual else None)
        )
    report = financial_report(data.budget, year, policy.gap_threshold)
    if report is not None:
        checks.extend(
            Check(f.code, f.severity, f.message) for f in budget_findings(report, data.fundings)
        )
    if funding is None:
        checks.append(
            Check(
                "financement_absent", "info", f"Aucun financement réalisé n'est saisi pour {year}."
            )
        )

    checks.sort(key=lambda c: SEVERITIES.index(c.severity))
    return Bilan(
        site=site.name,
        host=site.host,
        territory=site.territory,
        start=start,
        end=end,
        public=public,
        threshold=site.disclosure_threshold,
        accompanied=accompanied,
        new=new,
        tables=tables,
        without_orientation=without,
        indicators=indicators,
        programmes=programmes,
        animations=animations,
        animations_in_qpv=animations_in_qpv,
        partnerships=partnerships,
        reach=_reach(data, tables["quartier"]),
        qpv_breakdown=qpv_rows,
        prescribers=_prescribers(tally, tables, k),
        funding=funding,
        funding_plan=plan,
        funding_years=years,
        texts=tuple(TextRow(t.section, t.text) for t in data.texts),
        checks=tuple(checks),
        financial_report=report,
        planned_animations=_planned(data, animations, calendar),
        calendar=calendar,
        subset=data.is_subset,
        orientations_period=orientations_period,
        orientations_period_persons=orientations_period_persons,
    )


def _period_of(
    start: dt.date | None,
    end: dt.date | None,
    year: int | None,
    period: tuple[dt.date, dt.date] | None,
) -> Period:
    """The period that ``compute_bilan``'s arguments name: exactly one of its forms."""
    forms = (start is not None or end is not None) + (year is not None) + (period is not None)
    if forms != 1:
        raise UsageError(
            "indiquez la période d'une seule façon : compute_bilan(data, debut, fin), "
            "compute_bilan(data, year=2023) ou compute_bilan(data, period=Period.year(2023))"
        )
    if year is not None:
        return Period.year(year)
    if period is not None:
        return Period.of(*period)
    if start is None or end is None:
        raise UsageError("indiquez le début et la fin de la période")
    return Period.of(start, end)
