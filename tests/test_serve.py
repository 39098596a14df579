"""tests.support.serve: the app served on localhost for browser tests and benchmarks, its log
checked for tracebacks."""

from __future__ import annotations

import subprocess
import sys
import urllib.request

import pytest

from tests.support import serve


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
