"""First view of the app: until the landing map shows its regions, against a reference tree
in the same run (issue 18).

    python benchmarks/first_view.py                     # this tree vs the commit `main`
    python benchmarks/first_view.py --runs 3 --warm-visits 3 --format md

For each tree (the reference, unpacked from ``git archive REF`` unless ``--reference-dir``
names one, and this one), interleaved over ``--runs`` rounds:

* **cold**: ``streamlit run streamlit_app.py`` is spawned (the same command as
  ``tests/support/serve.py``) and a new browser context opens ``/`` at once; the time is
  from the spawn to the first region path drawn in the map's frame. ``cold_page_s`` is the
  part after the server answered its health check.
* **server CPU**: the server process's user + system CPU seconds (``/proc``) from its
  spawn to the cold first view, and during each warm visit: on a shared machine wall
  times grow with the load average far more than CPU times.
* **warm**: then ``--warm-visits`` new visits to that running server, each in a fresh
  browser context (no HTTP cache, a new Streamlit session); the time is from
  ``page.goto`` to the first region path.
* **drawn** (``warm_drawn_s``, ``cold_drawn_s``): the same visits timed in the page: a
  script of the page checks the map's frame every 5 ms and notes when its first region
  path is there (``performance.now()``, from the navigation's start). The harness times
  above also hold Playwright's own work: creating the context, routing every request
  through this process, and finding the path in a new frame, which it does late when the
  page's main thread is busy (as it is while the rest of the page is drawn right after
  the map). Cold: the spawn to the navigation's start plus the page's time.

Each tree has its own registry store and user cache in a temporary directory, made by an
untimed start and visit first: a cold start is a server restart (store and caches exist),
not the first start ever. Headless Debian Chromium (``/usr/bin/chromium``) through
Playwright; only localhost is contacted. Budgets (issue 18): warm 2 s, cold 4 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_cli import machine, reference_tree, tree_env  # noqa: E402
from benchmarks.scale import CHROMIUM, MAP_FRAME  # noqa: E402
from tests.support import serve  # noqa: E402

BUDGETS = {"warm_s": 2.0, "warm_drawn_s": 2.0, "cold_s": 4.0, "cold_drawn_s": 4.0}
REGION = "path.leaflet-interactive"
TIMEOUT_S = 180.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def served(tree: Path, env: dict[str, str]) -> Iterator[tuple[str, float, float, int]]:
    """Serve ``tree``'s app: yields its URL, spawn and health times (``perf_counter``)
    and the server's process id."""
    port = serve.free_port()
    url = f"http://{serve.HOST}:{port}"
    with tempfile.TemporaryFile(mode="w+") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            serve.streamlit_command(port), cwd=tree, env=env, stdout=log, stderr=log
        )
        try:
            try:
                serve.wait_healthy(url, process, TIMEOUT_S)
            except RuntimeError as exc:
                log.seek(0)
                raise RuntimeError(f"{tree.name}: {exc}\n{log.read()[-3000:]}") from None
            yield url, started, time.perf_counter(), process.pid
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


_DRAWN = """
window.cmFirstRegion = null;
const cmWatch = setInterval(() => {
  const frame = document.querySelector("iframe[title='streamlit_folium.st_folium']");
  try {
    if (frame && frame.contentDocument.querySelector("REGION")) {
      window.cmFirstRegion = performance.now();
      clearInterval(cmWatch);
    }
  } catch (e) {}
}, 5);
""".replace("REGION", REGION)


def visit(browser: Any, url: str) -> tuple[float, float, float]:
    """Open ``url`` in a fresh context; returns when the harness saw the map's first
    region (``perf_counter``), when ``goto`` was called, and the seconds from the
    navigation's start to the region in the page (see the module's docstring)."""
    local = f"http://{serve.HOST}:"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(_DRAWN)
    try:
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith((local, "data:", "blob:", "about:"))
                else route.abort()
            ),
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_S * 1000)
        start = time.perf_counter()
        page.goto(url)
        page.frame_locator(MAP_FRAME).locator(REGION).first.wait_for(state="attached")
        seen = time.perf_counter()
        page.wait_for_function("window.cmFirstRegion !== null")
        return seen, start, page.evaluate("window.cmFirstRegion") / 1000
    finally:
        context.close()


def one_round(browser: Any, tree: Path, env: dict[str, str], warm_visits: int) -> dict:
    """A cold start then ``warm_visits`` warm visits of ``tree``, with the server's CPU
    seconds for each (load inflates wall time far more than CPU time)."""
    with served(tree, env) as (url, started, ready, pid):
        done, goto, drawn = visit(browser, url)
        cold_cpu = cpu_seconds(pid)
        warm, warm_drawn, warm_cpu = [], [], []
        for _ in range(warm_visits):
            begin, before = time.perf_counter(), cpu_seconds(pid)
            seen, _, in_page = visit(browser, url)
            warm.append(seen - begin)
            warm_drawn.append(in_page)
            warm_cpu.append(cpu_seconds(pid) - before)
    return {
        "cold_s": [done - started],
        "cold_drawn_s": [goto - started + drawn],
        "cold_page_s": [done - ready],
        "cold_server_cpu_s": [cold_cpu],
        "warm_s": warm,
        "warm_drawn_s": warm_drawn,
        "warm_server_cpu_s": warm_cpu,
    }


def measure(trees: Sequence[Path], runs: int, warm_visits: int, scratch: Path) -> dict:
    """``{tree name: {cold_s: [...], cold_page_s: [...], warm_s: [...]}}``."""
    from playwright import sync_api

    envs = {tree: tree_env(tree, scratch) for tree in trees}
    out: dict[str, dict[str, list[float]]] = {t.name: {} for t in trees}
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for tree in trees:  # untimed: creates the store, fills the caches
                one_round(browser, tree, envs[tree], 0)
            for _ in range(runs):
                for tree in trees:
                    result = one_round(browser, tree, envs[tree], warm_visits)
                    print(f"  {tree.name}: {json.dumps(result)}", file=sys.stderr, flush=True)
                    for key, values in result.items():
                        out[tree.name].setdefault(key, []).extend(values)
        finally:
            browser.close()
    return out


def markdown(result: dict, names: tuple[str, str]) -> str:
    """Medians (and ranges) per tree, the ratio, and the budgets."""
    ref, ours = names
    lines = [
        f"| first view | {ref} median (range) | this tree median (range) | ratio | budget |",
        "|---|---:|---:|---:|---|",
    ]
    rows = (
        ("warm_s", "warm server, new visit (harness)"),
        ("warm_drawn_s", "warm server, new visit (drawn, in the page)"),
        ("warm_server_cpu_s", "warm visit: server CPU"),
        ("cold_s", "cold server, spawn to regions (harness)"),
        ("cold_drawn_s", "cold server, spawn to regions (drawn, in the page)"),
        ("cold_page_s", "cold server, health check to regions"),
        ("cold_server_cpu_s", "cold server: server CPU, spawn to regions"),
    )
    for key, label in rows:
        a, b = result[ref][key], result[ours][key]
        ma, mb = statistics.median(a), statistics.median(b)
        target = BUDGETS.get(key)
        verdict = (
            ""
            if target is None
            else f"≤ {target:g} s: " + ("met" if mb <= target else "**not met**")
        )
        lines.append(
            f"| {label} | {ma:.2f} ({min(a):.2f}–{max(a):.2f}) | {mb:.2f} "
            f"({min(b):.2f}–{max(b):.2f}) | {ma / mb:.2f}× faster | {verdict} |"
        )
    counts = {k: len(v) for k, v in result[ours].items()}
    lines += ["", f"Samples per tree: {counts}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reference", default="main", help="git revision (default main)")
    parser.add_argument("--reference-dir", type=Path, help="a reference tree already unpacked")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warm-visits", type=int, default=3)
    parser.add_argument("--format", choices=["md", "json"], default="md")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not installed at {CHROMIUM}")
    print(machine(["streamlit", "streamlit-folium", "folium"]), flush=True)
    with tempfile.TemporaryDirectory(prefix="clustermap-first-view-") as tmp:
        scratch = Path(tmp)
        ref = (args.reference_dir or reference_tree(args.reference, scratch)).resolve()
        ours = scratch / "ours"
        ours.symlink_to(ROOT, target_is_directory=True)
        result = measure([ref, ours], args.runs, args.warm_visits, scratch)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(markdown(result, (ref.name, ours.name)))
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
