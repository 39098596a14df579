"""Small hand-made datasets for tests that need a few rows, not the published data."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.analysis.dataset import Dataset
from geo.data.joins import RegionResolver


def small_dataset(
    regions: pd.DataFrame,
    clusters: pd.DataFrame,
    mne_links: pd.DataFrame,
    indicators: pd.DataFrame,
) -> Dataset:
    """A :class:`Dataset` of the given frames, for functions that read only these four.

    ``regions`` (with or without geometry) is also the ``detailed`` geometry; frames
    without a geometry column become GeoDataFrames without one; the resolver knows no
    names (nothing here resolves names).
    """
    regions = gpd.GeoDataFrame(regions)
    return Dataset(
        regions=regions,
        detailed=regions,
        clusters=gpd.GeoDataFrame(clusters),
        mne_links=mne_links,
        indicators=indicators,
        resolver=RegionResolver({}),
    )
