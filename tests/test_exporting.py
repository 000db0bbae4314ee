"""The plug-in kit: one module, ``citeslab_core.exporting``, that a plug-in imports
everything from; its old homes warn for one release and give the same objects."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import citeslab_core.exporting as kit

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "src" / "citeslab_core" / "exporting" / "__init__.py"
PLUGINS = [
    *sorted((ROOT / "src" / "citeslab_exporters").glob("*.py")),
    *sorted((ROOT / "examples" / "citeslab-exporter-region" / "src").rglob("*.py")),
]


def imports_of(path: Path) -> list[str]:
    """Every module ``path`` imports from citeslab_core, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name.split(".")[0] == "citeslab_core"]


@pytest.mark.parametrize("path", PLUGINS, ids=lambda path: path.name)
def test_a_plugin_imports_the_library_only_from_the_kit(path: Path) -> None:
    """The bundled exporters are plug-ins like a third party's: citeslab_core reaches
    them through ``citeslab_core.exporting`` alone."""
    assert set(imports_of(path)) <= {"citeslab_core.exporting"}


def test_the_scan_sees_the_plugins() -> None:
    names = {path.name for path in PLUGINS}
    assert {"bpi.py", "pic.py", "contrat_de_ville.py", "calendrier.py", "_cerfa.py"} <= names
    assert "citeslab_core.exporting" in imports_of(ROOT / "src" / "citeslab_exporters" / "bpi.py")


def type_checking_names() -> dict[str, str]:
    """The names the kit's ``if TYPE_CHECKING:`` block imports: name -> module[:name]."""
    names: dict[str, str] = {}
    for node in ast.parse(KIT.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    target = f"{statement.module}"
                    if alias.asname:
                        target += f":{alias.name}"
                    names[alias.asname or alias.name] = target
    return names


def test_type_checker_names_lazy_names_and_all_agree() -> None:
    assert type_checking_names() == kit._LAZY
    assert set(kit.__all__) == set(kit._LAZY)
    assert len(kit.__all__) == len(set(kit.__all__))


@pytest.mark.parametrize("name", kit.__all__)
def test_every_kit_name_is_the_object_of_its_module(name: str) -> None:
    module, _, attribute = kit._LAZY[name].partition(":")
    assert getattr(kit, name) is getattr(importlib.import_module(module), attribute or name)


def test_the_registry_alone_loads_neither_the_bilan_nor_the_writers() -> None:
    """``citeslab exporters`` needs the registry only: the kit loads names on first use."""
    code = (
        "import sys\n"
        "from citeslab_core.exporting import Registry\n"
        "heavy = ('openpyxl', 'babel', 'citeslab_core.bilan', 'citeslab_core.exporting._writers')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
