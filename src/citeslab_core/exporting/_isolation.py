"""Third-party exporters in a separate process (see :mod:`citeslab_core.exporting`,
"Isolation").

The parent (:func:`describe_isolated`, :func:`export_isolated`) starts
``python -m citeslab_core.exporting._isolation`` and writes one pickled request on its standard
input: the entry point to load (group, name, target), the parent's ``sys.path`` (so a
plug-in installed anywhere the parent sees is found), and for an export the bilan, the
options and the pseudonymised participant rows: nothing else. The child answers with one
JSON document on its standard output (the plug-in's own prints go to the standard error):
the plug-in's attributes, its files (bytes in base64), or its failure. The parent never
unpickles what the child sends and checks the answer again.

The child starts in an empty temporary folder, with the parent's environment less the
pseudonym key (``CITESLAB_PSEUDO_KEY``).
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from citeslab_core.errors import PluginError, UsageError
from citeslab_core.exporting._contract import (
    ExporterInfo,
    ExportFile,
    ExportOptions,
    check_files,
    exception_message,
    exception_text,
    read_info,
)

if TYPE_CHECKING:
    from citeslab_core.bilan import Bilan
    from citeslab_core.exporting.privacy import ParticipantRow

__all__ = ["IsolatedExporter", "describe_isolated", "export_isolated"]

#: Environment variables never passed to a plug-in's process.
_SECRET_VARIABLES = ("CITESLAB_PSEUDO_KEY",)


@attrs.frozen
class IsolatedExporter:
    """A third-party exporter that runs in a separate process (see :mod:`citeslab_core.exporting`).

    Its attributes are the checked ones its process reported; :meth:`export` starts a
    process that imports the plug-in, gives it the bilan, the options and the participant
    rows, and returns the files it made (checked again here).
    """

    info: ExporterInfo
    group: str
    target: str

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def formats(self) -> Sequence[str]:
        return self.info.formats

    @property
    def api_version(self) -> int:
        return self.info.api_version

    @property
    def needs_participants(self) -> bool:
        return self.info.needs_participants

    def export(
        self,
        bilan: Bilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        return export_isolated(self, bilan, options, participants)


def _child_environment() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in _SECRET_VARIABLES}
    # The child must import citeslab_core from where this process did.
    environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    environ.pop("PYTHONSTARTUP", None)
    return environ


def _ask(request: dict[str, Any], name: str) -> dict[str, Any]:
    """Run the child on ``request``; its JSON answer, or a French :class:`PluginError`."""
    payload = pickle.dumps({**request, "path": list(sys.path)}, protocol=pickle.HIGHEST_PROTOCOL)
    with tempfile.TemporaryDirectory(prefix="citeslab-greffon-") as folder:
        process = subprocess.run(  # our own interpreter and module
            [sys.executable, "-m", "citeslab_core.exporting._isolation"],
            input=payload,
            stdout=subprocess.PIPE,
            env=_child_environment(),
            cwd=folder,
            check=False,
        )
    try:
        answer = json.loads(process.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise PluginError(
            f"l'exportateur « {name} » a arrêté son processus sans répondre "
            f"(code de sortie {process.returncode})"
        )
    if answer.get("interrupted"):
        raise KeyboardInterrupt
    return answer


def describe_isolated(group: str, name: str, target: str) -> ExporterInfo | str:
    """The checked attributes of a third-party exporter, read in its own process, or why
    it could not be loaded."""
    try:
        answer = _ask({"op": "describe", "group": group, "name": name, "target": target}, name)
    except PluginError as exc:
        return str(exc)
    if "failure" in answer:
        return str(answer["failure"])
    return ExporterInfo.from_json(answer.get("info"), name)


def export_isolated(
    exporter: IsolatedExporter,
    bilan: Bilan,
    options: ExportOptions,
    participants: Sequence[ParticipantRow] | None,
) -> list[ExportFile]:
    """The files of a third-party exporter, made in its own process (see the module
    docstring), checked here as in-process ones are."""
    name = exporter.info.name
    request = {
        "op": "export",
        "group": exporter.group,
        "name": name,
        "target": exporter.target,
        # The persons the bilan counted (their ids) are not a figure: a plug-in gets
        # the participant rows, pseudonymised, when it asks for them.
        "bilan": attrs.evolve(bilan, counted_persons=None),
        "options": options,
        "participants": None if participants is None else list(participants),
    }
    answer = _ask(request, name)
    if "usage" in answer:
        raise UsageError(str(answer["usage"]))
    if "failure" in answer:
        raise PluginError(str(answer["failure"]))
    files = answer.get("files")
    if not isinstance(files, list):
        raise PluginError(f"l'exportateur « {name} » n'a pas rendu une liste de fichiers")
    made: list[object] = []
    for item in files:
        try:
            made.append(
                ExportFile(
                    item["name"],
                    item["media_type"],
                    base64.b64decode(item["data"], validate=True),
                    item["private"] is True,
                )
            )
        except (KeyError, TypeError, ValueError):
            raise PluginError(f"l'exportateur « {name} » a rendu une réponse invalide") from None
    return check_files(name, made, needs_participants=exporter.info.needs_participants)


# -- the child ---------------------------------------------------------------------------


def _load(request: dict[str, Any]) -> object:
    from importlib.metadata import entry_points

    points = [
        p
        for p in entry_points(group=request["group"])
        if p.name == request["name"] and p.value == request["target"]
    ]
    if not points:
        raise LookupError(f"point d'entrée {request['name']} = {request['target']} introuvable")
    return points[0].load()


def _serve(request: dict[str, Any]) -> dict[str, Any]:
    name = request["name"]
    try:
        obj = _load(request)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a plug-in may fail in any way, exit too
        return {"failure": f"chargement impossible : {exception_text(exc)}"}
    info = read_info(obj, name)
    if isinstance(info, str):
        return {"failure": info}
    if request["op"] == "describe":
        return {"info": info.to_json()}
    try:
        result = obj.export(request["bilan"], request["options"], request["participants"])  # type: ignore[attr-defined]
        files = check_files(name, result, needs_participants=info.needs_participants)
    except KeyboardInterrupt:
        raise
    except PluginError as exc:
        return {"failure": str(exc)}
    except UsageError as exc:
        return {"usage": exception_message(exc)}
    except BaseException as exc:  # a plug-in's bug or exit: name it
        return {"failure": f"l'exportateur « {name} » a échoué : {exception_text(exc)}"}
    return {
        "files": [
            {
                "name": f.name,
                "media_type": f.media_type,
                "data": base64.b64encode(f.data).decode("ascii"),
                "private": f.private,
            }
            for f in files
        ]
    }


def _child() -> int:
    """The child's main: one request in, one JSON answer out (see the module docstring)."""
    answer_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the plug-in prints goes to the standard error
    request = pickle.loads(sys.stdin.buffer.read())  # written by our parent
    sys.path[:] = request.pop("path")
    try:
        answer = _serve(request)
    except KeyboardInterrupt:
        answer = {"interrupted": True}
    del request
    answer_stream.write(json.dumps(answer).encode("utf-8"))
    answer_stream.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
