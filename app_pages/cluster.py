"""Cluster profile page (``/cluster?id=PIC-01``): the five blocks of a Cluster Map of
Russia profile as far as the records have them, the indicators and index with the rank in
the comparison group, the scenario, the MNE links and a small locator map.

An unknown id gets a clear message and a link back to the registry. Text from the data is
shown in ``st.dataframe`` cells (plain text) or escaped with ``profiles.md_literal``.

The timeline (issue 17) lists every version of the registry store in which the cluster or
one of its MNE links changed (:func:`geo.registry.history.cluster_timeline`); a cluster
that is not in the version shown (picked "as of" an earlier date) gets its timeline too.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.analysis import profile_views as views, profiles
from geo.registry import history
from geo.render import locator, urlstate
from ui import navigation
from ui.dataset import (
    dataset,
    dataset_key,
    is_synthetic,
    open_store,
    registry_version,
    shown_version,
)
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.members import render_composition
from ui.profile_widgets import back_link, contacts_section, headers, picker, stop

t = partial(page_text, views.CLUSTER_TEXT)  # the page's text in the interface language
tl = partial(page_text, history.TIMELINE_TEXT)  # the timeline's


@st.cache_resource(show_spinner=False)
def projected_regions(key: tuple):
    """Region outlines in the locator's projection, once per process and dataset."""
    return locator.project_regions(dataset().regions)


@st.cache_data(show_spinner=False)
def locator_image(key: tuple, code: str | None, lon: float | None, lat: float | None) -> bytes:
    """The locator PNG of a region and point (cached per dataset, region and point)."""
    point = (lon, lat) if lon is not None and lat is not None else None
    return locator.locator_png(projected_regions(key), code, point)


@st.cache_data(show_spinner=False)
def cluster_choices(key: tuple, lang: str) -> dict[str, str]:
    """Picker labels by cluster id, per dataset."""
    return views.cluster_choices(dataset().clusters, lang)


@st.cache_data(show_spinner=False)
def profile(key: tuple, cluster_id: str, lang: str) -> profiles.ClusterProfile:
    """The profile of one cluster of the dataset ``key`` in ``lang`` (cached;
    ``UnknownUnitError`` is not cached)."""
    return profiles.cluster_profile(dataset(), cluster_id, lang, vocabulary_labels())


def show_block(block: profiles.Block) -> None:
    """A profile block: heading, facts as a plain-text table, and its note."""
    st.header(block.title)
    frame = block.as_frame()
    st.dataframe(
        frame, hide_index=True, width="stretch", height="content", column_config=narrow(frame)
    )
    if block.note:
        st.caption(block.note)


def narrow(frame) -> dict:
    """Translated headers, the first column (a field's or indicator's name, up to ~540 px)
    capped at "medium" so the values beside it stay in view on a phone."""
    config = headers(frame.columns, lang)
    config[frame.columns[0]]["width"] = "medium"
    return config


@st.cache_data(show_spinner=False, max_entries=64)
def timeline(url: str, head: int, cluster_id: str, lang: str):
    """The cluster's timeline in the store at ``url`` (``head`` keys it to the latest
    version, so a new version shows at once)."""
    return history.cluster_timeline(open_store(url), cluster_id, lang, vocabulary_labels())


def show_timeline(cluster_id: str) -> bool:
    """The timeline section; False when the store has no history of the cluster."""
    current = None if is_synthetic() else registry_version()
    frame = None if current is None else timeline(*current, cluster_id, lang)
    st.header(tl("title"))
    if frame is None or frame.empty:
        st.caption(tl("synthetic") if is_synthetic() else tl("empty"))
        return False
    st.caption(tl("intro"))
    shown = shown_version()
    if current is not None and shown is not None and shown < current[1]:
        st.caption(tl("shown", version=shown))
    _ = translator()
    titles = {c: st.column_config.Column(_(history.HEADERS[c])) for c in frame.columns}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=titles)
    return True


def table(frame) -> None:
    st.dataframe(frame, hide_index=True, width="stretch", column_config=narrow(frame))


lang = current_lang()
choices = cluster_choices(dataset_key(), lang)
raw = urlstate.last(urlstate.read(st.query_params, ("id",)), "id")
resolved = raw if raw in choices else None
requested = picker("id", "cluster", choices, raw, resolved, t("picker"), t("picker_hint"))[0]
if not requested:
    stop(t("title"), t("none_chosen"), t("back"))
try:
    p = profile(dataset_key(), requested, lang)
except profiles.UnknownUnitError as error:
    store = None if is_synthetic() else registry_version()
    if store is not None and not timeline(*store, requested, lang).empty:  # in another version
        st.title(t("title"))
        st.info(tl("not_at_version", id=profiles.md_literal(requested), version=shown_version()))
        show_timeline(requested)
        back_link(t("back"))
        st.stop()
    stop(t("title"), t("unknown", error=profiles.md_literal(str(error))), t("back"), error=True)

st.title(profiles.md_literal(p.name))
st.caption(views.cluster_subtitle(p, lang))
with st.container(horizontal=True, gap="medium"):  # each metric as wide as its text, wrapping
    for label, value in views.cluster_metrics(p, lang).items():
        st.metric(label, value, width="content")

# The fact blocks in the wide column (in the narrow one a long field name pushed the
# values of "Members" out of view), the locator alone in the narrow one.
left, right = st.columns([3, 2])
with left:
    for block in p.blocks:
        show_block(block)
        if block.key == "Management":
            contacts_section(p.id)  # signed-in users with a role only
with right:
    st.header(t("location"))
    located = p.lon is not None and p.lat is not None
    alt = t("locator_alt" if located else "locator_alt_nowhere", region=p.region_name)
    image = locator_image(dataset_key(), p.region_code, p.lon, p.lat)
    st.image(image, caption=t("locator"), alt=alt)
    st.caption(profiles.md_literal(p.location))
    if p.region_code:
        region = navigation.file("region")
        st.page_link(
            region, label=t("region_link"), icon="📍", query_params={"code": p.region_code}
        )

st.header(t("indicators"))
st.markdown(t("equation", group=profiles.md_literal(p.group)))
table(p.indicators)
with st.container(horizontal=True, gap="medium"):
    for label, value in views.index_metrics(p, lang).items():
        st.metric(label, value, width="content")
if len(p.group_table):
    st.markdown(t("group"))
    group = views.group_table(p)  # English headers (msgids), shown translated
    titles = {c: st.column_config.Column(translator()(c)) for c in group.columns}
    st.dataframe(group, hide_index=True, width="stretch", column_config=titles)
else:
    st.info(t("not_assessed"))

st.header(t("scenario"))
st.markdown(f"**{profiles.md_literal(p.scenario_label)}**")
st.caption(t("scenario_note"))

st.header(t("mne"))
if p.mne_links.empty:
    st.info(t("no_mne"))
else:
    table(p.mne_links)
render_composition(dataset(), p.id, lang, vocabulary_labels())

if p.notes:
    st.header(t("notes"))
    st.caption(profiles.md_literal(p.notes))
show_timeline(p.id)
back_link(t("back"))
