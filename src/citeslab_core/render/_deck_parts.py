"""The deck's last parts (private to :mod:`citeslab_core.render.deck`): the next year's
perspectives and calendar, the funding, the checks and the closing slide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from citeslab_core.bilan import PublicBilan
from citeslab_core.derive.calendar import Calendar, CalendarEntry, EntryKind
from citeslab_core.french import (
    counted,
    format_amount,
    format_count,
    format_share,
)
from citeslab_core.model.dates import Precision
from citeslab_core.render._deck_charts import (
    even_ranges,
    funding_chart,
)
from citeslab_core.render._deck_slides import (
    BOTTOM,
    MARGIN,
    MUTED,
    TOP,
    WIDTH,
    Deck,
    text_slides,
    texts_of,
)
from citeslab_core.render.labels import (
    COLUMNS,
    EMPTY,
    GAP_EXPLANATION,
    TO_EXPLAIN,
    ZERO_EUROS,
    years_table,
)
from citeslab_core.vocabularies import AnimationType


def _short_day(entry: CalendarEntry) -> str:
    """``15 févr.`` for a day, ``novembre`` for a month, ``mai à juin`` for months."""
    from babel.dates import format_date

    if entry.precision is Precision.DAY:
        text = str(format_date(entry.first_day, "d MMM", locale="fr_FR"))
        return "1er" + text[1:] if entry.first_day.day == 1 else text
    if entry.precision is Precision.MONTH:
        return str(format_date(entry.first_day, "LLLL", locale="fr_FR"))
    first = str(format_date(entry.first_day, "LLLL", locale="fr_FR"))
    last = str(format_date(entry.last_day, "LLLL", locale="fr_FR"))
    return f"{first} à {last}"


def _hour(value: dt.time) -> str:
    """``9 h``, ``9 h 30``."""
    return (
        f"{value.hour}\u00a0h\u00a0{value.minute:02d}" if value.minute else f"{value.hour}\u00a0h"
    )


_WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _calendar_slides(deck: Deck, calendar: Calendar, year: int) -> None:
    """The seed's « Calendrier prévisionnel »: the planned animations' dates, one column
    per type (ten dates a slide), the undated ones and the permanences' count below."""
    title = f"Calendrier prévisionnel {year}"
    animations = [e for e in calendar.entries if e.kind == EntryKind.ANIMATION]
    dated = [e for e in animations if not e.undated]
    permanences = [e for e in calendar.entries if e.kind == EntryKind.PERMANENCE]
    if not animations and not permanences:
        slide = deck.slide(title)
        deck.text(
            slide,
            (MARGIN, TOP, 12, 1),
            [f"Aucune animation prévue ni permanence pour {year} dans les données du site."],
            size=16,
        )
        return
    types = [t for t in AnimationType if any(e.type is t for e in dated)]
    columns = [[_short_day(e) for e in dated if e.type is t] for t in types]
    depth = max((len(c) for c in columns), default=0)
    rows = [[c[i] if i < len(c) else "" for c in columns] for i in range(depth)]
    below = [f"Et aussi : {e.summary}" for e in animations if e.undated]
    if permanences:
        below.append(
            f"{counted(len(permanences), 'permanence')} prévues en {year} "
            "(détail sur la diapositive suivante)"
            if len(permanences) > 1
            else f"{counted(len(permanences), 'permanence')} prévue en {year}"
        )
    parts = even_ranges(depth, 10)
    for number, part in enumerate(parts):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        if types:
            deck.table(
                slide,
                (MARGIN, TOP, WIDTH - 2 * MARGIN, 3.5),
                [t.label for t in types],
                [rows[i] for i in part],
                [1] * len(types),
                size=12,
                align="l" * len(types),
            )
    top = TOP + 0.36 * (len(parts[-1]) + 1) + 0.4 if types else TOP
    if below and len(below) <= 6 and top < BOTTOM - 0.4 * len(below):
        deck.text(
            slide, (MARGIN, top, WIDTH - 2 * MARGIN, BOTTOM - top), below, size=14, bullets=True
        )
    elif below:
        text_slides(deck, f"{title} (suite)", below, size=14)
    if permanences:
        _permanence_slides(deck, permanences, year)


def _permanence_slides(deck: Deck, entries: Sequence[CalendarEntry], year: int) -> None:
    """One row per place, weekday and hours, with the number of days in the year (twelve
    rows a slide)."""
    groups: dict[tuple[str, int, str], list[CalendarEntry]] = {}
    for e in entries:
        hours = ""
        if e.start_time is not None and e.end_time is not None:
            hours = f"{_hour(e.start_time)} – {_hour(e.end_time)}"
        groups.setdefault((e.place or "", e.first_day.weekday(), hours), []).append(e)
    rows = [
        [place, _WEEKDAYS[day], hours, format_count(len(found))]
        for (place, day, hours), found in sorted(groups.items(), key=lambda g: (g[0][1], g[0][0]))
    ]
    title = f"Les permanences {year}"
    for number, part in enumerate(even_ranges(len(rows), 12)):
        slide = deck.slide(title if number == 0 else f"{title} (suite)")
        deck.text(
            slide,
            (MARGIN, TOP - 0.1, 12, 0.5),
            [f"{counted(len(entries), 'permanence')} prévues en {year}, jours fériés exclus"],
            size=16,
            bold=True,
        )
        deck.table(
            slide,
            (MARGIN, TOP + 0.5, WIDTH - 2 * MARGIN, 3.5),
            ("Lieu", "Jour", "Horaires", "Permanences"),
            [rows[i] for i in part],
            (5.5, 1.6, 2.4, 1.6),
            size=12,
            align="lllr",
        )


def part_perspectives(
    deck: Deck, bilan: PublicBilan, titles: dict[str, str], calendar: Calendar | None
) -> None:
    year = bilan.end.year + 1
    deck.divider("3", f"Perspectives {year}")
    texts_of(deck, bilan, titles, "perspectives")
    if calendar is not None:
        _calendar_slides(deck, calendar, year)


# -- funding -----------------------------------------------------------------------------


def part_funding(deck: Deck, bilan: PublicBilan, titles: dict[str, str], with_checks: bool) -> None:
    deck.divider("4", "Le financement du dispositif")
    year = bilan.funding
    slide = deck.slide(f"{titles['financement']} {year.year}" if year else titles["financement"])
    if year is None:
        deck.text(slide, (MARGIN, TOP, 12, 1), [EMPTY["financement"]], size=16)
    else:
        made = funding_chart(bilan)
        rows = [
            [c.funder.label, format_amount(c.amount), format_share(c.share)]
            for c in year.contributions
        ]
        rows.append(["Total", format_amount(year.contributions_sum), format_share(Decimal(100))])
        deck.text(
            slide,
            (MARGIN, TOP - 0.1, 7, 0.5),
            [f"Coût total de l'action : {format_amount(year.total)} ({year.nature.label.lower()})"],
            size=16,
            bold=True,
        )
        deck.table(
            slide,
            (MARGIN, TOP + 0.55, 6.6, 2.5),
            COLUMNS["financement"][:3],
            rows,
            (3.6, 1.8, 1.2),
        )
        if made is not None:
            deck.chart(slide, (7.4, TOP, WIDTH - MARGIN - 7.4, BOTTOM - TOP), made)
    plan = bilan.funding_plan
    if plan is not None and "prevu_realise" in titles:
        slide = deck.slide(titles["prevu_realise"])
        noted = with_checks or any(row.explanation for row in plan.rows)
        headers = [*COLUMNS["prevu_realise"], *([GAP_EXPLANATION] if noted else [])]
        rows = []
        for row in (*plan.rows, plan.total):
            cells = [
                row.funder.label if row.funder is not None else "Total",
                format_amount(row.planned or ZERO_EUROS),  # as the CRF: 0,00 €, not —
                format_amount(row.actual or ZERO_EUROS),
                format_amount(row.gap),
                format_share(row.gap_percent) if row.gap_percent is not None else "—",
            ]
            if noted:
                flag = TO_EXPLAIN if with_checks and row.flagged else ""
                cells.append(flag or " ".join((row.explanation or "").split()))
            rows.append(cells)
        widths = (4.0, 2, 2, 2, 1.5, *((1.5,) if noted else ()))
        deck.table(slide, (MARGIN, TOP, WIDTH - 2 * MARGIN, 3), headers, rows, widths)
    if bilan.funding_years and "pluriannuels" in titles:
        _years_slide(deck, bilan, titles["pluriannuels"])


def _years_slide(deck: Deck, bilan: PublicBilan, title: str) -> None:
    years = bilan.funding_years
    table = years_table(years, between="\n")
    deck.table(
        deck.slide(title),
        (MARGIN, TOP, WIDTH - 2 * MARGIN, 3),
        table.headings,
        [*table.rows, table.total],
        (3.2, *([2.0] * len(years))),
        size=12 if len(years) <= 5 else 10,
    )


def part_checks(deck: Deck, bilan: PublicBilan) -> None:
    deck.divider("", "Contrôles")
    if not bilan.checks:
        text_slides(deck, "Contrôles", ["Aucune remarque."])
        return
    text_slides(
        deck, "Contrôles", [f"[{c.severity.label}] {c.message}" for c in bilan.checks], size=13
    )


def closing(deck: Deck, bilan: PublicBilan) -> None:
    deck.part = ""
    slide = deck.slide("Merci de votre attention")
    lines = [
        "Établi avec citeslab à partir des données du site : chaque chiffre vient du bilan "
        "calculé une seule fois ; le bilan texte, HTML et JSON donnent les mêmes."
    ]
    if bilan.provenance is not None:
        lines.append(bilan.provenance.describe() + ".")
    deck.text(slide, (MARGIN, 4.8, WIDTH - 2 * MARGIN, 1.8), lines, size=12, colour=MUTED)
