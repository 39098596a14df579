"""Benchmark of ``clustermap api`` (issue 17): pages of a 10,000-cluster registry and the
whole regions collection, against the same queries answered naively, in the same run.

    python benchmarks/bench_api.py                 # prints the Markdown section
    python benchmarks/bench_api.py --update-docs   # also writes it in docs/BENCHMARKS.md
    python benchmarks/bench_api.py --json out.json # and the raw numbers

Three servers answer ``/collections/clusters/items`` with the same parameters, each a
FastAPI app served by uvicorn on 127.0.0.1 in this process:

* **api**: ``geo.api`` as ``clustermap api`` serves it (every feature serialised once per
  version, a page = masks, a slice and a byte join);
* **naive file**: per request, the clusters read from a GeoPackage file
  (``geopandas.read_file``), filtered with the app's ``apply_filter``, cut to ``bbox``
  with ``.cx``, sliced and written with ``GeoDataFrame.to_json()``;
* **naive frame**: the same with the clusters already in memory (no file read): what
  is left of the naive cost once the file is cached.

The regions collection (all 85 regions in one page) is compared the same way with the
shipped web geometry file read and joined to the region measures per request. Server time
= the ``Server-Timing`` header every app sends (app entry to response start), medians and
95th percentiles of the repeats; wall = the whole HTTP request. Also: compiling a
version (paid once per version, before ``clustermap api`` listens), CSV of every cluster,
and GDAL's OGC API - Features driver reading the whole clusters layer. The registry is
synthetic (``geo.data.synth``, seed 1). All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gzip
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.responses import Response  # noqa: E402

from benchmarks import scale as bench  # noqa: E402
from geo.analysis import filters, measures  # noqa: E402
from geo.analysis.dataset import Dataset  # noqa: E402
from geo.api import (  # noqa: E402
    app as api_app,  # noqa: E402
    providers,
    specs,
)
from geo.api.state import ApiState  # noqa: E402
from geo.data.regions import region_file  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
SECTION = "## OGC API – Features (issue 17)"
PACKAGES = ("fastapi", "uvicorn", "geopandas", "pyogrio", "shapely", "pandas")
PAGE_BUDGET_MS = 100.0
REGIONS_BUDGET_BYTES = 500_000

SCENARIOS: dict[str, dict[str, Any]] = {
    "first page": {"limit": 100},
    "last page (offset 9,900)": {"limit": 100, "offset": 9900},
    "status + district filter": {"limit": 100, "status": "leading", "federal_district": "Central"},
    "industry filter, 3rd page": {"limit": 100, "offset": 200, "industry_group": "New Materials"},
    "bbox 30,50,60,60": {"limit": 100, "bbox": "30,50,60,60"},
    "page of 1,000 (GDAL's page)": {"limit": 1000, "offset": 5000},
}
"""The cluster queries, a page of 100 features unless said."""

NAIVE_FILTERS = ("industry_group", "status", "federal_district")


@dataclass(frozen=True)
class Config:
    """Size of the registry, repeats, and whether GDAL reads the layer."""

    n: int = 10_000
    seed: int = 1
    repeat: int = 40
    file_repeat: int = 5
    gdal: bool = True


def naive_clusters_app(data: Dataset, read: Callable[[], gpd.GeoDataFrame]) -> FastAPI:
    """The reference: read (``read``), filter, cut, slice and ``to_json`` per request."""
    app = FastAPI()
    app.add_middleware(api_app.ServerTiming)
    columns = [c for c in specs.CLUSTER_PROPERTIES if c in data.clusters.columns]

    @app.get("/collections/clusters/items")
    def items(request: Request) -> Response:
        q = request.query_params
        clusters = read()
        chosen = filters.ClusterFilter(**{k: tuple(q.getlist(k)) for k in NAIVE_FILTERS})
        matched = filters.apply_filter(clusters, data.regions, chosen)
        if "bbox" in q:
            minx, miny, maxx, maxy = (float(v) for v in q["bbox"].split(","))
            matched = matched.cx[minx:maxx, miny:maxy]
        offset, limit = int(q.get("offset", 0)), int(q.get("limit", 10))
        page = matched.iloc[offset : offset + limit]
        doc = json.loads(page[[*columns, "geometry"]].to_json())
        doc.update(numberMatched=len(matched), numberReturned=len(page))
        return Response(json.dumps(doc), media_type="application/geo+json")

    return app


def naive_regions_app(data: Dataset) -> FastAPI:
    """The reference for regions: the shipped web geometry file read and joined to the
    region measures per request, then ``to_json``."""
    app = FastAPI()
    app.add_middleware(api_app.ServerTiming)
    table = measures.measure_table(data)  # type: ignore[arg-type]

    @app.get("/collections/regions/items")
    def items(request: Request) -> Response:
        regions = gpd.read_file(region_file("web"))
        joined = regions.merge(table, left_on="code", right_index=True, how="left")
        return Response(joined.to_json(), media_type="application/geo+json")

    return app


def start(app: FastAPI) -> tuple[str, uvicorn.Server, threading.Thread]:
    """``app`` served by uvicorn in a thread on a free local port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def fetch(url: str) -> tuple[float, float, int, bytes]:
    """Wall ms, server ms (``Server-Timing``), status and body of one GET."""
    start_time = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=300) as response:
            body, status = response.read(), response.status
            timing = response.headers.get("server-timing", "app;dur=nan")
    except urllib.error.HTTPError as err:
        body, status = err.read(), err.code
        timing = err.headers.get("server-timing", "app;dur=nan")
    wall = (time.perf_counter() - start_time) * 1000
    return wall, float(timing.split("dur=")[1]), status, body


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def measure(url: str, repeat: int) -> dict[str, Any]:
    """Median and p95 server time, median wall time and the answer, after one warm-up."""
    fetch(url)
    walls, servers, status, body = [], [], 0, b""
    for _ in range(repeat):
        wall, server, status, body = fetch(url)
        walls.append(wall)
        servers.append(server)
    doc = json.loads(body) if status == 200 else {}
    return {
        "status": status,
        "matched": doc.get("numberMatched"),
        "returned": len(doc.get("features", [])),
        "bytes": len(body),
        "server_ms_median": round(statistics.median(servers), 2),
        "server_ms_p95": round(p95(servers), 2),
        "wall_ms_median": round(statistics.median(walls), 2),
    }


def gdal_read_s(base: str) -> float:
    """Seconds for GDAL's OGC API - Features driver to read the whole clusters layer."""
    import pyogrio

    started = time.perf_counter()
    frame = pyogrio.read_dataframe(f"OAPIF:{base}", layer="clusters", use_arrow=True)
    elapsed = time.perf_counter() - started
    if not frame["id"].is_unique:
        raise AssertionError("GDAL read a feature twice")
    return round(elapsed, 2)


def cluster_rows(bases: dict[str, str], config: Config) -> dict[str, dict[str, Any]]:
    """Every scenario on every server (the naive file reads fewer times: it is slow)."""
    rows: dict[str, dict[str, Any]] = {}
    for scenario, params in SCENARIOS.items():
        query = urllib.parse.urlencode(params)
        rows[scenario] = {
            name: measure(
                f"{base}/collections/clusters/items?{query}",
                config.file_repeat if name == "naive file" else config.repeat,
            )
            for name, base in bases.items()
        }
        print(f"{scenario}: {json.dumps(rows[scenario])}", file=sys.stderr)
    return rows


def regions_row(api_base: str, naive_base: str, config: Config) -> dict[str, Any]:
    """All regions in one page, ours and naive: size, gzipped size, server time."""
    urls = {
        "api": f"{api_base}/collections/regions/items?limit=100",
        "naive file": f"{naive_base}/collections/regions/items",
    }
    out = {}
    for name, url in urls.items():
        row = measure(url, config.repeat if name == "api" else config.file_repeat)
        body = fetch(url)[3]
        row["gzip_bytes"] = len(gzip.compress(body, 6))
        row["features"] = len(json.loads(body)["features"])
        out[name] = row
    return out


def run(config: Config) -> dict[str, Any]:
    """The whole benchmark; the raw numbers."""
    started = time.perf_counter()
    provider = providers.synthetic_provider(config.n, config.seed)
    generate_s = time.perf_counter() - started
    data = provider.data
    app = api_app.app_for(provider)
    state: ApiState = app.state.api
    started = time.perf_counter()
    state.view(None, None)
    compile_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench_api_") as folder:
        gpkg = Path(folder) / "clusters.gpkg"
        written = data.clusters.copy()
        written["region_code"] = written["region_code"].astype(str)
        written.to_file(gpkg, driver="GPKG")
        apps = {
            "api": app,
            "naive file": naive_clusters_app(data, lambda: gpd.read_file(gpkg)),
            "naive frame": naive_clusters_app(data, lambda: data.clusters),
        }
        running = {name: start(a) for name, a in apps.items()}
        regions_server = start(naive_regions_app(data))
        try:
            bases = {name: r[0] for name, r in running.items()}
            result = {
                "machine": bench.machine_line(PACKAGES),
                "clusters": config.n,
                "mne_links": len(data.mne_links),
                "generate_s": round(generate_s, 2),
                "compile_s": round(compile_s, 2),
                "scenarios": cluster_rows(bases, config),
                "regions": regions_row(bases["api"], regions_server[0], config),
            }
            fetch(f"{bases['api']}/collections/clusters/items?f=csv")
            _, csv_ms, _, body = fetch(f"{bases['api']}/collections/clusters/items?f=csv")
            result["csv_all_clusters"] = {"bytes": len(body), "server_ms": round(csv_ms, 1)}
            result["gdal_read_all_clusters_s"] = gdal_read_s(bases["api"]) if config.gdal else None
        finally:
            for _, server, thread in [*running.values(), regions_server]:
                server.should_exit = True
                thread.join(timeout=10)
    return result


def size(n: float) -> str:
    """Bytes as kB or MB."""
    return f"{n / 1000:,.0f} kB" if n < 1e6 else f"{n / 1e6:,.2f} MB"


def budgets(result: dict[str, Any]) -> dict[str, bool]:
    """Whether the issue's budgets are met: pages of 100 within 100 ms of server time
    (95th percentile), all regions within 500 kB."""
    pages = [r["api"] for r in result["scenarios"].values() if r["api"]["returned"] <= 100]
    return {
        "page": all(r["server_ms_p95"] <= PAGE_BUDGET_MS for r in pages),
        "regions": result["regions"]["api"]["bytes"] <= REGIONS_BUDGET_BYTES,
    }


def markdown(result: dict[str, Any]) -> str:
    """The section's body: method, the tables, the budgets, the machine."""
    met = {True: "met", False: "**not met**"}
    ok = budgets(result)
    lines = [
        "`python benchmarks/bench_api.py --update-docs`. A synthetic registry of "
        f"{result['clusters']:,} clusters and {result['mne_links']:,} MNE links (seed 1). "
        "Three servers in the same run, each uvicorn on 127.0.0.1: **api** = `clustermap "
        "api` (`geo.api`: features serialised once per version, a page is masks, a slice and "
        "a byte join); **naive file** = per request, the clusters read from a GeoPackage "
        "file, the app's `apply_filter`, `.cx` for bbox, `to_json()`; **naive frame** = the "
        "same with the clusters already in memory. Server time = the `Server-Timing` header "
        "(app entry to response start): median / 95th percentile of the repeats.",
        "",
        "| query | matched | api: server ms | naive file: server ms | naive frame: server ms"
        " | naive file / api (median) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scenario, row in result["scenarios"].items():
        a, f, m = row["api"], row["naive file"], row["naive frame"]
        lines.append(
            f"| {scenario} | {a['matched']:,} | {a['server_ms_median']:.1f} / "
            f"{a['server_ms_p95']:.1f} | {f['server_ms_median']:.0f} / {f['server_ms_p95']:.0f}"
            f" | {m['server_ms_median']:.0f} / {m['server_ms_p95']:.0f} | "
            f"{f['server_ms_median'] / max(a['server_ms_median'], 0.01):,.0f}× |"
        )
    ra, rn = result["regions"]["api"], result["regions"]["naive file"]
    gdal = result.get("gdal_read_all_clusters_s")
    lines += [
        "",
        "| all 85 regions in one page | size | gzipped | server ms (median) |",
        "|---|---:|---:|---:|",
        f"| api (web geometry, 4 decimals, cut at 180°) | {size(ra['bytes'])} | "
        f"{size(ra['gzip_bytes'])} | {ra['server_ms_median']:.1f} |",
        f"| naive: web geometry file read, joined, `to_json()` | {size(rn['bytes'])} | "
        f"{size(rn['gzip_bytes'])} | {rn['server_ms_median']:.0f} |",
        "",
        f"Budgets: a page of 100 clusters within {PAGE_BUDGET_MS:.0f} ms of server time "
        f"(95th percentile, every query): {met[ok['page']]}; the regions collection within "
        f"500 kB: {met[ok['regions']]}. Compiling a version (once, before the server listens, "
        f"and on the first request for another version): {result['compile_s']:.2f} s; "
        f"generating the synthetic registry: {result['generate_s']:.2f} s. CSV of all "
        f"clusters: {size(result['csv_all_clusters']['bytes'])} in "
        f"{result['csv_all_clusters']['server_ms']:.0f} ms."
        + (
            f" GDAL's OGC API - Features driver (pyogrio) reads all {result['clusters']:,} "
            f"clusters (pages of 1,000) in {gdal:.2f} s."
            if gdal is not None
            else ""
        ),
        "",
        f"Machine: {result['machine']}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=Config.n)
    parser.add_argument("--repeat", type=int, default=Config.repeat)
    parser.add_argument("--file-repeat", type=int, default=Config.file_repeat)
    parser.add_argument("--no-gdal", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args(argv)
    config = Config(args.n, 1, args.repeat, args.file_repeat, not args.no_gdal)
    result = run(config)
    body = markdown(result)
    print(f"{SECTION}\n\n{body}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.update_docs:
        document = DOC.read_text(encoding="utf-8")
        DOC.write_text(bench.replace_section(document, SECTION, body), encoding="utf-8")
        print(f"wrote the '{SECTION}' section of {DOC}", file=sys.stderr)
    return 0 if all(budgets(result).values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
