"""Views of the data objects that a higher room computes: how they display, their frames.

The records, the dataset and the bilan are data; how they show themselves in a console or
a notebook (``repr``, ``_repr_html_``) and their pandas frames are computed in
:mod:`citeslab_core.render.display` and :mod:`citeslab_core.render.frames`, which read the
model, the derived pathways, the bilan and the French labels. The documented methods
(``Dataset.to_frames``, ``Bilan.to_frame``, ``_repr_html_``…) stay on the classes and call
a :class:`View` declared here, in the lowest room, which the render modules fill when they
are imported (``@DATASET_REPR.register``). So the model and the bilan import nothing above
them, not even inside a function.

A view is looked up when first called: if its module was not imported yet, it is imported
then, by the name the view declares (as pandas loads a plotting back-end by its name), so
that ``repr(data)`` works without the caller importing the render modules.
docs/decisions.md says why this design rather than another.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

if TYPE_CHECKING:
    from pandas import DataFrame

    from citeslab_core.bilan import PublicBilan, Table
    from citeslab_core.bilan.comparison import Comparison
    from citeslab_core.derive.followup import FollowUp
    from citeslab_core.model._dataset import Dataset
    from citeslab_core.model._records import Person

__all__ = ["View"]

P = ParamSpec("P")
R = TypeVar("R")

#: The modules that register the views, by their names (never imported from here by a
#: statement: they sit above the model and the bilan).
DISPLAY = "citeslab_core.render.display"
FRAMES = "citeslab_core.render.frames"
FOLLOWUP = "citeslab_core.render.followup"
BILAN_FILE = "citeslab_core.bilan.file"


class View(Generic[P, R]):
    """One view (a function of a data object) that the module ``provider`` registers."""

    __slots__ = ("_function", "name", "provider")

    def __init__(self, name: str, provider: str) -> None:
        self.name = name
        self.provider = provider
        self._function: Callable[P, R] | None = None

    def register(self, function: Callable[P, R]) -> Callable[P, R]:
        """Make ``function`` this view (a decorator in the provider module)."""
        self._function = function
        return function

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        function = self._function
        if function is None:
            importlib.import_module(self.provider)  # registers the view
            function = self._function
            if function is None:  # pragma: no cover - a provider that forgot one
                raise LookupError(f"{self.provider} does not register the view {self.name}")
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<View {self.name} from {self.provider}>"


DATASET_REPR: View[[Dataset], str] = View("dataset_repr", DISPLAY)
DATASET_HTML: View[[Dataset], str] = View("dataset_html", DISPLAY)
PERSON_HTML: View[[Person], str] = View("person_html", DISPLAY)
BILAN_REPR: View[[PublicBilan], str] = View("bilan_repr", DISPLAY)
BILAN_HTML: View[[PublicBilan], str] = View("bilan_html", DISPLAY)
TABLE_REPR: View[[Table[int | None]], str] = View("table_repr", DISPLAY)
TABLE_HTML: View[[Table[int | None]], str] = View("table_html", DISPLAY)
COMPARISON_HTML: View[[Comparison], str] = View("comparison_html", DISPLAY)
RECORD_HTML: View[[object], str] = View("record_html", DISPLAY)
FOLLOWUP_REPR: View[[FollowUp], str] = View("followup_repr", DISPLAY)
FOLLOWUP_HTML: View[[FollowUp], str] = View("followup_html", DISPLAY)
FOLLOWUP_FRAME: View[[FollowUp, bool], DataFrame] = View("followup_frame", FOLLOWUP)

DATASET_FRAMES: View[[Dataset, bool, bool], dict[str, DataFrame]] = View("dataset_frames", FRAMES)
BILAN_FRAME: View[[PublicBilan], DataFrame] = View("bilan_frame", FRAMES)
TABLE_FRAME: View[[Table[int | None]], DataFrame] = View("table_frame", FRAMES)
PERSONS_FRAME: View[[PublicBilan], DataFrame] = View("persons_frame", FRAMES)
COMPARISON_FRAME: View[[Comparison], DataFrame] = View("comparison_frame", FRAMES)

BILAN_JSON: View[[PublicBilan], str] = View("to_json", BILAN_FILE)

#: Every view, for the test that each provider registers all of its own.
VIEWS: tuple[View[Any, Any], ...] = (
    DATASET_REPR,
    DATASET_HTML,
    PERSON_HTML,
    BILAN_REPR,
    BILAN_HTML,
    TABLE_REPR,
    TABLE_HTML,
    COMPARISON_HTML,
    RECORD_HTML,
    FOLLOWUP_REPR,
    FOLLOWUP_HTML,
    FOLLOWUP_FRAME,
    DATASET_FRAMES,
    BILAN_FRAME,
    TABLE_FRAME,
    PERSONS_FRAME,
    COMPARISON_FRAME,
    BILAN_JSON,
)
