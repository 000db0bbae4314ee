"""The public API as a type checker sees it: a user's script type-checks under
``mypy --strict`` and runs; deliberate misuses are each rejected."""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPT = HERE / "typed" / "user_script.py"
MISUSE = HERE / "typed" / "misuse.py"


def mypy(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_a_user_script_type_checks() -> None:
    result = mypy(SCRIPT)
    assert result.returncode == 0, result.stdout


NOTEBOOK_PAGE = ROOT / "docs" / "notebook.md"


def notebook_script() -> str:
    """docs/notebook.md's Python blocks, one after the other: what an analyst types in a
    notebook, cell by cell."""
    blocks = re.findall(r"```python\n(.*?)```", NOTEBOOK_PAGE.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 8
    return '"""docs/notebook.md\'s recipes (tests/test_typing.py)."""\n\n' + "\n".join(blocks)


def strict_mypy(path: Path) -> subprocess.CompletedProcess[str]:
    """mypy --strict, and no expression of type Any (a name the library leaves untyped)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--disallow-any-expr",
            "--no-error-summary",
            "--cache-dir",
            str(path.parent / ".mypy_cache"),
            str(path),
        ],
        capture_output=True,
        text=True,
        cwd=path.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )


def strict_pyright(path: Path) -> subprocess.CompletedProcess[str]:
    """pyright in strict mode (every Unknown type an error); a notebook's last bare
    expression is what a cell shows, so unused expressions are allowed."""
    config = {
        "include": [path.name],
        "typeCheckingMode": "strict",
        "reportUnusedExpression": "none",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT / "src")],
    }
    (path.parent / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    pyright = shutil.which("pyright") or str(Path(sys.executable).parent / "pyright")
    return subprocess.run(
        [pyright, "-p", str(path.parent), "--pythonpath", sys.executable],
        capture_output=True,
        text=True,
        cwd=path.parent,
        check=False,
    )


@pytest.mark.parametrize("script", ["notebook.md", "user_script.py"])
def test_an_analyst_script_type_checks_without_any(script: str, tmp_path: Path) -> None:
    """docs/notebook.md's recipes and tests/typed/user_script.py, under mypy --strict
    --disallow-any-expr and pyright strict: no error, no Any."""
    path = tmp_path / "analyse.py"
    text = notebook_script() if script == "notebook.md" else SCRIPT.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    found = strict_mypy(path)
    assert found.returncode == 0, found.stdout
    found = strict_pyright(path)
    assert found.returncode == 0, found.stdout
    assert "0 errors" in found.stdout


def test_strict_checking_finds_an_any(tmp_path: Path) -> None:
    """The check above is not blind: a count that may be masked, used as an int, and an
    Any from the library, are each found."""
    path = tmp_path / "analyse.py"
    path.write_text(
        "from typing import Any\n"
        "from citeslab_core import compute_bilan, load_example\n"
        "bilan = compute_bilan(load_example(), year=2023)\n"
        "anything: Any = bilan\n"
        "print(anything.no_such_field)\n",
        encoding="utf-8",
    )
    assert strict_mypy(path).returncode == 1


def test_the_user_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(SCRIPT), run_name="__main__")
    assert "bpi" in capsys.readouterr().out


def test_mypy_rejects_each_misuse() -> None:
    """Each line marked ``# error: <code>`` is an error of that code, and nothing else is."""
    expected = {
        (number, match.group(1))
        for number, line in enumerate(MISUSE.read_text(encoding="utf-8").splitlines(), start=1)
        if (match := re.search(r"# error: ([\w-]+)$", line))
    }
    assert len(expected) >= 8
    result = mypy(MISUSE)
    assert result.returncode == 1
    found = {
        (int(match.group(1)), match.group(2))
        for match in re.finditer(r"misuse\.py:(\d+): error: .*\[([\w-]+)\]$", result.stdout, re.M)
    }
    assert found == expected, result.stdout


def test_every_exported_type_is_known() -> None:
    """``pyright --verifytypes citeslab_core --ignoreexternal``: 100 % of the symbols the
    package exports have a known type (95.1 % before issue 25), so a user's type checker
    never meets an Unknown coming from citeslab."""
    pyright = shutil.which("pyright") or str(Path(sys.executable).parent / "pyright")
    result = subprocess.run(
        [pyright, "--verifytypes", "citeslab_core", "--ignoreexternal", "--outputjson"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    report = json.loads(result.stdout)["typeCompleteness"]
    unknown = [s["name"] for s in report["symbols"] if not s["isTypeKnown"]]
    assert unknown == []
    assert report["completenessScore"] == 1
