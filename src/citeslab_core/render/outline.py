"""The table of contents of a bilan: one list of chapters and sections for every renderer.

The text report and the HTML page take their sections, in this order and under these
titles, from :func:`outline`, so that the page has every section of the text report under
the same title, and a new section lands in both (docs/bilan.md). A renderer
draws each section in its own way (aligned columns, tables and charts) but never adds,
drops or retitles one; ``tests/test_outline.py`` checks both against this list.

A section is present only when the bilan has something for it where the text report
always left it out otherwise (the reach without populations, the QPV tables of a site
without QPV, the funding plan, the compte rendu financier without a budget); the site's
texts make one section each, in their order.
"""

from __future__ import annotations

import attrs

from citeslab_core.bilan import (
    ORIENTATIONS_PERIOD_TITLE,
    TABLE_TITLES,
    TEXT_SECTION_TITLES,
    PublicBilan,
)
from citeslab_core.french import counted, format_count, format_rate, format_years

__all__ = ["Chapter", "Section", "outline", "summary"]


@attrs.frozen
class Section:
    """One section: its key (a table key, ``indicateurs``, ``texte:<section>``, …) and its
    French title."""

    key: str
    title: str


@attrs.frozen
class Chapter:
    """A chapter of the bilan (En bref, Bilan, Financement, Perspectives, Contrôles)."""

    key: str
    number: str  # "1" … "4", "" for the checks
    title: str
    sections: tuple[Section, ...]


def _table(key: str) -> Section:
    return Section(key, TABLE_TITLES[key])


def outline(bilan: PublicBilan, *, checks: bool = True) -> tuple[Chapter, ...]:
    """The chapters and sections of ``bilan``'s report, in order (see the module docstring).

    ``checks=False`` (``report --without-checks``) leaves the chapter « Contrôles » out."""
    chapters = [
        Chapter(
            "en-bref",
            "1",
            "En bref",
            (
                Section("indicateurs", "Indicateurs d'activité"),
                Section("resume", "L'année en résumé"),
            ),
        ),
        Chapter("bilan", "2", f"Bilan {format_years(bilan.start, bilan.end)}", _portrait(bilan)),
        Chapter("financement", "3", "Financement", _funding(bilan)),
        Chapter("perspectives", "4", "Perspectives", _texts(bilan)),
    ]
    if checks:
        chapters.append(Chapter("controles", "", "Contrôles", (Section("controles", "Contrôles"),)))
    return tuple(chapters)


def _portrait(bilan: PublicBilan) -> tuple[Section, ...]:
    """The sections of the chapter « Bilan »: the portrait and the activity."""
    portrait: list[Section] = [_table("sexe"), _table("statut_residence"), _table("quartier")]
    if bilan.reach:
        portrait.append(Section("portee", "Portée dans les quartiers (pour 1 000 habitants)"))
    portrait += [
        _table("tranche_age"),
        _table("niveau_formation"),
        _table("secteur"),
        _table("situation_entree"),
        _table("minima_sociaux"),
        _table("stade_entree"),
        _table("canal"),
    ]
    if bilan.prescribers:
        portrait.append(
            Section("prescripteurs", "Prescripteurs (personnes venues par un partenaire)")
        )
    portrait += [
        _table("orientation_premier_rdv"),
        Section("orientations_periode", ORIENTATIONS_PERIOD_TITLE),
        _table("resultat"),
        Section("programmes", "Programmes et accélérateurs"),
        Section("animations", "Animations réalisées"),
    ]
    if any(a.planned for a in bilan.planned_animations):
        portrait.append(Section("animations_prevues", "Animations prévues et réalisées"))
    if bilan.animations_in_qpv:
        portrait.append(Section("animations_qpv", "Animations dans les quartiers prioritaires"))
    if bilan.qpv_breakdown:
        portrait.append(Section("qpv", "Personnes accompagnées par quartier prioritaire"))
    portrait.append(Section("partenariats", "Partenariats, maillages et échanges de réseaux"))
    return tuple(portrait)


def _funding(bilan: PublicBilan) -> tuple[Section, ...]:
    """The sections of the chapter « Financement »."""
    funding = [Section("financement", "Financement de l'année")]
    plan = bilan.funding_plan
    if plan is not None:
        funding.append(
            Section(
                "prevu_realise",
                f"Prévu et réalisé {plan.year} (seuil d'écart : {format_rate(plan.threshold)})",
            )
        )
    if bilan.funding_years:
        funding.append(Section("pluriannuels", "Financements pluriannuels"))
    report = bilan.financial_report
    if report is not None:
        funding.append(
            Section(
                "compte_rendu_financier",
                f"Compte rendu financier {report.year} (Cerfa n° 15059, "
                f"seuil d'écart : {format_rate(report.threshold)})",
            )
        )
    return tuple(funding)


def _texts(bilan: PublicBilan) -> tuple[Section, ...]:
    """The sections of the chapter « Perspectives »: the site's texts, in their order."""
    texts: list[Section] = []
    for section in dict.fromkeys(t.section for t in bilan.texts):
        title = TEXT_SECTION_TITLES.get(section, section)
        if section == "perspectives":
            title = f"{title} {bilan.end.year + 1}"
        texts.append(Section(f"texte:{section}", title))
    return tuple(texts)


def summary(bilan: PublicBilan) -> tuple[str, ...]:
    """« L'année en résumé »: a few French sentences, the same in the text and HTML."""
    lines = []
    sex = bilan.tables.get("sexe")
    line = f"{counted(bilan.accompanied, 'personne_accompagnee')} (référent de parcours)"
    if sex is not None:
        parts = [f"{r.label.lower()} : {format_count(r.count)}" for r in sex.rows]
        line += " — " + ", ".join(parts)
    lines.append(line + ".")
    results = bilan.tables.get("resultat")
    if results is not None:
        parts = [
            f"{r.label.lower()} : {format_count(r.count)}" for r in results.rows if r.count != 0
        ]
        lines.append("Suite aux entretiens — " + " ; ".join(parts) + ".")
    held = [a for a in bilan.animations if a.number]
    if held:
        parts = [f"{a.label.lower()} : {format_count(a.number)}" for a in held]
        lines.append(
            f"{counted(bilan.indicators.animations_held, 'action_collective_realisee')}, "
            f"{counted(bilan.indicators.animation_participants, 'participant')} — "
            + " ; ".join(parts)
            + "."
        )
    if bilan.programmes:
        lines.append(
            "Orientation vers les programmes et accélérateurs : "
            + " ; ".join(
                f"{p.programme} ({counted(p.oriented, 'oriente')}, {counted(p.retained, 'retenu')})"
                for p in bilan.programmes
            )
            + "."
        )
    if bilan.partnerships:
        lines.append(f"{counted(len(bilan.partnerships), 'partenariat')} dans la période.")
    return tuple(lines)
