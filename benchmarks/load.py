"""Load test of the served app (issue 15): N concurrent browser sessions on one server.

    python benchmarks/load.py                        # N = 1, 10, 30: JSON, then Markdown
    python benchmarks/load.py --sessions 3           # one level
    python benchmarks/load.py --update-docs          # also writes benchmarks/load.json and
                                                     # the "Load" section of docs/BENCHMARKS.md

Each level starts a fresh server (``streamlit run``, :mod:`tests.support.serve`, its store a
fresh SQLite file unless ``--database-url``), runs one warm-up session (so the first load of
the data and the page caches is not charged to the sessions), then opens N browser contexts
of one headless Chromium (Playwright, Debian's ``/usr/bin/chromium``), the sessions arriving
``--ramp`` seconds apart (default 2) and all kept open until the last has finished: each
context is a real Streamlit session (its own websocket). Every session walks a user's path, timed
step by step on the client:

1. **open map**: ``/?district=D`` (a shared link with a federal-district filter) until the
   map frame has drawn the regions and the session's markers;
2. **filter**: picks scenario S in the sidebar, until the URL, the "X of Y clusters" line
   and the markers show district D and scenario S;
3. **profile**: the sidebar's "Cluster profile", then cluster C picked in the page's picker,
   until the profile's heading names C;
4. **back to map**: the sidebar's "Map", until the map shows D and S again (kept in the
   session while the URL was the profile's);
5. **export**: "Export this view", then "Prepare CSV (zip)" (the panel makes the file, in
   its fragment) and the "CSV (zip)" download button that takes its place, until the file
   is saved.

Nothing may be lost or cross between sessions: each session has its own (D, S) pair and
cluster, and checks its own state at every step (URL parameters, shown count, marker
count, profile heading, and the exported file's cluster ids, count and stated filters). A
check that finds another value is a **mismatch**; a step that fails or times out is an
**error**. When every session has finished, the server's memory is read (RSS of the server
process and its children) and each session checks its map once more (a final look after all
the others changed theirs; skipped for a session that already failed), then the
contexts close. Memory per session = (RSS with the N
sessions open − RSS after the warm-up) / N. A traceback in the server's log is an error of
the level too.

The client (N Chromium pages) runs on the same machine as the server, so on a small
machine the latencies include the browsers' own CPU time: they are what a person would
wait for with that many sessions open here, not the server's time alone (the server's CPU
seconds are reported apart).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import math
import os
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from benchmarks import scale  # noqa: E402
from geo.analysis import filters, profile_views, profiles  # noqa: E402
from geo.analysis.dataset import Dataset  # noqa: E402
from geo.data import records  # noqa: E402
from geo.registry import sources, store  # noqa: E402
from geo.render import urlstate  # noqa: E402
from geo.render.exports import formats  # noqa: E402
from tests.support import serve  # noqa: E402
from tests.support.browser_pages import (  # noqa: E402 - the browser tests' own
    APP_IDLE,
    CHROMIUM,
    LOCAL_HOSTS,
    MAP_FRAME,
)
from ui import export_panel  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
JSON_OUT = Path(__file__).resolve().parent / "load.json"
DOC_TITLE = "# Benchmarks\n"
SECTION = "## Load (issue 15)"
DEFAULT_LEVELS: tuple[int, ...] = (1, 10, 30)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STEPS: tuple[str, ...] = ("open_map", "filter", "profile", "back_to_map", "export")
STEP_NAMES: dict[str, str] = {
    "open_map": "open map",
    "filter": "filter",
    "profile": "cluster profile",
    "back_to_map": "back to map",
    "export": "export (CSV zip)",
}
OPEN_FACET, PICKED_FACET = "federal_district", "scenario"
"""The facet each session's link filters on, and the one it picks in the sidebar."""
EXPORT_FORMAT = "csv"
LANG = "en"
STEP_TIMEOUT_S = 300.0
"""How long one action may take before the step counts as an error (N = 30 on 2 cores)."""
RAMP_S = 2.0
"""Seconds between two sessions' arrivals: people do not all open the link in the same
millisecond, and 30 Chromium pages loading at once on a small machine measure the browsers."""
EXPORT_CLICK_WAIT_S = 60.0
"""How long the export step waits for its download before clicking the button once more
(a person would; counted in ``export_clicks_repeated``)."""
QUIET_S = 0.5
"""Seconds the script must stay idle before a session opens a drop-down."""
PICK_TRIES, PICK_WAIT_S = 3, 10.0
"""How often a drop-down is opened for its option, and how long each time (seconds)."""
SETTLE_S = 3.0
"""Wait after the sessions close before reading the memory again."""


ARTIFACTS: Path | None = (
    Path(os.environ["CLUSTERMAP_LOAD_ARTIFACTS"])
    if os.environ.get("CLUSTERMAP_LOAD_ARTIFACTS")
    else None
)
"""Where a failed step leaves a screenshot (``CLUSTERMAP_LOAD_ARTIFACTS``), if anywhere."""


class Mismatch(AssertionError):
    """A session found a state other than its own: lost or crossed between sessions."""


# --------------------------------------------------------------------------- the plans


@dataclass(frozen=True)
class SessionPlan:
    """What one session does and must see: the link's filter value (``district``), the
    value it picks (``scenario``, with its option text), the cluster whose profile it opens,
    and the clusters each filter shows (``opened_ids`` after the link, ``ids`` after the
    pick; ``located`` = how many of those the map draws)."""

    index: int
    district: str
    scenario: str
    scenario_option: str
    cluster_id: str
    cluster_name: str
    cluster_option: str
    opened_ids: tuple[str, ...]
    opened_located: int
    ids: tuple[str, ...]
    located: int
    total: int

    @property
    def opened_filter(self) -> filters.ClusterFilter:
        return filters.ClusterFilter(federal_district=(self.district,))

    @property
    def filter(self) -> filters.ClusterFilter:
        return filters.ClusterFilter(federal_district=(self.district,), scenario=(self.scenario,))

    @property
    def path(self) -> str:
        """The shared link the session opens."""
        params = {**urlstate.filter_to_query_params(self.opened_filter), "lang": [LANG]}
        return "/?" + urlencode(params, doseq=True)


def _shown(data: Dataset, flt: filters.ClusterFilter) -> tuple[tuple[str, ...], int]:
    shown = filters.apply_filter(data.clusters, data.regions, flt)
    located = int((shown["lat"].notna() & shown["lon"].notna()).sum())
    return tuple(sorted(shown["id"].astype(str))), located


def session_plans(data: Dataset, n: int) -> list[SessionPlan]:
    """``n`` plans, each with its own (district, scenario) pair while there are pairs (the
    pairs showing the most clusters first, so the checks tell sessions apart), then again
    from the first; clusters in turn."""
    options = filters.filter_options(data.clusters, data.regions)
    words = profiles.Words(LANG, records.vocabulary_labels())  # as the sidebar words them
    pairs = [(d, s) for s in options[PICKED_FACET] for d in options[OPEN_FACET]]
    shown = {pair: _shown(data, _pair_filter(*pair)) for pair in pairs}
    pairs.sort(key=lambda pair: -len(shown[pair][0]))
    choices = profile_views.cluster_choices(data.clusters, LANG)
    vocab = records.vocabulary_labels()
    cluster_ids = sorted(choices)
    plans = []
    for i in range(n):
        district, scenario = pairs[i % len(pairs)]
        opened = _shown(data, filters.ClusterFilter(federal_district=(district,)))
        cluster = cluster_ids[i % len(cluster_ids)]
        plans.append(
            SessionPlan(
                index=i,
                district=district,
                scenario=scenario,
                scenario_option=_option_text(scenario, words),
                cluster_id=cluster,
                cluster_name=profiles.cluster_profile(data, cluster, LANG, vocab).name,
                cluster_option=choices[cluster],
                opened_ids=opened[0],
                opened_located=opened[1],
                ids=shown[(district, scenario)][0],
                located=shown[(district, scenario)][1],
                total=len(data.clusters),
            )
        )
    return plans


def _pair_filter(district: str, scenario: str) -> filters.ClusterFilter:
    return filters.ClusterFilter(federal_district=(district,), scenario=(scenario,))


def _option_text(value: str, words: profiles.Words) -> str:
    """A scenario option as the sidebar words it, without its count (``ui.filter_sidebar``)."""
    if value == filters.NOT_REPORTED:
        return filters.not_reported_label(LANG)
    return words.scenario(value)


def prepare_label(fmt: str) -> str:
    """The English label of the export panel's "Prepare" button of format ``fmt``."""
    return export_panel.LABELS["prepare"].format(format=formats.REGISTRY[fmt].label)


# --------------------------------------------------------------------------- the checks


def url_filter(url: str) -> filters.ClusterFilter:
    """The cluster filter a page's URL states."""
    return urlstate.filter_from_query_params(parse_qs(urlsplit(url).query))


def check_url(url: str, expected: filters.ClusterFilter, what: str) -> None:
    """``Mismatch`` unless the URL states ``expected``."""
    found = url_filter(url)
    if found != expected:
        raise Mismatch(f"{what}: the URL states {found}, not {expected} ({url})")


def check_export(content: bytes, plan: SessionPlan) -> None:
    """``Mismatch`` unless the CSV zip holds exactly the plan's clusters and states its
    filters and count."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        clusters = pd.read_csv(
            io.BytesIO(archive.read("clusters.csv")), dtype=str, encoding="utf-8-sig"
        )
        metadata = archive.read("metadata.txt").decode("utf-8")
    ids = tuple(sorted(clusters["id"]))
    if ids != plan.ids:
        raise Mismatch(f"export: clusters {list(ids)}, expected {list(plan.ids)}")
    stated = re.search(r"^clusters in view: (\d+)", metadata, re.MULTILINE)
    if stated is None or int(stated.group(1)) != len(plan.ids):
        raise Mismatch(f"export: metadata states {stated and stated.group(0)!r}")
    scenario = filters.facet_label(PICKED_FACET, LANG)
    district = filters.facet_label(OPEN_FACET, LANG)
    for label, value in ((scenario, plan.scenario_option), (district, plan.district)):
        line = f"filter: {label}: {value}"
        if line not in metadata.splitlines():
            raise Mismatch(f"export: metadata lacks {line!r}")


# --------------------------------------------------------------------------- one session


@dataclass
class SessionResult:
    """Seconds per step done, and what went wrong (``kind``: mismatch or error)."""

    index: int
    times: dict[str, float] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)
    export_clicks_repeated: int = 0

    def fail(self, step: str, exc: BaseException) -> None:
        kind = "mismatch" if isinstance(exc, Mismatch) else "error"
        lines = str(exc).splitlines() or [""]
        waited = [line.strip() for line in lines if "waiting for" in line][:1]
        text = "; ".join([f"{type(exc).__name__}: {lines[0]}", *waited])[:500]
        self.result_problem(step, kind, text)

    def result_problem(self, step: str, kind: str, message: str) -> None:
        self.problems.append(
            {"session": str(self.index), "step": step, "kind": kind, "message": message}
        )


class Session:
    """One browser context (one Streamlit session) walking its plan."""

    def __init__(self, browser: Any, base_url: str, plan: SessionPlan, timeout_s: float):
        self.browser, self.base_url, self.plan = browser, base_url, plan
        self.timeout_ms = timeout_s * 1000
        self.result = SessionResult(plan.index)
        self.outside: list[str] = []
        self.context: Any = None
        self.page: Any = None

    async def open(self) -> None:
        """A fresh context whose requests to any host but localhost are aborted and kept."""
        self.context = await self.browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="en-US", accept_downloads=True
        )
        await self.context.route("**/*", self._guard)
        self.page = await self.context.new_page()
        self.page.set_default_timeout(self.timeout_ms)

    async def _guard(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or (urlsplit(url).hostname or "") in LOCAL_HOSTS:
            await route.continue_()
        else:
            self.outside.append(url)
            await route.abort()

    async def run(self) -> SessionResult:
        """Every step in turn, timed; the first failure ends the walk."""
        for step in STEPS:
            started = time.perf_counter()
            try:
                await getattr(self, step)()
                await self._healthy(step)
            except Exception as exc:  # noqa: BLE001 - any failure is the session's result
                self.result.fail(step, exc)
                _progress(f"session {self.plan.index}, {step}: {self.result.problems[-1]}")
                await self._keep_evidence(step)
                break
            self.result.times[step] = time.perf_counter() - started
        return self.result

    async def _keep_evidence(self, step: str) -> None:
        """A screenshot of the failed step in ``ARTIFACTS`` (when set), for a person."""
        if ARTIFACTS is None:
            return
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = f"session-{self.plan.index}-{step}.png"
            await self.page.screenshot(path=str(ARTIFACTS / name), timeout=10_000)
        except Exception:  # noqa: BLE001, S110 - evidence is best effort
            pass

    async def close(self) -> None:
        if self.context is not None:
            await self.context.close()

    # --- the steps

    async def open_map(self) -> None:
        await self.page.goto(self.base_url + self.plan.path)
        await self._map_shows(
            self.plan.opened_filter, self.plan.opened_ids, self.plan.opened_located, "open map"
        )

    async def filter(self) -> None:
        sidebar = self.page.locator("[data-testid='stSidebar']")
        facet = filters.facet_label(PICKED_FACET, LANG)
        box = sidebar.locator("[data-testid='stMultiSelect']").filter(has_text=facet)
        option = re.compile("^" + re.escape(self.plan.scenario_option) + r" \(")
        await self._pick(box.get_by_role("button", name="Open"), option)
        await self.page.keyboard.press("Escape")
        key = urlstate.filter_to_query_params(self.plan.filter).keys() - {"district"}
        await self.page.wait_for_function(
            "k => new URLSearchParams(location.search).has(k)", arg=next(iter(key))
        )
        await self._map_shows(self.plan.filter, self.plan.ids, self.plan.located, "filter")

    async def profile(self) -> None:
        await self._nav("/cluster")
        await self._settled()
        picker = self.page.get_by_role("combobox", name=profile_views.CLUSTER_TEXT["picker"])
        await picker.click()
        await picker.press_sequentially(self.plan.cluster_id)
        await self.page.get_by_role("option", name=self.plan.cluster_option, exact=True).click()
        main = self.page.locator("[data-testid='stMain']")
        await main.get_by_role("heading", name=self.plan.cluster_name).first.wait_for()
        await self.page.wait_for_selector(APP_IDLE)
        found = parse_qs(urlsplit(self.page.url).query).get("id")
        if found != [self.plan.cluster_id]:
            raise Mismatch(f"profile: the URL names {found}, not {self.plan.cluster_id}")

    async def back_to_map(self) -> None:
        await self._nav("/")
        await self._map_shows(self.plan.filter, self.plan.ids, self.plan.located, "back to map")

    async def export(self) -> None:
        main = self.page.locator("[data-testid='stMain']")
        await (
            main.locator("[data-testid='stExpander'] summary")
            .filter(has_text="Export this view")
            .click()
        )
        entry = formats.REGISTRY[EXPORT_FORMAT]
        prepare = main.locator("[data-testid='stButton']").filter(
            has_text=prepare_label(EXPORT_FORMAT)
        )
        await prepare.first.wait_for()
        await self._settled()
        await prepare.first.click()
        button = main.locator("[data-testid='stDownloadButton']").filter(has_text=entry.label)
        await button.first.wait_for()
        await self._settled()
        download = await self._download(button.first)
        failure = await download.failure()
        if failure:
            raise RuntimeError(f"export: the download failed: {failure}")
        check_export(Path(await download.path()).read_bytes(), self.plan)

    async def final_check(self) -> None:
        """After every session has finished: the map still shows this session's state
        (skipped for a session whose walk already failed: its state is not its plan's)."""
        if self.result.problems:
            return
        try:
            await self._map_shows(self.plan.filter, self.plan.ids, self.plan.located, "final")
            await self._healthy("final")
        except Exception as exc:  # noqa: BLE001 - any failure is the session's result
            self.result.fail("final", exc)

    # --- helpers

    async def _download(self, button: Any) -> Any:
        """Click ``button`` and return its download; clicked once more (and counted in the
        result) when nothing came within ``EXPORT_CLICK_WAIT_S``."""
        try:
            async with self.page.expect_download(timeout=EXPORT_CLICK_WAIT_S * 1000) as info:
                await button.click()
            return await info.value
        except Exception:  # noqa: BLE001 - the second click decides
            self.result.export_clicks_repeated += 1
        await self._settled()
        async with self.page.expect_download(timeout=self.timeout_ms) as info:
            await button.click()
        return await info.value

    async def _settled(self) -> None:
        """Wait until the script has been idle for ``QUIET_S`` on end: a widget opened
        while a rerun redraws the page (the map component's first value starts one) may be
        closed again under the click."""
        quiet_since = None
        deadline = time.monotonic() + self.timeout_ms / 1000
        while time.monotonic() < deadline:
            idle = await self.page.locator(APP_IDLE).count()
            now = time.monotonic()
            quiet_since = (quiet_since or now) if idle else None
            if quiet_since is not None and now - quiet_since >= QUIET_S:
                return
            await asyncio.sleep(0.1)
        raise TimeoutError("the app did not settle")

    async def _pick(self, opener: Any, option: Any) -> None:
        """Open a drop-down with ``opener`` and click the option named ``option``; opened
        again (up to ``PICK_TRIES`` times) if a rerun closed it before the option showed
        or before the click reached it (a person would open it again too)."""
        for attempt in range(PICK_TRIES):
            await self._settled()
            await opener.click()
            target = self.page.get_by_role("option", name=option).first
            try:
                await target.wait_for(timeout=PICK_WAIT_S * 1000)
                await target.click(timeout=PICK_WAIT_S * 1000)
            except Exception:
                if attempt == PICK_TRIES - 1:
                    raise
                continue
            return

    async def _nav(self, path: str) -> None:
        """Click the sidebar's link to the page at ``path`` (``/`` the landing page) and
        wait for the URL to change to it."""
        sidebar = self.page.locator("[data-testid='stSidebar']")
        link = sidebar.locator(f"a[data-testid='stSidebarNavLink'][href$='{path}']")
        await link.first.click()
        await self.page.wait_for_function("p => location.pathname === p", arg=path)

    async def _map_shows(
        self, flt: filters.ClusterFilter, ids: Sequence[str], located: int, what: str
    ) -> None:
        """The map page is idle and its URL, count line and markers show ``flt``."""
        await self.page.wait_for_selector(APP_IDLE)
        frame = self.page.frame_locator(MAP_FRAME)
        await frame.locator("path.cm-region").first.wait_for()
        sidebar = self.page.locator("[data-testid='stSidebar']")
        count = filters.count_text(len(ids), self.plan.total, lang=LANG)
        await sidebar.get_by_text(count, exact=True).first.wait_for()
        markers = await _count_reaches(frame.locator(DRAWN), located, self.timeout_ms)
        if markers != located:
            raise Mismatch(f"{what}: the map draws {markers} clusters, not {located}")
        check_url(self.page.url, flt, what)

    async def _healthy(self, step: str) -> None:
        """No exception on the page, still connected, no request left localhost."""
        if await self.page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{step}: the page shows an exception")
        if self.outside:
            raise RuntimeError(f"{step}: requests left localhost: {self.outside[:3]}")


#: What a map draws for its clusters: single markers, and group symbols of overlapping
#: markers whose ``data-count`` is how many they hold (``geo.render.maps.Grouping``; as
#: ``tests.support.browser_pages.DrawnClusters`` counts them).
DRAWN = "path.cm-cluster, .cm-group svg"
_DRAWN_COUNT = (
    "els => els.reduce((n, e) => n + (e.tagName.toLowerCase() === 'svg' ? "
    "Number(e.dataset.count) : 1), 0)"
)


async def _count_reaches(locator: Any, n: int, timeout_ms: float) -> int:
    """Poll the clusters drawn in ``locator`` (:data:`DRAWN`: a group counts what it holds)
    until they are ``n`` or the time is up; the last count."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        count = int(await locator.evaluate_all(_DRAWN_COUNT))
        if count == n or time.monotonic() > deadline:
            return count
        await asyncio.sleep(0.2)


# --------------------------------------------------------------------------- one level


def process_rss(pid: int) -> int:
    """Resident memory in bytes of process ``pid`` and its descendants (Linux ``/proc``)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) * 1024 if match else 0
        stack.extend(int(c) for c in children)
    return total


def memory_gb() -> float:
    """The machine's memory in GB (``MemTotal`` of ``/proc/meminfo``; 0 if unreadable)."""
    try:
        meminfo = Path("/proc/meminfo").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    return int(match.group(1)) * 1024 / 1e9 if match else 0.0


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` has used (its own threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (nearest rank) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


async def _sessions(
    browser: Any, url: str, plans: Sequence[SessionPlan], timeout_s: float, ramp_s: float = 0.0
) -> list[Session]:
    """Open a context per plan and walk them all concurrently, session i arriving
    ``i * ramp_s`` seconds after the first (each stays open until all have finished)."""
    sessions = [Session(browser, url, plan, timeout_s) for plan in plans]
    await asyncio.gather(*(s.open() for s in sessions))

    async def arrive(i: int, session: Session) -> None:
        await asyncio.sleep(i * ramp_s)
        await session.run()

    await asyncio.gather(*(arrive(i, s) for i, s in enumerate(sessions)))
    return sessions


async def run_level_async(
    browser: Any,
    app: serve.ServedApp,
    plans: Sequence[SessionPlan],
    warm_up: SessionPlan,
    timeout_s: float,
    ramp_s: float = RAMP_S,
) -> dict[str, Any]:
    """One session of ``warm_up``, then the plans concurrently against ``app`` (arriving
    ``ramp_s`` apart); the level's figures."""
    warm = await _sessions(browser, app.url, [warm_up], timeout_s)
    await asyncio.gather(*(s.close() for s in warm))
    pid = app.process.pid
    rss_before, cpu_before, load_before = process_rss(pid), process_cpu_s(pid), os.getloadavg()
    started = time.perf_counter()
    sessions = await _sessions(browser, app.url, plans, timeout_s, ramp_s)
    wall = time.perf_counter() - started
    rss_open = process_rss(pid)
    await asyncio.gather(*(s.final_check() for s in sessions))
    await asyncio.gather(*(s.close() for s in sessions))
    cpu = process_cpu_s(pid) - cpu_before
    await asyncio.sleep(SETTLE_S)
    results = [s.result for s in sessions]
    problems = [p for r in results for p in r.problems]
    problems += [{"session": "warm-up", **p} for w in warm for p in w.result.problems[:1]]
    n = len(plans)
    return {
        "sessions": n,
        "steps": _step_stats(results),
        "problems": problems,
        "sessions_ok": sum(not r.problems for r in results),
        "ramp_s": ramp_s,
        "export_clicks_repeated": sum(r.export_clicks_repeated for r in results),
        "wall_s": wall,
        "server_cpu_s": cpu,
        "rss_before_bytes": rss_before,
        "rss_open_bytes": rss_open,
        "rss_closed_bytes": process_rss(pid),
        "rss_per_session_bytes": (rss_open - rss_before) / n,
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "warm_up": warm[0].result.times,
    }


def _step_stats(results: Sequence[SessionResult]) -> dict[str, dict[str, Any]]:
    stats = {}
    for step in STEPS:
        times = [r.times[step] for r in results if step in r.times]
        stats[step] = {
            "done": len(times),
            "p50_s": percentile(times, 50),
            "p95_s": percentile(times, 95),
            "max_s": max(times) if times else None,
        }
    return stats


def _server_env(database_url: str | None, state_dir: str) -> dict[str, str]:
    """The served app's store: ``database_url``, else a fresh SQLite file in ``state_dir``
    (never a developer's own store)."""
    return {
        store.ENV_STATE_DIR: state_dir,
        store.ENV_DATABASE_URL: database_url or f"sqlite:///{Path(state_dir) / 'load.db'}",
    }


async def _run_levels(
    levels: Sequence[int],
    data: Dataset,
    timeout_s: float,
    database_url: str | None,
    ramp_s: float = RAMP_S,
) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    out = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in levels:
                out.append(await _one_level(browser, n, data, timeout_s, database_url, ramp_s))
        finally:
            await browser.close()
    return out


async def _one_level(
    browser: Any,
    n: int,
    data: Dataset,
    timeout_s: float,
    database_url: str | None,
    ramp_s: float = RAMP_S,
) -> dict[str, Any]:
    """A fresh server, its level run, and the problems its log shows."""
    plans = session_plans(data, n + 1)  # the last one is the warm-up's
    with tempfile.TemporaryDirectory(prefix="clustermap-load-") as state:
        env = _server_env(database_url, state)
        with serve.served_app(timeout_s=120, env=env, check=False) as app:
            _progress(f"{n} session(s) on {app.url}")
            level = await run_level_async(browser, app, plans[:n], plans[n], timeout_s, ramp_s)
            log = app.log()
    level["server_log_problems"] = serve.log_problems(log)
    _progress(
        f"{n} session(s): {level['sessions_ok']} without a problem, "
        f"{len(level['problems'])} problem(s), {level['wall_s']:.0f} s"
    )
    return level


def _progress(text: str) -> None:
    """A line on stderr, so a long run shows where it is (stdout carries the results)."""
    print(f"[load {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run(
    levels: Sequence[int] = DEFAULT_LEVELS,
    timeout_s: float = STEP_TIMEOUT_S,
    database_url: str | None = None,
    data: Dataset | None = None,
    ramp_s: float = RAMP_S,
) -> dict[str, Any]:
    """Run every level; the results with the machine line (JSON-ready)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"Chromium is not installed at {CHROMIUM}")
    data = data if data is not None else sources.load_dataset()
    machine = scale.machine_line(("streamlit", "streamlit-folium", "playwright", "pandas"))
    machine += f"; {memory_gb():.0f} GB memory"
    results = asyncio.run(_run_levels(levels, data, timeout_s, database_url, ramp_s))
    return {
        "machine": machine,
        "store": "postgresql" if database_url else "sqlite",
        "dataset": "published",
        "levels": results,
    }


# --------------------------------------------------------------------------- the report


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f} MB"


def markdown(result: Mapping[str, Any]) -> str:
    """The "Load" section of ``docs/BENCHMARKS.md``."""
    lines = [
        "`python benchmarks/load.py --update-docs` (code and method in its docstring). Each "
        "level: a fresh `streamlit run` server (store: "
        f"{result['store']}, {result['dataset']} data), one warm-up session, then N headless "
        f"Chromium contexts (Playwright), arriving {_ramp(result)} s apart and all open until "
        "the last has finished, each a real Streamlit session walking: open "
        "a shared map link with a federal-district filter → pick a scenario in the sidebar → "
        "the cluster profile page and a cluster in its picker → back to the map → the "
        'export panel\'s "Prepare CSV (zip)" and its download. Seconds on the client, '
        "from the action to the checked result, nearest-rank percentiles over the sessions. "
        "Every session has "
        "its own district and scenario pair and cluster and checks its own URL, shown count, "
        "markers, profile and exported file (ids, count, stated filters), and its map once "
        "more after all sessions finished: a *mismatch* would be state lost or crossed "
        "between sessions. Memory = RSS of the server process: after the warm-up, with the "
        "N sessions open, and 3 s after they closed; per session = (open − after warm-up) "
        "/ N. The browsers run on the same 2 cores as the server, so the times include "
        "their CPU: server CPU seconds are given apart.",
        "",
        "| N | sessions without a problem | errors | mismatches | "
        + " | ".join(f"{STEP_NAMES[s]} p50 / p95 (s)" for s in STEPS)
        + " | RSS after warm-up → N open → closed | RSS per session | server CPU (s) | "
        "wall (s) | load average before → after |",
        "|---:|---:|---:|---:|" + "---:|" * len(STEPS) + "---|---:|---:|---:|---|",
    ]
    for level in result["levels"]:
        lines.append(_level_row(level))
    problems = [(lv["sessions"], p) for lv in result["levels"] for p in lv["problems"]]
    logs = sum(len(lv["server_log_problems"]) for lv in result["levels"])
    repeats = sum(lv.get("export_clicks_repeated", 0) for lv in result["levels"])
    lines += [
        "",
        f"Tracebacks in the server logs: {logs}. Export buttons clicked a second time "
        f"because no download came within {EXPORT_CLICK_WAIT_S:.0f} s: {repeats}.",
    ]
    if problems:
        lines += ["", "Problems (first 10):", ""]
        lines += [
            f"- N = {n}, session {p['session']}, {p['step']}: {p['kind']}: {p['message']}"
            for n, p in problems[:10]
        ]
    lines += ["", f"Machine: {result['machine']}. Raw numbers: `benchmarks/load.json`."]
    return "\n".join(lines)


def _ramp(result: Mapping[str, Any]) -> str:
    ramps = sorted({lv.get("ramp_s", 0.0) for lv in result["levels"]})
    return " / ".join(f"{r:g}" for r in ramps) or "0"


def _level_row(level: Mapping[str, Any]) -> str:
    kinds = [p["kind"] for p in level["problems"]] + ["error"] * len(level["server_log_problems"])
    steps = [
        f"{_seconds(level['steps'][s]['p50_s'])} / {_seconds(level['steps'][s]['p95_s'])}"
        for s in STEPS
    ]
    memory = " → ".join(
        _mb(level[k]) for k in ("rss_before_bytes", "rss_open_bytes", "rss_closed_bytes")
    )
    load = " → ".join(
        ", ".join(f"{v:.1f}" for v in level[k])
        for k in ("load_average_before", "load_average_after")
    )
    cells = [
        str(level["sessions"]),
        f"{level['sessions_ok']} of {level['sessions']}",
        str(kinds.count("error")),
        str(kinds.count("mismatch")),
        *steps,
        memory,
        _mb(level["rss_per_session_bytes"]),
        f"{level['server_cpu_s']:.1f}",
        f"{level['wall_s']:.1f}",
        load,
    ]
    return "| " + " | ".join(cells) + " |"


def parse_levels(text: str) -> tuple[int, ...]:
    """``"1,10,30"`` → ``(1, 10, 30)``; each a whole number of at least 1."""
    try:
        levels = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not whole numbers: {text!r}") from None
    if not levels or min(levels) < 1:
        raise argparse.ArgumentTypeError(f"each level must be at least 1: {text!r}")
    return levels


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="benchmarks/load.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sessions",
        type=parse_levels,
        default=DEFAULT_LEVELS,
        help="concurrent sessions per level, comma-separated (default 1,10,30)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=STEP_TIMEOUT_S,
        help="seconds one action may take (default %(default)s)",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=RAMP_S,
        help="seconds between two sessions' arrivals (default %(default)s)",
    )
    parser.add_argument("--database-url", help="the servers' store (default: a fresh SQLite)")
    parser.add_argument(
        "--update-docs", action="store_true", help="write benchmarks/load.json and the docs section"
    )
    args = parser.parse_args(argv)
    result = run(args.sessions, args.timeout, args.database_url, ramp_s=args.ramp)
    text = markdown(result)
    print(json.dumps(result, indent=1))
    print(text)
    if args.update_docs:
        JSON_OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        document = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_TITLE
        DOC.write_text(scale.replace_section(document, SECTION, text), encoding="utf-8")
    failed = any(lv["problems"] or lv["server_log_problems"] for lv in result["levels"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
