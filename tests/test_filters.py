"""geo.analysis.filters: the filter value, its URL form, facet values, masks, options and counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geo.analysis import filters
from geo.analysis.filters import NOT_REPORTED, ClusterFilter
from geo.render import urlstate


@pytest.fixture
def regions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["RU-TA", "RU-MOW", "RU-NVS"],
            "name_en": ["Tatarstan", "Moscow", "Novosibirsk Oblast"],
            "federal_district": ["Volga", "Central", "Siberian"],
        }
    )


@pytest.fixture
def clusters() -> pd.DataFrame:
    nan = math.nan
    return pd.DataFrame(
        {
            "id": ["A", "B", "C", "D"],
            "industry_group": ["IT and Electronics", "New Materials", None, "IT and Electronics"],
            "specialisation": ["Software; Electronics", "Composites", None, "  "],
            "org_level": ["high", None, "initial", "high"],
            "status": ["pilot innovative", "none", "none", None],
            "scenario": ["lonely", "potential", None, "lonely"],
            "region_code": ["RU-TA", "RU-MOW", None, "RU-NVS"],
            "mne_count": [2, 0, nan, 1],
        }
    )


def test_filter_is_normalised_so_equal_selections_are_equal():
    a = ClusterFilter(status=("none", "pilot innovative", "none"), region="RU-TA")
    b = ClusterFilter(status=("pilot innovative", "none"), region=("RU-TA",))
    assert a == b
    assert a.status == ("none", "pilot innovative")
    assert a.region == ("RU-TA",)
    assert ClusterFilter().is_default and not a.is_default


def test_unknown_mne_value_is_rejected():
    with pytest.raises(ValueError, match="mne must be one of"):
        ClusterFilter(mne="sometimes")  # type: ignore[arg-type]


def test_url_round_trip_keeps_every_facet_and_leaves_defaults_out():
    flt = ClusterFilter(
        industry_group=("IT and Electronics",),
        specialisation=("Software",),
        org_level=(NOT_REPORTED,),
        status=("none", "pilot innovative"),
        scenario=("lonely",),
        federal_district=("Volga", "Central"),
        region=("RU-TA",),
        mne="with",
    )
    params = urlstate.filter_to_query_params(flt)
    assert params["status"] == ["none", "pilot innovative"]
    assert params["district"] == ["Central", "Volga"]
    assert params["mne"] == ["with"]
    assert urlstate.filter_from_query_params(params) == flt
    assert urlstate.filter_to_query_params(ClusterFilter()) == {}


def test_url_reader_accepts_single_strings_and_ignores_bad_values():
    flt = urlstate.filter_from_query_params({"status": "none", "mne": ["maybe"], "unknown": ["x"]})
    assert flt == ClusterFilter(status=("none",))
    assert urlstate.filter_from_query_params({"mne": ["with", "without"]}).mne == "without"


def test_facets_spell_missing_values_and_split_specialisations(clusters, regions):
    facets = filters.cluster_facets(clusters, regions)
    assert facets.loc[0, "specialisation"] == ("Software", "Electronics")
    assert facets.loc[2, "industry_group"] == (NOT_REPORTED,)
    assert facets.loc[3, "specialisation"] == (NOT_REPORTED,), "blank is missing"
    assert facets.loc[0, "federal_district"] == ("Volga",)
    assert facets.loc[2, "federal_district"] == (NOT_REPORTED,)
    assert list(facets["mne"]) == ["with", "without", "without", "with"]


def test_values_of_a_facet_are_alternatives_and_facets_combine(clusters, regions):
    def ids(flt: ClusterFilter) -> list[str]:
        return list(filters.apply_filter(clusters, regions, flt)["id"])

    assert ids(ClusterFilter(status=("none",))) == ["B", "C"]
    assert ids(ClusterFilter(status=("none", "pilot innovative"))) == ["A", "B", "C"]
    assert ids(ClusterFilter(status=("none",), org_level=("initial",))) == ["C"]
    assert ids(ClusterFilter(status=(NOT_REPORTED,))) == ["D"]
    assert ids(ClusterFilter(specialisation=("Electronics",))) == ["A"]
    assert ids(ClusterFilter(federal_district=("Central", "Siberian"))) == ["B", "D"]
    assert ids(ClusterFilter(mne="with")) == ["A", "D"]
    assert ids(ClusterFilter(mne="without", status=("none",))) == ["B", "C"]


def test_default_filter_returns_every_cluster_unchanged(clusters, regions):
    assert filters.apply_filter(clusters, regions, ClusterFilter()) is clusters


def test_options_count_clusters_and_offer_every_scenario_and_district(clusters, regions):
    options = filters.filter_options(clusters, regions)
    assert options["status"] == {"none": 2, "pilot innovative": 1, NOT_REPORTED: 1}
    assert list(options["scenario"])[:2] == ["potential", "lonely"]
    assert options["scenario"]["supported"] == 0
    assert options["scenario"][NOT_REPORTED] == 1
    assert list(options["scenario"])[-1] == NOT_REPORTED, "not reported comes last"
    assert options["federal_district"] == {
        "Central": 1,
        "Siberian": 1,
        "Volga": 1,
        NOT_REPORTED: 1,
    }
    assert options["region"]["RU-MOW"] == 1
    assert options["specialisation"]["Software"] == 1
    assert sum(options["industry_group"].values()) == len(clusters)


def test_sanitise_drops_unknown_values_and_says_which(clusters, regions):
    options = filters.filter_options(clusters, regions)
    flt = ClusterFilter(status=("none", "bogus"), region=("RU-XX",), mne="with")
    clean, dropped = filters.sanitise(flt, options)
    assert clean == ClusterFilter(status=("none",), mne="with")
    assert dropped == ["Status: 'bogus'", "Region: 'RU-XX'"]


def test_count_text():
    assert filters.count_text(3, 30) == "3 of 30 clusters"
    assert set(filters.filter_fields()) == {f.field for f in filters.FACETS} | {"mne"}


# --- Russian (issue 9) ----------------------------------------------------------------------


def test_count_and_labels_in_russian_use_the_catalogue_and_plural_forms():
    assert filters.count_text(12, 30, lang="ru") == "12 из 30 кластеров"
    assert filters.count_text(1, 21, lang="ru") == "1 из 21 кластера"
    assert filters.count_text(1500, 2000, lang="ru") == "1\u202f500 из 2\u202f000 кластеров"
    assert filters.count_text(1, 21) == "1 of 21 clusters", "English unchanged"
    assert filters.facet_label("region", "ru") == "Регион"
    assert filters.facet_label("region") == "Region"
    assert filters.mne_label("with", "ru") == "Со связями с ТНК"
    assert filters.not_reported_label("ru") == "нет данных"


def test_sanitise_names_the_facet_in_the_language(clusters, regions):
    options = filters.filter_options(clusters, regions)
    flt = ClusterFilter(region=("RU-XX",))
    cleaned, dropped = filters.sanitise(flt, options, "ru")
    assert cleaned.region == () and dropped == ["Регион: «RU-XX»"]


def test_sanitise_says_every_dropped_value_in_russian_and_keeps_english(clusters, regions):
    """Each facet's problem reads in the page's language, with the URL's value as given
    (even one that looks like Markdown: the page escapes it); English is the CLI's text."""
    options = filters.filter_options(clusters, regions)
    bad = {facet.field: ("*x* <b>",) for facet in filters.FACETS}
    flt = ClusterFilter(**bad, mne="with")
    cleaned, russian = filters.sanitise(flt, options, "ru")
    _, english = filters.sanitise(flt, options)
    assert cleaned == ClusterFilter(mne="with")
    assert russian == [f"{filters.facet_label(f.field, 'ru')}: «*x* <b>»" for f in filters.FACETS]
    assert russian[:2] == ["Отраслевая группа: «*x* <b>»", "Специализация: «*x* <b>»"]
    assert english == [f"{f.label}: '*x* <b>'" for f in filters.FACETS]
    assert english[-1] == "Region: '*x* <b>'"


# --- several specialisations on the published data, end to end ------------------------------


def test_published_specialisations_are_options_one_by_one_and_counted_under_each(data):
    """PIC-10 lists "Bio- and radiopharmaceuticals; Nuclear medicine": each is an option of
    its own (the combined text is none), and PIC-10 counts under both, so the counts add
    up to the clusters plus one per extra specialisation, never fewer."""
    options = filters.filter_options(data.clusters, data.regions)["specialisation"]
    assert "Bio- and radiopharmaceuticals; Nuclear medicine" not in options
    assert not any(";" in value for value in options)
    texts = data.clusters["specialisation"].dropna()
    listed = sum(len(filters.split_specialisations(v)) for v in texts)
    missing = len(data.clusters) - len(texts)
    assert sum(options.values()) == listed + missing > len(data.clusters)
    for value, count in options.items():
        chosen = filters.apply_filter(
            data.clusters, data.regions, ClusterFilter(specialisation=(value,))
        )
        assert len(chosen) == count, value
    for value in ("Bio- and radiopharmaceuticals", "Nuclear medicine"):
        chosen = filters.apply_filter(
            data.clusters, data.regions, ClusterFilter(specialisation=(value,))
        )
        assert list(chosen["id"]) == ["PIC-10"]


def test_a_specialisation_filter_round_trips_through_the_url(data):
    flt = ClusterFilter(specialisation=("Nuclear medicine", "Downstream chemical products"))
    params = urlstate.filter_to_query_params(flt)
    assert params == {"specialisation": ["Downstream chemical products", "Nuclear medicine"]}
    assert urlstate.filter_from_query_params(params) == flt
    chosen = filters.apply_filter(data.clusters, data.regions, flt)
    assert sorted(chosen["id"]) == ["PIC-10", "PIC-20"]
    options = filters.filter_options(data.clusters, data.regions)
    assert filters.sanitise(flt, options) == (flt, [])
