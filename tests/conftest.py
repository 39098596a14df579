"""Test-session isolation: the app's registry store lives in a temporary directory.

Pages open the store named by ``CLUSTERMAP_DATABASE_URL`` (else a SQLite file in
``CLUSTERMAP_STATE_DIR``). Tests must neither read a developer's store nor leave one
behind, so both are pointed at a fresh directory for the whole run; tests that need a
store of their own set the URL with ``monkeypatch``. Browser tests start the app in a
subprocess, which inherits this environment.

The command line speaks the language of the shell's locale; tests that read its English
output pin ``CLUSTERMAP_LANG=en`` so they pass in a Russian-locale shell too.
"""

from __future__ import annotations

import os
import tempfile

from geo.base import i18n
from geo.registry import store


def pytest_configure(config) -> None:  # noqa: ARG001 - pytest's hook signature
    state = tempfile.mkdtemp(prefix="clustermap-test-state-")
    os.environ[store.ENV_STATE_DIR] = state
    os.environ.pop(store.ENV_DATABASE_URL, None)
    os.environ[i18n.CLI_LANG_ENV] = "en"
