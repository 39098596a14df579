"""URL state: the one place that reads and writes query parameters.

Every page, the exports and the command line describe what a user looks at with the same
parameters: the cluster filters (``geo.analysis.filters``), the view (territory, measure,
classification, basemap, language) and the dataset choice (published or synthetic). This
module holds their codecs and the one reader of "the last value of a parameter"
(:func:`last`), so a page never parses its URL itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import numpy as np

from geo.analysis import filters
from geo.analysis.filters import FACETS, MNE_CHOICES, MNE_QUERY_KEY, ClusterFilter
from geo.analysis.measures import DEFAULT_MEASURE, MEASURES
from geo.base import i18n
from geo.base.i18n import N_
from geo.render.classify import (
    DEFAULT_CLASSES,
    DEFAULT_SCHEME,
    MAX_CLASSES,
    MIN_CLASSES,
    SCHEMES,
)
from geo.render.views import (
    COUNTRY,
    LANG_QUERY_KEY,
    LANGS,
    TERRITORY_QUERY_KEY,
    View,
)

Params = Mapping[str, str | Sequence[str]]
"""Query parameters: a key's value, or its values when repeated (``st.query_params``
read with ``get_all``, or a plain dict in tests and on the command line)."""


def last(params: Params, key: str) -> str | None:
    """The URL's value of ``key`` (the last one when repeated), or None."""
    raw = params.get(key)
    if raw is None or isinstance(raw, str):
        return raw
    return str(raw[-1]) if len(raw) else None


def all_values(params: Params, key: str) -> list[str]:
    """Every value of ``key`` in the URL, in order (none: an empty list)."""
    raw = params.get(key, [])
    if isinstance(raw, str):
        return [raw]
    return [str(v) for v in raw]


def read(source: object, keys: Sequence[str]) -> dict[str, list[str]]:
    """The parameters ``keys`` present in ``source`` (anything with ``get_all``, such as
    ``st.query_params``), repeated keys as lists: what every page reads its URL with."""
    out: dict[str, list[str]] = {}
    for key in keys:
        values = source.get_all(key)  # type: ignore[attr-defined]
        if values:
            out[key] = list(values)
    return out


# --- the view -----------------------------------------------------------------------------------

VIEW_QUERY_KEYS: tuple[str, ...] = ("measure", "scheme", "k", "tiles")
"""The map settings of a view in the URL (filters, territory and language have their own)."""


def view_to_query_params(view: View) -> dict[str, list[str]]:
    """URL parameters of a view: its filters, map settings, territory and language;
    defaults are left out so plain URLs stay plain."""
    default = View()
    params = filter_to_query_params(view.filters)
    for key in ("measure", "scheme", "k"):
        if getattr(view, key) != getattr(default, key):
            params[key] = [str(getattr(view, key))]
    if view.tiles:
        params["tiles"] = ["1"]
    if view.territory != COUNTRY:
        params[TERRITORY_QUERY_KEY] = [view.territory]
    if view.lang != "en":
        params[LANG_QUERY_KEY] = [view.lang]
    return params


def view_key(view: View) -> str:
    """A canonical text for ``view``: equal views give equal keys (for caches)."""
    return json.dumps(
        {"territory": view.territory, "lang": view.lang, **view_to_query_params(view)},
        sort_keys=True,
        ensure_ascii=False,
    )


def _k(text: str | None) -> int:
    k = int(text) if text is not None and text.isdigit() else DEFAULT_CLASSES
    return k if MIN_CLASSES <= k <= MAX_CLASSES else DEFAULT_CLASSES


def view_from_query_params(params: Params) -> View:
    """The view a URL describes; a missing or invalid measure, scheme, class count or
    language falls back to its default. An invalid territory is kept as written
    (resolving the view reports it)."""
    measure = last(params, "measure")
    scheme = last(params, "scheme")
    lang = last(params, LANG_QUERY_KEY)
    return View(
        territory=last(params, TERRITORY_QUERY_KEY) or COUNTRY,
        filters=filter_from_query_params(params),
        measure=measure if measure in {m.key for m in MEASURES} else DEFAULT_MEASURE,
        scheme=scheme if scheme in SCHEMES else DEFAULT_SCHEME,
        k=_k(last(params, "k")),
        lang=lang if lang in LANGS else "en",  # type: ignore[arg-type]
        tiles=last(params, "tiles") in {"1", "true", "yes"},
    )


VIEW_PARAM_LABELS: dict[str, str] = {
    "measure": N_("Measure"),
    "scheme": N_("Classification"),
    "k": N_("Classes"),
}
"""What the map calls each view parameter of the URL (for :func:`view_problems`)."""


def view_problems(params: Params, lang: str = "en") -> list[str]:
    """The URL's view values :func:`view_from_query_params` could not use (it fell back to
    the default for them), each as ``label: 'value'`` in ``lang``, so a page can say so.

    >>> view_problems({"measure": "nope", "scheme": "quantiles", "k": "99"})
    ["Measure: 'nope'", "Classes: '99'"]
    """
    understood = view_from_query_params(params)
    _ = i18n.translator(lang)
    problems = []
    for key, label in VIEW_PARAM_LABELS.items():
        value = last(params, key)
        if value is not None and value != str(getattr(understood, key)):
            problems.append(filters.unknown_value(_(label), value, lang))
    return problems


# --- the cluster filters ----------------------------------------------------------------------


def filter_to_query_params(flt: ClusterFilter) -> dict[str, list[str]]:
    """URL parameters for the filter: one repeated key per facet, defaults left out."""
    params: dict[str, list[str]] = {}
    for facet in FACETS:
        values = flt.selected(facet.field)
        if values:
            params[facet.query_key] = list(values)
    if flt.mne != "any":
        params[MNE_QUERY_KEY] = [flt.mne]
    return params


def filter_from_query_params(params: Params) -> ClusterFilter:
    """The filter a URL describes; unknown keys are ignored, an unknown MNE value is "any".

    ``params`` maps a key to its value or its list of values (repeated keys), e.g.
    ``{k: st.query_params.get_all(k) for k in QUERY_KEYS}``.
    """
    values = {facet.field: tuple(all_values(params, facet.query_key)) for facet in FACETS}
    mne = all_values(params, MNE_QUERY_KEY)
    mne_value = mne[-1] if mne and mne[-1] in MNE_CHOICES else "any"
    return ClusterFilter(**values, mne=mne_value)  # type: ignore[arg-type]


# --- the dataset choice ------------------------------------------------------------------------

APP_MAX_CLUSTERS = 20_000
"""The largest synthetic registry the app offers (generation stays within a few seconds)."""


DATA_QUERY_KEY = "data"


N_QUERY_KEY = "n"


SEED_QUERY_KEY = "seed"


VERSION_QUERY_KEY = "version"
"""The registry version shown (``?version=3``): the canonical form of "as of"."""


AS_OF_QUERY_KEY = "asof"
"""A moment (``?asof=2026-11-30``): read as the version current then, written back as
``version`` (a date names the end of that day, UTC)."""


DATASET_QUERY_KEYS: tuple[str, ...] = (
    DATA_QUERY_KEY,
    N_QUERY_KEY,
    SEED_QUERY_KEY,
    VERSION_QUERY_KEY,
    AS_OF_QUERY_KEY,
)


PUBLISHED = "published"


SYNTHETIC = "synthetic"


DEFAULT_APP_CLUSTERS = 1_000


DEFAULT_APP_SEED = 1


CHOICE_MESSAGES: dict[str, str] = {
    "kind": N_("data must be 'published' or 'synthetic', not '{value}'"),
    "n": N_("n must be a whole number from 1 to {max}, not '{value}'"),
    "seed": N_("seed must be a whole number ≥ 0, not '{value}'"),
    "orphan": N_("n and seed apply only with data=synthetic"),
    "version": N_("{name} must be a version number (1 or more), not '{value}'"),
    "as_of": N_("{name} must be a date (YYYY-MM-DD) or a date and time, not '{value}'"),
    "reference": N_("{name} must be a version number or a date (YYYY-MM-DD), not '{value}'"),
    "no_version": N_("{name}: there is no version {value}; the registry has versions 1 to {head}"),
    "before_first": N_(
        "{name}: there is no version as of {value}; the registry's first version is of {first}"
    ),
    "both": N_("version and asof were both given; version {value} is shown"),
    "registry_only": N_("version and asof apply only to the registry, not with data=synthetic"),
    "no_store": N_("version and asof need the registry store, which could not be opened"),
}
"""Messages for bad dataset parameters in a URL (English literals, one place, translated
by :func:`choice_message`)."""


def choice_message(key: str, lang: str = "en", value: object = "", **more: object) -> str:
    """The message ``key`` of :data:`CHOICE_MESSAGES` in ``lang``, naming ``value`` (the
    URL's text, as given), the largest registry the app offers (locale digits) and any
    ``more`` placeholders (the parameter's ``name``, the registry's ``head``, ...)."""
    template = i18n.translator(lang)(CHOICE_MESSAGES[key])
    largest = f"{APP_MAX_CLUSTERS:,}" if lang == "en" else i18n.format_int(APP_MAX_CLUSTERS, lang)
    return template.format(value=value, max=largest, **more)


@dataclass(frozen=True)
class DatasetChoice:
    """Which dataset the app shows: the registry (``published``, the default) at its latest
    version or as of ``version``, or a synthetic registry ``(n, seed)``.

    Hashable, so it can key caches; :meth:`key` is the same as a plain tuple (without the
    version: ``ui.dataset.dataset_key`` adds the version shown).
    """

    kind: str = PUBLISHED
    n: int | None = None
    seed: int | None = None
    version: int | None = None

    def __post_init__(self) -> None:
        if self.version is not None:
            if self.kind != PUBLISHED:
                raise ValueError(choice_message("registry_only"))
            if not _whole_in(self.version, 1, None):
                raise ValueError(choice_message("version", name="version", value=self.version))
        if self.kind == PUBLISHED:
            if self.n is not None or self.seed is not None:
                raise ValueError(choice_message("orphan"))
            return
        if self.kind != SYNTHETIC:
            raise ValueError(choice_message("kind", value=self.kind))
        if not _whole_in(self.n, 1, APP_MAX_CLUSTERS):
            raise ValueError(choice_message("n", value=self.n))
        if not _whole_in(self.seed, 0, None):
            raise ValueError(choice_message("seed", value=self.seed))

    @property
    def synthetic(self) -> bool:
        """True for a synthetic registry (the app then marks every page)."""
        return self.kind == SYNTHETIC

    def key(self) -> tuple[str, int | None, int | None]:
        """A plain tuple for cache keys: equal choices give equal keys."""
        return (self.kind, self.n, self.seed)

    def to_query_params(self) -> dict[str, list[str]]:
        """URL parameters of the choice; the registry's latest version (the default) has
        none, a past one its ``version`` (never ``asof``: a version names one state)."""
        if not self.synthetic:
            return {} if self.version is None else {VERSION_QUERY_KEY: [str(self.version)]}
        return {
            DATA_QUERY_KEY: [SYNTHETIC],
            N_QUERY_KEY: [str(self.n)],
            SEED_QUERY_KEY: [str(self.seed)],
        }


def _whole_in(value: object, low: int, high: int | None) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        return False
    number = int(value)
    return number >= low and (high is None or number <= high)


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()


def _whole_number(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,9}", text) else None


def choice_from_query_params(params: Params, lang: str = "en") -> tuple[DatasetChoice, list[str]]:
    """The dataset a URL asks for, and what in it had to be ignored (as messages in ``lang``).

    No ``data`` parameter means the published data. ``data=synthetic`` takes ``n``
    (default 1,000) and ``seed`` (default 1). Anything invalid falls back to the published
    data (never to a guess) with a message naming the parameter and its value (the URL's
    text: a page rendering Markdown escapes it).
    """
    kind, n_text, seed_text = (
        _stripped(last(params, key)) for key in (DATA_QUERY_KEY, N_QUERY_KEY, SEED_QUERY_KEY)
    )
    if kind is None or kind == PUBLISHED:
        orphan = [choice_message("orphan", lang)] if (n_text or seed_text) else []
        return DatasetChoice(), orphan
    if kind != SYNTHETIC:
        return DatasetChoice(), [choice_message("kind", lang, kind)]
    problems: list[str] = []
    n = DEFAULT_APP_CLUSTERS if n_text is None else _whole_number(n_text)
    if n is None or not 1 <= n <= APP_MAX_CLUSTERS:
        problems.append(choice_message("n", lang, n_text))
    seed = DEFAULT_APP_SEED if seed_text is None else _whole_number(seed_text)
    if seed is None:
        problems.append(choice_message("seed", lang, seed_text))
    if problems:
        return DatasetChoice(), problems
    return DatasetChoice(SYNTHETIC, n, seed), []


# --- as of a version or a date (issue 17) -------------------------------------------------------

VersionTimes = Sequence[tuple[int, datetime]]
"""The registry's versions and when each was made (timezone-aware), oldest first: what
a version number or a date is checked and resolved against (``Store.versions``)."""

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)


def parse_moment(text: str) -> datetime | None:
    """The moment an ``asof`` text names (timezone-aware), or None when it names none.

    A date means the end of that day in UTC (the registry as it stood that evening); a
    date and time without a zone is UTC.

    >>> parse_moment("2026-11-30").isoformat()
    '2026-11-30T23:59:59.999999+00:00'
    >>> parse_moment("2026-11-30T08:15+03:00").isoformat(), parse_moment("30.11.2026")
    ('2026-11-30T08:15:00+03:00', None)
    """
    text = text.strip()
    try:
        if _DAY.fullmatch(text):
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        if _MOMENT.fullmatch(text):
            moment = datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:  # shaped like a date but no such day (2026-02-30) or hour
        return None
    return None


Resolve = Callable[[VersionTimes, datetime], int | str]
"""How a moment becomes a version: the store's rule (``geo.registry.store.version_at``,
passed in by the caller since the registry stage comes after this one): the id of the
latest version made at or before the moment, or the reason there is none (text)."""


def _day_text(moment: datetime) -> str:
    """A moment as the URL writes it (UTC): the date, with the time unless it is a day's end."""
    utc = moment.astimezone(UTC)
    if utc.time() == time.max:
        return utc.date().isoformat()
    return utc.strftime("%Y-%m-%d %H:%M UTC")


def version_reference(  # noqa: PLR0913 - the parameter, its text, the store's rule, its use
    name: str,
    text: str,
    times: VersionTimes,
    resolve: Resolve,
    lang: str = "en",
    accept: str = "both",
) -> tuple[int | None, str | None]:
    """The version a URL parameter ``name`` names, as ``(version, None)``, or
    ``(None, message)`` naming the parameter and its value in ``lang``.

    ``text`` is a version number (``accept`` "version" or "both") or a moment of
    :func:`parse_moment` (``accept`` "date" or "both"), resolved by ``resolve`` (the store's rule).
    Refused: garbage, a version the registry does not have, a moment before its first
    version; an empty ``times`` (no store) refuses everything.
    """
    text = text.strip()
    if not times:
        return None, choice_message("no_store", lang)
    head = max(version for version, _made in times)
    if accept != "date" and re.fullmatch(r"[0-9]{1,9}", text):
        version = int(text)
        if 1 <= version <= head:
            return version, None
        return None, choice_message("no_version", lang, text, name=name, head=head)
    moment = parse_moment(text) if accept != "version" else None
    if moment is None:
        key = {"version": "version", "date": "as_of"}.get(accept, "reference")
        return None, choice_message(key, lang, text, name=name)
    found = resolve(times, moment)
    if isinstance(found, str):  # before the first version (``times`` is not empty)
        first = _day_text(min(made for _v, made in times))
        return None, choice_message("before_first", lang, text, name=name, first=first)
    return found, None


def version_from_query_params(
    params: Params,
    times: VersionTimes | None,
    resolve: Resolve,
    lang: str = "en",
    synthetic: bool = False,
) -> tuple[int | None, list[str]]:
    """The registry version a URL asks to show (``version``, else ``asof``; None: the
    latest) and what in it had to be ignored (messages in ``lang``).

    ``times`` are the registry's versions (None or empty: no store could be opened),
    ``resolve`` the store's rule for a moment (:data:`Resolve`). With
    a synthetic registry both parameters are ignored (it has no versions); with both given
    ``version`` wins and the message says so. A bad value shows the latest version, never
    a guess.
    """
    version_text, as_of_text = (
        _stripped(last(params, key)) for key in (VERSION_QUERY_KEY, AS_OF_QUERY_KEY)
    )
    if version_text is None and as_of_text is None:
        return None, []
    if synthetic:
        return None, [choice_message("registry_only", lang)]
    problems: list[str] = []
    if version_text is not None:
        version, problem = version_reference(
            VERSION_QUERY_KEY, version_text, times or (), resolve, lang, "version"
        )
        if as_of_text is not None and version is not None:
            problems.append(choice_message("both", lang, version))
    else:
        version, problem = version_reference(
            AS_OF_QUERY_KEY, str(as_of_text), times or (), resolve, lang, "date"
        )
    return version, [problem] if problem else problems


FROM_QUERY_KEY, TO_QUERY_KEY = "from", "to"
"""The two versions of the Changes page (``?from=3&to=7``; dates accepted)."""


def span_from_query_params(
    params: Params,
    times: VersionTimes,
    resolve: Resolve,
    default: tuple[int, int],
    lang: str = "en",
) -> tuple[int, int, list[str]]:
    """The two versions the Changes page compares, ``(from, to)``, and what in the URL had
    to be ignored (messages in ``lang``). Each side is a version number or a date
    (:func:`version_reference`); a missing or bad side takes its ``default``. The order is
    as given (the page puts the older first)."""
    sides: list[int] = []
    problems: list[str] = []
    for key, fallback in zip((FROM_QUERY_KEY, TO_QUERY_KEY), default, strict=True):
        text = _stripped(last(params, key))
        version, problem = (
            (None, None) if text is None else version_reference(key, text, times, resolve, lang)
        )
        sides.append(fallback if version is None else version)
        problems += [problem] if problem else []
    return sides[0], sides[1], problems
