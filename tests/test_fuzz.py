"""Fuzzing the readers (issue 15): CSV folders, JSON documents and workbooks full of
hostile cells (huge numbers, long cells, control and format characters, deep nesting,
wrong types). Whatever the input, reading ends, in bounded time, with the library's own
error (French, located) or a valid dataset, whose bilan can then be computed and shown.

The examples are few (the whole file runs in a few seconds; ``FUZZ_EXAMPLES=300`` asks
for more, about a minute): the fixed cases of tests/test_limits.py hold every finding;
these look for the next one.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import attrs
import openpyxl
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import compute_bilan
from citeslab_core.errors import InvalidData, UsageError
from citeslab_core.model import Dataset
from citeslab_core.readers import read_input
from citeslab_core.readers.converter import loads
from citeslab_core.render.text import render
from strategies import hostile_cells, hostile_json, hostile_sheets, hostile_texts

#: The most seconds one input may take to be read (and its bilan computed).
SECONDS = 10

fuzz = settings(
    max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "30")),
    suppress_health_check=[HealthCheck.too_slow],
)


def _outcome(read: object) -> None:
    """Read (``read`` is a callable), then check what came out."""
    started = time.perf_counter()
    try:
        data = read()  # type: ignore[operator]
    except (InvalidData, UsageError) as exc:  # what the command line reports: any other
        event("refused")  # error (UnreadableFile, a CitesLabError too) fails the test
        text = str(exc)
        text.encode("utf-8")  # printable: no lone surrogate in a message
        assert "Traceback" not in text
        assert len(text) < 200_000  # a long cell is never echoed whole
    else:
        event("read")
        assert isinstance(data, Dataset)
        bilan = compute_bilan(data, dt.date(2000, 1, 1), dt.date(2100, 12, 31))
        render(bilan).encode("utf-8")
    assert time.perf_counter() - started < SECONDS


@fuzz
@given(hostile_sheets(hostile_texts), st.sampled_from([";", ",", "\t"]))
def test_csv_folders(sheets: dict[str, list[list[object]]], delimiter: str) -> None:
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, rows in sheets.items():
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as stream:
                csv.writer(stream, delimiter=delimiter).writerows(rows)
        _outcome(lambda: read_input(folder))


@fuzz
@given(hostile_sheets(hostile_cells))
def test_workbooks(sheets: dict[str, list[list[object]]]) -> None:
    wb = openpyxl.Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            # a workbook cannot hold control characters: openpyxl refuses to write them
            ws.append([_xlsx_safe(cell) for cell in row])
        if len(rows) > 1:
            ws.cell(2, 2).number_format = "DD/MM/YYYY"  # a number read as a date cell
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.xlsx"
        wb.save(path)
        _outcome(lambda: read_input(path))


def _xlsx_safe(cell: object) -> object:
    if isinstance(cell, str):
        return "".join(c for c in cell if c in "\t\n\r" or (c >= " " and c not in "\x7f"))[:32_767]
    return cell


@fuzz
@given(hostile_sheets(hostile_json), hostile_json, st.integers(0, 3))
def test_json_documents(sheets: dict[str, list[list[object]]], value: object, trick: int) -> None:
    document: dict[str, object] = {"schema_version": 1}
    for name, rows in sheets.items():
        header, *records = rows
        if name == "structure":
            document[name] = {str(row[0]): row[1] for row in records}
        else:
            document[name] = [dict(zip(header, row, strict=True)) for row in records]
    text = json.dumps(document)
    if trick == 1:  # a wrong value anywhere at the top
        text = text[:-1] + ', "porteurs": ' + json.dumps(value) + "}"  # and a duplicate key
    elif trick == 2:  # deep nesting
        text = text[:-1] + ', "textes": ' + "[" * 50_000 + "]" * 50_000 + "}"
    elif trick == 3:  # a lone surrogate, as some programs escape a broken character
        text = text.replace('"P0"', '"P0\\udc80"')
    _outcome(lambda: loads(text))


# -- bilan files -----------------------------------------------------------------------------


def _bilan_documents() -> list[dict[str, object]]:
    """Valid bilan documents to mutate: a site's, public or not, and a network's."""
    from citeslab_core.network import network_bilan
    from citeslab_core.readers.example import load_example

    data = load_example()
    site = compute_bilan(data, year=2023)
    other = compute_bilan(data.subset(lambda p: p.sex is not None), year=2023)
    network = network_bilan([site, attrs.evolve(other, site="CitésLab Quimper")])
    bilans = [site, compute_bilan(data, year=2023, public=True), network]
    return [json.loads(b.to_json()) for b in bilans]


_BILANS: list[dict[str, object]] = []


def _paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*path, index)))
    return found


@fuzz
@given(st.data(), hostile_json, st.integers(0, 5))
def test_bilan_files(data: st.DataObject, value: object, trick: int) -> None:
    """A valid bilan JSON mutated at any place: read_bilan gives a bilan, or refuses it
    with the library's own error, never anything else."""
    from citeslab_core.bilan.file import loads_bilan
    from citeslab_core.errors import CitesLabError

    if not _BILANS:
        _BILANS.extend(_bilan_documents())
    document = copy.deepcopy(data.draw(st.sampled_from(_BILANS)))
    path = data.draw(st.sampled_from(_paths(document)[1:]))
    *parents, last = path
    holder: Any = document
    for step in parents:
        holder = holder[step]
    if trick == 0:  # a hostile value anywhere
        holder[last] = value
    elif trick == 1 and isinstance(holder, dict):  # a key missing
        del holder[last]
    elif trick == 2:  # a number where it hurts: huge, negative, NaN, a fraction
        holder[last] = data.draw(
            st.sampled_from([10**30, -1, float("nan"), float("inf"), 0.5, "1e999999", True])
        )
    elif trick == 3:  # an empty or odd container
        holder[last] = data.draw(st.sampled_from([[], {}, [1], [[]], {"": None}, "s"]))
    text = json.dumps(document, ensure_ascii=False, allow_nan=True)
    if trick == 4:  # the text cut anywhere
        text = text[: data.draw(st.integers(0, len(text)))]
    elif trick == 5:  # a key given twice at the top
        text = text[:-1] + ', "site": ' + json.dumps(value) + "}"
    started = time.perf_counter()
    try:
        bilan = loads_bilan(text, file="bilan.json")
    except CitesLabError as exc:
        event("refused")
        message = str(exc)
        message.encode("utf-8")
        assert "Traceback" not in message
        assert len(message) < 200_000
    else:
        event("read")
        render(bilan).encode("utf-8")
        assert loads_bilan(bilan.to_json()) == bilan
    assert time.perf_counter() - started < SECONDS
