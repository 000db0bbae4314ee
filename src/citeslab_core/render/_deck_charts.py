"""The deck's charts as data (private to :mod:`citeslab_core.render.deck`): each chart's
categories, series and data labels, read from the bilan (no figure computed), and the
French typography of every text of the deck."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

import attrs

from citeslab_core.bilan import PublicBilan, Table
from citeslab_core.french import (
    MASKED_TEXT,
    counted,
    format_count,
    format_percent,
    format_share,
    format_years,
    rounded_shares_note,
    typeset,
)
from citeslab_core.readers.files import clean_text, neutralise
from citeslab_core.render._html_charts import PIE_TABLES
from citeslab_core.render.labels import (
    COLUMNS,
)

#: The slice of a pie that groups the masked rows (public mode), as on the HTML page.
MASKED_SLICE: Final = "Secret statistique"

BULLET = re.compile(r"^\s*(?:[-–—•*➢>·]\s*)+")
_BEFORE = re.compile(r" +([:;!?»])")
_AFTER = re.compile(r"« +")


def french(text: str) -> str:
    """``text`` cleaned for XML (:func:`~citeslab_core.readers.files.clean_text`) with French
    typography, the bilan's HTML page's (:func:`~citeslab_core.french.typeset`: no-break
    spaces before ``:`` ``;`` ``!`` ``?`` ``»``, after ``«``, in a number, between a number
    and its unit). A carriage return is a line break (python-pptx would write it as the
    text ``_x000D_``); spaces before a sign are one space first, as typeset wants."""
    text = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    return typeset(_BEFORE.sub(" \\1", _AFTER.sub("« ", text)))


def chart_text(text: str) -> str:
    """A chart's category or series name: :func:`french`, and protected against formula
    injection (a leading ``'``, :func:`~citeslab_core.readers.files.neutralise`), since
    python-pptx writes it into the chart's embedded workbook, which Excel opens when the
    chef de projet edits the chart's data."""
    return neutralise(french(text))


@attrs.frozen
class Series:
    name: str
    values: tuple[float | None, ...]


@attrs.frozen
class Chart:
    """A native chart's data: ``kind`` is ``pie``, ``bar`` (horizontal), ``column``;
    ``labels``: each point's data label (the bilan's own share or count), by series."""

    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    number_format: str = "#,##0"
    labels: tuple[tuple[str, ...], ...] = ()
    greys: frozenset[int] = frozenset()  # points drawn grey (not filled in, in progress)

    @property
    def empty(self) -> bool:
        """Nothing to draw: no category, or no value above 0 (a site without persons)."""
        return not any(v for s in self.series for v in s.values)

    def pieces(self, size: int) -> list[Chart]:
        """The chart cut into charts of at most ``size`` categories each, about even, in
        order (a site's forty neighbourhoods on three slides); a pie is never cut."""
        if self.kind == "pie":
            return [self]
        return [
            attrs.evolve(
                self,
                categories=self.categories[part.start : part.stop],
                series=tuple(Series(s.name, s.values[part.start : part.stop]) for s in self.series),
                labels=tuple(row[part.start : part.stop] for row in self.labels),
                greys=frozenset(i - part.start for i in self.greys if i in part),
            )
            for part in even_ranges(len(self.categories), size)
        ]


def even_ranges(count: int, size: int) -> list[range]:
    """``range(count)`` cut into as few pieces of at most ``size`` as can be, about even."""
    if count <= size:
        return [range(count)]
    pieces = -(-count // size)
    step = -(-count // pieces)
    return [range(start, min(start + step, count)) for start in range(0, count, step)]


def year_label(bilan: PublicBilan) -> str:
    return format_years(bilan.start, bilan.end)


# -- the slides' content, from the bilan ---------------------------------------------------


#: The most bars a chart shows on one slide: more go on the next (« (suite) »); a bar
#: chart of more rows than this leaves its rows at 0 out (a site's 300 neighbourhoods).
MAX_BARS: Final = 14


def table_chart(table: Table[int | None], kind: str) -> tuple[Chart, list[str], int]:
    """A portrait table as a chart (masked rows left out, or grouped in a pie), the
    names of its masked rows, and how many rows at 0 a long bar chart leaves out."""
    shown = [r for r in table.rows if r.count is not None]
    masked = [r.label for r in table.rows if r.count is None]
    zeros = 0
    if kind != "pie" and len(shown) > MAX_BARS:
        zeros = sum(1 for r in shown if r.count == 0)
        shown = [r for r in shown if r.count]
    categories = [r.label for r in shown]
    values: list[float | None] = [float(r.count or 0) for r in shown]
    if kind == "pie":
        labels = [format_percent(r.share) if (r.share or 0) >= 5 else "" for r in shown]
        rest = (table.total or 0) - sum(r.count or 0 for r in shown)
        if masked and rest > 0:
            categories.append(MASKED_SLICE)
            values.append(float(rest))
            labels.append("")
    else:
        labels = [format_count(r.count) for r in shown]
    greys = frozenset(
        i for i, r in enumerate(shown) if r.code in ("non_renseigne", "en_cours", "autre")
    )
    chart = Chart(
        kind,
        table.title,
        tuple(categories),
        (Series("Personnes", tuple(values)),),
        labels=(tuple(labels),),
        greys=greys,
    )
    return chart, masked, zeros


def masked_note(bilan: PublicBilan, masked: Sequence[str]) -> str:
    if not masked:
        return ""
    named = ", ".join(masked) if len(masked) <= 8 else counted(len(masked), "ligne")
    return (
        f"Effectifs masqués («\u00a0{MASKED_TEXT}\u00a0», secret statistique : de 1 à "
        f"{format_count(bilan.threshold - 1)} personnes, ou de quoi les retrouver) : "
        f"{named}. Le graphique ne les montre pas."
    )


def portrait_lead(table: Table[int | None]) -> list[str]:
    """The seed's words for the sexes: « Elles sont : 71 femmes », « Ils sont : 47 hommes »."""
    if table.key != "sexe":
        return []
    women, men = table.row("F"), table.row("H")
    lead = []
    if women is not None:
        lead.append(f"Elles sont : {counted(women.count, 'femme')}")
    if men is not None:
        lead.append(f"Ils sont : {counted(men.count, 'homme')}")
    return lead


def portrait_lines(bilan: PublicBilan, table: Table[int | None]) -> list[str]:
    """The key figures of a portrait table in words, for the panel beside its chart."""
    lines: list[str] = []
    if table.key == "sexe":
        lines += [
            f"{r.label} : {format_count(r.count)}" for r in table.rows if r.code not in ("F", "H")
        ]
    elif len(table.rows) <= 9:
        lines += [
            f"{r.label} : {format_count(r.count)} ({format_percent(r.share)})" for r in table.rows
        ]
    lines.append(f"Total : {counted(table.total, 'personne')}")
    if table.key == "orientation_premier_rdv":
        lines.append(
            f"dont «\u00a0Autres\u00a0» sans aucune orientation : "
            f"{format_count(bilan.without_orientation)}"
        )
    if table.shares_rounded:
        lines.append(rounded_shares_note(r.share for r in table.rows))
    return lines


#: How each portrait table is drawn: the seed's pies, its columns for the channels.
def chart_kind(key: str) -> str:
    if key in PIE_TABLES:
        return "pie"
    return "column" if key == "canal" else "bar"


def programmes_chart(bilan: PublicBilan) -> tuple[Chart, list[str]]:
    masked = [p.programme for p in bilan.programmes if p.oriented is None or p.retained is None]
    oriented = tuple(None if p.oriented is None else float(p.oriented) for p in bilan.programmes)
    retained = tuple(None if p.retained is None else float(p.retained) for p in bilan.programmes)
    names = COLUMNS["programmes"]
    chart = Chart(
        "bar",
        "Programmes et accélérateurs",
        tuple(p.programme for p in bilan.programmes),
        (Series(names[1], oriented), Series(names[2], retained)),
        labels=(
            tuple(
                format_count(p.oriented) if p.oriented is not None else "" for p in bilan.programmes
            ),
            tuple(
                format_count(p.retained) if p.retained is not None else "" for p in bilan.programmes
            ),
        ),
    )
    return chart, masked


def orientations_chart(bilan: PublicBilan) -> tuple[Chart, list[str]]:
    rows = [o for o in bilan.orientations_period if o.persons is not None]
    masked = [o.label for o in bilan.orientations_period if o.persons is None]
    chart = Chart(
        "bar",
        "Orientations de la période",
        tuple(o.label for o in rows),
        (Series("Personnes orientées", tuple(float(o.persons or 0) for o in rows)),),
        labels=(tuple(format_count(o.persons) for o in rows),),
    )
    return chart, masked


def prescribers_chart(bilan: PublicBilan) -> tuple[Chart, list[str]]:
    rows = [p for p in bilan.prescribers if p.count is not None]
    masked = [p.name for p in bilan.prescribers if p.count is None]
    chart = Chart(
        "bar",
        "Prescripteurs",
        tuple(p.name for p in rows),
        (Series("Personnes", tuple(float(p.count or 0) for p in rows)),),
        labels=(tuple(format_count(p.count) for p in rows),),
    )
    return chart, masked


def animations_chart(bilan: PublicBilan) -> Chart:
    rows = [a for a in bilan.animations if a.number]
    return Chart(
        "bar",
        "Animations réalisées",
        tuple(a.label for a in rows),
        (Series("Nombre", tuple(float(a.number) for a in rows)),),
        labels=(tuple(format_count(a.number) for a in rows),),
    )


def planned_chart(bilan: PublicBilan) -> Chart:
    rows = [a for a in bilan.planned_animations if a.planned or a.held]
    names = COLUMNS["animations_prevues"]
    return Chart(
        "bar",
        "Animations prévues et réalisées",
        tuple(a.label for a in rows),
        (
            Series(names[1], tuple(float(a.planned) for a in rows)),
            Series(names[2], tuple(float(a.held) for a in rows)),
        ),
        labels=(
            tuple(format_count(a.planned) for a in rows),
            tuple(format_count(a.held) for a in rows),
        ),
    )


def qpv_chart(bilan: PublicBilan) -> tuple[Chart, list[str]]:
    """Accompanied persons per QPV by sex (stacked bars); a masked count is left blank."""
    sexes = list(dict.fromkeys((r.code, r.label) for q in bilan.qpv_breakdown for r in q.sex.rows))
    masked: list[str] = []
    series = []
    for code, label in sexes:
        values: list[float | None] = []
        for q in bilan.qpv_breakdown:
            row = q.sex.row(code)
            count = row.count if row is not None else 0
            if count is None:
                masked.append(f"{q.neighbourhood} ({label.lower()})")
            values.append(None if count is None else float(count))
        series.append(Series(label, tuple(values)))
    chart = Chart(
        "stacked",
        "Personnes accompagnées par quartier prioritaire",
        tuple(q.neighbourhood for q in bilan.qpv_breakdown),
        tuple(series),
        labels=tuple(
            tuple("" if v is None or v == 0 else format_count(int(v)) for v in s.values)
            for s in series
        ),
    )
    return chart, masked


def funding_chart(bilan: PublicBilan) -> Chart | None:
    year = bilan.funding
    if year is None or not year.contributions:
        return None
    return Chart(
        "pie",
        "Financement de l'année",
        tuple(c.funder.label for c in year.contributions),
        (Series("Montant", tuple(float(c.amount) for c in year.contributions)),),
        number_format='#,##0.00" €"',
        labels=(tuple(format_share(c.share) for c in year.contributions),),
    )
