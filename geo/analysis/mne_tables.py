"""The MNE page's tables as plain data: every result of :func:`geo.analysis.mne.analyse` as
the page shows it, its cells and headers in the interface language (shares as percent text,
"not reported" where a value is missing), and the texts around them.

The page (``app_pages/mne.py``) draws the charts and these tables. :data:`TEXT` holds its words
and the ``*_COLUMNS`` dictionaries the headers (English msgids, translated here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo.analysis import mne, profiles
from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.i18n import N_

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
"""Every user-facing text of the MNE page (English msgids in one place)."""
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
}
"""Tooltip titles of the charts' fields."""
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


def text(key: str, lang: str = "en", **values: object) -> str:
    """``TEXT[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(TEXT[key])
    return message.format(**values) if values else message


def labelled(columns: Mapping[str, str], lang: str = "en") -> dict[str, str]:
    """A column renaming (result column → English msgid) in ``lang``."""
    _ = i18n.translator(lang)
    return {column: _(label) for column, label in columns.items()}


def field_title(name: str, lang: str = "en") -> str:
    """A chart field's tooltip title in ``lang`` (the field's name if it has none)."""
    return i18n.translator(lang)(CHART_FIELDS.get(name, name))


def analyse(data: Dataset, aggregates: pd.DataFrame, vocabularies: pd.DataFrame) -> mne.Analysis:
    """:func:`geo.analysis.mne.analyse` of a dataset, with 003's published ``aggregates``
    and the statuses and interplay types of ``vocabularies`` (``vocabularies.csv``)."""

    def vocabulary(name: str) -> list[str]:
        return vocabularies.loc[vocabularies["vocabulary"] == name, "value"].tolist()

    return mne.analyse(
        data.clusters,
        data.mne_links,
        data.regions,
        data.indicators,
        aggregates,
        vocabulary("status"),
        vocabulary("interplay_type"),
    )


def metrics(summary: mne.Summary, lang: str = "en") -> dict[str, str]:
    """The four numbers at the top of the page, by their label."""
    numbers = (summary.mnes, summary.links, summary.clusters_with_present_mnes, summary.left)
    keys = ("m_mnes", "m_links", "m_clusters", "m_left")
    return {text(k, lang): i18n.format_int(n, lang) for k, n in zip(keys, numbers, strict=True)}


def percent(share: pd.Series) -> pd.Series:
    """Shares as percentages with one decimal (missing stays missing), for the charts."""
    return (share.astype(float) * 100).round(1)


def percent_text(share: pd.Series, missing: str, lang: str = "en") -> pd.Series:
    """Shares as percentage text with one decimal (in ``lang``'s number format), ``missing``
    where there is no share (tables show text, so a gap never reads as "None" or 0)."""
    return percent(share).map(lambda v: missing if pd.isna(v) else i18n.format_number(v, lang, 1))


# --- 1. the share of clusters with MNEs by status ---------------------------------------------


def comparison_chart(result: mne.Analysis, lang: str, vocab=None) -> pd.DataFrame:
    """The published and recomputed shares as percentages (rows with a share), cells in
    ``lang``: the chart's data."""
    comparison = result.published_vs_recomputed.copy()
    comparison["share_pct"] = percent(comparison["share"])
    return mne.localise(comparison.dropna(subset=["share_pct"]), lang, vocab)


def comparison_table(result: mne.Analysis, lang: str, vocab=None) -> pd.DataFrame:
    """The published and recomputed shares as a table in ``lang``. A published share is
    missing when 003's numbers are ("not reported"); a recomputed one when no record has
    the status (nothing to divide)."""
    comparison = result.published_vs_recomputed
    no_cluster, not_reported = text("no_cluster", lang), i18n.not_reported(lang)
    shares = [
        percent_text(
            pd.Series([share]), no_cluster if source == mne.RECOMPUTED else not_reported, lang
        ).iloc[0]
        for share, source in zip(comparison["share"], comparison["source"], strict=True)
    ]
    table = comparison.assign(share_pct=shares).drop(columns="share")
    return mne.localise(table, lang, vocab).rename(columns=labelled(COMPARISON_COLUMNS, lang))


def _group_row(table: pd.DataFrame, group: str, source: str) -> pd.Series:
    """The row of :func:`geo.analysis.mne.published_vs_recomputed` for ``group`` and
    ``source`` (each pair has one)."""
    return table.loc[(table["group"] == group) & (table["source"] == source)].iloc[0]


def why_text(result: mne.Analysis, lang: str) -> str:
    """Why the published and recomputed shares of innovation clusters differ."""
    rec = result.published_vs_recomputed
    innov_pub = _group_row(rec, "innovation clusters", mne.PUBLISHED)
    innov_rec = _group_row(rec, "innovation clusters", mne.RECOMPUTED)
    none_rec = _group_row(rec, "clusters without any status", mne.RECOMPUTED)
    why = text(
        "why",
        lang,
        pub_with=profiles.whole(innov_pub["with_mnes"], lang=lang),
        pub_all=profiles.whole(innov_pub["clusters"], lang=lang),
        named=i18n.format_int(result.summary.clusters_with_links, lang),
        rec_with=profiles.whole(innov_rec["with_mnes"], lang=lang),
        rec_all=profiles.whole(innov_rec["clusters"], lang=lang),
    )
    return why + (text("why_none", lang) if none_rec["clusters"] == 0 else "")


def status_table(result: mne.Analysis, lang: str, vocab=None) -> pd.DataFrame:
    """Every status of the records: clusters, those with MNEs, and the share, in ``lang``."""
    by_status = result.by_status.copy()
    by_status["share_pct"] = percent_text(by_status["share"], text("no_cluster", lang), lang)
    shown = mne.localise(by_status.drop(columns="share"), lang, vocab)
    return shown.rename(columns=labelled(STATUS_COLUMNS, lang))


# --- 2 to 5. MNEs by headquarters country, industry, host region standing, interplay type -----


@dataclass(frozen=True)
class Breakdown:
    """MNEs counted by one property, in the interface language: ``chart`` (the property in
    column ``category``, then ``mnes`` and the other counts), ``table`` (the same with
    translated headers), the category drawn in grey (``grey``: not reported), the title of
    the categories (``axis``, empty: the field's own) and a note (empty: none)."""

    heading: str
    category: str
    axis: str
    chart: pd.DataFrame
    table: pd.DataFrame
    grey: str
    note: str


def breakdowns(result: mne.Analysis, lang: str, vocab=None) -> list[Breakdown]:
    """The MNEs by headquarters country and by industry."""
    summary, out = result.summary, []
    for frame, key, reported in (
        (result.by_hq_country, "hq_country", summary.hq_country_reported),
        (result.by_industry, "industry", summary.industry_reported),
    ):
        chart = mne.localise(frame, lang, vocab)
        axis = text(f"{key}_axis", lang)
        table = chart.rename(columns={"value": axis, **labelled(PROPERTY_COLUMNS, lang)})
        note = ""
        if reported < summary.mnes:
            missing = i18n.format_int(summary.mnes - reported, lang)
            note = text(
                "unreported", lang, missing=missing, total=i18n.format_int(summary.mnes, lang)
            )
        grey = i18n.not_reported(lang)
        out.append(Breakdown(text(key, lang), "value", axis, chart, table, grey, note))
    return out


def standing(result: mne.Analysis, lang: str, vocab=None) -> Breakdown:
    """The MNEs by the standing of their host region (its FEA index)."""
    chart = mne.localise(result.by_standing, lang, vocab)
    table = chart.rename(columns=labelled(STANDING_COLUMNS, lang))
    grey = i18n.translator(lang)(mne.STANDING_NONE)
    return Breakdown(
        text("standing", lang), "standing", "", chart, table, grey, text("standing_note", lang)
    )


def interplay(result: mne.Analysis, lang: str, vocab=None) -> Breakdown:
    """The MNEs by the type of their interplay with the cluster (003's three cases)."""
    chart = mne.localise(result.interplay, lang, vocab)
    table = chart.rename(columns=labelled(INTERPLAY_COLUMNS, lang))
    grey = i18n.not_reported(lang)
    note = text("interplay_note", lang)
    return Breakdown(text("interplay", lang), "interplay_type", "", chart, table, grey, note)


# --- 4. host regions --------------------------------------------------------------------------


def hosts_table(result: mne.Analysis, regions: pd.DataFrame, lang: str, vocab=None) -> pd.DataFrame:
    """The host regions of MNEs with a profile link (column ``Profile``, its header in
    ``lang``), names, counts, FEA index and standing, in ``lang``."""
    codes = result.host_regions["region_code"]
    hosts = mne.localise(result.host_regions, lang, vocab)
    names = i18n.localised_names(regions.set_index("code"), lang)
    hosts["region"] = i18n.texts(codes.map(names), lang)
    hosts.insert(0, "Profile", [profiles.region_url(c) for c in codes])
    for column in ("fea_index", "fea_published"):
        hosts[column] = hosts[column].map(lambda v: profiles.number(v, 2, lang=lang))
    profile = profiles.column_label("Profile", lang)
    return hosts.rename(columns={"Profile": profile, **labelled(HOST_COLUMNS, lang)})
