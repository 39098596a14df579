"""Import and history: upload clusters, MNE links or regional indicators (CSV, XLSX,
GeoJSON) with a preview and a validation report; list the registry's versions, see what
each changed, download any version's data and restore it.

Anyone can preview a file and read the history; importing and restoring need an editor
sign-in (sidebar), and ``geo.registry.store`` checks the editor itself on every write. An
import is all-or-nothing: a file with any problem changes nothing. Uploads are limited to
``geo.registry.importer.MAX_UPLOAD_BYTES`` (also ``server.maxUploadSize``). Every cell is
shown as plain text in ``st.dataframe``; data placed in Markdown is escaped.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.base.errors import localised
from geo.registry import auth, forms, importer
from geo.registry.store import Store, default_url, localise_history
from ui.dataset import open_store, writes_latest
from ui.lang import current_lang, page_text
from ui.signin import sign_in_box
from ui.store_tables import show_result, show_table

t = partial(page_text, forms.IMPORT_TEXT)  # the page's text in the interface language


def import_tab(store: Store, editor: auth.Editor | None) -> None:
    """Upload, preview, validation report and (for editors) the import itself."""
    kinds, modes = forms.kind_labels(current_lang()), forms.mode_labels(current_lang())
    kind = st.selectbox(t("kind"), importer.IMPORT_KINDS, format_func=kinds.get)
    mode = st.radio(t("mode"), list(modes), format_func=modes.get)
    upload = st.file_uploader(
        t("file"),
        type=forms.UPLOAD_TYPES,
        max_upload_size=importer.MAX_UPLOAD_BYTES // 2**20,
        key=f"upload_{kind}",
    )
    if upload is not None:
        parsed = importer.parse_bytes(upload.name, upload.getvalue(), kind, store.refs)
        preview_and_import(store, editor, parsed, mode)


def preview_and_import(
    store: Store, editor: auth.Editor | None, parsed: importer.ParsedFile, mode: str
) -> None:
    """The preview of a parsed file; an import button for a signed-in editor."""
    lang = current_lang()
    st.caption(forms.read_as(parsed, lang))
    for notice in parsed.notices:
        st.info(profiles.md_literal(localised(notice, lang)))
    with st.expander(t("columns")):
        show_table(importer.localise_columns(parsed.columns, lang))
    plan = store.preview(parsed, mode)
    if not plan.ok:
        st.error(t("problems", count=len(plan.issues)))
        show_table(plan.report(lang))
    elif not plan.changes:
        st.info(t("nothing"))
    else:
        st.success(t("valid", **plan.counts()))
        st.subheader(t("changes"))
        show_table(importer.changes_frame(plan.changes, lang))
        if editor is None:
            st.info(t("sign_in_to_import"))
        elif st.button(t("import_button"), type="primary"):
            show_result(store.import_file(editor, parsed, mode))


def history_tab(store: Store, editor: auth.Editor | None) -> None:
    """Versions, a version's changes, its data as CSV, and restore for editors."""
    lang, kinds = current_lang(), forms.kind_labels(current_lang())
    st.subheader(t("versions"))
    history = store.history()
    show_table(localise_history(history, lang))
    versions = history["version"].tolist()
    version = st.selectbox(t("version"), versions, key="history_version")
    st.subheader(t("version_changes", version=version))
    show_table(store.changes_frame(version, lang))
    with st.expander(t("version_data", version=version)):
        kind = st.selectbox(
            t("kind"), importer.IMPORT_KINDS, format_func=kinds.get, key="history_kind"
        )
        show_table(store.table(kind, version, lang))
    for column, kind in zip(
        st.columns(len(importer.IMPORT_KINDS)), importer.IMPORT_KINDS, strict=True
    ):
        column.download_button(
            t("download", kind=kinds[kind], version=version),
            store.export(kind, version).encode("utf-8"),
            file_name=f"{kind}_v{version}.csv",
            mime="text/csv",
            key=f"download_{kind}_{version}",
        )
    if version == versions[0]:
        st.caption(t("latest"))
    elif editor is None:
        st.info(t("sign_in_to_restore"))
    elif st.button(t("restore", version=version), key="restore"):
        result = store.restore(editor, version)
        if result.version is None:
            st.info(t("restore_nothing", version=version))
        else:
            st.success(t("restore_done", version=version, new=result.version))


def main() -> None:
    """The page."""
    writes_latest()  # imports and restores act on the latest version, whatever is picked
    st.title(t("title"))
    st.caption(t("intro"))
    store = open_store(default_url())
    editor = sign_in_box()
    tab_import, tab_history = st.tabs([t("tab_import"), t("tab_history")])
    with tab_import:
        import_tab(store, editor)
    with tab_history:
        history_tab(store, editor)


# Page scripts run as ``__main__``; tests import the preview from here.
if __name__ == "__main__":
    main()
