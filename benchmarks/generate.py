"""Write a network-scale CSV folder (default 150 000 persons, ~700 000 events).

Deterministic (fixed seed): ``python benchmarks/generate.py OUT_DIR [--persons N]``.
``--sites N`` writes a network instead: N site folders ``OUT_DIR/site_001``… of
``--persons`` persons each, with distinct names (``structure.csv``), ids and
neighbourhoods per site.
The folder is in the workbook format (docs/workbook.md) that ``citeslab`` reads, and that
``pandas_baseline.py`` reads too, so both are measured on the same files.

``--messy`` writes the same site (the same seed gives the same persons and events) the
way people fill it in: dates in several formats (``2023-03-14``, ``14/03/2023``,
``14/03/23``, ``4/3/2023``, ``14.03.2023``; birth dates always with four-digit years),
vocabulary labels instead of codes, typed with varied case, accents and spaces
(``Demandeur d'emploi indemnisé``, ``DEMANDEUR D EMPLOI INDEMNISE``, `` Bac+2 ``…, see
``labels.py``), an empty row now and then (``;;;;``, or a blank line), and every file
encoded in Windows-1252, as French Excel saves "CSV (séparateur : point-virgule)".
The messiness draws from its own random generator, so it never changes the data.

``--messy --two-dates`` writes dates in two forms only (``2023-03-14``, ``14/03/2023``),
the rest as ``--messy``: the files the analyst's pandas script (``pandas_analyst.py``,
two explicit date formats) reads right, for a side-by-side run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from labels import LABELS

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


#: Event dates as people type them (any year), and birth dates (four-digit years only: a
#: two-digit birth year is a guess, for citeslab as for pandas).
EVENT_DATES: list[Callable[[dt.date], str]] = [
    dt.date.isoformat,
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    lambda d: f"{d.day:02d}/{d.month:02d}/{d.year % 100:02d}",
    lambda d: f"{d.day}/{d.month}/{d.year}",
    lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
]
BIRTH_DATES = [EVENT_DATES[0], EVENT_DATES[1], EVENT_DATES[3]]


class Typist:
    """Writes codes and dates the way people type them (``--messy``), or as they are.

    Draws from its own random generator: the data's generator is never touched, so a
    messy site holds the same persons and events as the clean one of the same seed.
    """

    def __init__(self, seed: int, *, messy: bool, two_dates: bool = False) -> None:
        self.messy = messy
        self.two_dates = two_dates
        self.rng = random.Random(seed + 1_000_003)

    def code(self, column: str, code: str) -> str:
        """A vocabulary cell: the code, or a label or alias of it, typed sloppily."""
        if not self.messy or not code:
            return code
        rng = self.rng
        text = rng.choice([code, *LABELS[column][code]])
        shape = rng.random()
        if shape < 0.15:
            text = text.upper()
        elif shape < 0.3:
            text = text.lower()
        elif shape < 0.4:
            text = text.capitalize()
        if rng.random() < 0.15:  # no accents (typed on a keyboard without them)
            text = text.translate(_UNACCENT)
        spaces = rng.random()
        if spaces < 0.05:
            text = f" {text}"
        elif spaces < 0.1:
            text = f"{text} "
        elif spaces < 0.15:
            text = text.replace(" ", "  ", 1)
        return text

    def day(self, value: dt.date, *, birth: bool = False) -> str:
        if not self.messy:
            return value.isoformat()
        if self.two_dates:
            return self.rng.choice(EVENT_DATES[:2])(value)
        return self.rng.choice(BIRTH_DATES if birth else EVENT_DATES)(value)

    def blank(self, width: int) -> list[list[str]]:
        """Now and then (1 person in 100) an empty row: separators only, or a blank line."""
        if not self.messy or self.rng.random() >= 0.01:
            return []
        return [[""] * width] if self.rng.random() < 0.7 else [[]]


_UNACCENT = str.maketrans("éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇ", "eeeeaaaiioouuucEEEAAIOUUC")


def generate(
    out: Path,
    persons: int,
    seed: int = 20231231,
    *,
    site: int | None = None,
    messy: bool = False,
    two_dates: bool = False,
) -> tuple[int, int]:
    """One site's folder; ``site`` (a network's site number) makes its name, ids and
    neighbourhoods its own (and gives it 12 neighbourhoods instead of 300); ``messy``
    writes it as people type it (see the module's docstring)."""
    rng = random.Random(seed)
    typist = Typist(seed, messy=messy, two_dates=two_dates)
    code = typist.code
    encoding = "cp1252" if messy else "utf-8"
    out.mkdir(parents=True, exist_ok=True)
    hoods = HOODS if site is None else [f"Quartier {site:03d}-{i:02d}" for i in range(12)]
    id_prefix = "P" if site is None else f"S{site:03d}-P"
    with (out / "quartiers.csv").open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["quartier", "statut_residence", "code_qpv", "commune", "population"])
        for index, name in enumerate(hoods):
            qpv = f"QP{index:06d}" if site is None else f"QP{site:03d}{index:03d}"
            writer.writerow(
                [
                    name,
                    code("statut_residence", RESIDENCE[index % 3]),
                    qpv,
                    "Commune",
                    rng.randint(800, 9000),
                ]
            )
    if site is not None:
        with (out / "structure.csv").open("w", newline="", encoding=encoding) as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["cle", "valeur"])
            writer.writerow(["nom", f"CitésLab {site:03d}"])
    events = 0
    start = dt.date(2021, 1, 1)
    with (
        (out / "porteurs.csv").open("w", newline="", encoding=encoding) as p_handle,
        (out / "suivis.csv").open("w", newline="", encoding=encoding) as e_handle,
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
            people.writerows(typist.blank(14))
            people.writerow(
                [
                    pid,
                    f"Nom{number}",
                    f"Prénom{number}",
                    f"06 00 {number % 100:02d} 00 00",
                    code("sexe", rng.choice(SEXES)),
                    typist.day(birth, birth=True),
                    rng.choice(hoods),
                    code("niveau_formation", rng.choice(EDUCATION)),
                    code("situation_entree", rng.choice(SITUATION)),
                    code("minima_sociaux", rng.choice(BENEFITS)),
                    code("canal", channel),
                    rng.choice(PARTNERS) if channel == "partenaire" else "",
                    code("secteur", rng.choice(SECTORS)),
                    code("stade_entree", rng.choice(STAGES)),
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
            events += len(rows)
            if messy:
                rows = [
                    [
                        row[0],
                        typist.day(dt.date.fromisoformat(row[1])),
                        code("type", row[2]),
                        row[3],
                        code("categorie", row[4]),
                        row[5],
                        code("decision", row[6]),
                        row[7],
                        code("resultat", row[8]),
                    ]
                    for row in rows
                ]
                rows[1:1] = typist.blank(9)
            suivis.writerows(rows)
    return persons, events


def generate_network(
    out: Path, sites: int, persons: int, *, messy: bool = False
) -> tuple[int, int]:
    """``sites`` site folders ``out/site_001``… of ``persons`` persons each."""
    totals = [
        generate(
            out / f"site_{number:03d}", persons, seed=20231231 + number, site=number, messy=messy
        )
        for number in range(1, sites + 1)
    ]
    return sum(p for p, _ in totals), sum(e for _, e in totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--persons", type=int, default=150_000)
    parser.add_argument("--sites", type=int, default=0, help="a network of N site folders")
    parser.add_argument(
        "--messy", action="store_true", help="as people type it (labels, dates, cp1252)"
    )
    parser.add_argument(
        "--two-dates", action="store_true", help="with --messy: dates as ISO or dd/mm/yyyy"
    )
    args = parser.parse_args()
    if args.sites:
        persons, events = generate_network(args.out, args.sites, args.persons, messy=args.messy)
        print(f"{args.sites} sites, {persons} persons, {events} events in {args.out}")
        return
    persons, events = generate(args.out, args.persons, messy=args.messy, two_dates=args.two_dates)
    print(f"{persons} persons, {events} events in {args.out}")


if __name__ == "__main__":
    main()
