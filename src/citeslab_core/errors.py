"""The library's errors: one base class, and specific ones with a French message.

Modelled on python-stdnum's ``exceptions`` module: callers catch :class:`CitesLabError`
to handle anything the library refuses, or a subclass for one kind of refusal.
Every message is French, because it is read by a chef de projet, not by a developer.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "CellError",
    "CitesLabError",
    "InvalidData",
    "Location",
    "Problem",
    "UsageError",
]


class CitesLabError(Exception):
    """Base class of every error the library raises on purpose."""


class UsageError(CitesLabError):
    """The caller asked for something that cannot be done (bad option, missing key, …)."""


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
            parts.append(self.file)
        cell = ""
        if self.sheet:
            cell = self.sheet
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
            text += f" (colonne {self.column})"
        return text


@attrs.frozen(order=True)
class Problem:
    """One thing wrong with the data: where and what, in French."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location} : {self.message}"


class InvalidData(CitesLabError):
    """The data holds errors; :attr:`problems` lists every one found, not only the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.summary())

    def summary(self) -> str:
        count = len(self.problems)
        head = f"{count} erreur{'s' if count > 1 else ''} dans les données"
        return head + "\n" + "\n".join(f"- {p}" for p in self.problems)
