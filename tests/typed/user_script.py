"""What an analyst's or a tool's script writes, checked by ``mypy --strict`` in CI (it is
under tests/, which mypy checks) and run by tests/test_typing.py: every name comes from
``citeslab_core`` with its real type."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from citeslab_core import (
    TABLE_KEYS,
    Bilan,
    CitesLabError,
    Comparison,
    Dataset,
    Evolution,
    Finding,
    FollowUp,
    Period,
    Person,
    PublicBilan,
    Registry,
    Sex,
    Table,
    TableKey,
    TableRow,
    __version__,
    check_rules,
    compare,
    compute_bilan,
    compute_followup,
    load_example,
)


def women_share(bilan: Bilan) -> int | None:
    sex: Table = bilan.table("sexe")
    row: TableRow | None = sex.row(Sex.F)
    return row.share if row is not None else None


def main() -> None:
    data: Dataset = load_example()
    year: Bilan = compute_bilan(data, year=2023)
    quarter: Bilan = compute_bilan(data, period=Period.quarter(2023, 2))
    span: PublicBilan = compute_bilan(data, dt.date(2023, 1, 1), dt.date(2023, 6, 30), public=True)
    # A bilan's counts are int; a public one's may be masked (None).
    creations: int = year.indicators.creations
    masked: int | None = span.indicators.creations
    assert creations >= 0
    assert masked is None or masked >= 0
    assert quarter.start == dt.date(2023, 4, 1)
    assert span.public
    keys: tuple[TableKey, ...] = TABLE_KEYS
    assert len(keys) == len(year.tables)

    def in_kerourien(person: Person) -> bool:
        return person.neighbourhood == "Kerourien"

    local: Bilan = compute_bilan(data.subset(in_kerourien), year=2023)
    assert local.subset
    change: Comparison = compare(compute_bilan(data, year=2022), year)
    first: Evolution = change.rows[0]
    points: int | None = first.share_change
    frames: dict[str, pd.DataFrame] = data.to_frames()
    tidy: pd.DataFrame = year.to_frame()
    assert len(frames["porteurs"]) == len(data.persons)
    assert len(tidy) >= sum(len(t.rows) for t in year.tables.values())  # and the other tables
    findings: list[Finding] = check_rules(data, dt.date(2023, 10, 1))
    todo: FollowUp = compute_followup(data, dt.date(2023, 10, 1))
    names: list[str] = Registry.from_entry_points().names()
    version: str = __version__
    try:
        compute_bilan(data, year=2023, period=Period.year(2023))  # type: ignore[call-overload]
    except CitesLabError as error:
        message: str = str(error)
        assert "période" in message
    print(women_share(year), points, len(findings), todo.open_pathways, names, version)


if __name__ == "__main__":
    main()
