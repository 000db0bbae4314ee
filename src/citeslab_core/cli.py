"""The ``citeslab`` command: wires readers, computations, renderers and writers together.

Commands are English, everything the command says is French. Exit codes: 0 success,
1 data errors, 2 usage errors. A user's mistake never shows a Python traceback.

Start-up is kept light: this module imports only the standard library at load time, and
each command imports what it needs (openpyxl, babel, the exporters) when it runs, so that
``citeslab --help`` answers at once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from citeslab_core.bilan import Bilan
    from citeslab_core.errors import Location
    from citeslab_core.model import Dataset

__all__ = ["main"]

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with a French usage line."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse, in French, exiting with 2 on a usage error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        help_action = kwargs.pop("help_action", "help")
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if help_action == "help":
            self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")
        else:
            self.add_argument(
                "-h",
                "--help",
                action=help_action,
                nargs=0,
                default=argparse.SUPPRESS,
                help="afficher cette aide et quitter",
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {_french_argparse(message)}\n")


_ARGPARSE_FR = (
    ("the following arguments are required", "paramètres obligatoires manquants"),
    ("unrecognized arguments", "paramètres inconnus"),
    ("invalid choice", "choix invalide"),
    ("choose from", "valeurs possibles"),
    ("expected one argument", "une valeur est attendue"),
    ("invalid int value", "nombre entier invalide"),
    ("not allowed with argument", "incompatible avec"),
    ("argument", "option"),
)


def _french_argparse(message: str) -> str:
    for english, french in _ARGPARSE_FR:
        message = message.replace(english, french)
    return message


def _date(text: str) -> dt.date:
    from citeslab_core.dates import parse_day
    from citeslab_core.errors import CellError

    try:
        return parse_day(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_input(parser: argparse.ArgumentParser, *, several: bool = False) -> None:
    if several:  # several sites: the network (docs/network.md)
        parser.add_argument(
            "inputs",
            nargs="*",
            type=Path,
            metavar="ENTREE",
            help="classeur (.xlsx), dossier de fichiers CSV ou JSON canonique ; plusieurs "
            "sites (fiches ou bilans JSON) donnent le bilan du réseau",
        )
    else:
        parser.add_argument(
            "input",
            nargs="?",
            type=Path,
            metavar="ENTREE",
            help="classeur (.xlsx), dossier de fichiers CSV ou JSON canonique",
        )
    parser.add_argument(
        "--example",
        action="store_true",
        help="utiliser l'exemple fourni (un CitésLab fictif, 2022 à 2024)",
    )


def _add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, metavar="ANNEE", help="l'année du bilan")
    parser.add_argument(
        "--from",
        dest="start",
        type=_date,
        metavar="DATE",
        help="début de la période (avec --to, au lieu de --year)",
    )
    parser.add_argument(
        "--to", dest="end", type=_date, metavar="DATE", help="fin de la période (incluse)"
    )
    parser.add_argument(
        "--quarter",
        metavar="TRIMESTRE",
        help="un trimestre au lieu de --year : 2024-T2 (avril à juin 2024)",
    )


def _quarter(text: str) -> tuple[dt.date, dt.date]:
    """``2024-T2`` (or ``2024T2``, ``T2-2024``, ``2024-Q2``): that quarter's first and last day."""
    import re

    from citeslab_core.errors import UsageError
    from citeslab_core.periods import Period

    cleaned = text.strip().upper().replace(" ", "")
    found = re.fullmatch(r"(\d{4})-?[TQ]([1-4])", cleaned) or re.fullmatch(
        r"[TQ]([1-4])-?(\d{4})", cleaned
    )
    if found is None:
        raise UsageError(
            f"--quarter « {text} » : un trimestre s'écrit ANNEE-Tn, par exemple 2024-T2"
        )
    year, number = (found[1], found[2]) if len(found[1]) == 4 else (found[2], found[1])
    if not 1900 <= int(year) <= 2100:
        raise UsageError(f"--quarter {text} : une année entre 1900 et 2100 est attendue")
    period = Period.quarter(int(year), int(number))
    return period.start, period.end


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="citeslab",
        description="Les données d'un CitésLab : contrôle, suivi des parcours, bilan annuel "
        "et fichiers pour chaque financeur.",
        epilog="Codes de sortie : 0 succès, 1 erreurs dans les données, 2 erreur d'usage.",
    )
    parser.add_argument("--version", action=_VersionAction, help="afficher la version et quitter")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)

    validate = commands.add_parser(
        "validate",
        help="contrôler les données et les règles du référent de parcours",
        description="Contrôle le classeur : valeurs, dates, identifiants, colonnes, et les "
        "règles R3, R8 et R10 du référent de parcours. Sort avec 1 s'il y a une "
        "erreur.",
    )
    _add_input(validate)
    validate.add_argument(
        "--on", type=_date, metavar="DATE", help="date du contrôle (par défaut aujourd'hui)"
    )

    report = commands.add_parser(
        "report", help="le bilan d'une période", description="Calcule le bilan de la période."
    )
    _add_input(report, several=True)
    _add_period(report)
    report.add_argument(
        "--format",
        choices=["text", "json", "html"],
        default="text",
        help="texte pour le terminal (par défaut), JSON ou page HTML",
    )
    report.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FICHIER",
        help="écrire dans ce fichier au lieu de la sortie standard",
    )
    report.add_argument(
        "--public", action="store_true", help="masquer les petits effectifs (diffusion publique)"
    )
    report.add_argument(
        "--without-checks",
        action="store_true",
        help="laisser les contrôles hors du bilan (version pour les financeurs ; ils restent "
        "dans validate et dans le bilan par défaut)",
    )
    report.add_argument("--force", action="store_true", help="remplacer le fichier existant")

    followup = commands.add_parser(
        "followup",
        help="la liste des actions du référent de parcours à une date",
        description="Qui contacter, quel partenaire relancer, quels parcours clore.",
    )
    _add_input(followup)
    followup.add_argument(
        "--on", type=_date, metavar="DATE", help="date de la liste (par défaut aujourd'hui)"
    )
    followup.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="texte (avec nom et téléphone) ou JSON (identifiants seuls)",
    )

    export = commands.add_parser(
        "export",
        help_action=_ExportHelpAction,
        help="les fichiers d'un financeur",
        description="Lance l'exportateur NOM sur le bilan de la "
        "période et écrit ses fichiers dans le dossier.",
    )
    export.add_argument("name", metavar="NOM", help="l'exportateur (voir citeslab exporters)")
    _add_input(export, several=True)
    _add_period(export)
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DOSSIER",
        required=True,
        help="dossier où écrire les fichiers",
    )
    export.add_argument("--format", metavar="FORMAT", help="format des fichiers (xlsx, csv…)")
    export.add_argument("--public", action="store_true", help="masquer les petits effectifs")
    export.add_argument("--force", action="store_true", help="remplacer les fichiers existants")
    export.add_argument(
        "--key-file",
        type=Path,
        metavar="FICHIER",
        help="clé de pseudonymisation (sinon CITESLAB_PSEUDO_KEY) ; la créer : citeslab cle",
    )

    key = commands.add_parser(
        "cle",
        aliases=["key"],
        help="créer la clé de pseudonymisation (une fois pour toutes)",
        description="Crée un fichier de clé de pseudonymisation : une clé secrète tirée au "
        "hasard, que demandent les fichiers par personne (export pic). Un fichier qui "
        "existe n'est jamais remplacé. Gardez la clé et utilisez la même chaque année.",
    )
    key.add_argument("file", type=Path, metavar="FICHIER", help="le fichier de clé à créer")

    commands.add_parser(
        "exporters",
        help="les exportateurs installés",
        description="Les exportateurs installés, leurs formats, leur paquet "
        "et leurs erreurs de chargement.",
    )

    template = commands.add_parser(
        "template",
        help="un classeur vide à remplir",
        description="Écrit un classeur vide : une feuille par "
        "table, des listes déroulantes, une notice.",
    )
    template.add_argument("file", type=Path, metavar="FICHIER", help="le classeur .xlsx à écrire")
    template.add_argument("--force", action="store_true", help="remplacer le fichier existant")

    example = commands.add_parser(
        "example",
        help="écrire l'exemple fourni",
        description="Écrit l'exemple fourni dans DOSSIER, en classeur "
        "(exemple.xlsx) et en JSON (exemple.json).",
    )
    example.add_argument("directory", type=Path, metavar="DOSSIER")
    example.add_argument("--force", action="store_true", help="remplacer les fichiers existants")
    return parser


class _ExportHelpAction(argparse.Action):
    """``citeslab export NOM --help``: the command's help, then that exporter's own (its
    description, formats, files and options, from the plug-in: see
    :func:`citeslab_core.plugins.exporter_help`)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        parser.print_help()
        name = getattr(namespace, "name", None)
        if name:
            from citeslab_core.plugins import exporter_help

            print()
            print(exporter_help(name))
        else:
            print(
                "\nL'aide d'un exportateur : citeslab export NOM --help (NOM : voir "
                "citeslab exporters)."
            )
        parser.exit()


class _VersionAction(argparse.Action):
    """``--version``, looked up only when asked (importlib.metadata costs start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help=str(kwargs.get("help", "")),
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"citeslab {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citeslab")
    except PackageNotFoundError:
        return "inconnue"


# -- helpers shared by the commands -------------------------------------------------------


def _load(args: argparse.Namespace) -> Dataset:
    from citeslab_core.errors import UsageError

    if args.example:
        if args.input is not None:
            raise UsageError("donnez ENTREE ou --example, pas les deux")
        from citeslab_core.example import load_example

        data = load_example()
    elif args.input is None:
        raise UsageError("indiquez le fichier à lire (ENTREE) ou --example")
    else:
        from citeslab_core.readers import read_input

        data = read_input(args.input)
    for note in data.notes:  # warnings about the input (a hidden sheet, a row twice…)
        print(f"Avertissement : {note}", file=sys.stderr)
    # The records live until the command ends: moving them out of the collector's reach
    # spares every later collection a walk over a network's million objects.
    gc.freeze()
    return data


def _period(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    from citeslab_core.errors import UsageError

    quarter = getattr(args, "quarter", None)
    if quarter is not None:
        if args.year is not None or args.start or args.end:
            raise UsageError("--quarter ne va pas avec --year ni --from / --to")
        return _quarter(quarter)
    if args.year is not None:
        if args.start or args.end:
            raise UsageError("--year ne va pas avec --from / --to")
        if not 1900 <= args.year <= 2100:
            raise UsageError(f"--year {args.year} : une année entre 1900 et 2100 est attendue")
        return dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    if args.start and args.end:
        if args.end < args.start:
            raise UsageError("--to précède --from")
        return args.start, args.end
    raise UsageError(
        "indiquez la période : --year ANNEE, --quarter ANNEE-Tn, ou --from DATE --to DATE"
    )


def _today() -> dt.date:
    return dt.date.today()


def _emit(text: str, output: Path | None, *, force: bool) -> None:
    from citeslab_core.files import clean_text

    text = clean_text(text)
    if output is None:
        if sys.stdout is None:  # started with its standard output closed (`>&-`)
            from citeslab_core.errors import UsageError

            raise UsageError(
                "la sortie standard est fermée : rien ne peut y être écrit ; "
                "écrivez dans un fichier avec -o FICHIER"
            )
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from citeslab_core.files import write_atomic

    write_atomic(output, text.encode("utf-8"), force=force)
    print(f"Écrit : {output}", file=sys.stderr)


#: What a terminal that cannot show a character gets instead (cp1252, latin-1, ascii).
_FALLBACKS = {
    "\u202f": ("\u00a0", " "),  # babel's narrow no-break space (thousands, before %)
    "\u2009": ("\u00a0", " "),
    "\u2007": ("\u00a0", " "),
    "\u00a0": (" ",),
    "\u2019": ("'",),
    "\u2018": ("'",),
    "\u201c": ('"',),
    "\u201d": ('"',),
    "\u00ab": ('"',),
    "\u00bb": ('"',),
    "\u2013": ("-",),
    "\u2014": ("-",),
    "\u2026": ("...",),
    "\u20ac": ("EUR",),
    "\u0153": ("oe",),
    "\u0152": ("OE",),
    "\ufffd": ("?",),
}
_FALLBACK_ERRORS = "citeslab-repli"


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler of the command's streams: the nearest character the
    stream's encoding has (a no-break space for babel's narrow one), else ``?``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        for candidate in _FALLBACKS.get(char, ()):
            try:
                candidate.encode(error.encoding)
            except (UnicodeError, LookupError):
                continue
            out.append(candidate)
            break
        else:
            out.append("?")
    return "".join(out), error.end


def _protect_streams() -> None:
    """Make stdout and stderr never fail on a character their encoding lacks (a cp1252
    console, ``PYTHONIOENCODING=cp1252``): the command's process-wide choice, never the
    library's."""
    import codecs
    import io

    codecs.register_error(_FALLBACK_ERRORS, _fallback)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors in ("strict", "backslashreplace"):
            try:
                "\u202f\u20ac\u00e9".encode(stream.encoding)
            except (UnicodeError, LookupError):
                stream.reconfigure(errors=_FALLBACK_ERRORS)


# -- the commands ------------------------------------------------------------------------


def _rows_text(places: Sequence[Location]) -> str:
    """``x.xlsx, suivis, ligne 5`` or ``x.xlsx, suivis, lignes 5 et 6``."""
    from citeslab_core.errors import Location

    first = places[0]
    rows = sorted({p.row for p in places if p.row is not None})
    head = str(Location(first.file, first.sheet))
    if not rows:
        return head
    if len(rows) == 1:
        return f"{head}, ligne {rows[0]}"
    listed = ", ".join(map(str, rows[:-1])) + f" et {rows[-1]}"
    return f"{head}, lignes {listed}"


def _cmd_validate(args: argparse.Namespace) -> int:
    data = _load(args)
    from citeslab_core.rules import Severity, check, sources

    on = args.on or _today()
    errors = [f for f in check(data, on) if f.severity is Severity.ERROR]
    if errors:
        print(
            f"{len(errors)} erreur{'s' if len(errors) > 1 else ''} des règles du référent "
            "de parcours :",
            file=sys.stderr,
        )
        for finding, places in zip(errors, sources(data, errors), strict=True):
            where = f"{_rows_text(places)} : " if places else ""
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
    from citeslab_core.crf import dataset_findings

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
            where = f"{_rows_text(places)} : " if places else ""
            print(f"- {where}{finding.message}", file=sys.stderr)
    return found_error


def _network(args: argparse.Namespace) -> bool:
    """Several inputs, or one bilan file: the network's path (citeslab_core.network)."""
    inputs: list[Path] = args.inputs
    args.input = inputs[0] if len(inputs) == 1 else None
    if len(inputs) > 1 and args.example:
        from citeslab_core.errors import UsageError

        raise UsageError("donnez ENTREE ou --example, pas les deux")
    if len(inputs) == 1:
        from citeslab_core.bilanfile import is_bilan_file

        return is_bilan_file(inputs[0])
    return len(inputs) > 1


def _cmd_report(args: argparse.Namespace) -> int:
    start, end = _period(args)
    if args.output is not None:
        from citeslab_core.files import check_writable

        check_writable(args.output, force=args.force)
    from citeslab_core.provenance import generation_time, stamp

    if _network(args):
        from citeslab_core.network import network_of_inputs

        made = network_of_inputs(args.inputs, start, end, public=args.public).bilan
        gc.freeze()
        data = None
    else:
        data = _load(args)
        from citeslab_core.bilan import compute_bilan

        made = compute_bilan(data, start, end, public=args.public)
    bilan = stamp(made, data, generated=generation_time(os.environ))
    if args.format == "json":
        from citeslab_core.render.json import render
    elif args.format == "html":
        from citeslab_core.render.html import render
    else:
        from citeslab_core.render.text import render
    _emit(render(bilan, checks=not args.without_checks), args.output, force=args.force)
    return EXIT_OK


def _cmd_followup(args: argparse.Namespace) -> int:
    data = _load(args)
    from citeslab_core.followup import followup
    from citeslab_core.render.followup import render_json, render_text

    todo = followup(data, args.on or _today())
    text = render_json(todo) if args.format == "json" else render_text(todo)
    _emit(text, None, force=False)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from citeslab_core.plugins import run_export_command

    start, end = _period(args)
    network = None
    if _network(args):
        from citeslab_core.network import network_of_inputs

        def network() -> tuple[Bilan, tuple[Dataset | None, ...]]:
            made = network_of_inputs(args.inputs, start, end, public=args.public)
            return made.bilan, made.records

    return run_export_command(
        network=network,
        name=args.name,
        load=lambda: _load(args),
        start=start,
        end=end,
        output=args.output,
        format=args.format,
        public=args.public,
        force=args.force,
        key_file=args.key_file,
        environ=os.environ,
    )


def _cmd_exporters(args: argparse.Namespace) -> int:
    from citeslab_core.plugins import describe_exporters

    print(describe_exporters())
    return EXIT_OK


def _cmd_template(args: argparse.Namespace) -> int:
    from citeslab_core.errors import UsageError
    from citeslab_core.files import check_writable, write_atomic

    if args.file.suffix.lower() != ".xlsx":
        raise UsageError(f"{args.file} : le modèle est un classeur Excel, nommez-le en .xlsx")
    check_writable(args.file, force=args.force)
    from citeslab_core.template import build_template

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


def _cmd_key(args: argparse.Namespace) -> int:
    from citeslab_core.errors import UsageError
    from citeslab_core.privacy import write_new_key

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


def _cmd_example(args: argparse.Namespace) -> int:
    from citeslab_core.errors import UsageError

    directory: Path = args.directory
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} n'est pas un dossier")
    directory.mkdir(parents=True, exist_ok=True)
    from citeslab_core.converter import dumps
    from citeslab_core.example import load_example
    from citeslab_core.files import write_all_atomic
    from citeslab_core.readers.workbook import write_workbook

    data = load_example()
    workbook, document = directory / "exemple.xlsx", directory / "exemple.json"
    write_all_atomic(
        [(workbook, write_workbook(data)), (document, dumps(data).encode("utf-8"))],
        force=args.force,
    )
    print(f"Exemple écrit : {workbook} et {document}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _cmd_validate,
    "report": _cmd_report,
    "followup": _cmd_followup,
    "export": _cmd_export,
    "exporters": _cmd_exporters,
    "template": _cmd_template,
    "example": _cmd_example,
    "cle": _cmd_key,
}

#: Other names of a command (argparse gives the name typed).
_ALIASES = {"key": "cle"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    _protect_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    # A short-lived program building many records that hold no cycles: the collector is
    # paused for the whole command (each full collection would walk a network's million
    # records again and again), and what was read is frozen out of its reach (_load).
    # The command line may do this; the library, used inside other programs, never does.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if was_enabled:  # main() called in-process (tests, a wrapper) leaves it as it was
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    """The command of ``args``, its errors turned into French messages and exit codes."""
    from citeslab_core.errors import InvalidData, UsageError

    try:
        return COMMANDS[_ALIASES.get(args.command, args.command)](args)
    except InvalidData as exc:
        print(exc.summary(), file=sys.stderr)
        if args.command == "validate":
            print(
                "Les règles du référent de parcours (R3, R8, R10) seront contrôlées une fois "
                "ces erreurs corrigées.",
                file=sys.stderr,
            )
        return EXIT_DATA
    except UsageError as exc:
        print(f"citeslab : erreur : {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file or folder the system refuses: the user's to fix
        from citeslab_core.files import system_reason

        where = f" « {exc.filename} »" if exc.filename else ""
        print(
            f"citeslab : erreur : accès impossible{where} : {system_reason(exc)}", file=sys.stderr
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
