"""citeslab: the records of a CitésLab site turned into its bilan and its funders' files.

The public API is what this package exports (``__all__``), listed with its stability
promise in ``docs/api.md``. The package imports nothing heavy at load time: each name is
loaded on first use (``citeslab --help`` stays fast), while a type checker sees the real
types through the ``TYPE_CHECKING`` imports below::

    from citeslab_core import Period, compute_bilan, load_example
    data = load_example()
    bilan = compute_bilan(data, period=Period.quarter(2023, 2))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citeslab_core.bilan import (
        TABLE_KEYS,
        Bilan,
        Check,
        Indicators,
        PublicBilan,
        Table,
        TableKey,
        TableRow,
        compute_bilan,
    )
    from citeslab_core.bilan.checks import CheckCode
    from citeslab_core.bilan.comparison import Comparison, Evolution, compare
    from citeslab_core.bilan.file import read_bilan, read_inputs, write_bilan
    from citeslab_core.derive.followup import FollowUp
    from citeslab_core.derive.followup import followup as compute_followup
    from citeslab_core.derive.rules import Finding, Severity
    from citeslab_core.derive.rules import findings as check_rules
    from citeslab_core.errors import (
        CellError,
        CitesLabError,
        InvalidData,
        Location,
        Problem,
        UsageError,
    )
    from citeslab_core.exporting import (
        Exporter,
        ExportFile,
        ExportOptions,
        PluginError,
        Registry,
    )
    from citeslab_core.model import (
        Animation,
        Dataset,
        Event,
        Funding,
        FundingPolicy,
        Neighbourhood,
        Partnership,
        PathwayPolicy,
        Person,
        Site,
        Text,
    )
    from citeslab_core.model.dates import PartialDate, Precision
    from citeslab_core.model.periods import Period
    from citeslab_core.network import network_bilan
    from citeslab_core.readers import read_input
    from citeslab_core.readers.example import load_example
    from citeslab_core.render.deck import write_deck
    from citeslab_core.vocabularies import (
        AgeBracket,
        AnimationStatus,
        AnimationType,
        Channel,
        Decision,
        EducationLevel,
        EventType,
        ExitResult,
        Funder,
        FundingNature,
        MinimumBenefit,
        OrientationCategory,
        PartnershipCategory,
        ResidenceStatus,
        Sector,
        Sex,
        SituationAtEntry,
        Stage,
        Vocabulary,
    )

#: citeslab's version, written here only (``pyproject.toml`` reads it from here): a
#: constant, not looked up in the installed package's metadata, which
#: ``importlib.metadata`` finds by scanning every folder of ``sys.path`` (40-50 ms that
#: each bilan paid for its provenance).
__version__ = "0.1.0"

__all__ = [
    "TABLE_KEYS",
    "AgeBracket",
    "Animation",
    "AnimationStatus",
    "AnimationType",
    "Bilan",
    "CellError",
    "Channel",
    "Check",
    "CheckCode",
    "CitesLabError",
    "Comparison",
    "Dataset",
    "Decision",
    "EducationLevel",
    "Event",
    "EventType",
    "Evolution",
    "ExitResult",
    "ExportFile",
    "ExportOptions",
    "Exporter",
    "Finding",
    "FollowUp",
    "Funder",
    "Funding",
    "FundingNature",
    "FundingPolicy",
    "Indicators",
    "InvalidData",
    "Location",
    "MinimumBenefit",
    "Neighbourhood",
    "OrientationCategory",
    "PartialDate",
    "Partnership",
    "PartnershipCategory",
    "PathwayPolicy",
    "Period",
    "Person",
    "PluginError",
    "Precision",
    "Problem",
    "PublicBilan",
    "Registry",
    "ResidenceStatus",
    "Sector",
    "Severity",
    "Sex",
    "Site",
    "SituationAtEntry",
    "Stage",
    "Table",
    "TableKey",
    "TableRow",
    "Text",
    "UsageError",
    "Vocabulary",
    "__version__",
    "check_rules",
    "compare",
    "compute_bilan",
    "compute_followup",
    "load_example",
    "network_bilan",
    "read_bilan",
    "read_input",
    "read_inputs",
    "write_bilan",
    "write_deck",
]

# A new public name goes in four places: the TYPE_CHECKING imports, __all__, _LAZY and
# docs/api.md; tests/test_api.py checks that they agree.

#: Where each public name lives: ``module`` or ``module:attribute`` when it is renamed.
_LAZY: dict[str, str] = {
    "TABLE_KEYS": "citeslab_core.bilan",
    "Bilan": "citeslab_core.bilan",
    "Check": "citeslab_core.bilan",
    "Indicators": "citeslab_core.bilan",
    "Table": "citeslab_core.bilan",
    "TableKey": "citeslab_core.bilan",
    "TableRow": "citeslab_core.bilan",
    "PublicBilan": "citeslab_core.bilan",
    "compute_bilan": "citeslab_core.bilan",
    "read_bilan": "citeslab_core.bilan.file",
    "CheckCode": "citeslab_core.bilan.checks",
    "read_inputs": "citeslab_core.bilan.file",
    "write_bilan": "citeslab_core.bilan.file",
    "Comparison": "citeslab_core.bilan.comparison",
    "Evolution": "citeslab_core.bilan.comparison",
    "compare": "citeslab_core.bilan.comparison",
    "PartialDate": "citeslab_core.model.dates",
    "Precision": "citeslab_core.model.dates",
    "CellError": "citeslab_core.errors",
    "CitesLabError": "citeslab_core.errors",
    "InvalidData": "citeslab_core.errors",
    "Location": "citeslab_core.errors",
    "Problem": "citeslab_core.errors",
    "UsageError": "citeslab_core.errors",
    "load_example": "citeslab_core.readers.example",
    "FollowUp": "citeslab_core.derive.followup",
    # Not "followup": the submodule of that name would replace it as the package's
    # attribute once imported (the import system sets it), see docs/decisions.md.
    "compute_followup": "citeslab_core.derive.followup:followup",
    "Animation": "citeslab_core.model",
    "Dataset": "citeslab_core.model",
    "Event": "citeslab_core.model",
    "Funding": "citeslab_core.model",
    "FundingPolicy": "citeslab_core.model",
    "Neighbourhood": "citeslab_core.model",
    "Partnership": "citeslab_core.model",
    "PathwayPolicy": "citeslab_core.model",
    "Person": "citeslab_core.model",
    "Site": "citeslab_core.model",
    "Text": "citeslab_core.model",
    "network_bilan": "citeslab_core.network",
    "Period": "citeslab_core.model.periods",
    "ExportFile": "citeslab_core.exporting",
    "Exporter": "citeslab_core.exporting",
    "ExportOptions": "citeslab_core.exporting",
    "PluginError": "citeslab_core.exporting",
    "Registry": "citeslab_core.exporting",
    "read_input": "citeslab_core.readers",
    "write_deck": "citeslab_core.render.deck",
    "Finding": "citeslab_core.derive.rules",
    "Severity": "citeslab_core.derive.rules",
    "check_rules": "citeslab_core.derive.rules:findings",
    "AgeBracket": "citeslab_core.vocabularies",
    "AnimationStatus": "citeslab_core.vocabularies",
    "AnimationType": "citeslab_core.vocabularies",
    "Channel": "citeslab_core.vocabularies",
    "Decision": "citeslab_core.vocabularies",
    "EducationLevel": "citeslab_core.vocabularies",
    "EventType": "citeslab_core.vocabularies",
    "ExitResult": "citeslab_core.vocabularies",
    "Funder": "citeslab_core.vocabularies",
    "FundingNature": "citeslab_core.vocabularies",
    "MinimumBenefit": "citeslab_core.vocabularies",
    "OrientationCategory": "citeslab_core.vocabularies",
    "PartnershipCategory": "citeslab_core.vocabularies",
    "ResidenceStatus": "citeslab_core.vocabularies",
    "Sector": "citeslab_core.vocabularies",
    "Sex": "citeslab_core.vocabularies",
    "SituationAtEntry": "citeslab_core.vocabularies",
    "Stage": "citeslab_core.vocabularies",
    "Vocabulary": "citeslab_core.vocabularies",
}


if not TYPE_CHECKING:  # a type checker sees the imports above, and no other name

    def __getattr__(name: str) -> Any:
        target = _LAZY.get(name)
        if target is None:
            raise AttributeError(f"module 'citeslab_core' has no attribute {name!r}")
        module, _, attribute = target.partition(":")
        value = getattr(importlib.import_module(module), attribute or name)
        globals()[name] = value  # looked up once
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
