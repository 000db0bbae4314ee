"""The bilan as the seed's slide deck (citeslab_core.render.deck, ``report --format pptx``).

python-pptx reads every deck back: its slides in the seed's order, every chart's
categories and values equal to the bilan's JSON (the one computed bilan, rendered once
more), the site's texts present, no identity or person's free text in any part of the
file (the embedded chart workbooks unzipped too), the masked counts of a public bilan in
no chart; LibreOffice converts it to PDF.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeslab_core import write_deck
from citeslab_core.bilan import PublicBilan, compute_bilan
from citeslab_core.cli import main
from citeslab_core.derive.calendar import build_calendar
from citeslab_core.errors import UsageError
from citeslab_core.model import Dataset, Partnership, private_fields
from citeslab_core.readers.example import load_example
from citeslab_core.render import json as render_json
from citeslab_core.render.deck import MASKED_SLICE, chart_text, french, render_deck
from citeslab_core.render.outline import outline
from strategies import ODD_CHARACTERS, datasets, secrets

Y2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


def calendar_2024(data: Dataset) -> Any:
    return build_calendar(data, dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@attrs.frozen
class ReadSlide:
    title: str
    texts: tuple[str, ...]
    tables: tuple[tuple[tuple[str, ...], ...], ...]
    charts: tuple[dict[str, Any], ...]

    @property
    def all_text(self) -> str:
        cells = [c for t in self.tables for row in t for c in row]
        return "\n".join([self.title, *self.texts, *cells])


def read_deck(data: bytes) -> list[ReadSlide]:
    """The deck as python-pptx reads it back."""
    from pptx import Presentation

    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        title = slide.shapes.title
        texts, tables, charts = [], [], []
        for shape in slide.shapes:
            if shape.has_chart:
                chart: Any = cast(Any, shape).chart
                charts.append(
                    {
                        "kind": str(chart.chart_type).split(" ")[0],
                        "categories": list(chart.plots[0].categories),
                        "series": {s.name: list(s.values) for s in chart.series},
                    }
                )
            elif shape.has_table:
                table: Any = cast(Any, shape).table
                tables.append(tuple(tuple(c.text_frame.text for c in r.cells) for r in table.rows))
            elif shape.has_text_frame and shape != title:
                texts.append(cast(Any, shape).text_frame.text)
        slides.append(
            ReadSlide(
                title.text_frame.text if title is not None else "",
                tuple(texts),
                tuple(tables),
                tuple(charts),
            )
        )
    return slides


def section_keys(bilan: PublicBilan) -> dict[str, str]:
    """Slide title -> the outline's section key (the deck titles its slides so)."""
    keys = {
        french(s.title): s.key for chapter in outline(bilan, checks=True) for s in chapter.sections
    }
    if bilan.funding is not None:
        keys[french(f"Financement de l'année {bilan.funding.year}")] = "financement"
    return keys


# -- what each chart must hold: the bilan's JSON, row for row ------------------------------


def expected_charts(bilan: PublicBilan) -> dict[str, dict[str, Any]]:
    """Each chart's categories and series as the bilan's JSON gives them."""
    doc = json.loads(render_json.render(bilan))
    found: dict[str, dict[str, Any]] = {}
    pies = {"sexe", "statut_residence", "niveau_formation", "secteur"}
    for key, rows in doc["tables"].items():
        shown = [r for r in rows if r["effectif"] != "s"]
        if key not in pies and len(shown) > 14:  # a long bar chart: its rows at 0 left out
            shown = [r for r in shown if r["effectif"]]
        categories = [chart_text(r["libelle"]) for r in shown]
        values: list[float | None] = [float(r["effectif"]) for r in shown]
        if key in pies and len(shown) < len(rows):
            rest = doc["accompagnes"] - sum(r["effectif"] for r in shown)
            if rest > 0:
                categories.append(MASKED_SLICE)
                values.append(float(rest))
        found[key] = {"categories": categories, "series": {"Personnes": values}}
    if doc["prescripteurs"]:
        shown = [p for p in doc["prescripteurs"] if p["effectif"] != "s"]
        found["prescripteurs"] = {
            "categories": [chart_text(p["prescripteur"]) for p in shown],
            "series": {"Personnes": [float(p["effectif"]) for p in shown]},
        }
    if doc["orientations_periode"]:
        shown = [o for o in doc["orientations_periode"] if o["personnes"] != "s"]
        found["orientations_periode"] = {
            "categories": [chart_text(o["libelle"]) for o in shown],
            "series": {"Personnes orientées": [float(o["personnes"]) for o in shown]},
        }

    def value(count: Any) -> float | None:
        return None if count == "s" else float(count)

    if doc["programmes"]:
        found["programmes"] = {
            "categories": [chart_text(p["programme"]) for p in doc["programmes"]],
            "series": {
                "Personnes orientées": [value(p["orientes"]) for p in doc["programmes"]],
                "Personnes retenues": [value(p["retenus"]) for p in doc["programmes"]],
            },
        }
    held = [a for a in doc["animations"] if a["nombre"]]
    if held:
        found["animations"] = {
            "categories": [chart_text(a["libelle"]) for a in held],
            "series": {"Nombre": [float(a["nombre"]) for a in held]},
        }
    planned = [a for a in doc["animations_prevues"] if a["prevues"] or a["realisees"]]
    if any(a["prevues"] for a in planned):  # the report's section: something planned
        found["animations_prevues"] = {
            "categories": [chart_text(a["libelle"]) for a in planned],
            "series": {
                "Prévues": [float(a["prevues"]) for a in planned],
                "Réalisées": [float(a["realisees"]) for a in planned],
            },
        }
    if doc["qpv"]:
        labels = list(dict.fromkeys(r["libelle"] for q in doc["qpv"] for r in q["sexe"]))
        series = {}
        for label in labels:
            counts = []
            for q in doc["qpv"]:
                row = next((r for r in q["sexe"] if r["libelle"] == label), None)
                counts.append(0.0 if row is None else value(row["effectif"]))
            series[chart_text(label)] = counts
        found["qpv"] = {
            "categories": [chart_text(q["quartier"]) for q in doc["qpv"]],
            "series": series,
        }
    funding = doc["financement"]
    if funding is not None and funding["contributions"]:
        from citeslab_core.vocabularies import Funder

        found["financement"] = {
            "categories": [
                chart_text(Funder.parse(c["financeur"]).label) for c in funding["contributions"]
            ],
            "series": {"Montant": [float(c["montant"]) for c in funding["contributions"]]},
        }
    return found


def assert_charts_are_the_bilans(bilan: PublicBilan, slides: list[ReadSlide]) -> None:
    keys = section_keys(bilan)
    expected = expected_charts(bilan)
    seen: dict[str, dict[str, Any]] = {}
    for slide in slides:
        for chart in slide.charts:
            key = keys[slide.title.removesuffix(" (suite)")]
            if slide.title.endswith(" (suite)"):  # a chart of many bars, continued
                assert key in seen
                seen[key]["categories"] += chart["categories"]
                for name, values in chart["series"].items():
                    seen[key]["series"][name] += values
                continue
            assert key not in seen, f"two charts for {key}"
            seen[key] = {
                "categories": list(chart["categories"]),
                "series": {name: list(values) for name, values in chart["series"].items()},
            }
    # a chart is drawn when it has something to show (a site without persons has none)
    drawn = {
        key: chart
        for key, chart in expected.items()
        if any(v for values in chart["series"].values() for v in values)
    }
    assert seen == drawn


# -- the example ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> Dataset:
    return load_example()


@pytest.fixture(scope="module")
def deck_2023(example: Dataset) -> tuple[PublicBilan, bytes]:
    bilan = compute_bilan(example, *Y2023)
    return bilan, render_deck(bilan, calendar=calendar_2024(example))


def test_the_slides_follow_the_seed(deck_2023: tuple[PublicBilan, bytes]) -> None:
    bilan, data = deck_2023
    titles = [s.title for s in read_deck(data)]
    seed = [
        "Bilan 2023",
        "1 — CitésLab en bref",
        "Les missions de CitésLab",
        french("Portée dans les quartiers (pour 1 000 habitants)"),
        "Indicateurs d'activité",
        "L'année en résumé",
        "2 — Bilan 2023",
        "Partenariats, maillages et échanges de réseaux",
        "Répartition femmes / hommes",
        "Répartition par statut de résidence",
        "Répartition par quartier",
        "Répartition par âge (au premier entretien)",
        "Niveau de formation",
        "Situation à l'entrée",
        "Comment le porteur de projet a connu CitésLab",
        "Nature des projets accompagnés",
        "Orientation au premier rendez-vous (le jour du premier entretien)",
        "Résultats (sorties de la période)",
        "Programmes et accélérateurs",
        "Animations réalisées",
        "Personnes accompagnées par quartier prioritaire",
        "Les points forts du dispositif",
        "Les points d'amélioration pour faire perdurer le dispositif",
        "3 — Perspectives 2024",
        "Perspectives 2024",
        "Calendrier prévisionnel 2024",
        "Les permanences 2024",
        "4 — Le financement du dispositif",
        "Financement de l'année 2023",
        french("Prévu et réalisé 2023 (seuil d'écart : 10\u00a0%)"),
        "Financements pluriannuels",
    ]
    positions = [titles.index(french(t)) for t in seed]  # in French typography
    assert positions == sorted(positions), titles
    # Every section of the report has its slide, under the report's own title, but the
    # compte rendu financier (docs/decisions.md, « The bilan as a deck »).
    keys = section_keys(bilan)
    shown = {keys[t] for t in titles if t in keys}
    wanted = {s.key for c in outline(bilan, checks=False) for s in c.sections}
    assert wanted - shown == {"compte_rendu_financier"}
    assert "Contrôles" not in titles  # a funder's deck has no checks


def test_every_chart_is_the_bilans_json(deck_2023: tuple[PublicBilan, bytes]) -> None:
    bilan, data = deck_2023
    slides = read_deck(data)
    assert_charts_are_the_bilans(bilan, slides)
    # the seed's figures, as the seed draws them
    by_title = {s.title: s for s in slides}
    sexes = by_title[french("Répartition femmes / hommes")]
    assert sexes.charts[0]["kind"] == "PIE"
    assert sexes.charts[0]["series"] == {"Personnes": [71.0, 47.0]}
    assert any("Elles sont\u00a0: 71\u00a0femmes" in t for t in sexes.texts)
    assert any("Ils sont\u00a0: 47\u00a0hommes" in t for t in sexes.texts)
    programmes = by_title["Programmes et accélérateurs"]
    assert programmes.tables[0][1:] == (
        ("Cuisine du monde", "4", "3"),
        ("EITI Sato", "6", "4"),
        ("Les déterminés", "5", "2"),
        ("Les activé.es", "5", "3"),
    )
    funding = by_title["Financement de l'année 2023"]
    assert funding.charts[0]["series"]["Montant"] == [16000.0, 10000.0, 15000.0, 11276.49]
    assert ("Total", "52\u202f276,49\u00a0€", "100,0\u00a0%") in funding.tables[0]


def test_the_sites_texts_and_calendar_are_there(
    example: Dataset, deck_2023: tuple[PublicBilan, bytes]
) -> None:
    bilan, data = deck_2023
    slides = read_deck(data)
    everything = "\n".join(s.all_text for s in slides)
    for text in bilan.texts:
        for line in text.text.splitlines():
            words = re.sub(r"^\s*(?:[-–—•*➢>·]\s*)+", "", line).strip()
            if words:
                assert french(words) in everything
    calendar = next(s for s in slides if s.title == "Calendrier prévisionnel 2024")
    header = calendar.tables[0][0]
    assert header == (
        "Atelier thématique",
        "Café créateur",
        "Petit déjeuner créateurs",
        "Marché de créateurs",
    )
    columns = list(zip(*calendar.tables[0][1:], strict=True))
    markets = [french(day) for day in ("29 mai", "9 oct.", "13 déc.")]  # the seed's
    assert [c for c in columns[3] if c] == markets
    assert "novembre" in columns[1]  # a month-long planned café
    permanences = next(s for s in slides if s.title == "Les permanences 2024")
    planned = calendar_2024(example).entries
    count = sum(1 for e in planned if e.kind == "permanence")
    assert sum(int(row[3]) for row in permanences.tables[0][1:]) == count
    assert any(french(f"{count} permanences prévues en 2024") in t for t in permanences.texts)


def test_public_deck_shows_no_masked_count(example: Dataset) -> None:
    bilan = compute_bilan(example, *Y2023, public=True)
    slides = read_deck(render_deck(bilan, calendar=calendar_2024(example)))
    assert_charts_are_the_bilans(bilan, slides)
    masked = {row.label for t in bilan.tables.values() for row in t.rows if row.count is None}
    assert masked  # the example has small neighbourhoods
    by_title = {s.title: s for s in slides}
    hoods = by_title["Répartition par quartier"]
    categories = hoods.charts[0]["categories"]
    for row in bilan.tables["quartier"].rows:
        assert (row.label in categories) is (row.count is not None)
    note = next(t for t in hoods.texts if "secret statistique" in t)
    for row in bilan.tables["quartier"].rows:
        if row.count is None:
            assert row.label in note
    assert "Version publique" in slides[0].all_text


def test_the_checks_only_when_asked(deck_2023: tuple[PublicBilan, bytes]) -> None:
    bilan, data = deck_2023
    assert bilan.checks
    without = "\n".join(s.all_text for s in read_deck(data))
    with_checks = "\n".join(s.all_text for s in read_deck(render_deck(bilan, with_checks=True)))
    for check in bilan.checks:
        assert french(check.message) not in without
        assert french(check.message) in with_checks


def test_french_typography() -> None:
    """The bilan's HTML page's typography (french.typeset), in every text of the deck."""
    assert french("Elles sont : 71 femmes") == "Elles sont\u00a0: 71\u00a0femmes"
    assert french("« Autres »  ; ok !") == "«\u00a0Autres\u00a0»\u202f; ok\u202f!"
    assert french("1 000 habitants ; emploi / formation") == (
        "1\u202f000\u00a0habitants\u202f; emploi\u00a0/ formation"
    )
    assert french(french("a : b")) == french("a : b")
    assert french("a\x00b") == "a\ufffdb"  # what XML cannot hold never reaches the file


# -- generated sites: the charts, the privacy -----------------------------------------------


def parts(blob: bytes) -> Iterator[bytes]:
    """Every part of a zip, and of the zips inside it (the charts' workbooks)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            yield content
            if content[:2] == b"PK":
                yield from parts(content)


def published(data: Dataset) -> Dataset:
    """The site's own words cleared (texts, partnerships' actions, animations' titles):
    they may be published; what is left planted is identity and persons' free text."""
    return data.replace(
        texts=(),
        partnerships=tuple(
            Partnership(p.partner, p.category, None, p.date) for p in data.partnerships
        ),
        animations=tuple(attrs.evolve(a, title=None) for a in data.animations),
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_persons=10, identity=secrets), st.booleans())
def test_no_identity_in_any_part_and_every_chart_is_the_bilans(data: Dataset, public: bool) -> None:
    data = published(data)
    planted = {getattr(p, f) for p in data.persons for f in private_fields(type(p))}
    planted |= {e.comment for e in data.events}
    planted.discard(None)
    bilan = compute_bilan(data, *Y2023, public=public)
    blob = render_deck(bilan, with_checks=True, calendar=calendar_2024(data))
    for content in parts(blob):
        for secret in planted:
            assert str(secret).encode() not in content
            assert str(secret).encode("utf-16-le") not in content
    assert_charts_are_the_bilans(bilan, read_deck(blob))


# -- writing -------------------------------------------------------------------------------


def test_write_deck_is_whole_or_nothing(tmp_path: Path) -> None:
    bilan = compute_bilan(load_example(), *Y2023)
    target = tmp_path / "bilan.pptx"
    write_deck(bilan, target)
    assert zipfile.is_zipfile(target)
    before = target.read_bytes()
    with pytest.raises(UsageError, match="existe déjà"):
        write_deck(bilan, target)
    assert target.read_bytes() == before
    write_deck(bilan, target, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilan.pptx"]  # no temporary left


def test_command_line_needs_an_output_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["bilan", "--exemple", "--annee", "2023", "--format", "pptx"])
    assert code == 2
    assert "-o" in capsys.readouterr().err
    target = tmp_path / "Bilans à envoyer" / "bilan-2023.pptx"  # its folder is made
    code = main(["bilan", "--exemple", "--annee", "2023", "--format", "pptx", "-o", str(target)])
    assert code == 0
    titles = [s.title for s in read_deck(target.read_bytes())]
    assert "Calendrier prévisionnel 2024" in titles  # the records give the next year's
    assert "Contrôles" not in titles
    assert "Contrôles :" in capsys.readouterr().err  # their one-line summary instead


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent")
def test_libreoffice_converts_it_to_pdf(
    tmp_path: Path, deck_2023: tuple[PublicBilan, bytes]
) -> None:
    _, data = deck_2023
    source = tmp_path / "bilan-2023.pptx"
    source.write_bytes(data)
    profile = (tmp_path / "profil").as_uri()  # its own profile: never another run's lock
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "bilan-2023.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages == len(read_deck(data))


def test_a_chart_name_is_never_a_formula_in_the_embedded_workbook(example: Dataset) -> None:
    """python-pptx writes each chart's data into a workbook that Excel opens when the chef
    edits the chart: a site's programme or neighbourhood name that starts like a formula
    is written there as text (a leading ``'``), as in every workbook citeslab writes."""
    bilan = compute_bilan(example, *Y2023)
    hostile = '=HYPERLINK("http://example.org/x","clic")'
    programmes = (attrs.evolve(bilan.programmes[0], programme=hostile),)
    bilan = attrs.evolve(bilan, programmes=programmes + bilan.programmes[1:])
    blob = render_deck(bilan)
    workbooks = []
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        for name in archive.namelist():
            if name.endswith(".xlsx"):
                workbooks.append(archive.read(name))
    assert workbooks
    for workbook in workbooks:
        for part in parts(workbook):
            assert b"<f>" not in part
            assert b"<f " not in part
    chart = next(s for s in read_deck(blob) if s.title == "Programmes et accélérateurs").charts[0]
    assert chart["categories"][0] == "'" + hostile


odd_texts = st.text(
    alphabet=st.sampled_from(ODD_CHARACTERS) | st.characters(codec="utf-8"),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(max_persons=6, identity=odd_texts), odd_texts)
def test_odd_characters_never_break_the_deck(data: Dataset, name: str) -> None:
    """Control characters, non-characters, bidirectional marks in the site's name and
    texts: the deck is written, and python-pptx reads it back."""
    data = data.replace(site=attrs.evolve(data.site, name=name))
    bilan = compute_bilan(data, *Y2023)
    slides = read_deck(render_deck(bilan, with_checks=True, calendar=calendar_2024(data)))
    assert slides[0].title == "Bilan 2023"
    assert french(name).strip() in slides[0].all_text


@given(st.lists(st.integers(1, 30), max_size=40), st.integers(10, 60))
def test_pages_keep_every_item_in_order_and_fit(costs: list[int], budget: int) -> None:
    """A long list (partnerships, texts, checks) on as few slides as the greedy cut, none
    over the budget but for an item alone, and about even."""
    from citeslab_core.render._deck_slides import paginate

    items = list(enumerate(costs))
    pages = paginate(items, lambda item: item[1], budget)
    assert [item for page in pages for item in page] == items
    for page in pages:
        assert len(page) == 1 or sum(c for _, c in page) <= budget
    greedy, used = 0, budget + 1
    for cost in costs:
        if used + cost > budget or greedy == 0:
            greedy, used = greedy + 1, 0
        used += cost
    assert len(pages) == greedy


def test_a_networks_deck_has_its_sites_and_their_sum() -> None:
    """A network bilan (several sites' records): each site's row and the network's, the
    charts the sum's; no calendar (it comes from one site's records)."""
    from citeslab_core import network_bilan, read_input

    inputs = Path(__file__).parent / "golden" / "inputs"
    sites = [compute_bilan(read_input(inputs / name), *Y2023) for name in ("site_a", "site_b")]
    bilan = network_bilan(sites)
    slides = read_deck(render_deck(bilan))
    assert_charts_are_the_bilans(bilan, slides)
    table = next(s for s in slides if s.title == "Par site").tables[0]
    assert [row[:2] for row in table[1:]] == [
        (sites[0].site, str(sites[0].accompanied)),
        (sites[1].site, str(sites[1].accompanied)),
        (french(f"Réseau ({bilan.site})"), str(bilan.accompanied)),
    ]
    assert bilan.accompanied == sites[0].accompanied + sites[1].accompanied
    assert not any(s.title.startswith("Calendrier") for s in slides)


def test_many_rows_go_on_more_slides_and_nothing_overflows() -> None:
    """A generated site of many neighbourhoods (tests/golden/inputs/site_a): a chart of
    many bars and a long table are continued on « (suite) » slides, never crammed or cut
    (every table at most 14 rows, every bar chart at most 14 bars); the charts, joined,
    are still the bilan's."""
    from citeslab_core import read_input

    data = read_input(Path(__file__).parent / "golden" / "inputs" / "site_a")
    bilan = compute_bilan(data, *Y2023)
    assert len(bilan.tables["quartier"].rows) > 14
    slides = read_deck(render_deck(bilan, calendar=calendar_2024(data)))
    assert_charts_are_the_bilans(bilan, slides)
    for slide in slides:
        for table in slide.tables:
            assert len(table) - 1 <= 15, slide.title
        for chart in slide.charts:
            assert len(chart["categories"]) <= 14 or chart["kind"] == "PIE", slide.title
    hoods = next(s for s in slides if s.title == "Répartition par quartier")
    zeros = sum(1 for r in bilan.tables["quartier"].rows if r.count == 0)
    assert zeros
    assert any(french(f"non dessinées : {zeros} lignes") in t for t in hoods.texts)


@given(st.lists(st.integers(0, 50), max_size=60), st.integers(1, 20))
def test_a_long_chart_is_cut_into_even_pieces_in_order(values: list[int], size: int) -> None:
    from citeslab_core.render._deck_charts import Chart, Series

    chart = Chart(
        "bar",
        "t",
        tuple(f"c{i}" for i in range(len(values))),
        (Series("a", tuple(float(v) for v in values)),),
        labels=(tuple(str(v) for v in values),),
        greys=frozenset(i for i, v in enumerate(values) if v == 0),
    )
    pieces = chart.pieces(size)
    assert [c for p in pieces for c in p.categories] == list(chart.categories)
    assert [v for p in pieces for v in p.series[0].values] == list(chart.series[0].values)
    assert [v for p in pieces for v in p.labels[0]] == list(chart.labels[0])
    assert all(len(p.categories) <= size for p in pieces)
    assert len(pieces) == max(1, -(-len(values) // size))
    sizes = [len(p.categories) for p in pieces]
    assert max(sizes) - min(sizes) <= max(1, len(pieces))  # about even
    offset = 0
    for piece in pieces:  # the grey bars stay the same bars
        assert {i + offset for i in piece.greys} == {
            i for i in chart.greys if offset <= i < offset + len(piece.categories)
        }
        offset += len(piece.categories)
