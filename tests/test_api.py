"""The public API: what docs/api.md promises is what the modules export, with real types.

As httpx's ``tests/test_exported_members.py``: each public module's ``__all__`` equals the
names docs/api.md lists for it; the package's lazy names, its ``TYPE_CHECKING`` imports
(what a type checker sees) and its ``__all__`` are the same list.
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import citeslab_core

ROOT = Path(__file__).resolve().parent.parent
API_PAGE = ROOT / "docs" / "api.md"
INIT = ROOT / "src" / "citeslab_core" / "__init__.py"


def documented() -> dict[str, set[str]]:
    """The names api.md lists, per module section (``## `module` ``)."""
    sections: dict[str, list[str]] = {}
    bullets: list[str] | None = None
    for line in API_PAGE.read_text(encoding="utf-8").splitlines():
        heading = re.fullmatch(r"## `([\w.]+)`", line)
        if heading:
            bullets = sections.setdefault(heading.group(1), [])
        elif line.startswith("## "):
            bullets = None
        elif bullets is not None and line.startswith("- `"):
            bullets.append(line[2:])
        elif bullets is not None and bullets and line.startswith("  "):
            bullets[-1] += line  # a bullet's next line
    # "- `a`, `b` and `c`: what they are" lists a, b and c.
    return {
        module: {
            name for bullet in found for name in re.findall(r"`(\w+)`", bullet.split(":", 1)[0])
        }
        for module, found in sections.items()
    }


def test_the_page_documents_the_package_and_the_plugin_kit() -> None:
    assert set(documented()) == {
        "citeslab_core",
        "citeslab_core.exporting",
        "citeslab_core.exporting.privacy",
    }


@pytest.mark.parametrize("module", sorted(documented()))
def test_all_is_what_the_page_lists(module: str) -> None:
    exported = set(importlib.import_module(module).__all__)
    listed = documented()[module]
    assert sorted(exported - listed) == [], "exported but not in docs/api.md"
    assert sorted(listed - exported) == [], "in docs/api.md but not exported"


@pytest.mark.parametrize("module", sorted(documented()))
def test_every_exported_name_exists(module: str) -> None:
    loaded = importlib.import_module(module)
    for name in loaded.__all__:
        assert getattr(loaded, name) is not None


def type_checking_imports() -> dict[str, str]:
    """The names the ``if TYPE_CHECKING:`` block of __init__.py imports: name -> target."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom):
                    for alias in statement.names:
                        target = f"{statement.module}"
                        if alias.asname:
                            target += f":{alias.name}"
                        names[alias.asname or alias.name] = target
                elif isinstance(statement, ast.AnnAssign):
                    assert isinstance(statement.target, ast.Name)
                    names[statement.target.id] = "(annotation)"
    return names


def test_type_checker_names_lazy_names_and_all_agree() -> None:
    seen = type_checking_imports()
    # every public name but __version__, a constant of the package itself
    assert {*seen, "__version__"} == set(citeslab_core.__all__)
    assert dict(citeslab_core._LAZY) == seen
    assert len(citeslab_core.__all__) == len(set(citeslab_core.__all__))


def test_every_lazy_name_is_the_object_of_its_module() -> None:
    for name, target in citeslab_core._LAZY.items():
        module, _, attribute = target.partition(":")
        expected = getattr(importlib.import_module(module), attribute or name)
        assert getattr(citeslab_core, name) is expected, name


def test_dir_lists_the_public_names() -> None:
    assert set(citeslab_core.__all__) <= set(dir(citeslab_core))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="nope"):
        getattr(citeslab_core, "nope")  # noqa: B009


def test_version_is_the_installed_distribution() -> None:
    from importlib.metadata import version

    assert citeslab_core.__version__ == version("citeslab")


def run(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_importing_the_package_imports_nothing_else() -> None:
    """`import citeslab_core` (and dir()) loads none of its modules nor any dependency:
    only the standard library's typing machinery."""
    out = run(
        "import sys\n"
        "before = set(sys.modules)\n"
        "import citeslab_core\n"
        "dir(citeslab_core)\n"
        "new = set(sys.modules) - before\n"
        "print(sorted(m for m in new if m.split('.')[0] not in sys.stdlib_module_names))\n"
    )
    assert out.strip() == "['citeslab_core']"


def test_a_name_loads_only_its_module_chain() -> None:
    """Asking for Period does not load the bilan, pandas, babel or the readers."""
    out = run(
        "import sys\n"
        "from citeslab_core import Period\n"
        "heavy = ('pandas', 'babel', 'openpyxl', 'jinja2', 'pygal', 'cattrs',\n"
        "         'citeslab_core.bilan', 'citeslab_core.readers')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    assert out.strip() == "[]"


def test_followup_module_import_does_not_shadow_the_function() -> None:
    """The follow-up function is exported as compute_followup: importing the module
    ``citeslab_core.derive.followup`` (which sets the package's ``followup`` attribute) leaves it
    alone."""
    out = run(
        "import citeslab_core.derive.followup\n"
        "from citeslab_core import compute_followup\n"
        "print(callable(compute_followup), type(compute_followup).__name__)\n"
    )
    assert out.strip() == "True function"
