"""The app served on localhost in a subprocess: for browser tests and the cold-start benchmark.

    with served_app() as app:
        page.goto(app.url)

One way to start it (``streamlit run streamlit_app.py``, headless, on a free local port,
no file watcher, no usage statistics) so that what the tests drive and what the benchmark
times is the same server. The server is stopped when the block ends, whatever happens.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from geo.base.paths import PROJECT_ROOT

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ServedApp:
    """A running app: its address, and when it was spawned and answered (``perf_counter``)."""

    url: str
    process: subprocess.Popen
    started: float
    ready: float


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def streamlit_command(port: int) -> list[str]:
    """The command that serves the app on ``port`` of localhost, headless."""
    return [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", HOST,
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> None:
    """Return once Streamlit's health endpoint answers; ``RuntimeError`` if the server
    exits or does not answer within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer within {timeout_s:g} s")
        time.sleep(0.05)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def served_app(timeout_s: float = 60.0) -> Iterator[ServedApp]:
    """Serve the app for the duration of the block.

    If it does not come up, the ``RuntimeError`` carries the server's output, so a
    failing test or benchmark says why.
    """
    port = free_port()
    url = f"http://{HOST}:{port}"
    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            streamlit_command(port), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            try:
                wait_healthy(url, process, timeout_s)
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{exc}; its output:\n{log.read()[-4000:]}") from None
            yield ServedApp(url, process, started, time.perf_counter())
        finally:
            _stop(process)
