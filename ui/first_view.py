"""The landing map first (issue 18: a new visit shows the map's regions within 2 s).

Measured in a browser (``docs/BENCHMARKS.md``, "First view"): a page holding only the
landing map's title and map drew its regions in about half the time of the whole page.
The rest of the time was the browser rendering the sidebar's widgets (language switch,
dataset selector, seven filters) while the map's frame loaded Leaflet and its script, all
on the same main thread. So the session's first run of the landing page is a *map-first*
run: it draws the main area up to and including the map, from the state the URL gives,
and leaves out the sidebar's widgets and what follows the map. The map's script tells
the app once its regions are drawn (``geo.render.maps.base_map(announce_drawn=True)``),
which reruns the script: that run, like every later one, draws the whole page around the
map, which stays as it is (same arguments, so the same frame). If the browser never
says so (a script error, a blocked frame), a timer in the page reruns it after
:data:`FALLBACK_SECONDS`.

``CLUSTERMAP_FIRST_VIEW=full`` turns map-first runs off (every run draws the whole page):
the ``AppTest`` suite sets it, since ``AppTest`` runs no JavaScript; the browser tests and
the benchmarks serve the app as users get it.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

__all__ = ["ENV", "FALLBACK_SECONDS", "begin", "finish_later", "map_first", "slot"]

ENV = "CLUSTERMAP_FIRST_VIEW"
"""``map-first`` (default) or ``full``: see the module's docstring."""
MODES = ("map-first", "full")
FALLBACK_SECONDS = 3.0
"""After a map-first run, the page is drawn whole after this long at the latest."""
STACK_BELOW_PX = 640
"""Streamlit stacks columns on a screen narrower than this (its ``md`` breakpoint)."""
_STARTED_KEY = "first_view_started"
_MAP_FIRST_KEY = "first_view_map_first"
_ARMED_KEY = "first_view_fallback_armed"


def enabled() -> bool:
    """Whether map-first runs are on (``CLUSTERMAP_FIRST_VIEW``; an unknown value is the
    default, so a typo never leaves a page half drawn: the fallback still completes it)."""
    return os.environ.get(ENV, MODES[0]) != "full"


def begin(landing: bool) -> bool:
    """Called once at the top of every run: whether this run is map-first, i.e. the
    session's first run, of the landing page (``landing``), with map-first runs on."""
    first = _STARTED_KEY not in st.session_state
    st.session_state[_STARTED_KEY] = True
    quick = first and landing and enabled()
    st.session_state[_MAP_FIRST_KEY] = quick
    return quick


def map_first() -> bool:
    """Whether the current run is map-first (see :func:`begin`)."""
    return bool(st.session_state.get(_MAP_FIRST_KEY, False))


def slot(key: str, height_px: int, stacked_px: int) -> Any:
    """A container (``st.container(key=key)``) for widgets the full run draws above the
    map: a map-first run fills it with an empty block of their height (``height_px``;
    ``stacked_px`` on a narrow screen, where Streamlit stacks columns), so the map is at
    the same place in both runs and the page does not jump when the widgets come."""
    box = st.container(key=key)
    if map_first():
        box.html(
            f'<div class="cm-slot-{key}" aria-hidden="true"></div><style>.cm-slot-{key}'
            f" {{ height: {int(height_px)}px; }} @media (max-width: {STACK_BELOW_PX}px)"
            f" {{ .cm-slot-{key} {{ height: {int(stacked_px)}px; }} }}</style>"
        )
    return box


@st.fragment(run_every=FALLBACK_SECONDS)
def _fallback() -> None:
    """Drawn by a map-first run (its first call, in that run, only arms it); when its
    timer fires and the page is still map-first (the map's signal never came), the
    whole page is drawn now."""
    if not st.session_state.get(_ARMED_KEY):
        st.session_state[_ARMED_KEY] = True
        return
    if map_first():
        st.session_state[_MAP_FIRST_KEY] = False
        st.rerun(scope="app")


def finish_later() -> None:
    """End a map-first run: the whole page follows when the map says it is drawn, or
    after :data:`FALLBACK_SECONDS`. A fragment's timer stops once a run no longer draws
    it, so the full run ends the fallback."""
    st.session_state[_ARMED_KEY] = False
    _fallback()
