"""Writing frames as CSV, Markdown or JSON for the command line and downloads."""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd

TableFormat = Literal["csv", "md", "json"]


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA:
        return ""
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (missing cells are blank).

    >>> print(to_markdown(pd.DataFrame({"a": [1], "b": ["x|y"]})))
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join([header, rule, *body])


def render_table(frame: pd.DataFrame, fmt: TableFormat) -> str:
    """The frame as text in ``fmt``; CSV and JSON keep full precision."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "md":
        return to_markdown(frame) + "\n"
    if fmt == "json":
        return frame.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    raise ValueError(f"unknown format '{fmt}'; expected csv, md or json")
