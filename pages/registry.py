"""Registry page: every cluster in a searchable, sortable table with the map's filters.

State lives in the URL (filters as the map writes them, ``q`` for the search, ``sort`` and
``desc``) and in the session: the filter is shared with the map page. Navigating between
pages clears the URL, so a URL without filter parameters takes the filter last set in this
session (here, or on the map: the map's own last URL is read from its session key
``map_url``, never written). Every cell is plain text in ``st.dataframe``.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from geo.analysis import filters, profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.base.tables import render_table
from geo.render import urlstate
from ui import navigation
from ui.dataset import dataset, dataset_key
from ui.filter_sidebar import FilterWidgets
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.url import set_url

# Page modules hold no bare strings: Streamlit's "magic" would render them on the page.
SHARED_KEY = "cluster_filter"  # session key of the filter last set on a page (ClusterFilter)
MAP_URL_KEY = "map_url"  # the map page's last canonical URL parameters (read only)
SEEN_MAP_KEY = "registry_seen_map_url"
URL_KEY = "registry_url"
FILTERS = FilterWidgets("registry_filter_")
SEARCH_KEY, SORT_KEY, DESC_KEY = "registry_search", "registry_sort", "registry_desc"
WIDGET_KEYS = (*FILTERS.keys, SEARCH_KEY, SORT_KEY, DESC_KEY)

# Sort keys in the URL and the registry column each sorts by.
SORTS: dict[str, str] = {
    "id": "ID",
    "name": "Name",
    "region": "Region",
    "industry": "Industry group",
    "status": "Status",
    "scenario": "Scenario",
    "mne": "MNE links",
    "index": "Index (recomputed)",
    "published": "Index (published)",
}
PAGE_KEYS = ("q", "sort", "desc")

# Every user-facing text of the page (English literals in one place, for translation).
TEXT: dict[str, str] = {
    "title": N_("Cluster registry"),
    "intro": N_(
        "Every cluster of the records: the 25 pilot innovative clusters of papers 001/002 "
        "and the clusters only the presentation 003 names. Missing values read “not "
        "reported”. Click a column header to sort by it; the Profile column opens the "
        "cluster's page."
    ),
    "ignored": N_("Ignored in the URL (not an option): {items}"),
    "sort": N_("sort"),
    "filters": N_("Filters"),
    "filters_shared": N_("The same filters as the map: a filter set here holds there, and back."),
    "reset": N_("Reset filters and search"),
    "search": N_("Search"),
    "search_hint": N_("Name (English or Russian), city, region, specialisation…"),
    "sort_by": N_("Sort by"),
    "descending": N_("Descending"),
    "shown": N_("**{count}** shown"),
    "shown_search": N_("**{count}** shown (search)"),
    "shown_filters": N_("**{count}** shown (filters)"),
    "shown_both": N_("**{count}** shown (filters and search)"),
    "m_shown": N_("Clusters shown"),
    "m_mne": N_("With MNE links"),
    "m_index": N_("With an index"),
    "m_regions": N_("Regions"),
    "no_match": N_("No cluster matches. Widen the filters or change the search."),
    "open_profile": N_("Open the cluster profile"),
    "no_index": N_("An index cell without a number: the cluster has no indicators (not assessed)."),
    "download": N_("Download these rows (CSV)"),
    "to_map": N_("Show these filters on the map"),
}
URL_KEYS = (*filters.QUERY_KEYS, *PAGE_KEYS)


@st.cache_data(show_spinner=False)
def filter_options(key: tuple) -> dict[str, dict[str, int]]:
    """Selectable values of every facet, with cluster counts (as on the map), per dataset
    (``key`` is ``dataset_key()``)."""
    data = dataset()
    return filters.filter_options(data.clusters, data.regions)


@st.cache_data(show_spinner=False)
def registry(key: tuple, lang: str) -> pd.DataFrame:
    """The registry table of all clusters of the dataset ``key`` in ``lang`` (filtered per
    run)."""
    data = dataset()
    return profiles.registry_table(data.clusters, data.regions, lang, vocabulary_labels())


t = partial(page_text, TEXT)  # the page's text in the interface language


def table_columns() -> dict[str, st.column_config.Column]:
    """Translated headers of the registry (the frame keeps its English column names, which
    the CSV download uses too)."""
    config: dict[str, st.column_config.Column] = {
        c: st.column_config.Column(profiles.column_label(c, lang))
        for c in profiles.REGISTRY_COLUMNS
    }
    config["Profile"] = st.column_config.LinkColumn(
        profiles.column_label("Profile", lang),
        display_text=r"/cluster\?id=(.*)",
        help=t("open_profile"),
    )
    config["Index (recomputed)"] = st.column_config.NumberColumn(
        profiles.column_label("Index (recomputed)", lang), format="%.2f"
    )
    config["Index (published)"] = st.column_config.NumberColumn(
        profiles.column_label("Index (published)", lang), format="%.1f"
    )
    return config


def shared_filter() -> filters.ClusterFilter:
    """The filter last set in this session: the map's, if it changed since this page last
    looked, else the one stored under :data:`SHARED_KEY`."""
    map_params = st.session_state.get(MAP_URL_KEY)
    if map_params is not None and map_params != st.session_state.get(SEEN_MAP_KEY):
        st.session_state[SEEN_MAP_KEY] = map_params
        st.session_state[SHARED_KEY] = urlstate.filter_from_query_params(map_params)
    return st.session_state.get(SHARED_KEY, filters.ClusterFilter())


def push_to_widgets(params: dict[str, list[str]]) -> list[str]:
    """Put the URL's state (or the shared filter) into the widgets; returns what the URL
    held that is not an option, so the page can say it ignored it."""
    if any(k in params for k in filters.QUERY_KEYS):
        flt = urlstate.filter_from_query_params(params)
    else:
        flt = shared_filter()
    flt, dropped = filters.sanitise(flt, filter_options(dataset_key()), current_lang())
    FILTERS.push(flt)
    st.session_state[SEARCH_KEY] = urlstate.last(params, "q") or ""
    sort = urlstate.last(params, "sort")
    sort = "id" if sort is None else sort
    if sort not in SORTS:
        dropped.append(filters.unknown_value(t("sort"), sort, current_lang()))
        sort = "id"
    st.session_state[SORT_KEY] = sort
    st.session_state[DESC_KEY] = urlstate.last(params, "desc") == "1"
    return dropped


def reset() -> None:
    """Button callback: no filter, no search."""
    FILTERS.reset()
    st.session_state[SEARCH_KEY] = ""


lang = current_lang()
_ = translator()
words = profiles.Words(lang, vocabulary_labels())
data = dataset()
region_names = i18n.localised_names(data.regions.set_index("code"), lang).to_dict()
options = filter_options(dataset_key())

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
FILTERS.render(sidebar, options, lang, words, region_names)

c1, c2, c3 = st.columns([4, 2, 1])
c1.text_input(t("search"), key=SEARCH_KEY, placeholder=t("search_hint"))
c2.selectbox(
    t("sort_by"),
    list(SORTS),
    format_func=lambda k: profiles.column_label(SORTS[k], lang),
    key=SORT_KEY,
)
c3.checkbox(t("descending"), key=DESC_KEY)

flt = FILTERS.current()
query = st.session_state[SEARCH_KEY]
sort, desc = st.session_state[SORT_KEY], bool(st.session_state[DESC_KEY])
if st.session_state.get(SHARED_KEY) != flt:
    st.session_state[SHARED_KEY] = flt

mask = filters.filter_mask(data.clusters, data.regions, flt) & profiles.search_mask(
    data.clusters, data.regions, query
)
table = registry(dataset_key(), lang).loc[mask.to_numpy()]
table = table.sort_values(
    [SORTS[sort], "ID"], ascending=[not desc, True], na_position="last", kind="stable"
)

new_params = urlstate.filter_to_query_params(flt)
if query.strip():
    new_params["q"] = [query]
if sort != "id":
    new_params["sort"] = [sort]
if desc:
    new_params["desc"] = ["1"]
if new_params != current:
    set_url(new_params)
st.session_state[URL_KEY] = new_params

searched, filtered = bool(query.strip()), not flt.is_default
basis = "shown_both" if searched and filtered else (
    "shown_search" if searched else ("shown_filters" if filtered else "shown")
)  # fmt: skip
# "12 of 30 clusters": the noun agrees with the total (Russian has three plural forms).
count = (
    i18n.translations(lang)
    .ngettext("{shown} of {total} cluster", "{shown} of {total} clusters", len(data.clusters))
    .format(
        shown=i18n.format_int(len(table), lang), total=i18n.format_int(len(data.clusters), lang)
    )
)
st.markdown(_(TEXT[basis]).format(count=count))
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("m_shown"), i18n.format_int(len(table), lang))
m2.metric(t("m_mne"), i18n.format_int(int((table["MNE links"] > 0).sum()), lang))
m3.metric(t("m_index"), i18n.format_int(int(table["Index (recomputed)"].notna().sum()), lang))
declared = data.clusters.loc[table.index, "region_code"].dropna()
m4.metric(t("m_regions"), i18n.format_int(declared.nunique(), lang))

if table.empty:
    st.info(t("no_match"))
else:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config=table_columns(),
    )
    st.caption(t("no_index"))
    # The download is machine-readable: fixed English column names and the values as the
    # records store them, whatever the interface language (the same rows, same order).
    csv_rows = registry(dataset_key(), "en").loc[table.index]
    st.download_button(
        t("download"),
        render_table(csv_rows.drop(columns="Profile"), "csv"),
        file_name="cluster_registry.csv",
        mime="text/csv",
    )

st.page_link(
    navigation.file("map"),
    label=t("to_map"),
    icon="🗺️",
    query_params=urlstate.filter_to_query_params(flt),
)
