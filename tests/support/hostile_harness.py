"""Feeding the corpus to every entry point and judging the answers.

Runners return an :class:`Observation` (exit code, output, the problems shown, any
exception); checkers turn it into a list of failures, each a short sentence (empty = the
case passed). The command line runs in a **forked child** of the test process (warm
imports, so ~0.1 s a call instead of ~8 s for ``python -m geo``), with its own session
(no controlling terminal), real file descriptors 0/1/2 (stdin a file, stdout/stderr
files with the interpreter's error handlers: strict / backslashreplace), the environment
and working directory of the case, and — for cases that may hang or exhaust memory — an
address-space limit and a timeout. An uncaught exception is printed as the interpreter
would (a traceback, exit status 1).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
import os
import re
import resource
import select
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PASSWORD = "s3cret pass"
TIMEOUT = 60
ISOLATED_TIMEOUT = 20  # seconds before a child that reads /dev/zero, a FIFO or a bomb is killed
ISOLATED_MEMORY = 3 * 2**30  # address space a child may add (bytes)
MAX_MESSAGE = 500  # characters of one problem line; a longer one echoes the hostile value

TRACEBACK = re.compile(r'Traceback \(most recent call last\)|^\s*File "[^"]+", line \d+', re.M)
SERVER_PATH = re.compile(r"(/work/|/root/|site-packages|/usr/lib/python)")
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
CYRILLIC = re.compile("[а-яА-ЯёЁ]")


# --------------------------------------------------------------------------- observations


@dataclass
class Observation:
    entry: str
    code: int | None = None  # exit status (CLI); None in-process
    stdout: str = ""
    stderr: str = ""
    messages: list[str] = field(default_factory=list)  # problems: "file, row N, column 'X': why"
    texts: list[str] = field(default_factory=list)  # everything else shown (page)
    exception: str | None = None  # "Type: message" of an exception that escaped
    traceback: str | None = None
    timed_out: bool = False
    accepted: bool | None = None  # the entry point said the file is valid
    values: dict[str, Any] = field(default_factory=dict)  # first record read (accepted)
    extra: dict[str, Any] = field(default_factory=dict)

    def all_text(self) -> str:
        parts = [self.stdout, self.stderr, *self.messages, *self.texts]
        if self.exception:
            parts.append(self.exception)
        return "\n".join(parts)

    def summary(self) -> str:
        """One line: what happened (for RESULTS.md)."""
        if self.timed_out:
            return "killed: did not finish in time (hangs or reads forever)"
        bits = []
        if self.code is not None:
            bits.append(f"exit {self.code}")
        if self.exception:
            bits.append("exception " + _short(self.exception, 110))
        elif self.traceback or TRACEBACK.search(self.stdout + self.stderr):
            last = [x for x in (self.stderr or self.traceback or "").strip().splitlines() if x]
            bits.append("traceback " + _short(last[-1] if last else "?", 110))
        if self.accepted is True:
            bits.append("accepted")
        if self.messages:
            bits.append(f"{len(self.messages)} problem(s): " + _short(self.messages[0], 140))
        elif self.stderr.strip() and not self.traceback:
            bits.append("stderr: " + _short(self.stderr.strip().splitlines()[0], 140))
        for key in ("note",):
            if key in self.extra:
                bits.append(str(self.extra[key]))
        return "; ".join(bits) or "no output"


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    text = CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= n else text[: n - 1] + "…"


def issue_line(file: Any, row: Any, column: Any, problem: Any) -> str:
    """A problem as ``geo.errors.ValidationIssue.__str__`` writes it."""
    where = "" if file is None or (isinstance(file, float) and math.isnan(file)) else str(file)
    if row is not None and not (isinstance(row, float) and math.isnan(row)) and str(row) != "<NA>":
        where += f", row {int(float(row))}"
    if column is not None and not (isinstance(column, float) and math.isnan(column)) and column:
        where += f", column '{column}'"
    return f"{where}: {problem}"


# --------------------------------------------------------------------------- environment


@functools.lru_cache(maxsize=1)
def editors_env() -> dict[str, str]:
    """The editor list of the tests: ``alice`` with :data:`PASSWORD` (a cheap hash)."""
    from geo.registry import auth

    return {auth.ENV_EDITORS: f"alice:{auth.hash_password(PASSWORD, iterations=1000)}"}


def editor() -> Any:
    """``alice`` signed in (for writes made in-process by the tests)."""
    from geo.registry import auth

    credentials = {"alice": auth.hash_password(PASSWORD, iterations=1000)}
    return auth.authenticate("alice", PASSWORD, credentials)


def make_template_store(folder: Path) -> Path:
    """A seeded SQLite store (copied for every test)."""
    from geo.registry.store import Store

    path = folder / "template.db"
    store = Store.open(f"sqlite:///{path}")
    store.refs  # noqa: B018 - warm the reference data once (inherited by children)
    store.dispose()
    return path


def copy_store(template: Path, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "store.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def store_fingerprint(url: str) -> tuple[Any, ...]:
    """Head, history and every stored record: equal before and after = unchanged."""
    from geo.registry.store import Store

    store = Store(url)
    try:
        history = store.history().astype(str).to_records(index=False).tolist()
        state = store.state()
        records = sorted(
            (kind, key, json.dumps(e.values, sort_keys=True, default=str),
             json.dumps(e.markers, sort_keys=True))
            for kind, entries in state.items()
            for key, e in entries.items()
        )  # fmt: skip
        return (store.head(), tuple(map(tuple, history)), tuple(records))
    finally:
        store.dispose()


def new_record_values(url: str, before: tuple[Any, ...]) -> dict[str, Any]:
    """The values of the first record an import added or changed (``before`` is the
    :func:`store_fingerprint` taken before it)."""
    old = {(kind, key): values for kind, key, values, _markers in before[2]}
    for kind, key, values, _markers in store_fingerprint(url)[2]:
        if old.get((kind, key)) != values:
            return json.loads(values)
    return {}


def folder_listing(folder: Path) -> dict[str, str]:
    """Relative path → type of everything under ``folder`` (symlinks not followed)."""
    out: dict[str, str] = {}
    if not folder.exists():
        return out
    for root, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            p = Path(root) / name
            mode = os.lstat(p).st_mode
            kind = (
                "symlink" if stat.S_ISLNK(mode) else "dir" if stat.S_ISDIR(mode)
                else "fifo" if stat.S_ISFIFO(mode) else "chardev" if stat.S_ISCHR(mode)
                else "file"
            )  # fmt: skip
            out[str(p.relative_to(folder))] = kind
    return out


STORE_SIDE_FILES = re.compile(r"store\.db(-wal|-shm|-journal)?$")


# --------------------------------------------------------------------------- forked children


@dataclass
class ChildResult:
    status: int | None  # the child's result["code"], or -signal
    stdout: str
    stderr: str
    result: dict[str, Any]
    timed_out: bool
    seconds: float


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child_setup(work: Path, cwd: str | None, env: Mapping[str, str | None] | None,
                 limit: int | None) -> None:  # fmt: skip
    """In the forked child: its own session (no controlling terminal: getpass cannot open
    /dev/tty), fds 0/1/2 on files of ``work``, environment, working directory, memory."""
    os.setsid()
    fd_in = os.open(work / "in", os.O_RDONLY)
    fd_out = os.open(work / "out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    fd_err = os.open(work / "err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for fd, target in ((fd_in, 0), (fd_out, 1), (fd_err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="strict", write_through=True
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        write_through=True,
    )
    for key, value in (env or {}).items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if cwd:
        os.chdir(cwd)
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _child_main(
    fn: Callable[[], dict[str, Any]], write_end: int, setup: Callable[[], None]
) -> None:
    """The forked child: set up, run ``fn``, send its result (JSON) to the parent, exit."""
    payload: dict[str, Any]
    try:
        setup()
        payload = fn()
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        payload = {"harness_error": traceback.format_exc()}
    try:
        data = json.dumps(payload, default=str).encode()
    except BaseException:  # noqa: BLE001
        data = b'{"harness_error": "unserialisable result"}'
    with contextlib.suppress(BaseException):
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    os._exit(0)


def _receive(pid: int, read_end: int, deadline: float) -> tuple[list[bytes], bool, int]:
    """The child's result bytes, whether it timed out, and its pid (0 once reaped)."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return chunks, True, pid
        ready, _, _ = select.select([read_end], [], [], min(left, 1.0))
        if ready:
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                return chunks, False, pid
            chunks.append(chunk)
            continue
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:  # died without closing the pipe normally (killed by a signal)
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            chunks.append(json.dumps({"killed_by_signal": sig}).encode())
            return chunks, False, 0


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace") if path.exists() else ""


def run_forked(
    fn: Callable[[], dict[str, Any]],
    *,
    stdin: bytes = b"",
    cwd: str | None = None,
    env: Mapping[str, str | None] | None = None,
    timeout: float = TIMEOUT,
    memory: int | None = None,
) -> ChildResult:
    """Run ``fn`` in a forked child with its own session, fds 0/1/2, environment and working
    directory; ``memory`` limits the address space it may add."""
    work = Path(tempfile.mkdtemp(prefix="hostile-child-"))
    (work / "in").write_bytes(stdin)
    limit = _vm_size() + memory if memory else None
    read_end, write_end = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _child_main(fn, write_end, lambda: _child_setup(work, cwd, env, limit))
    os.close(write_end)
    chunks, timed_out, pid = _receive(pid, read_end, start + timeout)
    os.close(read_end)
    if pid:
        if timed_out:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # our own child, by its id
        os.waitpid(pid, 0)
    seconds = time.monotonic() - start
    out, err = _read_text(work / "out"), _read_text(work / "err")
    shutil.rmtree(work, ignore_errors=True)
    try:
        result = json.loads(b"".join(chunks) or b"{}")
    except json.JSONDecodeError:
        result = {"harness_error": "bad payload"}
    if "killed_by_signal" in result:
        status = -(result["killed_by_signal"] or 0)
    else:
        status = result.get("code")
    return ChildResult(status, out, err, result, timed_out, seconds)


def _cli_main(argv: Sequence[str]) -> Callable[[], dict[str, Any]]:
    """What ``python -m geo ARGV`` does, in the child."""

    def run() -> dict[str, Any]:
        from geo.cli import commands

        try:
            code = commands.main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        except BaseException:  # noqa: BLE001 - the interpreter prints it and exits 1
            traceback.print_exc()
            code = 1
        try:
            sys.stdout.flush()
        except BaseException:  # noqa: BLE001 - as the interpreter at exit
            print("Exception ignored on flushing sys.stdout", file=sys.stderr)
            code = 120
        with contextlib.suppress(BaseException):
            sys.stderr.flush()
        return {"code": code}

    return run


def run_cli(
    argv: Sequence[str],
    *,
    db_url: str,
    cwd: Path,
    stdin: bytes = b"",
    env: Mapping[str, str | None] | None = None,
    isolate: bool = False,
    entry: str = "cli",
) -> Observation:
    from geo.base import i18n
    from geo.registry import store

    full_env: dict[str, str | None] = {
        store.ENV_DATABASE_URL: db_url,
        i18n.CLI_LANG_ENV: "en",
        "CLUSTERMAP_USER": None,
        "CLUSTERMAP_PASSWORD": PASSWORD,
        **editors_env(),
    }
    full_env.update(env or {})
    child = run_forked(
        _cli_main(argv),
        stdin=stdin,
        cwd=str(cwd),
        env=full_env,
        timeout=ISOLATED_TIMEOUT if isolate else TIMEOUT,
        memory=ISOLATED_MEMORY if isolate else None,
    )
    obs = Observation(entry, child.status, child.stdout, child.stderr, timed_out=child.timed_out)
    if "harness_error" in child.result:
        obs.exception = "harness: " + child.result["harness_error"].strip().splitlines()[-1]
    if TRACEBACK.search(child.stderr):
        obs.traceback = child.stderr
    obs.extra["seconds"] = round(child.seconds, 2)
    if child.status is not None and child.status < 0:
        obs.extra["note"] = f"killed by signal {-child.status}"
    return obs


def report_messages(stdout: str) -> list[str]:
    """The problems of ``clustermap import --format json`` (its report table)."""
    text = stdout.strip()
    start = text.find("[")
    if start < 0:
        return []
    try:
        rows = json.loads(text[start:])
    except json.JSONDecodeError:
        return []
    if not isinstance(rows, list):
        return []
    return [
        issue_line(r.get("file"), r.get("row"), r.get("column"), r.get("problem"))
        for r in rows
        if isinstance(r, dict) and "problem" in r
    ]


def validate_messages(stderr: str) -> list[str]:
    if TRACEBACK.search(stderr):
        return []
    return [line.strip() for line in stderr.splitlines() if line.startswith("  ")]


def dry_run_values(stdout: str) -> dict[str, Any]:
    """The first record's cells from the change table ``import --dry-run --format json``
    prints (kind, key, change, column, before, after)."""
    start = stdout.find("[")
    try:
        rows = json.loads(stdout[start:]) if start >= 0 else []
    except json.JSONDecodeError:
        return {}
    values: dict[str, Any] = {}
    first_key = None
    for r in rows if isinstance(rows, list) else []:
        if not isinstance(r, dict) or "after" not in r:
            continue
        first_key = first_key or r.get("key")
        if r.get("key") == first_key:
            values.setdefault(r.get("column"), r.get("after"))
    return values


# --------------------------------------------------------------------------- in-process library


def run_library(name: str, data: bytes, kind: str, refs: Any, state: Any) -> Observation:
    from geo.registry import importer

    obs = Observation("library")
    try:
        parsed = importer.parse_bytes(name, data, kind, refs)
        plan = importer.plan_import(parsed, state, refs)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        obs.exception = f"{type(exc).__name__}: {_short(str(exc), 300)}"
        obs.traceback = traceback.format_exc(limit=-3)
        return obs
    obs.messages = [str(i) for i in plan.issues]
    obs.extra["issues"] = list(plan.issues)
    obs.extra["notices"] = [str(n) for n in parsed.notices]
    obs.accepted = plan.ok
    if plan.ok and plan.changes:
        after = plan.changes[0].after
        obs.values = dict(after.values) if after else {}
    return obs


# --------------------------------------------------------------------------- AppTest


class DownloadSpy:
    """Records every download button's bytes (AppTest keeps them in a mock media store
    that is dropped after the run)."""

    def __init__(self) -> None:
        self.files: list[tuple[str | None, str, bytes]] = []

    @contextlib.contextmanager
    def active(self) -> Iterator[DownloadSpy]:
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

        original = MemoryMediaFileStorage.load_and_get_id
        spy = self

        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):  # noqa: ANN001
            if isinstance(path_or_data, bytes):
                spy.files.append((filename, mimetype, path_or_data))
            return original(self, path_or_data, mimetype, kind, filename)

        MemoryMediaFileStorage.load_and_get_id = load_and_get_id  # type: ignore[method-assign]
        try:
            yield self
        finally:
            MemoryMediaFileStorage.load_and_get_id = original  # type: ignore[method-assign]


TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info",
              "success", "toast", "text", "code", "latex")  # fmt: skip
ALERT_KINDS = ("error", "warning", "info", "toast", "caption", "success")


def page_observation(at: Any, entry: str) -> Observation:
    obs = Observation(entry)
    for e in at.exception:
        obs.exception = f"{e.message}"
        obs.traceback = "\n".join(getattr(e, "stack_trace", []) or []) or e.message
    for kind in TEXT_KINDS:
        with contextlib.suppress(Exception):
            for e in at.get(kind):
                value = getattr(e, "value", None)
                if value is None:
                    value = getattr(e, "body", "")
                obs.texts.append(str(value))
    for frame in at.dataframe:
        df = frame.value
        if {"file", "row", "column", "problem"} <= set(map(str, df.columns)):
            for r in df.itertuples(index=False):
                d = r._asdict()
                obs.messages.append(issue_line(d["file"], d["row"], d["column"], d["problem"]))
        obs.extra.setdefault("frames", []).append(df)
    return obs


def alerts(at: Any) -> list[str]:
    out = []
    for kind in ALERT_KINDS:
        with contextlib.suppress(Exception):
            out += [str(e.value) for e in at.get(kind)]
    return out


def _sign_in(at: Any) -> None:
    """Sign in as ``alice`` through the sidebar's form (``CLUSTERMAP_EDITORS`` must name
    her: :func:`editors_env`)."""
    at.text_input(key="sign_in_user").input("alice")
    at.text_input(key="sign_in_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()


def run_upload(
    name: str, data: bytes, kind: str, lang: str = "en", signed_in: bool = False
) -> Observation:
    """The Import page as a viewer (or a signed-in editor): choose the kind, upload
    ``data`` as ``name``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()  # st.navigation knows the page (its URL path is not its file name) after a run
    at.switch_page("app_pages/import_data.py")
    at.run()
    if signed_in and not at.exception:
        _sign_in(at)
        if not any("Signed in as" in str(c.value) for c in at.caption):
            obs = page_observation(at, "upload")
            obs.exception = "harness: the editor could not sign in"
            return obs
    if at.exception:
        return page_observation(at, "upload")
    if kind != "clusters":
        box = next(
            s for s in at.selectbox if s.key != "history_kind" and s.label == "Kind of records"
        )
        box.set_value(kind)
        at.run()
    at.file_uploader(key=f"upload_{kind}").set_value((name, data, "application/octet-stream"))
    at.run()
    obs = page_observation(at, "upload")
    shown = "\n".join(obs.texts)
    obs.accepted = "Valid:" in shown or "nothing to import" in shown
    for df in obs.extra.get("frames", []):
        if {"column", "after"} <= set(map(str, df.columns)):
            for r in df.itertuples(index=False):
                obs.values.setdefault(r.column, r.after)
    obs.extra.pop("frames", None)
    return obs


def upload_in_child(name: str, data: bytes, kind: str, signed_in: bool = False) -> Observation:
    """:func:`run_upload` in a limited child (bombs)."""

    def run() -> dict[str, Any]:
        obs = run_upload(name, data, kind, signed_in=signed_in)
        return {"code": 0, "obs": {k: v for k, v in obs.__dict__.items() if k != "extra"}}

    child = run_forked(run, timeout=ISOLATED_TIMEOUT, memory=ISOLATED_MEMORY)
    if child.timed_out:
        return Observation("upload", timed_out=True)
    if "obs" not in child.result:
        obs = Observation("upload")
        obs.exception = (
            (child.result.get("harness_error") or str(child.result)).strip().splitlines()[-1]
        )
        obs.traceback = child.result.get("harness_error")
        return obs
    obs = Observation(**child.result["obs"])
    return obs


def library_in_child(name: str, data: bytes, kind: str, db_url: str) -> Observation:
    def run() -> dict[str, Any]:
        from geo.registry.store import Store

        store = Store(db_url)
        obs = run_library(name, data, kind, store.refs, store.state())
        return {"code": 0, "obs": {k: v for k, v in obs.__dict__.items() if k != "extra"}}

    child = run_forked(run, timeout=ISOLATED_TIMEOUT, memory=ISOLATED_MEMORY)
    if child.timed_out:
        return Observation("library", timed_out=True)
    if "obs" not in child.result:
        obs = Observation("library")
        err = child.result.get("harness_error") or str(child.result)
        obs.exception = err.strip().splitlines()[-1]
        obs.traceback = err
        return obs
    return Observation(**child.result["obs"])


def run_url(page: str, query: Mapping[str, Any], through_entry: bool) -> Observation:
    """``page`` with ``query``: through the app's entry point (the default page, which reads
    the language and dataset parameters) or the page alone (``switch_page``)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if not through_entry:
        at.switch_page(f"app_pages/{page}.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    obs = page_observation(at, "url")
    obs.extra["alerts"] = alerts(at)
    obs.extra["titles"] = [t.value for t in at.title]
    return obs


# --------------------------------------------------------------------------- checks


def _found(needle: str, haystack: str) -> bool:
    return needle.casefold() in haystack.casefold()


def check_no_crash(obs: Observation) -> list[str]:
    out = []
    if obs.timed_out:
        out.append("did not finish (killed after the timeout)")
    if obs.exception:
        out.append(f"exception escaped: {_short(obs.exception, 160)}")
    text = obs.stdout + "\n" + obs.stderr + "\n" + "\n".join(obs.texts)
    if obs.traceback or TRACEBACK.search(text):
        out.append("a Python traceback is shown")
    elif SERVER_PATH.search("\n".join([obs.stderr, *obs.messages, *obs.texts])):
        out.append("a server path is shown")
    return out


def _check_accepted(expect: Any, obs: Observation) -> list[str]:
    """A file that must be accepted: not refused, and its values read as expected."""
    out: list[str] = []
    if obs.accepted is False or (obs.accepted is None and obs.messages):
        first = obs.messages[0] if obs.messages else obs.stderr or "?"
        out.append("refused a valid file: " + _short(first, 160))
    for column, want in expect.values.items():
        if column not in obs.values:
            continue  # the entry point does not show values
        got = obs.values[column]
        if isinstance(want, float) and got is not None:
            with contextlib.suppress(TypeError, ValueError):
                got = float(got)
        if got != want and not (want is None and got in ("", "n/a", "not reported")):
            out.append(f"{column} read as {got!r}, expected {want!r}")
    return out


def _check_where(expect: Any, messages: list[str], text: str, file_name: str | None) -> list[str]:
    """The messages name the file, the row and the column the case expects."""
    out: list[str] = []
    shown_name = file_name.encode("utf-8", "backslashreplace").decode() if file_name else None
    if expect.file and file_name and not (_found(file_name, text) or _found(shown_name, text)):
        out.append(f"no message names the file '{_short(file_name, 40)}'")
    if expect.row is not None and not any(
        _found(f"row {expect.row}", m) and (not expect.column or _found(f"'{expect.column}'", m))
        for m in messages
    ):
        where_text = f"row {expect.row}" + (f", column '{expect.column}'" if expect.column else "")
        out.append(f"no message names {where_text}")
    elif expect.column and expect.row is None and not _found(expect.column, text):
        out.append(f"no message names column '{expect.column}'")
    return out


def check_expect(expect: Any, obs: Observation, file_name: str | None, *, where: bool = True,
                 what: bool = True) -> list[str]:  # fmt: skip
    """The answer against :class:`corpus.Expect`."""
    if expect.accepted:
        return _check_accepted(expect, obs)
    if obs.accepted:
        return ["accepted a file that must be refused"]
    messages = obs.messages or [line for line in obs.stderr.splitlines() if line.strip()]
    text = "\n".join(messages) + "\n" + "\n".join(obs.texts)
    if not messages and not any(t.strip() for t in obs.texts):
        return ["no message at all"]
    out = _check_where(expect, messages, text, file_name) if where else []
    reasons = text.replace(file_name, "") if file_name else text  # key words not from the name
    if what and expect.what and not any(_found(w, reasons) for w in expect.what):
        out.append("no message says why (" + " / ".join(expect.what) + ")")
    out += [f"the message says «{word}»" for word in expect.never if _found(word, reasons)]
    long = [m for m in messages if len(m) > MAX_MESSAGE]
    if long:
        out.append(f"a message of {len(long[0]):,} characters (echoes the input)")
    return out


def check_russian(obs: Observation) -> list[str]:
    """Every problem has a Russian translation (a template), not English library text."""
    issues = obs.extra.get("issues") or []
    bad = [i for i in issues if not CYRILLIC.search(i.localised("ru"))]
    if bad:
        return [f"not translatable into Russian: {_short(str(bad[0]), 120)}"]
    return []


def check_cli_code(obs: Observation, accepted: bool, refused_code: int = 2) -> list[str]:
    if obs.timed_out or obs.code is None:
        return []
    want = 0 if accepted else refused_code
    if obs.code != want:
        return [f"exit status {obs.code}, expected {want}"]
    return []


def check_store(before: Any, after: Any, *, changed: bool) -> list[str]:
    if changed:
        return [] if after[0] == before[0] + 1 else ["the store did not gain a version"]
    return [] if before == after else ["the store changed"]


def check_left_behind(before: Mapping[str, str], after: Mapping[str, str],
                      allowed: Iterable[str] = ()) -> list[str]:  # fmt: skip
    allowed = set(allowed)
    new = [
        p for p in after if p not in before and p not in allowed and not STORE_SIDE_FILES.search(p)
    ]
    if new:
        return ["left behind: " + ", ".join(sorted(new)[:4])]
    return []


# --------------------------------------------------------------------------- spreadsheet cells

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|\.\d+)([eE][-+]?\d+)?$")


def dangerous_cells(rows: Iterable[Sequence[str]]) -> list[str]:
    """Cells a spreadsheet would run as a formula (OWASP CSV injection), numbers excepted."""
    out = []
    for row in rows:
        for cell in row:
            if isinstance(cell, str) and cell.startswith(TRIGGERS) and not NUMBER.match(cell):
                out.append(cell)
    return out


def csv_cells(data: bytes | str) -> list[list[str]]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text, newline="")))


def zip_csv_cells(data: bytes) -> list[list[str]]:
    out: list[list[str]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith(".csv"):
                out += csv_cells(zf.read(name))
    return out


def xlsx_formula_cells(data: bytes) -> list[str]:
    """Cells of a workbook that are formulas (<f> elements) or text a spreadsheet would
    read as one; the workbook read as XML so nothing is evaluated."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = zf.read(name).decode("utf-8", "replace")
                out += re.findall(r"<f[ >][^<]*", xml)
    return out
