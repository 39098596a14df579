"""Benchmarks at scale (issue 8): our map, filters and exports against the naive approach.

For each size (clusters, default 100, 1,000 and 10,000) a synthetic registry is generated
(:func:`geo.data.sources.synthetic_dataset`, about 10 MNE links per cluster) and measured:

* **map build**: the first map of a fresh process, as the map page builds it: region
  measures, projected region payload, classification, region styles, legend, cluster
  payload, base map and dynamic layer, rendered to one HTML page
  (:func:`our_map_html`). The **payload** is that page in bytes (what the browser gets);
  ``dynamic_layer_bytes`` is the part a filter change replaces.
* **filter change**: what one rerun of the map page does when a filter changes, with the
  page's caches warm (region payload, measures, Leaflet): filter, re-style, new cluster
  payload and a full render (``st_folium`` renders the map on every rerun).
* **exports**: every format of :mod:`geo.render.exports` for the whole country
  (:func:`geo.render.exports.formats.export_view`, the function behind the page buttons and
  ``clustermap export``).
* **cold start**: ``streamlit run`` in a subprocess, then headless Chromium (Playwright)
  opens ``/?data=synthetic&n=N&seed=S`` and waits until the map frame has drawn its
  regions and legend; measured from the spawn of the server (``cold_start_s``) and from
  the page request (``first_map_s``). Skipped, with the reason, without Playwright or
  Chromium.
* the **naive reference**, in the same run: the full-resolution region geometry through
  ``GeoDataFrame.explore()`` and one ``folium.Marker`` per cluster (same popups), rendered
  to HTML; its filter change rebuilds the whole map.

Times are medians of ``repeats`` runs in seconds (``time.perf_counter``); payloads are
bytes. Growth is summarised by the slope of log(time) against log(n): 1 is linear, less
is sub-linear (fixed costs dominate at small n). No Streamlit import here: the cold start
runs Streamlit in a subprocess.
"""

from __future__ import annotations

import html
import math
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import folium
import numpy as np
import pandas as pd

from geo.analysis import filters, measures
from geo.analysis.dataset import Dataset
from geo.base.paths import PROJECT_ROOT
from geo.data import synth
from geo.registry import sources
from geo.render import classify, maps, markers, urlstate, views
from geo.render.exports import formats
from tests.support import serve

__all__ = [
    "BenchConfig",
    "DEFAULT_SIZES",
    "QUICK_SIZES",
    "BUDGET",
    "our_map_html",
    "base_map_html",
    "naive_map_html",
    "measure_size",
    "cold_start",
    "growth",
    "run",
    "render_markdown",
    "machine_info",
    "machine_line",
    "parse_sizes",
    "MapCaches",
    "budget_checks",
    "FILTER_CHANGE",
    "BUDGET_SIZE",
    "TEXT",
]

DEFAULT_SIZES: tuple[int, ...] = (100, 1_000, 10_000)
QUICK_SIZES: tuple[int, ...] = (30, 120)
"""Short mode (CI): small sizes, one repeat, no cold start."""

MNE_PER_CLUSTER = 10.0
"""MNE links per cluster on average (the issue's load)."""

FILTER_CHANGE = filters.ClusterFilter(status=("pilot innovative",))
"""The filter change measured: one status selected (about a fifth of the clusters)."""

BUDGET: dict[str, float] = {
    "map_build_s": 1.0,
    "map_payload_bytes": 1.5e6,
    "filter_change_s": 0.3,
    "export_s": 3.0,
}
"""Budgets at ``BUDGET_SIZE`` clusters (issue 8)."""
BUDGET_SIZE = 10_000

CHROMIUM = os.environ.get("CLUSTERMAP_CHROMIUM", "/usr/bin/chromium")
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
COLD_START_TIMEOUT_S = 300.0
LONG_RUN_S = 10.0
"""A measurement whose runs already took this long (seconds) is not repeated further."""

TEXT: dict[str, str] = {
    "title_summary": "Summary",
    "summary_ratio": (
        "At {n:,} clusters the naive reference is {build:.0f}× slower to build, "
        "{payload:.0f}× larger and {filter:.0f}× slower on a filter change than ours."
    ),
    "summary_linear": (
        "Growth no faster than linear: the steepest of our measures between the two largest "
        "sizes is {name} with a log-log slope of {slope:.2f} (1 = linear)."
    ),
    "summary_superlinear": (
        "Faster than linear growth: {name} has a log-log slope of {slope:.2f} between the "
        "two largest sizes (1 = linear)."
    ),
    "summary_missed": "Budgets at {n:,} clusters missed (wall time): {missed}.",
    "summary_all_met": "Every budget at {n:,} clusters is met (wall time).",
    "title_map": "Map: build, payload and filter change (ours vs naive)",
    "title_exports": "Whole-country exports (ours): wall seconds (CPU seconds), size",
    "title_cold": "Cold start of the app to its first map",
    "title_growth": "Growth with the number of clusters (slope of log time vs log n)",
    "title_budget": "Budget at {n:,} clusters",
    "title_machine": "Machine",
    "cold_method": (
        "streamlit run (headless, subprocess) + headless Chromium via Playwright: from "
        "spawning the server / from requesting the page, until the map frame has drawn "
        "its regions and legend"
    ),
    "not_measured": "not measured",
    "pass": "within budget",
    "fail": "OVER BUDGET",
}
"""Headings and notes of the Markdown report (English literals, one place)."""

T = TypeVar("T")


@dataclass(frozen=True)
class BenchConfig:
    """What to measure. ``repeats`` runs per measurement (median); the naive reference is
    expensive, so it is repeated at most ``naive_repeats`` times."""

    sizes: tuple[int, ...] = DEFAULT_SIZES
    seed: int = 1
    mne_per_cluster: float = MNE_PER_CLUSTER
    repeats: int = 3
    naive_repeats: int = 1
    formats: tuple[str, ...] = tuple(formats.FORMATS)
    cold_start: bool = True
    naive: bool = True

    def __post_init__(self) -> None:
        if not self.sizes:
            raise ValueError("give at least one size")
        for n in self.sizes:
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= synth.MAX_CLUSTERS:
                raise ValueError(f"size {n!r} is not a whole number from 1 to {synth.MAX_CLUSTERS}")
        if self.repeats < 1 or self.naive_repeats < 1:
            raise ValueError("repeats must be at least 1")
        for fmt in self.formats:
            formats.check_format(fmt)

    @classmethod
    def quick(cls, **changes: Any) -> BenchConfig:
        """The short mode: small sizes, one repeat, no cold start."""
        settings: dict[str, Any] = {"sizes": QUICK_SIZES, "repeats": 1, "cold_start": False}
        settings.update(changes)
        return cls(**settings)


def parse_sizes(text: str) -> tuple[int, ...]:
    """``"100,1000,10000"`` (underscores allowed) as sizes; ``ValueError`` naming a bad one."""
    sizes = []
    for part in text.split(","):
        item = part.strip().replace("_", "")
        if not item.isdigit() or int(item) < 1:
            raise ValueError(f"--sizes: '{part.strip()}' is not a whole number ≥ 1")
        sizes.append(int(item))
    return tuple(dict.fromkeys(sizes))


def _timed(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Median wall time of ``repeats`` calls of ``fn`` and the last call's result."""
    wall, _cpu, result = _timed_cpu(fn, repeats)
    return wall, result


def _timed_cpu(fn: Callable[[], T], repeats: int) -> tuple[float, float, T]:
    """Median wall time and median CPU time (``time.process_time``: this process only, so
    less disturbed when other work shares the machine) of ``repeats`` calls of ``fn``,
    and the last call's result."""
    walls, cpus = [], []
    result: Any = None
    for _ in range(repeats):
        cpu = time.process_time()
        start = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
        if sum(walls) > LONG_RUN_S:
            break  # a measurement this long is not noise-bound: no more repeats
    return statistics.median(walls), statistics.median(cpus), result


# --------------------------------------------------------------------------- our map


@dataclass
class MapCaches:
    """What the map page caches across reruns (``st.cache_data``/``st.cache_resource``)."""

    payload: maps.RegionPayload
    assets: maps.LeafletAssets
    table: pd.DataFrame


def our_map_html(
    data: Dataset,
    flt: filters.ClusterFilter = filters.ClusterFilter(),  # noqa: B008 - frozen
    view: views.View = views.View(),  # noqa: B008 - frozen
    caches: MapCaches | None = None,
) -> str:
    """The map page's map as one HTML page.

    Mirrors ``pages/map.py``: without ``caches`` everything is computed (first map of a
    process); with them, only what a rerun recomputes (filter, ``geo.render.maps.map_layers``
    with the cached payload, and the render ``st_folium`` does every rerun).
    """
    if caches is None:
        caches = MapCaches(
            maps.region_payload(data.regions, view.projection),
            maps.leaflet_assets(),
            measures.measure_table(data),
        )
    shown = filters.apply_filter(data.clusters, data.regions, flt)
    content = maps.MapContent.of_view(data, replace(view, filters=flt), caches.table, shown)
    return maps.map_layers(content, caches.payload, caches.assets).html()


def base_map_html(caches: MapCaches) -> str:
    """The base map alone (no dynamic layer), to tell the layer's share of the payload."""
    return maps.standalone_html(maps.base_map(caches.payload, caches.assets))


# --------------------------------------------------------------------------- the docs


def replace_section(document: str, section: str, body: str) -> str:
    """``document`` with the text under the heading ``section`` (up to the next ``## ``
    heading) replaced by ``body``, or the section appended if absent: each benchmark
    script rewrites only its own section of ``docs/BENCHMARKS.md``."""
    block = f"{section}\n\n{body.rstrip()}\n"
    start = document.find(section)
    if start < 0:
        return document.rstrip("\n") + "\n\n" + block
    end = document.find("\n## ", start + len(section))
    rest = "" if end < 0 else document[end:]
    return document[:start] + block + rest


# --------------------------------------------------------------------------- the naive map


def naive_map_html(
    data: Dataset,
    flt: filters.ClusterFilter = filters.ClusterFilter(),  # noqa: B008 - frozen
    measure: str = measures.DEFAULT_MEASURE,
) -> str:
    """The naive reference: full-resolution regions via ``explore()`` coloured by the
    measure, and one ``folium.Marker`` per located cluster with the same popup as ours."""
    table = measures.measure_table(data)
    regions = data.detailed.merge(table[[measure]], left_on="code", right_index=True, how="left")
    m = regions.explore(
        column=measure,
        tooltip=["name_en", measure],
        missing_kwds={"color": classify.NO_DATA_FILL},
        legend=False,
    )
    shown = filters.apply_filter(data.clusters, data.regions, flt)
    shown = shown.loc[shown["lat"].notna() & shown["lon"].notna()]
    names = dict(zip(data.regions["code"], data.regions["name_en"], strict=True))
    for rec in shown.to_dict("records"):
        folium.Marker(
            [rec["lat"], rec["lon"]],
            tooltip=html.escape(markers.cluster_name(rec)),
            popup=folium.Popup(markers.popup_html(rec, names), max_width=340),
        ).add_to(m)
    return m.get_root().render()


# --------------------------------------------------------------------------- one size


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def measure_size(data: Dataset, config: BenchConfig) -> dict[str, Any]:
    """Every in-process measurement of one registry (the cold start is separate)."""
    repeats = config.repeats
    build_s, build_cpu_s, page = _timed_cpu(lambda: our_map_html(data), repeats)
    caches = MapCaches(
        maps.region_payload(data.regions, "albers"),
        maps.leaflet_assets(),
        measures.measure_table(data),
    )
    base_only = base_map_html(caches)
    filter_s, filter_cpu_s, filtered = _timed_cpu(
        lambda: our_map_html(data, FILTER_CHANGE, caches=caches), repeats
    )
    ours: dict[str, Any] = {
        "map_build_s": build_s,
        "map_build_cpu_s": build_cpu_s,
        "map_payload_bytes": _bytes(page),
        "dynamic_layer_bytes": _bytes(page) - _bytes(base_only),
        "filter_change_s": filter_s,
        "filter_change_cpu_s": filter_cpu_s,
        "filtered_payload_bytes": _bytes(filtered),
        "exports": {},
    }
    view = views.View()
    for fmt in config.formats:
        seconds, cpu_s, (_, payload, _) = _timed_cpu(
            lambda f=fmt: formats.export_view(data, view, f), repeats
        )
        ours["exports"][fmt] = {"s": seconds, "cpu_s": cpu_s, "bytes": len(payload)}

    naive: dict[str, Any] | None = None
    if config.naive:
        reps = min(repeats, config.naive_repeats)
        naive_build_s, naive_build_cpu_s, naive_page = _timed_cpu(
            lambda: naive_map_html(data), reps
        )
        naive_filter_s, naive_filter_cpu_s, naive_filtered = _timed_cpu(
            lambda: naive_map_html(data, FILTER_CHANGE), reps
        )
        naive = {
            "map_build_s": naive_build_s,
            "map_build_cpu_s": naive_build_cpu_s,
            "map_payload_bytes": _bytes(naive_page),
            "filter_change_s": naive_filter_s,
            "filter_change_cpu_s": naive_filter_cpu_s,
            "filtered_payload_bytes": _bytes(naive_filtered),
        }
    shown = filters.apply_filter(data.clusters, data.regions, FILTER_CHANGE)
    return {"ours": ours, "naive": naive, "filtered_clusters": len(shown)}


# --------------------------------------------------------------------------- cold start


def cold_start(n: int, seed: int, timeout_s: float = COLD_START_TIMEOUT_S) -> dict[str, Any]:
    """Cold start of the app on a synthetic registry of ``n`` clusters to its first map.

    Returns ``cold_start_s`` (from spawning ``streamlit run`` to the drawn map),
    ``server_ready_s`` (to the health endpoint answering) and ``first_map_s`` (from the
    page request), or ``{"skipped": reason}`` when Playwright or Chromium is missing.
    Only localhost is contacted; the server is stopped before returning.
    """
    try:
        from playwright import sync_api
    except ImportError:
        return {"skipped": "the playwright package is not installed"}
    if not Path(CHROMIUM).exists():
        return {"skipped": f"Chromium is not installed at {CHROMIUM}"}
    query = "&".join(
        f"{k}={v[0]}"
        for k, v in urlstate.DatasetChoice("synthetic", n, seed).to_query_params().items()
    )
    local = f"http://{serve.HOST}:"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.route(
                "**/*",
                lambda route: (
                    route.continue_()
                    if route.request.url.startswith((local, "data:", "blob:"))
                    else route.abort()
                ),
            )
            page = context.new_page()
            page.set_default_timeout(timeout_s * 1000)
            with serve.served_app(timeout_s) as app:
                page.goto(f"{app.url}/?{query}")
                frame = page.frame_locator(MAP_FRAME)
                frame.locator("path.cm-region").first.wait_for()
                frame.locator(".cm-legend").first.wait_for()
                done = time.perf_counter()
        finally:
            browser.close()
    return {
        "cold_start_s": done - app.started,
        "server_ready_s": app.ready - app.started,
        "first_map_s": done - app.ready,
    }


# --------------------------------------------------------------------------- the run


def machine_info() -> dict[str, Any]:
    """The machine and software the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib: float | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 2**20, 1)
                break
    except OSError:
        pass
    packages = {}
    for name in ("folium", "streamlit", "streamlit-folium", "pandas", "geopandas", "shapely",
                 "matplotlib", "rustpy-xlsxwriter", "pyogrio", "playwright"):  # fmt: skip
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": packages,
        "commit": _git_commit(),
        "load_average": _load_average(),
    }


def machine_line(packages: Sequence[str]) -> str:
    """One line for a benchmark report: CPU and cores, system and Python, the versions of
    ``packages``, the load average at the start (other work inflates times) and the time.
    """
    info = machine_info()
    versions = []
    for name in packages:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} not installed")
    load = info["load_average"]
    load_text = ", ".join(f"{v:.1f}" for v in load) if load else "unknown"
    return (
        f"{info['cpu']}, {info['cores']} logical CPUs; {info['os']}, Python {info['python']}; "
        f"{', '.join(versions)}; load average at start {load_text}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def _load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages: other work on the machine inflates the times
    (the ours/naive ratios of one run stay comparable)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _metric_paths(record: dict[str, Any]) -> dict[str, float]:
    """Every time of a record by a flat name (``ours.map_build_s``, ``ours.export.png_s``)."""
    out: dict[str, float] = {}
    for side in ("ours", "naive"):
        values = record.get(side) or {}
        for key, value in values.items():
            if key.endswith("_s") and isinstance(value, int | float):
                out[f"{side}.{key}"] = float(value)
        for fmt, export in (values.get("exports") or {}).items():
            out[f"{side}.export_{fmt}_s"] = float(export["s"])
            if export.get("cpu_s") is not None:
                out[f"{side}.export_{fmt}_cpu_s"] = float(export["cpu_s"])
    cold = record.get("cold_start") or {}
    if "cold_start_s" in cold:
        out["ours.cold_start_s"] = float(cold["cold_start_s"])
    return out


def growth(records: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Slope of log(time) against log(n) per metric: over all sizes, and between the two
    largest (the local exponent where fixed costs matter least). None with one size."""
    by_metric: dict[str, list[tuple[int, float]]] = {}
    for record in records:
        for name, seconds in _metric_paths(record).items():
            by_metric.setdefault(name, []).append((record["n"], seconds))
    out: dict[str, dict[str, float | None]] = {}
    for name, pairs in by_metric.items():
        pairs = sorted(p for p in pairs if p[1] > 0)
        if len(pairs) < 2:
            out[name] = {"slope_all": None, "slope_top": None}
            continue
        x = np.log([p[0] for p in pairs])
        y = np.log([p[1] for p in pairs])
        slope_all = float(np.polyfit(x, y, 1)[0])
        slope_top = float((y[-1] - y[-2]) / (x[-1] - x[-2]))
        out[name] = {"slope_all": round(slope_all, 3), "slope_top": round(slope_top, 3)}
    return out


def budget_checks(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each budget of the issue against the record at ``BUDGET_SIZE`` (empty if absent)."""
    record = next((r for r in records if r["n"] == BUDGET_SIZE), None)
    if record is None:
        return []
    ours = record["ours"]
    rows = [
        ("map build (s)", ours["map_build_s"], ours.get("map_build_cpu_s"), BUDGET["map_build_s"]),
        ("map payload (bytes)", ours["map_payload_bytes"], None, BUDGET["map_payload_bytes"]),
        (
            "filter change (s)",
            ours["filter_change_s"],
            ours.get("filter_change_cpu_s"),
            BUDGET["filter_change_s"],
        ),
    ]
    rows += [
        (f"export {fmt} (s)", export["s"], export.get("cpu_s"), BUDGET["export_s"])
        for fmt, export in ours["exports"].items()
    ]
    return [
        {
            "measure": name,
            "value": value,
            "cpu_s": cpu,
            "budget": limit,
            "ok": bool(value < limit),
            "ok_cpu": None if cpu is None else bool(cpu < limit),
        }
        for name, value, cpu, limit in rows
    ]


def run(config: BenchConfig, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Generate a registry per size, measure it, and return the whole result as a dict
    (``meta``, ``records`` one per size, ``growth``, ``budget``), ready for JSON."""
    say = progress or (lambda _message: None)
    load_start = _load_average()
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    records = []
    for n in config.sizes:
        say(f"n={n}: generating")
        gen_s, data = _timed(
            lambda n=n: sources.synthetic_dataset(n, config.seed, config.mne_per_cluster), 1
        )
        say(f"n={n}: measuring map, filter change, exports" + (", naive" if config.naive else ""))
        record: dict[str, Any] = {
            "n": n,
            "mne_links": len(data.mne_links),
            "located_clusters": int((data.clusters["lat"].notna()).sum()),
            "generate_s": gen_s,
        }
        record.update(measure_size(data, config))
        del data
        if config.cold_start:
            say(f"n={n}: cold start")
            try:
                record["cold_start"] = cold_start(n, config.seed)
            except Exception as exc:  # noqa: BLE001 - reported in the result, not hidden
                record["cold_start"] = {"error": f"{type(exc).__name__}: {exc}"}
        else:
            record["cold_start"] = None
        records.append(record)
    machine = machine_info()
    machine["load_average_start"] = load_start
    return {
        "meta": {
            "synthetic": True,
            "config": {**asdict(config), "filter_change": asdict(FILTER_CHANGE)},
            "cold_start_method": TEXT["cold_method"],
            "machine": machine,
            "started_utc": started,
        },
        "records": records,
        "growth": growth(records),
        "budget": budget_checks(records),
    }


# --------------------------------------------------------------------------- the report


def _s(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return TEXT["not_measured"]
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _s_cpu(wall: float | None, cpu: float | None) -> str:
    """Wall time, with the CPU time in brackets when it was measured."""
    text = _s(wall)
    return text if cpu is None or wall is None else f"{text} ({_s(cpu)})"


def _size(value: float | None) -> str:
    if value is None:
        return TEXT["not_measured"]
    if value >= 1e6:
        return f"{value / 1e6:.2f} MB"
    return f"{value / 1e3:.0f} kB"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    rule = ["---", *("---:" for _ in header[1:])]  # first column is a label
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


LINEAR_TOLERANCE = 1.1
"""A log-log slope up to this counts as "no faster than linear" (timing noise)."""


def summary_lines(result: dict[str, Any]) -> list[str]:
    """What the numbers say, computed from them: ours vs naive at the largest size, the
    steepest growth of our measures, and the budgets missed."""
    records = result["records"]
    if not records:
        return []
    top = records[-1]
    ours, naive = top["ours"], top.get("naive")
    lines = []
    if naive:
        lines.append(
            TEXT["summary_ratio"].format(
                n=top["n"],
                build=naive["map_build_s"] / ours["map_build_s"],
                payload=naive["map_payload_bytes"] / ours["map_payload_bytes"],
                filter=naive["filter_change_s"] / ours["filter_change_s"],
            )
        )
    slopes = {
        name: v["slope_top"]
        for name, v in result["growth"].items()
        if name.startswith("ours.") and v["slope_top"] is not None
    }
    if slopes:
        steepest = max(slopes, key=lambda k: slopes[k])
        verdict = (
            TEXT["summary_linear"]
            if slopes[steepest] <= LINEAR_TOLERANCE
            else TEXT["summary_superlinear"]
        )
        lines.append(verdict.format(name=steepest, slope=slopes[steepest]))
    missed = [b["measure"] for b in result["budget"] if not b["ok"]]
    if result["budget"]:
        lines.append(
            TEXT["summary_missed"].format(n=BUDGET_SIZE, missed=", ".join(missed))
            if missed
            else TEXT["summary_all_met"].format(n=BUDGET_SIZE)
        )
    return [f"- {line}" for line in lines]


def render_markdown(result: dict[str, Any]) -> str:
    """The result as Markdown: a summary, then tables: map (ours vs naive), exports, cold
    start, growth, budget and machine."""
    records = result["records"]
    parts: list[str] = []
    summary = summary_lines(result)
    if summary:
        parts += [f"### {TEXT['title_summary']}", "", *summary, ""]
    parts += [f"### {TEXT['title_map']}", ""]
    header = [
        "clusters", "MNE links",
        "build ours, s (CPU)", "build naive, s (CPU)",
        "payload ours", "payload naive",
        "dynamic layer ours",
        "filter change ours, s (CPU)", "filter change naive, s (CPU)",
    ]  # fmt: skip
    rows = []
    for r in records:
        ours, naive = r["ours"], r["naive"] or {}
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['mne_links']:,}",
                _s_cpu(ours["map_build_s"], ours.get("map_build_cpu_s")),
                _s_cpu(naive.get("map_build_s"), naive.get("map_build_cpu_s")),
                _size(ours["map_payload_bytes"]),
                _size(naive.get("map_payload_bytes")),
                _size(ours["dynamic_layer_bytes"]),
                _s_cpu(ours["filter_change_s"], ours.get("filter_change_cpu_s")),
                _s_cpu(naive.get("filter_change_s"), naive.get("filter_change_cpu_s")),
            ]
        )
    parts += [_table(header, rows), ""]

    formats = list(records[0]["ours"]["exports"]) if records else []
    if formats:
        parts += [f"### {TEXT['title_exports']}", ""]
        rows = [
            [f"{r['n']:,}"] + [_export_cell(r["ours"]["exports"][f]) for f in formats]
            for r in records
        ]
        parts += [_table(["clusters", *formats], rows), ""]

    parts += [f"### {TEXT['title_cold']}", "", TEXT["cold_method"] + ".", ""]
    rows = []
    for r in records:
        cold = r.get("cold_start") or {}
        note = cold.get("skipped") or cold.get("error") or ""
        rows.append(
            [
                f"{r['n']:,}",
                _s(cold.get("server_ready_s")),
                _s(cold.get("first_map_s")),
                _s(cold.get("cold_start_s")),
                html.escape(note) or "",
            ]
        )
    parts += [
        _table(["clusters", "server ready (s)", "page to map (s)", "total (s)", "note"], rows),
        "",
    ]

    parts += [f"### {TEXT['title_growth']}", ""]
    rows = [
        [name, _slope(v["slope_all"]), _slope(v["slope_top"])]
        for name, v in sorted(result["growth"].items())
    ]
    parts += [_table(["measure", "slope, all sizes", "slope, two largest"], rows), ""]

    if result["budget"]:
        parts += [f"### {TEXT['title_budget'].format(n=BUDGET_SIZE)}", ""]
        rows = [
            [
                b["measure"],
                _size(b["value"]) if "bytes" in b["measure"] else _s(b["value"]),
                _s(b.get("cpu_s")) if b.get("cpu_s") is not None else "",
                _size(b["budget"]) if "bytes" in b["measure"] else _s(b["budget"]),
                TEXT["pass"] if b["ok"] else TEXT["fail"],
                "" if b.get("ok_cpu") is None else (TEXT["pass"] if b["ok_cpu"] else TEXT["fail"]),
            ]
            for b in result["budget"]
        ]
        header = ["measure", "measured (wall)", "CPU", "budget", "wall", "CPU"]
        parts += [_table(header, rows), ""]

    machine = result["meta"]["machine"]
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v)
    parts += [
        f"### {TEXT['title_machine']}",
        "",
        f"- CPU: {machine['cpu']} ({machine['cores']} cores), memory {machine['memory_gib']} GiB",
        f"- OS: {machine['os']}; Python {machine['python']}",
        f"- Packages: {packages}",
        f"- Load average (1, 5, 15 min) at start {machine.get('load_average_start')}, "
        f"at end {machine.get('load_average')} on {machine['cores']} cores",
        f"- Commit: {machine['commit']}; run started {result['meta']['started_utc']}",
        "",
    ]
    return "\n".join(parts)


def _export_cell(export: dict[str, Any]) -> str:
    """``wall s (CPU s), size`` of one export."""
    return f"{_s_cpu(export['s'], export.get('cpu_s'))}, {_size(export['bytes'])}"


def _slope(value: float | None) -> str:
    return TEXT["not_measured"] if value is None else f"{value:.2f}"
