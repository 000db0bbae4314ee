"""The command line: help, usage errors, exit codes, no traceback, light start-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from citeslab_core.cli import COMMANDS, main


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : citeslab " + command)
    # argparse's English headings are replaced.
    assert "usage:" not in out
    assert "positional arguments" not in out
    assert "show this help message" not in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["report", "--example"],  # no period
        ["report", "--example", "--year", "2023", "--from", "2023-01-01", "--to", "2023-12-31"],
        ["report", "--example", "--from", "2023-12-31", "--to", "2023-01-01"],
        ["report", "--example", "--year", "deux-mille"],
        ["followup", "--example", "--on", "31/02/2023"],
        ["validate"],  # neither INPUT nor --example
        ["validate", "data.xlsx", "--example"],
    ],
)
def test_usage_errors_exit_2_in_french(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert "erreur" in err
    assert "Traceback" not in err


def test_missing_input_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "absent.xlsx")]) == 2
    assert "absent.xlsx" in capsys.readouterr().err


def test_report_does_not_replace_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "bilan.json"
    target.write_text("ancien", encoding="utf-8")
    assert (
        main(["report", "--example", "--year", "2023", "--format", "json", "-o", str(target)]) == 2
    )
    assert target.read_text(encoding="utf-8") == "ancien"
    assert (
        main(
            [
                "report",
                "--example",
                "--year",
                "2023",
                "--format",
                "json",
                "-o",
                str(target),
                "--force",
            ]
        )
        == 0
    )
    assert target.read_text(encoding="utf-8").startswith("{")


def test_help_starts_without_heavy_imports() -> None:
    """`citeslab --help` must not import babel, openpyxl, jinja2, pygal or the exporters:
    they are loaded by the commands that use them (the start-up budget is 150 ms)."""
    code = (
        "import sys\n"
        "from citeslab_core.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('babel', 'openpyxl', 'jinja2', 'pygal', 'cattrs',\n"
        "                     'citeslab_exporters', 'dateutil') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout
