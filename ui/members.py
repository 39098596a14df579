"""The composition of a cluster's members on its card: a chart of member types and one
of foreign members by headquarters country, with the counts and whether they come from
the listed members or are as reported (:mod:`geo.analysis.members`).

One function, :func:`render_composition`, called by the cluster page. Charts are
Streamlit's own (Vega-Lite, drawn offline); each has its numbers as a table under an
expander, so the chart is not the only way to read them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from geo.analysis import members
from geo.base.i18n import N_, VocabularyLabels, not_reported, translator

#: The widget's words (English msgids).
TEXT: dict[str, str] = {
    "title": N_("Member organisations"),
    "counts": N_("Participants: {participants}; international members: {intl} ({basis}, {year})"),
    "none": N_("No member organisations are listed for this cluster; its counts are as reported."),
    "types": N_("Members by type of organisation"),
    "countries": N_("Foreign members by headquarters country"),
    "no_foreign": N_("No foreign-owned members are listed."),
    "numbers": N_("The numbers of the charts"),
}


def _text(key: str, lang: str) -> str:
    """:data:`TEXT` or :data:`geo.analysis.members.COMPOSITION_TEXT` ``[key]`` in
    ``lang`` (a helper: the extractor must not take a key for a msgid)."""
    words = {**members.COMPOSITION_TEXT, **TEXT}
    return translator(lang)(words[key])


def _number(value: float | None, lang: str) -> str:
    """A count as text; "not reported" when missing."""
    if value is None:
        return not_reported(lang)
    return str(int(value)) if float(value).is_integer() else str(value)


def _chart(frame: pd.DataFrame, title: str, axis: str, lang: str) -> None:
    """A horizontal bar chart of ``frame`` (``label``, ``members``) under ``title``."""
    st.subheader(title)
    shown = frame.rename(columns={"label": _text(axis, lang), "members": _text("members", lang)})
    st.bar_chart(shown, x=shown.columns[0], y=shown.columns[1], horizontal=True, height=220)


def render_composition(data: Any, cluster_id: str, lang: str, labels: VocabularyLabels) -> None:
    """The "Members" section of cluster ``cluster_id``'s card in ``lang``: its counts
    with their basis, the chart of member types and the chart of foreign members by
    country (``data``: the :class:`geo.analysis.dataset.Dataset` shown)."""
    found = members.composition_of(data, cluster_id, lang, labels)
    st.header(_text("title", lang))
    counts = _text("counts", lang).format(
        participants=_number(found.participants, lang),
        intl=_number(found.intl_members, lang),
        basis=found.basis,
        year=found.year,
    )
    st.caption(counts)
    if found.types.empty:
        st.info(_text("none", lang))
        return
    _chart(found.types, _text("types", lang), "type", lang)
    if found.countries.empty:
        st.caption(_text("no_foreign", lang))
    else:
        _chart(found.countries, _text("countries", lang), "country", lang)
    with st.expander(_text("numbers", lang)):
        for frame, axis in ((found.types, "type"), (found.countries, "country")):
            if not frame.empty:
                named = frame.rename(
                    columns={"label": _text(axis, lang), "members": _text("members", lang)}
                )
                st.dataframe(named, hide_index=True, width="stretch")
