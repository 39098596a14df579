"""Cluster Map of Russia: the Streamlit entry point (``streamlit run streamlit_app.py``)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Cluster Map of Russia", page_icon="🗺️", layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", icon="🗺️", url_path="map", default=True),
    st.Page("pages/registry.py", title="Registry", icon="📇", url_path="registry"),
    st.Page("pages/cluster.py", title="Cluster profile", icon="🏭", url_path="cluster"),
    st.Page("pages/region.py", title="Region profile", icon="📍", url_path="region"),
    st.Page("pages/mne.py", title="MNEs in clusters", icon="🌐", url_path="mne"),
    st.Page("pages/compare.py", title="Compare", icon="⚖️", url_path="compare"),
    st.Page("pages/data.py", title="Data", icon="📋", url_path="data"),
    st.Page("pages/methodology.py", title="Methodology", icon="📐", url_path="methodology"),
]
st.navigation(pages).run()
