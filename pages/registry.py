"""Registry page: every cluster in a searchable, sortable table with the map's filters.

State lives in the URL (filters as the map writes them, ``q`` for the search, ``sort`` and
``desc``) and in the session: the filter is shared with the map page. Navigating between
pages clears the URL, so a URL without filter parameters takes the filter last set in this
session (here, or on the map: the map's own last URL is read from its session key
``map_url``, never written). Every cell is plain text in ``st.dataframe``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import filters, profiles
from geo.tables import render_table
from pages.common import dataset

SHARED_KEY = "cluster_filter"
"""Session key of the filter last set on a page (a ``filters.ClusterFilter``)."""
MAP_URL_KEY = "map_url"  # the map page's last canonical URL parameters (read only)
SEEN_MAP_KEY = "registry_seen_map_url"
URL_KEY = "registry_url"
FILTER_KEYS = {facet.field: f"registry_filter_{facet.field}" for facet in filters.FACETS}
MNE_KEY = "registry_filter_mne"
SEARCH_KEY, SORT_KEY, DESC_KEY = "registry_search", "registry_sort", "registry_desc"
WIDGET_KEYS = (*FILTER_KEYS.values(), MNE_KEY, SEARCH_KEY, SORT_KEY, DESC_KEY)

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
"""Sort keys in the URL and the registry column each sorts by."""
PAGE_KEYS = ("q", "sort", "desc")
URL_KEYS = (*filters.QUERY_KEYS, *PAGE_KEYS)


@st.cache_data(show_spinner=False)
def filter_options() -> dict[str, dict[str, int]]:
    """Selectable values of every facet, with cluster counts (as on the map)."""
    data = dataset()
    return filters.filter_options(data.clusters, data.regions)


@st.cache_data(show_spinner=False)
def registry() -> pd.DataFrame:
    """The registry table of all clusters (filtered per run)."""
    data = dataset()
    return profiles.registry_table(data.clusters, data.regions)


def url_params() -> dict[str, list[str]]:
    """This page's parameters in the current URL (repeated keys as lists)."""
    return {k: list(v) for k in URL_KEYS if (v := st.query_params.get_all(k))}


def shared_filter() -> filters.ClusterFilter:
    """The filter last set in this session: the map's, if it changed since this page last
    looked, else the one stored under :data:`SHARED_KEY`."""
    map_params = st.session_state.get(MAP_URL_KEY)
    if map_params is not None and map_params != st.session_state.get(SEEN_MAP_KEY):
        st.session_state[SEEN_MAP_KEY] = map_params
        st.session_state[SHARED_KEY] = filters.from_query_params(map_params)
    return st.session_state.get(SHARED_KEY, filters.ClusterFilter())


def push_to_widgets(params: dict[str, list[str]]) -> list[str]:
    """Put the URL's state (or the shared filter) into the widgets; returns what the URL
    held that is not an option, so the page can say it ignored it."""
    if any(k in params for k in filters.QUERY_KEYS):
        flt = filters.from_query_params(params)
    else:
        flt = shared_filter()
    flt, dropped = filters.sanitise(flt, filter_options())
    for facet in filters.FACETS:
        st.session_state[FILTER_KEYS[facet.field]] = list(flt.selected(facet.field))
    st.session_state[MNE_KEY] = flt.mne
    st.session_state[SEARCH_KEY] = (params.get("q") or [""])[-1]
    sort = (params.get("sort") or ["id"])[-1]
    if sort not in SORTS:
        dropped.append(f"sort: '{sort}'")
        sort = "id"
    st.session_state[SORT_KEY] = sort
    st.session_state[DESC_KEY] = (params.get("desc") or ["0"])[-1] == "1"
    return dropped


def reset() -> None:
    """Button callback: no filter, no search."""
    for key in FILTER_KEYS.values():
        st.session_state[key] = []
    st.session_state[MNE_KEY] = "any"
    st.session_state[SEARCH_KEY] = ""


data = dataset()
region_names = dict(zip(data.regions["code"], data.regions["name_en"], strict=True))
options = filter_options()

current = url_params()
fresh = any(k not in st.session_state for k in WIDGET_KEYS)  # first run since arriving
if fresh or st.session_state.get(URL_KEY) != current:
    ignored = push_to_widgets(current)
    if ignored:
        st.warning("Ignored in the URL (not an option): " + "; ".join(ignored))

st.title("Cluster registry")
st.caption(
    "Every cluster of the records: the 25 pilot innovative clusters of papers 001/002 and "
    "the clusters only the presentation 003 names. Missing values read “not reported”. "
    "Click a column header to sort by it; the Profile column opens the cluster's page."
)

sidebar = st.sidebar
sidebar.header("Filters")
sidebar.caption("The same filters as the map: a filter set here holds there, and back.")
sidebar.button("Reset filters and search", on_click=reset, use_container_width=True)
for facet in filters.FACETS:
    counts = options[facet.field]
    if facet.field == "region":

        def label(v: str, c: dict = counts) -> str:
            return f"{region_names.get(v, v)} ({c.get(v, 0)})"
    else:

        def label(v: str, c: dict = counts) -> str:
            return f"{v} ({c.get(v, 0)})"

    sidebar.multiselect(
        facet.label, list(counts), format_func=label, key=FILTER_KEYS[facet.field], placeholder="All"
    )
sidebar.radio(
    "MNE presence", filters.MNE_CHOICES, format_func=filters.MNE_LABELS.get, key=MNE_KEY,
    horizontal=True,
)  # fmt: skip

c1, c2, c3 = st.columns([4, 2, 1])
c1.text_input(
    "Search",
    key=SEARCH_KEY,
    placeholder="Name (English or Russian), city, region, specialisation…",
)
c2.selectbox("Sort by", list(SORTS), format_func=SORTS.get, key=SORT_KEY)
c3.checkbox("Descending", key=DESC_KEY)

flt = filters.ClusterFilter(
    **{field: tuple(st.session_state[key]) for field, key in FILTER_KEYS.items()},
    mne=st.session_state[MNE_KEY],
)
query = st.session_state[SEARCH_KEY]
sort, desc = st.session_state[SORT_KEY], bool(st.session_state[DESC_KEY])
if st.session_state.get(SHARED_KEY) != flt:
    st.session_state[SHARED_KEY] = flt

mask = filters.filter_mask(data.clusters, data.regions, flt) & profiles.search_mask(
    data.clusters, data.regions, query
)
table = registry().loc[mask.to_numpy()]
table = table.sort_values(
    [SORTS[sort], "ID"], ascending=[not desc, True], na_position="last", kind="stable"
)

new_params = filters.to_query_params(flt)
if query.strip():
    new_params["q"] = [query]
if sort != "id":
    new_params["sort"] = [sort]
if desc:
    new_params["desc"] = ["1"]
if new_params != current:
    st.query_params.from_dict(new_params)
st.session_state[URL_KEY] = new_params

what = " (filters and search)" if query.strip() and not flt.is_default else (
    " (search)" if query.strip() else (" (filters)" if not flt.is_default else "")
)  # fmt: skip
counts_text = filters.count_text(len(table), len(data.clusters))
st.markdown(f"**{counts_text}** shown{what}")
m1, m2, m3, m4 = st.columns(4)
m1.metric("Clusters shown", len(table))
m2.metric("With MNE links", int((table["MNE links"] > 0).sum()))
m3.metric("With an index", int(table["Index (recomputed)"].notna().sum()))
m4.metric("Regions", int(table.loc[table["Region code"] != profiles.NOT_REPORTED, "Region code"].nunique()))

if table.empty:
    st.info("No cluster matches. Widen the filters or change the search.")
else:
    st.dataframe(
        table,
        hide_index=True,
        use_container_width=True,
        column_config={
            "Profile": st.column_config.LinkColumn(
                "Profile", display_text=r"/cluster\?id=(.*)", help="Open the cluster profile"
            ),
            "Index (recomputed)": st.column_config.NumberColumn(format="%.2f"),
            "Index (published)": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    st.caption("Empty index cells: the cluster has no indicators (not assessed).")
    st.download_button(
        "Download these rows (CSV)",
        render_table(table.drop(columns="Profile"), "csv"),
        file_name="cluster_registry.csv",
        mime="text/csv",
    )

st.page_link(
    "pages/map.py",
    label="Show these filters on the map",
    icon="🗺️",
    query_params=filters.to_query_params(flt),
)
