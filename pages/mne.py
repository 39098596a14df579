"""MNE page: the analysis of the presentation 003 ("MNEs and a cluster: a 'chicken or egg'
discussion") recomputed from the records, beside what 003 publishes.

Every chart has its numbers as a table under it. Values the records do not have (every
MNE's headquarters country and industry) are shown as "not reported", never filled in.
The analysis covers all records: 003's published shares cover the whole Cluster Map, so
the registry and map filters do not apply here.
"""

from __future__ import annotations

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import mne, profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.data import records
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, translator, vocabulary_labels

GREY = "#9E9E9E"
BLUE = "#0072B2"
ORANGE = "#E69F00"

# Every user-facing text of the page (English literals in one place, for translation).
TEXT: dict[str, str] = {
    "title": N_("MNEs in Russian clusters"),
    "intro": N_(
        "The presentation 003 asks whether cluster and regional conditions attract "
        "multinational enterprises (MNEs), or MNEs seed clusters. Below, its analysis is "
        "**recomputed from the records** and set beside what 003 **publishes**. The "
        "records hold only the MNEs 003 names on its case slides; 003's own counts cover "
        "the {initiatives} initiatives of the Cluster Map of Russia, whose MNE lists are "
        "not in its text."
    ),
    "m_mnes": N_("MNEs named"),
    "m_links": N_("MNE links"),
    "m_clusters": N_("Clusters with MNEs present"),
    "m_left": N_("MNEs that left"),
    "rules": N_("Counting rules"),
    "rules_text": N_(
        "- An **MNE** is a distinct name in `mne_links.csv`; a **link** is one of its rows.\n"
        "- A cluster **has MNEs** when at least one linked MNE is *present* (co-founder, "
        "anchor member, member, partner or project partner: 003's “partners or members”); "
        "an MNE that left does not count.\n"
        "- A missing status is *not reported*, which is not the status *none* (003's "
        "“clusters without any status”)."
    ),
    "status": N_("Share of clusters with MNEs, by cluster status"),
    "share_axis": N_("Clusters with MNEs, %"),
    "why": N_(
        "**Why the two differ.** 003 counts MNEs among members and partners of every "
        "cluster on the Cluster Map: {pub_with} of {pub_all} innovation clusters. The "
        "records name MNEs for only {named} clusters, so the recomputed share is {rec_with} "
        "of {rec_all}: a lower bound from the named cases, not an estimate."
    ),
    "why_none": N_(
        " No record has the status *none*, so 003's clusters without any status have no "
        "recomputed counterpart; a status that is not reported is not *none*."
    ),
    "all_statuses": N_("**All statuses in the records**"),
    "no_cluster": N_("no cluster with this status"),
    "hq_country": N_("MNEs by headquarters country"),
    "hq_country_axis": N_("Headquarters country"),
    "industry": N_("MNEs by industry"),
    "industry_axis": N_("Industry"),
    "mnes_axis": N_("MNEs"),
    "unreported": N_(
        "{missing} of {total} MNEs: not reported. 003 shows this breakdown only as a chart "
        "whose values are not in its text; nothing is filled in from general knowledge."
    ),
    "standing": N_("MNEs by the standing of the host region"),
    "standing_note": N_(
        "003 ranks host regions by the HSE Russian Regional Innovation Development Ranking "
        "and the National Rating of the Investment Climate (top 15, 2015 data); the records "
        "have neither (not reported). The standing here is the regional "
        "foreign-economic-activity index of papers 001/002 (recomputed, high at 1.0 or "
        "above), which the records have for the regions of 002 Table 6."
    ),
    "interplay": N_("MNE–cluster interplay"),
    "interplay_note": N_(
        "003's three cases: MNEs as a cluster's founding fathers (Kaluga pharmaceutical "
        "cluster), an MNE as one of the anchor members (INNOKAM, Tatarstan) and the cluster "
        "as an MNE environment per se (Moscow International Medical Cluster). The last "
        "slide names no MNE (“Global clinics => MNEs”), so the records have no link for it."
    ),
    "left": N_("MNEs that left"),
    "none_left": N_("No MNE in the records left its cluster's region."),
    "left_note": N_(
        "003 asks about the impact of an MNE quitting the region: Ford for INNOKAM; for the "
        "Kaluga cluster the opposite (“the cluster cannot embrace all new MNEs”); for the "
        "Moscow medical cluster none."
    ),
    "all_links": N_("All MNE links"),
}
COMPARISON_COLUMNS = {
    "group": N_("Group (003)"),
    "status": N_("Status in the records"),
    "source": N_("Source"),
    "with_mnes": N_("Clusters with MNEs"),
    "clusters": N_("Clusters"),
    "share_pct": N_("Share, %"),
    "basis": N_("Basis"),
}
STATUS_COLUMNS = {
    "status": N_("Status"),
    "clusters": N_("Clusters"),
    "with_mnes": N_("With MNEs"),
    "share_pct": N_("Share, %"),
}
STANDING_COLUMNS = {"standing": N_("Host region"), "mnes": N_("MNEs"), "regions": N_("Regions")}
PROPERTY_COLUMNS = {"mnes": N_("MNEs"), "links": N_("Links")}
CHART_FIELDS = {
    "group": N_("Group (003)"),
    "source": N_("Source"),
    "with_mnes": N_("Clusters with MNEs"),
    "clusters": N_("Clusters"),
    "share_pct": N_("Share, %"),
    "mnes": N_("MNEs"),
    "links": N_("Links"),
    "regions": N_("Regions"),
    "standing": N_("Host region"),
    "interplay_type": N_("Interplay type"),
}  # tooltip titles of the charts' fields
HOST_COLUMNS = {
    "region_code": N_("Code"),
    "region": N_("Region"),
    "mnes": N_("MNEs"),
    "links": N_("Links"),
    "present": N_("MNEs present"),
    "fea_index": N_("FEA index (recomputed)"),
    "fea_rank": N_("FEA rank"),
    "fea_published": N_("FEA index (published)"),
    "standing": N_("Standing"),
    "innovation_rank": N_("Innovation rank (HSE, 2015)"),
    "investment_rank": N_("Investment climate rating (2015)"),
}
INTERPLAY_COLUMNS = {
    "interplay_type": N_("Interplay type"),
    "mnes": N_("MNEs"),
    "links": N_("Links"),
    "clusters": N_("Clusters"),
    "cluster_ids": N_("Cluster ids"),
}
CLUSTER_LINK = r"/cluster\?id=(.*)"
REGION_LINK = r"/region\?code=(.*)"


@st.cache_data(show_spinner=False)
def vocabulary(name: str) -> list[str]:
    """The values of one vocabulary of ``vocabularies.csv``, in file order."""
    vocab = records.load_vocabularies()
    return vocab.loc[vocab["vocabulary"] == name, "value"].tolist()


@st.cache_data(show_spinner=False)
def aggregates() -> pd.DataFrame:
    """``published_aggregates.csv``."""
    return records.load_aggregates()


@st.cache_data(show_spinner=False)
def analysis(key: tuple) -> mne.Analysis:
    """The whole analysis of the chosen dataset (``key`` is ``dataset_key()``)."""
    data = dataset()
    return mne.analyse(
        data.clusters,
        data.mne_links,
        data.regions,
        data.indicators,
        aggregates(),
        vocabulary("status"),
        vocabulary("interplay_type"),
    )


@st.cache_data(show_spinner=False)
def link_table(key: tuple, departed_only: bool, lang: str) -> pd.DataFrame:
    """The MNE links (or those whose MNE left) as a display table in ``lang``, per dataset."""
    data = dataset()
    links = mne.departed(data.mne_links) if departed_only else data.mne_links
    return profiles.mne_link_table(links, data.clusters, lang, vocabulary_labels())


t = partial(page_text, TEXT)  # the page's text in the interface language


def labelled(columns: dict[str, str]) -> dict[str, str]:
    """A column renaming (result column → English msgid) in the interface language."""
    return {column: _(label) for column, label in columns.items()}


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A result table of ``geo.analysis.mne`` with its cells in the interface language."""
    return mne.localise(frame, lang, vocab)


def field(name: str, kind: str) -> alt.Tooltip:
    """A chart tooltip with a translated title."""
    return alt.Tooltip(f"{name}:{kind}", title=_(CHART_FIELDS.get(name, name)))


def bar_chart(
    frame: pd.DataFrame, category: str, value: str, title: str, category_title: str = ""
) -> alt.Chart:
    """Horizontal bars, "not reported" in grey, categories in the frame's order;
    ``category_title`` titles the categories in the tooltip (default: the field's)."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
            color=alt.condition(
                alt.datum[category] == i18n.not_reported(lang), alt.value(GREY), alt.value(BLUE)
            ),
            tooltip=[
                alt.Tooltip(f"{category}:N", title=category_title)
                if category_title
                else field(category, "N"),
                field(value, "Q"),
            ],
        )
        .properties(height=alt.Step(28))
        .configure(locale=i18n.vega_locale(lang))
    )


def percent(share: pd.Series) -> pd.Series:
    """Shares as percentages with one decimal (missing stays missing), for the charts."""
    return (share.astype(float) * 100).round(1)


def percent_text(share: pd.Series, missing: str) -> pd.Series:
    """Shares as percentage text with one decimal (in the interface language's number
    format), ``missing`` where there is no share (tables show text, so a gap never reads
    as "None" or 0)."""
    return percent(share).map(lambda v: missing if pd.isna(v) else i18n.format_number(v, lang, 1))


lang = current_lang()
_ = translator()
vocab = vocabulary_labels()
result = analysis(dataset_key())
summary = result.summary
published_all = aggregates().set_index("metric")["value"]

st.title(t("title"))
st.markdown(
    t("intro", initiatives=profiles.whole(published_all.get("cluster_initiatives"), lang=lang))
)
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("m_mnes"), i18n.format_int(summary.mnes, lang))
c2.metric(t("m_links"), i18n.format_int(summary.links, lang))
c3.metric(t("m_clusters"), i18n.format_int(summary.clusters_with_present_mnes, lang))
c4.metric(t("m_left"), i18n.format_int(summary.left, lang))
with st.expander(t("rules")):
    st.markdown(t("rules_text"))

# 1. Share of clusters with MNEs by status --------------------------------------------------------
st.header(t("status"))
comparison = result.published_vs_recomputed.copy()
comparison["share_pct"] = percent(comparison["share"])
sources = [_(mne.PUBLISHED), _(mne.RECOMPUTED)]
chart = (
    alt.Chart(shown(comparison.dropna(subset=["share_pct"])))
    .mark_bar()
    .encode(
        x=alt.X("share_pct:Q", title=t("share_axis"), scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("source:N", title=None, sort=sources, axis=alt.Axis(labelLimit=0)),
        row=alt.Row("group:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        color=alt.Color(
            "source:N",
            scale=alt.Scale(domain=sources, range=[ORANGE, BLUE]),
            legend=alt.Legend(title=None, orient="bottom", labelLimit=0),
        ),
        tooltip=[
            field("group", "N"),
            field("source", "N"),
            field("with_mnes", "Q"),
            field("clusters", "Q"),
            field("share_pct", "Q"),
        ],
    )
    .properties(height=alt.Step(26), width=420)
    .configure(locale=i18n.vega_locale(lang))
)
st.altair_chart(chart)
share_text = comparison.assign(
    share_pct=[
        # a published share is missing when 003's numbers are; a recomputed one when no
        # record has the status (nothing to divide)
        percent_text(pd.Series([share]), t("no_cluster") if source == mne.RECOMPUTED
                     else i18n.not_reported(lang)).iloc[0]
        for share, source in zip(comparison["share"], comparison["source"], strict=True)
    ]
)  # fmt: skip
st.dataframe(
    shown(share_text.drop(columns="share")).rename(columns=labelled(COMPARISON_COLUMNS)),
    hide_index=True,
    width="stretch",
)
rec = comparison.set_index(["group", "source"])
innov_pub = rec.loc[("innovation clusters", mne.PUBLISHED)]
innov_rec = rec.loc[("innovation clusters", mne.RECOMPUTED)]
none_rec = rec.loc[("clusters without any status", mne.RECOMPUTED)]
st.markdown(
    t(
        "why",
        pub_with=profiles.whole(innov_pub["with_mnes"], lang=lang),
        pub_all=profiles.whole(innov_pub["clusters"], lang=lang),
        named=i18n.format_int(summary.clusters_with_links, lang),
        rec_with=profiles.whole(innov_rec["with_mnes"], lang=lang),
        rec_all=profiles.whole(innov_rec["clusters"], lang=lang),
    )
    + (t("why_none") if none_rec["clusters"] == 0 else "")
)
st.markdown(t("all_statuses"))
by_status = result.by_status.copy()
by_status["share_pct"] = percent_text(by_status["share"], t("no_cluster"))
st.dataframe(
    shown(by_status.drop(columns="share")).rename(columns=labelled(STATUS_COLUMNS)),
    hide_index=True,
    width="stretch",
)

# 2 and 3. By headquarters country and by industry ------------------------------------------------
for table, heading, axis, reported in (
    (result.by_hq_country, "hq_country", "hq_country_axis", summary.hq_country_reported),
    (result.by_industry, "industry", "industry_axis", summary.industry_reported),
):
    st.header(t(heading))
    table = shown(table)
    st.altair_chart(bar_chart(table, "value", "mnes", t("mnes_axis"), t(axis)), width="stretch")
    st.dataframe(
        table.rename(columns={"value": t(axis), **labelled(PROPERTY_COLUMNS)}),
        hide_index=True,
        width="stretch",
    )
    if reported < summary.mnes:
        st.caption(
            t(
                "unreported",
                missing=i18n.format_int(summary.mnes - reported, lang),
                total=i18n.format_int(summary.mnes, lang),
            )
        )

# 4. Host region standing --------------------------------------------------------------------------
st.header(t("standing"))
standing = shown(result.by_standing)
standing_chart = (
    alt.Chart(standing)
    .mark_bar()
    .encode(
        x=alt.X("mnes:Q", title=t("mnes_axis"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("standing:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
        color=alt.condition(
            alt.datum.standing == _(mne.STANDING_NONE), alt.value(GREY), alt.value(BLUE)
        ),
        tooltip=[field("standing", "N"), field("mnes", "Q"), field("regions", "Q")],
    )
    .properties(height=alt.Step(28))
    .configure(locale=i18n.vega_locale(lang))
)
st.altair_chart(standing_chart, width="stretch")
st.dataframe(standing.rename(columns=labelled(STANDING_COLUMNS)), hide_index=True, width="stretch")
hosts = shown(result.host_regions)
region_names = i18n.localised_names(dataset().regions.set_index("code"), lang)
hosts["region"] = i18n.texts(result.host_regions["region_code"].map(region_names), lang)
hosts.insert(0, "Profile", [profiles.region_url(c) for c in result.host_regions["region_code"]])
hosts["fea_index"] = hosts["fea_index"].map(lambda v: profiles.number(v, 2, lang=lang))
hosts["fea_published"] = hosts["fea_published"].map(lambda v: profiles.number(v, 2, lang=lang))
profile_label = profiles.column_label("Profile", lang)
st.dataframe(
    hosts.rename(columns={"Profile": profile_label, **labelled(HOST_COLUMNS)}),
    hide_index=True,
    width="stretch",
    column_config={profile_label: st.column_config.LinkColumn(display_text=REGION_LINK)},
)
st.caption(t("standing_note"))

# 5. Interplay types -------------------------------------------------------------------------------
st.header(t("interplay"))
interplay = shown(result.interplay)
st.altair_chart(bar_chart(interplay, "interplay_type", "mnes", t("mnes_axis")), width="stretch")
st.dataframe(
    interplay.rename(columns=labelled(INTERPLAY_COLUMNS)), hide_index=True, width="stretch"
)
st.caption(t("interplay_note"))


def link_columns(frame: pd.DataFrame) -> dict[str, st.column_config.Column]:
    """Translated headers of an MNE link table; the Profile column opens the cluster."""
    config = {c: st.column_config.Column(profiles.column_label(c, lang)) for c in frame.columns}
    config["Profile"] = st.column_config.LinkColumn(
        profiles.column_label("Profile", lang), display_text=CLUSTER_LINK
    )
    return config


# 6. MNEs that left --------------------------------------------------------------------------------
st.header(t("left"))
if result.departed.empty:
    st.info(t("none_left"))
else:
    departed = link_table(dataset_key(), True, lang)
    st.dataframe(departed, hide_index=True, width="stretch", column_config=link_columns(departed))
    st.caption(t("left_note"))

# All links --------------------------------------------------------------------------------------
st.header(t("all_links"))
links = link_table(dataset_key(), False, lang)
st.dataframe(links, hide_index=True, width="stretch", column_config=link_columns(links))
