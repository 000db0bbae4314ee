"""Writing files safely: whole or not at all, never a formula in a spreadsheet cell,
never a character a format cannot hold, never over something that is not a file.

:func:`write_atomic` writes into a temporary file in the destination's folder, flushes it
to disk, then renames it over the destination (``os.replace``), so a reader sees the old
file or the new one, never half of one, and a failure leaves nothing behind.

:func:`neutralise` protects a text cell against formula injection (OWASP "CSV
injection"): a text that a spreadsheet would take for a formula gets a leading ``'``.

:func:`clean_text` is the one cleaner every writer applies to the text it writes (CSV,
XLSX cells and workbook properties, JSON, HTML, the terminal): every character XML 1.0
cannot hold (the control characters other than tab, line feed and carriage return, the
non-characters U+FFFE and U+FFFF) and every lone surrogate (which no UTF encoder
accepts; a JSON document may carry ``"\\ud800"``) becomes U+FFFD, the replacement
character, so that a site's odd cell never makes a file that Excel refuses nor a
traceback.

:func:`check_writable` refuses to write over anything but a regular file: a symbolic
link (even dangling), a folder, a device or a pipe is never replaced, with or without
``--force``; a regular file is replaced only with ``--force``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from citeslab_core.errors import Location, Problem, UsageError

__all__ = [
    "check_writable",
    "clean_text",
    "neutralise",
    "not_a_file",
    "system_reason",
    "write_all_atomic",
    "write_atomic",
]

#: What replaces a character a format cannot hold.
REPLACEMENT: Final = "\ufffd"
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def not_a_file(path: Path) -> str:
    """Why ``path``, expected to be a regular file, is not one, in French."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if path.is_symlink():
            return "lien symbolique cassé (sa cible n'existe pas) : un fichier est attendu"
        return "introuvable : un fichier est attendu"
    except OSError as exc:
        return f"illisible ({system_reason(exc)})"
    if stat.S_ISDIR(info.st_mode):
        return "c'est un dossier : un fichier est attendu"
    if stat.S_ISFIFO(info.st_mode):
        return "c'est un tube (FIFO), pas un fichier : il ne serait jamais lu jusqu'au bout"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
        return "c'est un périphérique (comme /dev/zero), pas un fichier"
    if stat.S_ISSOCK(info.st_mode):
        return "c'est une socket, pas un fichier"
    return "ce n'est pas un fichier ordinaire"


def clean_text(text: str) -> str:
    """``text`` with every character XML cannot hold and every lone surrogate replaced
    by U+FFFD (see the module docstring); a clean text is returned unchanged."""
    return _UNWRITABLE.sub(REPLACEMENT, text)


# OWASP "CSV injection": a cell is taken for a formula when its first character, after
# any leading spaces, is = + - @, a tab, a carriage return or a line feed (or a
# full-width or small form of = + - @); and, in a multi-line cell, when a line starts,
# after spaces or tabs, with = + - @ (or their forms). "Spaces" are every Unicode white
# space other than tab, CR and LF, and the invisible zero-width characters and BOM, which
# a spreadsheet or a copy-paste may drop before the cell is read.
_FORMULA = re.escape("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
_SPACES = (
    "\x0b\x0c\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    "\u200b\u200c\u200d\u2060\ufeff"
)
_DANGEROUS = re.compile(
    rf"^[{_SPACES}]*[\t\r\n{_FORMULA}]"  # the cell's start
    rf"|[\r\n][{_SPACES}\t]*[{_FORMULA}]"  # a line's start
)


_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "existe déjà",
    errno.EDQUOT: "quota disque dépassé",
    errno.ENAMETOOLONG: "nom trop long",
    errno.EBADF: "flux fermé",
    errno.ELOOP: "trop de liens symboliques",
}


def system_reason(exc: OSError) -> str:
    """The French reason of a system error, for a person (the system's own is English)."""
    reason = _REASONS.get(exc.errno or 0)
    return reason or f"erreur du système (code {exc.errno})"


def neutralise(text: str) -> str:
    """The text made safe for a spreadsheet cell; a safe text is returned unchanged.

    Only texts go through here: numbers are written as numbers and never altered.
    """
    if text and _DANGEROUS.search(text):
        return "'" + text
    return text


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    if stat.S_ISFIFO(mode):
        return "un tube (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une socket"
    return "un fichier spécial"


def check_writable(path: Path, *, force: bool = False) -> None:
    """Refuse what must not be replaced; the folder must exist.

    A symbolic link (dangling or not), a folder, a device, a pipe or a socket is never
    replaced, even with ``force``: the atomic rename would put a regular file in its
    place (or write through a link somewhere else). A regular file is replaced only with
    ``force``.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"{path} : {system_reason(exc)}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise UsageError(
                f"{path} est un lien symbolique : citeslab ne remplace jamais un lien, "
                "même avec --force ; donnez le chemin d'un fichier ordinaire"
            )
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(
                f"{path} est {_kind(info.st_mode)} : citeslab n'écrit qu'un fichier ordinaire, "
                "même avec --force"
            )
        if not force:
            raise UsageError(f"{path} existe déjà : ajoutez --force pour le remplacer")
    if not path.parent.is_dir():
        raise UsageError(f"le dossier {path.parent} n'existe pas")


def write_atomic(path: Path, data: bytes, *, force: bool = False, private: bool = False) -> None:
    """Write ``data`` to ``path`` whole or not at all.

    ``private`` makes the file readable by its owner only (participant-level files).
    """
    write_all_atomic([(path, data)], force=force, private=private)


def write_all_atomic(
    files: Iterable[tuple[Path, bytes] | tuple[Path, bytes, bool]],
    *,
    force: bool = False,
    private: bool = False,
) -> None:
    """Write several files, each atomically; none is written if any cannot be.

    Every destination is checked before anything is written; the temporary files are
    all written and synced before the first rename. A file given as ``(path, data,
    private)`` has its own ``private`` flag; ``(path, data)`` takes the keyword's.
    """
    pending = [(f[0], f[1], f[2] if len(f) == 3 else private) for f in files]
    for path, _, _ in pending:
        check_writable(path, force=force)
    staged: list[tuple[str, Path]] = []
    path = Path()
    try:
        for path, data, is_private in pending:
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o600 if is_private else 0o644)
        # Once more, just before the renames: nothing became a link or a device meanwhile.
        for path, _, _ in pending:
            check_writable(path, force=force)
        for temp, path in staged:
            os.replace(temp, path)
    except BaseException as exc:
        for temp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
        if isinstance(exc, OSError) and exc.errno is not None:
            # Name the file asked for, not the temporary one beside it.
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def unreadable(path: Path, exc: OSError) -> Problem:
    """The problem of a file or folder the system does not let us read, in French."""
    return Problem(Location(path.name or str(path)), f"fichier illisible : {system_reason(exc)}")
