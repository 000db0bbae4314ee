"""The formula protection of text cells, which writers and readers share.

A text cell that starts with ``'`` followed by something a spreadsheet would take for a
formula (or by a text with leading or trailing spaces) loses that one ``'`` when read: it
is the protection :func:`~citeslab_core.readers.files.neutralise` added when the file was written,
so writing then reading a dataset gives it back unchanged.
"""

from __future__ import annotations

from citeslab_core.readers.files import neutralise

__all__ = ["needs_quote", "protect_text", "unquote"]


def needs_quote(text: str) -> bool:
    """Whether a writer must put a ``'`` before ``text`` for it to read back unchanged.

    True for what a spreadsheet would take for a formula (:func:`neutralise` would
    change it), for a text with leading or trailing spaces (a reader strips cells), and
    for a text that starts with ``'`` followed by such a text.
    """
    while True:
        if neutralise(text) != text or text != text.strip():
            return True
        if not text.startswith("'"):
            return False
        text = text[1:]


def protect_text(text: str) -> str:
    """The cell to write for ``text``: :func:`neutralise`, plus the same ``'`` wherever
    :func:`unquote` would otherwise change the text."""
    protected = neutralise(text)
    if protected == text and needs_quote(text):
        protected = "'" + text
    return protected


def unquote(cell: str) -> str:
    """The text a cell holds: stripped, or, when it starts with the protecting ``'``,
    what follows it, as written (the inverse of :func:`protect_text`)."""
    if cell.startswith("'"):
        rest = cell[1:]
        if needs_quote(rest):
            return rest
    return cell.strip()
