"""One input of the cluster card's form, shared by the editors' form (``app_pages/edit.py``)
and the submitters' (``ui.submission_widgets``), so both offer each field the same way:
a choice for a vocabulary column (:data:`geo.registry.forms.VOCABULARY_OF`), a text area
for a long field (:data:`geo.registry.forms.LONG_FIELDS`), a text box otherwise, with the
field's hint (:data:`geo.registry.forms.FIELD_HINTS`) or the missing-value hint."""

from __future__ import annotations

import streamlit as st

from geo.base import i18n
from geo.registry import forms
from geo.registry.store import Store
from ui.lang import current_lang, page_text, translator, vocabulary_labels


def card_field(
    column: str, label: str, current: str, store: Store, key: str, max_chars: int | None = None
) -> str:
    """The input of ``column`` (label an English msgid) starting at ``current``; the value
    entered. ``max_chars`` bounds a typed value (a submission's cells are bounded)."""
    lang, label = current_lang(), translator()(label)
    options = forms.choices(column, current, store.refs)
    if options is not None:
        terms, missing = vocabulary_labels(), i18n.not_reported(lang)
        vocabulary = forms.VOCABULARY_OF[column]
        return st.selectbox(
            label,
            options,
            index=options.index(current),
            format_func=lambda v: terms.term(vocabulary, v, lang) if v else missing,
            key=key,
        )
    hint = translator()(forms.FIELD_HINTS[column]) if column in forms.FIELD_HINTS else None
    if column in forms.LONG_FIELDS:
        return st.text_area(label, value=current, key=key, help=hint, max_chars=max_chars)
    return st.text_input(
        label,
        value=current,
        key=key,
        max_chars=max_chars,
        help=hint or page_text(forms.EDIT_TEXT, "missing_hint"),
    )
