"""The app's pages run end to end in Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import navigation

TIMEOUT = 60
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"  # the labels asserted below are the English ones
    return at


def test_data_page_shows_what_loaded(app):
    app.switch_page(navigation.file("data")).run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Regions"] == "85"
    assert metrics["Clusters"] == "30"
    assert metrics["MNE links"] == "8"
    table = app.dataframe[0].value
    assert len(table) == 30
    assert {"id", "name", "region_code", "mne_count"} <= set(table.columns)


def test_methodology_page_reproduces_the_published_counts(app):
    app.switch_page(navigation.file("methodology")).run()
    assert not app.exception
    counts = {m.label: m.value for m in app.metric}
    assert counts == {
        "Potential": "8",
        "Lonely": "14",
        "Supported": "3",
        "Late": "0",
        "Not assessed": "0",
    }


def test_methodology_page_recomputes_live(app):
    app.switch_page(navigation.file("methodology")).run()
    app.slider[1].set_value(0.9).run()  # region threshold below Saint Petersburg's 0.93
    assert not app.exception
    counts = {m.label: m.value for m in app.metric}
    assert counts["Late"] == "2"  # the two Saint Petersburg clusters


def test_server_config_keeps_the_app_offline_and_the_upload_limit_in_step() -> None:
    """``streamlit run`` reads .streamlit/config.toml: the browser must not report usage
    statistics (offline, closed networks) and the upload limit is the importer's."""
    import tomllib

    from geo.registry import importer

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["maxUploadSize"] * 2**20 == importer.MAX_UPLOAD_BYTES


def test_the_page_registry_is_the_pages_directory() -> None:
    """``ui.navigation.PAGES`` lists every script of the pages directory and nothing else
    (shared widgets live in ``ui/``), with one landing page and distinct URL paths."""
    root = Path(APP).parent
    scripts = {p.relative_to(root).as_posix() for p in (root / navigation.PAGE_DIR).glob("*.py")}
    assert {p.file for p in navigation.PAGES} == scripts
    assert [p.name for p in navigation.PAGES if p.default] == ["map"]
    paths = [p.url_path for p in navigation.PAGES]
    assert len(set(paths)) == len(paths)
    assert navigation.file("cluster") == f"{navigation.PAGE_DIR}/cluster.py"
