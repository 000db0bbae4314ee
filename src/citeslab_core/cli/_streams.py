"""The command's standard streams: never an encoding error on a console that lacks a
character (a process-wide choice, the command line's only)."""

from __future__ import annotations

import sys

#: What a terminal that cannot show a character gets instead (cp1252, latin-1, ascii).
_FALLBACKS = {
    "\u202f": ("\u00a0", " "),  # babel's narrow no-break space (thousands, before %)
    "\u2009": ("\u00a0", " "),
    "\u2007": ("\u00a0", " "),
    "\u00a0": (" ",),
    "\u2019": ("'",),
    "\u2018": ("'",),
    "\u201c": ('"',),
    "\u201d": ('"',),
    "\u00ab": ('"',),
    "\u00bb": ('"',),
    "\u2013": ("-",),
    "\u2014": ("-",),
    "\u2026": ("...",),
    "\u20ac": ("EUR",),
    "\u0153": ("oe",),
    "\u0152": ("OE",),
    "\ufffd": ("?",),
}
_FALLBACK_ERRORS = "citeslab-repli"


def _fallback(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler of the command's streams: the nearest character the
    stream's encoding has (a no-break space for babel's narrow one), else ``?``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        for candidate in _FALLBACKS.get(char, ()):
            try:
                candidate.encode(error.encoding)
            except (UnicodeError, LookupError):
                continue
            out.append(candidate)
            break
        else:
            out.append("?")
    return "".join(out), error.end


def protect_streams() -> None:
    """Make stdout and stderr never fail on a character their encoding lacks (a cp1252
    console, ``PYTHONIOENCODING=cp1252``): the command's process-wide choice, never the
    library's."""
    import codecs
    import io

    codecs.register_error(_FALLBACK_ERRORS, _fallback)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors in (
            "strict",
            "backslashreplace",
            "surrogateescape",  # the C or POSIX locale (LC_ALL=C, PYTHONUTF8=0)
        ):
            try:
                "\u202f\u20ac\u00e9".encode(stream.encoding)
            except (UnicodeError, LookupError):
                stream.reconfigure(errors=_FALLBACK_ERRORS)
