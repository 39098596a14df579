"""Cluster Map of Russia: the Streamlit entry point (``streamlit run streamlit_app.py``)."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Cluster Map of Russia", page_icon="🗺️", layout="wide")

pages = [
    st.Page("pages/data.py", title="Data", icon="📋", url_path="data", default=True),
    st.Page("pages/methodology.py", title="Methodology", icon="📐", url_path="methodology"),
]
st.navigation(pages).run()
