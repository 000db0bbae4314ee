"""What the commands share: exit codes, reading the input, the period, writing out."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from citeslab_core.errors import Location
    from citeslab_core.model import Dataset

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


def wrap(text: str) -> str:
    """``text`` with no line wider than 100 columns (:func:`citeslab_core.render.lines.wrap`)."""
    from citeslab_core.render.lines import wrap as wrap_lines

    return wrap_lines(text)


def say(text: str) -> None:
    """``text`` on the standard error, wrapped to :data:`WIDTH` columns, every control
    character (an escape sequence a plug-in or a cell carries) shown, never obeyed."""
    from citeslab_core.exporting._contract import clean_text

    print(wrap(clean_text(text, keep_lines=True, limit=10**7)), file=sys.stderr)


def quarter_period(text: str) -> tuple[dt.date, dt.date]:
    """``2024-T2`` (or ``2024T2``, ``T2-2024``, ``2024-Q2``): that quarter's first and last day."""
    import re

    from citeslab_core.errors import UsageError
    from citeslab_core.model.periods import Period

    cleaned = text.strip().upper().replace(" ", "")
    found = re.fullmatch(r"(\d{4})-?[TQ]([1-4])", cleaned) or re.fullmatch(
        r"[TQ]([1-4])-?(\d{4})", cleaned
    )
    if found is None:
        raise UsageError(
            f"--trimestre « {text} » : un trimestre s'écrit ANNEE-Tn, par exemple 2024-T2"
        )
    year, number = (found[1], found[2]) if len(found[1]) == 4 else (found[2], found[1])
    if not 1900 <= int(year) <= 2100:
        raise UsageError(f"--trimestre {text} : une année entre 1900 et 2100 est attendue")
    period = Period.quarter(int(year), int(number))
    return period.start, period.end


def load(args: argparse.Namespace) -> Dataset:
    """The records of ``args.input`` (or the example), their notes printed, frozen."""
    from citeslab_core.errors import UsageError

    if args.example:
        if args.input is not None:
            raise UsageError("donnez ENTREE ou --exemple, pas les deux")
        from citeslab_core.readers.example import load_example

        data = load_example()
    elif args.input is None:
        raise UsageError("indiquez le fichier à lire (ENTREE) ou --exemple")
    else:
        from citeslab_core.readers import read_input

        data = read_input(args.input)
    for note in data.notes:  # warnings about the input (a hidden sheet, a row twice…)
        print(f"Avertissement : {note}", file=sys.stderr)
    # The records live until the command ends: moving them out of the collector's reach
    # spares every later collection a walk over a network's million objects.
    gc.freeze()
    return data


def period(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    """The period of --annee, --trimestre or --du/--au (exactly one of them)."""
    from citeslab_core.errors import UsageError

    quarter = getattr(args, "quarter", None)
    if quarter is not None:
        if args.year is not None or args.start or args.end:
            raise UsageError("--trimestre ne va pas avec --annee ni --du / --au")
        return quarter_period(quarter)
    if args.year is not None:
        if args.start or args.end:
            raise UsageError("--annee ne va pas avec --du / --au")
        if not 1900 <= args.year <= 2100:
            raise UsageError(f"--annee {args.year} : une année entre 1900 et 2100 est attendue")
        return dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    if args.start and args.end:
        if args.end < args.start:
            raise UsageError("--au précède --du")
        return args.start, args.end
    raise UsageError(
        "indiquez la période : --annee ANNEE, --trimestre ANNEE-Tn, ou --du DATE --au DATE"
    )


def today() -> dt.date:
    return dt.date.today()


def check_output_folder(output: Path) -> None:
    """Refuse now (before any computation) a folder that cannot be created or written."""
    import os

    from citeslab_core.errors import UsageError

    if output.exists():
        if not output.is_dir():
            raise UsageError(f"{output} existe et n'est pas un dossier")
        if not os.access(output, os.W_OK | os.X_OK):
            raise UsageError(f"le dossier {output} n'est pas accessible en écriture")
        return
    parent = output.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"impossible de créer le dossier {output} ({parent} non modifiable)")


def check_not_an_input(output: Path, inputs: Sequence[Path]) -> None:
    """Refuse, even with ``--force``, an output that is one of the ``inputs`` (the same
    file, by any path or link) or lies inside an input folder (a CSV folder would no
    longer be a valid input, and its files could be replaced)."""
    from citeslab_core.errors import UsageError

    out = _resolved(output)
    for given in inputs:
        source = _resolved(given)
        if given.is_dir() and out.is_relative_to(source):
            raise UsageError(
                f"la sortie {output} est dans le dossier d'entrée {given} : les fichiers "
                "écrits s'y mêleraient aux données, qui ne seraient plus une entrée valide. "
                "Choisissez un dossier de sortie hors de l'entrée."
            )
        if out == source or _same_file(output, given):
            raise UsageError(
                f"la sortie {output} est l'entrée {given} : elle la remplacerait par son "
                "bilan. Choisissez un autre nom de sortie (une entrée n'est jamais "
                "remplacée, même avec --force)."
            )


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop of links: compared as given
        return path.absolute()


def _same_file(first: Path, second: Path) -> bool:
    import os

    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def check_output_file(output: Path, *, force: bool) -> None:
    """Refuse now an output file that must not be replaced, or whose folder cannot be
    made (:func:`emit` makes it)."""
    from citeslab_core.readers.files import check_writable

    if output.parent.is_dir():
        check_writable(output, force=force)
    else:
        check_output_folder(output.parent)


def emit(text: str, output: Path | None, *, force: bool) -> None:
    """``text`` to the standard output, or atomically to ``output``."""
    from citeslab_core.readers.files import clean_text

    text = clean_text(text)
    if output is None:
        _stdout().write(text if text.endswith("\n") else text + "\n")
        return
    from citeslab_core.readers.files import write_atomic

    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, text.encode("utf-8"), force=force)
    print(f"Écrit : {output}", file=sys.stderr)


def emit_parts(parts: Iterable[str]) -> None:
    """A text made of ``parts`` (the last one ending with a line break) to the standard
    output, a part at a time: a long text is never held whole."""
    from citeslab_core.readers.files import clean_text

    out = _stdout()
    for part in parts:
        out.write(clean_text(part))


def _stdout() -> TextIO:
    if sys.stdout is None:  # started with its standard output closed (`>&-`)
        from citeslab_core.errors import UsageError

        raise UsageError(
            "la sortie standard est fermée : rien ne peut y être écrit ; "
            "écrivez dans un fichier avec -o FICHIER"
        )
    return sys.stdout


def rows_text(places: Sequence[Location]) -> str:
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


def is_network(args: argparse.Namespace) -> bool:
    """Several inputs, or one bilan file: the network's path (citeslab_core.network)."""
    inputs: list[Path] = args.inputs
    args.input = inputs[0] if len(inputs) == 1 else None
    if len(inputs) > 1 and args.example:
        from citeslab_core.errors import UsageError

        raise UsageError("donnez ENTREE ou --exemple, pas les deux")
    if len(inputs) == 1:
        from citeslab_core.bilan.file import is_bilan_file

        return is_bilan_file(inputs[0])
    return len(inputs) > 1
