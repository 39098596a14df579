"""The editor sign-in box in the sidebar, shared by the edit and the import pages.

A signed-in :class:`geo.registry.auth.Editor` is kept in the session under
:data:`EDITOR_KEY`; editors come from ``CLUSTERMAP_EDITORS`` or ``[editors]`` in
``.streamlit/secrets.toml``. The store checks the editor itself on every write, so the box
only decides which forms a page shows.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.base.i18n import N_
from geo.registry import auth
from ui.lang import page_text

EDITOR_KEY = "clustermap_editor"  # session key of the signed-in auth.Editor

TEXT: dict[str, str] = {
    "sign_in": N_("Editor sign-in"),
    "user": N_("User name"),
    "password": N_("Password"),
    "sign_in_button": N_("Sign in"),
    "sign_out": N_("Sign out"),
    "signed_in_as": N_("Signed in as {name}"),
    "denied": N_("Unknown user or wrong password."),
    "no_editors": N_(
        "No editors are configured: set CLUSTERMAP_EDITORS or [editors] in "
        ".streamlit/secrets.toml (see the README)."
    ),
}

t = partial(page_text, TEXT)  # the box's texts in the interface language


def _secrets_editors() -> dict[str, str]:
    try:
        return dict(st.secrets.get("editors", {}))
    except FileNotFoundError:  # no secrets file (Streamlit's error is a FileNotFoundError)
        return {}


def current_editor() -> auth.Editor | None:
    """The signed-in editor of this session, dropping an expired sign-in."""
    editor = st.session_state.get(EDITOR_KEY)
    if editor is not None and not auth.is_valid(editor):
        del st.session_state[EDITOR_KEY]
        return None
    return editor


def sign_in_box() -> auth.Editor | None:
    """Sign-in (or sign-out) in the sidebar; returns the signed-in editor."""
    editor = current_editor()
    with st.sidebar:
        st.subheader(t("sign_in"))
        if editor is not None:
            st.caption(t("signed_in_as", name=profiles.md_literal(editor.name)))
            if st.button(t("sign_out"), key="sign_out"):
                del st.session_state[EDITOR_KEY]
                st.rerun()
            return editor
        with st.form("sign_in"):
            user = st.text_input(t("user"), key="sign_in_user")
            password = st.text_input(t("password"), type="password", key="sign_in_password")
            submitted = st.form_submit_button(t("sign_in_button"))
        if submitted:
            try:
                credentials = auth.editor_credentials(_secrets_editors())
            except ValueError as exc:  # a malformed CLUSTERMAP_EDITORS entry
                st.error(str(exc))
                return None
            if not credentials:
                st.error(t("no_editors"))
                return None
            editor = auth.authenticate(user, password, credentials)
            if editor is None:
                st.error(t("denied"))
                return None
            st.session_state[EDITOR_KEY] = editor
            st.rerun()
    return None
