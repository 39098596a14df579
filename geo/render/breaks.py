"""Class breaks of a choropleth: quantiles, equal intervals and Fisher–Jenks natural breaks.

The same breaks as mapclassify 2.10's ``Quantiles``, ``EqualInterval`` and ``FisherJenks``
(``tests/test_breaks.py`` compares them bit for bit on every measure of the published and
synthetic data, every scheme and 2–7 classes), in numpy alone: importing mapclassify
loads scipy, scikit-learn and matplotlib, about half of the app's cold start and of every
command that draws a map. :func:`geo.render.classify.classify` picks one through
:data:`BREAKS`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def _score_at_percentile(ordered: np.ndarray, percent: float) -> float:
    """``scipy.stats.scoreatpercentile(..., interpolation_method="fraction")`` of sorted
    values, exactly (mapclassify's quantiles use it)."""
    position = percent / 100.0 * (len(ordered) - 1)
    i = int(position)
    if i == position:
        return float(ordered[i])
    weights = np.array([(i + 1 - position), (position - i)], float)
    return float(np.add.reduce(ordered[i : i + 2] * weights) / weights.sum())


def quantile_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes holding (about) equal numbers of values."""
    width = 100.0 / k
    percents = np.arange(width, 100 + width, width)
    percents[-1] = min(percents[-1], 100.0)
    ordered = np.sort(np.asarray(values, dtype="float64"))
    return np.unique(np.array([_score_at_percentile(ordered, p) for p in percents]))


def equal_interval_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of ``k`` classes of equal width from the minimum to the maximum."""
    high, low = max(values), min(values)
    width = (high - low) * 1.0 / k
    cuts = np.arange(low + width, high + width, width)[:k]
    cuts[-1] = high
    return cuts.copy()


def fisher_jenks_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Upper bounds of the ``k`` classes that minimise the within-class squared deviation
    (Fisher 1958; Jenks' optimal method): mapclassify's dynamic programme, float32
    accumulation included, so the breaks are identical."""
    ordered = np.sort(np.asarray(values)).astype("f8")
    if len(np.unique(ordered)) < k:
        raise ValueError(f"fewer distinct values ({len(np.unique(ordered))}) than classes ({k})")
    lower, cost = _fisher_jenks_tables(ordered, k)
    n = len(ordered)
    bounds = np.zeros(k + 1, dtype=ordered.dtype)
    bounds[k], bounds[0] = ordered[n - 1], ordered[0]
    row = n
    for count in range(k, 1, -1):
        pivot = lower[row, count]
        bounds[count - 1] = ordered[int(pivot - 2)]
        row = int(pivot - 1)
    return np.delete(bounds, 0)


def _fisher_jenks_tables(ordered: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The lower-class-limit and variance tables of Fisher's dynamic programme."""
    n = len(ordered)
    lower = np.zeros((n + 1, k + 1), dtype=np.int32)
    cost = np.zeros((n + 1, k + 1), dtype=np.float32)
    lower[1, 1:] = 1
    cost[2:, 1:] = np.inf
    variance = np.float32(0)
    for last in range(2, n + 1):
        s1 = s2 = weight = np.float32(0)
        for m in range(1, last + 1):
            first = last - m + 1
            value = np.float32(ordered[first - 1])
            s2 += value * value
            s1 += value
            weight += np.float32(1)
            variance = s2 - (s1 * s1) / weight
            before = first - 1
            if before != 0:
                for j in range(2, k + 1):
                    if cost[last, j] >= (variance + cost[before, j - 1]):
                        lower[last, j] = first
                        cost[last, j] = variance + cost[before, j - 1]
        lower[last, 1] = 1
        cost[last, 1] = variance
    return lower, cost


BREAKS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "quantiles": quantile_breaks,
    "natural_breaks": fisher_jenks_breaks,
    "equal_interval": equal_interval_breaks,
}
"""The break function of each scheme of :data:`geo.render.classify.SCHEMES`."""
