"""Every write path refused for every principal that must not do it, table-driven.

For each write (the store's five kinds of write, each account operation) and each
principal that may not do it (a viewer, a forged or altered principal, a submitter, a
moderator for admin operations, a disabled account, an ended or expired sign-in, a
demoted moderator): ``NotAuthorised``, and the store and the accounts unchanged. The
expected rights are written out here, apart from :data:`geo.registry.auth.PERMISSIONS`,
and compared with it. The same through the command line (exit status 3) and the pages
under AppTest: a page offers no write to whoever may not do it, and a *careless* page (one
whose every ``auth.can`` says yes, so it shows every form) still stores nothing, because
geo refuses the write and the page says so. Store writes run against SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.registry import accounts, auth, card, forms, importer, store, submissions
from geo.registry.importer import References
from tests.test_accounts import FAST, PW, Clock, empty_postgres

PG_ENV = "CLUSTERMAP_TEST_POSTGRES_URL"
REQUIRE_PG = os.environ.get("CLUSTERMAP_REQUIRE_POSTGRES") == "1"
ROOT = Path(__file__).resolve().parent.parent

NEW_CLUSTER = (
    "id,name_en,city,region_as_published,source_doc,source_ref\n"
    "CL-0100,Kazan test cluster,Kazan,RU-TA,registry,test\n"
)

# --------------------------------------------------------------------------- the policy

DIRECT_WRITERS = {"moderator", "admin"}
EXPECTED: dict[str, set[str]] = {
    "import": DIRECT_WRITERS,
    "edit": DIRECT_WRITERS,
    "register": DIRECT_WRITERS,
    "remove": DIRECT_WRITERS,
    "restore": DIRECT_WRITERS,
    "propose_cluster": {"submitter", "moderator", "admin"},
    "propose_change": DIRECT_WRITERS,  # and submitters for the clusters they manage
    "review": DIRECT_WRITERS,
    "contacts.view": {"submitter", "moderator", "admin"},
    "assess": DIRECT_WRITERS,
    "accounts.view": DIRECT_WRITERS,
    "accounts.accept": DIRECT_WRITERS,
    "accounts.set_clusters": DIRECT_WRITERS,
    "accounts.add": {"admin"},
    "accounts.set_roles": {"admin"},
    "accounts.disable": {"admin"},
    "accounts.enable": {"admin"},
    "accounts.unlock": {"admin"},
    "accounts.reset_password": {"admin"},
    "audit.view": {"admin"},
}
"""Who may do what, as the README's table says."""


def test_the_permission_table_is_the_documented_policy():
    assert {a: set(rule.roles) for a, rule in auth.PERMISSIONS.items()} == EXPECTED
    assert auth.PERMISSIONS["propose_change"].scoped == {"submitter"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for action in EXPECTED:  # every action is in the README's table of roles
        assert f"`{action}`" in readme, action


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, refs, tmp_path_factory):
    """A store with one account of each role and the principals to try: built once per
    backend (refused writes change nothing, so the tests may share it)."""
    tmp = tmp_path_factory.mktemp("permissions")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'store.db'}"
    else:
        url = os.environ.get(PG_ENV, "")
        if not url:
            if REQUIRE_PG:
                pytest.fail(f"{PG_ENV} is not set but CLUSTERMAP_REQUIRE_POSTGRES=1")
            pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
        empty_postgres(url)
    db = store.Store.open(url, refs=refs)
    clock = Clock()
    db.accounts.clock, db.accounts.iterations, db.accounts.key_dir = clock, FAST, tmp
    principals = _principals(db, clock)
    yield db, principals
    db.dispose()


def _principals(db: store.Store, clock: Clock) -> dict[str, object]:
    """Everyone who tries: name → principal (or what a page might pass instead)."""
    acc = db.accounts
    operator = acc.operator("test")
    acc.add(operator, "root", PW, ["admin"])
    admin = acc.sign_in("root", PW).principal
    for name, roles in {
        "sub": ["submitter"],
        "mod": ["moderator"],
        "mod2": ["moderator"],
        "gone": ["moderator"],
        "quit": ["moderator"],
        "old": ["moderator"],
        "demoted": ["moderator"],
        "target": ["submitter"],
    }.items():
        acc.add(admin, name, PW, roles, clusters=["PIC-01"] if name == "sub" else ())
    acc.request("asker", PW, display_name="Asker", email="a@example.org")
    signed = {
        name: acc.sign_in(name, PW).principal for name in ("sub", "mod", "gone", "quit", "demoted")
    }
    acc.disable(admin, "gone")
    acc.sign_out(signed["quit"])
    acc.set_roles(admin, "demoted", ["submitter"])
    clock.now -= auth.SESSION_SECONDS + 60  # "old" signed in more than 8 hours ago
    old = acc.sign_in("old", PW).principal
    clock.now += auth.SESSION_SECONDS + 60
    sub = signed["sub"]
    return {
        "viewer": None,
        "a name": "root",
        "a dict": {"name": "root", "roles": ["admin"]},
        "forged": auth.Principal("root", clock.now, b"\0" * 32, frozenset({"admin"})),
        "self-promoted": dataclasses.replace(sub, roles=frozenset({"admin"})),
        "submitter": sub,
        "moderator": signed["mod"],
        "admin": admin,
        "disabled": signed["gone"],
        "signed out": signed["quit"],
        "expired": old,
        "demoted": signed["demoted"],
    }


UNTRUSTED = (
    "viewer",
    "a name",
    "a dict",
    "forged",
    "self-promoted",
    "disabled",
    "signed out",
    "expired",
    "demoted",
)
"""Principals refused everything."""


def refused_for(allowed_roles: set[str]) -> list[str]:
    """The principals that must be refused an action ``allowed_roles`` may do."""
    roles = {"submitter": "submitter", "moderator": "moderator", "admin": "admin"}
    return [*UNTRUSTED, *(p for p, role in roles.items() if role not in allowed_roles)]


# --------------------------------------------------------------------------- store writes

LINKS = (
    "link_id,mne_name,hq_country,cluster_id,presence,source_doc,source_ref\n"
    "MNE-09,Siemens,Germany,PIC-01,present,registry,t\n"
)

STORE_WRITES: dict[str, Callable[[store.Store, object], object]] = {
    "import": lambda db, p: db.import_file(
        p, importer.parse_bytes("new.csv", NEW_CLUSTER.encode(), "clusters", db.refs)
    ),
    "edit": lambda db, p: db.save_record(p, "clusters", {"id": "PIC-01", "participants": "1"}),
    "register": lambda db, p: db.register_cluster(
        p,
        {
            "name_en": "X",
            "city": "Kazan",
            "region_as_published": "RU-TA",
            "source_doc": "registry",
            "source_ref": "t",
        },
    ),  # fmt: skip
    "register_link": lambda db, p: db.register_mne_link(
        p,
        {
            "cluster_id": "PIC-01",
            "mne_name": "Siemens",
            "hq_country": "Germany",
            "presence": "present",
            "source_doc": "registry",
            "source_ref": "t",
        },
    ),  # fmt: skip
    "remove": lambda db, p: db.remove(p, "mne_links", [next(iter(db.links()))]),
    "restore": lambda db, p: db.restore(p, 1),
    # MNE links are written as memberships: their file and form are write paths of their own
    "import_links": lambda db, p: db.import_file(
        p, importer.parse_bytes("links.csv", LINKS.encode(), "mne_links", db.refs)
    ),
    "edit_link": lambda db, p: db.save_record(
        p, "mne_links", {"link_id": "MNE-01", "presence": "left"}
    ),
}
STORE_ACTION = {"register_link": "register", "import_links": "import", "edit_link": "edit"}


def store_snapshot(db: store.Store) -> tuple:
    return db.head(), db.state(), len(db.versions())


@pytest.mark.parametrize("write", STORE_WRITES)
def test_every_store_write_is_refused_to_whoever_may_not_do_it(world, write):
    db, principals = world
    before = store_snapshot(db)
    action = STORE_ACTION.get(write, write)
    for who in refused_for(EXPECTED[action]):
        with pytest.raises(auth.NotAuthorised):
            STORE_WRITES[write](db, principals[who])
        assert store_snapshot(db) == before, (write, who)


# --------------------------------------------------------------------------- account operations

ACCOUNT_OPS: dict[str, tuple[str, Callable[[accounts.Accounts, object], object]]] = {
    "add": ("accounts.add", lambda a, p: a.add(p, "newbie", PW, ["admin"])),
    "accept": ("accounts.accept", lambda a, p: a.accept(p, "asker")),
    "reject": ("accounts.accept", lambda a, p: a.reject(p, "asker")),
    "listing": ("accounts.view", lambda a, p: a.listing(p)),
    "set_clusters": ("accounts.set_clusters", lambda a, p: a.set_clusters(p, "target", ["PIC-02"])),
    "set_roles": ("accounts.set_roles", lambda a, p: a.set_roles(p, "target", ["admin"])),
    "disable": ("accounts.disable", lambda a, p: a.disable(p, "target")),
    "enable": ("accounts.enable", lambda a, p: a.enable(p, "gone")),
    "unlock": ("accounts.unlock", lambda a, p: a.unlock(p, "target")),
    "reset_password": (
        "accounts.reset_password",
        lambda a, p: a.reset_password(p, "target", "a new long password"),
    ),
    # bad input from whoever may not act is refused as not authorised, before any check
    "set_roles_bad": ("accounts.set_roles", lambda a, p: a.set_roles(p, "target", ["owner"])),
    "set_clusters_bad": (
        "accounts.set_clusters",
        lambda a, p: a.set_clusters(p, "target", ["<nope>"]),
    ),
    "reset_password_bad": (
        "accounts.reset_password",
        lambda a, p: a.reset_password(p, "target", "short"),
    ),
    "accept_bad": ("accounts.accept", lambda a, p: a.accept(p, "asker", ["<nope>"])),
    "import_env": (
        "accounts.add",
        lambda a, p: a.import_env(p, {"envuser": auth.hash_password("x", iterations=FAST)}),
    ),
}


def accounts_snapshot(db: store.Store) -> dict[str, list[tuple]]:
    out = {}
    with db.engine.connect() as conn:
        for table in accounts.TABLES:
            rows = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
            out[table] = sorted(tuple(map(str, r)) for r in rows)
    return out


@pytest.mark.parametrize("operation", ACCOUNT_OPS)
def test_every_account_operation_is_refused_to_whoever_may_not_do_it(world, operation):
    """A moderator cannot change roles, a submitter cannot accept accounts, nobody acts
    when disabled, signed out or expired."""
    db, principals = world
    action, run = ACCOUNT_OPS[operation]
    before = accounts_snapshot(db)
    for who in refused_for(EXPECTED[action]):
        with pytest.raises(auth.NotAuthorised):
            run(db.accounts, principals[who])
        assert accounts_snapshot(db) == before, (operation, who)


# --------------------------------------------------------------------------- submissions

NEW_ROW = {
    "name_en": "Proposed", "city": "Kazan", "region_as_published": "RU-TA",
    "source_doc": "registry", "source_ref": "t",
}  # fmt: skip
OWNER = {"moderator"}
"""The submission the owner-only steps are tried on is the moderator's."""
SUBMISSION_WRITES: dict[str, tuple[set[str], Callable[..., object]]] = {
    "submit_new": (
        EXPECTED["propose_cluster"],
        lambda s, p, n: s.submit(p, {"clusters": [NEW_ROW]}),
    ),
    # the submitter manages PIC-01 only: a change to PIC-02 is another manager's cluster
    "submit_change": (
        EXPECTED["propose_change"],
        lambda s, p, n: s.submit(p, {"clusters": [{"participants": "3"}]}, "PIC-02"),
    ),
    "approve": (EXPECTED["review"], lambda s, p, n: s.approve(p, n)),
    "reject": (EXPECTED["review"], lambda s, p, n: s.reject(p, n, "no")),
    "send_back": (EXPECTED["review"], lambda s, p, n: s.send_back(p, n, "why?")),
    "queue": (EXPECTED["review"], lambda s, p, n: s.queue(p)),
    "compare": (OWNER | EXPECTED["review"], lambda s, p, n: s.compare(p, n)),
    "audit": (EXPECTED["audit.view"], lambda s, p, n: s.audit(p)),
    "audit_csv": (EXPECTED["audit.view"], lambda s, p, n: s.audit_csv(p)),
    "withdraw": (OWNER, lambda s, p, n: s.withdraw(p, n)),
    "resubmit": (OWNER, lambda s, p, n: s.resubmit(p, n, {"clusters": [NEW_ROW]})),
}


@pytest.fixture(scope="module")
def proposal(world) -> tuple[submissions.Submissions, int]:
    """The moderator's submission of a new cluster (refused steps leave it as it is)."""
    db, principals = world
    subs = submissions.Submissions(db)
    return subs, subs.submit(principals["moderator"], {"clusters": [NEW_ROW]}).submission


def submissions_snapshot(db: store.Store) -> tuple:
    rows = {}
    with db.engine.connect() as conn:
        for table in (*submissions.TABLES, *accounts.TABLES):
            found = conn.execute(sa.text(f"SELECT * FROM {table}")).all()
            rows[table] = sorted(tuple(map(str, r)) for r in found)
    return store_snapshot(db), rows


@pytest.mark.parametrize("write", SUBMISSION_WRITES)
def test_every_submission_step_is_refused_to_whoever_may_not_do_it(world, proposal, write):
    """Including a submitter proposing a change to another manager's cluster, a
    moderator withdrawing someone else's submission, a submitter reviewing."""
    db, principals = world
    subs, number = proposal
    allowed, run = SUBMISSION_WRITES[write]
    before = submissions_snapshot(db)
    # "demoted" is a moderator made a submitter: refused all but what submitters may do
    refused = [w for w in refused_for(allowed) if w != "demoted" or "submitter" not in allowed]
    for who in refused:
        with pytest.raises(auth.NotAuthorised):
            run(subs, principals[who], number)
        assert submissions_snapshot(db) == before, (write, who)


@pytest.mark.parametrize("who", ["submitter", "moderator", "admin"])
def test_no_submission_changes_an_organisation_another_cluster_lists(world, who):
    """Organisations have no cluster: whoever proposes (a manager of PIC-01, a moderator,
    an admin), a change to PIC-01 may not rename an organisation PIC-20 lists (refused
    with the plan's issue; nothing stored), while adding a membership of it is allowed."""
    db, principals = world
    subs = submissions.Submissions(db)
    org = next(
        m.values["org_id"]
        for m in db.state()["memberships"].values()
        if m.values["cluster_id"] == "PIC-20"
    )
    payload = {"clusters": [{"notes": "x"}], "organisations": [{"org_id": org, "name_en": "X"}]}
    before = submissions_snapshot(db)
    outcome = subs.submit(principals[who], payload, "PIC-01")
    assert not outcome.ok and "PIC-20" in str(outcome.plan.issues)
    assert submissions_snapshot(db) == before


@pytest.mark.parametrize("who", ["submitter", "moderator", "admin"])
def test_no_submission_removes_a_membership_of_another_cluster(world, who):
    """A change may remove memberships of its own cluster only: whoever proposes a change
    to PIC-01, removing a membership of PIC-20 is refused with the plan's issue naming
    PIC-20, and nothing is stored (submission, registry, log)."""
    db, principals = world
    subs = submissions.Submissions(db)
    other = next(
        key for key, m in db.state()["memberships"].items() if m.values["cluster_id"] == "PIC-20"
    )
    gone = [{"kind": "memberships", "key": other}]
    payload = {"clusters": [{"notes": "x"}], submissions.REMOVED: gone}
    before = submissions_snapshot(db)
    outcome = subs.submit(principals[who], payload, "PIC-01")
    assert not outcome.ok and "PIC-20" in str([i.localised("en") for i in outcome.plan.issues])
    assert submissions_snapshot(db) == before and other in db.state()["memberships"]


def test_a_moderator_may_not_review_their_own_submission(world, proposal):
    db, principals = world
    subs, number = proposal
    before = submissions_snapshot(db)
    for step in ("approve", "reject", "send_back"):
        with pytest.raises(auth.NotAuthorised, match="own submission"):
            SUBMISSION_WRITES[step][1](subs, principals["moderator"], number)
    assert submissions_snapshot(db) == before


def test_a_pending_or_disabled_account_cannot_sign_in(world):
    db, _ = world
    assert db.accounts.sign_in("asker", PW).outcome == "pending"
    assert db.accounts.sign_in("gone", PW).outcome == "disabled"


def test_the_operator_is_for_the_command_line_only():
    """Only ``clustermap users`` acts as the operator; no page or widget can."""
    callers = []
    for folder in ("geo", "ui", "app_pages"):
        for path in (ROOT / folder).rglob("*.py"):
            if re.search(r"\.operator\(", path.read_text(encoding="utf-8")):
                callers.append(path.relative_to(ROOT).as_posix())
    assert callers == ["geo/cli/users.py"]


@pytest.mark.parametrize("write", STORE_WRITES)
def test_a_moderator_may_do_every_store_write(tmp_path, refs, write):
    """The positive control of the table above."""
    db = store.Store.open(f"sqlite:///{tmp_path / 'store.db'}", refs=refs)
    db.accounts.iterations, db.accounts.key_dir = FAST, tmp_path
    db.accounts.add(db.accounts.operator("test"), "mod", PW, ["moderator"])
    moderator = db.accounts.sign_in("mod", PW).principal
    if write == "restore":
        STORE_WRITES["edit"](db, moderator)
    result = STORE_WRITES[write](db, moderator)
    assert result.ok and result.version == db.head() and db.version(db.head()).author == "mod"
    db.dispose()


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def cli_store(tmp_path, monkeypatch, refs):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setenv("CLUSTERMAP_PASSWORD", PW)
    monkeypatch.delenv(auth.ENV_EDITORS, raising=False)
    monkeypatch.delenv("CLUSTERMAP_USER", raising=False)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", FAST)
    monkeypatch.chdir(tmp_path)
    db = store.Store.open(url, refs=refs)
    operator = db.accounts.operator("test")
    for name, roles in {"sub": ["submitter"], "mod": ["moderator"], "gone": ["moderator"]}.items():
        db.accounts.add(operator, name, PW, roles)
    db.accounts.disable(operator, "gone")
    db.accounts.request("asker", PW, display_name="Asker", email="a@example.org")
    (tmp_path / "new.csv").write_text(NEW_CLUSTER, encoding="utf-8")
    return db


@pytest.mark.parametrize("who", ["sub", "gone", "asker", "nobody"])
@pytest.mark.parametrize("command", [["import", "clusters", "new.csv"], ["restore", "1"]])
def test_cli_writes_are_refused_to_whoever_may_not_do_them(cli_store, capsys, who, command):
    from geo.cli import commands

    before = store_snapshot(cli_store)
    assert commands.main([*command, "--user", who]) == 3
    err = capsys.readouterr().err
    assert err.startswith("clustermap: ") and "Traceback" not in err
    assert store_snapshot(cli_store) == before


def test_cli_writes_by_a_moderator(cli_store, capsys):
    from geo.cli import commands

    assert commands.main(["import", "clusters", "new.csv", "--user", "mod"]) == 0
    assert commands.main(["restore", "1", "--user", "mod"]) == 0
    assert cli_store.head() == 3 and cli_store.version(3).author == "mod"


# --------------------------------------------------------------------------- pages (AppTest)

EDIT_BUTTONS = {"Save changes", "Register the cluster", "Add the link", "Remove the link"}
ADMIN_BUTTONS = {"Save the roles", "Disable", "Enable", "Unlock", "Set the new password"}
MODERATOR_BUTTONS = {"Accept", "Reject", "Save the clusters"}


@pytest.fixture
def site(tmp_path, monkeypatch, refs):
    """The app's store (``CLUSTERMAP_DATABASE_URL``) with an admin ``root``, a moderator
    ``mod``, a submitter ``sub`` managing PIC-01, a pending request ``asker``, and a
    second version (so there is one to restore)."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.delenv(auth.ENV_EDITORS, raising=False)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", FAST)  # the app's store: no rehash
    db = store.Store.open(url, refs=refs)
    db.accounts.iterations = FAST
    operator = db.accounts.operator("test")
    for name, roles in {"root": ["admin"], "mod": ["moderator"], "sub": ["submitter"]}.items():
        db.accounts.add(operator, name, PW, roles, clusters=["PIC-01"] if name == "sub" else ())
    db.accounts.request("asker", PW, display_name="Asker", email="a@example.org")
    moderator = db.accounts.sign_in("mod", PW).principal
    db.save_record(moderator, "clusters", {"id": "PIC-02", "participants": "7"})
    db.accounts.sign_out(moderator)
    return db


def everything(db: store.Store) -> tuple:
    """What a refused write must leave as it was: the registry and the accounts (without
    the sessions and failed sign-ins that signing in itself writes)."""
    accounts_rows = accounts_snapshot(db)
    kept = {t: rows for t, rows in accounts_rows.items() if t in ("accounts", "account_roles")}
    return store_snapshot(db), kept, accounts_rows["cluster_managers"]


def labels(at) -> set[str]:
    return {b.label for b in at.button}


def open_as(page: str, who: str | None):
    from tests.test_app_edit import open_page, sign_in

    at = open_page(page)
    return at if who is None else sign_in(at, who, PW)


@pytest.mark.parametrize(
    ("page", "who", "hidden"),
    [
        ("edit", None, EDIT_BUTTONS),
        ("edit", "sub", EDIT_BUTTONS),
        ("import_data", None, {"Restore"}),
        ("import_data", "sub", {"Restore"}),
        ("accounts", None, ADMIN_BUTTONS | MODERATOR_BUTTONS),
        ("accounts", "sub", ADMIN_BUTTONS | MODERATOR_BUTTONS),
        ("accounts", "mod", ADMIN_BUTTONS),
    ],
)
def test_pages_offer_no_write_to_whoever_may_not_do_it(site, page, who, hidden):
    before = everything(site)
    at = open_as(page, who)
    if page == "import_data":
        at.selectbox(key="history_version").select(1)
    elif page == "accounts" and any(box.key == "account_pick" for box in at.selectbox):
        at.selectbox(key="account_pick").select("sub")  # the sidebar has other select boxes
    at.run()
    shown = {label.split(" ")[0] if label.startswith("Restore") else label for label in labels(at)}
    assert not shown & hidden, (page, who, shown & hidden)
    assert everything(site) == before


@pytest.fixture
def careless_pages(monkeypatch):
    """Pages that forgot every check: ``auth.can`` (which pages and the sign-in box use to
    decide what to show) says yes to everyone. The writes must still be refused, by geo."""
    monkeypatch.setattr(auth, "can", lambda *args, **kwargs: True)


def refused(at) -> bool:
    from tests.test_app_edit import texts

    return "Not saved:" in texts(at) and "may not do this" in texts(at)


def test_a_submitter_on_a_careless_edit_page_is_refused_by_geo(site, careless_pages):
    before = everything(site)
    at = open_as("edit", "sub")
    at.selectbox(key="edit_pick").select("PIC-02")  # a cluster sub does not manage
    at.run()
    assert {"Save changes", "Add the link"} <= labels(at)  # the careless page shows them
    at.text_input(key="cluster_PIC-02_participants").input("99")
    next(b for b in at.button if b.label == "Save changes").click()
    at.run()
    assert refused(at) and everything(site) == before
    at.selectbox(key="edit_pick").select("PIC-01")  # nor the cluster sub manages
    at.run()
    for label in ("Save changes", "Add the link", "Remove the link"):
        button = next((b for b in at.button if b.label == label), None)
        if button is None:  # PIC-01 may have no MNE link to remove
            continue
        button.click()
        at.run()
        assert refused(at) and everything(site) == before, label
    at.run()
    at.checkbox(key="sure_PIC-01").check()
    at.run()
    at.button(key="rm_PIC-01").click()
    at.run()
    assert refused(at) and everything(site) == before
    at.selectbox(key="edit_pick").select(forms.NEW)  # nor a new cluster, directly
    at.run()
    for column, value in {"name_en": "X", "city": "Kazan", "source_ref": "t"}.items():
        at.text_input(key=f"cluster_{forms.NEW}_{column}").input(value)
    next(b for b in at.button if b.label == "Register the cluster").click()
    at.run()
    assert refused(at) and everything(site) == before


def test_a_submitter_on_a_careless_history_page_cannot_restore(site, careless_pages):
    before = everything(site)
    at = open_as("import_data", "sub")
    at.selectbox(key="history_version").select(1)
    at.run()
    at.button(key="restore").click()
    at.run()
    assert refused(at) and everything(site) == before


def test_a_submitter_on_a_careless_import_preview_is_refused(site, careless_pages, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TEST_UPLOAD", NEW_CLUSTER)
    monkeypatch.syspath_prepend(str(ROOT))
    before = everything(site)
    at = AppTest.from_function(careless_import_script, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    next(b for b in at.button if b.label == "Import as a new version").click()
    at.run()
    assert refused(at) and everything(site) == before


def careless_import_script() -> None:
    """Runs inside AppTest: the import page's preview and button for a signed-in
    submitter (the uploader itself cannot be driven by AppTest)."""
    import os

    from app_pages.import_data import preview_and_import
    from geo.registry import importer
    from geo.registry.store import default_url
    from tests.test_accounts import PW
    from ui.dataset import open_store

    db = open_store(default_url())
    db.accounts.iterations = 1000
    submitter = db.accounts.sign_in("sub", PW).principal
    parsed = importer.parse_bytes(
        "new.csv", os.environ["TEST_UPLOAD"].encode(), "clusters", db.refs
    )
    preview_and_import(db, submitter, parsed, "upsert")


@pytest.mark.parametrize("who", ["mod", "sub"])
def test_account_writes_on_a_careless_accounts_page_are_refused_by_geo(site, careless_pages, who):
    before = everything(site)
    site.accounts.sign_in("sub", "wrong")  # a failure to unlock
    throttle = accounts_snapshot(site)["sign_in_throttle"]
    at = open_as("accounts", who)
    if who == "sub":  # the listing itself is refused: nothing to act on
        assert refused(at) and not at.dataframe and everything(site) == before
        return
    at.selectbox(key="account_pick").select("sub")
    at.run()
    for label in ("Save the roles", "Disable", "Unlock", "Set the new password"):
        at.run()  # a refusal ends the run where it happened: draw the page again
        at.multiselect(key="account_roles_sub").select("admin")
        at.text_input(key="account_password_sub").input("a new long password")
        next(b for b in at.button if b.label == label).click()
        at.run()
        assert refused(at) and everything(site) == before, label
    assert accounts_snapshot(site)["sign_in_throttle"] == throttle  # not unlocked
    assert site.accounts.sign_in("sub", PW).principal.roles == {"submitter"}


# --------------------------------------------------------------------------- moderator-only fields


@pytest.mark.parametrize(
    "values",
    [
        {"org_level": "high"},
        {"org_level": "high", "org_level_assessed_by": "sub", "org_level_basis": "we say so"},
    ],
)
def test_a_change_of_a_moderator_only_field_needs_assess_not_just_edit(
    tmp_path, refs, monkeypatch, values
):
    """Even a principal allowed to edit (here a submitter, by a widened table) cannot set
    the development level or its assessment: the store checks the fields it writes
    against :data:`geo.registry.card.MODERATOR_FIELDS` and ``assess``. Other fields of
    the same record it may change; a moderator may change the level."""
    db = store.Store.open(f"sqlite:///{tmp_path / 'store.db'}", refs=refs)
    db.accounts.iterations, db.accounts.key_dir = FAST, tmp_path
    operator = db.accounts.operator("test")
    db.accounts.add(operator, "sub", PW, ["submitter"])
    db.accounts.add(operator, "mod", PW, ["moderator"])
    sub, mod = (db.accounts.sign_in(n, PW).principal for n in ("sub", "mod"))
    rule = auth.Rule(frozenset({"submitter", "moderator"}))
    widened = dict(auth.PERMISSIONS, edit=rule, register=rule)
    monkeypatch.setattr(auth, "PERMISSIONS", widened)
    before = store_snapshot(db)
    with pytest.raises(auth.NotAuthorised, match="assess"):
        db.save_record(sub, "clusters", {"id": "PIC-01", **values})
    assert store_snapshot(db) == before
    with pytest.raises(auth.NotAuthorised, match="assess"):
        db.register_cluster(sub, {**dict(zip(NEW_CLUSTER.split("\n")[0].split(",")[1:],
                                             NEW_CLUSTER.split("\n")[1].split(",")[1:],
                                             strict=True)), **values})  # fmt: skip
    assert store_snapshot(db) == before
    assert db.save_record(sub, "clusters", {"id": "PIC-01", "website": "https://a.example.ru"}).ok
    assert db.save_record(mod, "clusters", {"id": "PIC-01", **values}).ok
    assert db.state()["clusters"]["PIC-01"].values["org_level"] == "high"
    db.dispose()


def test_a_submitter_form_has_no_moderator_only_field():
    """The form definitions F's submission form reads: without the moderator-only fields
    for whoever may not assess, whole for a moderator."""
    moderator_only = set(card.MODERATOR_FIELDS["clusters"])
    shown = {c for fields in forms.cluster_blocks(assessor=False).values() for c in fields}
    assert shown and not shown & moderator_only
    full = {c for fields in forms.cluster_blocks(assessor=True).values() for c in fields}
    assert moderator_only <= full and shown < full
    assert not set(card.PRIVATE_FIELDS["clusters"]) - shown  # a manager enters contacts
