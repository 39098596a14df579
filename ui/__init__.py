"""The app's shared widgets: what more than one page, or the entry point, draws.

One module per widget family, each at the boundary between Streamlit and :mod:`geo`
(``geo`` never imports Streamlit; the caches live here):

- :mod:`ui.navigation`: the page registry (file, title, icon, URL path, default page);
- :mod:`ui.lang`: the language switch and translator;
- :mod:`ui.dataset`: the dataset selector, its cache and the synthetic-data banner;
- :mod:`ui.url`: writing a page's URL (the dataset and language parameters kept);
- :mod:`ui.filter_sidebar`: the cluster filters of the map and the registry;
- :mod:`ui.signin`: the editor sign-in box of the edit and import pages;
- :mod:`ui.store_tables`: the registry store's reports, changes and write results;
- :mod:`ui.export_panel`: the download buttons of a map view;
- :mod:`ui.profile_widgets`: the unit picker, stop and table headers of the profile pages.

The pages themselves are scripts in ``app_pages/``, run by ``streamlit_app.py``.
"""
