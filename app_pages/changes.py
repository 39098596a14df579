"""Changes (``/changes?from=3&to=7``, dates accepted: ``?from=2026-11-01``): what changed in
the registry between two versions, by kind (clusters added, removed, changed field by
field; MNE links added, ended, changed; regional indicators), downloadable as CSV.

The comparison is :func:`geo.registry.history.changes_between`; the URL is read by
:func:`geo.render.urlstate.span_from_query_params` and written back as version numbers.
Cells are shown as plain text in ``st.dataframe``; the CSV is formula-safe.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.registry import history
from geo.registry.store import ACTION_NAMES, VersionInfo, version_at
from geo.render import urlstate
from ui.dataset import (
    is_synthetic,
    open_store,
    registry_version,
    shown_version,
    version_infos,
    version_times as times_of,
)
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.url import update_url

t = partial(page_text, history.CHANGES_TEXT)  # the page's text in the interface language
URL_KEYS = (urlstate.FROM_QUERY_KEY, urlstate.TO_QUERY_KEY)
WIDGETS = {urlstate.FROM_QUERY_KEY: "changes_from", urlstate.TO_QUERY_KEY: "changes_to"}
SEEN = "changes_url_seen"


@st.cache_data(show_spinner=False, max_entries=16)
def span(url: str, head: int, old: int, new: int) -> history.Span:
    """The changes from version ``old`` to ``new`` (``head`` keys the cache to the store)."""
    return history.changes_between(open_store(url), old, new)


def push_url(url: str, head: int, params: dict[str, list[str]]) -> None:
    """A URL new to the session sets the two pickers (a missing side: from the version
    shown, or the one before the latest, to the latest); what it could not use is said."""
    shown = shown_version() or head
    default = (shown if shown < head else max(head - 1, 1), head)
    old, new, problems = urlstate.span_from_query_params(
        params, times_of(url, head), version_at, default, current_lang()
    )
    st.session_state[WIDGETS[urlstate.FROM_QUERY_KEY]] = old
    st.session_state[WIDGETS[urlstate.TO_QUERY_KEY]] = new
    if problems:
        st.warning(t("ignored", problems=profiles.md_literal("; ".join(problems))), icon="⚠️")


def label(infos: dict[int, VersionInfo], version: int) -> str:
    """A version as the pickers list it: number, time (UTC) and action."""
    info = infos[version]
    action = translator()(ACTION_NAMES.get(info.action, info.action))
    when = info.created_at.strftime("%Y-%m-%d %H:%M UTC")
    return t("version_label", version=version, time=when, action=action)


def section(changes: history.Span, kind: str, change: str, lang: str) -> None:
    """One kind of change: its heading with the count, and its table (or "None.")."""
    table = history.section_table(changes.changes, kind, change, lang, vocabulary_labels())
    n_records = table["key"].nunique()
    st.subheader(f"{translator()(history.SECTIONS[(kind, change)])} ({n_records})")
    if table.empty:
        st.caption(t("none"))
        return
    headers = {c: translator()(history.HEADERS[c]) for c in table.columns}
    st.dataframe(table, hide_index=True, width="stretch", column_config=headers)


st.title(t("title"))
st.caption(t("intro"))
current = registry_version()
if current is None:
    st.info(t("no_store"))
    st.stop()
if is_synthetic():
    st.info(t("synthetic"))
store_url, head = current
lang = current_lang()
infos = {info.id: info for info in version_infos(store_url, head)}
params = urlstate.read(st.query_params, URL_KEYS)
if params != st.session_state.get(SEEN) or any(w not in st.session_state for w in WIDGETS.values()):
    push_url(store_url, head, params)

for key in URL_KEYS:  # a version the store no longer has (another database): the latest
    if st.session_state[WIDGETS[key]] not in infos:
        st.session_state[WIDGETS[key]] = head

left, right = st.columns(2)
for column, key in zip((left, right), URL_KEYS, strict=True):
    column.selectbox(t(key), list(infos), format_func=partial(label, infos), key=WIDGETS[key])
old, new = (int(st.session_state[WIDGETS[key]]) for key in URL_KEYS)
if old > new:
    st.info(t("swapped"))
    old, new = new, old
chosen = {urlstate.FROM_QUERY_KEY: [str(old)], urlstate.TO_QUERY_KEY: [str(new)]}
if params != chosen:
    update_url(URL_KEYS, chosen)
st.session_state[SEEN] = chosen
if old == new:
    st.info(t("same", version=old))
    st.stop()

changes = span(store_url, head, old, new)
st.markdown(
    t(
        "span",
        old=old,
        old_time=changes.old.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        old_author=profiles.md_literal(changes.old.author),
        new=new,
        new_time=changes.new.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        new_author=profiles.md_literal(changes.new.author),
    )
)
if not changes.changes:
    st.info(t("nothing"))
    st.stop()
st.download_button(
    t("download"),
    history.changes_csv(changes),
    file_name=f"registry_changes_v{old}_v{new}.csv",
    mime="text/csv",
)
for kind, change in history.SECTIONS:
    if kind != "regional_indicators" or history.counts(changes.changes)[(kind, change)]:
        section(changes, kind, change, lang)
