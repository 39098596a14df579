"""Compare page: two to four regions or clusters side by side (indicators, indices, ranks,
scenario). The choice is in the URL: ``/compare?kind=clusters&unit=PIC-10&unit=PIC-20``;
what is compared comes from ``geo.analysis.compare``.
"""

from __future__ import annotations

from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from geo.analysis import compare, profiles
from geo.base import i18n
from geo.render import urlstate
from ui import navigation
from ui.dataset import dataset, dataset_key
from ui.lang import current_lang, page_text, vocabulary_labels
from ui.url import set_url

KIND_KEY = "compare_kind"
UNIT_KEYS = {kind: f"compare_units_{kind}" for kind in compare.KINDS}
URL_KEY = "compare_url"

t = partial(page_text, compare.TEXT)  # the page's text in the interface language


@st.cache_data(show_spinner=False)
def comparison(
    key: tuple, kind: str, units: tuple[str, ...], lang: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`geo.analysis.compare.comparison` for the dataset ``key`` (``dataset_key()``)."""
    return compare.comparison(dataset(), kind, units, lang, vocabulary_labels())


@st.cache_data(show_spinner=False)
def default_units(key: tuple, kind: str) -> list[str]:
    """:func:`geo.analysis.compare.default_units` for the dataset ``key``."""
    return compare.default_units(dataset(), kind)


lang = current_lang()
data = dataset()
options = compare.unit_options(data, lang)

current = urlstate.read(st.query_params, compare.URL_KEYS)
fresh = any(k not in st.session_state for k in (KIND_KEY, *UNIT_KEYS.values()))
if fresh or st.session_state.get(URL_KEY) != current:
    kind, units, problems = compare.choice(
        urlstate.last(current, "kind"), current.get("unit", []), data.regions, options, lang
    )
    defaulted = not current.get("unit")  # a URL without units opens on the best, not empty
    st.session_state[KIND_KEY] = kind
    for k, key in UNIT_KEYS.items():
        if k == kind:
            st.session_state[key] = default_units(dataset_key(), k) if defaulted else units
        elif fresh or key not in st.session_state:
            st.session_state[key] = default_units(dataset_key(), k)
    if problems:
        st.warning(t("ignored", items=profiles.md_literal("; ".join(problems))))

st.title(t("title"))
kinds = {k: compare.kind_label(k, lang) for k in compare.KINDS}
st.radio(t("kind"), list(kinds), format_func=kinds.get, key=KIND_KEY, horizontal=True)
kind = st.session_state[KIND_KEY]
st.multiselect(
    t("units", kind=kinds[kind]),
    list(options[kind]),
    format_func=options[kind].get,
    key=UNIT_KEYS[kind],
    max_selections=profiles.MAX_COMPARED,
    placeholder=t("choose"),
)
units = list(st.session_state[UNIT_KEYS[kind]])

new_params = {"kind": [kind], **({"unit": units} if units else {})}
if new_params != current:
    set_url(new_params)
st.session_state[URL_KEY] = new_params

if len(units) < profiles.MIN_COMPARED:
    st.info(t(f"too_few_{kind}", n=profiles.MIN_COMPARED))
    st.stop()

table, values = comparison(dataset_key(), kind, tuple(units), lang)
# Each unit's column at least "medium" (200 px): sized from a sample of its cells, a column
# could cut "1 of 19 (regions of 002 Table 6)"; four of them scroll inside the table.
wide = {unit: st.column_config.Column(width="medium") for unit in table.columns}
st.dataframe(table, width="stretch", height="content", column_config=wide)
st.caption(t("note"))
if units == default_units(dataset_key(), kind):
    st.caption(t(f"default_{kind}", n=len(units)))

series = {"recomputed": t("recomputed"), "published": t("published")}
chart = (
    alt.Chart(values.dropna(subset=["value"]).assign(series=lambda f: f["index"].map(series)))
    .mark_bar()
    .encode(
        x=alt.X("value:Q", title=t(f"index_{kind}")),
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
st.dataframe(
    compare.index_table(values, units, lang),
    width="stretch",
    column_config={s: st.column_config.Column(label) for s, label in series.items()},
)

page, key = (
    (navigation.file("cluster"), "id")
    if kind == "clusters"
    else (navigation.file("region"), "code")
)
for col, unit in zip(st.columns(len(units)), units, strict=True):
    with col:
        st.page_link(
            page, label=t("profile", unit=profiles.md_literal(unit)), query_params={key: unit}
        )
