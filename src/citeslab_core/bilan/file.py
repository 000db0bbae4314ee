"""Bilan files: a ``citeslab.bilan/1`` JSON document read back into a :class:`Bilan`.

A bilan file holds no personal data (docs/bilan-json.md), so a region
can collect its sites' files and sum them (:func:`citeslab_core.network.network_bilan`)
without ever seeing a record. :func:`read_bilan` is the inverse of
:func:`citeslab_core.render.json.render`: every renderer gives the same output for the
bilan read back as for the original (``tests/test_bilanfile.py``).

Refused, with a French message naming the file
(:class:`~citeslab_core.errors.InvalidData`):

- a file that is not a bilan (not JSON, another document, a dataset's canonical JSON);
- a public bilan (``"public": true``, masked cells ``"s"``): a masked cell cannot be
  summed exactly, and masking applies after summing;
- a bilan whose content cannot be read (a key missing, a value of the wrong kind).

:func:`read_inputs` reads several sites' inputs, records (workbook, CSV folder, canonical
JSON) or bilan files mixed, and gathers every file's errors at once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from citeslab_core.bilan import (
    SEVERITIES,
    TABLE_TITLES,
    AnimationRow,
    Bilan,
    Check,
    Indicators,
    OrientationPeriodRow,
    PartnershipRow,
    PlannedRow,
    Prescriber,
    ProgrammeRow,
    QpvAnimationRow,
    QpvRow,
    ReachRow,
    Table,
    TableRow,
    TextRow,
)
from citeslab_core.bilan.checks import Severity
from citeslab_core.bilan.crf import CrfLine, FinancialReport
from citeslab_core.bilan.funding import Contribution, FundingPlan, FundingPlanRow, FundingYear
from citeslab_core.bilan.provenance import Provenance
from citeslab_core.errors import (
    BilanFileMasked,
    BilanFileUnreadable,
    InvalidData,
    Location,
    Problem,
    UsageError,
)
from citeslab_core.french import MASKED_TEXT
from citeslab_core.model import guards
from citeslab_core.model.dates import PartialDate
from citeslab_core.vocabularies import Funder, FundingNature, PartnershipCategory, Vocabulary

if TYPE_CHECKING:
    from citeslab_core.model import Dataset

V = TypeVar("V", bound=Vocabulary)

__all__ = ["SCHEMA", "from_data", "is_bilan_file", "read_bilan", "read_inputs"]

SCHEMA = "citeslab.bilan/1"


def is_bilan_file(path: Path) -> bool:
    """A ``.json`` file whose first key is ``"schema": "citeslab.bilan/…"`` (as the JSON
    renderer writes it), read from its first bytes only."""
    if path.is_dir() or path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as stream:
            head = stream.read(256).decode("utf-8", "replace")
    except OSError:
        return False
    return '"schema"' in head and '"citeslab.bilan/' in head.split(",", 1)[0]


def _problem(path: Path, message: str) -> InvalidData:
    return InvalidData([Problem(Location(file=str(path)), message)])


def read_bilan(path: Path) -> Bilan:
    """The bilan held by the ``citeslab.bilan/1`` JSON file at ``path`` (see the module
    docstring for what is refused)."""
    path = guards.path(path, "path")
    if not guards.exists(path, "path"):
        raise UsageError(f"{path} n'existe pas (attendu : un bilan JSON)")
    if path.is_dir():
        raise UsageError(
            f"{path} est un dossier : read_bilan lit un fichier de bilan JSON (le bilan "
            "au format JSON que citeslab écrit) ; pour les données d'un site (dossier de "
            "fichiers CSV, classeur), utilisez read_input"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        from citeslab_core.readers.files import system_reason

        raise _problem(path, f"fichier illisible : {system_reason(exc)}") from None
    try:
        document = json.loads(raw.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _problem(
            path, "ce fichier n'est pas un bilan citeslab : ce n'est pas du JSON lisible"
        ) from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        if isinstance(document, dict) and "schema_version" in document:
            what = "c'est un jeu de données (JSON canonique des fiches), pas un bilan"
        elif isinstance(document, dict) and str(document.get("schema", "")).startswith(
            "citeslab.bilan/"
        ):
            what = (
                f"schéma « {document['schema']} » inconnu de cette version de citeslab "
                f"(attendu : {SCHEMA})"
            )
        else:
            what = f"ce fichier n'est pas un bilan citeslab (schéma {SCHEMA} attendu)"
        raise _problem(path, what)
    try:
        return from_data(document)
    except BilanFileMasked:
        raise _problem(
            path,
            "bilan public (petits effectifs masqués « s ») : ses cases masquées ne peuvent "
            "pas être additionnées exactement. Demandez au site son bilan complet (citeslab "
            "report … --format json, sans --public) ; le bilan du réseau se masque après "
            "la somme (--public).",
        ) from None
    except (BilanFileUnreadable, KeyError, TypeError, ValueError, ArithmeticError) as exc:
        detail = f"clé « {exc.args[0]} » manquante" if isinstance(exc, KeyError) else str(exc)
        raise _problem(
            path, f"bilan illisible ({detail}) : le fichier a-t-il été modifié à la main ?"
        ) from None


def read_inputs(paths: Iterable[Path]) -> list[Dataset | Bilan]:
    """Each input read: a bilan file (:func:`is_bilan_file`) into a :class:`Bilan`, any
    other path (workbook, CSV folder, canonical JSON) into a
    :class:`~citeslab_core.model.Dataset` (:func:`citeslab_core.readers.read_input`).
    Every file's data errors are gathered into one
    :class:`~citeslab_core.errors.InvalidData`."""
    from citeslab_core.readers import read_input

    if isinstance(paths, str | os.PathLike) or not isinstance(paths, Iterable):
        raise UsageError(
            f"paths = {guards.shown(paths)} : il faut une liste de chemins, "
            "read_inputs([chemin1, chemin2])"
        )
    checked = [guards.path(p, f"paths[{i}]") for i, p in enumerate(paths)]
    results: list[Dataset | Bilan] = []
    problems: list[Problem] = []
    for path in checked:
        try:
            results.append(read_bilan(path) if is_bilan_file(path) else read_input(path))
        except InvalidData as exc:
            problems.extend(
                p if p.location.file else Problem(_with_file(p.location, path), p.message)
                for p in exc.problems
            )
    if problems:
        raise InvalidData(problems)
    return results


def _with_file(location: Location, path: Path) -> Location:
    return Location(
        str(path), location.sheet, location.row, location.column, location.column_letter
    )


# -- the document, part by part -----------------------------------------------------------


def _code(vocabulary: type[V], code: Any) -> V:
    for member in vocabulary:
        if member.code == code:
            return member
    raise BilanFileUnreadable(f"code {code!r} inconnu")


def _count(value: Any) -> int:
    if value == MASKED_TEXT:
        raise BilanFileMasked
    if not isinstance(value, int) or isinstance(value, bool):
        raise BilanFileUnreadable(f"effectif {value!r} : un nombre entier est attendu")
    return value


def _decimal(value: Any) -> Decimal:
    if value == MASKED_TEXT:
        raise BilanFileMasked
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise BilanFileUnreadable(f"nombre {value!r} illisible")
    return Decimal(value)


def _opt_decimal(value: Any) -> Decimal | None:
    return None if value is None else _decimal(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise BilanFileUnreadable(f"texte attendu, pas {value!r}")
    return value


def _severity(value: Any) -> Severity:
    text = _text(value)
    if text not in SEVERITIES:
        raise BilanFileUnreadable(f"gravité inconnue : {text!r}")
    return Severity(text)


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _rows(items: Sequence[dict[str, Any]]) -> tuple[TableRow, ...]:
    return tuple(
        TableRow(_text(r["code"]), _text(r["libelle"]), _count(r["effectif"]), _count(r["part"]))
        for r in items
    )


def _table(key: str, items: Sequence[dict[str, Any]], total: int | None = None) -> Table:
    rows = _rows(items)
    counted = sum(r.count or 0 for r in rows)
    return Table(key, TABLE_TITLES.get(key, key), rows, counted if total is None else total)


def _contribution(c: dict[str, Any]) -> Contribution:
    return Contribution(
        funder=_code(Funder, c["financeur"]),
        amount=_decimal(c["montant"]),
        share=_decimal(c["part"]),
        declared_share=_opt_decimal(c["part_declaree"]),
        declared_share_flagged=bool(c["part_declaree_signalee"]),
        cap=_opt_decimal(c["plafond"]),
        cap_exceeded=bool(c["plafond_depasse"]),
    )


def _funding(y: dict[str, Any] | None) -> FundingYear | None:
    if y is None:
        return None
    return FundingYear(
        year=int(y["annee"]),
        nature=_code(FundingNature, y["nature"]),
        total=_decimal(y["cout_total"]),
        contributions_sum=_decimal(y["somme_contributions"]),
        declared_total=_opt_decimal(y["cout_total_declare"]),
        total_mismatch=bool(y["cout_total_incoherent"]),
        contributions=tuple(_contribution(c) for c in y["contributions"]),
    )


def _plan_row(r: dict[str, Any]) -> FundingPlanRow:
    return FundingPlanRow(
        funder=None if r["financeur"] is None else _code(Funder, r["financeur"]),
        planned=_opt_decimal(r["prevu"]),
        actual=_opt_decimal(r["realise"]),
        gap=_decimal(r["ecart"]),
        gap_percent=_opt_decimal(r["ecart_pourcentage"]),
        flagged=bool(r["signale"]),
        explanation=_opt_text(r.get("explication")),
    )


def _crf(report: dict[str, Any] | None) -> FinancialReport | None:
    if report is None:
        return None
    from citeslab_core.bilan.crf import _order

    lines = [
        CrfLine(
            account=_text(x["compte"]),
            label=_text(x["libelle"]),
            funder=None if x["financeur"] is None else _code(Funder, x["financeur"]),
            planned=_decimal(x["prevu"]),
            actual=_decimal(x["realise"]),
            explanation=_opt_text(x["ecart_explication"]),
        )
        for x in [*report["charges"], *report["produits"]]
    ]
    return FinancialReport(
        year=int(report["annee"]),
        threshold=_decimal(report["seuil_ecart"]),
        has_planned=bool(report["prevu_saisi"]),
        has_actual=bool(report["realise_saisi"]),
        lines=tuple(sorted(lines, key=_order)),
    )


def _provenance(made: dict[str, Any] | None) -> Provenance | None:
    if made is None:
        return None
    generated = dt.datetime.strptime(_text(made["genere_le"]), "%Y-%m-%dT%H:%M:%SZ")
    return Provenance(
        _text(made["citeslab"]),
        generated.replace(tzinfo=dt.UTC),
        _opt_text(made["donnees_sha256"]),
    )


def from_data(d: dict[str, Any]) -> Bilan:
    """The bilan of a parsed ``citeslab.bilan/1`` document (floats read as Decimal)."""
    if d.get("public") is True:
        raise BilanFileMasked
    plan = d["financement_prevu_realise"]
    rows: dict[str, Any] = {
        field: tuple(_record(make, readers, row) for row in d[key])
        for field, (key, make, readers) in _ROW_LISTS.items()
    }
    return Bilan(
        site=_text(d["site"]),
        host=_opt_text(d["structure_porteuse"]),
        territory=_opt_text(d["territoire"]),
        start=dt.date.fromisoformat(d["periode"]["debut"]),
        end=dt.date.fromisoformat(d["periode"]["fin"]),
        public=False,
        threshold=_count(d["seuil_secret_statistique"]),
        accompanied=_count(d["accompagnes"]),
        new=_count(d["nouveaux"]),
        tables={key: _table(key, rows) for key, rows in d["tables"].items()},
        without_orientation=_count(d["orientation_premier_rdv_sans_orientation"]),
        indicators=_indicators(d["indicateurs"]),
        qpv_breakdown=tuple(map(_qpv_row, d["qpv"])),
        funding=_funding(d["financement"]),
        funding_plan=None
        if plan is None
        else FundingPlan(
            year=int(plan["annee"]),
            threshold=_decimal(plan["seuil_ecart"]),
            rows=tuple(_plan_row(r) for r in plan["lignes"]),
            total=_plan_row(plan["total"]),
        ),
        funding_years=tuple(
            y for y in map(_funding, d["financements_pluriannuels"]) if y is not None
        ),
        financial_report=_crf(d.get("compte_rendu_financier")),
        provenance=_provenance(d.get("provenance")),
        subset=d.get("sous_ensemble") is True,
        orientations_period_persons=_count(d["orientations_periode_personnes"]),
        sites=tuple(from_data(site) for site in d.get("sites", ())),
        **rows,
    )


def _indicators(ind: dict[str, Any]) -> Indicators:
    return Indicators(
        accompanied=_count(ind["accompagnes"]),
        new=_count(ind["nouveaux"]),
        women=_count(ind["femmes"]),
        qpv_residents=_count(ind["residents_qpv"]),
        under_26=_count(ind["moins_26_ans"]),
        job_seekers=_count(ind["demandeurs_emploi"]),
        minimum_benefits=_count(ind["beneficiaires_minima_sociaux"]),
        orientations=_rows(ind["orientations_premier_rdv"]),
        creations=_count(ind["creations"]),
        positive_exits=_count(ind["sorties_positives"]),
        programme_entries=_count(ind["entrees_programmes"]),
        animations_held=_count(ind["animations_realisees"]),
        animation_participants=_count(ind["participants_animations"]),
    )


def _qpv_row(q: dict[str, Any]) -> QpvRow:
    accompanied = _count(q["accompagnes"])
    return QpvRow(
        _text(q["quartier"]),
        _opt_text(q["code_qpv"]),
        accompanied,
        _table("sexe", q["sexe"], accompanied),
        _table("tranche_age", q["tranche_age"], accompanied),
    )


def _record(make: Any, readers: Sequence[tuple[str, Any]], row: dict[str, Any]) -> Any:
    """``make`` called with each key of ``row`` read by its reader, in order."""
    return make(*(read(row[key] if key in row else _ABSENT[key]) for key, read in readers))


#: The keys a bilan file written before they existed lacks, and what they read as.
_ABSENT: dict[str, object] = {"annulees": 0, "a_venir": 0}


def _partnership_category(value: object) -> PartnershipCategory | None:
    return None if value is None else _code(PartnershipCategory, value)


def _opt_partial_date(value: object) -> PartialDate | None:
    return None if value is None else PartialDate.from_iso(_text(value))


#: The bilan's lists of rows: the Bilan field, its JSON key, the row class, and the
#: JSON keys of the row's fields in order, each with how it is read.
_ROW_LISTS: dict[str, tuple[str, Any, tuple[tuple[str, Any], ...]]] = {
    "programmes": (
        "programmes",
        ProgrammeRow,
        (("programme", _text), ("orientes", _count), ("retenus", _count)),
    ),
    "animations": (
        "animations",
        AnimationRow,
        (("code", _text), ("libelle", _text), ("nombre", _count), ("participants", _count)),
    ),
    "planned_animations": (
        "animations_prevues",
        PlannedRow,
        (
            ("code", _text),
            ("libelle", _text),
            ("prevues", _count),
            ("realisees", _count),
            ("annulees", _count),
            ("a_venir", _count),
        ),
    ),
    "animations_in_qpv": (
        "animations_qpv",
        QpvAnimationRow,
        (
            ("quartier", _text),
            ("code_qpv", _opt_text),
            ("nombre", _count),
            ("participants", _count),
        ),
    ),
    "partnerships": (
        "partenariats",
        PartnershipRow,
        (
            ("partenaire", _text),
            ("categorie", _partnership_category),
            ("action", _opt_text),
            ("date", _opt_partial_date),
        ),
    ),
    "reach": (
        "portee",
        ReachRow,
        (
            ("quartier", _text),
            ("code_qpv", _opt_text),
            ("population", _count),
            ("accompagnes", _count),
            ("pour_mille", _opt_decimal),
        ),
    ),
    "prescribers": (
        "prescripteurs",
        Prescriber,
        (("prescripteur", _text), ("effectif", _count)),
    ),
    "texts": ("textes", TextRow, (("section", _text), ("texte", _text))),
    "checks": (
        "controles",
        Check,
        (("code", _text), ("gravite", _severity), ("message", _text)),
    ),
    "orientations_period": (
        "orientations_periode",
        OrientationPeriodRow,
        (
            ("code", _text),
            ("libelle", _text),
            ("personnes", _count),
            ("orientations", _count),
            ("part", _count),
        ),
    ),
}
