"""The :class:`Dataset`: every sheet of one site, held as columns, valid by construction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack, overload

from citeslab_core.errors import Location, Problem, UsageError
from citeslab_core.model import guards
from citeslab_core.model._columns import Columns
from citeslab_core.model._record_checks import field_checks
from citeslab_core.model._records import (
    TABLE_FIELDS,
    TABLES,
    Animation,
    BudgetLine,
    Event,
    Funding,
    Neighbourhood,
    Partnership,
    Permanence,
    Person,
    SheetName,
    Site,
    Text,
)
from citeslab_core.model._subset import subset
from citeslab_core.model._validation import InvalidDataset, check_tables, hood_facts
from citeslab_core.model._views import DATASET_FRAMES, DATASET_HTML, DATASET_REPR
from citeslab_core.model.identity import identity_key
from citeslab_core.vocabularies import ResidenceStatus

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["Dataset", "SheetName", "Sheets"]

_DATE_OF = attrgetter("date")
_EMPTY: Mapping[str, Columns[Any]] = {name: Columns.of_records(cls, ()) for name, cls, _ in TABLES}


class Sheets(TypedDict, total=False):
    """The records of each sheet, by the dataset's attribute names: what
    :meth:`Dataset.build` and :meth:`Dataset.replace` take (a sheet left out is empty,
    or unchanged). The one place the nine sheets' signature is written."""

    neighbourhoods: Iterable[Neighbourhood]
    persons: Iterable[Person]
    events: Iterable[Event]
    animations: Iterable[Animation]
    partnerships: Iterable[Partnership]
    fundings: Iterable[Funding]
    texts: Iterable[Text]
    budget: Iterable[BudgetLine]
    permanences: Iterable[Permanence]


#: The sheet of each attribute of :class:`Sheets` (``persons`` → ``porteurs``).
_SHEET_OF: Mapping[str, SheetName] = {TABLE_FIELDS[sheet]: sheet for sheet, _, _ in TABLES}
_CLASS_OF: Mapping[str, type] = {name: cls for name, cls, _ in TABLES}


def _sheet_columns(records: Sheets, call: str) -> dict[str, Columns[Any]]:
    """The sheets given as records, as columns, by sheet name; what is not a known sheet
    of records of its class is a French :class:`~citeslab_core.errors.UsageError` naming
    the argument (``persons[3] = 5 : il faut un Person``)."""
    given: Mapping[str, object] = records
    columns: dict[str, Columns[Any]] = {}
    for name, rows in given.items():
        sheet = _SHEET_OF.get(name)
        if sheet is None:
            raise _unknown(name, call, list(_SHEET_OF), "feuille inconnue")
        cls = _CLASS_OF[sheet]
        if isinstance(rows, str | bytes | Mapping | Columns) or not isinstance(rows, Iterable):
            raise UsageError(
                f"{name} = {guards.shown(rows)} : il faut une liste de {cls.__name__} "
                f"(les lignes de la feuille {sheet}), {call}({name}=[…])"
            )
        kept = tuple(rows)
        checks = field_checks(cls)
        for i, row in enumerate(kept):
            if not isinstance(row, cls):
                raise UsageError(
                    f"{name}[{i}] = {guards.shown(row)} : il faut un {cls.__name__} "
                    f"(une ligne de la feuille {sheet})"
                )
            for field, check, expected in checks:
                value = getattr(row, field)
                if not check(value):
                    raise UsageError(
                        f"{name}[{i}].{field} = {guards.shown(value)} : il faut {expected}"
                    )
        columns[sheet] = Columns.of_records(cls, kept)
    return columns


def _unknown(name: str, call: str, valid: Sequence[str], what: str) -> UsageError:
    """An unknown sheet given to ``call``: its nearest valid name, and every one."""
    import difflib

    near = difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
    guess = f" ; vouliez-vous dire « {near[0]} » ?" if near else ""
    return UsageError(
        f"{call}({guards.shown(name)[1:-1]}=…) : {what}{guess} (possibles : {', '.join(valid)})"
    )


def _checked_sheets(site: object, sheets: object, call: str) -> Mapping[str, Columns[Any]]:
    """The constructor's ``site`` and ``sheets`` checked (French errors naming them)."""
    guards.instance(site, Site, "site", "un Site (citeslab_core.Site)")
    if not isinstance(sheets, Mapping):
        raise UsageError(
            f"sheets = {guards.shown(sheets)} : il faut un dictionnaire {{nom de feuille : "
            f"Columns}} ; pour des enregistrements, Dataset.build(site=…, persons=[…], …)"
        )
    for name, value in sheets.items():
        if not isinstance(name, str) or name not in _EMPTY:
            raise _unknown(str(name), call, list(_EMPTY), "feuille inconnue")
        if not isinstance(value, Columns) or value.record is not _CLASS_OF[name]:
            raise UsageError(
                f"sheets[{name!r}] = {guards.shown(value)} : il faut les colonnes de la "
                f"feuille {name} (Columns.of_records({_CLASS_OF[name].__name__}, lignes))"
            )
    return sheets


def _checked_extras(
    origins: object, notes: object
) -> tuple[Mapping[str, Sequence[Location]], tuple[Problem, ...]]:
    """``origins`` (a mapping or None) and ``notes`` (problems) checked, as held."""
    if origins is not None and not isinstance(origins, Mapping):
        raise UsageError(
            f"origins = {guards.shown(origins)} : il faut un dictionnaire {{feuille : "
            "emplacements}} ou None"
        )
    if isinstance(notes, str | bytes) or not isinstance(notes, Iterable):
        raise UsageError(f"notes = {guards.shown(notes)} : il faut une liste de Problem")
    kept = tuple(notes)
    for i, note in enumerate(kept):
        guards.instance(note, Problem, f"notes[{i}]", "un Problem (citeslab_core.Problem)")
    return origins or {}, kept


class Dataset:
    """All the records of one site: valid by construction.

    Use :meth:`build` (records) or :meth:`from_columns` (sheets as :class:`Columns`, what
    the readers make); the constructor takes the sheets as they are, checks them and
    raises :class:`~citeslab_core.model.InvalidDataset` (an
    :class:`~citeslab_core.errors.InvalidData`) with every problem found.
    ``repr()`` is a short summary (site, rows per sheet, dates of the events), which never
    shows a record's content.

    The sheets are held as columns (:meth:`columns`); the records (:attr:`persons`,
    :attr:`events`…) are built from them the first time they are asked for, then kept.
    A dataset is immutable; :meth:`replace` gives a changed copy, checked again.

    Two datasets are equal only if they are the same object (a dataset hashes by
    identity): to know whether two hold the same data, compare their records
    (``a.persons == b.persons``…) or their canonical JSON
    (:func:`~citeslab_core.readers.converter.dumps`).
    """

    # __dict__ for the cached properties, __weakref__ for the memos keyed by dataset.
    __slots__ = ("__dict__", "__weakref__", "_is_subset", "_notes", "_origins", "_sheets", "_site")

    def __init__(
        self,
        site: Site,
        sheets: Mapping[str, Columns[Any]],
        *,
        origins: Mapping[str, Sequence[Location]] | None = None,
        is_subset: bool = False,
        notes: Iterable[Problem] = (),
    ) -> None:
        sheets = _checked_sheets(site, sheets, "Dataset")
        places, kept = _checked_extras(origins, notes)
        is_subset = guards.flag(is_subset, "is_subset")
        held = {name: sheets.get(name, _EMPTY[name]) for name in _EMPTY}
        issues = check_tables(site, held)
        if issues:
            raise InvalidDataset(issues)
        self._site = site
        self._sheets = held
        self._origins: Mapping[str, Sequence[Location]] = places
        self._is_subset = is_subset
        self._notes = kept

    @classmethod
    def build(
        cls,
        *,
        site: Site | None = None,
        origins: Mapping[str, Sequence[Location]] | None = None,
        notes: Iterable[Problem] = (),
        **records: Unpack[Sheets],
    ) -> Dataset:
        """A checked dataset; residence statuses not given come from the neighbourhood.

        Names are matched by :func:`~citeslab_core.model.identity.identity_key` (case, invisible
        characters, Unicode forms and spaces aside), and every reference then takes one
        spelling: an event's person the id of ``porteurs``, a person's or an animation's
        neighbourhood the name ``quartiers`` declares (else its first spelling), a
        programme its first spelling. ``origins`` says where the records were read from
        (see :attr:`origins`); ``notes`` are the reader's own warnings (see :attr:`notes`).
        """
        if site is not None:
            guards.instance(site, Site, "site", "un Site (citeslab_core.Site) ou None")
        tables = _sheet_columns(records, "Dataset.build")
        return cls.from_columns(site=site, tables=tables, origins=origins, notes=notes)

    @classmethod
    def from_columns(
        cls,
        *,
        site: Site | None = None,
        tables: Mapping[str, Columns[Any]],
        origins: Mapping[str, Sequence[Location]] | None = None,
        notes: Iterable[Problem] = (),
    ) -> Dataset:
        """:meth:`build` from sheets already held as columns (what the readers make),
        by sheet name (``porteurs``…; a sheet left out is empty)."""
        if site is not None:
            guards.instance(site, Site, "site", "un Site (citeslab_core.Site) ou None")
        tables = _respelt_tables({**_EMPTY, **_checked_sheets(site or Site(), tables, "tables")})
        places, kept = _checked_extras(origins, notes)
        found = (*kept, *_notes(tables["quartiers"].records(), tables["financements"], places))
        return cls(site or Site(), tables, origins=places, notes=found)

    def replace(self, *, site: Site | None = None, **records: Unpack[Sheets]) -> Dataset:
        """The same dataset with the site or some sheets replaced, checked again
        (``data.replace(events=kept)``); the notes, :attr:`is_subset` and where the records
        of the other sheets were read from are kept."""
        if site is not None:
            guards.instance(site, Site, "site", "un Site (citeslab_core.Site) ou None")
        changed = _sheet_columns(records, "replace")
        return type(self)(
            site or self._site,
            {**self._sheets, **changed},
            origins={k: v for k, v in self._origins.items() if k not in changed},
            is_subset=self._is_subset,
            notes=self._notes,
        )

    @property
    def site(self) -> Site:
        """The site's settings (the ``structure`` sheet)."""
        return self._site

    @property
    def origins(self) -> Mapping[str, Sequence[Location]]:
        """Where each record was read from, per table name (``suivis``…) and record index,
        when a reader knows it: messages about a record can then name its file and row.
        Not part of the data: the JSON leaves it out."""
        return self._origins

    @property
    def is_subset(self) -> bool:
        """True for what :meth:`subset` returns: some of the site's persons and their
        events, with the animations, partnerships and fundings of the whole site."""
        return self._is_subset

    @property
    def notes(self) -> tuple[Problem, ...]:
        """Warnings about the input that do not keep it from being a dataset (a hidden
        sheet, a funding row given twice, a neighbourhood declared twice alike), located
        where the reader knows it. Not part of the data: the JSON leaves it out."""
        return self._notes

    # The records of each sheet, built from its columns once, then kept.

    @property
    def neighbourhoods(self) -> tuple[Neighbourhood, ...]:
        """The records of ``quartiers``."""
        return self.columns("quartiers").records()

    @property
    def persons(self) -> tuple[Person, ...]:
        """The records of ``porteurs``."""
        return self.columns("porteurs").records()

    @property
    def events(self) -> tuple[Event, ...]:
        """The records of ``suivis``."""
        return self.columns("suivis").records()

    @property
    def animations(self) -> tuple[Animation, ...]:
        """The records of ``animations``."""
        return self.columns("animations").records()

    @property
    def partnerships(self) -> tuple[Partnership, ...]:
        """The records of ``partenariats``."""
        return self.columns("partenariats").records()

    @property
    def fundings(self) -> tuple[Funding, ...]:
        """The records of ``financements``."""
        return self.columns("financements").records()

    @property
    def texts(self) -> tuple[Text, ...]:
        """The records of ``textes``."""
        return self.columns("textes").records()

    @property
    def budget(self) -> tuple[BudgetLine, ...]:
        """The records of ``budget``."""
        return self.columns("budget").records()

    @property
    def permanences(self) -> tuple[Permanence, ...]:
        """The records of ``permanences``."""
        return self.columns("permanences").records()

    def __repr__(self) -> str:
        return DATASET_REPR(self)

    def _repr_html_(self) -> str:
        return DATASET_HTML(self)

    @overload
    def columns(self, sheet: Literal["quartiers"]) -> Columns[Neighbourhood]: ...
    @overload
    def columns(self, sheet: Literal["porteurs"]) -> Columns[Person]: ...
    @overload
    def columns(self, sheet: Literal["suivis"]) -> Columns[Event]: ...
    @overload
    def columns(self, sheet: Literal["animations"]) -> Columns[Animation]: ...
    @overload
    def columns(self, sheet: Literal["partenariats"]) -> Columns[Partnership]: ...
    @overload
    def columns(self, sheet: Literal["financements"]) -> Columns[Funding]: ...
    @overload
    def columns(self, sheet: Literal["textes"]) -> Columns[Text]: ...
    @overload
    def columns(self, sheet: Literal["budget"]) -> Columns[BudgetLine]: ...
    @overload
    def columns(self, sheet: Literal["permanences"]) -> Columns[Permanence]: ...
    @overload
    def columns(self, sheet: SheetName) -> Columns[Any]: ...
    def columns(self, sheet: SheetName) -> Columns[Any]:
        """The records of ``sheet`` (``porteurs``, ``suivis``…) as :class:`Columns`, typed
        per sheet (``data.columns("porteurs")`` is a ``Columns[Person]``)."""
        found = self._sheets.get(sheet) if isinstance(sheet, str) else None
        if found is None:
            guards.key(sheet, tuple(self._sheets), "sheet", "une feuille")
        return self._sheets[sheet]

    def subset(self, persons: Iterable[str] | Callable[[Person], bool]) -> Dataset:
        """The same site restricted to some persons: those whose id is in ``persons``, or
        for whom ``persons(person)`` is true, with their events (a bilan per référent or
        per neighbourhood).

        The neighbourhoods, animations, partnerships, fundings and texts stay the whole
        site's: :attr:`is_subset` is set, and a bilan of the result says so. An id that
        is not in the dataset is a :class:`~citeslab_core.errors.UsageError`.
        """
        return subset(self, persons)

    def _restricted(
        self, tables: Mapping[str, Columns[Any]], origins: Mapping[str, Sequence[Location]]
    ) -> Dataset:
        """The same site with some sheets replaced (:meth:`subset`), checked again."""
        return type(self)(self._site, {**self._sheets, **tables}, origins=origins, is_subset=True)

    def to_frames(self, *, private: bool = False, labels: bool = False) -> dict[str, DataFrame]:
        """pandas DataFrames of the records (needs the ``citeslab[pandas]`` extra).

        One frame per sheet, keyed by the sheet's name (``porteurs``, ``suivis``, …), plus
        ``parcours`` (one row per pathway): every column present, defaults filled,
        vocabularies as ordered categoricals of their codes (labels with ``labels=True``),
        partial dates as three columns (``<col>``, ``<col>_fin``, ``<col>_precision``),
        amounts as floats. Identity and free-text columns are left out unless
        ``private=True``. docs/notebook.md lists the columns.
        """
        private, labels = guards.flag(private, "private"), guards.flag(labels, "labels")
        return DATASET_FRAMES(self, private, labels)

    def origin(self, table: str, index: int) -> Location | None:
        """Where record ``index`` of ``table`` was read from, if known."""
        places = self._origins.get(table)
        return places[index] if places is not None and index < len(places) else None

    @cached_property
    def persons_by_id(self) -> Mapping[str, Person]:
        return dict(zip(self._sheets["porteurs"]["id"], self.persons, strict=True))

    @cached_property
    def events_by_person(self) -> Mapping[str, Sequence[Event]]:
        """Each person's events, by date, rows of the same date in their input order."""
        sheets = self._sheets
        grouped: dict[str, list[Event]] = {person: [] for person in sheets["porteurs"]["id"]}
        for events, event in zip(
            map(grouped.__getitem__, sheets["suivis"]["person"]), self.events, strict=True
        ):
            events.append(event)
        for events in grouped.values():
            if len(events) > 1:
                events.sort(key=_DATE_OF)  # stable: rows of one date keep their order
        return grouped

    @cached_property
    def neighbourhoods_by_name(self) -> Mapping[str, Neighbourhood]:
        return {n.name: n for n in self.neighbourhoods}


# -- one spelling per name, residence statuses derived ------------------------------------


def _respelt_tables(tables: dict[str, Columns[Any]]) -> dict[str, Columns[Any]]:
    """Every reference takes one spelling (see :meth:`Dataset.build`); persons take the
    residence status and QPV code of their declared neighbourhood when not given."""
    hoods, persons = tables["quartiers"], tables["porteurs"]
    events, animations = tables["suivis"], tables["animations"]
    spelling = _spellings(hoods["name"], persons["neighbourhood"], animations["neighbourhood"])
    if spelling:
        tables["animations"] = animations.replace(
            neighbourhood=_respelt(animations["neighbourhood"], spelling)
        )
    people = _same_people(events["person"], persons["id"])
    programmes = _spellings((), events["programme"])
    if people is not None or programmes:
        changed: dict[str, Sequence[Any]] = {}
        if people is not None:
            changed["person"] = people
        if programmes:
            changed["programme"] = _respelt(events["programme"], programmes)
        tables["suivis"] = events.replace(**changed)
    tables["porteurs"] = _derive_residence(persons, hoods, spelling)
    return tables


def _derive_residence(
    persons: Columns[Person], hoods: Columns[Neighbourhood], spelling: Mapping[str, str]
) -> Columns[Person]:
    """Fill a person's residence status (and QPV code) from their declared neighbourhood,
    matched by :func:`~citeslab_core.model.identity.identity_key`; ``spelling`` maps a
    neighbourhood as written to the one spelling the dataset keeps. Each distinct
    neighbourhood is looked up once."""
    by_name: dict[str, Neighbourhood] = {}
    for declared in hoods.records():
        by_name.setdefault(identity_key(declared.name), declared)
    if not by_name and not spelling:
        return persons
    names: Sequence[str | None] = persons["neighbourhood"]
    hood_of = {name: by_name.get(identity_key(name)) for name in dict.fromkeys(names) if name}
    statuses: Sequence[ResidenceStatus | None] = persons["residence"]
    codes: Sequence[str | None] = persons["qpv_code"]
    # Each distinct (neighbourhood, status, code) looked at once: a few hundred, where the
    # persons are tens of thousands; the rows found by C-level passes. No tuple a row is
    # kept (tens of thousands of them alive would wake the garbage collector, whose full
    # walk over a big dataset costs more than the pass).
    status_of: dict[tuple[Any, Any, Any], Any] = {}
    code_of: dict[tuple[Any, Any, Any], Any] = {}
    for name, status, code in dict.fromkeys(zip(names, statuses, codes, strict=True)):
        hood = hood_of.get(name) if name else None
        if hood is not None and (
            name in spelling or status is None or (code is None and hood.qpv_code)
        ):
            status_of[name, status, code] = status or hood.residence
            code_of[name, status, code] = code or hood.qpv_code
    respelt = _respelt(names, spelling) if spelling else None
    if not status_of and respelt is None:
        return persons
    columns: dict[str, Sequence[Any]] = {}
    if status_of:
        keys = zip(names, statuses, codes, strict=True)
        columns["residence"] = list(map(status_of.get, keys, statuses))
        keys = zip(names, statuses, codes, strict=True)
        columns["qpv_code"] = list(map(code_of.get, keys, codes))
    if respelt is not None:
        columns["neighbourhood"] = respelt
    return persons.replace(**columns)


def _spellings(declared: Iterable[str], *columns: Iterable[str | None]) -> dict[str, str]:
    """The names written otherwise than their first spelling (the declared names first),
    mapped to it: ``{"kerourien\u200b": "Kerourien"}``. Empty when each name has one
    spelling (the usual case: only distinct values are looked at)."""
    first: dict[str, str] = {}
    for spelt in declared:
        first.setdefault(identity_key(spelt), spelt)
    changes: dict[str, str] = {}
    for column in columns:
        for name in dict.fromkeys(column):
            if name:
                kept = first.setdefault(identity_key(name), name)
                if kept != name:
                    changes[name] = kept
    return changes


def _respelt(column: Sequence[Any], spelling: Mapping[str, str]) -> tuple[Any, ...]:
    """The column with each value of ``spelling`` spelt its one way."""
    get = spelling.get
    return tuple(map(get, column, column))


def _same_people(people: Sequence[str], ids: Sequence[str]) -> tuple[str, ...] | None:
    """Events' persons written otherwise than the id of ``porteurs`` (``p001`` for
    ``P001``) take that id; ``None`` when there is none."""
    unknown = set(people).difference(ids)
    if not unknown:
        return None
    by_key: dict[str, str] = {}
    for person_id in ids:
        by_key.setdefault(identity_key(person_id), person_id)
    spelling = {
        name: by_key[key] for name in unknown if (key := identity_key(name)) in by_key and name
    }
    return _respelt(people, spelling) if spelling else None


def _notes(
    hoods: Sequence[Neighbourhood],
    fundings: Columns[Funding],
    origins: Mapping[str, Sequence[Location]],
) -> list[Problem]:
    """Warnings: a neighbourhood declared twice alike, a funding row given twice."""

    def where(table: str, index: int) -> Location:
        places = origins.get(table)
        if places is not None and index < len(places):
            return places[index]
        return Location(sheet=f"{table}[{index}]")

    notes: list[Problem] = []
    first_hood: dict[str, int] = {}
    for index, hood in enumerate(hoods):
        first = first_hood.setdefault(identity_key(hood.name), index)
        if first != index and hood_facts(hoods[first]) == hood_facts(hood):
            notes.append(
                Problem(
                    where("quartiers", index),
                    f"quartier « {hood.name} » déclaré deux fois (déjà : "
                    f"{where('quartiers', first)}) : supprimez le doublon",
                )
            )
    first_funding: dict[tuple[Any, ...], int] = {}
    rows = zip(*(fundings[name] for name in fundings.fields), strict=True)
    for index, funding in enumerate(rows):
        first = first_funding.setdefault(funding, index)
        if first != index:
            notes.append(
                Problem(
                    where("financements", index),
                    f"financement identique à celui de {where('financements', first)} (même "
                    "année, financeur, montant et nature) : les deux montants s'additionnent ; "
                    "supprimez le doublon s'il n'est pas voulu",
                )
            )
    return notes
