"""Where a bilan comes from: the citeslab version, the period, the time it was made and a
SHA-256 of the canonical dataset, carried by every bilan and export (issue 15).

Two documents made from the same records carry the same dataset fingerprint, whatever the
input's form (a workbook, a CSV folder or the canonical JSON read into the same
:class:`~citeslab_core.model.Dataset`), so a funder can check that a bilan and an export
were made from the same data and by which version. The fingerprint is the SHA-256 of a
canonical serialisation of the dataset's columns (:func:`dataset_sha256` says which), fed
to the hash a column at a time: it never builds the dataset's JSON.

The time is injectable: :func:`generation_time` reads ``SOURCE_DATE_EPOCH`` (seconds since
1970, the reproducible-builds convention) from the environment it is given, else takes
the current time; the command line passes its own environment, so that
``SOURCE_DATE_EPOCH=1704067200 citeslab report …`` writes the same bytes every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import pickle
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from itertools import repeat
from operator import attrgetter, itemgetter
from types import NoneType
from typing import TYPE_CHECKING, Any, Final

import attrs

from citeslab_core import __version__
from citeslab_core.errors import UsageError
from citeslab_core.model import Repeated
from citeslab_core.model.dates import PartialDate

if TYPE_CHECKING:
    from citeslab_core.bilan import PublicBilan
    from citeslab_core.model import Dataset

__all__ = [
    "SOURCE_DATE_EPOCH",
    "Provenance",
    "dataset_sha256",
    "generation_time",
    "make_provenance",
    "stamp",
]

#: The environment variable that fixes the generation time (reproducible outputs).
SOURCE_DATE_EPOCH: Final = "SOURCE_DATE_EPOCH"


@attrs.frozen
class Provenance:
    """``version``: of citeslab; ``generated``: when (UTC, to the second);
    ``dataset_sha256``: the fingerprint of the canonical dataset (hexadecimal), or None
    for a bilan made from other bilans whose data are not at hand."""

    version: str
    generated: dt.datetime
    dataset_sha256: str | None

    def describe(self) -> str:
        """In French: ``Généré par citeslab 0.1.0 le 1er janvier 2024 à 00:00:00 (UTC) ;
        empreinte SHA-256 des données : …``."""
        from citeslab_core.french import format_day

        when = self.generated.astimezone(dt.UTC)
        day = format_day(when.date())
        text = f"Généré par citeslab {self.version} le {day} à {when:%H:%M:%S} (UTC)"
        if self.dataset_sha256 is not None:
            text += f" ; empreinte SHA-256 des données : {self.dataset_sha256}"
        return text

    @property
    def generated_text(self) -> str:
        """ISO 8601 in UTC: ``2024-01-01T00:00:00Z``."""
        return self.generated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: The first bytes hashed: the version of the serialisation below. Change it with the
#: serialisation, so that two fingerprints made differently never compare equal.
FINGERPRINT_FORMAT: Final = b"citeslab-donnees/4\n"

#: Between the texts of a column written as joined texts.
_UNIT: Final = "\x1f"

#: The containers pickle walks into: a column holding them is written as JSON.
_CONTAINERS: Final = frozenset({tuple, list, dict, set, frozenset, bytes, bytearray})


def dataset_sha256(data: Dataset) -> str:
    """The fingerprint of the dataset: a SHA-256, hexadecimal.

    What is hashed, in this order:

    - :data:`FINGERPRINT_FORMAT`;
    - the ``structure`` (the :class:`~citeslab_core.model.Site`) as the canonical JSON
      writes it (:mod:`citeslab_core.readers.converter`), keys sorted, in ASCII;
    - for each table, in the order of the workbook's sheets (``quartiers``, ``porteurs``,
      ``suivis``…): a line ``<sheet> <number of records>``, then for each field of its
      record class, in declaration order, a line with the field's name, then the field's
      column (:meth:`~citeslab_core.model.Dataset.columns`), in record order, written as:

      - ``S<count>`` and a line break when every value is a text and none holds U+001F,
        then the texts separated by U+001F, in UTF-8;
      - ``J`` and a line break when a value is a list that is not empty (an animation's
        partners, a permanence's days), then the column as a JSON array, as :func:`json.dumps`
        writes it with its defaults (ASCII, ``\\u`` escapes), each value as its
        canonical JSON (:func:`_plain`: a vocabulary value as its code, a date, a time or
        a partial date in ISO 8601, an amount as its :class:`~decimal.Decimal` text, a
        list as an array of those);
      - else ``K<count> <d> <p>`` and a line break, then the column's *dictionary* (``d``
        bytes) and its *rows* (``p`` bytes). The rows are the column pickled
        (:mod:`pickle`, protocol 4, as CPython writes it) where a null, a boolean or a
        whole number is written as it is, a text in full at its first row, and any other
        value in full at its first row as a placeholder (a call of one function without
        arguments): a later row holding an equal value is a reference to the first (its
        rank among the texts and placeholders, in order of first appearance, from 1). The
        dictionary is the JSON array, as above, of the placeholders' values, in that
        order, each as a pair ``[kind, text]`` (:func:`_key`: ``"v"`` and a vocabulary
        code, ``"d"`` and a date, ``"t"`` and a time, ``"h"`` and a date and time,
        ``"n"`` and an amount, ``"p"`` and a partial date as precision, first and last
        day).

    Every record field is hashed, identity and free text included: any change of a value
    changes the fingerprint, and the same records give the same one whichever reader made
    them, whether they share one object per distinct value or not. The locations of the
    records (``origins``) and the reader's notes are not data and are left out.

    Why pickle: its C-level pass finds each distinct object once (its memo is keyed by
    object) and writes every repeat as a reference of two or five bytes, at about 15 ns a
    row where a Python-level pass costs 40-70 ns; the readers share one object per
    distinct value, so only a few thousand values are serialised in Python. When two
    objects hold equal values (the JSON reader builds each value anew), the column is
    first rewritten with one object per value, so that the bytes are the same.
    """
    from citeslab_core.model import TABLES, Site
    from citeslab_core.readers.converter import converter

    digest = hashlib.sha256(FINGERPRINT_FORMAT)
    site = converter().unstructure(data.site, Site)
    digest.update(json.dumps(site, sort_keys=True).encode("ascii"))
    for sheet, _, _ in TABLES:  # in the order of TABLE_FIELDS
        columns = data.columns(sheet)
        digest.update(f"\n{sheet} {len(columns)}\n".encode("ascii"))
        for field in attrs.fields(columns.record):
            digest.update(f"{field.name}\n".encode("ascii"))
            for part in _serialised(columns[field.name]):
                digest.update(part)
    return digest.hexdigest()


def _serialised(column: Sequence[Any]) -> tuple[bytes, ...]:
    """A column as :func:`dataset_sha256` hashes it, in parts."""
    count = len(column)
    if isinstance(column, Repeated):  # one object on every row
        values: tuple[Any, ...] = (column[0],) * count if count else ()
    else:
        values = column if type(column) is tuple else tuple(column)
    try:
        text = _UNIT.join(values)
    except TypeError:  # not only texts
        pass
    else:
        if count and text.count(_UNIT) == count - 1:  # no text holds the separator
            return (b"S%d\n" % count, text.encode("utf-8", "surrogatepass"))
    rows, objects = _pickled(values)
    if not _CONTAINERS.isdisjoint(map(type, objects)):
        return (b"J\n", json.dumps([_plain(value) for value in values]).encode("ascii"))
    keys = _keys(objects)
    if len(set(keys)) < len(keys):  # equal values in other objects: one object each
        rows, objects = _pickled(_one_object_per_value(values, keys, objects))
        keys = _keys(objects)
    entries = [list(key) for key in keys if type(key) is tuple]
    dictionary = json.dumps(entries).encode("ascii")
    return (b"K%d %d %d\n" % (count, len(dictionary), len(rows)), dictionary, rows)


#: Types whose ``==`` says two values are the same (unlike an amount's: 1.0 == 1.00, or a
#: boolean's: True == 1) and whose hash is computed in C.
_BY_VALUE: Final = frozenset({str, NoneType, dt.date})


def _one_object_per_value(
    values: tuple[Any, ...], keys: list[Any], objects: list[Any]
) -> tuple[Any, ...]:
    """``values`` with one object per value (``objects``, whose :func:`_keys` are
    ``keys``, are those written in full)."""
    if _BY_VALUE.issuperset(map(type, values)):  # texts, dates, nulls: C-level passes
        seen: dict[Any, Any] = {}
        return tuple(map(seen.setdefault, values, values))
    first: dict[Any, Any] = {}
    pairs = zip(keys, objects, strict=True)
    one = {id(value): first.setdefault(key, value) for key, value in pairs}
    return tuple(map(one.get, map(id, values), values))


def _placeholder() -> None:  # pragma: no cover - never called: pickle names it
    """What :func:`_pickled` writes a value that is not a text as."""


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        return (_placeholder, ())


def _pickled(values: tuple[Any, ...]) -> tuple[bytes, list[Any]]:
    """``values`` pickled with every value other than a text or a number as a
    placeholder, and the objects written in full (texts and placeholders), in order."""
    out = io.BytesIO()
    pickler = _Pickler(out, 4)
    pickler.memo = {id(_placeholder): (0, _placeholder)}  # written as a reference
    pickler.dump(values)
    memo = sorted(pickler.memo.copy().values(), key=itemgetter(0))
    objects = list(map(itemgetter(1), memo[1:]))  # the placeholder first
    if objects and objects[-1] is values:  # memoized last, after its values
        objects.pop()
    return out.getvalue(), objects


_PRECISION = attrgetter("precision._value_")
_START = attrgetter("start")
_END = attrgetter("end")


def _keys(objects: list[Any]) -> list[Any]:
    """:func:`_key` of each object, a text as itself; by C-level passes when all are
    dates or all partial dates (thousands of distinct values: birth dates)."""
    kinds = set(map(type, objects))
    if kinds == {str}:
        return objects
    if kinds == {dt.date}:
        return list(zip(repeat("d"), map(dt.date.isoformat, objects)))
    if kinds == {PartialDate}:
        starts = map(dt.date.isoformat, map(_START, objects))
        ends = map(dt.date.isoformat, map(_END, objects))
        return list(zip(repeat("p"), map(_PRECISION, objects), starts, ends))
    return [value if type(value) is str else _key(value) for value in objects]


def _key(value: Any) -> tuple[Any, ...]:
    """A value that is not a text as a pair (or more) of texts: what it is, what it says."""
    if isinstance(value, Enum):
        return ("v", value.value)
    kind = type(value)
    if kind is dt.date:
        return ("d", value.isoformat())
    if kind is PartialDate:
        return ("p", value.precision.value, value.start.isoformat(), value.end.isoformat())
    if kind is Decimal:
        return ("n", str(value))
    if kind is dt.time:
        return ("t", value.isoformat())
    if kind is dt.datetime:
        return ("h", value.isoformat())
    raise TypeError(f"no canonical form for a {kind.__name__}")  # pragma: no cover


def _plain(value: Any) -> Any:
    """A value as JSON holds it (see :func:`dataset_sha256`)."""
    if value is None or isinstance(value, (str, int)):  # bool is an int
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.time)):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    raise TypeError(f"no canonical form for a {type(value).__name__}")  # pragma: no cover


def generation_time(environ: Mapping[str, str]) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` of ``environ`` when set, else now; UTC, to the second."""
    value = environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not value:
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        seconds = int(value)
        return dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"{SOURCE_DATE_EPOCH}={value!r} : un nombre entier de secondes depuis le "
            "1er janvier 1970 est attendu"
        ) from None


def make_provenance(data: Dataset | None, generated: dt.datetime) -> Provenance:
    """The provenance of a bilan of ``data`` made at ``generated``."""
    digest = dataset_sha256(data) if data is not None else None
    return Provenance(__version__, generated.replace(microsecond=0), digest)


def stamp(
    bilan: PublicBilan, data: Dataset | None, *, generated: dt.datetime | None = None
) -> PublicBilan:
    """``bilan`` carrying its provenance (``generated`` defaults to now)."""
    when = generated if generated is not None else dt.datetime.now(dt.UTC)
    return attrs.evolve(bilan, provenance=make_provenance(data, when))
