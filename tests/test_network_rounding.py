"""Issue 28 item 1: the total of a public network bilan rounded to a base
(:mod:`citeslab_core.bilan.rounding`, docs/public-mode.md).

What must always hold (Hypothesis): every count of persons the total shows is a multiple
of the base, within ``base // 2`` of the true count; every share and rate is computed from
the rounded counts; the sites' own bilans are not rounded; the bilan file reads back
equal. What the bilan file's validation accepts of a rounded total and refuses of a file
that is not rounded; and every rendering says it once. (The audit, a reader solving what
two publications show, is in tests/test_network_disclosure.py.)
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from citeslab_core.bilan import Bilan, PublicBilan, accompanied_persons, compute_bilan
from citeslab_core.bilan._validation import PERSON_COUNT
from citeslab_core.bilan.file import loads_bilan, to_data, to_json
from citeslab_core.bilan.rounding import (
    NETWORK_ROUNDING,
    round_count,
    rounding_note,
    shown_count,
    true_bounds,
)
from citeslab_core.bilan.shares import per_thousand, percent_of
from citeslab_core.errors import InvalidData
from citeslab_core.network import _bilans, mask_bilan, network_bilan
from citeslab_core.readers.example import load_example
from citeslab_core.render import deck, html, text
from strategies import networks

START, END = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
BASE = NETWORK_ROUNDING

#: The JSON keys (at the top of a bilan, or anywhere for the last ones) whose integers
#: do not count persons: kept as they are.
NOT_PERSONS = (
    "seuil_secret_statistique",
    "arrondi",
    "animations",
    "animations_prevues",
    "animations_qpv",
    "financement",
    "financement_prevu_realise",
    "financements_pluriannuels",
    "compte_rendu_financier",
    "indicateurs.animations_realisees",
    "indicateurs.participants_animations",
)


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON document with its path (``tables.sexe[0].effectif``)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def person_counts(document: dict[str, Any]) -> dict[str, Any]:
    """The counts of persons of a bilan's own document (not its sites'), by path: every
    integer or ``"s"`` but the shares, the populations and what :data:`NOT_PERSONS` names."""
    own = {k: v for k, v in document.items() if k not in ("sites", "controles", "provenance")}
    found = {}
    for path, value in leaves(own):
        last = re.split(r"[.\]]", path)[-1]
        if last in ("part", "pour_mille", "population") or path.startswith(NOT_PERSONS):
            continue
        if value == "s" or (isinstance(value, int) and not isinstance(value, bool)):
            found[path] = value
    return found


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,  # the same networks on every run (slow to shrink)
    suppress_health_check=[HealthCheck.too_slow],
)
@given(networks(max_sites=3))
def test_every_count_of_the_total_is_rounded(sites: Any) -> None:
    bilans = [compute_bilan(d, START, END) for d in sites]
    public = network_bilan(bilans, public=True)
    with mock.patch.object(_bilans, "round_bilan", lambda bilan, base: bilan):
        unrounded = network_bilan(bilans, public=True)  # masked, not rounded
    assert unrounded.rounding == 0
    plain = to_data(unrounded)
    document = to_data(public)
    assert document["arrondi"] == {"base": BASE, "note": rounding_note(BASE)}
    counts = person_counts(document)
    true = person_counts(plain)
    assert set(counts) == set(true)  # the same rows
    # The validation's list of the counts of persons is this one (its multiples check).
    assert {p for p in counts if PERSON_COUNT.fullmatch(p)} == set(counts)
    for path, shown in counts.items():
        if shown == "s":  # masked before, or a count of 1 or 2
            assert true[path] == "s" or 0 < true[path] < BASE / 2, path
            continue
        assert shown % BASE == 0, path
        assert abs(shown - true[path]) <= BASE // 2, path
        assert shown == round_count(true[path], BASE), path
        if path not in ("accompagnes", "indicateurs.accompagnes"):  # never masked
            assert (shown == 0) == (true[path] == 0), path  # a 0 shown is a true 0
    # What does not count persons is the plain network's.
    for key in NOT_PERSONS:
        head, _, rest = key.partition(".")
        if key != "arrondi":
            assert (
                document[head] == plain[head]
                if not rest
                else (document[head][rest] == plain[head][rest])
            )
    assert [r["population"] for r in document["portee"]] == [
        r["population"] for r in plain["portee"]
    ]
    # Shares and rates from the rounded counts.
    accompanied = public.accompanied
    for table in public.tables.values():
        assert table.total == accompanied
        for row in table.rows:
            expected = None if row.count is None else percent_of(row.count, accompanied)
            assert row.share == expected
    for o in public.orientations_period:
        assert o.share == (None if o.persons is None else percent_of(o.persons, accompanied))
    for r in public.reach:
        assert r.per_thousand == per_thousand(r.accompanied, r.population)
    # The sites' own bilans are their public bilans, not rounded.
    assert all(s.rounding == 0 for s in public.sites)
    assert loads_bilan(to_json(public)) == public


def example_sites(size: int = 15) -> list[Bilan]:
    """Three sites of ``size`` of the example's accompanied persons of 2023 each."""
    data = load_example()
    accompanied = [f.person.id for f in accompanied_persons(data, START, END)]
    bilans = []
    for n, name in enumerate(("Brest", "Quimper", "Morlaix")):
        site = data.subset(accompanied[n * size : (n + 1) * size])
        bilans.append(
            compute_bilan(site.replace(site=attrs.evolve(data.site, name=name)), START, END)
        )
    return bilans


@pytest.fixture(scope="module")
def network() -> PublicBilan:
    return network_bilan(example_sites(), public=True)


def test_the_rounding_rule() -> None:
    assert [round_count(n, 5) for n in range(13)] == [0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10]
    assert [shown_count(n, 5) for n in (None, 0, 1, 2, 3, 7, 8)] == [None, 0, None, None, 5, 5, 10]
    assert true_bounds(0, 5) == (0, 0)
    assert true_bounds(5, 5) == (3, 7)
    assert true_bounds(10, 5) == (8, 12)
    for n in range(200):  # the bounds of what is shown hold the true count
        shown = shown_count(n, 5)
        if shown is not None:
            low, high = true_bounds(shown, 5)
            assert low <= n <= high


def test_a_network_bilan_masked_after_the_fact_is_protected_and_rounded(
    network: PublicBilan,
) -> None:
    """``mask_bilan`` of a complete network bilan masks it as ``public=True`` does (its
    total and sites together, then the total rounded), not each part on its own."""
    assert mask_bilan(network_bilan(example_sites())) == network


def document_of(network: PublicBilan) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(to_json(network))
    return document


def read(document: dict[str, Any]) -> PublicBilan:
    return loads_bilan(json.dumps(document, ensure_ascii=False))


def refused(document: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidData) as caught:
        read(document)
    return [f"{p.location.sheet} : {p.message}" for p in caught.value.problems]


def test_rows_of_a_rounded_total_may_differ_from_it(network: PublicBilan) -> None:
    """Women 25 and men 25 make 50, not the 45 accompanied: each is rounded (the true
    23 + 22 = 45), so a rounded total is read; the same file not rounded is refused, and
    rows too far from the total even for rounding are refused, the message saying why."""
    document = document_of(network)
    assert network.accompanied == 45
    document["tables"]["sexe"] = [
        {"code": "F", "libelle": "Femme", "effectif": 25, "part": 56},
        {"code": "H", "libelle": "Homme", "effectif": 25, "part": 56},
    ]
    again = read(document)
    assert [r.count for r in again.tables["sexe"].rows] == [25, 25]
    plain = {k: v for k, v in document.items() if k != "arrondi"}
    assert "tables.sexe : les effectifs des lignes font 50, et non 45 (accompagnes)" in refused(
        plain
    )
    document["tables"]["sexe"][1]["effectif"] = 35
    assert refused(document) == [
        "tables.sexe : les effectifs des lignes font 60, et non 45 (accompagnes) : même "
        "arrondis à 5 (chacun à 2 près, le total aussi), ils ne peuvent pas faire ce total"
    ]


def test_a_rounded_total_is_checked(network: PublicBilan) -> None:
    document = document_of(network)
    document["tables"]["canal"][0]["effectif"] = 7
    document["prescripteurs"][-1]["effectif"] = 12
    found = refused(document)
    assert (
        "tables.canal[0].effectif : « 7 » : pas un multiple de 5, la base d'arrondi du "
        "bilan (arrondi.base)" in found
    )
    assert any(
        p.startswith(f"prescripteurs[{len(network.prescribers) - 1}].effectif : « 12 »")
        for p in found
    )
    for base in (0, 1, "5", True, None, 10**6):
        document = document_of(network)
        document["arrondi"]["base"] = base
        assert [p.split(" : ")[0] for p in refused(document)] == ["arrondi"]
    document = document_of(network)
    document["arrondi"]["autre"] = 1
    assert refused(document) == ["arrondi : clés inconnues : autre"]
    document = document_of(network)
    document["arrondi"]["note"] = "Une autre phrase."  # written from the base, not read
    assert read(document) == network
    site = compute_bilan(load_example(), START, END)
    document = json.loads(to_json(site))
    document["arrondi"] = {"base": 5}
    assert any(p.startswith("arrondi : un bilan complet") for p in refused(document))


def normalised(rendered: str) -> str:
    return re.sub(r"[\u00a0\u202f\s]+", " ", rendered)


def deck_text(data: bytes) -> str:
    from pptx import Presentation

    texts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
    return "\n".join(texts)


SAID = "Effectifs du réseau arrondis à 5 ; les totaux peuvent différer de la somme des lignes."


def test_every_rendering_says_it_once(network: PublicBilan) -> None:
    renderings = {
        "text": text.render(network),
        "html": html.render(network),
        "deck": deck_text(deck.render_deck(network)),
        "json": to_json(network),
        "repr": network._repr_html_(),
    }
    for name, rendered in renderings.items():
        assert normalised(rendered).count(SAID) == 1, name
    # The note, like every header line of the text report, fits a 100-column terminal.
    assert [line for line in renderings["text"].splitlines() if len(line) > text.WIDTH] == []
    site = mask_bilan(example_sites()[0])
    assert SAID not in normalised(text.render(site))
    assert "arrondi" not in document_of(site)
