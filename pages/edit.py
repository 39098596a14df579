"""Register and edit: a cluster's profile (the blocks of the Cluster Map of Russia profile)
and its MNE links, written to the registry store as new versions.

Only a signed-in editor sees the forms; every write goes through :mod:`geo.store`, which
checks the :class:`geo.auth.Editor` itself, so a viewer cannot change anything, also not by
crafting a request. An edit sends only the fields the editor changed; the store validates
the whole record (the import rules) and either writes a new version or changes nothing and
lists the problems. Text from the data is shown in widgets and tables, or escaped
(``profiles.md_literal``) where it goes into Markdown.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from geo import auth, importer, profiles
from geo.store import State, Store, WriteResult, default_url
from pages.common import open_store

EDITOR_KEY = "clustermap_editor"
"""Session key of the signed-in :class:`geo.auth.Editor` (shared with the import page)."""
NEW = "__new__"

LABELS: dict[str, str] = {
    "title": "Register and edit clusters",
    "intro": "Changes are saved as new versions of the registry; the history on the "
    "Import and history page shows who changed what, and can restore any version.",
    "sign_in": "Editor sign-in",
    "user": "User name",
    "password": "Password",
    "sign_in_button": "Sign in",
    "sign_out": "Sign out",
    "signed_in_as": "Signed in as {name}",
    "denied": "Unknown user or wrong password.",
    "no_editors": "No editors are configured: set CLUSTERMAP_EDITORS or [editors] in "
    ".streamlit/secrets.toml (see the README).",
    "viewer": "Viewing only: sign in as an editor (sidebar) to register or edit clusters.",
    "pick": "Cluster",
    "new": "Register a new cluster",
    "save_new": "Register the cluster",
    "save": "Save changes",
    "saved": "Saved as version {version}.",
    "unchanged": "Nothing changed.",
    "invalid": "Nothing was saved: {count} problem(s).",
    "links": "MNE links of this cluster",
    "no_links": "No MNE links are recorded for this cluster.",
    "add_link": "Add an MNE link",
    "save_link": "Add the link",
    "remove_link": "Remove an MNE link",
    "remove_link_button": "Remove the link",
    "remove_cluster": "Remove this cluster",
    "remove_cluster_button": "Remove the cluster",
    "remove_confirm": "I want to remove {key}",
    "missing_hint": "Leave empty, or write n/a or not reported, when the source does not give it.",
}

#: Form fields per block of the Cluster Map of Russia profile (geo.profiles.BLOCK_TITLES),
#: with the label shown. The internationalisation indicators of the papers follow.
CLUSTER_BLOCKS: dict[str, dict[str, str]] = {
    "General data": {
        "name_en": "Name (English)",
        "name_ru": "Name (Russian)",
        "city": "City",
        "region_as_published": "Region (code or any known name)",
        "status": "Status",
    },
    "Cluster priorities": {
        "industry_group": "Industry group (comparison group of the index)",
        "specialisation": "Specialisation",
    },
    "Management": {"org_level": "Organisation development level"},
    "Members": {
        "participants": "Participants",
        "intl_members": "International members",
    },
    "Partners and projects": {"joint_rd_bln_rub": "Joint international R&D, bln rub."},
    "Internationalisation indicators": {
        "export_bln_rub": "Export, bln rub.",
        "publications": "Publications",
        "index_published": "Published index",
    },
    "Sources": {
        "source_doc": "Source document(s): 001, 002, 003 or registry",
        "source_ref": "Where in the source",
        "notes": "Notes",
    },
}

LINK_FIELDS: dict[str, str] = {
    "mne_name": "MNE",
    "hq_country": "Headquarters country (ISO name or code, English or Russian)",
    "industry": "Industry",
    "relation": "Relation to the cluster",
    "presence": "Presence",
    "interplay_type": "Type of interplay",
    "source_doc": "Source document(s): 001, 002, 003 or registry",
    "source_ref": "Where in the source",
    "notes": "Notes",
}

VOCABULARY_OF: dict[str, str] = {
    "status": "status",
    "industry_group": "industry_group",
    "org_level": "org_level",
    "relation": "relation",
    "presence": "presence",
    "interplay_type": "interplay_type",
}
NOT_REPORTED = "not reported"
NEW_DEFAULTS: dict[str, str] = {"source_doc": importer.REGISTRY_SOURCE}
"""Prefilled values of a new record: what an editor enters is registry data."""


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
        st.subheader(LABELS["sign_in"])
        if editor is not None:
            st.caption(LABELS["signed_in_as"].format(name=profiles.md_literal(editor.name)))
            if st.button(LABELS["sign_out"], key="sign_out"):
                del st.session_state[EDITOR_KEY]
                st.rerun()
            return editor
        with st.form("sign_in"):
            user = st.text_input(LABELS["user"], key="sign_in_user")
            password = st.text_input(LABELS["password"], type="password", key="sign_in_password")
            submitted = st.form_submit_button(LABELS["sign_in_button"])
        if submitted:
            try:
                credentials = auth.editor_credentials(_secrets_editors())
            except ValueError as exc:  # a malformed CLUSTERMAP_EDITORS entry
                st.error(str(exc))
                return None
            if not credentials:
                st.error(LABELS["no_editors"])
                return None
            editor = auth.authenticate(user, password, credentials)
            if editor is None:
                st.error(LABELS["denied"])
                return None
            st.session_state[EDITOR_KEY] = editor
            st.rerun()
    return None


def show_result(result: WriteResult) -> None:
    """Success with the new version, or the problems as a table (nothing was written)."""
    if not result.ok:
        st.error(LABELS["invalid"].format(count=len(result.plan.issues)))
        st.dataframe(result.plan.report(), hide_index=True)
    elif result.version is None:
        st.info(LABELS["unchanged"])
    else:
        st.success(LABELS["saved"].format(version=result.version))
        st.dataframe(importer.changes_frame(result.plan.changes), hide_index=True)


def _shown(value: Any) -> str:
    """A stored value as the form shows it ('' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _field(column: str, label: str, current: str, store: Store, key: str) -> str:
    """One input: a choice for a vocabulary column, a text box otherwise."""
    vocabulary = VOCABULARY_OF.get(column)
    if vocabulary:
        options = ["", *sorted(store.refs.vocabularies.get(vocabulary, ()))]
        if current not in options:
            options.append(current)
        return st.selectbox(
            label,
            options,
            index=options.index(current),
            format_func=lambda v: v or NOT_REPORTED,
            key=key,
        )
    if column == "notes":
        return st.text_area(label, value=current, key=key)
    return st.text_input(label, value=current, key=key, help=LABELS["missing_hint"])


def cluster_form(store: Store, state: State, editor: auth.Editor, cluster_id: str | None) -> None:
    """The profile form of one cluster (or of a new one)."""
    stored = state["clusters"].get(cluster_id) if cluster_id else None
    initial = {
        column: _shown(stored.values.get(column)) if stored else NEW_DEFAULTS.get(column, "")
        for fields in CLUSTER_BLOCKS.values()
        for column in fields
    }
    prefix = f"cluster_{cluster_id or NEW}"
    with st.form(prefix):
        entered: dict[str, str] = {}
        for block, fields in CLUSTER_BLOCKS.items():
            st.subheader(block)
            for column, label in fields.items():
                entered[column] = _field(
                    column, label, initial[column], store, f"{prefix}_{column}"
                )
        submitted = st.form_submit_button(LABELS["save"] if stored else LABELS["save_new"])
    if not submitted:
        return
    if stored is None:
        values = {c: v for c, v in entered.items() if v != ""}
        show_result(store.register_cluster(editor, values))
    else:
        changed = {c: v for c, v in entered.items() if v != initial[c]}
        show_result(store.save_record(editor, "clusters", {"id": cluster_id, **changed}))


def links_section(store: Store, state: State, editor: auth.Editor, cluster_id: str) -> None:
    """The cluster's MNE links: listed, added, removed."""
    st.header(LABELS["links"])
    links = [e for e in state["mne_links"].values() if e.values["cluster_id"] == cluster_id]
    names = {e.key: f"{e.key}: {e.values['mne_name']}" for e in links}
    if links:
        frame = pd.DataFrame([e.values for e in links])[["link_id", *LINK_FIELDS]]
        st.dataframe(frame.fillna(NOT_REPORTED), hide_index=True)
    else:
        st.caption(LABELS["no_links"])
    with st.expander(LABELS["add_link"]):
        with st.form(f"link_{cluster_id}"):
            entered = {
                column: _field(
                    column,
                    label,
                    NEW_DEFAULTS.get(column, ""),
                    store,
                    f"link_{cluster_id}_{column}",
                )
                for column, label in LINK_FIELDS.items()
            }
            submitted = st.form_submit_button(LABELS["save_link"])
        if submitted:
            values = {c: v for c, v in entered.items() if v != ""}
            show_result(store.register_mne_link(editor, {**values, "cluster_id": cluster_id}))
    if links:
        with st.expander(LABELS["remove_link"]):
            choice = st.selectbox(
                LABELS["remove_link"],
                [e.key for e in links],
                format_func=names.get,
                key=f"remove_link_{cluster_id}",
            )
            if st.button(LABELS["remove_link_button"], key=f"remove_link_button_{cluster_id}"):
                show_result(store.remove(editor, "mne_links", [choice]))


def remove_section(store: Store, editor: auth.Editor, cluster_id: str) -> None:
    """Remove the cluster (refused while MNE links refer to it), behind a confirmation."""
    with st.expander(LABELS["remove_cluster"]):
        sure = st.checkbox(
            LABELS["remove_confirm"].format(key=cluster_id), key=f"sure_{cluster_id}"
        )
        if st.button(LABELS["remove_cluster_button"], disabled=not sure, key=f"rm_{cluster_id}"):
            show_result(store.remove(editor, "clusters", [cluster_id]))


def cluster_labels(state: State) -> dict[str, str]:
    """``id: name`` of every cluster for the picker (plain text: options are not Markdown)."""
    labels = {NEW: LABELS["new"]}
    for key, entry in state["clusters"].items():
        name = entry.values.get("name_en") or entry.values.get("name_ru") or NOT_REPORTED
        labels[key] = f"{key}: {name}"
    return labels


def main() -> None:
    """The page."""
    st.title(LABELS["title"])
    st.caption(LABELS["intro"])
    store = open_store(default_url())
    editor = sign_in_box()
    if editor is None:
        st.info(LABELS["viewer"])
        return
    state = store.state()
    labels = cluster_labels(state)
    choice = st.selectbox(LABELS["pick"], list(labels), format_func=labels.get, key="edit_pick")
    cluster_id = None if choice == NEW else choice
    cluster_form(store, state, editor, cluster_id)
    if cluster_id is not None:
        links_section(store, state, editor, cluster_id)
        remove_section(store, editor, cluster_id)


# Page scripts run as ``__main__``; the import page imports the sign-in from here.
if __name__ == "__main__":
    main()
