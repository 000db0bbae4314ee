"""Hypothesis strategies for the project's tests, in one place (as attrs does).

``datasets()`` draws valid datasets: persons with any attributes, pathway histories that
follow the référent rules closely enough to be realistic (an ``entretien`` first), and
animations, partnerships and fundings. Text fields draw from ``texts`` so that privacy
tests can plant random identities and free text and look for them in every output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from hypothesis import strategies as st

from citeslab_core.model import (
    Animation,
    BudgetLine,
    Dataset,
    Event,
    Funding,
    Neighbourhood,
    Partnership,
    Permanence,
    Person,
    Site,
    Text,
)
from citeslab_core.model.accounts import ACCOUNT_CLASSES, SUBSIDY_CLASS
from citeslab_core.model.dates import PartialDate
from citeslab_core.vocabularies import (
    AnimationStatus,
    AnimationType,
    BudgetNature,
    Channel,
    Decision,
    EducationLevel,
    EventType,
    ExitResult,
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
    Weekday,
)

# Text that may hold anything a user types, formula triggers and odd characters included.
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")

# Marker texts: long enough and distinctive, so that finding one in an output is a leak.
secrets = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=12, max_size=16).map(
    lambda s: "Secret" + s
)

T = TypeVar("T")

START = dt.date(2021, 1, 1)
END = dt.date(2025, 12, 31)
days = st.dates(min_value=START, max_value=END)
amounts = st.decimals(
    min_value=0, max_value=Decimal("200000"), places=2, allow_nan=False, allow_infinity=False
)
PARTNERS = ("BGE", "ADIE", "CCI", "France Travail", "PLIE", "Centre social")
PROGRAMMES = ("EITI Sato", "Les déterminés", "Les activé.es", "Cuisine du monde")


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    """Any partial date: a day, a month, a year or a month range."""
    kind = draw(st.sampled_from(["day", "month", "year", "range"]))
    year = draw(st.integers(2000, 2030))
    if kind == "day":
        return PartialDate.day(draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))))
    if kind == "month":
        return PartialDate.month(year, draw(st.integers(1, 12)))
    if kind == "year":
        return PartialDate.year(year)
    first = draw(st.integers(1, 11))
    return PartialDate.month_range(year, first, year, draw(st.integers(first + 1, 12)))


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


@st.composite
def persons(
    draw: st.DrawFn, person_id: str, hoods: list[str], identity: st.SearchStrategy[str]
) -> Person:
    birth_day = draw(st.dates(dt.date(1950, 1, 1), dt.date(2008, 12, 31)))
    birth = draw(
        st.sampled_from([None, PartialDate.day(birth_day), PartialDate.year(birth_day.year)])
    )
    return Person(
        id=person_id,
        last_name=draw(optional(identity)),
        first_name=draw(optional(identity)),
        phone=draw(optional(identity)),
        email=draw(optional(identity)),
        address=draw(optional(identity)),
        sex=draw(optional(st.sampled_from(Sex))),
        birth=birth,
        neighbourhood=draw(optional(st.sampled_from(hoods))) if hoods else None,
        residence=draw(optional(st.sampled_from(ResidenceStatus))),
        education=draw(optional(st.sampled_from(EducationLevel))),
        situation=draw(optional(st.sampled_from(SituationAtEntry))),
        benefit=draw(st.sampled_from(MinimumBenefit)),
        rqth=draw(optional(st.booleans())),
        channel=draw(optional(st.sampled_from(Channel))),
        prescriber=draw(optional(st.sampled_from(PARTNERS))),
        sector=draw(optional(st.sampled_from(Sector))),
        stage_at_entry=draw(optional(st.sampled_from(Stage))),
        project_idea=draw(optional(identity)),
        comment=draw(optional(identity)),
    )


@st.composite
def histories(draw: st.DrawFn, person_id: str, comment: st.SearchStrategy[str]) -> list[Event]:
    """A person's events: an entretien first, then anything, dates not decreasing."""
    day = draw(days)
    events = [Event(person_id, day, EventType.ENTRETIEN)]
    for _ in range(draw(st.integers(0, 6))):
        day = min(END, day + dt.timedelta(days=draw(st.integers(0, 120))))
        kind = draw(st.sampled_from(EventType))
        event = Event(person_id, day, kind, comment=draw(optional(comment)))
        partner = draw(st.sampled_from(PARTNERS))
        programme = draw(st.sampled_from(PROGRAMMES))
        if kind is EventType.ORIENTATION:
            event = Event(
                person_id,
                day,
                kind,
                partner=partner,
                category=draw(st.sampled_from(OrientationCategory)),
            )
        elif kind is EventType.CANDIDATURE_PROGRAMME:
            event = Event(person_id, day, kind, programme=programme)
        elif kind is EventType.DECISION_PROGRAMME:
            event = Event(
                person_id, day, kind, programme=programme, decision=draw(st.sampled_from(Decision))
            )
        elif kind is EventType.CHANGEMENT_STADE:
            event = Event(person_id, day, kind, stage=draw(st.sampled_from(Stage)))
        elif kind is EventType.PASSAGE_RELAIS:
            event = Event(person_id, day, kind, partner=partner)
        elif kind is EventType.SORTIE:
            event = Event(person_id, day, kind, result=draw(st.sampled_from(ExitResult)))
        events.append(event)
    return events


BUDGET_YEARS = st.integers(2021, 2025)
#: Funders a subsidy line (account 74) may name.
SUBSIDY_FUNDERS = [f for f in Funder if f is not Funder.AUTOFINANCEMENT]


@st.composite
def budget_lines(
    draw: st.DrawFn,
    *,
    years: st.SearchStrategy[int] = BUDGET_YEARS,
    text: st.SearchStrategy[str] = texts,
    max_size: int = 12,
) -> list[BudgetLine]:
    """Valid ``budget`` lines: accounts of every class (sub-accounts too), a funder on
    each subsidy and only there, amounts from 0."""
    lines = []
    for _ in range(draw(st.integers(0, max_size))):
        account = draw(st.sampled_from([c.code for c in ACCOUNT_CLASSES]))
        account += draw(st.sampled_from(["", "", "1", "8", "11"]))
        subsidy = account.startswith(SUBSIDY_CLASS)
        lines.append(
            BudgetLine(
                year=draw(years),
                nature=draw(st.sampled_from(BudgetNature)),
                account=account,
                amount=draw(amounts),
                label=draw(optional(text)),
                funder=draw(st.sampled_from(SUBSIDY_FUNDERS)) if subsidy else None,
                gap_explanation=draw(optional(text)),
            )
        )
    return lines


HOOD_NAMES = ("Bellevue", "Kerourien", "Pontanézen", "Keredern", "Centre")


@st.composite
def hours(draw: st.DrawFn) -> tuple[dt.time, dt.time]:
    """A permanence's hours: a start and a later end, on the quarter hour."""
    start = draw(st.integers(6 * 4, 20 * 4))
    length = draw(st.integers(1, 4 * 4))
    return dt.time(*divmod(start * 15, 60)), dt.time(*divmod(min(start + length, 95) * 15, 60))


PLACES = st.sampled_from(
    ["Médiathèque des Capucins", "Centre social de Kerourien", "Bus Bpifrance"]
)


@st.composite
def permanences(
    draw: st.DrawFn,
    *,
    first: dt.date = dt.date(2023, 1, 1),
    last: dt.date = dt.date(2025, 12, 31),
    places: st.SearchStrategy[str] = PLACES,
    neighbourhoods: Sequence[str] = ("Bellevue", "Kerourien", "Pontanézen"),
) -> Permanence:
    """A valid permanence rule: weekdays, hours, a period inside ``[first, last]``, a few
    exceptions (days, months, ranges of months) around it and a few cancelled days."""
    begin = draw(st.dates(first, last))
    end = draw(optional(st.dates(begin, min(last, begin + dt.timedelta(days=400)))))
    start_time, end_time = draw(hours())
    around = st.dates(begin - dt.timedelta(days=30), begin + dt.timedelta(days=430))
    exceptions = draw(
        st.lists(
            st.one_of(
                around.map(PartialDate.day),
                around.map(lambda d: PartialDate.month(d.year, d.month)),
            ),
            unique=True,
            max_size=4,
        )
    )
    cancelled = draw(st.lists(around.map(PartialDate.day), unique=True, max_size=4))
    return Permanence(
        draw(places),
        draw(st.lists(st.sampled_from(Weekday), unique=True, min_size=1, max_size=7).map(tuple)),
        start_time,
        end_time,
        begin,
        end,
        draw(optional(st.sampled_from(neighbourhoods))) if neighbourhoods else None,
        tuple(exceptions),
        tuple(cancelled),
    )


@st.composite
def datasets(
    draw: st.DrawFn,
    *,
    max_persons: int = 12,
    min_persons: int = 0,
    identity: st.SearchStrategy[str] = texts,
    site: Site | None = None,
    pool: Sequence[Neighbourhood] | None = None,
) -> Dataset:
    """A valid dataset. ``identity`` draws every identity and free-text value; ``site``
    replaces the default structure; ``pool``: the neighbourhoods it may declare (by
    default, drawn at random)."""
    if pool is not None:
        hoods = draw(st.lists(st.sampled_from(pool), unique_by=lambda h: h.name, max_size=4))
        hood_names = [h.name for h in hoods]
    else:
        hood_names = draw(st.lists(st.sampled_from(HOOD_NAMES), unique=True, max_size=4))
        hoods = [
            Neighbourhood(
                name,
                draw(st.sampled_from(ResidenceStatus)),
                draw(optional(st.sampled_from(["QN02901M", "QP029001"]))),
                "Brest",
                draw(optional(st.integers(0, 10000))),
            )
            for name in hood_names
        ]
    count = draw(st.integers(min_persons, max_persons))
    people = [draw(persons(f"P{i:03d}", hood_names, identity)) for i in range(count)]
    events = [e for p in people for e in draw(histories(p.id, identity))]
    animations = [
        Animation(
            date=PartialDate.day(draw(days)),
            type=draw(st.sampled_from(AnimationType)),
            title=draw(optional(identity)),
            participants=draw(optional(st.integers(0, 80))),
            neighbourhood=draw(optional(st.sampled_from(hood_names))) if hood_names else None,
            status=draw(st.sampled_from(AnimationStatus)),
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    partnerships = [
        Partnership(
            draw(st.sampled_from(PARTNERS)),
            draw(optional(st.sampled_from(PartnershipCategory))),
            draw(optional(identity)),
            draw(optional(partial_dates())),
        )
        for _ in range(draw(st.integers(0, 4)))
    ]
    fundings = [
        Funding(year, funder, draw(amounts), draw(st.sampled_from(FundingNature)))
        for year in draw(st.lists(st.integers(2021, 2025), unique=True, max_size=3))
        for funder in draw(st.lists(st.sampled_from(Funder), unique=True, min_size=1, max_size=4))
    ]
    text_rows = [
        Text(draw(st.sampled_from(["points_forts", "perspectives"])), draw(identity))
        for _ in range(draw(st.integers(0, 2)))
    ]
    return Dataset.build(
        site=site or Site(name="CitésLab Test"),
        neighbourhoods=hoods,
        persons=people,
        events=events,
        animations=animations,
        partnerships=partnerships,
        fundings=fundings,
        texts=text_rows,
        budget=draw(budget_lines(max_size=6)),
        # in the site's own neighbourhoods, as its animations (a network shares the names)
        permanences=draw(st.lists(permanences(neighbourhoods=hood_names), max_size=2)),
    )


@st.composite
def networks(draw: st.DrawFn, *, max_sites: int = 4, max_persons: int = 8) -> list[Dataset]:
    """The datasets of 1 to ``max_sites`` sites, named « Site 0 », « Site 1 »…, with the same
    person ids in every site, declaring neighbourhoods of one pool (a name is the same
    neighbourhood, with the same QPV code and population, in every site)."""
    codes = draw(st.permutations(["QN02901M", "QP029001", "QN02902M", "QP029003", None, None]))
    pool = [
        Neighbourhood(
            name,
            draw(st.sampled_from(ResidenceStatus)),
            code,
            "Brest",
            draw(optional(st.integers(0, 10000))),
        )
        for name, code in zip(HOOD_NAMES, codes, strict=False)
    ]
    count = draw(st.integers(1, max_sites))
    return [
        draw(datasets(max_persons=max_persons, site=Site(name=f"Site {i}"), pool=pool))
        for i in range(count)
    ]


# -- pathways and référent rules (tests/test_pathways.py, test_rules.py, test_followup.py) --


EVENT_TYPES = st.sampled_from(EventType)


@st.composite
def pathway_events(
    draw: st.DrawFn, person_id: str, day: dt.date, kinds: st.SearchStrategy[EventType] = EVENT_TYPES
) -> Event:
    """One event of any type on ``day``, with the columns its type needs; relays and
    orientations name a few partners (spelling varies) so that R3 both holds and fails."""
    kind = draw(kinds)
    partner = draw(st.sampled_from(("BGE", "bge", "ADIE", "France Travail", "CitésLab")))
    if kind is EventType.ORIENTATION:
        return Event(
            person_id,
            day,
            kind,
            partner=partner,
            category=draw(st.sampled_from(OrientationCategory)),
        )
    if kind is EventType.CANDIDATURE_PROGRAMME:
        return Event(person_id, day, kind, programme=draw(st.sampled_from(PROGRAMMES)))
    if kind is EventType.DECISION_PROGRAMME:
        return Event(
            person_id,
            day,
            kind,
            programme=draw(st.sampled_from(PROGRAMMES)),
            decision=draw(st.sampled_from(Decision)),
        )
    if kind is EventType.CHANGEMENT_STADE:
        return Event(person_id, day, kind, stage=draw(st.sampled_from(Stage)))
    if kind is EventType.PASSAGE_RELAIS:
        return Event(person_id, day, kind, partner=partner)
    if kind is EventType.SORTIE:
        return Event(person_id, day, kind, result=draw(st.sampled_from(ExitResult)))
    return Event(person_id, day, kind)


PATHWAY_START = dt.date(2023, 1, 1)


@st.composite
def messy_histories(draw: st.DrawFn, person_id: str, max_events: int = 12) -> list[Event]:
    """A person's events in any row order, on few distinct days (so that rows share dates),
    with anything a user may type: events before the first entretien, after a sortie, relays
    without orientation, several sorties and reopenings. Entretiens and sorties are frequent."""
    offsets = draw(st.lists(st.integers(0, 400), min_size=1, max_size=5))
    kinds = st.sampled_from(EventType) | st.sampled_from(
        [EventType.ENTRETIEN, EventType.SORTIE, EventType.ORIENTATION]
    )
    return draw(
        st.lists(
            st.sampled_from(offsets).flatmap(
                lambda offset: pathway_events(
                    person_id, PATHWAY_START + dt.timedelta(days=offset), kinds
                )
            ),
            max_size=max_events,
        )
    )


@st.composite
def messy_datasets(
    draw: st.DrawFn, *, max_persons: int = 5, identity: st.SearchStrategy[str] = texts
) -> Dataset:
    """A valid dataset whose persons have messy histories (see :func:`messy_histories`),
    their rows mixed together in any order."""
    count = draw(st.integers(1, max_persons))
    people = [draw(persons(f"P{i:03d}", [], identity)) for i in range(count)]
    events = [e for p in people for e in draw(messy_histories(p.id))]
    events = draw(st.permutations(events))
    return Dataset.build(site=Site(name="CitésLab Test"), persons=people, events=events)


# -- hostile inputs (tests/test_fuzz.py) ----------------------------------------------------

#: Characters a careless copy or an attacker brings: controls, format characters
#: (zero-width, BOM, soft hyphen, bidirectional marks), non-characters, fullwidth forms.
ODD_CHARACTERS = (
    "\x00\x01\x07\x1b\x7f\x85\u200b\u200d\u200e\u202e\u2028\ufeff\u00ad"
    "\ufffe\uffff\uff10\uff30\u0301\u00a0\u202f=+-@'\"\t\r\n;,"
)

_hostile_texts = st.one_of(
    st.text(alphabet=st.sampled_from(ODD_CHARACTERS) | st.characters(codec="utf-8"), max_size=12),
    st.integers(1, 40_000).map(lambda n: "x" * n),  # up to past Excel's cell limit
    st.integers(30, 6_000).map(lambda n: "9" * n),  # numbers of thousands of digits
    st.sampled_from(
        [
            "1e30",
            "1e308",
            "-1e30",
            "NaN",
            "inf",
            "-0",
            "1,5,5",
            "16.000",
            "0.30000000000000004",
            "99999999999",
            "31/02/2023",
            "15/06/85",
            "0000",
            "10000",
            "-5",
            "mars",
            "2023-13",
            "1" * 27,
            "P1",
            "p1",
            "P\u200b1",
            "entretien",
            "qpv",
            "bpi",
            "oui",
            "2023-03-01",
        ]
    ),
)

#: A cell of a CSV file: anything typed.
hostile_texts = _hostile_texts

#: A cell of a workbook: a text, or a number of any size, or nothing.
hostile_cells: st.SearchStrategy[object] = st.one_of(
    st.none(),
    _hostile_texts,
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -5.0, 0.1 + 0.2, 1e26, 2023.0]),
    st.booleans(),
)

#: A value of a JSON document: the right types and every wrong one, deep nesting too.
hostile_json: st.SearchStrategy[object] = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**30), 10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        _hostile_texts,
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "date", "x", "type"]), children, max_size=3)
    ),
    max_leaves=6,
)

#: The sheets and columns the fuzzers fill (the readers' own names).
FUZZ_SHEETS: dict[str, tuple[str, ...]] = {
    "structure": ("cle", "valeur"),
    "quartiers": ("quartier", "statut_residence", "code_qpv", "population"),
    "porteurs": ("id", "sexe", "date_naissance", "quartier", "niveau_formation", "rqth"),
    "suivis": ("porteur", "date", "type", "partenaire", "categorie", "programme", "siret"),
    "animations": ("date", "type", "quartier", "participants", "statut"),
    "financements": ("annee", "financeur", "montant", "cout_total", "part_declaree"),
}
_FUZZ_KEYS = ("annee", "nom", "seuil_ecart_financement", "plafond_bpi", "delai_contact_jours")


@st.composite
def hostile_sheets(
    draw: st.DrawFn, cells: st.SearchStrategy[object]
) -> dict[str, list[list[object]]]:
    """Sheets with their headers and a few rows of ``cells``, some plausible values
    among them so that rows get past the first checks."""
    sheets: dict[str, list[list[object]]] = {}
    for name, columns in FUZZ_SHEETS.items():
        if name not in ("porteurs", "suivis") and not draw(st.booleans()):
            continue
        rows: list[list[object]] = [list(columns)]
        for index in range(draw(st.integers(0, 3))):
            row = [draw(cells) for _ in columns]
            if name == "structure":
                row[0] = draw(st.sampled_from(_FUZZ_KEYS))
            elif name in ("porteurs", "suivis") and draw(st.booleans()):
                row[0] = f"P{index}"
            rows.append(row)
        sheets[name] = rows
    return sheets
