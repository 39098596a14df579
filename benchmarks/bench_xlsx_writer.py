"""Why the XLSX export uses rust_xlsxwriter (issue 8): the writer against openpyxl, same run.

    python benchmarks/bench_xlsx_writer.py                 # prints the Markdown section
    python benchmarks/bench_xlsx_writer.py --update-docs   # also writes it in docs/BENCHMARKS.md

Both write the same prepared sheets (``geo.render.exports`` tables of the whole country, made
safe by ``_xlsx_safe``) of a synthetic registry of 10,000 clusters with about 10 MNE links
each: ``rustpy_xlsxwriter.write_worksheets`` (what ``export_xlsx`` calls) and openpyxl's
write-only workbook (the writer ``export_xlsx`` used before; the fastest openpyxl mode).
The full export (tables, preparation and writing) is timed as well. Best of ``--repeats``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from benchmarks import scale as bench  # noqa: E402
from geo.registry import sources  # noqa: E402
from geo.render import views  # noqa: E402
from geo.render.exports import tables  # noqa: E402

DOC = ROOT / "docs" / "BENCHMARKS.md"
SECTION = "## XLSX writer (issue 8)"


def best(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Best wall and CPU seconds of ``repeats`` calls."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def openpyxl_write(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The reference: openpyxl's write-only workbook, rows streamed."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        values = frame.astype("object")
        for row in values.where(values.notna(), None).to_numpy().tolist():
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rust_write(sheets: dict[str, pd.DataFrame]) -> bytes:
    """What ``export_xlsx`` does after preparing the sheets."""
    import rustpy_xlsxwriter

    buffer = io.BytesIO()
    rustpy_xlsxwriter.write_worksheets(
        list(sheets.items()), buffer, freeze_panes={"general": {"row": 1, "col": 0}}
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args(argv)
    data = sources.synthetic_dataset(args.clusters, 1, 10.0)
    rv = views.resolve_view(data, views.View("RU"))
    sheets = {name: tables._xlsx_safe(frame) for name, frame in tables.tables(rv).items()}
    cells = sum(frame.size for frame in sheets.values())
    written = rust_write(sheets)
    xml = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(written)).infolist())
    ours = best(lambda: rust_write(sheets), args.repeats)
    ref = best(lambda: openpyxl_write(sheets), args.repeats)
    full = best(lambda: tables.export_xlsx(rv), args.repeats)
    body = "\n".join(
        [
            f"Whole country, synthetic registry of {args.clusters:,} clusters and "
            f"{len(rv.mne_links):,} MNE links ({cells:,} cells), best of {args.repeats}, "
            "same run. Writing only (the same prepared sheets):",
            "",
            "| writer | wall (s) | CPU (s) |",
            "|---|---:|---:|",
            f"| rust_xlsxwriter (rustpy-xlsxwriter), used | {ours[0]:.2f} | {ours[1]:.2f} |",
            f"| openpyxl write-only (reference, used before) | {ref[0]:.2f} | {ref[1]:.2f} |",
            "",
            f"openpyxl / rust_xlsxwriter: {ref[0] / ours[0]:.1f}× (wall). The whole export "
            f"(tables, formula neutralisation, control characters, writing): {full[0]:.2f} s "
            f"wall, {full[1]:.2f} s CPU (budget 3 s). The sheets' XML is {xml / 1e6:.0f} MB "
            f"before compression, {len(written) / 1e6:.1f} MB after.",
            "",
            f"Machine: {bench.machine_line(('openpyxl', 'rustpy-xlsxwriter'))}.",
        ]
    )
    print(f"{SECTION}\n\n{body}")
    if args.update_docs:
        document = DOC.read_text(encoding="utf-8")
        DOC.write_text(bench.replace_section(document, SECTION, body), encoding="utf-8")
        print(f"wrote the '{SECTION}' section of {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
