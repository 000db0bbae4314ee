"""The command line: help, usage errors, exit codes, no traceback, light start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citeslab_core.cli import main
from citeslab_core.cli._main import COMMANDS


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
        ["report", "--example", "--year", "99999"],  # a year no one reports on
        ["report", "--example", "--year", "0"],
        ["export", "--example"],  # NOM and -o missing
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


def test_template_is_an_xlsx_or_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "modele.ods"
    assert main(["template", str(target)]) == 2
    assert not target.exists()
    assert ".xlsx" in capsys.readouterr().err


def test_an_output_the_system_refuses_is_a_french_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    # A folder below a file cannot be created; nothing else may appear.
    assert main(["export", "bpi", "--example", "--year", "2023", "-o", str(blocker / "sous")]) == 2
    assert main(["report", "--example", "--year", "2023", "-o", str(blocker / "b.txt")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "Errno" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fichier"]


def test_validate_says_the_rules_wait_for_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"schema_version": 1, "porteurs": [{"id": "A", "sexe": "X"}], "suivis": []}',
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "porteurs[0].sexe" in err
    assert "règles du référent de parcours" in err


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"{bad", "nom de clé entre guillemets attendu"),
        (b'{"schema_version": 1,', "nom de clé"),
        (b"\xff\xfe{}", "pas du texte UTF-8"),
        (b'{"schema_version": 1} x', "données après la fin du document"),
    ],
)
def test_unreadable_json_is_explained_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str
) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert reason in err
    assert "Expecting" not in err


def test_validate_names_the_row_of_a_rule_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    people = wb.active
    assert people is not None
    people.title = "porteurs"
    people.append(["id"])
    people.append(["P1"])
    events = wb.create_sheet("suivis")
    events.append(["porteur", "date", "type", "partenaire"])
    events.append(["P1", "2023-03-01", "entretien", None])
    events.append([None, None, None, None])  # an empty row: skipped, still counted
    events.append(["P1", "2023-04-02", "passage_relais", "BGE"])  # never oriented to BGE
    path = tmp_path / "suivi.xlsx"
    wb.save(path)
    assert main(["validate", str(path), "--on", "2023-12-31"]) == 1
    err = capsys.readouterr().err
    assert (
        "- suivi.xlsx, suivis, ligne 4 : Passage de relais vers un partenaire "
        "jamais orienté (règle R3, erreur), porteur P1 : " in err
    )


def test_validate_names_the_json_element_of_a_rule_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = {
        "schema_version": 1,
        "porteurs": [{"id": "P1"}, {"id": "P2"}],
        "suivis": [
            {"porteur": "P1", "date": "2023-03-01", "type": "entretien"},
            {"porteur": "P2", "date": "2023-03-02", "type": "entretien"},
            {"porteur": "P2", "date": "2023-03-09", "type": "sortie", "resultat": "abandon"},
            {"porteur": "P2", "date": "2023-05-01", "type": "point_etape"},  # after the exit
        ],
    }
    path = tmp_path / "d.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["validate", str(path), "--on", "2023-12-31"]) == 1
    assert "- d.json, suivis[3] : Suivi après la sortie, sans entretien" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_report_without_checks_leaves_them_out(tmp_path: Path, fmt: str) -> None:
    # FORMATS §3: --without-checks leaves the checks out of a bilan meant for funders; the
    # default report keeps them.
    both = {}
    for flag in ([], ["--without-checks"]):
        target = tmp_path / f"bilan{len(flag)}.{fmt}"
        argv = ["report", "--example", "--year", "2023", "--format", fmt, "-o", str(target)]
        assert main([*argv, *flag]) == 0
        both[bool(flag)] = target.read_text(encoding="utf-8")
    with_checks, without = both[False], both[True]
    if fmt == "json":
        assert "controles" in json.loads(with_checks)
        assert "controles" not in json.loads(without)
    else:
        assert "Contrôles" in with_checks
        assert "Contrôles" not in without
        assert "constat" not in without
    # Everything else is the same report.
    assert len(without) < len(with_checks)
