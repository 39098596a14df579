"""Map page (the landing page): a choropleth of a region measure with the clusters on top.

The page reads its state from the URL (filters, measure, classification, basemap, open
region panel), mirrors it in the widgets, calls ``geo`` and renders. What is expensive and
does not depend on the filters (projected region payload, measures, Leaflet) is cached;
the base map is the same on every rerun, so ``st_folium`` keeps it and only swaps the
small dynamic layer (colours, legend, markers).
"""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import filters, maps, measures
from geo.palette import SCENARIO_LABELS
from pages.common import dataset

MAP_HEIGHT = 600
PANEL_PARAM = "panel"
FILTER_KEYS = {facet.field: f"map_filter_{facet.field}" for facet in filters.FACETS}
MNE_KEY = "map_filter_mne"
VIEW_KEYS = {"measure": "map_measure", "scheme": "map_scheme", "k": "map_k", "tiles": "map_tiles"}
URL_KEYS = (*filters.QUERY_KEYS, *maps.VIEW_QUERY_KEYS, PANEL_PARAM)


# --- cached inputs (pure functions of the shipped data) ----------------------------------------


@st.cache_data(show_spinner=False)
def region_payload(projection: str) -> maps.RegionPayload:
    """Projected, rounded, encoded region shapes (about 50 KB), once per projection."""
    return maps.region_payload(dataset().regions, projection)  # type: ignore[arg-type]


@st.cache_resource(show_spinner=False)
def leaflet_assets() -> maps.LeafletAssets:
    """Leaflet as data: URLs, read from its package once per process."""
    return maps.leaflet_assets()


@st.cache_data(show_spinner=False)
def measure_table() -> pd.DataFrame:
    """Every measure for every region."""
    return measures.measure_table(dataset())


@st.cache_data(show_spinner=False)
def filter_options() -> dict[str, dict[str, int]]:
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


def push_url_to_widgets(params: dict[str, list[str]], region_codes: set[str]) -> list[str]:
    """Put the URL's state into the widgets; returns what it had to ignore."""
    flt, dropped = filters.sanitise(filters.from_query_params(params), filter_options())
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
options = filter_options()
table = measure_table()

current = url_params()
if st.session_state.get("map_url") != current:  # first visit, or a URL opened/edited by hand
    ignored = push_url_to_widgets(current, set(region_names))
    if ignored:
        st.toast("Ignored in the URL: " + "; ".join(ignored))

st.title("Cluster Map of Russia")

# Sidebar: filters.
sidebar = st.sidebar
sidebar.header("Filters")
count_slot = sidebar.empty()
sidebar.button("Reset filters", on_click=reset_filters, use_container_width=True)
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
    "MNE presence",
    filters.MNE_CHOICES,
    format_func=filters.MNE_LABELS.get,
    key=MNE_KEY,
    horizontal=True,
)
sidebar.header("Map")
sidebar.checkbox(
    "Basemap tiles (needs network)",
    key=VIEW_KEYS["tiles"],
    help="Web Mercator with OpenStreetMap tiles. Off: Albers conic projection, fully offline.",
)

# Main area: what the choropleth shows.
measure_keys = [m.key for m in measures.available_measures()]
c1, c2, c3 = st.columns([3, 1.4, 1])
c1.selectbox(
    "Region measure",
    measure_keys,
    format_func=lambda k: measures.measure(k).label,
    key=VIEW_KEYS["measure"],
)
c2.selectbox(
    "Classification", list(maps.SCHEMES), format_func=maps.SCHEMES.get, key=VIEW_KEYS["scheme"]
)
c3.select_slider(
    "Classes", list(range(maps.MIN_CLASSES, maps.MAX_CLASSES + 1)), key=VIEW_KEYS["k"]
)

flt = filters.ClusterFilter(
    **{field: tuple(st.session_state[key]) for field, key in FILTER_KEYS.items()},
    mne=st.session_state[MNE_KEY],
)
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
note = f" ({unlocated} without a location, not drawn)" if unlocated else ""
count_slot.markdown(f"**{count}** shown{note}")

values = table[view.measure]
classification = maps.classify(values, view.scheme, view.k)
styles = maps.region_styles(values, classification, regions, view.measure)
legend = maps.legend_html(view.measure, classification, maps.scenario_counts(shown))
points = maps.cluster_payload(shown, regions, view.projection)
base = maps.base_map(region_payload(view.projection), leaflet_assets())
layer = maps.dynamic_layer(styles, legend, points)

projection_note = (
    "Web Mercator, OpenStreetMap tiles." if view.tiles else "Albers equal-area conic projection."
)
st.caption(
    f"{count} shown{note}. Click a region for its panel, a marker for the cluster's facts. "
    + projection_note
)
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
    st.query_params.from_dict(new_params)
st.session_state["map_url"] = new_params


def render_panel(code: str) -> None:
    """Indicators, ranks and clusters of one region."""
    row = regions.loc[regions["code"] == code].iloc[0]
    head, close = st.columns([6, 1])
    head.subheader(f"{row['name_en']} · {row['name_ru']}")
    close.button("Close", on_click=close_panel, key="map_close_panel")
    facts = f"{str(row['type']).capitalize()} · {row['federal_district']} federal district · {code}"
    if bool(row.get("disputed")):
        facts += " · disputed territory"
    st.caption(facts)

    chosen = measures.measure(view.measure)
    rank = measures.rank_of(values, code)
    value = measures.format_value(values.get(code), view.measure)
    rank_text = "no data"
    if rank:
        rank_text = f"rank {rank.rank} of {rank.of} regions with data"
        if rank.tied > 1:
            rank_text += f", tied with {rank.tied - 1} other{'s' if rank.tied > 2 else ''}"
    m1, m2 = st.columns([2, 3])
    m1.metric(chosen.label, value, help=chosen.description)
    m2.markdown(f"**{rank_text.capitalize()}**")

    rows = []
    for m in measures.available_measures():
        r = measures.rank_of(table[m.key], code)
        rows.append(
            {
                "Measure": m.label,
                "Value": measures.format_value(table.at[code, m.key], m.key),
                "Rank": str(r) if r else "—",
                "Source": m.family,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)

    in_region = data.clusters.loc[data.clusters["region_code"] == code].sort_values("id")
    if in_region.empty:
        st.info("No cluster of the registry is declared in this region.")
        return
    listing = pd.DataFrame(
        {
            "Profile": [maps.PROFILE_URL.format(id=i) for i in in_region["id"]],
            "Cluster": [maps.cluster_name(r) for r in in_region.to_dict("records")],
            "City": in_region["city"].fillna(filters.NOT_REPORTED),
            "Status": in_region["status"].fillna(filters.NOT_REPORTED),
            "Scenario": in_region["scenario"].fillna("not assessed"),
            "MNE links": in_region["mne_count"],
            "Index": in_region["cluster_index"].round(2),
            "On the map": in_region["id"].isin(shown["id"]),
        }
    )
    st.markdown(f"**Clusters in the region ({len(in_region)})**")
    st.dataframe(
        listing,
        hide_index=True,
        use_container_width=True,
        column_config={
            "Profile": st.column_config.LinkColumn(
                "Profile", display_text=r"/cluster\?id=(.*)"
            ),
            "On the map": st.column_config.CheckboxColumn(
                "On the map", help="Passes the current filters"
            ),
        },
    )


if panel:
    with st.container(border=True):
        render_panel(panel)

with st.expander("How to read this map"):
    st.markdown(
        "- **Regions** are coloured by the measure chosen above, in classes of the chosen "
        "scheme (mapclassify); hatched grey means *no data*, which is never the lowest "
        "class. Indicators of the regional table exist for 19 regions only.\n"
        "- **Markers** are clusters: the fill is the scenario, a thick dark ring means the "
        "cluster has links to multinational enterprises (MNEs). Clusters sharing a point "
        "are spread on a small ring around it; a popup says when a cluster is drawn at a "
        "point of its region because the source does not report its city.\n"
        "- The view (filters, measure, classes, open region) is in the page URL: copy it "
        "to share exactly this map."
    )
    st.markdown(
        "\n".join(f"- **{html.escape(k)}**: {html.escape(v)}" for k, v in SCENARIO_LABELS.items())
    )
