"""Rows of frames as dicts, and frames written as CSV, Markdown or JSON for the command line
and downloads."""

from __future__ import annotations

import math
from typing import Any, Literal, cast

import pandas as pd

TableFormat = Literal["csv", "md", "json"]


def row_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``frame`` as dicts by column name (``frame.to_dict("records")``).

    The frames of this package name their columns with text. pandas-stubs types the keys
    of a record as ``Hashable``, since a column may be named by any hashable; this checks
    that the names are text, so the rows can be typed by ``str``.

    >>> row_dicts(pd.DataFrame({"a": [1], "b": ["x"]}))
    [{'a': 1, 'b': 'x'}]
    """
    named = [c for c in frame.columns if not isinstance(c, str)]
    if named:
        raise TypeError(f"column names must be text, not {named!r}")
    return cast(list[dict[str, Any]], frame.to_dict("records"))


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
