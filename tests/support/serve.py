"""The app served on localhost in a subprocess: for browser tests and the cold-start benchmark.

    with served_app() as app:
        page.goto(app.url)

One way to start it (``streamlit run streamlit_app.py``, headless, on a free local port,
no file watcher, no usage statistics) so that what the tests drive and what the benchmark
times is the same server. The server is stopped when the block ends, whatever happens.

The server's output (stdout and stderr) goes to a log file (:attr:`ServedApp.log_path`).
A Python traceback, Streamlit's "Uncaught app exception", a warning or an error there means
something broke, or soon will, that no test saw on the page (Streamlit logs some failures
and deprecations and carries on), so when the block ends normally with such a log,
:func:`served_app` raises :class:`ServerLogError` (an ``AssertionError``: the test that
served the app fails, its message quoting the log).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geo.base.paths import PROJECT_ROOT
from ui.first_view import ENV as FIRST_VIEW_ENV

HOST = "127.0.0.1"

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
"""The served app's log lines name their level (Streamlit's default format does not), so a
warning or an error Streamlit logs without a traceback is found too."""

LOG_PROBLEMS = re.compile(
    r"Traceback \(most recent call last\)|Uncaught app exception|Uncaught exception"
    r"| (?:WARNING|ERROR|CRITICAL) [\w.]+: |\b[A-Z]\w*Warning: "
)
"""What must never be in a served app's log: a Python traceback, an exception Streamlit
caught and logged, a line Streamlit logged at level WARNING or above (a deprecation, a
failed conversion), or a Python warning (``...Warning: ...``)."""


BASE_URL_SCRIPT = 'window.__streamlit={BACKEND_BASE_URL:location.origin+"/"}'
"""Script that tells Streamlit's page, before it starts, that its server is at the root:
a page opened by a direct link then does not probe ``/<page>/_stcore/health`` and
``/<page>/_stcore/host-config`` first (two 404s). Streamlit has no setting for it; the
README's nginx example injects it (``sub_filter``), a browser test adds it as an init script."""


class ServerLogError(AssertionError):
    """The served app's log has a traceback, an uncaught exception or a warning."""


@dataclass(frozen=True)
class ServedApp:
    """A running app: its address, and when it was spawned and answered (``perf_counter``);
    its output so far is in ``log_path``."""

    url: str
    process: subprocess.Popen
    started: float
    ready: float
    log_path: Path

    def log(self) -> str:
        """The server's output so far (stdout and stderr)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def check_log(self) -> None:
        """Raise :class:`ServerLogError` if the log so far has a traceback, an uncaught
        exception or a warning."""
        check_log(self.log())


def log_problems(log: str) -> list[str]:
    """The passages of ``log`` that report a traceback or an uncaught exception: each from
    its marker line through the traceback's indented lines to the exception's own line."""
    lines = log.splitlines()
    found, i = [], 0
    while i < len(lines):
        if not LOG_PROBLEMS.search(lines[i]):
            i += 1
            continue
        end = i + 1
        while end < len(lines) and (
            lines[end].startswith((" ", "\t")) or LOG_PROBLEMS.search(lines[end])
        ):
            end += 1
        found.append("\n".join(lines[i : end + 1]))
        i = end + 1
    return found


def check_log(log: str, excerpt_chars: int = 6000) -> None:
    """Raise :class:`ServerLogError` quoting the problems of ``log``, if any."""
    problems = log_problems(log)
    if problems:
        quoted = "\n---\n".join(problems)[:excerpt_chars]
        raise ServerLogError(f"the served app logged {len(problems)} problem(s):\n{quoted}")


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
        "--logger.messageFormat", LOG_FORMAT,
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
def served_app(
    timeout_s: float = 60.0,
    env: Mapping[str, str] | None = None,
    check: bool = True,
) -> Iterator[ServedApp]:
    """Serve the app for the duration of the block, with ``env`` added to this process's
    environment (e.g. ``CLUSTERMAP_DATABASE_URL``).

    If it does not come up, the ``RuntimeError`` carries the server's output, so a
    failing test or benchmark says why. When the block ends without an exception and
    ``check`` is on, a log with a traceback or an uncaught exception raises
    :class:`ServerLogError` once the server is stopped.
    """
    port = free_port()
    url = f"http://{HOST}:{port}"
    # served as users get it: map-first runs on, whatever the AppTest suite set
    environment = {**os.environ, FIRST_VIEW_ENV: "map-first", **(env or {})}
    with tempfile.TemporaryDirectory(prefix="clustermap-serve-") as tmp:
        log_path = Path(tmp) / "server.log"
        with log_path.open("a", encoding="utf-8") as log:  # O_APPEND: tests may add lines
            started = time.perf_counter()
            process = subprocess.Popen(
                streamlit_command(port),
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                try:
                    wait_healthy(url, process, timeout_s)
                except RuntimeError as exc:
                    output = log_path.read_text(encoding="utf-8", errors="replace")
                    raise RuntimeError(f"{exc}; its output:\n{output[-4000:]}") from None
                yield ServedApp(url, process, started, time.perf_counter(), log_path)
            finally:
                _stop(process)
        if check:
            check_log(log_path.read_text(encoding="utf-8", errors="replace"))
