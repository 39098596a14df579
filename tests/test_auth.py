"""Passwords, the bootstrap editor list, the sealed principal, the permission table, the
throttling policy and session tokens (all pure: no database here)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from geo.registry import auth

FAST = 1000  # PBKDF2 iterations for tests (the default is 600,000)


@pytest.fixture(scope="module")
def credentials() -> dict[str, str]:
    return {"alice": auth.hash_password("right", iterations=FAST)}


def test_hash_is_salted_and_verifies_only_the_right_password():
    first = auth.hash_password("pw", iterations=FAST)
    second = auth.hash_password("pw", iterations=FAST)
    assert first != second and first.startswith("pbkdf2_sha256$1000$")
    assert auth.verify_password("pw", first) and auth.verify_password("pw", second)
    assert not auth.verify_password("pW", first)
    assert ":" not in first and "," not in first  # fits CLUSTERMAP_EDITORS


@pytest.mark.parametrize("encoded", ["", "plain", "md5$1$a$b", "pbkdf2_sha256$x$a$b"])
def test_a_malformed_hash_never_matches(encoded):
    assert auth.verify_password("anything", encoded) is False


def test_an_empty_password_cannot_be_hashed():
    with pytest.raises(ValueError):
        auth.hash_password("")


def test_editor_list_from_environment_and_secrets():
    alice = auth.hash_password("a", iterations=FAST)
    bob = auth.hash_password("b", iterations=FAST)
    env = {auth.ENV_EDITORS: f"alice:{alice}, bob:{bob}"}
    assert auth.editor_credentials(None, env) == {"alice": alice, "bob": bob}
    other = auth.hash_password("c", iterations=FAST)
    assert auth.editor_credentials({"alice": other}, env)["alice"] == other  # secrets win
    assert auth.editor_credentials(None, {}) == {}


def test_a_malformed_entry_is_named_by_position_without_echoing_it():
    with pytest.raises(ValueError, match="entry 2") as error:
        auth.parse_editors(f"alice:{auth.hash_password('a', iterations=FAST)},bob:hunter2")
    assert "hunter2" not in str(error.value)


def test_authenticate(credentials):
    editor = auth.authenticate("alice", "right", credentials)
    assert editor is not None and editor.name == "alice"
    assert auth.require_editor(editor) is editor
    assert auth.authenticate("alice", "wrong", credentials) is None
    assert auth.authenticate("mallory", "right", credentials) is None


def test_a_hash_made_before_the_accounts_still_verifies():
    """Made by the editor-list code this module replaced (same scheme and format)."""
    old = "pbkdf2_sha256$1000$Y2x1c3Rlcm1hcC1zYWx0IQ$C6uuG8yQ6qg9vMGF6aO9S4jD3H7GS_uFux9cfhnu4Tg"
    assert auth.verify_password("before accounts", old)
    assert not auth.verify_password("before account", old)


def test_a_bootstrap_editor_is_a_moderator(credentials):
    editor = auth.authenticate("alice", "right", credentials)
    assert editor.roles == {"moderator"} and editor.origin == "env"
    assert auth.can(editor, "import") and not auth.can(editor, "accounts.set_roles")


def test_a_forged_or_altered_principal_is_refused(credentials):
    editor = auth.authenticate("alice", "right", credentials)
    forged = auth.Editor("alice", time.time(), b"\0" * 32)
    renamed = dataclasses.replace(editor, name="mallory")
    backdated = dataclasses.replace(editor, signed_in_at=editor.signed_in_at - 1)
    for principal in (None, "alice", {"name": "alice"}, forged, renamed, backdated):
        with pytest.raises(auth.NotAuthorised):
            auth.require_editor(principal)
        assert not auth.is_valid(principal)


def test_a_sign_in_expires(credentials):
    editor = auth.authenticate("alice", "right", credentials, now=1000.0)
    assert auth.is_valid(editor, now=1000.0 + auth.SESSION_SECONDS)
    with pytest.raises(auth.NotAuthorised, match="expired"):
        auth.require_editor(editor, now=1000.0 + auth.SESSION_SECONDS + 1)


def test_roles_clusters_session_and_origin_are_sealed():
    bob = auth.issue(
        "bob", {"submitter"}, signed_in_at=time.time(), manages={"PIC-01"}, session="s"
    )
    assert auth.check(bob) is bob
    altered = [
        dataclasses.replace(bob, roles=frozenset({"admin"})),
        dataclasses.replace(bob, manages=frozenset({"PIC-01", "PIC-02"})),
        dataclasses.replace(bob, session="another"),
        dataclasses.replace(bob, origin="operator"),
        dataclasses.replace(bob, roles=["submitter"]),  # not even the same roles as a list
        auth.Principal("bob", bob.signed_in_at, bob.seal, frozenset({"admin"})),
    ]
    for principal in altered:
        with pytest.raises(auth.NotAuthorised):
            auth.check(principal)
        assert not auth.can(principal, "propose_change", "PIC-01")


def test_the_permission_table():
    writes = ("import", "edit", "register", "remove", "restore")
    for action, rule in auth.PERMISSIONS.items():
        assert rule.roles | rule.scoped <= set(auth.ROLES), action
    assert all(auth.PERMISSIONS[w].roles == {"moderator", "admin"} for w in writes)
    admin_only = {a for a, rule in auth.PERMISSIONS.items() if rule.roles == {"admin"}}
    assert admin_only == {
        "accounts.add",
        "accounts.set_roles",
        "accounts.disable",
        "accounts.enable",
        "accounts.unlock",
        "accounts.reset_password",
        "audit.view",
    }
    assert not auth.allowed({"admin"}, (), "no such action", None)


def test_a_scoped_action_needs_the_cluster():
    now = time.time()
    bob = auth.issue("bob", {"submitter"}, signed_in_at=now, manages={"PIC-01"})
    mod = auth.issue("mod", {"moderator"}, signed_in_at=now)
    assert auth.can(bob, "propose_change", "PIC-01") and auth.can(bob, "propose_cluster")
    assert not auth.can(bob, "propose_change", "PIC-02")
    assert not auth.can(bob, "propose_change")  # no cluster named: not granted
    assert auth.can(mod, "propose_change", "PIC-02") and auth.can(mod, "review")
    assert not auth.can(bob, "review")
    with pytest.raises(auth.NotAuthorised, match=r"bob \(submitter\) may not do this: edit"):
        auth.require(bob, "edit")


def test_a_refusal_is_said_in_russian():
    refusal = auth.NotAuthorised(auth.REFUSALS["none"])
    assert str(refusal).startswith("only a signed-in user")
    assert refusal.localised("ru") != str(refusal) and refusal.localised("en") == str(refusal)


def test_session_tokens():
    key, other = b"k" * 32, b"o" * 32
    token = auth.sign_token(key, "abc_DEF-123", 2000.0)
    assert auth.read_token(key, token, 1000.0) == "abc_DEF-123"
    assert auth.read_token(key, token, 2000.5) is None  # expired
    assert auth.read_token(other, token, 1000.0) is None  # another server's secret
    version, session, expires, mac = token.split(".")
    for bad in (
        f"{version}.{session}.9999999999.{mac}",
        f"v2.{session}.{expires}.{mac}",
        f"{version}.x{session}.{expires}.{mac}",
        f"{token}.x",
        "",
        "v1.ф.1.2",
    ):
        assert auth.read_token(key, bad, 1000.0) is None
