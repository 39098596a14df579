"""Import and history: upload clusters, MNE links or regional indicators (CSV, XLSX,
GeoJSON) with a preview and a validation report; list the registry's versions, see what
each changed, download any version's data and restore it.

Anyone can preview a file and read the history; importing and restoring need an editor
sign-in (sidebar), and :mod:`geo.registry.store` checks the editor itself on every write. An
import is all-or-nothing: a file with any problem changes nothing. Uploads are limited to
:data:`geo.registry.importer.MAX_UPLOAD_BYTES` (also ``server.maxUploadSize``). Every cell is shown
as plain text in ``st.dataframe``; data placed in Markdown is escaped.
"""

from __future__ import annotations

import streamlit as st

from geo.analysis import profiles
from geo.base.errors import localised
from geo.base.i18n import N_
from geo.registry import auth, importer
from geo.registry.store import Store, default_url, localise_history
from ui.dataset import open_store
from ui.lang import current_lang, translator
from ui.signin import sign_in_box
from ui.store_tables import show_result, show_table

LABELS: dict[str, str] = {
    "title": N_("Import and history"),
    "intro": N_(
        "Import records from CSV (UTF-8, UTF-8 with BOM or Windows-1251; comma, "
        "semicolon or tab), XLSX or GeoJSON. Column headers may be English or Russian; the "
        "schema is in data/README-import.md. A file with any problem changes nothing."
    ),
    "tab_import": N_("Import"),
    "tab_history": N_("History"),
    "kind": N_("Kind of records"),
    "mode": N_("Mode"),
    "file": N_("File"),
    "read_as": N_("Read as {format}{encoding}; {rows} row(s)."),
    "columns": N_("How the columns were read"),
    "problems": N_("{count} problem(s): nothing will be imported. Fix them and upload again."),
    "valid": N_(
        "Valid: {added} to add, {changed} to change, {removed} to remove, {unchanged} unchanged."
    ),
    "nothing": N_("The store already holds exactly this data: nothing to import."),
    "changes": N_("What the import changes (cell by cell)"),
    "import_button": N_("Import as a new version"),
    "sign_in_to_import": N_("Sign in as an editor (sidebar) to import this file."),
    "versions": N_("Versions, newest first"),
    "version": N_("Version"),
    "version_changes": N_("What version {version} changed"),
    "version_data": N_("The data of version {version}"),
    "download": N_("Download {kind} of version {version} (CSV)"),
    "restore": N_("Restore version {version} (adds a new version equal to it)"),
    "restore_done": N_("Version {version} restored as version {new}."),
    "restore_nothing": N_("The latest version already equals version {version}."),
    "sign_in_to_restore": N_("Sign in as an editor (sidebar) to restore a version."),
    "latest": N_("This is the latest version."),
}
KIND_LABELS: dict[str, str] = {
    "clusters": N_("Clusters"),
    "mne_links": N_("MNE links"),
    "regional_indicators": N_("Regional indicators"),
}
MODE_LABELS: dict[str, str] = {
    "upsert": N_("Add and update (records not in the file stay)"),
    "replace": N_("Replace (records of this kind not in the file are removed)"),
}
UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "geojson", "json"]


def text(key: str) -> str:
    """The interface text ``key`` of :data:`LABELS` in the current language."""
    return translator()(LABELS[key])


def kind_labels() -> dict[str, str]:
    """The names of the kinds of records in the current language (a plain dict, so a
    widget's ``format_func`` does not depend on the run it is called in)."""
    _ = translator()
    return {kind: _(label) for kind, label in KIND_LABELS.items()}


def mode_labels() -> dict[str, str]:
    """The descriptions of the import modes in the current language."""
    _ = translator()
    return {mode: _(label) for mode, label in MODE_LABELS.items()}


def import_tab(store: Store, editor: auth.Editor | None) -> None:
    """Upload, preview, validation report and (for editors) the import itself."""
    kind = st.selectbox(text("kind"), importer.IMPORT_KINDS, format_func=kind_labels().get)
    mode = st.radio(text("mode"), list(MODE_LABELS), format_func=mode_labels().get)
    upload = st.file_uploader(
        text("file"),
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
        text("read_as").format(
            format=parsed.format.upper(), encoding=encoding, rows=len(parsed.rows)
        )
    )
    lang = current_lang()
    for notice in parsed.notices:
        st.info(profiles.md_literal(localised(notice, lang)))
    with st.expander(text("columns")):
        show_table(importer.localise_columns(parsed.columns, lang))
    plan = store.preview(parsed, mode)
    if not plan.ok:
        st.error(text("problems").format(count=len(plan.issues)))
        show_table(plan.report(lang))
        return
    if not plan.changes:
        st.info(text("nothing"))
        return
    st.success(text("valid").format(**plan.counts()))
    st.subheader(text("changes"))
    show_table(importer.changes_frame(plan.changes, lang))
    if editor is None:
        st.info(text("sign_in_to_import"))
        return
    if st.button(text("import_button"), type="primary"):
        show_result(store.import_file(editor, parsed, mode))


def history_tab(store: Store, editor: auth.Editor | None) -> None:
    """Versions, a version's changes, its data as CSV, and restore for editors."""
    lang = current_lang()
    st.subheader(text("versions"))
    history = store.history()
    show_table(localise_history(history, lang))
    versions = history["version"].tolist()
    version = st.selectbox(text("version"), versions, key="history_version")
    st.subheader(text("version_changes").format(version=version))
    show_table(store.changes_frame(version, lang))
    with st.expander(text("version_data").format(version=version)):
        kind = st.selectbox(
            text("kind"),
            importer.IMPORT_KINDS,
            format_func=kind_labels().get,
            key="history_kind",
        )
        show_table(store.table(kind, version, lang))
    columns = st.columns(len(importer.IMPORT_KINDS))
    for column, kind in zip(columns, importer.IMPORT_KINDS, strict=True):
        column.download_button(
            text("download").format(kind=kind_labels()[kind], version=version),
            store.export(kind, version).encode("utf-8"),
            file_name=f"{kind}_v{version}.csv",
            mime="text/csv",
            key=f"download_{kind}_{version}",
        )
    if version == versions[0]:
        st.caption(text("latest"))
        return
    if editor is None:
        st.info(text("sign_in_to_restore"))
        return
    if st.button(text("restore").format(version=version), key="restore"):
        result = store.restore(editor, version)
        if result.version is None:
            st.info(text("restore_nothing").format(version=version))
        else:
            st.success(text("restore_done").format(version=version, new=result.version))


def main() -> None:
    """The page."""
    st.title(text("title"))
    st.caption(text("intro"))
    store = open_store(default_url())
    editor = sign_in_box()
    tab_import, tab_history = st.tabs([text("tab_import"), text("tab_history")])
    with tab_import:
        import_tab(store, editor)
    with tab_history:
        history_tab(store, editor)


# Page scripts run as ``__main__``; tests import the preview from here.
if __name__ == "__main__":
    main()
