"""Colour contrast where the app draws text or symbols (WCAG 2.2 AA), computed from the
colours the code and the config use, and what stays readable without colour: no browser.

* text (1.4.3, 4.5:1): the legend (over any region fill, through its 93 % white box),
  popups, the group symbols' numbers, Leaflet's tooltips and attribution, and Streamlit's
  captions (the theme's text colour at 60 % opacity, on the page and in the sidebar);
* symbols (1.4.11, 3:1): each cluster marker against white, the no-data fill and every
  class colour, by its fill, its outline or its white halo, whichever stands out most;
* without colour (1.4.1): "no data" is a hatch (a texture, not a shade), and the MNE ring
  is a thick dark ring, not a hue.

Colours of ``map.css`` are read from the file, so a change there is checked too.
"""

from __future__ import annotations

import re
import tomllib

import pandas as pd
import pytest

from geo.base.paths import PROJECT_ROOT
from geo.render import legend, markers
from geo.render.classify import NO_DATA_FILL, NO_DATA_HATCH, SEQUENTIAL, classify
from geo.render.leaflet import elements
from geo.render.leaflet.offline import package_text
from geo.render.palette import SCENARIO_COLOURS

WHITE = "#ffffff"
STREAMLIT_LIGHT = {"textColor": "#2f2d2b", "backgroundColor": "#ffffff",
                   "secondaryBackgroundColor": "#f8f8f7"}  # fmt: skip
"""Streamlit 1.67's light-theme defaults, used where the config does not set a colour."""
CAPTION_OPACITY = 0.6
"""Streamlit draws captions, image captions and help text in the text colour at 60 %."""
LEGEND_BOX = 0.93
"""The legend's background: rgba(255,255,255,0.93) in map.css."""

Rgb = tuple[float, float, float]


def rgb(colour: str) -> Rgb:
    """``#rgb`` or ``#rrggbb`` as three floats in 0..1."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


def luminance(c: Rgb) -> float:
    """WCAG relative luminance."""

    def f(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])


def ratio(a: str | Rgb, b: str | Rgb) -> float:
    """WCAG contrast ratio of two colours."""
    la = luminance(rgb(a) if isinstance(a, str) else a)
    lb = luminance(rgb(b) if isinstance(b, str) else b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def over(fg: str, alpha: float, bg: str) -> Rgb:
    """``fg`` at ``alpha`` opacity over ``bg``."""
    f, b = rgb(fg), rgb(bg)
    return (alpha * f[0] + (1 - alpha) * b[0], alpha * f[1] + (1 - alpha) * b[1],
            alpha * f[2] + (1 - alpha) * b[2])  # fmt: skip


def map_fills() -> list[str]:
    """Every colour a region can have under a marker or the legend."""
    classes = {c for scheme in SEQUENTIAL.values() for c in scheme}
    return sorted(classes | {WHITE, NO_DATA_FILL, NO_DATA_HATCH})


def css_colour(selector: str, prop: str = "color") -> str:
    """A colour ``map.css`` gives ``selector`` (the first rule that names it)."""
    css = package_text("map.css")
    m = re.search(r"(?:^|[\n,]\s*)" + re.escape(selector) + r"\s*\{([^}]*)\}", css)
    assert m, f"{selector} not in map.css"
    found = re.search(rf"(?<![-\w]){prop}:\s*(#[0-9a-fA-F]{{3,6}})", m.group(1))
    assert found, f"{selector} has no {prop}"
    return found.group(1)


def theme() -> dict[str, str]:
    """The light theme's colours: Streamlit's defaults overridden by the config file."""
    text = (PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    section = tomllib.loads(text).get("theme", {})
    light = {**STREAMLIT_LIGHT, **{k: v for k, v in section.items() if isinstance(v, str)}}
    return {**light, **section.get("light", {})}


def test_the_ratio_is_wcag_s():
    assert ratio("#000000", "#ffffff") == pytest.approx(21)
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert ratio("#828180", "#ffffff") < 4.5  # Streamlit's default caption colour


@pytest.mark.parametrize("selector", [".cm-legend", ".cm-legend .cm-n"])
def test_legend_text_is_readable_over_any_region(selector):
    colour = css_colour(selector)
    worst = min(ratio(colour, over(WHITE, LEGEND_BOX, fill)) for fill in map_fills())
    assert worst >= 4.5, f"{selector} {colour}: {worst:.2f}:1"


@pytest.mark.parametrize("selector", [".cm-pop .cm-id", ".cm-pop .cm-note"])
def test_popup_text_is_readable(selector):
    assert ratio(css_colour(selector), WHITE) >= 4.5


def test_leaflet_text_is_readable():
    # Leaflet 1.9.4's stylesheet: tooltips #222 on #fff; attribution #333 on 80 % white.
    assert ratio("#222222", WHITE) >= 4.5
    assert min(ratio("#333333", over(WHITE, 0.8, f)) for f in map_fills()) >= 4.5


def test_group_symbol_numbers_are_readable():
    assert 'fill="#111111">' in package_text("clusters.js")  # the number, on a white disc
    assert ratio("#111111", WHITE) >= 4.5


@pytest.mark.parametrize("background", ["backgroundColor", "secondaryBackgroundColor"])
def test_captions_are_readable(background):
    colours = theme()
    caption = over(colours["textColor"], CAPTION_OPACITY, colours[background])
    value = ratio(caption, colours[background])
    assert value >= 4.5, (
        f"captions on {background}: textColor {colours['textColor']} at 60 % gives "
        f"{value:.2f}:1; set [theme.light] textColor in .streamlit/config.toml"
    )


@pytest.mark.parametrize("scenario", list(SCENARIO_COLOURS))
@pytest.mark.parametrize("kind", ["plain", "mne"])
def test_markers_stand_out_from_every_background(scenario, kind):
    fill = SCENARIO_COLOURS[scenario]
    outline = markers.MARKER_STYLE[kind]["color"]
    halo = WHITE if "drop-shadow(0 0 1px #ffffff)" in package_text("map.css") else None
    weak = []
    for background in map_fills():
        best = max(
            ratio(fill, background),
            ratio(outline, background),
            ratio(halo, background) if halo else 0.0,
        )
        if best < 3:
            weak.append(f"{background} {best:.2f}:1")
    assert not weak, f"{scenario} marker (fill {fill}, outline {outline}) on: {weak}"


# --- without colour -------------------------------------------------------------------------


def test_no_data_is_a_hatch_not_a_shade():
    """No data is drawn as diagonal lines on a light fill, in the map and in its legend:
    a texture that reads in greyscale and is told apart from the lightest class."""
    pattern = elements._HATCH_PATTERN
    assert 'patternTransform="rotate(45)"' in pattern and "<line" in pattern
    assert ratio(NO_DATA_HATCH, NO_DATA_FILL) >= 2  # the lines show on their own ground
    assert elements._REGION_STYLE["fillColor"] == "url(#cm-hatch)"
    assert "repeating-linear-gradient(45deg" in package_text("map.css")  # legend swatch
    assert all(NO_DATA_FILL not in scheme for scheme in SEQUENTIAL.values())


def test_the_mne_ring_is_thick_and_dark_not_a_hue():
    """A cluster with MNE links has a ring at least twice as thick as any other marker's
    outline and dark in greyscale; the legend says so in words."""
    mne, plain = markers.MARKER_STYLE["mne"], markers.MARKER_STYLE["plain"]
    assert mne["weight"] >= 2 * plain["weight"]
    assert luminance(rgb(mne["color"])) < 0.02  # near black, whatever the hue vision
    assert all(ratio(mne["color"], fill) >= 3 for fill in SCENARIO_COLOURS.values())
    classes = classify(pd.Series([1.0, 2.0, 3.0, None], index=list("abcd")), "quantiles", 3)
    html = legend.legend_html("cluster_count", classes, {"supported": 1}, False, "en")
    assert "dark ring: MNE links" in html
