"""``main``: parse, pause the garbage collector, run the command, turn errors into exit codes."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence

from citeslab_core.cli import _commands, _export
from citeslab_core.cli._common import EXIT_DATA, EXIT_OK, EXIT_USAGE
from citeslab_core.cli._parser import build_parser
from citeslab_core.cli._streams import protect_streams

__all__ = ["COMMANDS", "main"]


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _commands.cmd_validate,
    "report": _commands.cmd_report,
    "followup": _commands.cmd_followup,
    "export": _export.cmd_export,
    "exporters": _export.cmd_exporters,
    "template": _commands.cmd_template,
    "example": _commands.cmd_example,
    "cle": _commands.cmd_key,
}

#: Other names of a command (argparse gives the name typed).
_ALIASES = {"key": "cle"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    protect_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    # A short-lived program building many records that hold no cycles: the collector is
    # paused for the whole command (each full collection would walk a network's million
    # records again and again), and what was read is frozen out of its reach (_common.load).
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
        from citeslab_core.readers.files import system_reason

        where = f" « {exc.filename} »" if exc.filename else ""
        print(
            f"citeslab : erreur : accès impossible{where} : {system_reason(exc)}", file=sys.stderr
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
