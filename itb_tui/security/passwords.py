"""Password hashing with scrypt, and the password policy.

Why scrypt from the standard library: it is memory-hard (each guess costs an attacker
16 MiB of RAM as well as CPU, which blunts GPU cracking of a stolen store) and it needs
no new dependency. The parameters travel inside the encoded string
(`scrypt$n$r$p$salt_b64$hash_b64`), so they can be raised later: `needs_rehash` tells the
login code to re-hash with today's defaults after a successful login with older ones.

Passwords are normalised to Unicode NFKC before hashing (NIST SP 800-63B), so the same
password typed on two terminals that compose accented letters differently still matches.
Nothing here logs, stores or returns a password in clear.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

SCHEME = "scrypt"
# Defaults: 128 * n * r bytes = 16 MiB per hash, about 50 ms on a ward workstation.
DEFAULT_N = 2**14
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32

# Bounds on parameters read back from a stored string: a corrupted or hostile row must not
# make a login allocate gigabytes or spin for minutes.
MAX_N = 2**20
MAX_R = 32
MAX_P = 16
MAX_MEMORY_BYTES = 512 * 1024 * 1024

MIN_PASSWORD_CHARS = 10
# Longer than any passphrase a person types; bounds the work of hashing pasted junk.
MAX_PASSWORD_CHARS = 1024


class InvalidHash(ValueError):
    """A stored password hash that is not a well-formed scrypt string."""


@dataclass(frozen=True, slots=True)
class ScryptParams:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise InvalidHash(f"password hash: the {what} is not valid base64") from None


def _password_bytes(password: str) -> bytes:
    if not isinstance(password, str):
        raise TypeError("password must be text")
    # surrogatepass: a stray surrogate from a terminal must not crash the login.
    return unicodedata.normalize("NFKC", password).encode("utf-8", "surrogatepass")


def _check_params(n: int, r: int, p: int) -> None:
    if n < 2 or n > MAX_N or n & (n - 1):
        raise InvalidHash(f"password hash: n must be a power of two from 2 to {MAX_N}")
    if not 1 <= r <= MAX_R:
        raise InvalidHash(f"password hash: r must be from 1 to {MAX_R}")
    if not 1 <= p <= MAX_P:
        raise InvalidHash(f"password hash: p must be from 1 to {MAX_P}")
    if 128 * n * r * p > MAX_MEMORY_BYTES:
        raise InvalidHash("password hash: the parameters ask for too much memory")


def _scrypt(password: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    # OpenSSL refuses when n*r*128 plus its working space exceeds maxmem; give headroom.
    maxmem = 128 * n * r * (p + 2) + 1024 * 1024
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)


def hash_password(
    password: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P
) -> str:
    """Hash with a fresh 16-byte random salt; returns `scrypt$n$r$p$salt_b64$hash_b64`.

    The keyword parameters exist so tests can hash cheaply and so a hospital can raise the
    cost; anything below the defaults is flagged by `needs_rehash`.
    """
    _check_params(n, r, p)
    salt = os.urandom(SALT_BYTES)
    digest = _scrypt(_password_bytes(password), salt, n, r, p, HASH_BYTES)
    return f"{SCHEME}${n}${r}${p}${_b64encode(salt)}${_b64encode(digest)}"


def parse_hash(encoded: str) -> ScryptParams:
    """Read the parameters back out of a stored hash; raises InvalidHash on a bad string."""
    if not isinstance(encoded, str):
        raise InvalidHash("password hash: not text")
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise InvalidHash("password hash: not of the form scrypt$n$r$p$salt$hash")
    if not all(x.isascii() and x.isdigit() and len(x) <= 10 for x in parts[1:4]):
        raise InvalidHash("password hash: n, r and p must be whole numbers")
    n, r, p = (int(x) for x in parts[1:4])
    _check_params(n, r, p)
    salt = _b64decode(parts[4], "salt")
    digest = _b64decode(parts[5], "hash")
    if len(salt) < 8:
        raise InvalidHash("password hash: the salt is shorter than 8 bytes")
    if not 16 <= len(digest) <= 64:
        raise InvalidHash("password hash: the hash must be 16 to 64 bytes")
    return ScryptParams(n=n, r=r, p=p, salt=salt, digest=digest)


def verify_password(password: str, encoded: str) -> bool:
    """True only when `password` produced `encoded`. Fails closed: a malformed stored hash
    (or a password that is not text) is a failed login, never an exception at the login
    screen. The comparison takes the same time wherever the first differing byte is."""
    try:
        params = parse_hash(encoded)
        candidate = _scrypt(
            _password_bytes(password), params.salt, params.n, params.r, params.p,
            len(params.digest),
        )
    except (InvalidHash, TypeError):
        return False
    return hmac.compare_digest(candidate, params.digest)


# Hash of a random secret nobody knows, made with the default parameters.
_DUMMY_HASH: str | None = None


def verify_unknown_user(password: str) -> bool:
    """Spend the same time as a real verification, then fail.

    The login code calls this when the user name does not exist, so the answer time does
    not tell an attacker which user names are real."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(_b64encode(os.urandom(24)))
    verify_password(password, _DUMMY_HASH)
    return False


def needs_rehash(encoded: str) -> bool:
    """True when the stored hash is weaker than today's defaults (or unreadable), so the
    login code should store a fresh hash of the password just verified."""
    try:
        params = parse_hash(encoded)
    except InvalidHash:
        return True
    return (
        params.n < DEFAULT_N
        or params.r < DEFAULT_R
        or params.p < DEFAULT_P
        or len(params.salt) < SALT_BYTES
        or len(params.digest) < HASH_BYTES
    )


def check_password_policy(password: str, username: str) -> str | None:
    """None when the password is acceptable, else one sentence saying what to change.

    Length over complexity rules (NIST SP 800-63B): at least 10 characters, not the user
    name, not one character repeated. The message never repeats the password."""
    if not isinstance(password, str):
        return "The password must be text."
    normalised = unicodedata.normalize("NFKC", password)
    if len(normalised) < MIN_PASSWORD_CHARS:
        return f"The password must be at least {MIN_PASSWORD_CHARS} characters long."
    if len(normalised) > MAX_PASSWORD_CHARS:
        return f"The password must be at most {MAX_PASSWORD_CHARS} characters long."
    if username and normalised.strip().casefold() == unicodedata.normalize(
        "NFKC", username
    ).strip().casefold():
        return "The password must not be the user name."
    if len(set(normalised)) == 1:
        return "The password must not be one character repeated."
    return None
