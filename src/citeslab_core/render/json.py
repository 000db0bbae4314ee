"""The bilan as JSON, schema ``citeslab.bilan/1`` (docs/bilan-json.md).

The keys docs/bilan-json.md lists first come first, exactly as specified; the other parts of
the bilan follow under French keys documented field by field in docs/bilan-json.md. Choices:

- amounts are strings with two decimals (``"16000.00"``), as in the canonical JSON;
- a whole percentage (``part`` of a table) is an integer, a funding share a number with one
  decimal (``30.6``), a reach per 1 000 inhabitants a number with one decimal;
- dates are ISO (partial dates of partnerships in their ISO form: ``2023-05/2023-09``);
- in public mode a masked count or share is the string ``"s"``;
- deterministic: lists keep the bilan's order (meaningful), keys their documented order;
  the same bilan gives byte-identical text, UTF-8, two-space indent and a final newline;
- a stamped bilan (:mod:`citeslab_core.bilan.provenance`) ends with ``provenance``: the citeslab
  version, the period, the generation time (``SOURCE_DATE_EPOCH`` fixes it) and the
  SHA-256 of the canonical dataset.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from citeslab_core.bilan import Bilan, Table, TableRow
from citeslab_core.bilan.crf import CrfLine, CrfTotal, FinancialReport
from citeslab_core.bilan.funding import Contribution, FundingPlanRow, FundingYear
from citeslab_core.french import MASKED_TEXT

__all__ = ["SCHEMA", "render", "to_data"]

SCHEMA = "citeslab.bilan/1"


def _count(value: int | None) -> int | str:
    return MASKED_TEXT if value is None else value


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _number(value: Decimal | None) -> float | None:
    # One decimal: the float's shortest repr is that decimal (30.6 -> 30.6).
    return None if value is None else float(value)


def _rows(rows: tuple[TableRow, ...]) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "libelle": r.label, "effectif": _count(r.count), "part": _count(r.share)}
        for r in rows
    ]


def _table(table: Table) -> list[dict[str, Any]]:
    return _rows(table.rows)


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "financeur": c.funder.code,
        "montant": _amount(c.amount),
        "part": _number(c.share),
        "part_declaree": _number(c.declared_share),
        "part_declaree_signalee": c.declared_share_flagged,
        "plafond": _number(c.cap),
        "plafond_depasse": c.cap_exceeded,
    }


def _funding(year: FundingYear | None) -> dict[str, Any] | None:
    if year is None:
        return None
    return {
        "annee": year.year,
        "nature": year.nature.code,
        "cout_total": _amount(year.total),
        "contributions": [_contribution(c) for c in year.contributions],
        "somme_contributions": _amount(year.contributions_sum),
        "cout_total_declare": _amount(year.declared_total),
        "cout_total_incoherent": year.total_mismatch,
    }


def _plan_row(row: FundingPlanRow) -> dict[str, Any]:
    return {
        "financeur": row.funder.code if row.funder is not None else None,
        "prevu": _amount(row.planned),
        "realise": _amount(row.actual),
        "ecart": _amount(row.gap),
        "ecart_pourcentage": _number(row.gap_percent),
        "signale": row.flagged,
        "explication": row.explanation,
    }


def _crf_total(total: CrfTotal) -> dict[str, Any]:
    return {
        "prevu": _amount(total.planned),
        "realise": _amount(total.actual),
        "ecart": _amount(total.gap),
        "ecart_pourcentage": _number(total.gap_percent),
    }


def _crf_line(line: CrfLine) -> dict[str, Any]:
    return {
        "compte": line.account,
        "libelle": line.label,
        "financeur": line.funder.code if line.funder is not None else None,
        **_crf_total(CrfTotal(line.planned, line.actual)),
        "ecart_explication": line.explanation,
    }


def _crf(report: FinancialReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {
        "annee": report.year,
        "seuil_ecart": _number(report.threshold),
        "prevu_saisi": report.has_planned,
        "realise_saisi": report.has_actual,
        "charges": [_crf_line(x) for x in report.charges],
        "produits": [_crf_line(x) for x in report.produits],
        "total_charges": _crf_total(report.charges_total),
        "total_produits": _crf_total(report.produits_total),
        "total_general_charges": _crf_total(report.charges_grand_total),
        "total_general_produits": _crf_total(report.produits_grand_total),
    }


def to_data(bilan: Bilan, *, checks: bool = True) -> dict[str, Any]:
    """The JSON document as Python data (dicts, lists, str, int, float, bool, None).

    ``checks=False`` (``report --without-checks``) leaves the ``controles`` key out."""
    data: dict[str, Any] = {
        **_documented_first(bilan),
        **_portrait(bilan),
        **_activity(bilan),
        **_funding_parts(bilan),
        "textes": [{"section": t.section, "texte": t.text} for t in bilan.texts],
        "compte_rendu_financier": _crf(bilan.financial_report),
        # A network bilan (docs/network.md): every site's own, in the order given.
        **(
            {"sites": [_document(site, checks=checks) for site in bilan.sites]}
            if bilan.sites
            else {}
        ),
    }
    if not checks:
        del data["controles"]
    return data


def _documented_first(bilan: Bilan) -> dict[str, Any]:
    """The keys docs/bilan-json.md lists first, in its order."""
    return {
        "schema": SCHEMA,
        "site": bilan.site,
        "periode": {"debut": bilan.start.isoformat(), "fin": bilan.end.isoformat()},
        "accompagnes": bilan.accompanied,
        "nouveaux": _count(bilan.new),
        "tables": {key: _table(table) for key, table in bilan.tables.items()},
        "orientation_premier_rdv_sans_orientation": _count(bilan.without_orientation),
        "programmes": [
            {
                "programme": p.programme,
                "orientes": _count(p.oriented),
                "retenus": _count(p.retained),
            }
            for p in bilan.programmes
        ],
        "animations": [
            {"code": a.code, "libelle": a.label, "nombre": a.number, "participants": a.participants}
            for a in bilan.animations
        ],
        "financement": _funding(bilan.funding),
        "controles": [
            {"code": c.code, "gravite": c.severity, "message": c.message} for c in bilan.checks
        ],
    }


def _portrait(bilan: Bilan) -> dict[str, Any]:
    """The orientations of the period, the public mode, the site's identity, the
    indicators."""
    ind = bilan.indicators
    return {
        "orientations_periode": [
            {
                "code": o.code,
                "libelle": o.label,
                "personnes": _count(o.persons),
                "orientations": _count(o.orientations),
                "part": _count(o.share),
            }
            for o in bilan.orientations_period
        ],
        "orientations_periode_personnes": _count(bilan.orientations_period_persons),
        "public": bilan.public,
        **({"sous_ensemble": True} if bilan.subset else {}),
        "seuil_secret_statistique": bilan.threshold,
        "structure_porteuse": bilan.host,
        "territoire": bilan.territory,
        "indicateurs": {
            "accompagnes": _count(ind.accompanied),
            "nouveaux": _count(ind.new),
            "femmes": _count(ind.women),
            "residents_qpv": _count(ind.qpv_residents),
            "moins_26_ans": _count(ind.under_26),
            "demandeurs_emploi": _count(ind.job_seekers),
            "beneficiaires_minima_sociaux": _count(ind.minimum_benefits),
            "orientations_premier_rdv": _rows(ind.orientations),
            "creations": _count(ind.creations),
            "sorties_positives": _count(ind.positive_exits),
            "entrees_programmes": _count(ind.programme_entries),
            "animations_realisees": ind.animations_held,
            "participants_animations": ind.animation_participants,
        },
    }


def _activity(bilan: Bilan) -> dict[str, Any]:
    """Animations planned and in QPV, partnerships, reach, QPV tables, prescribers."""
    return {
        "animations_prevues": [
            {
                "code": a.code,
                "libelle": a.label,
                "prevues": a.planned,
                "realisees": a.held,
                "annulees": a.cancelled,
                "a_venir": a.upcoming,
            }
            for a in bilan.planned_animations
        ],
        "animations_qpv": [
            {
                "quartier": a.neighbourhood,
                "code_qpv": a.qpv_code,
                "nombre": a.number,
                "participants": a.participants,
            }
            for a in bilan.animations_in_qpv
        ],
        "partenariats": [
            {
                "partenaire": p.partner,
                "categorie": p.category.code if p.category is not None else None,
                "action": p.action,
                "date": p.date.iso() if p.date is not None else None,
            }
            for p in bilan.partnerships
        ],
        "portee": [
            {
                "quartier": r.neighbourhood,
                "code_qpv": r.qpv_code,
                "population": r.population,
                "accompagnes": _count(r.accompanied),
                "pour_mille": MASKED_TEXT if r.accompanied is None else _number(r.per_thousand),
            }
            for r in bilan.reach
        ],
        "qpv": [
            {
                "quartier": q.neighbourhood,
                "code_qpv": q.qpv_code,
                "accompagnes": _count(q.accompanied),
                "sexe": _table(q.sex),
                "tranche_age": _table(q.age),
            }
            for q in bilan.qpv_breakdown
        ],
        "prescripteurs": [
            {"prescripteur": p.name, "effectif": _count(p.count)} for p in bilan.prescribers
        ],
    }


def _funding_parts(bilan: Bilan) -> dict[str, Any]:
    """The funding plan against actual, and every year's funding."""
    plan = bilan.funding_plan
    return {
        "financement_prevu_realise": None
        if plan is None
        else {
            "annee": plan.year,
            "seuil_ecart": _number(plan.threshold),
            "lignes": [_plan_row(r) for r in plan.rows],
            "total": _plan_row(plan.total),
        },
        "financements_pluriannuels": [_funding(y) for y in bilan.funding_years],
    }


def provenance_data(bilan: Bilan) -> dict[str, Any] | None:
    """The ``provenance`` object of a stamped bilan (docs/bilan-json.md), else None."""
    made = bilan.provenance
    if made is None:
        return None
    return {
        "citeslab": made.version,
        "periode": {"debut": bilan.start.isoformat(), "fin": bilan.end.isoformat()},
        "genere_le": made.generated_text,
        "donnees_sha256": made.dataset_sha256,
    }


def _document(bilan: Bilan, *, checks: bool = True) -> dict[str, Any]:
    document = to_data(bilan, checks=checks)
    provenance = provenance_data(bilan)
    if provenance is not None:
        document["provenance"] = provenance
    return document


def render(bilan: Bilan, *, checks: bool = True) -> str:
    """The bilan as a JSON document (see the module docstring); a stamped bilan ends with
    its ``provenance``; ``checks=False`` leaves the checks out (``report --without-checks``)."""
    from citeslab_core.readers.files import clean_text

    document = _document(bilan, checks=checks)
    return clean_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
