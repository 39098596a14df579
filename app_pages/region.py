"""Region profile page (``/region?code=RU-TA``): general data and federal district, the
indicators of the regional table with their ranks, the foreign-economic-activity index and
its rank among the 19 regions with data, the clusters declared in the region with their
scenarios, their MNE links, and a small locator map.

A region outside the regional table says so; an unknown code gets a clear message and a
link back to the registry.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from geo.analysis import profile_views as views, profiles
from geo.render import locator, urlstate
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, vocabulary_labels
from ui.profile_widgets import back_link, headers, picker, stop

t = partial(page_text, views.REGION_TEXT)  # the page's text in the interface language


@st.cache_resource(show_spinner=False)
def projected_regions(key: tuple):
    """Region outlines in the locator's projection, once per process and dataset."""
    return locator.project_regions(dataset().regions)


@st.cache_data(show_spinner=False)
def locator_image(key: tuple, code: str) -> bytes:
    """The locator PNG with one region highlighted (cached per dataset and region)."""
    return locator.locator_png(projected_regions(key), code)


@st.cache_data(show_spinner=False)
def profile(key: tuple, code: str, lang: str) -> profiles.RegionProfile:
    """The profile of one region of the dataset ``key`` in ``lang`` (cached;
    ``UnknownUnitError`` is not cached)."""
    return profiles.region_profile(dataset(), code, lang, vocabulary_labels())


def table(frame: pd.DataFrame) -> None:
    """A profile table; the cluster links open profiles, the index reads as a number."""
    config = headers(frame.columns, lang, links=True)
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


lang = current_lang()
data = dataset()
raw = urlstate.last(urlstate.read(st.query_params, ("code",)), "code")
resolved = profiles.find_region_code(data.regions, raw) if raw else None
choices = views.region_choices(data.regions, lang)
raw, requested = picker("code", "region", choices, raw, resolved, t("picker"), t("picker_hint"))
if not raw:
    stop(t("title"), t("none_chosen"), t("back"))
try:
    p = profile(dataset_key(), requested or raw, lang)
except profiles.UnknownUnitError as error:
    stop(t("title"), t("unknown", error=profiles.md_literal(str(error))), t("back"), error=True)

st.title(views.region_title(p, lang))
st.caption(views.region_subtitle(p, lang))
for column, (label, value) in zip(
    st.columns(4), views.region_metrics(p, lang).items(), strict=True
):
    column.metric(label, value)

left, right = st.columns([3, 2])
with left:
    st.subheader(t("general"))
    table(p.general.as_frame())
    st.subheader(t("indicators"))
    if not p.has_indicators:
        st.info(t("no_indicators"))
    table(p.indicators)
    st.caption(t("indicators_note"))
with right:
    st.subheader(t("location"))
    st.image(locator_image(dataset_key(), p.code), caption=t("locator"))

st.header(t("clusters"))
if p.clusters.empty:
    st.info(t("no_clusters"))
else:
    st.caption(views.scenario_caption(p, lang))
    table(p.clusters)
if not p.located_here_declared_elsewhere.empty:
    st.markdown(t("elsewhere"))
    st.caption(t("elsewhere_note"))
    table(p.located_here_declared_elsewhere)

st.header(t("mne"))
if p.mne_links.empty:
    st.info(t("no_mne"))
else:
    table(p.mne_links)
back_link(t("back"))
