"""The sign-in box in the sidebar (edit, import and accounts pages), and the session
cookie that keeps a sign-in across a page reload.

A signed-in :class:`geo.registry.auth.Principal` is kept in the session under
:data:`PRINCIPAL_KEY` and re-read from the accounts on every run
(:meth:`geo.registry.accounts.Accounts.refresh`), so a disabled account, a changed role or
an ended session takes effect at the next click. Accounts are in the registry database;
bootstrap editors (``CLUSTERMAP_EDITORS``, ``[editors]`` in ``.streamlit/secrets.toml``)
sign in as moderators. Failed sign-ins are throttled per user (in the database) and per
session (here); the accounts decide, this box only shows what they say.

Staying signed in across a reload: Streamlit reads cookies (``st.context.cookies``, sent
with the page's first request) but cannot set them, so after a sign-in a tiny script
(``st.html`` with JavaScript) stores the signed session token as the cookie
:data:`COOKIE` (``SameSite=Strict``, ``Secure`` over HTTPS, expiring with the session, at
most 8 h). A cookie, not a URL parameter: a link someone shares, the browser history
and proxy logs never carry it. The token holds no password or name: an HMAC-signed
session id that the accounts look up, and that signing out or disabling the account
revokes. Signing out also deletes the cookie. The store checks the principal itself on
every write, so the box only decides which forms a page shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import streamlit as st

from geo.analysis import profiles
from geo.base.i18n import N_
from geo.registry import auth
from geo.registry.accounts import Accounts
from geo.registry.store import default_url
from ui import navigation
from ui.dataset import open_store
from ui.lang import current_lang, page_text

PRINCIPAL_KEY = "clustermap_principal"  # session key of the signed-in auth.Principal
ATTEMPTS_KEY = "clustermap_sign_in_attempts"  # the session's failed sign-ins (auth.Attempts)
COOKIE_KEY = "clustermap_cookie_action"  # a cookie to write on the next run: token or ""
RESUMED_KEY = "clustermap_cookie_read"  # whether this session has looked at the cookie
COOKIE = "clustermap_session"

TEXT: dict[str, str] = {
    "sign_in": N_("Sign-in"),
    "user": N_("User name"),
    "password": N_("Password"),
    "sign_in_button": N_("Sign in"),
    "sign_out": N_("Sign out"),
    "signed_in_as": N_("Signed in as {name} ({roles})"),
    "no_accounts": N_(
        "There are no accounts yet: create the first admin on the command line with "
        "'clustermap users add NAME --role admin' (see the README)."
    ),
    "request": N_("No account? Request one"),
    "no_right": N_(
        "Signed in as {name} ({roles}): this needs a moderator or an admin. Submitters "
        "propose changes to their clusters through submissions."
    ),
    "refused": N_("Not saved: {reason}"),
}

t = partial(page_text, TEXT)  # the box's texts in the interface language


def _secrets_editors() -> dict[str, str]:
    try:
        return dict(st.secrets.get("editors", {}))
    except FileNotFoundError:  # no secrets file (Streamlit's error is a FileNotFoundError)
        return {}


def bootstrap_editors() -> dict[str, str]:
    """The bootstrap editor list (empty when ``CLUSTERMAP_EDITORS`` is malformed: the
    sign-in then says so)."""
    try:
        return auth.editor_credentials(_secrets_editors())
    except ValueError:
        return {}


def accounts() -> Accounts:
    """The accounts of the app's store."""
    return open_store(default_url()).accounts


def roles_text(principal: auth.Principal) -> str:
    """The principal's roles in the interface language."""
    _ = partial(page_text, auth.ROLE_LABELS)
    return ", ".join(_(role) for role in auth.ROLES if role in principal.roles)


def current_principal() -> auth.Principal | None:
    """The signed-in principal of this session as the accounts have it now (dropping an
    ended sign-in); on a session's first run, the one its cookie resumes."""
    kept = st.session_state.get(PRINCIPAL_KEY)
    if kept is not None:
        try:
            fresh = accounts().refresh(kept, bootstrap_editors())
        except auth.NotAuthorised:
            del st.session_state[PRINCIPAL_KEY]
            st.session_state[COOKIE_KEY] = ""
            return None
        st.session_state[PRINCIPAL_KEY] = fresh
        return fresh
    if st.session_state.get(RESUMED_KEY):
        return None
    st.session_state[RESUMED_KEY] = True
    token = session_cookie()
    resumed = accounts().resume(token, bootstrap_editors()) if token else None
    if resumed is not None:
        st.session_state[PRINCIPAL_KEY] = resumed
    return resumed


def session_cookie() -> str:
    """The session token the browser sent with this session's first request (``""``:
    none). One function, so tests can stand in for a browser that sends the cookie."""
    return str(st.context.cookies.get(COOKIE) or "")


def _write_cookie() -> None:
    """Run the pending cookie change (set after a sign-in, delete after a sign-out) in
    the browser: Streamlit cannot set cookies, a script in the page can."""
    token = st.session_state.pop(COOKIE_KEY, None)
    if token is None:
        return
    principal = st.session_state.get(PRINCIPAL_KEY)
    seconds = 0
    if token and principal is not None:
        seconds = max(0, int(principal.signed_in_at + auth.SESSION_SECONDS - _now()))
    value = json.dumps(f"{COOKIE}={token}; Max-Age={seconds}; Path=/; SameSite=Strict")
    script = (
        f"<script>document.cookie = {value} + "
        "(window.location.protocol === 'https:' ? '; Secure' : '');</script>"
    )
    st.html(script, unsafe_allow_javascript=True)


def _now() -> float:
    return accounts().clock()


def _signed_in_box(principal: auth.Principal) -> auth.Principal:
    name = profiles.md_literal(principal.name)
    st.caption(t("signed_in_as", name=name, roles=roles_text(principal)))
    if st.button(t("sign_out"), key="sign_out"):
        accounts().sign_out(principal)
        del st.session_state[PRINCIPAL_KEY]
        st.session_state[COOKIE_KEY] = ""
        st.rerun()
    return principal


def _try_sign_in(user: str, password: str) -> None:
    """Ask the accounts; on success keep the principal and its cookie, else say why."""
    try:
        bootstrap = auth.editor_credentials(_secrets_editors())
    except ValueError as exc:  # a malformed CLUSTERMAP_EDITORS entry
        st.error(str(exc))
        return
    found = accounts()
    attempts = st.session_state.get(ATTEMPTS_KEY, auth.Attempts())
    result = found.sign_in(user, password, session_attempts=attempts, bootstrap=bootstrap)
    st.session_state[ATTEMPTS_KEY] = result.session_attempts
    if result.principal is None:
        st.error(result.text(current_lang()))
        if result.outcome == "denied" and not bootstrap and not found.count():
            st.info(t("no_accounts"))
        return
    st.session_state[PRINCIPAL_KEY] = result.principal
    st.session_state[COOKIE_KEY] = found.token(result.principal)
    st.rerun()


def sign_in_box() -> auth.Principal | None:
    """Sign-in (or sign-out) in the sidebar; returns the signed-in principal."""
    principal = current_principal()
    with st.sidebar:
        st.subheader(t("sign_in"))
        _write_cookie()
        if principal is not None:
            return _signed_in_box(principal)
        with st.form("sign_in"):
            user = st.text_input(t("user"), key="sign_in_user", max_chars=200)
            password = st.text_input(
                t("password"), type="password", key="sign_in_password", max_chars=1024
            )
            submitted = st.form_submit_button(t("sign_in_button"))
        if submitted:
            _try_sign_in(user, password)
        st.page_link(navigation.file("request_account"), label=t("request"), icon="📝")
    return None


def has_right(principal: auth.Principal, action: str) -> bool:
    """Whether ``principal`` may do ``action``; if not, a note saying who may."""
    if auth.can(principal, action):
        return True
    st.info(t("no_right", name=profiles.md_literal(principal.name), roles=roles_text(principal)))
    return False


@contextmanager
def refusals_shown() -> Iterator[None]:
    """Show a write refused by the store (an account disabled, a role changed, a session
    ended since the page was drawn) as a message in the user's language, never a
    traceback; the sign-in is then re-read on the next run."""
    try:
        yield
    except auth.NotAuthorised as exc:
        st.error(t("refused", reason=exc.localised(current_lang())))
