"""Where a bilan comes from: the citeslab version, the period, the time it was made and a
SHA-256 of the canonical dataset, carried by every bilan and export (issue 15).

Two documents made from the same records carry the same dataset fingerprint, whatever the
input's form (a workbook, a CSV folder or the canonical JSON read into the same
:class:`~citeslab_core.model.Dataset`), so a funder can check that a bilan and an export
were made from the same data and by which version. The fingerprint is the SHA-256 of a
canonical serialisation of the dataset's columns (:func:`dataset_sha256` says which), fed
to the hash a slice of a column at a time: it never builds the dataset's JSON.

The time is injectable: :func:`generation_time` reads ``SOURCE_DATE_EPOCH`` (seconds since
1970, the reproducible-builds convention) from the environment it is given, else takes
the current time; the command line passes its own environment, so that
``SOURCE_DATE_EPOCH=1704067200 citeslab report …`` writes the same bytes every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from array import array
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from functools import cache
from itertools import repeat
from operator import attrgetter
from types import NoneType
from typing import TYPE_CHECKING, Any, Final

import attrs

from citeslab_core.errors import UsageError
from citeslab_core.model import Repeated
from citeslab_core.model.dates import PartialDate, Precision

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
FINGERPRINT_FORMAT: Final = b"citeslab-donnees/3\n"

#: Values of a column serialised (and hashed) at a time.
_SLICE: Final = 65_536

#: Between the values of a slice written as texts.
_UNIT: Final = "\x1f"

_PLAIN: Final = frozenset({str, int, bool, NoneType})


def dataset_sha256(data: Dataset) -> str:
    """The fingerprint of the dataset: a SHA-256, hexadecimal.

    What is hashed, in this order:

    - :data:`FINGERPRINT_FORMAT`;
    - the ``structure`` (the :class:`~citeslab_core.model.Site`) as the canonical JSON
      writes it (:mod:`citeslab_core.readers.converter`), keys sorted, in ASCII;
    - for each table, in the order of the workbook's sheets (``quartiers``, ``porteurs``,
      ``suivis``…): a line ``<sheet> <number of records>``, then for each field of its
      record class, in declaration order, a line with the field's name, then the field's
      column (:meth:`~citeslab_core.model.Dataset.columns`) by slices of at most 65 536
      values, each written as:

      - ``N<count>`` and a line break when every value is null;
      - ``C<count>`` and a line break when the values are of one vocabulary (or null),
        then their codes separated by U+001F (in UTF-8), a null as an empty text (no code
        is empty);
      - ``D<count>`` and a line break when every value is a date, then their ordinal days
        (:meth:`datetime.date.toordinal`), each as 4 bytes, little-endian;
      - ``P<count>`` and a line break when every value is a partial date, then their
        precisions' codes separated by U+001F, a line break, their first days' ordinals
        and their last days' ordinals, as dates are;
      - else, when none is null, ``S<count>``, a line break and the values as texts
        separated by U+001F (in UTF-8): a text as it is, any other value as its JSON below
        (unless a text holds U+001F);
      - else a JSON array, as :func:`json.dumps` writes it with its defaults (ASCII,
        ``\\u`` escapes): a text, a whole number, a boolean or null as it is; a
        vocabulary value as its code; a date, a time or a partial date in ISO 8601
        (``2023-03-30``, ``09:30:00``, ``2023-05/2023-09``); an amount as its
        :class:`~decimal.Decimal` text (``16000.00``); a list (an animation's partners,
        a permanence's days) as an array of those.

    Every record field is hashed, identity and free text included: any change of a value
    changes the fingerprint, and the same records give the same one whichever reader made
    them. The locations of the records (``origins``) and the reader's notes are not data
    and are left out. The hash is fed a slice at a time; the commonest columns (codes,
    dates) are written by C-level passes, other values serialised once per distinct
    value.
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
            column = columns[field.name]
            done: dict[int, str] = {}  # id of a value of ``column`` → its text
            for start in range(0, len(column), _SLICE):
                digest.update(_serialised(column[start : start + _SLICE], done))
    return digest.hexdigest()


def _serialised(values: Sequence[Any], done: dict[int, str]) -> bytes:
    """A slice of a column as :func:`dataset_sha256` hashes it; ``done`` holds the texts
    of the column's values already serialised, by id."""
    count = len(values)
    if isinstance(values, Repeated) and count and values[0] is None:
        return b"N%d\n" % count  # a column nobody filled in: not read value by value
    kinds = set(map(type, values))
    if kinds == {NoneType}:
        return b"N%d\n" % count
    members = kinds - {NoneType}
    kind = next(iter(members)) if len(members) == 1 else None
    if kind is not None and issubclass(kind, Enum) and _joinable(kind):
        # a member's code is its _value_; None has none: "" (one C-level pass)
        text = _UNIT.join(map(getattr, values, repeat("_value_"), repeat("")))
        return b"C%d\n%s" % (count, text.encode("utf-8"))
    if kind is dt.date and NoneType not in kinds:
        return b"D%d\n%s" % (count, _days(values))
    if kind is PartialDate and NoneType not in kinds and _joinable(Precision):
        precisions = map(_PRECISION, values)
        return b"P%d\n%s\n%s%s" % (
            count,
            _UNIT.join(precisions).encode("ascii"),
            _days(list(map(_START, values))),
            _days(list(map(_END, values))),
        )
    if NoneType not in kinds:
        texts = values if kinds == {str} else _each_once(values, _text, done)
        text = _UNIT.join(texts)
        if text.count(_UNIT) == count - 1:  # no text holds the separator
            return b"S%d\n%s" % (count, text.encode("utf-8", "surrogatepass"))
    if kinds <= _PLAIN:
        return json.dumps(values if isinstance(values, list) else list(values)).encode("ascii")
    return f"[{', '.join(_each_once(values, _json, done))}]".encode("ascii")


_PRECISION = attrgetter("precision._value_")
_START = attrgetter("start")
_END = attrgetter("end")


def _days(dates: Sequence[dt.date]) -> bytes:
    """Dates as their ordinal days, 4 bytes each, little-endian."""
    days = array("i", map(dt.date.toordinal, dates))
    if sys.byteorder == "big":  # pragma: no cover - the machines citeslab runs on
        days.byteswap()
    return days.tobytes()


@cache
def _joinable(vocabulary: type[Enum]) -> bool:
    """Whether every code of ``vocabulary`` is a non-empty text without U+001F (so that
    codes joined by U+001F, a null as an empty text, read back one way)."""
    return all(
        isinstance(code := member.value, str) and code and _UNIT not in code
        for member in vocabulary
    )


def _each_once(
    values: Sequence[Any], serialise: Callable[[Any], str], done: dict[int, str]
) -> list[str]:
    """``list(map(serialise, values))``, calling it once per distinct object (``done``:
    the texts made so far, by id; the objects outlive it, so their ids are stable)."""
    try:
        return list(map(done.__getitem__, map(id, values)))
    except KeyError:  # values not seen in the slices before
        new = dict(zip(map(id, values), values, strict=True)).items()
        done.update((key, serialise(value)) for key, value in new if key not in done)
        return list(map(done.__getitem__, map(id, values)))


def _text(value: Any) -> str:
    """A value that is not null, as text: a text as it is, else its JSON."""
    return value if isinstance(value, str) else _json(value)


def _json(value: Any) -> str:
    if type(value) is dt.date:  # the most frequent (a JSON string, with no escape)
        return f'"{value.isoformat()}"'
    if type(value) is PartialDate and value.precision is Precision.DAY:
        return f'"{value.start.isoformat()}"'
    return json.dumps(_plain(value))


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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("citeslab")
    except PackageNotFoundError:  # pragma: no cover - a source tree not installed
        return "0+inconnue"


def make_provenance(data: Dataset | None, generated: dt.datetime) -> Provenance:
    """The provenance of a bilan of ``data`` made at ``generated``."""
    digest = dataset_sha256(data) if data is not None else None
    return Provenance(_version(), generated.replace(microsecond=0), digest)


def stamp(
    bilan: PublicBilan, data: Dataset | None, *, generated: dt.datetime | None = None
) -> PublicBilan:
    """``bilan`` carrying its provenance (``generated`` defaults to now)."""
    when = generated if generated is not None else dt.datetime.now(dt.UTC)
    return attrs.evolve(bilan, provenance=make_provenance(data, when))
