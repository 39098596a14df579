"""mypy over geo/, with the settings of ``[tool.mypy]`` in pyproject.toml.

Run as a subprocess so that CI's one pytest command type-checks the package too. Slow
(a minute or more on a cold cache): ``pytest -m "not slow"`` leaves it out.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_finds_no_error_in_geo(tmp_path_factory):
    if importlib.util.find_spec("mypy") is None:
        pytest.fail('mypy is not installed: pip install -e ".[dev]"')
    cache = tmp_path_factory.mktemp("mypy-cache")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, f"mypy found errors:\n{result.stdout}{result.stderr}"
