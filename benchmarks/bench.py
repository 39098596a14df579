"""Run the scale benchmarks of issue 8 (the same code as ``clustermap bench``).

    python benchmarks/bench.py                        # 100, 1,000, 10,000 clusters, JSON
    python benchmarks/bench.py --quick --format md    # short mode (CI)
    python benchmarks/bench.py --update-docs          # also rewrite docs/BENCHMARKS.md's section

``--update-docs`` runs the benchmark once, writes the JSON beside this script
(``benchmarks/scale.json``) and replaces only the "## Scale (issue 8)" section of
``docs/BENCHMARKS.md`` (creating the file with its title line if absent).
``--update-docs --from-json PATH`` does the same from the JSON of an earlier run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import cli_bench, scale as bench  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
JSON_OUT = Path(__file__).resolve().parent / "scale.json"
DOC_TITLE = "# Benchmarks\n"
SECTION = "## Scale (issue 8)"
INTRO = (
    "Synthetic registries (`clustermap synth`, ~10 MNE links per cluster) of each size, "
    "measured by `python benchmarks/bench.py` (= `clustermap bench`; code in "
    "`geo/bench.py`). Ours = the map page's pipeline (`geo.render.maps`, Albers, compact payload, "
    "offline Leaflet); naive = full-resolution regions through `GeoDataFrame.explore()` "
    "plus one `folium.Marker` per cluster, measured in the same run. Map build = first map "
    "of a process rendered to one HTML page; payload = that page in bytes; filter change = "
    "one rerun of the page after selecting one status, caches warm; exports = "
    "`geo.render.exports.formats.export_view` for the whole country. Times are medians of the "
    "repeats in "
    "seconds (wall clock). Our payload is the whole page, Leaflet included (216 kB as "
    "`data:` URLs; the Map section above counts it apart), and our filter change is the "
    "whole rerun, base map render included, as `st_folium` renders it every rerun. "
    "Cold start: `streamlit run` in a subprocess and headless Chromium opening "
    "`/?data=synthetic&n=N&seed=1`, until the map frame has drawn regions and legend. "
    "The machine was shared with other work (see the load average below): absolute "
    "times are inflated, the ours/naive ratios of one run are comparable. "
    "CI runs the short mode (`tests/test_bench.py`: small sizes, no timing asserted) so "
    "the benchmark cannot rot; the numbers "
    "below are from a full run, and the raw JSON is `benchmarks/scale.json`."
)


def main(argv: list[str] | None = None) -> int:
    rest = list(sys.argv[1:] if argv is None else argv)
    update_docs = "--update-docs" in rest
    rest = [a for a in rest if a != "--update-docs"]
    source = None
    if "--from-json" in rest:
        at = rest.index("--from-json")
        if at + 1 >= len(rest) or not update_docs:
            raise SystemExit("--from-json PATH goes with --update-docs")
        source = Path(rest[at + 1])
        del rest[at : at + 2]
    parser = argparse.ArgumentParser(prog="benchmarks/bench.py")
    cli_bench.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", *rest])
    if not update_docs:
        return cli_bench.cmd_bench(args)
    if source is not None:
        result = json.loads(source.read_text(encoding="utf-8"))
    else:
        result = bench.run(
            cli_bench.config_from_args(args),
            progress=lambda m: print(m, file=sys.stderr, flush=True),
        )
    JSON_OUT.write_text(json.dumps(result, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    document = DOC.read_text(encoding="utf-8") if DOC.exists() else DOC_TITLE
    DOC.write_text(
        bench.replace_section(document, SECTION, INTRO + "\n\n" + bench.render_markdown(result)),
        encoding="utf-8",
    )
    print(f"wrote {JSON_OUT} and the '{SECTION}' section of {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
