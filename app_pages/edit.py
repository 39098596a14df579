"""Register and edit: a cluster's profile (the blocks of the Cluster Map of Russia profile)
and its MNE links, written to the registry store as new versions.

Only a signed-in moderator or admin sees the forms; every write goes through
``geo.registry.store``, which checks the principal's role itself, so a viewer or a
submitter cannot change anything, also not by crafting a request. An edit sends only the
fields the editor changed; the store validates the whole record (the import rules) and
either writes a new version or changes nothing and lists the problems. The fields, labels
and values come from ``geo.registry.forms``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import streamlit as st

from geo.registry import auth, forms
from geo.registry.store import State, Store, default_url
from ui.card_field import card_field
from ui.dataset import open_store, writes_latest
from ui.lang import current_lang, page_text, translator
from ui.signin import has_right, refusals_shown, sign_in_box
from ui.store_tables import show_result

t = partial(page_text, forms.EDIT_TEXT)  # the page's text in the interface language


def cluster_form(
    store: Store, state: State, editor: auth.Principal, cluster_id: str | None
) -> None:
    """The profile form of one cluster (or of a new one)."""
    stored = cluster_id in state["clusters"]
    initial = forms.initial_cluster(state, cluster_id)
    prefix = f"cluster_{cluster_id or forms.NEW}"
    with st.form(prefix):
        entered: dict[str, str] = {}
        for block, fields in forms.cluster_blocks(auth.can(editor, "assess")).items():
            st.subheader(translator()(block))
            for column, label in fields.items():
                entered[column] = card_field(
                    column, label, initial[column], store, f"{prefix}_{column}"
                )
        submitted = st.form_submit_button(t("save") if stored else t("save_new"))
    today = datetime.now(UTC).date()
    if submitted and not stored:
        sent = forms.with_assessment(forms.filled(entered), initial, editor.name, today)
        show_result(store.register_cluster(editor, sent))
    elif submitted:
        sent = forms.with_assessment(forms.changed(entered, initial), initial, editor.name, today)
        show_result(store.save_record(editor, "clusters", {"id": cluster_id, **sent}))


def links_section(store: Store, state: State, editor: auth.Principal, cluster_id: str) -> None:
    """The cluster's MNE links: listed, added, removed."""
    st.header(t("links"))
    links = forms.links_of(state, cluster_id)
    if links:
        st.dataframe(forms.link_table(state, cluster_id, current_lang()), hide_index=True)
    else:
        st.caption(t("no_links"))
    with st.expander(t("add_link")):
        with st.form(f"link_{cluster_id}"):
            entered = {
                column: card_field(
                    column,
                    label,
                    forms.NEW_DEFAULTS.get(column, ""),
                    store,
                    f"link_{cluster_id}_{column}",
                )
                for column, label in forms.LINK_FIELDS.items()
            }
            submitted = st.form_submit_button(t("save_link"))
        if submitted:
            values = {**forms.filled(entered), "cluster_id": cluster_id}
            show_result(store.register_mne_link(editor, values))
    if links:
        with st.expander(t("remove_link")):
            choice = st.selectbox(
                t("remove_link"),
                list(links),
                format_func=links.get,
                key=f"remove_link_{cluster_id}",
            )
            if st.button(t("remove_link_button"), key=f"remove_link_button_{cluster_id}"):
                show_result(store.remove(editor, "mne_links", [choice]))


def remove_section(store: Store, editor: auth.Principal, cluster_id: str) -> None:
    """Remove the cluster (refused while MNE links refer to it), behind a confirmation."""
    with st.expander(t("remove_cluster")):
        sure = st.checkbox(t("remove_confirm").format(key=cluster_id), key=f"sure_{cluster_id}")
        if st.button(t("remove_cluster_button"), disabled=not sure, key=f"rm_{cluster_id}"):
            show_result(store.remove(editor, "clusters", [cluster_id]))


writes_latest()  # edits act on the latest version, whatever is picked
st.title(t("title"))
st.caption(t("intro"))
store = open_store(default_url())
editor = sign_in_box()
if editor is None:
    st.info(t("viewer"))
    st.stop()
if not has_right(editor, "edit"):
    st.stop()
state = store.state()
labels = forms.cluster_labels(state, current_lang())
choice = st.selectbox(t("pick"), list(labels), format_func=labels.get, key="edit_pick")
cluster_id = None if choice == forms.NEW else choice
with refusals_shown():
    cluster_form(store, state, editor, cluster_id)
    if cluster_id is not None:
        links_section(store, state, editor, cluster_id)
        remove_section(store, editor, cluster_id)
