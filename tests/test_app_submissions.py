"""The pages Submit a cluster, My clusters and Moderation under AppTest: the loop of a new
cluster (submit, send back, correct and resubmit, approve) through the pages, what each
page offers to whom, a careless Moderation page refused by geo, and the audit log with
its download for admins. (Every page also runs in both languages in test_app_pages.)"""

from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest

from geo.base import i18n
from geo.registry import auth, forms, store, submissions
from tests.support import browser_pages as bp, serve
from tests.test_accounts import FAST, PW
from tests.test_app_asof import open_page as open_asof_page
from tests.test_app_edit import open_page, sign_in, texts
from tests.test_browser import APP_IDLE
from tests.test_members import _import_members

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
    manager's account requested (as on Request an account) and accepted by the moderator."""
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
    db.accounts.accept(db.accounts.sign_in("mod", PW).principal, "manager")
    return db, db.accounts.sign_in("root", PW).principal


#: Five member organisations, two of them foreign-owned with their HQ country, as typed
#: (pasted) into the member list: its columns in the form's order (member_list.COLUMNS
#: without the hidden membership id).
MEMBER_ROWS = [
    ["", "", "Kazan Optics", "7707083893", "", "company", "medium", "no", "", "Kazan", "RU-TA",
     "founder", "2019", ""],
    ["", "Казанский университет", "Kazan University", "", "", "university", "large", "no", "",
     "Kazan", "RU-TA", "member", "2019", ""],
    ["", "", "Volga Bank", "", "", "financial", "", "no", "", "Kazan", "", "partner", "", ""],
    ["", "", "Jenoptik Rus", "", "HRB 200", "company", "large", "yes", "Germany", "", "",
     "anchor", "2020", ""],
    ["", "", "Haier Photonics", "", "", "company", "", "yes", "China", "", "", "member", "", ""],
]  # fmt: skip
DRAWN = "path.cm-cluster, .cm-group svg"
DRAWN_COUNT = (
    "els => els.reduce((n, e) => n + (e.tagName.toLowerCase() === 'svg' ? "
    "Number(e.dataset.count) : 1), 0)"
)  # as benchmarks/load.py counts them: a group symbol counts what it holds


def paste_members(page, rows: list[list[str]]) -> None:
    """Add ``rows`` to the form's member list as a person pastes them from a spreadsheet:
    one empty row per member (the table's "Add row"), then the rows pasted into its first
    cell (the table's cells are drawn on a canvas: no text box to fill)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    grid.hover()
    for _ in rows:
        page.get_by_role("button", name="Add row").click()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 60, box["y"] + 35 + 17)  # header, then the first row
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("(text) => navigator.clipboard.writeText(text)", to_tsv(rows))
    page.keyboard.press("ControlOrMeta+V")
    page.get_by_text(rows[-1][2]).first.wait_for(state="attached")


def to_tsv(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) for row in rows)


def submit_in_browser(page, name: str) -> None:
    """Fill in Submit a cluster, its member list included, and send it."""
    for label, value in {"Name (English)": name, "City": "Kazan",
                         "Region (code or any known name)": "RU-TA",
                         "Where in the source": "the cluster's site"}.items():  # fmt: skip
        page.get_by_label(label, exact=True).fill(value)
    paste_members(page, MEMBER_ROWS)
    page.get_by_role("button", name="Send for review").click()
    page.get_by_text("Submission 1 sent").wait_for()


def drawn_with_mne(browser, outside: list[str], url: str, expected: int | None = None) -> int:
    """The clusters the public map draws with MNE presence (``mne=with``); when
    ``expected`` is given, polled until it is reached (or the time is up)."""
    page = visit(browser, outside, url + "/?lang=en&mne=with")
    frame = page.frame_locator(bp.MAP_FRAME)
    frame.locator("path.cm-region").first.wait_for()
    frame.locator(".cm-legend details").wait_for()
    count, deadline = -1, time.monotonic() + 60
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        now = int(frame.locator(DRAWN).evaluate_all(DRAWN_COUNT))
        if (expected is None and now == count and now > 0) or now == expected:
            break
        count = now
    page.context.close()
    return now


def export_row(tmp_path, name: str) -> dict[str, str]:
    """The cluster's row of the CSV export of Tatarstan made by ``clustermap export``."""
    from geo.cli import commands

    target = tmp_path / "tatarstan.zip"
    args = ["export", "--territory", "RU-TA", "--format", "csv", "-o", str(target)]
    assert commands.main(args) == 0
    with zipfile.ZipFile(target) as archive:
        member = next(n for n in archive.namelist() if "cluster" in n and n.endswith(".csv"))
        text = archive.read(member).decode("utf-8-sig")
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["name_en"] == name)


def review_loop(browser, outside: list[str], url: str, page) -> list:
    """The moderator sends submission 1 back, the manager (``page``) corrects it with its
    member list kept, the moderator approves it; the pages used."""
    moderator = visit(browser, outside, url + "/moderation?lang=en", "mod")
    moderator.get_by_label("Questions for the submitter").fill("Which year was it founded?")
    moderator.get_by_role("button", name="Send back").click()
    moderator.get_by_text("submission 1 is sent back").wait_for()

    page.goto(url + "/my-clusters?lang=en")
    page.wait_for_selector(APP_IDLE)
    page.get_by_text("Which year was it founded").wait_for()
    page.get_by_text("Haier Photonics").first.wait_for(state="attached")  # the list kept
    page.get_by_label("Notes").fill("founded in 2019")
    page.get_by_role("button", name="Resubmit").click()
    page.get_by_text("Submission 1 sent").wait_for()

    moderator.goto(url + "/moderation?lang=en")
    moderator.wait_for_selector(APP_IDLE)
    moderator.get_by_role("button", name="Approve").click()
    moderator.get_by_text("Submission 1 approved").wait_for()
    return [page, moderator]


def grid_row(browser, outside: list[str], url: str, name: str) -> list[str]:
    """The cells of the row of ``name`` in the first table of the page at ``url`` (a wide
    window: the grid puts only the columns in view in its accessible table)."""
    page = bp.guarded_page(browser, outside, width=3600, timeout_ms=90_000)
    page.goto(url)
    page.wait_for_selector(APP_IDLE)
    row = page.locator("tr", has_text=name).first
    row.wait_for(state="attached")  # a row of the grid (its accessible table)
    cells = row.locator("td").all_inner_texts()
    page.context.close()
    return cells


def submitted_members(db: store.Store, admin) -> list[tuple[str, ...]]:
    """The member rows of submission 1 as stored: (name, type, foreign-owned, HQ country,
    role) of each."""
    payload = submissions.Submissions(db).get(admin, 1).payload
    roles = {m["org_id"]: m.get("role", "") for m in payload["memberships"]}
    return [
        (o.get("name_en", ""), o.get("org_type", ""), o.get("foreign_owned", ""),
         o.get("hq_country", ""), roles[o["org_id"]])
        for o in payload["organisations"]
    ]  # fmt: skip


@pytest.mark.browser
def test_in_a_browser_a_cluster_with_five_members_goes_to_the_registry(cli_site, browser, tmp_path):
    """Issue 16's loop: an admin made on the command line; a manager's account requested
    and accepted by a moderator; the manager submits a cluster with five member
    organisations, two foreign, which the public map and registry do not show; the
    moderator sends it back, the manager corrects it (the member list kept), the moderator
    approves it; the map (clusters with MNE presence), the registry, the region profile
    and the CLI export show it with its member counts, and the audit log lists every step."""
    db, admin = cli_site
    name = "Kazan photonics browser cluster"
    outside: list[str] = []
    with serve.served_app(timeout_s=90) as app:
        page = visit(browser, outside, app.url + "/submit?lang=en", "manager")
        submit_in_browser(page, name)
        assert submitted_members(db, admin) == [
            (r[2], r[5], r[7], r[8], r[11]) for r in MEMBER_ROWS
        ]  # every pasted cell, the choices of the vocabulary columns included
        mne_before = drawn_with_mne(browser, outside, app.url)
        public = visit(browser, outside, app.url + "/registry?lang=en")
        assert name not in public.content()
        public.context.close()

        pages = review_loop(browser, outside, app.url, page)
        assert drawn_with_mne(browser, outside, app.url, mne_before + 1) == mne_before + 1
        search = f"/registry?lang=en&q={name.replace(' ', '+')}"
        cells = grid_row(browser, outside, app.url + search, name)
        assert {"5", "2", "members listed"} <= set(cells), cells
        cells = grid_row(browser, outside, app.url + "/region?code=RU-TA&lang=en", name)
        assert {"5", "2", "members listed"} <= set(cells), cells
        audit = visit(browser, outside, app.url + "/moderation?lang=en", "root")
        audit.get_by_text("Audit log").wait_for()
        for context in {p.context for p in (*pages, audit)}:
            context.close()
    exported = export_row(tmp_path, name)
    assert (exported["participants"], exported["intl_members"]) == ("5", "2")
    assert (exported["participants_basis"], exported["mne_count"]) == ("members listed", "2")
    log = submissions.Submissions(db).audit(admin)
    assert list(log["action"]) == ["submit", "send_back", "resubmit", "approve"]
    assert list(log["actor"]) == ["manager", "mod", "manager", "mod"]
    assert outside == []


# --------------------------------------------------------------------------- a member leaves


def _region_row(cluster: str) -> dict:
    """The region profile's row of ``cluster`` (Moscow region, where PIC-01 is)."""
    at = open_asof_page("region", {"code": "RU-MOS"})
    for frame in at.dataframe:
        table = frame.value
        if "ID" in table.columns and cluster in set(table["ID"].astype(str)):
            return table[table["ID"].astype(str) == cluster].iloc[0].to_dict()
    raise AssertionError(f"{cluster} is in no table of the region profile")


def test_a_deleted_member_row_is_named_then_removed_on_approval(site):
    """Deleting the row of a stored member on the change form: the first press names
    the member and sends nothing; confirmed, the submission removes its membership; the
    comparison lists the removal; the approval ends it in the registry (the organisation
    stays) and in the region profile's count of participants."""
    mod = site.accounts.sign_in("mod", PW).principal
    _import_members(site, site.refs, mod)  # PIC-01 lists five members, MEM-0101..0105
    before = _region_row("PIC-01")
    at = as_user("submit", "sub")
    at.selectbox(key="submit_pick").set_value("PIC-01").run()
    prefix = "submit_PIC-01"
    shown = at.data_editor[0].value
    row = list(shown["name_en"]).index("Kazan University")
    at.session_state[f"{prefix}_members"] = {
        "edited_rows": {}, "added_rows": [], "deleted_rows": [row],
    }  # fmt: skip
    click(at, "Send for review")
    assert "removes 1 member(s) from the cluster: Kazan University" in texts(at)
    assert not submissions.Submissions(site).queue(mod)  # nothing sent yet
    at.checkbox(key=f"{prefix}_confirm_removal").check()
    click(at, "Send for review")
    assert "Submission 1 sent" in texts(at) and status(site, 1) == "submitted"
    payload = submissions.Submissions(site).get(mod, 1).payload
    assert payload[submissions.REMOVED] == [{"kind": "memberships", "key": "MEM-0102"}]
    assert "memberships" not in payload  # the other members unchanged

    at = as_user("moderation", "mod")
    compared = next(f.value for f in at.dataframe if "change" in f.value.columns)
    gone = compared[compared["key"] == "MEM-0102"]
    assert set(gone["change"]) == {"removed"} and "Kazan University" in set(gone["current"])
    click(at, "Approve")
    assert status(site, 1) == "approved"
    state = site.state()
    assert "MEM-0102" not in state["memberships"] and "ORG-0102" in state["organisations"]
    after = _region_row("PIC-01")
    assert (before["Participants"], after["Participants"]) == (4, 3)
    assert after["Members counted"] == "members listed"


VOLGA_BANK_LEAVES = [{"kind": "memberships", "key": "MEM-0103"}]
"""The removal of Volga Bank's membership of PIC-01 (its members: :func:`_import_members`)."""


def _sent_back(site, payload: dict, questions: str) -> tuple[submissions.Submissions, int, object]:
    """PIC-01's five members imported; ``payload``, a change to PIC-01 by ``sub``, sent
    back by ``mod`` with ``questions``."""
    mod = site.accounts.sign_in("mod", PW).principal
    _import_members(site, site.refs, mod)
    subs = submissions.Submissions(site)
    sub = site.accounts.sign_in("sub", PW).principal
    number = subs.submit(sub, payload, "PIC-01").submission
    subs.send_back(mod, number, questions)
    return subs, number, mod


def _sent_back_removal(site) -> tuple[submissions.Submissions, int, object]:
    """A submission of PIC-01 removing Volga Bank (MEM-0103), sent back by the moderator."""
    payload = {"clusters": [{"notes": "a note"}], submissions.REMOVED: VOLGA_BANK_LEAVES}
    return _sent_back(site, payload, "Did Volga Bank leave?")


def _resubmit_confirming_removal(at, site, number: int) -> None:
    """Resubmit: the first press names Volga Bank's removal and sends nothing; ticked,
    the second sends."""
    click(at, "Resubmit")
    assert "removes 1 member(s) from the cluster: Volga Bank" in texts(at)
    assert status(site, number) == "sent_back"
    at.checkbox(key=f"resubmit_{number}_confirm_removal").check()
    click(at, "Resubmit")
    assert status(site, number) == "submitted"


def test_a_resubmission_can_keep_a_member_the_submission_removed(site):
    """My clusters: the member a sent-back submission removes is not in the member list
    but named below it, chosen; cleared, the member is kept: the resubmission removes
    nothing and sends nothing for it."""
    subs, number, mod = _sent_back_removal(site)
    at = as_user("my_clusters", "sub")
    prefix = f"resubmit_{number}"
    listed = at.data_editor[0].value
    assert len(listed) == 4 and "Volga Bank" not in set(listed["name_en"])
    choice = at.multiselect(key=f"{prefix}_still_removed")
    assert choice.value == ["MEM-0103"] and choice.options == ["Volga Bank"]
    choice.set_value([])
    click(at, "Resubmit")
    assert status(site, number) == "submitted"
    payload = subs.get(mod, number).payload
    assert submissions.REMOVED not in payload and "memberships" not in payload
    assert payload["clusters"] == [{"notes": "a note"}]


def test_a_resubmission_keeps_a_removal_left_chosen_once_confirmed(site):
    subs, number, mod = _sent_back_removal(site)
    at = as_user("my_clusters", "sub")
    _resubmit_confirming_removal(at, site, number)
    assert subs.get(mod, number).payload[submissions.REMOVED] == VOLGA_BANK_LEAVES


def test_a_resubmission_on_my_clusters_removes_a_deleted_member_once_confirmed(site):
    """My clusters: a sent-back change's form shows the stored members; deleting one's
    row names it and resubmits nothing until confirmed; then the submission removes it,
    and the moderator's comparison lists it as removed."""
    payload = {"clusters": [{"notes": "a note"}]}
    subs, number, mod = _sent_back(site, payload, "Is the member list current?")
    at = as_user("my_clusters", "sub")
    prefix = f"resubmit_{number}"
    shown = at.data_editor[0].value
    assert len(shown) == 5  # the stored members
    row = list(shown["name_en"]).index("Volga Bank")
    at.session_state[f"{prefix}_members"] = {
        "edited_rows": {}, "added_rows": [], "deleted_rows": [row],
    }  # fmt: skip
    _resubmit_confirming_removal(at, site, number)
    payload = subs.get(mod, number).payload
    assert payload[submissions.REMOVED] == VOLGA_BANK_LEAVES
    assert payload["clusters"] == [{"notes": "a note"}]
    changes = {(f.key, f.change) for f in subs.compare(mod, number).fields}
    assert ("MEM-0103", "removed") in changes
