"""Registry page: every cluster in a searchable, sortable table with the map's filters.

State lives in the URL (filters as the map writes them, ``q`` for the search, ``sort`` and
``desc``) and in the session: the filter is shared with the map page. Navigating between
pages clears the URL, so a URL without filter parameters takes the filter last set in this
session (here, or on the map: the map's own last URL is read from its session key
``map_url``, never written). What the table holds comes from :mod:`geo.analysis.listing`.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from geo.analysis import filters, listing, profiles
from geo.base import i18n
from geo.render import urlstate
from geo.render.exports.formulas import safe_table
from ui import navigation
from ui.dataset import dataset, dataset_key
from ui.filter_sidebar import MAP_URL_KEY, SHARED_KEY, FilterWidgets, filter_options, share
from ui.lang import current_lang, page_text, vocabulary_labels
from ui.url import set_url

SEEN_MAP_KEY = "registry_seen_map_url"
URL_KEY = "registry_url"
FILTERS = FilterWidgets("registry_filter_")
SEARCH_KEY, SORT_KEY, DESC_KEY = "registry_search", "registry_sort", "registry_desc"
WIDGET_KEYS = (*FILTERS.keys, SEARCH_KEY, SORT_KEY, DESC_KEY)
URL_KEYS = (*filters.QUERY_KEYS, *listing.PAGE_KEYS)

t = partial(page_text, listing.TEXT)  # the page's text in the interface language


@st.cache_data(show_spinner=False)
def registry(key: tuple, lang: str) -> pd.DataFrame:
    """The registry table of all clusters of the dataset ``key`` in ``lang``."""
    data = dataset()
    return profiles.registry_table(data.clusters, data.regions, lang, vocabulary_labels())


def last_filter() -> filters.ClusterFilter:
    """The filter last set in this session: the map's, if its URL changed since this page
    last looked, else the shared one."""
    map_params = st.session_state.get(MAP_URL_KEY)
    if map_params is not None and map_params != st.session_state.get(SEEN_MAP_KEY):
        st.session_state[SEEN_MAP_KEY] = map_params
        share(urlstate.filter_from_query_params(map_params))
    return st.session_state.get(SHARED_KEY, filters.ClusterFilter())


def push_to_widgets(params: dict[str, list[str]]) -> list[str]:
    """Put the URL's state (or the shared filter) into the widgets; returns what the URL
    held that is not an option, so the page can say it ignored it."""
    own = any(k in params for k in filters.QUERY_KEYS)
    flt = urlstate.filter_from_query_params(params) if own else last_filter()
    flt, dropped = filters.sanitise(flt, filter_options(dataset_key()), lang)
    sort, problems = listing.sort_key(urlstate.last(params, "sort"), lang)
    FILTERS.push(flt)
    st.session_state[SEARCH_KEY] = urlstate.last(params, "q") or ""
    st.session_state[SORT_KEY] = sort
    st.session_state[DESC_KEY] = urlstate.last(params, "desc") == "1"
    return dropped + problems


def reset() -> None:
    """Button callback: no filter, no search."""
    FILTERS.reset()
    st.session_state[SEARCH_KEY] = ""


lang = current_lang()
data = dataset()
region_names = i18n.localised_names(data.regions.set_index("code"), lang).to_dict()

current = urlstate.read(st.query_params, URL_KEYS)
fresh = any(k not in st.session_state for k in WIDGET_KEYS)  # first run since arriving
if fresh or st.session_state.get(URL_KEY) != current:
    ignored = push_to_widgets(current)
    if ignored:
        st.warning(t("ignored", items=profiles.md_literal("; ".join(ignored))))

st.title(t("title"))
st.caption(t("intro"))
sidebar = st.sidebar
sidebar.header(t("filters"))
sidebar.caption(t("filters_shared"))
sidebar.button(t("reset"), on_click=reset, width="stretch")
words = profiles.Words(lang, vocabulary_labels())
FILTERS.render(sidebar, filter_options(dataset_key()), lang, words, region_names)

c1, c2, c3 = st.columns([4, 2, 1])
c1.text_input(t("search"), key=SEARCH_KEY, placeholder=t("search_hint"))
labels = {k: profiles.column_label(column, lang) for k, column in listing.SORTS.items()}
c2.selectbox(t("sort_by"), list(listing.SORTS), format_func=labels.get, key=SORT_KEY)
c3.checkbox(t("descending"), key=DESC_KEY)

flt = FILTERS.current()
query = st.session_state[SEARCH_KEY]
sort, desc = st.session_state[SORT_KEY], bool(st.session_state[DESC_KEY])
share(flt)
table = listing.shown_rows(
    registry(dataset_key(), lang), data.clusters, data.regions, flt, query, sort, desc
)

new_params = urlstate.filter_to_query_params(flt) | listing.search_params(query, sort, desc)
if new_params != current:
    set_url(new_params)
st.session_state[URL_KEY] = new_params

total = len(data.clusters)
st.markdown(listing.shown_line(len(table), total, bool(query.strip()), not flt.is_default, lang))
numbers = listing.metrics(table, data.clusters, lang)
for column, (label, value) in zip(st.columns(4), numbers.items(), strict=True):
    column.metric(label, value)

if table.empty:
    st.info(t("no_match"))
else:
    config = {c: st.column_config.Column(profiles.column_label(c, lang)) for c in table.columns}
    config["Profile"] = st.column_config.LinkColumn(
        profiles.column_label("Profile", lang),
        display_text=r"/cluster\?id=(.*)",
        help=t("open_profile"),
    )
    for column, number in (("Index (recomputed)", "%.2f"), ("Index (published)", "%.1f")):
        config[column] = st.column_config.NumberColumn(
            profiles.column_label(column, lang), format=number
        )
    st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    st.caption(t("no_index"))
    # The download is machine-readable: fixed English column names and the values as the
    # records store them, whatever the interface language (the same rows, same order);
    # text a spreadsheet would run as a formula gets a leading ' (formula-safe).
    csv_rows = registry(dataset_key(), "en").loc[table.index].drop(columns="Profile")
    st.download_button(
        t("download"),
        safe_table(csv_rows, "csv"),
        file_name="cluster_registry.csv",
        mime="text/csv",
    )

st.page_link(
    navigation.file("map"),
    label=t("to_map"),
    icon="🗺️",
    query_params=urlstate.filter_to_query_params(flt),
)
