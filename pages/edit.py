"""Register and edit: a cluster's profile (the blocks of the Cluster Map of Russia profile)
and its MNE links, written to the registry store as new versions.

Only a signed-in editor sees the forms; every write goes through :mod:`geo.registry.store`, which
checks the :class:`geo.registry.auth.Editor` itself, so a viewer cannot change anything, also not by
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

from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import auth, importer
from geo.registry.store import State, Store, default_url
from ui.dataset import open_store
from ui.lang import current_lang, translator, vocabulary_labels
from ui.signin import sign_in_box
from ui.store_tables import show_result

NEW = "__new__"

LABELS: dict[str, str] = {
    "title": N_("Register and edit clusters"),
    "intro": N_(
        "Changes are saved as new versions of the registry; the history on the "
        "Import and history page shows who changed what, and can restore any version."
    ),
    "viewer": N_("Viewing only: sign in as an editor (sidebar) to register or edit clusters."),
    "pick": N_("Cluster"),
    "new": N_("Register a new cluster"),
    "save_new": N_("Register the cluster"),
    "save": N_("Save changes"),
    "links": N_("MNE links of this cluster"),
    "no_links": N_("No MNE links are recorded for this cluster."),
    "add_link": N_("Add an MNE link"),
    "save_link": N_("Add the link"),
    "remove_link": N_("Remove an MNE link"),
    "remove_link_button": N_("Remove the link"),
    "remove_cluster": N_("Remove this cluster"),
    "remove_cluster_button": N_("Remove the cluster"),
    "remove_confirm": N_("I want to remove {key}"),
    "link_id": N_("Link"),
    "missing_hint": N_(
        "Leave empty, or write n/a or not reported, when the source does not give it."
    ),
}

#: Form fields per block of the Cluster Map of Russia profile (geo.analysis.profiles.BLOCK_TITLES),
#: with the label shown. The internationalisation indicators of the papers follow.
CLUSTER_BLOCKS: dict[str, dict[str, str]] = {
    N_("General data"): {
        "name_en": N_("Name (English)"),
        "name_ru": N_("Name (Russian)"),
        "city": N_("City"),
        "region_as_published": N_("Region (code or any known name)"),
        "status": N_("Status"),
    },
    N_("Cluster priorities"): {
        "industry_group": N_("Industry group (comparison group of the index)"),
        "specialisation": N_("Specialisation"),
    },
    N_("Management"): {"org_level": N_("Organisation development level")},
    N_("Members"): {
        "participants": N_("Participants"),
        "intl_members": N_("International members"),
    },
    N_("Partners and projects"): {"joint_rd_bln_rub": N_("Joint international R&D, bln rub.")},
    N_("Internationalisation indicators"): {
        "export_bln_rub": N_("Export, bln rub."),
        "publications": N_("Publications"),
        "index_published": N_("Published index"),
    },
    N_("Sources"): {
        "source_doc": N_("Source document(s): 001, 002, 003 or registry"),
        "source_ref": N_("Where in the source"),
        "notes": N_("Notes"),
    },
}

LINK_FIELDS: dict[str, str] = {
    "mne_name": N_("MNE"),
    "hq_country": N_("Headquarters country (ISO name or code, English or Russian)"),
    "industry": N_("Industry"),
    "relation": N_("Relation to the cluster"),
    "presence": N_("Presence"),
    "interplay_type": N_("Type of interplay"),
    "source_doc": N_("Source document(s): 001, 002, 003 or registry"),
    "source_ref": N_("Where in the source"),
    "notes": N_("Notes"),
}

VOCABULARY_OF: dict[str, str] = {
    "status": "status",
    "industry_group": "industry_group",
    "org_level": "org_level",
    "relation": "relation",
    "presence": "presence",
    "interplay_type": "interplay_type",
}
# Prefilled values of a new record: what an editor enters is registry data.
NEW_DEFAULTS: dict[str, str] = {"source_doc": importer.REGISTRY_SOURCE}


def text(key: str) -> str:
    """The interface text ``key`` of :data:`LABELS` in the current language."""
    return translator()(LABELS[key])


def _shown(value: Any) -> str:
    """A stored value as the form shows it ('' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _field(column: str, label: str, current: str, store: Store, key: str) -> str:
    """One input: a choice for a vocabulary column, a text box otherwise."""
    lang = current_lang()
    label = translator()(label)
    vocabulary = VOCABULARY_OF.get(column)
    if vocabulary:
        terms = vocabulary_labels()
        missing = i18n.not_reported(lang)
        options = ["", *sorted(store.refs.vocabularies.get(vocabulary, ()))]
        if current not in options:
            options.append(current)
        return st.selectbox(
            label,
            options,
            index=options.index(current),
            format_func=lambda v: terms.term(vocabulary, v, lang) if v else missing,
            key=key,
        )
    if column == "notes":
        return st.text_area(label, value=current, key=key)
    return st.text_input(label, value=current, key=key, help=text("missing_hint"))


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
            st.subheader(translator()(block))
            for column, label in fields.items():
                entered[column] = _field(
                    column, label, initial[column], store, f"{prefix}_{column}"
                )
        submitted = st.form_submit_button(text("save") if stored else text("save_new"))
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
    st.header(text("links"))
    links = [e for e in state["mne_links"].values() if e.values["cluster_id"] == cluster_id]
    names = {e.key: f"{e.key}: {e.values['mne_name']}" for e in links}
    if links:
        _ = translator()
        frame = pd.DataFrame([e.values for e in links])[["link_id", *LINK_FIELDS]]
        headers = {"link_id": text("link_id")} | {c: _(t) for c, t in LINK_FIELDS.items()}
        frame = frame.astype(object).where(frame.notna(), i18n.not_reported(current_lang()))
        st.dataframe(frame.rename(columns=headers), hide_index=True)
    else:
        st.caption(text("no_links"))
    with st.expander(text("add_link")):
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
            submitted = st.form_submit_button(text("save_link"))
        if submitted:
            values = {c: v for c, v in entered.items() if v != ""}
            show_result(store.register_mne_link(editor, {**values, "cluster_id": cluster_id}))
    if links:
        with st.expander(text("remove_link")):
            choice = st.selectbox(
                text("remove_link"),
                [e.key for e in links],
                format_func=names.get,
                key=f"remove_link_{cluster_id}",
            )
            if st.button(text("remove_link_button"), key=f"remove_link_button_{cluster_id}"):
                show_result(store.remove(editor, "mne_links", [choice]))


def remove_section(store: Store, editor: auth.Editor, cluster_id: str) -> None:
    """Remove the cluster (refused while MNE links refer to it), behind a confirmation."""
    with st.expander(text("remove_cluster")):
        sure = st.checkbox(text("remove_confirm").format(key=cluster_id), key=f"sure_{cluster_id}")
        if st.button(text("remove_cluster_button"), disabled=not sure, key=f"rm_{cluster_id}"):
            show_result(store.remove(editor, "clusters", [cluster_id]))


def cluster_labels(state: State) -> dict[str, str]:
    """``id: name`` of every cluster for the picker (plain text: options are not Markdown)."""
    labels = {NEW: text("new")}
    lang = current_lang()
    for key, entry in state["clusters"].items():
        name = i18n.localised_name(entry.values, lang)
        labels[key] = f"{key}: {name}"
    return labels


def main() -> None:
    """The page."""
    st.title(text("title"))
    st.caption(text("intro"))
    store = open_store(default_url())
    editor = sign_in_box()
    if editor is None:
        st.info(text("viewer"))
        return
    state = store.state()
    labels = cluster_labels(state)
    choice = st.selectbox(text("pick"), list(labels), format_func=labels.get, key="edit_pick")
    cluster_id = None if choice == NEW else choice
    cluster_form(store, state, editor, cluster_id)
    if cluster_id is not None:
        links_section(store, state, editor, cluster_id)
        remove_section(store, editor, cluster_id)


main()
