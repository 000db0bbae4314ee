"""The golden outputs: what every command writes for fixed inputs, byte for byte.

``tests/golden/out/`` holds, per case, the files a command wrote (or its standard output
as ``stdout.txt``), for the bundled example and for two small generated sites kept in
``tests/golden/inputs/``. Workbooks (``.xlsx``) are compared through a canonical JSON
dump of their cells and number formats (``<name>.xlsx.json``): the zip itself carries
timestamps. OpenDocument files (``.ods``) are compared through their ``content.xml`` and
``styles.xml`` (``<name>.ods.xml``): ``meta.xml`` carries the time of writing.
``tests/test_golden.py`` runs every case into a temporary folder and compares.

To change a golden output on purpose (and say so in the commit)::

    python tests/golden_cases.py

then read ``git diff tests/golden/`` before committing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import attrs
from openpyxl import load_workbook

from citeslab_core.cli import main

GOLDEN = Path(__file__).parent / "golden"
INPUTS = GOLDEN / "inputs"
OUTPUTS = GOLDEN / "out"
#: A fixed pseudonym key: the pic cases' pseudonyms are part of what is compared.
PSEUDO_KEY = "golden-outputs-test-key-0123456789"


@attrs.frozen
class Case:
    """One command run: its name (a folder of ``out/``) and its arguments.

    ``output`` is where the command is told to write (``-o``): ``"dir"`` for a folder,
    ``"file:NAME"`` for one file, ``None`` when the output is the standard output.
    """

    name: str
    argv: tuple[str, ...]
    output: str | None = None


def _cases() -> list[Case]:
    site_a = str(INPUTS / "site_a")
    site_b = str(INPUTS / "site_b")
    cases = [
        Case("example-report-text", ("bilan", "--exemple", "--annee", "2023")),
        Case("example-report-json", ("bilan", "--exemple", "--annee", "2023", "--format", "json")),
        Case(  # the checks, in the text only when asked (issue 23)
            "example-report-text-checks",
            ("bilan", "--exemple", "--annee", "2023", "--avec-controles"),
        ),
        Case(
            "example-report-json-public",
            ("bilan", "--exemple", "--annee", "2023", "--format", "json", "--public"),
        ),
        Case(
            "example-report-html",
            ("bilan", "--exemple", "--annee", "2023", "--format", "html"),
            "file:bilan.html",
        ),
        Case(
            "example-report-pptx",
            ("bilan", "--exemple", "--annee", "2023", "--format", "pptx"),
            "file:bilan.pptx",
        ),
        Case(
            "example-report-text-2022",
            ("bilan", "--exemple", "--du", "2022-01-01", "--au", "2022-12-31"),
        ),
        Case(
            "example-followup-json",
            ("suivi", "--exemple", "--le", "2023-12-31", "--format", "json"),
        ),
        Case("example-followup-text", ("suivi", "--exemple", "--le", "2023-12-31")),
        Case("example-files", ("exemple",), "dir"),
        Case("template", ("modele",), "file:modele.xlsx"),
        Case("site_a-report-text", ("bilan", site_a, "--annee", "2023")),
        Case("site_a-report-json", ("bilan", site_a, "--annee", "2023", "--format", "json")),
        Case(
            "site_a-report-html",
            ("bilan", site_a, "--annee", "2023", "--format", "html"),
            "file:bilan.html",
        ),
        Case(
            "site_a-followup-json",
            ("suivi", site_a, "--le", "2024-06-30", "--format", "json"),
        ),
        Case("site_b-report-json", ("bilan", site_b, "--annee", "2023", "--format", "json")),
    ]
    for fmt in ("text", "json", "html"):  # the network of the two sites
        cases.append(
            Case(
                f"network-report-{fmt}",
                ("bilan", site_a, site_b, "--annee", "2023", "--format", fmt),
            )
        )
    for exporter in ("bpi", "contrat_de_ville", "pic"):
        for fmt in ("xlsx", "csv", "json"):
            cases.append(
                Case(
                    f"example-export-{exporter}-{fmt}",
                    ("exporter", exporter, "--exemple", "--annee", "2023", "--format", fmt),
                    "dir",
                )
            )
        cases.append(
            Case(
                f"site_a-export-{exporter}-csv",
                ("exporter", exporter, site_a, "--annee", "2023", "--format", "csv"),
                "dir",
            )
        )
    cases.append(  # the one exporter that writes OpenDocument (and the compte rendu)
        Case(
            "example-export-contrat_de_ville-ods",
            ("exporter", "contrat_de_ville", "--exemple", "--annee", "2023", "--format", "ods"),
            "dir",
        )
    )
    for fmt in ("ics", "html", "csv"):  # the example's 2024 plan and permanences, T2
        cases.append(
            Case(
                f"example-export-calendrier-{fmt}",
                ("exporter", "calendrier", "--exemple", "--trimestre", "2024-T2", "--format", fmt),
                "dir",
            )
        )
    return cases


CASES: tuple[Case, ...] = tuple(_cases())


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def workbook_dump(path: Path) -> str:
    """The cells of a workbook as canonical JSON: values and non-General number formats."""
    book = load_workbook(path)
    sheets: dict[str, Any] = {}
    for sheet in book.worksheets:
        rows = [[_cell(cell.value) for cell in row] for row in sheet.iter_rows()]
        formats = {
            cell.coordinate: cell.number_format
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None and cell.number_format != "General"
        }
        sheets[sheet.title] = {"state": sheet.sheet_state, "rows": rows, "formats": formats}
    return json.dumps(sheets, ensure_ascii=False, indent=1, default=str) + "\n"


#: A fixed generation time (2024-01-01T00:00:00Z): the provenance every bilan and export
#: carries is then the same on every run.
SOURCE_DATE_EPOCH = "1704067200"


def deck_dump(path: Path) -> str:
    """A deck's structure as canonical JSON: each slide's title, the text of its text
    boxes, its tables' cells and its charts' kind, categories and series (the file itself
    carries times: docs/decisions.md, « The bilan as a deck »)."""
    from pptx import Presentation

    slides: list[dict[str, Any]] = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title
        found: dict[str, Any] = {
            "title": title.text_frame.text if title is not None else None,
            "texts": [],
            "tables": [],
            "charts": [],
        }
        for shape in slide.shapes:
            if shape.has_chart:
                chart: Any = cast(Any, shape).chart
                found["charts"].append(
                    {
                        "kind": str(chart.chart_type).split(" ")[0],
                        "categories": list(chart.plots[0].categories),
                        "series": [
                            {"name": series.name, "values": list(series.values)}
                            for series in chart.series
                        ],
                    }
                )
            elif shape.has_table:
                table: Any = cast(Any, shape).table
                found["tables"].append(
                    [[cell.text_frame.text for cell in row.cells] for row in table.rows]
                )
            elif shape.has_text_frame and shape != title:
                found["texts"].append(cast(Any, shape).text_frame.text)
        slides.append(found)
    return json.dumps(slides, ensure_ascii=False, indent=1) + "\n"


def opendocument_dump(path: Path) -> bytes:
    """The content and styles of an OpenDocument file, one after the other."""
    with zipfile.ZipFile(path) as archive:
        return b"\n".join(archive.read(name) for name in ("content.xml", "styles.xml"))


@contextlib.contextmanager
def _environment() -> Iterator[None]:
    fixed = {"CITESLAB_PSEUDO_KEY": PSEUDO_KEY, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    saved = {name: os.environ.get(name) for name in fixed}
    os.environ.update(fixed)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def run_case(case: Case, target: Path) -> None:
    """Run ``case`` and leave its outputs in the empty folder ``target`` (canonical form)."""
    argv: list[str] = list(case.argv)
    work = target / "_raw"
    if case.output == "dir":
        argv += ["-o", str(work)] if case.argv[0] == "exporter" else [str(work)]
    elif case.output is not None:
        work.mkdir(parents=True)
        name = case.output.removeprefix("file:")
        if case.argv[0] == "modele":
            argv.append(str(work / name))
        else:
            argv += ["-o", str(work / name)]
    buffer = io.BytesIO()
    stdout = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n", write_through=True)
    with _environment(), contextlib.redirect_stdout(stdout):
        code = main(argv)
    if code != 0:
        raise AssertionError(f"{case.name}: exit {code}")
    target.mkdir(parents=True, exist_ok=True)
    if case.output is None:
        (target / "stdout.txt").write_bytes(buffer.getvalue())
        return
    for path in sorted(work.iterdir()):
        if path.suffix == ".xlsx":
            (target / (path.name + ".json")).write_text(workbook_dump(path), encoding="utf-8")
        elif path.suffix == ".pptx":
            (target / (path.name + ".json")).write_text(deck_dump(path), encoding="utf-8")
        elif path.suffix == ".ods":
            (target / (path.name + ".xml")).write_bytes(opendocument_dump(path))
        else:
            shutil.copyfile(path, target / path.name)
    shutil.rmtree(work)


def regenerate(names: Sequence[str] = ()) -> None:
    """Write every case (or those named) anew under ``tests/golden/out/``."""
    for case in CASES:
        if names and case.name not in names:
            continue
        target = OUTPUTS / case.name
        shutil.rmtree(target, ignore_errors=True)
        run_case(case, target)
        print(f"écrit : {target}")


if __name__ == "__main__":
    regenerate(sys.argv[1:])
