"""Map page (the landing page): a choropleth of a region measure with the clusters on top.

State (filters, measure, classification, basemap, open region panel) is in the URL and the
widgets; the region panel and the notes come from :mod:`geo.analysis.panels`. The base map
is the same on every rerun, so ``st_folium`` keeps it and swaps only the dynamic layer.
A session's first run draws the page only up to the map (:mod:`ui.first_view`); the run
the drawn map asks for adds the sidebar's filters and what follows the map around it.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import filters, measures, panels, profiles
from geo.base import i18n
from geo.render import classify, maps, urlstate, views
from ui import first_view
from ui.dataset import dataset, dataset_key
from ui.export_panel import render_export_panel
from ui.filter_sidebar import MAP_URL_KEY, FilterWidgets, filter_options, share, shared_filter
from ui.lang import current_lang, page_text, vocabulary_labels
from ui.lazy import lazy_expander
from ui.map_table import render_map_table
from ui.region_panel import render_region_panel
from ui.url import update_url

MAP_HEIGHT = 600
# Height (px) of the measure, scheme and classes row, side by side and stacked (a narrow
# screen), kept free by a map-first run (measured in Chromium, 1400 and 375 px wide).
CONTROLS_HEIGHT = (50, 218)
PANEL_PARAM, PANEL_KEY, CLICK_KEY = "panel", "map_panel", "map_last_click"
FILTERS = FilterWidgets("map_filter_")
VIEW_KEYS = {"measure": "map_measure", "scheme": "map_scheme", "k": "map_k", "tiles": "map_tiles"}
URL_KEYS = (*filters.QUERY_KEYS, *urlstate.VIEW_QUERY_KEYS, PANEL_PARAM)
WIDGET_KEYS = (*FILTERS.keys, *VIEW_KEYS.values())

t = partial(page_text, panels.TEXT)  # the page's text in the interface language


@st.cache_data(show_spinner=False)
def region_payload(projection: str, key: tuple) -> maps.RegionPayload:
    """Projected, rounded, encoded region shapes (about 50 KB), once per projection."""
    return maps.region_payload(dataset().regions, projection)  # type: ignore[arg-type]


@st.cache_resource(show_spinner=False)
def leaflet_assets() -> maps.LeafletAssets:
    """Leaflet as data: URLs, read from its package once per process."""
    return maps.leaflet_assets()


@st.cache_data(show_spinner=False)
def measure_table(key: tuple) -> pd.DataFrame:
    """Every measure for every region (``key``: the dataset, so caches never mix)."""
    return measures.measure_table(dataset())


def read_url(
    params: dict[str, list[str]], arriving: bool
) -> tuple[views.View, str | None, list[str]]:
    """The view (filters included) and open panel the URL states, and what it had to
    ignore; nothing is stored. ``arriving`` from another page (navigation clears the URL),
    no filter parameters take the filter last set in the session (the registry shares
    it), no view parameters the map's last view."""
    own = not arriving or any(k in params for k in filters.QUERY_KEYS)
    flt = urlstate.filter_from_query_params(params) if own else shared_filter()
    flt, dropped = filters.sanitise(flt, filter_options(data_key), lang)
    own_view = not arriving or any(k in params for k in urlstate.VIEW_QUERY_KEYS)
    last_view = st.session_state.get(MAP_URL_KEY) or {}
    view = urlstate.view_from_query_params(params if own_view else last_view)
    view = dataclasses.replace(view, filters=flt, lang=lang)
    panel = urlstate.last(params, PANEL_PARAM)
    dropped += urlstate.view_problems(params, lang)
    if panel is not None and panel not in region_names:
        dropped.append(filters.unknown_value(t("panel"), panel, lang))
    return view, panel if panel in region_names else None, dropped


def push_to_widgets(view: views.View, panel: str | None) -> None:
    """Put ``view`` and ``panel`` into the widgets' keys (only in a run that draws them:
    a key set while its widget is not drawn stays in Streamlit's state as a plain key,
    which outlives the page and would hide that the user comes from another page)."""
    FILTERS.push(view.filters)
    for field, key in VIEW_KEYS.items():
        st.session_state[key] = getattr(view, field)
    st.session_state[PANEL_KEY] = panel


def widget_view() -> views.View:
    """The view the widgets hold now."""
    return views.View(
        filters=FILTERS.current(),
        lang=lang,  # type: ignore[arg-type]
        measure=st.session_state[VIEW_KEYS["measure"]],
        scheme=st.session_state[VIEW_KEYS["scheme"]],
        k=int(st.session_state[VIEW_KEYS["k"]]),
        tiles=bool(st.session_state[VIEW_KEYS["tiles"]]),
    )


def close_panel() -> None:
    st.session_state[PANEL_KEY] = None


def how_to_read() -> None:
    """The body of "How to read this map": the legend's and the map's conventions."""
    for block in panels.how_to_read(lang, maps.GROUP_ABOVE):
        st.markdown(block)


def mirror_url(view: views.View, panel: str | None) -> None:
    """Mirror the state in the URL (only this page's keys), so the view can be shared."""
    params = {k: v for k, v in urlstate.view_to_query_params(view).items() if k in URL_KEYS}
    params |= {PANEL_PARAM: [panel]} if panel else {}
    if params != current:
        update_url(URL_KEYS, params)
    st.session_state[MAP_URL_KEY] = params


def open_panel(code: str | None) -> None:
    """The region picked under the map (in its table view) opens its panel."""
    st.session_state[PANEL_KEY] = code


lang = current_lang()
vocab = vocabulary_labels()
data = dataset()
regions = data.regions
region_names = dict(zip(regions["code"], i18n.localised_names(regions, lang), strict=True))
data_key = dataset_key()
table = measure_table(data_key)

current = urlstate.read(st.query_params, URL_KEYS)
whole = not first_view.map_first()  # a map-first run leaves the sidebar for the next
arriving = any(key not in st.session_state for key in WIDGET_KEYS)  # from another page
if whole and (arriving or st.session_state.get(MAP_URL_KEY) != current):  # or a new URL
    url_view, url_panel, ignored = read_url(current, arriving)
    push_to_widgets(url_view, url_panel)
    if ignored:
        st.toast(t("ignored", items=profiles.md_literal("; ".join(ignored))))

st.title(t("title"))
if whole:
    sidebar = st.sidebar
    sidebar.header(t("filters"))
    count_slot = sidebar.empty()
    sidebar.button(t("reset"), on_click=FILTERS.reset, width="stretch")
    options = filter_options(data_key)
    FILTERS.render(sidebar, options, lang, profiles.Words(lang, vocab), region_names)
    sidebar.header(t("map"))
    sidebar.checkbox(t("tiles"), key=VIEW_KEYS["tiles"], help=t("tiles_help"))

controls = first_view.slot("map_controls", *CONTROLS_HEIGHT)  # kept for the full run
if whole:
    c1, c2, c3 = controls.columns([3, 1.4, 1])
    c1.selectbox(
        t("measure"),
        [m.key for m in measures.available_measures()],
        format_func=lambda k: measures.measure_label(k, lang, vocab),
        key=VIEW_KEYS["measure"],
    )
    c2.selectbox(
        t("scheme"),
        list(classify.SCHEMES),
        format_func=lambda k: classify.scheme_label(k, lang),
        key=VIEW_KEYS["scheme"],
    )
    c3.select_slider(
        t("classes"),
        list(range(classify.MIN_CLASSES, classify.MAX_CLASSES + 1)),
        key=VIEW_KEYS["k"],
    )

# A map-first run reads the URL and stores nothing: the next run, which draws the
# widgets, puts it into them (with the toast of what the URL had to ignore).
view = widget_view() if whole else read_url(current, arriving=True)[0]
flt = view.filters
if whole:
    share(flt)  # the registry shows the same clusters
shown = filters.apply_filter(data.clusters, regions, flt)
count, note = panels.shown_count(shown, len(data.clusters), lang)
if whole:
    count_slot.markdown(t("shown", count=count, note=note))

content = maps.MapContent.of_view(data, view, table, shown=shown, labels=vocab)
payload = region_payload(view.projection, data_key)
layers = maps.map_layers(content, payload, leaflet_assets(), announce_drawn=True)

projection_note = t("mercator") if view.tiles else t("albers")
st.caption(t("caption", count=count, note=note) + projection_note)
returned = st_folium(
    layers.base,
    key="cluster_map",
    height=MAP_HEIGHT,
    use_container_width=True,
    feature_group_to_add=layers.layer,
    returned_objects=["last_active_drawing"],
)


if not whole:  # a map-first run: the rest once the map is drawn
    first_view.finish_later()
    st.stop()

# A new click opens the panel of the clicked region (or of the clicked cluster's region).
click, target = panels.clicked_region(returned)
if click is not None and st.session_state.get(CLICK_KEY) != click:
    st.session_state[CLICK_KEY] = click
    if target in region_names:
        st.session_state[PANEL_KEY] = target
panel = st.session_state.get(PANEL_KEY)
render_map_table(content, "map_table", region_names, open_panel, panel)  # the map in words
mirror_url(view, panel)


if panel:
    with st.container(border=True):
        render_region_panel(data, table, view, shown, panel, vocab, close_panel)

lazy_expander(
    t("export_view"),
    "map_export_open",
    partial(render_export_panel, data, view.for_territory(views.COUNTRY), choose_territory=True),
)
lazy_expander(t("how_to"), "map_how_to_open", how_to_read)
