"""``docs/HOSTILE.md``: the table of the hostile-input cases (case → expected answer),
written from the case list itself (``tests/support/hostile_corpus.py``) and the property
tests (``tests/test_hostile_properties.py``), so the two never disagree
(``tests/test_hostile_rules.py`` checks that the file is up to date).

Rewrite it after changing a case::

    PYTHONPATH=. python -m tests.support.hostile_docs
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.support import hostile_corpus as corpus

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "HOSTILE.md"
PROPERTIES = ROOT / "tests" / "test_hostile_properties.py"

CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)

INTRO = (
    "Every entry point (the Import page as a viewer and as a signed-in editor, "
    "`clustermap import/validate/export/restore/history`, every page's URL parameters) "
    "answers these inputs as below. Common to every refusal: a message in the user's "
    "language naming the file, the row (header = 1; a GeoJSON feature's number) and the "
    "column as the file names it, and the reason; exit status 2 on the command line; no "
    "traceback; the registry store unchanged; no file left behind (no `.part`). The suite "
    "is `tests/test_hostile.py` (cases: `tests/support/hostile_corpus.py`; how each entry "
    "point is driven and judged: `tests/support/hostile_harness.py`), with "
    "`tests/test_hostile_writes.py` (safe writing), `tests/test_hostile_rules.py` (one set "
    "of rules for `validate` and `import --dry-run`; formula round trips) and "
    "`tests/test_hostile_properties.py` (Hypothesis). The quick tier runs the issue's own "
    "cases at every entry point and every case against the library; `-m slow` adds the "
    "rest (bombs, `/dev/zero`, FIFOs, the full URL matrix). This file is written by "
    "`python -m tests.support.hostile_docs`."
)


def cell(text: str, n: int = 160) -> str:
    """``text`` as a Markdown table cell: one line, control characters as ``\\uXXXX``,
    at most ``n`` characters, ``|`` escaped."""
    text = " ".join(str(text).split())
    text = CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    text = re.sub(r"[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    if len(text) > n:
        text = text[: n - 1] + "…"
    return text.replace("|", "\\|")


def _files() -> list[str]:
    lines = ["## Files (Import page, `clustermap import`, `clustermap validate`)", ""]
    lines += ["| case | input | kind | expected answer |", "|---|---|---|---|"]
    for c in corpus.FILE_CASES:
        lines.append(
            f"| `{c.id}` | {cell(c.description, 140)} (`{cell(c.name, 30)}`) | {c.kind} | "
            f"{cell(c.expect.summary(), 160)} |"
        )
    lines += ["", "## Paths given to the command line", ""]
    lines += ["| case | input | expected answer |", "|---|---|---|"]
    for c in corpus.PATH_CASES:
        lines.append(f"| `{c.id}` | {cell(c.description, 140)} | {cell(c.expect.summary())} |")
    return lines


def _targets_and_options() -> list[str]:
    lines = ["## `clustermap export -o TARGET`", ""]
    lines += ["| case | target | expected answer |", "|---|---|---|"]
    for c in corpus.TARGET_CASES:
        answer = c.expect.summary()
        if c.stdout_ok:
            answer += ", or the export written to standard output"
        if c.keep:
            answer += f"; the {c.keep} is left as it is"
        lines.append(f"| `{c.id}` | {cell(c.description, 140)} | {cell(answer, 200)} |")
    lines += ["", "## Command options", ""]
    lines += ["| case | command | expected answer |", "|---|---|---|"]
    for c in corpus.OPTION_CASES:
        answer = f"{cell(c.expect.summary(), 120)} (exit {c.code})"
        lines.append(f"| `{c.id}` | {cell(c.description, 140)} | {answer} |")
    return lines


def _urls_and_downloads() -> list[str]:
    lines = ["## URL parameters (every page)", ""]
    lines += ["| case | value | expected answer |", "|---|---|---|"]
    for c in corpus.URL_CASES:
        answer = (
            "the page runs; each ignored value is named once, escaped, shortened and without "
            "control characters"
            if c.name_it
            else "the page runs; unknown keys are ignored without a message"
        )
        lines.append(f"| `{c.id}` | {cell(c.description, 120)} | {answer} |")
    lines += ["", "## Stored values written to a spreadsheet", ""]
    lines += ["| where | expected answer |", "|---|---|"]
    for where in corpus.DOWNLOADS.values():
        lines.append(
            f"| {cell(where)} | every text cell starting with `=`, `+`, `-`, `@`, tab or CR "
            "is written with a leading `'` (numbers, negative ones too, stay numbers); "
            "importing the file reads the original text back (no change) |"
        )
    return lines


def _properties() -> list[str]:
    """The property tests, by name and the first line of their docstring."""
    lines = ["## Properties (Hypothesis)", ""]
    lines += ["| property | must hold for every input |", "|---|---|"]
    tree = ast.parse(PROPERTIES.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            doc = (ast.get_docstring(node) or "").split("\n\n")[0]
            lines.append(f"| `{node.name}` | {cell(doc, 200)} |")
    return lines


def _submissions() -> list[str]:
    """The submission form's cases (``Submissions.submit``, as the Submit a cluster page
    and a crafted request reach it)."""
    lines = ["## Submissions (Submit a cluster, My clusters: `Submissions.submit`)", ""]
    lines += ["| case | input | expected answer |", "|---|---|---|"]
    for c in corpus.SUBMISSION_CASES:
        answer = c.expect.summary() + ("" if c.expect.accepted else "; nothing stored")
        lines.append(f"| `{c.id}` | {cell(c.description, 140)} | {cell(answer, 200)} |")
    return lines


def docs_table() -> str:
    """The whole of ``docs/HOSTILE.md``."""
    lines = ["# Hostile inputs: what the app answers", "", INTRO, ""]
    parts = (_files(), _targets_and_options(), _urls_and_downloads(), _submissions())
    for part in (*parts, _properties()):
        lines += [*part, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    DOC.write_text(docs_table(), encoding="utf-8")
    print(f"{DOC} ({len(corpus.all_case_ids())} cases)")
