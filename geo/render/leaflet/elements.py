"""The folium elements of the map: the base map's region layer, and the dynamic layer's
region style and cluster markers. Their scripts are this package's ``.js`` files.

Each script is valid JavaScript in which a value the Python side fills in is written
``/*@name*/null``: ``parent`` is the variable of the map or feature group the element is
added to, any other name an attribute of the element (already JSON, see
``geo.render.shapes.compact_json``). Loading a script turns the placeholders into a folium
(Jinja) macro, so folium and ``st_folium`` (which calls ``_template.module.script``)
render the elements as they render their own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from string import Template as TextTemplate
from typing import Any

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo.base import i18n
from geo.base.i18n import N_
from geo.render import markers
from geo.render.classify import NO_DATA_FILL, NO_DATA_HATCH
from geo.render.leaflet.offline import package_text
from geo.render.markers import MARKER_STYLE, PROFILE_URL, popup_text, scenario_word
from geo.render.palette import SCENARIO_COLOURS
from geo.render.shapes import RegionPayload, compact_json

_PLACEHOLDER = re.compile(r"/\*@(\w+)\*/null")


def _jinja_value(match: re.Match[str]) -> str:
    """The Jinja expression of one ``/*@name*/null`` placeholder."""
    name = match.group(1)
    expression = "this._parent.get_name()" if name == "parent" else f"this.{name}"
    return "{{ " + expression + " }}"


def script_template(name: str) -> Template:
    """The folium macro ``script(this, kwargs)`` of this package's script ``name``.

    The script must hold no Jinja syntax of its own (``{{``, ``{%``, ``{#``), so that its
    text reaches the page exactly as written, placeholders aside.
    """
    text = package_text(name)
    if re.search(r"\{[{%#]", text):
        raise ValueError(f"{name} holds Jinja syntax; write values as /*@name*/null")
    body = _PLACEHOLDER.sub(_jinja_value, text)
    return Template("{% macro script(this, kwargs) %}\n" + body + "{% endmacro %}")


def map_css() -> str:
    """The map's own stylesheet (``map.css``) with the "no data" colours filled in."""
    css = TextTemplate(package_text("map.css"))
    return "\n" + css.substitute(no_data_hatch=NO_DATA_HATCH, no_data_fill=NO_DATA_FILL)


KEYBOARD_TEXT: dict[str, str] = {
    "label": N_(
        "Map of the regions and clusters. Tab moves to the regions, then to the clusters; "
        "arrow keys or a first letter move between them, Enter opens the region's panel "
        "or the cluster's facts, Escape returns to the map. On the map, arrow keys pan and "
        "plus and minus zoom."
    ),
    "roledesc": N_("map"),
    "home": N_("Show all of Russia"),
}
"""What the map tells keyboard and screen-reader users: its accessible name (with the keys)
and role description, and the home button's name (English msgids)."""

_FOCUS_STYLE = {"color": "#000000", "weight": 3}
"""A focused region or marker: a black outline (plus a white halo from ``map.css``)."""

_REGION_STYLE = {"color": "#7a7a7a", "weight": 0.6, "fillColor": "url(#cm-hatch)", "fillOpacity": 1}
_REGION_HOVER = {"color": "#1a1a1a", "weight": 2}

_HATCH_PATTERN = (
    '<defs><pattern id="cm-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)">'
    f'<rect width="5" height="5" fill="{NO_DATA_FILL}"/>'
    f'<line x1="0" y1="0" x2="0" y2="5" stroke="{NO_DATA_HATCH}" stroke-width="1.6"/>'
    "</pattern></defs>"
)


def figure_of(element: Element) -> Figure:
    """The page (branca's ``Figure``) that ``element`` is in; ``TypeError`` when it is in
    none. (``get_root`` is typed as returning any ``Element``; a map's root is its page.)"""
    root = element.get_root()
    if not isinstance(root, Figure):
        raise TypeError(f"{type(element).__name__} is not in a Figure")
    return root


class _RawScript(Element):
    """Rendered JavaScript, inserted as is.

    Branca wraps a macro's output in a new ``Element``, which compiles it as a Jinja
    template: for a megabyte of marker data that costs more than building the data.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        """The script text itself."""
        return self._text


class _ScriptElement(MacroElement):
    """A macro element whose script goes into the page without a second template pass."""

    def render(self, **kwargs: Any) -> str:
        """Add the rendered script to the page, then render the children. Nothing is
        drawn in place (the script goes into the page's script section): ``""``."""
        figure = figure_of(self)
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_RawScript(str(script(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
        return ""


class RegionLayer(_ScriptElement):
    """The base layer (``regions.js``): decodes the region payload, draws neutral shapes
    (class ``cm-region``), and sets up what the dynamic layer fills in (legend control, the
    cluster pane, the offset marker class and the hatch pattern for "no data") and the
    keyboard (the map's name in ``lang``, the regions as one tab stop, Enter opens a
    region's panel as a click does)."""

    _template = script_template("regions.js")

    def __init__(
        self,
        payload: RegionPayload,
        attribution: str = "Regions: Natural Earth",
        legend_position: str = "bottomleft",
        lang: str = "en",
    ) -> None:
        super().__init__()
        self._name = "RegionLayer"
        _ = i18n.translator(lang)
        self.keyboard = compact_json({k: _(v) for k, v in KEYBOARD_TEXT.items()})
        self.focus_style = compact_json(_FOCUS_STYLE)
        self.payload = payload.json
        self.css = compact_json(map_css())
        self.pattern = compact_json(_HATCH_PATTERN)
        self.region_style = compact_json(_REGION_STYLE)
        self.hover_style = compact_json(_REGION_HOVER)
        self.attribution = compact_json(html.escape(attribution))
        self.legend_position = compact_json(legend_position)
        self.bounds = compact_json([list(payload.bounds[0]), list(payload.bounds[1])])


class RegionStyle(_ScriptElement):
    """Colours the base map's regions and fills the legend (``style.js``; part of the
    dynamic layer)."""

    _template = script_template("style.js")

    def __init__(self, styles: Mapping[str, Sequence[str | None]], legend: str) -> None:
        super().__init__()
        self._name = "RegionStyle"
        self.styles = compact_json(styles)
        self.legend = compact_json(legend)


class ClusterLayer(_ScriptElement):
    """Cluster markers from a ``cluster_points`` payload (``clusters.js``), on their own
    pane above the regions.

    Up to ``group_above`` clusters (default ``GROUP_ABOVE``), with ``group_overlaps``:
    markers whose centres are closer than ``OVERLAP_PX`` at the current zoom (and those
    linked to them by such overlaps) are one group symbol (class ``cm-group``), redrawn
    after every zoom; the others are single markers (class ``cm-cluster``, plus ``cm-mne``
    with MNE links). Without ``group_overlaps``: one marker each, spread around shared
    points by the payload's pixel offsets. Above ``group_above``: markers in the same
    ``GROUP_CELL_PX`` screen cell are one group symbol; only cells in view are drawn, so the
    map stays light at any size. A group symbol's pie shows the scenarios, its dark arc
    the share with MNE links and its number the clusters; clicking it zooms in, or, when
    zooming cannot split it (clusters at one point), spreads its markers around the point
    (up to ``SPREAD_MAX``; a larger one lists them). Group symbols are named buttons in
    the markers' keyboard stop. Tooltips and popups are built in the browser.
    """

    _template = script_template("clusters.js")

    def __init__(
        self,
        points: Mapping[str, Any],
        profile_links: bool = True,
        lang: str = "en",
        group_overlaps: bool = False,
        group_above: int | None = None,
    ) -> None:
        super().__init__()
        self._name = "ClusterLayer"
        self.points = compact_json(dict(points))
        above = markers.GROUP_ABOVE if group_above is None else group_above
        self.config = compact_json(
            {
                "colours": list(SCENARIO_COLOURS.values()),
                "scenarios": [html.escape(scenario_word(s, lang)) for s in SCENARIO_COLOURS],
                "mne": MARKER_STYLE["mne"],
                "plain": MARKER_STYLE["plain"],
                "focus": _FOCUS_STYLE,
                "text": {k: html.escape(v) for k, v in popup_text(lang).items()},
                "decimal": "," if lang == "ru" else ".",
                "profile": PROFILE_URL.split("{id}")[0] if profile_links else None,
                "groupAbove": above,  # GROUP_ABOVE read at call time: tests lower it
                "groupOverlaps": group_overlaps,
                "overlapPx": markers.OVERLAP_PX,
                "spreadMax": markers.SPREAD_MAX,
                "cellPx": markers.GROUP_CELL_PX,
                "listMax": markers.GROUP_LIST_MAX,
            }
        )


DRAWN_FLAG = "map_drawn"
"""The key the map's value carries (true) once the map is drawn (:class:`DrawnSignal`)."""


class DrawnSignal(_ScriptElement):
    """Tells the hosting app, once, that the map is drawn (``drawn.js``): the component's
    value gets :data:`DRAWN_FLAG`, which reruns the app's script. Only the app's landing
    map carries it (the first run of a session draws the map alone and the rest after
    this signal); it does nothing outside streamlit-folium's frame."""

    _template = script_template("drawn.js")

    def __init__(self) -> None:
        super().__init__()
        self._name = "DrawnSignal"
        self.flag = compact_json(DRAWN_FLAG)
