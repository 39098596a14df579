"""Start-up time of the command line, against a reference tree in the same run (issue 18).

    python benchmarks/bench_cli.py                       # this tree vs the commit `main`
    python benchmarks/bench_cli.py --reference REF --runs 7 --format md

Each command runs as ``clustermap`` does (``python -c "from geo.cli import main; main()"``)
in a fresh interpreter, with ``PYTHONPATH`` set to the tree it measures and stdout thrown
away. The trees are interleaved (reference, ours, reference, ...), so a change of machine
load hits both alike; the table reports the median wall time and the median CPU time of
the child (user + system, from ``getrusage``), which load disturbs much less. Each tree
gets its own registry store and user cache in a temporary directory, warmed by one untimed
run of every command first: the figures are those of a user's second and later commands
(the first ever builds the store and the caches). The reference is ``git archive REF``
unpacked in a temporary directory (default ``main``), or a directory given with
``--reference-dir``. Budgets (issue 18): ``--help`` 0.5 s, a listing 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale import machine_info, machine_line  # noqa: E402

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("regions",),
    ("clusters",),
    ("scenarios",),
    ("indices",),
    ("clusters", "--source", "published"),
)
"""The commands timed: the top-level help and the listings."""

BUDGETS = {"--help": 0.5}
LISTING_BUDGET_S = 1.5
ENTRY = "import sys; from geo.cli import main; sys.exit(main())"


def machine(packages: Sequence[str]) -> str:
    """The machine line of a run: CPUs, memory, system, package versions, load average."""
    return f"{machine_line(packages)}; memory {machine_info()['memory_gib']} GiB"


def reference_tree(ref: str, into: Path) -> Path:
    """``git archive ref`` unpacked under ``into``."""
    target = into / "reference"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def tree_env(tree: Path, scratch: Path) -> dict[str, str]:
    """The environment of a command of ``tree``: its code first, its own store and cache."""
    env = dict(os.environ)
    env.pop("CLUSTERMAP_DATABASE_URL", None)
    state = scratch / f"state-{tree.name}"
    env.update(
        PYTHONPATH=str(tree),
        CLUSTERMAP_STATE_DIR=str(state),
        CLUSTERMAP_CACHE_DIR=str(scratch / f"cache-{tree.name}"),
        CLUSTERMAP_LANG="en",
    )
    return env


def run_once(tree: Path, env: dict[str, str], argv: Sequence[str]) -> tuple[float, float]:
    """Wall and child CPU seconds of one ``clustermap ARGV`` of ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", ENTRY, *argv],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{tree.name}: clustermap {' '.join(argv)}: {result.stderr[-2000:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(trees: Sequence[Path], runs: int, scratch: Path) -> dict[str, dict[str, dict]]:
    """``{command: {tree name: {wall, cpu, walls, cpus}}}``, interleaved over ``runs``."""
    envs = {tree: tree_env(tree, scratch) for tree in trees}
    for tree in trees:  # untimed: creates the store, fills the caches
        for argv in COMMANDS:
            run_once(tree, envs[tree], argv)
    samples: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for _ in range(runs):
        for argv in COMMANDS:
            for tree in trees:
                slot = samples.setdefault(" ".join(argv), {}).setdefault(tree.name, [])
                slot.append(run_once(tree, envs[tree], argv))
    return {
        command: {
            name: {
                "wall": statistics.median(w for w, _ in values),
                "cpu": statistics.median(c for _, c in values),
                "walls": [round(w, 3) for w, _ in values],
                "cpus": [round(c, 3) for _, c in values],
            }
            for name, values in by_tree.items()
        }
        for command, by_tree in samples.items()
    }


def budget(command: str) -> float:
    """The issue's budget for ``command`` in seconds."""
    return BUDGETS.get(command, LISTING_BUDGET_S)


def markdown(result: dict[str, dict[str, dict]], names: tuple[str, str], runs: int) -> str:
    """The result as a Markdown table: reference and ours, wall and CPU, ratio, budget."""
    ref, ours = names
    lines = [
        f"| command | {ref} wall / CPU (s) | this tree wall / CPU (s) | ratio (wall) | budget |",
        "|---|---:|---:|---:|---|",
    ]
    for command, by_tree in result.items():
        a, b = by_tree[ref], by_tree[ours]
        met = "met" if b["wall"] <= budget(command) else "**not met**"
        lines.append(
            f"| `clustermap {command}` | {a['wall']:.2f} / {a['cpu']:.2f} | "
            f"{b['wall']:.2f} / {b['cpu']:.2f} | {a['wall'] / b['wall']:.1f}× faster | "
            f"≤ {budget(command):g} s: {met} |"
        )
    lines.append("")
    lines.append(f"Medians of {runs} interleaved runs per command and tree.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reference", default="main", help="git revision (default main)")
    parser.add_argument("--reference-dir", type=Path, help="a reference tree already unpacked")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--format", choices=["md", "json"], default="md")
    args = parser.parse_args(argv)
    print(machine(["pandas", "geopandas", "sqlalchemy"]), flush=True)
    with tempfile.TemporaryDirectory(prefix="clustermap-bench-cli-") as tmp:
        scratch = Path(tmp)
        ref = args.reference_dir or reference_tree(args.reference, scratch)
        ours = scratch / "ours"
        ours.symlink_to(ROOT, target_is_directory=True)
        result = measure([ref.resolve(), ours], args.runs, scratch)
        names = (ref.resolve().name, ours.name)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(markdown(result, names, args.runs))
    print(f"load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
