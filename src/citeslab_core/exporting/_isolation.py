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

The leash (docs/exporters.md, "Isolation"):

- the child starts in an empty temporary folder (its ``TMPDIR`` too, removed afterwards),
  with the parent's environment less the pseudonym key (``CITESLAB_PSEUDO_KEY``);
- it has :data:`DEFAULT_TIMEOUT` seconds (``timeout``) to answer, loading included; then
  it is killed with every process it started;
- an audit hook (:func:`sys.addaudithook`) refuses, from before the plug-in is imported,
  every file opened for writing, renamed, removed or made outside that folder, and every
  process it would start: a plug-in's output goes through the kit only (the files it
  returns, written by the library into the output folder), and an export that tried is a
  failure even when the plug-in caught the refusal;
- what it prints is relayed to the standard error stripped of control characters and
  escape sequences, at most :data:`MAX_RELAYED` characters.

An audit hook is no sandbox: code that calls the C library directly (``ctypes``, an
extension module) passes it. It stops the mistakes and the casual misdeeds, not a
determined author: a plug-in is code the user chose to install.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from citeslab_core.errors import PluginError, UsageError
from citeslab_core.exporting._contract import (
    ExporterInfo,
    ExportFile,
    ExportOptions,
    check_files,
    clean_text,
    exception_message,
    exception_text,
    read_info,
)

if TYPE_CHECKING:
    from citeslab_core.bilan import PublicBilan
    from citeslab_core.exporting.privacy import ParticipantRow

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_RELAYED",
    "IsolatedExporter",
    "describe_isolated",
    "export_isolated",
]

#: Environment variables never passed to a plug-in's process.
_SECRET_VARIABLES = ("CITESLAB_PSEUDO_KEY",)

#: Seconds a plug-in's process has to answer (loading, describing or exporting).
DEFAULT_TIMEOUT = 120.0

#: The most characters of what a plug-in prints that are relayed to the standard error.
MAX_RELAYED = 20_000


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
    timeout: float = DEFAULT_TIMEOUT

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
        bilan: PublicBilan,
        options: ExportOptions,
        participants: Sequence[ParticipantRow] | None,
    ) -> list[ExportFile]:
        return export_isolated(self, bilan, options, participants)


def _child_environment(folder: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if k not in _SECRET_VARIABLES}
    # The child must import citeslab_core from where this process did.
    environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    environ.pop("PYTHONSTARTUP", None)
    environ["PYTHONDONTWRITEBYTECODE"] = "1"  # no .pyc written beside the plug-in
    environ["PYTHONIOENCODING"] = "utf-8:backslashreplace"
    for variable in ("TMPDIR", "TEMP", "TMP"):
        environ[variable] = folder
    return environ


def _drain(stream: Any, keep: list[bytes], limit: int | None) -> None:
    """Read ``stream`` to its end, keeping at most ``limit`` bytes (all with None) and
    counting the rest in ``keep``'s last item as a number of bytes."""
    kept = 0
    dropped = 0
    while chunk := stream.read(65536):
        if limit is None or kept < limit:
            part = chunk if limit is None else chunk[: limit - kept]
            keep.append(part)
            kept += len(part)
            dropped += len(chunk) - len(part)
        else:
            dropped += len(chunk)
    keep.append(str(dropped).encode("ascii"))


def _relay(printed: list[bytes], name: str) -> None:
    """What the plug-in printed, on the standard error, cleaned (see the module docstring)."""
    dropped = int(printed.pop())
    text = b"".join(printed).decode("utf-8", "replace")
    if not text and not dropped:
        return
    shown = clean_text(text, keep_lines=True, limit=MAX_RELAYED)
    lines = [f"[{name}] {line}" for line in shown.rstrip("\n").split("\n")]
    if dropped:
        lines.append(f"[{name}] […{dropped} octets de plus non affichés]")
    try:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed standard error: nothing to show it on
        pass


def _kill(process: subprocess.Popen[bytes]) -> None:
    """``process`` and every process it started (its own session) killed."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def _ask(request: dict[str, Any], name: str, timeout: float) -> dict[str, Any]:
    """Run the child on ``request``; its JSON answer, or a French :class:`PluginError`."""
    shown = clean_text(name)
    with tempfile.TemporaryDirectory(prefix="citeslab-greffon-") as folder:
        payload = pickle.dumps(
            {**request, "path": list(sys.path), "folder": folder},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        process = subprocess.Popen(  # our own interpreter and module
            [sys.executable, "-m", "citeslab_core.exporting._isolation"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_child_environment(folder),
            cwd=folder,
            start_new_session=True,  # killed with everything it starts
        )
        answer_bytes: list[bytes] = []
        printed: list[bytes] = []
        readers = [
            threading.Thread(target=_drain, args=(process.stdout, answer_bytes, None)),
            threading.Thread(target=_drain, args=(process.stderr, printed, MAX_RELAYED * 4)),
        ]
        for reader in readers:
            reader.daemon = True
            reader.start()
        timed_out = False
        try:
            assert process.stdin is not None
            try:
                process.stdin.write(payload)
                process.stdin.close()
            except BrokenPipeError:  # the child died early: its exit code says how
                pass
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        except BaseException:  # the user's Ctrl-C: the child must not outlive us
            _kill(process)
            process.wait()
            raise
        finally:
            if timed_out:
                _kill(process)
                process.wait()
            for reader in readers:
                reader.join(5)
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        _relay(printed, shown)
    if timed_out:
        raise PluginError(
            f"l'exportateur « {shown} » n'a pas répondu en {timeout:g} secondes : arrêté "
            "(délai réglable par la variable d'environnement CITESLAB_DELAI_GREFFON)"
        )
    answer_bytes.pop()
    try:
        answer = json.loads(b"".join(answer_bytes))
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise PluginError(
            f"l'exportateur « {shown} » a arrêté son processus sans répondre "
            f"(code de sortie {process.returncode})"
        )
    if answer.get("interrupted"):
        raise KeyboardInterrupt
    return answer


def describe_isolated(
    group: str, name: str, target: str, timeout: float = DEFAULT_TIMEOUT
) -> ExporterInfo | str:
    """The checked attributes of a third-party exporter, read in its own process, or why
    it could not be loaded."""
    request = {"op": "describe", "group": group, "name": name, "target": target}
    try:
        answer = _ask(request, name, timeout)
    except PluginError as exc:
        return str(exc)
    if "failure" in answer:
        return clean_text(str(answer["failure"]), keep_lines=True)
    return ExporterInfo.from_json(answer.get("info"), name)


def export_isolated(
    exporter: IsolatedExporter,
    bilan: PublicBilan,
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
    answer = _ask(request, name, exporter.timeout)
    if "usage" in answer:
        raise UsageError(clean_text(str(answer["usage"]), keep_lines=True))
    if "failure" in answer:
        raise PluginError(clean_text(str(answer["failure"]), keep_lines=True))
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


#: Audit events that change the file system: refused outside the child's folder.
_PATH_EVENTS = {
    "os.remove": 1,
    "os.rmdir": 1,
    "os.mkdir": 1,
    "os.rename": 2,
    "os.link": 2,
    "os.symlink": 2,
    "os.truncate": 1,
    "os.chmod": 1,
    "os.chown": 1,
    "os.utime": 1,
    "os.chflags": 1,
    "os.lchmod": 1,
    "os.lchown": 1,
    "shutil.rmtree": 1,
    "shutil.copyfile": 2,
    "shutil.copymode": 2,
    "shutil.copystat": 2,
    "shutil.move": 2,
    "shutil.make_archive": 1,
    "shutil.unpack_archive": 2,
}

#: Audit events that start a program: always refused.
_PROCESS_EVENTS = frozenset(
    {
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "os.fork",
        "os.forkpty",
        "subprocess.Popen",
        "pty.spawn",
    }
)

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


class _Leash:
    """The child's audit hook (see the module docstring): every refusal is kept, so an
    export that tried is a failure even when the plug-in caught the exception."""

    def __init__(self, folder: str) -> None:
        self.folder = os.path.realpath(folder)
        self.refused: list[str] = []
        self.active = False

    def inside(self, path: object) -> bool:
        if isinstance(path, int):  # an open descriptor: already opened, or ours
            return True
        try:
            text = os.fsdecode(path)  # type: ignore[arg-type]
            real = os.path.realpath(os.path.join(self.folder, text))
        except (TypeError, ValueError):
            return False
        return real == self.folder or real.startswith(self.folder + os.sep)

    def refuse(self, what: str) -> None:
        self.refused.append(clean_text(what, limit=200))
        raise PermissionError(f"citeslab : {what} refusé à un exportateur")

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active:
            return
        if event == "open":
            path, mode, flags = (*tuple(args), None, None, None)[:3]
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS
            )
            if writes and not self.inside(path):
                self.refuse(f"écrire dans {path!r}")
        elif event in _PATH_EVENTS:
            paths = args[: _PATH_EVENTS[event]]
            if not all(self.inside(path) for path in paths):
                self.refuse(f"{event} {' '.join(repr(p) for p in paths)}")
        elif event in _PROCESS_EVENTS:
            self.refuse(f"lancer un programme ({event})")


def _serve(request: dict[str, Any], leash: _Leash) -> dict[str, Any]:
    name = request["name"]
    leash.active = True
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
    finally:
        leash.active = False
    if leash.refused:
        return {"failure": _refusals(name, leash.refused)}
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


def _refusals(name: str, refused: list[str]) -> str:
    shown = [f"- {what}" for what in refused[:10]]
    if len(refused) > 10:
        shown.append(f"- et {len(refused) - 10} autres")
    return (
        f"l'exportateur « {name} » a tenté d'agir hors de son dossier (un exportateur "
        "rend ses fichiers, la bibliothèque les écrit) :\n" + "\n".join(shown)
    )


def _child() -> int:
    """The child's main: one request in, one JSON answer out (see the module docstring)."""
    answer_stream = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what the plug-in prints goes to the standard error
    request = pickle.loads(sys.stdin.buffer.read())  # written by our parent
    sys.path[:] = request.pop("path")
    sys.dont_write_bytecode = True
    leash = _Leash(request.pop("folder"))
    sys.addaudithook(leash)
    try:
        answer = _serve(request, leash)
    except KeyboardInterrupt:
        answer = {"interrupted": True}
    leash.active = False
    if leash.refused and "failure" not in answer and "interrupted" not in answer:
        answer = {"failure": _refusals(request["name"], leash.refused)}
    del request
    answer_stream.write(json.dumps(answer).encode("utf-8"))
    answer_stream.close()
    return 0


if __name__ == "__main__":
    sys.exit(_child())
