"""The library's errors: one base class, and specific ones with a French message.

Modelled on python-stdnum's ``exceptions`` module: callers catch :class:`CitesLabError`
to handle anything the library refuses, or a subclass for one kind of refusal.
Every message is French, because it is read by a chef de projet, not by a developer.

Every exception class of the library is defined here, under :class:`CitesLabError`
(``tests/test_errors.py`` checks it); the modules that raise them re-export them, so
``from citeslab_core.exporting import PluginError`` (the plug-in kit) works too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from citeslab_core.headers import column_title

if TYPE_CHECKING:
    from citeslab_core.model import Dataset

__all__ = [
    "BeyondLimits",
    "BilanFileMasked",
    "BilanFileUnreadable",
    "CellError",
    "CitesLabError",
    "DuplicateKey",
    "InvalidData",
    "Location",
    "PluginError",
    "Problem",
    "PseudonymKeyError",
    "UnknownKey",
    "UnreadableFile",
    "UsageError",
]


class CitesLabError(Exception):
    """Base class of every error the library raises on purpose."""


class UsageError(CitesLabError):
    """The caller asked for something that cannot be done (bad option, missing key, …)."""


def unknown_member(cls: type, value: object) -> CellError:
    """The French error of ``cls(value)`` when no member of the enum ``cls`` has the value
    (an enum's ``_missing_`` raises it: a :class:`CellError`, so a ``ValueError`` too)."""
    codes = ", ".join(str(member.value) for member in cls)  # type: ignore[attr-defined]
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:39] + "…"
    return CellError(f"{cls.__name__}({shown}) : valeurs possibles : {codes}")


class UnknownKey(UsageError, KeyError):
    """A key that is not one of the valid keys (``bilan.table("sex")``): a
    :class:`UsageError` whose French message lists the valid keys, and a ``KeyError`` for
    code that catches one."""

    def __str__(self) -> str:  # KeyError's own would quote the message
        return str(self.args[0]) if self.args else ""


class CellError(CitesLabError, ValueError):
    """A single value could not be read; the reader adds where it was."""


@attrs.frozen(order=True)
class Location:
    """Where a problem is: file, sheet, row (1-based, as a spreadsheet shows it), column.

    Any part may be unknown. ``str()`` gives the spreadsheet form, ``porteurs!F12``, with
    the file and the column's name when they are known.
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    column_letter: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(str(self.file))
        cell = ""
        if self.sheet:
            cell = str(self.sheet)
            if self.row is not None and self.column_letter:
                cell += f"!{self.column_letter}{self.row}"
            elif self.row is not None:
                cell += f", ligne {self.row}"
        elif self.row is not None:
            cell = f"ligne {self.row}"
        if cell:
            parts.append(cell)
        text = ", ".join(parts) if parts else "données"
        if self.column:
            text += f" (colonne « {column_title(self.sheet, self.column)} »)"
        return text


@attrs.frozen(order=True)
class Problem:
    """One thing wrong with the data: where and what, in French."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location} : {self.message}"


class InvalidData(CitesLabError):
    """The data holds errors; :attr:`problems` lists every one found, not only the first.

    A reader that could still read most of the file sets :attr:`readable`: the records of
    every person whose own rows are sound (with the other sheets' sound rows), so that the
    checks that do not need the broken rows can run in the same pass (``citeslab valider``
    checks the référent's rules on them); :attr:`set_aside` holds the ids of the persons
    left out because one of their rows is broken. Both are empty when nothing could be
    read that way."""

    #: The sound part of the data, or None (see the class's documentation).
    readable: Dataset | None = None
    #: The ids of the persons left out of :attr:`readable`.
    set_aside: tuple[str, ...] = ()

    def __init__(self, problems: Iterable[Problem]) -> None:
        if isinstance(problems, str) or not isinstance(problems, Iterable):
            problems = [problems]  # one, given alone
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem(Location(), str(p)) for p in problems
        )
        super().__init__(self.summary())

    def summary(self) -> str:
        count = len(self.problems)
        head = f"{count} erreur{'s' if count > 1 else ''} dans les données"
        return head + "\n" + "\n".join(f"- {p}" for p in self.problems)


class PseudonymKeyError(CitesLabError):
    """No usable pseudonym key: the participant file cannot be written."""


class PluginError(CitesLabError):
    """An exporter that cannot be loaded, or that returned something the library refuses."""


class UnreadableFile(CitesLabError):
    """The file is not a workbook, or is damaged (raised while streaming its rows).

    Internal to the workbook readers, which turn it into :class:`InvalidData`.
    """


class BeyondLimits(UnreadableFile):
    """The file is a workbook no site keeps (see :mod:`citeslab_core.model.limits`)."""

    def __init__(self, message: str, sheet: str | None = None) -> None:
        super().__init__(message)
        self.message: str = message
        self.sheet: str | None = sheet

    def problem(self, file: str) -> InvalidData:
        return InvalidData([Problem(Location(file, self.sheet), self.message)])


class DuplicateKey(CitesLabError):
    """A JSON object with a key given twice (internal: the JSON reader turns it into
    :class:`InvalidData`)."""

    def __init__(self, key: str) -> None:
        self.key = key


class BilanFileMasked(CitesLabError):
    """A masked cell in a bilan file: the bilan is a public one (internal: ``read_bilan``
    turns it into :class:`InvalidData`)."""


class BilanFileUnreadable(CitesLabError):
    """Something in a bilan file is not what a bilan holds (internal: ``read_bilan`` turns
    it into :class:`InvalidData`)."""
