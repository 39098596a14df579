"""The cluster and region profile pages as plain data: the picker's choices, the title and
subtitle, the metrics and the captions a profile of :mod:`geo.analysis.profiles` is shown
with, in the interface language.

The pages (``app_pages/cluster.py``, ``app_pages/region.py``) draw them with the profile's blocks
and tables. :data:`CLUSTER_TEXT` and :data:`REGION_TEXT` hold their words (English msgids).
Text from the data that goes into Markdown is escaped here (``profiles.md_literal``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.analysis import profiles, ranks
from geo.analysis.profiles import NOT_ASSESSED, NOT_REPORTED, md_literal
from geo.base import i18n
from geo.base.i18n import N_

CLUSTER_TEXT: dict[str, str] = {
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
"""Every user-facing text of the cluster profile page."""
GROUP_COLUMNS: dict[str, str] = {
    "id": N_("ID"),
    "name": N_("Cluster"),
    "recomputed": N_("Index (recomputed)"),
    "published": N_("Index (published)"),
    "rank": N_("Rank (recomputed)"),
    "rank_pub": N_("Rank (published)"),
}
"""Headers of the comparison group table (the frame keeps English names, as before)."""

REGION_TEXT: dict[str, str] = {
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
"""Every user-facing text of the region profile page."""


def text(texts: Mapping[str, str], key: str, lang: str = "en", **values: object) -> str:
    """``texts[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(texts[key])
    return message.format(**values) if values else message


# --- the cluster profile ----------------------------------------------------------------------


def cluster_choices(clusters: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """The picker's labels ("PIC-01 · name", the name in ``lang``) by cluster id."""
    return {
        r["id"]: f"{r['id']} · {profiles.cluster_display_name(r, lang)}"
        for r in clusters[["id", "name_en", "name_ru"]].to_dict("records")
    }


def cluster_subtitle(p: profiles.ClusterProfile, lang: str = "en") -> str:
    """The line under the title: id, the name in the other language (as the data has it)
    and the region, as Markdown-safe text."""
    other = p.name_ru if lang == "en" else p.block("General data").value("Name (English)")
    return f"{md_literal(p.id)} · {md_literal(other)} · {md_literal(p.region_name)}"


def cluster_metrics(p: profiles.ClusterProfile, lang: str = "en") -> dict[str, str]:
    """The four numbers under the title, by label: index, published index, rank in the
    industry group, MNE links."""
    return {
        text(CLUSTER_TEXT, "m_index", lang): profiles.number(
            p.cluster_index, 2, NOT_ASSESSED, lang
        ),
        text(CLUSTER_TEXT, "m_published", lang): profiles.number(p.index_published, lang=lang),
        text(CLUSTER_TEXT, "m_rank", lang): ranks.rank_short(p.rank, lang, NOT_ASSESSED),
        text(CLUSTER_TEXT, "m_mne", lang): profiles.whole(len(p.mne_links), lang=lang),
    }


def index_metrics(p: profiles.ClusterProfile, lang: str = "en") -> dict[str, str]:
    """The ranks and region index under the indicators, by label."""
    return {
        text(CLUSTER_TEXT, "rank_recomputed", lang): ranks.rank_text(p.rank, lang, NOT_ASSESSED),
        text(CLUSTER_TEXT, "rank_published", lang): ranks.rank_text(
            p.rank_published, lang, NOT_REPORTED
        ),
        text(CLUSTER_TEXT, "region_index", lang): profiles.number(
            p.region_index, 2, NOT_ASSESSED, lang
        ),
    }


def group_table(p: profiles.ClusterProfile) -> pd.DataFrame:
    """The comparison group, its columns renamed to English headers (msgids: the page
    shows them translated)."""
    return p.group_table.rename(columns=GROUP_COLUMNS)


# --- the region profile -----------------------------------------------------------------------


def region_choices(regions: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """The picker's labels ("name (code)") by code, sorted by name in ``lang``."""
    localised = i18n.localised_names(regions.set_index("code"), lang)
    names = {str(code): name for code, name in localised.items()}
    return {c: f"{names.get(c, c)} ({c})" for c in sorted(names, key=lambda c: names[c])}


def region_title(p: profiles.RegionProfile, lang: str = "en") -> str:
    """Both names, as the data has them, the interface language's first (Markdown-safe)."""
    first, second = (p.name_ru, p.name_en) if lang == "ru" else (p.name_en, p.name_ru)
    return md_literal(f"{first} · {second}")


def region_subtitle(p: profiles.RegionProfile, lang: str = "en") -> str:
    """Code, type and federal district (Markdown-safe)."""
    district = md_literal(p.general.value("Federal district"))
    return text(
        REGION_TEXT,
        "subtitle",
        lang,
        code=md_literal(p.code),
        type=md_literal(p.general.value("Type")),
        district=text(REGION_TEXT, "district", lang, district=district),
    )


def region_metrics(p: profiles.RegionProfile, lang: str = "en") -> dict[str, str]:
    """The four numbers under the title, by label: FEA index, published FEA index, rank,
    clusters declared in the region."""
    return {
        text(REGION_TEXT, "m_index", lang): profiles.number(p.fea_index, 2, lang=lang),
        text(REGION_TEXT, "m_published", lang): profiles.number(p.fea_published, 2, lang=lang),
        text(REGION_TEXT, "m_rank", lang): ranks.rank_short(p.rank, lang, NOT_REPORTED),
        text(REGION_TEXT, "m_clusters", lang): profiles.whole(len(p.clusters), lang=lang),
    }


def scenario_caption(p: profiles.RegionProfile, lang: str = "en") -> str:
    """ "Scenarios: Lonely: 2, Potential: 1" for the clusters declared in the region."""
    words = profiles.Words(lang)
    counts = ", ".join(
        text(REGION_TEXT, "scenario_count", lang, scenario=words.scenario(k), count=v)
        for k, v in p.scenario_counts.items()
        if v
    )
    return text(REGION_TEXT, "scenarios", lang, counts=md_literal(counts))
