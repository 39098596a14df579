"""The synthetic registry: calibration to the published aggregates, determinism, marking,
validation, the drop-in dataset, scale, and the ``clustermap synth`` command."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.analysis import indices
from geo.base.errors import DataValidationError
from geo.base.paths import PROJECT_ROOT, data_dir
from geo.cli import synth as cli_synth
from geo.data import synth
from geo.data.regions import load_regions
from geo.registry import sources
from geo.render import urlstate
from ui.dataset import SELECTOR_KEY

SEED = 2019  # the seed of the calibration table in docs/SYNTHETIC.md
N = 118  # the Cluster Map of Russia's published number of initiatives


@pytest.fixture(scope="module")
def geometry():
    return load_regions("detailed"), load_regions("web")


@pytest.fixture(scope="module")
def calibration(geometry):
    return synth.load_calibration(geometry[0])


def _generate(n, seed, geometry, calibration, mne_per_cluster=None):
    detailed, web = geometry
    return synth.generate(
        n, seed, mne_per_cluster, detailed=detailed, web=web, calibration=calibration
    )


@pytest.fixture(scope="module")
def registry(geometry, calibration):
    return _generate(N, SEED, geometry, calibration)


@pytest.fixture(scope="module")
def dataset():
    return sources.synthetic_dataset(N, SEED)


# --------------------------------------------------------------------------- apportionment


def test_apportion_sums_and_stays_within_one_of_the_quota():
    assert synth.apportion(118, [89, 21, 9]).tolist() == [88, 21, 9]
    rng = np.random.default_rng(0)
    for _ in range(200):
        weights = rng.random(rng.integers(1, 8)) * 10
        total = int(rng.integers(0, 500))
        counts = synth.apportion(total, weights)
        assert counts.sum() == total
        assert np.all(np.abs(counts - total * weights / weights.sum()) < 1)


def test_apportion_rejects_bad_weights():
    with pytest.raises(ValueError):
        synth.apportion(5, [0, 0])
    with pytest.raises(ValueError):
        synth.apportion(5, [1, -1])


# --------------------------------------------------------------------------- calibration


def test_calibration_reads_the_published_rows(calibration):
    assert calibration.initiatives == 118
    assert calibration.org_level_counts == {"initial": 89, "medium": 21, "high": 9}
    assert calibration.programme_counts == {
        "pilot innovative": 27,
        "leading": 12,
        "industrial": 43,
        "supported by a cluster development centre": 34,
    }
    weights = calibration.status_weights
    assert weights["pilot innovative"] == 25 and weights["none"] == 29
    assert sum(weights.values()) == pytest.approx(118)
    others = [
        weights[s] for s in ("leading", "industrial", "supported by a cluster development centre")
    ]
    assert np.allclose(np.array(others) / sum(others), np.array([12, 43, 34]) / 89)
    assert calibration.mne_share["pilot innovative"] == pytest.approx(15 / 25)
    assert calibration.mne_share["none"] == pytest.approx(2 / 29)
    for status in ("industrial", "supported by a cluster development centre"):
        assert 2 / 29 < calibration.mne_share[status] < 15 / 25  # A6: between the two
    assert calibration.members_total == 3000
    assert calibration.employees_total == 1_500_000
    assert len(calibration.region_weights) == 85 and calibration.region_weights.min() == 1


# --------------------------------------------------------------------------- aggregates at 118


@pytest.mark.parametrize("seed", [SEED, 1, 42])
def test_aggregates_match_the_published_figures(seed, geometry, calibration):
    reg = _generate(N, seed, geometry, calibration)
    clusters = reg.clusters
    assert len(clusters) == N

    # Organisation level: the published 89/21/9 sum to 119; at 118 the largest-remainder
    # quota takes the one extra off "initial". Tolerance: 1 cluster per level.
    levels = clusters["org_level"].value_counts().to_dict()
    assert levels == {"initial": 88, "medium": 21, "high": 9}
    for level, published in {"initial": 89, "medium": 21, "high": 9}.items():
        assert abs(levels[level] - published) <= 1

    # Status: the registry's own counts (MNE slide) exactly; the rest in proportion
    # 12:43:34 within 1 cluster of the exact quota.
    status = clusters["status"].value_counts()
    assert status["pilot innovative"] == 25
    assert status["none"] == 29
    for name, programme in {
        "leading": 12,
        "industrial": 43,
        "supported by a cluster development centre": 34,
    }.items():
        assert abs(status[name] - 64 * programme / 89) < 1

    # Share with MNEs by status: 15 of 25 and 2 of 29 exactly; the others within half a
    # cluster of their assumed share.
    linked = clusters["id"].isin(reg.mne_links["cluster_id"])
    with_mnes = clusters.loc[linked, "status"].value_counts()
    assert with_mnes["pilot innovative"] == 15
    assert with_mnes["none"] == 2
    for name in ("leading", "industrial", "supported by a cluster development centre"):
        assert abs(with_mnes.get(name, 0) - calibration.mne_share[name] * status[name]) <= 0.5

    # Members and employees: exact totals.
    assert clusters["participants"].sum() == 3000
    assert clusters["employees"].sum() == 1_500_000
    assert (clusters["participants"] >= synth.MIN_MEMBERS).all()
    assert (clusters["employees"] >= clusters["participants"]).all()


def test_aggregates_scale_with_the_registry(geometry, calibration):
    """At ten times the published size every published count is ten times larger (the
    model scales the registry, it does not stop at 118)."""
    reg = _generate(10 * N, 5, geometry, calibration)
    clusters = reg.clusters
    status = clusters["status"].value_counts()
    assert status["pilot innovative"] == 250 and status["none"] == 290
    linked = clusters["id"].isin(reg.mne_links["cluster_id"])
    with_mnes = clusters.loc[linked, "status"].value_counts()
    assert with_mnes["pilot innovative"] == 150  # 15 of 25, scaled
    assert with_mnes["none"] == 20  # 2 of 29, scaled
    assert clusters["participants"].sum() == 30_000
    assert clusters["employees"].sum() == 15_000_000
    levels = clusters["org_level"].value_counts()
    for level, published in {"initial": 89, "medium": 21, "high": 9}.items():
        assert abs(levels[level] - 10 * N * published / 119) < 1


def test_specialisations_and_regions_follow_the_published_clusters(geometry, calibration):
    """Industry groups by quota of the published clusters' groups (002 Table 5 and the
    003 industries outside them); regions drawn with weight 1 + published clusters (A8),
    checked as frequencies within five binomial standard deviations."""
    n = 5_000
    reg = _generate(n, 11, geometry, calibration)
    clusters = reg.clusters
    by_label = {s.label_en: s for s in synth.SPECIALISATIONS}
    category = [by_label[v].industry_group or v for v in clusters["specialisation"]]
    counts = pd.Series(category).value_counts()
    weights = pd.Series(calibration.category_weights)
    expected = n * weights / weights.sum()
    assert set(counts.index) <= set(weights.index)
    assert (counts.reindex(weights.index).fillna(0) - expected).abs().max() < 1
    assert set(clusters["specialisation"]) <= set(by_label)

    region_weights = calibration.region_weights
    p = region_weights / region_weights.sum()
    observed = reg.points["region_code"].value_counts().reindex(p.index).fillna(0) / n
    sigma = np.sqrt(p * (1 - p) / n)
    assert ((observed - p).abs() <= 5 * sigma).all()
    # Regions with published clusters weigh more, and get more synthetic clusters.
    heavy = region_weights[region_weights > 1].index
    light = region_weights[region_weights == 1].index
    assert observed[heavy].mean() > observed[light].mean()


def test_calibration_table_has_generated_equal_to_target(registry, calibration):
    table = synth.calibration_table(registry, calibration)
    assert (table["generated"] == table["model_target"]).all()
    assert {"org_level_initial", "cluster_members", "cluster_employees"} <= set(
        table["source_metric"]
    )


def test_mne_per_cluster_gives_the_mean_and_keeps_everything_else(registry, geometry, calibration):
    dense = _generate(N, SEED, geometry, calibration, mne_per_cluster=10)
    assert len(dense.mne_links) == 10 * N
    # Only the provenance differs: source_ref names the command, --mne-per-cluster included.
    same = [c for c in registry.clusters.columns if c != "source_ref"]
    pd.testing.assert_frame_equal(dense.clusters[same], registry.clusters[same])
    pd.testing.assert_frame_equal(dense.points, registry.points)
    assert set(dense.mne_links["cluster_id"]) == set(registry.mne_links["cluster_id"])
    assert "--mne-per-cluster 10" in dense.mne_links["source_ref"].iloc[0]


def test_too_few_links_for_the_published_shares_is_an_error(geometry, calibration):
    with pytest.raises(ValueError, match="use at least"):
        _generate(N, SEED, geometry, calibration, mne_per_cluster=0.1)


@pytest.mark.parametrize(
    ("n", "seed", "k"), [(0, 1, None), (1_000_000, 1, None), (5, -1, None), (5, 1, -2.0)]
)
def test_bad_arguments_are_refused(n, seed, k, geometry, calibration):
    with pytest.raises(ValueError):
        _generate(n, seed, geometry, calibration, mne_per_cluster=k)


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_frames_different_seed_different(registry, geometry, calibration):
    again = _generate(N, SEED, geometry, calibration)
    pd.testing.assert_frame_equal(again.clusters, registry.clusters)
    pd.testing.assert_frame_equal(again.mne_links, registry.mne_links)
    pd.testing.assert_frame_equal(again.points, registry.points)
    other = _generate(N, SEED + 1, geometry, calibration)
    assert not other.points[["lat", "lon"]].equals(registry.points[["lat", "lon"]])
    assert not other.clusters["status"].equals(registry.clusters["status"])
    assert not other.mne_links["cluster_id"].equals(registry.mne_links["cluster_id"])


# --------------------------------------------------------------------------- marking


def test_every_record_is_marked_synthetic(registry):
    clusters, links, points = registry.clusters, registry.mne_links, registry.points
    command = f"clustermap synth --clusters {N} --seed {SEED}"
    assert clusters["id"].str.fullmatch(r"SYN-\d{6}").all()
    assert clusters["id"].iloc[0] == "SYN-000001"
    assert clusters["name_en"].str.match(r"Synthetic cluster \d+ \(.+\)$").all()
    assert clusters["name_ru"].str.startswith("Синтетический кластер").all()
    assert (clusters["synthetic"] == True).all()  # noqa: E712  (a real bool column)
    assert (clusters["source_doc"] == "synthetic").all()
    assert (clusters["source_ref"] == command).all()
    assert links["link_id"].str.fullmatch(r"SYN-MNE-\d{7}").all()
    assert links["mne_name"].str.startswith("Synthetic MNE").all()
    assert links["synthetic"].all() and (links["source_doc"] == "synthetic").all()
    assert (links["source_ref"] == command).all()
    assert points["synthetic"].all() and (points["location_basis"] == "synthetic").all()


def test_real_data_is_untouched_and_regional_indicators_stay_real(dataset, data):
    real = data
    pd.testing.assert_frame_equal(dataset.indicators, real.indicators)
    assert not real.clusters["id"].str.startswith("SYN-").any()


# --------------------------------------------------------------------------- validation


def test_registry_validates_through_the_records_models(registry):
    assert synth.validate_registry(registry) == []


def test_validation_rejects_what_the_real_schema_rejects(registry):
    bad = registry.clusters.copy()
    bad.loc[0, "status"] = "famous"  # not in the vocabulary
    bad.loc[1, "source_doc"] = "002"  # a synthetic record cannot cite a real document
    bad.loc[2, "participants"] = -3.0
    bad.loc[3, "synthetic"] = False
    bad.loc[4, "id"] = "PIC-01"
    links = registry.mne_links.copy()
    links.loc[0, "cluster_id"] = "SYN-999999"  # dangling
    tampered = synth.SyntheticRegistry(
        registry.n, registry.seed, None, registry.command, bad, links, registry.points
    )
    issues = synth.validate_registry(tampered)
    where = {(i.file, i.row, i.column) for i in issues}
    assert where >= {
        ("synthetic clusters", 2, "status"),
        ("synthetic clusters", 3, "source_doc"),
        ("synthetic clusters", 4, "participants"),
        ("synthetic clusters", 5, "synthetic"),
        ("synthetic clusters", 6, "id"),
        ("synthetic mne_links", 2, "cluster_id"),
    }
    with pytest.raises(DataValidationError):
        synth.check_registry(tampered)


def test_indicators_are_in_the_published_ranges(registry, calibration):
    clusters = registry.clusters
    outside = clusters["industry_group"].isna()
    assert outside.any() and (~outside).any()
    columns = [m.column for m in calibration.indicator_models]
    assert clusters.loc[outside, columns].isna().all().all()  # no group, no indicators
    for model in calibration.indicator_models:
        values = clusters.loc[~outside, model.column].dropna()
        positive = values[values > 0]
        assert ((values == 0) | (values > 0)).all()
        assert positive.min() >= model.low - 0.005 and positive.max() <= model.high + 0.005
        if model.whole:
            assert (values == values.round()).all()
    assert (
        clusters["intl_members"].dropna()
        <= clusters["participants"][clusters["intl_members"].notna()]
    ).all()


# --------------------------------------------------------------------------- the dataset


def test_dataset_is_a_drop_in_for_load_dataset(dataset, data):
    real = data.clusters
    clusters = dataset.clusters
    assert list(real.columns) == [c for c in clusters.columns if c in real.columns]
    assert set(clusters.columns) - set(real.columns) == {"synthetic"}  # employees: a card field
    for column in real.columns:
        assert clusters[column].dtype == real[column].dtype, column
    assert clusters.crs == real.crs
    assert set(clusters["scenario"]) <= set(indices.SCENARIOS)
    assert clusters["mne_count"].sum() == len(dataset.mne_links)
    assert (clusters["location_basis"] == "synthetic").all()
    assert not clusters["region_mismatch"].any()
    assert (clusters["located_region_code"] == clusters["region_code"]).all()


def test_points_fall_in_their_region_at_both_resolutions(dataset):
    clusters = dataset.clusters
    web = dataset.regions.set_index("code").geometry
    inside = [
        shapely.contains_xy(web[code], lon, lat)
        for code, lon, lat in zip(
            clusters["region_code"], clusters["lon"], clusters["lat"], strict=True
        )
    ]
    assert all(inside)


def test_scenarios_are_computed_only_where_both_indices_exist(dataset):
    clusters = dataset.clusters
    table_regions = set(dataset.indicators["region_code"])
    unassessable = clusters["industry_group"].isna() | ~clusters["region_code"].isin(table_regions)
    assert (clusters.loc[unassessable, "scenario"] == "not assessed").all()
    assessed = clusters.loc[~unassessable]
    assert (assessed["scenario"] != "not assessed").all()
    assert assessed["cluster_index"].notna().all() and assessed["region_index"].notna().all()


@pytest.mark.slow
def test_it_scales_to_ten_thousand_clusters(geometry, calibration):
    data = sources.synthetic_dataset(10_000, 7)
    assert len(data.clusters) == 10_000
    assert data.clusters["id"].is_unique and data.clusters["id"].iloc[-1] == "SYN-010000"
    dense = _generate(10_000, 7, geometry, calibration, mne_per_cluster=10)
    assert len(dense.mne_links) == 100_000


# --------------------------------------------------------------------------- command line


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="clustermap")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_synth.register(sub)
    args = parser.parse_args(["synth", *argv])
    return args.func(args)


def _data_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir().rglob("*")):
        if path.is_file():
            digest.update(str(path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_cli_writes_a_folder_of_marked_tables(tmp_path, capsys):
    before = _data_fingerprint()
    out = tmp_path / "demo"
    assert _run("--clusters", "40", "--seed", "3", "-o", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "README.txt",
        "clusters.csv",
        "mne_links.csv",
        "points.csv",
    ]
    clusters = pd.read_csv(out / "clusters.csv", dtype=str, keep_default_na=False)
    assert len(clusters) == 40 and (clusters["synthetic"] == "True").all()
    assert (clusters["source_ref"] == "clustermap synth --clusters 40 --seed 3").all()
    assert "SYNTHETIC DATA" in (out / "README.txt").read_text()
    assert _data_fingerprint() == before  # nothing written into data/

    # Existing files are not overwritten without --force.
    with pytest.raises(ValueError, match="--force"):
        _run("--clusters", "40", "--seed", "3", "-o", str(out))
    assert _run("--clusters", "40", "--seed", "3", "-o", str(out), "--force") == 0


def test_cli_zip_and_json(tmp_path, capsys):
    target = tmp_path / "demo.zip"
    assert _run("--clusters", "20", "--seed", "1", "--format", "json", "-o", str(target)) == 0
    with zipfile.ZipFile(target) as archive:
        assert set(archive.namelist()) == {
            "README.txt",
            "clusters.json",
            "mne_links.json",
            "points.json",
        }
        document = json.loads(archive.read("clusters.json"))
    assert document["meta"]["synthetic"] is True
    assert len(document["records"]) == 20
    assert isinstance(document["records"][0]["participants"], int)

    capsys.readouterr()
    assert _run("--clusters", "20", "--seed", "1", "--format", "json") == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"meta", "clusters", "mne_links", "points"}
    assert all(row["synthetic"] is True for row in document["mne_links"])


def test_cli_stdout_csv_is_one_table(capsys):
    assert _run("--clusters", "10", "--seed", "1") == 0
    clusters = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(clusters) == 10 and clusters["id"].str.startswith("SYN-").all()
    assert _run("--clusters", "10", "--seed", "1", "--table", "mne_links") == 0
    links = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert set(links["cluster_id"]) <= set(clusters["id"])
    with pytest.raises(ValueError, match="one table"):
        _run("--clusters", "10", "--seed", "1", "--table", "all")


def test_cli_refuses_the_data_folder(tmp_path):
    target = PROJECT_ROOT / "data" / "synthetic-demo"
    with pytest.raises(ValueError, match="data folder"):
        _run("--clusters", "10", "--seed", "1", "-o", str(target))
    assert not target.exists()


def test_cli_calibration_table(capsys):
    assert _run("--clusters", str(N), "--seed", str(SEED), "--calibration") == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert (table["generated"] == table["model_target"]).all()
    row = table.set_index("target").loc["status pilot innovative"]
    assert row["generated"] == 25


def test_export_text_marks_missing_as_not_reported(registry):
    text = synth.export_frame(registry.clusters)
    assert (text["city"] == "not reported").all()
    assert (text["index_published"] == "not reported").all()
    assert text["participants"].map(lambda v: re.fullmatch(r"\d+", v) is not None).all()


# --------------------------------------------------------------------------- the app's choice


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, urlstate.DatasetChoice()),
        ({"data": ["published"]}, urlstate.DatasetChoice()),
        ({"data": ["synthetic"]}, urlstate.DatasetChoice("synthetic", 1000, 1)),
        (
            {"data": "synthetic", "n": "250", "seed": "7"},
            urlstate.DatasetChoice("synthetic", 250, 7),
        ),
        (
            {"data": ["synthetic"], "n": ["5", "20000"]},
            urlstate.DatasetChoice("synthetic", 20000, 1),
        ),
    ],
)
def test_choice_from_good_query_params(params, expected):
    choice, problems = urlstate.choice_from_query_params(params)
    assert problems == []
    assert choice == expected
    assert urlstate.choice_from_query_params(choice.to_query_params())[0] == choice


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"data": ["fake"]}, "data must be"),
        ({"data": ["synthetic"], "n": ["abc"]}, "'abc'"),
        ({"data": ["synthetic"], "n": ["0"]}, "n must be"),
        ({"data": ["synthetic"], "n": ["20001"]}, "'20001'"),
        ({"data": ["synthetic"], "n": ["10"], "seed": ["-1"]}, "seed must be"),
        ({"n": ["10"]}, "only with data=synthetic"),
    ],
)
def test_bad_query_params_fall_back_to_published_and_say_why(params, named):
    choice, problems = urlstate.choice_from_query_params(params)
    assert choice == urlstate.DatasetChoice() and not choice.synthetic
    assert any(named in p for p in problems), problems


@pytest.mark.parametrize(
    ("params", "english", "russian"),
    [
        (
            {"data": ["fake"]},
            "data must be 'published' or 'synthetic', not 'fake'",
            "параметр data должен быть «published» или «synthetic», а не «fake»",
        ),
        (
            {"data": ["synthetic"], "n": ["lots"]},
            "n must be a whole number from 1 to 20,000, not 'lots'",
            "параметр n должен быть целым числом от 1 до 20\u202f000, а не «lots»",
        ),
        (
            {"data": ["synthetic"], "seed": ["-1"]},
            "seed must be a whole number ≥ 0, not '-1'",
            "параметр seed должен быть целым числом ≥ 0, а не «-1»",
        ),
        (
            {"seed": ["4"]},
            "n and seed apply only with data=synthetic",
            "параметры n и seed действуют только при data=synthetic",
        ),
    ],
)
def test_query_param_problems_in_russian_and_english(params, english, russian):
    assert urlstate.choice_from_query_params(params) == (urlstate.DatasetChoice(), [english])
    assert urlstate.choice_from_query_params(params, "ru") == (urlstate.DatasetChoice(), [russian])


def test_dataset_choice_errors_stay_english():
    with pytest.raises(ValueError, match=r"^n must be a whole number from 1 to 20,000, not '0'$"):
        urlstate.DatasetChoice("synthetic", 0, 1)


def test_dataset_choice_refuses_bad_values():
    for bad in [("synthetic", 0, 1), ("synthetic", 10, -1), ("other", None, None)]:
        with pytest.raises(ValueError):
            urlstate.DatasetChoice(*bad)
    with pytest.raises(ValueError):
        urlstate.DatasetChoice("published", 10, 1)
    assert urlstate.DatasetChoice().to_query_params() == {}
    assert urlstate.DatasetChoice("synthetic", 10, 2).key() == ("synthetic", 10, 2)


# --------------------------------------------------------------------------- the dataset selector

# A minimal app that does what the entry point does before a page, then shows the dataset.
SELECTOR_APP = f"""
import sys
sys.path.insert(0, {str(PROJECT_ROOT)!r})
import streamlit as st
from ui import dataset as common

common.dataset_selector()
common.synthetic_banner()
data = common.dataset()
st.markdown(f"clusters={{len(data.clusters)}} first={{data.clusters['id'].iloc[0]}}")
st.markdown(f"key={{common.dataset_key()}}")
"""


def _selector_app(query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(SELECTOR_APP, default_timeout=120)
    at.query_params["lang"] = "en"  # these tests read English texts (issue 9: default ru)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _param(at, key: str) -> list[str]:
    """A URL parameter of the app after its run, always as a list."""
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def _texts(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_selector_defaults_to_published_without_a_banner(data):
    at = _selector_app()
    published = data.clusters
    assert f"clusters={len(published)} first={published['id'].iloc[0]}" in _texts(at)
    assert "SYN-" not in _texts(at)
    assert not any("SYNTHETIC DATA" in e.value for e in at.error)
    assert not at.radio  # published data: the pickers are drawn once the selector is opened
    at.session_state[SELECTOR_KEY] = True
    at.run()
    assert at.radio[0].value == "published"


def test_url_selects_a_synthetic_registry_with_a_banner():
    at = _selector_app({"data": "synthetic", "n": "40", "seed": "3"})
    assert "clusters=40 first=SYN-000001" in _texts(at)
    assert any("SYNTHETIC DATA" in e.value and "40 clusters" in e.value for e in at.error)
    assert at.radio[0].value == "synthetic"
    assert at.number_input[0].value == 40 and at.number_input[1].value == 3
    assert "key=('synthetic', 40, 3, None)" in _texts(at)


def test_choice_survives_a_cleared_url_and_the_sidebar_changes_it():
    at = _selector_app({"data": "synthetic", "n": "40", "seed": "3"})
    # A page switch (or a page rewriting its own URL) clears the parameters: the session's
    # choice stands, and the URL gets the parameters back.
    for key in list(at.query_params):
        del at.query_params[key]
    at.run()
    assert "clusters=40" in _texts(at)
    assert _param(at, "data") == ["synthetic"] and _param(at, "n") == ["40"]
    # The sidebar: another size, then back to the published data.
    at.number_input[0].set_value(25).run()
    assert "clusters=25" in _texts(at) and _param(at, "n") == ["25"]
    at.radio[0].set_value("published").run()
    assert "SYN-" not in _texts(at)
    assert "data" not in at.query_params
    assert not any("SYNTHETIC DATA" in e.value for e in at.error)


def test_bad_url_shows_published_data_and_names_the_parameter():
    at = _selector_app({"data": "synthetic", "n": "lots"})
    assert "SYN-" not in _texts(at)
    shown = [w.value.replace("\\", "") for w in at.warning]  # the URL's text is escaped
    assert any("'lots'" in w and "published" in w for w in shown), shown
    assert not any("SYNTHETIC DATA" in e.value for e in at.error)


def test_bad_url_is_named_in_russian_and_shown_literally():
    at = _selector_app({"lang": "ru", "data": "synthetic", "n": "**9**", "seed": "[x](y)"})
    shown = [w.value for w in at.warning]
    assert len(shown) == 1 and "**9**" not in shown[0] and "](y)" not in shown[0], shown
    # (md_literal writes every whitespace, the narrow no-break space of 20 000 too, as a space)
    assert shown[0].replace("\\", "") == (
        "В адресе проигнорировано: параметр n должен быть целым числом от 1 до 20 000, "
        "а не «**9**»; параметр seed должен быть целым числом ≥ 0, а не «[x](y)». "
        "Показаны опубликованные данные."
    )
    assert "SYN-" not in _texts(at)
