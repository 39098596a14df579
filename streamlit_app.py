"""Cluster Map of Russia: the Streamlit entry point (``streamlit run streamlit_app.py``)."""

from __future__ import annotations

import streamlit as st

from ui.dataset import dataset_selector, synthetic_banner
from ui.lang import language_switch, translator

_ = translator()  # the language of this run: URL ?lang=, session, browser, else Russian
st.set_page_config(page_title=_("Cluster Map of Russia"), page_icon="🗺️", layout="wide")
language_switch()
dataset_selector()  # published data (default) or a synthetic registry, also from the URL
synthetic_banner()  # every page says so while synthetic data is shown

pages = [
    st.Page("pages/map.py", title=_("Map"), icon="🗺️", url_path="map", default=True),
    st.Page("pages/registry.py", title=_("Registry"), icon="📇", url_path="registry"),
    st.Page("pages/cluster.py", title=_("Cluster profile"), icon="🏭", url_path="cluster"),
    st.Page("pages/region.py", title=_("Region profile"), icon="📍", url_path="region"),
    st.Page("pages/mne.py", title=_("MNEs in clusters"), icon="🌐", url_path="mne"),
    st.Page("pages/compare.py", title=_("Compare"), icon="⚖️", url_path="compare"),
    st.Page("pages/import_data.py", title=_("Import and history"), icon="📥", url_path="import"),
    st.Page("pages/edit.py", title=_("Register and edit"), icon="✏️", url_path="edit"),
    st.Page("pages/data.py", title=_("Data"), icon="📋", url_path="data"),
    st.Page("pages/methodology.py", title=_("Methodology"), icon="📐", url_path="methodology"),
]
st.navigation(pages).run()
