"""tests.support.serve: the app served on localhost for browser tests and the cold-start
benchmark."""

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
