"""Writing a page's URL: its own parameters, with the dataset's and the language's kept.

Pages read their URL with :func:`geo.render.urlstate.read` (and :func:`~geo.render.urlstate.last`
for a single value); a page that rewrites its URL calls :func:`set_url`, so the link it
leaves always reopens the same view of the same dataset in the same language.
"""

from __future__ import annotations

import streamlit as st

from ui.dataset import dataset_query_params
from ui.lang import lang_query_params


def set_url(params: dict[str, list[str]]) -> None:
    """Replace the URL's parameters with a page's own ``params``, keeping the dataset and
    language parameters, so a link to the page reopens the same view."""
    st.query_params.from_dict({**params, **dataset_query_params(), **lang_query_params()})
