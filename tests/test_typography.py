"""French typography in every output a person reads (issue 23, DOMAIN.md « What a funder
receives »): a no-break space, never a plain one, before ``:`` ``;`` ``!`` ``?`` ``»``,
after ``«``, between a number and its unit or ``%``, inside a number; no line that starts
with ``:``, ``;`` or ``/``.

:func:`citeslab_core.french.typeset` does it; these tests look for a plain space where it
should not be in what the commands write: every golden output (tests/golden: the bundled
example and two generated sites, kept equal to the code by tests/test_golden.py) for the
text report, the HTML bilan, the calendar's page and iCalendar file, and the text cells of
every exporter's CSV, XLSX and ODS file; and the text report and HTML page of generated
data sets (Hypothesis). The JSON files are the machine copies: their strings are the data
and the vocabularies as they are (docs/decisions.md).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import compute_bilan
from citeslab_core.french import NBSP, NNBSP, typeset
from citeslab_core.model import Dataset
from citeslab_core.render import html as render_html
from citeslab_core.render import text as render_text
from strategies import datasets

OUT = Path(__file__).parent / "golden" / "out"

#: A plain space (U+0020) where French typography wants a no-break one. A year followed by
#: a word (« 2022 au 31 décembre ») is not a quantity and keeps its space.
PLAIN = re.compile(
    r"\S (?=[:;!?»])"  # before : ; ! ? »
    r"|« (?=\S)"  # after «
    r"|\d (?=[%€])"  # before % and €
    r"|(?<![\d.,])\d{1,3} (?=\d{3}(?!\d))"  # inside a number
    r"|(?<![\d.,])(?!(?:19|20)\d\d )\d+ (?=[^\W\d_])"  # a number and what it counts
)
#: A line (of a text output, a paragraph, a table cell) that starts with a sign that ends a
#: phrase (after plain spaces only: an HTML text node that starts « \u00a0: » follows its
#: word on the same line).
LINE_START = re.compile(r"^[ \t]*[:;/»!?]( |$)", re.MULTILINE)


def faults(text: str) -> list[str]:
    """Each place of ``text`` with a plain space where a no-break one belongs, in context."""
    found = [text[max(0, m.start() - 25) : m.end() + 25] for m in PLAIN.finditer(text)]
    found += [m[0] for m in LINE_START.finditer(text)]
    return found


# --- typeset --------------------------------------------------------------------------------


def test_typeset_puts_the_no_break_spaces_french_wants() -> None:
    assert typeset("Structure porteuse : DEFIS Emploi") == f"Structure porteuse{NBSP}: DEFIS Emploi"
    assert typeset("création : 5 ; poursuite") == f"création{NBSP}: 5{NNBSP}; poursuite"
    assert typeset("« Les déterminés »") == f"«{NBSP}Les déterminés{NBSP}»"
    assert typeset("Quoi ? Oui !") == f"Quoi{NNBSP}? Oui{NNBSP}!"
    assert typeset("(pour 1 000 habitants)") == f"(pour 1{NNBSP}000{NBSP}habitants)"
    assert typeset("Moins de 18 ans, 60 %, 12 €") == f"Moins de 18{NBSP}ans, 60{NBSP}%, 12{NBSP}€"
    assert typeset("(2 orientés, 1 retenu)") == f"(2{NBSP}orientés, 1{NBSP}retenu)"
    assert typeset("Cerfa n° 15059") == f"Cerfa n°{NBSP}15059"
    assert typeset("emploi / formation") == f"emploi{NBSP}/ formation"
    # a year is no quantity; two spaces are a layout; codes and identifiers have no space
    assert typeset("du 1er janvier 2022 au 31 mars") == f"du 1er janvier 2022 au 31{NBSP}mars"
    assert typeset("Femmes  71   60 %") == f"Femmes  71   60{NBSP}%"
    for code in ("orientation_periode_creation_nombre", "QP029901", "sha256:2df0", "14:13"):
        assert typeset(code) == code


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab1 9:;!?«»%€/\n\u00a0\u202f_é"), max_size=40))
def test_typeset_changes_only_plain_spaces_and_once(text: str) -> None:
    done = typeset(text)
    assert len(done) == len(text)
    for before, after in zip(text, done, strict=True):
        assert before == after or (before == " " and after in (NBSP, NNBSP))
    assert typeset(done) == done
    assert not PLAIN.search(done), done


# --- every golden output --------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a person reads in an HTML page: its text nodes (not the CSS) and the
    attributes a screen reader or a narrow table shows."""

    SHOWN = ("data-label", "aria-label", "title", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("style", "script")
        self.parts += [v for k, v in attrs if k in self.SHOWN and v]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _xlsx_texts(dump: object) -> Iterator[str]:
    if isinstance(dump, str):
        yield dump
    elif isinstance(dump, dict):
        for value in dump.values():
            yield from _xlsx_texts(value)
    elif isinstance(dump, list):
        for value in dump:
            yield from _xlsx_texts(value)


def _ics_texts(ics: str) -> Iterator[str]:
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    for line in unfolded.splitlines():
        name, _, value = line.partition(":")
        if name.split(";")[0] in ("SUMMARY", "DESCRIPTION", "LOCATION", "NAME", "X-WR-CALNAME"):
            yield value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")


def texts_of(path: Path) -> Iterator[str]:
    """The texts a person reads in one golden output file."""
    content = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".html":
        yield from html_texts(content)
    elif path.suffix == ".ics":
        yield from _ics_texts(content)
    elif path.suffix == ".csv":
        for row in csv.reader(io.StringIO(content), delimiter=";"):
            yield from row
    elif path.name.endswith(".xlsx.json"):
        yield from _xlsx_texts(json.loads(content))
    elif path.name.endswith(".ods.xml") or (path.name == "stdout.txt" and content.startswith("<!")):
        yield from html_texts(content)
    elif path.name == "stdout.txt" and not content.lstrip().startswith(("{", "[")):
        yield content


def _golden_files() -> list[Path]:
    return sorted(
        path
        for path in OUT.rglob("*")
        if path.is_file()
        and "_raw" not in path.parts
        # the example and the empty workbooks are data the chef fills in, not outputs
        and path.parent.name not in ("example-files", "template")
        and (path.suffix != ".json" or path.name.endswith(".xlsx.json"))
    )


def test_the_golden_outputs_are_there() -> None:
    kinds = {p.name.split(".", 1)[-1] for p in _golden_files()}
    assert {"html", "ics", "csv", "xlsx.json", "ods.xml", "txt"} <= kinds


@pytest.mark.parametrize("path", _golden_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_output_has_french_typography(path: Path) -> None:
    found = [fault for text in texts_of(path) for fault in faults(text)]
    assert found == [], found[:10]


# --- generated data sets --------------------------------------------------------------------


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(datasets())
def test_generated_sites_read_in_french_typography(data: Dataset) -> None:
    import datetime as dt

    bilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    report = render_text.render(bilan)
    assert faults(report) == []
    assert max(len(line) for line in report.splitlines()) <= render_text.WIDTH
    page = render_html.render(bilan)
    assert [f for text in html_texts(page) for f in faults(text)] == []


# --- the text report wraps at plain spaces only ---------------------------------------------

_WORD = st.text(alphabet="abcdéfghij1234", min_size=1, max_size=12)
_CELL = st.lists(_WORD, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(2, 7).flatmap(
        lambda n: st.tuples(
            st.lists(_CELL, min_size=n, max_size=n),
            st.lists(st.lists(_CELL, min_size=n, max_size=n), max_size=6),
        )
    )
)
def test_the_text_report_cuts_no_word_and_keeps_to_100_columns(
    table: tuple[list[str], list[list[str]]],
) -> None:
    """A table of the text report: no line wider than 100 columns, every word (and every
    heading, as long as the table can hold it whole) on one line."""
    headers, rows = table
    lines = render_text._grid(headers, rows, align="l" * len(headers))
    assert max(len(line) for line in lines) <= render_text.WIDTH
    columns = [[typeset(c) for c in column] for column in zip(headers, *rows, strict=True)]
    longest = [max(len(w) for c in column for w in c.split(" ")) for column in columns]
    if sum(longest) + 2 * len(longest) <= render_text.WIDTH:  # else a word must be cut
        shown = set(re.split(r"[ \n]+", "\n".join(lines)))
        for column in columns:
            for word in (w for c in column for w in c.split(" ")):
                assert word in shown, (word, lines)


def test_the_example_report_keeps_its_headings_whole() -> None:
    """« Moins de 18 ans » was « Moins de / 18 ans » and « 18-25 / ans »."""
    report = (OUT / "example-report-text" / "stdout.txt").read_text(encoding="utf-8")
    lines = report.splitlines()
    for heading in ("Moins de 18 ans", "18-25 ans", "56 ans et plus", "Pour 1 000 habitants"):
        assert any(typeset(heading) in line for line in lines), heading
    assert max(len(line) for line in lines) <= render_text.WIDTH
