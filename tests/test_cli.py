"""The command line: help, usage errors, exit codes, no traceback, light start-up."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from citeslab_core.cli import main
from citeslab_core.cli._main import COMMANDS
from citeslab_core.cli._parser import COMMAND_ALIASES, ENGLISH_OPTIONS, build_parser


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"\n    {command} " in out or f"\n    {command}\n" in out
    # The English names are accepted, not listed as commands.
    assert "\n    validate" not in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : citeslab " + command)
    # argparse's English headings are replaced, the English option names left out.
    assert "usage:" not in out
    assert "positional arguments" not in out
    assert "show this help message" not in out
    for english in ENGLISH_OPTIONS:
        assert english not in out
    # The English name of the command gives the same help.
    with pytest.raises(SystemExit):
        main([COMMAND_ALIASES[command], "--help"])
    assert capsys.readouterr().out == out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2


def _namespace(argv: list[str]) -> dict[str, object]:
    args, extras = build_parser().parse_known_args(argv)
    assert extras == []
    found = vars(args)
    found["command"] = {e: f for f, e in COMMAND_ALIASES.items()}.get(
        str(found["command"]), found["command"]
    )
    return found


@pytest.mark.parametrize(
    ("french", "english"),
    [
        (["valider", "x.xlsx", "--le", "2024-01-15"], ["validate", "x.xlsx", "--on", "2024-01-15"]),
        (["bilan", "--exemple", "--annee", "2023"], ["report", "--example", "--year", "2023"]),
        (
            ["bilan", "x.xlsx", "--du", "2023-07-01", "--au", "2024-06-30", "--avec-controles"],
            ["report", "x.xlsx", "--from", "2023-07-01", "--to", "2024-06-30", "--with-checks"],
        ),
        (
            ["bilan", "x.xlsx", "--trimestre", "2024-T2"],
            ["report", "x.xlsx", "--quarter", "2024-T2"],
        ),
        (
            ["bilan", "x.xlsx", "--annee", "2023", "--sans-controles", "--sortie", "b.txt"],
            ["report", "x.xlsx", "--year", "2023", "--without-checks", "--output", "b.txt"],
        ),
        (["suivi", "x.xlsx", "--le", "2024-01-15"], ["followup", "x.xlsx", "--on", "2024-01-15"]),
        (
            ["exporter", "pic", "x.xlsx", "--annee", "2023", "-o", "d", "--cle", "k.txt"],
            ["export", "pic", "x.xlsx", "--year", "2023", "-o", "d", "--key-file", "k.txt"],
        ),
        (["exportateurs"], ["exporters"]),
        (["cle", "k.txt"], ["key", "k.txt"]),
        (["modele", "m.xlsx", "--force"], ["template", "m.xlsx", "--force"]),
        (["exemple", "d"], ["example", "d"]),
    ],
)
def test_english_names_are_aliases_of_the_french(french: list[str], english: list[str]) -> None:
    # FORMATS §3: scripts written against the English names keep working, identically.
    assert _namespace(french) == _namespace(english)


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["bilan", "--exemple"],  # no period
        ["bilan", "--exemple", "--annee", "2023", "--du", "2023-01-01", "--au", "2023-12-31"],
        ["bilan", "--exemple", "--du", "2023-12-31", "--au", "2023-01-01"],
        ["bilan", "--exemple", "--annee", "deux-mille"],
        ["suivi", "--exemple", "--le", "31/02/2023"],
        ["valider"],  # neither INPUT nor --exemple
        ["valider", "data.xlsx", "--exemple"],
        ["bilan", "--exemple", "--annee", "99999"],  # a year no one reports on
        ["bilan", "--exemple", "--annee", "0"],
        ["exporter", "--exemple"],  # NOM and -o missing
        ["valider", "--exemple", "--annee", "2023"],  # an option valider does not take
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
    # The French names are the ones said.
    assert "--year" not in err
    assert "--from" not in err


def _usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 2
    return " ".join(capsys.readouterr().err.split())  # the message, unwrapped


@pytest.mark.parametrize(
    ("argv", "suggested"),
    [
        (["valdier", "x.xlsx"], "vouliez-vous dire « valider » ?"),
        (["Bilans", "--exemple"], "vouliez-vous dire « bilan » ?"),
        (["reprot", "--exemple"], "vouliez-vous dire « bilan » ?"),  # English, answered French
        (["bilan", "--exemple", "--anee", "2023"], "vouliez-vous dire « --annee » ?"),
        (["bilan", "--exemple", "--yaer", "2023"], "vouliez-vous dire « --annee » ?"),
        (["bilan", "--exemple", "--annee", "2023", "--format", "htlm"], "« html » ?"),
        (["suivi", "--exemple", "--format", "JSON"], "vouliez-vous dire « json » ?"),
        (
            ["exporter", "bpii", "--exemple", "--annee", "2023", "-o", "d"],
            "vouliez-vous dire « bpi » ?",
        ),
    ],
)
def test_a_near_miss_gets_a_suggestion(
    argv: list[str], suggested: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert suggested in _usage_error(argv, capsys)


def test_format_pdf_says_how_to_make_a_pdf(capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage_error(["bilan", "--exemple", "--annee", "2023", "--format", "pdf"], capsys)
    assert "imprimez-la en PDF depuis le navigateur" in err
    assert "soffice --headless --convert-to pdf" in err
    assert "--format pptx" in err
    err = _usage_error(
        ["exporter", "calendrier", "--exemple", "--annee", "2024", "-o", "x", "--format", "pdf"],
        capsys,
    )
    assert "écrivez-le en html (--format html) et imprimez-le en PDF" in err
    err = _usage_error(
        ["exporter", "bpi", "--exemple", "--annee", "2023", "-o", "x", "--format", "xslx"], capsys
    )
    assert "vouliez-vous dire « xlsx » ?" in err


def test_missing_input_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["valider", str(tmp_path / "absent.xlsx")]) == 2
    assert "absent.xlsx" in capsys.readouterr().err


def test_a_missing_key_file_is_a_usage_error_that_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CITESLAB_PSEUDO_KEY", raising=False)
    key = tmp_path / "cle-citeslab.txt"
    argv = ["exporter", "pic", "--exemple", "--annee", "2023", "-o", str(tmp_path / "envoi")]
    assert main([*argv, "--cle", str(key)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"Créez-la avec `citeslab cle {key}`" in err
    assert main(argv) == 2  # no key at all: the same kind of mistake
    assert "citeslab cle FICHIER" in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "envoi").exists()


@pytest.mark.parametrize("command", ["bilan", "exporter"])
def test_o_creates_the_folders_it_needs(tmp_path: Path, command: str) -> None:
    if command == "bilan":
        target = tmp_path / "Bilans à envoyer" / "2023" / "bilan.html"
        argv = ["bilan", "--exemple", "--annee", "2023", "--format", "html", "-o", str(target)]
    else:
        target = tmp_path / "Envois" / "2023"
        argv = ["exporter", "bpi", "--exemple", "--annee", "2023", "-o", str(target)]
    assert main(argv) == 0
    assert target.exists()


def test_report_does_not_replace_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "bilan.json"
    target.write_text("ancien", encoding="utf-8")
    argv = ["bilan", "--exemple", "--annee", "2023", "--format", "json", "-o", str(target)]
    assert main(argv) == 2
    assert target.read_text(encoding="utf-8") == "ancien"
    assert main([*argv, "--force"]) == 0
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
        "                     'citeslab_exporters', 'dateutil', 'pyarrow', 'numpy',\n"
        "                     'python_calamine', 'pandas') if m in sys.modules]\n"
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
    err = " ".join(capsys.readouterr().err.split())
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
    err = " ".join(capsys.readouterr().err.split())
    assert "- d.json, suivis[3] : Suivi après la sortie, sans entretien" in err


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_the_bilan_a_funder_receives_carries_no_checks(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # FORMATS §3: no checks in the text or the page unless --avec-controles (a one-line
    # summary on the terminal instead); the JSON, which tools read, keeps its controles
    # unless --sans-controles (--without-checks) is given.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # the same time in every file
    made = {}
    for flag in ("", "--avec-controles", "--with-checks", "--sans-controles", "--without-checks"):
        target = tmp_path / f"bilan{flag}.{fmt}"
        argv = ["bilan", "--exemple", "--annee", "2023", "--format", fmt, "-o", str(target)]
        assert main([*argv, *([flag] if flag else [])]) == 0
        err = capsys.readouterr().err
        made[flag] = (target.read_text(encoding="utf-8"), err)
    for flag, (text, err) in made.items():
        if fmt == "json":
            kept = flag != "--sans-controles" and flag != "--without-checks"
            assert ("controles" in json.loads(text)) is kept
        else:
            kept = flag in ("--avec-controles", "--with-checks")
            assert ("Contrôles" in text) is kept
            assert ("Avertissement" in text) is kept
        # The terminal hears of the checks a document leaves out, in one line.
        summary = [line for line in err.splitlines() if line.startswith("Contrôles : ")]
        assert len(summary) == (0 if kept else 1)
        if not kept:
            # (the two gaps of 2023 the budget sheet explains are not among them)
            assert "5 avertissements, 2 informations" in summary[0]
    # Everything else is the same bilan.
    assert made["--avec-controles"][0] == made["--with-checks"][0]
    assert made["--sans-controles"][0] == made["--without-checks"][0]
    assert len(made["--sans-controles"][0]) < len(made["--avec-controles"][0])


def test_valider_lists_every_kind_of_error_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 24: a generated site with three deliberate mistakes in one file: a misspelt
    # value, a date in the future and a hand-over added to a closed pathway (R8). One run
    # lists all three; only the person of the misspelt row waits, and the message says so.
    import shutil

    site = tmp_path / "site"
    shutil.copytree(Path(__file__).parent / "golden" / "inputs" / "site_a", site)
    events = site / "suivis.csv"
    lines = events.read_text(encoding="utf-8").splitlines()
    assert lines[21] == "P0000003;2022-01-10;orientation;PLIE;autre;;;;"
    lines[21] = "P0000003;2022-01-10;Orientaton;PLIE;autre;;;;"
    assert lines[27] == "P0000004;2021-09-16;point_etape;;;;;;"
    lines[27] = "P0000004;2034-11-14;point_etape;;;;;;"
    assert lines[7] == "P0000000;2022-06-09;sortie;;;;;;emploi_formation"
    lines.insert(8, "P0000000;2022-07-01;passage_relais;BGE;;;;;")  # BGE: oriented before
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")

    assert main(["valider", str(site), "--le", "2024-12-31"]) == 1
    err = capsys.readouterr().err
    said = " ".join(err.split())
    # 1. the misspelling, in the user's words, with its suggestion
    assert (
        "suivis.csv, suivis!C23 (colonne « Type de suivi ») : « Orientaton » n'est pas une "
        "valeur de « Type de suivi » : vouliez-vous dire « Orientation » ? Valeurs possibles : "
        "Entretien individuel, " in said
    )
    # 2. the date in the future, in the same run
    assert "ligne 29 : " in said
    assert "14 novembre 2034 est postérieur à la date du contrôle" in said
    # 3. the hand-over after the closed pathway (R8), in the same run
    assert "ligne 9 : Suivi après la sortie, sans entretien qui rouvre le parcours (règle R8" in (
        said
    )
    assert "porteur P0000000 : Le suivi « Passage de relais du référent » du 1er juillet" in said
    # Only the person of the broken row waits, and the message says so.
    assert "du porteur P0000003 seront contrôlées une fois ses lignes corrigées" in said
    assert "seront contrôlées une fois ces erreurs corrigées" not in said
    assert said.endswith("En tout : 3 erreurs à corriger.")
    assert max(map(len, err.splitlines())) <= 100


def test_valider_still_checks_the_rules_when_a_person_row_is_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    people = wb.active
    assert people is not None
    people.title = "porteurs"
    people.append(["id", "sexe"])
    people.append(["P1", "F"])
    people.append(["P2", "Z"])  # broken: P2 waits
    events = wb.create_sheet("suivis")
    events.append(["porteur", "date", "type", "partenaire"])
    events.append(["P1", "2023-03-01", "entretien", None])
    events.append(["P1", "2023-04-02", "passage_relais", "BGE"])  # R3: never oriented to BGE
    events.append(["P2", "2023-03-01", "entretien", None])
    events.append(["P2", "2023-04-02", "passage_relais", "ADIE"])  # would be R3: waits
    path = tmp_path / "suivi.xlsx"
    wb.save(path)
    assert main(["valider", str(path), "--le", "2023-12-31"]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "porteurs!B3 (colonne « Sexe ») : « Z » n'est pas une valeur de « Sexe »" in said
    assert "1 erreur des règles du référent de parcours" in said
    assert "suivi.xlsx, suivis, ligne 3 : Passage de relais" in said
    assert "ADIE" not in said
    assert "du porteur P2 seront contrôlées une fois ses lignes corrigées" in said


_SITE_A = str(Path(__file__).parent / "golden" / "inputs" / "site_a")
_SITE_B = str(Path(__file__).parent / "golden" / "inputs" / "site_b")


@pytest.mark.parametrize(
    "argv",
    [
        *([command, "--help"] for command in COMMANDS),
        ["--help"],
        *(["exporter", name, "--help"] for name in ("bpi", "pic", "contrat_de_ville")),
        ["bilan", "--exemple", "--annee", "2023", "--avec-controles"],
        ["bilan", "--exemple", "--annee", "2024", "--avec-controles", "--public"],
        ["bilan", _SITE_A, _SITE_B, "--annee", "2023", "--avec-controles"],
        ["bilan", "--exemple", "--annee", "2023"],  # and its one-line summary
        ["suivi", "--exemple", "--le", "2023-12-31"],
        ["suivi", _SITE_A, "--le", "2022-06-30"],
        ["valider", "--exemple", "--le", "2023-06-30"],  # later events: R10 errors
        ["exportateurs"],
        ["bilan", "--exemple", "--annee", "2023", "--format", "pdf"],
        ["exporter", "pic", "--exemple", "--annee", "2023", "-o", "x", "--cle", "absente.txt"],
    ],
)
def test_every_text_output_fits_100_columns(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 24: every line a terminal shows (help, bilan, follow-up, messages) fits 100
    # columns, wrapped at spaces; nothing is lost in the wrapping.
    monkeypatch.delenv("CITESLAB_PSEUDO_KEY", raising=False)
    with contextlib.suppress(SystemExit):
        main(argv)
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).splitlines()
    assert lines
    too_wide = [line for line in lines if len(line) > 100]
    assert too_wide == []


def test_wrapping_breaks_only_at_spaces_and_keeps_every_word() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from citeslab_core.render.lines import wrap

    words = st.text(alphabet="abcdéfg«»:;?!-'’0123456789\u00a0\u202f", min_size=1, max_size=12)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.lists(words, max_size=40), max_size=4), st.integers(0, 8))
    def check(paragraphs: list[list[str]], indent: int) -> None:
        text = "\n".join(" " * indent + " ".join(p) for p in paragraphs)
        wrapped = wrap(text)
        for line in wrapped.splitlines():
            # a line is longer than 100 only when one word is (never cut inside a word)
            assert len(line) <= 100 or " " not in line.strip()
        assert wrapped.split() == text.split()

    check()
