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

The sheets' frames are built column by column in :mod:`._dataset_frame`, the
``parcours`` frame in :mod:`._pathway_frame`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from citeslab_core.errors import UsageError
from citeslab_core.model import Dataset
from citeslab_core.model import _views as views
from citeslab_core.render._dataset_frame import categorical, datetimes, sheet_frames
from citeslab_core.render.labels import INDICATORS as INDICATOR_LABELS
from citeslab_core.vocabularies import (
    AgeBracket,
    ExitResult,
    OrientationCategory,
    ResidenceStatus,
    Sex,
    Stage,
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


@views.DATASET_FRAMES.register
def dataset_frames(data: Dataset, private: bool, labels: bool) -> dict[str, DataFrame]:
    """See :meth:`Dataset.to_frames`."""
    return sheet_frames(import_pandas(), data, private=private, labels=labels)


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
            "debut": datetimes(pd, [start] * size),
            "fin": datetimes(pd, [end] * size),
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
            "tranche_age": categorical(pd, AgeBracket, counted.age_bracket, False),
            "sexe": categorical(pd, Sex, counted.sex, False),
            "statut_residence": categorical(pd, ResidenceStatus, counted.residence, False),
            "code_qpv": pd.array(counted.qpv_code, dtype="string"),
            "stade_entree": categorical(pd, Stage, counted.stage_at_entry, False),
            "orientation_premier_rdv": categorical(
                pd, OrientationCategory, counted.orientation, False
            ),
            "resultat": categorical(pd, ExitResult, counted.exit_result, False),
            "programmes": pd.array(
                [counted.programmes.get(pid, ()) for pid in counted.ids], dtype=object
            ),
        },
        index=pd.RangeIndex(len(counted.ids)),
    )
    return frame
