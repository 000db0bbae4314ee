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
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from citeslab_core.bilan._json import KEYS, json_key, origin
from citeslab_core.bilan._json_values import shown
from citeslab_core.bilan._results import Bilan
from citeslab_core.errors import CellError, InvalidData, Location, Problem
from citeslab_core.model.limits import MAX_JSON_DEPTH

__all__ = ["bilan_problems", "check_document", "located", "parse_document", "structure_problems"]


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


class _NotANumber(ValueError):
    pass


def _constant(name: str) -> Any:
    raise _NotANumber(name)


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
    except _NotANumber as exc:
        raise _refused(file, f"« {exc} » n'est pas un nombre : JSON refusé") from None
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


def check_document(document: dict[str, Any], file: str | None) -> list[Problem]:
    """What the converter cannot see: keys given twice, the nesting, ``public``."""
    problems: list[Problem] = []
    for path, depth, value in _walk(document):
        if depth > MAX_JSON_DEPTH:
            problems.append(
                Problem(
                    _where(file, path.split("[")[0][:80]),
                    f"listes ou objets imbriqués sur plus de {MAX_JSON_DEPTH} niveaux",
                )
            )
            break
        for key in getattr(value, "duplicates", ()):
            problems.append(
                Problem(
                    _where(file, path),
                    f"clé « {shown(key)} » en double dans un objet (laquelle croire ?)",
                )
            )
    public = document.get("public")
    if not isinstance(public, bool):
        problems.append(
            Problem(
                _where(file, "public"),
                f"« {shown(public)} » : true ou false est attendu (sans guillemets)",
            )
        )
    return problems


def structure_problems(exc: BaseException, file: str | None) -> list[Problem]:
    """The converter's errors as located problems."""
    return sorted({Problem(_where(file, path), message) for path, message in json_problems(exc)})


def located(bilan: Bilan, file: str | None) -> list[Problem]:
    """:func:`bilan_problems` located in ``file``."""
    return [Problem(_where(file, path), message) for path, message in bilan_problems(bilan)]


def bilan_problems(bilan: Bilan, path: str = "") -> list[tuple[str, str]]:
    """The relations a bilan publishes that do not hold, as (JSON path, French message)."""
    return []


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
        return "valeur du mauvais type (un objet, une liste ou un texte attendu ailleurs)"
    return f"valeur illisible ({type(exc).__name__})"
