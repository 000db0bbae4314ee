"""Write ``analyse.ipynb`` from ``analyse.py`` (the percent-format source, ``# %%`` cells).

``python examples/make_notebook.py`` regenerates it; tests/test_notebook.py checks that the
notebook is this conversion of the script and runs the script top to bottom. The
notebook has no outputs: Jupyter fills them when it is run.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "analyse.py"
NOTEBOOK = HERE / "analyse.ipynb"


def cells(text: str) -> list[dict[str, object]]:
    """The notebook cells of a percent-format script."""
    found: list[dict[str, object]] = []
    kind: str | None = None
    lines: list[str] = []

    def close() -> None:
        while lines and not lines[-1].strip():
            lines.pop()
        if kind is None or not lines:
            return
        source = [line + "\n" for line in lines]
        source[-1] = source[-1].rstrip("\n")
        if kind == "markdown":
            source = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in source]
            found.append({"cell_type": "markdown", "metadata": {}, "source": source})
        else:
            found.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                }
            )

    for line in text.splitlines():
        if line.startswith("# %%"):
            close()
            kind = "markdown" if "[markdown]" in line else "code"
            lines = []
        else:
            lines.append(line)
    close()
    return found


def notebook_text(text: str) -> str:
    found = cells(text)
    for number, cell in enumerate(found):
        cell["id"] = f"cell-{number}"
    notebook = {
        "cells": found,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"


def main() -> None:
    NOTEBOOK.write_text(notebook_text(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
