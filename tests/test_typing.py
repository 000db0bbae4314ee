"""The public API as a type checker sees it: a user's script type-checks under
``mypy --strict`` and runs; deliberate misuses are each rejected."""

from __future__ import annotations

import re
import runpy
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
