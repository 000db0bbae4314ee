"""What the HTML page's template (``templates/bilan.html``) shows: frozen records of
formatted French text, made from the bilan by :mod:`citeslab_core.render._html_parts` and
:mod:`citeslab_core.render._html_grids` (private to :mod:`citeslab_core.render.html`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from markupsafe import Markup


@attrs.frozen
class CountRow:
    label: str
    count: str
    share: str
    masked: bool
    #: The colour of the row's slice in the table's pie chart ("" when none).
    swatch: str = ""


@attrs.frozen
class Block:
    """A portrait table as the page shows it: its chart (or None) and its rows."""

    key: str
    title: str
    head: str
    rows: tuple[CountRow, ...]
    total: str
    total_share: str
    chart: Markup | None
    notes: tuple[str, ...]


@attrs.frozen
class SiteLine:
    """A site of a network: its key figures, formatted."""

    name: str
    accompanied: str
    new: str
    women: str
    qpv_residents: str
    creations: str
    animations: str
    funding: str


@attrs.frozen
class KeyFigure:
    value: str
    label: str
    detail: str


@attrs.frozen
class OrientationLine:
    label: str
    persons: str
    share: str
    orientations: str


@attrs.frozen
class OrientationsPeriod:
    title: str
    rows: tuple[OrientationLine, ...]
    persons: str
    notes: tuple[str, ...]


@attrs.frozen
class ReachLine:
    name: str
    population: str
    count: str
    per_thousand: str


@attrs.frozen
class Reach:
    rows: tuple[ReachLine, ...]
    total: ReachLine | None


@attrs.frozen
class PrescriberLine:
    name: str
    count: str
    masked: bool


@attrs.frozen
class ProgrammeLine:
    name: str
    oriented: str
    retained: str


@attrs.frozen
class AnimationLine:
    label: str
    number: str
    participants: str


@attrs.frozen
class PlannedLine:
    label: str
    planned: str
    held: str
    cancelled: str
    upcoming: str


@attrs.frozen
class Animations:
    rows: tuple[AnimationLine, ...]
    number: str
    participants: str
    notes: tuple[str, ...]
    #: planned against held, the types with one or the other (empty: nothing planned)
    planned: tuple[PlannedLine, ...] = ()


@attrs.frozen
class PartnershipLine:
    partner: str
    action: str
    date: str


@attrs.frozen
class PartnershipGroup:
    title: str
    rows: tuple[PartnershipLine, ...]


@attrs.frozen
class FundingLine:
    funder: str
    amount: str
    share: str
    declared: str
    flag: str


@attrs.frozen
class FundingTable:
    title: str
    rows: tuple[FundingLine, ...]
    total: str
    total_share: str
    total_flag: str
    notes: tuple[str, ...]


@attrs.frozen
class GapLine:
    funder: str
    planned: str
    actual: str
    gap: str
    gap_percent: str
    flag: str
    explanation: str = ""


@attrs.frozen
class Gaps:
    title: str
    rows: tuple[GapLine, ...]
    total: GapLine | None
    notes: tuple[str, ...]


@attrs.frozen
class TextGroup:
    title: str
    items: tuple[str, ...]


@attrs.frozen
class CheckLine:
    severity: str
    css: str
    message: str


@attrs.frozen
class Page:
    """Everything the template shows, formatted."""

    version: str
    title: str
    kicker: str
    period: str
    year_label: str
    site_lines: tuple[str, ...]
    public: bool
    public_note: str
    footer_css: str
    accompanied: str
    key_figures: tuple[KeyFigure, ...]
    summary: tuple[str, ...]
    portrait_lead: str
    tables: dict[str, Block]
    orientations_period: OrientationsPeriod
    reach: Reach
    prescribers: tuple[PrescriberLine, ...]
    programmes: tuple[ProgrammeLine, ...]
    animations: Animations
    partnerships: tuple[PartnershipGroup, ...]
    funding: FundingTable | None
    other_fundings: tuple[FundingTable, ...]
    gaps: Gaps | None
    texts: tuple[TextGroup, ...]
    chapters: tuple[ChapterView, ...]
    with_checks: bool
    checks: tuple[CheckLine, ...]
    checks_lead: str
    colophon: str
    #: a network bilan: the key figures of each site, and each site's funding
    sites: tuple[SiteLine, ...] = ()
    site_fundings: tuple[FundingTable, ...] = ()


@attrs.frozen
class GridRow:
    """A row of a plain table: its cells (the first is the row's heading)."""

    cells: tuple[str, ...]
    masked: bool = False
    #: A heading row spanning the table (a group of the rows below).
    group: bool = False
    #: The cells shown as a warning flag (indexes).
    flags: tuple[int, ...] = ()
    #: A total or a subtotal (the compte rendu financier's): shown in bold.
    total: bool = False


@attrs.frozen
class Grid:
    """A plain table: headings, alignment (``l`` or ``r`` per column), rows, total rows,
    notes; ``empty`` is shown instead when there is no row. A table of three columns or
    more is stacked on narrow screens (each row a card, each cell with its heading)."""

    heads: tuple[str, ...]
    align: str
    rows: tuple[GridRow, ...]
    foot: tuple[GridRow, ...] = ()
    notes: tuple[str, ...] = ()
    empty: str = ""

    @property
    def stack(self) -> bool:
        return len(self.heads) >= 3


@attrs.frozen
class SectionView:
    """One section of the outline: ``kind`` names the template's macro (``figure``,
    ``grid``, ``list``, ``checks``) and ``body`` is what it draws."""

    key: str
    anchor: str
    title: str
    kind: str
    body: Any


@attrs.frozen
class ChapterView:
    key: str
    number: str
    title: str
    sections: tuple[SectionView, ...]
