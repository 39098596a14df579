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

from functools import partial
from urllib.parse import quote

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import filters, measures, profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import classify, maps, urlstate, views
from ui.dataset import dataset, dataset_key
from ui.export_panel import render_export_panel
from ui.filter_sidebar import FilterWidgets
from ui.lang import current_lang, page_text, vocabulary_labels

MAP_HEIGHT = 600
PANEL_PARAM = "panel"
FILTERS = FilterWidgets("map_filter_")
VIEW_KEYS = {"measure": "map_measure", "scheme": "map_scheme", "k": "map_k", "tiles": "map_tiles"}
URL_KEYS = (*filters.QUERY_KEYS, *urlstate.VIEW_QUERY_KEYS, PANEL_PARAM)
WIDGET_KEYS = (*FILTERS.keys, *VIEW_KEYS.values())
SHARED_FILTER_KEY = "cluster_filter"  # the filter last set on a page; the registry shares it
MAP_URL_KEY = "map_url"  # this page's last canonical URL parameters (the registry reads it)

TEXT: dict[str, str] = {
    "title": N_("Cluster Map of Russia"),
    "filters": N_("Filters"),
    "reset": N_("Reset filters"),
    "map": N_("Map"),
    "tiles": N_("Basemap tiles (needs network)"),
    "tiles_help": N_(
        "Web Mercator with OpenStreetMap tiles. Off: Albers conic projection, fully offline."
    ),
    "measure": N_("Region measure"),
    "scheme": N_("Classification"),
    "classes": N_("Classes"),
    "ignored": N_("Ignored in the URL: {items}"),
    "panel": N_("Region panel"),
    "shown": N_("**{count}** shown{note}"),
    "unlocated": N_(" ({n} without a location, not drawn)"),
    "mercator": N_("Web Mercator, OpenStreetMap tiles."),
    "albers": N_("Albers equal-area conic projection."),
    "caption": N_(
        "{count} shown{note}. Click a region for its panel, a marker for the cluster's "
        "facts; with many clusters, nearby markers are grouped: click a group to zoom in. "
    ),
    "close": N_("Close"),
    "disputed": N_(" · disputed territory"),
    "facts": N_("{type} · {district} federal district · {code}"),
    "no_data": N_("no data"),
    "rank": N_("rank {rank} of {of} regions with data"),
    "export_region": N_("Export this region (map and data)"),
    "export_view": N_("Export this view (map and data)"),
    "tied": N_(", tied with {n} other"),
    "tied_plural": N_(", tied with {n} others"),
    "col_measure": N_("Measure"),
    "col_value": N_("Value"),
    "col_rank": N_("Rank"),
    "col_source": N_("Source"),
    "no_clusters": N_("No cluster of the registry is declared in this region."),
    "clusters_in": N_("**Clusters in the region ({n})**"),
    "col_profile": N_("Profile"),
    "col_cluster": N_("Cluster"),
    "col_city": N_("City"),
    "col_status": N_("Status"),
    "col_scenario": N_("Scenario"),
    "col_mne": N_("MNE links"),
    "col_index": N_("Index"),
    "col_on_map": N_("On the map"),
    "on_map_help": N_("Passes the current filters"),
    "not_assessed": N_("not assessed"),
    "how_to": N_("How to read this map"),
    "how_to_body": N_(
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
# Every user-facing text of the page: English msgids in one place, translated by ``t``. (A
# comment, not a docstring: Streamlit's "magic" would print a bare string on the page.)


t = partial(page_text, TEXT)  # the page's text in the interface language


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


def state_params(view: views.View, panel: str | None) -> dict:
    """The canonical URL parameters of a page state (the language has its own switch)."""
    params = {k: v for k, v in urlstate.view_to_query_params(view).items() if k in URL_KEYS}
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
        flt = urlstate.filter_from_query_params(params)
    flt, dropped = filters.sanitise(flt, filter_options(data_key), lang)
    last_view = st.session_state.get(MAP_URL_KEY) or {}
    if arriving and not any(k in params for k in urlstate.VIEW_QUERY_KEYS):
        view = urlstate.view_from_query_params(last_view)
    else:
        view = urlstate.view_from_query_params(params)
    FILTERS.push(flt)
    for field, key in VIEW_KEYS.items():
        st.session_state[key] = getattr(view, field)
    panel = urlstate.last(params, PANEL_PARAM)
    st.session_state["map_panel"] = panel if panel in region_codes else None
    dropped += urlstate.view_problems(params, lang)
    if panel is not None and panel not in region_codes:
        dropped.append(filters.unknown_value(t("panel"), panel, lang))
    return dropped


def close_panel() -> None:
    st.session_state["map_panel"] = None


# --- page ----------------------------------------------------------------------------------------

lang = current_lang()
vocab = vocabulary_labels()
words = profiles.Words(lang, vocab)
data = dataset()
regions = data.regions
region_names = dict(zip(regions["code"], i18n.localised_names(regions, lang), strict=True))
data_key = dataset_key()
options = filter_options(data_key)
table = measure_table(data_key)

current = urlstate.read(st.query_params, URL_KEYS)
arriving = any(key not in st.session_state for key in WIDGET_KEYS)  # from another page
if arriving or st.session_state.get(MAP_URL_KEY) != current:  # or a URL opened by hand
    ignored = push_url_to_widgets(current, set(region_names), arriving)
    if ignored:
        st.toast(t("ignored", items=profiles.md_literal("; ".join(ignored))))

st.title(t("title"))

# Sidebar: filters.
sidebar = st.sidebar
sidebar.header(t("filters"))
count_slot = sidebar.empty()
sidebar.button(t("reset"), on_click=FILTERS.reset, width="stretch")
FILTERS.render(sidebar, options, lang, words, region_names)
sidebar.header(t("map"))
sidebar.checkbox(t("tiles"), key=VIEW_KEYS["tiles"], help=t("tiles_help"))

# Main area: what the choropleth shows.
measure_keys = [m.key for m in measures.available_measures()]
c1, c2, c3 = st.columns([3, 1.4, 1])
c1.selectbox(
    t("measure"),
    measure_keys,
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
    t("classes"), list(range(classify.MIN_CLASSES, classify.MAX_CLASSES + 1)), key=VIEW_KEYS["k"]
)

flt = FILTERS.current()
if st.session_state.get(SHARED_FILTER_KEY) != flt:
    st.session_state[SHARED_FILTER_KEY] = flt  # the registry shows the same clusters
view = views.View(
    filters=flt,
    lang=lang,  # type: ignore[arg-type]
    measure=st.session_state[VIEW_KEYS["measure"]],
    scheme=st.session_state[VIEW_KEYS["scheme"]],
    k=int(st.session_state[VIEW_KEYS["k"]]),
    tiles=bool(st.session_state[VIEW_KEYS["tiles"]]),
)

# Filter the clusters and build the map.
shown = filters.apply_filter(data.clusters, regions, flt)
unlocated = int((shown["lat"].isna() | shown["lon"].isna()).sum())
count = filters.count_text(len(shown), len(data.clusters), lang=lang)
note = t("unlocated", n=i18n.format_int(unlocated, lang)) if unlocated else ""
count_slot.markdown(t("shown", count=count, note=note))

values = table[view.measure]
base = maps.base_map(region_payload(view.projection, data_key), leaflet_assets(), lang)
layer = maps.view_layer(data, view, table, shown=shown, lang=lang, labels=vocab)

projection_note = t("mercator") if view.tiles else t("albers")
st.caption(t("caption", count=count, note=note) + projection_note)
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
new_params = state_params(view, panel)
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
    first, other = ("name_ru", "name_en") if lang == "ru" else ("name_en", "name_ru")
    names = [str(row[c]) for c in (first, other) if not i18n.is_missing(row.get(c))]
    head.subheader(" · ".join(dict.fromkeys(names)) or code)
    close.button(t("close"), on_click=close_panel, key="map_close_panel")
    facts = t(
        "facts",
        type=words.region_type(row["type"]).capitalize(),
        district=words.district(row["federal_district"]),
        code=code,
    )
    if bool(row.get("disputed")):
        facts += t("disputed")
    st.caption(facts)

    rank = measures.rank_of(values, code)
    value = measures.format_value(values.get(code), view.measure, lang)
    rank_line = t("no_data")
    if rank:
        rank_line = t(
            "rank", rank=i18n.format_int(rank.rank, lang), of=i18n.format_int(rank.of, lang)
        )
        if rank.tied > 1:
            n = i18n.format_int(rank.tied - 1, lang)
            rank_line += t("tied_plural", n=n) if rank.tied > 2 else t("tied", n=n)
    m1, m2 = st.columns([2, 3])
    m1.metric(
        measures.measure_label(view.measure, lang, vocab),
        value,
        help=measures.measure_description(view.measure, lang),
    )
    m2.markdown(f"**{rank_line[:1].upper()}{rank_line[1:]}**")

    rows = []
    for m in measures.available_measures():
        r = measures.rank_of(table[m.key], code)
        rows.append(
            {
                t("col_measure"): measures.measure_label(m.key, lang, vocab),
                t("col_value"): measures.format_value(table.at[code, m.key], m.key, lang),
                t("col_rank"): measures.rank_text(r, lang) if r else "—",
                t("col_source"): measures.family_label(m.key, lang),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")

    with st.expander(t("export_region")):
        render_export_panel(
            data,
            view.for_territory(code),
            key="region_export",
        )

    in_region = data.clusters.loc[data.clusters["region_code"] == code].sort_values("id")
    if in_region.empty:
        st.info(t("no_clusters"))
        return
    listing = pd.DataFrame(
        {
            t("col_profile"): [
                maps.PROFILE_URL.format(id=quote(str(i), safe="")) for i in in_region["id"]
            ],
            t("col_cluster"): [maps.cluster_name(r, lang) for r in in_region.to_dict("records")],
            t("col_city"): i18n.texts(in_region["city"], lang),
            t("col_status"): words.terms("status", in_region["status"]),
            t("col_scenario"): in_region["scenario"].map(words.scenario).astype(object),
            t("col_mne"): in_region["mne_count"],
            t("col_index"): in_region["cluster_index"].round(2),
            t("col_on_map"): in_region["id"].isin(shown["id"]),
        }
    )
    st.markdown(t("clusters_in", n=i18n.format_int(len(in_region), lang)))
    st.dataframe(
        listing,
        hide_index=True,
        width="stretch",
        column_config={
            t("col_profile"): st.column_config.LinkColumn(
                t("col_profile"), display_text=r"/cluster\?id=(.*)"
            ),
            t("col_on_map"): st.column_config.CheckboxColumn(
                t("col_on_map"), help=t("on_map_help")
            ),
        },
    )


if panel:
    with st.container(border=True):
        render_panel(panel)

with st.expander(t("export_view")):
    render_export_panel(
        data,
        view.for_territory(views.COUNTRY),
        choose_territory=True,
    )

with st.expander(t("how_to")):
    st.markdown(t("how_to_body", group_above=i18n.format_int(maps.GROUP_ABOVE, lang)))
    legend = (i18n.scenario_label(k, lang).partition(":") for k in i18n.SCENARIO_DESCRIPTIONS)
    st.markdown("\n".join(f"- **{name}**:{rest}" for name, _, rest in legend))
