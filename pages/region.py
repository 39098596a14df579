"""Region profile page (``/region?code=RU-TA``): general data and federal district, the
indicators of the regional table with their ranks, the foreign-economic-activity index and
its rank among the 19 regions with data, the clusters declared in the region with their
scenarios, their MNE links, and a small locator map.

A region outside the regional table says so; an unknown code gets a clear message and a
link back to the registry.
"""

from __future__ import annotations

import streamlit as st

from geo import locator, profiles
from pages.common import dataset

PICK_KEY = "region_pick"
SEEN_KEY = "region_seen_code"


@st.cache_resource(show_spinner=False)
def projected_regions():
    """Region outlines in the locator's projection, once per process."""
    return locator.project_regions(dataset().regions)


@st.cache_data(show_spinner=False)
def locator_image(code: str) -> bytes:
    """The locator PNG with one region highlighted (cached per region)."""
    return locator.locator_png(projected_regions(), code)


@st.cache_data(show_spinner=False)
def profile(code: str) -> profiles.RegionProfile:
    """The profile of one region (cached; ``UnknownUnitError`` is not cached)."""
    return profiles.region_profile(dataset(), code)


LINKS = {
    "Profile": st.column_config.LinkColumn("Profile", display_text=r"/cluster\?id=(.*)"),
    "Index (recomputed)": st.column_config.NumberColumn(format="%.2f"),
}

data = dataset()
regions = data.regions.sort_values("name_en")
codes = regions["code"].tolist()
names = dict(zip(regions["code"], regions["name_en"], strict=True))
raw = st.query_params.get("code")
requested = profiles.find_region_code(data.regions, raw) if raw else None

if st.session_state.get(SEEN_KEY) != raw or PICK_KEY not in st.session_state:
    st.session_state[PICK_KEY] = requested
st.selectbox(
    "Region",
    codes,
    format_func=lambda c: f"{names.get(c, c)} ({c})",
    key=PICK_KEY,
    index=None,
    placeholder="Choose a region…",
)
picked = st.session_state[PICK_KEY]
if picked is not None and picked != requested:
    st.query_params.from_dict({"code": picked})
    raw = requested = picked
st.session_state[SEEN_KEY] = raw

if not raw:
    st.title("Region profile")
    st.info("No region chosen: pick one above, or open one from a cluster profile or the map.")
    st.page_link("pages/registry.py", label="Back to the registry", icon="📇")
    st.stop()

try:
    p = profile(requested or raw)
except profiles.UnknownUnitError as error:
    st.title("Region profile")
    st.error(f"{profiles.md_literal(str(error))}. Check the link, or choose a region above.")
    st.page_link("pages/registry.py", label="Back to the registry", icon="📇")
    st.stop()

st.title(profiles.md_literal(f"{p.name_en} · {p.name_ru}"))
st.caption(
    f"{profiles.md_literal(p.code)} · {profiles.md_literal(p.general.value('Type'))} · "
    f"{profiles.md_literal(p.general.value('Federal district'))} federal district"
)

m1, m2, m3, m4 = st.columns(4)
m1.metric("FEA index (recomputed)", profiles.number(p.fea_index, 2))
m2.metric("FEA index (published, 002 Table 6)", profiles.number(p.fea_published, 2))
m3.metric(
    "Rank among the regions with data",
    f"{p.rank.position} of {p.rank.of}" if p.rank else profiles.NOT_REPORTED,
)
m4.metric("Clusters declared here", len(p.clusters))

left, right = st.columns([3, 2])
with left:
    st.subheader("General data")
    st.dataframe(p.general.as_frame(), hide_index=True, use_container_width=True)
    st.subheader("Indicators (002 Table 6)")
    if not p.has_indicators:
        st.info(
            "Not reported in the source tables: the regional table of paper 002 covers 19 "
            "regions, and this is not one of them. No index or rank is computed."
        )
    st.dataframe(p.indicators, hide_index=True, use_container_width=True)
    st.caption(
        "Units and reference year are not printed in the source (not reported). Ranks are "
        "among the regions of the table, 1 = highest; the trade surplus may be negative."
    )
with right:
    st.subheader("Location")
    st.image(locator_image(p.code), caption="The region in blue (Albers equal-area conic).")

st.header("Clusters in the region")
if p.clusters.empty:
    st.info("No cluster of the registry is declared in this region.")
else:
    counts = ", ".join(f"{k}: {v}" for k, v in p.scenario_counts.items() if v)
    st.caption(f"Scenarios: {profiles.md_literal(counts)}")
    st.dataframe(
        p.clusters, hide_index=True, use_container_width=True, column_config=LINKS
    )
if not p.located_here_declared_elsewhere.empty:
    st.markdown("**Located in this region but declared in another**")
    st.caption(
        "The cluster's city lies inside this region's outline, while the source names "
        "another region; the registry counts it in the declared region."
    )
    st.dataframe(
        p.located_here_declared_elsewhere,
        hide_index=True,
        use_container_width=True,
        column_config=LINKS,
    )

st.header("MNE links of its clusters")
if p.mne_links.empty:
    st.info(
        "No MNE link in the records for the clusters of this region. The records hold only "
        "the MNEs the presentation 003 names."
    )
else:
    st.dataframe(
        p.mne_links, hide_index=True, use_container_width=True, column_config=LINKS
    )

st.page_link("pages/registry.py", label="Back to the registry", icon="📇")
