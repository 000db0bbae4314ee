"""The workbook a site keeps: read from ``.xlsx`` (and ``.ods``, ``.xls``), written as
``.xlsx``.

Every format is read with python-calamine (a fast reader of the Excel and OpenDocument
formats): a cell gives the value the spreadsheet last computed and saved, never its
formula; the work of turning sheets into records is
:mod:`citeslab_core.readers.tables`'s.

Reading is bounded (:mod:`citeslab_core.model.limits`): before calamine opens it, the archive's
parts are measured (uncompressed sizes, count of shared strings), and each sheet's XML is
scanned (:mod:`citeslab_core.readers._xlsx`; :func:`check_ods_content` for ``.ods``): a
row or a column beyond Excel's last, or a grid of more than
:data:`~citeslab_core.readers._xlsx.MAX_GRID_CELLS` cells, is refused, so that time and
memory follow what the file really holds.

In an ``.xlsx``, a cell formatted as a percentage is read as such (Excel stores ``0.24``
and shows ``24 %``) in the sheets that hold percentages (``financements``, ``structure``):
calamine does not say a cell's format, so these few sheets' styles are read from the
archive's XML. An error cell (``#DIV/0!``) keeps its text, which calamine would give as an
empty cell. ``.ods`` and ``.xls`` (Excel 97-2003) files do not have that scan: there a
declared share written as a percentage-formatted cell between 0 % and 100 % exclusive is
refused with a message asking for ``24`` or ``24 %`` instead of being guessed.

:func:`write_workbook` writes a dataset back in exactly the input format, so that reading
it gives the same dataset.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from citeslab_core.errors import BeyondLimits, InvalidData, Location, Problem, UnreadableFile
from citeslab_core.model import TABLES, Dataset, Site
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.model.limits import (
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_TOTAL_BYTES,
)
from citeslab_core.readers._structure import structure_rows
from citeslab_core.readers._xlsx import (
    MAX_GRID_CELLS,
    SheetScan,
    percent_styles,
    scan_sheet,
    sheet_parts,
)
from citeslab_core.readers._xlsx import (
    number as _number,
)
from citeslab_core.readers.files import clean_text
from citeslab_core.readers.tables import (
    TABLE_FIELDS,
    PercentCell,
    RawSheet,
    build_dataset,
    is_ignored,
    known_sheet,
    protect_text,
)
from citeslab_core.vocabularies import Vocabulary

__all__ = ["read_ods", "read_workbook", "read_xls", "write_workbook"]

#: Sheets holding percentages: their cells' number formats are looked at.
_PERCENT_SHEETS = frozenset({"structure", "financements"})


#: A shared string's opening tag, with or without a namespace prefix.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


def check_archive(path: Path) -> None:
    """Refuse, before parsing, a workbook archive larger than a site's once uncompressed,
    or declaring more shared strings than :data:`~citeslab_core.model.limits.MAX_SHARED_STRINGS`.

    Not an archive at all is left to the reader (it says the file is damaged). The sizes
    are the archive's declared ones, which :mod:`zipfile` holds each part to when reading.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        total = 0
        for info in archive.infolist():
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise BeyondLimits(
                    f"le classeur décompressé dépasse {_number(MAX_TOTAL_BYTES // 2**20)} Mio "
                    f"(ou {_number(MAX_PART_BYTES // 2**20)} Mio pour une partie, ici "
                    f"{info.filename}) : ce n'est pas un classeur de site"
                )
        for info in archive.infolist():
            if info.filename.lower().endswith("sharedstrings.xml"):
                _count_shared_strings(archive, info)


def _count_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    count = 0
    tail = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                # a tag starts with "<" and holds no other: the ones before the last "<"
                # are whole, the last may continue in the next chunk
                cut = data.rfind(b"<")
                if cut < 0:
                    tail = b""
                    continue
                count += len(_SHARED_STRING.findall(data, 0, cut))
                tail = data[cut:]
                if count > MAX_SHARED_STRINGS:
                    break
            count += len(_SHARED_STRING.findall(tail))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # damaged: the reader says so
    if count > MAX_SHARED_STRINGS:
        raise BeyondLimits(
            f"le classeur déclare plus de {_number(MAX_SHARED_STRINGS)} textes différents "
            "(sharedStrings.xml) : ce n'est pas un classeur de site"
        )


def _not_a_workbook(file: str, kind: str) -> InvalidData:
    # The reading library's own reason is English and says nothing a person can act on
    # beyond "damaged or of another format": it stays out of the message.
    return InvalidData(
        [
            Problem(
                Location(file),
                f"le fichier n'est pas un classeur {kind} lisible (fichier abîmé, "
                "ou d'un autre format : enregistrez-le au format .xlsx)",
            )
        ]
    )


def _guarded(
    rows: Iterable[tuple[int, Sequence[object]]],
) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows, with any failure of the file itself turned into :class:`UnreadableFile`."""
    try:
        yield from rows
    except (UnreadableFile, BeyondLimits):
        raise
    except Exception as exc:  # a damaged file fails in many ways (zip, XML, values)
        raise UnreadableFile(exc) from None
    except BaseException as exc:
        if not _is_panic(exc):
            raise
        raise UnreadableFile(exc) from None


def _is_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is a panic of calamine's Rust code (pyo3's ``PanicException``, a
    ``BaseException``: a date cell of the year -10**12 makes its date library panic)."""
    return type(exc).__name__ == "PanicException"


def read_workbook(path: Path) -> Dataset:
    """The dataset of an ``.xlsx`` / ``.xlsm`` workbook (values, never formulas), read with
    python-calamine once :mod:`~citeslab_core.readers._xlsx` has scanned its XML."""
    import python_calamine

    file = path.name
    kind = "Excel (.xlsx)"
    try:
        check_archive(path)
        archive = zipfile.ZipFile(path)
    except BeyondLimits as exc:
        raise exc.problem(file) from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_workbook(file, kind) from None
    with archive:
        try:
            scans = _scan_sheets(archive)
            defused = _defused(archive, scans)
        except BeyondLimits as exc:
            raise exc.problem(file) from None
        except UnreadableFile:
            raise _not_a_workbook(file, kind) from None
    try:
        if defused is None:
            wb = python_calamine.CalamineWorkbook.from_path(str(path))
        else:
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(defused))
    except Exception:  # calamine's errors: not a file of that format, damaged
        raise _not_a_workbook(file, kind) from None
    notes: list[Problem] = []
    try:
        return build_dataset(_workbook_sheets(wb, file, scans, notes), file=file, notes=notes)
    except BeyondLimits as exc:
        raise exc.problem(file) from None
    except UnreadableFile:
        raise _not_a_workbook(file, kind) from None
    finally:
        wb.close()


def _scan_sheets(archive: zipfile.ZipFile) -> dict[str, SheetScan]:
    """Each sheet's scan (:func:`~citeslab_core.readers._xlsx.scan_sheet`): bounds checked,
    error cells, and percentage-formatted cells in the sheets that hold percentages."""
    parts = sheet_parts(archive)
    styles: frozenset[int] | None = None
    scans: dict[str, SheetScan] = {}
    for name, part in parts.items():
        wanted = None
        if known_sheet(name) in _PERCENT_SHEETS:
            if styles is None:
                styles = percent_styles(archive)
            wanted = styles
        scans[name] = scan_sheet(archive, part, name, wanted)
    return scans


#: A number cell's value, the cell's tag before it (``<c r="B3" s="1">``, a formula
#: between them or not).
_NUMBER_VALUE = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*>)((?:(?!</?(?:[A-Za-z_][\w.-]*:)?c\b).)*?"
    rb"<(?:[A-Za-z_][\w.-]*:)?v>)\s*(-[\w.+-]+)\s*<",
    re.S,
)
_TYPED = re.compile(rb'\st="(?!n")')


def _defused(archive: zipfile.ZipFile, scans: dict[str, SheetScan]) -> bytes | None:
    """The archive with the numbers before the year 1 (``-1e15``, ``-INF``) written ``0``, when a
    sheet holds one (else ``None``): in a date cell, calamine's date library panics on
    them. :func:`_calamine_rows` gives the cell its number back (see :class:`SheetScan`),
    which is then reported as no date, or no amount, where it is."""
    parts = sheet_parts(archive)
    huge = {
        parts[name]
        for name, scan in scans.items()
        if name in parts and any(v < _EARLIEST_SERIAL for v in scan.negative.values())
    }
    if not huge:
        return None

    def zero(match: re.Match[bytes]) -> bytes:
        tag, between, text = match.groups()
        try:
            small = float(text) < _EARLIEST_SERIAL
        except ValueError:
            small = False
        if not small or _TYPED.search(tag):
            return match[0]
        return tag + between + b"0<"

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename in huge:
                data = _NUMBER_VALUE.sub(zero, data)
            copy.writestr(info.filename, data)
    return out.getvalue()


def _workbook_sheets(
    wb: Any, file: str, scans: dict[str, SheetScan], notes: list[Problem]
) -> Iterator[RawSheet]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    sheets = {meta.name: meta for meta in wb.sheets_metadata}
    names: list[str] = list(wb.sheet_names)
    # structure first: its year is the context of dates written without one.
    names.sort(key=lambda n: known_sheet(n) != "structure")
    for name in names:
        meta = sheets.get(name)
        state = meta.visible if meta is not None else SheetVisibleEnum.Visible
        if state != SheetVisibleEnum.Visible and not is_ignored(name):
            very = state == SheetVisibleEnum.VeryHidden
            how = "très masquée (veryHidden)" if very else "masquée"
            notes.append(
                Problem(
                    Location(file, name),
                    f"la feuille est {how} dans le classeur : elle est lue comme les "
                    "autres ; vérifiez que son contenu est voulu",
                )
            )
        if meta is not None and meta.typ != SheetTypeEnum.WorkSheet:  # a chart sheet
            yield RawSheet(name, file, ())
            continue
        rows = _calamine_rows(wb, name, scans.get(name, SheetScan()))
        yield RawSheet(name, file, _guarded(rows))


#: The tags of an OpenDocument sheet that place its cells.
_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d{1,12})"')
_ODS_COLUMNS = re.compile(rb'number-columns-repeated="(\d{1,12})"')
_ODS_NAME = re.compile(rb'name="([^"]*)"')
#: The most cells (rows times columns, empty ones between included) an ``.ods`` sheet
#: may span: calamine holds a sheet as one grid of that many cells.
MAX_ODS_CELLS = MAX_GRID_CELLS


def check_ods_content(path: Path) -> None:
    """Refuse an OpenDocument sheet whose repeated rows or columns (``<table:table-row
    table:number-rows-repeated="1000000000">``, a few bytes) would span more than Excel's
    rows or columns, or a grid of more than :data:`MAX_ODS_CELLS` cells. Only repeats of
    cells that hold a value count: the empty rows a spreadsheet writes at a sheet's end
    are fine."""
    try:
        archive = zipfile.ZipFile(path)
        info = archive.getinfo("content.xml")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return  # the reader says what is wrong
    with archive, archive.open(info) as stream:
        state = _OdsScan()
        tail = b""
        try:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                cut = data.rfind(b"<")
                if cut < 0:
                    tail = b""
                    continue
                for match in _ODS_TAG.finditer(data, 0, cut):
                    state.tag(match)
                tail = data[cut:]
            for match in _ODS_TAG.finditer(tail):
                state.tag(match)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return


class _OdsScan:
    """Where the cells of the sheet being scanned go (see :func:`check_ods_content`)."""

    def __init__(self) -> None:
        self.sheet = ""
        self.row = self.row_repeat = self.column = self.last_row = self.last_column = 0
        self.row_has_value = False

    def tag(self, match: re.Match[bytes]) -> None:
        closing, name, attributes, empty = match.groups()
        if name == b"table":
            if not closing:
                found = _ODS_NAME.search(attributes)
                self.sheet = found[1].decode("utf-8", "replace") if found else ""
                self.row = self.last_row = self.last_column = 0
            return
        if name == b"table-row":
            if not closing:
                found = _ODS_ROWS.search(attributes)
                self.row_repeat = int(found[1]) if found else 1
                self.column, self.row_has_value = 0, False
            if closing or empty:
                if self.row_has_value:
                    self.last_row = self.row + self.row_repeat
                    self._check()
                self.row += self.row_repeat
            return
        if closing:
            return
        found = _ODS_COLUMNS.search(attributes)
        repeat = int(found[1]) if found else 1
        if b"value-type=" in attributes:
            self.row_has_value = True
            self.last_column = max(self.last_column, self.column + repeat)
        self.column += repeat

    def _check(self) -> None:
        if self.last_row > MAX_ROWS or self.last_column > MAX_COLUMNS:
            raise BeyondLimits(
                f"des cellules jusqu'à la ligne {_number(self.last_row)} et la colonne "
                f"{_number(self.last_column)} : au-delà de la dernière ligne "
                f"({_number(MAX_ROWS)}) ou colonne ({_number(MAX_COLUMNS)}) d'un tableur",
                self.sheet,
            )
        if self.last_row * self.last_column > MAX_ODS_CELLS:
            raise BeyondLimits(
                f"{_number(self.last_row)} lignes de {_number(self.last_column)} colonnes : "
                f"plus de {_number(MAX_ODS_CELLS)} cellules, ce n'est pas un classeur de site",
                self.sheet,
            )


def read_ods(path: Path) -> Dataset:
    """The dataset of an OpenDocument spreadsheet (``.ods``), read with python-calamine."""
    return _read_calamine(path, "OpenDocument (.ods)")


def read_xls(path: Path) -> Dataset:
    """The dataset of an Excel 97-2003 workbook (``.xls``), read with python-calamine like
    an ``.ods``: the same rules as ``.xlsx``, and the same refusal to guess a share written
    as a percentage-formatted cell between 0 % and 100 %."""
    return _read_calamine(path, "Excel 97-2003 (.xls)")


def _read_calamine(path: Path, kind: str) -> Dataset:
    import python_calamine

    file = path.name
    try:
        check_archive(path)
        check_ods_content(path)
    except BeyondLimits as exc:
        raise exc.problem(file) from None
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's errors: not a file of that format, damaged
        raise _not_a_workbook(file, kind) from None
    try:
        names = sorted(wb.sheet_names, key=lambda n: known_sheet(n) != "structure")
        sheets = [
            RawSheet(name, file, _guarded(_calamine_rows(wb, name)), fractions_ambiguous=True)
            for name in names
        ]
        return build_dataset(sheets, file=file)
    except UnreadableFile:
        raise _not_a_workbook(file, kind) from None
    finally:
        wb.close()


#: The day Excel counts its dates from (its day 0 in the 1900 system).
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
#: The earliest day a date can be in Python (1 January of the year 1) as Excel counts.
_EARLIEST_SERIAL = -693_593


@attrs.frozen
class _Negative:
    """A negative number of an ``.xlsx`` cell (see :class:`SheetScan`)."""

    serial: float


def _marks(scan: SheetScan | None) -> dict[int, list[tuple[int, object]]]:
    """The cells the scan of an ``.xlsx`` sheet found, by 0-based row: its percentage-
    formatted cells, its error cells and its negative numbers."""
    marks: dict[int, list[tuple[int, object]]] = {}
    if scan is not None:
        for row, column in scan.percent:
            marks.setdefault(row, []).append((column, PercentCell))
        for (row, column), text in scan.errors.items():
            marks.setdefault(row, []).append((column, text))
        for (row, column), serial in scan.negative.items():
            marks.setdefault(row, []).append((column, _Negative(serial)))
    return marks


def _calamine_rows(
    wb: Any, name: str, scan: SheetScan | None = None
) -> Iterator[tuple[int, Sequence[object]]]:
    """A sheet's rows as calamine reads them, numbered as the sheet numbers them; with a
    ``scan`` (an ``.xlsx``), its percentage-formatted numbers marked as such and its error
    cells given their text (calamine gives an empty cell)."""
    sheet = wb.get_sheet_by_name(name)
    first_row, first_col = sheet.start or (0, 0)
    pad = [None] * first_col
    marks = _marks(scan)
    for offset, values in enumerate(sheet.iter_rows()):
        row = first_row + offset
        if pad:
            values = [*pad, *values]
        yield row + 1, _marked(values, marks.get(row, ())) if marks else values


def _marked(values: list[object], marks: Iterable[tuple[int, object]]) -> list[object]:
    """A row's values with the scan's marks applied (see :func:`_marks`)."""
    for column, mark in marks:
        if column >= len(values):
            values = [*values, *([None] * (column + 1 - len(values)))]
        value = values[column]
        if mark is PercentCell:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values[column] = PercentCell(value)
        elif isinstance(mark, _Negative):
            if not mark.serial >= _EARLIEST_SERIAL:  # written 0 (see _defused), or NaN
                values[column] = mark.serial
            elif isinstance(value, (dt.date, dt.time)):  # a date cell: Excel's date
                values[column] = _EXCEL_EPOCH + dt.timedelta(days=mark.serial)
        else:
            values[column] = mark
    return values


# -- writing ----------------------------------------------------------------------------


def _cell(value: object) -> object:
    """A record's value as the workbook holds it (see :func:`write_workbook`)."""
    if value is None:
        return None
    if isinstance(value, Vocabulary):
        return value.code
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, PartialDate):
        return value.start if value.precision is Precision.DAY else value.iso()
    if isinstance(value, (int, Decimal, dt.date)):
        return value
    if isinstance(value, dt.time):
        return value
    if isinstance(value, tuple):
        if not value:
            return None
        if isinstance(value[0], PartialDate):  # a permanence's exceptions
            return "; ".join(map(PartialDate.iso, value))
        if isinstance(value[0], Vocabulary):  # a permanence's days
            return ", ".join(member.code for member in value)
        return protect_text(clean_text(", ".join(value)))
    return protect_text(clean_text(str(value)))


def _site_rows(site: Site) -> list[tuple[str, object]]:
    return structure_rows(site)


def write_workbook(data: Dataset) -> bytes:
    """The dataset as a workbook in exactly the input format, as ``.xlsx`` bytes.

    Sheets ``structure`` (its keys), ``quartiers``, ``porteurs``, ``suivis``,
    ``animations``, ``partenariats``, ``financements``, ``textes``, each with every
    column; vocabulary values as codes; days as date cells, partial dates as ISO text;
    amounts and counts as numbers; ``rqth`` as ``oui``/``non``; identity and comments
    included (this is the site's own file). Every text goes through
    :func:`~citeslab_core.readers.files.neutralise` (see
    :func:`~citeslab_core.readers.tables.protect_text`).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(ws: Any, names: Sequence[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        ws.freeze_panes = "A2"

    def row(ws: Any, values: Iterable[object]) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(ws, value=_cell(value))  # type: ignore[arg-type]
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, dt.time):
                cell.number_format = "HH:MM"
            cells.append(cell)
        ws.append(cells)

    structure = wb.create_sheet("structure")
    header(structure, ["cle", "valeur"])
    for key, value in _site_rows(data.site):
        row(structure, [key, value])
    for table, cls, _ in TABLES:
        ws = wb.create_sheet(table)
        fields = attrs.fields(cls)
        header(ws, [str(f.metadata["column"]) for f in fields])
        names = [f.name for f in fields]
        for record in getattr(data, TABLE_FIELDS[table]):
            row(ws, [getattr(record, name) for name in names])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
