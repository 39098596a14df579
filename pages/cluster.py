"""Cluster profile page (``/cluster?id=PIC-01``): the five blocks of a Cluster Map of
Russia profile as far as the records have them, the indicators and index with the rank in
the comparison group, the scenario, the MNE links and a small locator map.

An unknown id gets a clear message and a link back to the registry. Text from the data is
shown in ``st.dataframe`` cells (plain text) or escaped with ``profiles.md_literal``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.base.i18n import N_
from geo.render import locator, urlstate
from ui import navigation
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.url import set_url

PICK_KEY = "cluster_pick"
SEEN_KEY = "cluster_seen_id"

# Every user-facing text of the page (English literals in one place, for translation).
TEXT: dict[str, str] = {
    "title": N_("Cluster profile"),
    "picker": N_("Cluster"),
    "picker_hint": N_("Choose a cluster…"),
    "none_chosen": N_("No cluster chosen: pick one above, or open one from the registry."),
    "unknown": N_("{error}. Check the link, or choose a cluster above."),
    "back": N_("Back to the registry"),
    "m_index": N_("Internationalisation index (recomputed)"),
    "m_published": N_("Published index (002 Table 5)"),
    "m_rank": N_("Rank in its industry group"),
    "m_mne": N_("MNE links"),
    "location": N_("Location"),
    "locator": N_("Region in blue, the cluster's point in orange (Albers equal-area conic)."),
    "region_link": N_("Region profile"),
    "indicators": N_("Indicators and index"),
    "equation": N_(
        "Equation 1 of papers 001/002: each indicator divided by its maximum in the "
        "cluster's comparison group, its **industry group** ({group}); see the "
        "Methodology page."
    ),
    "rank_recomputed": N_("Rank (recomputed index)"),
    "rank_published": N_("Rank (published index)"),
    "region_index": N_("Region index (recomputed)"),
    "group": N_("**Comparison group**"),
    "not_assessed": N_("Not assessed: the records have no indicators for this cluster."),
    "scenario": N_("Scenario"),
    "scenario_note": N_(
        "From the recomputed cluster index and its region's foreign-economic-activity "
        "index, each high at 1.0 or above (papers 001/002: supported, lonely, late, "
        "potential)."
    ),
    "mne": N_("MNE links"),
    "no_mne": N_(
        "No MNE is linked to this cluster in the records. The records hold only the MNEs "
        "the presentation 003 names, so this does not mean the cluster has none."
    ),
    "notes": N_("Transcription notes"),
}
GROUP_COLUMNS: dict[str, str] = {
    "id": N_("ID"),
    "name": N_("Cluster"),
    "recomputed": N_("Index (recomputed)"),
    "published": N_("Index (published)"),
    "rank": N_("Rank (recomputed)"),
    "rank_pub": N_("Rank (published)"),
}


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
    """Picker labels ("PIC-01 · name", the name in ``lang``) keyed by cluster id, per
    dataset."""
    return {
        r["id"]: f"{r['id']} · {profiles.cluster_display_name(r, lang)}"
        for r in dataset().clusters[["id", "name_en", "name_ru"]].to_dict("records")
    }


@st.cache_data(show_spinner=False)
def profile(key: tuple, cluster_id: str, lang: str) -> profiles.ClusterProfile:
    """The profile of one cluster of the dataset ``key`` in ``lang`` (cached;
    ``UnknownUnitError`` is not cached)."""
    return profiles.cluster_profile(dataset(), cluster_id, lang, vocabulary_labels())


t = partial(page_text, TEXT)  # the page's text in the interface language


def headers(columns: Iterable[str]) -> dict[str, st.column_config.Column]:
    """Translated headers for a profile table's columns (the frame keeps its names)."""
    return {c: st.column_config.Column(profiles.column_label(c, lang)) for c in columns}


def show_block(block: profiles.Block) -> None:
    """A profile block: heading, facts as a plain-text table, and its note."""
    st.subheader(block.title)
    frame = block.as_frame()
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height="content",
        column_config=headers(frame.columns),
    )
    if block.note:
        st.caption(block.note)


lang = current_lang()
_ = translator()
choices = cluster_choices(dataset_key(), lang)
requested = urlstate.last(urlstate.read(st.query_params, ("id",)), "id")

# The picker mirrors the URL: a new URL (or a first visit) sets it, a pick sets the URL.
if st.session_state.get(SEEN_KEY) != requested or PICK_KEY not in st.session_state:
    st.session_state[PICK_KEY] = requested if requested in choices else None
st.selectbox(
    t("picker"),
    list(choices),
    format_func=choices.get,
    key=PICK_KEY,
    index=None,
    placeholder=t("picker_hint"),
)
picked = st.session_state[PICK_KEY]
if picked is not None and picked != requested:
    set_url({"id": [picked]})
    requested = picked
st.session_state[SEEN_KEY] = requested

if not requested:
    st.title(t("title"))
    st.info(t("none_chosen"))
    st.page_link(navigation.file("registry"), label=t("back"), icon="📇")
    st.stop()

try:
    p = profile(dataset_key(), requested, lang)
except profiles.UnknownUnitError as error:
    st.title(t("title"))
    st.error(t("unknown", error=profiles.md_literal(str(error))))
    st.page_link(navigation.file("registry"), label=t("back"), icon="📇")
    st.stop()

# The other language's name under the title (as the data has it).
other_name = p.name_ru if lang == "en" else p.block("General data").value("Name (English)")
st.title(profiles.md_literal(p.name))
st.caption(
    f"{profiles.md_literal(p.id)} · {profiles.md_literal(other_name)} · "
    f"{profiles.md_literal(p.region_name)}"
)

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("m_index"), profiles.number(p.cluster_index, 2, profiles.NOT_ASSESSED, lang))
m2.metric(t("m_published"), profiles.number(p.index_published, lang=lang))
m3.metric(t("m_rank"), profiles.rank_short(p.rank, profiles.NOT_ASSESSED, lang))
m4.metric(t("m_mne"), profiles.whole(len(p.mne_links), lang=lang))

left, right = st.columns([3, 2])
with left:
    for block in p.blocks[:3]:
        show_block(block)
with right:
    st.subheader(t("location"))
    st.image(
        locator_image(dataset_key(), p.region_code, p.lon, p.lat),
        caption=t("locator"),
    )
    st.caption(profiles.md_literal(p.location))
    if p.region_code:
        st.page_link(
            navigation.file("region"),
            label=t("region_link"),
            icon="📍",
            query_params={"code": p.region_code},
        )
    for block in p.blocks[3:]:
        show_block(block)

st.header(t("indicators"))
st.markdown(t("equation", group=profiles.md_literal(p.group)))
st.dataframe(
    p.indicators, hide_index=True, width="stretch", column_config=headers(p.indicators.columns)
)
i1, i2, i3 = st.columns(3)
i1.metric(t("rank_recomputed"), profiles.rank_text(p.rank, profiles.NOT_ASSESSED, lang))
i2.metric(t("rank_published"), profiles.rank_text(p.rank_published, profiles.NOT_REPORTED, lang))
i3.metric(t("region_index"), profiles.number(p.region_index, 2, profiles.NOT_ASSESSED, lang))
if len(p.group_table):
    st.markdown(t("group"))
    group_table = p.group_table.rename(columns=GROUP_COLUMNS)  # English names, as before
    st.dataframe(
        group_table,
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.Column(_(c)) for c in group_table.columns},
    )
else:
    st.info(t("not_assessed"))

st.header(t("scenario"))
st.markdown(f"**{profiles.md_literal(p.scenario_label)}**")
st.caption(t("scenario_note"))

st.header(t("mne"))
if p.mne_links.empty:
    st.info(t("no_mne"))
else:
    st.dataframe(
        p.mne_links, hide_index=True, width="stretch", column_config=headers(p.mne_links.columns)
    )

if p.notes:
    st.header(t("notes"))
    st.caption(profiles.md_literal(p.notes))

st.page_link(navigation.file("registry"), label=t("back"), icon="📇")
