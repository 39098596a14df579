"""Cluster Map of Russia: the Streamlit entry point (``streamlit run streamlit_app.py``).

Every run draws what all pages share (the language switch, the dataset selector, the
synthetic-data banner), then runs the page the URL names, from the page registry
:data:`ui.navigation.PAGES`.
"""

from __future__ import annotations

import streamlit as st

from ui import navigation
from ui.dataset import dataset_selector, synthetic_banner
from ui.lang import document_language, language_switch, translator

_ = translator()  # the language of this run: URL ?lang=, session, browser, else Russian
st.set_page_config(page_title=_("Cluster Map of Russia"), page_icon="🗺️", layout="wide")
document_language(language_switch())  # <html lang> follows the interface language
dataset_selector()  # published data (default) or a synthetic registry, also from the URL
synthetic_banner()  # every page says so while synthetic data is shown
st.navigation(navigation.streamlit_pages(_)).run()
