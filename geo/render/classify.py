"""Classes of a region measure: mapclassify schemes, colours and class labels.

A choropleth shows a measure in a few classes. The breaks come from mapclassify (one of
:data:`SCHEMES`), computed over every region with a value; regions without one are in no
class ("no data", drawn hatched, never as the lowest class). Colours are a sequential
ColorBrewer ramp, colour-blind safe. The map page, the exports and the legend all use
:func:`classify`, so a region has the same class everywhere.

Start-up (issue 18): importing mapclassify imports SciPy's statistics, scikit-learn's
clustering and matplotlib's pyplot (about 1.5 s of CPU, the largest part of a server's
first map). Breaks are a pure function of the values, the scheme, the number of classes
and the library's version, so :class:`BreaksMemo` keeps those computed in the user cache
(:mod:`geo.base.cache`) and mapclassify is imported only when a classification is new: a
restarted server draws its first map without it.
"""

from __future__ import annotations

import hashlib
import importlib
import math
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from geo.base import cache, i18n
from geo.base.i18n import N_

Scheme = Literal["quantiles", "natural_breaks", "equal_interval"]


SCHEMES: dict[str, str] = {
    "quantiles": N_("Quantiles"),
    "natural_breaks": N_("Natural breaks (Fisher–Jenks)"),
    "equal_interval": N_("Equal interval"),
}
"""Classification schemes offered, with labels. Natural breaks use Fisher–Jenks, the
optimal and deterministic form of Jenks' method (mapclassify's ``NaturalBreaks`` is
randomised)."""


CLASSIFIERS: dict[str, str] = {
    "quantiles": "Quantiles",
    "natural_breaks": "FisherJenks",
    "equal_interval": "EqualInterval",
}
"""The mapclassify classifier of each scheme, by name: resolved when breaks are computed
(see the module's note on start-up)."""


MIN_CLASSES, MAX_CLASSES = 3, 7


DEFAULT_SCHEME: Scheme = "quantiles"


DEFAULT_CLASSES = 5


SEQUENTIAL: dict[int, tuple[str, ...]] = {
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
    6: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"),
    7: ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"),
}
"""ColorBrewer YlGnBu (Cynthia Brewer, colorbrewer2.org), a sequential scheme marked
colour-blind safe: light = low, dark = high, for 3–7 classes."""


NO_DATA_FILL = "#f2f2f2"


NO_DATA_HATCH = "#a6a6a6"
"""No data is hatched light grey: neither a colour of the sequential scheme nor white."""


def sequential_colours(k: int) -> tuple[str, ...]:
    """``k`` colours of the sequential scheme, light to dark (1 ≤ k ≤ 7)."""
    if k <= 0:
        return ()
    if k == 1:
        return (SEQUENTIAL[3][1],)
    if k == 2:
        return (SEQUENTIAL[4][1], SEQUENTIAL[4][3])
    return SEQUENTIAL[min(k, MAX_CLASSES)]


@dataclass(frozen=True)
class Classification:
    """Classes of a measure: upper bounds, the class of each region (-1 = no data), colours.

    Class ``i`` holds the values in ``(bins[i-1], bins[i]]`` (the first starts at
    ``minimum``). ``k`` can be smaller than requested when the data has fewer distinct
    values than classes.
    """

    scheme: str
    k_requested: int
    bins: tuple[float, ...]
    minimum: float
    classes: pd.Series
    colours: tuple[str, ...]

    @property
    def k(self) -> int:
        return len(self.bins)

    def colour_of(self, code: str) -> str | None:
        """The fill colour of a region, ``None`` for no data."""
        c = int(self.classes.get(code, -1))
        return self.colours[c] if c >= 0 else None

    def counts(self) -> list[int]:
        """How many regions fall in each class."""
        vc = self.classes.value_counts()
        return [int(vc.get(i, 0)) for i in range(self.k)]

    @property
    def no_data(self) -> int:
        return int((self.classes < 0).sum())


def classify(
    values: pd.Series, scheme: str = DEFAULT_SCHEME, k: int = DEFAULT_CLASSES
) -> Classification:
    """Classify a measure (Series keyed by region code) with mapclassify.

    NaN values get class -1 (no data). When the data has fewer distinct values than ``k``
    (counts with many zeros, say), the classes are merged rather than left empty.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme '{scheme}'; known: {', '.join(SCHEMES)}")
    data = values.dropna().astype("float64")
    if data.empty:
        classes = pd.Series(-1, index=values.index, dtype="int64")
        return Classification(scheme, k, (), float("nan"), classes, ())
    k_eff = max(1, min(int(k), int(data.nunique()), MAX_CLASSES))
    numbers = data.to_numpy()
    bins = np.array([data.max()]) if k_eff == 1 else BREAKS.breaks(numbers, scheme, k_eff)
    bins[-1] = max(bins[-1], data.max())
    idx = np.searchsorted(bins, numbers, side="left").clip(0, len(bins) - 1)
    classes = pd.Series(-1, index=values.index, dtype="int64")
    classes.loc[data.index] = idx
    return Classification(
        scheme,
        int(k),
        tuple(float(b) for b in bins),
        float(data.min()),
        classes,
        sequential_colours(len(bins)),
    )


def mapclassify_breaks(values: np.ndarray, scheme: str, k: int) -> np.ndarray:
    """The distinct upper bounds of mapclassify's ``scheme`` for ``values`` in ``k``
    classes (sorted; fewer than ``k`` when breaks coincide)."""
    classifier = getattr(importlib.import_module("mapclassify"), CLASSIFIERS[scheme])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.unique(np.asarray(classifier(values, k=k).bins, dtype="float64"))


BreaksKey = tuple[str, str, int]
"""What breaks depend on: the SHA-256 of the values (float64 bytes), the scheme and k."""


class BreaksMemo:
    """Breaks computed by ``compute`` (:func:`mapclassify_breaks`), remembered in the
    process and in the user cache under ``name``, keyed by the values, scheme and k; the
    cache entry's own key is this module's source and the versions of the libraries that
    compute breaks, so a new release of either is computed afresh. The ``kept`` most
    recent classifications are kept (a few hundred bytes each). Safe to use from the
    server's session threads; the cache is an optimisation only (see
    :mod:`geo.base.cache`)."""

    PACKAGES = ("mapclassify", "numpy", "scipy", "scikit-learn")

    def __init__(
        self,
        name: str = "class_breaks",
        kept: int = 512,
        compute: Callable[[np.ndarray, str, int], np.ndarray] = mapclassify_breaks,
    ) -> None:
        self.name, self.kept, self.compute = name, kept, compute
        self._known: dict[BreaksKey, tuple[float, ...]] | None = None
        self._lock = threading.Lock()

    def _parts(self) -> list[str]:
        return [cache.file_digest(__file__), cache.package_versions(self.PACKAGES)]

    def _memo(self) -> dict[BreaksKey, tuple[float, ...]]:
        """The classifications known (read from the user cache on first use)."""
        if self._known is None:
            hit, value = cache.load(self.name, self._parts(), lambda v: isinstance(v, dict))
            self._known = value if hit else {}  # type: ignore[assignment]
        assert self._known is not None
        return self._known

    def breaks(self, values: np.ndarray, scheme: str, k: int) -> np.ndarray:
        """The breaks of ``values`` (float64) in ``k`` classes of ``scheme``."""
        key: BreaksKey = (hashlib.sha256(values.tobytes()).hexdigest(), scheme, k)
        with self._lock:
            known = self._memo().get(key)
        if known is not None:
            return np.array(known, dtype="float64")
        bins = self.compute(values, scheme, k)
        with self._lock:
            memo = self._memo()
            memo[key] = tuple(float(b) for b in bins)
            for old in list(memo)[: max(0, len(memo) - self.kept)]:
                del memo[old]
            cache.store(self.name, self._parts(), dict(memo))
        return bins


BREAKS = BreaksMemo()
"""The breaks every classification uses."""


def scheme_label(scheme: str, lang: str = "en") -> str:
    """The name of a classification scheme in ``lang``."""
    return i18n.translator(lang)(SCHEMES[scheme])


def _bound(value: float, decimals: int, lang: str) -> str:
    """A class bound: English with narrow no-break spaces between thousands (as before),
    other languages as their locale writes numbers (decimal comma in Russian)."""
    if lang == "en":
        return f"{value:,.{decimals}f}".replace(",", "\u202f")
    return i18n.format_number(value, lang, decimals)


def class_labels(classification: Classification, decimals: int, lang: str = "en") -> list[str]:
    """Readable class ranges, e.g. ``"0.06 – 0.20"`` (``"0,06 – 0,20"`` in Russian);
    integer measures as ``"1 – 4"``."""
    labels = []
    for i, upper in enumerate(classification.bins):
        if decimals == 0:
            lo = classification.minimum if i == 0 else math.floor(classification.bins[i - 1]) + 1
            lo_i, hi_i = int(math.ceil(lo)), int(math.floor(upper))
            lo_t, hi_t = _bound(lo_i, 0, lang), _bound(hi_i, 0, lang)
            labels.append(lo_t if lo_i >= hi_i else f"{lo_t} – {hi_t}")
        else:
            lo = classification.minimum if i == 0 else classification.bins[i - 1]
            labels.append(f"{_bound(lo, decimals, lang)} – {_bound(upper, decimals, lang)}")
    return labels
