"""Benchmark of the map page's map (issue 4): payload and build time, ours vs naive.

    python benchmarks/bench_map.py                 # prints JSON and the Markdown section
    python benchmarks/bench_map.py --update-docs   # also rewrites docs/BENCHMARKS.md's section
    python benchmarks/bench_map.py --quick         # fewer repeats, no 10,000-cluster naive map

What is compared, in the same run on the same machine (times are medians of repeats):

* **ours**: what the map page does (``geo.render.maps``): the region shapes projected to Albers,
  rounded and encoded once (``region_payload``, cached by the page), Leaflet from the
  installed package (cached), the measure table (cached); per rerun ``build_map_html``
  with those caches, i.e. filter, classify, region colours, legend, markers, render;
* **naive**: ``GeoDataFrame.explore()`` on the full-resolution regions
  (``load_regions("detailed")``) coloured by the same measure, plus one ``folium.Marker``
  per located cluster with the same popup (``geo.render.markers.popup_html``), rendered to HTML.

Payload = the map's data: the page's bytes without the Leaflet library (ours embeds it as
``data:`` URLs, the naive page links it from CDNs, so it is in neither figure). A filter
change = selecting one status: ours re-renders only the dynamic layer (``view_layer``;
the base map's script is unchanged, so ``st_folium`` keeps it), naive rebuilds the map.
The 10,000-cluster registry is synthetic (``geo.data.synth``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


import folium  # noqa: E402

from benchmarks import scale as bench  # noqa: E402
from geo.analysis import filters, measures  # noqa: E402
from geo.registry import sources  # noqa: E402
from geo.registry.sources import load_dataset  # noqa: E402
from geo.render import maps, views  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
JSON_OUT = Path(__file__).resolve().parent / "map.json"
DOC_TITLE = "# Benchmarks\n"
SECTION = "## Map (issue 4)"
FILTER_CHANGE = filters.ClusterFilter(status=("pilot innovative",))
BUDGET = {"payload_share_max": 0.05, "warm_speedup_min": 20.0}
SCALE_BUDGET = {"payload_bytes_max": 1_500_000, "build_s_max": 1.0}
SCALE_SIZES = (1_000, 10_000)


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` calls (after one untimed warm-up call) and the
    last result. The median CPU time of the same calls is kept in ``CPU_TIMES`` (less
    disturbed than wall time when other processes share the machine)."""
    result = fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    CPU_TIMES.append(statistics.median(cpu))
    return statistics.median(wall), result


CPU_TIMES: list[float] = []
"""CPU-time medians of the ``timed`` calls, in call order."""


def timed_both(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """``(wall median, CPU median, last result)``."""
    wall, result = timed(fn, repeats)
    return wall, CPU_TIMES[-1], result


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


class Ours:
    """The page's caches and the two things a rerun does: build the map, change a filter."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.view = views.View()
        self.payload = maps.region_payload(data.regions, self.view.projection)
        self.assets = maps.leaflet_assets()
        self.table = measures.measure_table(data)
        self.library = len(self.assets.js) + len(self.assets.css)

    def build(self, flt: filters.ClusterFilter = filters.ClusterFilter()) -> str:  # noqa: B008
        view = replace(self.view, filters=flt)
        return maps.build_map_html(self.data, view, self.payload, self.assets, self.table)

    def dynamic_layer(self, flt: filters.ClusterFilter) -> str:
        """The dynamic layer alone, rendered (what ``st_folium`` swaps on a filter change)."""
        view = replace(self.view, filters=flt)
        content = maps.MapContent.of_view(self.data, view, self.table)
        return layer_script(maps.content_layer(content))

    def payload_bytes(self, page: str) -> int:
        return nbytes(page) - self.library


def layer_script(layer: folium.FeatureGroup) -> str:
    """The JavaScript of a feature group and its children, as ``st_folium`` sends it."""
    parts = []
    for element in [layer, *layer._children.values()]:
        module = element._template.module
        if hasattr(module, "script"):
            parts.append(str(module.script(element, {})))
    return "".join(parts)


def compare(data: Any, repeats: int, naive_repeats: int) -> dict[str, Any]:
    """Ours vs naive on one dataset: payload, warm build, filter change."""
    ours = Ours(data)
    build_s, build_cpu, page = timed_both(ours.build, repeats)
    rerun_s, _ = timed(lambda: ours.build(FILTER_CHANGE), repeats)
    filter_s, layer = timed(lambda: ours.dynamic_layer(FILTER_CHANGE), repeats)
    base_js = ours.payload.json
    naive_build_s, naive_cpu, naive_page = timed_both(
        lambda: bench.naive_map_html(data, filters.ClusterFilter()), naive_repeats
    )
    naive_filter_s, _ = timed(lambda: bench.naive_map_html(data, FILTER_CHANGE), naive_repeats)
    located = int((data.clusters["lat"].notna() & data.clusters["lon"].notna()).sum())
    result = {
        "clusters": len(data.clusters),
        "located_clusters": located,
        "ours": {
            "payload_bytes": ours.payload_bytes(page),
            "page_bytes": nbytes(page),
            "leaflet_bytes": ours.library,
            "region_shapes_bytes": nbytes(base_js),
            "warm_build_s": build_s,
            "warm_build_cpu_s": build_cpu,
            "filter_change_s": filter_s,
            "filter_rerun_s": rerun_s,
            "filter_change_bytes": nbytes(layer),
        },
        "naive": {
            "payload_bytes": nbytes(naive_page),
            "warm_build_s": naive_build_s,
            "warm_build_cpu_s": naive_cpu,
            "filter_change_s": naive_filter_s,
        },
    }
    o, n = result["ours"], result["naive"]
    result["ratios"] = {
        "payload_share": o["payload_bytes"] / n["payload_bytes"],
        "warm_speedup": n["warm_build_s"] / o["warm_build_s"],
        "warm_speedup_cpu": n["warm_build_cpu_s"] / o["warm_build_cpu_s"],
        "filter_speedup": n["filter_change_s"] / o["filter_change_s"],
    }
    result["budget_met"] = (
        result["ratios"]["payload_share"] <= BUDGET["payload_share_max"]
        and result["ratios"]["warm_speedup"] >= BUDGET["warm_speedup_min"]
    )
    return result


def scale(n: int, repeats: int) -> dict[str, Any]:
    """Ours on a synthetic registry of ``n`` clusters (markers grouped in the browser)."""

    data = sources.synthetic_dataset(n, 1)
    ours = Ours(data)
    cold_start = time.perf_counter()
    maps.build_map_html(data)
    cold_s = time.perf_counter() - cold_start
    build_s, page = timed(ours.build, repeats)
    filter_s, layer = timed(lambda: ours.dynamic_layer(FILTER_CHANGE), repeats)
    payload = ours.payload_bytes(page)
    return {
        "clusters": n,
        "grouped": n > maps.GROUP_ABOVE,
        "payload_bytes": payload,
        "cold_build_s": cold_s,
        "warm_build_s": build_s,
        "filter_change_s": filter_s,
        "filter_change_bytes": nbytes(layer),
        "budget_met": payload < SCALE_BUDGET["payload_bytes_max"]
        and build_s < SCALE_BUDGET["build_s_max"],
    }


PACKAGES = ("folium", "geopandas", "shapely", "pandas", "mapclassify", "streamlit-folium")
"""The libraries the map is built with (named in the report)."""


def machine() -> dict[str, object]:
    """What the numbers were measured on (also kept in ``benchmarks/map.json``)."""
    return {**bench.machine_info(), "line": bench.machine_line(PACKAGES)}


def kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB" if n < 1e6 else f"{n / 1e6:,.2f} MB"


def markdown(result: dict[str, Any]) -> str:
    """The Markdown body of the section."""
    d = result["default"]
    o, n, r = d["ours"], d["naive"], d["ratios"]
    m = result["machine"]
    yes = {True: "met", False: "**not met**"}
    lines = [
        "`python benchmarks/bench_map.py --update-docs`. Default view of the published data "
        f"({d['clusters']} clusters, {d['located_clusters']} drawn). Ours = the map page's "
        "pipeline (`geo.render.maps.build_map_html` with the page's caches: region shapes, "
        "Leaflet, "
        "measure table); naive = `GeoDataFrame.explore()` on the full-resolution regions plus "
        "one `folium.Marker` per cluster, in the same run. Payload = the page without the "
        "Leaflet library. Warm = caches and data in memory; medians of repeats; CPU time = "
        "process time of the same calls, less disturbed than wall time when other "
        "processes share the machine. Filter "
        "change = selecting one status: ours re-renders only the dynamic layer (regions' "
        "colours, legend, markers; the base map's script is unchanged, so `st_folium` keeps "
        "it and panning or zooming never reruns the script), naive rebuilds the map.",
        "",
        "| | ours | naive | ratio | budget |",
        "|---|---:|---:|---:|---|",
        f"| payload | {kb(o['payload_bytes'])} | {kb(n['payload_bytes'])} | "
        f"{r['payload_share']:.1%} of naive | ≤ 5%: {yes[r['payload_share'] <= 0.05]} |",
        f"| warm build (s) | {o['warm_build_s']:.3f} | {n['warm_build_s']:.3f} | "
        f"{r['warm_speedup']:.0f}× faster | ≥ 20×: {yes[r['warm_speedup'] >= 20]} |",
        f"| warm build, CPU time (s) | {o['warm_build_cpu_s']:.3f} | "
        f"{n['warm_build_cpu_s']:.3f} | {r['warm_speedup_cpu']:.0f}× faster | |",
        f"| filter change (s) | {o['filter_change_s']:.3f} | {n['filter_change_s']:.3f} | "
        f"{r['filter_speedup']:.0f}× faster | |",
        f"| whole rerun after a filter change (s) | {o['filter_rerun_s']:.3f} | "
        f"{n['filter_change_s']:.3f} | {n['filter_change_s'] / o['filter_rerun_s']:.0f}× "
        "faster | |",
        f"| bytes sent on a filter change | {kb(o['filter_change_bytes'])} | "
        f"{kb(n['payload_bytes'])} | | |",
        "",
        f"Of our payload, the region shapes (Albers, 0.01-unit grid, encoded polylines) are "
        f"{kb(o['region_shapes_bytes'])}; Leaflet itself ({kb(o['leaflet_bytes'])} as "
        "`data:` URLs) is sent once with the base map.",
        "",
        "Markers at scale (synthetic registries, `geo.data.synth`; above "
        f"{maps.GROUP_ABOVE} clusters the browser groups markers per "
        f"{maps.GROUP_CELL_PX}-pixel cell into pie symbols):",
        "",
        "| clusters | payload | cold build (s) | warm build (s) | filter change (s) | "
        "filter change bytes | budget (< 1.5 MB, < 1 s) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in result["scale"]:
        lines.append(
            f"| {s['clusters']:,} | {kb(s['payload_bytes'])} | {s['cold_build_s']:.3f} | "
            f"{s['warm_build_s']:.3f} | {s['filter_change_s']:.3f} | "
            f"{kb(s['filter_change_bytes'])} | {yes[s['budget_met']]} |"
        )
    lines += [
        "",
        f"Machine: {m['line']}. Raw numbers: `benchmarks/map.json`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/bench_map.py", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 1,000 only")
    parser.add_argument("--update-docs", action="store_true", help="rewrite the docs section")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 15
    naive_repeats = 1 if args.quick else 5
    data = load_dataset()
    result: dict[str, Any] = {
        "machine": machine(),
        "default": compare(data, repeats, naive_repeats),
        "scale": [scale(n, repeats) for n in (SCALE_SIZES[:1] if args.quick else SCALE_SIZES)],
    }
    text = markdown(result)
    print(json.dumps(result, indent=1))
    print(text)
    if args.update_docs:
        JSON_OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        document = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_TITLE
        DOC.write_text(bench.replace_section(document, SECTION, text), encoding="utf-8")
    ok = result["default"]["budget_met"] and all(s["budget_met"] for s in result["scale"])
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
