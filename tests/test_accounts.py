"""Accounts in the registry database: requests, roles, sign-in throttling and lockout with an
injected clock (nothing waits), session tokens, the secret key, the bootstrap editor list,
the ``clustermap users`` commands, and the migration from a store of schema 0001.

Run against SQLite and against the PostgreSQL server of ``CLUSTERMAP_TEST_POSTGRES_URL``
(skipped without it unless ``CLUSTERMAP_REQUIRE_POSTGRES=1``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from geo.registry import accounts, auth, store, submissions
from geo.registry.accounts import AccountError
from geo.registry.importer import References
from tests.support.old_stores import old_store_at

PG_ENV = "CLUSTERMAP_TEST_POSTGRES_URL"
REQUIRE_PG = os.environ.get("CLUSTERMAP_REQUIRE_POSTGRES") == "1"
ALL_TABLES = (
    "records", "versions", "store_head", "alembic_version", *accounts.TABLES,
    *submissions.TABLES,
)  # fmt: skip
FAST = 1000  # PBKDF2 iterations of the test accounts
T0 = 1_800_000_000.0
PW = "correct horse battery"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def empty_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ALL_TABLES:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    pg = os.environ.get(PG_ENV)
    if not pg:
        if REQUIRE_PG:
            pytest.fail(f"{PG_ENV} is not set but CLUSTERMAP_REQUIRE_POSTGRES=1")
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    empty_postgres(pg)
    return pg


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(url, refs, clock, tmp_path):
    opened = store.Store.open(url, refs=refs)
    opened.accounts.clock = clock
    opened.accounts.iterations = FAST
    opened.accounts.key_dir = tmp_path / "state"
    yield opened
    opened.dispose()


@pytest.fixture
def admin(db) -> auth.Principal:
    """An admin account, signed in."""
    db.accounts.add(db.accounts.operator("test"), "root", PW, ["admin"])
    return db.accounts.sign_in("root", PW).principal


def request_bob(db, **changes) -> None:
    values = {
        "display_name": "Боб Петров",
        "email": "bob@example.org",
        "organisation": "Кластер",
        "clusters": ["PIC-01"],
    }
    values.update(changes)
    db.accounts.request(values.pop("name", "bob"), values.pop("password", PW), **values)


# --------------------------------------------------------------------------- requests


def test_a_request_waits_as_pending_until_a_moderator_accepts_it(db, admin):
    request_bob(db)
    info = {a.name: a for a in db.accounts.listing(admin)}["bob"]
    assert (info.status, info.roles, info.manages) == ("pending", ("submitter",), ("PIC-01",))
    assert info.display_name == "Боб Петров" and info.organisation == "Кластер"
    refused = db.accounts.sign_in("bob", PW)
    assert (refused.principal, refused.outcome) == (None, "pending")
    db.accounts.add(admin, "mod", PW, ["moderator"])
    moderator = db.accounts.sign_in("mod", PW).principal
    db.accounts.accept(moderator, "bob")
    bob = db.accounts.sign_in("bob", PW).principal
    assert bob.roles == {"submitter"} and bob.manages == {"PIC-01"}
    assert auth.can(bob, "propose_change", "PIC-01", now=T0)
    assert not auth.can(bob, "propose_change", "PIC-02", now=T0)
    assert not auth.can(bob, "edit", now=T0)
    log = db.accounts.log()
    assert list(log["action"])[:2] == ["accept", "add"] and log.loc[0, "actor"] == "mod"


def test_a_rejected_request_is_gone(db, admin):
    request_bob(db)
    db.accounts.reject(admin, "bob")
    assert not db.accounts.exists("bob") and db.accounts.count() == 1
    with pytest.raises(AccountError, match="no account"):
        db.accounts.accept(admin, "bob")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"name": "b"}, "user name"),
        ({"name": "bob smith"}, "user name"),
        ({"name": "боб"}, "user name"),
        ({"name": "x" * 65}, "user name"),
        ({"name": "ROOT"}, "is taken"),  # letter case does not make another name
        ({"email": "bob@"}, "not an e-mail"),
        ({"email": "bob example.org"}, "not an e-mail"),
        ({"display_name": " "}, "name must have"),
        ({"display_name": "a\nb"}, "name must have"),
        ({"password": "short"}, "at least 10"),
        ({"password": "x" * 1025}, "at most 1024"),
        ({"name": "bobbybobby", "password": "BobbyBobby"}, "differ from the user name"),
        ({"clusters": ["PIC-99"]}, "no cluster 'PIC-99'"),
        ({"clusters": ["<script>"]}, "no cluster"),
    ],
)
def test_a_bad_request_is_refused_with_a_reason_and_stores_nothing(db, admin, changes, problem):
    with pytest.raises(AccountError, match=problem) as error:
        request_bob(db, **changes)
    assert db.accounts.count() == 1
    assert error.value.localised("ru") != str(error.value)  # said in Russian too


def test_requests_stop_when_too_many_wait(db, monkeypatch):
    monkeypatch.setattr(accounts, "MAX_PENDING", 2)
    request_bob(db, name="bob1")
    request_bob(db, name="bob2")
    with pytest.raises(AccountError, match="too many"):
        request_bob(db, name="bob3")
    assert db.accounts.count() == 2


# --------------------------------------------------------------------------- roles


def test_a_role_change_and_a_disable_take_effect_at_the_next_write(db, admin):
    db.accounts.add(admin, "mod", PW, ["moderator"])
    moderator = db.accounts.sign_in("mod", PW).principal
    assert db.save_record(moderator, "clusters", {"id": "PIC-01", "participants": "5"}).version
    db.accounts.set_roles(admin, "mod", ["submitter"])
    with pytest.raises(auth.NotAuthorised, match="submitter"):
        db.save_record(moderator, "clusters", {"id": "PIC-01", "participants": "6"})
    assert db.accounts.refresh(moderator).roles == {"submitter"}
    db.accounts.set_roles(admin, "mod", ["moderator"])
    db.accounts.disable(admin, "mod")
    with pytest.raises(auth.NotAuthorised, match="ended"):
        db.save_record(moderator, "clusters", {"id": "PIC-01", "participants": "6"})
    assert db.accounts.sign_in("mod", PW).outcome == "disabled"
    db.accounts.enable(admin, "mod")
    assert db.accounts.sign_in("mod", PW).principal is not None
    assert db.head() == 2


def test_the_last_active_admin_stays(db, admin):
    for change in (
        lambda: db.accounts.set_roles(admin, "root", ["moderator"]),
        lambda: db.accounts.disable(admin, "root"),
    ):
        with pytest.raises(AccountError, match="no active admin"):
            change()
    db.accounts.add(admin, "second", PW, ["admin", "moderator"])
    db.accounts.set_roles(admin, "root", ["moderator"])  # another admin remains
    assert db.accounts.refresh(admin).roles == {"moderator"}


def test_unknown_roles_and_clusters_are_refused(db, admin):
    with pytest.raises(AccountError, match="unknown role 'owner'"):
        db.accounts.add(admin, "eve", PW, ["owner"])
    with pytest.raises(AccountError, match="at least one role"):
        db.accounts.add(admin, "eve", PW, [])
    db.accounts.add(admin, "eve", PW, ["submitter"], clusters=["PIC-02"])
    with pytest.raises(AccountError, match="no cluster"):
        db.accounts.set_clusters(admin, "eve", ["PIC-02", "nope"])
    infos = {a.name: a for a in db.accounts.listing(admin)}
    assert infos["eve"].manages == ("PIC-02",)


# --------------------------------------------------------------------------- throttling


@pytest.fixture
def hashes(monkeypatch) -> list[str]:
    """Every password check that computes a hash."""
    calls: list[str] = []
    real = auth.verify_password

    def counted(password: str, encoded: str) -> bool:
        calls.append(password)
        return real(password, encoded)

    monkeypatch.setattr(auth, "verify_password", counted)
    return calls


def test_failures_delay_the_next_attempt_doubling_and_a_delayed_check_costs_no_hash(
    db, admin, clock, hashes
):
    for _ in range(3):  # free failures
        assert db.accounts.sign_in("root", "wrong").outcome == "denied"
    assert len(hashes) == 3
    delays = []
    for _ in range(4):
        waited = db.accounts.sign_in("root", PW)  # even the right password waits
        assert waited.outcome == "wait" and waited.principal is None
        delays.append(waited.wait)
        clock.now += waited.wait
        assert db.accounts.sign_in("root", "wrong").outcome == "denied"
    assert delays == [1.0, 2.0, 4.0, 8.0]
    assert len(hashes) == 3 + 4  # the refused-while-waiting attempts hashed nothing
    clock.now += 16
    assert db.accounts.sign_in("root", PW).principal is not None
    assert db.accounts.sign_in("root", "wrong").outcome == "denied"  # success reset it


def test_a_user_locks_after_ten_failures_until_an_admin_unlocks_it(db, admin, clock, hashes):
    db.accounts.add(admin, "carol", PW, ["moderator"])
    outcomes = []
    for _ in range(10):
        clock.now += 100  # past each delay (at most 64 s before the lockout)
        outcomes.append(db.accounts.sign_in("carol", "wrong").outcome)
    assert outcomes == ["denied"] * 9 + ["locked"]
    before = len(hashes)
    clock.now += 86400 * 30  # a lockout does not wear off
    assert db.accounts.sign_in("carol", PW).outcome == "locked"
    assert len(hashes) == before  # no hash for a locked user
    admin = db.accounts.sign_in("root", PW).principal  # a month later
    assert {a.name: a.locked for a in db.accounts.listing(admin)}["carol"] is True
    db.accounts.unlock(admin, "carol")
    assert db.accounts.sign_in("carol", PW).principal is not None


def test_old_failures_are_forgotten(db, admin, clock):
    for _ in range(5):
        clock.now += 60
        db.accounts.sign_in("root", "wrong")
    clock.now += 86400 + 61
    assert db.accounts.sign_in("root", PW).principal is not None


def test_a_session_is_slowed_down_across_user_names(db, admin, clock, hashes):
    """Guessing with a new user name each time does not escape the session's delay."""
    attempts = auth.Attempts()
    for n in range(3):
        result = db.accounts.sign_in(f"guess{n}", "pw", session_attempts=attempts)
        assert result.outcome == "denied"
        attempts = result.session_attempts
    hashed = len(hashes)
    result = db.accounts.sign_in("root", PW, session_attempts=attempts)
    assert (result.outcome, result.wait) == ("wait", 1.0) and len(hashes) == hashed
    clock.now += 1
    ok = db.accounts.sign_in("root", PW, session_attempts=result.session_attempts)
    assert ok.principal is not None and ok.session_attempts == auth.Attempts()


def test_unknown_names_are_throttled_like_known_ones(db, clock):
    outcomes = [db.accounts.sign_in("nobody", "pw").outcome for _ in range(4)]
    assert outcomes == ["denied"] * 3 + ["wait"]
    long_name = "n" * 500  # never stored, still refused
    assert db.accounts.sign_in(long_name, "pw").outcome == "denied"


def test_the_delay_policy():
    policy = auth.ThrottlePolicy()
    assert [policy.delay(n) for n in range(0, 6)] == [0, 0, 0, 1, 2, 4]
    assert policy.delay(40) == policy.max_delay
    locked = policy.failed(auth.Attempts(9, 0.0), 5.0)
    assert locked == auth.Attempts(10, 5.0, True)
    assert not policy.failed(auth.Attempts(9, 0.0), 5.0, can_lock=False).locked


# --------------------------------------------------------------------------- sessions


def test_a_session_token_resumes_until_it_expires_or_is_revoked(db, admin, clock):
    token = db.accounts.token(admin)
    assert PW not in token and "root" not in token
    resumed = db.accounts.resume(token)
    assert resumed is not None and resumed.name == "root" and resumed.roles == {"admin"}
    assert db.save_record(resumed, "clusters", {"id": "PIC-01", "participants": "9"}).version
    version, session, expires, mac = token.split(".")
    other = "B" if session.endswith("A") else "A"  # the session is random: change it
    forged = [
        f"{version}.{session}.{int(expires) + 3600}.{mac}",  # a later expiry
        f"{version}.{session[:-1]}{other}.{expires}.{mac}",  # another session
        token[:-2],
        "",
        "garbage",
        "v1.a.b.c.d",
    ]
    assert all(db.accounts.resume(t) is None for t in forged)
    clock.now += auth.SESSION_SECONDS + 1
    assert db.accounts.resume(token) is None
    clock.now = T0
    db.accounts.sign_out(admin)
    assert db.accounts.resume(token) is None
    with pytest.raises(auth.NotAuthorised):
        db.accounts.refresh(admin)


def test_disable_and_reset_password_end_the_sessions(db, admin):
    db.accounts.add(admin, "dave", PW, ["moderator"])
    dave = db.accounts.sign_in("dave", PW).principal
    token = db.accounts.token(dave)
    db.accounts.reset_password(admin, "dave", "another long password")
    assert db.accounts.resume(token) is None
    assert db.accounts.sign_in("dave", PW).outcome == "denied"
    dave = db.accounts.sign_in("dave", "another long password").principal
    token = db.accounts.token(dave)
    db.accounts.disable(admin, "dave")
    assert db.accounts.resume(token) is None


def test_a_token_signed_with_another_key_is_refused(db, admin, tmp_path):
    token = db.accounts.token(admin)
    other = accounts.Accounts(db.engine, key_dir=tmp_path / "other", clock=db.accounts.clock)
    assert other.resume(token) is None
    same = accounts.Accounts(db.engine, key_dir=db.accounts.key_dir, clock=db.accounts.clock)
    assert same.resume(token) is not None  # another process with the same secret


def test_the_secret_key_file_is_private_and_kept(tmp_path):
    key = accounts.secret_key(tmp_path / "state", environ={})
    path = tmp_path / "state" / accounts.SECRET_FILE
    assert len(key) == 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert accounts.secret_key(tmp_path / "state", environ={}) == key
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no leftovers
    path.chmod(0o644)
    with pytest.raises(ValueError, match="chmod 600"):
        accounts.secret_key(tmp_path / "state", environ={})


def test_the_secret_key_from_the_environment(tmp_path):
    env = {accounts.ENV_SECRET_KEY: "s" * 40}
    assert accounts.secret_key(tmp_path, env) == accounts.secret_key(Path("/nonexistent"), env)
    assert not (tmp_path / accounts.SECRET_FILE).exists()
    with pytest.raises(ValueError, match="at least 32"):
        accounts.secret_key(tmp_path, {accounts.ENV_SECRET_KEY: "short"})


# --------------------------------------------------------------------------- bootstrap editors


def test_bootstrap_editors_sign_in_as_moderators_until_imported(db, admin):
    bootstrap = {"erin": auth.hash_password("erin's password", iterations=FAST)}
    erin = db.accounts.sign_in("erin", "erin's password", bootstrap=bootstrap).principal
    assert erin.roles == {"moderator"} and erin.origin == "env"
    assert db.save_record(erin, "clusters", {"id": "PIC-01", "participants": "4"}).version == 2
    token = db.accounts.token(erin)
    assert db.accounts.resume(token, bootstrap) is not None
    assert db.accounts.resume(token, {}) is None  # taken off the list: the session ends
    assert db.accounts.import_env(admin, bootstrap) == ["erin"]
    assert db.accounts.import_env(admin, bootstrap) == []  # names already there stay
    assert db.accounts.sign_in("erin", "erin's password").principal.origin == "account"
    db.accounts.disable(admin, "erin")  # the account now governs the name
    assert db.accounts.sign_in("erin", "erin's password", bootstrap=bootstrap).outcome == (
        "disabled"
    )
    with pytest.raises(auth.NotAuthorised):
        db.save_record(erin, "clusters", {"id": "PIC-01", "participants": "5"})


def test_a_weaker_hash_is_renewed_at_the_next_sign_in(db, admin):
    weak = auth.hash_password("erin's password", iterations=FAST // 2)
    assert db.accounts.import_env(admin, {"erin": weak}) == ["erin"]

    def stored() -> str:
        with db.engine.connect() as conn:
            query = sa.text("SELECT password_hash FROM accounts WHERE name = 'erin'")
            return conn.execute(query).scalar_one()

    assert db.accounts.sign_in("erin", "wrong password").outcome == "denied"
    assert stored() == weak  # a wrong password changes nothing
    assert db.accounts.sign_in("erin", "erin's password").principal is not None
    renewed = stored()
    assert auth.hash_iterations(renewed) == FAST and renewed != weak
    assert db.accounts.sign_in("erin", "erin's password").principal is not None
    assert stored() == renewed  # already current: not hashed again


# --------------------------------------------------------------------------- the command line


def run_users(*argv: str) -> int:
    from geo.cli import commands

    return commands.main(["users", *argv])


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setenv("CLUSTERMAP_PASSWORD", PW)
    monkeypatch.delenv(auth.ENV_EDITORS, raising=False)
    monkeypatch.setattr(auth, "PBKDF2_ITERATIONS", FAST)
    monkeypatch.chdir(tmp_path)
    return url


def test_cli_creates_the_first_admin_and_manages_accounts(cli_db, capsys, tmp_path):
    assert run_users("add", "alice", "--role", "admin", "--email", "a@example.org") == 0
    assert "account alice added (admin)" in capsys.readouterr().out
    db = store.Store(cli_db)
    assert db.accounts.sign_in("alice", PW).principal.roles == {"admin"}
    request_bob(db)
    assert run_users("list", "--format", "csv") == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith("name,display_name,email") and listing[1].startswith("bob,")
    assert run_users("accept", "bob", "--cluster", "PIC-02") == 0
    assert run_users("set-role", "bob", "submitter", "moderator") == 0
    bob = db.accounts.sign_in("bob", PW).principal
    assert bob.roles == {"submitter", "moderator"} and bob.manages == {"PIC-02"}
    later = Clock(time.time())  # ten failures, each past the delay of the one before
    hurried = accounts.Accounts(db.engine, key_dir=tmp_path, clock=later)
    for _ in range(10):
        later.now += 100
        hurried.sign_in("bob", "wrong")
    assert db.accounts.sign_in("bob", PW).outcome == "locked"
    assert run_users("unlock", "bob") == 0
    assert run_users("disable", "bob") == 0
    assert db.accounts.sign_in("bob", PW).outcome == "disabled"
    assert run_users("enable", "bob") == 0
    os.environ["CLUSTERMAP_PASSWORD"] = "a brand new password"
    assert run_users("reset-password", "bob") == 0
    assert db.accounts.sign_in("bob", "a brand new password").principal is not None
    assert run_users("log", "--format", "csv") == 0
    assert "operator:" in capsys.readouterr().out


def test_cli_without_a_terminal_or_a_password_says_so_in_one_line(cli_db, monkeypatch, capsys):
    monkeypatch.delenv("CLUSTERMAP_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, nothing to read
    assert run_users("add", "alice", "--role", "admin") == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "CLUSTERMAP_PASSWORD" in err
    assert store.Store(cli_db).accounts.count() == 0


def test_cli_reads_a_piped_password(cli_db, monkeypatch, capsys):
    monkeypatch.delenv("CLUSTERMAP_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO("piped password 123\nignored\n"))
    assert run_users("add", "alice", "--role", "admin") == 0
    alice = store.Store(cli_db).accounts.sign_in("alice", "piped password 123").principal
    assert alice is not None and alice.roles == {"admin"}
    monkeypatch.setattr("sys.stdin", None)  # standard input closed
    assert run_users("reset-password", "alice") == 2
    assert "CLUSTERMAP_PASSWORD" in capsys.readouterr().err


def test_cli_in_a_process_without_a_terminal_ends_in_one_line(cli_db, monkeypatch):
    """The real thing: ``clustermap users add`` with standard input at end of file."""
    import subprocess
    import sys

    monkeypatch.delenv("CLUSTERMAP_PASSWORD")
    done = subprocess.run(
        [sys.executable, "-c", "from geo.cli.commands import main; raise SystemExit(main())",
         "users", "add", "alice", "--role", "admin"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "EOFError" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "CLUSTERMAP_PASSWORD" in done.stderr


def test_cli_refuses_bad_input_with_exit_2(cli_db, capsys):
    assert run_users("add", "x", "--role", "admin") == 2
    assert "user name" in capsys.readouterr().err
    assert run_users("disable", "ghost") == 2
    assert "no account 'ghost'" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # argparse refuses an unknown role
        run_users("add", "alice", "--role", "owner")


def test_cli_import_env_copies_the_bootstrap_editors(cli_db, monkeypatch, capsys):
    encoded = auth.hash_password("bob's password", iterations=FAST)
    monkeypatch.setenv(auth.ENV_EDITORS, f"bob:{encoded}")
    assert run_users("import-env") == 0
    assert "1 editor(s)" in capsys.readouterr().out
    bob = store.Store(cli_db).accounts.sign_in("bob", "bob's password").principal
    assert bob.roles == {"moderator"} and bob.origin == "account"


# --------------------------------------------------------------------------- migration


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every row of the registry's tables, in a stable order."""
    out = {}
    with engine.connect() as conn:
        for table in ("versions", "records", "store_head"):
            rows = conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).all()
            out[table] = [tuple(r) for r in rows]
    return out


OLD_STORE = Path(__file__).parent / "data" / "store_0001"
"""A store written by the code of main before the accounts (see its build.py)."""


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
    return config


def old_store(url: str, tmp_path: Path) -> str:
    """The store of :data:`OLD_STORE` (schema 0001) at ``url``'s backend
    (:func:`tests.support.old_stores.old_store_at`)."""
    return old_store_at(
        url,
        tmp_path,
        OLD_STORE,
        config=alembic_config(),
        revision="0001",
        tables=("versions", "records", "store_head"),
        serials=("records",),
    )


#: Kinds the code that built tests/data/store_0001 did not have (empty in its versions).
NEW_KINDS = ("organisations", "memberships")


def fingerprint(state: store.State) -> dict[str, object]:
    """As tests/data/store_0001/build.py computes it with the code of main (kinds added
    since, :data:`NEW_KINDS`, left out while they are empty)."""
    state = {k: rows for k, rows in state.items() if rows or k not in NEW_KINDS}
    canonical = {
        kind: {key: [entry.values, entry.markers] for key, entry in rows.items()}
        for kind, rows in state.items()
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    counts = {kind: len(rows) for kind, rows in state.items()}
    return {"counts": counts, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def test_the_migration_keeps_every_record_and_version(url, refs, tmp_path):
    """A store of schema 0001 written by the code of main (seed, import, edits, a link
    registered and removed, a restore), upgraded by today's code: the same rows, the same
    data at every version as the old code read it, and accounts work."""
    old_url = old_store(url, tmp_path)
    engine = sa.create_engine(old_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        assert "accounts" not in sa.inspect(conn).get_table_names()
    before = snapshot(engine)
    engine.dispose()
    expected = json.loads((OLD_STORE / "states.json").read_text(encoding="utf-8"))

    upgraded = store.Store(old_url, refs=refs)
    upgraded.migrate()  # the schema; Store.open then stores the MNE links as memberships
    assert snapshot(upgraded.engine) == before
    assert {str(v.id): fingerprint(upgraded.state(v.id)) for v in upgraded.versions()} == expected
    upgraded.dispose()
    upgraded = store.Store.open(old_url, refs=refs)
    assert upgraded.head() == 8 and upgraded.stored_state()["mne_links"] == {}
    assert upgraded.links(8) == upgraded.links(7)  # the same links, now memberships
    assert {
        str(v.id): fingerprint(upgraded.state(v.id)) for v in upgraded.versions()[1:]
    } == expected
    assert [v.action for v in reversed(upgraded.versions())] == [
        "seed", "import", "edit", "edit", "register", "remove", "restore", "migrate",
    ]  # fmt: skip
    upgraded.accounts.iterations = FAST
    upgraded.accounts.key_dir = tmp_path
    upgraded.accounts.add(upgraded.accounts.operator("t"), "root", PW, ["admin"])
    root = upgraded.accounts.sign_in("root", PW).principal
    assert upgraded.restore(root, 1).version == 9
    assert fingerprint(upgraded.state(9)) == expected["1"]
    assert upgraded.version(9).author == "root"
    # version 1's links were rows: stored as memberships again by the next version
    assert upgraded.head() == 10 and upgraded.version(10).action == "migrate"
    assert upgraded.links() == upgraded.links(1) and upgraded.stored_state()["mne_links"] == {}
    upgraded.dispose()
