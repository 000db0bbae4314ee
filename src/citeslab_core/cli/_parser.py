"""The parser of ``citeslab``: argparse in French, one sub-parser per command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from citeslab_core.cli._common import EXIT_USAGE

__all__ = ["build_parser"]

#: The sub-parsers of the commands.
_Commands: TypeAlias = "argparse._SubParsersAction[_Parser]"


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
    from citeslab_core.errors import CellError
    from citeslab_core.model.dates import parse_day

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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="citeslab",
        description="Les données d'un CitésLab : contrôle, suivi des parcours, bilan annuel "
        "et fichiers pour chaque financeur.",
        epilog="Codes de sortie : 0 succès, 1 erreurs dans les données, 2 erreur d'usage.",
    )
    parser.add_argument("--version", action=_VersionAction, help="afficher la version et quitter")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    for add in (_add_validate, _add_report, _add_followup, _add_export, _add_key, _add_files):
        add(commands)
    return parser


def _add_validate(commands: _Commands) -> None:
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


def _add_report(commands: _Commands) -> None:
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


def _add_followup(commands: _Commands) -> None:
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


def _add_export(commands: _Commands) -> None:
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


def _add_key(commands: _Commands) -> None:
    key = commands.add_parser(
        "cle",
        aliases=["key"],
        help="créer la clé de pseudonymisation (une fois pour toutes)",
        description="Crée un fichier de clé de pseudonymisation : une clé secrète tirée au "
        "hasard, que demandent les fichiers par personne (export pic). Un fichier qui "
        "existe n'est jamais remplacé. Gardez la clé et utilisez la même chaque année.",
    )
    key.add_argument("file", type=Path, metavar="FICHIER", help="le fichier de clé à créer")


def _add_files(commands: _Commands) -> None:
    """``exporters``, ``template`` and ``example``."""
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


class _ExportHelpAction(argparse.Action):
    """``citeslab export NOM --help``: the command's help, then that exporter's own (its
    description, formats, files and options, from the plug-in: see
    :func:`citeslab_core.cli._exporter_help.exporter_help`)."""

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
            from citeslab_core.cli._exporter_help import exporter_help

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
