"""The benchmark core in its short mode: structure of the result, ours and naive side by
side, growth and budget arithmetic, the command and the docs updater. No time is ever
asserted (speed is what the benchmark reports, not what a test checks)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
from pathlib import Path

import pytest

from benchmarks import cli_bench, scale as bench
from geo.analysis import measures
from geo.registry import sources
from geo.render import maps
from geo.render.exports import formats
from geo.render.leaflet import offline

SIZES = (20, 60)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def result():
    return bench.run(bench.BenchConfig.quick(sizes=SIZES))


@pytest.fixture(scope="module")
def small():
    return sources.synthetic_dataset(25, 4, 10.0)


@pytest.mark.slow
def test_result_has_one_record_per_size_with_ours_and_naive(result):
    assert result["meta"]["synthetic"] is True
    assert [r["n"] for r in result["records"]] == list(SIZES)
    for record in result["records"]:
        n = record["n"]
        assert record["mne_links"] == 10 * n  # ~10 MNE links per cluster, exactly here
        ours, naive = record["ours"], record["naive"]
        for side in (ours, naive):
            for key in ("map_build_s", "filter_change_s", "map_build_cpu_s"):
                assert isinstance(side[key], float) and side[key] > 0
            for key in ("map_payload_bytes", "filtered_payload_bytes"):
                assert isinstance(side[key], int) and side[key] > 0
        assert 0 < ours["dynamic_layer_bytes"] < ours["map_payload_bytes"]
        assert set(ours["exports"]) == set(formats.FORMATS)
        for export in ours["exports"].values():
            assert export["s"] > 0 and export["cpu_s"] > 0 and export["bytes"] > 0
        assert 0 < record["filtered_clusters"] < n
        # A filter that keeps fewer clusters sends fewer bytes (ours and naive).
        assert ours["filtered_payload_bytes"] < ours["map_payload_bytes"]
        assert naive["filtered_payload_bytes"] < naive["map_payload_bytes"]
        assert record["cold_start"] is None  # quick mode skips it


@pytest.mark.slow
def test_result_is_plain_json_with_machine_info(result):
    text = json.dumps(result, allow_nan=False)
    again = json.loads(text)
    machine = again["meta"]["machine"]
    assert machine["cores"] >= 1 and machine["python"]
    assert machine["packages"]["folium"]
    assert again["meta"]["config"]["sizes"] == list(SIZES)


@pytest.mark.slow
def test_growth_and_budget_in_the_result(result):
    growth = result["growth"]
    for name in ("ours.map_build_s", "naive.map_build_s", "ours.filter_change_s"):
        assert isinstance(growth[name]["slope_all"], float)
    assert "ours.export_xlsx_s" in growth
    assert result["budget"] == []  # no 10,000-cluster record in the short mode


def test_growth_slopes_are_the_exponents():
    records = [
        {"n": n, "ours": {"map_build_s": 0.001 * n, "exports": {}}, "naive": {"x_s": 1e-6 * n**2}}
        for n in (100, 1000, 10000)
    ]
    growth = bench.growth(records)
    assert growth["ours.map_build_s"]["slope_all"] == pytest.approx(1.0)
    assert growth["naive.x_s"]["slope_top"] == pytest.approx(2.0)
    single = bench.growth(records[:1])
    assert single["ours.map_build_s"] == {"slope_all": None, "slope_top": None}


def test_budget_checks_compare_the_ten_thousand_record():
    record = {
        "n": 10_000,
        "ours": {
            "map_build_s": 1.5,
            "map_build_cpu_s": 0.5,
            "map_payload_bytes": 2_000_000,
            "filter_change_s": 0.1,
            "exports": {"csv": {"s": 4.0, "bytes": 1}, "png": {"s": 1.0, "bytes": 1}},
        },
    }
    result = bench.budget_checks([record])
    checks = {c["measure"]: c["ok"] for c in result}
    assert result[0]["ok_cpu"] is True and result[0]["cpu_s"] == 0.5  # slow wall, fast CPU
    assert result[1]["ok_cpu"] is None  # bytes have no CPU time
    assert checks == {
        "map build (s)": False,
        "map payload (bytes)": False,
        "filter change (s)": True,
        "export csv (s)": False,
        "export png (s)": True,
    }


@pytest.mark.slow
def test_our_map_is_offline_and_draws_every_cluster(small):
    page = bench.our_map_html(small)
    assert offline.external_urls([page]) == []
    caches = bench.MapCaches(
        maps.region_payload(small.regions, "albers"),
        maps.leaflet_assets(),
        measures.measure_table(small),
    )
    assert len(bench.base_map_html(caches)) < len(page)
    # Warm caches give the same page (folium's random element ids have a fixed length).
    assert len(bench.our_map_html(small, caches=caches)) == len(page)
    for cluster_id in small.clusters["id"]:
        assert cluster_id in page


@pytest.mark.slow
def test_naive_map_has_one_marker_per_located_cluster(small):
    page = bench.naive_map_html(small)
    located = int((small.clusters["lat"].notna() & small.clusters["lon"].notna()).sum())
    assert page.count("L.marker(") == located
    filtered = bench.naive_map_html(small, bench.FILTER_CHANGE)
    assert filtered.count("L.marker(") < located


@pytest.mark.slow
def test_markdown_has_every_size_and_the_machine(result):
    text = bench.render_markdown(result)
    for n in SIZES:
        assert f"| {n} |" in text
    assert "build naive, s (CPU)" in text and "### Machine" in text
    assert "not measured" in text  # the cold start of the short mode


@pytest.mark.parametrize(
    ("text", "sizes"), [("100,1000,10000", (100, 1000, 10000)), ("10_000, 5", (10000, 5))]
)
def test_parse_sizes(text, sizes):
    assert bench.parse_sizes(text) == sizes


@pytest.mark.parametrize("text", ["", "10,x", "0", "-5"])
def test_parse_sizes_names_the_bad_part(text):
    with pytest.raises(ValueError, match="--sizes"):
        bench.parse_sizes(text)


def test_config_refuses_bad_settings():
    with pytest.raises(ValueError):
        bench.BenchConfig(sizes=())
    with pytest.raises(ValueError):
        bench.BenchConfig(sizes=(0,))
    with pytest.raises(ValueError):
        bench.BenchConfig(repeats=0)
    with pytest.raises(ValueError, match="unknown export format"):
        bench.BenchConfig(formats=("docx",))


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="clustermap")
    cli_bench.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["bench", *argv])
    return args.func(args)


@pytest.mark.slow
def test_cli_writes_json_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "bench.json"
    argv = ("--quick", "--sizes", "15", "--no-naive", "-o", str(target))
    assert _cli(*argv) == 0
    document = json.loads(target.read_text())
    assert [r["n"] for r in document["records"]] == [15]
    assert document["records"][0]["naive"] is None
    assert document["meta"]["config"]["repeats"] == 1
    with pytest.raises(ValueError, match="--force"):
        _cli(*argv)


def test_cli_options_make_the_config():
    parser = argparse.ArgumentParser(prog="clustermap")
    cli_bench.register(parser.add_subparsers(dest="command", required=True))
    full = cli_bench.config_from_args(parser.parse_args(["bench"]))
    assert full.sizes == (100, 1000, 10000) and full.cold_start and full.repeats == 3
    quick = cli_bench.config_from_args(parser.parse_args(["bench", "--quick"]))
    assert quick.sizes == bench.QUICK_SIZES and not quick.cold_start and quick.repeats == 1
    with pytest.raises(SystemExit):
        parser.parse_args(["bench", "--sizes", "ten"])


def _script():
    spec = importlib.util.spec_from_file_location("bench_script", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_updater_replaces_only_its_section():
    section = "## Scale (issue 8)"
    document = (
        "# Benchmarks\n\n## Map (issue 5)\n\nkeep me\n\n"
        "## Scale (issue 8)\n\nold numbers\n\n## Other\n\nkeep me too\n"
    )
    updated = bench.replace_section(document, section, "new numbers")
    assert "old numbers" not in updated and "new numbers" in updated
    assert updated.count("keep me") == 2 and updated.index("## Other") > updated.index("new")
    appended = bench.replace_section("# Benchmarks\n", section, "first numbers")
    assert appended == "# Benchmarks\n\n## Scale (issue 8)\n\nfirst numbers\n"


@pytest.mark.browser
@pytest.mark.slow
def test_cold_start_reaches_the_first_map():
    """The cold start in a real browser on a tiny registry (skipped without Chromium,
    unless CLUSTERMAP_REQUIRE_BROWSER=1)."""
    cold = bench.cold_start(10, 1)
    if "skipped" in cold:
        if os.environ.get("CLUSTERMAP_REQUIRE_BROWSER") == "1":
            pytest.fail(cold["skipped"])
        pytest.skip(cold["skipped"])
    assert cold["cold_start_s"] >= cold["server_ready_s"] > 0
    assert cold["first_map_s"] > 0


def test_summary_is_computed_from_the_numbers():
    records = [
        {
            "n": n,
            "ours": {
                "map_build_s": 0.1 * n / 1000,
                "map_payload_bytes": 1000,
                "filter_change_s": 0.01,
                "exports": {},
            },
            "naive": {
                "map_build_s": 2.0 * n / 1000,
                "map_payload_bytes": 30_000,
                "filter_change_s": 0.5,
            },
        }
        for n in (1000, 10_000)
    ]
    result = {"records": records, "growth": bench.growth(records), "budget": []}
    text = "\n".join(bench.summary_lines(result))
    assert "20× slower to build, 30× larger and 50× slower" in text
    assert "no faster than linear" in text and "ours.map_build_s" in text
    records[1]["ours"]["map_build_s"] = 100.0  # 1,000× for 10× the clusters
    result["growth"] = bench.growth(records)
    assert "Faster than linear" in "\n".join(bench.summary_lines(result))
