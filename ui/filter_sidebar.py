"""The cluster filters in the sidebar, the same on the map and the registry.

One multiselect per facet of :data:`geo.analysis.filters.FACETS` (each option with its count of
clusters, shown in the interface language while the filter keeps the English value) and
the MNE-presence choice. Each page keeps its own widget keys (``prefix``), so the two
pages' widgets never collide; the filter itself travels between them in the URL and in
session state (:func:`shared_filter`, :func:`share`: navigation clears the URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from geo.analysis import filters, profiles
from geo.base import i18n
from geo.base.i18n import N_
from ui.dataset import dataset
from ui.lang import page_text

SHARED_KEY = "cluster_filter"  # session key of the filter last set on the map or the registry
MAP_URL_KEY = "map_url"  # session key of the map's last URL parameters (the registry reads it)

TEXT: dict[str, str] = {
    "all": N_("All"),
    "mne": N_("MNE presence"),
    "specialisation_help": N_(
        "A cluster that lists several specialisations is counted under each of them, so "
        "these counts can add up to more than the number of clusters; choosing one finds "
        "every cluster that lists it."
    ),
}
"""The sidebar's own words (the facet labels are :func:`geo.analysis.filters.facet_label`)."""

FACET_HELP: dict[str, str] = {"specialisation": "specialisation_help"}
"""Facet → the key of :data:`TEXT` explaining its options (a multi-valued facet's counts)."""

VOCABULARY_FACETS = ("industry_group", "org_level", "status")
"""Facets whose values have labels in ``vocabularies.csv``."""


def option_text(
    field: str,
    value: str,
    lang: str,
    words: profiles.Words,
    region_names: Mapping[str, str],
) -> str:
    """A facet's option in the interface language (the filter keeps the English value)."""
    if value == filters.NOT_REPORTED:
        return filters.not_reported_label(lang)
    if field == "region":
        return region_names.get(value, value)
    if field in VOCABULARY_FACETS:
        return words.term(field, value)
    if field == "scenario":
        return words.scenario(value)
    if field == "federal_district":
        return words.district(value)
    return value


@st.cache_data(show_spinner=False)
def filter_options(key: tuple) -> dict[str, dict[str, int]]:
    """Selectable values of every facet with their cluster counts, for the dataset ``key``
    (:func:`ui.dataset.dataset_key`, so the caches of two datasets never mix)."""
    data = dataset()
    return filters.filter_options(data.clusters, data.regions)


def shared_filter() -> filters.ClusterFilter:
    """The filter last set on the map or the registry (none yet: no filter)."""
    shared = st.session_state.get(SHARED_KEY)
    return shared if isinstance(shared, filters.ClusterFilter) else filters.ClusterFilter()


def share(flt: filters.ClusterFilter) -> None:
    """Keep ``flt`` as the filter last set, so the other page shows the same clusters."""
    if st.session_state.get(SHARED_KEY) != flt:
        st.session_state[SHARED_KEY] = flt


@dataclass(frozen=True)
class FilterWidgets:
    """The filter widgets of one page, whose session-state keys start with ``prefix``."""

    prefix: str

    @property
    def facet_keys(self) -> dict[str, str]:
        """Widget key of each facet, by its field."""
        return {facet.field: f"{self.prefix}{facet.field}" for facet in filters.FACETS}

    @property
    def mne_key(self) -> str:
        return f"{self.prefix}mne"

    @property
    def keys(self) -> tuple[str, ...]:
        """Every widget key (a page checks them to tell a first run from a rerun)."""
        return (*self.facet_keys.values(), self.mne_key)

    def push(self, flt: filters.ClusterFilter) -> None:
        """Show ``flt`` in the widgets (before they are drawn in this run)."""
        for field, key in self.facet_keys.items():
            st.session_state[key] = list(flt.selected(field))
        st.session_state[self.mne_key] = flt.mne

    def reset(self) -> None:
        """Button callback: every facet back to "all", MNE presence to "any"."""
        self.push(filters.ClusterFilter())

    def current(self) -> filters.ClusterFilter:
        """The filter the widgets hold now."""
        return filters.ClusterFilter(
            **{field: tuple(st.session_state[key]) for field, key in self.facet_keys.items()},
            mne=st.session_state[self.mne_key],
        )

    def render(
        self,
        container,
        options: Mapping[str, Mapping[str, int]],
        lang: str,
        words: profiles.Words,
        region_names: Mapping[str, str],
    ) -> None:
        """Draw the facets (options with their counts) and the MNE choice in ``container``."""
        for facet in filters.FACETS:
            counts = options[facet.field]

            def label(value: str, c: Mapping[str, int] = counts, field: str = facet.field) -> str:
                text = option_text(field, value, lang, words, region_names)
                return f"{text} ({i18n.format_int(c.get(value, 0), lang)})"

            container.multiselect(
                filters.facet_label(facet.field, lang),
                list(counts),
                format_func=label,
                key=self.facet_keys[facet.field],
                placeholder=page_text(TEXT, "all"),
                help=page_text(TEXT, FACET_HELP[facet.field])
                if facet.field in FACET_HELP
                else None,
            )
        container.radio(
            page_text(TEXT, "mne"),
            filters.MNE_CHOICES,
            format_func=lambda v: filters.mne_label(v, lang),
            key=self.mne_key,
            horizontal=True,
        )
