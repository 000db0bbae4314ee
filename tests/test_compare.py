"""compare(before, after): the evolution of every table row and indicator."""

from __future__ import annotations

import pandas as pd

from citeslab_core import Comparison, compare, compute_bilan, load_example


def test_compare_two_years_of_the_example() -> None:
    data = load_example()
    before, after = compute_bilan(data, year=2022), compute_bilan(data, year=2023)
    comparison: Comparison = compare(before, after)
    women = comparison.row("sexe", "F")
    assert women is not None
    was, now = before.table("sexe").row("F"), after.table("sexe").row("F")
    assert was is not None
    assert now is not None
    assert (women.count_before, women.count_after) == (was.count, now.count)
    assert women.count_change == (now.count or 0) - (was.count or 0)
    assert women.share_change == (now.share or 0) - (was.share or 0)
    accompanied = comparison.row("indicateurs", "accompagnes")
    assert accompanied is not None
    assert accompanied.count_change == after.accompanied - before.accompanied
    assert accompanied.share_change is None
    # every row of every table, then the twelve indicators
    rows = sum(len(t.rows) for t in after.tables.values())
    assert len(comparison.rows) >= rows + 12
    assert comparison.rows[-1].table == "indicateurs"
    # shares of a table change by points that add up to 0
    for key in after.tables:
        changes = [r.share_change for r in comparison if r.table == key]
        if all(c is not None for c in changes) and before.tables[key].total:
            assert sum(c or 0 for c in changes) == sum(
                (r.share or 0) for r in after.tables[key].rows
            ) - sum((r.share or 0) for r in before.tables[key].rows)
    assert repr(comparison) == (
        "<Comparison du 2022-01-01 au 2022-12-31 → du 2023-01-01 au 2023-12-31 : "
        f"{len(comparison.rows)} lignes>"
    )


def test_a_masked_value_has_no_change() -> None:
    data = load_example()
    comparison = compare(
        compute_bilan(data, year=2022, public=True), compute_bilan(data, year=2023, public=True)
    )
    masked = [r for r in comparison if r.count_before is None or r.count_after is None]
    assert masked
    assert all(r.count_change is None for r in masked)


def test_a_row_only_one_side_has() -> None:
    data = load_example()
    whole = compute_bilan(data, year=2023)
    part = compute_bilan(data.subset(lambda p: p.neighbourhood == "Kerourien"), year=2023)
    comparison = compare(part, whole)
    hoods = {r.code for r in comparison if r.table == "quartier"}
    assert hoods == {r.code for r in whole.table("quartier").rows} | {
        r.code for r in part.table("quartier").rows
    }


def test_comparison_frame() -> None:
    data = load_example()
    comparison = compare(compute_bilan(data, year=2022), compute_bilan(data, year=2023))
    frame = comparison.to_frame()
    assert list(frame.columns) == [
        "tableau",
        "code",
        "libelle",
        "effectif_avant",
        "effectif_apres",
        "evolution",
        "part_avant",
        "part_apres",
        "evolution_points",
    ]
    assert len(frame) == len(comparison.rows)
    women = frame[(frame.tableau == "sexe") & (frame.code == "F")].iloc[0]
    row = comparison.row("sexe", "F")
    assert row is not None
    assert women["evolution_points"] == row.share_change
    assert pd.isna(frame[frame.tableau == "indicateurs"]["evolution_points"]).all()
