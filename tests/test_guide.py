"""The guide is executable: every `citeslab` command of docs/guide.md, in order.

A chef de projet follows docs/guide.md from top to bottom in a new folder. This test does
the same: it reads the guide's ``sh`` code blocks, runs each line that starts with
``citeslab`` in order in a fresh temporary folder (the other lines, ``pip install``…, and
the PowerShell blocks are the reader's own setup), and checks its exit code and that the
files it promises exist (``-o``, ``modele FICHIER``, ``cle FICHIER``, ``exemple DOSSIER``).

Where the guide has the reader fill in the workbook, an HTML comment (invisible on the
page) says so: ``<!-- test du guide : ici le lecteur a rempli mon-citeslab.xlsx … -->``;
the test then puts the bundled example in the workbook, as a reader's filled one. A
command meant to fail ends with a comment ``# code N`` (N its exit code).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from citeslab_core.cli import main

GUIDE = Path(__file__).parent.parent / "docs" / "guide.md"

#: A fenced block of shell commands, or the marker of the filled workbook.
_STEP = re.compile(
    r"^```sh\n(?P<block>.*?)^```$|<!-- test du guide : ici le lecteur a rempli (?P<filled>\S+)",
    re.MULTILINE | re.DOTALL,
)
_EXPECTED = re.compile(r"\s+#\s*code\s+(\d+)\s*$")


def guide_steps(text: str) -> list[tuple[str, list[str], int]]:
    """The guide's steps in order: ``("run", argv, code)`` for a command (its exit code
    expected), ``("fill", [workbook], 0)`` where the reader fills the workbook in."""
    steps: list[tuple[str, list[str], int]] = []
    for found in _STEP.finditer(text):
        if found["filled"]:
            steps.append(("fill", [found["filled"]], 0))
            continue
        for line in found["block"].splitlines():
            line = line.strip()
            if not line.startswith("citeslab "):
                continue
            expected = _EXPECTED.search(line)
            code = int(expected[1]) if expected else 0
            command = _EXPECTED.sub("", line)
            steps.append(("run", shlex.split(command)[1:], code))
    return steps


def promised(argv: list[str]) -> list[Path]:
    """The files or folders a command says it writes."""
    paths = []
    if "-o" in argv:
        paths.append(Path(argv[argv.index("-o") + 1]))
    command = argv[0]
    if command in ("modele", "cle"):
        paths.append(Path(argv[1]))
    if command == "exemple":
        paths += [Path(argv[1]) / "exemple.xlsx", Path(argv[1]) / "exemple.json"]
    return paths


def test_the_guide_has_the_steps_of_a_year() -> None:
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    commands = [argv[0] for kind, argv, _ in steps if kind == "run"]
    # Every command a chef needs, in the French names, and the key before the PIC export.
    for command in ("modele", "valider", "suivi", "bilan", "cle", "exporter"):
        assert command in commands
    assert not {"validate", "report", "followup", "export", "template"} & set(commands)
    runs = [argv for kind, argv, _ in steps if kind == "run"]
    key = next(i for i, argv in enumerate(runs) if argv[0] == "cle")
    pic = next(i for i, argv in enumerate(runs) if argv[:2] == ["exporter", "pic"])
    assert key < pic
    fill = next(i for i, (kind, _, _) in enumerate(steps) if kind == "fill")
    template = next(i for i, (kind, argv, _) in enumerate(steps) if argv[0] == "modele")
    assert template < fill


def test_every_command_of_the_guide_works_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITESLAB_PSEUDO_KEY", raising=False)
    steps = guide_steps(GUIDE.read_text(encoding="utf-8"))
    assert len(steps) > 10
    for kind, argv, expected in steps:
        if kind == "fill":  # the reader fills the workbook: the bundled example stands in
            side = tmp_path.parent / f"{tmp_path.name}-exemple"
            assert main(["exemple", str(side)]) == 0
            shutil.copyfile(side / "exemple.xlsx", argv[0])
            continue
        try:
            code = main(argv)
        except SystemExit as exc:  # --help
            code = int(exc.code or 0)
        err = capsys.readouterr().err
        assert code == expected, f"citeslab {shlex.join(argv)} : code {code}\n{err}"
        assert "Traceback" not in err
        if code == 0:
            for path in promised(argv):
                assert path.exists(), f"citeslab {shlex.join(argv)} n'a pas écrit {path}"
