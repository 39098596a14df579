"""Cluster profile page (``/cluster?id=PIC-01``): the five blocks of a Cluster Map of
Russia profile as far as the records have them, the indicators and index with the rank in
the comparison group, the scenario, the MNE links and a small locator map.

An unknown id gets a clear message and a link back to the registry. Text from the data is
shown in ``st.dataframe`` cells (plain text) or escaped with ``profiles.md_literal``.
"""

from __future__ import annotations

import streamlit as st

from geo import locator, profiles
from pages.common import dataset

PICK_KEY = "cluster_pick"
SEEN_KEY = "cluster_seen_id"


@st.cache_resource(show_spinner=False)
def projected_regions():
    """Region outlines in the locator's projection, once per process."""
    return locator.project_regions(dataset().regions)


@st.cache_data(show_spinner=False)
def locator_image(code: str | None, lon: float | None, lat: float | None) -> bytes:
    """The locator PNG of a region and point (cached per region and point)."""
    point = (lon, lat) if lon is not None and lat is not None else None
    return locator.locator_png(projected_regions(), code, point)


@st.cache_data(show_spinner=False)
def profile(cluster_id: str) -> profiles.ClusterProfile:
    """The profile of one cluster (cached; ``UnknownUnitError`` is not cached)."""
    return profiles.cluster_profile(dataset(), cluster_id)


def show_block(block: profiles.Block) -> None:
    """A profile block: heading, facts as a plain-text table, and its note."""
    st.subheader(block.title)
    st.dataframe(block.as_frame(), hide_index=True, use_container_width=True)
    if block.note:
        st.caption(block.note)


data = dataset()
ids = data.clusters["id"].tolist()
names = {r["id"]: profiles.cluster_display_name(r) for r in data.clusters.to_dict("records")}
requested = st.query_params.get("id")

# The picker mirrors the URL: a new URL (or a first visit) sets it, a pick sets the URL.
if st.session_state.get(SEEN_KEY) != requested or PICK_KEY not in st.session_state:
    st.session_state[PICK_KEY] = requested if requested in ids else None
st.selectbox(
    "Cluster",
    ids,
    format_func=lambda i: f"{i} · {names.get(i, i)}",
    key=PICK_KEY,
    index=None,
    placeholder="Choose a cluster…",
)
picked = st.session_state[PICK_KEY]
if picked is not None and picked != requested:
    st.query_params.from_dict({"id": picked})
    requested = picked
st.session_state[SEEN_KEY] = requested

if not requested:
    st.title("Cluster profile")
    st.info("No cluster chosen: pick one above, or open one from the registry.")
    st.page_link("pages/registry.py", label="Back to the registry", icon="📇")
    st.stop()

try:
    p = profile(requested)
except profiles.UnknownUnitError as error:
    st.title("Cluster profile")
    st.error(f"{profiles.md_literal(str(error))}. Check the link, or choose a cluster above.")
    st.page_link("pages/registry.py", label="Back to the registry", icon="📇")
    st.stop()

st.title(profiles.md_literal(p.name))
st.caption(
    f"{profiles.md_literal(p.id)} · {profiles.md_literal(p.name_ru)} · "
    f"{profiles.md_literal(p.region_name)}"
)

m1, m2, m3, m4 = st.columns(4)
m1.metric("Internationalisation index (recomputed)", profiles.number(p.cluster_index, 2,
          profiles.NOT_ASSESSED))  # fmt: skip
m2.metric("Published index (002 Table 5)", profiles.number(p.index_published))
m3.metric("Rank in its industry group", f"{p.rank.position} of {p.rank.of}" if p.rank else
          profiles.NOT_ASSESSED)  # fmt: skip
m4.metric("MNE links", len(p.mne_links))

left, right = st.columns([3, 2])
with left:
    for block in p.blocks[:3]:
        show_block(block)
with right:
    st.subheader("Location")
    st.image(
        locator_image(p.region_code, p.lon, p.lat),
        caption="Region in blue, the cluster's point in orange (Albers equal-area conic).",
    )
    st.caption(profiles.md_literal(p.location))
    if p.region_code:
        st.page_link(
            "pages/region.py",
            label="Region profile",
            icon="📍",
            query_params={"code": p.region_code},
        )
    for block in p.blocks[3:]:
        show_block(block)

st.header("Indicators and index")
st.markdown(
    "Equation 1 of papers 001/002: each indicator divided by its maximum in the cluster's "
    "comparison group, its **industry group** "
    f"({profiles.md_literal(p.group)}); see the Methodology page."
)
st.dataframe(p.indicators, hide_index=True, use_container_width=True)
i1, i2, i3 = st.columns(3)
i1.metric("Rank (recomputed index)", profiles.rank_text(p.rank))
i2.metric("Rank (published index)", profiles.rank_text(p.rank_published, profiles.NOT_REPORTED))
i3.metric("Region index (recomputed)", profiles.number(p.region_index, 2, profiles.NOT_ASSESSED))
if len(p.group_table):
    st.markdown("**Comparison group**")
    group = p.group_table.rename(
        columns={
            "id": "ID",
            "name": "Cluster",
            "recomputed": "Index (recomputed)",
            "published": "Index (published)",
            "rank": "Rank (recomputed)",
            "rank_pub": "Rank (published)",
        }
    )
    st.dataframe(group, hide_index=True, use_container_width=True)
else:
    st.info("Not assessed: the records have no indicators for this cluster.")

st.header("Scenario")
st.markdown(f"**{profiles.md_literal(p.scenario_label)}**")
st.caption(
    "From the recomputed cluster index and its region's foreign-economic-activity index, "
    "each high at 1.0 or above (papers 001/002: supported, lonely, late, potential)."
)

st.header("MNE links")
if p.mne_links.empty:
    st.info(
        "No MNE is linked to this cluster in the records. The records hold only the MNEs "
        "the presentation 003 names, so this does not mean the cluster has none."
    )
else:
    st.dataframe(p.mne_links, hide_index=True, use_container_width=True)

if p.notes:
    st.header("Transcription notes")
    st.caption(profiles.md_literal(p.notes))

st.page_link("pages/registry.py", label="Back to the registry", icon="📇")
