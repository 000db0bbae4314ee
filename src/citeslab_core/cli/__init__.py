"""The ``citeslab`` command: wires readers, computations, renderers and writers together.

Commands are English, everything the command says is French. Exit codes: 0 success,
1 data errors, 2 usage errors. A user's mistake never shows a Python traceback.

Start-up is kept light: this package imports only the standard library at load time, and
each command imports what it needs (openpyxl, babel, the exporters) when it runs, so that
``citeslab --help`` answers at once.

The command line is a program, not a library: it is the only place of citeslab that
changes process-wide state (it pauses the garbage collector for a command, and makes its
standard streams tolerant of a console's encoding). Its modules are private:
``_parser`` (argparse in French), ``_common`` (reading the input, the period, writing
out), ``_commands`` and ``_export`` (one function per command), ``_exporter_help``
(``citeslab exporters``, ``citeslab export NAME --help``), ``_streams`` and ``_main``.
"""

from __future__ import annotations

from citeslab_core.cli._main import main

__all__ = ["main"]
