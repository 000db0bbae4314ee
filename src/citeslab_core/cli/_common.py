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
            f"--quarter « {text} » : un trimestre s'écrit ANNEE-Tn, par exemple 2024-T2"
        )
    year, number = (found[1], found[2]) if len(found[1]) == 4 else (found[2], found[1])
    if not 1900 <= int(year) <= 2100:
        raise UsageError(f"--quarter {text} : une année entre 1900 et 2100 est attendue")
    period = Period.quarter(int(year), int(number))
    return period.start, period.end


def load(args: argparse.Namespace) -> Dataset:
    """The records of ``args.input`` (or the example), their notes printed, frozen."""
    from citeslab_core.errors import UsageError

    if args.example:
        if args.input is not None:
            raise UsageError("donnez ENTREE ou --example, pas les deux")
        from citeslab_core.readers.example import load_example

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


def period(args: argparse.Namespace) -> tuple[dt.date, dt.date]:
    """The period of --year, --quarter or --from/--to (exactly one of them)."""
    from citeslab_core.errors import UsageError

    quarter = getattr(args, "quarter", None)
    if quarter is not None:
        if args.year is not None or args.start or args.end:
            raise UsageError("--quarter ne va pas avec --year ni --from / --to")
        return quarter_period(quarter)
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


def today() -> dt.date:
    return dt.date.today()


def emit(text: str, output: Path | None, *, force: bool) -> None:
    """``text`` to the standard output, or atomically to ``output``."""
    from citeslab_core.readers.files import clean_text

    text = clean_text(text)
    if output is None:
        _stdout().write(text if text.endswith("\n") else text + "\n")
        return
    from citeslab_core.readers.files import write_atomic

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

        raise UsageError("donnez ENTREE ou --example, pas les deux")
    if len(inputs) == 1:
        from citeslab_core.bilan.file import is_bilan_file

        return is_bilan_file(inputs[0])
    return len(inputs) > 1
