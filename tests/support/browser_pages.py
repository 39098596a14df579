"""What the accessibility and layout browser tests share: the served app, an offline
Chromium, every page of ``ui.navigation.PAGES`` with a URL, and opening a page until the
app is idle and its DOM has settled.

The fixtures (``sync_api``, ``app_url``, ``browser``) are defined here and imported by the
test modules (pytest uses fixtures a test module imports by name). The app is served as
``test_browser.py`` serves it (``tests.support.serve``), unless ``CLUSTERMAP_APP_URL``
names one already running (handy while iterating). Without Chromium or Playwright the
tests are skipped, unless ``CLUSTERMAP_REQUIRE_BROWSER=1`` (CI), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import serve
from ui.navigation import PAGES

CHROMIUM = os.environ.get("CLUSTERMAP_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("CLUSTERMAP_REQUIRE_BROWSER") == "1"
APP_URL = os.environ.get("CLUSTERMAP_APP_URL", "").rstrip("/")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
APP_IDLE = (
    "html[data-cm-view='complete'] "  # not a map-first run (ui.first_view): the whole page
    "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
    "[data-test-script-state='notRunning']"
)
TIMEOUT_MS = 60_000
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
LANGS = ("ru", "en")
LOCALES = {"ru": "ru-RU", "en": "en-US"}

UNIT_QUERY = {"cluster": "?id=PIC-01", "region": "?code=RU-TA"}
"""The unit each profile page is opened on (a page without one shows only a picker)."""

PAGE_PATHS: dict[str, str] = {
    p.name: ("/" if p.default else f"/{p.url_path}") + UNIT_QUERY.get(p.name, "") for p in PAGES
}
"""Every page of the app (``ui.navigation.PAGES``) by name, as a path with its query; the
landing page is served at ``/``."""


def unavailable(reason: str) -> None:
    """Skip, or fail when CI requires the browser."""
    if REQUIRE:
        pytest.fail(f"CLUSTERMAP_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def sync_api():
    try:
        from playwright import sync_api
    except ImportError:
        unavailable("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    return sync_api


@pytest.fixture(scope="module")
def app_url(sync_api) -> Iterator[str]:
    """The app's address: ``CLUSTERMAP_APP_URL``, or one served for the module."""
    if APP_URL:
        yield APP_URL
        return
    try:
        with serve.served_app(timeout_s=90) as app:
            yield app.url
    except RuntimeError as exc:
        pytest.fail(f"the app did not become healthy: {exc}")


@pytest.fixture(scope="module")
def browser(sync_api):
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def guarded_page(
    browser,
    outside: list[str],
    width: int = 1280,
    height: int = 900,
    locale: str = "en-US",
    timeout_ms: int = TIMEOUT_MS,
):
    """A page in a fresh context (a new app session) that aborts every request leaving
    localhost and records it in ``outside``."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)

    def guard(route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return page


def new_page(browser, width: int = 1280, height: int = 900, lang: str = "en"):
    """:func:`guarded_page` in ``lang``'s locale, its own list of requests that left
    localhost as ``page.outside``."""
    outside: list[str] = []
    page = guarded_page(browser, outside, width, height, LOCALES.get(lang, "en-US"))
    page.outside = outside
    return page


def page_url(app_url: str, name: str, lang: str) -> str:
    """The address of page ``name`` in ``lang``."""
    path = PAGE_PATHS[name]
    return f"{app_url}{path}{'&' if '?' in path else '?'}lang={lang}"


_SETTLED_JS = """([quietMs, timeoutMs]) => new Promise(resolve => {
  // Resolves once the DOM has not changed for quietMs and every image has loaded
  // (Streamlit adds media, e.g. st.image, after the script is already idle).
  let last = performance.now();
  const start = last;
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                              characterData: true});
  (function check() {
    const now = performance.now();
    const images = [...document.images].every(i => i.complete);
    if ((now - last >= quietMs && images) || now - start > timeoutMs) {
      obs.disconnect(); resolve(now - start);
    } else { setTimeout(check, 100); }
  })();
})"""


def wait_settled(page, quiet_ms: int = 800, timeout_ms: int = 15_000) -> None:
    """Wait until the script is idle and the DOM has been still for ``quiet_ms``."""
    page.wait_for_selector(APP_IDLE)
    page.evaluate(_SETTLED_JS, [quiet_ms, timeout_ms])
    page.wait_for_selector(APP_IDLE)


def open_app_page(page, url: str, is_map: bool = False) -> None:
    """Load ``url`` and return once the script is idle and the page has settled: the map
    (if any) has drawn its regions and legend, and no "Page not found" dialog is up."""
    page.goto(url)
    page.wait_for_selector(APP_IDLE)
    if is_map:
        frame = page.frame_locator(MAP_FRAME)
        frame.locator("path.cm-region").first.wait_for()
        frame.locator(".cm-legend details").wait_for()
    wait_settled(page)
    dialog = page.locator("[role='dialog']")
    if dialog.count() and "not found" in dialog.first.inner_text().lower():
        pytest.fail(f"{url}: Streamlit says 'Page not found'")


class DrawnClusters:
    """How many clusters a map draws, with a locator's ``count()``: a single marker counts
    one, a group symbol (overlapping markers grouped, ``geo.render.maps.Grouping``) the
    clusters it holds. ``mne=True``: only the clusters with MNE links. ``scope`` is the
    page, a frame or a frame locator of the map."""

    def __init__(self, scope, mne: bool = False) -> None:
        single = "path.cm-cluster.cm-mne" if mne else "path.cm-cluster"
        self.locator = scope.locator(f"{single}, .cm-group svg")
        self.key = "mne" if mne else "count"

    def count(self) -> int:
        """The clusters drawn now (single markers plus the groups' numbers)."""
        key = self.key
        return int(
            self.locator.evaluate_all(
                "els => els.reduce((n, e) => n + (e.tagName.toLowerCase() === 'svg' ? "
                f"Number(e.dataset.{key}) : 1), 0)"
            )
        )

    def once_drawn(self) -> int:
        """``count()`` once the map has drawn its markers: they appear all at once, after
        the map is placed, so the first one attached means all are."""
        self.locator.first.wait_for(state="attached")
        return self.count()
