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
    check_not_an_input,
    check_output_folder,
    is_network,
    load,
    period,
    say,
)

if TYPE_CHECKING:
    import datetime as dt

    from citeslab_core.bilan import PublicBilan
    from citeslab_core.exporting import LoadedExporter, Registry
    from citeslab_core.exporting.privacy import ParticipantRow
    from citeslab_core.model import Dataset

__all__ = ["cmd_export", "cmd_exporters", "run_export_command"]

#: A network's bilan and each input's records (None for a bilan file).
Network = Callable[[], "tuple[PublicBilan, Sequence[Dataset | None]]"]


def cmd_export(args: argparse.Namespace) -> int:
    start, end = period(args)
    network = None
    if is_network(args):
        from citeslab_core.network import network_of_inputs

        def network() -> tuple[PublicBilan, tuple[Dataset | None, ...]]:
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
        inputs=args.inputs,
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
    from citeslab_core.exporting._registry import _chosen_format

    chosen = _chosen_format(loaded, format)
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
    inputs: Sequence[Path] = (),
) -> int:
    """``citeslab exporter``: run one exporter on the period's bilan and write its files.

    ``network``, when given, replaces ``load``: it makes the bilan of several sites (and
    gives each input's records, None for a bilan file); participant rows are then
    pseudonymised with each site's name keyed in (docs/network.md). ``inputs`` (the paths
    read) are never written over nor into, even with ``force``.

    Everything that can be refused is refused before the data is read: the exporter's
    name, the format, ``--public`` for a participant-level exporter, the pseudonym key,
    the output folder. Returns the exit code; usage errors raise
    :class:`~citeslab_core.errors.UsageError`, data errors
    :class:`~citeslab_core.errors.InvalidData`.
    """
    from citeslab_core.bilan.provenance import generation_time, stamp
    from citeslab_core.errors import PluginError, UsageError
    from citeslab_core.exporting import Registry

    registry = registry if registry is not None else Registry.from_entry_points()
    loaded, chosen = _chosen_exporter(registry, name, format, public)
    key: bytes | None = None
    if loaded.info.needs_participants:
        from citeslab_core.exporting.privacy import (
            PseudonymKeyError,
            check_key_outside,
            load_key,
        )

        try:
            key = load_key(key_file, environ, warn=_warn)
            check_key_outside(key_file, output)
        except PseudonymKeyError as exc:  # an option or a variable to fix: a usage error
            raise UsageError(str(exc)) from None
    check_not_an_input(output, inputs)
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
    try:
        written = registry.export(
            name,
            bilan,
            output,
            format=chosen,
            public=public,
            participants=participants,
            force=force,
            protect=inputs,
            datapackage=datapackage,
        )
    except PluginError as exc:
        say(f"citeslab : erreur : {exc}")
        return EXIT_DATA
    _say_written(written)
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


#: The most written files named one by one on the standard error (the others counted).
_MAX_LISTED = 50


def _say_written(written: Sequence[Path]) -> None:
    """Each file written named on stderr (at most :data:`_MAX_LISTED`, the rest counted)."""
    for path in written[:_MAX_LISTED]:
        print(f"Écrit : {path}", file=sys.stderr)
    if len(written) > _MAX_LISTED:
        print(
            f"… et {len(written) - _MAX_LISTED} autres fichiers dans {written[0].parent}",
            file=sys.stderr,
        )
