"""Data page: what loaded, and the clusters as a plain table."""

from __future__ import annotations

import streamlit as st

from geo.dataset import cluster_listing
from pages.common import dataset

data = dataset()

st.title("Cluster Map of Russia: the data")
st.caption(
    "Published records of the HSE Russian Cluster Observatory papers (001, 002) and the "
    "presentation on MNEs in Russian clusters (003), joined to Russia's regions."
)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Regions", len(data.regions))
c2.metric("Clusters", len(data.clusters))
c3.metric("MNE links", len(data.mne_links))
c4.metric("Regions with indicators", len(data.indicators))

st.subheader("Clusters")
st.dataframe(cluster_listing(data.clusters), hide_index=True, use_container_width=True)

mismatches = data.clusters.loc[data.clusters["region_mismatch"]]
if len(mismatches):
    st.subheader("Clusters whose point falls outside their declared region")
    st.dataframe(
        mismatches[["id", "name_en", "city", "region_code", "located_region_code"]],
        hide_index=True,
    )
