"""The app's pages run end to end in Streamlit's AppTest (no browser)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

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
    assert config["runner"]["magicEnabled"] is False  # a bare string never reaches the page
    assert config["server"]["maxUploadSize"] * 2**20 == importer.MAX_UPLOAD_BYTES


def test_the_page_registry_is_the_pages_directory() -> None:
    """``ui.navigation.PAGES`` lists every script of the pages directory and nothing else
    (shared widgets live in ``ui/``), with one landing page and distinct URL paths. No
    ``pages/`` directory sits next to the entry point: Streamlit would run its scripts on
    their own for the first request of a fresh server (a deep link without navigation or
    switches; see ``ui/navigation.py``)."""
    root = Path(APP).parent
    assert not (root / "pages").exists(), "a pages/ directory next to streamlit_app.py"
    scripts = {p.relative_to(root).as_posix() for p in (root / navigation.PAGE_DIR).glob("*.py")}
    assert {p.file for p in navigation.PAGES} == scripts
    assert [p.name for p in navigation.PAGES if p.default] == ["map"]
    paths = [p.url_path for p in navigation.PAGES]
    assert len(set(paths)) == len(paths)
    assert navigation.file("cluster") == f"{navigation.PAGE_DIR}/cluster.py"


# --- every page of the registry, both languages -----------------------------------------------

DEVELOPER_MARKS = (":class:", ":func:", ":data:", ":mod:", ":meth:", "``")
"""reStructuredText of docstrings: never text a user should read."""
SHOWN = ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
         "error", "success", "exception")  # fmt: skip


def docstrings(path: Path) -> list[str]:
    """The first line of every docstring and bare string of a page script."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        body = getattr(node, "body", None)
        for statement in body if isinstance(body, list) else []:
            if (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                first = statement.value.value.strip().splitlines()[0].strip()
                if len(first) > 15:
                    found.append(first)
    return found


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("page", navigation.PAGES, ids=lambda p: p.name)
def test_every_page_runs_in_both_languages_and_shows_no_developer_text(page, lang) -> None:
    """Every page of ``ui.navigation.PAGES`` runs through the entry point in both languages,
    keeps the language in the URL (also a page that rewrites its own parameters), and shows
    no developer text: no docstring or bare string of its script, no reStructuredText. Run
    with Streamlit's "magic" on, as if the config's ``runner.magicEnabled = false`` were
    lost, so a bare string in a page fails here too."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT * 2)
    at.query_params["lang"] = lang
    with patch_config_options({"runner.magicEnabled": True}):
        at.run()
        at.switch_page(page.file).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params.get("lang") in (lang, [lang])
    shown = [str(e.value) for kind in SHOWN for e in at.get(kind)]
    shown += [str(e.proto.body) for e in at.get("markdown")]
    developer = [t for t in shown if any(mark in t for mark in DEVELOPER_MARKS)]
    assert not developer, developer
    page_docs = docstrings(Path(APP).parent / page.file)
    leaked = [d for d in page_docs if any(d in t for t in shown)]
    assert not leaked, leaked
