"""What a page, a server start and the export table load before they need it (issue 18).

Not timing assertions (speed is measured by ``benchmarks/first_view.py`` and
``benchmarks/bench_cli.py``): these keep the heavy libraries off the landing map's start —
mapclassify (which imports SciPy's statistics, scikit-learn and matplotlib's pyplot) once
the classes are in the user cache, and matplotlib until a static map is exported — and
check that the shortcuts give exactly what the libraries give.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.base import cache
from geo.render import classify
from geo.render.exports import formats

ROOT = Path(__file__).resolve().parent.parent
HEAVY = {"mapclassify", "scipy", "sklearn", "matplotlib"}


def modules_after(code: str, cache_dir: Path) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running ``code``
    (with the user cache in ``cache_dir``)."""
    report = "import sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    probe = code + "\n" + report
    env_code = f"import os; os.environ['{cache.ENV_CACHE_DIR}'] = {str(cache_dir)!r}\n"
    result = subprocess.run(
        [sys.executable, "-c", env_code + probe],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


class CountingBreaks:
    """``mapclassify_breaks`` that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, values: np.ndarray, scheme: str, k: int) -> np.ndarray:
        self.calls += 1
        return classify.mapclassify_breaks(values, scheme, k)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_CACHE_DIR, str(home))
    return home


VALUES = np.array([0.3, 1.0, 2.5, 2.5, 4.0, 7.5, 9.0, 12.0, 40.0, 41.0, 100.0])


@pytest.mark.parametrize("scheme", list(classify.SCHEMES))
def test_remembered_breaks_are_mapclassifys(cache_home, scheme):
    import mapclassify

    compute = CountingBreaks()
    memo = classify.BreaksMemo("test_breaks", compute=compute)
    first = memo.breaks(VALUES, scheme, 4)
    again = memo.breaks(VALUES, scheme, 4)
    later = classify.BreaksMemo("test_breaks", compute=compute).breaks(VALUES, scheme, 4)
    assert compute.calls == 1, "computed once: the process, then the user cache remember it"
    direct = getattr(mapclassify, classify.CLASSIFIERS[scheme])(VALUES, k=4).bins
    for bins in (first, again, later):
        np.testing.assert_array_equal(bins, np.unique(np.asarray(direct, dtype="float64")))
    assert memo.breaks(VALUES * 2, scheme, 4)[-1] == 200.0 and compute.calls == 2
    assert memo.breaks(VALUES, scheme, 3) is not None and compute.calls == 3


def test_every_scheme_names_a_mapclassify_classifier():
    import mapclassify

    assert set(classify.CLASSIFIERS) == set(classify.SCHEMES)
    assert all(callable(getattr(mapclassify, name)) for name in classify.CLASSIFIERS.values())


def test_breaks_are_recomputed_when_the_library_changes(cache_home, monkeypatch):
    compute = CountingBreaks()
    classify.BreaksMemo("test_breaks", compute=compute).breaks(VALUES, "quantiles", 5)
    monkeypatch.setattr(classify.BreaksMemo, "PACKAGES", ("mapclassify", "numpy", "pandas"))
    classify.BreaksMemo("test_breaks", compute=compute).breaks(VALUES, "quantiles", 5)
    assert compute.calls == 2


def test_a_corrupt_cache_only_costs_a_recomputation(cache_home):
    compute = CountingBreaks()
    expected = classify.BreaksMemo("test_breaks", compute=compute).breaks(VALUES, "quantiles", 5)
    for entry in cache_home.glob("test_breaks-*.pickle"):
        entry.write_bytes(b"\x80 not a pickle")
    got = classify.BreaksMemo("test_breaks", compute=compute).breaks(VALUES, "quantiles", 5)
    np.testing.assert_array_equal(got, expected)
    assert compute.calls == 2


def test_the_memo_keeps_only_the_latest_classifications(cache_home):
    memo = classify.BreaksMemo("test_breaks", kept=3)
    for i in range(5):
        memo.breaks(VALUES + i, "equal_interval", 3)
    hit, kept = cache.load("test_breaks", memo._parts(), lambda v: isinstance(v, dict))
    assert hit and len(kept) == 3


def test_a_process_with_the_classes_in_its_cache_does_not_import_mapclassify(tmp_path):
    code = (
        "import pandas as pd\n"
        "from geo.render import classify\n"
        "values = pd.Series([1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0], index=list('abcdefg'))\n"
        "print(classify.classify(values, 'natural_breaks', 4).bins)\n"
    )
    assert "mapclassify" in modules_after(code, tmp_path)  # the first time computes
    assert modules_after(code, tmp_path) & HEAVY == set()


def test_classify_uses_the_memo_and_keeps_the_classes(cache_home, monkeypatch):
    compute = CountingBreaks()
    monkeypatch.setattr(classify, "BREAKS", classify.BreaksMemo("test_breaks", compute=compute))
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 10.0, 20.0], index=list("abcdef"))
    first, second = (classify.classify(values, "quantiles", 3) for _ in range(2))
    assert compute.calls == 1
    assert first.bins == second.bins and first.classes.equals(second.classes)


# --- the export table ----------------------------------------------------------------------


def test_the_export_table_names_functions_that_exist():
    for entry in formats.ENTRIES:
        assert isinstance(entry.renderer, str), f"{entry.key}: shipped entries are paths"
        assert callable(entry.function()), entry.key


def test_the_export_table_loads_no_static_map_machinery(tmp_path):
    loaded = modules_after("from geo.render.exports import formats", tmp_path)
    assert loaded & {"matplotlib", "pyogrio", "openpyxl"} == set()


# --- the landing map -----------------------------------------------------------------------

PAGE = """
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=600)
at.query_params["lang"] = "en"
at.run()
assert not at.exception, [e.message for e in at.exception]
assert len(at.get("component_instance")) == 1
"""


def test_a_restarted_server_draws_the_landing_map_without_the_heavy_libraries(tmp_path):
    """The first visit after a restart (store and user cache exist) loads neither
    mapclassify (its classes are cached) nor matplotlib (no static map was asked for)."""
    code = PAGE.format(app=str(ROOT / "streamlit_app.py"))
    modules_after(code, tmp_path)  # the first start ever fills the cache
    assert modules_after(code, tmp_path) & HEAVY == set()
