"""Map page (the landing page): a choropleth of a region measure with the clusters on top.

The page reads its state from the URL (filters, measure, classification, basemap, open
region panel), mirrors it in the widgets, calls ``geo`` and renders. What is expensive and
does not depend on the filters (projected region payload, measures, Leaflet) is cached;
the base map is the same on every rerun, so ``st_folium`` keeps it and only swaps the
small dynamic layer (colours, legend, markers).

Navigating between pages clears the URL: arriving from another page, a URL without filter
parameters takes the filter last set in the session (the registry shares it), and one
without view parameters the map's last view, so a filter holds from page to page.
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import filters, maps, measures, views
from geo.palette import SCENARIO_LABELS
from pages.common import dataset, dataset_key
from pages.export_panel import render_export_panel

MAP_HEIGHT = 600
PANEL_PARAM = "panel"
FILTER_KEYS = {facet.field: f"map_filter_{facet.field}" for facet in filters.FACETS}
MNE_KEY = "map_filter_mne"
VIEW_KEYS = {"measure": "map_measure", "scheme": "map_scheme", "k": "map_k", "tiles": "map_tiles"}
URL_KEYS = (*filters.QUERY_KEYS, *maps.VIEW_QUERY_KEYS, PANEL_PARAM)
WIDGET_KEYS = (*FILTER_KEYS.values(), MNE_KEY, *VIEW_KEYS.values())
SHARED_FILTER_KEY = "cluster_filter"  # the filter last set on a page; the registry shares it
MAP_URL_KEY = "map_url"  # this page's last canonical URL parameters (the registry reads it)

TEXT: dict[str, str] = {
    "title": "Cluster Map of Russia",
    "filters": "Filters",
    "reset": "Reset filters",
    "all": "All",
    "mne": "MNE presence",
    "map": "Map",
    "tiles": "Basemap tiles (needs network)",
    "tiles_help": (
        "Web Mercator with OpenStreetMap tiles. Off: Albers conic projection, fully offline."
    ),
    "measure": "Region measure",
    "scheme": "Classification",
    "classes": "Classes",
    "ignored": "Ignored in the URL: {items}",
    "shown": "**{count}** shown{note}",
    "unlocated": " ({n} without a location, not drawn)",
    "mercator": "Web Mercator, OpenStreetMap tiles.",
    "albers": "Albers equal-area conic projection.",
    "caption": "{count} shown{note}. Click a region for its panel, a marker for the cluster's "
    "facts; with many clusters, nearby markers are grouped: click a group to zoom in. ",
    "close": "Close",
    "disputed": " · disputed territory",
    "facts": "{type} · {district} federal district · {code}",
    "no_data": "no data",
    "rank": "rank {rank} of {of} regions with data",
    "export_region": "Export this region (map and data)",
    "export_view": "Export this view (map and data)",
    "tied": ", tied with {n} other",
    "tied_plural": ", tied with {n} others",
    "col_measure": "Measure",
    "col_value": "Value",
    "col_rank": "Rank",
    "col_source": "Source",
    "no_clusters": "No cluster of the registry is declared in this region.",
    "clusters_in": "**Clusters in the region ({n})**",
    "col_profile": "Profile",
    "col_cluster": "Cluster",
    "col_city": "City",
    "col_status": "Status",
    "col_scenario": "Scenario",
    "col_mne": "MNE links",
    "col_index": "Index",
    "col_on_map": "On the map",
    "on_map_help": "Passes the current filters",
    "not_assessed": "not assessed",
    "how_to": "How to read this map",
    "how_to_body": (
        "- **Regions** are coloured by the measure chosen above, in classes of the chosen "
        "scheme (mapclassify); hatched grey means *no data*, which is never the lowest "
        "class. Indicators of the regional table exist for 19 regions only.\n"
        "- **Markers** are clusters: the fill is the scenario, a thick dark ring means the "
        "cluster has links to multinational enterprises (MNEs). Clusters sharing a point "
        "are spread on a small ring around it; a popup says when a cluster is drawn at a "
        "point of its region because the source does not report its city.\n"
        "- With more than {group_above} clusters, nearby markers are **grouped**: the pie "
        "shows their scenarios, the dark arc the share with MNE links, the number how "
        "many clusters; click a group to zoom in.\n"
        "- The view (filters, measure, classes, open region) is in the page URL: copy it "
        "to share exactly this map."
    ),
}
# Every user-facing text of the page: English literals in one place, for translation. (A
# comment, not a docstring: Streamlit's "magic" would print a bare string on the page.)


# --- cached inputs (pure functions of the shipped data) ----------------------------------------


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


@st.cache_data(show_spinner=False)
def filter_options(key: tuple) -> dict[str, dict[str, int]]:
    """Selectable values of every facet, with cluster counts."""
    data = dataset()
    return filters.filter_options(data.clusters, data.regions)


# --- URL <-> widgets -----------------------------------------------------------------------------


def url_params() -> dict[str, list[str]]:
    """The page's parameters in the current URL (repeated keys as lists)."""
    out = {}
    for key in URL_KEYS:
        values = st.query_params.get_all(key)
        if values:
            out[key] = list(values)
    return out


def state_params(flt: filters.ClusterFilter, view: maps.MapView, panel: str | None) -> dict:
    """The canonical URL parameters of a page state."""
    params = {**filters.to_query_params(flt), **maps.view_to_query_params(view)}
    if panel:
        params[PANEL_PARAM] = [panel]
    return params


def push_url_to_widgets(
    params: dict[str, list[str]], region_codes: set[str], arriving: bool
) -> list[str]:
    """Put the URL's state into the widgets; returns what it had to ignore.

    ``arriving``: the page was just opened from another page, whose navigation cleared the
    URL. Then a URL without filter parameters takes the filter last set in this session
    (on the registry, say: the pages share it under ``SHARED_FILTER_KEY``), and one without
    view parameters the map's own last view.
    """
    if arriving and not any(k in params for k in filters.QUERY_KEYS):
        shared = st.session_state.get(SHARED_FILTER_KEY)
        flt = shared if isinstance(shared, filters.ClusterFilter) else filters.ClusterFilter()
    else:
        flt = filters.from_query_params(params)
    flt, dropped = filters.sanitise(flt, filter_options(data_key))
    last_view = st.session_state.get(MAP_URL_KEY) or {}
    if arriving and not any(k in params for k in maps.VIEW_QUERY_KEYS):
        view = maps.view_from_query_params(last_view)
    else:
        view = maps.view_from_query_params(params)
    for facet in filters.FACETS:
        st.session_state[FILTER_KEYS[facet.field]] = list(flt.selected(facet.field))
    st.session_state[MNE_KEY] = flt.mne
    for field, key in VIEW_KEYS.items():
        st.session_state[key] = getattr(view, field)
    panel = (params.get(PANEL_PARAM) or [None])[-1]
    st.session_state["map_panel"] = panel if panel in region_codes else None
    return dropped


def reset_filters() -> None:
    """Button callback: every facet back to "all", MNE presence to "any"."""
    for key in FILTER_KEYS.values():
        st.session_state[key] = []
    st.session_state[MNE_KEY] = "any"


def close_panel() -> None:
    st.session_state["map_panel"] = None


# --- page ----------------------------------------------------------------------------------------

data = dataset()
regions = data.regions
region_names = dict(zip(regions["code"], regions["name_en"], strict=True))
data_key = dataset_key()
options = filter_options(data_key)
table = measure_table(data_key)

current = url_params()
arriving = any(key not in st.session_state for key in WIDGET_KEYS)  # from another page
if arriving or st.session_state.get(MAP_URL_KEY) != current:  # or a URL opened by hand
    ignored = push_url_to_widgets(current, set(region_names), arriving)
    if ignored:
        st.toast(TEXT["ignored"].format(items="; ".join(ignored)))

st.title(TEXT["title"])

# Sidebar: filters.
sidebar = st.sidebar
sidebar.header(TEXT["filters"])
count_slot = sidebar.empty()
sidebar.button(TEXT["reset"], on_click=reset_filters, width="stretch")
for facet in filters.FACETS:
    counts = options[facet.field]
    if facet.field == "region":

        def label(v: str, c: dict = counts) -> str:
            return f"{region_names.get(v, v)} ({c.get(v, 0)})"
    else:

        def label(v: str, c: dict = counts) -> str:
            return f"{v} ({c.get(v, 0)})"

    sidebar.multiselect(
        facet.label,
        list(counts),
        format_func=label,
        key=FILTER_KEYS[facet.field],
        placeholder=TEXT["all"],
    )
sidebar.radio(
    TEXT["mne"],
    filters.MNE_CHOICES,
    format_func=filters.MNE_LABELS.get,
    key=MNE_KEY,
    horizontal=True,
)
sidebar.header(TEXT["map"])
sidebar.checkbox(TEXT["tiles"], key=VIEW_KEYS["tiles"], help=TEXT["tiles_help"])

# Main area: what the choropleth shows.
measure_keys = [m.key for m in measures.available_measures()]
c1, c2, c3 = st.columns([3, 1.4, 1])
c1.selectbox(
    TEXT["measure"],
    measure_keys,
    format_func=lambda k: measures.measure(k).label,
    key=VIEW_KEYS["measure"],
)
c2.selectbox(
    TEXT["scheme"], list(maps.SCHEMES), format_func=maps.SCHEMES.get, key=VIEW_KEYS["scheme"]
)
c3.select_slider(
    TEXT["classes"], list(range(maps.MIN_CLASSES, maps.MAX_CLASSES + 1)), key=VIEW_KEYS["k"]
)

flt = filters.ClusterFilter(
    **{field: tuple(st.session_state[key]) for field, key in FILTER_KEYS.items()},
    mne=st.session_state[MNE_KEY],
)
if st.session_state.get(SHARED_FILTER_KEY) != flt:
    st.session_state[SHARED_FILTER_KEY] = flt  # the registry shows the same clusters
view = maps.MapView(
    measure=st.session_state[VIEW_KEYS["measure"]],
    scheme=st.session_state[VIEW_KEYS["scheme"]],
    k=int(st.session_state[VIEW_KEYS["k"]]),
    tiles=bool(st.session_state[VIEW_KEYS["tiles"]]),
)

# Filter the clusters and build the map.
shown = filters.apply_filter(data.clusters, regions, flt)
unlocated = int((shown["lat"].isna() | shown["lon"].isna()).sum())
count = filters.count_text(len(shown), len(data.clusters))
note = TEXT["unlocated"].format(n=unlocated) if unlocated else ""
count_slot.markdown(TEXT["shown"].format(count=count, note=note))

values = table[view.measure]
base = maps.base_map(region_payload(view.projection, data_key), leaflet_assets())
layer = maps.view_layer(data, view, flt, table, shown=shown)

projection_note = TEXT["mercator"] if view.tiles else TEXT["albers"]
st.caption(TEXT["caption"].format(count=count, note=note) + projection_note)
returned = st_folium(
    base,
    key="cluster_map",
    height=MAP_HEIGHT,
    use_container_width=True,
    feature_group_to_add=layer,
    returned_objects=["last_active_drawing"],
)

# A new click opens the panel of the clicked region (or of the clicked cluster's region).
clicked = (returned or {}).get("last_active_drawing") or {}
props = clicked.get("properties") or {}
click_id = (props.get("kind"), props.get("code") or props.get("id"))
if props and st.session_state.get("map_last_click") != click_id:
    st.session_state["map_last_click"] = click_id
    target = props.get("code") if props.get("kind") == "region" else props.get("region")
    if target in region_names:
        st.session_state["map_panel"] = target

panel = st.session_state.get("map_panel")

# Mirror the state in the URL, so the view can be bookmarked and shared.
new_params = state_params(flt, view, panel)
if new_params != current:
    # Only this page's keys: the dataset and language parameters of other modules stay.
    for key in URL_KEYS:
        if key in new_params:
            st.query_params[key] = new_params[key]
        elif key in st.query_params:
            del st.query_params[key]
st.session_state[MAP_URL_KEY] = new_params


def render_panel(code: str) -> None:
    """Indicators, ranks and clusters of one region."""
    row = regions.loc[regions["code"] == code].iloc[0]
    head, close = st.columns([6, 1])
    head.subheader(f"{row['name_en']} · {row['name_ru']}")
    close.button(TEXT["close"], on_click=close_panel, key="map_close_panel")
    facts = TEXT["facts"].format(
        type=str(row["type"]).capitalize(), district=row["federal_district"], code=code
    )
    if bool(row.get("disputed")):
        facts += TEXT["disputed"]
    st.caption(facts)

    chosen = measures.measure(view.measure)
    rank = measures.rank_of(values, code)
    value = measures.format_value(values.get(code), view.measure)
    rank_text = TEXT["no_data"]
    if rank:
        rank_text = TEXT["rank"].format(rank=rank.rank, of=rank.of)
        if rank.tied > 1:
            tied = TEXT["tied_plural"] if rank.tied > 2 else TEXT["tied"]
            rank_text += tied.format(n=rank.tied - 1)
    m1, m2 = st.columns([2, 3])
    m1.metric(chosen.label, value, help=chosen.description)
    m2.markdown(f"**{rank_text.capitalize()}**")

    rows = []
    for m in measures.available_measures():
        r = measures.rank_of(table[m.key], code)
        rows.append(
            {
                TEXT["col_measure"]: m.label,
                TEXT["col_value"]: measures.format_value(table.at[code, m.key], m.key),
                TEXT["col_rank"]: str(r) if r else "—",
                TEXT["col_source"]: m.family,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    with st.expander(TEXT["export_region"]):
        render_export_panel(
            data, views.view_from_map(flt, view, territory=code), key="region_export"
        )

    in_region = data.clusters.loc[data.clusters["region_code"] == code].sort_values("id")
    if in_region.empty:
        st.info(TEXT["no_clusters"])
        return
    listing = pd.DataFrame(
        {
            TEXT["col_profile"]: [
                maps.PROFILE_URL.format(id=quote(str(i), safe="")) for i in in_region["id"]
            ],
            TEXT["col_cluster"]: [maps.cluster_name(r) for r in in_region.to_dict("records")],
            TEXT["col_city"]: in_region["city"].fillna(filters.NOT_REPORTED),
            TEXT["col_status"]: in_region["status"].fillna(filters.NOT_REPORTED),
            TEXT["col_scenario"]: in_region["scenario"].fillna(TEXT["not_assessed"]),
            TEXT["col_mne"]: in_region["mne_count"],
            TEXT["col_index"]: in_region["cluster_index"].round(2),
            TEXT["col_on_map"]: in_region["id"].isin(shown["id"]),
        }
    )
    st.markdown(TEXT["clusters_in"].format(n=len(in_region)))
    st.dataframe(
        listing,
        hide_index=True,
        width="stretch",
        column_config={
            TEXT["col_profile"]: st.column_config.LinkColumn(
                TEXT["col_profile"], display_text=r"/cluster\?id=(.*)"
            ),
            TEXT["col_on_map"]: st.column_config.CheckboxColumn(
                TEXT["col_on_map"], help=TEXT["on_map_help"]
            ),
        },
    )


if panel:
    with st.container(border=True):
        render_panel(panel)

with st.expander(TEXT["export_view"]):
    render_export_panel(data, views.view_from_map(flt, view), choose_territory=True)

with st.expander(TEXT["how_to"]):
    st.markdown(TEXT["how_to_body"].format(group_above=maps.GROUP_ABOVE))
    st.markdown("\n".join(f"- **{k}**: {v}" for k, v in SCENARIO_LABELS.items()))
