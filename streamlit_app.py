"""Cluster Map of Russia: the Streamlit entry point (``streamlit run streamlit_app.py``).

Every run draws what all pages share (the language switch, the dataset selector, the
synthetic-data banner), then runs the page the URL names, from the page registry
:data:`ui.navigation.PAGES`. A session's first run of the landing page leaves the
sidebar's switches for the run that follows once the map is drawn (:mod:`ui.first_view`).
"""

from __future__ import annotations

import streamlit as st

from ui import first_view, navigation
from ui.dataset import dataset_selector, synthetic_banner
from ui.lang import current_lang, document_language, language_switch, translator

_ = translator()  # the language of this run: URL ?lang=, session, browser, else Russian
st.set_page_config(page_title=_("Cluster Map of Russia"), page_icon="🗺️", layout="wide")
page = st.navigation(navigation.streamlit_pages(_))
if first_view.begin(landing=page.url_path == ""):  # the map first, the rest once drawn
    document_language(current_lang(), complete=False)
else:
    document_language(language_switch(), complete=True)  # <html lang>, the interface's
    dataset_selector()  # published data (default) or a synthetic registry, also from the URL
synthetic_banner()  # every page says so while synthetic data is shown
page.run()
