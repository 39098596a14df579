"""Benchmark of the exports (issue 5): every format of the whole country, warm, best of N.

    python benchmarks/bench_exports.py                  # prints the Markdown section
    python benchmarks/bench_exports.py --update-docs    # also rewrites it in docs/BENCHMARKS.md
    python benchmarks/bench_exports.py --sizes 1000 10000   # adds synthetic registries

What is measured: ``geo.render.exports.formats.export_view(data, View("RU"), fmt)``, the function
behind the page buttons and ``clustermap export``, with the dataset already loaded (a page has
it cached; the command line adds the load). Each format is run once untimed (imports,
font cache, Leaflet read), then ``--repeats`` times; the best time is reported, since
other work on the machine can only make a run slower. Budget: under 2 s per format.

Reference, in the same run on the same data: the plain library call a naive export
would make for the same format (``GeoDataFrame.explore`` + save, ``GeoDataFrame.plot`` +
``savefig``, ``to_file``, ``to_csv``, ``to_excel`` of the bare tables, without our
legend, metadata, escaping or neutralisation). The ratio ours / reference says what our
additions cost on this machine, independently of its speed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from benchmarks import scale as bench  # noqa: E402
from geo.registry import sources  # noqa: E402
from geo.registry.sources import load_dataset  # noqa: E402
from geo.render import views  # noqa: E402
from geo.render.exports import formats, static  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
DOC_TITLE = "# Benchmarks\n"
SECTION = "## Exports (issue 5)"
BUDGET_S = 2.0
REPEATS = 5


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best wall time of ``repeats`` calls after one untimed warm-up call, and the result."""
    result = fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


# --- naive references --------------------------------------------------------------------------


def _to_file(frame: Any, driver: str, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ref{suffix}"
        frame.to_file(path, driver=driver)
        return path.read_bytes()


def reference(data: Any, fmt: str) -> Callable[[], bytes]:
    """The naive export of the same data in ``fmt`` (see the module docstring)."""
    from matplotlib.figure import Figure

    regions = data.detailed
    clusters = data.clusters.drop(columns="geometry")

    def html_ref() -> bytes:
        return regions.explore().get_root().render().encode("utf-8")

    def static_ref(kind: str) -> Callable[[], bytes]:
        def draw() -> bytes:
            fig = Figure(figsize=static.FIGSIZE, dpi=static.PNG_DPI)
            ax = fig.add_subplot()
            regions.plot(ax=ax)
            buffer = io.BytesIO()
            fig.savefig(buffer, format=kind)
            return buffer.getvalue()

        return draw

    def csv_ref() -> bytes:
        return b"".join(
            t.to_csv(index=False).encode("utf-8")
            for t in (clusters, data.mne_links, data.indicators)
        )

    def xlsx_ref() -> bytes:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, table in (("c", clusters), ("m", data.mne_links), ("i", data.indicators)):
                table.to_excel(writer, sheet_name=name, index=False)
        return buffer.getvalue()

    makers: dict[str, Callable[[], bytes]] = {
        "html": html_ref,
        "png": static_ref("png"),
        "svg": static_ref("svg"),
        "pdf": static_ref("pdf"),
        "geojson": lambda: _to_file(regions, "GeoJSON", ".geojson"),
        "gpkg": lambda: _to_file(regions, "GPKG", ".gpkg"),
        "csv": csv_ref,
        "xlsx": xlsx_ref,
    }
    return makers[fmt]


# --- run and report ---------------------------------------------------------------------------


PACKAGES = ("matplotlib", "geopandas", "pyogrio", "openpyxl", "rustpy-xlsxwriter")
"""The libraries the formats are written with (named in the report)."""


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {"line": bench.machine_line(PACKAGES)}


def measure(data: Any, repeats: int, with_reference: bool = True) -> list[dict[str, Any]]:
    """Best time and size of every format for the whole country (and the reference's)."""
    view = views.View()
    rows = []
    for fmt in formats.FORMATS:
        seconds, (_, payload, _) = best_of(
            lambda f=fmt: formats.export_view(data, view, f), repeats
        )
        row: dict[str, Any] = {"format": fmt, "s": seconds, "bytes": len(payload)}
        if with_reference:
            row["ref_s"], _ = best_of(reference(data, fmt), repeats)
        rows.append(row)
    return rows


def markdown(
    info: dict[str, Any], rows: list[dict[str, Any]], sizes: dict[int, list], repeats: int
) -> str:
    """The section's body: method, machine, the table, and synthetic sizes if measured."""
    lines = [
        'Whole-country export (`View("RU")`: 85 regions, all clusters, MNE links and '
        "indicators) by `geo.render.exports.formats.export_view`, the function behind the page "
        "buttons and "
        "`clustermap export`; dataset loaded once (as the page caches it), each format warmed "
        f"up once, then the best of {repeats} runs. Reference = the bare library call for the "
        "same format in the same run (`explore()`, `plot()`+`savefig`, `to_file`, `to_csv`, "
        "`to_excel`), without legend, metadata, escaping or neutralisation. Measured by "
        "`python benchmarks/bench_exports.py --update-docs`.",
        "",
        f"Machine: {info['line']}. Resolving the view (`geo.render.views.resolve_view`: filter, "
        "measures, "
        f"classes), which every format includes, takes {info['resolve']:.3f} s of each.",
        "",
        f"| format | ours (s) | budget {BUDGET_S:g} s | size | reference (s) | ours / reference |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        ok = "ok" if r["s"] < BUDGET_S else "**over**"
        ratio = r["s"] / r["ref_s"] if r.get("ref_s") else float("nan")
        lines.append(
            f"| {r['format']} | {r['s']:.3f} | {ok} | {r['bytes'] / 1e6:.2f} MB | "
            f"{r['ref_s']:.3f} | {ratio:.2f} |"
        )
    if sizes:
        lines += [
            "",
            "Synthetic registries (`geo.data.synth`; not part of the issue's budget, shown for "
            f"scale), whole country, best of {max(1, repeats // 2)} runs, seconds:",
            "",
            "| clusters | MNE links | " + " | ".join(formats.FORMATS) + " |",
            "|---:|---:|" + "---:|" * len(formats.FORMATS),
        ]
        for n, (links, measured) in sizes.items():
            cells = " | ".join(f"{r['s']:.2f}" for r in measured)
            lines.append(f"| {n:,} | {links:,} | {cells} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/bench_exports.py")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--sizes", type=int, nargs="*", default=[], help="synthetic registries")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args(argv)

    info = machine()
    data = load_dataset()
    rows = measure(data, args.repeats)
    info["resolve"], _ = best_of(lambda: views.resolve_view(data, views.View()), args.repeats)
    sizes: dict[int, list] = {}
    for n in args.sizes:
        registry = sources.synthetic_dataset(n, 1)
        measured = measure(registry, max(1, args.repeats // 2), with_reference=False)
        sizes[n] = (len(registry.mne_links), measured)
    body = markdown(info, rows, sizes, args.repeats)
    print(body)
    if args.update_docs:
        document = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_TITLE
        DOC.write_text(bench.replace_section(document, SECTION, body), encoding="utf-8")
        print(f"wrote the '{SECTION}' section of {DOC}", file=sys.stderr)
    over = [r["format"] for r in rows if r["s"] >= BUDGET_S]
    if over:
        print(f"over the {BUDGET_S:g} s budget: {', '.join(over)}", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
