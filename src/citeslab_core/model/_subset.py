"""A dataset restricted to some of its persons (private: :meth:`Dataset.subset`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from typing import TYPE_CHECKING, Any

from citeslab_core.errors import Location, UsageError
from citeslab_core.model import guards
from citeslab_core.model._columns import Columns, RowOrigins
from citeslab_core.model._records import Person

if TYPE_CHECKING:
    from citeslab_core.model._dataset import Dataset


def _kept_origins(places: Sequence[Location], kept: list[int]) -> Sequence[Location]:
    if isinstance(places, RowOrigins):  # rows, not Location objects: stay lazy
        rows = [places.rows[index] for index in kept]
        return RowOrigins(places.file, places.sheet, rows, elements=places.elements)
    return [places[index] for index in kept if index < len(places)]


def _hashable(persons: Iterable[object]) -> Iterable[object]:
    """The ids asked for; one that is not a text (a list, a dict) is refused in French."""
    for person in persons:
        if not isinstance(person, str):
            raise UsageError(
                f"persons : {guards.shown(person)} n'est pas un identifiant (un texte, « P0001 »)"
            )
        yield person


def subset(data: Dataset, persons: Iterable[str] | Callable[[Person], bool]) -> Dataset:
    """See :meth:`Dataset.subset`."""
    ids = data.columns("porteurs")["id"]
    if not callable(persons) and not isinstance(persons, Iterable):
        raise UsageError(
            f"persons = {guards.shown(persons)} : il faut des identifiants "
            '(["P0001", "P0002"]) ou une fonction (lambda person: …)'
        )
    if callable(persons):
        keep = list(map(persons, data.persons))
    else:
        wanted = {persons} if isinstance(persons, str) else set(_hashable(persons))
        unknown = wanted.difference(ids)
        if unknown:
            shown = ", ".join(f"« {name} »" for name in sorted(map(str, unknown))[:10])
            more = f" (et {len(unknown) - 10} autres)" if len(unknown) > 10 else ""
            raise UsageError(f"identifiant(s) inconnu(s) dans porteurs : {shown}{more}")
        keep = list(map(wanted.__contains__, ids))
    kept_ids = set(compress(ids, keep))
    person_rows = list(compress(range(len(ids)), keep))
    events = data.columns("suivis")
    event_rows = list(compress(range(len(events)), map(kept_ids.__contains__, events["person"])))
    origins = dict(data.origins)
    for table, rows in (("porteurs", person_rows), ("suivis", event_rows)):
        if table in origins:
            origins[table] = _kept_origins(origins[table], rows)
    tables: dict[str, Columns[Any]] = {
        "porteurs": data.columns("porteurs").take(person_rows),
        "suivis": events.take(event_rows),
        # as before the columnar core: a subset leaves out the budget and the permanences
        "budget": data.columns("budget").take(()),
        "permanences": data.columns("permanences").take(()),
    }
    return data._restricted(tables, origins)
