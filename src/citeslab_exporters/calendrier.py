"""``calendrier``: the calendar of a period, for partners' diaries and for print
(docs/calendar.md).

It writes the period's calendar that the bilan carries (:attr:`Bilan.calendar
<citeslab_core.bilan.Bilan.calendar>`, made by :func:`citeslab_core.derive.calendar.build_calendar`
from the planned animations and the permanences): nothing is computed here.

- ``ics`` (the default): an iCalendar file (RFC 5545, through the ``icalendar``
  library), one ``VEVENT`` per planned animation and per permanence occurrence. A
  permanence is timed in Europe/Paris (its ``VTIMEZONE`` is in the file); an animation is
  an all-day event, a month-long one for "novembre 2024", spanning its months for a range
  of months. Summaries and places are French; each event's ``UID`` is stable (made from
  the site and the event's own fields), so that a partner who imports next quarter's file
  gets updates, not duplicates. Animations known only by their year ("date à venir") are
  left out of it (a year-long event would cover every day of a diary): the HTML and CSV
  list them.
- ``html``: a printable French calendar, self-contained (no script, no external file): a
  month grid per month, the kinds of animation in colour with a legend (and their names in
  words), then the month's permanences week by week; A4 when printed.
- ``csv``: one row per event (``calendrier_PERIODE_evenements.csv``), with the
  ``informations`` file and the ``datapackage.json`` of every CSV export.

No personal data: only kinds, titles, places, neighbourhoods, partners and dates.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import attrs

from citeslab_core.exporting import (
    TIME_ZONE,
    AnimationType,
    Calendar,
    CalendarEntry,
    Column,
    ColumnType,
    EntryKind,
    ExportFile,
    ExportOptions,
    ExportTable,
    Precision,
    UsageError,
    bilan_files,
    clean_line,
    clean_text,
    format_day,
    format_moment,
    format_period,
    period_slug,
    typeset,
)
from citeslab_exporters._calendrier_page import TEMPLATE

if TYPE_CHECKING:
    from citeslab_core.exporting import ParticipantRow, PublicBilan

__all__ = ["CalendarExporter", "events_table", "exporter", "to_html", "to_ics"]

TITLE: Final = "Calendrier des animations et des permanences"


def _calendar_of(bilan: PublicBilan) -> Calendar:
    found = bilan.calendar
    if found is None:
        raise UsageError(
            "ce bilan n'a pas de calendrier (un bilan relu d'un JSON, ou celui d'un réseau) : "
            "exportez le calendrier à partir des données du site"
        )
    return found


def _hour(value: dt.time) -> str:
    """``9h``, ``9h30``."""
    return f"{value.hour}h{value.minute:02d}" if value.minute else f"{value.hour}h"


def _place(entry: CalendarEntry) -> str:
    parts = [p for p in (entry.place, entry.neighbourhood) if p]
    if len(parts) == 2 and parts[1].casefold() in parts[0].casefold():
        parts = parts[:1]
    return ", ".join(parts)


def _when(entry: CalendarEntry) -> str:
    """When, in French words: ``mardi 2 avril 2024, 9h30–12h``, ``novembre 2024 (jour à
    préciser)``."""
    from babel.dates import format_date

    if entry.precision is Precision.DAY:
        day = (
            format_date(entry.first_day, "EEEE", locale="fr_FR") + " " + format_day(entry.first_day)
        )
        if entry.start_time is not None and entry.end_time is not None:
            return f"{day}, {_hour(entry.start_time)}–{_hour(entry.end_time)}"
        return day
    if entry.precision is Precision.MONTH:
        month = format_date(entry.first_day, "LLLL y", locale="fr_FR")
        return f"{month} (jour à préciser)"
    if entry.precision is Precision.MONTH_RANGE:
        first = format_date(entry.first_day, "LLLL y", locale="fr_FR")
        last = format_date(entry.last_day, "LLLL y", locale="fr_FR")
        return f"de {first} à {last} (dates à préciser)"
    return f"{entry.first_day.year} (date à venir)"


def _description(entry: CalendarEntry, site: str) -> str:
    lines = [f"{entry.type.label} — {site}", _when(entry)]
    if entry.partners:
        lines.append("Partenaires : " + ", ".join(entry.partners))
    return "\n".join(lines)


# -- iCalendar ------------------------------------------------------------------------------


def _existing(moment: dt.datetime, notes: list[str]) -> dt.datetime:
    """``moment`` (local, Europe/Paris) if it exists; a time in the spring-forward gap
    (2h30 on the night of the switch to summer time) moved as RFC 5545 (3.3.5) reads it,
    with the offset before the gap (3h30), and said in ``notes``."""
    real = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    if real.replace(tzinfo=None) == moment.replace(tzinfo=None):
        return moment
    notes.append(
        f"Passage à l'heure d'été : {_hour(moment.time())} n'existe pas le "
        f"{format_day(moment.date())}, l'heure est décalée à {_hour(real.time())}."
    )
    return real


def to_ics(calendar: Calendar, *, stamp: dt.datetime) -> bytes:
    """The calendar as an iCalendar file (see the module's notes); ``stamp`` is every
    event's ``DTSTAMP`` (when the file was made, UTC)."""
    import zoneinfo

    import icalendar

    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    ics = icalendar.Calendar()
    ics.add("prodid", "-//citeslab//calendrier//FR")
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("method", "PUBLISH")
    site = clean_line(calendar.site)
    name = typeset(clean_text(f"{site} : animations et permanences"))
    ics.add("name", name)
    ics.add("x-wr-calname", name)
    ics.add("x-wr-timezone", TIME_ZONE)
    ics.add(
        "description",
        typeset(f"Calendrier {format_period(calendar.start, calendar.end)}, fait par citeslab"),
    )
    timed = False
    for entry in calendar.dated:
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        notes: list[str] = []
        if entry.start_time is not None and entry.end_time is not None:
            timed = True
            begin = _existing(dt.datetime.combine(entry.first_day, entry.start_time, zone), notes)
            finish = _existing(dt.datetime.combine(entry.last_day, entry.end_time, zone), notes)
            event.add("dtstart", begin)
            event.add("dtend", max(finish, begin))
        else:
            event.add("dtstart", entry.first_day)
            event.add("dtend", entry.last_day + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        event.add("summary", typeset(clean_text(entry.summary)))
        place = _place(entry)
        if place:
            event.add("location", typeset(clean_text(place)))
        description = "\n".join([_description(entry, site), *notes])
        event.add("description", typeset(clean_text(description)))
        event.add("categories", [entry.type.label])
        status = "CONFIRMED" if entry.kind == EntryKind.PERMANENCE else "TENTATIVE"
        event.add("status", "CANCELLED" if entry.cancelled else status)  # diaries drop it
        ics.add_component(event)
    if timed:
        first = dt.date(calendar.start.year, 1, 1)
        last = dt.date(calendar.end.year, 12, 31)
        timezone = icalendar.Timezone.from_tzinfo(zone, first_date=first, last_date=last)
        timezone.pop("COMMENT", None)  # English, and only about the years covered
        ics.subcomponents.insert(0, timezone)
    # RFC 5545 TEXT holds no control character: the one cleaner of every writer.
    return clean_text(bytes(ics.to_ical()).decode("utf-8")).encode("utf-8")


# -- CSV --------------------------------------------------------------------------------------

_PRECISIONS: Final = {
    Precision.DAY: "jour",
    Precision.MONTH: "mois",
    Precision.MONTH_RANGE: "mois (période)",
    Precision.YEAR: "année",
}

_EVENT_COLUMNS: Final = (
    Column("date_debut", "Date de début", ColumnType.DATE),
    Column("date_fin", "Date de fin", ColumnType.DATE, "le même jour pour un événement d'un jour"),
    Column("heure_debut", "Heure de début", ColumnType.STRING, "HH:MM, heure de Paris"),
    Column("heure_fin", "Heure de fin", ColumnType.STRING, "HH:MM, heure de Paris"),
    Column(
        "precision",
        "Précision de la date",
        ColumnType.STRING,
        "jour, mois (jour à préciser), mois (période), année (date à venir)",
    ),
    Column("origine", "Origine", ColumnType.STRING, "animation prévue, permanence (annulée)"),
    Column("type", "Code du type", ColumnType.STRING, machine=True),
    Column("type_libelle", "Type", ColumnType.STRING),
    Column("intitule", "Intitulé", ColumnType.STRING),
    Column("lieu", "Lieu", ColumnType.STRING),
    Column("quartier", "Quartier", ColumnType.STRING),
    Column("partenaires", "Partenaires", ColumnType.STRING),
    Column("uid", "Identifiant", ColumnType.STRING, "l'UID de l'événement dans le fichier .ics"),
)


def events_table(calendar: Calendar) -> ExportTable:
    """One row per event of the calendar, in its order."""
    rows = [
        (
            e.first_day,
            e.last_day,
            e.start_time.isoformat(timespec="minutes") if e.start_time else None,
            e.end_time.isoformat(timespec="minutes") if e.end_time else None,
            _PRECISIONS[e.precision],
            ("permanence" if e.kind == EntryKind.PERMANENCE else "animation prévue")
            + (" annulée" if e.cancelled else ""),
            e.type.code,
            e.type.label,
            e.summary,
            e.place,
            e.neighbourhood,
            ", ".join(e.partners) or None,
            e.uid,
        )
        for e in calendar.entries
    ]
    return ExportTable.of("evenements", "Événements", _EVENT_COLUMNS, rows)


# -- HTML -------------------------------------------------------------------------------------

#: A colour per kind of animation (a light background, a dark border), each readable with
#: dark text (WCAG AA contrast) and named in words beside it: colour is never the only sign.
_COLOURS: Final = {
    AnimationType.ATELIER_THEMATIQUE: ("#dbeafe", "#1d4ed8"),
    AnimationType.CAFE_CREATEUR: ("#fde68a", "#92400e"),
    AnimationType.RENCONTRE_CREATEURS: ("#fce7f3", "#9d174d"),
    AnimationType.PETIT_DEJEUNER_CREATEURS: ("#ffedd5", "#9a3412"),
    AnimationType.MARCHE_CREATEURS: ("#dcfce7", "#166534"),
    AnimationType.GRAND_EVENEMENT: ("#ede9fe", "#5b21b6"),
    AnimationType.SENSIBILISATION: ("#cffafe", "#155e75"),
    AnimationType.PERMANENCE: ("#f1f5f9", "#334155"),
    AnimationType.WEBINAIRE: ("#e0e7ff", "#3730a3"),
    AnimationType.FORUM: ("#fef9c3", "#854d0e"),
    AnimationType.REUNION_PARTENARIALE: ("#f5f5f4", "#44403c"),
}

_WEEKDAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@attrs.frozen
class _Item:
    kind: str  # the type code: the CSS class
    text: str
    time: str
    place: str


@attrs.frozen
class _Day:
    day: int | None  # None: a cell outside the month
    label: str  # "mardi 2 avril 2024", for screen readers and the narrow layout
    items: tuple[_Item, ...]
    css: str


@attrs.frozen
class _Week:
    label: str
    items: tuple[tuple[str, tuple[_Item, ...]], ...]  # (day, its permanences)


@attrs.frozen
class _Month:
    id: str
    title: str
    weeks: tuple[tuple[_Day, ...], ...]
    whole: tuple[_Item, ...]  # month-long and multi-month entries
    permanences: tuple[_Week, ...]


def _item(entry: CalendarEntry, *, short: bool = False) -> _Item:
    time = ""
    if entry.start_time is not None and entry.end_time is not None:
        time = f"{_hour(entry.start_time)}–{_hour(entry.end_time)}"
    text = entry.summary
    if short and entry.kind == EntryKind.PERMANENCE:
        text = "Permanence annulée" if entry.cancelled else "Permanence"
    return _Item(entry.type.code, text, time, _place(entry))


def _day_label(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {format_day(day)}"


def _months(calendar: Calendar) -> list[_Month]:
    from babel.dates import format_date

    months: list[_Month] = []
    year, month = calendar.start.year, calendar.start.month
    # Each entry filed once under every month it meets (a month's pass reads its own
    # entries only: 5 000 permanence rows took 36 s when every month read them all).
    by_month: dict[tuple[int, int], list[CalendarEntry]] = {}
    for entry in calendar.dated:
        low = max(entry.first_day, calendar.start)
        high = min(entry.last_day, calendar.end)
        y, m = low.year, low.month
        while (y, m) <= (high.year, high.month):
            by_month.setdefault((y, m), []).append(entry)
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    while (year, month) <= (calendar.end.year, calendar.end.month):
        first = dt.date(year, month, 1)
        by_day: dict[dt.date, list[CalendarEntry]] = {}
        whole: list[_Item] = []
        for entry in by_month.get((year, month), ()):
            if entry.precision is Precision.DAY:
                by_day.setdefault(entry.first_day, []).append(entry)
            else:
                whole.append(_item(entry))
        weeks: list[tuple[_Day, ...]] = []
        for week in month_calendar.Calendar().monthdatescalendar(year, month):
            cells = []
            for day in week:
                inside = day.month == month and calendar.start <= day <= calendar.end
                items = tuple(_item(e, short=True) for e in by_day.get(day, ())) if inside else ()
                cells.append(
                    _Day(
                        day.day if day.month == month else None,
                        _day_label(day),
                        items,
                        "" if inside else "out",
                    )
                )
            weeks.append(tuple(cells))
        perms: list[_Week] = []
        for week in month_calendar.Calendar().monthdatescalendar(year, month):
            days = []
            for day in week:
                if day.month != month:
                    continue
                found = tuple(
                    _item(e) for e in by_day.get(day, ()) if e.kind == EntryKind.PERMANENCE
                )
                if found:
                    days.append((_day_label(day), found))
            if days:
                shown = [d for d in week if d.month == month]
                perms.append(
                    _Week(
                        f"Semaine du {format_day(shown[0])} au {format_day(shown[-1])}", tuple(days)
                    )
                )
        months.append(
            _Month(
                f"mois-{year}-{month:02d}",
                str(format_date(first, "LLLL y", locale="fr_FR")).capitalize(),
                tuple(weeks),
                tuple(whole),
                tuple(perms),
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def to_html(calendar: Calendar, *, footer: str = "") -> str:
    """The printable French calendar (see the module's notes)."""
    import jinja2

    typeset_text = lambda value: typeset(value) if isinstance(value, str) else value  # noqa: E731
    environment = jinja2.Environment(autoescape=True, trim_blocks=False, finalize=typeset_text)
    template = environment.from_string(TEMPLATE)
    present = {e.type for e in calendar.entries}
    kinds = [
        {"code": t.code, "label": t.label, "back": _COLOURS[t][0], "border": _COLOURS[t][1]}
        for t in AnimationType
        if t in present
    ]
    cancelled = sum(1 for e in calendar.entries if e.cancelled)
    permanences = sum(1 for e in calendar.entries if e.kind == EntryKind.PERMANENCE) - cancelled
    animations = len(calendar.entries) - permanences - cancelled
    a, p, c = ("s" if n > 1 else "" for n in (animations, permanences, cancelled))
    counts = f"{animations} animation{a} prévue{a}, {permanences} permanence{p}"
    counts += f" ({cancelled} annulée{c})." if cancelled else "."
    return clean_text(
        template.render(
            title=TITLE,
            site=calendar.site,
            period=format_period(calendar.start, calendar.end),
            counts=counts,
            kinds=kinds,
            weekdays=_WEEKDAYS,
            months=_months(calendar),
            undated=[_item(e) for e in calendar.undated],
            footer=footer or "Fait par citeslab.",
        )
    )


# -- the exporter -----------------------------------------------------------------------------


@attrs.frozen
class CalendarExporter:
    """The ``calendrier`` exporter (see the module's notes)."""

    name: str = "calendrier"
    title: str = TITLE
    formats: tuple[str, ...] = ("ics", "html", "csv")
    api_version: int = 1
    needs_participants: bool = False
    description: str = (
        "Le calendrier de la période : les animations prévues (statut prévu) et les "
        "permanences, jours fériés sautés. Un fichier .ics à importer dans un agenda "
        "(Outlook, Google Agenda, Thunderbird), une page à imprimer, ou un tableau."
    )
    file_help: tuple[str, ...] = (
        "calendrier_PERIODE.ics : le calendrier iCalendar (--format ics, par défaut)",
        "calendrier_PERIODE.html : le calendrier à imprimer, un mois par page (--format html)",
        "calendrier_PERIODE_evenements.csv : un événement par ligne, avec "
        "calendrier_PERIODE_informations.csv (--format csv ; avec --datapackage, aussi "
        "datapackage.json, pour un portail de données)",
    )

    def export(
        self,
        bilan: PublicBilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        calendar = _calendar_of(bilan)
        prefix = f"{self.name}_{period_slug(bilan.start, bilan.end)}"
        made = bilan.provenance
        if options.format == "ics":
            stamp = (
                made.generated
                if made is not None
                else dt.datetime.combine(bilan.start, dt.time(), dt.UTC)
            )
            return [ExportFile(f"{prefix}.ics", "text/calendar", to_ics(calendar, stamp=stamp))]
        if options.format == "html":
            footer = "Fait par citeslab"
            if made is not None:
                footer += f" {made.version}, le {format_moment(made.generated)}"
            html = to_html(calendar, footer=footer + ".")
            data = clean_text(html).encode("utf-8")
            return [ExportFile(f"{prefix}.html", "text/html", data)]
        if options.format == "csv":
            return bilan_files(
                bilan,
                [events_table(calendar)],
                options,
                exporter=self.name,
                title=self.title,
                notes=[("Jours fériés", "sautés (France métropolitaine)")],
                audience="oui : aucune donnée sur les personnes accompagnées",
                datapackage=options.datapackage,
            )
        raise UsageError(f"format « {options.format} » inconnu (formats : ics, html, csv)")


#: The object the ``calendrier`` entry point names.
exporter = CalendarExporter()
