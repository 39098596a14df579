"""MNE page: the analysis of the presentation 003 ("MNEs and a cluster: a 'chicken or egg'
discussion") recomputed from the records, beside what 003 publishes.

Every chart has its numbers as a table under it. Values the records do not have (every
MNE's headquarters country and industry) are shown as "not reported", never filled in.
The analysis covers all records: 003's published shares cover the whole Cluster Map, so
the registry and map filters do not apply here.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo import mne, profiles, records
from geo.dataset import region_index
from pages.common import dataset

GREY = "#9E9E9E"
BLUE = "#0072B2"
ORANGE = "#E69F00"


@st.cache_data(show_spinner=False)
def vocabulary(name: str) -> list[str]:
    """The values of one vocabulary of ``vocabularies.csv``, in file order."""
    vocab = records.load_vocabularies()
    return vocab.loc[vocab["vocabulary"] == name, "value"].tolist()


@st.cache_data(show_spinner=False)
def aggregates() -> pd.DataFrame:
    """``published_aggregates.csv``."""
    return records.load_aggregates()


def bar_chart(frame: pd.DataFrame, category: str, value: str, title: str) -> alt.Chart:
    """Horizontal bars, "not reported" in grey, categories in the frame's order."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{category}:N", sort=None, title=None),
            color=alt.condition(
                alt.datum[category] == mne.NOT_REPORTED, alt.value(GREY), alt.value(BLUE)
            ),
            tooltip=[category, value],
        )
        .properties(height=alt.Step(28))
    )


def percent(share: pd.Series) -> pd.Series:
    """Shares as percentages with one decimal (missing stays missing)."""
    return (share.astype(float) * 100).round(1)


data = dataset()
clusters, links = data.clusters, data.mne_links
summary = mne.summary(links)
published_all = aggregates().set_index("metric")["value"]

st.title("MNEs in Russian clusters")
st.markdown(
    "The presentation 003 asks whether cluster and regional conditions attract "
    "multinational enterprises (MNEs), or MNEs seed clusters. Below, its analysis is "
    "**recomputed from the records** and set beside what 003 **publishes**. The records "
    "hold only the MNEs 003 names on its case slides; 003's own counts cover the "
    f"{published_all.get('cluster_initiatives', float('nan')):.0f} initiatives of the "
    "Cluster Map of Russia, whose MNE lists are not in its text."
)
c1, c2, c3, c4 = st.columns(4)
c1.metric("MNEs named", summary.mnes)
c2.metric("MNE links", summary.links)
c3.metric("Clusters with MNEs present", summary.clusters_with_present_mnes)
c4.metric("MNEs that left", summary.left)
with st.expander("Counting rules"):
    st.markdown(
        "- An **MNE** is a distinct name in `mne_links.csv`; a **link** is one of its rows.\n"
        "- A cluster **has MNEs** when at least one linked MNE is *present* (co-founder, "
        "anchor member, member, partner or project partner: 003's “partners or members”); "
        "an MNE that left does not count.\n"
        "- A missing status is *not reported*, which is not the status *none* (003's "
        "“clusters without any status”)."
    )

# 1. Share of clusters with MNEs by status --------------------------------------------------------
st.header("Share of clusters with MNEs, by cluster status")
comparison = mne.published_vs_recomputed(clusters, links, aggregates())
comparison["share_pct"] = percent(comparison["share"])
chart = (
    alt.Chart(comparison.dropna(subset=["share_pct"]))
    .mark_bar()
    .encode(
        x=alt.X("share_pct:Q", title="Clusters with MNEs, %", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("source:N", title=None, sort=[mne.PUBLISHED, mne.RECOMPUTED]),
        row=alt.Row("group:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        color=alt.Color(
            "source:N",
            scale=alt.Scale(domain=[mne.PUBLISHED, mne.RECOMPUTED], range=[ORANGE, BLUE]),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        tooltip=["group", "source", "with_mnes", "clusters", "share_pct"],
    )
    .properties(height=alt.Step(26), width=420)
)
st.altair_chart(chart)
st.dataframe(
    comparison.rename(
        columns={
            "group": "Group (003)",
            "status": "Status in the records",
            "source": "Source",
            "with_mnes": "Clusters with MNEs",
            "clusters": "Clusters",
            "share_pct": "Share, %",
            "basis": "Basis",
        }
    ).drop(columns="share"),
    hide_index=True,
    use_container_width=True,
)
rec = comparison.set_index(["group", "source"])
innov_pub = rec.loc[("innovation clusters", mne.PUBLISHED)]
innov_rec = rec.loc[("innovation clusters", mne.RECOMPUTED)]
none_rec = rec.loc[("clusters without any status", mne.RECOMPUTED)]
st.markdown(
    "**Why the two differ.** 003 counts MNEs among members and partners of every cluster "
    f"on the Cluster Map: {innov_pub['with_mnes']:.0f} of {innov_pub['clusters']:.0f} "
    "innovation clusters. The records name MNEs for only "
    f"{summary.clusters_with_links} clusters (the two case slides), so the recomputed share "
    f"is {innov_rec['with_mnes']:.0f} of {innov_rec['clusters']:.0f}: a lower bound from "
    "the named cases, not an estimate. No record has the status *none* "
    f"({none_rec['clusters']:.0f} clusters), so 003's clusters without any status have no "
    "recomputed counterpart; the status of the clusters only 003 names is not reported."
)
st.markdown("**All statuses in the records**")
by_status = mne.share_by_status(clusters, links, vocabulary("status"))
by_status["share_pct"] = percent(by_status["share"])
st.dataframe(
    by_status.drop(columns="share").rename(
        columns={
            "status": "Status",
            "clusters": "Clusters",
            "with_mnes": "With MNEs",
            "share_pct": "Share, %",
        }
    ),
    hide_index=True,
    use_container_width=True,
)
st.caption("Empty share: no cluster of the records has that status.")

# 2 and 3. By headquarters country and by industry ------------------------------------------------
for column, heading, axis in (
    ("hq_country", "MNEs by headquarters country", "Headquarters country"),
    ("industry", "MNEs by industry", "Industry"),
):
    st.header(heading)
    table = mne.mnes_by(links, column)
    st.altair_chart(bar_chart(table, "value", "mnes", "MNEs"), use_container_width=True)
    st.dataframe(
        table.rename(columns={"value": axis, "mnes": "MNEs", "links": "Links"}),
        hide_index=True,
        use_container_width=True,
    )
    reported = summary.hq_country_reported if column == "hq_country" else summary.industry_reported
    if reported < summary.mnes:
        st.caption(
            f"{summary.mnes - reported} of {summary.mnes} MNEs: not reported. 003 shows this "
            "breakdown only as a chart whose values are not in its text; nothing is filled "
            "in from general knowledge."
        )

# 4. Host region standing --------------------------------------------------------------------------
st.header("MNEs by the standing of the host region")
fea = region_index(data.indicators).index
published_fea = data.indicators.set_index("region_code")["fea_index_published"]
standing = mne.mnes_by_standing(clusters, links, fea)
standing_chart = (
    alt.Chart(standing)
    .mark_bar()
    .encode(
        x=alt.X("mnes:Q", title="MNEs", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("standing:N", sort=None, title=None),
        color=alt.condition(
            alt.datum.standing == mne.STANDING_NONE, alt.value(GREY), alt.value(BLUE)
        ),
        tooltip=["standing", "mnes", "regions"],
    )
    .properties(height=alt.Step(28))
)
st.altair_chart(standing_chart, use_container_width=True)
st.dataframe(
    standing.rename(columns={"standing": "Host region", "mnes": "MNEs", "regions": "Regions"}),
    hide_index=True,
    use_container_width=True,
)
hosts = mne.host_regions(clusters, links, data.regions, fea, published_fea)
hosts.insert(0, "Profile", [profiles.region_url(c) for c in hosts["region_code"]])
st.dataframe(
    hosts.rename(
        columns={
            "region_code": "Code",
            "region": "Region",
            "mnes": "MNEs",
            "links": "Links",
            "present": "MNEs present",
            "fea_index": "FEA index (recomputed)",
            "fea_rank": "Rank of 19",
            "fea_published": "FEA index (published)",
            "standing": "Standing",
            "innovation_rank": "Innovation rank (HSE, 2015)",
            "investment_rank": "Investment climate rating (2015)",
        }
    ),
    hide_index=True,
    use_container_width=True,
    column_config={
        "Profile": st.column_config.LinkColumn("Profile", display_text=r"/region\?code=(.*)"),
        "FEA index (recomputed)": st.column_config.NumberColumn(format="%.2f"),
    },
)
st.caption(
    "003 ranks host regions by the HSE Russian Regional Innovation Development Ranking and "
    "the National Rating of the Investment Climate (top 15, 2015 data); the records have "
    "neither (not reported). The standing here is the regional foreign-economic-activity "
    "index of papers 001/002 (recomputed, high at 1.0 or above), which the records have "
    "for 19 regions."
)

# 5. Interplay types -------------------------------------------------------------------------------
st.header("MNE–cluster interplay")
interplay = mne.interplay_types(links, vocabulary("interplay_type"))
st.altair_chart(bar_chart(interplay, "interplay_type", "mnes", "MNEs"), use_container_width=True)
st.dataframe(
    interplay.rename(
        columns={
            "interplay_type": "Interplay type",
            "mnes": "MNEs",
            "links": "Links",
            "clusters": "Clusters",
            "cluster_ids": "Cluster ids",
        }
    ),
    hide_index=True,
    use_container_width=True,
)
st.caption(
    "003's three cases: MNEs as a cluster's founding fathers (Kaluga pharmaceutical "
    "cluster), an MNE as one of the anchor members (INNOKAM, Tatarstan) and the cluster as "
    "an MNE environment per se (Moscow International Medical Cluster). The last slide names "
    "no MNE (“Global clinics => MNEs”), so the records have no link for it."
)

# 6. MNEs that left --------------------------------------------------------------------------------
st.header("MNEs that left")
left = mne.departed(links)
if left.empty:
    st.info("No MNE in the records left its cluster's region.")
else:
    st.dataframe(profiles.mne_link_table(left, clusters), hide_index=True,
                 use_container_width=True,
                 column_config={"Profile": st.column_config.LinkColumn(
                     "Profile", display_text=r"/cluster\?id=(.*)")})  # fmt: skip
    st.caption(
        "003 asks about the impact of an MNE quitting the region: Ford for INNOKAM; "
        "for the Kaluga cluster the opposite (“the cluster cannot embrace all new MNEs”); "
        "for the Moscow medical cluster none."
    )

# All links --------------------------------------------------------------------------------------
st.header("All MNE links")
st.dataframe(
    profiles.mne_link_table(links, clusters),
    hide_index=True,
    use_container_width=True,
    column_config={
        "Profile": st.column_config.LinkColumn("Profile", display_text=r"/cluster\?id=(.*)")
    },
)
