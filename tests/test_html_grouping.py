"""Overlapping cluster markers grouped with their counts (``geo.render.maps.Grouping``,
``ClusterLayer``, ``clusters.js``): in the HTML export (always) and on the page's map.

The published data put eight clusters around Moscow (Moscow, Zelenograd, Troitsk, Khimki,
Dubna, Pushino, Obninsk and the Moscow Oblast consortium) and two pairs at identical
points (St Petersburg; the Ulyanovsk region point): at the export's first zoom they
overlap. The browser tests open the exported page with every request that would leave
the machine aborted and recorded; they are skipped without Chromium, unless
``CLUSTERMAP_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from geo.analysis.dataset import Dataset
from geo.render import legend as map_legend, maps, markers, projection, views
from geo.render.exports import formats, interactive
from geo.render.leaflet import offline
from geo.render.leaflet.offline import package_text
from tests.support import browser_pages as bp

sync_api, browser = bp.sync_api, bp.browser  # the shared fixtures

NOW = datetime(2026, 1, 2, tzinfo=UTC)
MOSCOW = (37.6176, 55.7558)  # lon, lat
SPB = (30.31413, 59.93863)
MOSCOW_AREA = {"P003-02", "P003-04", "PIC-01", "PIC-10", "PIC-11", "PIC-15", "PIC-16", "PIC-22"}
"""The clusters of Moscow and its oblast, and Obninsk next to them (all within ~120 km)."""
SAME_POINT = {"PIC-12", "PIC-23"}
"""Two clusters of St Petersburg, drawn at the same point."""


def cluster_config(text: str) -> dict:
    """The ``config`` JSON of the page's ``ClusterLayer`` script."""
    match = re.search(r'\{"colours":.*?"listMax":\d+\}', text)
    assert match, "no cluster layer config in the page"
    return json.loads(match.group(0))


def country_export(data: Dataset, lang: str = "en") -> str:
    _, payload, _ = formats.export_view(data, views.View("RU", lang=lang), "html", NOW)
    return payload.decode("utf-8")


# --- the page's text -------------------------------------------------------------------------


def test_the_country_export_groups_overlaps_with_its_own_script_and_no_external_url(
    data: Dataset,
) -> None:
    text = country_export(data)
    config = cluster_config(text)
    assert config["groupOverlaps"] is True
    assert config["overlapPx"] == markers.OVERLAP_PX
    assert config["spreadMax"] == markers.SPREAD_MAX
    # The grouping script is this package's clusters.js, inlined: nothing to fetch.
    assert "function overlapGroups(" in package_text("clusters.js")
    assert "function overlapGroups(" in text and "function spreadItems(" in text
    assert offline.external_urls([text]) == []
    assert not re.search(r"<script[^>]+src=\"https?:", text)
    assert map_legend.LEGEND_TEXT["group"] in text, "the legend explains the group symbol"
    # Markers sharing a point are spread by the browser on click, not by fixed offsets.
    points = re.search(r'\{"d":\d+,"id":\[.*?"lk":', text)
    assert points and '"o":{}' in points.group(0)


def test_the_export_groups_overlaps_whatever_the_page_default() -> None:
    assert interactive.EXPORT_GROUPING.overlaps is True
    assert interactive.EXPORT_GROUPING.threshold() == markers.GROUP_ABOVE


def test_overlap_is_the_largest_marker_s_diameter() -> None:
    mne = markers.MARKER_STYLE["mne"]
    assert markers.OVERLAP_PX == 2 * mne["radius"] + mne["weight"] == 19


@pytest.mark.parametrize("overlaps", [True, False])
def test_grouping_is_a_parameter_of_the_map_pipeline(data: Dataset, overlaps: bool) -> None:
    content = maps.MapContent.of_view(data, views.View())
    grouping = maps.Grouping(overlaps=overlaps, above=7)
    text = maps.map_layers(content, grouping=grouping).html()
    config = cluster_config(text)
    assert config["groupOverlaps"] is overlaps
    assert config["groupAbove"] == 7
    # 29 located clusters > 7: the map may group either way, and the legend says so.
    assert map_legend.LEGEND_TEXT["group"] in text


def test_without_overlap_grouping_shared_points_get_fixed_offsets(data: Dataset) -> None:
    content = maps.MapContent.of_view(data, views.View())
    layer = maps.content_layer(content, grouping=maps.Grouping(overlaps=False))
    cluster_layer = next(e for e in layer._children.values() if e._name == "ClusterLayer")
    points = json.loads(cluster_layer.points)
    spread = {points["id"][int(j)] for j in points["o"]}
    assert spread >= SAME_POINT, "St Petersburg's two clusters are offset"
    assert json.loads(cluster_layer.config)["groupOverlaps"] is False
    legend = next(e for e in layer._children.values() if e._name == "RegionStyle").legend
    assert map_legend.LEGEND_TEXT["group"] not in legend, "no group symbol to explain"


def test_the_page_map_groups_overlaps_by_default(data: Dataset) -> None:
    text = maps.build_map_html(data, views.View())
    assert cluster_config(text)["groupOverlaps"] is True
    assert maps.Grouping().grouped(2) and not maps.Grouping().grouped(1)
    assert maps.Grouping(overlaps=False, above=3).grouped(4)
    assert not maps.Grouping(overlaps=False, above=3).grouped(3)


# --- in the browser --------------------------------------------------------------------------

GROUPS_JS = """() => [...document.querySelectorAll('.cm-group')].map(e => {
  const r = e.getBoundingClientRect();
  return {n: +e.querySelector('svg').dataset.count, label: e.getAttribute('aria-label') || '',
          role: e.getAttribute('role'), x: r.left + r.width / 2, y: r.top + r.height / 2};
})"""
SINGLES_JS = """() => {
  const out = [];
  window.cmMap.eachLayer(l => {
    const p = l.feature && l.feature.properties;
    if (p && p.kind === 'cluster' && l._map && l._point) {
      const box = l.getElement().getBoundingClientRect();
      out.push({id: p.id, x: box.left + box.width / 2, y: box.top + box.height / 2});
    }
  });
  return out;
}"""


def screen_point(page, lon: float, lat: float) -> tuple[float, float]:
    """Where a geographic point is on the page (the map's Albers coordinates)."""
    x, y = projection.to_map_coordinates([lon], [lat], "albers")
    box = page.locator(".folium-map").bounding_box()
    p = page.evaluate("ll => window.cmMap.latLngToContainerPoint(ll)", [float(y[0]), float(x[0])])
    return box["x"] + p["x"], box["y"] + p["y"]


def group_near(page, point: tuple[float, float], within: float = 40.0) -> dict | None:
    """The group symbol nearest to ``point`` on the page, if one is within ``within`` px."""

    def distance(g: dict) -> float:
        return float(((g["x"] - point[0]) ** 2 + (g["y"] - point[1]) ** 2) ** 0.5)

    near = [g for g in page.evaluate(GROUPS_JS) if distance(g) < within]
    return min(near, key=distance, default=None)


@pytest.fixture
def export_page(browser, data: Dataset):
    """The whole country's HTML export in Chromium, offline (requests leaving the page
    aborted and recorded in ``page.outside``), JavaScript errors in ``page.errors``."""
    page = bp.new_page(browser, 1280, 860, "en")
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.set_content(country_export(data))
    page.locator(".cm-group").first.wait_for()
    yield page
    page.context.close()


@pytest.mark.browser
def test_a_group_around_moscow_opens_into_its_markers(export_page) -> None:
    page = export_page
    moscow = screen_point(page, *MOSCOW)
    group = group_near(page, moscow)
    assert group and group["n"] >= 2, "no group with a count around Moscow"
    assert group["role"] == "button" and f"{group['n']} clusters" in group["label"]
    singles = {s["id"] for s in page.evaluate(SINGLES_JS)}
    assert not MOSCOW_AREA & singles, "Moscow's clusters are drawn on top of each other"
    # Click the group (and any smaller group it splits into) until none is left there.
    for _ in range(8):
        moscow = screen_point(page, *MOSCOW)
        group = group_near(page, moscow, within=150)
        if group is None:
            break
        page.mouse.click(group["x"], group["y"])
        page.wait_for_timeout(700)
    drawn = page.evaluate(SINGLES_JS)
    assert {s["id"] for s in drawn} >= MOSCOW_AREA, "every Moscow cluster is reachable"
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_clusters_at_one_point_spread_on_click_and_fold_back(export_page) -> None:
    page = export_page
    spb = screen_point(page, *SPB)
    group = group_near(page, spb)
    assert group and group["n"] == len(SAME_POINT)
    assert "Click to show each of them." in group["label"]
    page.mouse.click(group["x"], group["y"])
    page.wait_for_timeout(400)
    spread = [s for s in page.evaluate(SINGLES_JS) if s["id"] in SAME_POINT]
    assert len(spread) == 2
    a, b = spread
    assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 >= markers.OVERLAP_PX
    assert page.locator(".leaflet-cmLegs-pane path").count() == 2, "legs to the point"
    # Each spread marker opens its own popup; the spread stays open meanwhile.
    page.mouse.click(a["x"], a["y"])
    page.locator(".leaflet-popup-content .cm-pop").wait_for()
    assert len([s for s in page.evaluate(SINGLES_JS) if s["id"] in SAME_POINT]) == 2
    # A click on the map folds the markers back into their group.
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] - 60, box["y"] + 120)
    page.wait_for_timeout(400)
    spb = screen_point(page, *SPB)  # the popup may have panned the map
    assert group_near(page, spb) is not None
    assert page.locator(".leaflet-cmLegs-pane path").count() == 0
    assert page.errors == [] and page.outside == []


@pytest.mark.browser
def test_a_group_spreads_from_the_keyboard_and_hands_over_the_focus(export_page) -> None:
    page = export_page
    active = "() => ({cls: document.activeElement.getAttribute('class') || '', " \
        "label: document.activeElement.getAttribute('aria-label') || ''})"  # fmt: skip
    for _ in range(40):  # the map, the regions, then the markers' one stop
        page.keyboard.press("Tab")
        if "cm-cluster" in page.evaluate(active)["cls"]:
            break
    else:
        pytest.fail("Tab never reached the cluster markers")
    for _ in range(40):  # arrows move within the stop: to a group at one point
        now = page.evaluate(active)
        if "Click to show each of them." in now["label"]:
            break
        page.keyboard.press("ArrowDown")
    assert "cm-group" in now["cls"] and re.match(r"2 clusters", now["label"]), now
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    focused = page.evaluate(active)
    assert "cm-cluster" in focused["cls"], "the focus went to none of the spread markers"
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content .cm-pop").wait_for()
    assert page.errors == []
