"""Tests of the transcribed records and their validation (geo.data.records)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from geo.base.errors import DataValidationError
from geo.base.paths import records_dir
from geo.data import records

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def clusters() -> pd.DataFrame:
    return records.load_clusters()


@pytest.fixture(scope="module")
def pic(clusters: pd.DataFrame) -> pd.DataFrame:
    return clusters[clusters["id"].str.startswith("PIC-")].set_index("id")


@pytest.fixture(scope="module")
def regional() -> pd.DataFrame:
    return records.load_regional_indicators()


def _shipped_rows(name: str) -> list[list[str]]:
    with (records_dir() / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def _issues(path: Path) -> list[str]:
    return [str(issue) for issue in records.validate_file(path)]


# --------------------------------------------------------------------------- shipped data


def test_every_shipped_table_validates() -> None:
    for kind in records.KINDS:
        path = records_dir() / f"{kind}.csv"
        assert records.detect_kind(path) == kind
        assert records.validate_file(path) == [], kind


def test_twenty_five_pilot_clusters_in_paper_order(pic: pd.DataFrame) -> None:
    assert list(pic.index) == [f"PIC-{n:02d}" for n in range(1, 26)]
    assert set(pic["status"]) == {"pilot innovative"}
    assert pic["index_published"].notna().all()


def test_na_cells_are_missing_not_zero(pic: pd.DataFrame) -> None:
    assert math.isnan(pic.loc["PIC-03", "intl_members"])
    assert math.isnan(pic.loc["PIC-11", "export_bln_rub"])
    assert math.isnan(pic.loc["PIC-12", "joint_rd_bln_rub"])
    # a printed 0 stays 0
    assert pic.loc["PIC-01", "intl_members"] == 0
    # the marker is remembered
    clusters = records.load_clusters()
    row = clusters.index[clusters["id"] == "PIC-03"][0]
    assert clusters.attrs["missing_markers"]["intl_members"][row] == "n/a"
    row = clusters.index[clusters["id"] == "PIC-05"][0]
    assert clusters.attrs["missing_markers"]["city"][row] == "not reported"


def test_na_counts_match_the_paper(pic: pd.DataFrame) -> None:
    # 002 Table 5 prints n/a 13 times for international members (rows 3-7, 11, 16, 17,
    # 19, 21, 23-25), once for export, once for joint R&D, never for publications or index.
    assert pic["intl_members"].isna().sum() == 13
    assert pic["export_bln_rub"].isna().sum() == 1
    assert pic["joint_rd_bln_rub"].isna().sum() == 1
    assert pic["publications"].notna().all()


def test_decimal_commas_became_decimals(pic: pd.DataFrame) -> None:
    assert pic.loc["PIC-01", "export_bln_rub"] == pytest.approx(1.2)
    assert pic.loc["PIC-10", "joint_rd_bln_rub"] == pytest.approx(0.01)
    assert pic.loc["PIC-07", "joint_rd_bln_rub"] == 35  # as printed in 001 and 002
    assert pic.loc["PIC-09", "export_bln_rub"] == pytest.approx(4.38)
    assert pic.loc["PIC-15", "publications"] == 4458
    assert pic.loc["PIC-25", "index_published"] == pytest.approx(1.7)
    assert pic["export_bln_rub"].dtype == "float64"


def test_region_as_published_follows_002(pic: pd.DataFrame) -> None:
    assert pic.loc["PIC-22", "region_as_published"] == "Moscow"
    assert pic.loc["PIC-22", "city"] == "Zelenograd"
    assert pic.loc["PIC-16", "city"] == "Khimki"
    assert pic.loc["PIC-13", "region_as_published"] == "Altay region"
    assert pic.loc["PIC-11", "city"] == "Pushino"
    assert pd.isna(pic.loc["PIC-05", "city"])
    assert "Moscow region" in pic.loc["PIC-22", "notes"]  # 001's wording is noted


def test_003_clusters_and_merges(clusters: pd.DataFrame) -> None:
    by_id = clusters.set_index("id")
    assert (
        by_id.loc["PIC-10", "specialisation"] == "Bio- and radiopharmaceuticals; Nuclear medicine"
    )
    assert "003" in by_id.loc["PIC-20", "source_doc"].split(";")
    assert by_id.loc["PIC-20", "name_ru"].startswith("Камский")
    others = by_id[by_id.index.str.startswith("P003-")]
    assert "Moscow International Medical Cluster" in set(others["name_en"])
    assert "Valley of Machine-Building Lipetsk Cluster" in set(others["name_en"])
    assert others["status"].isna().all()  # "leading" heading is not an official status
    assert (
        not others["name_en"].isin(by_id.loc[by_id.index.str.startswith("PIC-"), "name_en"]).any()
    )


def test_kaluga_trade_surplus_is_negative(regional: pd.DataFrame) -> None:
    kaluga = regional[
        (regional["region_as_published"] == "Kaluga region")
        & (regional["indicator"] == "trade_surplus_per_capita")
    ]
    assert kaluga["value"].tolist() == [pytest.approx(-7611.71)]


def test_nineteen_regions_by_five_indicators(regional: pd.DataFrame) -> None:
    assert len(regional) == 95
    assert regional["region_as_published"].nunique() == 19
    assert set(regional["indicator"]) == set(records.REGIONAL_INDICATORS)
    assert regional.groupby("region_as_published").size().eq(5).all()
    assert regional["value"].notna().all()
    assert regional["unit"].isna().all() and regional["reference_year"].isna().all()

    wide = records.regional_indicators_wide(regional)
    assert wide.shape == (19, 6)
    assert list(wide.columns) == ["region_as_published", *records.REGIONAL_INDICATORS]
    moscow = wide.set_index("region_as_published").loc["Moscow"]
    assert moscow["fea_index_published"] == 2
    assert moscow["fdi_per_capita"] == pytest.approx(10598.77)


def test_every_region_spelling_resolves() -> None:
    aliases = records.load_region_aliases()
    clusters = records.load_clusters()
    regional = records.load_regional_indicators()
    names = set(clusters["region_as_published"].dropna()) | set(regional["region_as_published"])
    for name in names:
        assert records.region_code_for(name, aliases) is not None, name
    assert records.region_code_for("Moscow", aliases) == "RU-MOW"
    assert records.region_code_for("Moscow region", aliases) == "RU-MOS"
    assert records.region_code_for("Altay region", aliases) == "RU-ALT"
    assert records.region_code_for("Habarovsk region", aliases) == "RU-KHA"
    assert records.region_code_for("Новосибирской области", aliases) == "RU-NVS"
    assert records.region_code_for("moscow", aliases) is None  # exact, no fuzzy matching
    # the 19 regions of Table 6 are 19 distinct federal subjects
    codes = {records.region_code_for(n, aliases) for n in set(regional["region_as_published"])}
    assert len(codes) == 19


def test_every_mne_link_points_at_an_existing_cluster(clusters: pd.DataFrame) -> None:
    links = records.load_mne_links()
    assert set(links["cluster_id"]) <= set(clusters["id"])
    assert links["link_id"].is_unique
    ford = links[links["mne_name"] == "Ford"].iloc[0]
    assert ford["presence"] == "left" and ford["cluster_id"] == "PIC-20"
    assert links["hq_country"].isna().all()  # charts only; not filled from knowledge
    assert "Niarmedic" not in set(links["mne_name"])


def test_development_levels_recorded_as_printed() -> None:
    agg = records.load_aggregates().set_index("metric")["value"]
    assert agg["cluster_initiatives"] == 118
    levels = agg[["org_level_initial", "org_level_medium", "org_level_high"]]
    assert levels.tolist() == [89, 21, 9]
    assert levels.sum() == 119  # not 118: recorded as printed, not adjusted
    assert agg["pilot_innovative_clusters"] == 27
    assert agg["pilot_innovation_clusters_beneficiaries"] == 25


def test_index_weights() -> None:
    weights = records.load_index_weights().set_index("indicator")["weight"]
    assert weights.to_dict() == pytest.approx(
        {
            "intl_members": 0.21,
            "export_bln_rub": 0.31,
            "publications": 0.22,
            "joint_rd_bln_rub": 0.26,
        }
    )


def test_every_record_names_its_source() -> None:
    for kind in ("clusters", "mne_links", "regional_indicators", "published_aggregates"):
        df = records.read_table(kind)
        assert df["source_doc"].notna().all() and df["source_ref"].notna().all(), kind


# --------------------------------------------------------------------------- bad files


def _bad_clusters(tmp_path: Path, edit) -> Path:
    rows = _shipped_rows("clusters.csv")
    edit(rows[0], rows)
    return _write(tmp_path / "clusters.csv", rows)


def test_non_numeric_value_is_reported(tmp_path: Path) -> None:
    def edit(header, rows):
        rows[4][header.index("export_bln_rub")] = "1,2x"  # spreadsheet row 5

    issues = _issues(_bad_clusters(tmp_path, edit))
    assert issues == ["clusters.csv, row 5, column 'export_bln_rub': '1,2x' is not a number"]


def test_decimal_comma_is_reported(tmp_path: Path) -> None:
    def edit(header, rows):
        rows[2][header.index("joint_rd_bln_rub")] = "1,7"

    (issue,) = _issues(_bad_clusters(tmp_path, edit))
    assert "row 3" in issue and "'joint_rd_bln_rub'" in issue and "decimal comma" in issue


def test_unknown_status_is_reported(tmp_path: Path) -> None:
    def edit(header, rows):
        rows[7][header.index("status")] = "leader"

    (issue,) = _issues(_bad_clusters(tmp_path, edit))
    assert issue.startswith("clusters.csv, row 8, column 'status': 'leader' is not in vocabulary")


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    def edit(header, rows):
        rows[10][header.index("id")] = "PIC-02"

    (issue,) = _issues(_bad_clusters(tmp_path, edit))
    assert issue == "clusters.csv, row 11, column 'id': duplicate id='PIC-02' (first at row 3)"


def test_missing_column_is_one_issue(tmp_path: Path) -> None:
    rows = _shipped_rows("clusters.csv")
    drop = rows[0].index("status")
    rows = [[cell for i, cell in enumerate(row) if i != drop] for row in rows]
    path = _write(tmp_path / "clusters.csv", rows)
    assert records.detect_kind(path) == "clusters"
    assert _issues(path) == ["clusters.csv, row 1, column 'status': required column is missing"]


def test_negative_export_is_reported(tmp_path: Path) -> None:
    def edit(header, rows):
        rows[5][header.index("export_bln_rub")] = "-0.5"

    (issue,) = _issues(_bad_clusters(tmp_path, edit))
    assert issue.startswith("clusters.csv, row 6, column 'export_bln_rub': '-0.5' is negative")


def test_every_issue_is_listed(tmp_path: Path) -> None:
    def edit(header, rows):
        rows[1][header.index("publications")] = "many"
        rows[3][header.index("source_ref")] = ""
        rows[6][header.index("region_as_published")] = "Moskow region"
        rows[9][header.index("intl_members")] = "2.5"

    path = _bad_clusters(tmp_path, edit)
    with pytest.raises(DataValidationError) as excinfo:
        records.read_table("clusters", path)
    where = [(i.file, i.row, i.column) for i in excinfo.value.issues]
    assert where == [
        ("clusters.csv", 2, "publications"),
        ("clusters.csv", 4, "source_ref"),
        ("clusters.csv", 7, "region_as_published"),
        ("clusters.csv", 10, "intl_members"),
    ]


def test_unknown_cluster_in_mne_links_is_reported(tmp_path: Path) -> None:
    rows = _shipped_rows("mne_links.csv")
    rows[3][rows[0].index("cluster_id")] = "PIC-99"
    path = _write(tmp_path / "mne_links.csv", rows)
    assert _issues(path) == [
        "mne_links.csv, row 4, column 'cluster_id': 'PIC-99' is not an id in clusters.csv"
    ]


def test_mne_links_checked_against_sibling_clusters(tmp_path: Path) -> None:
    clusters = _shipped_rows("clusters.csv")
    kept = [clusters[0]] + [r for r in clusters[1:] if r[0] != "PIC-10"]
    _write(tmp_path / "clusters.csv", kept)
    path = _write(tmp_path / "mne_links.csv", _shipped_rows("mne_links.csv"))
    issues = _issues(path)
    assert len(issues) == 2  # Berlin-Chemie Menarini and Stada
    assert all("'PIC-10' is not an id in clusters.csv" in i for i in issues)


def test_regional_sign_rules(tmp_path: Path) -> None:
    rows = _shipped_rows("regional_indicators.csv")
    header = rows[0]
    for row in rows[1:]:
        if row[0] == "Altay region" and row[1] == "fdi_per_capita":
            row[header.index("value")] = "-7.76"
    path = _write(tmp_path / "regional_indicators.csv", rows)
    (issue,) = _issues(path)
    assert issue.startswith("regional_indicators.csv, row 2, column 'value': '-7.76' is negative")


def test_missing_marker_is_never_zero(tmp_path: Path) -> None:
    rows = _shipped_rows("clusters.csv")
    header = rows[0]
    rows[1][header.index("export_bln_rub")] = "—"
    rows[2][header.index("export_bln_rub")] = ""
    path = _write(tmp_path / "clusters.csv", rows)
    df = records.read_table("clusters", path)
    assert df["export_bln_rub"].iloc[:2].isna().all()


def test_unrecognised_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "other.csv", [["a", "b"], ["1", "2"]])
    (issue,) = records.validate_file(path)
    assert issue.file == "other.csv" and "does not match" in issue.message


def test_ragged_row_is_reported(tmp_path: Path) -> None:
    rows = _shipped_rows("index_weights.csv")
    rows[2] = rows[2][:-1]
    path = _write(tmp_path / "index_weights.csv", rows)
    (issue,) = _issues(path)
    assert issue.startswith("index_weights.csv, row 3: has 4 fields but the header has 5")


def test_wide_table_carries_region_codes(regional: pd.DataFrame) -> None:
    aliases = records.load_region_aliases()
    long = regional.copy()
    long["region_code"] = [records.region_code_for(n, aliases) for n in long["region_as_published"]]
    wide = records.regional_indicators_wide(long)
    assert list(wide.columns[:2]) == ["region_as_published", "region_code"]
    assert wide.set_index("region_code").loc["RU-KLU", "trade_surplus_per_capita"] == pytest.approx(
        -7611.71
    )
