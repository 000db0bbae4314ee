"""The bundled example: it loads, it is exactly what its script writes, and it holds the
figures of the seed (the real 2023 bilan of the CitésLab of Brest).

The figures are recomputed here from the records with the definitions of docs/bilan.md,
independently of the script's own checks and of the bilan module.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.fr import siret

from citeslab_core.model import Dataset, Person
from citeslab_core.model.dates import PartialDate, Precision, age_on
from citeslab_core.readers.converter import dumps, loads
from citeslab_core.readers.example import example_text, load_example
from citeslab_core.vocabularies import (
    AgeBracket,
    AnimationStatus,
    AnimationType,
    Channel,
    Decision,
    EducationLevel,
    EventType,
    Funder,
    FundingNature,
    MinimumBenefit,
    OrientationCategory,
    PartnershipCategory,
    ResidenceStatus,
    Sector,
    Sex,
    SituationAtEntry,
    Stage,
)

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "make_example.py"


@cache
def script() -> ModuleType:
    """examples/make_example.py, imported in-process (it is not a package module)."""
    spec = importlib.util.spec_from_file_location("citeslab_make_example", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# -- the definitions, written again here ---------------------------------------------------


def largest_remainder(counts: Sequence[int]) -> list[int]:
    """Whole percentages by the largest remainder; ties: larger remainder, larger count,
    then the order given (vocabulary order)."""
    total = sum(counts)
    floors = [c * 100 // total for c in counts]
    remainders = [c * 100 - f * total for c, f in zip(counts, floors, strict=True)]
    ranked = sorted(range(len(counts)), key=lambda i: (-remainders[i], -counts[i], i))
    for i in ranked[: 100 - sum(floors)]:
        floors[i] += 1
    return floors


def year(y: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def accompanied(data: Dataset, start: dt.date, end: dt.date) -> list[Person]:
    """Persons with an entretien or a point d'étape in the period."""
    contact = (EventType.ENTRETIEN, EventType.POINT_ETAPE)
    ids = {e.person for e in data.events if e.type in contact and start <= e.date <= end}
    return [p for p in data.persons if p.id in ids]


def first_entretien(data: Dataset, person: str) -> dt.date:
    return min(e.date for e in data.events if e.person == person and e.type is EventType.ENTRETIEN)


def result_of(data: Dataset, person: str, start: dt.date, end: dt.date) -> str:
    """The last sortie of the period (by date; same date: the later row), else en cours."""
    last: tuple[dt.date, int] | None = None
    code = "en_cours"
    for row, event in enumerate(data.events):
        if (
            event.person == person
            and event.type is EventType.SORTIE
            and start <= event.date <= end
            and (last is None or (event.date, row) > last)
        ):
            last = (event.date, row)
            assert event.result is not None
            code = event.result.code
    return code


def counts_of(people: Sequence[Person], attribute: str, order: Sequence[Any]) -> list[int]:
    found = Counter(getattr(p, attribute) for p in people)
    return [found[value] for value in order]


def figures(data: Dataset) -> dict[str, Any]:
    """The seed's figures, as computed from the records."""
    start, end = year(2023)
    people = accompanied(data, start, end)
    firsts = {p.id: first_entretien(data, p.id) for p in people}
    orientation: Counter[str] = Counter()
    without = 0
    for person in people:
        same_day = [
            e
            for e in data.events
            if e.person == person.id
            and e.type is EventType.ORIENTATION
            and e.date == firsts[person.id]
        ]
        assert len(same_day) <= 1, person.id  # one orientation at most: no ambiguity
        if same_day and same_day[0].category is not None:
            orientation[same_day[0].category.code] += 1
        else:
            orientation["autre"] += 1
            without += 1
    programmes: dict[str, tuple[int, int]] = {}
    for name in ("EITI Sato", "Les déterminés", "Les activé.es", "Cuisine du monde"):
        applied = {
            e.person
            for e in data.events
            if e.type is EventType.CANDIDATURE_PROGRAMME
            and e.programme == name
            and start <= e.date <= end
        }
        retained = {
            e.person
            for e in data.events
            if e.type is EventType.DECISION_PROGRAMME
            and e.programme == name
            and e.decision is Decision.RETENU
            and start <= e.date <= end
        }
        programmes[name] = (len(applied), len(retained))
    held = Counter(
        a.type.code
        for a in data.animations
        if a.status is AnimationStatus.REALISE and start <= a.date.start <= end
    )
    people_2022 = accompanied(data, *year(2022))
    results_2022 = Counter(result_of(data, p.id, *year(2022)) for p in people_2022)
    education_order = [
        EducationLevel.LEVEL_7,
        EducationLevel.LEVEL_6,
        EducationLevel.LEVEL_5,
        EducationLevel.LEVEL_4,
        EducationLevel.LEVEL_3,
        EducationLevel.INFRA_3,
    ]
    return {
        "accompagnes": len(people),
        "femmes_hommes": counts_of(people, "sex", list(Sex)),
        "part_femmes_hommes": largest_remainder(counts_of(people, "sex", list(Sex))),
        "part_residence": largest_remainder(counts_of(people, "residence", list(ResidenceStatus))),
        "part_formation_7_a_infra3": largest_remainder(
            counts_of(people, "education", education_order)
        )
        if counts_of(people, "education", [EducationLevel.LEVEL_8]) == [0]
        else None,
        "part_secteur": dict(
            zip(
                [s.code for s in Sector],
                largest_remainder(counts_of(people, "sector", list(Sector))),
                strict=True,
            )
        ),
        "stade_entree": counts_of(people, "stage_at_entry", list(Stage)),
        "orientation_premier_rdv": [orientation[c.code] for c in OrientationCategory],
        "sans_orientation": without,
        "resultats": dict(Counter(result_of(data, p.id, start, end) for p in people)),
        "demandeurs_emploi": sum(1 for p in people if p.situation and p.situation.job_seeker),
        "programmes": programmes,
        "animations": [
            held[k]
            for k in (
                "atelier_thematique",
                "rencontre_createurs",
                "cafe_createur",
                "grand_evenement",
            )
        ],
        "accompagnes_2022": len(people_2022),
        "resultats_2022": [
            results_2022[k] for k in ("creation", "poursuite", "emploi_formation", "sans_nouvelles")
        ],
        "demandeurs_emploi_2022": sum(
            1 for p in people_2022 if p.situation and p.situation.job_seeker
        ),
    }


SEED_FIGURES: dict[str, Any] = {
    "accompagnes": 118,
    "femmes_hommes": [71, 47],
    "part_femmes_hommes": [60, 40],
    "part_residence": [42, 28, 30],
    "part_formation_7_a_infra3": [14, 10, 10, 15, 38, 13],
    "part_secteur": {
        "restauration": 18,
        "services_personne": 38,
        "artistique": 9,
        "association": 3,
        "commerce": 0,
        "batiment": 0,
        "numerique": 0,
        "divers": 32,
    },
    "stade_entree": [67, 40, 11],
    "orientation_premier_rdv": [36, 23, 11, 48],
    "sans_orientation": 30,  # our choice: 30 of the 48 "autre" had no orientation at all
    "resultats": {
        "creation": 5,
        "poursuite": 45,
        "emploi_formation": 23,
        "sans_nouvelles": 12,
        "en_cours": 33,
    },
    "demandeurs_emploi": 79,
    "programmes": {
        "EITI Sato": (6, 4),
        "Les déterminés": (5, 2),
        "Les activé.es": (5, 3),
        "Cuisine du monde": (4, 3),
    },
    "animations": [10, 4, 4, 2],
    "accompagnes_2022": 107,
    "resultats_2022": [19, 15, 11, 14],
    "demandeurs_emploi_2022": 48,
}


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_example()


# -- the file ------------------------------------------------------------------------------


def test_example_loads_as_a_dataset_once(data: Dataset) -> None:
    assert isinstance(data, Dataset)
    assert load_example() is data
    assert 250 <= len(data.persons) <= 300
    assert len(example_text().encode("utf-8")) < 1_500_000


def test_example_round_trips_through_the_canonical_json(data: Dataset) -> None:
    text = dumps(data) + "\n"
    assert text == example_text()
    assert dumps(loads(text)) + "\n" == text


def test_shipped_file_is_what_the_script_writes() -> None:
    assert script().render(script().build()) == example_text()


def test_script_check_mode_tells_a_stale_file(tmp_path: Path) -> None:
    target = tmp_path / "example.json"
    main = script().main
    assert main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == example_text()
    assert main(["--check", "--output", str(target)]) == 0
    target.write_text(example_text().replace("Bellevue", "Belle-Vue", 1), encoding="utf-8")
    assert main(["--check", "--output", str(target)]) == 1


# -- the seed's figures ----------------------------------------------------------------------


def test_example_has_the_seed_figures(data: Dataset) -> None:
    assert figures(data) == SEED_FIGURES


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_figures_are_built_in_not_drawn(seed: int) -> None:
    """Whatever the generator's random draws, the records hold the seed's figures."""
    assert figures(script().build(seed, lively=False)) == SEED_FIGURES


def test_nouveaux_are_fewer_than_the_accompanied(data: Dataset) -> None:
    people = accompanied(data, *year(2023))
    new = [p for p in people if first_entretien(data, p.id) >= dt.date(2023, 1, 1)]
    assert 85 <= len(new) < len(people)


def test_job_seekers_without_benefit_and_minimum_benefits_are_more_than_half(
    data: Dataset,
) -> None:
    people = accompanied(data, *year(2023))
    poor = [
        p
        for p in people
        if p.situation is SituationAtEntry.DE_NON_INDEMNISE
        or p.benefit in (MinimumBenefit.RSA, MinimumBenefit.ASS)
    ]
    assert 2 * len(poor) > len(people)


def test_ages_are_mostly_26_35_then_36_45(data: Dataset) -> None:
    people = accompanied(data, *year(2023))
    ages: Counter[AgeBracket] = Counter()
    for person in people:
        assert person.birth is not None
        ages[AgeBracket.of_age(age_on(person.birth, first_entretien(data, person.id)))] += 1
    assert [b for b, _ in ages.most_common(2)] == [AgeBracket.A26_35, AgeBracket.A36_45]
    assert ages[AgeBracket.UNDER_18] == 0
    assert all(ages[b] > 0 for b in AgeBracket if b is not AgeBracket.UNDER_18)
    year_only = [p for p in people if p.birth and p.birth.precision is Precision.YEAR]
    assert 0 < len(year_only) < len(people) // 2


def test_partners_bring_most_and_france_travail_and_the_bus_half_of_them(
    data: Dataset,
) -> None:
    people = accompanied(data, *year(2023))
    channels = Counter(p.channel for p in people)
    assert channels.most_common(1)[0][0] is Channel.PARTENAIRE
    assert channels[Channel.ACTION_CITESLAB] > channels[Channel.BOUCHE_A_OREILLE] > 0
    via = [p for p in people if p.channel is Channel.PARTENAIRE]
    assert all(p.prescriber for p in via)
    top = [p for p in via if p.prescriber in ("France Travail", "Bus Bpifrance")]
    assert 2 * len(top) > len(via)


def test_the_seven_qpv_of_the_first_slide(data: Dataset) -> None:
    qpv = [n for n in data.neighbourhoods if n.residence is ResidenceStatus.QPV]
    assert [(n.name, n.population) for n in qpv] == [
        ("Kerourien", 1240),
        ("Pontanézen", 2008),
        ("Bellevue", 7120),
        ("Kerangoff Loti", 1240),
        ("Kérédern", 1210),
        ("Lambézellec Bourg", 1650),
        ("Queliverzan/Pontaniou", 2700),
    ]
    assert sum(n.population or 0 for n in qpv) == 17168
    assert all(re.fullmatch(r"QP029\d{3}", n.qpv_code or "") for n in qpv)
    statuses = Counter(n.residence for n in data.neighbourhoods)
    assert statuses[ResidenceStatus.QPV_LIMITE] > 0
    assert statuses[ResidenceStatus.HORS_QPV] == 2
    residents = Counter(
        p.neighbourhood
        for p in accompanied(data, *year(2023))
        if p.residence is ResidenceStatus.QPV
    )
    assert set(residents) == {n.name for n in qpv}
    assert max(residents.values()) <= 25


def test_grand_evenements_of_2023(data: Dataset) -> None:
    big = [a for a in data.animations if a.type is AnimationType.GRAND_EVENEMENT]
    by_title = {a.title: a for a in big}
    morning = by_title["Matinée création d'activité par les femmes"]
    assert morning.date == PartialDate.day(dt.date(2023, 3, 30))
    assert morning.place == "Centre social Horizons"
    assert (morning.participants or 0) > 60
    assert by_title["Remise des trophées Talents des Cités"].participants == 15


def test_2023_permanences_webinaires_and_reunions(data: Dataset) -> None:
    start, end = year(2023)
    held = Counter(
        a.type
        for a in data.animations
        if a.status is AnimationStatus.REALISE and start <= a.date.start <= end
    )
    assert 20 <= held[AnimationType.PERMANENCE] <= 26  # about two a month
    assert held[AnimationType.WEBINAIRE] == 2
    assert held[AnimationType.REUNION_PARTENARIALE] == 24
    in_qpv = [
        a
        for a in data.animations
        if start <= a.date.start <= end and a.neighbourhood in {"Bellevue", "Pontanézen"}
    ]
    assert in_qpv


def test_2024_calendar_is_planned(data: Dataset) -> None:
    planned = [a for a in data.animations if a.status is AnimationStatus.PREVU]
    by_type: dict[AnimationType, list[str]] = {}
    for animation in planned:
        by_type.setdefault(animation.type, []).append(animation.date.iso())
    assert by_type[AnimationType.ATELIER_THEMATIQUE] == [
        "2024-02-15",
        "2024-04-18",
        "2024-06-13",
        "2024-09-19",
        "2024-11-07",
    ]
    assert by_type[AnimationType.CAFE_CREATEUR] == [
        "2024-03-21",
        "2024-05-30",
        "2024-07-02",
        "2024-09-26",
        "2024-11",
    ]
    assert by_type[AnimationType.PETIT_DEJEUNER_CREATEURS] == [
        "2024-02-29",
        "2024-06-06",
        "2024-09-26",
        "2024-12-05",
    ]
    assert by_type[AnimationType.MARCHE_CREATEURS] == ["2024-05-29", "2024-10-09", "2024-12-13"]
    assert all(a.date.start.year == 2024 for a in planned)


@pytest.mark.parametrize(
    ("action", "category", "date"),
    [
        ("Jury Tag 29", PartnershipCategory.CREATION, PartialDate.month(2023, 1)),
        (
            "Talents des Cités",
            PartnershipCategory.CREATION,
            PartialDate.month_range(2023, 5, 2023, 9),
        ),
        ("Trajectoire ESS", PartnershipCategory.CREATION, PartialDate.year(2023)),
        (
            "Fin Brest-Cob Inclusif",
            PartnershipCategory.EMPLOI_INSERTION,
            PartialDate.month(2023, 6),
        ),
        (
            "Séminaire national CitésLab",
            PartnershipCategory.RESEAU_CITESLAB,
            PartialDate.month(2023, 11),
        ),
    ],
)
def test_partnerships_keep_the_seed_partial_dates(
    data: Dataset, action: str, category: PartnershipCategory, date: PartialDate
) -> None:
    (found,) = [p for p in data.partnerships if p.action == action]
    assert found.category is category
    assert found.date == date
    assert found.date is not None
    assert found.date.precision is date.precision


def test_partnerships_of_2023_by_category(data: Dataset) -> None:
    in_2023 = [
        p
        for p in data.partnerships
        if p.date is not None and p.date.start.year == 2023 and p.date.end.year == 2023
    ]
    assert Counter(p.category for p in in_2023) == {
        PartnershipCategory.CREATION: 16,
        PartnershipCategory.EMPLOI_INSERTION: 9,
        PartnershipCategory.RESEAU_CITESLAB: 5,
    }


def _computed_share(amount: Decimal, total: Decimal) -> Decimal:
    return amount * 100 / total


def test_funding_is_the_seed_with_its_declared_shares(data: Dataset) -> None:
    rows = {(f.year, f.nature, f.funder): f for f in data.fundings}
    realise, prevu = FundingNature.REALISE, FundingNature.PREVISIONNEL
    expected = {
        (2022, realise): {Funder.BPI: ("16000", "31"), Funder.CONTRAT_DE_VILLE: ("10000", "19"),
                          Funder.PIC: ("25128.16", "50")},
        (2023, realise): {Funder.BPI: ("16000", "30"), Funder.CONTRAT_DE_VILLE: ("10000", "20"),
                          Funder.PIC: ("15000", "29"), Funder.AUTOFINANCEMENT: ("11276.49", "21")},
        (2024, prevu): {Funder.BPI: ("28225", "50"), Funder.CONTRAT_DE_VILLE: ("15000", "27"),
                        Funder.AUTOFINANCEMENT: ("13241", "23")},
    }  # fmt: skip
    totals = {(2022, realise): "51128.16", (2023, realise): "52276.49", (2024, prevu): "56466"}
    for (y, nature), funders in expected.items():
        found = {k[2]: f for k, f in rows.items() if k[:2] == (y, nature)}
        assert {f: (x.amount, x.declared_share) for f, x in found.items()} == {
            f: (Decimal(a), Decimal(s)) for f, (a, s) in funders.items()
        }
        assert {x.declared_total for x in found.values()} == {Decimal(totals[(y, nature)])}
        assert sum(x.amount for x in found.values()) == Decimal(totals[(y, nature)])
    # The seed's declared shares are partly wrong, as the bilan must be able to say.
    pic = rows[(2022, realise, Funder.PIC)]
    assert pic.declared_total is not None
    assert pic.declared_share is not None
    assert abs(_computed_share(pic.amount, pic.declared_total) - pic.declared_share) > Decimal(
        "0.5"
    )
    # A plan for 2023, so that planned and actual can be set side by side.
    assert {k[2] for k in rows if k[:2] == (2023, prevu)} >= {Funder.BPI, Funder.PIC}


def test_site_and_texts(data: Dataset) -> None:
    assert data.site.name == "CitésLab Brest"
    assert data.site.host == "DEFIS Emploi"
    assert data.site.territory == "Brest métropole"
    assert data.site.referent
    sections = Counter(t.section for t in data.texts)
    assert sections == {"points_forts": 5, "points_amelioration": 3, "perspectives": 10}
    assert any("bouche à oreille" in t.text for t in data.texts if t.section == "points_forts")
    assert any("locaux abordables" in t.text for t in data.texts)


# -- the records are realistic and respect the référent rules --------------------------------


def test_pathways_follow_the_referent_rules(data: Dataset) -> None:
    for person, events in data.events_by_person.items():
        assert events[0].type is EventType.ENTRETIEN, person
        oriented: list[str] = []
        closed = False
        for event in events:
            assert event.date <= dt.date(2024, 12, 31)
            if event.type is EventType.ENTRETIEN and closed:
                oriented, closed = [], False
                continue
            assert not closed, (person, event)  # R8
            if event.type is EventType.ORIENTATION:
                assert event.partner is not None
                oriented.append(event.partner)
            if event.type is EventType.PASSAGE_RELAIS:
                assert event.partner in oriented, (person, event)  # R3
            if event.type is EventType.SORTIE:
                closed = True


def test_creations_carry_a_valid_siret_and_a_legal_form(data: Dataset) -> None:
    creations = [e for e in data.events if e.type is EventType.SORTIE and e.result
                 and e.result.code == "creation"]  # fmt: skip
    assert len(creations) >= 5
    for event in creations:
        assert event.siret is not None
        assert siret.is_valid(event.siret)
        assert event.legal_form
    assert len({e.siret for e in creations}) == len(creations)


def test_followup_at_october_2023_has_something_under_each_rule(data: Dataset) -> None:
    on = dt.date(2023, 10, 1)
    found: Counter[str] = Counter()
    for events in data.events_by_person.values():
        seen = [e for e in events if e.date <= on]
        if not seen:
            continue
        is_open, ours = False, True
        last_contact = seen[0].date
        for event in seen:
            if event.type is EventType.ENTRETIEN and not is_open:
                is_open, ours = True, True
            if event.type is EventType.SORTIE:
                is_open = False
            if event.type is EventType.PASSAGE_RELAIS:
                ours = False
            if event.type in (EventType.ENTRETIEN, EventType.POINT_ETAPE):
                last_contact = event.date
        if is_open:
            found["R5"] += ours and (on - last_contact).days > 60
            found["R6"] += (on - seen[-1].date).days > 180
            found["R7"] += seen[-1].type is EventType.ORIENTATION and (
                (on - seen[-1].date).days > 30
            )
            found["relais"] += not ours
    assert all(found[rule] > 0 for rule in ("R5", "R6", "R7", "relais")), found


def test_2024_has_a_first_half(data: Dataset) -> None:
    assert len(accompanied(data, dt.date(2024, 1, 1), dt.date(2024, 6, 30))) >= 40


def test_identities_are_invented_and_clearly_fake(data: Dataset) -> None:
    for person in data.persons:
        assert person.first_name
        assert person.last_name
        assert re.fullmatch(r"06 00 00 \d\d \d\d", person.phone or ""), person.phone
        assert (person.email or "").endswith("@example.org")
        for seed_name in ("Kounakou", "Rauturier", "Dossous", "Normand"):
            assert seed_name not in f"{person.first_name} {person.last_name}"
    assert len({p.email for p in data.persons}) == len(data.persons)
    assert any(p.project_idea for p in data.persons)
    assert any(e.comment for e in data.events)
    assert Counter(p.sex for p in data.persons)[Sex.F] > 0
