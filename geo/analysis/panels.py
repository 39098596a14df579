"""What the map page shows beside the map, as plain data: the region panel (names, facts,
the chosen measure's value and rank, every measure's value and rank, the clusters declared
in the region), the count of clusters shown, the region a click on the map opens, and the
"how to read this map" notes.

The page (``app_pages/map.py``) only draws these; every text is in the interface language.
:data:`TEXT` holds the page's words (English msgids, translated with :func:`text`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.analysis import filters, measures, profiles, ranks
from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.i18n import N_
from geo.base.missing import is_missing
from geo.base.tables import row_dicts

TEXT: dict[str, str] = {
    "title": N_("Cluster Map of Russia"),
    "filters": N_("Filters"),
    "reset": N_("Reset filters"),
    "map": N_("Map"),
    "tiles": N_("Basemap tiles (needs network)"),
    "tiles_help": N_(
        "Web Mercator with OpenStreetMap tiles. Off: Albers conic projection, fully offline."
    ),
    "measure": N_("Region measure"),
    "scheme": N_("Classification"),
    "classes": N_("Classes"),
    "ignored": N_("Ignored in the URL: {items}"),
    "panel": N_("Region panel"),
    "shown": N_("**{count}** shown{note}"),
    "unlocated": N_(" ({n} without a location, not drawn)"),
    "mercator": N_("Web Mercator, OpenStreetMap tiles."),
    "albers": N_("Albers equal-area conic projection."),
    "caption": N_(
        "{count} shown{note}. Click a region for its panel, a marker for the cluster's "
        "facts; overlapping markers are grouped: click a group to zoom in or to spread it. "
    ),
    "close": N_("Close"),
    "disputed": N_(" · disputed territory"),
    "facts": N_("{type} · {district} federal district · {code}"),
    "no_data": N_("no data"),
    "rank": N_("rank {rank} of {of} regions with data"),
    "export_region": N_("Export this region (map and data)"),
    "export_view": N_("Export this view (map and data)"),
    "col_measure": N_("Measure"),
    "col_value": N_("Value"),
    "col_rank": N_("Rank"),
    "col_source": N_("Source"),
    "no_clusters": N_("No cluster of the registry is declared in this region."),
    "clusters_in": N_("**Clusters in the region ({n})**"),
    "col_profile": N_("Profile"),
    "col_cluster": N_("Cluster"),
    "col_city": N_("City"),
    "col_status": N_("Status"),
    "col_scenario": N_("Scenario"),
    "col_mne": N_("MNE links"),
    "col_index": N_("Index"),
    "col_on_map": N_("On the map"),
    "on_map_help": N_("Passes the current filters"),
    "not_assessed": N_("not assessed"),
    "how_to": N_("How to read this map"),
    "how_to_body": N_(
        "- **Regions** are coloured by the measure chosen above, in classes of the chosen "
        "scheme (mapclassify); hatched grey means *no data*, which is never the lowest "
        "class. Indicators of the regional table exist for 19 regions only.\n"
        "- **Markers** are clusters: the fill is the scenario, a thick dark ring means the "
        "cluster has links to multinational enterprises (MNEs). A popup says when a cluster "
        "is drawn at a point of its region because the source does not report its city.\n"
        "- Markers that overlap at the current zoom are **grouped** (with more than "
        "{group_above} clusters, those in each small square of the screen): the pie shows "
        "their scenarios, the dark arc the share with MNE links, the number how many "
        "clusters; click a group to zoom in, or, when its clusters share one point, to "
        "spread them around it.\n"
        "- The view (filters, measure, classes, open region) is in the page URL: copy it "
        "to share exactly this map."
    ),
}
"""Every user-facing text of the map page (English msgids in one place)."""


def text(key: str, lang: str = "en", **values: object) -> str:
    """``TEXT[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(TEXT[key])
    return message.format(**values) if values else message


# --- the count of clusters shown --------------------------------------------------------------


def shown_count(shown: pd.DataFrame, total: int, lang: str = "en") -> tuple[str, str]:
    """``("12 of 30 clusters", " (2 without a location, not drawn)")``: how many clusters the
    filters keep, and a note on those the map cannot draw (empty when every one has a
    location)."""
    unlocated = int((shown["lat"].isna() | shown["lon"].isna()).sum())
    count = filters.count_text(len(shown), total, lang=lang)
    note = text("unlocated", lang, n=i18n.format_int(unlocated, lang)) if unlocated else ""
    return count, note


# --- a click on the map -----------------------------------------------------------------------


def clicked_region(returned: Mapping[str, Any] | None) -> tuple[tuple[Any, Any] | None, Any]:
    """What ``st_folium`` returned for the last click: a key of the clicked feature (to
    tell a new click from the same one seen again) and the region it opens (the clicked
    region, or the clicked cluster's region); ``(None, None)`` without a click."""
    clicked = (returned or {}).get("last_active_drawing") or {}
    props = clicked.get("properties") or {}
    if not props:
        return None, None
    key = (props.get("kind"), props.get("code") or props.get("id"))
    target = props.get("code") if props.get("kind") == "region" else props.get("region")
    return key, target


# --- the region panel -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionPanel:
    """Everything the region panel shows, in the interface language."""

    code: str
    title: str
    """Both names, the interface language's first (the code if it has none)."""
    facts: str
    """Type, federal district, code, and whether the territory is disputed."""
    measure: str
    """The label of the view's measure, its value and description."""
    value: str
    help: str
    rank: str
    """The region's rank for that measure ("Rank 4 of 19 regions with data"), or "No data"."""
    measures: pd.DataFrame
    """Every measure: value, rank, source (headers in the interface language)."""
    clusters: pd.DataFrame
    """The clusters declared in the region, by id (empty when none)."""
    clusters_heading: str


def _rank_line(values: pd.Series, code: str, lang: str) -> str:
    rank = ranks.rank_of(values, code)
    if not rank:
        line = text("no_data", lang)
    else:
        line = text(
            "rank",
            lang,
            rank=i18n.format_int(rank.position, lang),
            of=i18n.format_int(rank.of, lang),
        )
        if rank.tied > 1:
            others = rank.tied - 1
            line += i18n.ngettext(
                ", tied with {n} other", ", tied with {n} others", others, lang
            ).format(n=i18n.format_int(others, lang))
    return line[:1].upper() + line[1:]


def measure_rows(table: pd.DataFrame, code: str, lang: str, vocab=None) -> pd.DataFrame:
    """Every available measure of region ``code``: its value, rank and source."""
    rows = []
    for m in measures.available_measures():
        r = ranks.rank_of(table[m.key], code)
        rows.append(
            {
                text("col_measure", lang): measures.measure_label(m.key, lang, vocab),
                text("col_value", lang): measures.format_value(table[m.key].get(code), m.key, lang),
                text("col_rank", lang): ranks.rank_text(r, lang) if r else "—",
                text("col_source", lang): measures.family_label(m.key, lang),
            }
        )
    return pd.DataFrame(rows)


def cluster_rows(
    clusters: pd.DataFrame,
    code: str,
    shown_ids: Iterable[str],
    lang: str,
    words: profiles.Words,
    name: Callable[[Mapping[str, Any]], str],
) -> pd.DataFrame:
    """The clusters declared in region ``code``, by id: profile link, name (``name`` of a
    record, in ``lang``), city, status, scenario, MNE links, index, and whether the current
    filters keep it on the map."""
    in_region = clusters.loc[clusters["region_code"] == code].sort_values("id")
    return pd.DataFrame(
        {
            text("col_profile", lang): [profiles.cluster_url(i) for i in in_region["id"]],
            text("col_cluster", lang): [name(r) for r in row_dicts(in_region)],
            text("col_city", lang): i18n.texts(in_region["city"], lang),
            text("col_status", lang): words.terms("status", in_region["status"]),
            text("col_scenario", lang): in_region["scenario"].map(words.scenario).astype(object),
            text("col_mne", lang): in_region["mne_count"],
            text("col_index", lang): in_region["cluster_index"].round(2),
            text("col_on_map", lang): in_region["id"].isin(list(shown_ids)),
        }
    )


def region_panel(
    data: Dataset,
    table: pd.DataFrame,
    code: str,
    measure: str,
    shown_ids: Iterable[str],
    lang: str = "en",
    vocab: i18n.VocabularyLabels | None = None,
    cluster_name: Callable[[Mapping[str, Any]], str] | None = None,
) -> RegionPanel:
    """The panel of region ``code`` of ``data`` (its regions and clusters): ``table`` is
    :func:`geo.analysis.measures.measure_table` of it,
    ``measure`` the view's measure, ``shown_ids`` the clusters the filters keep, and
    ``cluster_name`` names a cluster record in ``lang`` (the map passes its popups' naming;
    default :func:`geo.analysis.profiles.cluster_display_name`)."""
    words = profiles.Words(lang, vocab)
    row = data.regions.loc[data.regions["code"] == code].iloc[0]
    first, other = ("name_ru", "name_en") if lang == "ru" else ("name_en", "name_ru")
    names = [str(row[c]) for c in (first, other) if not is_missing(row.get(c))]
    facts = text(
        "facts",
        lang,
        type=words.region_type(row["type"]).capitalize(),
        district=words.district(row["federal_district"]),
        code=code,
    )
    if bool(row.get("disputed")):
        facts += text("disputed", lang)
    name = cluster_name or (lambda r: profiles.cluster_display_name(r, lang))
    listing = cluster_rows(data.clusters, code, shown_ids, lang, words, name)
    return RegionPanel(
        code=code,
        title=" · ".join(dict.fromkeys(names)) or code,
        facts=facts,
        measure=measures.measure_label(measure, lang, vocab),
        value=measures.format_value(table[measure].get(code), measure, lang),
        help=measures.measure_description(measure, lang),
        rank=_rank_line(table[measure], code, lang),
        measures=measure_rows(table, code, lang, vocab),
        clusters=listing,
        clusters_heading=text("clusters_in", lang, n=i18n.format_int(len(listing), lang)),
    )


# --- how to read the map ----------------------------------------------------------------------


def how_to_read(lang: str, group_above: int) -> list[str]:
    """The notes under the map, as Markdown blocks: what regions, markers and groups mean
    (groups above ``group_above`` clusters), and the scenario legend."""
    body = text("how_to_body", lang, group_above=i18n.format_int(group_above, lang))
    legend = (i18n.scenario_label(k, lang).partition(":") for k in i18n.SCENARIO_DESCRIPTIONS)
    return [body, "\n".join(f"- **{name}**:{rest}" for name, _, rest in legend)]
