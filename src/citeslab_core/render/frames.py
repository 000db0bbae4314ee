"""pandas DataFrames of a dataset and of a bilan (the ``citeslab[pandas]`` extra).

Private: :meth:`Dataset.to_frames <citeslab_core.model.Dataset.to_frames>`,
:meth:`Bilan.to_frame <citeslab_core.bilan.Bilan.to_frame>` and the other ``to_frame``
methods call these, through the views of :mod:`citeslab_core.model._views` that this module
registers (the model and the bilan never import it). pandas is imported
here only, when a frame is asked for; without it, a French :class:`UsageError` says how to
install it.

What a frame holds (docs/notebook.md has the table):

- one frame per sheet, keyed by the sheet's name, columns named as the workbook's, every
  column present (a column left empty is there, empty), defaults filled (the record's
  value, which is the default when the cell was empty);
- vocabulary columns: ordered categoricals of the codes, every code of the vocabulary a
  category in vocabulary order (labels instead with ``labels=True``);
- dates: ``datetime64``; partial dates as three columns, ``<col>`` (the first day),
  ``<col>_fin`` (the last day) and ``<col>_precision`` (``day``, ``month``, ``year``,
  ``month_range``);
- amounts (Decimal) as floats; integers that may be empty as ``Int64``; yes/no as
  ``boolean``; texts as ``string``;
- identity and free-text columns (names, phone, e-mail, address, project idea, comments,
  the events' référent names, titles, places, actions, the site's texts, explanations)
  only with ``private=True``;
- ``parcours``: one row per pathway (person, number, opened, closed, result, référent,
  stage at entry and at the end).

Columns are built one at a time from the dataset's own columns, not record by record:
each distinct value (the readers share one object per distinct cell) converted once, and
spread over the rows by NumPy (``unique`` over the objects' ids, then ``take``), without a
Python loop per cell.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

import attrs

from citeslab_core.errors import UsageError
from citeslab_core.model import TABLES, Columns, Dataset, Repeated, field_type
from citeslab_core.model import _views as views
from citeslab_core.model.dates import PartialDate, Precision
from citeslab_core.render._pathway_frame import pathways_frame
from citeslab_core.render.labels import INDICATORS as INDICATOR_LABELS
from citeslab_core.vocabularies import (
    AgeBracket,
    ExitResult,
    OrientationCategory,
    ResidenceStatus,
    Sex,
    Stage,
    Vocabulary,
)

if TYPE_CHECKING:
    from pandas import DataFrame

    from citeslab_core.bilan import PublicBilan, Table
    from citeslab_core.bilan.comparison import Comparison

__all__ = [
    "BILAN_COLUMNS",
    "bilan_frame",
    "comparison_frame",
    "dataset_frames",
    "import_pandas",
    "persons_frame",
    "table_frame",
]

#: Free-text fields that are not marked private (they reach the bilan or the compte
#: rendu) but are words typed freely: left out of frames unless ``private=True``.
_FREE_TEXT = frozenset(
    {
        ("Event", "referent"),  # the name of the chef de projet who held the event
        ("Animation", "title"),
        ("Animation", "place"),
        ("Partnership", "action"),
        ("Text", "text"),
        ("BudgetLine", "gap_explanation"),
    }
)

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: The day number standing for no date (NumPy's NaT is the smallest int64).
_NAT = -(2**63)


def import_pandas() -> Any:
    """pandas, or a French error saying how to install it."""
    try:
        import pandas
    except ImportError:
        raise UsageError(
            "pandas n'est pas installé : installez citeslab avec l'option pandas "
            "(pip install 'citeslab[pandas]')"
        ) from None
    return pandas


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _left_out(cls: type, field: attrs.Attribute[Any]) -> bool:
    return bool(field.metadata.get("private")) or (cls.__name__, field.name) in _FREE_TEXT


def _distinct(values: Sequence[Any]) -> tuple[list[Any], Any]:
    """The distinct objects of ``values`` (by identity: the readers share them) and, for
    each value, the index of its object: pandas' ``factorize`` (a hash table, no sort)
    over the objects' ids, with no Python loop per value."""
    import numpy as np
    import pandas as pd

    if isinstance(values, Repeated):  # one object on every row
        return list(values[:1]), np.zeros(len(values), dtype=np.intp)
    ids = np.fromiter(map(id, values), dtype=np.uint64, count=len(values))
    inverse, distinct = pd.factorize(ids)
    where = np.empty(len(distinct), dtype=np.intp)
    where[inverse] = np.arange(len(values))  # a row holding each object (any one)
    return [values[i] for i in where.tolist()], inverse


def _by_identity(values: Sequence[Any], convert: Callable[[Any], Any], dtype: Any = object) -> Any:
    """``convert`` applied to each value, once per distinct object, as a NumPy array."""
    import numpy as np

    objects, inverse = _distinct(values)
    converted = np.empty(len(objects), dtype=dtype)
    converted[:] = [convert(value) for value in objects]
    return converted[inverse]


def _strings(pd: Any, values: Sequence[str | None]) -> Any:
    """A ``string`` array: each distinct object converted once, spread by Arrow's
    ``take`` (a column of ids, all distinct, converted as it is)."""
    objects, inverse = _distinct(values)
    if len(objects) == len(values):
        return pd.array(values if isinstance(values, tuple) else tuple(values), dtype="string")
    return pd.array(objects, dtype="string").take(inverse)


def _day(value: dt.date | None) -> int:
    """A date as days since 1970-01-01, or the smallest int64 (NaT) for ``None``."""
    return _NAT if value is None else value.toordinal() - _EPOCH_ORDINAL


def _datetimes(pd: Any, days: Sequence[dt.date | None]) -> Any:
    """``datetime64[ns]`` values of dates (None: NaT), through day numbers."""
    return _from_days(pd, _by_identity(days, _day, dtype="int64"))


def _from_days(pd: Any, numbers: Any) -> Any:
    """``datetime64[ns]`` values of day numbers (:data:`_NAT`: NaT)."""
    import numpy as np

    missing = numbers == _NAT
    out = np.where(missing, 0, numbers).astype("datetime64[D]").astype("datetime64[ns]")
    out[missing] = np.datetime64("NaT")
    return pd.array(out, dtype="datetime64[ns]")


def _categorical(pd: Any, members: Iterable[Any], values: Sequence[Any], labels: bool) -> Any:
    """An ordered categorical of a vocabulary's codes (or labels), in its order."""
    members = list(members)
    index = {id(member): position for position, member in enumerate(members)}
    codes = _by_identity(values, lambda v: index.get(id(v), -1), dtype="int64")
    names = [m.label if labels else m.value for m in members]
    return pd.Categorical.from_codes(codes, categories=names, ordered=True)


def _partial_dates(pd: Any, name: str, values: Sequence[Any]) -> dict[str, Any]:
    """A partial date column as three: its first day, its last, its precision."""
    import numpy as np

    objects, inverse = _distinct(values)
    starts = np.asarray([_day(v and v.start) for v in objects], dtype="int64")
    ends = np.asarray([_day(v and v.end) for v in objects], dtype="int64")
    precisions = list(Precision)
    where = {id(member): position for position, member in enumerate(precisions)}
    codes = np.asarray([where[id(v.precision)] if v else -1 for v in objects], dtype="int64")
    return {
        name: _from_days(pd, starts[inverse]),
        f"{name}_fin": _from_days(pd, ends[inverse]),
        f"{name}_precision": pd.Categorical.from_codes(
            codes[inverse], categories=[m.value for m in precisions], ordered=True
        ),
    }


def _plain(value: Any, labels: bool) -> Any:
    """A cell's value without enum members or partial dates: codes (labels) and ISO
    forms, inside tuples too (so that a column sorts and groups)."""
    if isinstance(value, tuple):
        return tuple(_plain(item, labels) for item in value)
    if isinstance(value, Vocabulary):
        return value.label if labels else value.code
    if isinstance(value, PartialDate):
        return value.iso()
    return value


def _columns(pd: Any, sheet: Columns[Any], *, private: bool, labels: bool) -> dict[str, Any]:
    columns: dict[str, Any] = {}
    cls: type = sheet.record
    hints = _hints(cls)
    for field in attrs.fields(cls):
        if not private and _left_out(cls, field):
            continue
        name = field.metadata.get("column", field.name)
        kind, optional = field_type(hints[field.name])
        values = sheet[field.name]  # the dataset's column: no record built
        if isinstance(kind, type) and issubclass(kind, Vocabulary):
            columns[name] = _categorical(pd, kind, values, labels)
        elif kind is PartialDate:
            columns.update(_partial_dates(pd, name, values))
        elif kind is dt.date:
            columns[name] = _datetimes(pd, values)
        elif kind is Decimal:
            columns[name] = pd.array(
                _by_identity(values, lambda v: float("nan") if v is None else float(v), "float64"),
                dtype="float64",
            )
        elif kind is bool:
            columns[name] = pd.array(tuple(values), dtype="boolean")
        elif kind is int:
            columns[name] = pd.array(tuple(values), dtype="Int64" if optional else "int64")
        elif kind is str:
            columns[name] = _strings(pd, values)
        elif isinstance(kind, type) and issubclass(kind, enum.Enum):
            columns[name] = _categorical(pd, kind, values, False)
        else:  # a tuple (partners, weekdays, exceptions), a time: plain values in a cell
            columns[name] = pd.array(
                _by_identity(values, lambda v: _plain(v, labels)), dtype=object
            )
    return columns


@views.DATASET_FRAMES.register
def dataset_frames(data: Dataset, private: bool, labels: bool) -> dict[str, DataFrame]:
    """See :meth:`Dataset.to_frames`."""
    pd = import_pandas()
    frames: dict[str, DataFrame] = {}
    for sheet, _, _ in TABLES:
        found = data.columns(sheet)
        columns = _columns(pd, found, private=private, labels=labels)
        frames[sheet] = pd.DataFrame(columns, index=pd.RangeIndex(len(found)))
    frames["parcours"] = pathways_frame(pd, data, labels, _distinct, _from_days, _day)
    return frames


#: The columns of every bilan frame (a site's, a network's, one table's), in order.
BILAN_COLUMNS = (
    "tableau",
    "code",
    "libelle",
    "effectif",
    "part",
    "montant",
    "masque",
    "site",
    "debut",
    "fin",
)


@attrs.frozen
class _Row:
    """One row of a bilan frame: a count (``effectif``) and its share in percent
    (``part``), or an amount in euros (``montant``) and its share."""

    table: str
    code: str
    label: str
    count: int | None = None
    share: float | None = None
    amount: float | None = None
    masked: bool = False


def _counts(table: str, rows: Iterable[tuple[str, str, int | None, int | None]]) -> list[_Row]:
    """Rows of counts that a public bilan may mask (None: masked)."""
    return [
        _Row(
            table=table,
            code=code,
            label=label,
            count=count,
            share=None if share is None else float(share),
            masked=count is None,
        )
        for code, label, count, share in rows
    ]


def _table_rows(table: Table[int | None]) -> list[_Row]:
    return _counts(table.key, ((r.code, r.label, r.count, r.share) for r in table.rows))


def _bilan_rows(bilan: PublicBilan) -> list[_Row]:
    """Every table of the bilan as rows, in the bilan JSON's order: the portrait tables,
    the indicators, the programmes, the animations, the orientations of the period, the
    funding of the year and the reach."""
    rows = [row for table in bilan.tables.values() for row in _table_rows(table)]
    indicators = bilan.indicators
    rows += _counts(
        "indicateurs",
        ((i.key, i.short, getattr(indicators, i.attribute), None) for i in INDICATOR_LABELS),
    )
    rows += _counts(
        "programmes_orientes",
        ((p.programme, p.programme, p.oriented, None) for p in bilan.programmes),
    )
    rows += _counts(
        "programmes_retenus",
        ((p.programme, p.programme, p.retained, None) for p in bilan.programmes),
    )
    rows += _counts("animations", ((a.code, a.label, a.number, None) for a in bilan.animations))
    rows += _counts(
        "animations_participants",
        ((a.code, a.label, a.participants, None) for a in bilan.animations),
    )
    period = bilan.orientations_period
    rows += _counts("orientations_periode", ((o.code, o.label, o.persons, o.share) for o in period))
    rows += _counts(
        "orientations_periode_orientations",
        ((o.code, o.label, o.orientations, None) for o in period),
    )
    if bilan.funding is not None:
        rows += [
            _Row(
                table="financement",
                code=c.funder.code,
                label=c.funder.label,
                share=float(c.share),
                amount=float(c.amount),
            )
            for c in bilan.funding.contributions
        ]
    rows += _counts(
        "portee", ((r.neighbourhood, r.neighbourhood, r.accompanied, None) for r in bilan.reach)
    )
    rows += _counts(
        "portee_population",
        ((r.neighbourhood, r.neighbourhood, r.population, None) for r in bilan.reach),
    )
    return rows


def _rows_frame(rows: Sequence[_Row], site: str, start: dt.date, end: dt.date) -> DataFrame:
    pd = import_pandas()
    size = len(rows)
    frame: DataFrame = pd.DataFrame(
        {
            "tableau": pd.array([r.table for r in rows], dtype="string"),
            "code": pd.array([r.code for r in rows], dtype="string"),
            "libelle": pd.array([r.label for r in rows], dtype="string"),
            "effectif": pd.array([r.count for r in rows], dtype="Int64"),
            "part": pd.array([r.share for r in rows], dtype="Float64"),
            "montant": pd.array([r.amount for r in rows], dtype="Float64"),
            "masque": pd.array([r.masked for r in rows], dtype="bool"),
            "site": pd.array([site] * size, dtype="string"),
            "debut": _datetimes(pd, [start] * size),
            "fin": _datetimes(pd, [end] * size),
        },
        index=pd.RangeIndex(size),
    )
    return frame


@views.BILAN_FRAME.register
def bilan_frame(bilan: PublicBilan) -> DataFrame:
    """See :meth:`Bilan.to_frame`."""
    return _rows_frame(_bilan_rows(bilan), bilan.site, bilan.start, bilan.end)


@views.TABLE_FRAME.register
def table_frame(table: Table[int | None]) -> DataFrame:
    """See :meth:`Table.to_frame`: the bilan frame's columns but the site and period
    (a table does not know them)."""
    frame = _rows_frame(_table_rows(table), "", dt.date.min, dt.date.min)
    return frame.drop(columns=["site", "debut", "fin"])


@views.COMPARISON_FRAME.register
def comparison_frame(comparison: Comparison) -> DataFrame:
    """See :meth:`Comparison.to_frame`."""
    pd = import_pandas()

    def column(values: list[int | None]) -> object:
        return pd.array(values, dtype="Int64")

    def share(values: list[int | None]) -> object:  # a share is Float64 in every frame
        return pd.array([None if v is None else float(v) for v in values], dtype="Float64")

    rows = comparison.rows
    frame: DataFrame = pd.DataFrame(
        {
            "tableau": pd.array([r.table for r in rows], dtype="string"),
            "code": pd.array([r.code for r in rows], dtype="string"),
            "libelle": pd.array([r.label for r in rows], dtype="string"),
            "effectif_avant": column([r.count_before for r in rows]),
            "effectif_apres": column([r.count_after for r in rows]),
            "evolution": column([r.count_change for r in rows]),
            "part_avant": share([r.share_before for r in rows]),
            "part_apres": share([r.share_after for r in rows]),
            "evolution_points": share([r.share_change for r in rows]),
        }
    )
    return frame


@views.PERSONS_FRAME.register
def persons_frame(bilan: PublicBilan) -> DataFrame:
    """See :meth:`Bilan.persons_frame`."""
    counted = bilan.counted_persons
    if counted is None:
        raise UsageError(
            "ce bilan n'a pas la liste des personnes comptées (bilan relu d'un fichier JSON "
            "ou bilan de réseau) : calculez-le depuis les données (compute_bilan)"
        )
    pd = import_pandas()
    frame: DataFrame = pd.DataFrame(
        {
            "porteur": pd.array(counted.ids, dtype="string"),
            "nouveau": pd.array(counted.new, dtype="bool"),
            "tranche_age": _categorical(pd, AgeBracket, counted.age_bracket, False),
            "sexe": _categorical(pd, Sex, counted.sex, False),
            "statut_residence": _categorical(pd, ResidenceStatus, counted.residence, False),
            "code_qpv": pd.array(counted.qpv_code, dtype="string"),
            "stade_entree": _categorical(pd, Stage, counted.stage_at_entry, False),
            "orientation_premier_rdv": _categorical(
                pd, OrientationCategory, counted.orientation, False
            ),
            "resultat": _categorical(pd, ExitResult, counted.exit_result, False),
            "programmes": pd.array(
                [counted.programmes.get(pid, ()) for pid in counted.ids], dtype=object
            ),
        },
        index=pd.RangeIndex(len(counted.ids)),
    )
    return frame
