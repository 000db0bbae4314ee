"""One wording for a wrong JSON value (issue 28, leftovers item 5): the records' canonical
JSON (readers/converter.py) and the bilan file (bilan/_json_values.py) refuse the same
wrong value with the same French sentence (model/json_refusals.py), and accept the same
values of each kind they share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeslab_core.bilan import _json_values as bilan_values
from citeslab_core.bilan.file import loads_bilan
from citeslab_core.errors import CellError, InvalidData
from citeslab_core.model.dates import PartialDate
from citeslab_core.readers.converter import converter, loads

#: What a careless or hostile JSON holds where a value is expected.
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False).map(lambda f: Decimal(str(f)))
    | st.text(max_size=12)
    | st.sampled_from(
        ["true", "false", "oui", "2023-02-30", "2023-3", "2023-03", "12.5", "NaN", "1e999", ""]
    ),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=3,
)


def _canonical(kind: type) -> Callable[[Any], Any]:
    return lambda value: converter().structure(value, kind)


#: (the canonical converter's reader, the bilan's) for each kind both read.
PAIRS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "bool": (_canonical(bool), lambda v: bilan_values.read_bool(v, bool)),
    "text": (_canonical(str), lambda v: bilan_values.read_text(v, str)),
    "integer": (_canonical(int), lambda v: bilan_values.read_count(v, int)),
    "amount": (_canonical(Decimal), lambda v: bilan_values.read_amount(v, Decimal)),
    "date": (_canonical(dt.date), lambda v: bilan_values.read_date(v, dt.date)),
    "partial": (_canonical(PartialDate), lambda v: bilan_values.read_partial(v, PartialDate)),
}


def _outcome(read: Callable[[Any], Any], value: Any) -> tuple[str, Any]:
    try:
        return "read", read(value)
    except CellError as exc:
        return "refused", str(exc)


@pytest.mark.parametrize("kind", sorted(PAIRS))
@settings(max_examples=150, deadline=None)
@given(value=json_values)
def test_both_json_readers_say_the_same(kind: str, value: Any) -> None:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if kind == "integer" and whole and value < 0:
        return  # a count is never negative; the records' integers may be
    if kind == "amount" and whole:
        return  # the records' JSON takes a whole amount as a number too (lenient)
    canonical, bilan = (_outcome(read, value) for read in PAIRS[kind])
    assert canonical == bilan


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("false", "bool", '« "false" » : il faut true ou false, sans guillemets'),
        (1, "text", "« 1 » : il faut un texte entre guillemets"),
        ("3", "integer", '« "3" » : il faut un nombre entier, sans guillemets'),
        (
            10**30,
            "integer",
            "« un nombre de 31 chiffres » : nombre trop grand (au plus un milliard)",
        ),
        (12.5, "amount", '« 12.5 » : il faut un montant écrit en texte, par exemple "16000.00"'),
        ("NaN", "amount", "« NaN » n'est pas un nombre"),
        ("2023-02-30", "date", "« 2023-02-30 » n'est pas une date ISO qui existe"),
        ("2023-3", "partial", "« 2023-3 » n'est pas une date ISO (attendu : 2023-03)"),
    ],
)
def test_the_sentences(value: Any, kind: str, expected: str) -> None:
    for read in PAIRS[kind]:
        with pytest.raises(CellError) as caught:
            read(value)
        assert str(caught.value) == expected


def test_a_duplicate_key_is_said_alike_in_both_files(tmp_path: Path) -> None:
    messages = []
    for read, text in (
        (loads, '{"schema_version": 1, "porteurs": [], "porteurs": []}'),
        (loads_bilan, '{"schema": "citeslab.bilan/1", "site": "a", "site": "b"}'),
    ):
        with pytest.raises(InvalidData) as caught:
            read(text)
        messages.append([p.message for p in caught.value.problems if "en double" in p.message])
    assert messages[0] == ["clé « porteurs » en double dans un objet (laquelle croire ?)"]
    assert messages[1] == ["clé « site » en double dans un objet (laquelle croire ?)"]
