"""Spreadsheet safety: text cells a spreadsheet would run as formulas, neutralised.

A light module (pandas only, no matplotlib or folium) so the command line and other
callers that write tables can use it cheaply.
"""

from __future__ import annotations

import pandas as pd

from geo.base.i18n import N_
from geo.base.tables import TableFormat, render_table

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP CSV
injection)."""


def is_risky(text: str) -> bool:
    """True for text a spreadsheet would run as a formula, and for text that already
    starts with ``'`` before such a character (``'=x``): it gets one ``'`` more, so that
    reading a neutralised cell back (one ``'`` removed, :func:`read_back`) gives exactly
    the text that was written.

    >>> is_risky("=1+1"), is_risky("'=1+1"), is_risky("'quoted"), is_risky("a=b")
    (True, True, False, False)
    """
    return text.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula
    (:func:`is_risky`).

    Only text is changed: numbers (negative ones too) are returned as they are.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise(-5.0)
    ('\\'=HYPERLINK("http://x")', "'-5", -5.0)
    """
    if isinstance(value, str) and is_risky(value):
        return "'" + value
    return value


def read_back(text: str) -> str:
    """The text a neutralised cell stands for: one leading ``'`` removed from a cell that
    :func:`neutralise` would have written so (the importer reads cells through it, so an
    exported file imported back changes nothing).

    >>> read_back("'=cmd|' /C calc'!A0"), read_back("''=x"), read_back("'quoted")
    ("=cmd|' /C calc'!A0", "'=x", "'quoted")
    """
    if text[:1] == "'" and is_risky(text[1:]):
        return text[1:]
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == "object" and pd.api.types.infer_dtype(series, skipna=True) == "string"
        ):  # text only (missing cells aside): vectorised through Arrow strings
            text = series.astype("str")
            risky = (
                text.str.lstrip("'").str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            ).to_numpy()
            out[column] = series.mask(risky, "'" + text)
        elif series.dtype == "object":  # mixed text and numbers: cell by cell
            values = series.astype("object")
            # ``.str`` leaves non-text cells out (NaN), so numbers are never touched.
            risky_cells = values.str.lstrip("'").str.startswith(FORMULA_PREFIXES, na=False)
            risky_cells = risky_cells.astype(bool)
            out[column] = values.mask(risky_cells, "'" + values[risky_cells].astype(str))
    return out


def safe_table(frame: pd.DataFrame, fmt: TableFormat) -> str:
    """:func:`geo.base.tables.render_table`, with every text cell of a CSV neutralised (a
    CSV is what a person opens in a spreadsheet; Markdown and JSON are left as they are).

    >>> safe_table(pd.DataFrame({"name": ["=1+1", "ok"], "n": [-1, 2]}), "csv")
    "name,n\\n'=1+1,-1\\nok,2\\n"
    """
    return render_table(neutralise_frame(frame) if fmt == "csv" else frame, fmt)


FORMULA_NOTE = N_(
    "Text cells starting with =, +, -, @, tab or carriage return are prefixed with ' so "
    "spreadsheets show them as text instead of running them."
)

"""The metadata note on :func:`neutralise` (every table export states it)."""
