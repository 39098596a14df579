"""What a static map draws, projected to the map's Albers conic: the view's regions, the
neighbouring regions (for a district or a region) and the located clusters."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from geo.data.regions import load_regions
from geo.render import projection, views
from geo.render.cartography.frames import Bounds

_TO_MAP = Transformer.from_crs("EPSG:4326", projection.ALBERS, always_xy=True)


@dataclass(frozen=True)
class MapData:
    """The view's regions (``territory``, with a ``clusters`` count) and neighbours
    (``context``: every other region, drawn in grey; empty for the whole country), the
    located clusters (sorted by id) and their projected ``x``, ``y``; ``kind`` of the
    territory (country, federal district, region)."""

    territory: gpd.GeoDataFrame
    context: gpd.GeoDataFrame
    located: pd.DataFrame
    x: np.ndarray
    y: np.ndarray
    kind: str

    @property
    def bounds(self) -> Bounds:
        """Projected bounds of the territory."""
        x0, y0, x1, y1 = (float(v) for v in self.territory.total_bounds)
        return x0, y0, x1, y1

    @property
    def is_country(self) -> bool:
        """Whether the map is of the whole country (insets, no neighbours)."""
        return self.kind == "country"


def _neighbours(
    rv: views.ResolvedView, territory: gpd.GeoDataFrame, context: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Every region outside the territory, projected (none for the whole country)."""
    if rv.territory.kind == "country":
        return territory.iloc[0:0]
    source = context if context is not None else load_regions("detailed")
    others = source.loc[~source["code"].isin(territory["code"])].to_crs(projection.ALBERS)
    return others.reset_index(drop=True)


def map_data(rv: views.ResolvedView, context: gpd.GeoDataFrame | None = None) -> MapData:
    """Project the view's regions (detailed geometry), the neighbouring regions (``context``,
    default the shipped detailed geometry, less the territory) and the located clusters."""
    territory: gpd.GeoDataFrame = rv.detailed.to_crs(projection.ALBERS).reset_index(drop=True)
    counts = rv.clusters["region_code"].value_counts()
    territory["clusters"] = territory["code"].map(counts).fillna(0).astype(int)
    points = rv.clusters.loc[rv.clusters["lat"].notna() & rv.clusters["lon"].notna()]
    located = pd.DataFrame(points.drop(columns="geometry")).sort_values("id", kind="stable")
    x, y = _TO_MAP.transform(located["lon"].to_numpy(float), located["lat"].to_numpy(float))
    return MapData(
        territory,
        _neighbours(rv, territory, context),
        located.reset_index(drop=True),
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        rv.territory.kind,
    )
