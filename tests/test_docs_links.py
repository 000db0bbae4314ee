"""Every relative link of README.md and docs/ leads somewhere: the file exists in the
repository and, when the link names a heading (``page.md#titre``), that heading exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
#: ``[text](target)`` and ``![alt](target)``, the text possibly over several lines.
LINK = re.compile(r"!?\[(?:[^\[\]]|\n)*?\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped (letters with
    accents kept), spaces made hyphens."""
    text = re.sub(r"`|\*\*|\*|_(?=\W)|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(heading)
        name, count = base, 0
        while name in found:
            count += 1
            name = f"{base}-{count}"
        found.add(name)
    return found


def links(page: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8")))


def test_the_slug_is_githubs() -> None:
    assert slug("2. Créer le classeur modèle") == "2-créer-le-classeur-modèle"
    assert slug("6. Le bilan de l'année") == "6-le-bilan-de-lannée"
    assert slug("La feuille `structure`") == "la-feuille-structure"


def test_there_are_pages_and_links() -> None:
    assert ROOT / "docs" / "guide.md" in PAGES
    assert "docs/guide.md" in links(ROOT / "README.md")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken: list[str] = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
            continue
        if not destination.is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
            continue
        if anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading « #{anchor} » in {destination.name}")
    assert broken == [], f"{page.relative_to(ROOT)}: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_points_to_the_spec_files_outside_the_repository(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for name in ("FORMATS.md", "DOMAIN.md", "VOCABULARY.md", "../shared", "seeds/"):
        assert name not in text, (page.name, name)
