"""``main``: parse, pause the garbage collector, run the command, turn errors into exit codes."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from citeslab_core.cli import _commands, _export
from citeslab_core.cli._common import EXIT_DATA, EXIT_OK, EXIT_USAGE, say
from citeslab_core.cli._parser import COMMAND_ALIASES, build_parser, unknown_arguments
from citeslab_core.cli._streams import protect_streams

__all__ = ["COMMANDS", "main"]


#: Each command by its French name (its English name: ``COMMAND_ALIASES``).
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "valider": _commands.cmd_validate,
    "bilan": _commands.cmd_report,
    "suivi": _commands.cmd_followup,
    "exporter": _export.cmd_export,
    "exportateurs": _export.cmd_exporters,
    "cle": _commands.cmd_key,
    "modele": _commands.cmd_template,
    "exemple": _commands.cmd_example,
}

#: prctl(2)'s option: whether the process may be dumped (and its /proc files read).
_PR_SET_DUMPABLE = 4


def make_undumpable() -> None:
    """On Linux, this process made non-dumpable (``prctl(PR_SET_DUMPABLE, 0)``): its
    ``/proc/<pid>/environ``, ``cmdline`` and memory are then readable only by root, not
    by a plug-in's process running as the same user, which would find the pseudonym key
    there (docs/exporters.md, "Isolation"). Process-wide state: the command line sets it,
    the library never does. Elsewhere, or when the C library cannot be reached, nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # no libc to call: no protection, no failure
        return


#: NumPy's BLAS (OpenBLAS in its wheels) starts a pool of threads when NumPy is imported,
#: as the Arrow reading and the frames import it, and they spin on every core for a
#: moment: 0.05-0.1 s of CPU, a tenth of a 40 000-person bilan's. No command does linear
#: algebra: one thread (this variable set to 1), unless the user's environment says
#: otherwise.
_BLAS_THREADS = "OPENBLAS_NUM_THREADS"


#: The French name of a command typed in English (argparse gives the name typed).
_FRENCH = {english: french for french, english in COMMAND_ALIASES.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    protect_streams()
    make_undumpable()
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    args.command = _FRENCH.get(args.command, args.command)
    if extras:
        unknown_arguments(_subparser(parser, args.command), extras)
    # A short-lived program building many records that hold no cycles: the collector is
    # paused for the whole command (each full collection would walk a network's million
    # records again and again), and what was read is frozen out of its reach (_common.load).
    # The command line may do this, and limit NumPy's BLAS threads (_BLAS_THREADS); the
    # library, used inside other programs, never does.
    was_enabled = gc.isenabled()
    gc.disable()
    blas_chosen = _BLAS_THREADS in os.environ
    os.environ.setdefault(_BLAS_THREADS, "1")
    try:
        return _run(args)
    finally:
        # main() called in-process (tests, a wrapper) leaves the process as it was
        if not blas_chosen:
            os.environ.pop(_BLAS_THREADS, None)
        if was_enabled:
            gc.enable()


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    """The parser of ``command``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return parser


def _run(args: argparse.Namespace) -> int:
    """The command of ``args``, its errors turned into French messages and exit codes."""
    from citeslab_core.errors import InvalidData, UsageError

    try:
        return COMMANDS[args.command](args)
    except InvalidData as exc:
        say(exc.summary())
        if args.command == "valider":  # nothing could be read that holds together
            say(
                "Les règles du référent de parcours (R3, R8, R10) seront contrôlées une fois "
                "ces erreurs corrigées."
            )
        return EXIT_DATA
    except UsageError as exc:
        say(f"citeslab : erreur : {exc}")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file or folder the system refuses: the user's to fix
        from citeslab_core.readers.files import system_reason

        where = f" « {exc.filename} »" if exc.filename else ""
        print(
            f"citeslab : erreur : accès impossible{where} : {system_reason(exc)}", file=sys.stderr
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
