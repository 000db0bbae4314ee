"""The bilan's JSON (``citeslab.bilan/1``, docs/bilan-json.md), both ways, by one cattrs
converter.

Each class of the bilan is listed once in :data:`KEYS` with the JSON key of each of its
fields, in the order the document writes them (the order of docs/bilan-json.md); a field
not listed is not written (a calendar, a line's budget rows). Unstructuring and
structuring are both generated from that list (``make_dict_unstructure_fn`` /
``make_dict_structure_fn`` with ``override(rename=…)``), so a new field of
:class:`~citeslab_core.bilan.Bilan` is added in two places: the class and its key here.

Conventions (the converter's hooks):

- a count is an integer, and in a public bilan a masked count is the string ``"s"``
  (:data:`~citeslab_core.french.MASKED_TEXT`), read back as None; a rounded bilan (a
  public network's total) has ``arrondi``: its base, and a note written, not read;
- an amount is a string with two decimals (``"16000.00"``); a share, a gap in percent, a
  threshold or a reach per 1 000 inhabitants a number with one decimal (``30.6``), read
  back as :class:`~decimal.Decimal`;
- dates are ISO, partial dates in their ISO form (``2023-05/2023-09``); vocabulary values
  their codes;
- parts that the document writes and that the bilan computes (a table's total, the
  compte rendu financier's totals and gaps, the provenance's period) are written from the
  bilan and, when read, taken from the bilan again: the reader checks them
  (:mod:`citeslab_core.bilan._validation`).

Reading errors carry the path of the value (``tables.sexe[2].effectif``) through
cattrs' detailed validation: :func:`json_problems` turns them into located problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_mapping, mapping_structure_factory
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from citeslab_core.bilan._json_values import (
    ROUNDING_HOOKS,
    as_list,
    as_object,
    checked,
    is_rows,
    read_amount,
    read_bool,
    read_count,
    read_date,
    read_generated,
    read_masked_count,
    read_number,
    read_partial,
    read_severity,
    read_text,
    read_vocabulary,
    read_year,
    write_amount,
    write_generated,
    write_masked_count,
    write_number,
)
from citeslab_core.bilan._results import (
    TABLE_TITLES,
    AnimationRow,
    Bilan,
    Indicators,
    OrientationPeriodRow,
    PartnershipRow,
    PlannedRow,
    Prescriber,
    ProgrammeRow,
    PublicBilan,
    QpvAnimationRow,
    QpvRow,
    ReachRow,
    Table,
    TableRow,
    TextRow,
)
from citeslab_core.bilan.checks import Check, Severity
from citeslab_core.bilan.crf import CrfLine, CrfTotal, FinancialReport, _order
from citeslab_core.bilan.funding import Contribution, FundingPlan, FundingPlanRow, FundingYear
from citeslab_core.bilan.provenance import Provenance
from citeslab_core.french import MASKED_TEXT
from citeslab_core.model.dates import PartialDate
from citeslab_core.vocabularies import Vocabulary

__all__ = [
    "KEYS",
    "SCHEMA",
    "bilan_converter",
    "json_key",
    "origin",
    "structure_bilan",
    "unstructure_bilan",
]

SCHEMA = "citeslab.bilan/1"

T = TypeVar("T")


# -- the keys ------------------------------------------------------------------------------

_AMOUNT = {"unstruct_hook": write_amount, "struct_hook": read_amount}
_NUMBER = {"unstruct_hook": write_number, "struct_hook": read_number}
_YEAR = {"struct_hook": read_year}

#: The JSON key of each field written, in the document's order: ``"key"``, or
#: ``("key", options)`` for a field written otherwise than by its type (an amount, a
#: number with one decimal, a year).
KEYS: dict[type, dict[str, str | tuple[str, Mapping[str, Any]]]] = {
    TableRow: {"code": "code", "label": "libelle", "count": "effectif", "share": "part"},
    OrientationPeriodRow: {
        "code": "code",
        "label": "libelle",
        "persons": "personnes",
        "orientations": "orientations",
        "share": "part",
    },
    ProgrammeRow: {"programme": "programme", "oriented": "orientes", "retained": "retenus"},
    AnimationRow: {
        "code": "code",
        "label": "libelle",
        "number": "nombre",
        "participants": "participants",
    },
    PlannedRow: {
        "code": "code",
        "label": "libelle",
        "planned": "prevues",
        "held": "realisees",
        "cancelled": "annulees",
        "upcoming": "a_venir",
    },
    QpvAnimationRow: {
        "neighbourhood": "quartier",
        "qpv_code": "code_qpv",
        "number": "nombre",
        "participants": "participants",
    },
    PartnershipRow: {
        "partner": "partenaire",
        "category": "categorie",
        "action": "action",
        "date": "date",
    },
    ReachRow: {
        "neighbourhood": "quartier",
        "qpv_code": "code_qpv",
        "population": "population",
        "accompanied": "accompagnes",
        "per_thousand": ("pour_mille", _NUMBER),
    },
    QpvRow: {
        "neighbourhood": "quartier",
        "qpv_code": "code_qpv",
        "accompanied": "accompagnes",
        "sex": "sexe",
        "age": "tranche_age",
    },
    Prescriber: {"name": "prescripteur", "count": "effectif"},
    TextRow: {"section": "section", "text": "texte"},
    Check: {"code": "code", "severity": "gravite", "message": "message"},
    Indicators: {
        "accompanied": "accompagnes",
        "new": "nouveaux",
        "women": "femmes",
        "qpv_residents": "residents_qpv",
        "under_26": "moins_26_ans",
        "job_seekers": "demandeurs_emploi",
        "minimum_benefits": "beneficiaires_minima_sociaux",
        "orientations": "orientations_premier_rdv",
        "creations": "creations",
        "positive_exits": "sorties_positives",
        "programme_entries": "entrees_programmes",
        "animations_held": "animations_realisees",
        "animation_participants": "participants_animations",
    },
    Contribution: {
        "funder": "financeur",
        "amount": ("montant", _AMOUNT),
        "share": ("part", _NUMBER),
        "declared_share": ("part_declaree", _NUMBER),
        "declared_share_flagged": "part_declaree_signalee",
        "cap": ("plafond", _NUMBER),
        "cap_exceeded": "plafond_depasse",
    },
    FundingYear: {
        "year": ("annee", _YEAR),
        "nature": "nature",
        "total": ("cout_total", _AMOUNT),
        "contributions": "contributions",
        "contributions_sum": ("somme_contributions", _AMOUNT),
        "declared_total": ("cout_total_declare", _AMOUNT),
        "total_mismatch": "cout_total_incoherent",
    },
    FundingPlanRow: {
        "funder": "financeur",
        "planned": ("prevu", _AMOUNT),
        "actual": ("realise", _AMOUNT),
        "gap": ("ecart", _AMOUNT),
        "gap_percent": ("ecart_pourcentage", _NUMBER),
        "flagged": "signale",
        "explanation": "explication",
    },
    FundingPlan: {
        "year": ("annee", _YEAR),
        "threshold": ("seuil_ecart", _NUMBER),
        "rows": "lignes",
        "total": "total",
    },
    CrfLine: {
        "account": "compte",
        "label": "libelle",
        "funder": "financeur",
        "planned": ("prevu", _AMOUNT),
        "actual": ("realise", _AMOUNT),
        "explanation": "ecart_explication",
    },
    FinancialReport: {
        "year": ("annee", _YEAR),
        "threshold": ("seuil_ecart", _NUMBER),
        "has_planned": "prevu_saisi",
        "has_actual": "realise_saisi",
    },
    Provenance: {
        "version": "citeslab",
        "generated": "genere_le",
        "dataset_sha256": "donnees_sha256",
    },
    Bilan: {
        "site": "site",
        "start": "periode.debut",
        "end": "periode.fin",
        "accompanied": "accompagnes",
        "new": "nouveaux",
        "tables": "tables",
        "without_orientation": "orientation_premier_rdv_sans_orientation",
        "programmes": "programmes",
        "animations": "animations",
        "funding": "financement",
        "checks": "controles",
        "orientations_period": "orientations_periode",
        "orientations_period_persons": "orientations_periode_personnes",
        "public": "public",
        "subset": "sous_ensemble",
        "threshold": "seuil_secret_statistique",
        "rounding": ("arrondi", ROUNDING_HOOKS),
        "host": "structure_porteuse",
        "territory": "territoire",
        "indicators": "indicateurs",
        "planned_animations": "animations_prevues",
        "animations_in_qpv": "animations_qpv",
        "partnerships": "partenariats",
        "reach": "portee",
        "qpv_breakdown": "qpv",
        "prescribers": "prescripteurs",
        "funding_plan": "financement_prevu_realise",
        "funding_years": "financements_pluriannuels",
        "texts": "textes",
        "financial_report": "compte_rendu_financier",
        "sites": "sites",
        "provenance": "provenance",
    },
}


def json_key(cls: type, field: str) -> str:
    """The JSON key of ``cls``'s field ``field`` (the field's name when it has none)."""
    found = KEYS.get(cls, {}).get(field, field)
    return found if isinstance(found, str) else found[0]


def _overrides(cls: type) -> dict[str, Any]:
    keys = KEYS[cls]
    out: dict[str, Any] = {}
    for field in attrs.fields(cls):
        spec = keys.get(field.name)
        if spec is None:
            out[field.name] = override(omit=True)
        elif isinstance(spec, str):
            out[field.name] = override(rename=spec)
        else:
            out[field.name] = override(rename=spec[0], **spec[1])
    return out


def _ordered(cls: type, unstructure: Callable[[Any], dict[str, Any]]) -> Callable[[Any], Any]:
    """``unstructure``, its keys in the order of :data:`KEYS` when the fields differ."""
    order = [json_key(cls, f) for f in KEYS[cls]]
    written = [json_key(cls, f.name) for f in attrs.fields(cls) if f.name in KEYS[cls]]
    if order == written:
        return unstructure

    def reordered(value: Any) -> dict[str, Any]:
        d = unstructure(value)
        return {key: d[key] for key in order if key in d}

    return reordered


# -- the classes written otherwise than field by field -------------------------------------


def _table_hooks(conv: cattrs.Converter, t: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """A table is written as its rows; its key, title and total come from where it is."""
    args = get_args(t)
    row: Any = TableRow
    if args:  # TableRow[int] or TableRow[int | None]
        row = row[args[0]]
    rows_type: Any = tuple.__class_getitem__((row, ...))

    def unstructure(table: Table) -> Any:
        return conv.unstructure(table.rows, rows_type)

    def structure(value: Any, _: Any) -> Table:
        rows = conv.structure(as_list(value), rows_type)
        return Table("", "", rows, None)

    return unstructure, structure


def _titled(key: str, table: Table[Any], total: int | None) -> Table[Any]:
    return attrs.evolve(table, key=key, title=TABLE_TITLES.get(key, key), total=total)


def _crf_total(total: CrfTotal) -> dict[str, Any]:
    return {
        "prevu": write_amount(total.planned),
        "realise": write_amount(total.actual),
        "ecart": write_amount(total.gap),
        "ecart_pourcentage": write_number(total.gap_percent),
    }


_CRF_TOTALS = {
    "total_charges": "charges_total",
    "total_produits": "produits_total",
    "total_general_charges": "charges_grand_total",
    "total_general_produits": "produits_grand_total",
}


def _register_crf(conv: cattrs.Converter) -> None:
    line_out = make_dict_unstructure_fn(CrfLine, conv, **_overrides(CrfLine))
    line_in = make_dict_structure_fn(CrfLine, conv, **_overrides(CrfLine))

    def unstructure_line(line: CrfLine) -> dict[str, Any]:
        d = line_out(line)
        explanation = d.pop("ecart_explication")
        return {
            **d,
            **_crf_total(CrfTotal(line.planned, line.actual)),
            "ecart_explication": explanation,
        }

    def structure_line(value: Any, t: Any) -> CrfLine:
        d = dict(as_object(value))
        for key in ("ecart", "ecart_pourcentage"):
            d.pop(key, None)  # computed: checked by the validation
        return line_in(d, t)

    conv.register_unstructure_hook(CrfLine, unstructure_line)
    conv.register_structure_hook(CrfLine, structure_line)
    report_out = make_dict_unstructure_fn(FinancialReport, conv, **_overrides(FinancialReport))
    report_in = make_dict_structure_fn(
        FinancialReport,
        conv,
        **{**_overrides(FinancialReport), "lines": override(struct_hook=lambda v, _: v)},
    )
    lines_type = tuple[CrfLine, ...]

    def unstructure_report(report: FinancialReport) -> dict[str, Any]:
        return {
            **report_out(report),
            "charges": conv.unstructure(report.charges, lines_type),
            "produits": conv.unstructure(report.produits, lines_type),
            **{key: _crf_total(getattr(report, name)) for key, name in _CRF_TOTALS.items()},
        }

    def structure_report(value: Any, t: Any) -> FinancialReport:
        d = dict(as_object(value))
        sides = {side: d.pop(side, None) for side in ("charges", "produits")}
        for key in _CRF_TOTALS:
            d.pop(key, None)  # computed: checked by the validation
        report = report_in({**d, "lines": ()}, t)
        read = _gather(FinancialReport, {s: (v, lines_type) for s, v in sides.items()}, conv)
        lines = [*read["charges"], *read["produits"]]
        return attrs.evolve(report, lines=tuple(sorted(lines, key=_order)))

    conv.register_unstructure_hook(FinancialReport, unstructure_report)
    conv.register_structure_hook(FinancialReport, structure_report)


def _gather(
    cls: type, parts: Mapping[str, tuple[Any, Any]], conv: cattrs.Converter
) -> dict[str, Any]:
    """Each part structured, every error gathered as cattrs gathers a class's (so that the
    error's path names the part)."""
    read: dict[str, Any] = {}
    errors: list[Exception] = []
    for name, (value, t) in parts.items():
        try:
            if value is None:
                raise KeyError(name)
            read[name] = conv.structure(value, t)
        except Exception as exc:
            exc.__notes__ = [
                *getattr(exc, "__notes__", []),
                AttributeValidationNote(f"Structuring {cls.__qualname__} @ {name}", name, t),
            ]
            errors.append(exc)
    if errors:
        raise ClassValidationError(f"While structuring {cls.__qualname__}", errors, cls)
    return read


def _provenance_hooks(conv: cattrs.Converter) -> None:
    out = make_dict_unstructure_fn(Provenance, conv, **_overrides(Provenance))
    inn = make_dict_structure_fn(Provenance, conv, **_overrides(Provenance))

    def structure(value: Any, t: Any) -> Provenance:
        d = dict(as_object(value))
        d.pop("periode", None)  # the bilan's: checked by the validation
        return inn(d, t)

    conv.register_unstructure_hook(Provenance, out)
    conv.register_structure_hook(Provenance, structure)


# -- the bilan -----------------------------------------------------------------------------


def _bilan_hooks(conv: cattrs.Converter, t: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    overrides = _overrides(Bilan)
    # The sites are bilans of the same type: written by this very hook (cattrs would
    # write a class being generated by its runtime class, losing the type's masking).
    sites = override(rename="sites", unstruct_hook=lambda v: [unstructure(b) for b in v])
    gen_out = make_dict_unstructure_fn(t, conv, **{**overrides, "sites": sites})
    gen_in = make_dict_structure_fn(t, conv, **overrides)
    order = [json_key(Bilan, f) for f in KEYS[Bilan]]

    def unstructure(bilan: Bilan) -> dict[str, Any]:
        d = gen_out(bilan)
        d["schema"] = SCHEMA
        d["periode"] = {"debut": d.pop("periode.debut"), "fin": d.pop("periode.fin")}
        for key, written in (
            ("sous_ensemble", bilan.subset),
            ("sites", bilan.sites),
            ("arrondi", bilan.rounding),  # the total of a public network bilan's only
        ):
            if not written:
                del d[key]
        if bilan.provenance is None:
            del d["provenance"]
        else:
            made = d["provenance"]
            d["provenance"] = {"citeslab": made["citeslab"], "periode": d["periode"], **made}
        return {key: d[key] for key in ("schema", "site", "periode", *order) if key in d}

    def structure(value: Any, _: Any) -> Bilan:
        d = dict(as_object(value))
        d.pop("schema", None)  # checked by the reader
        period = d.pop("periode", None)
        if period is not None:
            for key, item in as_object(period).items():
                d[f"periode.{key}"] = item
        d.setdefault("sous_ensemble", False)
        bilan: Bilan = gen_in(d, t)
        tables = {k: _titled(k, table, bilan.accompanied) for k, table in bilan.tables.items()}
        return attrs.evolve(bilan, tables=tables)

    return unstructure, structure


def _qpv_hooks(conv: cattrs.Converter, t: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    gen_out = make_dict_unstructure_fn(t, conv, **_overrides(QpvRow))
    gen_in = make_dict_structure_fn(t, conv, **_overrides(QpvRow))

    def structure(value: Any, _: Any) -> QpvRow:
        row: QpvRow = gen_in(value, t)
        total = row.accompanied
        return attrs.evolve(
            row, sex=_titled("sexe", row.sex, total), age=_titled("tranche_age", row.age, total)
        )

    return gen_out, structure


def _reach_hooks(conv: cattrs.Converter, t: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    gen_out = make_dict_unstructure_fn(t, conv, **_overrides(ReachRow))
    gen_in = make_dict_structure_fn(t, conv, **_overrides(ReachRow))

    def unstructure(row: ReachRow) -> dict[str, Any]:
        d = gen_out(row)
        if row.accompanied is None:  # masked: its rate would give it away
            d["pour_mille"] = MASKED_TEXT
        return d

    def structure(value: Any, _: Any) -> ReachRow:
        d = as_object(value)
        if d.get("pour_mille") == MASKED_TEXT:
            d = {**d, "pour_mille": None}
        return gen_in(d, t)  # type: ignore[no-any-return]

    return unstructure, structure


_CUSTOM: dict[
    type, Callable[[cattrs.Converter, Any], tuple[Callable[..., Any], Callable[..., Any]]]
] = {
    Bilan: _bilan_hooks,
    Table: _table_hooks,
    QpvRow: _qpv_hooks,
    ReachRow: _reach_hooks,
}


def origin(t: Any) -> Any:
    return get_origin(t) or t


def make_bilan_converter() -> cattrs.Converter:
    """The converter between a bilan and its ``citeslab.bilan/1`` document (Python data)."""
    conv = cattrs.Converter(detailed_validation=True)
    conv.register_structure_hook(int, read_count)
    conv.register_structure_hook(int | None, read_masked_count)
    conv.register_unstructure_hook(int | None, write_masked_count)
    conv.register_structure_hook(str, read_text)
    conv.register_structure_hook(bool, read_bool)
    conv.register_structure_hook(dt.date, read_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.datetime, read_generated)
    conv.register_unstructure_hook(dt.datetime, write_generated)
    conv.register_structure_hook(PartialDate, read_partial)
    conv.register_unstructure_hook(PartialDate, PartialDate.iso)
    conv.register_structure_hook(Decimal, read_amount)
    conv.register_unstructure_hook(Decimal, write_amount)
    conv.register_structure_hook(Severity, read_severity)
    # A list (read as a tuple) or an object (a mapping) must be one before it is read.
    conv.register_structure_hook_factory(
        is_rows, checked(as_list, homogenous_tuple_structure_factory, conv)
    )
    conv.register_structure_hook_factory(
        is_mapping, checked(as_object, mapping_structure_factory, conv)
    )
    conv.register_unstructure_hook(Severity, str)
    is_vocabulary = lambda t: isinstance(t, type) and issubclass(t, Vocabulary)  # noqa: E731
    conv.register_structure_hook_func(is_vocabulary, read_vocabulary)
    conv.register_unstructure_hook_func(is_vocabulary, lambda v: v.code)
    _register_crf(conv)
    _provenance_hooks(conv)
    for cls, hooks in _CUSTOM.items():
        made: dict[Any, tuple[Callable[..., Any], Callable[..., Any]]] = {}

        def pair(t: Any, cls: type = cls, hooks: Any = hooks, made: Any = made) -> Any:
            if t not in made:
                made[t] = hooks(conv, t)
            return made[t]

        matches = lambda t, cls=cls: origin(t) is cls  # noqa: E731
        conv.register_unstructure_hook_factory(matches, lambda t, pair=pair: pair(t)[0])
        conv.register_structure_hook_factory(matches, lambda t, pair=pair: pair(t)[1])
    for cls in KEYS:
        if cls in _CUSTOM or cls in (CrfLine, FinancialReport, Provenance):
            continue
        matches = lambda t, cls=cls: origin(t) is cls  # noqa: E731
        conv.register_unstructure_hook_factory(
            matches,
            lambda t, cls=cls: _ordered(cls, make_dict_unstructure_fn(t, conv, **_overrides(cls))),
        )
        conv.register_structure_hook_factory(
            matches, lambda t, cls=cls: make_dict_structure_fn(t, conv, **_overrides(cls))
        )
    return conv


@cache
def bilan_converter() -> cattrs.Converter:
    """The library's bilan converter, made once."""
    return make_bilan_converter()


def unstructure_bilan(bilan: PublicBilan) -> dict[str, Any]:
    """The ``citeslab.bilan/1`` document of ``bilan`` as Python data."""
    return bilan_converter().unstructure(bilan, PublicBilan)  # type: ignore[no-any-return]


def structure_bilan(document: dict[str, Any]) -> PublicBilan:
    """The bilan of a parsed document (floats read as Decimal); cattrs' errors raised.
    A bilan that is not public is read as a :class:`Bilan` (a masked count refused)."""
    t = Bilan[int] if document.get("public") is False else PublicBilan
    return bilan_converter().structure(document, t)
