"""The baseline: the bilan's main tables computed by a plain pandas script.

``python benchmarks/pandas_baseline.py DIR --year 2023`` reads the same CSV folder as
``citeslab report DIR --year 2023`` and computes, with the same definitions (DOMAIN.md),
the accompanied persons, the portrait tables, the orientation at the first meeting, the
results and the programmes. It is what an analyst would write in a notebook; citeslab is
measured against it (``benchmarks/run.py``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd


def bilan(folder: Path, year: int) -> dict[str, object]:
    persons = pd.read_csv(folder / "porteurs.csv", sep=";", dtype=str, keep_default_na=False)
    events = pd.read_csv(folder / "suivis.csv", sep=";", dtype=str, keep_default_na=False)
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
    people["first"] = first.reindex(people.index)
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
    args = parser.parse_args()
    began = time.perf_counter()
    result = bilan(args.folder, args.year)
    elapsed = time.perf_counter() - began
    print(json.dumps({"seconds": round(elapsed, 3), "accompagnes": result["accompagnes"]}))


if __name__ == "__main__":
    main()
