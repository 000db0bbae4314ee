"""The canonical JSON of a dataset, through one cattrs converter.

:func:`make_converter` builds it, the way ``cattrs.preconf.json`` does. Its choices:

- keys are the workbook's French column names (``porteurs``, ``date_naissance``, …), taken
  from each field's ``column`` metadata, so the JSON reads like the workbook;
- fields at their default value are left out (a missing key means the default);
- dates are ISO 8601 strings (``"2023-03-30"``); partial dates keep their precision
  (``"2023-03"``, ``"2023"``, ``"2023-05/2023-09"``);
- hours (a permanence's) are ``"HH:MM"`` strings (``"09:30"``);
- amounts and percentages are :class:`~decimal.Decimal` written as strings
  (``"16000.00"``), never floats;
- vocabulary values are their codes; on reading, a label is accepted too;
- unknown keys are refused, so a typo is not silently lost;
- the document carries ``"schema_version": 1``.

Reading errors go through :func:`cattrs.transform_error` and come out as
:class:`~citeslab_core.errors.InvalidData` whose locations are JSON paths such as
``porteurs[12].date_naissance``, with a French message.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from citeslab_core.errors import CellError, DuplicateKey, InvalidData, Location, Problem
from citeslab_core.model import (
    TABLE_FIELDS,
    TABLES,
    Dataset,
    FundingPolicy,
    PathwayPolicy,
    RowOrigins,
    Site,
)
from citeslab_core.model import json_refusals as refusals
from citeslab_core.model.dates import PartialDate
from citeslab_core.model.limits import (
    MAX_COUNT,
    MAX_TEXT_CHARS,
    check_length,
)
from citeslab_core.vocabularies import Vocabulary

__all__ = ["SCHEMA_VERSION", "dumps", "loads", "make_converter", "read_json", "to_dict"]

SCHEMA_VERSION = 1

# Nested classes first: a class's generated hook takes its fields' hooks when it is made.
_RECORD_CLASSES: tuple[type, ...] = (
    PathwayPolicy,
    FundingPolicy,
    Site,
    *(cls for _, cls, _ in TABLES),
)


def _structure_date(value: Any, cls: type) -> dt.date:
    if value.__class__ is str:
        return _date_of(value)
    return _read_date(value)


# Values already read, by text: a network's JSON repeats the same dates and codes hundreds
# of thousands of times. Bounded; only what reads is kept (an exception is not cached).
_MEMO_SIZE = 100_000


@lru_cache(maxsize=_MEMO_SIZE)
def _date_of(value: str) -> dt.date:
    return _read_date(value)


@lru_cache(maxsize=_MEMO_SIZE)
def _partial_of(value: str) -> PartialDate:
    return _read_partial(value)


@lru_cache(maxsize=_MEMO_SIZE)
def _vocabulary_of(cls: type[Vocabulary], value: str) -> Vocabulary:
    check_length(value, f"une valeur de « {cls.title()} »")
    return cls.parse(value)


def _read_date(value: Any) -> dt.date:
    return refusals.iso_date(value)


def _structure_time(value: Any, _: type) -> dt.time:
    if isinstance(value, str):
        try:
            read = dt.time.fromisoformat(value)
        except ValueError:
            read = None
        if read is not None and read.tzinfo is None and len(value) == 5:
            return read
    raise CellError(f'« {value} » n\'est pas une heure HH:MM (par exemple "09:30")')


def _unstructure_time(value: dt.time) -> str:
    return value.isoformat(timespec="minutes")


def _structure_partial(value: Any, _: type) -> PartialDate:
    if value.__class__ is str:
        return _partial_of(value)
    return _read_partial(value)


def _read_partial(value: Any) -> PartialDate:
    return refusals.iso_partial_date(value)


def _structure_decimal(value: Any, _: type) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise refusals.wrong(value, refusals.AMOUNT_TEXT)
    return refusals.decimal_of(value)


def _structure_vocabulary(value: Any, cls: type[Vocabulary]) -> Vocabulary:
    if value.__class__ is str:
        return _vocabulary_of(cls, value)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise CellError(cls.refusal(refusals.shown(value)))
    return cls.parse(value)


def _structure_int(value: Any, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise refusals.wrong(value, refusals.INTEGER)
    if abs(value) > MAX_COUNT:
        raise refusals.too_big(value, "au plus un milliard")
    return value


def _structure_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise refusals.wrong(value, refusals.TEXT)
    if len(value) > MAX_TEXT_CHARS:
        raise refusals.too_long(len(value))
    return value


def _structure_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise refusals.wrong(value, refusals.BOOLEAN)
    return value


def make_converter() -> cattrs.Converter:
    """The converter between records and JSON-ready dictionaries (see the module's notes)."""
    conv = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.time, _unstructure_time)
    conv.register_structure_hook(dt.time, _structure_time)
    conv.register_unstructure_hook(PartialDate, PartialDate.iso)
    conv.register_structure_hook(PartialDate, _structure_partial)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Vocabulary), lambda v: v.value
    )
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, Vocabulary), _structure_vocabulary
    )
    for cls in _RECORD_CLASSES:
        renames: dict[str, Any] = {
            f.name: override(rename=f.metadata["column"]) for f in attrs.fields(cls)
        }
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **renames)
        )
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **renames)
        )
    return conv


@cache
def converter() -> cattrs.Converter:
    """The library's converter, made once."""
    return make_converter()


def to_dict(data: Dataset) -> dict[str, Any]:
    """The canonical JSON document of a dataset, as Python values."""
    conv = converter()
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "structure": conv.unstructure(data.site, Site),
    }
    for key, (_, cls, _) in zip(TABLE_FIELDS, TABLES, strict=True):
        records = getattr(data, TABLE_FIELDS[key])
        unstructure = conv.get_unstructure_hook(cls)
        document[key] = [unstructure(r) for r in records]
    return document


def dumps(data: Dataset, *, indent: int | None = 1) -> str:
    """The canonical JSON text of a dataset."""
    return json.dumps(to_dict(data), ensure_ascii=False, indent=indent)


def _french(exc: BaseException, _type: Any) -> str:
    if isinstance(exc, CellError):
        return str(exc)
    if isinstance(exc, KeyError):
        return "champ obligatoire absent"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return "clés inconnues : " + ", ".join(sorted(exc.extra_fields))
    if isinstance(exc, (TypeError, AttributeError)):
        return "valeur du mauvais type (attendu : un objet, une liste ou un texte)"
    return f"valeur invalide ({exc})"


def _column_path(path: str, cls: type) -> str:
    """``porteurs[0].sex`` as the JSON reader sees it: ``porteurs[0].sexe``."""
    head, *names = path.split(".")
    out = [head]
    current: Any = cls
    for name in names:
        fields = attrs.fields_dict(current) if attrs.has(current) else {}
        name, bracket, index = name.partition("[")  # a list's element: jours[1]
        field = fields.get(name)
        if field is None:
            out.append(name + bracket + index)
            current = None
            continue
        out.append(str(field.metadata["column"]) + bracket + index)
        current = field.type if isinstance(field.type, type) else _FIELD_CLASSES.get(name)
    return ".".join(out)


# Nested record fields, for the paths above (attrs keeps string annotations here).
_FIELD_CLASSES: dict[str, type] = {
    "pathway_policy": PathwayPolicy,
    "funding_policy": FundingPolicy,
}


def _path_problem(line: str, cls: type, file: str | None) -> Problem:
    message, _, path = line.rpartition(" @ ")
    return Problem(Location(file=file, sheet=_column_path(path, cls) or None), message)


def from_dict(document: Any, *, file: str | None = None) -> Dataset:
    """The dataset of a canonical JSON document; every problem raised at once."""
    where = Location(file=file)
    if not isinstance(document, dict):
        raise InvalidData([Problem(where, "le document JSON doit être un objet")])
    version = document.get("schema_version")
    if "schema_version" not in document and str(document.get("schema", "")).startswith(
        "citeslab.bilan/"
    ):
        raise InvalidData(
            [
                Problem(
                    where,
                    "c'est un bilan JSON (clé « schema »), pas le JSON des fiches d'un site : "
                    "pour qu'il soit lu comme un bilan, remettez « schema » en première clé, "
                    "comme citeslab l'écrit",
                )
            ]
        )
    if version.__class__ is not int or version != SCHEMA_VERSION:  # true == 1 in Python
        raise InvalidData(
            [
                Problem(
                    where,
                    f"schema_version {refusals.shown(version)} inconnue (attendu : le nombre "
                    f"{SCHEMA_VERSION})",
                )
            ]
        )
    unknown = set(document) - {"schema_version", "structure", *TABLE_FIELDS}
    problems = [Problem(where, f"clé inconnue « {refusals.shown(k)} »") for k in sorted(unknown)]
    conv = converter()
    parts: dict[str, Any] = {}
    try:
        parts["site"] = conv.structure(document.get("structure", {}), Site)
    except Exception as exc:
        problems.extend(_errors(exc, "structure", Site, file))
    for key, (_, cls, _) in zip(TABLE_FIELDS, TABLES, strict=True):
        rows = document.get(key, [])
        if not isinstance(rows, list):
            problems.append(
                Problem(Location(file=file, sheet=key), str(refusals.wrong(rows, refusals.LIST)))
            )
            continue
        try:
            parts[TABLE_FIELDS[key]] = conv.structure(rows, list[cls])  # type: ignore[valid-type]
        except Exception as exc:
            problems.extend(_errors(exc, key, cls, file))
    if problems:
        raise InvalidData(problems)
    origins: dict[str, Sequence[Location]] = {
        key: RowOrigins(file, key, range(len(parts[field])), elements=True)
        for key, field in TABLE_FIELDS.items()
        if field in parts
    }
    try:
        return Dataset.build(**parts, origins=origins)
    except InvalidData as exc:
        raise InvalidData(
            Problem(
                Location(file=file, sheet=p.location.sheet, column=p.location.column), p.message
            )
            for p in exc.problems
        ) from None


def _errors(exc: Exception, root: str, cls: type, file: str | None) -> list[Problem]:
    lines = cattrs.transform_error(exc, path=f"${root}", format_exception=_french)
    return [_path_problem(line.replace(f"${root}", root, 1), cls, file) for line in lines]


def loads(text: str | bytes, *, file: str | None = None) -> Dataset:
    """The dataset of a canonical JSON text."""
    return _loads(text, file=file)


#: The json module's messages, in French (the start of each is enough to know it).
_JSON_MESSAGES = (
    ("Expecting property name", "nom de clé entre guillemets attendu"),
    ("Expecting value", "valeur attendue (document tronqué ou virgule en trop ?)"),
    ("Expecting ',' delimiter", "virgule attendue"),
    ("Expecting ':' delimiter", "deux-points attendu"),
    ("Unterminated string", "texte sans guillemet fermant"),
    ("Invalid control character", "caractère de contrôle dans un texte"),
    ("Invalid \\escape", "séquence d'échappement invalide"),
    ("Extra data", "données après la fin du document"),
)


def _json_reason(message: str) -> str:
    for english, french in _JSON_MESSAGES:
        if message.startswith(english):
            return french
    return "syntaxe JSON invalide"


def _loads(text: str | bytes, *, file: str | None) -> Dataset:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidData(
                [Problem(Location(file=file), "le fichier n'est pas du texte UTF-8")]
            ) from None
    try:
        document = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise InvalidData(
            [
                Problem(
                    Location(file=file, row=exc.lineno),
                    f"JSON illisible (colonne {exc.colno}) : {_json_reason(exc.msg)}",
                )
            ]
        ) from None
    except DuplicateKey as exc:
        raise InvalidData([Problem(Location(file=file), refusals.duplicate_key(exc.key))]) from None
    except RecursionError:
        raise InvalidData(
            [
                Problem(
                    Location(file=file), "JSON illisible : listes ou objets imbriqués trop profond"
                )
            ]
        ) from None
    except ValueError:  # an integer of more than 4 300 digits
        raise InvalidData(
            [Problem(Location(file=file), "JSON illisible : nombre de plus de 4 300 chiffres")]
        ) from None
    if _SURROGATE.search(text):
        _refuse_surrogates(document, file)
    try:
        return from_dict(document, file=file)
    except RecursionError:  # pragma: no cover - json.loads refuses deeper documents first
        raise InvalidData(
            [Problem(Location(file=file), "listes ou objets imbriqués trop profond")]
        ) from None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object; a key given twice is refused (json would keep the last silently)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return found


#: An escaped or raw half of a UTF-16 surrogate pair (a pair escaped whole reads as one
#: character; only a lone half stays a surrogate, which no file can encode).
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_LONE = re.compile(r"[\ud800-\udfff]")


def _refuse_surrogates(document: Any, file: str | None) -> None:
    """Refuse lone surrogates (``"\\ud800"``), naming where each is."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if _LONE.search(key):
                    problems.append(_surrogate_problem(path or "document", file))
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))
        elif isinstance(value, str) and _LONE.search(value):
            problems.append(_surrogate_problem(path, file))
    if problems:
        raise InvalidData(sorted(problems))


def _surrogate_problem(path: str, file: str | None) -> Problem:
    return Problem(
        Location(file=file, sheet=_LONE.sub("\ufffd", path) or None),
        "texte invalide : une moitié isolée de paire UTF-16 (\\ud800 à \\udfff), qu'aucun "
        "fichier ne peut enregistrer ; corrigez le programme qui a écrit ce JSON",
    )


def read_json(path: Path) -> Dataset:
    """The dataset of a canonical JSON file."""
    return loads(path.read_bytes(), file=path.name)
