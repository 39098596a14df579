"""Features as CSV (``f=csv``): the same properties and filters as the GeoJSON, every
matching feature unless ``limit`` or ``offset`` is given, ``lon``/``lat`` columns for
points (polygons have no geometry column). UTF-8 with a byte-order mark, as the app's
CSV exports (spreadsheets then read Cyrillic correctly); a missing value is an empty
cell; text a spreadsheet would run as a formula is neutralised
(``geo.render.exports.formulas``)."""

from __future__ import annotations

import io

import numpy as np

from geo.api.compiled import CompiledCollection
from geo.registry.store import VersionInfo

CSV_MEDIA = "text/csv; charset=utf-8"


def csv_bytes(coll: CompiledCollection, rows: np.ndarray) -> bytes:
    """The ``rows`` of the collection as CSV bytes."""
    buffer = io.StringIO()
    coll.csv_table().iloc[rows].to_csv(buffer, index=False, lineterminator="\r\n")
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def csv_filename(coll: CompiledCollection, info: VersionInfo) -> str:
    """The file name a browser saves: collection and version (ASCII only)."""
    return f"{coll.spec.id}-v{info.id}.csv"
