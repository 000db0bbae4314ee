"""The text and JSON renderers: French forms through babel, docs/bilan-json.md exactly,
masked counts as ``s``, and no private field in any output."""

from __future__ import annotations

import datetime as dt
import json
import re

import attrs
from hypothesis import HealthCheck, given, settings

from citeslab_core.bilan import TABLE_KEYS, compute_bilan
from citeslab_core.french import typeset
from citeslab_core.model import Dataset, Partnership, private_fields
from citeslab_core.readers.example import load_example
from citeslab_core.render import json as render_json
from citeslab_core.render import text as render_text
from strategies import datasets, secrets

Y2022 = (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
NNBSP = "\u202f"  # babel's group separator in fr_FR
NBSP = "\u00a0"  # babel's space before % and €


def test_text_of_the_seed_shows_babel_amounts_and_percentages() -> None:
    text_2022 = render_text.render(compute_bilan(load_example(), *Y2022))
    assert f"Coût total de l'action{NBSP}: 51{NNBSP}128,16{NBSP}€" in text_2022
    text_2023 = render_text.render(compute_bilan(load_example(), *Y2023))
    # The sex table's row: label, count, share (babel: a no-break space before %).
    assert re.search(f"\n  Femmes +71 +60{NBSP}%\n", text_2023)
    assert re.search(f"\n  Hommes +47 +40{NBSP}%\n", text_2023)
    assert f"Personnes accompagnées{NBSP}: 118" in text_2023
    assert (
        f"\nStructure porteuse{NBSP}: DEFIS Emploi\nTerritoire{NBSP}: Brest métropole\n"
        in text_2023
    )
    assert re.search(
        r"\n  Sorties positives \(création, emploi ou formation, poursuite\) +73\n", text_2023
    )
    assert f"Bilan CitésLab Brest du 1er janvier 2023 au 31{NBSP}décembre 2023\n" in text_2023


def test_json_follows_formats_4() -> None:
    data = json.loads(render_json.render(compute_bilan(load_example(), *Y2023)))
    assert list(data)[:14] == [
        "schema",
        "site",
        "periode",
        "accompagnes",
        "nouveaux",
        "tables",
        "orientation_premier_rdv_sans_orientation",
        "programmes",
        "animations",
        "financement",
        "controles",
        "orientations_periode",
        "orientations_periode_personnes",
        "public",
    ]
    assert data["schema"] == "citeslab.bilan/1"
    assert data["periode"] == {"debut": "2023-01-01", "fin": "2023-12-31"}
    assert data["accompagnes"] == 118
    assert (data["structure_porteuse"], data["territoire"]) == ("DEFIS Emploi", "Brest métropole")
    assert data["indicateurs"]["creations"] == 5
    assert data["indicateurs"]["sorties_positives"] == 5 + 45 + 23
    assert list(data["tables"]) == list(TABLE_KEYS)
    assert data["tables"]["sexe"] == [
        {"code": "F", "libelle": "Femmes", "effectif": 71, "part": 60},
        {"code": "H", "libelle": "Hommes", "effectif": 47, "part": 40},
    ]
    for rows in data["tables"].values():
        assert sum(r["effectif"] for r in rows) == 118
        # Each share rounded on its own: equal counts, equal shares; 99 to 101 in all.
        assert 99 <= sum(r["part"] for r in rows) <= 101
        for r in rows:
            assert r["part"] == (200 * r["effectif"] + 118) // 236
    assert {"programme": "EITI Sato", "orientes": 6, "retenus": 4} in data["programmes"]
    atelier = data["animations"][0]
    assert list(atelier) == ["code", "libelle", "nombre", "participants"]
    assert (atelier["code"], atelier["nombre"]) == ("atelier_thematique", 10)
    funding = data["financement"]
    assert (funding["annee"], funding["nature"], funding["cout_total"]) == (
        2023,
        "realise",
        "52276.49",
    )
    assert funding["contributions"][0]["financeur"] == "bpi"
    assert funding["contributions"][0]["montant"] == "16000.00"
    assert funding["contributions"][0]["part"] == 30.6
    for check in data["controles"]:
        assert list(check) == ["code", "gravite", "message"]
        assert check["gravite"] in ("erreur", "avertissement", "info")


def test_public_json_masks_small_counts_as_s() -> None:
    bilan = compute_bilan(load_example(), *Y2023, public=True)
    data = json.loads(render_json.render(bilan))
    assert data["public"] is True
    seen_masked = False
    for rows in data["tables"].values():
        for row in rows:
            if row["effectif"] == "s":
                seen_masked = True
                assert row["part"] == "s"
            else:
                assert row["effectif"] == 0 or row["effectif"] >= bilan.threshold
    assert seen_masked  # the example has neighbourhoods with fewer than 5 persons
    text = render_text.render(bilan)
    assert "Version publique" in text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_persons=10, identity=secrets))
def test_no_private_field_leaves_in_text_or_json(data: Dataset) -> None:
    # Identity and free text are planted as secrets; the site's own texts and partnership
    # actions may be published, so they are cleared here.
    data = data.replace(
        texts=(),
        partnerships=tuple(
            Partnership(p.partner, p.category, None, p.date) for p in data.partnerships
        ),
        animations=tuple(attrs.evolve(a, title=None) for a in data.animations),
    )
    planted = {getattr(p, f) for p in data.persons for f in private_fields(type(p))}
    planted |= {e.comment for e in data.events}
    planted.discard(None)
    for public in (False, True):
        bilan = compute_bilan(data, *Y2023, public=public)
        outputs = render_text.render(bilan) + render_json.render(bilan)
        for secret in planted:
            assert str(secret) not in outputs


def test_text_report_fits_100_columns() -> None:
    # Long cells (partnerships' actions, the QPV table's columns, checks) wrap inside their
    # column: no line wider than a 100-column terminal, nothing lost.
    from citeslab_core.render.text import WIDTH

    assert WIDTH == 100
    for public in (False, True):
        for year in (2022, 2023, 2024):
            text = render_text.render(compute_bilan(load_example(), year=year, public=public))
            wide = [line for line in text.splitlines() if len(line) > WIDTH]
            assert wide == [], wide[:3]
    text = render_text.render(compute_bilan(load_example(), *Y2023))
    # A long action, once 200 characters on one line, still has every word.
    words = set(text.split())
    for p in compute_bilan(load_example(), *Y2023).partnerships:
        assert set((p.action or "").split()) <= words


def test_text_checks_name_their_severity_as_the_html_does() -> None:
    """« [Avertissement] … », « [Information] … »: the word a person reads, as the HTML
    bilan shows it, not the JSON's code."""
    from citeslab_core.render import html as render_html

    bilan = compute_bilan(load_example(), year=2023)
    assert bilan.checks
    text = render_text.render(bilan)
    page = render_html.render(bilan)
    for check in bilan.checks:
        first_words = typeset(check.message.split("\n")[0])[:30]
        assert f"[{check.severity.label}] {first_words}" in text.replace("\n  ", " ")
        assert check.severity.label in page
    assert not re.search(r"\[(avertissement|info|erreur)\]", text)
