"""The methodology facts as JSON (``/methodology``): Equation 1, the indicators and
weights of both indices, their comparison groups and policies, the scenario thresholds,
and the published against the recomputed index of every cluster and region, as the
Methodology page and ``clustermap indices`` compute them (``geo.analysis``)."""

from __future__ import annotations

import inspect
from typing import Any

from geo.analysis import indices
from geo.analysis.dataset import Dataset, index_comparison
from geo.api.compiled import records

EQUATION = "I_i = sqrt( sum_j ( a_j * x_ij / max_k(a_j * x_kj) )^2 ), k over the group of i"
"""Equation 1 of papers 001/002 in plain text (``docs/INDICES.md`` explains it)."""


def method_json(method: indices.IndexMethod, tolerance: float) -> dict[str, Any]:
    """An index method: indicators and weights, comparison group, policies, and the
    tolerance within which a recomputed value counts as the published one."""
    return {
        "indicators": [
            {"column": i.column, "label": i.label, "weight": i.weight} for i in method.indicators
        ],
        "groupColumn": method.group_column,
        "weightPlacement": method.weight_placement,
        "missing": method.missing,
        "negatives": method.negatives,
        "attainableMaximum": method.attainable_maximum,
        "publishedTolerance": tolerance,
    }


def thresholds() -> dict[str, float]:
    """The scenario thresholds the dataset was computed with (``scenario_table``'s
    defaults, read from its signature so they cannot drift)."""
    defaults = inspect.signature(indices.scenario_table).parameters
    return {
        "clusterThreshold": float(defaults["cluster_threshold"].default),
        "regionThreshold": float(defaults["region_threshold"].default),
    }


def methodology_document(data: Dataset) -> dict[str, Any]:
    """Weights, thresholds, scenario counts and published vs recomputed indices."""
    scenarios = data.clusters[["scenario"]].fillna("not assessed")
    return {
        "equation": EQUATION,
        "clusterIndex": method_json(indices.CLUSTER_METHOD, indices.CLUSTER_PUBLISHED_TOLERANCE),
        "regionIndex": method_json(indices.REGION_METHOD, indices.REGION_PUBLISHED_TOLERANCE),
        "scenarios": {
            **thresholds(),
            "names": list(indices.SCENARIOS),
            "counts": indices.scenario_counts(scenarios),
        },
        "comparison": {
            "clusters": records(index_comparison(data, "clusters", indices.CLUSTER_METHOD)),
            "regions": records(index_comparison(data, "regions", indices.REGION_METHOD)),
        },
    }
