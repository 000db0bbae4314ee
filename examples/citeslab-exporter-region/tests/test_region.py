"""The example exporter's own tests: it keeps the contract and writes the bilan's figures."""

from __future__ import annotations

import datetime as dt
import io
import json
from importlib.metadata import entry_points

from citeslab_core import compute_bilan, load_example
from citeslab_core.exporting import EXPORTER_API_VERSION, ExportOptions, Registry
from openpyxl import load_workbook

from citeslab_exporter_region import exporter


def test_it_is_a_valid_exporter() -> None:
    registry = Registry.from_exporters([exporter])
    assert registry.get("region_bretagne") is exporter
    assert exporter.api_version == EXPORTER_API_VERSION


def test_the_entry_point_is_installed() -> None:
    (point,) = [p for p in entry_points(group="citeslab.exporters") if p.name == exporter.name]
    assert point.load() is exporter


def test_figures_are_the_bilans() -> None:
    bilan = compute_bilan(load_example(), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    (workbook,) = exporter.export(bilan, ExportOptions("xlsx"), None)
    assert workbook.name == "region_bretagne_2023.xlsx"
    book = load_workbook(io.BytesIO(workbook.data))
    # The workbook is for people: the indicators in words, no column of codes; the codes
    # stay in the JSON and CSV copies, read here.
    assert [c.value for c in book["Indicateurs"][1]] == ["Indicateur", "Valeur"]
    (document,) = exporter.export(bilan, ExportOptions("json"), None)
    lines = json.loads(document.data)["tables"]["indicateurs"]["lignes"]
    values = {row["code"]: row["valeur"] for row in lines}
    assert values["accompagnes"] == bilan.indicators.accompanied
    assert values["femmes"] == bilan.indicators.women
    assert values["creations"] == bilan.indicators.creations
    sectors = [row[2] for row in book["Secteurs"].iter_rows(min_row=2, values_only=True)]
    assert sectors == [row.count for row in bilan.tables["secteur"].rows]


def test_csv_comes_with_its_data_package() -> None:
    bilan = compute_bilan(load_example(), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    names = {f.name for f in exporter.export(bilan, ExportOptions("csv"), None)}
    assert "datapackage.json" in names
    assert "region_bretagne_2023_indicateurs.csv" in names
