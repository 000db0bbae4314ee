"""The peer of issue 26: the pandas script an analyst writes in an afternoon.

``python benchmarks/pandas_analyst.py DIR --year 2023`` reads a folder written by
``generate.py --messy --two-dates`` as an analyst would, and nothing more:
``read_csv(dtype=str, keep_default_na=False)`` per sheet (Windows-1252, as French Excel
saves), the headers normalised, the labels people typed mapped to codes with a
dictionary under a normalised key (case, accents, spaces; each distinct cell looked up
once), dates parsed with two explicit formats (``%Y-%m-%d``, then ``%d/%m/%Y``) and
combined; the tables by ``groupby`` / ``value_counts`` (``pandas_baseline.bilan``, the
same definitions as docs/bilan.md). It prints the figures as JSON: ``peers.py`` checks
them against citeslab's bilan before timing anything.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from pandas_baseline import CODED, CODES, bilan, key


def read(folder: Path, sheet: str, *, messy: bool = True) -> pd.DataFrame:
    """A sheet's file, every cell a string, headers normalised, labels as codes."""
    frame = pd.read_csv(
        folder / f"{sheet}.csv", sep=";", dtype=str, keep_default_na=False, encoding="cp1252"
    )
    frame.columns = [key(name).replace(" ", "_") for name in frame.columns]
    for column in CODED[sheet]:
        table = CODES[column]
        cells = frame[column]
        frame[column] = cells.map({cell: table.get(key(cell), "") for cell in cells.unique()})
    return frame


def dates(text: pd.Series) -> pd.Series:
    """Dates in two explicit formats, combined."""
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return iso.fillna(pd.to_datetime(text, format="%d/%m/%Y", errors="coerce"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()
    print(json.dumps(bilan(args.folder, args.year, messy=True, reader=read, dates=dates)))


if __name__ == "__main__":
    main()
