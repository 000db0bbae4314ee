"""citeslab: the records of a CitésLab site turned into its bilan and its funders' files.

The package imports nothing heavy at load time; the names below are loaded on first use::

    from citeslab_core import read_input, compute_bilan
    data = read_input(Path("citeslab.xlsx"))
    bilan = compute_bilan(data, date(2023, 1, 1), date(2023, 12, 31))
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "Dataset",
    "InvalidData",
    "compute_bilan",
    "load_example",
    "read_input",
]

_LAZY = {
    "Dataset": "citeslab_core.model",
    "InvalidData": "citeslab_core.errors",
    "compute_bilan": "citeslab_core.bilan",
    "load_example": "citeslab_core.example",
    "read_input": "citeslab_core.readers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'citeslab_core' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
