"""``citeslab exporter`` and ``citeslab exportateurs``: run one exporter, write its files.

This is the command line's side of the plug-in contract: it prints, and it returns exit
codes. The contract itself, the registry and the containment live in the plug-in kit.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from citeslab_core.cli._common import (
    EXIT_DATA,
    EXIT_OK,
    check_output_folder,
    is_network,
    load,
    period,
    say,
)

if TYPE_CHECKING:
    import datetime as dt

    from citeslab_core.bilan import Bilan
    from citeslab_core.exporting import ExportFile, LoadedExporter, Registry
    from citeslab_core.exporting.privacy import ParticipantRow
    from citeslab_core.model import Dataset

__all__ = ["cmd_export", "cmd_exporters", "run_export_command"]

#: A network's bilan and each input's records (None for a bilan file).
Network = Callable[[], "tuple[Bilan, Sequence[Dataset | None]]"]


def cmd_export(args: argparse.Namespace) -> int:
    start, end = period(args)
    network = None
    if is_network(args):
        from citeslab_core.network import network_of_inputs

        def network() -> tuple[Bilan, tuple[Dataset | None, ...]]:
            made = network_of_inputs(args.inputs, start, end, public=args.public)
            return made.bilan, made.records

    return run_export_command(
        network=network,
        name=args.name,
        load=lambda: load(args),
        start=start,
        end=end,
        output=args.output,
        format=args.format,
        public=args.public,
        force=args.force,
        key_file=args.key_file,
        datapackage=args.datapackage,
        environ=os.environ,
    )


def cmd_exporters(args: argparse.Namespace) -> int:
    from citeslab_core.cli._exporter_help import describe_exporters

    print(describe_exporters())
    return EXIT_OK


def _warn(message: str) -> None:
    say(f"citeslab : attention : {message}")


def _chosen_exporter(
    registry: Registry, name: str, format: str | None, public: bool
) -> tuple[LoadedExporter, str]:
    """The exporter called ``name`` and the format to write, or a French UsageError."""
    from citeslab_core.errors import PluginError, UsageError

    try:
        loaded = registry.load(name)
    except PluginError as exc:
        raise UsageError(str(exc)) from None
    info = loaded.info
    formats = list(info.formats)
    chosen = format if format is not None else formats[0]
    if chosen not in formats:
        from citeslab_core.headers import did_you_mean

        message = (
            f"l'exportateur « {name} » n'écrit pas le format « {chosen} »"
            f"{did_you_mean(chosen, formats, cutoff=0.6) or '.'} "
            f"Formats possibles : {', '.join(formats)}."
        )
        if chosen.strip().casefold() == "pdf":
            message += (
                " Pour un PDF : écrivez-le en html (--format html) et imprimez-le en PDF "
                "depuis le navigateur."
                if "html" in formats
                else " Pour un PDF : ouvrez un fichier xlsx dans Excel ou LibreOffice et "
                "enregistrez-le en PDF."
            )
        raise UsageError(message)
    if public and info.needs_participants:
        raise UsageError(
            f"l'exportateur « {name} » écrit un fichier par personne, qui n'est pas un "
            "document public : --public n'a pas de sens ici. Transmettez ce fichier au seul "
            "financeur, sans --public."
        )
    return loaded, chosen


def run_export_command(
    *,
    name: str,
    load: Callable[[], Dataset],
    start: dt.date,
    end: dt.date,
    output: Path,
    format: str | None,
    public: bool,
    force: bool,
    key_file: Path | None,
    environ: Mapping[str, str],
    registry: Registry | None = None,
    network: Network | None = None,
    datapackage: bool = False,
) -> int:
    """``citeslab exporter``: run one exporter on the period's bilan and write its files.

    ``network``, when given, replaces ``load``: it makes the bilan of several sites (and
    gives each input's records, None for a bilan file); participant rows are then
    pseudonymised with each site's name keyed in (docs/network.md).

    Everything that can be refused is refused before the data is read: the exporter's
    name, the format, ``--public`` for a participant-level exporter, the pseudonym key,
    the output folder. Returns the exit code; usage errors raise
    :class:`~citeslab_core.errors.UsageError`, data errors
    :class:`~citeslab_core.errors.InvalidData`.
    """
    from citeslab_core.bilan.provenance import generation_time, stamp
    from citeslab_core.errors import PluginError, UsageError
    from citeslab_core.exporting import Registry
    from citeslab_core.exporting._contract import export_contained

    registry = registry if registry is not None else Registry.from_entry_points()
    loaded, chosen = _chosen_exporter(registry, name, format, public)
    key: bytes | None = None
    if loaded.info.needs_participants:
        from citeslab_core.exporting.privacy import PseudonymKeyError, load_key

        try:
            key = load_key(key_file, environ, warn=_warn)
        except PseudonymKeyError as exc:  # an option or a variable to fix: a usage error
            raise UsageError(str(exc)) from None
    check_output_folder(output)
    if network is not None:
        made, records = network()
        bilan = stamp(made, None, generated=generation_time(environ))
        participants = _network_participants(records, name, start, end, key)
    else:
        data = load()
        from citeslab_core.bilan import compute_bilan

        made = compute_bilan(data, start, end, public=public)
        bilan = stamp(made, data, generated=generation_time(environ))
        participants = _participants(data, name, start, end, key)
        del data  # the records are not needed any more, and never given to the plug-in
    from citeslab_core.exporting import ExportOptions

    try:
        options = ExportOptions(format=chosen, public=public, datapackage=datapackage)
        files = export_contained(loaded, bilan, options, participants)
    except PluginError as exc:
        say(f"citeslab : erreur : {exc}")
        return EXIT_DATA
    _write(files, output, force=force)
    return EXIT_OK


def _participants(
    data: Dataset, name: str, start: dt.date, end: dt.date, key: bytes | None
) -> list[ParticipantRow] | None:
    """One site's participant rows, pseudonymised for exporter ``name`` (None without a key)."""
    if key is None:
        return None
    from citeslab_core.exporting.privacy import build_participants

    return build_participants(data, start, end, key=key, exporter=name)


def _network_participants(
    records: Sequence[Dataset | None], name: str, start: dt.date, end: dt.date, key: bytes | None
) -> list[ParticipantRow] | None:
    """The participant rows of every site's records, each site's name keyed into the
    pseudonyms (None without a key); refused when an input is a bilan file."""
    if key is None:
        return None
    if any(data is None for data in records):
        from citeslab_core.errors import UsageError

        raise UsageError(
            f"l'exportateur « {name} » écrit un fichier par personne : il lui faut les "
            "fiches de chaque site (classeur, dossier CSV ou JSON canonique), pas leurs "
            "bilans JSON"
        )
    from citeslab_core.exporting.privacy import build_participants

    return sorted(
        (
            row
            for data in records
            if data is not None
            for row in build_participants(
                data, start, end, key=key, exporter=name, site=data.site.name
            )
        ),
        key=lambda row: (row.entry_date or start.min, row.pseudonym),
    )


def _write(files: Sequence[ExportFile], output: Path, *, force: bool) -> None:
    """The exporter's files written into ``output``, all or none, each named on stderr."""
    from citeslab_core.errors import UsageError
    from citeslab_core.readers.files import system_reason, write_all_atomic

    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"impossible de créer le dossier {output} : {system_reason(exc)}"
        ) from None
    write_all_atomic([(output / f.name, f.data, f.private) for f in files], force=force)
    for f in files:
        print(f"Écrit : {output / f.name}", file=sys.stderr)
