"""How a dataset, a bilan and a table show themselves in a console or a notebook.

Private: :class:`~citeslab_core.model.Dataset`, :class:`~citeslab_core.model.Person` and
the other records, :class:`~citeslab_core.bilan.Bilan`, :class:`~citeslab_core.bilan.Table`,
:class:`~citeslab_core.bilan.comparison.Comparison` and
:class:`~citeslab_core.derive.followup.FollowUp` call these from ``__repr__`` and
``_repr_html_``, through the views of :mod:`citeslab_core.model._views` that this module
registers (the model and the bilan never import it).

- ``repr()`` is one short line: never a record's content, so never an identity or free-text
  value (a saved notebook must not carry personal data; DOMAIN "Privacy").
- ``_repr_html_`` is a fragment inside one ``<div class="citeslab-repr">``: its style sheet
  only holds rules under that class (nothing in the notebook around it is restyled), no
  script, no event attribute, charts as inline SVG; every text escaped, and set in French
  typography (:func:`~citeslab_core.french.typeset`) as on the bilan's HTML page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

import attrs

from citeslab_core import french
from citeslab_core.bilan.rounding import rounding_note
from citeslab_core.model import _views as views
from citeslab_core.render.labels import indicator

if TYPE_CHECKING:
    from citeslab_core.bilan import PublicBilan, Table
    from citeslab_core.bilan.comparison import Comparison
    from citeslab_core.derive.followup import FollowUp
    from citeslab_core.model import Dataset, Person, SheetName

#: The class of every fragment's root element; every style rule starts with it.
ROOT = "citeslab-repr"

_STYLE = (
    f"<style>"
    f".{ROOT}{{font-family:system-ui,sans-serif;font-size:13px;line-height:1.4;"
    f"color:#1e1e1e;max-width:60em}}"
    f".{ROOT} .{ROOT}-title{{font-weight:600;margin:.2em 0 .4em}}"
    f".{ROOT} .{ROOT}-note{{color:#555;margin:.2em 0}}"
    f".{ROOT} table{{border-collapse:collapse;margin:.3em 0 .8em}}"
    f".{ROOT} th,.{ROOT} td{{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left}}"
    f".{ROOT} tbody th{{font-weight:normal}}"
    f".{ROOT} td.{ROOT}-n{{text-align:right;font-variant-numeric:tabular-nums}}"
    f".{ROOT} caption{{text-align:left;font-weight:600;padding:.2em 0}}"
    f".{ROOT} svg{{display:block;margin:.2em 0 1em}}"
    f"</style>"
)

#: Sheets in the order they are shown.
_SHEETS: tuple[SheetName, ...] = (
    "porteurs",
    "suivis",
    "quartiers",
    "animations",
    "partenariats",
    "financements",
    "textes",
)


def _plain_count(value: int) -> str:
    """``17 168`` with a narrow no-break space, as babel writes it, without loading babel
    (a plain repr stays instant)."""
    return f"{value:,}".replace(",", "\u202f")


def _event_span(data: Dataset) -> tuple[dt.date, dt.date] | None:
    days = data.columns("suivis")["date"]  # no record built for a repr
    if not days:
        return None
    return min(days), max(days)


def _scope(data: Dataset) -> str:
    return " (sous-ensemble de personnes)" if data.is_subset else ""


@views.DATASET_REPR.register
def dataset_repr(data: Dataset) -> str:
    """``repr(data)``: the site, the rows per sheet, the events' first and last days."""
    counts = ", ".join(
        f"{_plain_count(len(data.columns(sheet)))} {sheet}"
        for sheet in _SHEETS
        if len(data.columns(sheet)) or sheet in ("porteurs", "suivis")
    )
    span = _event_span(data)
    dates = f" ; suivis du {span[0].isoformat()} au {span[1].isoformat()}" if span else ""
    return f"<Dataset « {data.site.name} »{_scope(data)} : {counts}{dates}>"


def _text(text: str) -> str:
    """A text a person reads, set in French typography (no-break spaces before ``:``
    ``;`` ``»``…: :func:`~citeslab_core.french.typeset`, as the HTML page), escaped. Codes
    and ids are only escaped."""
    return escape(french.typeset(text))


def _wrap(title: str | None, body: str) -> str:
    head = f'<p class="{ROOT}-title">{_text(title)}</p>' if title else ""
    return f'<div class="{ROOT}">{_STYLE}{head}{body}</div>'


def _note(text: str) -> str:
    return f'<p class="{ROOT}-note">{_text(text)}</p>'


@views.DATASET_HTML.register
def dataset_html(data: Dataset) -> str:
    """A dataset in a notebook: its rows per sheet and its events' dates."""
    rows = "".join(
        f'<tr><th scope="row">{sheet}</th>'
        f'<td class="{ROOT}-n">{french.format_count(len(data.columns(sheet)))}</td></tr>'
        for sheet in _SHEETS
    )
    body = (
        '<table><thead><tr><th scope="col">feuille</th><th scope="col">lignes</th></tr>'
        f"</thead><tbody>{rows}</tbody></table>"
    )
    span = _event_span(data)
    if span:
        body += _note(f"Suivis {french.format_period(*span)}.")
    if data.is_subset:
        body += _note(
            "Sous-ensemble de personnes : les animations, partenariats et financements "
            "sont ceux de tout le site."
        )
    return _wrap(f"Données de « {data.site.name} »", body)


@views.BILAN_REPR.register
def bilan_repr(bilan: PublicBilan) -> str:
    """``repr(bilan)``: site, period, accompanied, new, tables and checks counted."""
    new = french.format_count(bilan.new)
    flags = (" public" if bilan.public else "") + (" (sous-ensemble)" if bilan.subset else "")
    return (
        f"<Bilan{flags} « {bilan.site} » du {bilan.start.isoformat()} au "
        f"{bilan.end.isoformat()} : {french.format_count(bilan.accompanied)} accompagnés, "
        f"{new} nouveaux, {len(bilan.tables)} tableaux, {len(bilan.checks)} constats>"
    )


@views.TABLE_REPR.register
def table_repr(table: Table[int | None]) -> str:
    """``repr(table)``: its key, title, number of rows and total."""
    total = french.format_count(table.total)
    return f"<Table {table.key} « {table.title} » : {len(table.rows)} lignes, total {total}>"


def _table_rows(table: Table[int | None]) -> str:
    return "".join(
        f'<tr><th scope="row">{_text(row.label)}</th><td>{escape(row.code)}</td>'
        f'<td class="{ROOT}-n">{french.format_count(row.count)}</td>'
        f'<td class="{ROOT}-n">{french.format_percent(row.share)}</td></tr>'
        for row in table.rows
    )


def _table_block(table: Table[int | None]) -> str:
    total = french.format_count(table.total)
    return (
        f"<table><caption>{_text(f'{table.title} (total {total})')}</caption>"
        '<thead><tr><th scope="col">libellé</th><th scope="col">code</th>'
        '<th scope="col">effectif</th><th scope="col">part</th></tr></thead>'
        f"<tbody>{_table_rows(table)}</tbody></table>"
    )


_BAR_HEIGHT = 18
_LABEL_WIDTH = 230
_BAR_WIDTH = 260


def chart_svg(table: Table[int | None]) -> str:
    """The table as horizontal bars (one per row, masked rows without a bar), inline SVG."""
    counts = [row.count or 0 for row in table.rows]
    top = max(counts, default=0) or 1
    height = _BAR_HEIGHT * len(table.rows) + 4
    width = _LABEL_WIDTH + _BAR_WIDTH + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_text(table.title)}">'
        f"<title>{_text(table.title)}</title>"
    ]
    for index, row in enumerate(table.rows):
        y = index * _BAR_HEIGHT + 2
        label = row.label if len(row.label) <= 34 else row.label[:33] + "…"
        bar = round(_BAR_WIDTH * (row.count or 0) / top)
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="11" '
            f'fill="#1e1e1e">{_text(label)}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 2}" width="{bar}" height="{_BAR_HEIGHT - 5}" '
            f'fill="#0b5cad"/>'
            f'<text x="{_LABEL_WIDTH + bar + 4}" y="{y + 13}" font-size="11" fill="#1e1e1e">'
            f"{french.format_count(row.count)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@views.TABLE_HTML.register
def table_html(table: Table[int | None]) -> str:
    """A table in a notebook: its rows and its chart."""
    return _wrap(None, _table_block(table) + chart_svg(table))


@views.BILAN_HTML.register
def bilan_html(bilan: PublicBilan) -> str:
    """A bilan in a notebook: the key figures, its notes and every table."""
    indicators = bilan.indicators
    shown = (
        "accompanied",
        "new",
        "women",
        "qpv_residents",
        "under_26",
        "creations",
        "positive_exits",
        "animations_held",
        "animation_participants",
    )
    figures = tuple(
        (indicator(name).short, french.format_count(getattr(indicators, name))) for name in shown
    )
    rows = "".join(
        f'<tr><th scope="row">{_text(name)}</th><td class="{ROOT}-n">{value}</td></tr>'
        for name, value in figures
    )
    body = f"<table><caption>Chiffres clés</caption><tbody>{rows}</tbody></table>"
    notes = []
    if bilan.public:
        notes.append(f"Version publique : effectifs de 1 à {bilan.threshold - 1} masqués (s).")
    if bilan.rounding:
        notes.append(rounding_note(bilan.rounding))
    if bilan.subset:
        notes.append(
            "Bilan d'un sous-ensemble de personnes : les animations, partenariats et "
            "financements sont ceux de tout le site."
        )
    if bilan.checks:
        notes.append(f"{french.format_count(len(bilan.checks))} constat(s) : voir bilan.checks.")
    body += "".join(_note(text) for text in notes)
    body += "".join(_table_block(table) for table in bilan.tables.values())
    return _wrap(f"Bilan de « {bilan.site} » {french.format_period(bilan.start, bilan.end)}", body)


def _cell(value: object) -> str:
    """A field's value as people read it: a vocabulary's label, a date in French."""
    if value is None:
        return ""
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return _text(label)
    if isinstance(value, dt.date):
        return _text(french.format_day(value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    return _text(str(value))


def _field_rows(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(
        f'<tr><th scope="row">{_text(name)}</th><td>{_cell(value)}</td></tr>'
        for name, value in pairs
    )


@views.PERSON_HTML.register
def person_html(person: Person) -> str:
    """The fields the record's ``repr`` shows (never an identity or free-text field), by
    their column names."""
    shown = (
        (field.metadata.get("column", field.name), getattr(person, field.name))
        for field in attrs.fields(type(person))
        if field.repr is not False
    )
    body = f"<table><tbody>{_field_rows(shown)}</tbody></table>"
    return _wrap(f"Porteur {person.id}", body)


@views.COMPARISON_HTML.register
def comparison_html(comparison: Comparison) -> str:
    """The evolution of every row, a table per bilan table (counts and shares)."""
    before, after = comparison.period_before, comparison.period_after
    head = (
        '<thead><tr><th scope="col">libellé</th><th scope="col">avant</th>'
        '<th scope="col">après</th><th scope="col">évolution</th>'
        '<th scope="col">évolution (points)</th></tr></thead>'
    )
    blocks: dict[str, list[str]] = {}
    for row in comparison.rows:
        blocks.setdefault(row.table, []).append(
            f'<tr><th scope="row">{_text(row.label)}</th>'
            f'<td class="{ROOT}-n">{french.format_count(row.count_before)}</td>'
            f'<td class="{ROOT}-n">{french.format_count(row.count_after)}</td>'
            f'<td class="{ROOT}-n">{_signed(row.count_change)}</td>'
            f'<td class="{ROOT}-n">{_signed(row.share_change)}</td></tr>'
        )
    body = "".join(
        f"<table><caption>{_text(table)}</caption>{head}<tbody>{''.join(rows)}</tbody></table>"
        for table, rows in blocks.items()
    )
    title = (
        f"Évolution de « {comparison.site_before} » ({before[0]} au {before[1]}) "
        f"à « {comparison.site_after} » ({after[0]} au {after[1]})"
    )
    return _wrap(title, body)


def _signed(value: int | None) -> str:
    """``+3``, ``−2`` (a true minus sign), ``0``; empty when unknown (a masked figure)."""
    if value is None:
        return ""
    text = french.format_count(abs(value))
    return f"+{text}" if value > 0 else f"\u2212{text}" if value < 0 else text


# -- the follow-up list: counts and ids, never a name, phone or message -------------------

#: How many ids a follow-up's repr names before « … et N autres » (per action in HTML;
#: ``followup.persons`` has them all).
_REPR_IDS = 20
_HTML_IDS = 200


def _ids(ids: tuple[str, ...], shown: int) -> str:
    more = len(ids) - shown
    return ", ".join(ids[:shown]) + (f" … et {_plain_count(more)} autres" if more > 0 else "")


def _rule_counts(todo: FollowUp) -> list[tuple[str, str, int]]:
    """(rule, severity code, number of findings), rules in number order."""
    from citeslab_core.derive.rules import rule_number

    counts: dict[tuple[str, str], int] = {}
    for finding in todo.findings:
        key = (finding.rule, finding.severity.value)
        counts[key] = counts.get(key, 0) + 1
    return [
        (rule, severity, count)
        for (rule, severity), count in sorted(
            counts.items(), key=lambda item: (rule_number(item[0][0]), item[0][1])
        )
    ]


@views.FOLLOWUP_REPR.register
def followup_repr(todo: FollowUp) -> str:
    """``repr(followup)``: constats by rule and severity, open pathways, the first ids."""
    findings, persons = todo.findings, todo.persons
    counts = ", ".join(f"{rule} {severity} {n}" for rule, severity, n in _rule_counts(todo))
    ids = f" ; porteurs {_ids(persons, _REPR_IDS)}"
    return (
        f"<FollowUp « {todo.site} » au {todo.on.isoformat()} : "
        f"{_plain_count(len(findings))} constats pour {_plain_count(len(persons))} personnes"
        f"{f' ({counts})' if counts else ''} ; "
        f"{_plain_count(todo.open_pathways)} parcours ouverts"
        f"{ids if persons else ''}>"
    )


@views.FOLLOWUP_HTML.register
def followup_html(todo: FollowUp) -> str:
    """The follow-up list in a notebook: counts by rule and severity, ids per action."""
    from citeslab_core.derive.rules import rule_name

    counts = "".join(
        f'<tr><th scope="row">{_text(rule_name(rule))}</th><td>{_text(severity)}</td>'
        f'<td class="{ROOT}-n">{french.format_count(n)}</td></tr>'
        for rule, severity, n in _rule_counts(todo)
    )
    body = (
        "<table><caption>Constats par règle et gravité</caption><thead><tr>"
        '<th scope="col">règle</th><th scope="col">gravité</th>'
        f'<th scope="col">constats</th></tr></thead><tbody>{counts}</tbody></table>'
        if counts
        else _note("Rien à faire à cette date.")
    )
    actions = "".join(
        f'<tr><th scope="row">{_text(group.action.label)}</th>'
        f'<td class="{ROOT}-n">{french.format_count(len(ids))}</td>'
        f"<td>{escape(_ids(ids, _HTML_IDS))}</td></tr>"
        for group in todo.groups
        if (ids := tuple(dict.fromkeys(f.person for f in group.findings)))
    )
    if actions:
        body += (
            "<table><caption>Personnes par action (identifiants)</caption><thead><tr>"
            '<th scope="col">action</th><th scope="col">personnes</th>'
            f'<th scope="col">identifiants</th></tr></thead><tbody>{actions}</tbody></table>'
        )
    body += _note(f"{french.format_count(todo.open_pathways)} parcours ouverts.")
    if todo.later_events:
        body += _note(
            f"{french.format_count(todo.later_events)} suivi(s) daté(s) après le "
            f"{french.format_day(todo.on)}, laissé(s) de côté."
        )
    body += _note(
        "Noms et téléphones : followup.to_frame(private=True) ou la commande "
        "citeslab followup (liste de travail du référent, à ne pas partager)."
    )
    return _wrap(f"Liste de suivi de « {todo.site} » au {french.format_day(todo.on)}", body)


# -- the other records ------------------------------------------------------------------


@views.RECORD_HTML.register
def record_html(record: object) -> str:
    """A record (an event, an animation, the site…) as the fields its ``repr`` shows,
    by their column names: never an identity or free-text field (those are left out of
    the repr)."""
    cls = type(record)
    if not attrs.has(cls):  # every record is an attrs class
        return _wrap(cls.__name__, "")
    shown = (
        (field.metadata.get("column", field.name), getattr(record, field.name))
        for field in attrs.fields(cls)
        if field.repr is not False
    )
    return _wrap(cls.__name__, f"<table><tbody>{_field_rows(shown)}</tbody></table>")
