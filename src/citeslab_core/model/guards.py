"""The arguments of the public functions, checked before any work: a wrong type or value
is a French :class:`~citeslab_core.errors.UsageError` that names the argument, never a raw
``TypeError``, ``AttributeError`` or a silent nonsense (``year=True`` read as the year 1,
``public="yes"`` or ``private="false"`` read as true).

One guard per kind of argument, used by every public function:

- :func:`day`: a date given as ``datetime.date``, ``datetime.datetime`` or
  ``pandas.Timestamp`` at midnight, ``numpy.datetime64`` at midnight, or an ISO text
  (``"2023-06-30"``); a time of day other than midnight is refused (a bilan counts whole
  days); the year between :data:`~citeslab_core.model.limits.MIN_YEAR` and
  :data:`~citeslab_core.model.limits.MAX_YEAR`;
- :func:`period`: two days, the end not before the start;
- :func:`year`, :func:`whole`: an integer (``numpy`` integers too), never a bool, within
  bounds;
- :func:`flag`: ``True`` or ``False`` (``numpy.bool_`` too), nothing else;
- :func:`path`: a ``str`` or ``os.PathLike`` naming a file, not empty, without NUL;
- :func:`instance`: an object of the expected class (a dataset, a bilan…).
"""

from __future__ import annotations

import datetime as dt
import operator
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from citeslab_core.errors import UnknownKey, UsageError
from citeslab_core.model.limits import MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    import numpy

    #: What a date argument may be: ``datetime.date`` (so ``datetime.datetime`` and
    #: ``pandas.Timestamp`` at midnight), ``numpy.datetime64`` or an ISO text.
    DateLike: TypeAlias = dt.date | str | numpy.datetime64
else:
    DateLike: TypeAlias = "dt.date | str | numpy.datetime64"

__all__ = [
    "DATASET",
    "MAX_YEAR",
    "MIN_YEAR",
    "DateLike",
    "day",
    "exists",
    "flag",
    "instance",
    "key",
    "path",
    "period",
    "whole",
    "year",
]

T = TypeVar("T")

_LONGEST_SHOWN = 40


def shown(value: object) -> str:
    """A value as an error message quotes it: short, one line, its type when it is not a
    plain value (never a whole object's repr)."""
    if isinstance(value, bool | int | float | str | dt.date) or value is None:
        text = repr(value) if not isinstance(value, dt.date) else value.isoformat()
    else:
        text = f"un objet {type(value).__name__}"
    text = text.replace("\n", " ")
    return text if len(text) <= _LONGEST_SHOWN else text[: _LONGEST_SHOWN - 1] + "…"


def _refuse(name: str, value: object, expected: str) -> UsageError:
    return UsageError(f"{name} = {shown(value)} : il faut {expected}")


_DATE_EXPECTED = (
    "une date (datetime.date, pandas.Timestamp ou numpy.datetime64 à minuit, "
    "ou un texte ISO « 2023-06-30 »)"
)
_NO_TIME = "une date sans heure (un bilan compte des journées entières : la date, ou minuit)"
_IN_RANGE = f"une date entre {MIN_YEAR} et {MAX_YEAR}"


def is_numpy_bool(value: object) -> bool:
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.bool_)


def _is_datetime64(value: object) -> bool:
    numpy = sys.modules.get("numpy")  # a datetime64 can only exist when numpy is loaded
    return numpy is not None and isinstance(value, numpy.datetime64)


def day(value: object, name: str) -> dt.date:
    """``value`` as a ``datetime.date`` (see the module docstring), or a French
    :class:`UsageError` naming ``name``."""
    found: object = value
    if isinstance(value, str):
        text = value.strip()
        try:
            found = (
                dt.date.fromisoformat(text) if len(text) <= 10 else dt.datetime.fromisoformat(text)
            )
        except ValueError:
            raise _refuse(name, value, "une date ISO (« 2023-06-30 »)") from None
    elif _is_datetime64(value):
        found = _from_datetime64(value, name)
    if isinstance(found, dt.datetime):
        if _is_not_a_time(found):
            raise _refuse(name, value, _DATE_EXPECTED)
        if found.time() != dt.time(0):
            raise _refuse(name, value, _NO_TIME)
        found = dt.date(found.year, found.month, found.day)
    if not isinstance(found, dt.date):
        raise _refuse(name, value, _DATE_EXPECTED)
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        raise _refuse(name, value, _IN_RANGE)
    return found


def _is_not_a_time(value: dt.datetime) -> bool:
    """pandas.NaT is a datetime whose every field is missing."""
    return value != value


def _from_datetime64(value: Any, name: str) -> object:
    import numpy

    if numpy.isnat(value):
        raise UsageError(f"{name} = NaT : il faut une date (la valeur est manquante)")
    days = value.astype("datetime64[D]")
    if days != value:
        raise _refuse(name, str(value), _NO_TIME)
    found = days.item()
    if not isinstance(found, dt.date):  # beyond datetime's years: numpy gives an int
        raise _refuse(name, str(value), _IN_RANGE)
    return found


def period(
    start: object, end: object, names: tuple[str, str] = ("start", "end")
) -> tuple[dt.date, dt.date]:
    """The days from ``start`` to ``end`` (both :func:`day`), the end not before the
    start."""
    first, last = day(start, names[0]), day(end, names[1])
    if last < first:
        raise UsageError(
            f"{names[1]} = {last.isoformat()} précède {names[0]} = {first.isoformat()} : "
            "la fin de la période doit suivre son début"
        )
    return first, last


def whole(value: object, name: str, minimum: int, maximum: int, what: str) -> int:
    """An integer from ``minimum`` to ``maximum`` (a bool is not one)."""
    if isinstance(value, bool) or is_numpy_bool(value):
        raise _refuse(name, value, what)
    try:
        number = operator.index(value)  # type: ignore[arg-type]  # int, numpy integers; not 2023.0 nor "2023"
    except TypeError:
        hint = " (sans guillemets)" if isinstance(value, str) and value.strip().isdigit() else ""
        raise UsageError(f"{name} = {shown(value)} : il faut {what}{hint}") from None
    if not minimum <= number <= maximum:
        raise UsageError(f"{name} = {number} : il faut {what}, de {minimum} à {maximum}")
    return number


def year(value: object, name: str = "year") -> int:
    """A year from :data:`MIN_YEAR` to :data:`MAX_YEAR`, as an integer (``2023``)."""
    return whole(value, name, MIN_YEAR, MAX_YEAR, "une année (un nombre entier, comme 2023)")


def flag(value: object, name: str) -> bool:
    """``True`` or ``False``: a text (``"false"`` is a non-empty text, so true for
    ``bool()``), a number or None is refused."""
    if isinstance(value, bool):
        return value
    if is_numpy_bool(value):
        return bool(value)
    raise _refuse(name, value, "True ou False")


def path(value: object, name: str) -> Path:
    """A path (``str`` or ``os.PathLike``), not empty, without a NUL character."""
    if isinstance(value, Path):
        found = value
    elif isinstance(value, str) or (
        isinstance(value, os.PathLike) and isinstance(os.fspath(value), str)
    ):
        found = Path(value)
    else:
        raise _refuse(name, value, "un chemin (pathlib.Path ou texte)")
    text = str(found)
    # An empty text is no path; « . » is the current folder (a CSV folder read from
    # inside it). Path("") is Path("."): a Path object is taken as the folder it names.
    if not isinstance(value, Path) and not os.fspath(value):
        raise UsageError(f"{name} : chemin vide ; il faut le chemin d'un fichier ou d'un dossier")
    if "\x00" in text:
        raise UsageError(f"{name} = {shown(text)} : un chemin ne contient pas de caractère NUL")
    return found


def exists(found: Path, name: str) -> bool:
    """Whether ``found`` exists; a name the system cannot even look up (too long) is a
    French :class:`UsageError`."""
    try:
        return found.exists()
    except OSError as exc:
        raise UsageError(
            f"{name} = {shown(str(found))} : chemin impossible à lire ({exc.strerror or exc})"
        ) from None


def key(value: object, valid: Sequence[str], name: str, what: str) -> str:
    """``value`` when it is one of ``valid``; else an :class:`UnknownKey` (a
    ``KeyError`` too) that lists them, with the nearest as « vouliez-vous dire ».
    ``what`` names the keys (« un tableau du bilan »)."""
    if isinstance(value, str) and value in valid:
        return value
    import difflib

    near = (
        difflib.get_close_matches(value, valid, n=1, cutoff=0.5) if isinstance(value, str) else []
    )
    guess = f" ; vouliez-vous dire « {near[0]} » ?" if near else ""
    listed = ", ".join(valid)
    raise UnknownKey(f"{name} = {shown(value)} : il faut {what}{guess} (clés possibles : {listed})")


#: What a ``data`` argument is, in the words of an error (the callers check it with
#: :func:`instance`: this module imports nothing of the model, which imports it).
DATASET = "des données lues (read_input(chemin) ou load_example())"


def instance(value: object, cls: type[T], name: str, what: str) -> T:
    """``value`` when it is a ``cls``, else a French error saying what was expected."""
    if not isinstance(value, cls):
        raise _refuse(name, value, what)
    return value
