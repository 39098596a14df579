"""Where the shipped datasets live.

The data directory can be moved with ``CLUSTERMAP_DATA_DIR`` (tests use it to point at
fixtures); by default it is the ``data/`` folder beside the ``geo`` package.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """The folder holding ``regions/`` and ``records/``."""
    return Path(os.environ.get("CLUSTERMAP_DATA_DIR", PROJECT_ROOT / "data"))


def regions_dir() -> Path:
    """Region geometry and its build inputs (corrections, federal districts)."""
    return data_dir() / "regions"


def records_dir() -> Path:
    """Transcribed records: clusters, MNE links, regional indicators, aliases."""
    return data_dir() / "records"
