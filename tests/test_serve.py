"""tests.support.serve: the app served on localhost for browser tests and benchmarks, its log
checked for tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from geo.base.paths import PROJECT_ROOT
from tests.support import serve

CHROMIUM = os.environ.get("CLUSTERMAP_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CLUSTERMAP_REQUIRE_BROWSER") == "1"


def test_a_server_that_exits_is_reported_with_its_status() -> None:
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    process.wait()
    with pytest.raises(RuntimeError, match="exited with status 3"):
        serve.wait_healthy(f"http://{serve.HOST}:{serve.free_port()}", process, timeout_s=5)


@pytest.mark.slow  # a cold start of the app server
def test_the_app_answers_inside_the_block_and_is_stopped_after() -> None:
    with serve.served_app(timeout_s=60) as app:
        with urllib.request.urlopen(f"{app.url}/_stcore/health", timeout=5) as response:
            assert response.status == 200
        assert app.started < app.ready
        process = app.process
    assert process.poll() is not None  # stopped, not left running


STREAMLIT_LOG = """\
2026-12-02 13:00:52.812 Uvicorn server started on 127.0.0.1:55677
2026-12-02 13:01:07.100 Uncaught app exception
Traceback (most recent call last):
  File "/app/app_pages/map.py", line 3, in <module>
    boom()
ValueError: boom
2026-12-02 13:01:08.000 Serialization of dataframe to Arrow table was unsuccessful.
Traceback (most recent call last):
  File "/site-packages/streamlit/dataframe_util.py", line 967, in convert_pandas_df_to_arrow
    return pa.Table.from_pandas(df, preserve_index=preserve_index)
pyarrow.lib.ArrowTypeError: ("Expected bytes, got a 'float' object", 'Conversion failed')
  Stopping...
"""


def test_tracebacks_and_uncaught_exceptions_in_a_log_are_found_whole() -> None:
    problems = serve.log_problems(STREAMLIT_LOG)
    assert len(problems) == 2
    assert problems[0].startswith("2026-12-02 13:01:07.100 Uncaught app exception")
    assert problems[0].endswith("ValueError: boom")
    assert problems[1].startswith("Traceback (most recent call last):")
    assert problems[1].endswith("'Conversion failed')")
    with pytest.raises(serve.ServerLogError, match="2 problem"):
        serve.check_log(STREAMLIT_LOG)


WARNINGS_LOG = """\
2026-12-02 13:00:52.812 INFO streamlit.web.server: Uvicorn server started on 127.0.0.1:5
2026-12-02 13:01:07.100 WARNING streamlit.deprecation_util: Please replace `st.x` with `st.y`.

`st.x` will be removed after 2026-12-31.
/site-packages/pandas/core/frame.py:1: FutureWarning: Downcasting is deprecated
  result = self._downcast()
2026-12-02 13:01:09.000 ERROR streamlit.runtime: Session lost
"""


def test_warnings_and_errors_logged_without_a_traceback_are_found() -> None:
    found = "\n".join(serve.log_problems(WARNINGS_LOG))
    for line in WARNINGS_LOG.splitlines()[1:]:
        if "WARNING" in line or "ERROR" in line or "FutureWarning" in line:
            assert line in found
    assert "INFO" not in found
    with pytest.raises(serve.ServerLogError, match="FutureWarning"):
        serve.check_log(WARNINGS_LOG)
    assert "--logger.messageFormat" in serve.streamlit_command(1)  # lines name their level


def test_a_clean_log_passes() -> None:
    clean = "  You can now view your Streamlit app in your browser.\n  Stopping...\n"
    assert serve.log_problems(clean) == []
    serve.check_log(clean)


@pytest.mark.slow  # a cold start of the app server
def test_a_traceback_in_the_served_apps_log_fails_the_block() -> None:
    """The server's output is captured, and a traceback in it fails the block that served
    the app (for the browser tests: the served-app fixture's teardown)."""
    traceback = "Traceback (most recent call last):\n  File 'x'\nZeroDivisionError\n"
    with (
        pytest.raises(serve.ServerLogError, match="ZeroDivisionError"),
        serve.served_app(timeout_s=60) as app,
    ):
        assert "Streamlit" in app.log()  # its start-up lines
        app.check_log()  # clean so far
        with app.log_path.open("a", encoding="utf-8") as log:
            log.write(traceback)
    # check=False: the block ends without raising (the load test reports the problems)
    with serve.served_app(timeout_s=60, check=False) as app:
        with app.log_path.open("a", encoding="utf-8") as log:
            log.write(traceback)
        assert serve.log_problems(app.log())


def test_the_readmes_proxy_example_injects_the_base_url_script() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"sub_filter '<head>' '<head><script>{serve.BASE_URL_SCRIPT}</script>';" in readme


@pytest.mark.slow
@pytest.mark.browser
def test_with_the_base_url_script_a_direct_link_makes_no_failed_request() -> None:
    """What the README's nginx ``sub_filter`` does, as a browser init script: a page opened
    by a direct link loads, draws and downloads without a single response of 400 or more
    (without it Streamlit's page first probes the page's own path: two 404s)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if REQUIRE_BROWSER:
            pytest.fail("CLUSTERMAP_REQUIRE_BROWSER=1 but playwright is not installed")
        pytest.skip("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"CLUSTERMAP_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
    failed: list[tuple[int, str]] = []
    with serve.served_app(timeout_s=60) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(serve.BASE_URL_SCRIPT)
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
        page.goto(f"{app.url}/cluster?id=PIC-20&lang=en")
        page.wait_for_selector(idle)
        sidebar = page.locator("[data-testid='stSidebar']")
        sidebar.locator("a[data-testid='stSidebarNavLink'][href$='/']").first.click()
        frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
        frame.locator("path.cm-region").first.wait_for()
        page.wait_for_selector(idle)
        browser.close()
    assert failed == []
