"""Lines a terminal shows: none wider than :data:`WIDTH`, wrapped at spaces.

The command's messages, the follow-up list and the help are read in a terminal; a line
that runs past its edge is cut wherever the terminal likes. :func:`wrap` breaks a long line
at a space (never inside a word, never at the space French keeps with « » : ; ? !) and
indents what follows two columns past the line's own indent (past a ``- ``), so that a
list item stays visibly one item.
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["WIDTH", "wrap"]

#: The widest line of a text output.
WIDTH = 100

#: A space French keeps with its neighbour (after « and before » : ; ? !), and the spaces
#: of a short quotation (« Type de suivi »): never a break.
_GLUED = re.compile(r"«[^«»\n]{1,30}»| (?=[:;?!])")
#: What stands for such a space while a line is wrapped (not a space to textwrap).
_GLUE = "\x00"


def wrap(text: str, width: int = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped at spaces, each continuation
    indented two columns past its line's own indent (a word longer than a line stays
    whole)."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        wrapped = textwrap.fill(
            _GLUED.sub(lambda m: m[0].replace(" ", _GLUE), body),
            width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.append(wrapped.replace(_GLUE, " "))
    return "\n".join(out)
