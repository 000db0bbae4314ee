"""The date columns' quick reading (issue 26): the two commonest forms of a day,
``2023-03-14`` and ``14/03/2023``, read many at once (``DateParser.common``) as
``parse_date`` reads each; every other text is left to it; and a date column holds one
object per date whatever form each cell took (the fingerprint and the frames count on it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core import read_input
from citeslab_core.errors import CellError
from citeslab_core.readers._cells import DateParser

#: Texts near the two forms: valid days, days that do not exist, years out of range,
#: other separators, spaces, non-ASCII digits, two-digit years.
_DIGITS = st.sampled_from("0123456789")


def _number(size: int) -> st.SearchStrategy[str]:
    return st.text(_DIGITS, min_size=size, max_size=size)


_NEAR = st.one_of(
    st.builds(lambda y, m, d: f"{y}-{m}-{d}", _number(4), _number(2), _number(2)),
    st.builds(lambda d, m, y: f"{d}/{m}/{y}", _number(2), _number(2), _number(4)),
    st.dates(dt.date(1850, 1, 1), dt.date(2200, 12, 31)).map(dt.date.isoformat),
    st.dates(dt.date(1850, 1, 1), dt.date(2200, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.builds(
        lambda d, sep: d.strftime(f"%d{sep}%m{sep}%y"),
        st.dates(dt.date(1950, 1, 1), dt.date(2060, 12, 31)),
        st.sampled_from("/.-"),
    ),
    st.dates().map(lambda d: f" {d.isoformat()} "),
    st.just("١٤/٠٣/٢٠٢٣"),  # Arabic-Indic digits: left to parse_date
    st.text(max_size=12),
)


def _by_parse_date(parse: DateParser, text: str) -> object:
    try:
        return parse(text)
    except CellError as exc:
        return ("error", str(exc))


@settings(max_examples=300, deadline=None)
@given(
    texts=st.lists(_NEAR, max_size=30, unique=True),
    partial=st.booleans(),
    birth=st.booleans(),
    year=st.one_of(st.none(), st.integers(1800, 2200)),
)
def test_the_quick_reading_reads_as_parse_date(
    texts: list[str], partial: bool, birth: bool, year: int | None
) -> None:
    parse = DateParser(partial, year, birth)
    found, rest = parse.common(texts)
    assert sorted([*found, *rest]) == sorted(texts)  # each text once, either way
    for text, value in found.items():
        assert value == _by_parse_date(parse, text), text
    days = list(found.values())
    for a in days:  # one object per day
        assert all(a is b for b in days if a == b)


def test_a_date_column_holds_one_object_per_date(tmp_path: Path) -> None:
    """The same day written in both forms, in a person's birth date and in the events'
    dates, read as one object (pure path; the Arrow path is held equal to it by
    tests/test_arrow.py)."""
    (tmp_path / "porteurs.csv").write_text(
        "id;sexe;date_naissance\nP1;F;1985-06-15\nP2;H;15/06/1985\nP3;F; 15/06/1985 \n",
        encoding="utf-8",
    )
    (tmp_path / "suivis.csv").write_text(
        "porteur;date;type\nP1;2023-03-14;entretien\nP2;14/03/2023;entretien\n"
        "P3;14/03/2023;entretien\nP3;2023-03-14;point_etape\n",
        encoding="utf-8",
    )
    data = read_input(tmp_path)
    births = list(data.columns("porteurs")["birth"])
    dates = list(data.columns("suivis")["date"])
    assert births[0] == dt.date(1985, 6, 15) or births[0].start == dt.date(1985, 6, 15)
    assert len({id(value) for value in births}) == 1
    assert dates[0] == dt.date(2023, 3, 14)
    assert len({id(value) for value in dates}) == 1
