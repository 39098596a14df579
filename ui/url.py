"""Writing a page's URL: its own parameters, with the dataset's and the language's kept.

Pages read their URL with :func:`geo.render.urlstate.read` (and :func:`~geo.render.urlstate.last`
for a single value); a page that rewrites its URL calls :func:`set_url` (or
:func:`update_url` for only its own keys), so the link it leaves always reopens the same
view of the same dataset in the same language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from geo.render import urlstate
from ui.dataset import dataset_query_params
from ui.lang import lang_query_params


def set_url(params: dict[str, list[str]]) -> None:
    """Replace the URL's parameters with a page's own ``params``, keeping the dataset and
    language parameters, so a link to the page reopens the same view."""
    st.query_params.from_dict({**params, **dataset_query_params(), **lang_query_params()})


def update_url(keys: Sequence[str], params: Mapping[str, list[str]]) -> None:
    """Set the page's own ``keys`` in the URL to ``params`` (a key ``params`` lacks is
    removed), leaving every other parameter as it is."""
    present = urlstate.read(st.query_params, keys)
    for key in keys:
        if key in params:
            st.query_params[key] = params[key]
        elif key in present:
            del st.query_params[key]
