"""Page layouts of the static maps: paper size, resolution of the PNG, margin, text scale.

``screen`` is the fast default of the page buttons and ``clustermap export`` (11 × 7 in at
150 dpi, 1650 × 1050 px); the print layouts are ISO 216 A4 and A3, portrait and landscape,
at 300 dpi. Every layout gets the same cartography (labels, scale bar, insets, neighbours);
only the page and the room it leaves differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geo.base.i18n import N_

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0


@dataclass(frozen=True)
class Layout:
    """A page: ``name`` (its key), ``label`` (a msgid, how it is offered), size in
    millimetres, resolution of the PNG, margin (millimetres) and text scale."""

    name: str
    label: str
    width_mm: float
    height_mm: float
    dpi: int = 300
    margin_mm: float = 8.0
    font_scale: float = 1.0

    @property
    def orientation(self) -> Literal["portrait", "landscape"]:
        """``landscape`` when the page is wider than tall."""
        return "landscape" if self.width_mm > self.height_mm else "portrait"

    @property
    def pixels(self) -> tuple[int, int]:
        """PNG size in pixels (A4 landscape at 300 dpi: 3508 × 2480).

        >>> LAYOUTS["screen"].pixels, LAYOUTS["a3-portrait"].pixels
        ((1650, 1050), (3508, 4961))
        """
        return (
            round(self.width_mm / MM_PER_INCH * self.dpi),
            round(self.height_mm / MM_PER_INCH * self.dpi),
        )

    @property
    def figsize(self) -> tuple[float, float]:
        """Figure size in inches giving exactly :attr:`pixels` at :attr:`dpi`."""
        w, h = self.pixels
        return w / self.dpi, h / self.dpi

    def px(self, mm: float) -> float:
        """``mm`` millimetres in pixels of the page."""
        return mm / MM_PER_INCH * self.dpi

    def pt(self, points: float) -> float:
        """``points`` printer's points in pixels of the page."""
        return points / PT_PER_INCH * self.dpi


LAYOUTS: dict[str, Layout] = {
    "screen": Layout(
        "screen", N_("Screen, 1650 × 1050 px (fastest)"), 11 * MM_PER_INCH, 7 * MM_PER_INCH,
        dpi=150, margin_mm=5.0,
    ),
    "a4-landscape": Layout("a4-landscape", N_("A4 landscape, 300 dpi"), 297.0, 210.0),
    "a4-portrait": Layout("a4-portrait", N_("A4 portrait, 300 dpi"), 210.0, 297.0),
    "a3-landscape": Layout(
        "a3-landscape", N_("A3 landscape, 300 dpi"), 420.0, 297.0, margin_mm=10.0,
        font_scale=1.25,
    ),
    "a3-portrait": Layout(
        "a3-portrait", N_("A3 portrait, 300 dpi"), 297.0, 420.0, margin_mm=10.0,
        font_scale=1.25,
    ),
}  # fmt: skip
"""Page layouts by key, in the order they are offered: ``screen`` (the size of the static
export before issue 18) and the print layouts. A3 text is 25 % larger than A4's: the same
map on a larger page has room for more labels and is read from further away."""

DEFAULT_LAYOUT = "screen"
"""The layout of the page buttons and ``clustermap export`` unless one is chosen: the
fastest to make (150 dpi, a quarter of A4's pixels)."""

PRINT_LAYOUTS: tuple[str, ...] = tuple(key for key in LAYOUTS if key != "screen")
"""The print layouts (A4 and A3, portrait and landscape, 300 dpi)."""

FONT_PT: dict[str, float] = {
    "title": 14.0,
    "subtitle": 8.5,
    "legend": 8.0,
    "legend_title": 9.0,
    "sources": 6.5,
    "note": 6.5,
    "label": 6.5,
    "context_label": 6.0,
    "inset_label": 6.0,
    "inset_title": 7.0,
    "badge": 7.0,
    "scale": 7.0,
    "group": 6.0,
}
"""Text sizes in points at ``font_scale`` 1 (title, subtitle, legend and sources as the
static map had them before issue 18)."""


def font_size(layout: Layout, key: str) -> float:
    """The size in points of the text ``key`` of :data:`FONT_PT` on ``layout``."""
    return FONT_PT[key] * layout.font_scale


def check_layout(name: str) -> Layout:
    """The layout ``name``; ``ValueError`` naming the layouts when there is none.

    >>> check_layout("a4-landscape").orientation
    'landscape'
    """
    if name not in LAYOUTS:
        raise ValueError(f"unknown page layout '{name}'; known: {', '.join(LAYOUTS)}")
    return LAYOUTS[name]
