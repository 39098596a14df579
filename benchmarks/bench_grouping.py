"""Benchmark: does grouping overlapping markers (``geo.render.maps.Grouping``) slow the map?

    python benchmarks/bench_grouping.py            # prints JSON
    python benchmarks/bench_grouping.py --quick    # fewer repeats

Old = ``Grouping(overlaps=False)`` (the map before: one marker each, fixed offsets at
shared points); new = ``Grouping()`` (overlaps grouped in the browser), in the same run on
the same machine, for the published data and a synthetic registry of ``GROUP_ABOVE``
clusters (the most the overlap grouping handles; above it both group per screen cell):

* **build**: the page's warm rerun (``bench_map.Ours.build``: filter, classify, colours,
  legend, markers, render), median wall time;
* **browser**: in headless Chromium (``/usr/bin/chromium``), the time from setting the
  page's HTML to the markers drawn, and the time of ``ZOOMS`` zoom steps without
  animation (each redraws the regions and, with grouping, regroups the markers).

Ratios are new / old (1.0 = no cost).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks import bench_map  # noqa: E402
from geo.registry import sources  # noqa: E402
from geo.render import maps, views  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ZOOMS = 12
MODES = {"old": maps.Grouping(overlaps=False), "new": maps.Grouping()}
_ZOOM_JS = """(steps) => {
  const m = window.cmMap, z = m.getZoom(), t = performance.now();
  for (let i = 0; i < steps; i++) { m.setZoom(z + (i % 2 ? 0 : 1), {animate: false}); }
  m.setZoom(z, {animate: false});
  return performance.now() - t;
}"""


def build_times(data: Any, repeats: int) -> dict[str, float]:
    """Median warm build (seconds) of the page's map, old and new grouping, the two
    timed in turn so that a change of load on the machine hits both alike."""
    ours = bench_map.Ours(data)

    def build(g: maps.Grouping) -> str:
        return maps.build_map_html(ours.data, ours.view, ours.payload, ours.assets, ours.table, g)

    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(repeats + 1):  # the first round warms up and is dropped
        for mode, grouping in MODES.items():
            start = time.perf_counter()
            build(grouping)
            times[mode].append(time.perf_counter() - start)
    return {mode: statistics.median(t[1:]) for mode, t in times.items()}


def _draw_and_zoom(page: Any, html: str) -> tuple[float, float]:
    """Milliseconds from setting ``html`` to the markers drawn, and of ``ZOOMS`` zooms."""
    start = time.perf_counter()
    page.set_content(html)
    page.locator("path.cm-cluster, .cm-group").first.wait_for(state="attached")
    draw = (time.perf_counter() - start) * 1000
    return draw, float(page.evaluate(_ZOOM_JS, ZOOMS))


def browser_times(data: Any, repeats: int) -> dict[str, dict[str, float]]:
    """Median milliseconds to draw the markers and to zoom ``ZOOMS`` times, per mode
    (the modes in turn)."""
    pages = {m: maps.build_map_html(data, views.View(), grouping=g) for m, g in MODES.items()}
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for _ in range(repeats):
            for mode, html in pages.items():
                runs[mode].append(_draw_and_zoom(page, html))
        browser.close()
    return {
        mode: {
            "draw_ms": statistics.median(r[0] for r in rs),
            "zoom_ms": statistics.median(r[1] for r in rs),
        }
        for mode, rs in runs.items()
    }


def run(repeats: int) -> dict[str, Any]:
    """Old vs new grouping on the published data and on ``GROUP_ABOVE`` synthetic clusters."""
    result: dict[str, Any] = {"machine": bench_map.machine(), "zoom_steps": ZOOMS}
    synthetic = sources.synthetic_dataset(maps.GROUP_ABOVE, 7)
    for name, data in (("published", sources.load_dataset()), ("synthetic", synthetic)):
        build = build_times(data, repeats)
        browser = browser_times(data, repeats)
        result[name] = {
            "clusters": len(data.clusters),
            "build_s": build,
            "browser": browser,
            "ratio_build": build["new"] / build["old"],
            "ratio_draw": browser["new"]["draw_ms"] / browser["old"]["draw_ms"],
            "ratio_zoom": browser["new"]["zoom_ms"] / browser["old"]["zoom_ms"],
        }
    return result


def main(argv: list[str] | None = None) -> int:
    """Run and print the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    print(json.dumps(run(3 if args.quick else 9), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
