"""Region attributes read without geometry (``geo.data.region_attributes``): the same
table as ``load_regions`` gives, minus the shapes."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from geo.base.errors import DataValidationError
from geo.base.paths import data_dir
from geo.data import region_attributes as A
from geo.data.regions import load_regions


@pytest.mark.parametrize("resolution", A.RESOLUTIONS)
def test_attributes_are_the_regions_without_their_geometry(resolution):
    attributes = A.load_region_attributes(resolution)
    regions = load_regions(resolution)
    assert tuple(attributes.columns) == A.ATTRIBUTE_COLUMNS
    pd.testing.assert_frame_equal(attributes, pd.DataFrame(regions.drop(columns="geometry")))
    assert attributes["code"].is_monotonic_increasing and len(attributes) == 85


def test_an_unknown_resolution_is_refused():
    with pytest.raises(ValueError, match="resolution must be one of"):
        A.load_region_attributes("coarse")  # type: ignore[arg-type]


def test_a_file_missing_a_column_is_an_error_naming_it(tmp_path, monkeypatch):
    shutil.copytree(data_dir() / "regions", tmp_path / "regions")
    path = tmp_path / "regions" / "regions_web.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        del feature["properties"]["federal_district"]
    path.write_text(json.dumps(collection), encoding="utf-8")
    monkeypatch.setenv("CLUSTERMAP_DATA_DIR", str(tmp_path))
    with pytest.raises(DataValidationError) as caught:
        A.load_region_attributes("web")
    assert "regions_web.geojson" in str(caught.value)
    assert "federal_district" in str(caught.value)
