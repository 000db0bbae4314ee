"""The commands but ``export``: validate, report, followup, template, cle, example."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from citeslab_core.cli._common import (
    EXIT_DATA,
    EXIT_OK,
    emit,
    emit_parts,
    is_network,
    load,
    period,
    rows_text,
    today,
)

if TYPE_CHECKING:
    from citeslab_core.model import Dataset

__all__ = [
    "cmd_example",
    "cmd_followup",
    "cmd_key",
    "cmd_report",
    "cmd_template",
    "cmd_validate",
]


def cmd_validate(args: argparse.Namespace) -> int:
    data = load(args)
    from citeslab_core.derive.rules import Severity, check, sources

    on = args.on or today()
    errors = [f for f in check(data, on) if f.severity is Severity.ERROR]
    if errors:
        print(
            f"{len(errors)} erreur{'s' if len(errors) > 1 else ''} des règles du référent "
            "de parcours :",
            file=sys.stderr,
        )
        for finding, places in zip(errors, sources(data, errors), strict=True):
            where = f"{rows_text(places)} : " if places else ""
            print(f"- {where}{finding.describe()}", file=sys.stderr)
    if _budget_findings(data) or errors:
        return EXIT_DATA
    print(
        f"Données valides : {len(data.persons)} porteurs, {len(data.events)} suivis, "
        f"{len(data.animations)} animations."
    )
    return EXIT_OK


def _budget_findings(data: Dataset) -> bool:
    """Print the compte rendu financier's findings of every budget year (errors, then
    warnings); True when there is an error."""
    from citeslab_core.bilan.crf import dataset_findings

    findings = dataset_findings(data)
    found_error = False
    for severity, heading in (
        ("erreur", "erreur{s} du compte rendu financier (feuille budget)"),
        ("avertissement", "avertissement{s} du compte rendu financier (feuille budget)"),
    ):
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        found_error = found_error or severity == "erreur"
        plural = "s" if len(group) > 1 else ""
        print(f"{len(group)} {heading.format(s=plural)} :", file=sys.stderr)
        for finding in group:
            places = [p for p in (data.origin("budget", i) for i in finding.rows) if p]
            where = f"{rows_text(places)} : " if places else ""
            print(f"- {where}{finding.message}", file=sys.stderr)
    return found_error


def cmd_report(args: argparse.Namespace) -> int:
    start, end = period(args)
    if args.output is not None:
        from citeslab_core.readers.files import check_writable

        check_writable(args.output, force=args.force)
    from citeslab_core.bilan.provenance import generation_time, stamp

    if is_network(args):
        from citeslab_core.network import network_of_inputs

        made = network_of_inputs(args.inputs, start, end, public=args.public).bilan
        gc.freeze()
        data = None
    else:
        data = load(args)
        from citeslab_core.bilan import compute_bilan

        made = compute_bilan(data, start, end, public=args.public)
    bilan = stamp(made, data, generated=generation_time(os.environ))
    if args.format == "json":
        from citeslab_core.render.json import render
    elif args.format == "html":
        from citeslab_core.render.html import render
    else:
        from citeslab_core.render.text import render
    emit(render(bilan, checks=not args.without_checks), args.output, force=args.force)
    return EXIT_OK


def cmd_followup(args: argparse.Namespace) -> int:
    data = load(args)
    from citeslab_core.derive.followup import followup
    from citeslab_core.render.followup import json_parts, render_text

    todo = followup(data, args.on or today())
    del data  # the list holds what it shows: the dataset's memory goes before writing
    if args.format == "json":
        emit_parts(json_parts(todo))
    else:
        emit(render_text(todo), None, force=False)
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from citeslab_core.errors import UsageError
    from citeslab_core.readers.files import check_writable, write_atomic

    if args.file.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.file} : le modèle est un classeur Excel, nommez-le en .xlsx")
    check_writable(args.file, force=args.force)
    from citeslab_core.readers.template import build_template

    write_atomic(args.file, build_template(), force=args.force)
    print(f"Modèle écrit : {args.file}")
    return EXIT_OK


_KEY_ADVICE = """\
Cette clé secrète remplace chaque porteur par un pseudonyme dans les fichiers par
personne (export pic) : le financeur peut suivre un parcours d'une année à l'autre sans
jamais savoir qui est qui.

Où la garder :
- ailleurs que le classeur et les fichiers envoyés : ne la transmettez jamais, ni au
  financeur ni par e-mail ;
- avec une copie de sauvegarde en lieu sûr (le coffre-fort de mots de passe de la
  structure, ou une clé USB rangée) : un ordinateur se perd ou se remplace.

Pourquoi la même chaque année : avec la même clé, une personne garde le même
pseudonyme d'une année sur l'autre. Avec une autre clé, tous les pseudonymes changent
et le financeur ne peut plus relier les fichiers des années passées. Si la clé est
perdue, les fichiers déjà envoyés restent valables, mais le lien avec eux est perdu.
Si elle a été divulguée, créez-en une nouvelle et prévenez le financeur.

Utilisation :
  citeslab export pic VOTRE-CLASSEUR.xlsx --year 2023 -o DOSSIER --key-file {file}"""


def cmd_key(args: argparse.Namespace) -> int:
    from citeslab_core.errors import UsageError
    from citeslab_core.exporting.privacy import write_new_key

    path: Path = args.file
    if path.exists() or path.is_symlink():
        raise UsageError(
            f"{path} existe déjà : une clé n'est jamais remplacée (les pseudonymes des années "
            "passées en dépendent). Gardez celle-ci, ou choisissez un autre nom de fichier."
        )
    try:
        write_new_key(path)
    except FileExistsError:
        raise UsageError(f"{path} existe déjà : une clé n'est jamais remplacée") from None
    print(f"Clé de pseudonymisation écrite : {path}")
    if os.name == "posix":
        print("Le fichier n'est lisible que par vous.")
    print()
    print(_KEY_ADVICE.format(file=path))
    return EXIT_OK


def cmd_example(args: argparse.Namespace) -> int:
    from citeslab_core.errors import UsageError

    directory: Path = args.directory
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} n'est pas un dossier")
    directory.mkdir(parents=True, exist_ok=True)
    from citeslab_core.readers.converter import dumps
    from citeslab_core.readers.example import load_example
    from citeslab_core.readers.files import write_all_atomic
    from citeslab_core.readers.workbook import write_workbook

    data = load_example()
    workbook, document = directory / "exemple.xlsx", directory / "exemple.json"
    write_all_atomic(
        [(workbook, write_workbook(data)), (document, dumps(data).encode("utf-8"))],
        force=args.force,
    )
    print(f"Exemple écrit : {workbook} et {document}")
    return EXIT_OK
