"""Safe display: short reprs, and no repr or HTML display ever shows an identity or
free-text value (a saved notebook must not carry personal data)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser

import attrs
import pandas as pd
from hypothesis import given, settings

from citeslab_core import (
    Bilan,
    Dataset,
    FollowUp,
    Person,
    Table,
    compare,
    compute_bilan,
    compute_followup,
    load_example,
)
from citeslab_core.french import typeset
from citeslab_core.render.display import ROOT
from strategies import datasets, secrets

PERIOD = (dt.date(2021, 1, 1), dt.date(2025, 12, 31))


def reachable(obj: object) -> Iterator[object]:
    """``obj`` and every record, row and table inside it (not the values themselves)."""
    if not isinstance(obj, str | int | dt.date | type(None)):
        yield obj
    cls = type(obj)
    if attrs.has(cls):
        for field in attrs.fields(cls):
            yield from reachable(getattr(obj, field.name))
    elif isinstance(obj, tuple | list):
        for item in obj:
            yield from reachable(item)
    elif isinstance(obj, Mapping):
        for item in obj.values():
            yield from reachable(item)


def html_of(obj: object) -> Iterator[str]:
    show = getattr(obj, "_repr_html_", None)
    if show is not None:
        yield show()


def displays(data: Dataset) -> Iterator[str]:
    yield repr(data)
    yield data._repr_html_()
    for part in reachable(data):
        yield repr(part)
        yield from html_of(part)
    bilans = []
    for public in (False, True):
        bilan = compute_bilan(data, *PERIOD, public=public)
        bilans.append(bilan)
        yield bilan._repr_html_()
        for part in reachable(bilan):
            yield repr(part)
            yield from html_of(part)
    change = compare(*bilans)
    yield repr(change)
    yield change._repr_html_()
    for day in (PERIOD[0], dt.date(2023, 6, 30), PERIOD[1]):
        todo = compute_followup(data, day)
        yield repr(todo)
        yield todo._repr_html_()
        for part in reachable(todo):
            yield repr(part)
        yield todo.to_frame().to_csv()


@settings(max_examples=40, deadline=None)
@given(datasets(identity=secrets))
def test_no_repr_shows_an_identity_or_free_text(data: Dataset) -> None:
    for subset in (data, data.subset(lambda person: person.sex is None)):
        for shown in displays(subset):
            assert "Secret" not in shown


@settings(max_examples=30, deadline=None)
@given(datasets(identity=secrets))
def test_the_follow_up_names_people_only_when_asked(data: Dataset) -> None:
    """Its repr and HTML give counts by rule and severity and the ids; the names and
    phones come with ``to_frame(private=True)`` only, one per listed person who has one."""
    todo = compute_followup(data, PERIOD[1])
    shown = repr(todo) + todo._repr_html_() + todo.to_frame().to_csv()
    assert "Secret" not in shown
    for person in todo.persons:
        assert person in repr(todo) or len(todo.persons) > 20
        assert person in todo._repr_html_()
    for finding in todo.findings:
        assert f"{finding.rule} {finding.severity.value}" in repr(todo)
    private = todo.to_frame(private=True)
    assert len(private) == len(todo.findings)
    assert list(private["porteur"]) == [f.person for f in todo.findings]
    by_id = {p.id: p for p in data.persons}
    columns = (private["porteur"], private["nom"], private["telephone"])
    for pid, name, phone in zip(*columns, strict=True):
        listed = by_id[pid]
        first, last = listed.first_name, listed.last_name
        expected = f"{first} {last}" if first and last else (first or last)
        assert (None if name is pd.NA else name) == expected
        assert (None if phone is pd.NA else phone) == listed.phone


def test_the_example_shows_no_identity() -> None:
    data = load_example()
    private = {
        value
        for person in data.persons
        for value in (
            f"{person.first_name} {person.last_name}",
            person.phone,
            person.email,
            person.address,
            person.comment,
            person.project_idea,
        )
        if value and value != "None None"
    }
    private |= {event.comment for event in data.events if event.comment}
    private |= {referent for event in data.events if (referent := event.referent)}
    assert private  # the example has names to hide
    shown = "\n".join(displays(data))
    assert not [value for value in private if value in shown]


def test_a_record_repr_leaves_out_private_fields() -> None:
    person = Person("P1", last_name="Martin", email="a@b.fr", comment="appeler lundi")
    assert repr(person).startswith("Person(id='P1', sex=None")
    assert "Martin" not in repr(person)
    assert "last_name" not in repr(person)


def test_reprs_are_short_summaries() -> None:
    data = load_example()
    assert repr(data) == (
        "<Dataset « CitésLab Brest » : 258 porteurs, 1\u202f602 suivis, 13 quartiers, "
        "159 animations, 35 partenariats, 14 financements, 18 textes ; "
        "suivis du 2022-01-03 au 2024-12-12>"
    )
    bilan = compute_bilan(data, year=2023)
    assert repr(bilan) == (
        "<Bilan « CitésLab Brest » du 2023-01-01 au 2023-12-31 : 118 accompagnés, "
        "95 nouveaux, 12 tableaux, 7 constats>"
    )
    assert repr(bilan.table("sexe")) == (
        "<Table sexe « Répartition femmes / hommes » : 2 lignes, total 118>"
    )
    public = compute_bilan(data, year=2023, public=True)
    assert repr(public).startswith("<Bilan public « CitésLab Brest »")


class _Html(HTMLParser):
    """Collects tags, attributes and style sheets; checks that tags are balanced."""

    VOID = frozenset({"br", "img", "meta", "hr", "rect", "path", "line", "circle"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.styles: list[str] = []
        self.roots: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.open:
            self.roots.append((tag, dict(attrs).get("class")))
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        assert self.open[-1:] == [tag], (self.open, tag)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            self.styles.append(data)


def check_fragment(html: str) -> _Html:
    parser = _Html()
    parser.feed(html)
    parser.close()
    assert parser.open == []
    assert parser.roots == [("div", ROOT)]  # one root element, of our class
    assert "script" not in parser.tags
    assert not [name for name in parser.attributes if name.startswith("on")]
    assert "<link" not in html
    assert "@import" not in html
    for sheet in parser.styles:
        for rule in re.findall(r"([^{}]+)\{[^{}]*\}", sheet):
            for selector in rule.split(","):
                assert selector.strip().startswith(f".{ROOT}"), selector
    return parser


def test_html_displays_are_scoped_fragments_without_script() -> None:
    data = load_example()
    bilan = compute_bilan(data, year=2023, public=True)
    table: Table[int | None] = bilan.table("tranche_age")
    check_fragment(data._repr_html_())
    check_fragment(bilan._repr_html_())
    check_fragment(data.persons[0]._repr_html_())
    check_fragment(compare(bilan, bilan)._repr_html_())
    parsed = check_fragment(table._repr_html_())
    assert "svg" in parsed.tags
    assert parsed.tags.count("rect") == len(table.rows)


def test_html_display_shows_the_figures() -> None:
    bilan: Bilan = compute_bilan(load_example(), year=2023)
    html = bilan._repr_html_()
    assert "Chiffres clés" in html
    assert ">118<" in html
    for table in bilan.tables.values():
        assert typeset(table.title).replace("'", "&#x27;") in html
    sex = bilan.table("sexe")._repr_html_()
    assert ">Femmes<" in sex
    assert ">71<" in sex
    assert ">60\u00a0%<" in sex


def test_a_subset_says_so() -> None:
    data = load_example().subset(lambda person: person.neighbourhood == "Kerourien")
    assert "sous-ensemble" in repr(data)
    bilan = compute_bilan(data, year=2023)
    assert bilan.subset
    assert "sous-ensemble" in repr(bilan)
    assert "tout le site" in bilan._repr_html_()


def test_a_person_and_a_comparison_show_their_figures() -> None:
    data = load_example()
    person = data.persons[0]
    html = person._repr_html_()
    assert f"Porteur {person.id}" in html
    assert person.sex is not None
    assert f">{person.sex.label}<" in html
    before = compute_bilan(data, year=2022)
    after = compute_bilan(data, year=2023)
    shown = compare(before, after)._repr_html_()
    women = compare(before, after).row("sexe", "F")
    assert women is not None
    assert women.count_change is not None
    sign = "+" if women.count_change > 0 else "\u2212" if women.count_change < 0 else ""
    assert f">{sign}{abs(women.count_change)}<" in shown
    assert ">Femmes<" in shown


def test_the_follow_up_shows_counts_and_ids() -> None:
    data = load_example()
    todo: FollowUp = compute_followup(data, dt.date(2023, 10, 1))
    assert repr(todo).startswith(
        "<FollowUp « CitésLab Brest » au 2023-10-01 : 17 constats pour 16 personnes "
        "(R5 rappel 9, R6 avertissement 6, R7 rappel 2) ; 70 parcours ouverts ; porteurs P0137,"
    )
    assert len(repr(todo)) < 400
    parsed = check_fragment(todo._repr_html_())
    assert "script" not in parsed.tags
    assert all(person in todo._repr_html_() for person in todo.persons)
    frame = todo.to_frame()
    assert list(frame.columns) == [
        "action",
        "regle",
        "gravite",
        "porteur",
        "date",
        "jours_de_retard",
        "stade",
        "message",
    ]
    assert list(todo.to_frame(private=True).columns)[-2:] == ["nom", "telephone"]


def test_a_large_follow_up_repr_stays_short() -> None:
    """A site of thousands of listed persons: the repr names 20 ids, the HTML 200 per
    action, and both say how many more there are."""
    data = load_example()
    todo = compute_followup(data, dt.date(2030, 1, 1))  # every open pathway is overdue
    assert len(todo.persons) > 20
    assert f"… et {len(todo.persons) - 20} autres>" in repr(todo)
    assert len(repr(todo)) < 600


def test_records_and_the_comparison_display_as_scoped_html() -> None:
    data = load_example()
    for record in (data.site, data.persons[0], data.events[0], data.animations[0]):
        parsed = check_fragment(record._repr_html_())
        assert "table" in parsed.tags
    person = data.persons[0]
    html = person._repr_html_()
    assert person.id in html
    assert str(person.last_name) not in html
    change = compare(compute_bilan(data, year=2022), compute_bilan(data, year=2023))
    check_fragment(change._repr_html_())
