"""Write a network-scale CSV folder (default 150 000 persons, ~700 000 events).

Deterministic (fixed seed): ``python benchmarks/generate.py OUT_DIR [--persons N]``.
``--sites N`` writes a network instead: N site folders ``OUT_DIR/site_001``… of
``--persons`` persons each, with distinct names (``structure.csv``), ids and
neighbourhoods per site.
The folder is in the workbook format (FORMATS.md §1) that ``citeslab`` reads, and that
``pandas_baseline.py`` reads too, so both are measured on the same files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

SEXES = ["F", "H", ""]
RESIDENCE = ["qpv", "qpv_limite", "hors_qpv"]
EDUCATION = ["infra_3", "3", "4", "5", "6", "7", "8", ""]
SITUATION = [
    "de_non_indemnise",
    "de_indemnise",
    "salarie",
    "independant",
    "etudiant",
    "inactif",
    "autre",
]
BENEFITS = ["rsa", "ass", "aah", "aucun", ""]
CHANNELS = ["action_citeslab", "bouche_a_oreille", "partenaire"]
SECTORS = [
    "restauration",
    "services_personne",
    "artistique",
    "association",
    "commerce",
    "batiment",
    "numerique",
    "divers",
]
STAGES = ["intentionniste", "en_devenir", "en_activite"]
CATEGORIES = ["creation", "emploi", "formation_insertion", "autre"]
RESULTS = ["creation", "poursuite", "emploi_formation", "sans_nouvelles", "abandon"]
PARTNERS = ["BGE", "ADIE", "CCI", "CMA", "France Travail", "PLIE", "France Active"]
PROGRAMMES = ["EITI Sato", "Les déterminés", "Les activé.es", "Cuisine du monde"]
HOODS = [f"Quartier {i:03d}" for i in range(300)]


def generate(
    out: Path, persons: int, seed: int = 20231231, *, site: int | None = None
) -> tuple[int, int]:
    """One site's folder; ``site`` (a network's site number) makes its name, ids and
    neighbourhoods its own (and gives it 12 neighbourhoods instead of 300)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    hoods = HOODS if site is None else [f"Quartier {site:03d}-{i:02d}" for i in range(12)]
    id_prefix = "P" if site is None else f"S{site:03d}-P"
    with (out / "quartiers.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["quartier", "statut_residence", "code_qpv", "commune", "population"])
        for index, name in enumerate(hoods):
            code = f"QP{index:06d}" if site is None else f"QP{site:03d}{index:03d}"
            writer.writerow([name, RESIDENCE[index % 3], code, "Commune", rng.randint(800, 9000)])
    if site is not None:
        with (out / "structure.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["cle", "valeur"])
            writer.writerow(["nom", f"CitésLab {site:03d}"])
    events = 0
    start = dt.date(2021, 1, 1)
    with (
        (out / "porteurs.csv").open("w", newline="", encoding="utf-8") as p_handle,
        (out / "suivis.csv").open("w", newline="", encoding="utf-8") as e_handle,
    ):
        people = csv.writer(p_handle, delimiter=";")
        suivis = csv.writer(e_handle, delimiter=";")
        people.writerow(
            [
                "id",
                "nom",
                "prenom",
                "telephone",
                "sexe",
                "date_naissance",
                "quartier",
                "niveau_formation",
                "situation_entree",
                "minima_sociaux",
                "canal",
                "prescripteur",
                "secteur",
                "stade_entree",
            ]
        )
        suivis.writerow(
            [
                "porteur",
                "date",
                "type",
                "partenaire",
                "categorie",
                "programme",
                "decision",
                "stade",
                "resultat",
            ]
        )
        for number in range(persons):
            pid = f"{id_prefix}{number:07d}"
            birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randint(0, 20000))
            channel = rng.choice(CHANNELS)
            people.writerow(
                [
                    pid,
                    f"Nom{number}",
                    f"Prénom{number}",
                    f"06 00 {number % 100:02d} 00 00",
                    rng.choice(SEXES),
                    birth.isoformat(),
                    rng.choice(hoods),
                    rng.choice(EDUCATION),
                    rng.choice(SITUATION),
                    rng.choice(BENEFITS),
                    channel,
                    rng.choice(PARTNERS) if channel == "partenaire" else "",
                    rng.choice(SECTORS),
                    rng.choice(STAGES),
                ]
            )
            day = start + dt.timedelta(days=rng.randint(0, 1000))
            rows = [[pid, day.isoformat(), "entretien", "", "", "", "", "", ""]]
            if rng.random() < 0.5:
                rows.append(
                    [
                        pid,
                        day.isoformat(),
                        "orientation",
                        rng.choice(PARTNERS),
                        rng.choice(CATEGORIES),
                        "",
                        "",
                        "",
                        "",
                    ]
                )
            for _ in range(rng.randint(1, 4)):
                day += dt.timedelta(days=rng.randint(5, 70))
                kind = rng.random()
                if kind < 0.7:
                    rows.append([pid, day.isoformat(), "point_etape", "", "", "", "", "", ""])
                elif kind < 0.85:
                    rows.append(
                        [
                            pid,
                            day.isoformat(),
                            "orientation",
                            rng.choice(PARTNERS),
                            rng.choice(CATEGORIES),
                            "",
                            "",
                            "",
                            "",
                        ]
                    )
                else:
                    programme = rng.choice(PROGRAMMES)
                    rows.append(
                        [
                            pid,
                            day.isoformat(),
                            "candidature_programme",
                            "",
                            "",
                            programme,
                            "",
                            "",
                            "",
                        ]
                    )
                    rows.append(
                        [
                            pid,
                            day.isoformat(),
                            "decision_programme",
                            "",
                            "",
                            programme,
                            rng.choice(["retenu", "non_retenu"]),
                            "",
                            "",
                        ]
                    )
            if rng.random() < 0.6:
                day += dt.timedelta(days=rng.randint(5, 90))
                rows.append(
                    [pid, day.isoformat(), "sortie", "", "", "", "", "", rng.choice(RESULTS[1:])]
                )
            suivis.writerows(rows)
            events += len(rows)
    return persons, events


def generate_network(out: Path, sites: int, persons: int) -> tuple[int, int]:
    """``sites`` site folders ``out/site_001``… of ``persons`` persons each."""
    totals = [
        generate(out / f"site_{number:03d}", persons, seed=20231231 + number, site=number)
        for number in range(1, sites + 1)
    ]
    return sum(p for p, _ in totals), sum(e for _, e in totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--sites", type=int, default=0, help="a network of N site folders")
    args = parser.parse_args()
    if args.sites:
        persons, events = generate_network(args.out, args.sites, args.persons)
        print(f"{args.sites} sites, {persons} persons, {events} events in {args.out}")
        return
    persons, events = generate(args.out, args.persons)
    print(f"{persons} persons, {events} events in {args.out}")


if __name__ == "__main__":
    main()
