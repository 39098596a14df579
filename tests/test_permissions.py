"""Every write path refused for every principal that must not do it, table-driven.

For each write (the store's five kinds of write, each account operation) and each
principal that may not do it (a viewer, a forged or altered principal, a submitter, a
moderator for admin operations, a disabled account, an ended or expired sign-in, a
demoted moderator): ``NotAuthorised``, and the store and the accounts unchanged. The
expected rights are written out here, apart from :data:`geo.registry.auth.PERMISSIONS`,
and compared with it. The same through the command line (exit status 3) and the pages.
Store writes run against SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.registry import accounts, auth, importer, store
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
    "accounts.view": DIRECT_WRITERS,
    "accounts.accept": DIRECT_WRITERS,
    "accounts.set_clusters": DIRECT_WRITERS,
    "accounts.add": {"admin"},
    "accounts.set_roles": {"admin"},
    "accounts.disable": {"admin"},
    "accounts.enable": {"admin"},
    "accounts.unlock": {"admin"},
    "accounts.reset_password": {"admin"},
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
    "remove": lambda db, p: db.remove(p, "mne_links", [next(iter(db.state()["mne_links"]))]),
    "restore": lambda db, p: db.restore(p, 1),
}
STORE_ACTION = {"register_link": "register"}


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
