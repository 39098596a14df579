"""What the cluster and region profile pages share: the picker that mirrors the URL, the
stop for no or an unknown unit, and the translated headers of a profile table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from geo.analysis import profiles
from geo.registry import auth, card
from geo.registry.store import default_url
from ui import navigation
from ui.dataset import open_store, shown_version
from ui.lang import current_lang, page_text
from ui.signin import current_principal
from ui.url import set_url


def picker(
    param: str,
    prefix: str,
    choices: Mapping[str, str],
    raw: str | None,
    resolved: str | None,
    label: str,
    hint: str,
) -> tuple[str | None, str | None]:
    """A select box of ``choices`` (unit → label) that mirrors the URL's ``param``: a new
    URL (or a first visit) sets it to ``resolved`` (the unit ``raw``, the URL's text, names;
    None if none), a pick sets the URL. Returns the unit asked for, as ``(raw, resolved)``.
    Its session keys start with ``prefix``."""
    pick, seen = f"{prefix}_pick", f"{prefix}_seen_{param}"
    if st.session_state.get(seen) != raw or pick not in st.session_state:
        st.session_state[pick] = resolved
    st.selectbox(
        label, list(choices), format_func=choices.get, key=pick, index=None, placeholder=hint
    )
    picked = st.session_state[pick]
    if picked is not None and picked != resolved:
        set_url({param: [picked]})
        raw = resolved = picked
    st.session_state[seen] = raw
    return raw, resolved


def back_link(label: str) -> None:
    """The link back to the registry."""
    st.page_link(navigation.file("registry"), label=label, icon="📇")


def stop(title: str, message: str, back: str, error: bool = False) -> None:
    """No profile to show: the page's title, ``message`` (an error, or a hint), the link
    back to the registry, and nothing after."""
    st.title(title)
    (st.error if error else st.info)(message)
    back_link(back)
    st.stop()


def headers(
    columns: Iterable[str], lang: str, links: bool = False
) -> dict[str, st.column_config.Column]:
    """Translated headers for a profile table's columns (the frame keeps its names); with
    ``links``, the Profile column opens the cluster and the index reads as a number."""
    config: dict[str, st.column_config.Column] = {}
    for c in columns:
        label = profiles.column_label(c, lang)
        if links and c == "Profile":
            config[c] = st.column_config.LinkColumn(label, display_text=r"/cluster\?id=(.*)")
        elif links and c == "Index (recomputed)":
            config[c] = st.column_config.NumberColumn(label, format="%.2f")
        else:
            config[c] = st.column_config.Column(label)
    return config


def contacts_section(cluster_id: str) -> bool:
    """The contact person, e-mail and phone of the cluster's management organisation, for
    a signed-in user allowed to see them (``contacts.view``), read from the store version
    shown through the one guarded read (:meth:`geo.registry.store.Store.contacts`);
    nothing for anyone else, or for data not from the store (synthetic, the files). True
    when shown."""
    principal = current_principal()
    version = shown_version()
    if principal is None or version is None or not auth.can(principal, card.VIEW_CONTACTS):
        return False
    try:
        values = open_store(default_url()).contacts(principal, cluster_id, version)
    except (auth.NotAuthorised, KeyError):
        return False
    lang = current_lang()
    st.header(page_text(card.CONTACT_TEXT, "title"))
    frame = card.contacts_frame(values, lang)
    st.dataframe(
        frame, hide_index=True, width="stretch", column_config=headers(frame.columns, lang)
    )
    st.caption(page_text(card.CONTACT_TEXT, "private"))
    return True
