"""The map's text alternative on a page: an expander "The map as a table" right under a
map, with the table of ``geo.render.map_table`` and, where the page has region panels, a
picker that opens one (a route to any panel with neither a pointer nor the map). The
expander is lazy (:mod:`ui.lazy`): its body is drawn only while it is open."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from geo.analysis.measures import measure_label
from geo.base import i18n
from geo.render import map_table
from geo.render.maps import MapContent
from ui import navigation
from ui.lazy import lazy_expander


def render_map_table(
    content: MapContent,
    key: str,
    region_names: Mapping[str, str] | None = None,
    open_panel: Callable[[str | None], None] | None = None,
    current_panel: str | None = None,
) -> None:
    """The expander under a map. ``key`` keeps its widgets apart from other maps';
    ``open_panel`` (with ``region_names``, code → name) is called with the code of the
    region picked, when the page has panels; ``current_panel`` is the one open now."""
    lang = content.lang
    lazy_expander(
        map_table.text("title", lang),
        f"{key}_open",
        lambda: _table_body(content, key, region_names, open_panel, current_panel),
    )


def _table_body(
    content: MapContent,
    key: str,
    region_names: Mapping[str, str] | None,
    open_panel: Callable[[str | None], None] | None,
    current_panel: str | None,
) -> None:
    """The open expander's body: the region picker (where the page has panels), the
    caption naming the measure, the table and the link to the registry."""
    lang = content.lang
    if open_panel is not None and region_names:
        pick_key = f"{key}_pick"
        st.session_state[pick_key] = current_panel
        st.selectbox(
            map_table.text("pick", lang),
            sorted(region_names, key=lambda c: region_names[c]),
            format_func=region_names.get,
            key=pick_key,
            placeholder=map_table.text("pick_none", lang),
            on_change=lambda: open_panel(st.session_state.get(pick_key)),
        )
    measure = measure_label(content.measure, lang, content.labels)
    st.caption(map_table.text("caption", lang, measure=measure))
    st.dataframe(map_table.map_table(content), hide_index=True, width="stretch")
    registry = i18n.translator(lang)(navigation.page("registry").title)
    st.page_link(navigation.file("registry"), label=registry, icon="📇")
