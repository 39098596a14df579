"""Accounts in the registry database: who they are, their roles and clusters, sign-in with
throttling and lockout, sessions that survive a page reload and can be revoked, and the
account operations of admins and moderators.

Tables (migration ``0002``): ``accounts`` (name, contact, password hash, status
``pending``/``active``/``disabled``), ``account_roles`` (one row per role),
``cluster_managers`` ("account manages cluster X"), ``sessions`` (a sign-in: the SHA-256
of its secret, never the secret; when it ends; whether it was revoked),
``sign_in_throttle`` (failed sign-ins per user name) and ``account_log`` (who did what
to which account).

Who may do what is :data:`geo.registry.auth.PERMISSIONS`; every operation here takes the
acting :class:`~geo.registry.auth.Principal` and checks it with :meth:`Accounts.authorise`,
which re-reads the account, so a disabled account or a revoked session stops at once.
Only an account request (:meth:`Accounts.request`) needs no principal: anyone may ask
for a submitter account, which waits as *pending* (and cannot sign in) until a moderator
or admin accepts it.

The session token (a cookie of the app) is signed with a server secret that persists
across processes: ``CLUSTERMAP_SECRET_KEY``, else the file ``secret_key`` in the state
directory, created with mode 0600 on first use (:func:`secret_key`). Several hosts
sharing one database must share the secret: set the variable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from geo.base.errors import render
from geo.base.i18n import N_, translator
from geo.registry import auth
from geo.registry.auth import Attempts, NotAuthorised, Principal, ThrottlePolicy

__all__ = [
    "ENV_SECRET_KEY",
    "STATUSES",
    "TABLES",
    "AccountError",
    "AccountInfo",
    "Accounts",
    "SignIn",
    "secret_key",
]

ENV_SECRET_KEY = "CLUSTERMAP_SECRET_KEY"
SECRET_FILE = "secret_key"
STATUSES: tuple[str, ...] = ("pending", "active", "disabled")
#: New account requests accepted while this many wait (a flood of requests stops here).
MAX_PENDING = 500
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,63}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
_CLUSTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")

DEFAULT_POLICY = ThrottlePolicy()
NO_ATTEMPTS = Attempts()

_metadata = sa.MetaData()
_accounts = sa.Table(
    "accounts",
    _metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("changed_at", sa.Float, nullable=False),
)
_roles = sa.Table(
    "account_roles",
    _metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),
)
_managers = sa.Table(
    "cluster_managers",
    _metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("cluster_id", sa.String(40), primary_key=True),
)
_sessions = sa.Table(
    "sessions",
    _metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("origin", sa.String(10), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
    sa.Column("revoked_at", sa.Float, nullable=True),
)
_throttle = sa.Table(
    "sign_in_throttle",
    _metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.Float, nullable=False),
    sa.Column("locked", sa.Boolean, nullable=False),
)
_log = sa.Table(
    "account_log",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
)
TABLES: tuple[str, ...] = tuple(_metadata.tables)
"""The tables this module keeps (tests that empty a database drop them too)."""

#: What a sign-in attempt ended in, for the person who tried (English msgids).
SIGN_IN_TEXT: dict[str, str] = {
    "ok": N_("Signed in."),
    "denied": N_("Unknown user or wrong password."),
    "wait": N_("Too many failed sign-ins: try again in {seconds} s."),
    "locked": N_(
        "Too many failed sign-ins: this user is locked. An admin can unlock it "
        "(Accounts page, or 'clustermap users unlock NAME')."
    ),
    "pending": N_("This account is waiting for a moderator to accept the request."),
    "disabled": N_("This account is disabled."),
}

#: Why an account operation was refused (English msgids; values filled in).
PROBLEMS: dict[str, str] = {
    "name": N_(
        "user name {name!r}: 2 to 64 Latin letters, digits and . _ @ - (starting with a "
        "letter or digit)"
    ),
    "taken": N_("the user name {name!r} is taken"),
    "unknown": N_("there is no account {name!r}"),
    "email": N_("{email!r} is not an e-mail address"),
    "display_name": N_("the name must have 1 to 200 characters"),
    "organisation": N_("the organisation must have at most 200 characters"),
    "short": N_("the password must have at least {count} characters"),
    "long": N_("the password must have at most {count} characters"),
    "same": N_("the password must differ from the user name"),
    "role": N_("unknown role {role!r}; expected one of {roles}"),
    "no_role": N_("an account needs at least one role"),
    "cluster": N_("there is no cluster {cluster!r} in the registry"),
    "not_pending": N_("{name!r} is not a pending request"),
    "last_admin": N_("this would leave no active admin"),
    "too_many": N_("too many account requests are waiting; please try again later"),
}


class AccountError(ValueError):
    """An account operation refused for its input (nothing was changed). ``str()`` is
    English; :meth:`localised` gives the sentence in another language."""

    def __init__(self, key: str, **values: Any) -> None:
        self.template, self.values = PROBLEMS[key], values
        super().__init__(render(self.template, values))

    def localised(self, lang: str) -> str:
        """The sentence in ``lang``."""
        return render(self.template, self.values, lang)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the principal (``ok`` only), the outcome's key of
    :data:`SIGN_IN_TEXT`, the seconds to wait (``wait``), and the browser session's failed
    attempts to keep for its next try."""

    principal: Principal | None
    outcome: str
    wait: float = 0.0
    session_attempts: Attempts = Attempts()

    def text(self, lang: str) -> str:
        """What to tell the person, in ``lang``."""
        return translator(lang)(SIGN_IN_TEXT[self.outcome]).format(seconds=int(self.wait + 0.999))


@dataclass(frozen=True)
class AccountInfo:
    """One account as listed (no password hash)."""

    name: str
    display_name: str
    email: str
    organisation: str
    status: str
    roles: tuple[str, ...]
    manages: tuple[str, ...]
    failures: int
    locked: bool
    created_at: float


# --------------------------------------------------------------------------- the secret


def secret_key(directory: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The server secret signing session tokens: ``CLUSTERMAP_SECRET_KEY`` (at least 32
    characters), else the file ``secret_key`` in ``directory``, created atomically with
    mode 0600 when missing. A key file others can read is refused (``ValueError``)."""
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV_SECRET_KEY, "")
    if configured:
        if len(configured) < 32:
            raise ValueError(f"{ENV_SECRET_KEY} must have at least 32 characters")
        return hashlib.sha256(configured.encode("utf-8")).digest()
    path = directory / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    if path.stat().st_mode & 0o077:
        raise ValueError(f"{path} may be read by others; make it private: chmod 600 {path}")
    key = path.read_bytes()
    if len(key) < 32:
        raise ValueError(f"{path} holds fewer than 32 bytes; delete it to make a new one")
    return key


def _create_secret(path: Path) -> None:
    """Write 32 random bytes to ``path`` (mode 0600), atomically: a temporary file is
    linked into place, so a concurrent process either wins or reads the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _digest(session: str) -> str:
    return hashlib.sha256(session.encode("ascii")).hexdigest()


# --------------------------------------------------------------------------- validation


def _check_password(name: str, password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("short", count=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise AccountError("long", count=MAX_PASSWORD)
    if password.strip().casefold() == name.casefold():
        raise AccountError("same")


def _check_roles(roles: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(roles)
    for role in sorted(chosen):
        if role not in auth.ROLES:
            raise AccountError("role", role=role, roles=", ".join(auth.ROLES))
    if not chosen:
        raise AccountError("no_role")
    return chosen


def _check_contact(display_name: str, email: str, organisation: str) -> None:
    if not 1 <= len(display_name.strip()) <= 200 or not display_name.isprintable():
        raise AccountError("display_name")
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise AccountError("email", email=email[:80])
    if len(organisation) > 200 or not organisation.isprintable():
        raise AccountError("organisation")


# --------------------------------------------------------------------------- the accounts


class Accounts:
    """The accounts of one registry database (see the module docstring).

    ``clock`` gives the time (tests inject one); ``key_dir`` holds the secret file;
    ``cluster_exists`` says whether the registry has a cluster (managed clusters must).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        key_dir: Path,
        clock: Callable[[], float] = time.time,
        policy: ThrottlePolicy = DEFAULT_POLICY,
        cluster_exists: Callable[[str], bool] | None = None,
    ) -> None:
        self.engine, self.key_dir, self.clock, self.policy = engine, key_dir, clock, policy
        self.cluster_exists = cluster_exists
        self.iterations = auth.PBKDF2_ITERATIONS  # of new hashes (tests lower it)
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The server secret (loaded, or created, on first use)."""
        if self._key is None:
            self._key = secret_key(self.key_dir)
        return self._key

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction (on SQLite it takes the write lock before it reads, like the
        store's: the store's engine begins ``clustermap_write`` connections IMMEDIATE)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(clustermap_write=True)
            with conn.begin():
                yield conn

    # ----------------------------------------------------------------- reading

    def _row(self, conn: Connection, name: str) -> Any:
        return conn.execute(sa.select(_accounts).where(_accounts.c.name == name)).first()

    def _grants(self, conn: Connection, name: str) -> tuple[frozenset[str], frozenset[str]]:
        """The roles and the managed clusters of ``name``."""
        roles = conn.execute(sa.select(_roles.c.role).where(_roles.c.name == name)).scalars()
        clusters = conn.execute(
            sa.select(_managers.c.cluster_id).where(_managers.c.name == name)
        ).scalars()
        return frozenset(roles), frozenset(clusters)

    def managed(self, name: str) -> frozenset[str]:
        """The clusters ``name`` manages (none for an unknown name): what bounds the
        organisations a submission of theirs may change (:mod:`geo.registry.submissions`)."""
        with self.engine.connect() as conn:
            return self._grants(conn, name)[1]

    def exists(self, name: str) -> bool:
        """Whether an account (of any status) has this name, in any letter case."""
        with self.engine.connect() as conn:
            return self._name_taken(conn, name)

    def _name_taken(self, conn: Connection, name: str) -> bool:
        query = sa.select(_accounts.c.name).where(sa.func.lower(_accounts.c.name) == name.lower())
        return conn.execute(query).first() is not None

    def count(self) -> int:
        """How many accounts there are (of any status)."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(_accounts)).scalar_one())

    def listing(self, actor: Principal) -> list[AccountInfo]:
        """Every account, pending requests first, then by name (moderators and admins)."""
        self.authorise(actor, "accounts.view")
        return self._infos()

    def _infos(self) -> list[AccountInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(_accounts)).all()
            grants = {row.name: self._grants(conn, row.name) for row in rows}
            throttle = {r.name: r for r in conn.execute(sa.select(_throttle))}
        order = {status: i for i, status in enumerate(STATUSES)}
        out = []
        for row in sorted(rows, key=lambda r: (order.get(r.status, 9), r.name)):
            roles, manages = grants[row.name]
            attempts = throttle.get(row.name)
            out.append(
                AccountInfo(
                    row.name,
                    row.display_name,
                    row.email,
                    row.organisation,
                    row.status,
                    tuple(r for r in auth.ROLES if r in roles),
                    tuple(sorted(manages)),
                    attempts.failures if attempts else 0,
                    bool(attempts.locked) if attempts else False,
                    row.created_at,
                )
            )
        return out

    def log(self) -> pd.DataFrame:
        """The account log, newest first: when, who, what, to whom."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(_log).order_by(_log.c.id.desc())).all()
        return pd.DataFrame(
            [(r.at, r.actor, r.action, r.target, r.detail) for r in rows],
            columns=["at", "actor", "action", "target", "detail"],
        )

    # ----------------------------------------------------------------- principals

    def operator(self, who: str) -> Principal:
        """The principal of the ``clustermap users`` commands: whoever runs them with the
        database's configuration already controls its data, so they act as an admin
        (and recover a locked-out deployment). For :mod:`geo.cli.users` only: pages never
        call it (tests/test_permissions.py checks)."""
        return auth.issue(
            f"operator:{who}", {"admin"}, signed_in_at=self.clock(), origin="operator"
        )

    def refresh(self, principal: object, bootstrap: Mapping[str, str] | None = None) -> Principal:
        """``principal`` as the database has it now: genuine, its session neither revoked
        nor expired, its account active, with its current roles and clusters; else
        :class:`NotAuthorised`. ``bootstrap`` (the editor list), when given, must still
        list a bootstrap editor without an account."""
        checked = auth.check(principal, now=self.clock())
        if checked.origin == "operator":
            return checked
        with self.engine.connect() as conn:
            if checked.session and not self._live_session(conn, checked.session):
                raise NotAuthorised(auth.REFUSALS["revoked"])
            row = self._row(conn, checked.name)
            if row is None:
                listed = bootstrap is None or checked.name in bootstrap
                if checked.origin == "env" and listed:
                    return checked
                raise NotAuthorised(auth.REFUSALS["revoked"])
            if row.status != "active":
                raise NotAuthorised(auth.REFUSALS["revoked"])
            roles, manages = self._grants(conn, checked.name)
        if (roles, manages) == (checked.roles, checked.manages):
            return checked
        return auth.issue(
            checked.name,
            roles,
            signed_in_at=checked.signed_in_at,
            manages=manages,
            session=checked.session,
            origin="account",
        )

    def authorise(self, principal: object, action: str, cluster_id: str | None = None) -> Principal:
        """:meth:`refresh`, then :func:`geo.registry.auth.require` of ``action``: what every
        write of the store and of the accounts calls first."""
        fresh = self.refresh(principal)
        return auth.require(fresh, action, cluster_id, now=self.clock())

    def _live_session(self, conn: Connection, session: str) -> Any:
        query = sa.select(_sessions).where(
            _sessions.c.id == _digest(session),
            _sessions.c.revoked_at.is_(None),
            _sessions.c.expires_at >= self.clock(),
        )
        return conn.execute(query).first()

    # ----------------------------------------------------------------- sign-in

    def sign_in(
        self,
        name: str,
        password: str,
        *,
        session_attempts: Attempts = NO_ATTEMPTS,
        bootstrap: Mapping[str, str] | None = None,
    ) -> SignIn:
        """Check a user name and password, with throttling (see
        :class:`~geo.registry.auth.ThrottlePolicy`): a delayed or locked attempt is refused
        before any hashing. A database account wins over a bootstrap editor of the same
        name. Success starts a session (8 h) and resets the user's failures."""
        now = self.clock()
        session_attempts = self.policy.fresh(session_attempts, now)
        wait = self.policy.wait(session_attempts, now)
        if wait > 0:
            return SignIn(None, "wait", wait, session_attempts)
        user = self._attempts(name, now)
        if user.locked:
            return SignIn(None, "locked", 0.0, session_attempts)
        wait = self.policy.wait(user, now)
        if wait > 0:
            return SignIn(None, "wait", wait, session_attempts)
        principal, outcome = self._verify(name, password, bootstrap or {}, now)
        if principal is not None:
            self._forget_failures(name)
            return SignIn(principal, "ok")
        if outcome == "denied":
            session_attempts = self.policy.failed(session_attempts, now, can_lock=False)
            user = self._record_failure(name, user, now)
            outcome = "locked" if user.locked else outcome
        return SignIn(None, outcome, 0.0, session_attempts)

    def _verify(
        self, name: str, password: str, bootstrap: Mapping[str, str], now: float
    ) -> tuple[Principal | None, str]:
        """The principal for a right password of an active account (or of a bootstrap
        editor without an account), else None and why."""
        with self.engine.connect() as conn:
            row = self._row(conn, name)
            roles, manages = self._grants(conn, name) if row is not None else (frozenset(),) * 2
        if row is None:
            encoded = bootstrap.get(name)
            if encoded is None:
                auth.spend_dummy_hash(password)
                return None, "denied"
            if not auth.verify_password(password, encoded):
                return None, "denied"
            return self._start(name, {auth.BOOTSTRAP_ROLE}, (), "env", now), "ok"
        if not auth.verify_password(password, row.password_hash):
            return None, "denied"
        if row.status != "active":
            return None, row.status
        if auth.hash_iterations(row.password_hash) < self.iterations:
            self._rehash(name, password)
        return self._start(name, roles, manages, "account", now), "ok"

    def _rehash(self, name: str, password: str) -> None:
        """Store the password again at today's iteration count (a hash copied from the
        editor list, or made when the count was lower): hashes keep up without a reset."""
        encoded = auth.hash_password(password, iterations=self.iterations)
        with self._writing() as conn:
            update = _accounts.update().where(_accounts.c.name == name)
            conn.execute(update.values(password_hash=encoded))

    def _start(
        self, name: str, roles: Iterable[str], manages: Iterable[str], origin: str, now: float
    ) -> Principal:
        """A new session row and its principal (which carries the session's secret)."""
        session = secrets.token_urlsafe(32)
        with self._writing() as conn:
            conn.execute(
                _sessions.insert().values(
                    id=_digest(session),
                    name=name,
                    origin=origin,
                    created_at=now,
                    expires_at=now + auth.SESSION_SECONDS,
                    revoked_at=None,
                )
            )
            conn.execute(_sessions.delete().where(_sessions.c.expires_at < now - 86400))
        return auth.issue(
            name, roles, signed_in_at=now, manages=manages, session=session, origin=origin
        )

    def token(self, principal: Principal) -> str:
        """The signed session token of ``principal`` (for a cookie), expiring with it."""
        checked = auth.check(principal, now=self.clock())
        return auth.sign_token(
            self.key, checked.session, checked.signed_in_at + auth.SESSION_SECONDS
        )

    def resume(self, token: str, bootstrap: Mapping[str, str] | None = None) -> Principal | None:
        """The principal of a session token (a page reload), or None when the token is not
        genuine, has expired, or its session was revoked or its account disabled."""
        session = auth.read_token(self.key, token, self.clock())
        if session is None:
            return None
        with self.engine.connect() as conn:
            row = self._live_session(conn, session)
        if row is None:
            return None
        roles = {auth.BOOTSTRAP_ROLE} if row.origin == "env" else ()
        draft = auth.issue(
            row.name, roles, signed_in_at=row.created_at, session=session, origin=row.origin
        )
        try:
            return self.refresh(draft, bootstrap)
        except NotAuthorised:
            return None

    def sign_out(self, principal: object) -> None:
        """End ``principal``'s session: its token no longer resumes anything."""
        if isinstance(principal, Principal) and principal.session:
            self._revoke(_sessions.c.id == _digest(principal.session))

    def _revoke(self, condition: Any, conn: Connection | None = None) -> None:
        statement = (
            _sessions.update()
            .where(condition, _sessions.c.revoked_at.is_(None))
            .values(revoked_at=self.clock())
        )
        if conn is not None:
            conn.execute(statement)
            return
        with self._writing() as own:
            own.execute(statement)

    # ----------------------------------------------------------------- throttling

    def _attempts(self, name: str, now: float) -> Attempts:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(_throttle).where(_throttle.c.name == name)).first()
        if row is None:
            return Attempts()
        return self.policy.fresh(Attempts(row.failures, row.last_failure_at, row.locked), now)

    def _record_failure(self, name: str, attempts: Attempts, now: float) -> Attempts:
        """One more failure of ``name`` (names too long for an account are not stored)."""
        attempts = self.policy.failed(attempts, now)
        if len(name) > 64:
            return attempts
        with self._writing() as conn:
            conn.execute(_throttle.delete().where(_throttle.c.name == name))
            conn.execute(
                _throttle.insert().values(
                    name=name,
                    failures=attempts.failures,
                    last_failure_at=now,
                    locked=attempts.locked,
                )
            )
            stale = sa.and_(
                _throttle.c.last_failure_at < now - self.policy.forget_after,
                sa.or_(
                    _throttle.c.locked.is_(False),
                    _throttle.c.name.not_in(sa.select(_accounts.c.name)),
                ),
            )
            conn.execute(_throttle.delete().where(stale))
        return attempts

    def _forget_failures(self, name: str, conn: Connection | None = None) -> None:
        if conn is not None:
            conn.execute(_throttle.delete().where(_throttle.c.name == name))
            return
        with self._writing() as own:
            own.execute(_throttle.delete().where(_throttle.c.name == name))

    # ----------------------------------------------------------------- requests and adding

    def request(
        self,
        name: str,
        password: str,
        *,
        display_name: str,
        email: str,
        organisation: str = "",
        clusters: Iterable[str] = (),
    ) -> None:
        """Ask for a submitter account (anyone may): stored as *pending*, unable to sign in
        until a moderator or admin accepts it. ``AccountError`` for bad input."""
        self._create(
            None, name, password, {"submitter"}, "pending", display_name, email, organisation,
            clusters,
        )  # fmt: skip

    def add(
        self,
        actor: Principal,
        name: str,
        password: str,
        roles: Iterable[str],
        *,
        display_name: str = "",
        email: str = "",
        organisation: str = "",
        clusters: Iterable[str] = (),
    ) -> None:
        """Add an active account (admins; the first admin through the command line's
        operator). Contact details are optional here."""
        self.authorise(actor, "accounts.add")
        self._create(
            actor, name, password, roles, "active", display_name or name,
            email, organisation, clusters,
        )  # fmt: skip

    def _create(
        self,
        actor: Principal | None,
        name: str,
        password: str,
        roles: Iterable[str],
        status: str,
        display_name: str,
        email: str,
        organisation: str,
        clusters: Iterable[str],
    ) -> None:
        """Check everything, then write the account, its roles and clusters at once."""
        if not _NAME.fullmatch(name):
            raise AccountError("name", name=name[:80])
        _check_password(name, password)
        chosen = _check_roles(roles)
        if email or status == "pending":
            _check_contact(display_name, email, organisation)
        clusters = self._check_clusters(clusters)
        encoded = auth.hash_password(password, iterations=self.iterations)
        now = self.clock()
        with self._writing() as conn:
            if self._name_taken(conn, name):
                raise AccountError("taken", name=name)
            if status == "pending" and self._pending_count(conn) >= MAX_PENDING:
                raise AccountError("too_many")
            conn.execute(
                _accounts.insert().values(
                    name=name, display_name=display_name.strip(), email=email,
                    organisation=organisation.strip(), password_hash=encoded, status=status,
                    created_at=now, changed_at=now,
                )
            )  # fmt: skip
            self._write_grants(conn, name, chosen, clusters)
            detail = f"roles={','.join(sorted(chosen))}"
            self._log_event(conn, actor, "request" if actor is None else "add", name, detail)

    def _pending_count(self, conn: Connection) -> int:
        query = sa.select(sa.func.count()).where(_accounts.c.status == "pending")
        return int(conn.execute(query).scalar_one())

    def _check_clusters(self, clusters: Iterable[str]) -> tuple[str, ...]:
        chosen = tuple(dict.fromkeys(c.strip() for c in clusters if c.strip()))
        for cluster in chosen:
            known = self.cluster_exists is None or self.cluster_exists(cluster)
            if not _CLUSTER.fullmatch(cluster) or not known:
                raise AccountError("cluster", cluster=cluster[:40])
        return chosen

    def _write_grants(
        self,
        conn: Connection,
        name: str,
        roles: Iterable[str] | None,
        clusters: Iterable[str] | None,
    ) -> None:
        """Replace the roles and/or the managed clusters of ``name`` (None: keep)."""
        if roles is not None:
            conn.execute(_roles.delete().where(_roles.c.name == name))
            rows = [{"name": name, "role": role} for role in sorted(roles)]
            if rows:
                conn.execute(_roles.insert(), rows)
        if clusters is not None:
            conn.execute(_managers.delete().where(_managers.c.name == name))
            rows = [{"name": name, "cluster_id": cluster} for cluster in clusters]
            if rows:
                conn.execute(_managers.insert(), rows)

    def _log_event(
        self, conn: Connection, actor: Principal | None, action: str, target: str, detail: str = ""
    ) -> None:
        who = actor.name if actor is not None else target
        conn.execute(
            _log.insert().values(
                at=self.clock(), actor=who, action=action, target=target, detail=detail
            )
        )

    def import_env(self, actor: Principal, credentials: Mapping[str, str]) -> list[str]:
        """Copy bootstrap editors into the database as moderators, with their password
        hashes (admins; names already taken are left alone). Returns the names added."""
        self.authorise(actor, "accounts.add")
        added = []
        now = self.clock()
        with self._writing() as conn:
            for name, encoded in sorted(credentials.items()):
                if not _NAME.fullmatch(name) or self._name_taken(conn, name):
                    continue
                conn.execute(
                    _accounts.insert().values(
                        name=name, display_name=name, email="", organisation="",
                        password_hash=encoded, status="active", created_at=now, changed_at=now,
                    )
                )  # fmt: skip
                self._write_grants(conn, name, {auth.BOOTSTRAP_ROLE}, ())
                self._log_event(conn, actor, "import-env", name, f"roles={auth.BOOTSTRAP_ROLE}")
                added.append(name)
        return added

    # ----------------------------------------------------------------- account operations

    def _change(
        self,
        actor: Principal,
        action: str,
        name: str,
        apply: Callable[[Connection, Any], str],
    ) -> None:
        """Authorise ``actor`` for ``accounts.<action>``, lock, find ``name`` and
        ``apply`` the change (which returns the log's detail) in one transaction."""
        actor = self.authorise(actor, f"accounts.{action}")
        with self._writing() as conn:
            row = self._row(conn, name)
            if row is None:
                raise AccountError("unknown", name=name[:80])
            detail = apply(conn, row)
            conn.execute(
                _accounts.update().where(_accounts.c.name == name).values(changed_at=self.clock())
            )
            self._log_event(conn, actor, action, name, detail)

    def accept(self, actor: Principal, name: str, clusters: Iterable[str] | None = None) -> None:
        """Accept a pending request: the account becomes active (moderators, admins);
        ``clusters``, when given, replaces the clusters it manages."""
        self.authorise(actor, "accounts.accept")
        chosen = None if clusters is None else self._check_clusters(clusters)

        def apply(conn: Connection, row: Any) -> str:
            if row.status != "pending":
                raise AccountError("not_pending", name=name)
            self._set_status(conn, name, "active")
            self._write_grants(conn, name, None, chosen)
            return ""

        self._change(actor, "accept", name, apply)

    def reject(self, actor: Principal, name: str) -> None:
        """Refuse a pending request: it is deleted (moderators, admins)."""

        def apply(conn: Connection, row: Any) -> str:
            if row.status != "pending":
                raise AccountError("not_pending", name=name)
            self._write_grants(conn, name, (), ())
            conn.execute(_accounts.delete().where(_accounts.c.name == name))
            return "rejected"

        self._change(actor, "accept", name, apply)

    def set_roles(self, actor: Principal, name: str, roles: Iterable[str]) -> None:
        """Replace the roles of ``name`` (admins); the last active admin keeps admin."""
        self.authorise(actor, "accounts.set_roles")
        chosen = _check_roles(roles)

        def apply(conn: Connection, row: Any) -> str:
            if "admin" not in chosen:
                self._keep_an_admin(conn, name)
            self._write_grants(conn, name, chosen, None)
            return f"roles={','.join(sorted(chosen))}"

        self._change(actor, "set_roles", name, apply)

    def set_clusters(self, actor: Principal, name: str, clusters: Iterable[str]) -> None:
        """Replace the clusters ``name`` manages (moderators, admins)."""
        self.authorise(actor, "accounts.set_clusters")
        chosen = self._check_clusters(clusters)

        def apply(conn: Connection, row: Any) -> str:
            self._write_grants(conn, name, None, chosen)
            return f"clusters={','.join(chosen)}"

        self._change(actor, "set_clusters", name, apply)

    def disable(self, actor: Principal, name: str) -> None:
        """Disable ``name`` (admins): it cannot sign in, and its sessions end at once."""

        def apply(conn: Connection, row: Any) -> str:
            self._keep_an_admin(conn, name)
            self._set_status(conn, name, "disabled")
            self._revoke(_sessions.c.name == name, conn)
            return ""

        self._change(actor, "disable", name, apply)

    def enable(self, actor: Principal, name: str) -> None:
        """Make a disabled account active again (admins)."""

        def apply(conn: Connection, row: Any) -> str:
            self._set_status(conn, name, "active")
            return ""

        self._change(actor, "enable", name, apply)

    def unlock(self, actor: Principal, name: str) -> None:
        """Lift a lockout and forget the failed sign-ins of ``name`` (admins)."""

        def apply(conn: Connection, row: Any) -> str:
            self._forget_failures(name, conn)
            return ""

        self._change(actor, "unlock", name, apply)

    def reset_password(self, actor: Principal, name: str, password: str) -> None:
        """Give ``name`` a new password (admins): its sessions end, its lockout lifts.
        (Authorised before the password is checked or hashed: a refused caller learns
        nothing about the rules and costs no hashing.)"""
        self.authorise(actor, "accounts.reset_password")
        _check_password(name, password)
        encoded = auth.hash_password(password, iterations=self.iterations)

        def apply(conn: Connection, row: Any) -> str:
            conn.execute(
                _accounts.update().where(_accounts.c.name == name).values(password_hash=encoded)
            )
            self._revoke(_sessions.c.name == name, conn)
            self._forget_failures(name, conn)
            return ""

        self._change(actor, "reset_password", name, apply)

    def _set_status(self, conn: Connection, name: str, status: str) -> None:
        conn.execute(_accounts.update().where(_accounts.c.name == name).values(status=status))

    def _keep_an_admin(self, conn: Connection, name: str) -> None:
        """Refuse a change that would leave no active admin (``name`` losing it)."""
        query = (
            sa.select(_roles.c.name)
            .join(_accounts, _accounts.c.name == _roles.c.name)
            .where(_roles.c.role == "admin", _accounts.c.status == "active")
        )
        admins = set(conn.execute(query).scalars())
        if name in admins and not admins - {name}:
            raise AccountError("last_admin")

    def grant_cluster(self, conn: Connection, name: str, cluster_id: str) -> None:
        """Make ``name`` a manager of ``cluster_id``, inside the caller's write transaction
        (an approved new cluster, :mod:`geo.registry.submissions`, which has authorised the
        approver): logged as ``manage`` in the account log. No-op when it already is."""
        query = sa.select(_managers).where(
            _managers.c.name == name, _managers.c.cluster_id == cluster_id
        )
        if conn.execute(query).first() is not None or self._row(conn, name) is None:
            return
        conn.execute(_managers.insert().values(name=name, cluster_id=cluster_id))
        conn.execute(_log.insert().values(
            at=self.clock(), actor="submission", action="manage", target=name,
            detail=f"clusters+={cluster_id}",
        ))  # fmt: skip


def accounts_frame(infos: Iterable[AccountInfo], lang: str = "en") -> pd.DataFrame:
    """Accounts as a table (roles and statuses in ``lang``): for the page and the CLI."""
    _ = translator(lang)
    rows = [
        {
            "name": a.name,
            "display_name": a.display_name,
            "email": a.email,
            "organisation": a.organisation,
            "status": _(STATUS_LABELS[a.status]),
            "roles": ", ".join(_(auth.ROLE_LABELS[r]) for r in a.roles),
            "manages": ", ".join(a.manages),
            "failures": a.failures,
            "locked": a.locked,
        }
        for a in infos
    ]
    columns = ["name", "display_name", "email", "organisation", "status", "roles", "manages"]
    return pd.DataFrame(rows, columns=[*columns, "failures", "locked"])


STATUS_LABELS: dict[str, str] = {
    "pending": N_("pending"),
    "active": N_("active"),
    "disabled": N_("disabled"),
}
