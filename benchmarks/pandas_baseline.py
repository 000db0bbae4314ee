"""The baseline: the bilan's main tables computed by a plain pandas script.

``python benchmarks/pandas_baseline.py DIR --year 2023 [--messy]`` reads the same CSV
folder as ``citeslab report DIR --year 2023`` and computes, with the same definitions
(docs/bilan.md), the accompanied persons, the new ones, the portrait tables, the
orientation at the first meeting, the results and the programmes, and prints them as JSON
(``benchmarks/run.py`` checks them against citeslab's bilan JSON). It is what an analyst
would write in a notebook; citeslab is measured against it.

``--messy`` reads a folder written by ``generate.py --messy`` the way an analyst would:
``encoding="cp1252"``, empty rows dropped, ISO dates read as ISO and the others with
``format="mixed", dayfirst=True`` (pandas reads ``2023-03-04`` as 3 April with
``dayfirst=True``), and the labels people typed mapped to codes through a dictionary of
the labels of docs/workbook.md under a normalised key (case, accents, spaces), each
distinct cell looked up once.
"""

from __future__ import annotations

import argparse
import json
import re
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from labels import LABELS

CODED = {
    "porteurs": [
        "sexe",
        "niveau_formation",
        "situation_entree",
        "minima_sociaux",
        "canal",
        "secteur",
        "stade_entree",
    ],
    "suivis": ["type", "categorie", "decision", "resultat"],
}


def key(text: str) -> str:
    """Case, accents, ``_``/``-``/apostrophes and spaces aside."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\s_\-'’]+", " ", text).strip()
    return re.sub(r"\s*\+\s*", "+", text)


CODES = {
    column: {key(form): code for code, forms in table.items() for form in (code, *forms)}
    for column, table in LABELS.items()
}


def days(text: pd.Series) -> pd.Series:
    """Dates typed in several forms: ISO, else day first."""
    found = pd.to_datetime(text, format="ISO8601", errors="coerce")
    other = found.isna() & text.ne("")
    found[other] = pd.to_datetime(text[other], format="mixed", dayfirst=True)
    return found


def read(folder: Path, sheet: str, *, messy: bool) -> pd.DataFrame:
    """A sheet's file, every cell a string (empty cells ""), codes as codes."""
    path = folder / f"{sheet}.csv"
    if not messy:
        return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="cp1252")
    frame = frame[frame.ne("").any(axis=1)]  # empty rows
    for column in CODED[sheet]:
        table = CODES[column]
        cells = frame[column]
        frame[column] = cells.map(
            {cell: table[key(cell)] if cell else "" for cell in cells.unique()}
        )
    return frame


def bilan(
    folder: Path,
    year: int,
    *,
    messy: bool = False,
    reader: Callable[..., pd.DataFrame] = read,
    dates: Callable[[pd.Series], pd.Series] = days,
) -> dict[str, object]:
    """The bilan's tables; ``reader`` and ``dates`` read the sheets and the dates of a
    messy folder (``pandas_analyst.py`` gives its own)."""
    persons = reader(folder, "porteurs", messy=messy)
    events = reader(folder, "suivis", messy=messy)
    days = dates
    if messy:
        events["date"] = days(events["date"])
    else:
        events["date"] = pd.to_datetime(events["date"], format="%Y-%m-%d")
    events["row"] = range(len(events))
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    in_period = events[(events["date"] >= start) & (events["date"] <= end)]
    contacts = in_period[in_period["type"].isin(["entretien", "point_etape"])]
    accompanied = persons[persons["id"].isin(contacts["porteur"].unique())]
    interviews = events[events["type"] == "entretien"]
    first = interviews.groupby("porteur")["date"].min()
    new = int(first[(first >= start) & (first <= end)].index.isin(accompanied["id"]).sum())
    people = accompanied.set_index("id")
    people["minima_sociaux"] = people["minima_sociaux"].replace("", "aucun")  # the default
    people["first"] = first.reindex(people.index)
    if messy:
        birth = days(people["date_naissance"])
    else:
        birth = pd.to_datetime(people["date_naissance"], format="%Y-%m-%d", errors="coerce")
    age = (
        people["first"].dt.year
        - birth.dt.year
        - (
            (people["first"].dt.month * 100 + people["first"].dt.day)
            < (birth.dt.month * 100 + birth.dt.day)
        ).astype(int)
    )
    people["tranche_age"] = pd.cut(
        age,
        [-1, 17, 25, 35, 45, 55, 200],
        labels=["moins_18", "18_25", "26_35", "36_45", "46_55", "56_plus"],
    )
    tables: dict[str, dict[str, int]] = {}
    for column in [
        "sexe",
        "quartier",
        "niveau_formation",
        "situation_entree",
        "minima_sociaux",
        "canal",
        "secteur",
        "stade_entree",
        "tranche_age",
    ]:
        tables[column] = {str(k): int(v) for k, v in people[column].value_counts().items()}
    orientations = events[events["type"] == "orientation"].sort_values("row")
    on_first = orientations.merge(first.rename("first"), left_on="porteur", right_index=True)
    on_first = on_first[on_first["date"] == on_first["first"]].drop_duplicates("porteur")
    category = on_first.set_index("porteur")["categorie"].reindex(people.index).fillna("autre")
    tables["orientation_premier_rdv"] = {str(k): int(v) for k, v in category.value_counts().items()}
    exits = in_period[in_period["type"] == "sortie"].sort_values(["date", "row"])
    last_exit = exits.drop_duplicates("porteur", keep="last").set_index("porteur")["resultat"]
    result = last_exit.reindex(people.index).fillna("en_cours")
    tables["resultat"] = {str(k): int(v) for k, v in result.value_counts().items()}
    applications = in_period[in_period["type"] == "candidature_programme"]
    retained = in_period[
        (in_period["type"] == "decision_programme") & (in_period["decision"] == "retenu")
    ]
    programmes = {
        str(name): [
            int(applications[applications["programme"] == name]["porteur"].nunique()),
            int(retained[retained["programme"] == name]["porteur"].nunique()),
        ]
        for name in sorted(set(applications["programme"]) | set(retained["programme"]))
    }
    return {"accompagnes": len(people), "nouveaux": new, "tables": tables, "programmes": programmes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--messy", action="store_true", help="a folder of generate.py --messy")
    args = parser.parse_args()
    began = time.perf_counter()
    result = bilan(args.folder, args.year, messy=args.messy)
    result["seconds"] = round(time.perf_counter() - began, 3)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
