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
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers._cells import DateParser, common_days_by_loop
from citeslab_core.readers._days import MANY_TEXTS, common_days

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


def _days_written(texts: list[str]) -> list[dt.date]:
    """The days the texts write in either form, whatever their year."""
    days = []
    for text in texts:
        for form in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                days.append(dt.datetime.strptime(text, form).date())
            except ValueError:
                continue
    return days


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_NEAR, max_size=60, unique=True), partial=st.booleans(), data=st.data())
def test_numpy_reads_the_texts_as_the_loop(
    texts: list[str], partial: bool, data: st.DataObject
) -> None:
    """NumPy's reading of many texts at once (a birth-date column, when NumPy is
    imported) finds the loop's values, the very object a column had already made for a
    day (even out of the years' range), one object per day, and leaves the same texts in
    the same order."""
    written = sorted(set(_days_written(texts)))
    made_days = data.draw(
        st.lists(st.sampled_from(written), unique=True) if written else st.just([])
    )
    made: dict[object, object] = {day: [f"made {day}"] for day in made_days}
    by_loop, by_numpy = dict(made), dict(made)
    found, rest = common_days(texts, by_numpy, partial)
    expected, expected_rest = common_days_by_loop(texts, by_loop, partial)
    assert found == expected
    assert rest == expected_rest
    assert by_numpy == by_loop  # the same days made
    kept = {id(value) for value in by_numpy.values()}
    for text, value in found.items():
        assert id(value) in kept  # the column's object for the day
        if isinstance(expected[text], list):  # made before: that very object
            assert value is expected[text]


def test_numpy_reads_a_birth_column_as_the_loop() -> None:
    """Thousands of distinct days in both forms (a birth-date column), and days that do
    not exist (29 February of a common year, a 31 April, a month 13), through
    ``DateParser.common``: NumPy from :data:`MANY_TEXTS` texts on, the loop below."""
    start = dt.date(1950, 1, 1)
    days = [start + dt.timedelta(days=n) for n in range(0, 20_000, 7)]
    texts = [d.isoformat() for d in days] + [d.strftime("%d/%m/%Y") for d in days]
    texts += ["2023-02-29", "29/02/2024", "31/04/2020", "2020-13-01", "0000-01-01"]
    texts += ["1899-12-31", "01/01/2101", "2020-1-011", "2020/01/01", "１９５０-01-01"]
    assert len(texts) >= MANY_TEXTS
    parse = DateParser(True, None, True)
    found, rest = parse.common(texts)
    expected, expected_rest = common_days_by_loop(texts, {}, True)
    assert found == expected
    assert rest == expected_rest
    assert rest == [
        "2023-02-29", "31/04/2020", "2020-13-01", "0000-01-01", "1899-12-31", "01/01/2101",
        "2020-1-011", "2020/01/01", "１９５０-01-01",
    ]  # fmt: skip
    assert found["29/02/2024"] == PartialDate.day(dt.date(2024, 2, 29))
    assert found["1950-01-01"] is found["01/01/1950"]
    assert len({id(v) for v in found.values()}) == len(days) + 1
