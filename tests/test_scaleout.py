"""Scale-out (issue 15): two app servers on one PostgreSQL store.

Two ``streamlit run`` processes on different ports share the store named by
``CLUSTERMAP_DATABASE_URL``; each has its own caches. An import through one server's import
page, and one through the command line, must show in the other server's next page view:
the pages key their cached dataset by the store's head version (``ui.dataset``), which
every run reads from the store, so a new version is a new cache entry in every process.

The store is a schema of its own in the test database (``CLUSTERMAP_TEST_POSTGRES_URL``,
``search_path`` set in the URL), created and dropped by the test through the database's
owner, so the test neither needs another database nor touches the other tests' tables.
Without PostgreSQL or Chromium the test is skipped, unless ``CLUSTERMAP_REQUIRE_POSTGRES=1``
or ``CLUSTERMAP_REQUIRE_BROWSER=1`` (CI) makes that a failure. The served apps' logs must
stay free of tracebacks (:func:`tests.support.serve.served_app`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.base import i18n
from geo.base.paths import PROJECT_ROOT
from geo.registry import auth, forms, store
from tests.support import browser_pages as bp, serve
from tests.support.browser_pages import APP_IDLE, guarded_page
from tests.test_store import CLUSTER_HEADER as HEADER  # the clusters file header

pytestmark = pytest.mark.browser
sync_api, browser = bp.sync_api, bp.browser  # the shared fixtures

PG_ENV = "CLUSTERMAP_TEST_POSTGRES_URL"
REQUIRE_PG = os.environ.get("CLUSTERMAP_REQUIRE_POSTGRES") == "1"
USER, PASSWORD = "bob", "scale-out test password"

PAGE_CLUSTER = ("CL-0201", "Scale-out page test cluster")
CLI_CLUSTER = ("CL-0202", "Scale-out command-line test cluster")


def cluster_file(path: Path, cluster_id: str, name: str) -> Path:
    """A one-row clusters file adding ``cluster_id`` (a test record, marked as such)."""
    path.write_text(
        HEADER + f"{cluster_id},{name},Тестовый кластер,Kazan,RU-TA,n/a,testing,n/a,n/a,12,"
        "n/a,n/a,n/a,n/a,n/a,registry,scale-out test file,\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def shared_store() -> Iterator[str]:
    """The URL of an empty store in a fresh schema of the PostgreSQL test database; the
    schema is dropped afterwards."""
    pg = os.environ.get(PG_ENV)
    if not pg:
        if REQUIRE_PG:
            pytest.fail(f"{PG_ENV} is not set but CLUSTERMAP_REQUIRE_POSTGRES=1")
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    schema = f"scaleout_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(pg)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.engine.make_url(pg).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


def local_page(browser, outside: list[str]):
    """A page in a fresh context (a new app session); requests leaving localhost are
    aborted and recorded in ``outside``."""
    return guarded_page(browser, outside, 1400, 1000, "en-US")


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def shows_version(page, version: int) -> None:
    """Wait until the sidebar says the page shows the registry's ``version`` (a caption in
    the collapsed "Dataset" expander: in the page, not visible)."""
    line = sidebar(page).get_by_text(re.compile(rf"^Shown: registry v{version} \("))
    line.wait_for(state="attached")


def registry_lists(page, shown: int) -> None:
    """Wait until the registry page says it lists ``shown`` of ``shown`` clusters."""
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(f"{shown} of {shown} clusters", exact=True).wait_for()


def go_to(page, path: str) -> None:
    """The next page view in the same session: the sidebar's link to ``path``."""
    sidebar(page).locator(f"a[data-testid='stSidebarNavLink'][href$='{path}']").first.click()
    page.wait_for_function("p => location.pathname === p", arg=path)
    page.wait_for_selector(APP_IDLE)


def import_through_the_page(page, url: str, file: Path) -> None:
    """Sign in on the import page of the server at ``url`` and import ``file``."""
    page.goto(url + "/import?lang=en")
    page.wait_for_selector(APP_IDLE)
    side = sidebar(page)
    side.get_by_role("textbox", name="User name", exact=True).fill(USER)
    side.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    side.get_by_role("button", name="Sign in").click()
    side.get_by_text(f"Signed in as {USER}").wait_for()
    page.wait_for_selector(APP_IDLE)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(file)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(forms.IMPORT_TEXT["changes"]).wait_for()  # the changes table is shown
    page.wait_for_selector(APP_IDLE)
    main.get_by_role("button", name=forms.IMPORT_TEXT["import_button"]).click()
    main.get_by_text("Saved as version 2.").wait_for()
    page.wait_for_selector(APP_IDLE)


def import_through_the_cli(env: dict[str, str], file: Path) -> str:
    """``clustermap import clusters FILE --user bob`` with the servers' store; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "geo", "import", "clusters", str(file), "--user", USER],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env, "CLUSTERMAP_PASSWORD": PASSWORD, i18n.CLI_LANG_ENV: "en"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_an_import_through_one_server_shows_in_the_others_next_page_view(
    browser, shared_store, tmp_path
):
    env = {
        store.ENV_DATABASE_URL: shared_store,
        auth.ENV_EDITORS: f"{USER}:{auth.hash_password(PASSWORD, iterations=1000)}",
    }
    outside: list[str] = []
    with serve.served_app(env=env) as one, serve.served_app(env=env) as two:
        assert one.url != two.url
        reader = local_page(browser, outside)  # a session on server two, open throughout
        reader.goto(two.url + "/registry?lang=en")
        reader.wait_for_selector(APP_IDLE)
        shows_version(reader, 1)  # seeded: the published records
        registry_lists(reader, 30)

        # An editor imports a cluster through server one's import page.
        editor = local_page(browser, outside)
        import_through_the_page(editor, one.url, cluster_file(tmp_path / "page.csv", *PAGE_CLUSTER))

        # Server two's next page view, in the session opened before the import, shows it.
        go_to(reader, "/")
        go_to(reader, "/registry")
        shows_version(reader, 2)
        registry_lists(reader, 31)
        fresh = local_page(browser, outside)  # and a new session on server two
        fresh.goto(two.url + f"/cluster?id={PAGE_CLUSTER[0]}&lang=en")
        fresh.get_by_role("heading", name=PAGE_CLUSTER[1]).wait_for()

        # An import through the command line shows in both servers' next page views.
        out = import_through_the_cli(env, cluster_file(tmp_path / "cli.csv", *CLI_CLUSTER))
        assert "version 3: 1 added" in out
        for page in (reader, editor):
            go_to(page, "/")
            go_to(page, "/registry")
            shows_version(page, 3)
            registry_lists(page, 32)
        for page in (reader, editor, fresh):
            page.context.close()
    assert outside == []
