"""The workbook a site keeps: read from ``.xlsx`` (and ``.ods``, ``.xls``), written as
``.xlsx``.

Reading uses openpyxl in read-only mode with ``data_only=True``: a cell gives the value
the spreadsheet last computed and saved, never its formula. Sheets are streamed row by
row; the work of turning them into records is :mod:`citeslab_core.readers.tables`'s.

Reading is bounded (:mod:`citeslab_core.model.limits`): before openpyxl opens it, the archive's
parts are measured (uncompressed sizes, count of shared strings), and the rows are read
as the sheet holds them, without the empty rows openpyxl would add up to a row number
(``<row r="99999999999">`` would be a hundred billion of them): a row or a column beyond
Excel's last is refused, so time and memory follow what the file really holds. A
cell formatted as a percentage is read as such (Excel stores ``0.24`` and shows ``24 %``)
in the sheets that hold percentages (``financements``, ``structure``).

``.ods`` files, and ``.xls`` (Excel 97-2003) files, are read with python-calamine (a fast
reader of the OpenDocument and Excel formats). It does not say which cells are formatted
as percentages, so there a declared share written as a percentage-formatted cell between
0 % and 100 % exclusive is refused with a message asking for ``24`` or ``24 %`` instead
of being guessed.

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


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


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
    except UnreadableFile:
        raise
    except Exception as exc:  # a damaged file fails in many ways (zip, XML, values)
        raise UnreadableFile(exc) from None


def _sheet_rows(ws: Any, *, formats: bool) -> Iterator[tuple[int, Sequence[object]]]:
    """The rows a sheet holds, numbered as the sheet numbers them, without the empty rows
    in between; with ``formats``, percentage-formatted numbers marked as such.

    openpyxl's own ``iter_rows`` pads the missing rows up to each row number (and trusts
    the declared dimensions): its parser is used here directly, with the bounds of
    :mod:`citeslab_core.model.limits` checked on each row. (``_get_source``, ``_shared_strings``,
    ``_date_formats`` are openpyxl's, the same its read-only sheets use.)
    """
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for number, cells in parser.parse():
            if not 1 <= number <= MAX_ROWS:
                raise BeyondLimits(
                    f"ligne {_number(number)} : une feuille Excel va de la ligne 1 à la "
                    f"ligne {_number(MAX_ROWS)}",
                    ws.title,
                )
            if not cells:
                yield number, ()
                continue
            width = max(cell["column"] for cell in cells)
            if width > MAX_COLUMNS or min(cell["column"] for cell in cells) < 1:
                raise BeyondLimits(
                    f"ligne {_number(number)} : une cellule au-delà de la colonne XFD, la "
                    "dernière d'Excel",
                    ws.title,
                )
            values: list[object] = [None] * width
            for cell in cells:
                value = cell["value"]
                if (
                    formats
                    and isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and "%" in (ReadOnlyCell(ws, **cell).number_format or "")
                ):
                    value = PercentCell(value)
                values[cell["column"] - 1] = value
            yield number, values


def read_workbook(path: Path) -> Dataset:
    """The dataset of an ``.xlsx`` / ``.xlsm`` workbook (values, never formulas)."""
    from openpyxl import load_workbook

    file = path.name
    try:
        check_archive(path)
    except BeyondLimits as exc:
        raise exc.problem(file) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # zip, XML or content-type errors: not a workbook
        raise _not_a_workbook(file, "Excel (.xlsx)") from None
    notes: list[Problem] = []
    try:
        return build_dataset(_workbook_sheets(wb, file, notes), file=file, notes=notes)
    except BeyondLimits as exc:
        raise exc.problem(file) from None
    except UnreadableFile:
        raise _not_a_workbook(file, "Excel (.xlsx)") from None
    finally:
        wb.close()


def _workbook_sheets(wb: Any, file: str, notes: list[Problem]) -> Iterator[RawSheet]:
    names: list[str] = list(wb.sheetnames)
    # structure first: its year is the context of dates written without one.
    names.sort(key=lambda n: known_sheet(n) != "structure")
    for name in names:
        ws = wb[name]
        state = getattr(ws, "sheet_state", "visible")
        if state != "visible" and not is_ignored(name):
            how = "très masquée (veryHidden)" if state == "veryHidden" else "masquée"
            notes.append(
                Problem(
                    Location(file, name),
                    f"la feuille est {how} dans le classeur : elle est lue comme les "
                    "autres ; vérifiez que son contenu est voulu",
                )
            )
        if not hasattr(ws, "iter_rows"):  # a chart sheet
            yield RawSheet(name, file, ())
            continue
        table = known_sheet(name)
        rows = _sheet_rows(ws, formats=table in _PERCENT_SHEETS)
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
MAX_ODS_CELLS = 20_000_000


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


def _calamine_rows(wb: Any, name: str) -> Iterator[tuple[int, Sequence[object]]]:
    sheet = wb.get_sheet_by_name(name)
    first_row, first_col = sheet.start or (0, 0)
    pad = [None] * first_col
    for offset, values in enumerate(sheet.iter_rows()):
        yield first_row + offset + 1, [*pad, *values] if pad else values


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
