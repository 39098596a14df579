"""Editor sign-in: salted password hashes, and the ``Editor`` principal every write needs.

Who may change the registry
    Viewers read; editors (cluster managers, analysts) write. Editors are listed with a
    salted password hash, never a password, either in Streamlit secrets
    (``[editors]`` table of ``.streamlit/secrets.toml``: ``alice = "pbkdf2_sha256$..."``)
    or in the environment variable ``CLUSTERMAP_EDITORS="alice:pbkdf2_sha256$...,bob:..."``.
    ``clustermap hash-password`` prints a hash to put there. Nothing of this lives in the
    repository.

Why a principal object
    Every write function of :mod:`geo.registry.store` takes an :class:`Editor` and calls
    :func:`require_editor` before it touches the database. An ``Editor`` carries an HMAC
    seal computed with a key that exists only in this process's memory and is created at
    import; :func:`authenticate` is the only function that computes seals. A page that
    forgets to check who is signed in, or a request crafted to reach a write, has no way
    to produce a valid ``Editor``: constructing one by hand, copying one with another
    name, or keeping one beyond :data:`SESSION_SECONDS` fails the check. (Code running
    inside the process can of course read the key; the seal protects against mistakes
    and against input, not against code that sets out to bypass it.)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "ENV_EDITORS",
    "SESSION_SECONDS",
    "Editor",
    "NotAuthorised",
    "authenticate",
    "editor_credentials",
    "hash_password",
    "is_valid",
    "parse_editors",
    "require_editor",
    "verify_password",
]

#: Environment variable listing editors as ``user:hash`` pairs separated by commas.
ENV_EDITORS = "CLUSTERMAP_EDITORS"

#: How long a sign-in stays valid (8 hours: a working day).
SESSION_SECONDS = 8 * 3600

#: PBKDF2-HMAC-SHA256 iterations for new hashes (OWASP 2023 recommendation).
PBKDF2_ITERATIONS = 600_000

_SCHEME = "pbkdf2_sha256"
_SEAL_KEY = secrets.token_bytes(32)  # per process; never stored, never shown
#: Hash compared against when the user name is unknown, so timing does not reveal
#: which user names exist.
_DUMMY_HASH: str | None = None


class NotAuthorised(PermissionError):
    """Raised by every write when the caller is not a signed-in editor."""


@dataclass(frozen=True)
class Editor:
    """A signed-in editor. Only :func:`authenticate` makes valid ones (see module doc)."""

    name: str
    signed_in_at: float
    seal: bytes = field(repr=False)


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
    """Editors from Streamlit secrets (``st.secrets["editors"]``, passed in by the page)
    and from ``CLUSTERMAP_EDITORS``; the secrets win for a name listed in both."""
    environ = os.environ if environ is None else environ
    editors = parse_editors(environ.get(ENV_EDITORS, ""))
    editors.update({str(k): str(v) for k, v in (secrets_editors or {}).items()})
    return editors


def _seal(name: str, signed_in_at: float) -> bytes:
    message = f"{name}\x00{signed_in_at!r}".encode()
    return hmac.new(_SEAL_KEY, message, hashlib.sha256).digest()


def authenticate(
    username: str, password: str, credentials: Mapping[str, str], *, now: float | None = None
) -> Editor | None:
    """The :class:`Editor` for a correct user name and password, else None.

    An unknown user costs the same hashing work as a known one.
    """
    global _DUMMY_HASH
    encoded = credentials.get(username)
    if encoded is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, encoded):
        return None
    signed_in_at = time.time() if now is None else now
    return Editor(username, signed_in_at, _seal(username, signed_in_at))


def require_editor(principal: object, *, now: float | None = None) -> Editor:
    """Return ``principal`` if it is a valid, unexpired :class:`Editor`; else raise
    :class:`NotAuthorised`. Every write of :mod:`geo.registry.store` calls this first."""
    if not isinstance(principal, Editor):
        raise NotAuthorised("only a signed-in editor can change the registry")
    expected = _seal(principal.name, principal.signed_in_at)
    if not isinstance(principal.seal, bytes) or not hmac.compare_digest(principal.seal, expected):
        raise NotAuthorised("the editor sign-in is not valid; sign in again")
    current = time.time() if now is None else now
    if not 0 <= current - principal.signed_in_at <= SESSION_SECONDS:
        raise NotAuthorised("the editor sign-in has expired; sign in again")
    return principal


def is_valid(principal: object, *, now: float | None = None) -> bool:
    """Whether ``principal`` is a valid, unexpired :class:`Editor` (pages use it to drop
    an expired sign-in from the session)."""
    try:
        require_editor(principal, now=now)
    except NotAuthorised:
        return False
    return True
