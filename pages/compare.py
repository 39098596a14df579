"""Compare page: two to four regions or clusters side by side (indicators, indices, ranks,
scenario). The choice is in the URL: ``/compare?kind=clusters&unit=PIC-10&unit=PIC-20``.
"""

from __future__ import annotations

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import profiles
from geo.base import i18n
from geo.base.i18n import N_
from geo.render import urlstate
from ui import navigation
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, translator, vocabulary_labels
from ui.url import set_url

# Every user-facing text of the page (English literals in one place, for translation).
KINDS = {"regions": N_("Regions"), "clusters": N_("Clusters")}
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
KIND_KEY = "compare_kind"
UNIT_KEYS = {kind: f"compare_units_{kind}" for kind in KINDS}
URL_KEY = "compare_url"
URL_KEYS = ("kind", "unit")


t = partial(page_text, TEXT)  # the page's text in the interface language


@st.cache_data(show_spinner=False)
def comparison(
    key: tuple, kind: str, units: tuple[str, ...], lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The side-by-side table (in ``lang``) and the indices of each unit in long format
    (for the chart), for the dataset ``key`` (``dataset_key()``)."""
    data = dataset()
    rows = []
    if kind == "clusters":
        table = profiles.compare_clusters(data, units, lang, vocabulary_labels())
        for unit in units:
            p = profiles.cluster_profile(data, unit)
            pairs = (("recomputed", p.cluster_index), ("published", p.index_published))
            rows += [{"unit": unit, "index": s, "value": v} for s, v in pairs]
    else:
        table = profiles.compare_regions(data, units, lang, vocabulary_labels())
        for unit in units:
            r = profiles.region_profile(data, unit)
            pairs = (("recomputed", r.fea_index), ("published", r.fea_published))
            rows += [{"unit": unit, "index": s, "value": v} for s, v in pairs]
    return table, pd.DataFrame(rows, columns=["unit", "index", "value"])


lang = current_lang()
_ = translator()
data = dataset()
region_names = i18n.localised_names(data.regions.set_index("code"), lang)
options = {
    "clusters": {
        r["id"]: f"{r['id']} · {profiles.cluster_display_name(r, lang)}"
        for r in data.clusters.to_dict("records")
    },
    "regions": {code: f"{name} ({code})" for code, name in region_names.sort_values().items()},
}

current = urlstate.read(st.query_params, URL_KEYS)
fresh = KIND_KEY not in st.session_state or any(
    k not in st.session_state for k in UNIT_KEYS.values()
)
if fresh or st.session_state.get(URL_KEY) != current:
    kind = urlstate.last(current, "kind")
    kind = "regions" if kind is None else kind
    problems = []
    if kind not in KINDS:
        problems.append(t("bad_kind", kind=kind))
        kind = "regions"
    known, units = options[kind], []
    for unit in current.get("unit", []):
        code = profiles.find_region_code(data.regions, unit) if kind == "regions" else unit
        if code in known and code not in units:
            units.append(code)
        elif code not in known:
            problems.append(t("bad_unit", unit=unit))
    if len(units) > profiles.MAX_COMPARED:
        problems.append(t("too_many", n=profiles.MAX_COMPARED))
        units = units[: profiles.MAX_COMPARED]
    st.session_state[KIND_KEY] = kind
    for k, key in UNIT_KEYS.items():
        st.session_state[key] = units if k == kind else st.session_state.get(key, [])
    if problems:
        st.warning(t("ignored", items=profiles.md_literal("; ".join(problems))))

st.title(t("title"))
st.radio(t("kind"), list(KINDS), format_func=lambda k: _(KINDS[k]), key=KIND_KEY, horizontal=True)
kind = st.session_state[KIND_KEY]
st.multiselect(
    t("units", kind=_(KINDS[kind])),
    list(options[kind]),
    format_func=options[kind].get,
    key=UNIT_KEYS[kind],
    max_selections=profiles.MAX_COMPARED,
    placeholder=t("choose"),
)
units = list(st.session_state[UNIT_KEYS[kind]])

new_params: dict[str, list[str]] = {"kind": [kind]}
if units:
    new_params["unit"] = units
if new_params != current:
    set_url(new_params)
st.session_state[URL_KEY] = new_params

if len(units) < profiles.MIN_COMPARED:
    st.info(t(f"too_few_{kind}", n=profiles.MIN_COMPARED))
    st.stop()

table, values = comparison(dataset_key(), kind, tuple(units), lang)
st.dataframe(table, width="stretch", height="content")
st.caption(t("note"))

title = t("index_clusters") if kind == "clusters" else t("index_regions")
series = {"recomputed": t("recomputed"), "published": t("published")}
plotted = values.dropna(subset=["value"]).assign(series=lambda f: f["index"].map(series))
chart = (
    alt.Chart(plotted)
    .mark_bar()
    .encode(
        x=alt.X("value:Q", title=title),
        y=alt.Y("unit:N", title=None, sort=units),
        yOffset=alt.YOffset("series:N", sort=list(series.values())),
        color=alt.Color(
            "series:N",
            title=t("index"),
            sort=list(series.values()),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("unit:N", title=t("unit")),
            alt.Tooltip("series:N", title=t("index")),
            alt.Tooltip("value:Q", title=t("value"), format=".2f"),
        ],
    )
    .properties(height=alt.Step(18))
    .configure(locale=i18n.vega_locale(lang))
)
st.altair_chart(chart, width="stretch")
shown = values.pivot(index="unit", columns="index", values="value").reindex(units)
shown["recomputed"] = shown["recomputed"].map(
    lambda v: profiles.number(v, 2, profiles.NOT_ASSESSED, lang)
)
shown["published"] = shown["published"].map(lambda v: profiles.number(v, lang=lang))  # as printed
st.dataframe(
    shown[["recomputed", "published"]],
    width="stretch",
    column_config={
        "recomputed": st.column_config.Column(t("recomputed")),
        "published": st.column_config.Column(t("published")),
    },
)

page = navigation.file("cluster") if kind == "clusters" else navigation.file("region")
key = "id" if kind == "clusters" else "code"
cols = st.columns(len(units))
for col, unit in zip(cols, units, strict=True):
    with col:
        st.page_link(
            page,
            label=t("profile", unit=profiles.md_literal(unit)),
            query_params={key: unit},
        )
