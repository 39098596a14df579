"""The map as a table: the text alternative of an interactive map (WCAG 1.1.1).

One row per region drawn, saying in words what the map says in colour and symbols: the
region's name, the measure's value, its class as the legend words it ("0.48 – 0.78", "no
data"), its rank among the regions with data, and how many of the clusters drawn lie in it.
Best rank first, regions without data last. Built from the same ``MapContent`` as the map
(``geo.render.maps``), so the table and the map cannot disagree.
"""

from __future__ import annotations

import pandas as pd

from geo.analysis.measures import format_value, measure, measure_label
from geo.analysis.ranks import all_ranks, rank_text
from geo.base import i18n
from geo.base.i18n import N_
from geo.render.classify import class_labels
from geo.render.maps import MapContent

TEXT: dict[str, str] = {
    "title": N_("The map as a table"),
    "region": N_("Region"),
    "code": N_("Code"),
    "class": N_("Class on the map"),
    "rank": N_("Rank"),
    "clusters": N_("Clusters on the map"),
    "no_data": N_("no data"),
    "no_rank": N_("no data"),
    "pick": N_("Open a region's panel"),
    "pick_none": N_("Choose a region…"),
    "caption": N_(
        "What the map shows, in words: each region's value of “{measure}”, its class in the "
        "legend, its rank and how many of the clusters on the map lie in it. The registry "
        "lists those clusters (same filters)."
    ),
}
"""Every text of the table view (English msgids)."""


def text(key: str, lang: str = "en", **values: object) -> str:
    """``TEXT[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(TEXT[key])
    return message.format(**values) if values else message


def clusters_by_region(clusters: pd.DataFrame) -> pd.Series:
    """How many clusters each region shows on the map: those with a point, counted in the
    region the point lies in (else their declared region)."""
    located = clusters.loc[clusters["lat"].notna() & clusters["lon"].notna()]
    if "located_region_code" in located:
        where = located["located_region_code"].fillna(located["region_code"])
    else:
        where = located["region_code"]
    return where.value_counts()


def map_table(content: MapContent) -> pd.DataFrame:
    """The table of what the map of ``content`` shows, in ``content.lang`` (column names
    included), one row per region, best rank first, regions without data last by name."""
    lang, c = content.lang, content
    labels = class_labels(c.classification, measure(c.measure).decimals, lang)
    ranks = all_ranks(c.values)
    drawn = clusters_by_region(c.clusters)
    names = i18n.localised_names(c.regions, lang)
    classes = c.classification.classes
    rows = []
    for code, name in zip(c.regions["code"], names, strict=True):
        k = int(classes.get(code, -1))
        rank = ranks.get(str(code))
        value = c.values.get(code)
        rows.append(
            {
                "region": name,
                "code": code,
                "value": format_value(value, c.measure, lang),
                "class": labels[k] if 0 <= k < len(labels) else text("no_data", lang),
                "rank": rank_text(rank, lang, TEXT["no_rank"]),
                "clusters": int(drawn.get(code, 0)),
                "_order": rank.position if rank else len(names) + 1,
            }
        )
    frame = pd.DataFrame(rows).sort_values(["_order", "region"], kind="stable")
    frame = frame.drop(columns="_order").reset_index(drop=True)
    header = {key: text(key, lang) for key in ("region", "code", "class", "rank", "clusters")}
    header["value"] = measure_label(c.measure, lang, c.labels)
    return frame.rename(columns=header)
