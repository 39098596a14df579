"""Tables of the registry store as the edit and import pages show them: validation reports,
changes, history, column mappings, and the result of a write.

The frames keep their English column names (tests and code find them by name); the
headers are shown in the interface language through ``st.column_config``.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from geo.base.i18n import N_
from geo.registry import importer
from geo.registry.store import WriteResult
from ui.lang import current_lang, page_text, translator

TABLE_HEADERS: dict[str, str] = {
    "file": N_("File"),
    "row": N_("Row"),
    "column": N_("Column"),
    "problem": N_("Problem"),
    "header": N_("Header in the file"),
    "status": N_("Status"),
    "kind": N_("Kind of records"),
    "key": N_("Record"),
    "change": N_("Change"),
    "before": N_("Before"),
    "after": N_("After"),
    "version": N_("Version"),
    "created_at": N_("Created at"),
    "author": N_("Author"),
    "action": N_("Action"),
    "summary": N_("Summary"),
    "source": N_("Source"),
    "added": N_("Added"),
    "changed": N_("Changed"),
    "removed": N_("Removed"),
    "restored_from": N_("Restored from"),
}
TEXT: dict[str, str] = {
    "saved": N_("Saved as version {version}."),
    "unchanged": N_("Nothing changed."),
    "invalid": N_("Nothing was saved: {count} problem(s)."),
}

t = partial(page_text, TEXT)


def show_table(frame: pd.DataFrame) -> None:
    """``frame`` as a table whose known column headers are in the interface language."""
    _ = translator()
    config = {c: _(TABLE_HEADERS[c]) for c in frame.columns if c in TABLE_HEADERS}
    st.dataframe(frame, hide_index=True, column_config=config)


def show_result(result: WriteResult) -> None:
    """Success with the new version, or the problems as a table (nothing was written);
    problems, changes and missing markers in the interface language."""
    lang = current_lang()
    if not result.ok:
        st.error(t("invalid", count=len(result.plan.issues)))
        show_table(result.plan.report(lang))
    elif result.version is None:
        st.info(t("unchanged"))
    else:
        st.success(t("saved", version=result.version))
        show_table(importer.changes_frame(result.plan.changes, lang))
