"""The map with the keyboard alone: reach it, pan and zoom it, focus a region or a cluster
and open its panel or popup, always seeing where the focus is.

Only ``page.keyboard`` moves the focus and acts (no click, no ``element.focus()``); the
tests read state (the focused element, the map's zoom) but never drive the page with
script. Tab order inside the map's iframe: the map container (Leaflet's keyboard handler:
arrows pan, +/- zoom), one stop for the regions, one for the cluster markers (arrow keys
and first letters move within each), then the zoom buttons, the home button and the
legend.
"""

from __future__ import annotations

import re

import pytest

from tests.support import browser_pages as bp
from tests.support.browser_pages import APP_IDLE, MAP_FRAME, new_page, open_app_page, page_url

sync_api, app_url, browser = bp.sync_api, bp.app_url, bp.browser  # the shared fixtures

pytestmark = pytest.mark.browser

MAX_TABS = 120  # sidebar widgets, the view controls, then the map

_ACTIVE_JS = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) { return null; }
  const s = getComputedStyle(a);
  return {tag: a.tagName.toLowerCase(), cls: a.getAttribute('class') || '',
          role: a.getAttribute('role'), label: a.getAttribute('aria-label') || '',
          title: a.getAttribute('title') || '', text: (a.textContent || '').trim().slice(0, 80),
          stroke: a.getAttribute('stroke-width'), outline: s.outlineStyle,
          outlineWidth: parseFloat(s.outlineWidth) || 0};
}"""


def frame_of(page):
    """The map's iframe (a Playwright frame)."""
    return page.locator(MAP_FRAME).element_handle().content_frame()


def focused_in_map(page) -> dict | None:
    """What has the focus inside the map's iframe (None if the focus is elsewhere)."""
    if page.evaluate("() => document.activeElement && document.activeElement.tagName") != "IFRAME":
        return None
    return frame_of(page).evaluate(_ACTIVE_JS)


def tab_until(page, predicate, limit: int = MAX_TABS) -> dict:
    """Press Tab until the focused element in the map satisfies ``predicate``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = focused_in_map(page)
        if active and predicate(active):
            return active
    pytest.fail(f"{limit} presses of Tab never reached it")


def is_container(a: dict) -> bool:
    """The focus is on the map itself (Leaflet's container)."""
    return "leaflet-container" in a["cls"]


def is_region(a: dict) -> bool:
    """The focus is on a region."""
    return a["tag"] == "path" and "cm-region" in a["cls"]


def is_cluster(a: dict) -> bool:
    """The focus is on a single cluster marker."""
    return a["tag"] == "path" and "cm-cluster" in a["cls"]


@pytest.fixture
def map_page(browser, app_url):
    page = new_page(browser, 1280, 900, "en")
    open_app_page(page, page_url(app_url, "map", "en"), is_map=True)
    yield page
    page.context.close()


def test_the_map_is_reachable_named_and_pans_and_zooms(map_page):
    page = map_page
    active = tab_until(page, is_container)
    assert active["label"], "the map has no accessible name"
    assert active["outline"] != "none" and active["outlineWidth"] >= 2, "no visible focus"
    frame = frame_of(page)
    zoom = frame.evaluate("() => window.cmMap.getZoom()")
    page.keyboard.press("+")
    frame.wait_for_function("z => window.cmMap.getZoom() > z", arg=zoom)
    centre = frame.evaluate("() => window.cmMap.getCenter().lng")
    page.keyboard.press("ArrowRight")
    frame.wait_for_function("x => window.cmMap.getCenter().lng > x", arg=centre)


def test_a_region_panel_opens_from_the_keyboard(map_page):
    page = map_page
    active = tab_until(page, is_region)
    assert active["role"] == "button"
    assert "Regional foreign-economic-activity index" in active["label"], active["label"]
    assert active["stroke"] == "3", "a focused region is not outlined"
    frame = frame_of(page)
    assert frame.locator(".leaflet-tooltip").count() == 1, "its tooltip is not shown"
    # A first letter jumps to the next region whose name starts with it; arrows step.
    page.keyboard.press("k")
    for _ in range(90):
        active = focused_in_map(page)
        if active["label"].startswith("Krasnoyarsk Krai"):
            break
        page.keyboard.press("ArrowDown")
    assert active["label"].startswith("Krasnoyarsk Krai"), active
    page.keyboard.press("Enter")
    page.get_by_text("Krasnoyarsk Krai · Красноярский край").wait_for()
    page.wait_for_selector(APP_IDLE)
    assert re.search(r"[?&]panel=RU-KYA\b", page.url)


def test_a_cluster_popup_opens_takes_the_focus_and_gives_it_back(map_page):
    page = map_page
    marker = tab_until(page, is_cluster)
    assert marker["role"] == "button" and marker["label"], marker
    frame = frame_of(page)
    page.keyboard.press("Enter")
    frame.locator(".leaflet-popup-content .cm-pop").wait_for()
    page.wait_for_selector(APP_IDLE)  # the click also opens the region's panel: a rerun
    active = focused_in_map(page)
    assert active and active["tag"] == "a", f"the focus did not move into the popup: {active}"
    page.keyboard.press("Escape")
    frame.locator(".leaflet-popup").wait_for(state="detached")
    back = focused_in_map(page)
    assert back and is_cluster(back) and back["label"] == marker["label"], back


def test_the_map_controls_follow_and_are_named(map_page):
    page = map_page
    tab_until(page, is_cluster)
    names = []
    for _ in range(4):
        page.keyboard.press("Tab")
        active = focused_in_map(page)
        assert active, "the focus left the map before its controls"
        names.append(active["label"] or active["title"] or active["text"])
        assert active["outline"] != "none" and active["outlineWidth"] >= 2, active
    assert names[:3] == ["Zoom in", "Zoom out", "Show all of Russia"], names
    assert "Regional foreign-economic-activity index" in names[3]  # the legend's summary
