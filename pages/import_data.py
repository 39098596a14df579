"""Import and history: upload clusters, MNE links or regional indicators (CSV, XLSX,
GeoJSON) with a preview and a validation report; list the registry's versions, see what
each changed, download any version's data and restore it.

Anyone can preview a file and read the history; importing and restoring need an editor
sign-in (sidebar), and :mod:`geo.store` checks the editor itself on every write. An
import is all-or-nothing: a file with any problem changes nothing. Uploads are limited to
:data:`geo.importer.MAX_UPLOAD_BYTES` (also ``server.maxUploadSize``). Every cell is shown
as plain text in ``st.dataframe``; data placed in Markdown is escaped.
"""

from __future__ import annotations

import streamlit as st

from geo import auth, importer, profiles
from geo.store import Store, default_url
from pages.edit import open_store, show_result, sign_in_box

LABELS: dict[str, str] = {
    "title": "Import and history",
    "intro": "Import records from CSV (UTF-8, UTF-8 with BOM or Windows-1251; comma, "
    "semicolon or tab), XLSX or GeoJSON. Column headers may be English or Russian; the "
    "schema is in data/README-import.md. A file with any problem changes nothing.",
    "tab_import": "Import",
    "tab_history": "History",
    "kind": "Kind of records",
    "mode": "Mode",
    "file": "File",
    "read_as": "Read as {format}{encoding}; {rows} row(s).",
    "columns": "How the columns were read",
    "problems": "{count} problem(s): nothing will be imported. Fix them and upload again.",
    "valid": "Valid: {added} to add, {changed} to change, {removed} to remove, "
    "{unchanged} unchanged.",
    "nothing": "The store already holds exactly this data: nothing to import.",
    "changes": "What the import changes (cell by cell)",
    "import_button": "Import as a new version",
    "sign_in_to_import": "Sign in as an editor (sidebar) to import this file.",
    "versions": "Versions, newest first",
    "version": "Version",
    "version_changes": "What version {version} changed",
    "version_data": "The data of version {version}",
    "download": "Download {kind} of version {version} (CSV)",
    "restore": "Restore version {version} (adds a new version equal to it)",
    "restore_done": "Version {version} restored as version {new}.",
    "restore_nothing": "The latest version already equals version {version}.",
    "sign_in_to_restore": "Sign in as an editor (sidebar) to restore a version.",
    "latest": "This is the latest version.",
}
KIND_LABELS: dict[str, str] = {
    "clusters": "Clusters",
    "mne_links": "MNE links",
    "regional_indicators": "Regional indicators",
}
MODE_LABELS: dict[str, str] = {
    "upsert": "Add and update (records not in the file stay)",
    "replace": "Replace (records of this kind not in the file are removed)",
}
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "geojson", "json"]


def import_tab(store: Store, editor: auth.Editor | None) -> None:
    """Upload, preview, validation report and (for editors) the import itself."""
    kind = st.selectbox(LABELS["kind"], importer.IMPORT_KINDS, format_func=KIND_LABELS.get)
    mode = st.radio(LABELS["mode"], list(MODE_LABELS), format_func=MODE_LABELS.get)
    upload = st.file_uploader(
        LABELS["file"],
        type=UPLOAD_TYPES,
        max_upload_size=importer.MAX_UPLOAD_BYTES // 2**20,
        key=f"upload_{kind}",
    )
    if upload is None:
        return
    parsed = importer.parse_bytes(upload.name, upload.getvalue(), kind, store.refs)
    preview_and_import(store, editor, parsed, mode)


def preview_and_import(
    store: Store, editor: auth.Editor | None, parsed: importer.ParsedFile, mode: str
) -> None:
    """The preview of a parsed file; an import button for a signed-in editor."""
    encoding = f", {parsed.encoding}" if parsed.encoding else ""
    st.caption(
        LABELS["read_as"].format(
            format=parsed.format.upper(), encoding=encoding, rows=len(parsed.rows)
        )
    )
    for notice in parsed.notices:
        st.info(profiles.md_literal(notice))
    with st.expander(LABELS["columns"]):
        st.dataframe(parsed.columns, hide_index=True)
    plan = store.preview(parsed, mode)
    if not plan.ok:
        st.error(LABELS["problems"].format(count=len(plan.issues)))
        st.dataframe(plan.report(), hide_index=True)
        return
    if not plan.changes:
        st.info(LABELS["nothing"])
        return
    st.success(LABELS["valid"].format(**plan.counts()))
    st.subheader(LABELS["changes"])
    st.dataframe(importer.changes_frame(plan.changes), hide_index=True)
    if editor is None:
        st.info(LABELS["sign_in_to_import"])
        return
    if st.button(LABELS["import_button"], type="primary"):
        show_result(store.import_file(editor, parsed, mode))


def history_tab(store: Store, editor: auth.Editor | None) -> None:
    """Versions, a version's changes, its data as CSV, and restore for editors."""
    st.subheader(LABELS["versions"])
    history = store.history()
    st.dataframe(history, hide_index=True)
    versions = history["version"].tolist()
    version = st.selectbox(LABELS["version"], versions, key="history_version")
    st.subheader(LABELS["version_changes"].format(version=version))
    st.dataframe(store.changes_frame(version), hide_index=True)
    with st.expander(LABELS["version_data"].format(version=version)):
        kind = st.selectbox(
            LABELS["kind"],
            importer.IMPORT_KINDS,
            format_func=KIND_LABELS.get,
            key="history_kind",
        )
        st.dataframe(store.table(kind, version), hide_index=True)
    columns = st.columns(len(importer.IMPORT_KINDS))
    for column, kind in zip(columns, importer.IMPORT_KINDS, strict=True):
        column.download_button(
            LABELS["download"].format(kind=KIND_LABELS[kind], version=version),
            store.export(kind, version).encode("utf-8"),
            file_name=f"{kind}_v{version}.csv",
            mime="text/csv",
            key=f"download_{kind}_{version}",
        )
    if version == versions[0]:
        st.caption(LABELS["latest"])
        return
    if editor is None:
        st.info(LABELS["sign_in_to_restore"])
        return
    if st.button(LABELS["restore"].format(version=version), key="restore"):
        result = store.restore(editor, version)
        if result.version is None:
            st.info(LABELS["restore_nothing"].format(version=version))
        else:
            st.success(LABELS["restore_done"].format(version=version, new=result.version))


def main() -> None:
    """The page."""
    st.title(LABELS["title"])
    st.caption(LABELS["intro"])
    store = open_store(default_url())
    editor = sign_in_box()
    tab_import, tab_history = st.tabs([LABELS["tab_import"], LABELS["tab_history"]])
    with tab_import:
        import_tab(store, editor)
    with tab_history:
        history_tab(store, editor)


# Page scripts run as ``__main__``; tests import the preview from here.
if __name__ == "__main__":
    main()
