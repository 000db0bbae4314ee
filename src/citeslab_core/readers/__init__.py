"""Reading a site's data: a workbook, a folder of CSV files, or the canonical JSON.

:func:`read_input` picks the reader from the path:

- a folder → :mod:`~citeslab_core.readers.csvdir` (one CSV file per sheet);
- ``.xlsx`` / ``.xlsm`` → :mod:`~citeslab_core.readers.workbook` (openpyxl, values only);
- ``.ods`` and ``.xls`` (Excel 97-2003) → the same rules, read with python-calamine;
- ``.json`` → :func:`citeslab_core.readers.converter.read_json`.

A path that does not exist or a format it does not know is a
:class:`~citeslab_core.errors.UsageError`; anything wrong in the data, including a file
that is not what its name says or that the system does not let us read (permissions), is
:class:`~citeslab_core.errors.InvalidData` with every problem found, each naming its file,
sheet, row and column: the same for every format.

Heavy libraries (openpyxl, calamine) are imported only when a file of theirs is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from citeslab_core.errors import InvalidData, UsageError
from citeslab_core.readers.files import not_a_file, unreadable

if TYPE_CHECKING:
    from citeslab_core.model import Dataset

__all__ = ["read_input"]

_FORMATS = (
    "un classeur .xlsx (ou .xlsm, .xls, .ods), un dossier de fichiers CSV ou un fichier .json"
)


def read_input(path: Path) -> Dataset:
    """The dataset held at ``path`` (see the module's notes for the formats)."""
    from citeslab_core.model import guards

    path = guards.path(path, "path")
    if not guards.exists(path, "path"):  # a name too long to look up: a French error
        if path.is_symlink():  # a dangling link
            raise UsageError(f"{path} : {not_a_file(path)}")
        raise UsageError(f"{path} n'existe pas (attendu : {_FORMATS})")
    if not path.is_dir() and not path.is_file():  # a FIFO would hang, /dev/zero never end
        raise UsageError(f"{path} : {not_a_file(path)}")
    _check_readable(path)
    if path.is_dir():
        from citeslab_core.readers.csvdir import read_csv_folder

        return read_csv_folder(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from citeslab_core.readers.workbook import read_workbook

        return read_workbook(path)
    if suffix == ".ods":
        from citeslab_core.readers.workbook import read_ods

        return read_ods(path)
    if suffix == ".xls":
        from citeslab_core.readers.workbook import read_xls

        return read_xls(path)
    if suffix == ".json":
        from citeslab_core.readers.converter import read_json

        return read_json(path)
    if suffix in (".xlsb", ".numbers"):
        raise UsageError(
            f"{path.name} : ce format de classeur n'est pas lu ; enregistrez-le "
            "au format .xlsx (Excel : Fichier > Enregistrer sous > Classeur "
            "Excel .xlsx)"
        )
    if suffix == ".csv":
        raise UsageError(
            f"{path.name} : indiquez le dossier qui contient les fichiers CSV "
            "(porteurs.csv, suivis.csv…), pas un fichier seul"
        )
    raise UsageError(f"{path.name} : format inconnu (attendu : {_FORMATS})")


def _check_readable(path: Path) -> None:
    """Refuse at once, and alike for every format, what the system does not let us read."""
    try:
        if path.is_dir():
            next(path.iterdir(), None)
        else:
            with path.open("rb") as stream:
                stream.read(1)
    except OSError as exc:
        raise InvalidData([unreadable(path, exc)]) from None
