"""Expanders whose body runs only while they are open (issue 18, a fast first view).

A closed ``st.expander`` still sends its whole body to the browser, which renders it
hidden: on the landing page the map table (a data grid), the export panel (a dozen
buttons) and "How to read this map" cost about half a second of the browser's time
before the map's regions were drawn (``docs/BENCHMARKS.md``, "First view"). A lazy
expander is a stateful one (``on_change="rerun"``): opening it reruns the page, and its
body is drawn only in runs where it is open. The body is one click away, as before; the
price is a rerun on opening, which keeps the map (its arguments do not change).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

__all__ = ["lazy_expander"]


def lazy_expander(
    label: str,
    key: str,
    body: Callable[[], Any],
    *,
    container: Any = None,
) -> bool:
    """An expander labelled ``label`` in ``container`` (the page by default, or e.g.
    ``st.sidebar``) whose ``body`` runs inside it only while it is open. ``key`` keeps
    its open state in the session: ``st.session_state[key] = True`` before the call
    opens it (a page that must show the body, or a test). Returns whether the body ran."""
    where = st if container is None else container
    box = where.expander(label, key=key, on_change="rerun")
    if not box.open:
        return False
    with box:
        body()
    return True
