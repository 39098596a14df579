"""Fixtures shared by the whole suite, and test-session isolation.

Isolation: the app's registry store and the user cache of derived data
(``geo.base.cache``) live in temporary directories. Pages open the store
named by ``CLUSTERMAP_DATABASE_URL`` (else a SQLite file in ``CLUSTERMAP_STATE_DIR``).
Tests must neither read a developer's store nor leave one behind, so both are pointed at a
fresh directory for the whole run; tests that need a store of their own set the URL with
``monkeypatch``. Browser tests start the app in a subprocess, which inherits this
environment.

The command line speaks the language of the shell's locale; tests that read its English
output pin ``CLUSTERMAP_LANG=en`` so they pass in a Russian-locale shell too.

Shared fixtures (session-scoped: built once per run, so tests must not modify them):

* ``data``: the published dataset (``geo.registry.sources.load_dataset()``);
* ``synthetic``: a small synthetic dataset (60 clusters, seed 1);
* ``app_path`` and ``app_test``: the app's entry script and a factory of ``AppTest``\\ s
  for it, in English unless told otherwise.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.dataset import Dataset
from geo.base import cache, i18n
from geo.registry import sources, store
from ui import first_view

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
APP_TIMEOUT = 120
"""Seconds an ``AppTest`` run may take (a loaded CI machine is slow)."""

SYNTHETIC_N, SYNTHETIC_SEED = 60, 1


def pytest_configure(config) -> None:  # noqa: ARG001 - pytest's hook signature
    state = tempfile.mkdtemp(prefix="clustermap-test-state-")
    os.environ[store.ENV_STATE_DIR] = state
    os.environ[cache.ENV_CACHE_DIR] = tempfile.mkdtemp(prefix="clustermap-test-cache-")
    os.environ.pop(store.ENV_DATABASE_URL, None)
    os.environ[i18n.CLI_LANG_ENV] = "en"
    # AppTest runs no JavaScript, so no map ever says it is drawn: every run draws the
    # whole page (the map-first run is tested on its own, and by the browser tests).
    os.environ[first_view.ENV] = "full"


@pytest.fixture(scope="session")
def data() -> Dataset:
    """The published dataset, loaded once for the run."""
    return sources.load_dataset()


@pytest.fixture(scope="session")
def synthetic() -> Dataset:
    """A small synthetic dataset (every cluster and link marked synthetic)."""
    return sources.synthetic_dataset(SYNTHETIC_N, SYNTHETIC_SEED)


@pytest.fixture(scope="session")
def app_path() -> str:
    """The app's entry script, as ``AppTest.from_file`` takes it."""
    return str(APP)


@pytest.fixture(scope="session")
def app_test(app_path: str) -> Callable[..., AppTest]:
    """A factory: ``app_test(page=None, lang="en", timeout=APP_TIMEOUT)`` gives a fresh,
    not yet run ``AppTest`` of the app, switched to ``page`` (e.g. ``"app_pages/mne.py"``)
    when given, with ``?lang=`` set unless ``lang`` is None."""

    def make(page: str | None = None, lang: str | None = "en", timeout: float = APP_TIMEOUT):
        at = AppTest.from_file(app_path, default_timeout=timeout)
        if lang is not None:
            at.query_params["lang"] = lang
        if page is not None:
            at.switch_page(page)
        return at

    return make
