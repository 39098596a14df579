"""The map "as of" an earlier date in a real browser (issue 17's "done when"): a person
picks an earlier date in the sidebar, the map draws the clusters of that time, and the page's
URL, opened in a new browser context, shows the same view.

The app is served (``tests.support.serve``) on a store of its own with two versions made at
known times: version 1 the published records (2026-01-10 09:00 UTC), version 2 the same
less three located clusters (2026-03-01 09:00 UTC). The times are written into the store
after the writes, so nothing sleeps. Offline as ``test_browser``: a request to any other host
fails the test. Without Chromium the test is skipped unless ``CLUSTERMAP_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from geo.registry import auth, sources, store
from tests.support import serve
from tests.support.browser_pages import DrawnClusters
from tests.test_browser import (  # noqa: F401 - browser, outside_requests, sync_api: fixtures
    APP_IDLE,
    browser,
    guarded_page,
    open_map,
    outside_requests,
    sync_api,
    wait_for_count,
)

pytestmark = pytest.mark.browser

DAY1 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
EARLIER = date(2026, 2, 15)  # between the two versions: version 1
VERSION_1 = re.compile(r".*[?&]version=1(&.*)?$")  # the page's URL while version 1 is shown


def located(data) -> int:
    """How many markers the map draws for a dataset (clusters with a location)."""
    return int((data.clusters["lat"].notna() & data.clusters["lon"].notna()).sum())


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory) -> tuple[str, int, int, int]:
    """The store's URL, the markers of version 1 and of version 2, and how many clusters
    (located or not) version 1 has."""
    url = f"sqlite:///{tmp_path_factory.mktemp('asof-browser') / 'store.db'}"
    opened = store.Store.open(url)
    first = sources.dataset_from_store(opened, 1)
    without_links = set(first.clusters["id"]) - set(first.mne_links["cluster_id"])
    gone = sorted(
        cid for cid in without_links if cid in set(first.clusters.dropna(subset=["lat"])["id"])
    )[:3]
    editor = auth.authenticate("alice", "pw", {"alice": auth.hash_password("pw", iterations=1000)})
    assert opened.remove(editor, "clusters", gone).version == 2
    with opened.engine.begin() as conn:
        for version, moment in ((1, DAY1), (2, DAY2)):
            conn.execute(
                store._versions.update()
                .where(store._versions.c.id == version)
                .values(created_at=moment)
            )
    second = sources.dataset_from_store(opened, 2)
    opened.dispose()
    n1, n2 = located(first), located(second)
    assert n1 == n2 + 3
    return url, n1, n2, len(first.clusters)


@pytest.fixture(scope="module")
def app_url(sync_api, two_versions) -> Iterator[str]:  # noqa: F811 - the imported fixture
    """The app served on the two-version store for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(store.ENV_DATABASE_URL, two_versions[0])
        try:
            with serve.served_app(timeout_s=60) as app:
                yield app.url
        except RuntimeError as exc:
            pytest.fail(f"the app did not become healthy: {exc}")


def pick_date(page, day: date) -> None:
    """As a person does: open the sidebar's dataset box, type the day into the "As of date"
    field (year, month, day) and click it in the calendar that opens."""
    sidebar = page.locator("[data-testid='stSidebar']")
    year = sidebar.get_by_role("spinbutton", name="year, As of date")
    if not year.is_visible():
        sidebar.locator("details summary", has_text="Dataset").first.click()
    year.click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    calendar = page.get_by_role("grid", name=day.strftime("Choose date, %B %Y"))
    calendar.get_by_role("button", name=f"{day:%B} {day.day}, {day.year}").click()


def test_an_earlier_date_shows_the_earlier_clusters_and_the_url_reopens_it(
    browser,  # noqa: F811
    outside_requests,  # noqa: F811
    app_url,
    two_versions,
):
    _url, earlier, latest, total = two_versions
    page = guarded_page(browser, outside_requests)
    try:
        frame = open_map(page, app_url + "/")
        markers = DrawnClusters(frame)
        assert wait_for_count(markers, latest) == latest
        main = page.locator("[data-testid='stMain']")
        assert main.get_by_text("Showing the registry as of").count() == 0

        pick_date(page, EARLIER)
        assert wait_for_count(markers, earlier) == earlier
        page.wait_for_selector(APP_IDLE)
        banner = main.get_by_text(
            "Showing the registry as of 2026-01-10 09:00 UTC (version 1); the latest is version 2."
        )
        banner.wait_for()
        page.wait_for_url(VERSION_1)  # waits: the URL is written during the rerun
        main.get_by_text(f"{total} of {total} clusters", exact=False).first.wait_for()
        shared = page.url
    finally:
        page.context.close()

    other = guarded_page(browser, outside_requests)  # a new context: a new session
    try:
        frame = open_map(other, shared)
        assert wait_for_count(DrawnClusters(frame), earlier) == earlier
        main = other.locator("[data-testid='stMain']")
        main.get_by_text("the latest is version 2.", exact=False).wait_for()
        other.wait_for_selector(APP_IDLE)
        other.wait_for_url(VERSION_1)
    finally:
        other.context.close()
    assert outside_requests == []
