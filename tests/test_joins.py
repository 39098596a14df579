"""Region names to codes, cities to points, points to regions."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.base.errors import DataValidationError
from geo.data import joins
from geo.data.regions import load_regions

# Read off papers 001/002 (Table 4/5) independently of the alias table.
EXPECTED_REGION = {
    "PIC-01": "RU-MOS",  # Dubna, Moscow region
    "PIC-02": "RU-NIZ",  # Sarov
    "PIC-03": "RU-ULY",  # Dimitrovgrad
    "PIC-04": "RU-KYA",  # Zheleznogorsk, Krasnoyarsk
    "PIC-05": "RU-ARK",
    "PIC-06": "RU-PER",
    "PIC-07": "RU-SAM",
    "PIC-08": "RU-ULY",
    "PIC-09": "RU-KHA",  # "Habarovsk region"
    "PIC-10": "RU-KLU",  # Obninsk
    "PIC-11": "RU-MOS",  # Pushino
    "PIC-12": "RU-SPE",
    "PIC-13": "RU-ALT",  # "Altay region" is Altai Krai, not the Altai Republic
    "PIC-14": "RU-TOM",
    "PIC-15": "RU-MOW",  # Troitsk, Moscow (the city)
    "PIC-16": "RU-MOS",  # Khimki, Moscow region
    "PIC-17": "RU-SVE",
    "PIC-18": "RU-NIZ",
    "PIC-19": "RU-BA",
    "PIC-20": "RU-TA",
    "PIC-21": "RU-KEM",
    "PIC-22": "RU-MOW",  # Zelenograd, Moscow (the city)
    "PIC-23": "RU-SPE",
    "PIC-24": "RU-MO",
    "PIC-25": "RU-NVS",
}


@pytest.fixture(scope="module")
def detailed():
    return load_regions("detailed")


def test_every_pilot_cluster_is_in_its_region(data):
    got = data.clusters.set_index("id")["region_code"]
    assert {k: got[k] for k in EXPECTED_REGION} == EXPECTED_REGION


def test_every_regional_table_row_resolves(data):
    codes = set(data.indicators["region_code"])
    assert len(codes) == 19
    assert {"RU-MOW", "RU-MOS", "RU-ALT", "RU-KHA", "RU-SPE"} <= codes
    assert "RU-AL" not in codes


def test_moscow_and_moscow_region_are_distinct(data):
    resolver = data.resolver
    assert resolver.resolve("Moscow") == "RU-MOW"
    assert resolver.resolve("Moscow region") == "RU-MOS"
    assert resolver.resolve("Москва") == "RU-MOW"
    assert resolver.resolve("Московская область") == "RU-MOS"


def test_names_resolve_in_any_case_and_dash(data):
    assert data.resolver.resolve("SAINT PETERSBURG") == "RU-SPE"
    assert data.resolver.resolve("Saint-Petersburg") == "RU-SPE"
    assert data.resolver.resolve("habarovsk region") == "RU-KHA"


def test_unknown_region_is_an_error_naming_the_row(data):
    frame = pd.DataFrame({"region": ["Kaluga region", "Moskow oblast", "Atlantis"]})
    with pytest.raises(DataValidationError) as caught:
        data.resolver.resolve_column(frame, "region", "upload.csv")
    messages = [str(i) for i in caught.value.issues]
    assert messages == [
        "upload.csv, row 3, column 'region': unknown region 'Moskow oblast' "
        "(not in the alias table)",
        "upload.csv, row 4, column 'region': unknown region 'Atlantis' (not in the alias table)",
    ]


def test_conflicting_aliases_are_refused(detailed):
    aliases = pd.DataFrame(
        {
            "alias": ["Moscow", "Altay region"],
            "region_code": ["RU-MOS", "RU-ALT"],
            "lang": ["en", "en"],
            "source": ["test", "test"],
        }
    )
    with pytest.raises(DataValidationError, match="'Moscow' means RU-MOS"):
        joins.RegionResolver.from_tables(detailed, aliases)


@pytest.mark.parametrize(
    ("city", "region", "lat"),
    [
        ("Zheleznogorsk", "RU-KYA", 56.25),  # not the one in Kursk Oblast (52.3 N)
        ("Zheleznogorsk", "RU-KRS", 52.34),
        ("Troitsk", "RU-MOW", 55.48),  # not the one in Chelyabinsk Oblast (54.1 N)
        ("Troitsk", "RU-CHE", 54.09),
    ],
)
def test_same_named_cities_are_told_apart_by_region(detailed, city, region, lat):
    found, reason = joins.pick_city(city, region, detailed)
    assert found is not None, reason
    assert found.lat == pytest.approx(lat, abs=0.01)


def test_city_in_the_wrong_region_is_reported_not_guessed(detailed):
    found, reason = joins.pick_city("Zheleznogorsk", "RU-TOM", detailed)
    assert found is None
    assert "no city 'Zheleznogorsk'" in reason and "RU-TOM" in reason


def test_unknown_city_is_a_validation_error(detailed):
    records = pd.DataFrame({"id": ["x"], "city": ["Nowhereburg"], "region_code": ["RU-TOM"]})
    with pytest.raises(DataValidationError, match="row 2, column 'city'.*Nowhereburg"):
        joins.locate_records(records, detailed)


def test_clusters_without_a_city_sit_in_their_region(data):
    clusters = data.clusters.set_index("id")
    regional = clusters.loc[clusters["location_basis"] == "region (city not reported)"]
    assert len(regional) > 0
    assert (regional["located_region_code"] == regional["region_code"]).all()


def test_located_cities_are_where_the_documents_say(data):
    clusters = data.clusters.set_index("id")
    assert clusters.loc["PIC-04", "lon"] == pytest.approx(93.53, abs=0.05)  # Krasnoyarsk's
    assert clusters.loc["PIC-15", "lat"] == pytest.approx(55.48, abs=0.05)  # Troitsk, Moscow
    assert clusters.loc["PIC-11", "location_basis"] == "city (GeoNames)"  # "Pushino"


def test_mismatch_report_lists_exactly_the_disagreements(data):
    report = joins.mismatch_report(data.clusters, data.detailed)
    mismatched = data.clusters.loc[
        data.clusters["located_region_code"] != data.clusters["region_code"]
    ]
    mismatched = mismatched.loc[mismatched["region_code"].notna()]
    assert set(report["id"]) == set(mismatched["id"])
    # Khimki and Zelenograd sit within a kilometre of Moscow's border, which 1:10m
    # geometry generalises: the point lands on the other side, the declared region stays.
    assert set(report["id"]) == {"PIC-16", "PIC-22"}
    assert (report["km_outside_declared"] < 2).all()


def test_the_city_index_is_cached_in_the_user_cache_and_identical(tmp_path, monkeypatch):
    from geo.base import cache

    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(tmp_path))
    built = joins._build_city_index()
    joins._russian_cities.cache_clear()
    try:
        first = joins._russian_cities()  # builds and stores
        assert len(list(tmp_path.glob("geonames_ru-*.pickle"))) == 1
        joins._russian_cities.cache_clear()
        second = joins._russian_cities()  # loads
    finally:
        joins._russian_cities.cache_clear()
    assert first == built
    assert second == built
    assert second is not first
    assert all(isinstance(c, joins.City) for cities in second.values() for c in cities)
