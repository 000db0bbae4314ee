"""The bilan as JSON, schema ``citeslab.bilan/1`` (docs/bilan-json.md): the renderer's
face of :func:`citeslab_core.bilan.file.to_json`, which writes it (and
:func:`~citeslab_core.bilan.file.read_bilan` reads it back) through one converter,
:mod:`citeslab_core.bilan._json`, where the choices are written.
"""

from __future__ import annotations

from citeslab_core.bilan import PublicBilan
from citeslab_core.bilan.file import SCHEMA, to_data, to_json

__all__ = ["SCHEMA", "render", "to_data"]


def render(bilan: PublicBilan, *, checks: bool = True) -> str:
    """The bilan as a JSON document; a stamped bilan ends with its ``provenance``;
    ``checks=False`` leaves the checks out (``report --without-checks``)."""
    return to_json(bilan, checks=checks)
