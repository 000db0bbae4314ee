"""The records of a CitésLab site, as immutable typed objects, and the dataset that holds them.

The classes mirror the workbook (docs/workbook.md): each field's French column name is in
its metadata (``column``), which readers, the JSON converter and the template all use, so
there is one list of columns. Identifiers are English; what people read is French.

A :class:`Dataset` can only exist valid: building one checks unique person ids, events of
known persons, the columns each event type needs, SIRET checksums, non-negative counts and
amounts, and raises :class:`~citeslab_core.errors.InvalidData` listing every problem.
Build one with :meth:`Dataset.build`, which also derives a person's residence status from
their neighbourhood when it is not given. A dataset holds each sheet as
:class:`Columns`; its records are built when first asked for.

The package's modules: ``_records`` (the record classes and the sheets), ``_columns``
(a sheet as columns), ``_validation`` (what makes a dataset valid), ``_dataset`` (the
:class:`Dataset`).
"""

from __future__ import annotations

from citeslab_core.model._columns import Columns, Repeated, RowOrigins
from citeslab_core.model._dataset import Dataset
from citeslab_core.model._records import EVENT_NEEDS as EVENT_NEEDS
from citeslab_core.model._records import (
    TABLE_FIELDS,
    Animation,
    BudgetLine,
    Event,
    Funding,
    FundingPolicy,
    Neighbourhood,
    Partnership,
    PathwayPolicy,
    Permanence,
    Person,
    SheetName,
    Site,
    Text,
    column_of,
    private_fields,
)
from citeslab_core.model._records import TABLES as TABLES
from citeslab_core.model._records import col as col
from citeslab_core.model._records import field_type as field_type
from citeslab_core.model._validation import InvalidDataset, Issue
from citeslab_core.model._validation import check_tables as check_tables
from citeslab_core.model._validation import issue_problem as issue_problem

__all__ = [
    "TABLE_FIELDS",
    "Animation",
    "BudgetLine",
    "Columns",
    "Dataset",
    "Event",
    "Funding",
    "FundingPolicy",
    "InvalidDataset",
    "Issue",
    "Neighbourhood",
    "Partnership",
    "PathwayPolicy",
    "Permanence",
    "Person",
    "Repeated",
    "RowOrigins",
    "SheetName",
    "Site",
    "Text",
    "column_of",
    "private_fields",
]

# ``EVENT_NEEDS``, ``TABLES``, ``check_tables``, ``col``, ``field_type`` and
# ``issue_problem`` are used
# across the package, not promised to plug-ins (not in ``__all__``).
