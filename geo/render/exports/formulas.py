"""Spreadsheet safety: text cells a spreadsheet would run as formulas, neutralised.

A light module (pandas only, no matplotlib or folium) so the command line and other
callers that write tables can use it cheaply.
"""

from __future__ import annotations

import pandas as pd

from geo.base.i18n import N_

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula (OWASP CSV
injection)."""


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    Only text is changed: numbers (negative ones too) are returned as they are.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise(-5.0)
    ('\\'=HYPERLINK("http://x")', "'-5", -5.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.StringDtype) or (
            series.dtype == "object" and pd.api.types.infer_dtype(series, skipna=True) == "string"
        ):  # text only (missing cells aside): vectorised through Arrow strings
            text = series.astype("str")
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool).to_numpy()
            out[column] = series.mask(risky, "'" + text)
        elif series.dtype == "object":  # mixed text and numbers: cell by cell
            values = series.astype("object")
            # ``.str`` leaves non-text cells out (NaN), so numbers are never touched.
            risky_cells = values.str.startswith(FORMULA_PREFIXES, na=False).astype(bool)
            out[column] = values.mask(risky_cells, "'" + values[risky_cells].astype(str))
    return out


FORMULA_NOTE = N_(
    "Text cells starting with =, +, -, @, tab or carriage return are prefixed with ' so "
    "spreadsheets show them as text instead of running them."
)

"""The metadata note on :func:`neutralise` (every table export states it)."""
