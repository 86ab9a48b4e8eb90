"""Passwords: stored only as salted scrypt hashes that verify, and a policy in words."""

from __future__ import annotations

import base64
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_tui.security.passwords import (
    DEFAULT_N,
    InvalidHash,
    check_password_policy,
    hash_password,
    needs_rehash,
    parse_hash,
    verify_password,
    verify_unknown_user,
)

CHEAP = {"n": 2**4, "r": 1, "p": 1}  # for property tests: same code path, tiny cost


def test_the_right_password_verifies_and_a_wrong_one_does_not():
    stored = hash_password("Baclofen-refill-42")
    assert verify_password("Baclofen-refill-42", stored)
    assert not verify_password("baclofen-refill-42", stored)
    assert not verify_password("Baclofen-refill-4", stored)
    assert not verify_password("", stored)


def test_the_same_password_hashes_differently_each_time_because_of_the_salt():
    first, second = hash_password("same password here"), hash_password("same password here")
    assert first != second
    assert parse_hash(first).salt != parse_hash(second).salt
    assert verify_password("same password here", first)
    assert verify_password("same password here", second)


def test_the_stored_string_carries_its_parameters_and_never_the_password():
    stored = hash_password("correct horse battery")
    scheme, n, r, p, salt_b64, hash_b64 = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt_b64)) == 16
    assert len(base64.b64decode(hash_b64)) == 32
    params = parse_hash(stored)
    assert (params.n, params.r, params.p) == (2**14, 8, 1)
    assert "correct" not in stored and "horse" not in stored


def test_default_hashes_do_not_need_a_rehash_but_weaker_ones_do():
    assert not needs_rehash(hash_password("a fine long password"))
    assert needs_rehash(hash_password("a fine long password", n=DEFAULT_N // 2))
    assert needs_rehash(hash_password("a fine long password", n=DEFAULT_N, r=4))
    assert needs_rehash("not a hash at all")


def test_stronger_parameters_still_verify_and_need_no_rehash():
    stored = hash_password("a stronger password", n=2**15)
    assert parse_hash(stored).n == 2**15
    assert verify_password("a stronger password", stored)
    assert not needs_rehash(stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "bcrypt$2b$12$abcdefghijklmnopqrstuv",
        "scrypt$16384$8$1$c2FsdA==",
        "scrypt$abc$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
        "scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",  # n not a power of 2
        "scrypt$16384$8$1$not base64!$aGFzaGhhc2hoYXNoaGFzaA==",
        "scrypt$16384$8$1$c2FsdHNhbHRzYWx0$",
        "scrypt$１６３８４$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    ],
)
def test_a_malformed_stored_hash_is_a_failed_login_not_a_crash(stored):
    assert not verify_password("any password at all", stored)
    with pytest.raises(InvalidHash):
        parse_hash(stored)
    assert needs_rehash(stored)


def test_a_hostile_stored_hash_cannot_make_a_login_allocate_gigabytes():
    salt = base64.b64encode(b"s" * 16).decode()
    digest = base64.b64encode(b"h" * 32).decode()
    started = time.monotonic()
    assert not verify_password("x" * 12, f"scrypt${2**30}$8$1${salt}${digest}")
    assert not verify_password("x" * 12, f"scrypt${2**20}$32$16${salt}${digest}")
    assert time.monotonic() - started < 1.0


def test_a_password_typed_with_composed_or_decomposed_accents_is_the_same_password():
    composed = unicodedata.normalize("NFC", "Pflegekraft-Größe-é")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert verify_password(decomposed, hash_password(composed, **CHEAP))


def test_a_login_for_an_unknown_user_fails():
    assert verify_unknown_user("whatever they typed") is False


@pytest.mark.parametrize(
    ("password", "username", "message"),
    [
        ("short", "jo", "The password must be at least 10 characters long."),
        ("123456789", "jo", "The password must be at least 10 characters long."),
        ("nurse.jones", "nurse.jones", "The password must not be the user name."),
        ("Nurse.Jones ", "nurse.jones", "The password must not be the user name."),
        ("aaaaaaaaaaaa", "jo", "The password must not be one character repeated."),
        ("x" * 1025, "jo", "The password must be at most 1024 characters long."),
    ],
)
def test_the_policy_says_in_words_what_to_change(password, username, message):
    assert check_password_policy(password, username) == message
    assert password.strip() not in message


@pytest.mark.parametrize(
    "password", ["ten chars!", "correct horse battery staple", "Ünïcödé-pässwörd", "1234567890"]
)
def test_the_policy_accepts_long_enough_passwords(password):
    assert check_password_policy(password, "nurse.jones") is None


@settings(max_examples=60, deadline=None)
@given(password=st.text(max_size=40), other=st.text(max_size=40))
def test_any_password_verifies_against_its_own_hash_and_no_other(password, other):
    stored = hash_password(password, **CHEAP)
    assert verify_password(password, stored)
    if unicodedata.normalize("NFKC", other) != unicodedata.normalize("NFKC", password):
        assert not verify_password(other, stored)


@settings(max_examples=100, deadline=None)
@given(stored=st.text(max_size=120))
def test_verification_never_raises_whatever_is_stored(stored):
    assert verify_password("some password", stored) in (True, False)
