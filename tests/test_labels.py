"""The one table of wording (citeslab_core.render.labels, issue 16): every output names an
indicator, a column or an empty section with the table's words, and a masked count is
defined once."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from citeslab_core import exporting, french
from citeslab_core.bilan import Indicators, compute_bilan
from citeslab_core.bilan.comparison import compare
from citeslab_core.readers.example import load_example
from citeslab_core.render import html, text
from citeslab_core.render.labels import COLUMNS, EMPTY, INDICATORS, indicator
from citeslab_exporters import bpi, pic

SRC = Path(__file__).resolve().parent.parent / "src"
BILAN = compute_bilan(load_example(), year=2023)


def test_the_table_covers_every_indicator_once() -> None:
    counts = [name for name in Indicators.__annotations__ if name != "orientations"]
    assert [i.attribute for i in INDICATORS] == counts
    assert len({i.key for i in INDICATORS}) == len(INDICATORS)
    assert indicator("job_seekers").label == "Demandeurs d'emploi à l'entrée"
    with pytest.raises(KeyError):
        indicator("no_such_indicator")


def test_the_report_the_page_and_the_bpi_file_word_an_indicator_alike() -> None:
    """« Demandeurs d'emploi » (report), « Demandeurs d'emploi à l'entrée » (Bpifrance) and
    « demandeurs d\u2019emploi » (page) were one indicator worded three ways."""
    report = text.render(BILAN)
    page = html.render(BILAN)
    bpi_labels = {row[1] for row in bpi.indicators_table(BILAN).rows}
    for i in INDICATORS:
        value = french.format_count(getattr(BILAN.indicators, i.attribute))
        label = french.typeset(i.label)
        assert re.search(rf"^  {re.escape(label)} +{value}$", report, re.MULTILINE), i
        escaped = label.replace("'", "&#39;")
        assert f'<th scope="row">{escaped}</th>' in page, i
        assert i.label in bpi_labels, i


def test_the_exporters_the_comparison_and_the_notebook_read_the_table() -> None:
    summary = {row[0]: row[1] for row in pic.summary_table(BILAN).rows}
    assert summary["sorties_positives"] == indicator("positive_exits").label
    notebook = BILAN._repr_html_()
    for name in ("new", "qpv_residents", "positive_exits"):
        assert f'<th scope="row">{indicator(name).short}</th>' in notebook
    evolution = compare(BILAN, BILAN)
    for i in INDICATORS:
        row = evolution.row("indicateurs", i.key)
        assert row is not None
        assert row.label == i.short


@pytest.mark.parametrize("key", sorted(COLUMNS.keys() & {"portee", "programmes", "animations"}))
def test_the_text_and_the_page_head_a_section_alike(key: str) -> None:
    report = text.render(BILAN).splitlines()
    assert any(line.split() == " ".join(COLUMNS[key]).split() for line in report), key
    numeric = ' class="num"'
    cells = "".join(
        f'<th scope="col"{numeric if n else ""}>{french.typeset(head)}</th>'
        for n, head in enumerate(COLUMNS[key])
    )
    assert cells.replace("'", "&#39;") in html.render(BILAN), key


def test_an_empty_section_says_so_alike() -> None:
    empty = compute_bilan(load_example(), year=2021)
    assert not empty.programmes
    assert not empty.partnerships
    report, page = text.render(empty), html.render(empty)
    for key in ("programmes", "partenariats"):
        assert french.typeset(EMPTY[key]) in report
        assert french.typeset(EMPTY[key]).replace("'", "&#39;") in page


def test_the_wording_uses_the_ascii_apostrophe() -> None:
    """The spec, the vocabularies and the workbook write d'emploi: the outputs' own words
    never mix in U+2019 (the page had « Bilan d\u2019activité » above « Indicateurs
    d'activité »)."""
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # vocabularies.normalize reads either apostrophe in a workbook's cells
            if "\u2019" in line and not line.startswith("_SEPARATORS = "):
                pytest.fail(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not any("\u2019" in form for forms in french.COUNTED.values() for form in forms)


def test_a_masked_count_is_written_from_one_definition() -> None:
    """french.MASKED_TEXT is the one ``s``; the export cell value and every reader refer to it."""
    assert exporting.MASKED.value == exporting.MASKED_TEXT == french.MASKED_TEXT == "s"
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign) and node.value is not None
                else []
            )
            value = getattr(node, "value", None)
            for target in targets:
                name = getattr(target, "id", "")
                if "MASKED" in name and isinstance(value, ast.Constant) and value.value == "s":
                    found.append(f"{path.relative_to(SRC)}:{name}")
    assert found == ["citeslab_core/french.py:MASKED_TEXT"]
