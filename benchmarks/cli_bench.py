"""``clustermap bench``: the scale benchmarks of issue 8 (see :mod:`benchmarks.scale`).

Usage::

    clustermap bench [--sizes 100,1000,10000] [--format json|md] [--quick]
                     [--repeats R] [--seed S] [--no-cold-start] [--no-naive] [-o PATH]

``--quick`` is the short mode CI runs (small sizes, one repeat, no cold start); with
``--sizes`` it keeps those sizes. The result goes to standard output, or to ``-o PATH``
(never overwriting without ``--force``); progress goes to standard error. Every number is
measured on a synthetic registry (the JSON says so in ``meta.synthetic``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from benchmarks import scale as bench
from geo.base.i18n import N_

HELP: dict[str, str] = {
    "command": N_("measure map build, payload, filter change, exports and cold start at scale"),
    "description": N_(
        "Benchmark the app on synthetic registries of the given sizes (about 10 MNE links "
        "per cluster) against the naive reference (full-resolution explore() and one "
        "folium.Marker per cluster). Times in seconds, payloads in bytes."
    ),
    "sizes": N_("comma-separated numbers of clusters (default 100,1000,10000; quick: 30,120)"),
    "format": N_("json (one record per size) or md (tables)"),
    "quick": N_("short mode: small sizes, one repeat, no cold start (CI)"),
    "repeats": N_("runs per measurement; the median is reported (default 3, quick 1)"),
    "seed": N_("seed of the synthetic registries (default 1)"),
    "no_cold_start": N_("skip the cold start (streamlit run + headless Chromium)"),
    "no_naive": N_("skip the naive reference"),
    "output": N_("write the result to this file instead of standard output"),
    "force": N_("overwrite the output file"),
    "exists": N_("{path} already exists; use --force to overwrite"),
}
"""Help texts and messages (English literals, one place)."""


def register(sub: argparse._SubParsersAction, _: Callable[[str], str] = str) -> None:
    """Add the ``bench`` subcommand to the ``clustermap`` parser (help translated by ``_``)."""

    def h(key: str) -> str:
        return _(HELP[key])

    p = sub.add_parser("bench", help=h("command"), description=h("description"))
    p.add_argument("--sizes", type=bench.parse_sizes, default=None, help=h("sizes"))
    p.add_argument("--format", choices=["json", "md"], default="json", help=h("format"))
    p.add_argument("--quick", action="store_true", help=h("quick"))
    p.add_argument("--repeats", type=int, default=None, metavar="R", help=h("repeats"))
    p.add_argument("--seed", type=int, default=1, metavar="S", help=h("seed"))
    p.add_argument("--no-cold-start", action="store_true", help=h("no_cold_start"))
    p.add_argument("--no-naive", action="store_true", help=h("no_naive"))
    p.add_argument("-o", "--output", metavar="PATH", help=h("output"))
    p.add_argument("--force", action="store_true", help=h("force"))
    p.set_defaults(func=cmd_bench)


def config_from_args(args: argparse.Namespace) -> bench.BenchConfig:
    """The benchmark configuration the options describe (``ValueError`` if invalid)."""
    changes: dict[str, object] = {"seed": args.seed, "naive": not args.no_naive}
    if args.sizes is not None:
        changes["sizes"] = args.sizes
    if args.repeats is not None:
        changes["repeats"] = args.repeats
    if args.no_cold_start:
        changes["cold_start"] = False
    if args.quick:
        return bench.BenchConfig.quick(**changes)
    return bench.BenchConfig(**changes)  # type: ignore[arg-type]


def render(result: dict, fmt: str) -> str:
    """The result as JSON or Markdown text."""
    if fmt == "md":
        return bench.render_markdown(result)
    return json.dumps(result, indent=1, allow_nan=False) + "\n"


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the benchmark and write the result; returns the exit status."""
    config = config_from_args(args)
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        translate = getattr(args, "translate", str)
        raise ValueError(translate(HELP["exists"]).format(path=output))
    result = bench.run(config, progress=lambda m: print(m, file=sys.stderr, flush=True))
    text = render(result, args.format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0
