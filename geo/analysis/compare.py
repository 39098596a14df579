"""The compare page as plain data: which regions or clusters a URL asks to compare (and what
it had to ignore), the choices of the pickers, the side-by-side table and each unit's
recomputed and published index.

The page (``app_pages/compare.py``) reads its URL (``kind``, repeated ``unit``) with
``geo.render.urlstate`` and draws what this module returns. :data:`TEXT` holds its words.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.analysis import profiles
from geo.analysis.dataset import Dataset
from geo.base import i18n
from geo.base.i18n import N_
from geo.base.shown import shown

DEFAULT_COUNT = 3
"""How many units the page compares when its URL names none (see :func:`default_units`)."""
KINDS = {"regions": N_("Regions"), "clusters": N_("Clusters")}
"""What can be compared, the default first."""
URL_KEYS = ("kind", "unit")
TEXT: dict[str, str] = {
    "title": N_("Compare"),
    "kind": N_("Compare"),
    "units": N_("{kind} (two to four)"),
    "choose": N_("Choose…"),
    "ignored": N_("Ignored in the URL: {items}"),
    "bad_kind": N_("kind '{kind}'"),
    "bad_unit": N_("'{unit}'"),
    "too_many": N_("more than {n} units (kept the first {n})"),
    "more": N_("… {n} more …"),
    "too_few_regions": N_("Choose at least {n} regions to compare."),
    "too_few_clusters": N_("Choose at least {n} clusters to compare."),
    "note": N_(
        "Clusters are ranked within their industry group, regions among the 19 regions of "
        "the regional table (002 Table 6); “not reported” = the sources do not give the "
        "value."
    ),
    "index_clusters": N_("Cluster internationalisation index"),
    "index_regions": N_("Regional FEA index"),
    "index": N_("Index"),
    "profile": N_("Profile of {unit}"),
    "unit": N_("Unit"),
    "value": N_("Value"),
    "recomputed": N_("recomputed"),
    "published": N_("published"),
    "default_regions": N_(
        "Opened on the {n} regions with the highest recomputed FEA index; choose others above."
    ),
    "default_clusters": N_(
        "Opened on the {n} clusters with the highest internationalisation index; choose "
        "others above."
    ),
}
"""Every user-facing text of the compare page (English msgids in one place)."""


def text(key: str, lang: str = "en", **values: object) -> str:
    """``TEXT[key]`` in ``lang`` with ``values`` filled in."""
    message = i18n.translator(lang)(TEXT[key])
    return message.format(**values) if values else message


def kind_label(kind: str, lang: str = "en") -> str:
    """ "Regions" or "Clusters" in ``lang``."""
    return i18n.translator(lang)(KINDS[kind])


def unit_options(data: Dataset, lang: str = "en") -> dict[str, dict[str, str]]:
    """The units of each kind with their labels in ``lang``: clusters as "PIC-01 · name" in
    the data's order, regions as "name (code)" by name."""
    names = i18n.localised_names(data.regions.set_index("code"), lang)
    return {
        "clusters": {
            r["id"]: f"{r['id']} · {profiles.cluster_display_name(r, lang)}"
            for r in data.clusters.to_dict("records")
        },
        "regions": {code: f"{name} ({code})" for code, name in names.sort_values().items()},
    }


def choice(
    kind: str | None,
    units: Sequence[str],
    regions: pd.DataFrame,
    options: dict[str, dict[str, str]],
    lang: str = "en",
) -> tuple[str, list[str], list[str]]:
    """The kind and units a URL asks for (``kind`` its last value, None when absent;
    ``units`` its values), and what had to be ignored: an unknown kind (regions instead),
    unknown or repeated units, more units than can be compared. A region may be named by
    any code or name :func:`geo.analysis.profiles.find_region_code` knows."""
    kind = "regions" if kind is None else kind
    problems = []
    if kind not in KINDS:
        problems.append(text("bad_kind", lang, kind=shown(kind)))
        kind = "regions"
    known, chosen, unknown = options[kind], [], []
    for unit in units:
        code = profiles.find_region_code(regions, unit) if kind == "regions" else unit
        if code in known and code not in chosen:
            chosen.append(code)
        elif code not in known:
            unknown.append(text("bad_unit", lang, unit=shown(unit)))
    problems += _at_most(unknown, lang)
    if len(chosen) > profiles.MAX_COMPARED:
        problems.append(text("too_many", lang, n=profiles.MAX_COMPARED))
        chosen = chosen[: profiles.MAX_COMPARED]
    return kind, chosen, problems


MAX_NAMED = 6
"""Unknown units a message names one by one (a URL may repeat ``unit`` hundreds of times)."""


def _at_most(named: list[str], lang: str) -> list[str]:
    """``named`` when short; else its first values, how many more, and its last (the
    message stays short).

    >>> _at_most([str(i) for i in range(10)], "en")
    ['0', '1', '2', '3', '4', '… 4 more …', '9']
    """
    if len(named) <= MAX_NAMED:
        return named
    more = text("more", lang, n=len(named) - MAX_NAMED)
    return [*named[: MAX_NAMED - 1], more, named[-1]]


def comparison(
    data: Dataset, kind: str, units: Sequence[str], lang: str = "en", vocab=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The side-by-side table of ``units`` (in ``lang``) and their recomputed and published
    indices in long format (``unit``, ``index``, ``value``), for the chart."""
    rows = []
    if kind == "clusters":
        table = profiles.compare_clusters(data, units, lang, vocab)
        for unit in units:
            p = profiles.cluster_profile(data, unit)
            pairs = (("recomputed", p.cluster_index), ("published", p.index_published))
            rows += [{"unit": unit, "index": s, "value": v} for s, v in pairs]
    else:
        table = profiles.compare_regions(data, units, lang, vocab)
        for unit in units:
            r = profiles.region_profile(data, unit)
            pairs = (("recomputed", r.fea_index), ("published", r.fea_published))
            rows += [{"unit": unit, "index": s, "value": v} for s, v in pairs]
    return table, pd.DataFrame(rows, columns=["unit", "index", "value"])


def index_table(values: pd.DataFrame, units: Sequence[str], lang: str = "en") -> pd.DataFrame:
    """Each unit's recomputed index (two decimals, "not assessed" when missing) and
    published index (as printed), one row per unit in the chosen order."""
    shown = values.pivot(index="unit", columns="index", values="value").reindex(list(units))
    shown["recomputed"] = shown["recomputed"].map(
        lambda v: profiles.number(v, 2, profiles.NOT_ASSESSED, lang)
    )
    shown["published"] = shown["published"].map(lambda v: profiles.number(v, lang=lang))
    return shown[["recomputed", "published"]]


def default_units(data: Dataset, kind: str, count: int = DEFAULT_COUNT) -> list[str]:
    """What the page compares when its URL names no unit, so it never opens empty: the
    ``count`` units of ``kind`` with the highest recomputed index (regions: the FEA index of
    002 Table 6; clusters: the internationalisation index), highest first, ties by code.
    Units without an index are never picked."""
    if kind == "clusters":
        values = data.clusters.set_index("id")["cluster_index"]
    else:
        values = profiles.region_index_frame(data.indicators)["index"]
    values = pd.to_numeric(values, errors="coerce").dropna()
    order = pd.DataFrame({"value": values.to_numpy(), "unit": values.index.astype(str)})
    order = order.sort_values(["value", "unit"], ascending=[False, True])
    return order["unit"].head(count).tolist()
