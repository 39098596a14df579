"""benchmarks/load.py: the load test of the served app (issue 15).

The quick tests check the driver's own checks (a session must notice another session's
state); the slow browser test runs the whole path with three concurrent sessions and
asserts that nothing failed, crossed or was logged as a traceback. A browser test replays,
with two sessions, the race that failed CSV downloads at 30 sessions: another session's
script runs ending between a click on a download button and the browser's fetch. The
figures at 1, 10 and 30 sessions are in docs/BENCHMARKS.md ("Load"), from
``python benchmarks/load.py``.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from benchmarks import load
from geo.render import views
from geo.render.exports import formats
from tests.support import browser_pages as bp

REQUIRE_BROWSER = os.environ.get("CLUSTERMAP_REQUIRE_BROWSER") == "1"
sync_api, browser, app_url = bp.sync_api, bp.browser, bp.app_url  # the shared fixtures


@pytest.fixture(scope="module")
def plans(data):
    return load.session_plans(data, 12)


def _export(data, plan) -> bytes:
    """The CSV zip the export panel gives for the plan's filter."""
    view = views.View(filters=plan.filter, lang=load.LANG)
    return formats.export_view(data, view, load.EXPORT_FORMAT)[1]


def test_each_session_has_its_own_filter_and_cluster(plans, data):
    assert len({(p.district, p.scenario) for p in plans}) == len(plans)
    assert len({p.cluster_id for p in plans}) == len(plans)
    assert all(p.total == len(data.clusters) for p in plans)
    # The busiest pairs come first, so the first sessions' checks tell them apart.
    assert len(plans[0].ids) >= len(plans[-1].ids) and len(plans[0].ids) > 1
    assert set(plans[0].ids) <= set(plans[0].opened_ids)
    assert "district=" in plans[0].path and "lang=en" in plans[0].path


def test_a_session_accepts_its_own_export_and_refuses_another_sessions(plans, data):
    mine, other = plans[0], plans[1]
    load.check_export(_export(data, mine), mine)
    with pytest.raises(load.Mismatch, match="export: clusters"):
        load.check_export(_export(data, other), mine)


def test_an_export_with_the_right_clusters_but_another_filter_is_refused(plans, data):
    """Two sessions may show the same clusters; the stated filter still tells them apart."""
    mine = plans[0]
    content = _export(data, mine)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["metadata.txt"] = files["metadata.txt"].replace(
        f"filter: Scenario: {mine.scenario_option}".encode(), b"filter: Scenario: all"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    with pytest.raises(load.Mismatch, match="metadata lacks"):
        load.check_export(out.getvalue(), mine)


def test_a_url_stating_another_filter_is_a_mismatch(plans):
    mine, other = plans[0], plans[1]
    load.check_url("http://127.0.0.1:1" + mine.path, mine.opened_filter, "open map")
    with pytest.raises(load.Mismatch, match="open map: the URL states"):
        load.check_url("http://127.0.0.1:1" + other.path, mine.opened_filter, "open map")


def test_percentiles_and_levels():
    assert load.percentile([], 50) is None
    assert load.percentile([3.0], 95) == 3.0
    assert load.percentile([float(i) for i in range(1, 21)], 50) == 10.0
    assert load.percentile([float(i) for i in range(1, 21)], 95) == 19.0
    assert load.parse_levels("1,10,30") == (1, 10, 30)
    for bad in ("0", "x", "1,,2"):
        with pytest.raises(Exception, match="level|whole"):
            load.parse_levels(bad)


def test_the_memory_of_a_process_tree_is_read():
    assert load.process_rss(os.getpid()) > 10 * 2**20
    assert load.process_cpu_s(os.getpid()) > 0


@pytest.mark.slow
@pytest.mark.browser
def test_three_concurrent_sessions_walk_the_app_without_error_or_crossing(data):
    try:
        import playwright  # noqa: F401
    except ImportError:
        if REQUIRE_BROWSER:
            pytest.fail("CLUSTERMAP_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("the playwright package is not installed")
    if not Path(load.CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"CLUSTERMAP_REQUIRE_BROWSER=1 but Chromium is not at {load.CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {load.CHROMIUM}")
    result = load.run(levels=(3,), data=data)
    (level,) = result["levels"]
    assert level["problems"] == [], load.markdown(result)
    assert level["server_log_problems"] == []
    assert level["sessions_ok"] == 3
    for step in load.STEPS:
        assert level["steps"][step]["done"] == 3, step
    assert level["rss_open_bytes"] > 0 and level["rss_before_bytes"] > 0
    assert "| 3 | 3 of 3 | 0 | 0 |" in load.markdown(result)


def _ready_download(page):
    """Open the map's export panel in ``page`` and prepare the CSV (zip); its download
    button once the panel's run has ended."""
    main = page.locator("[data-testid='stMain']")
    main.locator("[data-testid='stExpander'] summary").filter(has_text="Export this view").click()
    prepare = main.locator("[data-testid='stButton']").filter(
        has_text=load.prepare_label(load.EXPORT_FORMAT)
    )
    prepare.first.click()
    entry = formats.REGISTRY[load.EXPORT_FORMAT]
    button = main.locator("[data-testid='stDownloadButton']").filter(has_text=entry.label)
    button.first.wait_for()
    bp.wait_settled(page)
    return button.first


@pytest.mark.browser
def test_a_download_outlives_other_sessions_runs_until_the_browser_fetches_it(
    browser, app_url
) -> None:
    """Session A downloads its CSV (zip); then session B ends two script runs (each run's
    end sweeps the files no session holds: the first pass marks, the second deletes), and
    A's browser fetches the file's address once more, as a slow browser would fetch it
    only then. It must still come whole: the file belongs to A's session while A shows
    its button. With ``st.download_button(data=callable)`` (the deferred download the
    panel used before) the file made on the click was held by no session and gone: 404,
    the "canceled" downloads at 30 sessions."""
    mine, other = bp.new_page(browser, 1400, 1000), bp.new_page(browser, 1400, 1000)
    try:
        bp.open_app_page(mine, f"{app_url}/?lang=en", is_map=True)
        button = _ready_download(mine)
        with mine.expect_download() as info:
            button.click()
        download = info.value
        assert download.failure() is None
        content = Path(download.path()).read_bytes()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert "clusters.csv" in archive.namelist()
        for _ in range(2):  # two script runs of another session end
            bp.open_app_page(other, bp.page_url(app_url, "methodology", "en"))
        again = mine.request.get(download.url)
        assert again.status == 200, f"{download.url}: {again.status}"
        assert again.body() == content
        assert mine.locator("[data-testid='stException']").count() == 0
    finally:
        mine.context.close()
        other.context.close()
    assert mine.outside == other.outside == []
