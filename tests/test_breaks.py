"""Class breaks without mapclassify (``geo.render.breaks``): the same breaks as
mapclassify, bit for bit, on every measure of the published and a synthetic dataset,
every scheme and 2–7 classes, and on random data (mapclassify is a test dependency only)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from geo.analysis import measures
from geo.render import breaks, classify

mapclassify = pytest.importorskip("mapclassify")

CLASSIFIERS = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}


def samples(data, synthetic) -> list[np.ndarray]:
    """Every measure's values, plus random and tied data."""
    found = []
    for dataset in (data, synthetic):
        table = measures.measure_table(dataset)
        found += [table[c].dropna().astype("float64").to_numpy() for c in table.columns]
    rng = np.random.default_rng(0)
    found += [rng.lognormal(size=n) for n in (5, 20, 85)]
    found += [rng.integers(0, 4, 85).astype(float) for _ in range(3)]
    return [values for values in found if len(values)]


def test_the_schemes_are_the_classifys_schemes():
    assert set(breaks.BREAKS) == set(classify.SCHEMES)


def test_breaks_equal_mapclassifys_bit_for_bit(data, synthetic):
    checked = 0
    for values in samples(data, synthetic):
        for scheme, classifier in CLASSIFIERS.items():
            for k in range(2, 8):
                if len(np.unique(values)) < k:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    want = np.unique(np.asarray(classifier(values, k=k).bins, dtype="float64"))
                got = np.unique(np.asarray(breaks.BREAKS[scheme](values, k), dtype="float64"))
                assert want.tobytes() == got.tobytes(), (scheme, k, want, got)
                checked += 1
    assert checked > 100


def test_fisher_jenks_refuses_more_classes_than_values():
    with pytest.raises(ValueError, match="fewer distinct values"):
        breaks.fisher_jenks_breaks(np.array([1.0, 1.0, 2.0]), 3)


def test_the_map_pipeline_does_not_import_mapclassify_scipy_or_sklearn():
    import subprocess
    import sys

    code = (
        "import sys; import geo.render.maps, geo.render.classify\n"
        "heavy = {'mapclassify', 'scipy', 'sklearn'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
