"""The landing map first (``ui/first_view.py``): a session's first run of the landing page
draws the main area up to the map and nothing of the sidebar's widgets; the run that
follows (the one the drawn map asks for) draws the whole page around the same map.

``AppTest`` runs no JavaScript, so it plays the two runs by hand; the browser tests check
what a visitor gets: the map drawn before the sidebar, the same frame kept, the page not
jumping, and the page completed by the fallback timer when the map's signal never comes.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis import filters
from geo.render import maps, views
from geo.render.leaflet.elements import DRAWN_FLAG, DrawnSignal
from tests.support import browser_pages as bp
from tests.support.browser_pages import MAP_FRAME, new_page, page_url
from ui import first_view

sync_api, app_url, browser = bp.sync_api, bp.app_url, bp.browser  # the shared fixtures

APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")
FACETS = len(filters.FACETS)  # one multiselect per facet (MNE presence is a radio)
MAP_WIDGET_KEYS = (  # as app_pages/map.py names its widgets
    *(f"map_filter_{facet.field}" for facet in filters.FACETS),
    "map_filter_mne",
    "map_measure",
    "map_scheme",
    "map_k",
    "map_tiles",
)


def first_run(monkeypatch, page: str | None = None, **query: str) -> AppTest:
    """A new session's first run with map-first runs on (the conftest turns them off)."""
    monkeypatch.setenv(first_view.ENV, "map-first")
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    for key, value in query.items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def marker_ids(args: dict) -> list[str]:
    start = args["feature_group"].index("var P = ") + len("var P = ")
    payload, _ = json.JSONDecoder().raw_decode(args["feature_group"][start:])
    return sorted(payload["id"])


def test_the_first_run_draws_the_map_alone_and_the_next_the_whole_page(monkeypatch):
    at = first_run(monkeypatch)
    first = map_args(at)
    assert DRAWN_FLAG in first["script"], "the landing map says when it is drawn"
    assert not at.sidebar.multiselect and not at.sidebar.radio, "no sidebar widget yet"
    assert not at.selectbox, "the measure row is left for the next run"
    assert at.title and at.caption
    at.run()  # what the map's signal (or the fallback timer) asks for
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.sidebar.multiselect) >= FACETS and at.sidebar.radio
    assert len(at.selectbox) == 2
    whole = map_args(at)
    for part in ("script", "feature_group", "height", "js_links", "css_links"):
        assert whole[part] == first[part], f"{part} differs: the map's frame would reload"


def test_a_shared_view_shows_the_same_clusters_in_both_runs(monkeypatch, data):
    status = sorted(data.clusters["status"].dropna().unique())[0]
    at = first_run(monkeypatch, status=status, measure="cluster_count")
    first = marker_ids(map_args(at))
    shown = filters.apply_filter(
        data.clusters, data.regions, filters.ClusterFilter(status=(status,))
    )
    assert first == sorted(shown.loc[shown["lat"].notna(), "id"])
    assert 0 < len(first) < len(data.clusters)
    params = dict(at.query_params)
    at.run()
    assert marker_ids(map_args(at)) == first
    assert at.sidebar.multiselect(key="map_filter_status").value == [status]
    assert dict(at.query_params) == params


def test_a_map_first_run_stores_nothing_in_the_widgets_keys(monkeypatch, data):
    # Streamlit keeps a widget's key set in a run that does not draw the widget as a plain
    # key, which outlives the page: back from another page, the map took itself for not
    # left and dropped the filter (tests/test_load.py, "back to map")
    status = sorted(data.clusters["status"].dropna().unique())[0]
    at = first_run(monkeypatch, status=status)
    assert not [key for key in MAP_WIDGET_KEYS if key in at.session_state]
    at.run()
    assert at.sidebar.multiselect(key="map_filter_status").value == [status]
    at.switch_page("app_pages/cluster.py")
    at.run()
    for key in list(at.query_params):  # the sidebar's link opens a page without parameters
        if key != "lang":
            del at.query_params[key]
    at.switch_page("app_pages/map.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.multiselect(key="map_filter_status").value == [status], "filter kept"


def test_other_pages_are_whole_from_the_first_run(monkeypatch):
    at = first_run(monkeypatch, page="app_pages/registry.py")
    assert at.sidebar.radio, "the language switch is drawn"
    at = first_run(monkeypatch, page="app_pages/methodology.py")
    assert at.sidebar.radio


def test_an_export_has_no_signal(data):
    html = maps.build_map_html(data)
    assert DRAWN_FLAG not in html
    layers = maps.map_layers(maps.MapContent.of_view(data, views.View()), announce_drawn=True)
    assert DRAWN_FLAG in layers.html()


# --- in a browser ------------------------------------------------------------------------------

_WATCH = """() => new Promise(resolve => {
  const seen = {};
  const frame = () => document.querySelector("iframe[title='streamlit_folium.st_folium']");
  const filters = () =>
    document.querySelectorAll("[data-testid=stSidebar] [data-testid=stMultiSelect]").length;
  const iv = setInterval(() => {
    const f = frame();
    let drawn = false;
    try { drawn = !!(f && f.contentDocument.querySelector('path.cm-region')); } catch (e) {}
    if (drawn && !seen.first) {
      f.contentWindow.cmKept = true;
      seen.first = {view: document.documentElement.dataset.cmView, filters: filters(),
                    y: f.getBoundingClientRect().y};
    }
    if (seen.first && document.documentElement.dataset.cmView === 'complete' && filters()) {
      clearInterval(iv);
      setTimeout(() => {
        const g = frame();
        resolve({...seen, last: {filters: filters(), y: g.getBoundingClientRect().y,
                                 kept: g === f && g.contentWindow.cmKept === true}});
      }, 1000);
    }
  }, 5);
})"""


@pytest.mark.browser
def test_a_visitor_sees_the_map_first_then_the_whole_page_around_it(browser, app_url):
    page = new_page(browser, width=1400, height=1000)
    page.goto(page_url(app_url, "map", "en"))
    seen = page.evaluate(_WATCH)
    assert seen["first"]["view"] == "map-first" and seen["first"]["filters"] == 0, seen
    assert seen["last"]["filters"] >= FACETS
    assert seen["last"]["kept"], "the whole page kept the map's frame"
    # the page does not jump (a late web font may still move the title a little)
    assert abs(seen["last"]["y"] - seen["first"]["y"]) <= 20, seen
    page.context.close()


_WATCH_VIEWS = """
window.cmViews = [];  // when <html data-cm-view> takes each value
setInterval(() => {
  const view = document.documentElement && document.documentElement.dataset.cmView;
  const last = window.cmViews[window.cmViews.length - 1];
  if (view && (!last || last[0] !== view)) window.cmViews.push([view, performance.now()]);
}, 10);
"""
_NO_LIBRARY = (  # the map's frame without the component library on window: no signal
    "<script>Object.defineProperty(window, 'Streamlit', "
    "{get() { return undefined; }, set(v) {}});</script>"
)


def _without_signal(route) -> None:
    """Serve the map's frame with :data:`_NO_LIBRARY` before its own scripts."""
    response = route.fetch()
    body = response.text().replace("<head>", "<head>" + _NO_LIBRARY, 1)
    route.fulfill(response=response, body=body)


@pytest.mark.browser
def test_without_the_maps_signal_the_page_is_completed_by_the_timer(sync_api, browser, app_url):
    page = new_page(browser, width=1400, height=1000)
    page.context.add_init_script(_WATCH_VIEWS)
    page.route("**/component/streamlit_folium.st_folium/index.html*", _without_signal)
    page.goto(page_url(app_url, "map", "en"))
    page.frame_locator(MAP_FRAME).locator("path.cm-region").first.wait_for()
    page.wait_for_selector(bp.APP_IDLE, timeout=first_view.FALLBACK_SECONDS * 1000 + 60_000)
    # idle is the server's word: the browser may still be drawing the sidebar's widgets
    multiselects = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]")
    sync_api.expect(multiselects).to_have_count(FACETS, timeout=30_000)
    changes = page.evaluate("window.cmViews")
    assert [v for v, _ in changes] == ["map-first", "complete"], changes
    waited = (changes[1][1] - changes[0][1]) / 1000
    assert waited >= first_view.FALLBACK_SECONDS - 0.2, "completed by the timer, not a signal"
    page.context.close()


_COUNT_RUNS = """() => {  // how many script runs start from now (the app's script state)
  window.cmRuns = 0;
  let last = null;
  setInterval(() => {
    const app = document.querySelector("[data-testid=stApp]");
    const state = app && app.dataset.testScriptState;
    if (state === "running" && last !== "running") window.cmRuns += 1;
    last = state;
  }, 5);
}"""


@pytest.mark.browser
def test_back_on_the_map_the_drawn_map_asks_for_no_second_run(browser, app_url):
    page = new_page(browser, width=1400, height=1000)
    bp.open_app_page(page, page_url(app_url, "map", "en"), is_map=True)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.locator("a[data-testid=stSidebarNavLink][href$='/registry']").first.click()
    page.wait_for_function("() => location.pathname === '/registry'")
    page.wait_for_selector(bp.APP_IDLE)
    page.evaluate(_COUNT_RUNS)
    sidebar.locator("a[data-testid=stSidebarNavLink][href$='/']").first.click()
    page.frame_locator(MAP_FRAME).locator("path.cm-region").first.wait_for()
    page.wait_for_selector(bp.APP_IDLE)
    page.wait_for_timeout(1500)  # a signal would have started a run by now
    assert page.evaluate("window.cmRuns") == 1, "the page's own run only"
    page.context.close()


def _signal_page(browser, view: str, script_state: str):
    """A page standing in for the app around a frame that runs the drawn map's script
    with a stand-in component library; ``window.sent`` collects what it sends."""
    signal = DrawnSignal()
    script = signal._template.module.script(signal, {})
    frame = (
        "<script>window.Streamlit = {setComponentValue: function (v)"
        " { window.parent.sent.push(v); }};</script><script>" + script + "</script>"
    )
    page = new_page(browser, width=800, height=600)
    page.set_content(
        f"<html data-cm-view='{view}'><body><script>window.sent = [];</script>"
        f"<div data-testid='stApp' data-test-script-state='{script_state}'></div>"
        f"<iframe srcdoc='{html.escape(frame, quote=True)}'></iframe></body></html>"
    )
    return page


@pytest.mark.browser
def test_the_maps_signal_waits_for_the_pages_run_to_end(browser):
    """Sent while a run is on, the signal would queue a second run of the whole page
    (the fallback's run already draws it), which could close a drop-down just opened."""
    page = _signal_page(browser, "map-first", "running")
    page.wait_for_timeout(500)
    assert page.evaluate("window.sent") == [], "nothing while the page's run is on"
    page.evaluate(
        "document.querySelector('[data-testid=stApp]')"
        ".setAttribute('data-test-script-state', 'notRunning')"
    )
    page.wait_for_function("window.sent.length > 0")
    page.wait_for_timeout(300)
    assert page.evaluate("window.sent") == [{DRAWN_FLAG: True}], "once, with the flag"
    page.context.close()


@pytest.mark.browser
def test_the_maps_signal_is_not_sent_once_the_page_is_whole(browser):
    page = _signal_page(browser, "map-first", "running")
    page.wait_for_timeout(300)
    page.evaluate(
        "document.documentElement.dataset.cmView = 'complete';"
        " document.querySelector('[data-testid=stApp]')"
        ".setAttribute('data-test-script-state', 'notRunning')"
    )
    page.wait_for_timeout(500)
    assert page.evaluate("window.sent") == [], "a run after the whole page would repeat it"
    page.context.close()
