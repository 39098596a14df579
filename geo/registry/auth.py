"""Who may do what: password hashes, roles, the permission table, the sealed principal,
sign-in throttling and session tokens. No database here (:mod:`geo.registry.accounts`
keeps the accounts); everything in this module is pure and takes its clock as an argument.

Roles
    *viewer* (no account: reads everything), *submitter* (a cluster's manager: proposes
    new clusters and changes to the clusters they manage, through submissions),
    *moderator* (reviews submissions, writes the registry directly: import, edit,
    register, remove, restore; accepts account requests) and *admin* (everything a
    moderator does, plus accounts and roles). An account holds one or more roles.
    :data:`PERMISSIONS` is the table of actions × roles; a new action is one entry there.
    A rule's *scoped* roles get the action only for the clusters the account manages.

Why a principal object
    Every write (store, accounts) takes a :class:`Principal` and checks it with
    :func:`require` before it touches the database. A principal carries an HMAC seal over
    all its fields, computed with a key that exists only in this process's memory and is
    created at import; only :func:`authenticate` and :func:`issue` (called by
    :mod:`geo.registry.accounts` after a password or a session token was checked) compute
    seals. A page that forgets to check who is signed in, or a request crafted to reach a
    write, cannot produce a valid principal: constructing one by hand, copying one with
    another name or more roles, or keeping one beyond :data:`SESSION_SECONDS` fails the
    check. (Code running inside the process can of course read the key; the seal protects
    against mistakes and against input, not against code that sets out to bypass it.)
    The store and the accounts also re-read the account at every write, so a disabled
    account or a revoked session stops acting at once (:meth:`Accounts.authorise`).

Bootstrap editor list
    Deployments from before the accounts list editors as ``user:hash`` pairs in
    ``CLUSTERMAP_EDITORS`` or ``[editors]`` of ``.streamlit/secrets.toml``. They keep
    working: such a user signs in as a *moderator* (not an admin) while no database account
    of that name exists, and ``clustermap users import-env`` copies them into the database
    (``clustermap hash-password`` prints an entry).

Sign-in throttling (:class:`ThrottlePolicy`)
    Per user name (in the database) and per browser session: the first
    ``free_failures`` failures cost nothing, then each further attempt must wait a delay
    that doubles per failure; after ``lockout_after`` failures the user is locked until an
    admin unlocks it. A delayed or locked attempt is refused before any hash is computed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geo.base.errors import render
from geo.base.i18n import N_

__all__ = [
    "ENV_EDITORS",
    "PERMISSIONS",
    "ROLES",
    "SESSION_SECONDS",
    "Attempts",
    "Editor",
    "NotAuthorised",
    "Principal",
    "Rule",
    "ThrottlePolicy",
    "authenticate",
    "can",
    "editor_credentials",
    "hash_iterations",
    "hash_password",
    "is_valid",
    "issue",
    "parse_editors",
    "read_token",
    "require",
    "require_editor",
    "sign_token",
    "verify_password",
]

#: Environment variable listing bootstrap editors as ``user:hash`` pairs.
ENV_EDITORS = "CLUSTERMAP_EDITORS"

#: How long a sign-in stays valid, also across page reloads (8 hours: a working day).
SESSION_SECONDS = 8 * 3600

#: PBKDF2-HMAC-SHA256 iterations for new hashes (OWASP 2023 recommendation).
PBKDF2_ITERATIONS = 600_000

_SCHEME = "pbkdf2_sha256"
_SEAL_KEY = secrets.token_bytes(32)  # per process; never stored, never shown
#: Hash compared against when the user name is unknown, so timing does not reveal
#: which user names exist.
_DUMMY_HASH: str | None = None

# --------------------------------------------------------------------------- roles

#: The roles an account can hold (a viewer has no account).
ROLES: tuple[str, ...] = ("submitter", "moderator", "admin")
ROLE_LABELS: dict[str, str] = {
    "viewer": N_("viewer"),
    "submitter": N_("submitter"),
    "moderator": N_("moderator"),
    "admin": N_("admin"),
}
#: The role of a bootstrap editor (``CLUSTERMAP_EDITORS``, ``[editors]``).
BOOTSTRAP_ROLE = "moderator"


@dataclass(frozen=True)
class Rule:
    """Who may do an action: ``roles`` everywhere, ``scoped`` roles only for a cluster
    the account manages (the action is then asked with that ``cluster_id``)."""

    roles: frozenset[str]
    scoped: frozenset[str] = frozenset()


def _rule(*roles: str, scoped: Iterable[str] = ()) -> Rule:
    return Rule(frozenset(roles), frozenset(scoped))


_WRITERS = ("moderator", "admin")

PERMISSIONS: dict[str, Rule] = {
    # Direct writes of the registry store (each a new version).
    "import": _rule(*_WRITERS),
    "edit": _rule(*_WRITERS),
    "register": _rule(*_WRITERS),
    "remove": _rule(*_WRITERS),
    "restore": _rule(*_WRITERS),
    # Submissions (the workflow builds on these).
    "propose_cluster": _rule("submitter", *_WRITERS),
    "propose_change": _rule(*_WRITERS, scoped=("submitter",)),
    "review": _rule(*_WRITERS),
    # The card (geo.registry.card): personal contact data, the development level.
    "contacts.view": _rule("submitter", *_WRITERS),
    "assess": _rule(*_WRITERS),
    # Accounts.
    "accounts.view": _rule(*_WRITERS),
    "accounts.accept": _rule(*_WRITERS),
    "accounts.set_clusters": _rule(*_WRITERS),
    "accounts.add": _rule("admin"),
    "accounts.set_roles": _rule("admin"),
    "accounts.disable": _rule("admin"),
    "accounts.enable": _rule("admin"),
    "accounts.unlock": _rule("admin"),
    "accounts.reset_password": _rule("admin"),
    # The audit log of the submissions.
    "audit.view": _rule("admin"),
}
"""Action → the roles allowed to do it. The one place that says who may do what."""


class NotAuthorised(PermissionError):
    """Raised by every write when the caller may not do it. ``str()`` is English;
    :meth:`localised` gives the sentence in another language."""

    def __init__(self, template: str, **values: Any) -> None:
        self.template, self.values = template, values
        super().__init__(render(template, values))

    def localised(self, lang: str) -> str:
        """The sentence in ``lang``."""
        return render(self.template, self.values, lang)


REFUSALS: dict[str, str] = {
    "none": N_("only a signed-in user can do this; sign in first"),
    "invalid": N_("the sign-in is not valid; sign in again"),
    "expired": N_("the sign-in has expired; sign in again"),
    "role": N_("{name} ({roles}) may not do this: {action}"),
    "revoked": N_("the sign-in has ended (signed out, or the account was disabled or changed)"),
}


# --------------------------------------------------------------------------- passwords


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(
    password: str, *, iterations: int = PBKDF2_ITERATIONS, salt: bytes | None = None
) -> str:
    """A salted PBKDF2-HMAC-SHA256 hash: ``pbkdf2_sha256$<iterations>$<salt>$<hash>``.

    The format holds no ``:`` or ``,`` so it fits ``CLUSTERMAP_EDITORS``.
    """
    if not password:
        raise ValueError("an empty password cannot be hashed")
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{_SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches ``encoded`` (constant-time comparison).

    A malformed hash never matches (and raises nothing: a typo in the configuration must
    not become a way in).
    """
    try:
        scheme, iterations, salt, expected = encoded.split("$")
        if scheme != _SCHEME:
            return False
        digest = hashlib.pbkdf2_hmac(
            "sha256", password.encode("utf-8"), _unb64(salt), int(iterations)
        )
        return hmac.compare_digest(digest, _unb64(expected))
    except (ValueError, TypeError):
        return False


def hash_iterations(encoded: str) -> int:
    """The iteration count of a hash made by :func:`hash_password` (0 for anything else,
    so a malformed hash counts as weaker than any).

    >>> hash_iterations(hash_password("x", iterations=1000))
    1000
    """
    scheme, _, rest = encoded.partition("$")
    count = rest.partition("$")[0]
    return int(count) if scheme == _SCHEME and count.isdigit() else 0


def spend_dummy_hash(password: str) -> None:
    """The hashing work of one check against a hash nobody has: an unknown user name
    costs the same time as a known one."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    verify_password(password, _DUMMY_HASH)


def parse_editors(text: str) -> dict[str, str]:
    """``"alice:hash,bob:hash"`` → ``{"alice": "hash", "bob": "hash"}``.

    Raises ``ValueError`` naming the malformed entry (by position, not by content, so a
    pasted password is not echoed).
    """
    editors: dict[str, str] = {}
    for position, entry in enumerate(filter(None, (e.strip() for e in text.split(","))), 1):
        user, sep, encoded = entry.partition(":")
        if not sep or not user.strip() or not encoded.startswith(f"{_SCHEME}$"):
            raise ValueError(
                f"{ENV_EDITORS}: entry {position} is not 'user:{_SCHEME}$...' "
                "(make one with 'clustermap hash-password')"
            )
        editors[user.strip()] = encoded.strip()
    return editors


def editor_credentials(
    secrets_editors: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Bootstrap editors from Streamlit secrets (``st.secrets["editors"]``, passed in by
    the page) and from ``CLUSTERMAP_EDITORS``; the secrets win for a name in both."""
    environ = os.environ if environ is None else environ
    editors = parse_editors(environ.get(ENV_EDITORS, ""))
    editors.update({str(k): str(v) for k, v in (secrets_editors or {}).items()})
    return editors


# --------------------------------------------------------------------------- principal


@dataclass(frozen=True)
class Principal:
    """A signed-in user: name, roles, the clusters they manage, the session it belongs to
    (``""`` for none) and where the account lives (``account``: the database; ``env``: the
    bootstrap editor list; ``operator``: the command line's ``users`` commands). Only
    :func:`issue` makes valid ones (see the module doc)."""

    name: str
    signed_in_at: float
    seal: bytes = field(repr=False)
    roles: frozenset[str] = frozenset()
    manages: frozenset[str] = frozenset()
    session: str = field(default="", repr=False)
    origin: str = "account"


Editor = Principal
"""The principal's former name (every signed-in user was an editor)."""


def _seal(
    name: str,
    signed_in_at: float,
    roles: Iterable[str],
    manages: Iterable[str],
    session: str,
    origin: str,
) -> bytes:
    parts = [name, repr(signed_in_at), ",".join(sorted(roles)), ",".join(sorted(manages))]
    message = "\x00".join([*parts, session, origin]).encode()
    return hmac.new(_SEAL_KEY, message, hashlib.sha256).digest()


def issue(
    name: str,
    roles: Iterable[str],
    *,
    signed_in_at: float,
    manages: Iterable[str] = (),
    session: str = "",
    origin: str = "account",
) -> Principal:
    """A sealed principal. Called only once a password or a session token was checked
    (:func:`authenticate`, :mod:`geo.registry.accounts`); never from a page."""
    roles, manages = frozenset(roles), frozenset(manages)
    seal = _seal(name, signed_in_at, roles, manages, session, origin)
    return Principal(name, signed_in_at, seal, roles, manages, session, origin)


def authenticate(
    username: str, password: str, credentials: Mapping[str, str], *, now: float | None = None
) -> Principal | None:
    """A bootstrap editor's principal (role :data:`BOOTSTRAP_ROLE`, no session) for a
    correct user name and password of ``credentials``, else None. An unknown user costs
    the same hashing work as a known one."""
    encoded = credentials.get(username)
    if encoded is None:
        spend_dummy_hash(password)
        return None
    if not verify_password(password, encoded):
        return None
    signed_in_at = time.time() if now is None else now
    return issue(username, {BOOTSTRAP_ROLE}, signed_in_at=signed_in_at, origin="env")


def check(principal: object, *, now: float | None = None) -> Principal:
    """``principal`` if it is a genuine, unexpired :class:`Principal`; else
    :class:`NotAuthorised`. Says nothing about what it may do (see :func:`require`)."""
    if not isinstance(principal, Principal):
        raise NotAuthorised(REFUSALS["none"])
    if not isinstance(principal.roles, frozenset) or not isinstance(principal.manages, frozenset):
        raise NotAuthorised(REFUSALS["invalid"])
    try:
        expected = _seal(
            principal.name,
            principal.signed_in_at,
            principal.roles,
            principal.manages,
            principal.session,
            principal.origin,
        )
    except TypeError:  # fields of the wrong types: not one of ours
        raise NotAuthorised(REFUSALS["invalid"]) from None
    if not isinstance(principal.seal, bytes) or not hmac.compare_digest(principal.seal, expected):
        raise NotAuthorised(REFUSALS["invalid"])
    current = time.time() if now is None else now
    if not 0 <= current - principal.signed_in_at <= SESSION_SECONDS:
        raise NotAuthorised(REFUSALS["expired"])
    return principal


def allowed(
    roles: Iterable[str], manages: Iterable[str], action: str, cluster_id: str | None
) -> bool:
    """Whether an account with ``roles`` managing ``manages`` may do ``action`` (on
    ``cluster_id``), by :data:`PERMISSIONS`. An unknown action is allowed to nobody."""
    rule = PERMISSIONS.get(action)
    if rule is None:
        return False
    roles = set(roles)
    if roles & rule.roles:
        return True
    return bool(roles & rule.scoped) and cluster_id is not None and cluster_id in set(manages)


def require(
    principal: object, action: str, cluster_id: str | None = None, *, now: float | None = None
) -> Principal:
    """``principal`` if it is genuine, unexpired and its roles allow ``action`` (on
    ``cluster_id`` for a cluster-scoped action); else :class:`NotAuthorised`."""
    checked = check(principal, now=now)
    if not allowed(checked.roles, checked.manages, action, cluster_id):
        roles = ", ".join(sorted(checked.roles)) or ROLE_LABELS["viewer"]
        raise NotAuthorised(REFUSALS["role"], name=checked.name, roles=roles, action=action)
    return checked


def can(
    principal: object, action: str, cluster_id: str | None = None, *, now: float | None = None
) -> bool:
    """Whether :func:`require` would let ``principal`` do ``action`` (pages decide with it
    which forms to show; the write checks again)."""
    try:
        require(principal, action, cluster_id, now=now)
    except NotAuthorised:
        return False
    return True


def require_editor(principal: object, *, now: float | None = None) -> Principal:
    """:func:`require` for a direct registry edit (the former check of every write)."""
    return require(principal, "edit", now=now)


def is_valid(principal: object, *, now: float | None = None) -> bool:
    """Whether ``principal`` is a genuine, unexpired :class:`Principal` (pages use it to
    drop an expired sign-in from the session)."""
    try:
        check(principal, now=now)
    except NotAuthorised:
        return False
    return True


# --------------------------------------------------------------------------- throttling


@dataclass(frozen=True)
class Attempts:
    """Failed sign-ins so far (of one user name, or of one browser session): how many,
    when the last was, and whether that locked the user."""

    failures: int = 0
    last_failure_at: float = 0.0
    locked: bool = False


@dataclass(frozen=True)
class ThrottlePolicy:
    """How failed sign-ins slow the next attempt: ``free_failures`` cost nothing, then the
    wait is ``base_delay`` seconds doubling per further failure (at most ``max_delay``);
    ``lockout_after`` failures of a user lock it until an admin unlocks it."""

    free_failures: int = 3
    base_delay: float = 1.0
    max_delay: float = 900.0
    lockout_after: int = 10
    forget_after: float = 86400.0

    def fresh(self, attempts: Attempts, now: float) -> Attempts:
        """``attempts`` with failures older than ``forget_after`` seconds forgotten (a
        lockout stays until an admin lifts it)."""
        if attempts.locked or now - attempts.last_failure_at <= self.forget_after:
            return attempts
        return Attempts()

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures.

        >>> [ThrottlePolicy().delay(n) for n in range(2, 7)]
        [0.0, 1.0, 2.0, 4.0, 8.0]
        """
        if failures < self.free_failures:
            return 0.0
        return min(self.max_delay, self.base_delay * 2 ** (failures - self.free_failures))

    def wait(self, attempts: Attempts, now: float) -> float:
        """Seconds before another attempt is checked (0: now)."""
        return max(0.0, attempts.last_failure_at + self.delay(attempts.failures) - now)

    def failed(self, attempts: Attempts, now: float, *, can_lock: bool = True) -> Attempts:
        """``attempts`` after one more failure at ``now`` (locking a user at the limit)."""
        failures = attempts.failures + 1
        locked = attempts.locked or (can_lock and failures >= self.lockout_after)
        return Attempts(failures, now, locked)


# --------------------------------------------------------------------------- session tokens

_TOKEN_VERSION = "v1"


def _token_mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def sign_token(key: bytes, session: str, expires_at: float) -> str:
    """A session token for a cookie: ``v1.<session>.<expiry>.<HMAC>``, signed with the
    server's secret ``key``. It holds no password and no name; the session it names is
    looked up (and may be revoked) in the database."""
    body = f"{_TOKEN_VERSION}.{session}.{int(expires_at)}"
    return f"{body}.{_token_mac(key, body)}"


def read_token(key: bytes, token: str, now: float) -> str | None:
    """The session a genuine, unexpired token names, else None (never raises)."""
    try:
        version, session, expires, mac = token.split(".")
        body = f"{version}.{session}.{expires}"
        genuine = hmac.compare_digest(mac.encode("ascii"), _token_mac(key, body).encode("ascii"))
        if version != _TOKEN_VERSION or not genuine or int(expires) < now:
            return None
        return session
    except (ValueError, UnicodeError):
        return None
