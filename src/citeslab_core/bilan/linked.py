"""The linked tables of a public bilan, protected together (docs/public-mode.md).

:func:`citeslab_core.bilan.disclosure.suppress` protects each table against its own total. The
tables of a bilan are also linked: the QPV rows of ``quartier`` add up to the ``qpv`` row
of ``statut_residence`` (and the ``qpv_limite``, ``hors_qpv`` rows likewise) when every
person's status is their neighbourhood's; a neighbourhood's row in ``quartier`` is its row
in the per-QPV breakdown; each QPV's sex and age tables add up to its count, and the QPV
counts to the ``qpv`` row. INSEE's manual of table protection asks that linked tables be
protected together.

:func:`link_cells` writes every published count of those tables as a cell, with its true
value and its mask, and every relation that holds for the true counts (a relation that
does not hold gives a reader a wrong answer, so only those that hold are a risk).
:mod:`citeslab_core.bilan._published` adds every other count a bilan publishes and runs
the self-audit of :func:`citeslab_core.bilan.disclosure.protect` over them all (exact
linear algebra: no masked count from 1 to k−1 can be recovered); :func:`mask_rows` and
:func:`mask_qpv_rows` write the masks it adds back into the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from citeslab_core.bilan.disclosure import LinkedCells, exposed_cells

if TYPE_CHECKING:
    from citeslab_core.bilan import QpvRow, Table

__all__ = ["add_qpv_place", "audit", "link_cells", "mask_qpv_rows", "mask_rows"]

_STATUSES = ("qpv", "qpv_limite", "hors_qpv")


@attrs.define
class _Builder:
    values: list[int] = attrs.field(factory=list)
    masked: list[bool] = attrs.field(factory=list)
    labels: list[str] = attrs.field(factory=list)
    places: list[tuple[str, ...]] = attrs.field(factory=list)
    relations: list[tuple[tuple[tuple[int, int], ...], int]] = attrs.field(factory=list)

    def cell(self, value: int, masked: bool, label: str, place: tuple[str, ...]) -> int:
        self.values.append(value)
        self.masked.append(masked)
        self.labels.append(label)
        self.places.append(place)
        return len(self.values) - 1

    def relate(self, terms: Sequence[tuple[int, int]], constant: int) -> None:
        """Add ``Σ a × cell = constant`` if it holds for the true counts."""
        if terms and sum(a * self.values[i] for i, a in terms) == constant:
            self.relations.append((tuple(terms), constant))


def _table_cells(
    builder: _Builder, table: Table[int | None], truth: Table[int | None], place: tuple[str, ...]
) -> dict[str, int]:
    cells = {}
    for row in table.rows:
        true_row = truth.row(row.code)
        value = true_row.count if true_row is not None and true_row.count is not None else 0
        label = f"{'/'.join(place)}[{row.code}]"
        cells[row.code] = builder.cell(value, row.count is None, label, (*place, row.code))
    return cells


def link_cells(
    tables: Mapping[str, Table[int | None]],
    truth: Mapping[str, Table[int | None]],
    qpv_rows: Sequence[QpvRow[int | None]],
    true_qpv_rows: Sequence[QpvRow[int | None]],
    statuses: Mapping[str, str | None],
    accompanied: int,
) -> tuple[LinkedCells, list[tuple[str, ...]]]:
    """The cells and relations of the linked tables (see the module docstring), and where
    each cell is: ``("table", key, code)``, ``("qpv", n)``, ``("qpv", n, "sexe"|"tranche_age",
    code)``. ``statuses``: each declared neighbourhood's residence status code."""
    builder = _Builder()
    by_table: dict[str, dict[str, int]] = {}
    for key, table in tables.items():
        cells = _table_cells(builder, table, truth[key], ("table", key))
        by_table[key] = cells
        builder.relate([(i, 1) for i in cells.values()], accompanied)
    quartier = by_table.get("quartier", {})
    residence = by_table.get("statut_residence", {})
    for status in _STATUSES:
        if status not in residence:
            continue
        hoods = [quartier[name] for name, s in statuses.items() if s == status and name in quartier]
        if hoods:
            builder.relate([*((i, 1) for i in hoods), (residence[status], -1)], 0)
    qpv_cells = []
    for n, (row, true_row) in enumerate(zip(qpv_rows, true_qpv_rows, strict=True)):
        value = true_row.accompanied or 0
        cell = builder.cell(
            value, row.accompanied is None, f"qpv[{row.neighbourhood}]", ("qpv", str(n))
        )
        qpv_cells.append(cell)
        for part, table, true_table in (
            ("sexe", row.sex, true_row.sex),
            ("tranche_age", row.age, true_row.age),
        ):
            cells = _table_cells(builder, table, true_table, ("qpv", str(n), part))
            builder.relate([*((i, 1) for i in cells.values()), (cell, -1)], 0)
        if row.neighbourhood in quartier:
            builder.relate([(quartier[row.neighbourhood], 1), (cell, -1)], 0)
    if qpv_cells and "qpv" in residence:
        builder.relate([*((i, 1) for i in qpv_cells), (residence["qpv"], -1)], 0)
    linked = LinkedCells(
        tuple(builder.values),
        tuple(builder.masked),
        tuple(builder.relations),
        tuple(builder.labels),
    )
    return linked, builder.places


def mask_rows(table: Table[int | None], codes: set[str]) -> Table[int | None]:
    """``table`` with the rows of ``codes`` masked (count and share)."""
    if not codes:
        return table
    rows = tuple(
        attrs.evolve(row, count=None, share=None) if row.code in codes else row
        for row in table.rows
    )
    return attrs.evolve(table, rows=rows)


def add_qpv_place(by_qpv: dict[int, dict[str, set[str]]], place: tuple[object, ...]) -> None:
    """Note a QPV cell to mask in ``by_qpv``: ``("qpv", n)`` the n-th row's count (noted as
    the part ``""``), ``("qpv", n, "sexe" | "tranche_age", code)`` a cell of its tables."""
    parts = by_qpv.setdefault(int(str(place[1])), {})
    if len(place) == 2:
        parts.setdefault("", set())
    else:
        parts.setdefault(str(place[2]), set()).add(str(place[3]))


def mask_qpv_rows(
    rows: Sequence[QpvRow[int | None]], by_qpv: Mapping[int, Mapping[str, set[str]]]
) -> tuple[QpvRow[int | None], ...]:
    """``rows`` with the cells noted in ``by_qpv`` masked; a row whose count is masked has
    its tables' totals masked too."""
    masked = list(rows)
    for n, parts in by_qpv.items():
        row = masked[n]
        hide = "" in parts or row.accompanied is None
        sex = mask_rows(row.sex, parts.get("sexe", set()))
        age = mask_rows(row.age, parts.get("tranche_age", set()))
        if hide:
            sex, age = attrs.evolve(sex, total=None), attrs.evolve(age, total=None)
        masked[n] = attrs.evolve(
            row, accompanied=None if hide else row.accompanied, sex=sex, age=age
        )
    return tuple(masked)


def audit(
    tables: Mapping[str, Table[int | None]],
    truth: Mapping[str, Table[int | None]],
    qpv_rows: Sequence[QpvRow[int | None]],
    true_qpv_rows: Sequence[QpvRow[int | None]],
    statuses: Mapping[str, str | None],
    accompanied: int,
    k: int,
) -> list[str]:
    """The labels of the masked counts from 1 to k−1 that a reader can recover exactly
    from a published bilan (its tables and QPV rows) — the self-audit, for tests and
    reviewers: empty for a public bilan, except in tables its
    ``secret_statistique_limite`` check names."""
    cells, _ = link_cells(tables, truth, qpv_rows, true_qpv_rows, statuses, accompanied)
    return [cells.labels[i] for i in exposed_cells(cells, k)]
