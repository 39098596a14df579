"""The static locator map (``geo.render.locator``): projection, highlight, point and errors.

The PNG is decoded and its pixels counted, so a highlight or point that is silently not
drawn fails.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.image import imread
from pyproj import CRS

from geo.render import locator

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def projected(data):
    return locator.project_regions(data.regions)


def pixels(png: bytes, colour: str) -> int:
    """How many pixels of the image have ``colour`` (``#rrggbb``, ±2 per channel)."""
    image = imread(io.BytesIO(png))[..., :3]
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return int((np.abs(image - rgb) <= 2 / 255).all(axis=-1).sum())


def test_projection_is_albers_and_keeps_every_region(projected):
    assert len(projected) == 85
    assert projected.crs == CRS(locator.ALBERS)
    assert set(projected.columns) >= {"code", "disputed", "geometry"}
    assert projected.geometry.is_valid.all()


def test_chukotka_is_east_of_kamchatka(projected):
    """Longitudes past 180° (as the dataset stores Chukotka) keep it in one piece, east."""
    chu = projected.loc[projected["code"] == "RU-CHU"].geometry.iloc[0]
    minx, _, maxx, _ = chu.bounds
    assert minx > 0  # east of the central meridian (100° E)
    assert maxx - minx < 2_500_000  # one piece, not split across the antimeridian


def test_png_with_highlight_and_point(projected):
    png = locator.locator_png(projected, "RU-TA", (49.1, 55.8))
    assert png.startswith(PNG_MAGIC)
    assert pixels(png, locator.HIGHLIGHT_FILL) > 20
    assert pixels(png, locator.POINT_FILL) > 5
    plain = locator.locator_png(projected)
    assert pixels(plain, locator.HIGHLIGHT_FILL) == 0
    assert pixels(plain, locator.POINT_FILL) == 0


def test_a_big_region_fills_more_than_a_small_one(projected):
    big = pixels(locator.locator_png(projected, "RU-SA"), locator.HIGHLIGHT_FILL)  # Yakutia
    small = pixels(locator.locator_png(projected, "RU-TA"), locator.HIGHLIGHT_FILL)
    assert big > 10 * small


def test_png_is_deterministic(projected):
    assert locator.locator_png(projected, "RU-TA") == locator.locator_png(projected, "RU-TA")


def test_size_follows_the_requested_width(projected):
    png = locator.locator_png(projected, size=locator.LocatorSize(width_in=2.0, dpi=50))
    assert imread(io.BytesIO(png)).shape[1] == 100


def test_unknown_region_is_an_error_naming_it(projected):
    with pytest.raises(ValueError, match="RU-XX"):
        locator.locator_png(projected, "RU-XX")


@pytest.mark.parametrize(
    ("lon", "lat"), [(float("nan"), 50.0), (40.0, 95.0), (400.0, 50.0), (float("inf"), 0.0)]
)
def test_bad_point_is_an_error(lon, lat):
    with pytest.raises(ValueError):
        locator.project_point(lon, lat)


def test_point_past_180_projects_next_to_its_wrapped_twin():
    x1, y1 = locator.project_point(185.0, 66.0)
    x2, y2 = locator.project_point(-175.0, 66.0)
    assert (x1, y1) == pytest.approx((x2, y2))


def test_regions_without_crs_are_refused(data):
    regions = data.regions.set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="coordinate reference system"):
        locator.project_regions(regions)
