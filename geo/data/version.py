"""The version of the published data: a fingerprint of the shipped files.

The published data has no release number; :func:`dataset_version` fingerprints every file
a view is built from, so two exports with the same version were made from the same data.
The registry store has its own numbered versions (``geo.registry.store``); synthetic
registries are named by their size and seed (``geo.registry.sources``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from geo.base.paths import records_dir, regions_dir

DATASET_FILES: tuple[str, ...] = (
    "records/clusters.csv",
    "records/mne_links.csv",
    "records/regional_indicators.csv",
    "records/region_aliases.csv",
    "records/vocabularies.csv",
    "records/index_weights.csv",
    "regions/regions_web.geojson",
    "regions/regions_detailed.geojson",
    "regions/federal_districts.csv",
)
"""The shipped files a view's numbers come from (relative to the data directory)."""


def dataset_version(files: Sequence[str] = DATASET_FILES) -> str:
    """A content fingerprint of the shipped data: ``sha256:`` and 12 hex digits.

    The data has no release number; the fingerprint changes whenever any file a view is
    built from changes, so two exports with the same version were made from the same
    data. A file that is absent counts as empty (fixtures may ship fewer files).
    """
    digest = hashlib.sha256()
    roots = {"records": records_dir(), "regions": regions_dir()}
    for name in files:
        folder, _, filename = name.partition("/")
        path = roots[folder] / filename
        digest.update(name.encode("utf-8") + b"\0")
        if path.exists():
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return "sha256:" + digest.hexdigest()[:12]
