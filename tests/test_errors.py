"""One hierarchy of errors: every exception class of the library is defined in
``citeslab_core.errors`` under ``CitesLabError``; the old import paths still work."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import citeslab_core
from citeslab_core import errors
from citeslab_core.errors import CitesLabError

SRC = Path(citeslab_core.__file__).resolve().parent


def library_modules() -> list[str]:
    return sorted(
        info.name for info in pkgutil.walk_packages(citeslab_core.__path__, "citeslab_core.")
    )


def defined_exceptions() -> dict[str, list[str]]:
    """Module -> the exception classes defined in its source (loaded to follow the bases)."""
    found: dict[str, list[str]] = {}
    for name in library_modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == name
            ):
                found.setdefault(name, []).append(value.__qualname__)
    return found


def test_the_walk_sees_every_module_of_the_source() -> None:
    on_disk = {
        ".".join(("citeslab_core", *path.relative_to(SRC).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for path in SRC.rglob("*.py")
    }
    assert on_disk - {"citeslab_core"} == set(library_modules())


#: Exception classes defined elsewhere than in errors.py, each with its reason.
ELSEWHERE = {
    # Made of the model's issues and naming their columns, while errors.py imports
    # nothing of the library (issue 22: imports run one way).
    "citeslab_core.model._validation": ["InvalidDataset"],
}


def test_every_exception_class_is_defined_in_errors() -> None:
    found = defined_exceptions()
    errors_module = found.pop("citeslab_core.errors")
    assert found == ELSEWHERE
    assert len(errors_module) >= 10


def _library_imports(path: Path) -> set[str]:
    """The library's modules ``path`` imports (``if TYPE_CHECKING:`` blocks aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checking = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    ]
    skipped = {id(inner) for node in checking for inner in ast.walk(node)}
    return {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped
        for alias in node.names
        if (name := node.module if isinstance(node, ast.ImportFrom) else alias.name)
        and name.startswith("citeslab_core")
    }


def test_the_errors_module_imports_no_room() -> None:
    """The bottom of the house: every room may import it, so it imports no room, only the
    French names of the columns (for its messages), which import nothing of the library."""
    assert _library_imports(SRC / "errors.py") == {"citeslab_core.headers"}
    assert _library_imports(SRC / "headers.py") == set()


def _module_name(path: Path) -> str:
    parts = ("citeslab_core", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts).removesuffix(".__init__")


def test_no_class_statement_outside_errors_derives_from_an_exception() -> None:
    """The same, read from the source: a class nested in a function would escape the walk."""
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                if node.name in ELSEWHERE.get(_module_name(path), ()):
                    continue
                for base in node.bases:
                    text = ast.unparse(base)
                    assert not text.endswith(("Error", "Exception", "InvalidData")), (
                        f"{path.relative_to(SRC)}: class {node.name}({text})"
                    )


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_is_a_citeslab_error(name: str) -> None:
    value = getattr(errors, name)
    if isinstance(value, type) and issubclass(value, BaseException):
        assert issubclass(value, CitesLabError)
        assert value.__module__ == "citeslab_core.errors"


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("citeslab_core.exporting", "PluginError"),
        ("citeslab_core.exporting.privacy", "PseudonymKeyError"),
        ("citeslab_core.readers.workbook", "UnreadableFile"),
        ("citeslab_core.readers.workbook", "BeyondLimits"),
        ("citeslab_core", "PluginError"),
    ],
)
def test_the_old_import_paths_still_work(module: str, name: str) -> None:
    assert getattr(importlib.import_module(module), name) is getattr(errors, name)


def test_the_moved_errors_keep_their_behaviour() -> None:
    from citeslab_core.errors import BeyondLimits, InvalidData, UnreadableFile
    from citeslab_core.model import InvalidDataset, Issue

    refused = InvalidDataset([Issue("porteurs", 3, "id", "identifiant en double")])
    assert isinstance(refused, InvalidData)
    assert refused.issues == (Issue("porteurs", 3, "id", "identifiant en double"),)
    assert str(refused) == refused.summary()
    assert "identifiant en double" in str(refused)

    beyond = BeyondLimits("trop de lignes", "suivis")
    assert isinstance(beyond, UnreadableFile)
    assert str(beyond) == "trop de lignes"
    assert [str(p) for p in beyond.problem("a.xlsx").problems] == [
        "a.xlsx, suivis : trop de lignes"
    ]
    # UnreadableFile is no InvalidData nor UsageError: the command line's handlers never
    # see it, the readers turn it into InvalidData (as before it joined the hierarchy).
    assert not issubclass(UnreadableFile, (InvalidData, errors.UsageError, ValueError))
