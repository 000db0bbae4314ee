"""A dataset restricted to some of its persons (private: :meth:`Dataset.subset`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress

from citeslab_core.errors import Location, UsageError
from citeslab_core.model import Dataset, Person, RowOrigins


def _kept_origins(places: Sequence[Location], kept: list[int]) -> Sequence[Location]:
    if isinstance(places, RowOrigins):  # rows, not Location objects: stay lazy
        rows = [places.rows[index] for index in kept]
        return RowOrigins(places.file, places.sheet, rows, elements=places.elements)
    return [places[index] for index in kept if index < len(places)]


def subset(data: Dataset, persons: Iterable[str] | Callable[[Person], bool]) -> Dataset:
    """See :meth:`Dataset.subset`."""
    if callable(persons):
        keep = list(map(persons, data.persons))
    else:
        wanted = {persons} if isinstance(persons, str) else set(persons)
        unknown = wanted.difference(data.persons_by_id)
        if unknown:
            shown = ", ".join(f"« {name} »" for name in sorted(unknown)[:10])
            more = f" (et {len(unknown) - 10} autres)" if len(unknown) > 10 else ""
            raise UsageError(f"identifiant(s) inconnu(s) dans porteurs : {shown}{more}")
        keep = [person.id in wanted for person in data.persons]
    kept_ids = {person.id for person in compress(data.persons, keep)}
    person_rows = list(compress(range(len(data.persons)), keep))
    event_rows = [i for i, event in enumerate(data.events) if event.person in kept_ids]
    origins = dict(data.origins)
    for table, rows in (("porteurs", person_rows), ("suivis", event_rows)):
        if table in origins:
            origins[table] = _kept_origins(origins[table], rows)
    return Dataset(
        site=data.site,
        neighbourhoods=data.neighbourhoods,
        persons=tuple(data.persons[i] for i in person_rows),
        events=tuple(data.events[i] for i in event_rows),
        animations=data.animations,
        partnerships=data.partnerships,
        fundings=data.fundings,
        texts=data.texts,
        origins=origins,
        is_subset=True,
    )
