"""Views: territory, filters and measure resolved to the rows every export is built from."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo.analysis import filters, measures
from geo.analysis.dataset import Dataset
from geo.base.missing import is_null
from geo.data import version
from geo.render import classify, urlstate, views


def test_country_view_holds_everything(data: Dataset) -> None:
    rv = views.resolve_view(data, views.View())
    assert rv.territory.kind == "country"
    assert len(rv.regions) == len(data.regions) == 85
    assert len(rv.detailed) == 85
    # RU keeps every cluster, the one without a reported region included.
    assert set(rv.clusters["id"]) == set(data.clusters["id"])
    assert data.clusters["region_code"].isna().any()
    assert len(rv.mne_links) == len(data.mne_links)
    assert len(rv.indicators) == len(data.indicators)
    assert rv.total_clusters == len(data.clusters)
    assert list(rv.clusters["id"]) == sorted(rv.clusters["id"])
    assert not rv.synthetic


def test_federal_district_view(data: Dataset) -> None:
    rv = views.resolve_view(data, views.View("Volga"))
    members = set(data.regions.loc[data.regions["federal_district"] == "Volga", "code"])
    assert rv.territory.kind == "federal district"
    assert rv.territory.name_en == "Volga Federal District"
    assert set(rv.regions["code"]) == members == set(rv.territory.region_codes)
    assert set(rv.clusters["region_code"]) <= members
    expected = data.clusters.loc[data.clusters["region_code"].isin(members), "id"]
    assert set(rv.clusters["id"]) == set(expected)
    assert set(rv.mne_links["cluster_id"]) <= set(rv.clusters["id"])
    assert set(rv.indicators["region_code"]) <= members
    assert len(rv.values) == len(members)
    # Classes are the country's: Tatarstan has the same class in the district view.
    country = views.resolve_view(data, views.View())
    for code in members:
        assert rv.classification.colour_of(code) == country.classification.colour_of(code)
    assert sum(rv.view_classification.counts()) + rv.view_classification.no_data == len(members)


def test_region_view_and_case_insensitive_territory(data: Dataset) -> None:
    rv = views.resolve_view(data, views.View("ru-ta"))
    assert rv.territory.code == "RU-TA" and rv.territory.kind == "region"
    assert list(rv.regions["code"]) == ["RU-TA"]
    assert set(rv.clusters["region_code"]) == {"RU-TA"}
    assert rv.values.index.tolist() == ["RU-TA"]
    assert views.resolve_territory(data.regions, "far eastern").code == "Far Eastern"
    assert views.resolve_territory(data.regions, "Russia").code == "RU"


def test_bounds_of_a_region_lie_inside_its_district_and_the_country(data: Dataset) -> None:
    country = views.resolve_view(data, views.View()).bounds
    volga = views.resolve_view(data, views.View("Volga")).bounds
    tatarstan = views.resolve_view(data, views.View("RU-TA")).bounds
    for inner, outer in ((tatarstan, volga), (volga, country)):
        assert outer[0] <= inner[0] and outer[1] <= inner[1]
        assert inner[2] <= outer[2] and inner[3] <= outer[3]
    assert country[2] > 180  # eastern Chukotka kept whole (longitudes 180–191)
    assert 47 < tatarstan[0] < 49 and 56 < tatarstan[3] < 57


def test_filters_restrict_clusters_and_links(data: Dataset) -> None:
    flt = filters.ClusterFilter(mne="with")
    rv = views.resolve_view(data, views.View(filters=flt))
    assert len(rv.clusters) == (data.clusters["mne_count"] > 0).sum()
    assert (rv.clusters["mne_count"] > 0).all()
    assert set(rv.mne_links["cluster_id"]) == set(rv.clusters["id"])
    status = views.resolve_view(
        data, views.View(filters=filters.ClusterFilter(status=("pilot innovative",)))
    )
    assert len(status.clusters) == 25
    assert (status.clusters["status"] == "pilot innovative").all()
    # Measures do not depend on the filters (as on the map page).
    assert rv.all_values.equals(status.all_values)


def test_measure_values_and_classes_match_the_map_page(data: Dataset) -> None:
    view = views.View(measure="cluster_count", scheme="equal_interval", k=3)
    rv = views.resolve_view(data, view)
    expected = measures.measure_table(data)["cluster_count"]
    pd.testing.assert_series_equal(rv.all_values, expected)
    reference = classify.classify(expected, "equal_interval", 3)
    assert rv.classification.bins == reference.bins
    assert rv.classification.colours == reference.colours
    pd.testing.assert_series_equal(rv.classification.classes, reference.classes)
    assert rv.measure.key == "cluster_count"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"territory": " "}, "territory is empty"),
        ({"measure": "gdp"}, "gdp"),
        ({"scheme": "jenks"}, "unknown classification scheme 'jenks'"),
        ({"k": 99}, "number of classes"),
        ({"k": True}, "whole number"),
        ({"lang": "de"}, "language"),
    ],
)
def test_bad_view_settings_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        views.View(**kwargs)


def test_unknown_territory_is_a_clear_error(data: Dataset) -> None:
    with pytest.raises(ValueError, match=r"unknown territory 'RU-XX'.*Volga.*RU-TA"):
        views.resolve_view(data, views.View("RU-XX"))


def test_query_params_round_trip() -> None:
    view = views.View(
        territory="Volga",
        filters=filters.ClusterFilter(status=("pilot innovative",), mne="with"),
        measure="mne_links",
        scheme="natural_breaks",
        k=4,
        lang="ru",
    )
    params = urlstate.view_to_query_params(view)
    assert params["territory"] == ["Volga"] and params["lang"] == ["ru"]
    assert urlstate.view_from_query_params(params) == view
    assert urlstate.view_to_query_params(views.View()).get("territory") is None
    assert urlstate.view_key(views.View("RU-TA")) != urlstate.view_key(views.View("Volga"))
    assert urlstate.view_key(views.View("Volga")) == urlstate.view_key(views.View("Volga"))


def test_view_from_map_state() -> None:
    flt = filters.ClusterFilter(mne="without")
    mv = views.View(filters=flt, measure="mne_links", scheme="quantiles", k=3, tiles=True)
    view = mv.for_territory("RU-TA")
    assert (view.territory, view.filters, view.measure, view.k) == ("RU-TA", flt, "mne_links", 3)
    assert view.tiles is False  # exports are always drawn offline


def test_territory_choices(data: Dataset) -> None:
    choices = views.territory_choices(data.regions)
    assert choices[0] == "RU" and "Volga" in choices and "RU-TA" in choices
    assert len(choices) == 1 + 8 + 85


def test_dataset_version_is_a_stable_fingerprint() -> None:
    first = version.dataset_version()
    assert first.startswith("sha256:") and len(first) == len("sha256:") + 12
    assert version.dataset_version() == first
    assert version.dataset_version(version.DATASET_FILES[:1]) != first


def test_synthetic_registry_is_recognised(data: Dataset) -> None:
    clusters = data.clusters.copy()
    clusters["synthetic"] = True
    rv = views.resolve_view(dataclasses.replace(data, clusters=clusters), views.View())
    assert rv.synthetic
    assert not views.is_synthetic(data.clusters)


def test_is_missing() -> None:
    assert is_null(None) and is_null(float("nan")) and is_null(pd.NA)
    assert not is_null(0) and not is_null("") and not is_null("x")


def test_filter_summary_in_russian_names_labels_and_values_english_unchanged() -> None:
    flt = filters.ClusterFilter(
        status=("pilot innovative", filters.NOT_REPORTED),
        scenario=("lonely",),
        federal_district=("Far Eastern",),
        specialisation=("Nuclear technologies",),
        mne="without",
    )
    ru = dict(views.filter_summary(flt, "ru"))
    assert ru["Статус"] == "нет данных; пилотный инновационный кластер"  # the filter's order
    assert ru["Сценарий"] == "Одинокий"
    assert ru["Федеральный округ"] == "Дальневосточный федеральный округ"
    assert ru["Специализация"] == "Nuclear technologies"  # free text of the records, as given
    assert ru["Регион"] == "все" and ru["Наличие ТНК"] == "Без связей с ТНК"
    en = views.filter_summary(flt)
    assert en[0] == ("Industry group", "all") and en[-1] == ("MNE presence", "Without MNE links")
    assert dict(en)["Status"] == "not reported; pilot innovative"  # stored order, English
    assert [label for label, _ in views.filter_summary(filters.ClusterFilter(), "ru")] == list(ru)
