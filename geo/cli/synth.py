"""``clustermap synth``: write a synthetic registry where the user says, never into ``data/``.

Usage::

    clustermap synth --clusters N --seed S [--mne-per-cluster K] [--format csv|json]
                     [-o PATH] [--table all|clusters|mne_links|points] [--force]
    clustermap synth --clusters N --seed S --calibration [--format csv|json]

Where the output goes:

* ``-o DIR`` (any path not ending in ``.zip``): the folder gets ``clusters.<fmt>``,
  ``mne_links.<fmt>``, ``points.<fmt>`` and ``README.txt`` (created if absent);
* ``-o FILE.zip``: the same files inside one zip archive;
* no ``-o``: standard output. JSON is one object ``{"meta", "clusters", "mne_links",
  "points"}``; CSV holds one table, the clusters unless ``--table`` names another.

Existing files are not overwritten without ``--force``; a path inside the shipped data
folder is refused. ``--calibration`` prints the calibration table (published figure,
model target and generated value per target) instead of the records.

Every file is marked synthetic: its rows carry ``synthetic=True`` and
``source_doc=synthetic``, JSON files a ``meta`` block, and folders and zips a README.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from geo.base import safefiles
from geo.base.i18n import N_
from geo.base.paths import PROJECT_ROOT, data_dir
from geo.cli.commands import command_help
from geo.data import synth
from geo.render.exports.formulas import safe_table

TABLES: tuple[str, ...] = ("clusters", "mne_links", "points")


HELP: dict[str, str] = {
    "description": N_(
        "Generate a synthetic cluster registry calibrated to the aggregates published in 003 "
        "(see docs/SYNTHETIC.md). Every record is marked synthetic. Writes to standard output "
        "or to -o PATH (a folder, or a .zip), never into data/."
    ),
    "clusters": N_("number of clusters"),
    "seed": N_("random seed (≥ 0)"),
    "mne": N_("mean MNE links per cluster (default: calibrated to the published shares)"),
    "output": N_("folder to write the tables into, or a .zip file (default: standard output)"),
    "table": N_("which table(s) to write (default: all; CSV to standard output: clusters)"),
    "force": N_("overwrite existing output files"),
    "calibration": N_(
        "print the calibration table (published vs generated) instead of the records"
    ),
    "wrote": N_("wrote synthetic registry ({command}) to {output}"),
}
"""Help texts and messages of ``clustermap synth`` (English literals, one place)."""


def register(sub: argparse._SubParsersAction, _: Callable[[str], str] = str) -> None:
    """Add the ``synth`` subcommand to the ``clustermap`` parser (help translated by ``_``)."""

    def h(key: str) -> str:
        return _(HELP[key])

    p = sub.add_parser("synth", help=command_help("synth", _), description=h("description"))
    p.add_argument("--clusters", type=int, required=True, metavar="N", help=h("clusters"))
    p.add_argument("--seed", type=int, required=True, metavar="S", help=h("seed"))
    p.add_argument("--mne-per-cluster", type=float, default=None, metavar="K", help=h("mne"))
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("-o", "--output", metavar="PATH", help=h("output"))
    p.add_argument("--table", choices=["all", *TABLES], default=None, help=h("table"))
    p.add_argument("--force", action="store_true", help=h("force"))
    p.add_argument("--calibration", action="store_true", help=h("calibration"))
    p.set_defaults(func=cmd_synth)


def cmd_synth(args: argparse.Namespace) -> int:
    """Generate, validate and write the registry as ``args`` says; returns the exit status.

    Bad arguments raise ``ValueError`` with the reason (``clustermap`` prints it and exits
    with status 2) before anything is written.
    """
    output = Path(args.output) if args.output else None
    if output is not None and args.calibration:
        raise ValueError("--calibration prints to standard output; leave out -o")
    if output is not None:
        _refuse_data_folder(output)
    registry = synth.generate(args.clusters, args.seed, args.mne_per_cluster)
    if args.calibration:
        table = synth.calibration_table(registry)
        sys.stdout.write(safe_table(table, args.format))
        return 0
    synth.check_registry(registry)
    tables = _tables(registry)
    chosen = _chosen(args.table, output, args.format)
    if output is None:
        sys.stdout.write(_stdout_text(registry, tables, chosen, args.format))
        return 0
    files = {
        f"{name}.{args.format}": _render(registry, tables[name], args.format) for name in chosen
    }
    files["README.txt"] = readme(registry)
    if output.suffix.lower() == ".zip":
        _write_zip(output, files, args.force)
    else:
        _write_folder(output, files, args.force)
    wrote = getattr(args, "translate", str)(HELP["wrote"])
    print(wrote.format(command=registry.command, output=output), file=sys.stderr)
    return 0


def _chosen(table: str | None, output: Path | None, fmt: str) -> tuple[str, ...]:
    if table is None:
        return ("clusters",) if output is None and fmt == "csv" else TABLES
    if table == "all":
        if output is None and fmt == "csv":
            raise ValueError(
                "CSV on standard output holds one table: choose --table clusters, mne_links "
                "or points, or use --format json or -o PATH"
            )
        return TABLES
    return (table,)


def _refuse_data_folder(output: Path) -> None:
    """Synthetic data never goes into the shipped data folder (or the configured one)."""
    target = output.resolve()
    for folder in {data_dir().resolve(), (PROJECT_ROOT / "data").resolve()}:
        if target == folder or folder in target.parents:
            raise ValueError(
                f"refusing to write synthetic data into the data folder ({folder}); "
                "choose a path outside it"
            )


def _tables(registry: synth.SyntheticRegistry) -> dict[str, pd.DataFrame]:
    return {
        "clusters": registry.clusters,
        "mne_links": registry.mne_links,
        "points": registry.points,
    }


def meta(registry: synth.SyntheticRegistry) -> dict[str, Any]:
    """The provenance block of JSON outputs: says, first, that the data is synthetic."""
    return {
        "synthetic": True,
        "warning": "SYNTHETIC DATA: invented records, not real clusters or MNE links.",
        "command": registry.command,
        "clusters": registry.n,
        "seed": registry.seed,
        "mne_per_cluster": registry.mne_per_cluster,
        "model": "docs/SYNTHETIC.md",
    }


def readme(registry: synth.SyntheticRegistry) -> str:
    """The README written beside the tables of a folder or zip."""
    return (
        "SYNTHETIC DATA - NOT REAL CLUSTERS\n\n"
        f"Generated by: {registry.command}\n"
        f"Clusters: {len(registry.clusters)}; MNE links: {len(registry.mne_links)}\n\n"
        "Every record is invented: ids start with SYN-, names with 'Synthetic', the\n"
        "'synthetic' column is True and source_doc is 'synthetic'. The registry is\n"
        "calibrated to the aggregates published by the HSE Russian Cluster Observatory\n"
        "(Cluster Map of Russia, 2019); the model and its assumptions are described in\n"
        "docs/SYNTHETIC.md of the Cluster Map of Russia application. Do not cite these\n"
        "records as data about any real cluster, region or company.\n"
    )


def _json_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Records with ``null`` for missing values and whole numbers for counts."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    rows = [{str(key): value for key, value in record.items()} for record in records]
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and math.isfinite(value) and key in synth.COUNT_COLUMNS:
                row[key] = int(value)
    return rows


def _render(registry: synth.SyntheticRegistry, frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return synth.export_frame(frame).to_csv(index=False, lineterminator="\n")
    document = {"meta": meta(registry), "records": _json_rows(frame)}
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _stdout_text(
    registry: synth.SyntheticRegistry,
    tables: dict[str, pd.DataFrame],
    chosen: tuple[str, ...],
    fmt: str,
) -> str:
    if fmt == "csv":
        return _render(registry, tables[chosen[0]], "csv")
    document: dict[str, Any] = {"meta": meta(registry)}
    document.update({name: _json_rows(tables[name]) for name in chosen})
    return json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def _existing(paths: list[Path], force: bool) -> None:
    present = [str(p) for p in paths if p.exists()]
    if present and not force:
        raise ValueError(f"{', '.join(present)} already exist(s); use --force to overwrite")


def _write_folder(folder: Path, files: dict[str, str], force: bool) -> None:
    """Each file into ``folder`` (created if absent), atomically (``geo.base.safefiles``:
    an existing file that is a device or a pipe is refused, a full disk leaves nothing
    half-written)."""
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} exists and is not a folder")
    _existing([folder / name for name in files], force)
    if folder.is_dir():  # refuse a device or pipe among the names before writing any
        for name in files:
            safefiles.check_output(folder / name)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        safefiles.write_atomic(folder / name, text.encode("utf-8"))


def _write_zip(path: Path, files: dict[str, str], force: bool) -> None:
    """The files as one zip archive at ``path``, written atomically."""
    _existing([path], force)
    if path.parent.is_dir():
        safefiles.check_output(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    safefiles.write_atomic(path, buffer.getvalue())
