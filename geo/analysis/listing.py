"""The registry page as plain data: which clusters a filter and a search keep, in which
order, how many, and the page's own URL parameters (search ``q``, ``sort``, ``desc``; the
page reads them with :mod:`geo.render.urlstate`).

The table itself is :func:`geo.analysis.profiles.registry_table`; the page
(``app_pages/registry.py``) only draws what this module returns. :data:`TEXT` holds the page's
words (English msgids, translated with :func:`text`).
"""

from __future__ import annotations

import pandas as pd

from geo.analysis import filters, profiles
from geo.base import i18n
from geo.base.i18n import N_

SORTS: dict[str, str] = {
    "id": "ID",
    "name": "Name",
    "region": "Region",
    "industry": "Industry group",
    "status": "Status",
    "scenario": "Scenario",
    "mne": "MNE links",
    "index": "Index (recomputed)",
    "published": "Index (published)",
}
"""Sort keys in the URL and the registry column each sorts by."""
DEFAULT_SORT = "id"
PAGE_KEYS: tuple[str, ...] = ("q", "sort", "desc")
"""The page's own URL parameters (the filters have theirs, :data:`filters.QUERY_KEYS`)."""

TEXT: dict[str, str] = {
    "title": N_("Cluster registry"),
    "intro": N_(
        "Every cluster of the records: the 25 pilot innovative clusters of papers 001/002 "
        "and the clusters only the presentation 003 names. Missing values read “not "
        "reported”. Click a column header to sort by it; the Profile column opens the "
        "cluster's page."
    ),
    "ignored": N_("Ignored in the URL (not an option): {items}"),
    "sort": N_("sort"),
    "filters": N_("Filters"),
    "filters_shared": N_("The same filters as the map: a filter set here holds there, and back."),
    "reset": N_("Reset filters and search"),
    "search": N_("Search"),
    "search_hint": N_("Name (English or Russian), city, region, specialisation…"),
    "sort_by": N_("Sort by"),
    "descending": N_("Descending"),
    "shown": N_("**{count}** shown"),
    "shown_search": N_("**{count}** shown (search)"),
    "shown_filters": N_("**{count}** shown (filters)"),
    "shown_both": N_("**{count}** shown (filters and search)"),
    "m_shown": N_("Clusters shown"),
    "m_mne": N_("With MNE links"),
    "m_index": N_("With an index"),
    "m_regions": N_("Regions"),
    "no_match": N_("No cluster matches. Widen the filters or change the search."),
    "open_profile": N_("Open the cluster profile"),
    "no_index": N_("An index cell without a number: the cluster has no indicators (not assessed)."),
    "download": N_("Download these rows (CSV)"),
    "to_map": N_("Show these filters on the map"),
}
"""Every user-facing text of the registry page (English msgids in one place)."""


def text(key: str, lang: str = "en", **values: object) -> str:
    """``TEXT[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(TEXT[key])
    return message.format(**values) if values else message


def sort_key(sort: str | None, lang: str = "en") -> tuple[str, list[str]]:
    """The sort key the URL's ``sort`` names (none: by ID), and what had to be ignored: an
    unknown key falls back to the ID, named as ``sort: 'value'`` in ``lang``."""
    if sort is None:
        return DEFAULT_SORT, []
    if sort not in SORTS:
        return DEFAULT_SORT, [filters.unknown_value(text("sort", lang), sort, lang)]
    return sort, []


def search_params(query: str, sort: str, desc: bool) -> dict[str, list[str]]:
    """The page's own URL parameters for a search, sort and direction (defaults left out)."""
    params: dict[str, list[str]] = {}
    if query.strip():
        params["q"] = [query]
    if sort != DEFAULT_SORT:
        params["sort"] = [sort]
    if desc:
        params["desc"] = ["1"]
    return params


def shown_rows(
    table: pd.DataFrame,
    clusters: pd.DataFrame,
    regions: pd.DataFrame,
    flt: filters.ClusterFilter,
    query: str,
    sort: str,
    desc: bool,
) -> pd.DataFrame:
    """The rows of ``table`` (the registry table of ``clusters``, row for row) that pass the
    filter and the search, sorted by ``sort`` (missing values last, then by ID)."""
    mask = filters.filter_mask(clusters, regions, flt) & profiles.search_mask(
        clusters, regions, query
    )
    return table.loc[mask.to_numpy()].sort_values(
        [SORTS[sort], "ID"], ascending=[not desc, True], na_position="last", kind="stable"
    )


def shown_line(shown: int, total: int, searched: bool, filtered: bool, lang: str = "en") -> str:
    """ "**12 of 30 clusters** shown (filters)": the noun agrees with the total (Russian has
    three plural forms), the note says what narrowed the list."""
    basis = "shown_both" if searched and filtered else (
        "shown_search" if searched else ("shown_filters" if filtered else "shown")
    )  # fmt: skip
    count = i18n.ngettext(
        "{shown} of {total} cluster", "{shown} of {total} clusters", total, lang
    ).format(shown=i18n.format_int(shown, lang), total=i18n.format_int(total, lang))
    return text(basis, lang, count=count)


def metrics(rows: pd.DataFrame, clusters: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """The four numbers above the table, by their label: clusters shown, with MNE links,
    with an index, and regions they are declared in."""
    declared = clusters.loc[rows.index, "region_code"].dropna()
    return {
        text("m_shown", lang): i18n.format_int(len(rows), lang),
        text("m_mne", lang): i18n.format_int(int((rows["MNE links"] > 0).sum()), lang),
        text("m_index", lang): i18n.format_int(int(rows["Index (recomputed)"].notna().sum()), lang),
        text("m_regions", lang): i18n.format_int(declared.nunique(), lang),
    }
