"""The interface language (issue 9): the sidebar switch, the URL parameter, the translator.

The language is ``lang=ru`` or ``lang=en`` in the URL. Which one a run uses, first match:

1. a valid ``lang`` in the URL (a link, or an address edited by hand);
2. the session's last choice (page switches and pages that rewrite their URL drop it);
3. the browser's language (``st.context.locale``, ``navigator.language``) if Russian or
   English;
4. Russian.

The entry point calls :func:`language_switch` once per run, before the page, so the switch
is on every page and the URL always carries the language; pages call :func:`translator`
(or :func:`current_lang`) and never read ``lang`` themselves. A page that replaces its URL
does so with :func:`ui.url.set_url`, which merges :func:`lang_query_params` so the link keeps
the language. Caching of catalogues and labels lives here, at the Streamlit boundary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

import streamlit as st

from geo.base import i18n
from geo.base.shown import shown
from geo.data import records
from geo.render import urlstate

QUERY_KEY = "lang"
STATE_KEY = "lang_choice"
WIDGET_KEY = "lang_widget"
PROBLEM_KEY = "lang_url_problem"

SWITCH_LABEL = "Язык / Language"
"""Deliberately bilingual and untranslated: whoever lands in the wrong language finds it."""

ENDONYMS: dict[str, str] = {"ru": "Русский", "en": "English"}
"""Each language in its own name (never translated)."""

IGNORED = i18n.N_("Ignored in the URL: lang={value!r} (expected ru or en).")


def browser_lang() -> str | None:
    """The browser's language if it is Russian or English, else None."""
    return i18n.lang_from_locale(st.context.locale)


def _url_lang() -> str | None:
    """The URL's ``lang`` if valid; an invalid one is remembered for the warning."""
    given = urlstate.last(urlstate.read(st.query_params, (QUERY_KEY,)), QUERY_KEY)
    if given is None:
        return None
    value = given.strip().lower()
    if value in i18n.SUPPORTED:
        return value
    st.session_state[PROBLEM_KEY] = given
    return None


def current_lang() -> str:
    """The language of this run (URL, else session, else browser, else Russian)."""
    lang = _url_lang() or st.session_state.get(STATE_KEY) or browser_lang() or i18n.DEFAULT_LANG
    st.session_state[STATE_KEY] = lang
    return lang


def lang_query_params() -> dict[str, str]:
    """The URL parameter of the current language, to merge into a page's own parameters."""
    return {QUERY_KEY: current_lang()}


def _sync_url(lang: str) -> None:
    """Put ``lang`` in the URL unless it is already there (other parameters untouched)."""
    if urlstate.read(st.query_params, (QUERY_KEY,)).get(QUERY_KEY) != [lang]:
        st.query_params[QUERY_KEY] = lang


def _widget_changed() -> None:
    """Widget callback: the chosen language becomes the session's and the URL's."""
    lang = st.session_state[WIDGET_KEY]
    st.session_state[STATE_KEY] = lang
    _sync_url(lang)


def language_switch() -> str:
    """The sidebar's Русский / English switch; keeps the URL's ``lang`` in step and warns
    once about an invalid ``lang`` in the URL. Returns the language of this run."""
    lang = current_lang()
    problem = st.session_state.pop(PROBLEM_KEY, None)
    if problem is not None:
        st.warning(i18n.translator(lang)(IGNORED).format(value=shown(problem)), icon="⚠️")
    st.session_state[WIDGET_KEY] = lang
    st.sidebar.radio(
        SWITCH_LABEL,
        list(i18n.SUPPORTED),
        format_func=ENDONYMS.get,
        key=WIDGET_KEY,
        horizontal=True,
        on_change=_widget_changed,
    )
    _sync_url(lang)
    return lang


def document_language(lang: str, complete: bool = True) -> None:
    """Tell the browser the page's language: Streamlit always serves ``<html lang="en">``,
    so a screen reader would read the Russian interface with English pronunciation (WCAG
    3.1.1). Its container is hidden, so it takes no space (nor a gap) on the page.
    ``complete``: whether this run draws the whole page, as opposed to a map-first run
    (:mod:`ui.first_view`); ``<html data-cm-view>`` says which ("complete" or
    "map-first"), so a browser test waits for the whole page."""
    view = "complete" if complete else "map-first"
    st.container(key="document_language").html(
        "<style>[data-testid=stLayoutWrapper]:has(> .st-key-document_language)"
        " { display: none; }</style>"
        f"<script>document.documentElement.lang = {json.dumps(i18n.check_lang(lang))};"
        f" document.documentElement.dataset.cmView = {json.dumps(view)};</script>",
        unsafe_allow_javascript=True,
    )


def translator() -> Callable[[str], str]:
    """``_`` for the current language (gettext keeps the catalogues loaded)."""
    return i18n.translator(current_lang())


@st.cache_resource(show_spinner=False)
def vocabulary_labels() -> i18n.VocabularyLabels:
    """The vocabulary labels of ``vocabularies.csv``, read once per server process."""
    return records.vocabulary_labels()


def page_text(texts: Mapping[str, str], key: str, **values: object) -> str:
    """``texts[key]`` in the interface language with ``values`` filled in: every page's
    ``t = partial(page_text, TEXT)``. A helper because ``_(TEXT["key"])`` would give the
    extractor the key, not the text, as a msgid."""
    message = translator()(texts[key])
    return message.format(**values) if values else message
