"""``clustermap export``: the same files as the page buttons' function, and clear errors."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from geo.analysis import filters
from geo.analysis.dataset import Dataset
from geo.cli import main
from geo.render import views
from geo.render.exports import formats

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
STAMP = "2026-01-02T03:04:05Z"
FOLIUM_ID = re.compile(rb"\b([a-z_]+)_[0-9a-f]{32}\b")


@pytest.fixture(autouse=True)
def loaded_once(monkeypatch, data: Dataset) -> None:
    """The command loads the shipped dataset; here it gets the module's copy (the same
    data, loaded once) so the tests stay quick. ``test_the_installed_command`` runs the
    real thing in a subprocess."""
    import geo.analysis.dataset

    monkeypatch.setattr(geo.registry.sources, "load_dataset", lambda: data)


def run(capsys, *argv: str) -> tuple[int, str]:
    status = main(["export", "--source", "published", *argv])
    return status, capsys.readouterr().err


def button(data: Dataset, view: views.View, fmt: str) -> tuple[str, bytes]:
    """What the export panel's button for ``fmt`` offers (file name and bytes)."""
    name, payload, _ = formats.export_view(data, view, fmt, NOW)
    return name, payload


@pytest.mark.parametrize("fmt", ["geojson", "csv", "svg", "png"])
def test_same_bytes_as_the_button(capsys, data: Dataset, tmp_path: Path, fmt: str) -> None:
    status, err = run(capsys, "--territory", "Volga", "--measure", "mne_links", "--format", fmt,
                      "--exported-at", STAMP, "-o", str(tmp_path))  # fmt: skip
    assert status == 0, err
    name, payload = button(data, views.View("Volga", measure="mne_links"), fmt)
    written = tmp_path / name
    assert written.read_bytes() == payload
    assert f"{written} (" in err
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no partial file left


def test_xlsx_same_content_as_the_button(capsys, data: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "view.xlsx"
    status, err = run(capsys, "--territory", "RU", "--measure", "fea_index", "--format", "xlsx",
                      "--exported-at", STAMP, "-o", str(target))  # fmt: skip
    assert status == 0, err
    _, payload = button(data, views.View(), "xlsx")
    ours = openpyxl.load_workbook(target)
    theirs = openpyxl.load_workbook(io.BytesIO(payload))
    assert ours.sheetnames == theirs.sheetnames
    for name in ours.sheetnames:
        rows = list(ours[name].iter_rows(values_only=True))
        assert rows == list(theirs[name].iter_rows(values_only=True))
    assert len(list(ours["clusters"].iter_rows())) == 1 + 30


def test_html_same_as_the_button_but_for_element_ids(capsys, data: Dataset, tmp_path: Path):
    target = tmp_path / "map.html"
    status, err = run(capsys, "--territory", "RU-TA", "--format", "html",
                      "--exported-at", STAMP, "-o", str(target))  # fmt: skip
    assert status == 0, err
    _, payload = button(data, views.View("RU-TA"), "html")
    # folium names its elements with random ids; everything else is the same.
    assert FOLIUM_ID.sub(rb"\1", target.read_bytes()) == FOLIUM_ID.sub(rb"\1", payload)


def test_gpkg_same_layers_as_the_button(capsys, data: Dataset, tmp_path: Path) -> None:
    import geopandas as gpd

    target = tmp_path / "view.gpkg"
    status, err = run(capsys, "--territory", "Far Eastern", "--format", "gpkg", "-o", str(target))
    assert status == 0, err
    reference = tmp_path / "reference.gpkg"
    reference.write_bytes(button(data, views.View("Far Eastern"), "gpkg")[1])
    for layer in ("regions", "clusters"):
        ours = gpd.read_file(target, layer=layer)
        theirs = gpd.read_file(reference, layer=layer)
        assert ours.equals(theirs)
    assert len(gpd.read_file(target, layer="regions")) == 11


def test_filters_options_reach_the_view(capsys, data: Dataset, tmp_path: Path) -> None:
    status, err = run(capsys, "--territory", "RU", "--status", "pilot innovative", "--mne", "with",
                      "--format", "csv", "--exported-at", STAMP, "-o", str(tmp_path))  # fmt: skip
    assert status == 0, err
    flt = filters.ClusterFilter(status=("pilot innovative",), mne="with")
    name, payload = button(data, views.View(filters=flt), "csv")
    assert "_filtered_" in name
    assert (tmp_path / name).read_bytes() == payload
    with zipfile.ZipFile(tmp_path / name) as archive:
        clusters = archive.read("clusters.csv").decode("utf-8-sig").splitlines()
        meta = archive.read("metadata.txt").decode("utf-8")
    assert len(clusters) - 1 == 2  # the two pilot clusters with MNE links
    assert "filter: Status: pilot innovative" in meta
    assert f"filter: MNE presence: {filters.MNE_LABELS['with']}" in meta


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--territory", "RU-XX"], "unknown territory 'RU-XX'"),
        (["--status", "imaginary"], "unknown filter value"),
        (["--exported-at", "yesterday"], "--exported-at 'yesterday' is not an ISO 8601 time"),
    ],
)
def test_bad_input_is_named_and_writes_nothing(
    capsys, tmp_path: Path, argv: list[str], message: str
) -> None:
    status, err = run(capsys, *argv, "--format", "csv", "-o", str(tmp_path / "out.csv.zip"))
    assert status == 2
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_an_error(capsys, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "out.png"
    status, err = run(capsys, "--format", "png", "-o", str(target))
    assert status == 2
    assert "does not exist" in err
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--measure", "gdp", "--format", "csv"],
        ["--format", "docx"],
        ["--format", "csv", "--k", "9"],
    ],
)
def test_bad_choices_are_rejected_by_the_parser(capsys, tmp_path: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export", *argv, "-o", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_installed_command(tmp_path: Path) -> None:
    target = tmp_path / "tatarstan.geojson"
    done = subprocess.run(
        [sys.executable, "-m", "geo", "export", "--territory", "RU-TA", "--format", "geojson",
         "-o", str(target)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(target.read_text("utf-8"))
    regions = [f for f in doc["features"] if f["properties"]["layer"] == "regions"]
    assert [f["properties"]["code"] for f in regions] == ["RU-TA"]
