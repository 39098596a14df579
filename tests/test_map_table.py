"""The map as a table (geo.render.map_table, ui.map_table): the text alternative of the
map says what the map shows, in both languages, and opens a region's panel."""

from __future__ import annotations

import pytest

from geo.analysis import filters
from geo.render import map_table, maps, views
from ui import navigation


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_table_says_what_the_map_shows(data, lang):
    view = views.View(lang=lang)
    content = maps.MapContent.of_view(data, view)
    table = map_table.map_table(content)
    assert len(table) == len(data.regions) == 85
    keys = ("code", "class", "rank", "clusters")
    code, cls, rank, drawn = (map_table.text(k, lang) for k in keys)
    row = table.set_index(code).loc["RU-TA"]
    value = "0.79" if lang == "en" else "0,79"
    assert value in row.to_numpy()  # the value column, named as the measure
    assert row[rank] == ("4 of 19" if lang == "en" else "4 из 19")
    # best rank first, no data last, and the counts add up to the markers drawn
    assert table[code].iloc[0] == "RU-MOW"
    assert table[cls].iloc[-1] == map_table.text("no_data", lang)
    shown = filters.apply_filter(data.clusters, data.regions, view.filters)
    assert table[drawn].sum() == int((shown["lat"].notna() & shown["lon"].notna()).sum())


def test_the_class_is_worded_as_the_legend_words_it(data):
    content = maps.MapContent.of_view(data, views.View(lang="en"))
    table = map_table.map_table(content).set_index("Code")
    legend = maps.map_layers(content).html()
    for label in table["Class on the map"].unique():
        if label != "no data":
            assert label in legend


def test_the_map_page_offers_the_table_and_a_route_to_any_panel(app_test):
    at = app_test(navigation.file("map"), "en")
    at.run()
    assert not at.exception
    assert any(e.label == "The map as a table" for e in at.expander)
    assert not any("Class on the map" in d.value.columns for d in at.dataframe)  # lazy
    at.session_state["map_table_open"] = True
    at.run()
    table = next(d.value for d in at.dataframe if "Class on the map" in d.value.columns)
    assert len(table) == 85
    at.selectbox(key="map_table_pick").select("RU-KYA").run()
    assert not at.exception
    assert at.session_state["map_panel"] == "RU-KYA"
    assert any("Krasnoyarsk Krai" in h.value for h in at.header)
    assert at.query_params["panel"] in ("RU-KYA", ["RU-KYA"])
