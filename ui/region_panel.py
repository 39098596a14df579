"""The map page's region panel: facts, the chosen measure with its rank, every measure, the
region's clusters with links to their profiles, and the region's exports. What it shows
comes from :func:`geo.analysis.panels.region_panel`; this module only lays it out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import pandas as pd
import streamlit as st

from geo.analysis import panels
from geo.analysis.dataset import Dataset
from geo.render import maps, views
from ui.export_panel import render_export_panel
from ui.lang import page_text
from ui.lazy import lazy_expander

t = partial(page_text, panels.TEXT)  # the panel's text in the interface language


def render_region_panel(
    data: Dataset,
    table: pd.DataFrame,
    view: views.View,
    shown: pd.DataFrame,
    code: str,
    vocab: Mapping[str, str],
    on_close: Callable[[], None],
) -> None:
    """The panel of region ``code`` under ``view`` (``shown``: the clusters the filters
    keep; ``table``: every measure for every region), with a button calling ``on_close``."""
    lang = view.lang
    name = partial(maps.cluster_name, lang=lang)  # as the popups name clusters
    p = panels.region_panel(data, table, code, view.measure, shown["id"], lang, vocab, name)
    head, close = st.columns([6, 1])
    head.header(p.title)  # h2: the section under the page's h1
    close.button(t("close"), on_click=on_close, key="map_close_panel")
    st.caption(p.facts)
    m1, m2 = st.columns([2, 3])
    m1.metric(p.measure, p.value, help=p.help)
    m2.markdown(f"**{p.rank}**")
    st.dataframe(p.measures, hide_index=True, width="stretch")
    lazy_expander(
        t("export_region"),
        "region_export_open",
        partial(render_export_panel, data, view.for_territory(code), key="region_export"),
    )
    if p.clusters.empty:
        st.info(t("no_clusters"))
        return
    _clusters_table(p)


def _clusters_table(p: panels.RegionPanel) -> None:
    """The region's clusters, each linked to its profile and ticked when on the map."""
    st.markdown(p.clusters_heading)
    profile, on_map = t("col_profile"), t("col_on_map")
    links = st.column_config.LinkColumn(profile, display_text=r"/cluster\?id=(.*)")
    ticks = st.column_config.CheckboxColumn(on_map, help=t("on_map_help"))
    st.dataframe(
        p.clusters, hide_index=True, width="stretch", column_config={profile: links, on_map: ticks}
    )
