"""Every public function checks its arguments (issue 28 item 4; FORMATS §6 "Second step").

A call with a wrong type or value ends in a French :class:`CitesLabError` that names the
argument, never a raw ``TypeError``, ``AttributeError``, ``AssertionError`` or
``OverflowError``; and never a silent nonsense (``year=True`` as the year 1, ``public="yes"``
or ``private="false"`` as true, 0001-01-01 to 9999-12-31 as a period). Dates given as
``date``, ``datetime`` or ``pandas.Timestamp`` at midnight, ``numpy.datetime64`` or ISO
text all mean the same day.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citeslab_core
from citeslab_core import (
    AgeBracket,
    Animation,
    AnimationStatus,
    AnimationType,
    Bilan,
    CellError,
    Channel,
    Check,
    CheckCode,
    CitesLabError,
    Comparison,
    Dataset,
    Decision,
    EducationLevel,
    Event,
    EventType,
    Evolution,
    ExitResult,
    ExportFile,
    ExportOptions,
    Finding,
    FollowUp,
    Funder,
    Funding,
    FundingNature,
    FundingPolicy,
    Indicators,
    InvalidData,
    Location,
    MinimumBenefit,
    Neighbourhood,
    OrientationCategory,
    PartialDate,
    Partnership,
    PartnershipCategory,
    PathwayPolicy,
    Period,
    Person,
    PluginError,
    Precision,
    Problem,
    Registry,
    ResidenceStatus,
    Sector,
    Severity,
    Sex,
    Site,
    SituationAtEntry,
    Stage,
    Table,
    TableRow,
    Text,
    UsageError,
    Vocabulary,
    check_rules,
    compare,
    compute_bilan,
    compute_followup,
    load_example,
    network_bilan,
    read_bilan,
    read_input,
    read_inputs,
    write_bilan,
    write_deck,
)

DATA = load_example()
BILAN = compute_bilan(DATA, year=2023)
TODO = compute_followup(DATA, dt.date(2023, 10, 1))
CHANGE = compare(compute_bilan(DATA, year=2022), BILAN)
#: Where write_deck is pointed when its other arguments are wrong: a file that exists, in
#: a folder of its own, which it may not replace (no force).
DECK = Path(tempfile.mkdtemp(prefix="citeslab-guards-")) / "bilan.pptx"
DECK.write_bytes(b"")
atexit.register(shutil.rmtree, DECK.parent, ignore_errors=True)

#: What a careless caller passes: nothing, numbers, texts, bools, lists, a numpy date, an
#: object of no kind.
wrong = st.one_of(
    st.none(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.text(max_size=30),
    st.sampled_from(["", "2023", "yes", "false", "2023-06-30", "2023-13-45", "sex", ".", "\x00"]),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.builds(np.datetime64, st.sampled_from(["2023-06-30", "2023-06-30T10:00", "NaT"])),
    st.builds(np.int64, st.integers(-(2**40), 2**40)),
    st.just(object()),
    st.just(Path("/")),
)

Call = Callable[[object], object]
_ENUM = (
    AgeBracket,
    AnimationStatus,
    AnimationType,
    Channel,
    CheckCode,
    Decision,
    EducationLevel,
    EventType,
    ExitResult,
    Funder,
    FundingNature,
    MinimumBenefit,
    OrientationCategory,
    PartnershipCategory,
    Precision,
    ResidenceStatus,
    Sector,
    Severity,
    Sex,
    SituationAtEntry,
    Stage,
)


def _enum_calls(cls: type) -> list[Call]:
    calls: list[Call] = [lambda w: cls(w)]
    if issubclass(cls, Vocabulary):
        calls.append(lambda w: cls.parse(w))
    return calls


#: For every name of ``citeslab_core.__all__``, calls that give it one wrong argument
#: (``w``), the others right. A name that cannot be called with an argument is listed
#: with no call and the reason.
CALLS: dict[str, list[Call]] = {
    "compute_bilan": [
        lambda w: compute_bilan(w, year=2023),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, w),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, w, "2023-12-31"),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, "2023-01-01", w),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, year=w),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, period=w),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, period=(w, "2023-12-31")),  # type: ignore[arg-type]
        lambda w: compute_bilan(DATA, year=2023, public=w),  # type: ignore[call-overload]
        lambda w: compute_bilan(DATA, year=2023, as_of=w),  # type: ignore[call-overload]
    ],
    "check_rules": [
        lambda w: check_rules(w, dt.date(2023, 10, 1)),  # type: ignore[arg-type]
        lambda w: check_rules(DATA, w),  # type: ignore[arg-type]
        lambda w: check_rules(DATA, dt.date(2023, 10, 1), w),  # type: ignore[arg-type]
    ],
    "compute_followup": [
        lambda w: compute_followup(w, dt.date(2023, 10, 1)),  # type: ignore[arg-type]
        lambda w: compute_followup(DATA, w),  # type: ignore[arg-type]
        lambda w: compute_followup(DATA, dt.date(2023, 10, 1), w),  # type: ignore[arg-type]
    ],
    "compare": [
        lambda w: compare(w, BILAN),  # type: ignore[arg-type]
        lambda w: compare(BILAN, w),  # type: ignore[arg-type]
    ],
    "network_bilan": [
        lambda w: network_bilan(w),  # type: ignore[arg-type]
        lambda w: network_bilan([BILAN, w]),  # type: ignore[list-item]
        lambda w: network_bilan([BILAN], public=w),  # type: ignore[arg-type]
        lambda w: network_bilan([BILAN], name=w),  # type: ignore[arg-type]
    ],
    "read_input": [lambda w: read_input(w)],  # type: ignore[arg-type]
    "read_bilan": [lambda w: read_bilan(w)],  # type: ignore[arg-type]
    "read_inputs": [
        lambda w: read_inputs(w),  # type: ignore[arg-type]
        lambda w: read_inputs([w]),  # type: ignore[list-item]
    ],
    "load_example": [],  # no argument
    "write_bilan": [
        lambda w: write_bilan(w, DECK.with_suffix(".json")),  # type: ignore[arg-type]
        # a text or a path is a path: only what is not one is given there
        lambda w: None if isinstance(w, str | os.PathLike) else write_bilan(BILAN, w),  # type: ignore[arg-type]
        lambda w: write_bilan(BILAN, DECK.with_suffix(".json"), force=w),  # type: ignore[arg-type]
    ],
    "PublicBilan": [],  # a type (Bilan[int | None]), not called
    "write_deck": [
        lambda w: write_deck(w, DECK),  # type: ignore[arg-type]
        # a text or a path is a path: only what is not one is given there
        lambda w: None if isinstance(w, str | os.PathLike) else write_deck(BILAN, w),  # type: ignore[arg-type]
        lambda w: write_deck(BILAN, DECK, with_checks=w),  # type: ignore[arg-type]
        lambda w: write_deck(BILAN, DECK, force=w),  # type: ignore[arg-type]
        lambda w: write_deck(BILAN, DECK, calendar=w),  # type: ignore[arg-type]
    ],
    "Period": [
        lambda w: Period.of(w, "2023-12-31"),  # type: ignore[arg-type]
        lambda w: Period.of("2023-01-01", w),  # type: ignore[arg-type]
        lambda w: Period.year(w),  # type: ignore[arg-type]
        lambda w: Period.quarter(w, 2),  # type: ignore[arg-type]
        lambda w: Period.quarter(2023, w),  # type: ignore[arg-type]
        lambda w: Period.month(2023, w),  # type: ignore[arg-type]
        lambda w: Period.rolling(w),  # type: ignore[arg-type]
        lambda w: Period.rolling("2023-06-30", months=w),  # type: ignore[arg-type]
        lambda w: w in Period.year(2023),
    ],
    "PartialDate": [
        lambda w: PartialDate.day(w),  # type: ignore[arg-type]
        lambda w: PartialDate.month(w, 2),  # type: ignore[arg-type]
        lambda w: PartialDate.month(2023, w),  # type: ignore[arg-type]
        lambda w: PartialDate.year(w),  # type: ignore[arg-type]
        lambda w: PartialDate.month_range(2023, 1, w, 5),  # type: ignore[arg-type]
        lambda w: PartialDate.from_iso(w),  # type: ignore[arg-type]
    ],
    "Dataset": [
        lambda w: Dataset.build(site=w),  # type: ignore[arg-type]
        lambda w: Dataset.build(persons=w),  # type: ignore[arg-type]
        lambda w: Dataset.build(persons=[w]),  # type: ignore[list-item]
        lambda w: Dataset.build(persons=[Person(w)]),  # type: ignore[arg-type]
        lambda w: Dataset.build(
            persons=[Person("P1")],
            events=[Event("P1", w, EventType.ENTRETIEN)],  # type: ignore[arg-type]
        ),
        lambda w: Dataset.build(persons=[Person("P1", sex=w)]),  # type: ignore[arg-type]
        lambda w: Dataset.build(fundings=[Funding(2023, Funder.BPI, w)]),  # type: ignore[arg-type]
        lambda w: Dataset(w, {}),  # type: ignore[arg-type]
        lambda w: Dataset(Site(), w),  # type: ignore[arg-type]
        lambda w: Dataset.from_columns(tables=w),  # type: ignore[arg-type]
        lambda w: DATA.replace(site=w),  # type: ignore[arg-type]
        lambda w: DATA.replace(events=w),  # type: ignore[arg-type]
        lambda w: DATA.replace(events=[*DATA.events[:3], w]),  # type: ignore[list-item]
        lambda w: Dataset.build(notes=w),  # type: ignore[arg-type]
        lambda w: Dataset.build(origins=w),  # type: ignore[arg-type]
        lambda w: Dataset(Site(), {}, is_subset=w),  # type: ignore[arg-type]
        lambda w: DATA.subset(w),  # type: ignore[arg-type]
        lambda w: DATA.subset([w]),  # type: ignore[list-item]
        lambda w: DATA.columns(w),  # type: ignore[call-overload]
        lambda w: DATA.to_frames(private=w),  # type: ignore[arg-type]
        lambda w: DATA.to_frames(labels=w),  # type: ignore[arg-type]
    ],
    "Bilan": [
        lambda w: BILAN.table(w),  # type: ignore[arg-type]
    ],
    "Table": [lambda w: BILAN.table("sexe").row(w)],  # type: ignore[arg-type]
    "Comparison": [
        lambda w: CHANGE.row(w, "F"),  # type: ignore[arg-type]
        lambda w: CHANGE.row("sexe", w),  # type: ignore[arg-type]
    ],
    "FollowUp": [
        lambda w: TODO.to_frame(private=w),  # type: ignore[arg-type]
        lambda w: TODO.group(w),  # type: ignore[arg-type]
    ],
    "Registry": [
        lambda w: Registry.from_entry_points(w),  # type: ignore[arg-type]
        lambda w: Registry.from_entry_points(isolate=w),  # type: ignore[arg-type]
    ],
    # Records and results: attrs classes without validation (a record is built by the
    # readers, which check every cell); building one with odd values is not an error.
    "Person": [lambda w: Person(w)],  # type: ignore[arg-type]
    "Event": [lambda w: Event(w, dt.date(2023, 1, 1), EventType.ENTRETIEN)],  # type: ignore[arg-type]
    "Animation": [lambda w: Animation(w, AnimationType.PERMANENCE)],  # type: ignore[arg-type]
    "Partnership": [lambda w: Partnership(w)],  # type: ignore[arg-type]
    "Funding": [lambda w: Funding(2023, Funder.BPI, w)],  # type: ignore[arg-type]
    "Neighbourhood": [lambda w: Neighbourhood(w)],  # type: ignore[arg-type]
    "Site": [lambda w: Site(w)],  # type: ignore[arg-type]
    "Text": [lambda w: Text("points_forts", w)],  # type: ignore[arg-type]
    "FundingPolicy": [lambda w: FundingPolicy(gap_threshold=w)],  # type: ignore[arg-type]
    "PathwayPolicy": [lambda w: PathwayPolicy(contact_days=w)],  # type: ignore[arg-type]
    "Check": [],  # a result of the bilan, built by compute_bilan
    "Finding": [],  # a result of the rules
    "Indicators": [],  # a result of the bilan
    "Evolution": [],  # a result of compare
    "TableRow": [],  # a result of the bilan
    "Location": [lambda w: str(Location(w))],  # type: ignore[arg-type]
    "Problem": [lambda w: str(Problem(Location(), w))],  # type: ignore[arg-type]
    "CitesLabError": [lambda w: CitesLabError(w)],
    "UsageError": [lambda w: UsageError(w)],
    "CellError": [lambda w: CellError(w)],
    "PluginError": [lambda w: PluginError(w)],
    "InvalidData": [lambda w: InvalidData(w)],  # type: ignore[arg-type]
    "ExportFile": [],  # what an exporter returns; checked by the registry (tests/test_plugins.py)
    "ExportOptions": [],  # built by the command line
    "Exporter": [],  # a Protocol: not instantiated
    "Vocabulary": [],  # the base class of the vocabularies below
    "TableKey": [],  # a Literal type
    "TABLE_KEYS": [],  # a constant
    "__version__": [],  # a constant
    **{cls.__name__: _enum_calls(cls) for cls in _ENUM},
}


def test_every_public_name_is_covered() -> None:
    assert set(CALLS) == set(citeslab_core.__all__)


NAMED = sorted((name, index) for name, calls in CALLS.items() for index in range(len(calls)))


@pytest.mark.parametrize(("name", "index"), NAMED, ids=[f"{n}-{i}" for n, i in NAMED])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=wrong)
def test_a_wrong_argument_is_a_french_error(name: str, index: int, value: object) -> None:
    """Each call with one wrong argument returns or raises a CitesLabError, nothing else."""
    try:
        CALLS[name][index](value)
    except CitesLabError as error:
        message = str(error)
    else:
        return
    assert message  # a French sentence, never empty


def test_the_silent_nonsenses_are_refused() -> None:
    """issue 28: each of these used to be taken without a word."""
    with pytest.raises(UsageError, match=r"^year = True : il faut une année"):
        compute_bilan(DATA, year=True)
    with pytest.raises(UsageError, match=r"^public = 'yes' : il faut True ou False"):
        compute_bilan(DATA, year=2023, public="yes")  # type: ignore[call-overload]
    with pytest.raises(UsageError, match=r"^private = 'false'"):
        DATA.to_frames(private="false")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="entre 1900 et 2100"):
        compute_bilan(DATA, "0001-01-01", "9999-12-31")
    with pytest.raises(UsageError, match="entre 1900 et 2100"):
        Period.of(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    with pytest.raises(UsageError, match=r"^on = None : il faut la date"):
        compute_followup(DATA, on=None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^year = '2023' : .*sans guillemets"):
        compute_bilan(DATA, year="2023")  # type: ignore[call-overload]


def test_a_wrong_record_is_named_by_its_argument() -> None:
    """leftovers item 3: Dataset.build, the constructor and replace name the argument,
    the row and the field (they raised TypeError or AttributeError)."""
    with pytest.raises(UsageError, match=r"^persons\[1\] = 5 : il faut un Person"):
        Dataset.build(persons=[Person("P1"), 5])  # type: ignore[list-item]
    with pytest.raises(UsageError, match=r"^persons\[0\]\.id = None : il faut un texte"):
        Dataset.build(persons=[Person(None)])  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^events\[3\]\.date = '2023-01-01' : il faut une date"):
        DATA.replace(events=[*DATA.events[:3], Event("P1", "2023-01-01", EventType.ENTRETIEN)])  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^persons\[0\]\.sex = 'F' : il faut un Sex \(Sex.parse"):
        Dataset.build(persons=[Person("P1", sex="F")])  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^events = None : il faut une liste de Event"):
        Dataset.build(events=None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^Dataset.build\(hoods=…\) : feuille inconnue ; "):
        Dataset.build(hoods=[])  # type: ignore[call-arg]
    with pytest.raises(UsageError, match=r"^site = 'Brest' : il faut un Site"):
        Dataset.build(site="Brest")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^sheets\['porteurs'\] = 1 : il faut les colonnes"):
        Dataset(Site(), {"porteurs": 1})  # type: ignore[dict-item]
    assert Dataset.build(persons=[Person("P1", sex=Sex.parse("F"))]).persons[0].sex == Sex.F


def test_errors_say_what_to_do() -> None:
    """issue 25 item 6."""
    with pytest.raises(KeyError) as caught:
        BILAN.table("sex")  # type: ignore[arg-type]
    assert isinstance(caught.value, CitesLabError)
    assert str(caught.value).startswith("key = 'sex' : il faut un tableau du bilan ; ")
    assert "vouliez-vous dire « sexe » ?" in str(caught.value)
    assert "tranche_age" in str(caught.value)  # the valid keys are listed
    with pytest.raises(UsageError, match="est un dossier : read_bilan lit un fichier"):
        read_bilan(Path(__file__).parent)
    assert compute_bilan(DATA, 2024) == compute_bilan(DATA, year=2024)
    with pytest.raises(UsageError, match=r"compute_bilan\(data, year=2023\)"):
        compute_bilan(DATA)  # type: ignore[call-overload]
    with pytest.raises(UsageError, match=r"indiquez le début et la fin .* ou l'année"):
        compute_bilan(DATA, "2023-01-01")  # type: ignore[call-overload]


# -- dates: every date-like is the same date -----------------------------------------------


def date_likes(day: dt.date) -> list[Any]:
    """``day`` in every form a caller may have it."""
    midnight = dt.datetime(day.year, day.month, day.day)
    return [
        day,
        midnight,
        midnight.replace(tzinfo=dt.UTC),
        pd.Timestamp(day),
        np.datetime64(day.isoformat()),
        np.datetime64(day.isoformat(), "ns"),
        day.isoformat(),
        f"{day.isoformat()}T00:00:00",
        f" {day.isoformat()} ",
    ]


days = st.dates(min_value=dt.date(2021, 6, 1), max_value=dt.date(2024, 12, 31))


@settings(max_examples=15, deadline=None)
@given(days, days, st.integers(0, 8), st.integers(0, 8))
def test_every_date_like_gives_the_bilan_of_the_date(
    first: dt.date, second: dt.date, i: int, j: int
) -> None:
    start, end = min(first, second), max(first, second)
    expected = compute_bilan(DATA, start, end)
    given_start, given_end = date_likes(start)[i], date_likes(end)[j]
    assert compute_bilan(DATA, given_start, given_end) == expected
    assert compute_bilan(DATA, period=(given_start, given_end)) == expected
    assert Period.of(given_start, given_end) == (start, end)


@settings(max_examples=10, deadline=None)
@given(days, st.integers(0, 8))
def test_every_date_like_gives_the_rules_and_the_list_of_the_date(on: dt.date, i: int) -> None:
    given_on = date_likes(on)[i]
    assert check_rules(DATA, given_on) == check_rules(DATA, on)
    assert compute_followup(DATA, given_on) == compute_followup(DATA, on)
    assert Period.rolling(given_on) == Period.rolling(on)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2023, 6, 30, 12, 0),
        pd.Timestamp("2023-06-30 00:00:01"),
        np.datetime64("2023-06-30T08:30"),
        "2023-06-30T09:00",
    ],
)
def test_a_time_of_day_is_refused(value: object) -> None:
    with pytest.raises(UsageError, match=r"^start = .* : il faut une date sans heure"):
        compute_bilan(DATA, value, "2023-12-31")  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("30/06/2023", "une date ISO"),
        (pd.NaT, "il faut une date"),
        (np.datetime64("NaT"), "NaT : il faut une date"),
        (3.5, "il faut une date"),
        (20230630, "il faut une date"),
        (np.datetime64("99999-01-01"), "entre 1900 et 2100"),
    ],
)
def test_what_is_not_a_date_is_refused_in_french(value: object, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        compute_followup(DATA, value)  # type: ignore[arg-type]


def test_paths_are_checked(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^path = None : il faut un chemin"):
        read_input(None)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="chemin vide"):
        read_input("")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="NUL"):
        read_bilan("a\x00b")
    with pytest.raises(UsageError, match="chemin impossible à lire"):
        read_input("x" * (os.pathconf("/", "PC_NAME_MAX") + 10))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^paths = .* : il faut une liste de chemins"):
        read_inputs(str(tmp_path))  # type: ignore[arg-type]


def test_the_right_arguments_still_work() -> None:
    """The guards take what the types promise (and numpy integers, numpy bools)."""
    assert compute_bilan(DATA, year=np.int64(2023)) == BILAN  # type: ignore[call-overload]
    assert compute_bilan(DATA, year=2023, public=np.bool_(False)) == BILAN  # type: ignore[call-overload]
    assert Period.quarter(2023, np.int32(2)) == Period.quarter(2023, 2)  # type: ignore[arg-type]
    assert DATA.subset(["P0001"]).persons[0].id == "P0001"
    assert isinstance(BILAN, Bilan)
    assert isinstance(TODO, FollowUp)
    assert isinstance(CHANGE, Comparison)
    assert isinstance(DATA, Dataset)
    assert isinstance(BILAN.table("sexe"), Table)
    assert all(isinstance(f, Finding) for f in TODO.findings)
    assert all(isinstance(c, Check) for c in BILAN.checks)
    assert isinstance(BILAN.indicators, Indicators)
    assert isinstance(CHANGE.rows[0], Evolution)
    assert isinstance(BILAN.table("sexe").rows[0], TableRow)
    assert ExportOptions("csv").public is False
    assert ExportFile("a.csv", "text/csv", b"").private is False
