"""Where a bilan comes from: the citeslab version, the period, the time it was made and a
SHA-256 of the canonical dataset, carried by every bilan and export (issue 15).

Two documents made from the same records carry the same dataset fingerprint, whatever the
input's form (a workbook, a CSV folder or the canonical JSON read into the same
:class:`~citeslab_core.model.Dataset`): the fingerprint is the SHA-256 of the dataset's
canonical JSON (:func:`citeslab_core.converter.dumps`, compact), so a funder can check that
a bilan and an export were made from the same data and by which version.

The time is injectable: :func:`generation_time` reads ``SOURCE_DATE_EPOCH`` (seconds since
1970, the reproducible-builds convention) from the environment it is given, else takes
the current time; the command line passes its own environment, so that
``SOURCE_DATE_EPOCH=1704067200 citeslab report …`` writes the same bytes every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

import attrs

from citeslab_core.errors import UsageError

if TYPE_CHECKING:
    from citeslab_core.bilan import Bilan
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


def dataset_sha256(data: Dataset) -> str:
    """The SHA-256 of the dataset's canonical JSON, compact (hexadecimal)."""
    from citeslab_core.converter import dumps

    text = dumps(data, indent=None)
    # A lone surrogate (from a JSON input) is hashed as it is, never an error.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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


def stamp(bilan: Bilan, data: Dataset | None, *, generated: dt.datetime | None = None) -> Bilan:
    """``bilan`` carrying its provenance (``generated`` defaults to now)."""
    when = generated if generated is not None else dt.datetime.now(dt.UTC)
    return attrs.evolve(bilan, provenance=make_provenance(data, when))
