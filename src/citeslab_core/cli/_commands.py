"""The commands but ``exporter``: valider, bilan, suivi, modele, cle, exemple."""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from citeslab_core.cli._common import (
    EXIT_DATA,
    EXIT_OK,
    check_not_an_input,
    check_output_file,
    emit,
    emit_parts,
    is_network,
    load,
    period,
    rows_text,
    say,
    today,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from citeslab_core.bilan import PublicBilan
    from citeslab_core.bilan.checks import Check
    from citeslab_core.errors import Problem
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
    """Every error of every kind in one run (docs/commands.md): the sheets' errors, then
    the référent's rules (dates after the control date among them) on every person whose
    own rows could be read; a person with a broken row is the only one left for later."""
    from citeslab_core.errors import InvalidData

    if args.input is not None and not args.example:
        from citeslab_core.bilan.file import is_bilan_file

        if is_bilan_file(args.input):
            return _validate_bilan(args.input)
    on = args.on or today()
    problems: tuple[Problem, ...] = ()
    aside: tuple[str, ...] = ()
    try:
        data = load(args)
    except InvalidData as exc:
        if exc.readable is None:
            raise
        problems, aside, data = exc.problems, exc.set_aside, exc.readable
        say(exc.summary())
    from citeslab_core.derive.rules import Severity, findings, sources

    errors = [f for f in findings(data, on) if f.severity is Severity.ERROR]
    if errors:
        say(
            f"{len(errors)} erreur{'s' if len(errors) > 1 else ''} des règles du référent "
            "de parcours :"
        )
        for finding, places in zip(errors, sources(data, errors), strict=True):
            where = f"{rows_text(places)} : " if places else ""
            say(f"- {where}{finding.describe()}")
    if aside:
        say(_aside_note(aside))
    budget_errors = 0
    if not any(_is_budget(problem) for problem in problems):
        budget_errors = _budget_findings(data)
    total = len(problems) + len(errors) + budget_errors
    if total:
        if total > max(len(problems), len(errors), budget_errors):  # several kinds
            say(f"En tout : {total} erreurs à corriger.")
        return EXIT_DATA
    print(
        f"Données valides : {len(data.persons)} porteurs, {len(data.events)} suivis, "
        f"{len(data.animations)} animations."
    )
    return EXIT_OK


def _validate_bilan(path: Path) -> int:
    """``valider`` on a bilan JSON file: every problem at once, located by the JSON path
    (:func:`~citeslab_core.bilan.file.read_bilan`), as for a workbook; a short summary
    when it holds."""
    from citeslab_core.bilan.file import read_bilan
    from citeslab_core.errors import InvalidData
    from citeslab_core.french import format_count, format_period

    try:
        bilan = read_bilan(path)
    except InvalidData as exc:
        say(exc.summary())
        say(
            "Ce fichier est un bilan JSON : corrigez-le là où chaque erreur le dit (chemin "
            "JSON), ou refaites-le depuis les fiches du site (citeslab bilan … --format json)."
        )
        return EXIT_DATA
    kind = "Bilan public (petits effectifs masqués)" if bilan.public else "Bilan complet"
    sites = f", {format_count(len(bilan.sites))} sites" if bilan.sites else ""
    accompanied = "s" if bilan.accompanied is None else format_count(bilan.accompanied)
    print(f"Bilan valide : {bilan.site}, {format_period(bilan.start, bilan.end)}.")
    print(f"{kind}{sites}, {accompanied} porteurs accompagnés.")
    return EXIT_OK


def _aside_note(aside: Sequence[str]) -> str:
    """The line that names the persons whose rules wait for their rows to be corrected."""
    shown = ", ".join(aside[:10]) + (f" et {len(aside) - 10} autres" if len(aside) > 10 else "")
    if len(aside) == 1:
        return (
            f"Les règles du référent de parcours du porteur {shown} seront contrôlées une fois "
            "ses lignes corrigées (une de ses lignes est illisible) ; celles des autres "
            "porteurs l'ont été."
        )
    return (
        f"Les règles du référent de parcours de {len(aside)} porteurs ({shown}) seront "
        "contrôlées une fois leurs lignes corrigées (une de leurs lignes est illisible) ; "
        "celles des autres porteurs l'ont été."
    )


def _is_budget(problem: Problem) -> bool:
    """Whether ``problem`` is in the budget sheet (its findings then wait for it)."""
    from citeslab_core.readers.tables import known_sheet

    sheet = problem.location.sheet
    return sheet is not None and known_sheet(sheet.split("[")[0]) == "budget"


def _budget_findings(data: Dataset) -> int:
    """Print the compte rendu financier's findings of every budget year (errors, then
    warnings); the number of errors."""
    from citeslab_core.bilan.crf import dataset_findings

    findings = dataset_findings(data)
    found_errors = 0
    for severity, heading in (
        ("erreur", "erreur{s} du compte rendu financier (feuille budget)"),
        ("avertissement", "avertissement{s} du compte rendu financier (feuille budget)"),
    ):
        group = [f for f in findings if f.severity == severity]
        if not group:
            continue
        found_errors += len(group) if severity == "erreur" else 0
        plural = "s" if len(group) > 1 else ""
        say(f"{len(group)} {heading.format(s=plural)} :")
        for finding in group:
            places = [p for p in (data.origin("budget", i) for i in finding.rows) if p]
            where = f"{rows_text(places)} : " if places else ""
            say(f"- {where}{finding.message}")
    return found_errors


def cmd_report(args: argparse.Namespace) -> int:
    start, end = period(args)
    if args.format == "pptx" and args.output is None:
        from citeslab_core.errors import UsageError

        raise UsageError(
            "--format pptx écrit un fichier : indiquez-le avec -o (--sortie), par exemple "
            "-o bilan-2023.pptx"
        )
    if args.output is not None:
        check_not_an_input(args.output, args.inputs)
        check_output_file(args.output, force=args.force)
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
    if args.format == "pptx":
        # A deck is a document for funders: the checks with --avec-controles only.
        _write_deck(args, bilan, data, with_checks=args.with_checks is True)
        if args.with_checks is not True:
            say(checks_summary(bilan.checks))
        return EXIT_OK
    if args.format == "json":
        from citeslab_core.render.json import render
    elif args.format == "html":
        from citeslab_core.render.html import render
    else:
        from citeslab_core.render.text import render
    # The bilan a funder receives carries no checks (docs/decisions.md): the text and the page
    # have them with --avec-controles only; the JSON, which tools read, keeps them unless
    # --sans-controles. A document without them leaves a one-line summary on the terminal.
    with_checks = args.with_checks is True or (args.format == "json" and args.with_checks is None)
    emit(render(bilan, checks=with_checks), args.output, force=args.force)
    if not with_checks:
        say(checks_summary(bilan.checks))
    return EXIT_OK


def checks_summary(checks: Sequence[Check]) -> str:
    """The one line the terminal gets about the checks a document leaves out."""
    if not checks:
        return "Contrôles : aucun constat."
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.severity.label.lower()] = counts.get(check.severity.label.lower(), 0) + 1
    listed = ", ".join(f"{n} {label}{'s' if n > 1 else ''}" for label, n in counts.items())
    return (
        f"Contrôles : {listed}, laissés hors du bilan (pour les y mettre : --avec-controles ; "
        "le détail des données : citeslab valider)."
    )


def _write_deck(
    args: argparse.Namespace, bilan: PublicBilan, data: Dataset | None, *, with_checks: bool
) -> None:
    """The deck (citeslab_core.render.deck), with the next year's calendar when the
    records are at hand (not for a network or a bilan file)."""
    import datetime as dt

    from citeslab_core.render.deck import write_deck

    calendar = None
    if data is not None:
        from citeslab_core.derive.calendar import build_calendar

        year = bilan.end.year + 1
        calendar = build_calendar(data, dt.date(year, 1, 1), dt.date(year, 12, 31))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_deck(
        bilan,
        args.output,
        with_checks=with_checks,
        calendar=calendar,
        force=args.force,
    )
    say(f"Écrit : {args.output}")


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
personne (exporter pic) : le financeur peut suivre un parcours d'une année à l'autre sans
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
  citeslab exporter pic VOTRE-CLASSEUR.xlsx --annee 2023 -o DOSSIER --cle {file}"""


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
