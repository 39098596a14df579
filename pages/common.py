"""What every page shares: the cached dataset and small rendering helpers.

Caching lives here, at the boundary between Streamlit and ``geo``; ``geo`` never caches.
"""

from __future__ import annotations

import streamlit as st

from geo.dataset import Dataset, load_dataset


@st.cache_resource(show_spinner="Loading the published dataset…")
def dataset() -> Dataset:
    """The published dataset, loaded once per server process (it is read-only)."""
    return load_dataset()
