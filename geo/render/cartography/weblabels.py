"""Region labels of the interactive (HTML) export: where each label sits, the texts it may
take and its priority, for the browser to place at every zoom (``weblabels.js``).

A web map changes scale, so the placement cannot be decided once as on paper: this module
gives each region of the territory its anchor (the pole of inaccessibility of its largest
part, in the map's coordinates), its texts in the export's language, best first (full
name, short name; :func:`geo.render.cartography.names.label_variants` without the wrapped
forms, which a one-line web label cannot use), and its priority (regions with clusters
first, then by area). ``weblabels.js`` then shows, after every zoom, the first text of each
region, in priority order, whose box overlaps no label already shown and no cluster
marker; a region left without a label at that zoom is named in the page's "not labelled"
line. Labels take no clicks: the region under them still opens its panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import geopandas as gpd
import shapely

from geo.base.i18n import N_
from geo.render import projection
from geo.render.cartography.frames import pole
from geo.render.cartography.names import region_name, short_name

LABEL_TEXT: dict[str, str] = {
    "omitted": N_("Not labelled at this zoom (no room): {names}. Zoom in to see them."),
}
"""The page's line about regions left unlabelled (``{names}`` filled in by the browser)."""


def _largest_part(geom: shapely.Geometry) -> shapely.Geometry:
    """The largest polygon of ``geom`` (a label names the mainland, not an island)."""
    parts = shapely.get_parts(geom)
    return max(parts, key=lambda p: p.area) if len(parts) else geom


def web_variants(name: str, lang: str) -> list[str]:
    """The one-line texts a region's web label may take, best first, without repeats.

    >>> web_variants("Kaliningrad Oblast", "en")
    ['Kaliningrad Oblast', 'Kaliningrad Obl.']
    """
    return list(dict.fromkeys([name, short_name(name, lang)]))


def region_labels(
    regions: gpd.GeoDataFrame, lang: str, clusters_per_region: Mapping[Any, int]
) -> list[dict[str, Any]]:
    """One entry per region of ``regions`` (the territory's), in priority order: ``c``
    the code, ``y``/``x`` the anchor in the offline map's coordinates (Albers metres /
    ``MAP_SCALE``, Leaflet's ``CRS.Simple`` lat/lng), ``t`` the texts best first.

    Regions with more clusters come first, then larger ones: when labels compete for
    room, the ones a reader of a cluster map looks for win.
    """
    albers = regions.to_crs(projection.ALBERS)
    entries: list[tuple[tuple[int, float], dict[str, Any]]] = []
    rows: list[dict[str, Any]] = regions[["code", "name_en", "name_ru"]].to_dict("records")  # type: ignore[assignment]
    for row, geom in zip(rows, albers.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        part = _largest_part(geom)
        x, y = pole(part)
        code = str(row["code"])
        entry = {
            "c": code,
            "y": round(y / projection.MAP_SCALE, 4),
            "x": round(x / projection.MAP_SCALE, 4),
            "t": web_variants(region_name(row, lang), lang),
        }
        entries.append(((-int(clusters_per_region.get(code, 0)), -float(geom.area)), entry))
    entries.sort(key=lambda item: item[0])
    return [entry for _, entry in entries]


def omitted_names(labels: Sequence[Mapping[str, Any]], shown: set[str]) -> list[str]:
    """The full names of the regions of ``labels`` whose code is not in ``shown``, in
    priority order (what the page lists; the browser's rule, here for tests and docs).

    >>> omitted_names([{"c": "RU-A", "t": ["A"]}, {"c": "RU-B", "t": ["B"]}], {"RU-A"})
    ['B']
    """
    return [str(entry["t"][0]) for entry in labels if entry["c"] not in shown]


def script_text() -> str:
    """The browser's placement script (``weblabels.js`` of this package)."""
    return resources.files(__package__).joinpath("weblabels.js").read_text(encoding="utf-8")
