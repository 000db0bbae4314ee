"""Two bilans side by side: the evolution of every table row and indicator.

:func:`compare` takes two bilans (two years, two sites, a site and a subset of it) and
gives, for each row of each portrait table and for each activity indicator, the count
before and after and its change, and for table rows the share before and after and its
change in percentage points. A masked value (public mode) makes its change unknown (None).
:meth:`Comparison.to_frame` gives it as a pandas DataFrame (``citeslab[pandas]``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from citeslab_core.model import _views as views
from citeslab_core.model import guards
from citeslab_core.render.labels import INDICATORS as LABELS

if TYPE_CHECKING:
    from pandas import DataFrame

    from citeslab_core.bilan import Indicators, PublicBilan, Table

__all__ = ["Comparison", "Evolution", "compare"]

#: The indicators compared, as the bilan JSON names them, and their attribute.
INDICATORS: tuple[tuple[str, str], ...] = tuple((i.key, i.attribute) for i in LABELS)


def _difference(before: int | None, after: int | None) -> int | None:
    return None if before is None or after is None else after - before


@attrs.frozen
class Evolution:
    """One compared figure: a table row (``table`` and its ``code``) or an indicator
    (``table`` is ``"indicateurs"``, ``code`` its name).

    ``count_change`` is ``count_after - count_before``; ``share_change`` the change of the
    share in percentage points (None for an indicator). A value missing from one bilan
    (a row the other has not, a masked count) makes its change None.
    """

    table: str
    code: str
    label: str
    count_before: int | None
    count_after: int | None
    share_before: int | None
    share_after: int | None

    @property
    def count_change(self) -> int | None:
        return _difference(self.count_before, self.count_after)

    @property
    def share_change(self) -> int | None:
        return _difference(self.share_before, self.share_after)


@attrs.frozen(repr=False)
class Comparison:
    """The evolution from ``before`` to ``after`` (two bilans' periods and sites), table
    rows first (tables in the bilan's order, rows in the table's order), then the
    indicators."""

    site_before: str
    site_after: str
    period_before: tuple[str, str]
    period_after: tuple[str, str]
    rows: tuple[Evolution, ...]

    def __iter__(self) -> Iterator[Evolution]:
        return iter(self.rows)

    def row(self, table: str, code: str) -> Evolution | None:
        """The evolution of one table row (or of an indicator: ``table="indicateurs"``)."""
        guards.instance(table, str, "table", "une clé de tableau (« sexe »)")
        guards.instance(code, str, "code", "un code (« F »)")
        for row in self.rows:
            if row.table == table and row.code == code:
                return row
        return None

    def __repr__(self) -> str:
        before, after = self.period_before, self.period_after
        return (
            f"<Comparison du {before[0]} au {before[1]} → du {after[0]} au {after[1]} : "
            f"{len(self.rows)} lignes>"
        )

    def to_frame(self) -> DataFrame:
        """The comparison as a pandas DataFrame (``citeslab[pandas]``): columns
        ``tableau``, ``code``, ``libelle``, ``effectif_avant``, ``effectif_apres``,
        ``evolution``, ``part_avant``, ``part_apres``, ``evolution_points``."""
        return views.COMPARISON_FRAME(self)

    def _repr_html_(self) -> str:
        """The evolution as an HTML table (no identity: the bilans hold none)."""
        return views.COMPARISON_HTML(self)


def _table_rows(
    key: str, before: Table[int | None] | None, after: Table[int | None] | None
) -> Iterator[Evolution]:
    old = {row.code: row for row in before.rows} if before is not None else {}
    new = {row.code: row for row in after.rows} if after is not None else {}
    codes = list(new) + [code for code in old if code not in new]
    for code in codes:
        was, now = old.get(code), new.get(code)
        label = (now or was).label  # type: ignore[union-attr]  # one of them has the code
        yield Evolution(
            table=key,
            code=code,
            label=label,
            count_before=was.count if was is not None else None,
            count_after=now.count if now is not None else None,
            share_before=was.share if was is not None else None,
            share_after=now.share if now is not None else None,
        )


_INDICATOR_LABELS = {i.key: i.short for i in LABELS}


def _indicator(indicators: Indicators[int | None], attribute: str) -> int | None:
    value: int | None = getattr(indicators, attribute)
    return value


def compare(before: PublicBilan, after: PublicBilan) -> Comparison:
    """The evolution of every portrait table row and activity indicator from ``before``
    to ``after``: counts, and shares in percentage points."""
    from citeslab_core.bilan import Bilan

    guards.instance(before, Bilan, "before", "un bilan (compute_bilan(…))")
    guards.instance(after, Bilan, "after", "un bilan (compute_bilan(…))")
    rows: list[Evolution] = []
    keys = list(after.tables) + [key for key in before.tables if key not in after.tables]
    for key in keys:
        rows.extend(_table_rows(key, before.tables.get(key), after.tables.get(key)))
    for name, attribute in INDICATORS:
        rows.append(
            Evolution(
                table="indicateurs",
                code=name,
                label=_INDICATOR_LABELS[name],
                count_before=_indicator(before.indicators, attribute),
                count_after=_indicator(after.indicators, attribute),
                share_before=None,
                share_after=None,
            )
        )
    return Comparison(
        site_before=before.site,
        site_after=after.site,
        period_before=(before.start.isoformat(), before.end.isoformat()),
        period_after=(after.start.isoformat(), after.end.isoformat()),
        rows=tuple(rows),
    )
