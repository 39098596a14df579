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
        problems.append(text("bad_kind", lang, kind=kind))
        kind = "regions"
    known, chosen = options[kind], []
    for unit in units:
        code = profiles.find_region_code(regions, unit) if kind == "regions" else unit
        if code in known and code not in chosen:
            chosen.append(code)
        elif code not in known:
            problems.append(text("bad_unit", lang, unit=unit))
    if len(chosen) > profiles.MAX_COMPARED:
        problems.append(text("too_many", lang, n=profiles.MAX_COMPARED))
        chosen = chosen[: profiles.MAX_COMPARED]
    return kind, chosen, problems


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
