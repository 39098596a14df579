"""The pages Submit a cluster, My clusters and Moderation under AppTest: the loop of a new
cluster (submit, send back, correct and resubmit, approve) through the pages, what each
page offers to whom, a careless Moderation page refused by geo, and the audit log with
its download for admins. (Every page also runs in both languages in test_app_pages.)"""

from __future__ import annotations

import pytest

from geo.base import i18n
from geo.registry import auth, forms, store, submissions
from tests.support import browser_pages as bp, serve
from tests.test_accounts import FAST, PW
from tests.test_app_edit import open_page, sign_in, texts
from tests.test_browser import APP_IDLE

sync_api, browser = bp.sync_api, bp.browser  # the shared browser fixtures (module scope)

NEW_PREFIX = f"submit_{forms.NEW}"


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The app's store with an admin ``root``, a moderator ``mod`` and a submitter ``sub``
    managing PIC-01."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.delenv(auth.ENV_EDITORS, raising=False)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", FAST)
    db = store.Store.open(url)
    db.accounts.iterations = FAST
    operator = db.accounts.operator("test")
    for name, roles in {"root": ["admin"], "mod": ["moderator"], "sub": ["submitter"]}.items():
        db.accounts.add(operator, name, PW, roles, clusters=["PIC-01"] if name == "sub" else ())
    return db


def as_user(page: str, who: str | None, lang: str = "en"):
    at = open_page(page, lang)
    button = i18n.translator(lang)("Sign in")
    return at if who is None else sign_in(at, who, PW, button=button)


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def status(db: store.Store, number: int) -> str:
    with db.engine.connect() as conn:
        query = "SELECT status FROM submissions WHERE id = :id"
        return conn.exec_driver_sql(query.replace(":id", str(int(number)))).scalar_one()


def test_the_loop_through_the_pages(site):
    head = site.head()
    at = as_user("submit", "sub")
    values = {"name_en": "Kazan photonics", "city": "Kazan", "region_as_published": "RU-TA",
              "source_ref": "the cluster's site"}  # fmt: skip
    for column, value in values.items():
        at.text_input(key=f"{NEW_PREFIX}_{column}").input(value)
    assert not any(w.key == f"{NEW_PREFIX}_org_level" for w in at.selectbox)  # moderator-only
    click(at, "Send for review")
    assert "Submission 1 sent" in texts(at) and status(site, 1) == "submitted"
    assert site.head() == head  # not on the map yet

    at = as_user("moderation", "mod")
    assert "Kazan photonics" in at.dataframe[0].value.to_string()
    at.text_area(key="questions_1").input("Which year was it founded?")
    click(at, "Send back")
    assert "submission 1 is sent back" in texts(at) and status(site, 1) == "sent_back"

    at = as_user("my_clusters", "sub")
    assert "Which year was it founded" in texts(at)
    at.text_area(key="resubmit_1_notes").input("founded in 2019")
    click(at, "Resubmit")
    assert "Submission 1 sent" in texts(at) and status(site, 1) == "submitted"

    at = as_user("moderation", "mod")
    click(at, "Approve")
    assert f"version {head + 1}" in texts(at) and status(site, 1) == "approved"
    new = [e for e in site.state()["clusters"].values() if e.values["name_en"] == "Kazan photonics"]
    assert new and new[0].values["notes"] == "founded in 2019"

    at = as_user("moderation", "root")
    log = at.dataframe[-1].value
    assert list(log["action"]) == ["submitted", "sent back", "resubmitted", "approved"]
    assert any(b.label == "Download the audit log (CSV)" for b in at.get("download_button"))


@pytest.mark.parametrize(
    ("page", "who", "hidden"),
    [
        ("submit", None, {"Send for review"}),
        ("moderation", None, {"Approve", "Reject", "Send back"}),
        ("moderation", "sub", {"Approve", "Reject", "Send back"}),
        ("my_clusters", None, {"Resubmit", "Withdraw"}),
    ],
)
def test_pages_offer_no_step_to_whoever_may_not_take_it(site, page, who, hidden):
    subs = submissions.Submissions(site)
    sub = site.accounts.sign_in("sub", PW).principal
    subs.submit(sub, {"clusters": [{"participants": "5"}]}, "PIC-01")
    at = as_user(page, who)
    assert not {b.label for b in at.button} & hidden
    assert not any("Audit log" in h.value for h in at.header)


def test_a_moderator_sees_no_audit_log_and_reviews_no_own_submission(site):
    subs = submissions.Submissions(site)
    mod = site.accounts.sign_in("mod", PW).principal
    subs.submit(mod, {"clusters": [{"participants": "5"}]}, "PIC-01")
    at = as_user("moderation", "mod")
    assert not any("Audit log" in h.value for h in at.header)
    click(at, "Approve")
    assert "own submission" in texts(at) and status(site, 1) == "submitted"


def test_a_submitter_on_a_careless_moderation_page_is_refused_by_geo(site, monkeypatch):
    subs = submissions.Submissions(site)
    root = site.accounts.sign_in("root", PW).principal
    subs.submit(root, {"clusters": [{"participants": "5"}]}, "PIC-01")
    monkeypatch.setattr(auth, "can", lambda *args, **kwargs: True)
    at = as_user("moderation", "sub")
    assert "may not do this" in texts(at)
    assert status(site, 1) == "submitted" and site.head() == 1


def test_the_submit_page_in_russian(site):
    at = as_user("submit", "sub", "ru")
    assert "Предложить кластер" in at.title[0].value


# --------------------------------------------------------------------------- in a browser


def browser_sign_in(page, url: str, user: str) -> None:
    """Open ``url`` in a fresh session and sign in as ``user``."""
    page.goto(url)
    page.wait_for_selector(APP_IDLE)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_label("User name").fill(user)
    sidebar.get_by_label("Password", exact=True).fill(PW)
    sidebar.get_by_role("button", name="Sign in", exact=True).click()
    sidebar.get_by_text(f"Signed in as {user}").wait_for()
    page.wait_for_selector(APP_IDLE)


def visit(browser, outside: list[str], url: str, user: str | None = None):
    page = bp.guarded_page(browser, outside, timeout_ms=90_000)  # a fresh server, a busy machine
    if user is None:
        page.goto(url)
        page.wait_for_selector(APP_IDLE)
    else:
        browser_sign_in(page, url, user)
    return page


@pytest.fixture
def cli_site(tmp_path, monkeypatch):
    """The app's store: an admin and a moderator added on the command line, and a
    manager's account requested (as on Request an account) and accepted by the admin."""
    from geo.cli import commands

    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setenv("CLUSTERMAP_STATE_DIR", str(tmp_path))
    monkeypatch.delenv(auth.ENV_EDITORS, raising=False)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", FAST)
    monkeypatch.setenv("CLUSTERMAP_PASSWORD", PW)
    assert commands.main(["users", "add", "root", "--role", "admin"]) == 0
    assert commands.main(["users", "add", "mod", "--role", "moderator"]) == 0
    db = store.Store.open(url)
    db.accounts.request("manager", PW, display_name="Manager", email="m@example.org")
    admin = db.accounts.sign_in("root", PW).principal
    db.accounts.accept(admin, "manager")
    return db, admin


def submit_in_browser(page, name: str) -> None:
    """Fill in Submit a cluster and send it."""
    for label, value in {"Name (English)": name, "City": "Kazan",
                         "Region (code or any known name)": "RU-TA",
                         "Where in the source": "the cluster's site"}.items():  # fmt: skip
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Send for review").click()
    page.get_by_text("Submission 1 sent").wait_for()


@pytest.mark.browser
def test_in_a_browser_a_cluster_goes_from_submission_to_the_registry(cli_site, browser):
    """An admin made on the command line; a manager's account requested and accepted by a
    moderator; the manager submits a cluster, which the public registry does not show; the
    moderator sends it back, the manager corrects it, the moderator approves it; the
    registry shows it, and the admin's audit log lists every step."""
    db, admin = cli_site
    name = "Kazan photonics browser cluster"
    outside: list[str] = []
    with serve.served_app(timeout_s=90) as app:
        page = visit(browser, outside, app.url + "/submit?lang=en", "manager")
        submit_in_browser(page, name)
        public = visit(browser, outside, app.url + "/registry?lang=en")
        assert name not in public.content()
        public.context.close()

        moderator = visit(browser, outside, app.url + "/moderation?lang=en", "mod")
        moderator.get_by_label("Questions for the submitter").fill("Which year was it founded?")
        moderator.get_by_role("button", name="Send back").click()
        moderator.get_by_text("submission 1 is sent back").wait_for()

        page.goto(app.url + "/my-clusters?lang=en")
        page.wait_for_selector(APP_IDLE)
        page.get_by_text("Which year was it founded").wait_for()
        page.get_by_label("Notes").fill("founded in 2019")
        page.get_by_role("button", name="Resubmit").click()
        page.get_by_text("Submission 1 sent").wait_for()

        moderator.goto(app.url + "/moderation?lang=en")
        moderator.wait_for_selector(APP_IDLE)
        moderator.get_by_role("button", name="Approve").click()
        moderator.get_by_text("Submission 1 approved").wait_for()

        public = visit(browser, outside, app.url + "/registry?lang=en")
        public.get_by_text(name).first.wait_for(state="attached")  # a cell of the grid
        audit = visit(browser, outside, app.url + "/moderation?lang=en", "root")
        audit.get_by_text("Audit log").wait_for()
        for context in {p.context for p in (page, moderator, public, audit)}:
            context.close()
    log = submissions.Submissions(db).audit(admin)
    assert list(log["action"]) == ["submit", "send_back", "resubmit", "approve"]
    assert list(log["actor"]) == ["manager", "mod", "manager", "mod"]
    assert outside == []
