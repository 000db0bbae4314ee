"""The bundled example: a synthetic, Brest-like CitésLab from 2022 to 2024.

The records are invented, but their 2023 figures are those of the real 2023 bilan of the
CitésLab of Brest (118 accompanied, 71 women and 47 men, …): ``docs/example.md`` lists what
comes from the seed and what is invented. The data ship inside the package as canonical
JSON (``citeslab_core/readers/data/example.json``), written by ``examples/make_example.py``, so
that ``citeslab … --example`` works after ``pip install``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from citeslab_core.model import Dataset

__all__ = ["EXAMPLE_FILE", "example_text", "load_example"]

#: The packaged file, relative to the ``citeslab_core`` package.
EXAMPLE_FILE = "data/example.json"


@cache
def example_text() -> str:
    """The canonical JSON text of the example, as shipped."""
    return (
        resources.files("citeslab_core.readers").joinpath(EXAMPLE_FILE).read_text(encoding="utf-8")
    )


@cache
def load_example() -> Dataset:
    """The example dataset (read once; a :class:`Dataset` is immutable, so it is shared)."""
    from citeslab_core.readers.converter import loads

    return loads(example_text(), file="example.json")
