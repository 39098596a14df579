"""The dataset every page shows (published or synthetic): its cache, its choice and mark.

In-memory caching lives here, at the boundary between Streamlit and ``geo``; ``geo`` keeps
only its on-disk cache of built datasets, keyed by their inputs (``geo.base.cache``).

The dataset is the published one unless the user picks a synthetic registry (issue 8),
either in the sidebar (:func:`dataset_selector`) or by URL: ``?data=synthetic&n=1000&seed=1``.
The choice is kept in the session (so it survives page switches, which clear the URL) and
mirrored in the URL. While synthetic data is shown, :func:`synthetic_banner` puts a
"SYNTHETIC DATA" warning on the page. The entry point calls both once per run, before the
page runs, so every page is marked; pages only call :func:`dataset` (and pass
:func:`dataset_key` to their own cached functions, so caches never mix the two datasets).
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from geo.analysis.dataset import Dataset
from geo.analysis.profiles import md_literal
from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import sources
from geo.registry.sources import load_dataset
from geo.registry.store import Store, default_url
from geo.render import urlstate
from ui.lang import current_lang, page_text

CHOICE_KEY = "dataset_choice"
URL_SEEN_KEY = "dataset_url_seen"
PROBLEMS_KEY = "dataset_url_problems"
KIND_WIDGET = "dataset_kind"
N_WIDGET = "dataset_n"
SEED_WIDGET = "dataset_seed"
# How many synthetic registries the server keeps (a 10,000-cluster one is ~100 MB).
CACHED_SYNTHETIC = 3

# User-facing text of the selector and the banner (English msgids, one place, translated by
# ``t``; no bare strings in app_pages/: Streamlit's magic would render them).
LABELS: dict[str, str] = {
    "selector": N_("Dataset"),
    "published": N_("Published data (001–003)"),
    "synthetic": N_("Synthetic registry (demo)"),
    "n": N_("Clusters"),
    "seed": N_("Seed"),
    "n_help": N_("Number of synthetic clusters, 1 to {max}."),
    "seed_help": N_("The same seed always gives the same registry."),
    "loading_published": N_("Loading the published dataset…"),
    "opening_store": N_("Opening the registry store…"),
    "store_failed": N_(
        "The registry store could not be opened ({error}); showing the "
        "published records as shipped."
    ),
    "loading_synthetic": N_("Generating the synthetic registry…"),
    "version": N_("Shown: {version}"),
    "version_help": N_(
        "Which data every page, export and command shows: the registry store's version, the "
        "published files' fingerprint, or the synthetic registry's size and seed."
    ),
    "banner": N_(
        "**SYNTHETIC DATA** — invented records for demonstration and load testing "
        "({n} clusters, seed {seed}), calibrated to the aggregates published in 003. "
        "They are not real clusters, regions' clusters or MNE links: do not cite them."
    ),
    "ignored": N_("Ignored in the URL: {problems}. Showing the published data."),
}


t = partial(page_text, LABELS)  # the selector and banner texts in the interface language


# The cached loaders run without Streamlit's own spinner (whose text is fixed when the module
# is imported, before the language is known); callers wrap them in ``st.spinner(t(...))``,
# which, like the cache's spinner, shows only when loading takes more than half a second.


@st.cache_resource(show_spinner=False)
def open_store(url: str) -> Store:
    """The registry store at ``url``, migrated and seeded with the published records on
    first use (one per server process; ``CLUSTERMAP_DATABASE_URL`` chooses it)."""
    return Store.open(url)


@st.cache_resource(show_spinner=False, max_entries=2)
def stored_dataset(url: str, version: int) -> Dataset:
    """The registry's dataset at ``version``: a new import or edit makes a new version,
    hence a new cache entry, so every page shows it at once. Across server restarts it
    comes from the user cache (:func:`geo.registry.sources.stored_dataset`, keyed by the
    version), so a fresh server does not rebuild the dataset the last one built."""
    return sources.stored_dataset(open_store(url), version)


@st.cache_resource(show_spinner=False)
def shipped_dataset() -> Dataset:
    """The published records as shipped in ``data/``, used when the store cannot open."""
    return load_dataset()


def registry_version() -> tuple[str, int] | None:
    """The store's URL and latest version, or ``None`` (with a warning on the page) when
    the store cannot be opened, in which case the shipped files are shown."""
    url = default_url()
    try:
        with st.spinner(t("opening_store")):
            return url, open_store(url).head()
    except Exception as err:  # noqa: BLE001 - any store failure falls back to the files
        st.warning(t("store_failed", error=err))
        return None


def published_dataset() -> Dataset:
    """The registry: the store's latest version (seeded from the published records)."""
    current = registry_version()
    with st.spinner(t("loading_published")):
        return shipped_dataset() if current is None else stored_dataset(*current)


@st.cache_resource(show_spinner=False, max_entries=CACHED_SYNTHETIC)
def synthetic_dataset(n: int, seed: int) -> Dataset:
    """A synthetic registry, generated once per ``(n, seed)`` and server process."""
    return sources.synthetic_dataset(n, seed)


def current_choice() -> urlstate.DatasetChoice:
    """The dataset the session shows.

    A URL opened or edited by hand (dataset parameters present and new to the session)
    decides; otherwise the session's last choice stands (page switches clear the URL);
    a new session without parameters shows the published data. A bad URL falls back to
    the published data and the problems are kept for :func:`synthetic_banner` to show.
    """
    params = urlstate.read(st.query_params, urlstate.DATASET_QUERY_KEYS)
    if params and params != st.session_state.get(URL_SEEN_KEY):
        choice, problems = urlstate.choice_from_query_params(params, current_lang())
        st.session_state[URL_SEEN_KEY] = params
        st.session_state[CHOICE_KEY] = choice
        st.session_state[PROBLEMS_KEY] = problems
        _choice_to_widgets(choice)
    return st.session_state.get(CHOICE_KEY, urlstate.DatasetChoice())


def dataset_key() -> tuple[str, int | None, int | None, int | None]:
    """A hashable key of the chosen dataset (with the store's version for the registry):
    pass it to a page's ``st.cache_data`` functions that read :func:`dataset`, so a cached
    result never crosses datasets or outlives an edit."""
    choice = current_choice()
    if choice.synthetic:
        return (*choice.key(), None)
    current = registry_version()
    return (*choice.key(), None if current is None else current[1])


def dataset() -> Dataset:
    """The chosen dataset: the published one (default) or the synthetic registry."""
    choice = current_choice()
    if choice.synthetic:
        with st.spinner(t("loading_synthetic")):
            return synthetic_dataset(int(choice.n), int(choice.seed))  # type: ignore[arg-type]
    return published_dataset()


def is_synthetic() -> bool:
    """True while the session shows a synthetic registry."""
    return current_choice().synthetic


def dataset_query_params() -> dict[str, list[str]]:
    """The URL parameters of the chosen dataset, which :func:`ui.url.set_url` merges into a
    page's own parameters when the page rewrites its URL, so the link keeps them."""
    return current_choice().to_query_params()


def _choice_to_widgets(choice: urlstate.DatasetChoice) -> None:
    st.session_state[KIND_WIDGET] = choice.kind
    if choice.synthetic:
        st.session_state[N_WIDGET] = choice.n
        st.session_state[SEED_WIDGET] = choice.seed


def _widgets_to_choice() -> None:
    """Widget callback: the sidebar's values become the session's choice and the URL's."""
    kind = st.session_state.get(KIND_WIDGET, urlstate.PUBLISHED)
    if kind == urlstate.SYNTHETIC:
        choice = urlstate.DatasetChoice(
            urlstate.SYNTHETIC,
            int(st.session_state.get(N_WIDGET, urlstate.DEFAULT_APP_CLUSTERS)),
            int(st.session_state.get(SEED_WIDGET, urlstate.DEFAULT_APP_SEED)),
        )
    else:
        choice = urlstate.DatasetChoice()
    st.session_state[CHOICE_KEY] = choice
    st.session_state[PROBLEMS_KEY] = []
    _sync_url(choice)


def _sync_url(choice: urlstate.DatasetChoice) -> None:
    """Put the choice's parameters in the URL (and drop stale ones), leaving others."""
    wanted = choice.to_query_params()
    present = urlstate.read(st.query_params, urlstate.DATASET_QUERY_KEYS)
    for key in urlstate.DATASET_QUERY_KEYS:
        if key in wanted:
            if present.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in present:
            del st.query_params[key]
    st.session_state[URL_SEEN_KEY] = wanted or None


def dataset_selector() -> None:
    """The sidebar control that picks the dataset; keeps the URL in step with it.

    Call once per run, before the page (the entry point does), so the choice holds on
    every page.
    """
    choice = current_choice()
    if KIND_WIDGET not in st.session_state:
        _choice_to_widgets(choice)
    st.session_state.setdefault(N_WIDGET, urlstate.DEFAULT_APP_CLUSTERS)
    st.session_state.setdefault(SEED_WIDGET, urlstate.DEFAULT_APP_SEED)
    box = st.sidebar.expander(t("selector"), expanded=choice.synthetic)
    # the labels in this run's language
    kinds = {kind: t(kind) for kind in (urlstate.PUBLISHED, urlstate.SYNTHETIC)}
    box.radio(
        t("selector"),
        list(kinds),
        format_func=kinds.__getitem__,
        key=KIND_WIDGET,
        on_change=_widgets_to_choice,
        label_visibility="collapsed",
    )
    if st.session_state[KIND_WIDGET] == urlstate.SYNTHETIC:
        left, right = box.columns(2)
        left.number_input(
            t("n"),
            min_value=1,
            max_value=urlstate.APP_MAX_CLUSTERS,
            step=100,
            key=N_WIDGET,
            help=t("n_help", max=i18n.format_int(urlstate.APP_MAX_CLUSTERS, current_lang())),
            on_change=_widgets_to_choice,
        )
        right.number_input(
            t("seed"),
            min_value=0,
            step=1,
            key=SEED_WIDGET,
            help=t("seed_help"),
            on_change=_widgets_to_choice,
        )
    box.caption(t("version", version=dataset().version), help=t("version_help"))
    _sync_url(choice)


def synthetic_banner() -> None:
    """A "SYNTHETIC DATA" warning while a synthetic registry is shown, and a note when the
    URL's dataset parameters had to be ignored. Call once per run, before the page."""
    problems = st.session_state.pop(PROBLEMS_KEY, None) or []  # said once, not every rerun
    if problems:
        st.warning(t("ignored", problems=md_literal("; ".join(problems))), icon="⚠️")
    choice = current_choice()
    if choice.synthetic:
        lang = current_lang()
        n = i18n.format_int(choice.n, lang) if lang != "en" else f"{choice.n:,}"
        st.error(t("banner", n=n, seed=choice.seed), icon="🧪")
