"""Data page: what loaded, and the clusters as a plain table (Russian and English)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.dataset import cluster_listing
from geo.base import i18n
from ui.dataset import dataset
from ui.lang import current_lang, translator, vocabulary_labels

data = dataset()
lang = current_lang()
_ = translator()
vocab = vocabulary_labels()

# Display headers of the tables; the frames keep their column names (stable for code).
COLUMN_LABELS: dict[str, str] = {
    "id": i18n.N_("ID"),
    "name": i18n.N_("Name"),
    "city": i18n.N_("City"),
    "region_code": i18n.N_("Region code"),
    "region": i18n.N_("Region"),
    "located_region_code": i18n.N_("Region of the point"),
    "lat": i18n.N_("Latitude"),
    "lon": i18n.N_("Longitude"),
    "industry_group": i18n.N_("Industry group"),
    "status": i18n.N_("Status"),
    "org_level": i18n.N_("Organisation development level"),
    "participants": i18n.N_("Participants"),
    "index_published": i18n.N_("Published index"),
    "mne_count": i18n.N_("MNE links"),
}

VOCABULARY_COLUMNS = ("industry_group", "status", "org_level")


def column_config(columns: pd.Index) -> dict[str, st.column_config.Column]:
    """Translated headers for the columns of a table shown on this page."""
    config: dict[str, st.column_config.Column] = {}
    for column in columns:
        if column in ("lat", "lon", "index_published"):
            config[column] = st.column_config.NumberColumn(_(COLUMN_LABELS[column]))
        elif column in COLUMN_LABELS:
            config[column] = st.column_config.Column(_(COLUMN_LABELS[column]))
    return config


def region_names(codes: pd.Series) -> pd.Series:
    """The region of each code, named in the current language ("not reported" if none)."""
    named = i18n.localised_names(data.regions.set_index("code"), lang)
    return i18n.texts(codes.map(named), lang)


def localised_listing(clusters: pd.DataFrame) -> pd.DataFrame:
    """The cluster listing with names, regions and vocabulary values in the current
    language; a missing value reads "not reported" in that language."""
    table = cluster_listing(clusters)
    table["name"] = i18n.localised_names(clusters, lang)
    table.insert(table.columns.get_loc("region_code") + 1, "region", "")
    table["region"] = region_names(clusters["region_code"])
    for column in VOCABULARY_COLUMNS:
        table[column] = vocab.terms(column, clusters[column], lang)
    table["city"] = i18n.texts(clusters["city"], lang)
    table["region_code"] = i18n.texts(clusters["region_code"], lang)
    return table


st.title(_("Cluster Map of Russia: the data"))
st.caption(
    _(
        "Published records of the HSE Russian Cluster Observatory papers (001, 002) and the "
        "presentation on MNEs in Russian clusters (003), joined to Russia's regions."
    )
)

c1, c2, c3, c4 = st.columns(4)
c1.metric(_("Regions"), i18n.format_int(len(data.regions), lang))
c2.metric(_("Clusters"), i18n.format_int(len(data.clusters), lang))
c3.metric(_("MNE links"), i18n.format_int(len(data.mne_links), lang))
c4.metric(_("Regions with indicators"), i18n.format_int(len(data.indicators), lang))

st.header(_("Clusters"))
listing = localised_listing(data.clusters)
st.dataframe(
    listing,
    hide_index=True,
    width="stretch",
    column_config=column_config(listing.columns),
)

mismatches = data.clusters.loc[data.clusters["region_mismatch"]]
if len(mismatches):
    st.header(_("Clusters whose point falls outside their declared region"))
    table = pd.DataFrame(
        {
            "id": mismatches["id"],
            "name": i18n.localised_names(mismatches, lang),
            "city": i18n.texts(mismatches["city"], lang),
            "region_code": i18n.texts(mismatches["region_code"], lang),
            "located_region_code": i18n.texts(mismatches["located_region_code"], lang),
        }
    )
    st.dataframe(table, hide_index=True, column_config=column_config(table.columns))
