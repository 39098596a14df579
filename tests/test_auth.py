"""Editor sign-in: password hashes, the editor list, and the sealed Editor principal."""

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
