"""A bilan file checked like a workbook (issue 28): every problem at once, in French,
located by the file and the JSON path (``tables.sexe[2].effectif``).

Three passes, each reporting all it finds:

1. the JSON text (:func:`parse_document`): UTF-8, JSON syntax, a key given twice in an
   object, numbers that are not numbers (``NaN``, ``Infinity``, an integer of thousands
   of digits), nesting deeper than :data:`~citeslab_core.model.limits.MAX_JSON_DEPTH`;
2. the document (:func:`check_document` then the converter, :func:`structure_problems`):
   ``public`` a real boolean, each value's type, range (no negative count, bounds of
   :mod:`citeslab_core.model.limits`) and code (the vocabularies' codes);
3. the bilan read (:func:`located`): the relations it publishes (see
   :func:`bilan_problems`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from citeslab_core.bilan._json import KEYS, json_key, origin, unstructure_bilan
from citeslab_core.bilan._json_values import shown, unknown_code
from citeslab_core.bilan._portrait import TABLE_VOCABULARIES, table_codes
from citeslab_core.bilan._results import NON_RENSEIGNE, TABLE_KEYS, PublicBilan, Table, TableRow
from citeslab_core.bilan.rounding import true_bounds
from citeslab_core.errors import CellError, InvalidData, Location, Problem
from citeslab_core.model import json_refusals as refusals
from citeslab_core.model.limits import MAX_JSON_DEPTH

__all__ = [
    "DEPTH_PROBLEM",
    "bilan_problems",
    "check_document",
    "located",
    "parse_document",
    "structure_problems",
]


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given twice."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        twice: list[str] = []
        for key, _ in pairs:
            if key in seen and key not in twice:
                twice.append(key)
            seen.add(key)
        found.duplicates = tuple(twice)
    return found


def _constant(name: str) -> Any:
    """``NaN``, ``Infinity``, ``-Infinity``: refused (json would read them as floats)."""
    raise CellError(f"« {name} » n'est pas un nombre : JSON refusé")


def _where(file: str | None, path: str | None = None) -> Location:
    return Location(file=file, sheet=path or None)


def parse_document(raw: str | bytes, file: str | None) -> Any:
    """The JSON document of ``raw``, numbers with a fraction read as Decimal; refused
    (InvalidData) when it is not JSON a bilan can be."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _refused(file, "ce n'est pas du texte UTF-8 : pas un bilan JSON") from None
    try:
        return json.loads(
            raw, parse_float=Decimal, parse_constant=_constant, object_pairs_hook=_pairs
        )
    except json.JSONDecodeError as exc:
        raise _refused(
            file,
            f"ce fichier n'est pas un bilan citeslab : ce n'est pas du JSON lisible (ligne "
            f"{exc.lineno}, colonne {exc.colno})",
        ) from None
    except CellError as exc:
        raise _refused(file, str(exc)) from None
    except RecursionError:
        raise _refused(file, "listes ou objets imbriqués trop profond pour un bilan") from None
    except ValueError:  # an integer of more than 4 300 digits
        raise _refused(file, "nombre de plus de 4 300 chiffres : JSON refusé") from None


def _refused(file: str | None, message: str) -> InvalidData:
    return InvalidData([Problem(_where(file), message)])


def _walk(document: Any) -> Iterator[tuple[str, int, Any]]:
    """Every value of the document with its path and depth (iteratively: any depth)."""
    stack: list[tuple[str, int, Any]] = [("", 0, document)]
    while stack:
        path, depth, value = stack.pop()
        yield path, depth, value
        if depth > MAX_JSON_DEPTH:
            continue
        if isinstance(value, dict):
            stack.extend(
                (f"{path}.{k}" if path else str(k), depth + 1, v)
                for k, v in reversed(value.items())
            )
        elif isinstance(value, list):
            stack.extend(
                (f"{path}[{i}]", depth + 1, v) for i, v in reversed(list(enumerate(value)))
            )


#: How the problem of a nesting too deep begins (:func:`check_document`).
DEPTH_PROBLEM = "listes ou objets imbriqués sur plus de"


def check_document(document: dict[str, Any], file: str | None) -> list[Problem]:
    """What the converter cannot see: keys given twice, the nesting, ``public``."""
    problems: list[Problem] = []
    for path, depth, value in _walk(document):
        if depth > MAX_JSON_DEPTH:
            problems.append(
                Problem(
                    _where(file, path.split("[")[0][:80]),
                    f"{DEPTH_PROBLEM} {MAX_JSON_DEPTH} niveaux",
                )
            )
            break
        for key in getattr(value, "duplicates", ()):
            problems.append(
                Problem(
                    _where(file, path),
                    refusals.duplicate_key(key),
                )
            )
    public = document.get("public")
    if not isinstance(public, bool):
        problems.append(
            Problem(
                _where(file, "public"),
                str(refusals.wrong(public, refusals.BOOLEAN)),
            )
        )
    return problems


def structure_problems(exc: BaseException, file: str | None) -> list[Problem]:
    """The converter's errors as located problems."""
    return sorted({Problem(_where(file, path), message) for path, message in json_problems(exc)})


def located(bilan: PublicBilan, document: dict[str, Any], file: str | None) -> list[Problem]:
    """:func:`bilan_problems` and :func:`computed_problems` located in ``file``."""
    found = [*bilan_problems(bilan), *computed_problems(document, bilan)]
    return sorted(Problem(_where(file, path), message) for path, message in found)


def _under(path: str) -> Callable[[str], str]:
    """The path of a key under ``path``."""
    return lambda key: f"{path}.{key}" if path else key


def _known(values: Iterable[int | None]) -> int:
    return sum(v for v in values if v is not None)


def _rows_problem(
    rows: Sequence[TableRow[int | None]], total: int | None, what: str, base: int = 0
) -> str | None:
    """Why the rows' counts cannot make ``total`` (None when they can); in a bilan
    rounded to ``base``, why no true counts within its rounding can."""
    if total is None:
        return None
    counted = _known(r.count for r in rows)
    if base:
        return _rounded_rows_problem([r.count for r in rows], total, what, base)
    if all(r.count is not None for r in rows) and rows and counted != total:
        return f"les effectifs des lignes font {counted}, et non {total} ({what})"
    if counted > total:
        return f"les effectifs des lignes font au moins {counted}, plus que {total} ({what})"
    return None


def _rounded_rows_problem(
    counts: Sequence[int | None], total: int, what: str, base: int
) -> str | None:
    """In a bilan rounded to ``base``, each shown count stands for a true count within
    :func:`~citeslab_core.bilan.rounding.true_bounds` (``base // 2`` on either side; a
    masked one for any), and the true rows add up to the true total: the rows' shown sum
    may differ from the total's by the rounding of every row and of the total. Refused
    only when no true counts within those bounds add up."""
    lowest = sum(true_bounds(c, base)[0] for c in counts if c is not None)
    highest = None
    if all(c is not None for c in counts):
        highest = sum(true_bounds(c, base)[1] for c in counts if c is not None)
    low, high = true_bounds(total, base)
    if lowest <= high and (highest is None or not counts or highest >= low):
        return None
    shown_sum = _known(counts)
    return (
        f"les effectifs des lignes font {shown_sum}, et non {total} ({what}) : même arrondis "
        f"à {base} (chacun à {base // 2} près, le total aussi), ils ne peuvent pas faire ce "
        "total"
    )


#: The JSON paths of the counts of persons of one bilan (not its sites'): those a bilan
#: rounded to a base shows as multiples of it (:mod:`citeslab_core.bilan.rounding`).
PERSON_COUNT = re.compile(
    r"accompagnes|nouveaux|orientation_premier_rdv_sans_orientation"
    r"|orientations_periode_personnes"
    r"|tables\.[^.\[]+\[\d+\]\.effectif"
    r"|orientations_periode\[\d+\]\.(personnes|orientations)"
    r"|programmes\[\d+\]\.(orientes|retenus)"
    r"|indicateurs\.(accompagnes|nouveaux|femmes|residents_qpv|moins_26_ans|demandeurs_emploi"
    r"|beneficiaires_minima_sociaux|creations|sorties_positives|entrees_programmes)"
    r"|indicateurs\.orientations_premier_rdv\[\d+\]\.effectif"
    r"|portee\[\d+\]\.accompagnes|qpv\[\d+\]\.accompagnes"
    r"|qpv\[\d+\]\.(sexe|tranche_age)\[\d+\]\.effectif"
    r"|prescripteurs\[\d+\]\.effectif"
)


def _rounding_problems(bilan: PublicBilan, at: Callable[[str], str]) -> list[tuple[str, str]]:
    """A rounded bilan is public, and each of its counts of persons a multiple of its base."""
    base = bilan.rounding
    if not base:
        return []
    out: list[tuple[str, str]] = []
    if not bilan.public:
        out.append(
            (at("arrondi"), "un bilan complet (public : false) n'est pas arrondi : public attendu")
        )
    document = unstructure_bilan(attrs.evolve(bilan, sites=()))
    for where, _, value in _walk(document):
        counted = isinstance(value, int) and not isinstance(value, bool)
        if counted and value % base and PERSON_COUNT.fullmatch(where):
            out.append(
                (
                    at(where),
                    f"« {value} » : pas un multiple de {base}, la base d'arrondi du bilan "
                    "(arrondi.base)",
                )
            )
    return out


def bilan_problems(bilan: PublicBilan, path: str = "") -> list[tuple[str, str]]:
    """The relations a bilan publishes that do not hold, as (JSON path, French message):
    a threshold of at least 1, a named site, a period in order, each table's rows adding
    up to its total (``accompagnes``; a QPV's own for its sub-tables), ``nouveaux`` ≤
    ``accompagnes``, the QPV rows against the ``quartier`` and ``statut_residence``
    tables, each funding year's sum of contributions; then each site's."""
    at = _under(path)
    out: list[tuple[str, str]] = []
    if bilan.threshold < 1:
        out.append(
            (at("seuil_secret_statistique"), "le seuil du secret statistique est d'au moins 1")
        )
    if not bilan.site.strip():
        out.append((at("site"), "le nom du site est vide"))
    if bilan.end < bilan.start:
        out.append((at("periode"), "la fin de la période est avant son début"))
    if bilan.new is not None and bilan.new > bilan.accompanied:
        out.append(
            (at("nouveaux"), f"{bilan.new} nouveaux, plus que les {bilan.accompanied} accompagnés")
        )
    for wanted in TABLE_KEYS:
        if wanted not in bilan.tables:
            out.append((at(f"tables.{wanted}"), "tableau manquant (un bilan a ses douze tableaux)"))
    for key, table in bilan.tables.items():
        if key not in TABLE_KEYS:
            out.append((at(f"tables.{shown(key)}"), "tableau inconnu d'un bilan"))
        out.extend(_code_problems(key, table, at(f"tables.{key}")))
        why = _rows_problem(table.rows, bilan.accompanied, "accompagnes", bilan.rounding)
        if why:
            out.append((at(f"tables.{key}"), why))
    out.extend(_qpv_problems(bilan, at))
    out.extend(_rounding_problems(bilan, at))
    for where, year in [("financement", bilan.funding)] + [
        (f"financements_pluriannuels[{i}]", y) for i, y in enumerate(bilan.funding_years)
    ]:
        if year is not None and year.contributions_sum != sum(
            (c.amount for c in year.contributions), Decimal(0)
        ):
            out.append(
                (at(f"{where}.somme_contributions"), "ne fait pas la somme des contributions")
            )
    for i, site in enumerate(bilan.sites):
        here = at(f"sites[{i}]")
        if (site.start, site.end) != (bilan.start, bilan.end):
            out.append((f"{here}.periode", "la période du site n'est pas celle du réseau"))
        if site.public != bilan.public:
            out.append(
                (f"{here}.public", "un site public dans un bilan qui ne l'est pas, ou l'inverse")
            )
        out.extend(bilan_problems(site, here))
    return out


def _qpv_problems(bilan: PublicBilan, at: Callable[[str], str]) -> list[tuple[str, str]]:
    """The QPV rows against their sub-tables, the ``quartier`` table and the ``qpv`` row
    of ``statut_residence`` (in a rounded bilan, within what rounding allows: each count
    compared at its widest true bounds)."""
    out: list[tuple[str, str]] = []
    base = bilan.rounding

    def low(count: int) -> int:
        return true_bounds(count, base)[0] if base else count

    def high(count: int) -> int:
        return true_bounds(count, base)[1] if base else count

    hoods: dict[str, int] = {}
    quartier = bilan.tables.get("quartier")
    if quartier is not None:
        for line in quartier.rows:
            name = NON_RENSEIGNE[1] if line.code == NON_RENSEIGNE[0] else line.code
            hoods[name.casefold()] = hoods.get(name.casefold(), 0) + high(line.count or 0)
    in_qpv: dict[str, int] = {}
    for i, row in enumerate(bilan.qpv_breakdown):
        for key, table in (("sexe", row.sex), ("tranche_age", row.age)):
            out.extend(_code_problems(key, table, at(f"qpv[{i}].{key}")))
            why = _rows_problem(
                table.rows, row.accompanied, f"accompagnes du QPV {row.neighbourhood}", base
            )
            if why:
                out.append((at(f"qpv[{i}].{key}"), why))
        name = row.neighbourhood.casefold()
        in_qpv[name] = in_qpv.get(name, 0) + low(row.accompanied or 0)
        if quartier is not None and in_qpv[name] > hoods.get(name, 0) and not _masked(quartier):
            out.append(
                (
                    at(f"qpv[{i}].accompagnes"),
                    f"plus de résidents QPV à « {row.neighbourhood} » que le tableau quartier n'en "
                    f"compte ({hoods.get(name, 0)})",
                )
            )
    status = bilan.tables.get("statut_residence")
    qpv = status.row("qpv") if status is not None else None
    rows = bilan.qpv_breakdown
    if qpv is not None and qpv.count is not None and rows:
        counted = _known(r.accompanied for r in rows)
        masked = any(r.accompanied is None for r in rows)
        wrong = counted > qpv.count or (not masked and counted != qpv.count)
        if base:
            wrong = bool(_rounded_rows_problem([r.accompanied for r in rows], qpv.count, "", base))
        if wrong:
            out.append(
                (
                    at("qpv"),
                    f"les lignes QPV font {counted} accompagnés, et le tableau statut_residence "
                    f"{qpv.count} résidents QPV",
                )
            )
    return out


def _code_problems(key: str, table: Table[int | None], path: str) -> list[tuple[str, str]]:
    """The rows of a vocabulary's table whose code is not one of it, or given twice."""
    allowed = table_codes(key)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, row in enumerate(table.rows):
        if allowed is not None and row.code not in allowed:
            vocabulary = TABLE_VOCABULARIES[key].vocabulary_name
            out.append((f"{path}[{i}].code", str(unknown_code(row.code, vocabulary))))
        elif row.code in seen:
            out.append((f"{path}[{i}].code", f"« {shown(row.code)} » : ligne en double"))
        seen.add(row.code)
    return out


def _masked(table: Table[int | None]) -> bool:
    return any(row.count is None for row in table.rows)


#: The values a document writes that the bilan computes from others: checked against
#: the bilan read (the reader itself takes them from the bilan).
_COMPUTED_CRF = (
    "total_charges",
    "total_produits",
    "total_general_charges",
    "total_general_produits",
)


def computed_problems(
    document: dict[str, Any], bilan: PublicBilan, path: str = ""
) -> list[tuple[str, str]]:
    """The computed values of ``document`` (the compte rendu financier's gaps and totals,
    the provenance's period) that are not what the bilan read computes."""
    at = _under(path)
    out: list[tuple[str, str]] = []
    written = unstructure_bilan(bilan)
    crf, again = document.get("compte_rendu_financier"), written.get("compte_rendu_financier")
    if isinstance(crf, dict) and again is not None:
        for side in ("charges", "produits"):
            for i, (line, fresh) in enumerate(zip(crf.get(side, ()), again[side], strict=False)):
                for key in ("ecart", "ecart_pourcentage"):
                    out.extend(
                        _differs(at(f"compte_rendu_financier.{side}[{i}].{key}"), line, fresh, key)
                    )
        for total in _COMPUTED_CRF:
            given = crf.get(total)
            for key in ("prevu", "realise", "ecart", "ecart_pourcentage"):
                out.extend(
                    _differs(at(f"compte_rendu_financier.{total}.{key}"), given, again[total], key)
                )
    made = document.get("provenance")
    if isinstance(made, dict) and made.get("periode") != written["periode"]:
        out.append((at("provenance.periode"), "n'est pas la période du bilan"))
    for i, (site, read) in enumerate(zip(document.get("sites", ()), bilan.sites, strict=False)):
        out.extend(computed_problems(site, read, at(f"sites[{i}]")))
    return out


def _differs(path: str, given: Any, fresh: dict[str, Any], key: str) -> list[tuple[str, str]]:
    value = given.get(key) if isinstance(given, dict) else None
    expected = fresh[key]
    if _same(value, expected):
        return []
    shown_expected = "null" if expected is None else str(expected)
    return [
        (path, f"« {shown(value)} » : ce n'est pas ce que donnent les lignes ({shown_expected})")
    ]


def _same(value: Any, expected: Any) -> bool:
    if expected is None or value is None:
        return value is expected
    try:
        return Decimal(str(value)) == Decimal(str(expected))
    except ArithmeticError:
        return False


def json_problems(exc: BaseException, path: str = "") -> Iterator[tuple[str, str]]:
    """Each error of a structuring as (JSON path, French message)."""
    if isinstance(exc, ClassValidationError | IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            yield from json_problems(inner, _step(path, exc, note))
        for inner in without:
            yield from json_problems(inner, path)
        return
    yield path, _french(exc)


def _step(path: str, exc: BaseException, note: Any) -> str:
    if isinstance(note, IterableValidationNote):
        index = note.index
        return f"{path}[{index}]" if isinstance(index, int) else _join(path, str(index))
    cls = origin(getattr(exc, "cl", None))
    return _join(path, json_key(cls, note.name) if cls in KEYS else note.name)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _french(exc: BaseException) -> str:
    if isinstance(exc, CellError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "clé manquante"
    if isinstance(exc, ForbiddenExtraKeysError):
        return "clés inconnues : " + ", ".join(sorted(exc.extra_fields))
    if isinstance(exc, TypeError | AttributeError):
        return "valeur du mauvais type"
    return f"valeur illisible ({type(exc).__name__})"
