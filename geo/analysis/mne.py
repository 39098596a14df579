"""The MNE analysis of the presentation 003 ("MNEs and a cluster: a 'chicken or egg'
discussion"), recomputed from the records.

003 asks whether cluster and regional conditions attract multinational enterprises (MNEs)
or MNEs seed clusters, and answers with counts over the 118 initiatives of the Cluster
Map of Russia: the share of clusters with MNEs as members or partners by cluster status,
MNEs by headquarters country and industry, MNEs by the innovation and investment
standing of the host region, three types of MNE–cluster interplay, and the effect of
MNEs leaving. Only the aggregate counts are in 003's text; the MNE lists behind its
charts are not. The records (``mne_links.csv``) hold the MNEs 003 *names*: eight links
to two clusters. So everything here is recomputed from those records and shown beside
the published aggregates, never blended with them, and a value the records do not have
(every MNE's headquarters country and industry) is counted as "not reported", never
filled in.

Pure functions over the dataset's frames (``clusters``, ``mne_links``, ``indicators``,
``regions``) and the published aggregates; no Streamlit.

Counting rules (the page states them):

* an **MNE** is a distinct ``mne_name``; a **link** is a row of ``mne_links.csv``;
* a cluster **has MNEs** when at least one of its links has ``presence`` "present" (any
  relation: co-founder, anchor member, member, partner, project partner — all are ways
  of being a member or partner, 003's criterion); an MNE that left does not count;
* a cluster's **status** is its ``status``; a missing status is "not reported", which is
  not the status "none" (003's "clusters without any status").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.analysis import indices
from geo.analysis.ranks import Rank, all_ranks, rank_short
from geo.base import i18n
from geo.base.i18n import N_

NOT_REPORTED = i18n.NOT_REPORTED
PRESENT = "present"
LEFT = "left"

# The fixed texts below are English msgids: the tables keep them as values (stable keys for
# code and tests) and :func:`localise` translates them for display.
PUBLISHED = N_("published (003)")
RECOMPUTED = N_("recomputed from the records")

STANDING_THRESHOLD = 1.0
"""A region index at or above this is "high" (the scenario threshold, docs/INDICES.md)."""

STANDING_HIGH = N_("high FEA index (≥ 1.0)")
STANDING_LOW = N_("lower FEA index (< 1.0)")
STANDING_NONE = N_("not reported (region not in 002 Table 6)")
STANDINGS: tuple[str, ...] = (STANDING_HIGH, STANDING_LOW, STANDING_NONE)


def _label(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return NOT_REPORTED
    text = str(value).strip()
    return text or NOT_REPORTED


def _labels(series: pd.Series) -> pd.Series:
    return series.astype(object).map(_label)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


# --- clusters with MNEs by status -------------------------------------------------------------


def clusters_with_mnes(links: pd.DataFrame, include_left: bool = False) -> set[str]:
    """Ids of the clusters with at least one MNE link (present ones only, by default)."""
    kept = links if include_left else links.loc[links["presence"] == PRESENT]
    return set(kept["cluster_id"].dropna().astype(str))


def share_by_status(
    clusters: pd.DataFrame, links: pd.DataFrame, statuses: Sequence[str] = ()
) -> pd.DataFrame:
    """Clusters, clusters with MNEs and their share, per cluster status.

    ``statuses`` (e.g. the status vocabulary) are listed first and kept even with no
    cluster (share ``NaN``: nothing to divide); statuses found only in the data follow,
    "not reported" last. Columns: ``status``, ``clusters``, ``with_mnes``, ``share``.
    """
    having = clusters_with_mnes(links)
    status = _labels(clusters["status"])
    has = clusters["id"].astype(str).isin(having)
    found = list(dict.fromkeys(status))
    order = list(statuses) + sorted(s for s in found if s not in statuses and s != NOT_REPORTED)
    if NOT_REPORTED in found and NOT_REPORTED not in order:
        order.append(NOT_REPORTED)
    rows = []
    for s in order:
        in_status = status == s
        n, k = int(in_status.sum()), int((in_status & has).sum())
        rows.append({"status": s, "clusters": n, "with_mnes": k, "share": _share(k, n)})
    return pd.DataFrame(rows, columns=["status", "clusters", "with_mnes", "share"])


@dataclass(frozen=True)
class PublishedGroup:
    """A group of clusters 003 reports a count for, and the records' status it is set beside."""

    label: str
    with_metric: str
    total_metric: str
    status: str
    correspondence: str


PUBLISHED_GROUPS: tuple[PublishedGroup, ...] = (
    PublishedGroup(
        N_("innovation clusters"),
        "innovation_clusters_with_mnes",
        "innovation_clusters_total",
        "pilot innovative",
        N_(
            "003's 25 innovation clusters are set beside the records' 25 clusters with the "
            "status 'pilot innovative' (project judgement: 003 does not list them)."
        ),
    ),
    PublishedGroup(
        N_("clusters without any status"),
        "clusters_without_status_with_mnes",
        "clusters_without_status_total",
        "none",
        N_(
            "003's clusters without any status are the status 'none'; no record has it (the "
            "status of the clusters only 003 names is not reported, which is not 'none')."
        ),
    ),
)
"""The two shares 003 prints (slide "Distribution of MNEs among clusters")."""

BASIS: dict[str, str] = {
    "published": N_("published_aggregates.csv: {with_metric} of {total_metric}"),
    "missing": N_("{with_metric} / {total_metric} not in published_aggregates.csv"),
    "recomputed": N_("clusters.csv status '{status}'; mne_links.csv present links."),
}
"""Where the numbers of a row of :func:`published_vs_recomputed` come from."""


def basis_text(group: PublishedGroup, source: str, published_ok: bool, lang: str = "en") -> str:
    """The ``basis`` of a row of :func:`published_vs_recomputed` in ``lang``."""
    _ = i18n.translator(lang)
    if source == RECOMPUTED:
        key = "recomputed"
        return _(BASIS[key]).format(status=group.status) + " " + _(group.correspondence)
    key = "published" if published_ok else "missing"
    return _(BASIS[key]).format(with_metric=group.with_metric, total_metric=group.total_metric)


def published_vs_recomputed(
    clusters: pd.DataFrame, links: pd.DataFrame, aggregates: pd.DataFrame
) -> pd.DataFrame:
    """003's published shares beside the same shares recomputed from the records.

    One row per (group, source): ``group``, ``status`` (the records' status compared),
    ``source`` (:data:`PUBLISHED` or :data:`RECOMPUTED`), ``with_mnes``, ``clusters``,
    ``share`` and ``basis`` (where the numbers come from). A published metric missing
    from ``aggregates`` gives ``NaN`` and says so in ``basis``.
    """
    published = aggregates.set_index("metric")["value"]
    by_status = share_by_status(clusters, links, [g.status for g in PUBLISHED_GROUPS])
    recomputed = by_status.set_index("status").to_dict("index")
    rows = []
    for g in PUBLISHED_GROUPS:
        pair = _published_pair(published.get(g.with_metric), published.get(g.total_metric))
        rows.append(
            {
                "group": g.label,
                "status": g.status,
                "source": PUBLISHED,
                "with_mnes": pair[0] if pair else np.nan,
                "clusters": pair[1] if pair else np.nan,
                "share": _share(*pair) if pair else np.nan,
                "basis": basis_text(g, PUBLISHED, pair is not None),
            }
        )
        rec = recomputed[g.status]
        rows.append(
            {
                "group": g.label,
                "status": g.status,
                "source": RECOMPUTED,
                "with_mnes": int(rec["with_mnes"]),
                "clusters": int(rec["clusters"]),
                "share": float(rec["share"]),
                "basis": basis_text(g, RECOMPUTED, True),
            }
        )
    return pd.DataFrame(rows)


def _published_pair(with_mnes: Any, clusters: Any) -> tuple[int, int] | None:
    """The two published counts of a share, or None when either is missing."""
    if with_mnes is None or clusters is None or pd.isna(with_mnes) or pd.isna(clusters):
        return None
    return int(with_mnes), int(clusters)


# --- MNEs by a property -----------------------------------------------------------------------


def mnes_by(links: pd.DataFrame, column: str) -> pd.DataFrame:
    """Distinct MNEs and links per value of ``column`` (missing = "not reported").

    An MNE with links of different values counts once under each. Columns: ``value``,
    ``mnes``, ``links``; most MNEs first, "not reported" last.
    """
    values = _labels(links[column])
    frame = pd.DataFrame({"value": values.to_numpy(), "mne": links["mne_name"].to_numpy()})
    grouped = frame.groupby("value", sort=False)
    out = pd.DataFrame({"mnes": grouped["mne"].nunique(), "links": grouped.size()}).reset_index()
    out["_nr"] = out["value"] == NOT_REPORTED
    out = out.sort_values(["_nr", "mnes", "value"], ascending=[True, False, True])
    return out.drop(columns="_nr").reset_index(drop=True)


# --- host regions -----------------------------------------------------------------------------


def standing(index: float | None, threshold: float = STANDING_THRESHOLD) -> str:
    """The host region's foreign-economic-activity standing from its recomputed index."""
    if index is None or pd.isna(index):
        return STANDING_NONE
    return STANDING_HIGH if index >= threshold else STANDING_LOW


def host_regions(
    clusters: pd.DataFrame,
    links: pd.DataFrame,
    regions: pd.DataFrame,
    region_index: pd.Series,
    published_index: pd.Series,
) -> pd.DataFrame:
    """One row per host region of the MNE links (the declared region of the cluster).

    Columns: ``region_code`` ("not reported" for a cluster without a region), ``region``,
    ``mnes`` (distinct), ``links``, ``present`` (distinct MNEs still present),
    ``fea_index`` (recomputed), ``fea_rank`` ("k of n"), ``fea_published``, ``standing``,
    and 003's two criteria, ``innovation_rank`` and ``investment_rank``, which the records
    do not have ("not reported"). ``region_index`` and ``published_index`` are keyed by
    region code (the 19 regions of 002 Table 6).
    """
    region_of = clusters.set_index("id")["region_code"]
    codes = _labels(links["cluster_id"].map(region_of))
    frame = pd.DataFrame(
        {
            "region_code": codes.to_numpy(),
            "mne": links["mne_name"].to_numpy(),
            "present": (links["presence"] == PRESENT).to_numpy(),
        }
    )
    names = regions.set_index("code")["name_en"]
    fea_ranks = all_ranks(region_index)
    rows = []
    for code, part in frame.groupby("region_code", sort=True):
        idx = region_index.get(code)
        fea_rank = fea_ranks.get(str(code))
        rows.append(
            {
                "region_code": code,
                "region": _label(names.get(code)),
                "mnes": int(part["mne"].nunique()),
                "links": len(part),
                "present": int(part.loc[part["present"], "mne"].nunique()),
                "fea_index": float(idx) if idx is not None and not pd.isna(idx) else np.nan,
                "fea_rank": rank_short(fea_rank) if fea_rank else NOT_REPORTED,
                "fea_published": published_index.get(code, np.nan),
                "standing": standing(idx),
                "innovation_rank": NOT_REPORTED,
                "investment_rank": NOT_REPORTED,
            }
        )
    columns = [
        "region_code", "region", "mnes", "links", "present", "fea_index", "fea_rank",
        "fea_published", "standing", "innovation_rank", "investment_rank",
    ]  # fmt: skip
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["mnes", "region_code"], ascending=[False, True]).reset_index(drop=True)


def mnes_by_standing(
    clusters: pd.DataFrame, links: pd.DataFrame, region_index: pd.Series
) -> pd.DataFrame:
    """Distinct MNEs and host regions per standing of the host region (all three standings,
    zeros included). Columns: ``standing``, ``mnes``, ``regions``."""
    region_of = clusters.set_index("id")["region_code"]
    codes = links["cluster_id"].map(region_of)
    stand = codes.map(lambda c: standing(None if pd.isna(c) else region_index.get(c)))
    frame = pd.DataFrame({"standing": stand.to_numpy(), "mne": links["mne_name"].to_numpy(),
                          "region": _labels(codes).to_numpy()})  # fmt: skip
    rows = []
    for s in STANDINGS:
        part = frame.loc[frame["standing"] == s]
        rows.append(
            {"standing": s, "mnes": int(part["mne"].nunique()), "regions": part["region"].nunique()}
        )
    return pd.DataFrame(rows, columns=["standing", "mnes", "regions"])


# --- interplay types and departures -----------------------------------------------------------


def interplay_types(links: pd.DataFrame, types: Sequence[str]) -> pd.DataFrame:
    """MNEs, links and clusters per MNE–cluster interplay type.

    Every type of ``types`` (the vocabulary) is listed, with zeros when the records name
    no MNE for it (003's "cluster as an MNE environment per se" case names none); links
    without a type follow as "not reported". Columns: ``interplay_type``, ``mnes``,
    ``links``, ``clusters`` (count), ``cluster_ids`` (comma-separated).
    """
    values = _labels(links["interplay_type"])
    order = list(types) + sorted(v for v in set(values) if v not in types and v != NOT_REPORTED)
    if NOT_REPORTED in set(values):
        order.append(NOT_REPORTED)
    rows = []
    for t in order:
        part = links.loc[(values == t).to_numpy()]
        ids = sorted(part["cluster_id"].astype(str).unique())
        rows.append(
            {
                "interplay_type": t,
                "mnes": int(part["mne_name"].nunique()),
                "links": len(part),
                "clusters": len(ids),
                "cluster_ids": ", ".join(ids),
            }
        )
    return pd.DataFrame(
        rows, columns=["interplay_type", "mnes", "links", "clusters", "cluster_ids"]
    )


def departed(links: pd.DataFrame) -> pd.DataFrame:
    """The links whose MNE left (``presence`` "left"), as recorded."""
    return links.loc[links["presence"] == LEFT].reset_index(drop=True)


@dataclass(frozen=True)
class Summary:
    """Headline counts of the records."""

    mnes: int
    links: int
    clusters_with_links: int
    clusters_with_present_mnes: int
    left: int
    hq_country_reported: int
    industry_reported: int


def summary(links: pd.DataFrame) -> Summary:
    """How many MNEs, links and clusters the records hold, and how many MNEs have a
    reported headquarters country and industry."""
    return Summary(
        mnes=int(links["mne_name"].nunique()),
        links=len(links),
        clusters_with_links=int(links["cluster_id"].nunique()),
        clusters_with_present_mnes=len(clusters_with_mnes(links)),
        left=int(departed(links)["mne_name"].nunique()),
        hq_country_reported=int(links.loc[links["hq_country"].notna(), "mne_name"].nunique()),
        industry_reported=int(links.loc[links["industry"].notna(), "mne_name"].nunique()),
    )


# --- everything the MNE page shows, in one pass -----------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """The whole analysis of one dataset: what the MNE page shows, computed once so the
    page can cache it per dataset (a synthetic registry has thousands of links)."""

    summary: Summary
    published_vs_recomputed: pd.DataFrame
    by_status: pd.DataFrame
    by_hq_country: pd.DataFrame
    by_industry: pd.DataFrame
    by_standing: pd.DataFrame
    host_regions: pd.DataFrame
    interplay: pd.DataFrame
    departed: pd.DataFrame


def analyse(
    clusters: pd.DataFrame,
    links: pd.DataFrame,
    regions: pd.DataFrame,
    indicators: pd.DataFrame,
    aggregates: pd.DataFrame,
    statuses: Sequence[str],
    interplay_vocabulary: Sequence[str],
) -> Analysis:
    """Every table of the analysis for ``clusters`` and their ``links``.

    The host regions' standing uses the recomputed regional index of ``indicators`` (one
    row per region of the regional table, keyed by ``region_code``) and its published
    value beside it; ``statuses`` and ``interplay_vocabulary`` are the vocabularies, so
    categories without any record are listed with zeros.
    """
    fea = indices.region_index(indicators).index
    published_fea = indicators.set_index("region_code")["fea_index_published"]
    return Analysis(
        summary=summary(links),
        published_vs_recomputed=published_vs_recomputed(clusters, links, aggregates),
        by_status=share_by_status(clusters, links, statuses),
        by_hq_country=mnes_by(links, "hq_country"),
        by_industry=mnes_by(links, "industry"),
        by_standing=mnes_by_standing(clusters, links, fea),
        host_regions=host_regions(clusters, links, regions, fea, published_fea),
        interplay=interplay_types(links, interplay_vocabulary),
        departed=departed(links),
    )


# --- display in the interface language ---------------------------------------------------------

_RANK = re.compile(r"^(\d+) of (\d+)$")
VOCABULARY_COLUMNS: dict[str, str] = {"status": "status", "interplay_type": "interplay_type"}


def localise(
    frame: pd.DataFrame, lang: str, vocab: i18n.VocabularyLabels | None = None
) -> pd.DataFrame:
    """A table of this module with its cells in ``lang`` for display (a copy; column names
    unchanged): the fixed texts (sources, groups, standings, "not reported") from the
    catalogue, statuses and interplay types from ``vocabularies.csv``, ranks and bases
    rebuilt in ``lang``. Names from the data (MNEs, countries, industries) stay as
    recorded. English returns the table as computed."""
    out = frame.copy()
    if i18n.check_lang(lang) == "en":
        return out
    _ = i18n.translator(lang)
    fixed = {NOT_REPORTED, PUBLISHED, RECOMPUTED, *STANDINGS, *(g.label for g in PUBLISHED_GROUPS)}

    def word(value: object) -> object:
        return _(value) if isinstance(value, str) and value in fixed else value

    for column in out.columns:
        if column in VOCABULARY_COLUMNS and vocab is not None:
            out[column] = out[column].map(
                lambda v, c=column: word(v) if v == NOT_REPORTED else vocab.term(c, v, lang)
            )
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(word)
    if "basis" in frame.columns and {"group", "source"} <= set(frame.columns):
        groups = {g.label: g for g in PUBLISHED_GROUPS}
        out["basis"] = [
            basis_text(groups[g], src, not pd.isna(k), lang) if g in groups else b
            for g, src, k, b in zip(
                frame["group"], frame["source"], frame["with_mnes"], frame["basis"], strict=True
            )
        ]
    if "fea_rank" in frame.columns:
        out["fea_rank"] = frame["fea_rank"].map(lambda v: _rank_text(v, lang))
    return out


def _rank_text(value: object, lang: str) -> object:
    """A ``"k of n"`` rank of :func:`host_regions` in ``lang``; other text as :func:`localise`."""
    match = _RANK.match(str(value))
    if not match:
        return i18n.translator(lang)(NOT_REPORTED) if value == NOT_REPORTED else value
    position, total = (int(g) for g in match.groups())
    return rank_short(Rank(position, total), lang)
