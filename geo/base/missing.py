"""What counts as a missing value, in one place for the whole package.

The records are CSV files, where a cell has no null: a value the source does not report is
an empty cell, read as ``""`` (or, after pandas, ``NaN``), and the store and the pages add
``None``, ``pd.NA`` and ``NaT``. So "missing" is:

* :func:`is_missing`: no value at all (``None``, ``NaN``, ``pd.NA``, ``NaT``) **or blank
  text** (``""``, only whitespace). This is what "not reported" means everywhere a value is
  shown, counted or searched: a blank name is no name.
* :func:`is_null`: no value at all, while any text, even blank, is a value. Only for code
  that must pass a cell on exactly as it was recorded: a machine-readable export (GeoJSON,
  GeoPackage) writes ``""`` as ``""``, not as ``null``, and the record validators of
  ``geo.data.records`` report a blank cell by its own message rather than read it as empty.

Zero, ``False`` and the text ``"0"`` are values for both.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def is_null(value: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and ``NaT``: there is no value. Text, even
    blank, is a value here (see the module's docstring for who needs that).

    >>> [is_null(v) for v in (None, float("nan"), pd.NA, pd.NaT, "", 0)]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def is_missing(value: Any) -> bool:
    """True when the source does not report the value: :func:`is_null`, or blank text
    (empty or only whitespace), which is how a CSV cell says "not reported".

    >>> [is_missing(v) for v in (None, float("nan"), pd.NA, "", "  ", "x", 0)]
    [True, True, True, True, True, False, False]
    """
    if isinstance(value, str):
        return not value.strip()
    return is_null(value)


def missing_mask(values: pd.Series) -> pd.Series:
    """:func:`is_missing` for a column, vectorised (a boolean Series, same index)."""
    blank = values.map(lambda v: isinstance(v, str) and not v.strip())
    return values.isna() | blank.astype(bool)
