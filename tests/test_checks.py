"""The checks' codes and severities: one definition (citeslab_core.bilan.checks), held to the
pages that list them (the codes are a contract of the bilan's JSON)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from citeslab_core import bilan
from citeslab_core.bilan.checks import Check, CheckCode, Severity
from citeslab_core.bilan.file import read_bilan
from citeslab_core.derive import rules
from citeslab_core.errors import InvalidData
from citeslab_core.render import html

DOCS = Path(__file__).resolve().parent.parent / "docs"
#: The pages whose table lists check codes: | `code` | gravité | quand |
PAGES = ("bilan.md", "compte-rendu-financier.md", "network.md")


def documented_codes() -> dict[str, str]:
    found: dict[str, str] = {}
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for code, severity in re.findall(
            r"^ *\| `([a-z_0-9]+)` \| (erreur|avertissement|info) \|", text, re.M
        ):
            assert found.get(code, severity) == severity, code
            found[code] = severity
    return found


def test_every_code_is_documented_with_its_severity() -> None:
    assert {code.value: code.severity.value for code in CheckCode} == documented_codes()


def test_one_severity() -> None:
    assert rules.Severity is Severity
    assert bilan.SEVERITIES == (Severity.ERROR, Severity.WARNING, Severity.INFO)
    assert [s.rank for s in bilan.SEVERITIES] == sorted(s.rank for s in bilan.SEVERITIES)
    assert html.SEVERITY_LABELS == {
        "erreur": "Erreur",
        "avertissement": "Avertissement",
        "info": "Information",
    }


def test_a_check_keeps_its_code_as_text_and_its_severity_as_a_member() -> None:
    check = Check.of(CheckCode.UNDER_18, "m")
    assert (check.code, check.severity) == ("age_moins_18", Severity.WARNING)
    assert type(check.code) is str
    assert Check("age_moins_18", "avertissement", "m") == check
    assert Check("age_moins_18", "avertissement", "m").severity is Severity.WARNING
    assert bilan.Check is Check
    with pytest.raises(ValueError, match="grave"):
        Check("x", "grave", "m")


def test_a_bilan_file_with_an_unknown_severity_is_refused(tmp_path: Path) -> None:
    from citeslab_core.readers.example import load_example
    from citeslab_core.render.json import render

    text = render(bilan.compute_bilan(load_example(), year=2023))
    assert '"gravite": "info"' in text
    path = tmp_path / "bilan.json"
    path.write_text(text.replace('"gravite": "info"', '"gravite": "grave"', 1), "utf-8")
    with pytest.raises(
        InvalidData, match=r"controles\[\d+\]\.gravite : gravité « grave » inconnue"
    ):
        read_bilan(path)
