"""Bilan files: a :class:`Bilan` written as its ``citeslab.bilan/1`` JSON document and read
back equal, through one converter (:mod:`citeslab_core.bilan._json`).

:func:`to_json` gives the document's text, :func:`write_bilan` writes it (whole or not at
all, as every output of the library), :func:`read_bilan` reads it back: a bilan file holds
no personal data (docs/bilan-json.md), so a region can collect its sites' files and sum
them (:func:`citeslab_core.network.network_bilan`) without ever seeing a record.

A bilan file is checked like a workbook (:mod:`citeslab_core.bilan._validation`): its
JSON (duplicate keys, depth, size, numbers that are not numbers), each value's type,
range and code, and the sums the bilan publishes. Every problem is raised at once, in
French, located by the file and the JSON path (``bilan.json, tables.sexe[2].effectif :
…``), as an :class:`~citeslab_core.errors.InvalidData`.

:func:`read_inputs` reads several sites' inputs, records (workbook, CSV folder, canonical
JSON) or bilan files mixed, and gathers every file's errors at once; a public bilan file
is refused there (its masked cells cannot be summed).
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citeslab_core.bilan._json import SCHEMA, structure_bilan, unstructure_bilan
from citeslab_core.bilan._results import Bilan, PublicBilan
from citeslab_core.bilan._validation import (
    DEPTH_PROBLEM,
    check_document,
    located,
    parse_document,
    structure_problems,
)
from citeslab_core.errors import InvalidData, Location, Problem, UsageError
from citeslab_core.model import _views as views
from citeslab_core.model import guards

if TYPE_CHECKING:
    from citeslab_core.model import Dataset

__all__ = [
    "SCHEMA",
    "from_data",
    "is_bilan_file",
    "read_bilan",
    "read_inputs",
    "to_data",
    "to_json",
    "write_bilan",
]


def to_data(bilan: PublicBilan, *, checks: bool = True) -> dict[str, Any]:
    """The JSON document as Python data (dicts, lists, str, int, float, bool, None).

    ``checks=False`` (``report --without-checks``) leaves the ``controles`` key out, in
    the sites' bilans too."""
    document = unstructure_bilan(bilan)
    if not checks:
        _drop_checks(document)
    return document


def _drop_checks(document: dict[str, Any]) -> None:
    del document["controles"]
    for site in document.get("sites", ()):
        _drop_checks(site)


def to_json(bilan: PublicBilan, *, checks: bool = True) -> str:
    """The bilan's ``citeslab.bilan/1`` document: UTF-8 text, two-space indent, a final
    newline; the same bilan gives the same text, byte for byte (a stamped bilan's
    ``provenance.genere_le`` is its stamp's time: ``SOURCE_DATE_EPOCH`` fixes it)."""
    from citeslab_core.readers.files import clean_text

    text = json.dumps(to_data(bilan, checks=checks), ensure_ascii=False, indent=2)
    return clean_text(text + "\n")


# Bilan.to_json() (the bilan's room does not import this module: model._views).
views.BILAN_JSON.register(to_json)


def write_bilan(bilan: PublicBilan, path: str | os.PathLike[str], *, force: bool = False) -> None:
    """Write :func:`to_json` to ``path``, whole or not at all (a temporary file renamed
    over it); an existing file is replaced only with ``force=True`` (never a link, a
    folder or a device)."""
    from citeslab_core.readers.files import write_atomic

    guards.instance(bilan, Bilan, "bilan", "un bilan (compute_bilan(…) ou read_bilan(…))")
    target = guards.path(path, "path")
    force = guards.flag(force, "force")
    write_atomic(target, to_json(bilan).encode("utf-8"), force=force)


def is_bilan_file(path: Path) -> bool:
    """A ``.json`` file whose first key is ``"schema": "citeslab.bilan/…"`` (as
    :func:`to_json` writes it), read from its first bytes only."""
    if not path.is_file() or path.suffix.lower() != ".json":  # a FIFO: never opened
        return False
    try:
        with path.open("rb") as stream:
            head = stream.read(256).decode("utf-8", "replace")
    except OSError:
        return False
    return '"schema"' in head and '"citeslab.bilan/' in head.split(",", 1)[0]


def _problem(path: Path, message: str) -> InvalidData:
    return InvalidData([Problem(Location(file=str(path)), message)])


#: The largest bilan file read (a network of a thousand sites is a few tens of megabytes).
MAX_BILAN_BYTES = 256 * 2**20


def read_bilan(path: str | os.PathLike[str]) -> PublicBilan:
    """The bilan held by the ``citeslab.bilan/1`` JSON file at ``path``, equal to the
    bilan written (public or not, a network's with its sites). Refused with
    :class:`~citeslab_core.errors.InvalidData`, every problem at once: see the module
    docstring."""
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
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _problem(path, "ce n'est pas un fichier ordinaire : un bilan JSON est attendu")
        if info.st_size > MAX_BILAN_BYTES:
            raise _problem(
                path,
                f"fichier de {info.st_size} octets : trop grand pour un bilan (au plus 256 Mo)",
            )
        raw = path.read_bytes()
    except OSError as exc:
        from citeslab_core.readers.files import system_reason

        raise _problem(path, f"fichier illisible : {system_reason(exc)}") from None
    return loads_bilan(raw, file=str(path))


def loads_bilan(raw: str | bytes, *, file: str | None = None) -> PublicBilan:
    """The bilan of a ``citeslab.bilan/1`` document's text (see :func:`read_bilan`)."""
    return from_data(parse_document(raw, file), file=file)


def from_data(document: Any, *, file: str | None = None) -> PublicBilan:
    """The bilan of a parsed ``citeslab.bilan/1`` document (floats read as Decimal),
    checked (:mod:`citeslab_core.bilan._validation`); every problem raised at once."""
    where = Location(file=file)
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise InvalidData([Problem(where, _not_a_bilan(document))])
    problems = check_document(document, file)
    if any(p.message.startswith(DEPTH_PROBLEM) for p in problems):
        raise InvalidData(problems)  # the converter would recurse that deep
    try:
        bilan = structure_bilan(document)
    except Exception as exc:  # cattrs' validation errors, gathered with the others
        said = {p.location for p in problems}
        found = [p for p in structure_problems(exc, file) if p.location not in said]
        raise InvalidData([*problems, *found]) from None
    if problems:
        raise InvalidData(problems)
    problems = located(bilan, document, file)
    if problems:
        raise InvalidData(problems)
    return bilan


def _not_a_bilan(document: Any) -> str:
    if isinstance(document, dict) and "schema_version" in document:
        return "c'est un jeu de données (JSON canonique des fiches), pas un bilan"
    if isinstance(document, dict) and str(document.get("schema", "")).startswith("citeslab.bilan/"):
        return (
            f"schéma « {str(document['schema'])[:40]} » inconnu de cette version de citeslab "
            f"(attendu : {SCHEMA})"
        )
    return f"ce fichier n'est pas un bilan citeslab (schéma {SCHEMA} attendu)"


_PUBLIC = (
    "bilan public (petits effectifs masqués « s ») : ses cases masquées ne peuvent pas être "
    "additionnées exactement. Demandez au site son bilan complet (citeslab report … "
    "--format json, sans --public) ; le bilan du réseau se masque après la somme (--public)."
)


def read_inputs(paths: Iterable[Path]) -> list[Dataset | PublicBilan]:
    """Each input read: a bilan file (:func:`is_bilan_file`) into a :class:`Bilan` (a
    public one is refused: it cannot be summed), any other path (workbook, CSV folder,
    canonical JSON) into a :class:`~citeslab_core.model.Dataset`
    (:func:`citeslab_core.readers.read_input`). Every file's data errors are gathered
    into one :class:`~citeslab_core.errors.InvalidData`."""
    from citeslab_core.readers import read_input

    if isinstance(paths, str | os.PathLike) or not isinstance(paths, Iterable):
        raise UsageError(
            f"paths = {guards.shown(paths)} : il faut une liste de chemins, "
            "read_inputs([chemin1, chemin2])"
        )
    checked = [guards.path(p, f"paths[{i}]") for i, p in enumerate(paths)]
    results: list[Dataset | PublicBilan] = []
    problems: list[Problem] = []
    for path in checked:
        try:
            if is_bilan_file(path):
                bilan = read_bilan(path)
                if bilan.public:
                    raise _problem(path, _PUBLIC)
                results.append(bilan)
            else:
                results.append(read_input(path))
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
