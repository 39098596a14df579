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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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


DATASET_QUERY_KEYS: tuple[str, ...] = (DATA_QUERY_KEY, N_QUERY_KEY, SEED_QUERY_KEY)


PUBLISHED = "published"


SYNTHETIC = "synthetic"


DEFAULT_APP_CLUSTERS = 1_000


DEFAULT_APP_SEED = 1


CHOICE_MESSAGES: dict[str, str] = {
    "kind": N_("data must be 'published' or 'synthetic', not '{value}'"),
    "n": N_("n must be a whole number from 1 to {max}, not '{value}'"),
    "seed": N_("seed must be a whole number ≥ 0, not '{value}'"),
    "orphan": N_("n and seed apply only with data=synthetic"),
}
"""Messages for bad dataset parameters in a URL (English literals, one place, translated
by :func:`choice_message`)."""


def choice_message(key: str, lang: str = "en", value: object = "") -> str:
    """The message ``key`` of :data:`CHOICE_MESSAGES` in ``lang``, naming ``value`` (the
    URL's text, as given) and the largest registry the app offers (locale digits)."""
    template = i18n.translator(lang)(CHOICE_MESSAGES[key])
    largest = f"{APP_MAX_CLUSTERS:,}" if lang == "en" else i18n.format_int(APP_MAX_CLUSTERS, lang)
    return template.format(value=value, max=largest)


@dataclass(frozen=True)
class DatasetChoice:
    """Which dataset the app shows: the published one, or a synthetic registry ``(n, seed)``.

    Hashable, so it can key caches; :meth:`key` is the same as a plain tuple.
    """

    kind: str = PUBLISHED
    n: int | None = None
    seed: int | None = None

    def __post_init__(self) -> None:
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
        """URL parameters of the choice; the published data (the default) has none."""
        if not self.synthetic:
            return {}
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
