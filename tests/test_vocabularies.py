"""Vocabularies: every code and label reads back, whatever the case and the accents."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.errors import CellError
from citeslab_core.vocabularies import (
    VOCABULARIES,
    EducationLevel,
    EventType,
    Funder,
    ResidenceStatus,
    Sex,
    Stage,
    Vocabulary,
    Weekday,
    normalize,
)

MEMBERS: list[Vocabulary] = [m for vocabulary in VOCABULARIES.values() for m in vocabulary]
FORMS: list[tuple[Vocabulary, str]] = [
    (member, form) for member in MEMBERS for form in (member.code, member.label)
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@st.composite
def written_forms(draw: st.DrawFn) -> tuple[Vocabulary, str]:
    """A code or label as someone may type it: any case, accents kept or dropped,
    ``_`` as a space, surrounding spaces."""
    member, form = draw(st.sampled_from(FORMS))
    if draw(st.booleans()):
        form = strip_accents(form)
    if draw(st.booleans()):
        form = form.replace("_", " ")
    flips = draw(st.lists(st.booleans(), min_size=len(form), max_size=len(form)))
    form = "".join(ch.upper() if up else ch.lower() for ch, up in zip(form, flips, strict=True))
    padding = draw(st.sampled_from(["", " ", "  "]))
    return member, padding + form + padding


@settings(max_examples=300)
@given(written_forms())
def test_every_code_and_label_parses_back_under_case_and_accent_changes(
    case: tuple[Vocabulary, str],
) -> None:
    member, form = case
    assert type(member).parse(form) is member


@pytest.mark.parametrize("vocabulary", list(VOCABULARIES.values()), ids=list(VOCABULARIES))
def test_codes_and_labels_are_unambiguous(vocabulary: type[Vocabulary]) -> None:
    # Two members sharing a normalised code, label or alias would make one unreachable.
    owners: dict[str, set[Vocabulary]] = {}
    for member in vocabulary:
        for form in (member.code, member.label, *member.aliases):
            owners.setdefault(normalize(form), set()).add(member)
    assert {form: found for form, found in owners.items() if len(found) > 1} == {}


@pytest.mark.parametrize(
    ("vocabulary", "cell", "expected"),
    [
        (Stage, "Intentionniste", Stage.INTENTIONNISTE),
        (Stage, "en devenir", Stage.EN_DEVENIR),
        (ResidenceStatus, "QPV en limite", ResidenceStatus.QPV_LIMITE),
        (EducationLevel, "Bac+2", EducationLevel.LEVEL_5),
        (EducationLevel, 3, EducationLevel.LEVEL_3),
        (EducationLevel, 3.0, EducationLevel.LEVEL_3),
        (Funder, "FSE+", Funder.FSE),
    ],
)
def test_the_forms_vocabulary_md_gives(
    vocabulary: type[Vocabulary], cell: object, expected: Vocabulary
) -> None:
    assert vocabulary.parse(cell) is expected


def test_an_unknown_value_names_itself_and_lists_the_allowed_values() -> None:
    with pytest.raises(CellError) as caught:
        Stage.parse("expert")
    message = str(caught.value)
    assert "« expert »" in message
    # In the words of the drop-down list (issue 24): the column's title, the labels.
    assert "n'est pas une valeur de « Stade »" in message
    assert "Valeurs possibles : " + ", ".join(m.label for m in Stage) in message


@pytest.mark.parametrize(
    ("vocabulary", "typed", "meant"),
    [
        (EventType, "Orientaton", "Orientation"),
        (EventType, "orientaton", "Orientation"),  # the code misspelt: the label proposed
        (EventType, "ENTRETEIN", "Entretien individuel"),
        (EventType, "Pasage de relais", "Passage de relais du référent"),
        (Weekday, "marday", "Mardi"),
        (Sex, "Femme s", "Femmes"),
    ],
)
def test_a_near_value_gets_its_label_proposed(
    vocabulary: type[Vocabulary], typed: str, meant: str
) -> None:
    with pytest.raises(CellError) as caught:
        vocabulary.parse(typed)
    message = str(caught.value)
    assert message.startswith(
        f"« {typed} » n'est pas une valeur de « {vocabulary.title()} » : "
        f"vouliez-vous dire « {meant} » ? Valeurs possibles : "
    )
    assert vocabulary.vocabulary_name not in message  # no code a user never typed


def test_no_guess_between_values_as_near_as_each_other() -> None:
    with pytest.raises(CellError) as caught:
        EducationLevel.parse("Bac+9")  # Bac+2, Bac+3, Bac+5: as near
    assert "vouliez-vous dire" not in str(caught.value)


def test_each_vocabulary_is_titled_as_its_column_in_the_template() -> None:
    import typing

    import attrs

    from citeslab_core.headers import COLUMN_LABELS
    from citeslab_core.model import TABLES
    from citeslab_core.model._records import field_type

    titles: dict[str, set[str]] = {}
    for table, cls, _ in TABLES:
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            tp = field_type(hints[field.name])[0]
            if typing.get_origin(tp) is tuple:
                tp = typing.get_args(tp)[0]
            if isinstance(tp, type) and issubclass(tp, Vocabulary):
                column = str(field.metadata["column"])
                titles.setdefault(tp.vocabulary_name, set()).add(COLUMN_LABELS[table][column])
    for name, vocabulary in VOCABULARIES.items():
        if name in titles:
            assert vocabulary.title() in titles[name], name


def test_members_hash_by_identity_in_c() -> None:
    """Every member is hashed as an object (C), not by ``Enum.__hash__`` (Python): the
    bilan and the frames count members hundreds of thousands of times (issue 26). The hash
    stays consistent with equality: a member equals only itself."""
    from citeslab_core.vocabularies import VOCABULARIES

    for vocabulary in VOCABULARIES.values():
        for member in vocabulary:
            assert hash(member) == object.__hash__(member)
            assert {member: 1}[member] == 1
            assert all((member == other) is (member is other) for other in vocabulary)
