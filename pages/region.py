"""Region profile page (``/region?code=RU-TA``): general data and federal district, the
indicators of the regional table with their ranks, the foreign-economic-activity index and
its rank among the 19 regions with data, the clusters declared in the region with their
scenarios, their MNE links, and a small locator map.

A region outside the regional table says so; an unknown code gets a clear message and a
link back to the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import locator, urlstate
from ui import navigation
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.url import set_url

PICK_KEY = "region_pick"
SEEN_KEY = "region_seen_code"

# Every user-facing text of the page (English literals in one place, for translation).
TEXT: dict[str, str] = {
    "title": N_("Region profile"),
    "picker": N_("Region"),
    "picker_hint": N_("Choose a region…"),
    "none_chosen": N_(
        "No region chosen: pick one above, or open one from a cluster profile or the map."
    ),
    "unknown": N_("{error}. Check the link, or choose a region above."),
    "back": N_("Back to the registry"),
    "subtitle": N_("{code} · {type} · {district}"),
    "district": N_("{district} federal district"),
    "m_index": N_("FEA index (recomputed)"),
    "m_published": N_("FEA index (published, 002 Table 6)"),
    "m_rank": N_("Rank among the regions with data"),
    "m_clusters": N_("Clusters declared here"),
    "general": N_("General data"),
    "indicators": N_("Indicators (002 Table 6)"),
    "no_indicators": N_(
        "Not reported in the source tables: the regional table of paper 002 covers 19 "
        "regions, and this is not one of them. No index or rank is computed."
    ),
    "indicators_note": N_(
        "Units and reference year are not printed in the source (not reported). Ranks are "
        "among the regions of the table, 1 = highest; the trade surplus may be negative."
    ),
    "location": N_("Location"),
    "locator": N_("The region in blue (Albers equal-area conic)."),
    "clusters": N_("Clusters in the region"),
    "no_clusters": N_("No cluster of the registry is declared in this region."),
    "scenarios": N_("Scenarios: {counts}"),
    "scenario_count": N_("{scenario}: {count}"),
    "elsewhere": N_("**Located in this region but declared in another**"),
    "elsewhere_note": N_(
        "The cluster's city lies inside this region's outline, while the source names "
        "another region; the registry counts it in the declared region."
    ),
    "mne": N_("MNE links of its clusters"),
    "no_mne": N_(
        "No MNE link in the records for the clusters of this region. The records hold only "
        "the MNEs the presentation 003 names."
    ),
}


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


t = partial(page_text, TEXT)  # the page's text in the interface language


def headers(columns: Iterable[str]) -> dict[str, st.column_config.Column]:
    """Translated headers for a profile table's columns; the cluster links open profiles
    and the index reads as a number."""
    config: dict[str, st.column_config.Column] = {}
    for c in columns:
        label = profiles.column_label(c, lang)
        if c == "Profile":
            config[c] = st.column_config.LinkColumn(label, display_text=r"/cluster\?id=(.*)")
        elif c == "Index (recomputed)":
            config[c] = st.column_config.NumberColumn(label, format="%.2f")
        else:
            config[c] = st.column_config.Column(label)
    return config


lang = current_lang()
_ = translator()
data = dataset()
names = i18n.localised_names(data.regions.set_index("code"), lang).to_dict()
codes = sorted(names, key=lambda c: names[c])
raw = urlstate.last(urlstate.read(st.query_params, ("code",)), "code")
requested = profiles.find_region_code(data.regions, raw) if raw else None

if st.session_state.get(SEEN_KEY) != raw or PICK_KEY not in st.session_state:
    st.session_state[PICK_KEY] = requested
st.selectbox(
    t("picker"),
    codes,
    format_func=lambda c: f"{names.get(c, c)} ({c})",
    key=PICK_KEY,
    index=None,
    placeholder=t("picker_hint"),
)
picked = st.session_state[PICK_KEY]
if picked is not None and picked != requested:
    set_url({"code": [picked]})
    raw = requested = picked
st.session_state[SEEN_KEY] = raw

if not raw:
    st.title(t("title"))
    st.info(t("none_chosen"))
    st.page_link(navigation.file("registry"), label=t("back"), icon="📇")
    st.stop()

try:
    p = profile(dataset_key(), requested or raw, lang)
except profiles.UnknownUnitError as error:
    st.title(t("title"))
    st.error(t("unknown", error=profiles.md_literal(str(error))))
    st.page_link(navigation.file("registry"), label=t("back"), icon="📇")
    st.stop()

# Both names, as the data has them: the interface language's first.
first, second = (p.name_ru, p.name_en) if lang == "ru" else (p.name_en, p.name_ru)
st.title(profiles.md_literal(f"{first} · {second}"))
st.caption(
    t(
        "subtitle",
        code=profiles.md_literal(p.code),
        type=profiles.md_literal(p.general.value("Type")),
        district=t("district", district=profiles.md_literal(p.general.value("Federal district"))),
    )
)

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("m_index"), profiles.number(p.fea_index, 2, lang=lang))
m2.metric(t("m_published"), profiles.number(p.fea_published, 2, lang=lang))
m3.metric(t("m_rank"), profiles.rank_short(p.rank, profiles.NOT_REPORTED, lang))
m4.metric(t("m_clusters"), profiles.whole(len(p.clusters), lang=lang))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("general"))
    general = p.general.as_frame()
    st.dataframe(general, hide_index=True, width="stretch", column_config=headers(general.columns))
    st.subheader(t("indicators"))
    if not p.has_indicators:
        st.info(t("no_indicators"))
    st.dataframe(
        p.indicators, hide_index=True, width="stretch", column_config=headers(p.indicators.columns)
    )
    st.caption(t("indicators_note"))
with right:
    st.subheader(t("location"))
    st.image(locator_image(dataset_key(), p.code), caption=t("locator"))

st.header(t("clusters"))
if p.clusters.empty:
    st.info(t("no_clusters"))
else:
    counts = ", ".join(
        t("scenario_count", scenario=profiles.Words(lang).scenario(k), count=v)
        for k, v in p.scenario_counts.items()
        if v
    )
    st.caption(t("scenarios", counts=profiles.md_literal(counts)))
    st.dataframe(
        p.clusters, hide_index=True, width="stretch", column_config=headers(p.clusters.columns)
    )
if not p.located_here_declared_elsewhere.empty:
    st.markdown(t("elsewhere"))
    st.caption(t("elsewhere_note"))
    st.dataframe(
        p.located_here_declared_elsewhere,
        hide_index=True,
        width="stretch",
        column_config=headers(p.located_here_declared_elsewhere.columns),
    )

st.header(t("mne"))
if p.mne_links.empty:
    st.info(t("no_mne"))
else:
    st.dataframe(
        p.mne_links, hide_index=True, width="stretch", column_config=headers(p.mne_links.columns)
    )

st.page_link(navigation.file("registry"), label=t("back"), icon="📇")
