"""The checks that make a :class:`~citeslab_core.model.Dataset` valid by construction.

:func:`check_tables` finds every problem of a site's sheets, held as
:class:`~citeslab_core.model.Columns`: unique person ids, events of known persons, the
columns each event type needs, SIRET checksums, non-negative counts and amounts, dates
within the years the readers accept. The big sheets (``porteurs``, ``suivis``) are checked
column by column, the rows that may hold a problem found first; the small ones record by
record.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import compress, repeat
from operator import is_
from typing import Any, Final

import attrs

from citeslab_core.errors import InvalidData, Location, Problem
from citeslab_core.model._columns import Columns, Repeated, object_ids
from citeslab_core.model._records import (
    EVENT_NEEDS,
    TABLES,
    Animation,
    BudgetLine,
    Event,
    Funding,
    Neighbourhood,
    Permanence,
    Site,
    column_of,
)
from citeslab_core.model.accounts import SUBSIDY_CLASS, account_problem
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.model.identity import identity_key
from citeslab_core.model.limits import MAX_AMOUNT, MAX_COUNT, MAX_YEAR, MIN_YEAR
from citeslab_core.vocabularies import AnimationStatus, Funder, ResidenceStatus

__all__ = ["Issue", "check_tables", "hood_facts", "issue_problem"]


@attrs.frozen
class Issue:
    """A problem found while checking a dataset: table, element index, field, message."""

    table: str
    index: int
    field: str | None
    message: str


def check_tables(site: Site, tables: Mapping[str, Columns[Any]]) -> list[Issue]:
    """Every problem that keeps a site's sheets (``porteurs``…, each as columns) from
    being a dataset, in the order the sheets are checked."""
    issues: list[Issue] = []
    empty = _EMPTY_TABLES
    persons = tables.get("porteurs") or empty["porteurs"]
    events = tables.get("suivis") or empty["suivis"]
    ids: Sequence[str] = persons["id"]
    births: Sequence[PartialDate | None] = persons["birth"]
    # the distinct birth dates, by identity (fast): the readers share one object per date
    distinct = [
        b for b in dict(zip(map(id, births), births, strict=True)).values() if b is not None
    ]
    seen = _person_issues(ids, births, distinct, issues)
    issues.extend(_event_issues(events, seen))

    def records(sheet: str) -> Sequence[Any]:
        found = tables.get(sheet)
        return found.records() if found is not None else ()

    animations: Sequence[Animation] = records("animations")
    neighbourhoods: Sequence[Neighbourhood] = records("quartiers")
    issues.extend(_animation_issues(animations))
    issues.extend(_funding_issues(records("financements")))
    issues.extend(_budget_issues(records("budget")))
    issues.extend(_permanence_issues(records("permanences")))
    for index, hood in enumerate(neighbourhoods):
        if hood.population is not None and hood.population < 0:
            issues.append(
                Issue("quartiers", index, "population", "une population ne peut pas être négative")
            )
        elif hood.population is not None and hood.population > MAX_COUNT:
            issues.append(Issue("quartiers", index, "population", _TOO_LARGE))
    for index, animation in enumerate(animations):
        if animation.participants is not None and animation.participants > MAX_COUNT:
            issues.append(Issue("animations", index, "participants", _TOO_LARGE))
    issues.extend(_site_issues(site))
    issues.extend(_date_issues(events["date"], births, distinct))
    issues.extend(_hood_issues(neighbourhoods))
    return issues


def _event_issues(events: Columns[Event], seen: Mapping[str, int]) -> list[Issue]:
    """Unknown persons, a column the event's type needs left empty, SIRET checksums."""
    issues: list[Issue] = []
    people: Sequence[str] = events["person"]
    types = events["type"]
    for index in _events_to_check(events, seen):
        person, kind = people[index], types[index]
        if person not in seen:
            issues.append(
                Issue(
                    "suivis",
                    index,
                    "person",
                    f"porteur « {person} » inconnu de la feuille porteurs",
                )
            )
        for needed in EVENT_NEEDS.get(kind, ()):
            if events[needed][index] in (None, ""):
                issues.append(
                    Issue(
                        "suivis",
                        index,
                        needed,
                        f"un suivi de type {kind.code} demande la colonne "
                        f"{column_of(Event, needed)}",
                    )
                )
        siret = events["siret"][index]
        if siret and not _siret_is_valid(siret):
            issues.append(
                Issue(
                    "suivis",
                    index,
                    "siret",
                    f"SIRET « {siret} » invalide (14 chiffres dont le "
                    "dernier est une clé de contrôle)",
                )
            )
    return issues


def _animation_issues(animations: Sequence[Animation]) -> list[Issue]:
    """Negative participants, an animation held without a full date."""
    issues: list[Issue] = []
    for index, animation in enumerate(animations):
        if animation.participants is not None and animation.participants < 0:
            issues.append(
                Issue(
                    "animations",
                    index,
                    "participants",
                    "le nombre de participants ne peut pas être négatif",
                )
            )
        if (
            animation.status is AnimationStatus.REALISE
            and animation.date.precision is not Precision.DAY
        ):
            issues.append(
                Issue(
                    "animations",
                    index,
                    "date",
                    "une animation réalisée doit avoir une date complète (jour, mois, année)",
                )
            )
    return issues


def _funding_issues(fundings: Sequence[Funding]) -> list[Issue]:
    """Amounts, declared shares and years of the fundings."""
    issues: list[Issue] = []
    for index, funding in enumerate(fundings):
        for name in ("amount", "declared_total"):
            value = getattr(funding, name)
            if value is not None and value < 0:
                issues.append(
                    Issue("financements", index, name, "un montant ne peut pas être négatif")
                )
            elif value is not None and (message := _amount_problem(value)):
                issues.append(Issue("financements", index, name, message))
        if funding.declared_share is not None and not 0 <= funding.declared_share <= 100:
            issues.append(Issue("financements", index, "declared_share", _PERCENT_RANGE))
        if not MIN_YEAR <= funding.year <= MAX_YEAR:
            issues.append(Issue("financements", index, "year", _YEAR_RANGE))
    return issues


def _identity_keys(ids: Sequence[str]) -> set[str]:
    """The distinct :func:`~citeslab_core.model.identity.identity_key` of ``ids``: for ASCII ids
    without white space (the usual ones), their lower case, found in one pass."""
    joined = "\x00".join(ids)
    if joined.isascii() and len(joined.split(maxsplit=1)) <= 1:
        return set(map(str.lower, ids))
    return set(map(identity_key, ids))


def _person_issues(
    ids: Sequence[str],
    births: Sequence[PartialDate | None],
    distinct: Sequence[PartialDate],
    issues: list[Issue],
) -> dict[str, int]:
    """Empty and duplicate ids, births neither a day nor a year (into ``issues``); the
    index of each id. The usual case (ids all given and distinct, births fine: the
    ``distinct`` birth dates) is checked on the whole columns."""
    clean = "" not in ids and all(b.precision in _BIRTH_PRECISIONS for b in distinct)
    if clean:
        seen = dict(zip(ids, range(len(ids)), strict=True))
        keys = _identity_keys(ids)
        if len(seen) == len(ids) == len(keys) and "" not in keys:
            return seen
    seen = {}
    seen_keys: dict[str, int] = {}  # ids that differ only invisibly are one id
    for index, (person, birth) in enumerate(zip(ids, births, strict=True)):
        key = identity_key(person)
        if not key:
            issues.append(Issue("porteurs", index, "id", "identifiant vide"))
        elif key in seen_keys:
            first = ids[seen_keys[key]]
            alike = "" if first == person else f" (« {first} » : même identifiant)"
            issues.append(
                Issue(
                    "porteurs",
                    index,
                    "id",
                    f"identifiant « {person} » en double{alike} (déjà à l'élément "
                    f"{seen_keys[key] + 1})",
                )
            )
        else:
            seen[person] = seen_keys[key] = index
        if birth is not None and birth.precision not in _BIRTH_PRECISIONS:
            issues.append(
                Issue("porteurs", index, "birth", "la date de naissance est un jour ou une année")
            )
    return seen


def _hood_issues(hoods: Sequence[Neighbourhood]) -> list[Issue]:
    """A neighbourhood declared twice with two statuses (or QPV codes): which one holds
    cannot be guessed (declared twice alike, it is only a warning: :func:`_notes`)."""
    issues: list[Issue] = []
    first: dict[str, int] = {}
    for index, hood in enumerate(hoods):
        earlier = first.setdefault(identity_key(hood.name), index)
        if earlier != index and hood_facts(hoods[earlier]) != hood_facts(hood):
            before = hoods[earlier]
            issues.append(
                Issue(
                    "quartiers",
                    index,
                    "name",
                    f"quartier « {hood.name} » déclaré deux fois, différemment (statut "
                    f"{_code(before.residence)} puis {_code(hood.residence)}, code QPV "
                    f"{before.qpv_code or 'aucun'} puis {hood.qpv_code or 'aucun'}) : "
                    "gardez une seule ligne",
                )
            )
    return issues


def hood_facts(hood: Neighbourhood) -> tuple[object, ...]:
    """What two declarations of one neighbourhood must agree on."""
    return hood.residence, hood.qpv_code


def _code(value: ResidenceStatus | None) -> str:
    return value.code if value is not None else "vide"


def _budget_issues(lines: Sequence[BudgetLine]) -> list[Issue]:
    """A budget line's account, its funder (a subsidy's, and only a subsidy's), its amount."""
    issues: list[Issue] = []
    for index, line in enumerate(lines):
        problem = account_problem(line.account)
        if problem is not None:
            issues.append(Issue("budget", index, "account", problem))
        subsidy = line.account.startswith(SUBSIDY_CLASS)
        if problem is None and subsidy and line.funder is None:
            issues.append(
                Issue(
                    "budget",
                    index,
                    "funder",
                    f"compte {line.account} (subventions d'exploitation) : indiquez le "
                    "financeur de la subvention, une ligne par financeur",
                )
            )
        elif problem is None and subsidy and line.funder is Funder.AUTOFINANCEMENT:
            issues.append(
                Issue(
                    "budget",
                    index,
                    "funder",
                    "l'autofinancement n'est pas une subvention : inscrivez-le hors du "
                    "compte 74 (par exemple au compte 75, autres produits de gestion courante)",
                )
            )
        elif problem is None and not subsidy and line.funder is not None:
            issues.append(
                Issue(
                    "budget",
                    index,
                    "funder",
                    f"compte {line.account} : le financeur ne s'indique que pour une "
                    "subvention (compte 74)",
                )
            )
        if line.amount < 0:
            issues.append(Issue("budget", index, "amount", "un montant ne peut pas être négatif"))
        elif message := _amount_problem(line.amount):
            # 1234.567 or 0.004 in a canonical JSON: never rounded without a word
            issues.append(Issue("budget", index, "amount", message))
    return issues


_PERCENT_RANGE = "un pourcentage est compris entre 0 et 100"
_YEAR_RANGE = f"une année entre {MIN_YEAR} et {MAX_YEAR} est attendue"
_TOO_LARGE = "nombre trop grand (au plus un milliard)"


def _amount_problem(value: Decimal) -> str | None:
    """What is wrong with an amount of the records, if anything (the workbook reader
    refuses the same at the cell: :func:`citeslab_core.model.amounts.parse_amount`)."""
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        return "montant trop grand (moins de mille milliards attendu)"
    if value != value.quantize(_CENT):
        return "un montant a au plus deux décimales"
    return None


_CENT = Decimal("0.01")


def _site_issues(site: Site) -> list[Issue]:
    """The structure's numbers, as the workbook reader checks its cells."""
    issues: list[Issue] = []
    if site.year is not None and not MIN_YEAR <= site.year <= MAX_YEAR:
        issues.append(Issue("structure", 0, "annee", _YEAR_RANGE))
    policy = site.funding_policy
    if not policy.gap_threshold.is_finite() or not 0 <= policy.gap_threshold <= 100:
        issues.append(Issue("structure", 0, "seuil_ecart_financement", _PERCENT_RANGE))
    for funder, cap in policy.caps.items():
        if not cap.is_finite() or not 0 <= cap <= 100:
            issues.append(Issue("structure", 0, f"plafond_{funder.code}", _PERCENT_RANGE))
    return issues


def _date_issues(
    dates: Sequence[dt.date],
    all_births: Sequence[PartialDate | None],
    births: Sequence[PartialDate],
) -> list[Issue]:
    """Days outside the years the readers accept, and births in the future (checked on
    the whole columns first, ``births`` the distinct birth dates: nearly always there is
    nothing to look at)."""
    issues: list[Issue] = []
    low, high = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
    if dates and (min(dates) < low or max(dates) > high):
        for index, day in enumerate(dates):
            if not low <= day <= high:
                issues.append(Issue("suivis", index, "date", _DATE_RANGE))
    if not births:
        return issues
    if min(b.start for b in births) < low or max(b.end for b in births) > high:
        for index, birth in enumerate(all_births):
            if birth is not None and not (low <= birth.start and birth.end <= high):
                issues.append(Issue("porteurs", index, "birth", _DATE_RANGE))
    today = dt.date.today()
    if max(b.start for b in births) > today:
        for index, birth in enumerate(all_births):
            if birth is not None and birth.start > today:
                issues.append(
                    Issue(
                        "porteurs",
                        index,
                        "birth",
                        f"date de naissance dans le futur ({birth.iso()}) : une année à "
                        "deux chiffres ? écrivez-la en entier (1985)",
                    )
                )
    return issues


_DATE_RANGE = f"une date entre {MIN_YEAR} et {MAX_YEAR} est attendue"


def _permanence_issues(permanences: Sequence[Permanence]) -> list[Issue]:
    """A permanence with no day, hours that end before they start, a period that ends
    before it starts."""
    issues: list[Issue] = []
    low, high = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
    for index, permanence in enumerate(permanences):
        for name in ("first_day", "last_day"):
            day = getattr(permanence, name)
            if day is not None and not low <= day <= high:
                issues.append(Issue("permanences", index, name, _DATE_RANGE))
        if not _visible(permanence.place):
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "place",
                    "lieu vide : le calendrier et les partenaires ont besoin du lieu de la "
                    "permanence (ex. Médiathèque des Capucins)",
                )
            )
        if not permanence.days:
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "days",
                    "aucun jour : écrivez par exemple « mardi, jeudi »",
                )
            )
        if permanence.end_time <= permanence.start_time:
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "end_time",
                    f"l'heure de fin ({_hour(permanence.end_time)}) doit suivre l'heure de "
                    f"début ({_hour(permanence.start_time)})",
                )
            )
        if permanence.last_day is not None and permanence.last_day < permanence.first_day:
            issues.append(
                Issue(
                    "permanences",
                    index,
                    "last_day",
                    f"la fin ({permanence.last_day:%d/%m/%Y}) précède le début "
                    f"({permanence.first_day:%d/%m/%Y})",
                )
            )
    return issues


def _visible(text: str | None) -> bool:
    """Whether ``text`` shows something: a character that is neither a space, a control
    nor an invisible format character (a zero-width space)."""
    import unicodedata

    return any(
        not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs")
        for char in text or ""
    )


def _hour(value: dt.time) -> str:
    """``9h``, ``14h30``: an hour as a French reader writes it."""
    return f"{value.hour}h{value.minute:02d}" if value.minute else f"{value.hour}h"


#: An event's needed value left empty (see :func:`_events_to_check`).
_NONE_OR_EMPTY: Final = frozenset({None, ""})


def _events_to_check(events: Columns[Event], persons: Mapping[str, int]) -> list[int]:
    """The indexes of the events that may have a problem, in order: an unknown person, a
    type with a column left empty, a SIRET. Found column by column (a network has 700 000
    events), so that the checks only run on these."""
    rows = range(len(events))
    suspects: set[int] = set()
    people = events["person"]
    unknown = set(people).difference(persons)
    if unknown:
        suspects.update(compress(rows, map(unknown.__contains__, people)))
    positions = _positions_of(events["type"], list(EVENT_NEEDS))
    for kind, names in EVENT_NEEDS.items():
        typed = positions[kind]
        for name in names:
            column = events[name]
            if isinstance(column, Repeated):  # not indexed row by row
                values: Iterable[Any] = repeat(column[0], len(typed))
            else:
                values = map(column.__getitem__, typed)
            # a member never equals "": None or "" by one C-level pass (texts' hashes are
            # cached, members hashed by identity)
            suspects.update(compress(typed, map(_NONE_OR_EMPTY.__contains__, values)))
    suspects.update(compress(rows, events["siret"]))
    return sorted(suspects)


def _positions_of(types: Sequence[Any], kinds: list[Any]) -> dict[Any, list[int]]:
    """The rows of each of ``kinds`` in ``types``, compared by identity (``Enum.__hash__``
    is written in Python): by NumPy over the objects' ids when it is already imported
    (the Arrow reading, a notebook), else one C-level pass a kind."""
    if isinstance(types, Repeated) or sys.modules.get("numpy") is None:
        rows = range(len(types))
        return {kind: list(compress(rows, map(is_, types, repeat(kind)))) for kind in kinds}
    import numpy as np

    ids = object_ids(types)
    return {kind: np.flatnonzero(ids == id(kind)).tolist() for kind in kinds}


def _siret_is_valid(siret: str) -> bool:
    """python-stdnum's check (imported when a SIRET is given: 20 ms a site without one
    does not spend)."""
    from stdnum.fr import siret as stdnum_siret

    valid: bool = stdnum_siret.is_valid(siret)
    return valid


_BIRTH_PRECISIONS = (Precision.DAY, Precision.YEAR)
_CLASS_OF_TABLE: Mapping[str, type] = {name: cls for name, cls, _ in TABLES}
_EMPTY_TABLES: Mapping[str, Columns[Any]] = {
    name: Columns.of_records(cls, ()) for name, cls, _ in TABLES
}


class InvalidDataset(InvalidData):
    """A dataset refused: :attr:`issues` keeps each problem's table and element index, so
    that a reader can name the row of its file.

    The one exception class defined outside :mod:`citeslab_core.errors`: it is made of the
    model's :class:`Issue` and names their columns (:func:`issue_problem`), and the errors
    module imports nothing of the library (tests/test_errors.py allows it).
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(issue_problem(i) for i in self.issues)


def issue_problem(issue: Issue, location: Location | None = None) -> Problem:
    """The :class:`Problem` of an issue; without a location, the element's index."""
    cls = _CLASS_OF_TABLE.get(issue.table)
    column = column_of(cls, issue.field) if cls is not None and issue.field else issue.field
    if location is None:
        sheet = issue.table if cls is None else f"{issue.table}[{issue.index}]"
        location = Location(sheet=sheet, column=column)
    return Problem(location, issue.message)
