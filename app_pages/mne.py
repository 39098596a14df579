"""MNE page: the analysis of the presentation 003 ("MNEs and a cluster: a 'chicken or egg'
discussion") recomputed from the records, beside what 003 publishes.

Every chart has its numbers as a table under it (from :mod:`geo.analysis.mne_tables`).
Values the records do not have (every MNE's headquarters country and industry) are shown
as "not reported", never filled in. The analysis covers all records: 003's published shares
cover the whole Cluster Map, so the registry and map filters do not apply here.
"""

from __future__ import annotations

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import mne, mne_tables, profiles
from geo.base import i18n
from geo.data import records
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, translator, vocabulary_labels

GREY, BLUE, ORANGE = "#9E9E9E", "#0072B2", "#E69F00"
CLUSTER_LINK = r"/cluster\?id=(.*)"
REGION_LINK = r"/region\?code=(.*)"

t = partial(page_text, mne_tables.TEXT)  # the page's text in the interface language


@st.cache_data(show_spinner=False)
def aggregates() -> pd.DataFrame:
    """``published_aggregates.csv``."""
    return records.load_aggregates()


@st.cache_data(show_spinner=False)
def analysis(key: tuple) -> mne.Analysis:
    """The whole analysis of the chosen dataset (``key`` is ``dataset_key()``)."""
    return mne_tables.analyse(dataset(), aggregates(), records.load_vocabularies())


@st.cache_data(show_spinner=False)
def link_table(key: tuple, departed_only: bool, lang: str) -> pd.DataFrame:
    """The MNE links (or those whose MNE left) as a display table in ``lang``, per dataset."""
    data = dataset()
    links = mne.departed(data.mne_links) if departed_only else data.mne_links
    return profiles.mne_link_table(links, data.clusters, lang, vocabulary_labels())


def field(spec: str) -> alt.Tooltip:
    """A chart tooltip (``"name:Q"``) with a translated title."""
    return alt.Tooltip(spec, title=mne_tables.field_title(spec.partition(":")[0], lang))


def breakdown(b: mne_tables.Breakdown) -> None:
    """Horizontal bars of MNEs by ``b.category`` in the frame's order (``b.grey`` in grey),
    then the numbers as a table."""
    tip = alt.Tooltip(f"{b.category}:N", title=b.axis) if b.axis else field(f"{b.category}:N")
    chart = (
        alt.Chart(b.chart)
        .mark_bar()
        .encode(
            x=alt.X("mnes:Q", title=t("mnes_axis"), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{b.category}:N", sort=None, title=None, axis=alt.Axis(labelLimit=0)),
            color=alt.condition(alt.datum[b.category] == b.grey, alt.value(GREY), alt.value(BLUE)),
            tooltip=[tip, field("mnes:Q"), *([field("regions:Q")] if "regions" in b.chart else [])],
        )
        .properties(height=alt.Step(28))
        .configure(locale=i18n.vega_locale(lang))
    )
    st.header(b.heading)
    st.altair_chart(chart, width="stretch")
    st.dataframe(b.table, hide_index=True, width="stretch")


def links(frame: pd.DataFrame) -> None:
    """An MNE link table with translated headers; the Profile column opens the cluster."""
    config = {c: st.column_config.Column(profiles.column_label(c, lang)) for c in frame.columns}
    config["Profile"] = st.column_config.LinkColumn(
        profiles.column_label("Profile", lang), display_text=CLUSTER_LINK
    )
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)


lang = current_lang()
_ = translator()
vocab = vocabulary_labels()
result = analysis(dataset_key())
initiatives = aggregates().set_index("metric")["value"].get("cluster_initiatives")

st.title(t("title"))
st.markdown(t("intro", initiatives=profiles.whole(initiatives, lang=lang)))
with st.container(horizontal=True, gap="medium"):  # each metric as wide as its text, wrapping
    for label, value in mne_tables.metrics(result.summary, lang).items():
        st.metric(label, value, width="content")
with st.expander(t("rules")):
    st.markdown(t("rules_text"))

st.header(t("status"))  # 1. Share of clusters with MNEs by status
sources = [_(mne.PUBLISHED), _(mne.RECOMPUTED)]
chart = (
    alt.Chart(mne_tables.comparison_chart(result, lang, vocab))
    .mark_bar()
    .encode(
        x=alt.X("share_pct:Q", title=t("share_axis"), scale=alt.Scale(domain=[0, 100])),
        # One band per group, the two sources side by side in it (as on Compare): unlike a
        # row facet of fixed width it takes the container's width, so a phone does not
        # scroll sideways. Long group names are cut at 160 px (whole in the tooltip and the
        # table below).
        y=alt.Y("group:N", title=None, axis=alt.Axis(labelLimit=160)),
        yOffset=alt.YOffset("source:N", sort=sources),
        color=alt.Color(
            "source:N",
            scale=alt.Scale(domain=sources, range=[ORANGE, BLUE]),
            legend=alt.Legend(title=None, orient="bottom", labelLimit=0, direction="vertical"),
        ),
        tooltip=[
            field(f) for f in ("group:N", "source:N", "with_mnes:Q", "clusters:Q", "share_pct:Q")
        ],
    )
    .properties(height=alt.Step(14))
    .configure(locale=i18n.vega_locale(lang))
)
st.altair_chart(chart, width="stretch")
st.dataframe(mne_tables.comparison_table(result, lang, vocab), hide_index=True, width="stretch")
st.markdown(mne_tables.why_text(result, lang))
st.markdown(t("all_statuses"))
st.dataframe(mne_tables.status_table(result, lang, vocab), hide_index=True, width="stretch")

for b in mne_tables.breakdowns(result, lang, vocab):  # 2 and 3. By country and by industry
    breakdown(b)
    if b.note:
        st.caption(b.note)

breakdown(standing := mne_tables.standing(result, lang, vocab))  # 4. Host region standing
hosts = mne_tables.hosts_table(result, dataset().regions, lang, vocab)
links_to = {
    profiles.column_label("Profile", lang): st.column_config.LinkColumn(display_text=REGION_LINK)
}
st.dataframe(hosts, hide_index=True, width="stretch", column_config=links_to)
st.caption(standing.note)

breakdown(interplay := mne_tables.interplay(result, lang, vocab))  # 5. Interplay types
st.caption(interplay.note)

st.header(t("left"))  # 6. MNEs that left
if result.departed.empty:
    st.info(t("none_left"))
else:
    links(link_table(dataset_key(), True, lang))
    st.caption(t("left_note"))

st.header(t("all_links"))
links(link_table(dataset_key(), False, lang))
