"""ui/lazy.py: an expander's body runs only while it is open, and opening keeps state."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

SCRIPT = """
import streamlit as st
from ui.lazy import lazy_expander

st.session_state.setdefault("runs", 0)
def body():
    st.session_state["runs"] += 1
    st.markdown("inside")
st.markdown(f"drawn={lazy_expander('Details', 'details_open', body)}")
"""


def test_the_body_runs_only_while_the_expander_is_open() -> None:
    at = AppTest.from_string(SCRIPT).run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["drawn=False"]
    assert at.session_state["runs"] == 0
    at.session_state["details_open"] = True  # what a click on the expander sets
    at.run()
    assert [m.value for m in at.markdown] == ["inside", "drawn=True"]
    assert [e.label for e in at.expander] == ["Details"]
    at.session_state["details_open"] = False
    at.run()
    assert [m.value for m in at.markdown] == ["drawn=False"] and at.session_state["runs"] == 1
