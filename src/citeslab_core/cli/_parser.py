"""The parser of ``citeslab``: argparse in French, one sub-parser per command.

Commands and options are French (docs/commands.md); the English names stay accepted as
aliases, so that scripts written against them keep working, but the help shows only the
French ones (:data:`ENGLISH_OPTIONS`, :data:`COMMAND_ALIASES`). A misspelt command,
option or choice gets « vouliez-vous dire … ? » (:func:`citeslab_core.headers.suggestion`,
imported only when a mistake is made).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

from citeslab_core import __version__
from citeslab_core.cli._common import EXIT_USAGE, wrap

__all__ = ["COMMAND_ALIASES", "ENGLISH_OPTIONS", "build_parser", "unknown_arguments"]

#: The sub-parsers of the commands.
_Commands: TypeAlias = "argparse._SubParsersAction[_Parser]"

#: The English name of each command, still accepted (its French name first).
COMMAND_ALIASES: dict[str, str] = {
    "valider": "validate",
    "bilan": "report",
    "suivi": "followup",
    "exporter": "export",
    "exportateurs": "exporters",
    "cle": "key",
    "modele": "template",
    "exemple": "example",
}

#: The English option names, accepted and left out of the help.
ENGLISH_OPTIONS = frozenset(
    {
        "--example",
        "--year",
        "--from",
        "--to",
        "--quarter",
        "--on",
        "--output",
        "--with-checks",
        "--without-checks",
        "--key-file",
    }
)

#: How close a typed name must be to a command's or an option's to be suggested (difflib's
#: ratio): names are short, so a swap of two letters (``reprot``) must still be caught.
CUTOFF = 0.6

#: How to get a PDF, which citeslab does not write itself.
PDF_ADVICE = (
    "citeslab n'écrit pas de PDF : écrivez la page HTML (--format html -o bilan.html) et "
    "imprimez-la en PDF depuis le navigateur, ou écrivez le diaporama (--format pptx "
    "-o bilan.pptx) et convertissez-le : soffice --headless --convert-to pdf bilan.pptx"
)


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with a French usage line, the English aliases left out, and lines
    of at most 100 columns."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("width", 100)
        kwargs.setdefault("max_help_position", 28)
        super().__init__(prog, **kwargs)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        shown = [o for o in action.option_strings if o not in ENGLISH_OPTIONS]
        if not action.option_strings or not shown:
            return super()._format_action_invocation(action)
        if action.nargs == 0:
            return ", ".join(shown)
        args = self._format_args(action, self._get_default_metavar_for_optional(action))
        return ", ".join(f"{o} {args}" for o in shown)


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
        text = _invalid_choice(message) or _french_argparse(message)
        self.exit(EXIT_USAGE, wrap(f"{self.prog} : erreur : {text}") + "\n")


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
    message = _ARGUMENT.sub(lambda m: f"option {_french_name(m[1])} : ", message)
    for english, french in _ARGPARSE_FR:
        message = message.replace(english, french)
    return message


#: How argparse names the option a message is about: ``argument --du/--from: ``.
_ARGUMENT = re.compile(r"argument (\S+): ")


def _french_name(names: str) -> str:
    """``--du`` for argparse's ``--du/--from``."""
    return next((n for n in names.split("/") if n not in ENGLISH_OPTIONS), names)


_INVALID_CHOICE = re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)$")


def _invalid_choice(message: str) -> str | None:
    """argparse's « invalid choice » in French, with the closest choice and, for a PDF,
    how to make one; None for another message."""
    found = _INVALID_CHOICE.match(message)
    if found is None:
        return None
    from citeslab_core.headers import did_you_mean

    name, value = _french_name(found[1]), found[2]
    if name == "COMMANDE":
        known = {**{c: c for c in COMMAND_ALIASES}, **{e: f for f, e in COMMAND_ALIASES.items()}}
        return (
            f"« {value} » n'est pas une commande de citeslab"
            f"{_end(did_you_mean(value, known, cutoff=CUTOFF))}"
            f" Commandes : {', '.join(COMMAND_ALIASES)} (citeslab --help)."
        )
    choices = re.findall(r"'([^']*)'", found[3])
    close = did_you_mean(value, choices, cutoff=CUTOFF)
    text = f"{name} : « {value} » n'est pas possible{_end(close)}"
    text += f" Valeurs possibles : {', '.join(choices)}."
    if value.strip().casefold() == "pdf":
        text += " " + PDF_ADVICE + "."
    return text


def _end(suggested: str) -> str:
    """A sentence's end: the « vouliez-vous dire … ? » when there is one, else a full stop."""
    return suggested or "."


def unknown_arguments(parser: argparse.ArgumentParser, extras: Sequence[str]) -> NoReturn:
    """The usage error for arguments no option of the command takes, each option that is
    near a known one given its « vouliez-vous dire … ? » (English names suggest the French)."""
    from citeslab_core.headers import suggestion

    known: dict[str, str] = {}
    for action in parser._actions:
        if action.option_strings:
            french = next(
                (o for o in action.option_strings if o not in ENGLISH_OPTIONS),
                action.option_strings[0],
            )
            for option in action.option_strings:
                known.setdefault(option, french)
    hints = []
    for extra in extras:
        if extra.startswith("--"):
            typed = extra.split("=")[0]
            close = suggestion(typed, known, cutoff=CUTOFF)
            if close is not None:
                hints.append((typed, close))
    text = f"paramètres inconnus : {' '.join(extras)}"
    if len(hints) == 1:
        text += f" : vouliez-vous dire « {hints[0][1]} » ?"
    elif hints:
        said = ", ".join(f"« {close} » au lieu de « {typed} »" for typed, close in hints)
        text += f" : vouliez-vous dire {said} ?"
    else:
        text += "."
    text += f" Les options : {parser.prog} --help."
    parser.error(text)


def _date(text: str) -> dt.date:
    from citeslab_core.errors import CellError
    from citeslab_core.model.dates import parse_day

    try:
        return parse_day(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_command(commands: _Commands, name: str, **kwargs: Any) -> _Parser:
    """The sub-parser of command ``name``, its English name accepted and not listed."""
    parser = commands.add_parser(name, **kwargs)
    english = COMMAND_ALIASES[name]
    commands._name_parser_map[english] = parser
    return parser


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
        "--exemple",
        "--example",
        dest="example",
        action="store_true",
        help="utiliser l'exemple fourni (un CitésLab fictif, 2022 à 2024)",
    )


def _add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--annee", "--year", dest="year", type=int, metavar="ANNEE", help="l'année du bilan"
    )
    parser.add_argument(
        "--du",
        "--from",
        dest="start",
        type=_date,
        metavar="DATE",
        help="début de la période (avec --au, au lieu de --annee)",
    )
    parser.add_argument(
        "--au", "--to", dest="end", type=_date, metavar="DATE", help="fin de la période (incluse)"
    )
    parser.add_argument(
        "--trimestre",
        "--quarter",
        dest="quarter",
        metavar="TRIMESTRE",
        help="un trimestre au lieu de --annee : 2024-T2 (avril à juin 2024)",
    )


def _add_force(parser: argparse.ArgumentParser, what: str = "le fichier existant") -> None:
    parser.add_argument("--force", action="store_true", help=f"remplacer {what}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="citeslab",
        description="Les données d'un CitésLab : contrôle, suivi des parcours, bilan annuel "
        "et fichiers pour chaque financeur.",
        epilog="Codes de sortie : 0 succès, 1 erreurs dans les données, 2 erreur d'usage. "
        "Les noms anglais des commandes et des options (validate, report, --year…) restent "
        "acceptés. L'aide d'une commande : citeslab COMMANDE --help.",
    )
    parser.add_argument("--version", action=_VersionAction, help="afficher la version et quitter")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_Parser)
    for add in (_add_validate, _add_report, _add_followup, _add_export, _add_key, _add_files):
        add(commands)
    return parser


def _add_validate(commands: _Commands) -> None:
    validate = _add_command(
        commands,
        "valider",
        help="contrôler les données et les règles du référent de parcours",
        description="Contrôle le classeur en une fois : valeurs, dates, identifiants, "
        "colonnes, dates après la date du contrôle, et les règles R3, R8 et R10 du référent "
        "de parcours. Sort avec 1 s'il y a une erreur.",
    )
    _add_input(validate)
    validate.add_argument(
        "--le",
        "--on",
        dest="on",
        type=_date,
        metavar="DATE",
        help="date du contrôle (par défaut aujourd'hui)",
    )


def _add_output(parser: argparse.ArgumentParser, *, folder: bool) -> None:
    parser.add_argument(
        "-o",
        "--sortie",
        "--output",
        dest="output",
        type=Path,
        metavar="DOSSIER" if folder else "FICHIER",
        required=folder,
        help="dossier où écrire les fichiers (créé s'il n'existe pas)"
        if folder
        else "écrire dans ce fichier au lieu de la sortie standard (ses dossiers sont créés)",
    )


def _add_report(commands: _Commands) -> None:
    report = _add_command(
        commands,
        "bilan",
        help="le bilan d'une période",
        description="Calcule le bilan de la période. Le bilan est celui qu'on envoie : sans "
        "les contrôles (un résumé s'affiche dans le terminal), sauf avec --avec-controles.",
    )
    _add_input(report, several=True)
    _add_period(report)
    report.add_argument(
        "--format",
        choices=["text", "json", "html", "pptx"],
        default="text",
        help="texte pour le terminal (par défaut), JSON, page HTML ou présentation "
        "PowerPoint (pptx, avec -o)",
    )
    _add_output(report, folder=False)
    report.add_argument(
        "--public", action="store_true", help="masquer les petits effectifs (diffusion publique)"
    )
    report.add_argument(
        "--avec-controles",
        "--with-checks",
        dest="with_checks",
        action="store_true",
        default=None,
        help="mettre les contrôles dans le texte, la page HTML ou la présentation (pour vous, "
        "pas pour les financeurs ; le JSON les garde toujours)",
    )
    report.add_argument(
        "--sans-controles",
        "--without-checks",
        dest="with_checks",
        action="store_false",
        help="laisser les contrôles hors du bilan, JSON compris",
    )
    _add_force(report)


def _add_followup(commands: _Commands) -> None:
    followup = _add_command(
        commands,
        "suivi",
        help="la liste des actions du référent de parcours à une date",
        description="Qui contacter, quel partenaire relancer, quels parcours clore.",
    )
    _add_input(followup)
    followup.add_argument(
        "--le",
        "--on",
        dest="on",
        type=_date,
        metavar="DATE",
        help="date de la liste (par défaut aujourd'hui)",
    )
    followup.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="texte (avec nom et téléphone) ou JSON (identifiants seuls)",
    )


def _add_export(commands: _Commands) -> None:
    export = _add_command(
        commands,
        "exporter",
        help_action=_ExportHelpAction,
        help="les fichiers d'un financeur",
        description="Lance l'exportateur NOM sur le bilan de la "
        "période et écrit ses fichiers dans le dossier.",
    )
    export.add_argument("name", metavar="NOM", help="l'exportateur (voir citeslab exportateurs)")
    _add_input(export, several=True)
    _add_period(export)
    _add_output(export, folder=True)
    export.add_argument("--format", metavar="FORMAT", help="format des fichiers (xlsx, csv…)")
    export.add_argument("--public", action="store_true", help="masquer les petits effectifs")
    export.add_argument(
        "--datapackage",
        action="store_true",
        help="joindre datapackage.json aux fichiers CSV du calendrier (pour un portail de données)",
    )
    _add_force(export, "les fichiers existants")
    export.add_argument(
        "--cle",
        "--key-file",
        dest="key_file",
        type=Path,
        metavar="FICHIER",
        help="clé de pseudonymisation (sinon CITESLAB_PSEUDO_KEY) ; la créer : citeslab cle "
        "FICHIER",
    )


def _add_key(commands: _Commands) -> None:
    key = _add_command(
        commands,
        "cle",
        help="créer la clé de pseudonymisation (une fois pour toutes)",
        description="Crée un fichier de clé de pseudonymisation : une clé secrète tirée au "
        "hasard, que demandent les fichiers par personne (exporter pic). Un fichier qui "
        "existe n'est jamais remplacé. Gardez la clé et utilisez la même chaque année.",
    )
    key.add_argument("file", type=Path, metavar="FICHIER", help="le fichier de clé à créer")


def _add_files(commands: _Commands) -> None:
    """``exportateurs``, ``modele`` and ``exemple``."""
    _add_command(
        commands,
        "exportateurs",
        help="les exportateurs installés",
        description="Les exportateurs installés, leurs formats, leur paquet "
        "et leurs erreurs de chargement.",
    )

    template = _add_command(
        commands,
        "modele",
        help="un classeur vide à remplir",
        description="Écrit un classeur vide : une feuille par "
        "table, des listes déroulantes, une notice.",
    )
    template.add_argument("file", type=Path, metavar="FICHIER", help="le classeur .xlsx à écrire")
    _add_force(template)

    example = _add_command(
        commands,
        "exemple",
        help="écrire l'exemple fourni",
        description="Écrit l'exemple fourni dans DOSSIER, en classeur "
        "(exemple.xlsx) et en JSON (exemple.json).",
    )
    example.add_argument("directory", type=Path, metavar="DOSSIER")
    _add_force(example, "les fichiers existants")


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
                "\nL'aide d'un exportateur : citeslab exporter NOM --help (NOM : voir "
                "citeslab exportateurs)."
            )
        parser.exit()


class _VersionAction(argparse.Action):
    """``--version``: ``citeslab_core.__version__``."""

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
        print(f"citeslab {__version__}")
        parser.exit()


# -- helpers shared by the commands -------------------------------------------------------
