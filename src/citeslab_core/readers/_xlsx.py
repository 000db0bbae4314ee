"""What an ``.xlsx`` archive says that python-calamine does not, read with the standard
library (:mod:`zipfile`, :mod:`xml.etree.ElementTree`, :mod:`re`) before calamine opens it.

- **Bounds** (:mod:`citeslab_core.model.limits`): calamine holds a sheet as one grid spanning its
  first to its last cell holding a value; two cells, ``A1`` and ``XFD1048576``, would make
  a grid of seventeen billion cells. Every sheet's XML is scanned first: a row beyond
  Excel's last, a column beyond ``XFD``, or a grid of more than :data:`MAX_GRID_CELLS`
  cells is refused. The scan is two-staged: one C-level search tells whether every cell
  lies within 26 columns and 99 999 rows (a site's workbook), and only otherwise is each
  cell tag looked at (:class:`_Scan`).
- **Percentages**: Excel stores ``0.24`` for a cell shown ``24 %``. In the sheets that hold
  percentages (``financements``, ``structure``: a few rows), the cells whose style's
  number format holds ``%`` are listed (:attr:`SheetScan.percent`).
- **Error cells** (``#DIV/0!``, ``#N/A``…): calamine gives them as empty cells; their text
  is kept (:attr:`SheetScan.errors`) so that a formula error is reported, never taken for
  an empty cell.
- **Negative numbers** (:attr:`SheetScan.negative`): a date cell holding ``-5`` is 25
  December 1899 for Excel, which calamine gives as the time 00:00; its number is kept so
  that the reader gives the date (refused: before 1900), as it always did. A ``NaN`` or
  ``-INF`` number is kept the same way (the first would be 30 December 1899, the second
  makes calamine's date library panic): the cell then says « n'est pas une date ».
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator

import attrs

from citeslab_core.errors import BeyondLimits, UnreadableFile
from citeslab_core.model.limits import MAX_COLUMNS, MAX_ROWS

__all__ = ["MAX_GRID_CELLS", "SheetScan", "number", "percent_styles", "scan_sheet", "sheet_parts"]

#: The most cells (rows times columns, empty ones between included) a sheet may span:
#: calamine holds a sheet as one grid of that many cells.
MAX_GRID_CELLS = 20_000_000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: Excel's built-in number formats that are percentages (``0%``, ``0.00%``).
_BUILTIN_PERCENT = frozenset({9, 10})

#: A cell in a column of two letters or more (beyond Z), or a row of six digits or more or
#: starting with 0: what the quick bound does not cover (see :func:`_unusual`).
_WIDE = re.compile(rb'<c r="(?:[A-Z]{2}|[A-Z]+(?:0|\d{6}))')
#: Cell tags with a namespace prefix or without attributes, an error cell, a negative
#: number (or a negative shared string's index, which calamine reads as the last string),
#: a NaN (no spreadsheet writes one: calamine reads it in a date cell as 30 December 1899).
_ODD_BYTES = (b":c", b"<c>", b"<c/>", b' t="e"', b"<v>-", b"<v>NaN<", b"<v>nan<")
#: A row or cell tag (or a value's), and the text after it.
_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c|v)(?=[\s/>])([^>]*?)(/?)>([^<]*)")
_R = re.compile(rb'\sr="([A-Za-z]*)(\d*)"')
_S = re.compile(rb'\ss="(\d{1,9})"')
_T = re.compile(rb'\st="([a-zA-Z]+)"')
#: Bytes of a part read at a time.
_CHUNK = 1 << 20


def number(value: int) -> str:
    """A whole number as French writes it, thin spaces between thousands."""
    return f"{value:,}".replace(",", "\u202f")


@attrs.frozen
class SheetScan:
    """What the scan of a sheet found: 0-based ``(row, column)`` of its percentage-formatted
    cells (only when asked for), of its error cells with their text, and of its negative
    numbers with their value."""

    percent: frozenset[tuple[int, int]] = frozenset()
    errors: dict[tuple[int, int], str] = attrs.field(factory=dict)
    negative: dict[tuple[int, int], float] = attrs.field(factory=dict)


def _xml(archive: zipfile.ZipFile, name: str) -> ET.Element | None:
    try:
        return ET.fromstring(archive.read(name))
    except (KeyError, ET.ParseError):
        return None


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the archive part that holds it (``xl/worksheets/sheet1.xml``);
    empty when the workbook's parts cannot be read (calamine then says it is damaged)."""
    book = _xml(archive, "xl/workbook.xml")
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS}Relationship")}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_DOC_RELS}id"))
        if target:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[sheet.get("name", "")] = posixpath.normpath(path)
    return parts


def percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (indexes of ``cellXfs``) whose number format holds ``%``."""
    styles = _xml(archive, "xl/styles.xml")
    if styles is None:
        return frozenset()
    custom = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "")
        for fmt in styles.iter(f"{_MAIN}numFmt")
    }
    found: set[int] = set()
    xfs = styles.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else ()):
        try:
            fmt = int(xf.get("numFmtId", "0"))
        except ValueError:
            continue
        if fmt in _BUILTIN_PERCENT or "%" in custom.get(fmt, ""):
            found.add(index)
    return frozenset(found)


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[bytes, int]]:
    """The part's bytes, a megabyte at a time, each chunk with where its last whole tag
    ends (the rest is carried over to the next chunk)."""
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(_CHUNK):
            data = tail + block
            cut = data.rfind(b"<")
            if cut < 0:
                tail = data
                continue
            yield data, cut
            tail = data[cut:]
    if tail:
        yield tail + b"<", len(tail)


def scan_sheet(
    archive: zipfile.ZipFile, part: str, sheet: str, styles: frozenset[int] | None
) -> SheetScan:
    """Check a sheet's bounds (:class:`~citeslab_core.errors.BeyondLimits` naming
    ``sheet``) and list its error cells, and with ``styles``, its cells of those styles.
    A shared string's index that is not a whole number is a damaged file
    (:class:`~citeslab_core.errors.UnreadableFile`).

    A part missing or damaged is left to calamine (it says the file is damaged)."""
    try:
        if styles is None and not _unusual(archive, part):
            return SheetScan()
        scan = _Scan(sheet, styles or frozenset())
        for data, cut in _chunks(archive, part):
            for match in _TAG.finditer(data, 0, cut):
                scan.tag(match)
        scan.check_grid()
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return SheetScan()
    return SheetScan(frozenset(scan.percent), scan.errors, scan.negative)


def _unusual(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the part holds a cell the quick bound does not cover (:data:`_WIDE`,
    :data:`_ODD_BYTES`, a cell tag whose first attribute is not ``r``): if none, its
    cells lie within 26 columns and 99 999 rows, far within every bound, and it holds no
    error cell and no negative number. Byte searches and one regex with a literal start:
    a few hundredths of a second for a 3 000-person workbook."""
    for data, cut in _chunks(archive, part):
        if any(data.find(odd, 0, cut) >= 0 for odd in _ODD_BYTES):
            return True
        if data.count(b"<c ", 0, cut) != data.count(b'<c r="', 0, cut):
            return True
        if _WIDE.search(data, 0, cut):
            return True
    return False


class _Scan:
    """Where the cells of a sheet go, tag by tag (see :func:`scan_sheet`)."""

    def __init__(self, sheet: str, styles: frozenset[int]) -> None:
        self.sheet = sheet
        self.styles = styles
        self.row = self.column = -1  # 0-based, of the last row and cell seen
        self.first_row = self.first_column = MAX_ROWS + MAX_COLUMNS
        self.last_row = self.last_column = -1
        self.percent: set[tuple[int, int]] = set()
        self.errors: dict[tuple[int, int], str] = {}
        self.negative: dict[tuple[int, int], float] = {}
        self.cell: tuple[int, int] | None = None  # the cell whose value comes next
        self.kind = b""  # its type (t="…")

    def tag(self, match: re.Match[bytes]) -> None:
        closing, name, attributes, empty, text = match.groups()
        if closing:
            return
        if name == b"v":
            if self.cell is not None:
                self._value(self.cell, text.strip())
                self.cell = None
            return
        found = _R.search(attributes)
        if name == b"row":
            self.row = int(found[2]) - 1 if found and found[2] else self.row + 1
            self.column = -1
            self._check_row(self.row)
            return
        if found and found[2]:
            self.row = int(found[2]) - 1
            self._check_row(self.row)
        if found and found[1]:
            self.column = _column_index(found[1])
        else:
            self.column += 1
        if self.column >= MAX_COLUMNS:
            raise BeyondLimits(
                f"ligne {number(self.row + 1)} : une cellule au-delà de la colonne XFD, la "
                "dernière d'Excel",
                self.sheet,
            )
        self.cell = None
        if empty:
            return
        at = (self.row, self.column)
        self.first_row, self.last_row = min(self.first_row, at[0]), max(self.last_row, at[0])
        self.first_column = min(self.first_column, at[1])
        self.last_column = max(self.last_column, at[1])
        kind = _T.search(attributes)
        self.cell, self.kind = at, kind[1] if kind else b"n"
        if self.styles:
            style = _S.search(attributes)
            if style and int(style[1]) in self.styles:
                self.percent.add(at)

    def _value(self, at: tuple[int, int], text: bytes) -> None:
        if self.kind == b"s" and text.startswith(b"-"):
            raise UnreadableFile(f"index de texte partagé « {text[:20]!r} »")
        if self.kind == b"e":
            self.errors[at] = text.decode("utf-8", "replace")
        elif self.kind == b"n" and (text.startswith(b"-") or text.lower() == b"nan"):
            with contextlib.suppress(ValueError):  # not a number: calamine's say
                self.negative[at] = float(text)

    def _check_row(self, row: int) -> None:
        if not 0 <= row < MAX_ROWS:
            raise BeyondLimits(
                f"ligne {number(row + 1)} : une feuille Excel va de la ligne 1 à la "
                f"ligne {number(MAX_ROWS)}",
                self.sheet,
            )

    def check_grid(self) -> None:
        if self.last_row < 0:
            return
        rows = self.last_row - self.first_row + 1
        columns = self.last_column - self.first_column + 1
        if rows * columns > MAX_GRID_CELLS:
            raise BeyondLimits(
                f"{number(rows)} lignes de {number(columns)} colonnes : plus de "
                f"{number(MAX_GRID_CELLS)} cellules, ce n'est pas un classeur de site",
                self.sheet,
            )


def _column_index(letters: bytes) -> int:
    """The 0-based index of a column's letters (``A`` → 0, ``AA`` → 26)."""
    index = 0
    for letter in letters.upper()[:8]:  # beyond XFD anyway
        index = index * 26 + letter - 64
    return index - 1
