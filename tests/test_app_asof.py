"""The app "as of" a past version (issue 17), under AppTest: every page that shows registry
data follows ``?version=`` / ``?asof=`` and says so in a banner, the pages that write work on
the latest version and say so, the sidebar's pickers change the version and the URL, the
Changes page compares two versions, the cluster profile has its timeline, and an export of a
past version states that version.

One SQLite store for the module (``CLUSTERMAP_DATABASE_URL``): version 1 the published
records (stamped 2026-01-10 09:00 UTC), version 2 the removal of two clusters (2026-03-01
09:00 UTC).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from streamlit.testing.v1 import AppTest

from geo.registry import auth, store
from tests.conftest import APP, APP_TIMEOUT
from ui import navigation
from ui.dataset import DATE_WIDGET, LATEST, SELECTOR_KEY, VERSION_WIDGET

REMOVED = ("PIC-01", "PIC-03")  # clusters without MNE links, removed in version 2
DAY1 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BANNER = "Showing the registry as of 2026-01-10 09:00 UTC (version 1); the latest is version 2."
DATA_PAGES = {  # page → URL parameters showing registry data
    "map": {},
    "registry": {},
    "cluster": {"id": "PIC-10"},
    "region": {"code": "RU-MOS"},
    "mne": {},
    "compare": {"kind": "clusters", "unit": ["PIC-10", "PIC-11"]},
    "data": {},
    "changes": {},
}
WRITE_PAGES = ("import_data", "edit")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    """The module's store, named by ``CLUSTERMAP_DATABASE_URL`` while the module runs."""
    url = f"sqlite:///{tmp_path_factory.mktemp('asof') / 'store.db'}"
    opened = store.Store.open(url)
    editor = auth.authenticate("alice", "pw", {"alice": auth.hash_password("pw", iterations=1000)})
    assert opened.remove(editor, "clusters", list(REMOVED)).version == 2
    with opened.engine.begin() as conn:
        for version, moment in ((1, DAY1), (2, DAY2)):
            conn.execute(
                store._versions.update()
                .where(store._versions.c.id == version)
                .values(created_at=moment)
            )
    opened.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(store.ENV_DATABASE_URL, url)
        yield url


def open_page(page: str, query: dict | None = None, lang: str = "en") -> AppTest:
    """Run the app once, then the page ``page`` with ``query`` as its URL."""
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(navigation.file(page))
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in {"lang": lang, **(query or {})}.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts).replace("\\", "")


def param(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def ids_shown(at: AppTest) -> set[str]:
    """Every cell of every table (cluster ids among them)."""
    out: set[str] = set()
    for frame in at.dataframe:
        out |= set(frame.value.astype(str).to_numpy().ravel())
    return out


# --------------------------------------------------------------------------- every page


CASES = [(page, {"version": "1"}) for page in DATA_PAGES] + [
    (page, {"asof": "2026-02-15"}) for page in ("map", "cluster")
]


@pytest.mark.parametrize(
    ("page", "asked"), CASES, ids=lambda v: "-".join(map(str, v)) if isinstance(v, dict) else v
)
def test_every_data_page_shows_the_past_version_with_a_banner(store_url, page, asked):
    at = open_page(page, {**DATA_PAGES[page], **asked})
    assert BANNER in texts(at)
    assert "Shown: registry v1 (2026-01-10T09:00:00+00:00)" in texts(at)
    assert param(at, "version") == ["1"] and "asof" not in at.query_params  # canonical
    if "version" in asked:
        latest = open_page(page, DATA_PAGES[page])
        assert "as of" not in texts(latest) and "Shown: registry v2" in texts(latest)


def test_the_pages_show_the_data_of_that_version(store_url):
    old, new = open_page("registry", {"version": "1"}), open_page("registry")
    assert set(REMOVED) <= ids_shown(old)
    assert not set(REMOVED) & ids_shown(new)
    region_old = open_page("region", {"code": "RU-MOS", "version": "1"})
    region_new = open_page("region", {"code": "RU-MOS"})
    assert "PIC-01" in ids_shown(region_old) and "PIC-01" not in ids_shown(region_new)
    map_old, map_new = open_page("map", {"version": "1"}), open_page("map")
    assert "**30 of 30 clusters** shown" in texts(map_old)
    assert "**28 of 28 clusters** shown" in texts(map_new)


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_pages_that_write_work_on_the_latest_and_say_so(store_url, page):
    at = open_page(page, {"version": "1"})
    assert BANNER not in texts(at)
    assert (
        "This page works on the latest version of the registry (version 2); the “as of” "
        "choice (version 1) applies to the pages that show data." in texts(at)
    )


def test_the_banner_and_the_write_note_in_russian(store_url):
    at = open_page("map", {"version": "1"}, lang="ru")
    assert "Показан реестр на 2026-01-10 09:00 UTC (версия 1); последняя версия — 2." in texts(at)
    assert any(b.label == "Показать последнюю версию" for b in at.button)
    edit = open_page("edit", {"version": "1"}, lang="ru")
    assert "Эта страница работает с последней версией реестра (версия 2)" in texts(edit)


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        ({"version": "7"}, "version: there is no version 7; the registry has versions 1 to 2"),
        ({"version": "**1**"}, "version must be a version number (1 or more), not '**1**'"),
        ({"asof": "2025-12-31"}, "asof: there is no version as of 2025-12-31"),
        ({"asof": "[x](javascript:alert(1))"}, "asof must be a date (YYYY-MM-DD)"),
    ],
)
def test_bad_versions_in_the_url_are_named_and_the_latest_shown(store_url, asked, named):
    at = open_page("map", asked)
    warnings = [w.value for w in at.warning]
    assert any(named in w.replace("\\", "") for w in warnings), warnings
    assert any("Showing the latest version of the registry." in w for w in warnings)
    assert not any("**1**" in w or "](javascript" in w for w in warnings), "shown literally"
    assert BANNER not in texts(at) and "Shown: registry v2" in texts(at)
    assert "version" not in at.query_params and "asof" not in at.query_params


# --------------------------------------------------------------------------- the pickers


def test_the_date_picker_shows_the_version_of_that_day_and_writes_the_url(store_url):
    at = open_page("map")
    assert VERSION_WIDGET not in at.session_state  # the pickers are drawn once opened
    at.session_state[SELECTOR_KEY] = True
    at.run()
    assert at.selectbox(key=VERSION_WIDGET).value == LATEST
    at.date_input(key=DATE_WIDGET).set_value(date(2026, 2, 20)).run()
    assert not at.exception
    assert BANNER in texts(at) and "**30 of 30 clusters** shown" in texts(at)
    assert param(at, "version") == ["1"]
    assert at.selectbox(key=VERSION_WIDGET).value == 1
    # The same day as version 2: version 2, pinned (a link keeps showing it).
    at.date_input(key=DATE_WIDGET).set_value(date(2026, 3, 1)).run()
    assert param(at, "version") == ["2"] and BANNER not in texts(at)
    assert "**28 of 28 clusters** shown" in texts(at)


def test_the_version_picker_and_the_banner_button_go_back_to_the_latest(store_url):
    at = open_page("registry", {"version": "1"})
    assert at.date_input(key=DATE_WIDGET).value == date(2026, 1, 10)
    at.selectbox(key=VERSION_WIDGET).set_value(LATEST).run()
    assert "version" not in at.query_params and BANNER not in texts(at)
    at.selectbox(key=VERSION_WIDGET).set_value(1).run()
    assert param(at, "version") == ["1"] and BANNER in texts(at)
    assert at.date_input(key=DATE_WIDGET).value == date(2026, 1, 10)
    next(b for b in at.button if b.label == "Show the latest version").click().run()
    assert not at.exception
    assert "version" not in at.query_params and BANNER not in texts(at)
    assert at.session_state[SELECTOR_KEY]  # the pickers stay open as the user left them
    assert at.selectbox(key=VERSION_WIDGET).value == LATEST


def test_the_version_holds_across_pages(store_url):
    at = open_page("map", {"version": "1"})
    at.switch_page(navigation.file("registry"))
    for key in list(at.query_params):  # navigating clears the URL
        if key != "lang":
            del at.query_params[key]
    at.run()
    assert not at.exception
    assert BANNER in texts(at) and set(REMOVED) <= ids_shown(at)
    assert param(at, "version") == ["1"]


# --------------------------------------------------------------------------- Changes


def test_changes_page_lists_the_removed_clusters_and_keeps_the_url(store_url):
    at = open_page("changes", {"from": "2026-01-31", "to": "2"})
    assert param(at, "from") == ["1"] and param(at, "to") == ["2"]
    assert "Clusters removed (2)" in texts(at) and "Clusters added (0)" in texts(at)
    assert set(REMOVED) <= ids_shown(at)
    assert any(d.label == "Download the changes (CSV)" for d in at.get("download_button"))


def test_changes_page_defaults_from_the_version_shown_and_names_bad_values(store_url):
    at = open_page("changes")
    assert param(at, "from") == ["1"] and param(at, "to") == ["2"]
    bad = open_page("changes", {"from": "9", "to": "x"})
    warned = " ".join(w.value for w in bad.warning).replace("\\", "")
    assert "from: there is no version 9" in warned and "not 'x'" in warned
    swapped = open_page("changes", {"from": "2", "to": "1"})
    assert "“From” was the newer version: the two were swapped." in texts(swapped)
    assert "Clusters removed (2)" in texts(swapped)
    same = open_page("changes", {"from": "2", "to": "2"})
    assert "Both sides are version 2: nothing to compare." in texts(same)


def test_changes_page_in_russian(store_url):
    at = open_page("changes", {"from": "1", "to": "2"}, lang="ru")
    assert "Удалённые кластеры (2)" in texts(at) and "Изменения" in texts(at)


# --------------------------------------------------------------------------- the timeline


def test_the_cluster_profile_has_its_timeline(store_url):
    at = open_page("cluster", {"id": "PIC-10"})
    assert "Timeline" in texts(at)
    frame = next(d.value for d in at.dataframe if "version" in d.value.columns)
    assert frame["version"].tolist() == [1, 1, 1] and set(frame["change"]) == {"added"}


def test_a_removed_cluster_shows_its_timeline_and_its_past_profile(store_url):
    gone = open_page("cluster", {"id": "PIC-01"})
    assert "Cluster PIC-01 is not in the registry as of version 2; its timeline follows." in texts(
        gone
    )
    frame = next(d.value for d in gone.dataframe if "version" in d.value.columns)
    assert frame[["version", "change"]].values.tolist() == [[2, "removed"], [1, "added"]]
    past = open_page("cluster", {"id": "PIC-01", "version": "1"})
    assert "General data" in texts(past)  # the profile, as it was
    assert "The page shows version 1; later versions are listed too." in texts(past)


# --------------------------------------------------------------------------- exports


def test_an_export_made_while_viewing_a_past_version_states_it(store_url, monkeypatch):
    """The map's export panel is given the dataset shown: its files say version 1."""
    from ui import export_panel

    made: dict[str, tuple[str, bytes]] = {}
    real = export_panel.make_file

    def spy(data, view, fmt, now=None, layout=None):
        name, content, mime = real(data, view, fmt, now, layout)
        made[fmt] = (data.version, content)
        return name, content, mime

    monkeypatch.setattr(export_panel, "make_file", spy)
    at = open_page("map", {"version": "1"})
    assert "export_geojson_prepare" not in [b.key for b in at.button]  # drawn once opened
    at.session_state["map_export_open"] = True
    at.run()
    assert made == {}  # showing the panel makes no file
    at.button(key="export_geojson_prepare").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert list(made) == ["geojson"]
    version, content = made["geojson"]
    assert version == "registry v1 (2026-01-10T09:00:00+00:00)"
    file = json.loads(content)  # what the download button hands over
    assert file["metadata"]["dataset version"].startswith("registry v1 (2026-01-10T09:00:00")
    assert [b.proto.label for b in at.get("download_button")] == ["GeoJSON"]


# --------------------------------------------------------------------------- in Russian


def test_a_bad_date_in_the_url_is_named_in_russian_and_the_latest_shown(store_url):
    at = open_page("registry", {"asof": "2025-12-31"}, lang="ru")
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "asof: нет версии на 2025-12-31; первая версия реестра — от 2026-01-10 09:00 UTC" in (
        warnings
    )
    assert "Показана последняя версия реестра." in warnings
    assert not set(REMOVED) & ids_shown(at)  # the latest: the removed clusters are gone
    assert "asof" not in at.query_params


def test_the_timeline_of_a_removed_cluster_in_russian(store_url):
    at = open_page("cluster", {"id": "PIC-01"}, lang="ru")
    assert "История изменений" in texts(at)
    frame = next(d.value for d in at.dataframe if "version" in d.value.columns)
    assert frame["version"].tolist() == [2, 1]
    assert frame["change"].tolist() == ["удалена", "добавлена"]  # the change names translated
