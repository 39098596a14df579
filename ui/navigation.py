"""The page registry: every page of the app, once.

``streamlit_app.py`` builds its ``st.navigation`` from :data:`PAGES`, pages link to each
other through :func:`file`, and the tests run every page of :data:`PAGES` (both languages)
instead of keeping lists of their own. Titles are English msgids, translated when the
navigation is drawn.

The page scripts are in ``app_pages/``, deliberately not ``pages/``: Streamlit treats a
``pages/`` directory next to the entry point as a legacy multipage app until a session has
called ``st.navigation``, so on a fresh server the first request, say a shared link to
``/cluster?id=PIC-20``, ran ``pages/cluster.py`` on its own, without the entry point (no
language or dataset switch) and with every file of the directory in the navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from geo.base.i18n import N_

PAGE_DIR = "app_pages"
"""Where the page scripts are, relative to the entry point (never ``pages``: see above)."""


@dataclass(frozen=True)
class PageSpec:
    """One page: its script, title (an English msgid), icon, URL path, and whether it is
    the landing page (served at ``/``)."""

    name: str
    title: str
    icon: str
    url_path: str
    default: bool = False

    @property
    def file(self) -> str:
        """The script's path relative to the entry point (``st.Page``, ``st.page_link`` and
        ``AppTest.switch_page`` take it)."""
        return f"{PAGE_DIR}/{self.name}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("map", N_("Map"), "🗺️", "map", default=True),
    PageSpec("registry", N_("Registry"), "📇", "registry"),
    PageSpec("cluster", N_("Cluster profile"), "🏭", "cluster"),
    PageSpec("region", N_("Region profile"), "📍", "region"),
    PageSpec("mne", N_("MNEs in clusters"), "🌐", "mne"),
    PageSpec("compare", N_("Compare"), "⚖️", "compare"),
    PageSpec("import_data", N_("Import and history"), "📥", "import"),
    PageSpec("changes", N_("Changes"), "🕰️", "changes"),
    PageSpec("edit", N_("Register and edit"), "✏️", "edit"),
    PageSpec("accounts", N_("Accounts"), "👥", "accounts"),
    PageSpec("request_account", N_("Request an account"), "📝", "request-account"),
    PageSpec("submit", N_("Submit a cluster"), "📤", "submit"),
    PageSpec("my_clusters", N_("My clusters"), "🗂️", "my-clusters"),
    PageSpec("moderation", N_("Moderation"), "🛡️", "moderation"),
    PageSpec("data", N_("Data"), "📋", "data"),
    PageSpec("methodology", N_("Methodology"), "📐", "methodology"),
)


def page(name: str) -> PageSpec:
    """The page whose script is ``app_pages/<name>.py``."""
    for spec in PAGES:
        if spec.name == name:
            return spec
    raise KeyError(name)


def file(name: str) -> str:
    """The script of the page ``name``, for ``st.page_link``."""
    return page(name).file


def streamlit_pages(translate: Callable[[str], str]) -> list[st.Page]:
    """The pages for ``st.navigation``, their titles translated by ``translate``."""
    return [
        st.Page(
            p.file, title=translate(p.title), icon=p.icon, url_path=p.url_path, default=p.default
        )
        for p in PAGES
    ]
