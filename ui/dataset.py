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

As of a date (issue 17): the registry is shown at its latest version unless the user picks
an earlier one, by date or by version, in the same sidebar box, or by URL
(``?version=3``, the canonical form, or ``?asof=2026-11-30``, read as the version current at
the end of that day and written back as ``version``). Every page that reads
:func:`dataset` then shows that version, says so in a banner with a way back to the latest,
and its exports carry it (``Dataset.version``). Pages that write call :func:`writes_latest`:
they work on the latest version whatever is picked, and their banner says so instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial

import streamlit as st

from geo.analysis.dataset import Dataset
from geo.analysis.profiles import md_literal
from geo.base import i18n
from geo.base.i18n import N_
from geo.registry import sources
from geo.registry.sources import load_dataset
from geo.registry.store import Store, VersionInfo, default_url, version_at as store_version_at
from geo.render import urlstate
from ui.lang import current_lang, page_text
from ui.lazy import lazy_expander

CHOICE_KEY = "dataset_choice"
URL_SEEN_KEY = "dataset_url_seen"
PROBLEMS_KEY = "dataset_url_problems"
SELECTOR_KEY = "dataset_selector_open"  # the lazy expander of the pickers
SELECTOR_SEEN_KEY = "dataset_selector_seen"  # the choice the expander was last opened for
KIND_WIDGET = "dataset_kind"
N_WIDGET = "dataset_n"
SEED_WIDGET = "dataset_seed"
VERSION_WIDGET = "dataset_version"
DATE_WIDGET = "dataset_as_of"
VERSION_SEEN_KEY = "dataset_version_seen"  # the choice's version the two widgets show
VERSION_PROBLEMS_KEY = "dataset_url_version_problems"
BANNER_SLOT_KEY = "_dataset_as_of_banner"  # this run's banner slot (see writes_latest)
LATEST = 0  # the version picker's "latest" option (versions start at 1)
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
    "ignored_version": N_(
        "Ignored in the URL: {problems}. Showing the latest version of the registry."
    ),
    "ignored_plain": N_("Ignored in the URL: {problems}."),
    "as_of": N_("As of date"),
    "as_of_help": N_(
        "Show the registry as it stood at the end of this day (UTC): the version current "
        "then. Pages that import or edit always work on the latest version."
    ),
    "version_pick": N_("Registry version"),
    "latest_option": N_("Latest (version {version})"),
    "version_option": N_("v{version} · {time}"),
    "version_pick_help": N_(
        "Every version of the registry, when it was made (UTC). “Latest” follows new "
        "imports and edits; a version or a date stays as picked, also in a shared link."
    ),
    "past_banner": N_(
        "Showing the registry as of {time} (version {version}); the latest is version {head}."
    ),
    "show_latest": N_("Show the latest version"),
    "writes_latest": N_(
        "This page works on the latest version of the registry (version {head}); the "
        "“as of” choice (version {version}) applies to the pages that show data."
    ),
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


@st.cache_data(show_spinner=False, max_entries=8)
def version_infos(url: str, head: int) -> list[VersionInfo]:
    """The store's versions, newest first (cached per head: a new version, a new entry)."""
    return open_store(url).versions()


def version_times(url: str, head: int) -> list[tuple[int, datetime]]:
    """The store's versions and their times, oldest first (what ``urlstate`` resolves
    versions and dates against)."""
    return [(info.id, info.created_at) for info in reversed(version_infos(url, head))]


def shown_version() -> int | None:
    """The store version the pages show: the chosen one, else the latest (None when the
    store cannot be opened or a synthetic registry is shown)."""
    choice = current_choice()
    return None if choice.synthetic else _version_to_show(choice, registry_version())


def _version_to_show(choice: urlstate.DatasetChoice, current: tuple[str, int] | None) -> int | None:
    """The chosen version if the store (``current``: URL and head) has it, else the head."""
    if current is None:
        return None
    head = current[1]
    return choice.version if choice.version is not None and choice.version <= head else head


def published_dataset() -> Dataset:
    """The registry: the store at the chosen version, by default the latest (seeded from
    the published records). The store's head is read once for both."""
    current = registry_version()
    with st.spinner(t("loading_published")):
        if current is None:
            return shipped_dataset()
        return stored_dataset(current[0], _version_to_show(current_choice(), current) or current[1])


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
        lang = current_lang()
        choice, problems = urlstate.choice_from_query_params(params, lang)
        version, version_problems = urlstate.version_from_query_params(
            params, _times_if_asked(params, choice), store_version_at, lang, choice.synthetic
        )
        choice = replace(choice, version=version)
        st.session_state[URL_SEEN_KEY] = params
        st.session_state[CHOICE_KEY] = choice
        st.session_state[PROBLEMS_KEY] = problems
        st.session_state[VERSION_PROBLEMS_KEY] = version_problems
        st.session_state.pop(VERSION_SEEN_KEY, None)  # the version widgets follow the URL
        _choice_to_widgets(choice)
    return st.session_state.get(CHOICE_KEY, urlstate.DatasetChoice())


def _times_if_asked(
    params: dict[str, list[str]], choice: urlstate.DatasetChoice
) -> list[tuple[int, datetime]] | None:
    """The store's version times when the URL asks for a version of the registry (the
    store is opened only then); None when the store cannot be opened."""
    asked = urlstate.VERSION_QUERY_KEY in params or urlstate.AS_OF_QUERY_KEY in params
    current = registry_version() if asked and not choice.synthetic else None
    return None if current is None else version_times(*current)


def dataset_key() -> tuple[str, int | None, int | None, int | None]:
    """A hashable key of the chosen dataset (with the store version shown for the
    registry): pass it to a page's ``st.cache_data`` functions that read :func:`dataset`,
    so a cached result never crosses datasets or versions, nor outlives an edit."""
    choice = current_choice()
    if choice.synthetic:
        return (*choice.key(), None)
    return (*choice.key(), shown_version())


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
    st.session_state[VERSION_PROBLEMS_KEY] = []
    st.session_state.pop(VERSION_SEEN_KEY, None)
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
    every page. The pickers sit in a lazy expander (:mod:`ui.lazy`: drawn only while
    open, so a first view does not pay for them); the line saying which version is shown
    is always under it.
    """
    choice = current_choice()
    st.session_state.setdefault(N_WIDGET, urlstate.DEFAULT_APP_CLUSTERS)
    st.session_state.setdefault(SEED_WIDGET, urlstate.DEFAULT_APP_SEED)
    if st.session_state.get(SELECTOR_SEEN_KEY) != choice:  # a new choice (URL, banner)
        st.session_state[SELECTOR_SEEN_KEY] = choice
        if choice.synthetic or choice.version is not None:  # other data than the default
            st.session_state[SELECTOR_KEY] = True  # is shown with its pickers open
    lazy_expander(
        t("selector"), SELECTOR_KEY, partial(_selector_body, choice), container=st.sidebar
    )
    st.sidebar.caption(t("version", version=dataset().version), help=t("version_help"))
    _sync_url(current_choice())


def _selector_body(choice: urlstate.DatasetChoice) -> None:
    """The open selector: published or synthetic, the synthetic registry's size and seed,
    or the registry's date and version pickers."""
    if KIND_WIDGET not in st.session_state:  # first drawn, or dropped while closed
        _choice_to_widgets(choice)
    kinds = {kind: t(kind) for kind in (urlstate.PUBLISHED, urlstate.SYNTHETIC)}
    st.radio(
        t("selector"),
        list(kinds),
        format_func=kinds.__getitem__,
        key=KIND_WIDGET,
        on_change=_widgets_to_choice,
        label_visibility="collapsed",
    )
    if st.session_state[KIND_WIDGET] == urlstate.SYNTHETIC:
        left, right = st.columns(2)
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
    else:
        _version_picker(st)


# --------------------------------------------------------------------------- as of a date


_UNSET = "unset"


def _time_text(info: VersionInfo) -> str:
    """When a version was made, as the picker and the banner say it (UTC, to the minute)."""
    return info.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _version_day(infos: list[VersionInfo], version: int | None) -> date:
    """The day (UTC) the date picker shows for ``version``: the day it was made; for
    the latest, today."""
    made = next((i.created_at for i in infos if i.id == version), None)
    return (made or datetime.now(UTC)).astimezone(UTC).date()


def _day_bounds(infos: list[VersionInfo]) -> tuple[date, date]:
    """The days the date picker offers: from the first version's to today (or the last
    version's, if the server's clock is behind)."""
    days = [i.created_at.astimezone(UTC).date() for i in infos]
    return min(days), max([*days, datetime.now(UTC).date()])


def _set_version(version: int | None, follow: bool = False) -> None:
    """The session shows the registry at ``version`` (None: the latest) and the URL says
    so; with ``follow`` the pickers are set to it on the next run."""
    choice = replace(current_choice(), version=version)
    st.session_state[CHOICE_KEY] = choice
    st.session_state[VERSION_PROBLEMS_KEY] = []
    if follow:
        st.session_state.pop(VERSION_SEEN_KEY, None)
    else:
        st.session_state[VERSION_SEEN_KEY] = version
    _sync_url(choice)


def _version_picked() -> None:
    """Version picker callback: show that version (or follow the latest); the date picker
    shows the day it was made."""
    picked = st.session_state.get(VERSION_WIDGET, LATEST)
    # A stale option comes back as its old label (e.g. "Latest (version 1)" once version 2
    # exists: Streamlit keeps a select box's value by its label): that is the latest.
    version = picked if isinstance(picked, int) and picked != LATEST else None
    _set_version(version, follow=True)


def _date_picked() -> None:
    """Date picker callback: show the version current at the end of that day (UTC), kept
    as that version (so a link to the view shows the same data later too)."""
    day, current = st.session_state.get(DATE_WIDGET), registry_version()
    if not isinstance(day, date) or current is None:
        return
    moment = urlstate.parse_moment(day.isoformat())
    version = None if moment is None else store_version_at(version_times(*current), moment)
    if isinstance(version, int):
        _set_version(version)
        st.session_state[VERSION_WIDGET] = version


def _version_picker(box) -> None:  # noqa: ANN001 - a Streamlit container
    """The registry's date and version pickers (when its store is open), set from the
    session's choice whenever that changed elsewhere (URL, banner, the other picker)."""
    current = registry_version()
    infos = [] if current is None else version_infos(*current)
    if not infos:
        return
    choice, (first, last) = current_choice(), _day_bounds(infos)
    seen = st.session_state.get(VERSION_SEEN_KEY, _UNSET)
    if seen != choice.version or VERSION_WIDGET not in st.session_state:
        st.session_state[VERSION_WIDGET] = choice.version or LATEST
        st.session_state[DATE_WIDGET] = _version_day(infos, choice.version)
        st.session_state[VERSION_SEEN_KEY] = choice.version
    day = st.session_state.get(DATE_WIDGET)
    st.session_state[DATE_WIDGET] = min(max(day, first), last) if isinstance(day, date) else last
    labels = {LATEST: t("latest_option", version=infos[0].id)}
    labels |= {i.id: t("version_option", version=i.id, time=_time_text(i)[:-4]) for i in infos}
    if st.session_state.get(VERSION_WIDGET) not in labels:
        st.session_state[VERSION_WIDGET] = LATEST
    box.date_input(
        t("as_of"),
        min_value=first,
        max_value=last,
        key=DATE_WIDGET,
        on_change=_date_picked,
        format="YYYY-MM-DD",
        help=t("as_of_help"),
    )
    box.selectbox(
        t("version_pick"),
        list(labels),
        format_func=labels.__getitem__,
        key=VERSION_WIDGET,
        on_change=_version_picked,
        help=t("version_pick_help"),
    )


def as_of_banner() -> None:
    """While a past version of the registry is shown: a banner saying which, and when,
    with a button back to the latest. Its slot is kept for this run, so that a page that
    writes can replace it (:func:`writes_latest`)."""
    slot = st.empty()
    st.session_state[BANNER_SLOT_KEY] = slot
    choice = current_choice()
    current = None if choice.synthetic or choice.version is None else registry_version()
    if current is None or choice.version is None or choice.version >= current[1]:
        return
    info = next(i for i in version_infos(*current) if i.id == choice.version)
    with slot.container():
        st.warning(
            t("past_banner", time=_time_text(info), version=info.id, head=current[1]), icon="🕰️"
        )
        st.button(
            t("show_latest"), on_click=_set_version, args=(None, True), key="dataset_show_latest"
        )


def writes_latest() -> None:
    """For a page that writes (import, edit), which always works on the latest version:
    while a past version is picked, the banner says so instead of "showing version N"."""
    slot = st.session_state.get(BANNER_SLOT_KEY)
    choice = current_choice()
    current = None if choice.version is None else registry_version()
    if slot is None or current is None or choice.version is None or choice.version >= current[1]:
        return
    slot.info(t("writes_latest", head=current[1], version=choice.version), icon="✏️")


def synthetic_banner() -> None:
    """A "SYNTHETIC DATA" warning while a synthetic registry is shown, a note when the
    URL's dataset parameters had to be ignored, and the "as of" banner while a past
    version of the registry is shown (:func:`as_of_banner`). Call once per run, before the
    page."""
    problems = st.session_state.pop(PROBLEMS_KEY, None) or []  # said once, not every rerun
    if problems:
        st.warning(t("ignored", problems=md_literal("; ".join(problems))), icon="⚠️")
    choice = current_choice()
    version_problems = st.session_state.pop(VERSION_PROBLEMS_KEY, None) or []
    if version_problems:
        shown = choice.synthetic or choice.version is not None  # not the latest: say no more
        closing = "ignored_plain" if shown else "ignored_version"
        st.warning(t(closing, problems=md_literal("; ".join(version_problems))), icon="⚠️")
    as_of_banner()
    if choice.synthetic:
        lang = current_lang()
        n = i18n.format_int(choice.n, lang) if lang != "en" else f"{choice.n:,}"
        st.error(t("banner", n=n, seed=choice.seed), icon="🧪")
