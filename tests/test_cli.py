"""The ``clustermap`` command line, run as a user runs it."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from geo.cli import REGION_COLUMNS, main
from geo.dataset import CLUSTER_COLUMNS
from geo.paths import records_dir


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_regions_csv(capsys):
    status, out, _ = run(capsys, "regions", "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == REGION_COLUMNS
    assert len(table) == 85
    moscow = table.set_index("code").loc["RU-MOW"]
    assert (moscow["name_en"], moscow["name_ru"], moscow["type"]) == (
        "Moscow",
        "Москва",
        "federal city",
    )


def test_clusters_csv(capsys):
    status, out, _ = run(capsys, "clusters", "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert list(table.columns) == CLUSTER_COLUMNS
    assert len(table) == 30
    kamsk = table.set_index("id").loc["PIC-20"]
    assert kamsk["region_code"] == "RU-TA"
    assert kamsk["mne_count"] == 6
    assert kamsk["org_level"] == "not reported"  # never invented


def test_validate_good_and_bad_files(capsys, tmp_path):
    shipped = records_dir() / "clusters.csv"
    status, out, _ = run(capsys, "validate", str(shipped))
    assert status == 0 and "ok" in out
    good = shipped.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "clusters.csv"
    bad.write_text("\n".join([good[0], good[1].replace(",1.2,", ",1.2x,")]) + "\n")
    status, _, err = run(capsys, "validate", str(bad))
    assert status == 1
    assert "clusters.csv, row 2, column 'export_bln_rub'" in err
    assert "1.2x" in err


def test_indices_and_scenarios(capsys):
    status, out, _ = run(capsys, "indices", "--table", "clusters", "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out))
    assert set(table.loc[table["flag"], "id"]) == {"PIC-08", "PIC-14"}
    assert {"recomputed", "published", "difference", "flag"} <= set(table.columns)
    status, out, _ = run(capsys, "scenarios", "--format", "md")
    assert status == 0 and "| supported |" in out


def test_bad_weights_are_a_clear_error(capsys):
    status, _, err = run(capsys, "indices", "--weights", "nonsense=1")
    assert status == 2
    assert "unknown indicator 'nonsense'" in err


@pytest.mark.parametrize("argv", [["-m", "geo", "regions"]])
def test_python_dash_m_geo(argv):
    done = subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.startswith("code,name_en,name_ru")
