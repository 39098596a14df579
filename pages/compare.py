"""Compare page: two to four regions or clusters side by side (indicators, indices, ranks,
scenario). The choice is in the URL: ``/compare?kind=clusters&unit=PIC-10&unit=PIC-20``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo import profiles
from pages.common import dataset

KINDS = {"regions": "Regions", "clusters": "Clusters"}
KIND_KEY = "compare_kind"
UNIT_KEYS = {kind: f"compare_units_{kind}" for kind in KINDS}
URL_KEY = "compare_url"
URL_KEYS = ("kind", "unit")


def url_params() -> dict[str, list[str]]:
    """This page's parameters in the current URL."""
    return {k: list(v) for k in URL_KEYS if (v := st.query_params.get_all(k))}


def index_values(data, kind: str, units: list[str]) -> pd.DataFrame:
    """Recomputed and published index of each unit, long format (for the chart)."""
    rows = []
    for unit in units:
        if kind == "clusters":
            p = profiles.cluster_profile(data, unit)
            pairs = (("recomputed", p.cluster_index), ("published", p.index_published))
        else:
            r = profiles.region_profile(data, unit)
            pairs = (("recomputed", r.fea_index), ("published", r.fea_published))
        for source, value in pairs:
            rows.append({"unit": unit, "index": source, "value": value})
    return pd.DataFrame(rows, columns=["unit", "index", "value"])


data = dataset()
options = {
    "clusters": {
        r["id"]: f"{r['id']} · {profiles.cluster_display_name(r)}"
        for r in data.clusters.to_dict("records")
    },
    "regions": {
        r["code"]: f"{r['name_en']} ({r['code']})"
        for r in data.regions.sort_values("name_en").to_dict("records")
    },
}

current = url_params()
fresh = KIND_KEY not in st.session_state or any(k not in st.session_state for k in UNIT_KEYS.values())
if fresh or st.session_state.get(URL_KEY) != current:
    kind = (current.get("kind") or ["regions"])[-1]
    problems = []
    if kind not in KINDS:
        problems.append(f"kind '{kind}'")
        kind = "regions"
    known, units = options[kind], []
    for unit in current.get("unit", []):
        code = profiles.find_region_code(data.regions, unit) if kind == "regions" else unit
        if code in known and code not in units:
            units.append(code)
        elif code not in known:
            problems.append(f"'{unit}'")
    if len(units) > profiles.MAX_COMPARED:
        problems.append(f"more than {profiles.MAX_COMPARED} units (kept the first four)")
        units = units[: profiles.MAX_COMPARED]
    st.session_state[KIND_KEY] = kind
    for k, key in UNIT_KEYS.items():
        st.session_state[key] = units if k == kind else st.session_state.get(key, [])
    if problems:
        st.warning("Ignored in the URL: " + "; ".join(problems))

st.title("Compare")
st.radio("Compare", list(KINDS), format_func=KINDS.get, key=KIND_KEY, horizontal=True)
kind = st.session_state[KIND_KEY]
st.multiselect(
    f"{KINDS[kind]} (two to four)",
    list(options[kind]),
    format_func=options[kind].get,
    key=UNIT_KEYS[kind],
    max_selections=profiles.MAX_COMPARED,
    placeholder="Choose…",
)
units = list(st.session_state[UNIT_KEYS[kind]])

new_params: dict[str, list[str]] = {"kind": [kind]}
if units:
    new_params["unit"] = units
if new_params != current:
    st.query_params.from_dict(new_params)
st.session_state[URL_KEY] = new_params

if len(units) < profiles.MIN_COMPARED:
    st.info(f"Choose at least {profiles.MIN_COMPARED} {kind} to compare.")
    st.stop()

table = (
    profiles.compare_clusters(data, units)
    if kind == "clusters"
    else profiles.compare_regions(data, units)
)
st.dataframe(table, use_container_width=True)
st.caption(
    "Clusters are ranked within their industry group, regions among the 19 regions of the "
    "regional table (002 Table 6); “not reported” = the sources do not give the value."
)

values = index_values(data, kind, units)
title = "Cluster internationalisation index" if kind == "clusters" else "Regional FEA index"
chart = (
    alt.Chart(values.dropna(subset=["value"]))
    .mark_bar()
    .encode(
        x=alt.X("value:Q", title=title),
        y=alt.Y("unit:N", title=None, sort=units),
        yOffset=alt.YOffset("index:N"),
        color=alt.Color("index:N", title="Index", legend=alt.Legend(orient="bottom")),
        tooltip=["unit", "index", alt.Tooltip("value:Q", format=".2f")],
    )
    .properties(height=alt.Step(18))
)
st.altair_chart(chart, use_container_width=True)
shown = values.pivot(index="unit", columns="index", values="value").reindex(units)
st.dataframe(shown.round(2), use_container_width=True)

page = "pages/cluster.py" if kind == "clusters" else "pages/region.py"
key = "id" if kind == "clusters" else "code"
cols = st.columns(len(units))
for col, unit in zip(cols, units, strict=True):
    with col:
        st.page_link(page, label=f"Profile of {unit}", query_params={key: unit})
