"""The map page in a real browser, fully offline: headless Chromium drives the running app.

The app runs as a subprocess (``streamlit run``) on a free localhost port; every request
the browser makes to any other host is aborted and recorded, and a test fails if there
was one. Without Chromium the tests are skipped, unless ``CLUSTERMAP_REQUIRE_BROWSER=1``
(set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from geo.analysis import filters, measures
from geo.render import urlstate, views
from tests.support import browser_pages as bp, serve
from tests.support.browser_pages import APP_IDLE, MAP_FRAME

pytestmark = pytest.mark.browser
sync_api, browser = bp.sync_api, bp.browser  # the shared fixtures

TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def app_url(sync_api) -> Iterator[str]:
    """The app served on localhost for the duration of the module."""
    try:
        with serve.served_app(timeout_s=60) as app:
            yield app.url
    except RuntimeError as exc:  # did not come up: the message carries its output
        pytest.fail(f"the app did not become healthy: {exc}")


@pytest.fixture(scope="module")
def outside_requests() -> list[str]:
    """Every request to a host other than localhost, over the whole module."""
    return []


def guarded_page(browser, sink: list[str]):
    """A page in a fresh context (a new app session, 1400 px wide, English locale) that
    aborts, and records in ``sink``, every request to a host other than localhost."""
    return bp.guarded_page(browser, sink, 1400, 1000, "en-US", TIMEOUT_MS)


@pytest.fixture
def page(browser, outside_requests):
    pg = guarded_page(browser, outside_requests)
    yield pg
    pg.context.close()
    assert outside_requests == [], f"requests left localhost: {outside_requests}"


def expected_markers(data, params: dict[str, list[str]] | None = None) -> int:
    """How many markers the map must draw for these URL parameters (located clusters)."""
    flt = urlstate.filter_from_query_params(params or {})
    shown = filters.apply_filter(data.clusters, data.regions, flt)
    return int((shown["lat"].notna() & shown["lon"].notna()).sum())


def open_map(page, url: str):
    """Load the page, wait until the script is idle and the map has drawn; the map frame."""
    page.goto(url)
    page.wait_for_selector(APP_IDLE)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator("path.cm-region").first.wait_for()
    frame.locator(".cm-legend details").wait_for()
    return frame


def wait_for_count(locator, n: int, timeout_s: float = TIMEOUT_MS / 1000) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        count = locator.count()
        if count == n or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


def measure_shown(page) -> str:
    """The option the "Region measure" select box shows."""
    return page.get_by_role("combobox", name="Region measure").input_value()


def map_frame_handle(page):
    return page.locator(MAP_FRAME).element_handle().content_frame()


def test_default_view_draws_every_region_and_cluster(page, app_url, data):
    frame = open_map(page, app_url + "/")
    assert wait_for_count(frame.locator("path.cm-region"), len(data.regions)) == 85
    n = expected_markers(data)
    assert wait_for_count(bp.DrawnClusters(frame), n) == n
    assert bp.DrawnClusters(frame, mne=True).count() == expected_markers(data, {"mne": ["with"]})
    default = measures.measure(measures.DEFAULT_MEASURE).label
    assert default in measure_shown(page)
    assert default in frame.locator(".cm-legend").inner_text()
    # No data is hatched, not the lowest class.
    fills = frame.locator("path.cm-region").evaluate_all(
        "ps => ps.map(p => p.getAttribute('fill'))"
    )
    assert "url(#cm-hatch)" in fills
    assert len(set(fills)) > 2


def test_a_sidebar_filter_changes_the_markers_without_reloading_the_map(page, app_url, data):
    frame = open_map(page, app_url + "/")
    markers = bp.DrawnClusters(frame)
    assert wait_for_count(markers, expected_markers(data)) == expected_markers(data)
    map_frame_handle(page).evaluate("window.cmProbe = 'same map'")

    page.locator("[data-testid='stSidebar']").get_by_text("With MNE links", exact=True).click()
    n = expected_markers(data, {"mne": ["with"]})
    assert n < expected_markers(data)
    assert wait_for_count(markers, n) == n
    page.wait_for_selector(APP_IDLE)
    assert re.search(r"[?&]mne=with\b", page.url)
    # The base map was kept: only the dynamic layer was swapped.
    assert map_frame_handle(page).evaluate("window.cmProbe") == "same map"
    assert frame.locator("path.cm-region").count() == 85


def test_a_shared_url_reopens_the_same_view(page, browser, outside_requests, app_url, data):
    params = {
        "measure": ["cluster_count"],
        "scheme": ["equal_interval"],
        "k": ["4"],
        "district": ["Central", "Volga"],
        "scenario": ["lonely", "potential"],
    }
    url = app_url + "/?" + urlencode(params, doseq=True)
    frame = open_map(page, url)
    n = expected_markers(data, params)
    assert 0 < n < expected_markers(data)
    assert wait_for_count(bp.DrawnClusters(frame), n) == n
    label = measures.measure("cluster_count").label
    assert label in measure_shown(page)
    legend = frame.locator(".cm-legend").inner_text()
    assert label in legend and "Equal interval" in legend

    # The page writes the same state back into its URL; opened elsewhere, it is the same.
    page.wait_for_selector(APP_IDLE)
    shared = page.url
    other = guarded_page(browser, outside_requests)
    try:
        frame2 = open_map(other, shared)
        assert wait_for_count(bp.DrawnClusters(frame2), n) == n
        assert label in measure_shown(other)
        assert frame2.locator(".cm-legend").inner_text() == legend
    finally:
        other.context.close()


def test_clicking_a_region_opens_its_panel(page, app_url):
    frame = open_map(page, app_url + "/")
    frame.locator("path.cm-code-RU-KYA").click()
    page.get_by_text("Krasnoyarsk Krai · Красноярский край").wait_for()
    page.wait_for_selector(APP_IDLE)
    assert re.search(r"[?&]panel=RU-KYA\b", page.url)
    assert "rank" in page.locator("[data-testid='stMain']").inner_text().lower()


def test_panning_and_zooming_do_not_rerun_the_script(page, app_url):
    frame = open_map(page, app_url + "/")
    page.wait_for_timeout(1000)  # let the component settle after its first render
    page.evaluate(
        """() => {
          window.cmRuns = 0;
          const app = document.querySelector("[data-testid='stApp']");
          new MutationObserver(() => {
            if (app.getAttribute("data-test-script-state") === "running") { window.cmRuns++; }
          }).observe(app, {attributes: true});
        }"""
    )
    handle = map_frame_handle(page)
    handle.evaluate("() => window.cmMap.setZoom(window.cmMap.getZoom() + 1, {animate: false})")
    handle.evaluate("() => window.cmMap.panBy([120, 80], {animate: false})")
    frame.locator(".cm-home").click()
    page.wait_for_timeout(1500)
    assert page.evaluate("() => window.cmRuns") == 0
    # The probe does see a rerun: a filter change is one.
    page.locator("[data-testid='stSidebar']").get_by_text("With MNE links", exact=True).click()
    page.wait_for_function("() => window.cmRuns > 0")


def test_a_marker_popup_gives_key_facts_and_the_profile_link(page, app_url, data):
    frame = open_map(page, app_url + "/")
    marker = frame.locator("path.cm-cluster").first
    marker.click()
    popup = frame.locator(".leaflet-popup-content .cm-pop")
    popup.wait_for()
    text = popup.inner_text()
    for label in ("City", "Region", "Status", "Internationalisation index", "Scenario"):
        assert label in text
    href = popup.locator("a").get_attribute("href")
    cluster_id = href.split("=", 1)[1]
    assert href == f"/cluster?id={cluster_id}" and cluster_id in set(data.clusters["id"])
    from geo.render import maps

    row = data.clusters.set_index("id").loc[cluster_id].to_dict()
    assert maps.cluster_name({**row, "id": cluster_id}) in text


# --- many clusters: grouped markers (issue 8), in a standalone map page ------------------------

GROUPED_N = 1_200


@pytest.fixture(scope="module")
def many_clusters(data):
    """``GROUPED_N`` clusters at random points of the published regions (a fixed seed), a
    quarter with MNE links, scenarios in turn: enough for the browser to group them."""
    import numpy as np
    import pandas as pd

    from geo.render.palette import SCENARIO_COLOURS

    rng = np.random.default_rng(7)
    points = data.regions.geometry.sample_points(
        size=GROUPED_N // len(data.regions) + 1, rng=rng
    ).explode()
    points = points.iloc[:GROUPED_N]
    scenarios = list(SCENARIO_COLOURS)
    clusters = pd.DataFrame(
        {
            "id": [f"T-{i:05d}" for i in range(GROUPED_N)],
            "name_en": [f"Test cluster {i}" for i in range(GROUPED_N)],
            "name_ru": None,
            "city": None,
            "region_code": data.regions.loc[points.index, "code"].to_numpy(),
            "industry_group": None,
            "specialisation": None,
            "org_level": None,
            "status": None,
            "scenario": [scenarios[i % len(scenarios)] for i in range(GROUPED_N)],
            "mne_count": [1 if i % 4 == 0 else 0 for i in range(GROUPED_N)],
            "cluster_index": np.nan,
            "index_published": np.nan,
            "lat": points.y.to_numpy(),
            "lon": points.x.to_numpy(),
            "location_basis": "region point",
        }
    )
    return clusters


def test_many_clusters_are_grouped_with_scenarios_and_mne_still_shown(
    browser, outside_requests, data, many_clusters
):
    from geo.render import legend as map_legend, maps

    assert GROUPED_N > maps.GROUP_ABOVE
    dataset = dataclasses.replace(data, clusters=many_clusters, mne_links=data.mne_links.iloc[:0])
    page = guarded_page(browser, outside_requests)
    try:
        page.set_content(maps.build_map_html(dataset, views.View(measure="cluster_count")))
        page.locator(".cm-group").first.wait_for()
        groups = page.locator(".cm-group svg")
        counts = groups.evaluate_all("s => s.map(x => +x.dataset.count)")
        mne = groups.evaluate_all("s => s.map(x => +x.dataset.mne)")
        singles = page.locator("path.cm-cluster").count()
        assert sum(counts) + singles == GROUPED_N, "every cluster is in one symbol"
        assert len(counts) + singles < GROUPED_N / 3, "grouping keeps the map light"
        with_mne = int((many_clusters["mne_count"] > 0).sum())
        singles_mne = page.locator("path.cm-cluster.cm-mne").count()
        assert sum(mne) + singles_mne == with_mne, "the MNE arc counts the clusters with links"
        assert page.locator(".cm-group .cm-group-mne").count() > 0
        legend = page.locator(".cm-legend").inner_text()
        assert map_legend.LEGEND_TEXT["group"] in legend
        # Clicking the biggest group zooms in: the map splits it into smaller symbols.
        zoom_before = page.evaluate("() => window.cmMap.getZoom()")
        biggest = max(range(len(counts)), key=counts.__getitem__)
        page.locator(".cm-group").nth(biggest).click()
        page.wait_for_function("z => window.cmMap.getZoom() > z", arg=zoom_before)
        page.wait_for_timeout(500)
        after = page.locator(".cm-group svg").evaluate_all("s => s.map(x => +x.dataset.count)")
        assert max(after) < counts[biggest]
    finally:
        page.context.close()
    assert outside_requests == []


# --- a shared deep link as the first request of a fresh server --------------------------------

HELPER_NAMES = ("common", "lang", "filter sidebar", "export panel", "streamlit app", "ui")
"""Names Streamlit's pages-directory discovery would give helper modules in the navigation."""


def test_a_deep_link_as_the_first_request_shows_its_page_with_navigation_and_switches(
    browser, outside_requests, data
):
    """A shared ``/cluster?id=PIC-20`` opened as the very first request of a freshly started
    server runs through the entry point: the cluster profile, the app's own navigation
    (registered pages, translated titles, no helper module) and the language and dataset
    switches. (Before the fix, Streamlit's discovery of a ``pages/`` directory next to the
    entry point ran ``pages/cluster.py`` alone, with every module of that directory listed
    in the navigation and no switch.)"""
    from geo.base import i18n
    from ui import navigation

    with serve.served_app(timeout_s=60) as app:  # a fresh server: no session has run yet
        page = guarded_page(browser, outside_requests)
        try:
            page.goto(app.url + "/cluster?id=PIC-20")
            page.wait_for_selector(APP_IDLE)
            name = data.clusters.set_index("id").at["PIC-20", "name_en"]
            main = page.locator("[data-testid='stMain']")
            main.get_by_role("heading", name=name).wait_for()
            main.get_by_text("Internationalisation index (recomputed)").first.wait_for()

            sidebar = page.locator("[data-testid='stSidebar']")
            switch = sidebar.get_by_role("radiogroup", name="Язык / Language")
            assert switch.get_by_text("Русский").is_visible()
            assert switch.get_by_text("English").is_visible()
            # the dataset selector: its pickers are drawn once it is opened (a lazy expander)
            sidebar.locator("[data-testid='stExpander'] summary", has_text="Dataset").click()
            sidebar.get_by_text("Published data (001–003)").wait_for()
            assert sidebar.get_by_text("Published data (001–003)").count() == 1

            def entries() -> list[str]:
                nav = sidebar.locator("[data-testid='stSidebarNav']")
                more = nav.locator("[data-testid='stSidebarNavViewButton']")
                if more.count() and "more" in more.inner_text().lower():
                    more.click()
                links = nav.locator("[data-testid='stSidebarNavLink']")
                return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts()]

            english = entries()
            assert english == [p.title for p in navigation.PAGES]
            for helper in HELPER_NAMES:
                assert helper not in [e.lower() for e in english], english

            switch.get_by_text("Русский").click()  # the titles follow the language
            page.wait_for_selector(APP_IDLE)
            _ = i18n.translator("ru")
            russian = [_(p.title) for p in navigation.PAGES]
            assert russian != english
            page.get_by_text(russian[0], exact=True).first.wait_for()
            assert entries() == russian
            assert "/cluster" in page.url and "id=PIC-20" in page.url
        finally:
            page.context.close()
    assert outside_requests == []
