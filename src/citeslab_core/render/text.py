"""The bilan as aligned French text for a terminal (``report --format text``).

Every number, amount, percentage and date is written by :mod:`citeslab_core.french`
(babel's fr_FR forms: ``51 128,16 €``, ``60 %``, ``1er janvier 2023``), which imports babel
only when it formats, so that importing this module costs nothing at start-up. A masked
count is ``s``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from citeslab_core.bilan import PublicBilan, Table
from citeslab_core.bilan.crf import CrfLine, CrfTotal, crf_rows
from citeslab_core.bilan.funding import FundingPlanRow, FundingYear
from citeslab_core.bilan.rounding import rounding_note
from citeslab_core.french import (
    MASKED_TEXT,
    format_amount,
    format_count,
    format_decimal,
    format_partial_date,
    format_percent,
    format_period,
    format_share,
    format_signed_amount,
    format_signed_share,
    rounded_shares_note,
    typeset,
)
from citeslab_core.model.accounts import Side
from citeslab_core.render.labels import (
    COLUMNS,
    EMPTY,
    EXPLAINED,
    GAP_EXPLANATION,
    HOST,
    INDICATORS,
    NOTES,
    ORIENTED_AT_LEAST_ONCE,
    SUBSET_NOTE,
    TERRITORY,
    TO_EXPLAIN,
    ZERO_EUROS,
    crf_label,
    years_table,
)
from citeslab_core.render.outline import outline, summary

__all__ = ["render"]


#: The widest line of the text report: it reads in a terminal of 100 columns.
WIDTH = 100
#: The narrowest a wrapped text column gets.
_MIN_COLUMN = 12


def _grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    align: str = "",
    indent: str = "  ",
) -> list[str]:
    """Rows aligned in columns. ``align`` has one letter per column, ``l`` or ``r``;
    by default the first column is left-aligned and the others (figures) right-aligned.

    Every cell is set in French typography (:func:`~citeslab_core.french.typeset`), so
    that a number keeps its unit and a colon its word. No line is wider than
    :data:`WIDTH`: when the columns would be, the widest columns are narrowed and their
    long cells wrap onto more lines, inside their column, at plain spaces only (a word, a
    figure with its unit, is never cut). A heading stays on one line as long as the table
    can fit so; else it wraps at its spaces too."""
    align = align or "l" + "r" * (len(headers) - 1)
    headers = [typeset(h) for h in headers]
    rows = [[typeset(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    room = WIDTH - len(indent) - 2 * (len(widths) - 1)
    if sum(widths) > room:
        table = [headers, *rows]
        words = [
            max(len(word) for row in table for word in row[i].split(" "))
            for i in range(len(widths))
        ]
        # Headings whole first; then headings wrapped at their spaces; last, when even
        # that is too wide, words cut (a text column down to _MIN_COLUMN).
        for mins in (
            [max(w, len(h)) for w, h in zip(words, headers, strict=True)],
            words,
            [w if align[i] == "r" else min(w, _MIN_COLUMN) for i, w in enumerate(words)],
        ):
            _narrow(widths, mins, room, align)
            if sum(widths) <= room:
                break
    lines = []
    for row in [headers, *rows]:
        parts = [_wrap(cell, widths[i]) for i, cell in enumerate(row)]
        for n in range(max(len(p) for p in parts)):
            cells = [
                (p[n] if n < len(p) else "").ljust(widths[i])
                if align[i] == "l"
                else (p[n] if n < len(p) else "").rjust(widths[i])
                for i, p in enumerate(parts)
            ]
            lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _narrow(widths: list[int], mins: Sequence[int], room: int, align: str) -> None:
    """Narrows the widest column (a text one first) one character at a time, none below
    its ``mins``, until the columns fit in ``room`` or none can narrow."""
    while sum(widths) > room:
        narrowable = [i for i, w in enumerate(widths) if w > mins[i]]
        if not narrowable:
            return
        widths[max(narrowable, key=lambda i: (widths[i], align[i] == "l"))] -= 1


def _wrap(text: str, width: int) -> list[str]:
    """``text`` on lines of at most ``width`` characters, broken at plain spaces only (a
    no-break space holds; a word is cut only when longer than ``width``)."""
    if len(text) <= width:
        return [text]
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _lines(text: str, indent: str) -> list[str]:
    """A long sentence (a check, a note) set in French typography and wrapped to
    :data:`WIDTH` at plain spaces, continued under itself."""
    import textwrap

    return textwrap.wrap(
        typeset(text),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=" " * len(indent),
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _title(text: str) -> list[str]:
    return ["", text, "-" * len(text)]


def _table_lines(table: Table[int | None]) -> list[str]:
    rows = [[r.label, format_count(r.count), format_percent(r.share)] for r in table.rows]
    total_share = 100 if table.total else 0
    rows.append(
        [
            "Total",
            format_count(table.total),
            format_percent(total_share if table.total is not None else None),
        ]
    )
    lines = _grid(["", *COLUMNS["portrait"]], rows)
    if table.shares_rounded:
        lines.append("  " + rounded_shares_note(r.share for r in table.rows))
    return lines


def _orientations_period_lines(bilan: PublicBilan) -> list[str]:
    rows = [
        [o.label, format_count(o.persons), format_percent(o.share), format_count(o.orientations)]
        for o in bilan.orientations_period
    ]
    rows.append([ORIENTED_AT_LEAST_ONCE, format_count(bilan.orientations_period_persons), "", ""])
    lines = _grid(COLUMNS["orientations_periode"], rows)
    lines += _lines(NOTES["orientations_periode"], "  ")
    return lines


def _funding_lines(year: FundingYear) -> list[str]:
    rows = []
    for c in year.contributions:
        declared = format_share(c.declared_share)
        if c.declared_share_flagged:
            declared += " (!)"
        cap = format_share(c.cap)
        if c.cap_exceeded:
            cap += " (dépassé)"
        rows.append([c.funder.label, format_amount(c.amount), format_share(c.share), declared, cap])
    rows.append(
        [
            "Total",
            format_amount(year.contributions_sum),
            format_share(Decimal(100) if year.contributions_sum else Decimal(0)),
            "",
            "",
        ]
    )
    lines = _grid([*COLUMNS["financement"], "Plafond"], rows)
    declared = ""
    if year.declared_total is not None:
        declared = f" (déclaré : {format_amount(year.declared_total)})"
    lines.insert(0, f"  Coût total de l'action : {format_amount(year.total)}{declared}")
    return lines


def _plan_cells(row: FundingPlanRow) -> list[str]:
    name = row.funder.label if row.funder is not None else "Total"
    gap_percent = format_share(row.gap_percent) if row.gap_percent is not None else "—"
    return [
        name,
        format_amount(row.planned or ZERO_EUROS),  # as the CRF: 0,00 €, not —
        format_amount(row.actual or ZERO_EUROS),
        format_amount(row.gap),
        gap_percent,
        TO_EXPLAIN if row.flagged else EXPLAINED if row.explanation else "",
    ]


def _years_lines(years: Sequence[FundingYear]) -> list[str]:
    """Funders in rows, (year, nature) in columns: amount and share."""
    table = years_table(years)
    return _grid(table.headings, [*table.rows, table.total])


def _crf_cells(account: str, label: str, row: CrfLine | CrfTotal) -> list[str]:
    gap_percent = row.gap_percent
    return [
        account,
        label,
        format_amount(row.planned),
        format_amount(row.actual),
        format_signed_amount(row.gap),
        format_signed_share(gap_percent) if gap_percent is not None else "—",
    ]


def render(bilan: PublicBilan, *, checks: bool = True) -> str:
    """The bilan as aligned French text (see the module docstring); ``checks=False``
    leaves the section « Contrôles » out (``report --without-checks``).

    The chapters and sections, their order and titles, are :func:`~citeslab_core.render.outline.
    outline`'s, as in the HTML page."""
    out: list[str] = []
    head = f"Bilan {bilan.site} {format_period(bilan.start, bilan.end)}"
    out += [head, "=" * len(head)]
    notes: list[str] = []
    if bilan.host:
        notes.append(f"{HOST} : {bilan.host}")
    if bilan.territory:
        notes.append(f"{TERRITORY} : {bilan.territory}")
    if bilan.public:
        notes.append(
            f"Version publique : les effectifs de 1 à {format_count(bilan.threshold - 1)} "
            f"sont masqués (« {MASKED_TEXT} »), avec masquage secondaire."
        )
    if bilan.rounding:
        notes.append(rounding_note(bilan.rounding))
    if bilan.subset:
        notes.append(SUBSET_NOTE)
    for note in notes:
        out += _lines(note, "")
    out.append("")
    out.append(f"Personnes accompagnées : {format_count(bilan.accompanied)}")
    out.append(
        f"Nouvelles personnes (premier entretien dans la période) : {format_count(bilan.new)}"
    )
    for chapter in outline(bilan, checks=checks):
        heading = f"{chapter.number} — {chapter.title}" if chapter.number else chapter.title
        out += ["", "", heading, "=" * len(heading)]
        for section in chapter.sections:
            out += _title(section.title)
            out += _section(bilan, section.key)
    if bilan.provenance is not None:
        # One line per part (« ; »), so that the fingerprint stays whole on its line.
        out += ["", *(bilan.provenance.describe() + ".").replace(" ; ", " ;\n").split("\n")]
    from citeslab_core.readers.files import clean_text

    return clean_text(typeset("\n".join(out)) + "\n")


def _section(bilan: PublicBilan, key: str) -> list[str]:
    """The lines of the section ``key`` (a key of :func:`~citeslab_core.render.outline.outline`)."""
    if key in bilan.tables:
        lines = _table_lines(bilan.tables[key])
        if key == "orientation_premier_rdv":
            lines.append(
                f"  dont « Autres » sans aucune orientation : "
                f"{format_count(bilan.without_orientation)}"
            )
        return lines
    if key.startswith("texte:"):
        lines = []
        for row in bilan.texts:
            if row.section == key[len("texte:") :]:
                paragraph = row.text.splitlines() or [""]
                lines += _lines(paragraph[0], "  - ")
                for line in paragraph[1:]:
                    lines += _lines(line, "    ")
        return lines
    return _SECTIONS[key](bilan)


def _indicators(bilan: PublicBilan) -> list[str]:
    ind = bilan.indicators
    return _grid(
        ["", ""],
        [[i.label, format_count(getattr(ind, i.attribute))] for i in INDICATORS],
    )


def _summary(bilan: PublicBilan) -> list[str]:
    return [wrapped for line in summary(bilan) for wrapped in _lines(line, "  - ")]


def _programmes(bilan: PublicBilan) -> list[str]:
    if not bilan.programmes:
        return ["  " + EMPTY["programmes"]]
    return _grid(
        COLUMNS["programmes"],
        [
            [p.programme, format_count(p.oriented), format_count(p.retained)]
            for p in bilan.programmes
        ],
    )


def _animations(bilan: PublicBilan) -> list[str]:
    return _grid(
        COLUMNS["animations"],
        [[a.label, format_count(a.number), format_count(a.participants)] for a in bilan.animations],
    )


def _animations_planned(bilan: PublicBilan) -> list[str]:
    planned = [a for a in bilan.planned_animations if a.planned or a.held]
    lines = _grid(
        COLUMNS["animations_prevues"],
        [
            [
                a.label,
                format_count(a.planned),
                format_count(a.held),
                format_count(a.cancelled),
                format_count(a.upcoming),
            ]
            for a in planned
        ],
    )
    lines += _lines(NOTES["animations_prevues"], "  ")
    return lines


def _animations_qpv(bilan: PublicBilan) -> list[str]:
    return _grid(
        COLUMNS["animations_qpv"],
        [
            [
                a.neighbourhood,
                a.qpv_code or "",
                format_count(a.number),
                format_count(a.participants),
            ]
            for a in bilan.animations_in_qpv
        ],
        align="llrr",
    )


def _partnerships(bilan: PublicBilan) -> list[str]:
    if not bilan.partnerships:
        return ["  " + EMPTY["partenariats"]]
    return _grid(
        ["Partenaire", "Catégorie", "Action", "Date"],
        [
            [
                p.partner,
                p.category.label if p.category is not None else "",
                p.action or "",
                format_partial_date(p.date),
            ]
            for p in bilan.partnerships
        ],
        align="llll",
    )


def _reach(bilan: PublicBilan) -> list[str]:
    return _grid(
        COLUMNS["portee"],
        [
            [
                r.neighbourhood,
                format_count(r.population),
                format_count(r.accompanied),
                _per_thousand(r.accompanied, r.per_thousand),
            ]
            for r in bilan.reach
        ],
    )


def _qpv(bilan: PublicBilan) -> list[str]:
    """Two tables, by sex then by age (one would be wider than a terminal, or split its
    headings « Moins de 18 ans » across lines)."""
    sex_labels = [r.label for r in bilan.qpv_breakdown[0].sex.rows]
    age_labels = [r.label for r in bilan.qpv_breakdown[0].age.rows]
    by_sex, by_age = [], []
    for q in bilan.qpv_breakdown:
        name = f"{q.neighbourhood} ({q.qpv_code})" if q.qpv_code else q.neighbourhood
        sexes = {r.label: format_count(r.count) for r in q.sex.rows}
        ages = {r.label: format_count(r.count) for r in q.age.rows}
        by_sex.append(
            [
                name,
                format_count(q.accompanied),
                *(sexes.get(label, "0") for label in sex_labels),
            ]
        )
        by_age.append([name, *(ages.get(label, "0") for label in age_labels)])
    return [
        *_grid(["Quartier", "Total", *sex_labels], by_sex),
        "",
        *_grid(["Quartier", *age_labels], by_age),
    ]


def _prescribers(bilan: PublicBilan) -> list[str]:
    return _grid(
        COLUMNS["prescripteurs"],
        [[p.name, format_count(p.count)] for p in bilan.prescribers],
    )


def _funding(bilan: PublicBilan) -> list[str]:
    if bilan.funding is None:
        return ["  " + EMPTY["financement"]]
    return [f"  {bilan.funding.year}, réalisé", *_funding_lines(bilan.funding)]


def _plan(bilan: PublicBilan) -> list[str]:
    plan = bilan.funding_plan
    if plan is None:  # pragma: no cover - the outline has no such section then
        return []
    lines = _grid(
        [*COLUMNS["prevu_realise"], ""],
        [_plan_cells(r) for r in (*plan.rows, plan.total)],
        align="lrrrrl",
    )
    # The site's explanations, beside their gaps (docs/funding.md, rule 7).
    explained = [r for r in plan.rows if r.explanation and r.funder is not None]
    if explained:
        lines.append(f"  {GAP_EXPLANATION} :")
    for row in explained:
        text = " ".join((row.explanation or "").split())
        lines += _lines(f"{row.funder.label if row.funder else ''} : {text}", "    ")
    return lines


def _years(bilan: PublicBilan) -> list[str]:
    return _years_lines(bilan.funding_years)


def _financial_report(bilan: PublicBilan) -> list[str]:
    report = bilan.financial_report
    if report is None:  # pragma: no cover - the outline has no such section then
        return []
    return _grid(
        ["Compte", "Libellé", "Prévu", "Réalisé", "Écart", "Écart (%)"],
        [
            _crf_cells(r.account if r.kind == "line" else "", crf_label(r), r.figures)
            for side in (Side.CHARGES, Side.PRODUITS)
            for r in crf_rows(report, side)
        ],
        align="llrrrr",
    )


def _checks(bilan: PublicBilan) -> list[str]:
    if not bilan.checks:
        return ["  Aucune remarque."]
    # the severity as the HTML bilan shows it (« Avertissement », « Information »)
    return [
        line for c in bilan.checks for line in _lines(f"[{c.severity.label}] {c.message}", "  ")
    ]


_SECTIONS: dict[str, Callable[[PublicBilan], list[str]]] = {
    "indicateurs": _indicators,
    "resume": _summary,
    "portee": _reach,
    "prescripteurs": _prescribers,
    "orientations_periode": _orientations_period_lines,
    "programmes": _programmes,
    "animations": _animations,
    "animations_prevues": _animations_planned,
    "animations_qpv": _animations_qpv,
    "qpv": _qpv,
    "partenariats": _partnerships,
    "financement": _funding,
    "prevu_realise": _plan,
    "pluriannuels": _years,
    "compte_rendu_financier": _financial_report,
    "controles": _checks,
}


def _per_thousand(accompanied: int | None, value: Decimal | None) -> str:
    """The reach: ``s`` when the count is masked, empty when the population is 0."""
    if accompanied is not None and value is None:
        return ""
    return format_decimal(value)
