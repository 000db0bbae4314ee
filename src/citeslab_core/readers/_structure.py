"""The ``structure`` sheet (``cle``, ``valeur``): the :class:`~citeslab_core.model.Site`.

Its ``annee`` is the year of dates written without one (``15-févr``) in the other sheets.
"""

from __future__ import annotations

import re
import typing
from decimal import Decimal
from typing import Any

import attrs

from citeslab_core.errors import CellError, Location
from citeslab_core.headers import did_you_mean
from citeslab_core.model import FundingPolicy, PathwayPolicy, Site
from citeslab_core.model.limits import check_year
from citeslab_core.readers._cells import (
    Parser,
    column_letter,
    is_empty,
    parse_int,
    parse_text,
    percent_parser,
)
from citeslab_core.readers._quoting import unquote
from citeslab_core.readers._rows import Collector, RawSheet, header_row
from citeslab_core.vocabularies import Funder, normalize

__all__ = ["STRUCTURE_KEYS", "read_site", "structure_rows"]


def _positive_int(raw: object) -> int:
    """A number of days or persons that must be at least 1."""
    value = parse_int(raw)
    if value < 1:
        raise CellError(f"« {raw} » : un nombre entier d'au moins 1 est attendu")
    return value


def _year(raw: object) -> int:
    return check_year(parse_int(raw))


#: The parser of a structure key's value, by the type of its field (an optional whole
#: number is the year; a required one a number of days or persons, at least 1).
_PARSERS: dict[Any, Parser] = {
    str: parse_text,
    str | None: parse_text,
    int | None: _year,
    int: _positive_int,
    Decimal: percent_parser(False),
}
#: The nested records of :class:`Site` and the prefix of their fields' targets.
_NESTED = {
    "pathway_policy": (PathwayPolicy, "pathway."),
    "funding_policy": (FundingPolicy, "funding."),
}


def _key_parsers() -> dict[str, tuple[str, Parser]]:
    """Each key of the sheet (a field's ``column``, nested policies flattened; the
    caps, ``plafond_<financeur>``, apart): the field it fills and the parser of its value."""
    keys: dict[str, tuple[str, Parser]] = {}
    for field in attrs.fields(Site):
        record, prefix = _NESTED.get(field.name, (None, ""))
        fields = attrs.fields(record) if record is not None else (field,)
        hints = typing.get_type_hints(record or Site)
        for inner in fields:
            if inner.name == "caps":
                continue
            target = prefix + inner.name
            keys[str(inner.metadata["column"])] = target, _PARSERS[hints[inner.name]]
    return keys


_KEY_PARSERS = _key_parsers()
#: The keys of the ``structure`` sheet, in the order the template and the writer list
#: them (``plafond_<financeur>`` keys come after, one per funder): derived from the
#: fields of :class:`~citeslab_core.model.Site`.
STRUCTURE_KEYS: tuple[str, ...] = tuple(_KEY_PARSERS)


def structure_rows(site: Site) -> list[tuple[str, object]]:
    """The ``structure`` sheet of ``site``: each key and its value, in
    :data:`STRUCTURE_KEYS` order, then a ``plafond_<financeur>`` row per cap."""
    rows: list[tuple[str, object]] = []
    for key, (target, _) in _KEY_PARSERS.items():
        value: object = site
        for part in target.split("."):
            value = getattr(value, _POLICY_OF.get(part, part))
        rows.append((key, value))
    rows.extend((f"plafond_{funder.code}", cap) for funder, cap in site.funding_policy.caps.items())
    return rows


#: The :class:`Site` field of each nested policy, by its targets' prefix.
_POLICY_OF = {prefix.rstrip("."): name for name, (_, prefix) in _NESTED.items()}
_KEYS_BY_NORM = {normalize(k): k for k in _KEY_PARSERS}
_CAP = re.compile(r"^plafond[ _-]?(.+)$")


def read_site(sheet: RawSheet, rank: int, out: Collector) -> Site:
    """The site the ``structure`` sheet describes (a key and a value a row), problems
    into ``out``."""
    rows = iter(sheet.rows)
    found = header_row(sheet, rows)
    if found is None:
        return Site()
    key_col, value_col = _key_value_columns(sheet, found, rank, out)
    if key_col < 0 or value_col < 0:
        return Site()
    values: dict[str, object] = {}
    caps: dict[Funder, Decimal] = {}
    seen: dict[str, int] = {}
    percent = percent_parser(sheet.fractions_ambiguous)
    for number, cells in rows:
        raw_key = cells[key_col] if key_col < len(cells) else None
        raw_value = cells[value_col] if value_col < len(cells) else None
        if isinstance(raw_value, str):
            raw_value = unquote(raw_value)
        key_where = Location(sheet.file, sheet.name, number, "cle", column_letter(key_col))
        if is_empty(raw_key):
            if not is_empty(raw_value):
                out.add(rank, key_where, "une valeur sans clé", key_col)
            continue
        key = parse_text(raw_key).strip()
        if key.startswith("_"):
            continue
        norm = normalize(key)
        if norm in seen:
            out.add(
                rank, key_where, f"clé « {key} » en double (déjà à la ligne {seen[norm]})", key_col
            )
            continue
        seen[norm] = number
        target = _target(key, norm, percent, where=key_where, column=key_col, rank=rank, out=out)
        if target is None or is_empty(raw_value):
            continue
        name, funder, parse = target
        try:
            value = parse(raw_value)
        except CellError as exc:
            where = Location(sheet.file, sheet.name, number, "valeur", column_letter(value_col))
            out.add(rank, where, f"clé {key} : {exc}", value_col)
            continue
        if funder is not None:
            caps[funder] = value
        else:
            values[name] = value
    return _site(values, caps)


def _key_value_columns(
    sheet: RawSheet, found: tuple[int, list[str]], rank: int, out: Collector
) -> tuple[int, int]:
    """The positions of the key and value columns (-1 when missing, reported), other
    headers reported unless they start with ``_``."""
    head_number, headers = found
    key_col = value_col = -1
    for index, header in enumerate(headers):
        where = Location(sheet.file, sheet.name, head_number, header or None, column_letter(index))
        norm = normalize(header)
        if norm == "cle":
            key_col = index
        elif norm == "valeur":
            value_col = index
        elif header and not header.startswith("_"):
            out.add(
                rank,
                where,
                f"colonne « {header} » inconnue{did_you_mean(header, ('Clé', 'Valeur'))} "
                "(colonnes possibles : Clé, Valeur)",
                index,
            )
    for name, index in (("cle", key_col), ("valeur", value_col)):
        if index < 0:
            out.add(
                rank,
                Location(sheet.file, sheet.name, head_number, name),
                f"colonne obligatoire « {name} » absente",
            )
    return key_col, value_col


def _target(
    key: str,
    norm: str,
    percent: Any,
    *,
    where: Location,
    column: int,
    rank: int,
    out: Collector,
) -> tuple[str, Funder | None, Any] | None:
    """Where a key's value goes (a Site field, dotted for a policy's, or a funder's cap)
    and how it is read; None for an unknown key (reported)."""
    if norm in _KEYS_BY_NORM:
        target, parse = _KEY_PARSERS[_KEYS_BY_NORM[norm]]
        return target, None, parse
    cap = _CAP.match(norm)
    if cap:
        try:
            return "cap", Funder.parse(cap[1]), percent
        except CellError as exc:
            out.add(rank, where, f"clé « {key} » : {exc}", column)
            return None
    near = did_you_mean(key, STRUCTURE_KEYS)
    out.add(
        rank,
        where,
        f"clé « {key} » inconnue{near} (clés possibles : {', '.join(STRUCTURE_KEYS)}, "
        "plafond_<financeur> ; une clé qui commence par _ est ignorée)",
        column,
    )
    return None


def _site(values: dict[str, object], caps: dict[Funder, Decimal]) -> Site:
    """The site of the values read (``pathway.…`` and ``funding.…`` for the policies)."""
    pathway: dict[str, Any] = {
        k.split(".")[1]: v for k, v in values.items() if k.startswith("pathway.")
    }
    funding: dict[str, Any] = {
        k.split(".")[1]: v for k, v in values.items() if k.startswith("funding.")
    }
    plain: dict[str, Any] = {k: v for k, v in values.items() if "." not in k}
    return Site(
        **plain,
        pathway_policy=PathwayPolicy(**pathway),
        funding_policy=FundingPolicy(caps=caps, **funding),
    )
