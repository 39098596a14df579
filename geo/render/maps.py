"""The map pipeline: one interactive map of a view, for the map page and the HTML export.

No Streamlit here. The map is split in two so that a page can keep the expensive part
unchanged between reruns:

* the **base map** (``base_map``): Leaflet itself, the region shapes and the (empty)
  legend. It depends only on the region geometry and the projection, so its script is
  identical from one rerun to the next and ``st_folium`` keeps the same map (no reload,
  the user's pan and zoom survive);
* the **dynamic layer** (``content_layer``): a ``folium.FeatureGroup`` holding the region
  colours and tooltips of the chosen measure, the legend's content and the cluster
  markers that pass the filters. It is small and is handed to
  ``st_folium(feature_group_to_add=...)``, which swaps it in place.

What a map shows is one ``MapContent``: the page builds it from the dataset and its
``View`` (``MapContent.of_view``), the HTML export from a resolved view
(``MapContent.of_resolved``); both then call ``map_layers``, so they draw the same map.

The parts: ``geo.render.projection`` (coordinates), ``geo.render.shapes`` (region shapes
for the browser), ``geo.render.choropleth`` (region colours and tooltips),
``geo.render.markers`` (cluster markers and popups), ``geo.render.legend`` and
``geo.render.leaflet`` (Leaflet offline, the map's JavaScript and its folium elements).
Nothing here uses ``folium.Choropleth`` or a branca colormap (streamlit-folium would add
d3 from CDNs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

from geo.analysis import filters
from geo.analysis.dataset import Dataset
from geo.analysis.measures import compute_measure
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import markers
from geo.render.choropleth import region_styles
from geo.render.classify import Classification, classify
from geo.render.leaflet.elements import ClusterLayer, DrawnSignal, RegionLayer, RegionStyle
from geo.render.leaflet.offline import LeafletAssets, leaflet_assets
from geo.render.legend import legend_html
from geo.render.markers import (
    GROUP_ABOVE,
    PROFILE_URL,
    cluster_name,
    cluster_points,
    point_count,
    points_from_records,
    scenario_counts,
)
from geo.render.shapes import RegionPayload, region_payload
from geo.render.views import Projection, ResolvedView, View

__all__ = [
    "ATTRIBUTION", "GROUP_ABOVE", "OSM_ATTRIBUTION", "PROFILE_URL", "Grouping", "LeafletAssets",
    "MapContent", "MapLayers", "RegionPayload", "base_map", "build_map_html", "cluster_name",
    "content_layer", "dynamic_layer", "leaflet_assets", "map_layers", "region_payload",
    "standalone_html",
]  # fmt: skip
"""The map page's API: the pipeline, and the few names of its parts a page also shows."""

OSM_ATTRIBUTION = "© OpenStreetMap contributors"

ATTRIBUTION: dict[str, str] = {
    "albers": N_("Regions: Natural Earth · Albers equal-area conic"),
    "mercator": N_("Regions: Natural Earth"),
}
"""The map's attribution line per projection (OpenStreetMap's own line is left as is)."""


def base_map(
    payload: RegionPayload, assets: LeafletAssets, lang: str = "en", announce_drawn: bool = False
) -> folium.Map:
    """The part of the map that does not change with the measure or the filters.

    Albers payload: ``CRS.Simple``, no tiles. Mercator payload: Web Mercator with
    OpenStreetMap tiles (needs the network). Zoom is fractional (``zoomSnap`` 0.25) so
    fitting Russia fills the frame; the fit is done in the browser, above the legend, and
    redone when the frame is resized until the user moves the map. Leaflet is loaded from
    ``assets`` (``data:`` URLs) instead of folium's CDN defaults. ``lang``: the language of
    the attribution line and of the map's keyboard help. ``announce_drawn``: the map tells
    the app hosting it once it is drawn (``DrawnSignal``; the app's landing map, whose
    first run draws the rest of the page after it).
    """
    (south, west), (north, east) = payload.bounds
    centre = [(south + north) / 2, (west + east) / 2]
    common: dict[str, Any] = {
        "location": centre,
        "zoom_start": 3,
        "zoom_snap": 0.25,
        "zoom_delta": 0.5,
        "control_scale": False,
    }
    if payload.projection == "albers":
        m = folium.Map(crs="Simple", tiles=None, min_zoom=1, max_zoom=10, **common)
    else:
        m = folium.Map(tiles=None, min_zoom=2, max_zoom=12, **common)
        folium.TileLayer("OpenStreetMap", attr=OSM_ATTRIBUTION, name="OpenStreetMap").add_to(m)
    attribution = i18n.translator(lang)(ATTRIBUTION[payload.projection])
    m.default_js = [("leaflet", assets.js)]
    m.default_css = [("leaflet_css", assets.css)]
    RegionLayer(payload, attribution=attribution, lang=lang).add_to(m)
    if announce_drawn:
        DrawnSignal().add_to(m)
    return m


def dynamic_layer(
    styles: Mapping[str, Sequence[str | None]],
    legend: str,
    points: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    profile_links: bool = True,
    lang: str = "en",
    grouping: Grouping | None = None,
) -> folium.FeatureGroup:
    """What changes with the measure and the filters: region colours and tooltips, the
    legend's content and the cluster markers, as one feature group for
    ``st_folium(feature_group_to_add=...)``.

    ``points`` is a ``cluster_points`` payload, or ``cluster_payload`` records (converted
    with ``points_from_records``, their popups kept). ``profile_links=False`` leaves the
    links to cluster profiles out of the popups (a standalone export has no app to open).
    ``lang``: the language of the texts the browser fills into tooltips and popups.
    ``grouping``: how markers are grouped (default: no overlap grouping, grid groups above
    ``GROUP_ABOVE``).
    """
    if not isinstance(points, Mapping):
        points = points_from_records(points)
    g = grouping if grouping is not None else Grouping(overlaps=False)
    group = folium.FeatureGroup(name="clusters", control=False)
    RegionStyle(styles, legend).add_to(group)
    ClusterLayer(points, profile_links, lang, g.overlaps, g.threshold()).add_to(group)
    return group


@dataclass(frozen=True)
class Grouping:
    """How a map groups its cluster markers.

    ``overlaps``: markers that overlap at the current zoom are one group symbol with their
    count (clicking it zooms in, or spreads markers that share a point); otherwise markers
    sharing a point are spread by fixed offsets. ``above``: more clusters than this are
    grouped per screen cell instead (``None``: ``GROUP_ABOVE``, read when the map is built).
    The map page and the HTML export group overlaps (``map_layers``' default).
    """

    overlaps: bool = True
    above: int | None = None

    def threshold(self) -> int:
        """The number of clusters above which markers are grouped per screen cell."""
        return markers.GROUP_ABOVE if self.above is None else self.above

    def grouped(self, n: int) -> bool:
        """Whether a map of ``n`` clusters may show group symbols (the legend explains
        them then): overlap grouping with two or more, or more than the threshold."""
        return n > self.threshold() or (self.overlaps and n >= 2)

    def offsets_up_to(self) -> int:
        """Up to how many clusters the payload carries fixed offsets for shared points
        (0 when the browser groups overlaps: it spreads them on click instead)."""
        return 0 if self.overlaps else self.threshold()


def standalone_html(base: folium.Map, layer: folium.FeatureGroup | None = None) -> str:
    """The whole map as one HTML page (for screenshots, exports and benchmarks).

    ``base`` is modified (the layer is added to it); build a fresh one per call.
    """
    if layer is not None:
        layer.add_to(base)
    return base.get_root().render()


# --- what a map shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class MapContent:
    """Everything the dynamic layer of one map is made from.

    ``regions`` are the regions coloured (code and names), ``values`` the measure by region
    code over all regions and ``classification`` its classes (always computed over all
    regions, so a district's export has the country map's colours); ``legend_classes`` are
    the classes whose counts the legend states (the territory's); ``clusters`` are the
    clusters drawn. Texts are in ``lang``; ``labels`` (the vocabularies) give the Russian
    labels of indicators, industry groups and statuses.
    """

    measure: str
    regions: gpd.GeoDataFrame
    values: pd.Series
    classification: Classification
    legend_classes: Classification
    clusters: pd.DataFrame
    projection: Projection = "albers"
    lang: str = "en"
    labels: i18n.VocabularyLabels | None = None

    @classmethod
    def of_view(
        cls,
        data: Dataset,
        view: View,
        table: pd.DataFrame | None = None,
        shown: pd.DataFrame | None = None,
        labels: i18n.VocabularyLabels | None = None,
    ) -> MapContent:
        """The map page's content: all regions of ``data``, the clusters passing the view's
        filters (``shown`` when the caller has already filtered them), the measure from
        ``table`` (``geo.analysis.measures.measure_table(data)``, when the caller has it
        cached; otherwise only the chosen measure is computed)."""
        if shown is None:
            shown = filters.apply_filter(data.clusters, data.regions, view.filters)
        values = table[view.measure] if table is not None else compute_measure(view.measure, data)
        classification = classify(values, view.scheme, view.k)
        return cls(
            view.measure, data.regions, values, classification, classification, shown,
            view.projection, view.lang, labels,
        )  # fmt: skip

    @classmethod
    def of_resolved(
        cls, rv: ResolvedView, labels: i18n.VocabularyLabels | None = None
    ) -> MapContent:
        """The content of a resolved view (the HTML export): the territory's regions and
        clusters, the country-wide classes, the legend counting the territory's regions.
        Always the offline (Albers) map."""
        return cls(
            rv.measure.key, rv.regions, rv.all_values, rv.classification,
            rv.view_classification, rv.clusters, "albers", rv.view.lang, labels,
        )  # fmt: skip


def content_layer(
    content: MapContent,
    profile_links: bool = True,
    grouping: Grouping = Grouping(),  # noqa: B008 - frozen dataclass, safe as a default
) -> folium.FeatureGroup:
    """The dynamic layer of ``content``: what a filter, measure or class change re-renders.

    Region colours and tooltips, the legend (with the group symbol when the map may group
    markers: ``grouping``, by default overlapping markers and more than ``GROUP_ABOVE``
    clusters per screen cell) and the markers. ``profile_links=False`` leaves the links to
    cluster profiles out of the popups.
    """
    c = content
    styles = region_styles(c.values, c.classification, c.regions, c.measure, c.lang, c.labels)
    points = cluster_points(
        c.clusters, c.regions, c.projection, c.lang, c.labels, grouping.offsets_up_to()
    )
    grouped = grouping.grouped(point_count(points))
    counts = scenario_counts(c.clusters)
    legend = legend_html(c.measure, c.legend_classes, counts, grouped, c.lang, c.labels)
    return dynamic_layer(styles, legend, points, profile_links, c.lang, grouping)


@dataclass(frozen=True)
class MapLayers:
    """A map in its two parts: ``base`` for ``st_folium``'s map, ``layer`` for its
    ``feature_group_to_add``."""

    base: folium.Map
    layer: folium.FeatureGroup

    def html(self) -> str:
        """The whole map as one standalone page (adds the layer to the base map)."""
        return standalone_html(self.base, self.layer)


def map_layers(
    content: MapContent,
    payload: RegionPayload | None = None,
    assets: LeafletAssets | None = None,
    profile_links: bool = True,
    grouping: Grouping = Grouping(),  # noqa: B008 - frozen dataclass, safe as a default
    announce_drawn: bool = False,
) -> MapLayers:
    """The interactive map of ``content``: the one pipeline of the map page and the HTML
    export. ``payload`` and ``assets`` are the page's caches (``region_payload`` of the
    regions drawn, ``leaflet_assets``); without them they are built here. ``grouping``:
    how markers are grouped (by default overlapping markers are). ``announce_drawn``: as
    :func:`base_map` (the map page's map only)."""
    if payload is None:
        payload = region_payload(content.regions, content.projection)
    assets = assets if assets is not None else leaflet_assets()
    base = base_map(payload, assets, content.lang, announce_drawn=announce_drawn)
    return MapLayers(base, content_layer(content, profile_links, grouping))


def build_map_html(
    data: Dataset,
    view: View = View(),  # noqa: B008 - frozen dataclass, safe as a default
    payload: RegionPayload | None = None,
    assets: LeafletAssets | None = None,
    table: pd.DataFrame | None = None,
    grouping: Grouping = Grouping(),  # noqa: B008 - frozen dataclass, safe as a default
) -> str:
    """The map page's map of a view as one standalone HTML page (benchmarks, screenshots).

    Without ``payload``/``assets``/``table`` everything is computed (a cold build); with
    them, only what a page rerun recomputes (the warm build: the map page caches exactly
    these three). ``grouping``: as ``map_layers``.
    """
    if payload is None:
        payload = region_payload(data.regions, view.projection)
    content = MapContent.of_view(data, view, table)
    return map_layers(content, payload, assets, grouping=grouping).html()
