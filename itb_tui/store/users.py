"""User accounts and sign-in, kept in the store (so every workstation on a shared
PostgreSQL store knows the same users).

- Names are stored in canonical form (`security.usernames`): "Alice" and "alice" are one
  account, enforced by the table's unique constraint on every database.
- Passwords are hashed with scrypt (`security.passwords`); the hash never leaves this
  module (`User` has none) and no audit row, message or log carries it.
- Sign-in is rate-limited by `security.lockout` over the failed attempts since the user's
  last successful sign-in, read from the audit trail (every attempt is audited, so the
  trail is the one record of them; no second counter to drift). While locked, the
  password is not even checked. An unknown name costs the same time as a wrong password
  (`verify_unknown_user`) and gets the same message, so the answer does not reveal which
  names exist; attempts on unknown names are throttled like real ones for the same reason.
- The first user of a store must be an admin, so a new store can always be managed.
  The last active admin cannot be disabled or lose the admin role.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from itb_tui.security.lockout import WINDOW_S, is_locked
from itb_tui.security.passwords import (
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
    verify_unknown_user,
)
from itb_tui.security.roles import ROLES, unknown_roles
from itb_tui.security.session import Session, start_session
from itb_tui.security.usernames import check_username, normalise_username
from itb_tui.store import audit
from itb_tui.store import schema as s
from itb_tui.store.errors import LoginFailed, LoginLocked, NotFound, StoreError, UsersExist, ValidationError

WRONG = "wrong user name or password"
LOCKED_REASON = "refused: locked after failed sign-ins"


# A key made fresh in each process: only a Session this process's sign-in sealed verifies.
_SESSION_KEY = secrets.token_bytes(32)


def _session_digest(session: Session) -> str:
    text = "\0".join([session.user, ",".join(sorted(session.roles)), session.started_at.isoformat(),
                      str(session.demo)])
    return hmac.new(_SESSION_KEY, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def mint_session(session: Session) -> Session:
    """The session sealed by the store's sign-in (`authenticate`)."""
    return dataclasses.replace(session, seal=_session_digest(session))


def session_is_minted(session: Session) -> bool:
    """True for a session the store's sign-in sealed, unchanged in who, roles and when."""
    return isinstance(session.seal, str) and hmac.compare_digest(session.seal, _session_digest(session))


@dataclass(frozen=True, slots=True)
class User:
    """An account as shown to an admin (never the password hash)."""

    username: str
    roles: tuple[str, ...]
    created_at: datetime
    created_by: str
    password_changed_at: datetime | None = None
    disabled_at: datetime | None = None
    disabled_by: str | None = None
    last_login_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def roles_text(roles: Iterable[str]) -> str:
    given = set(roles)
    return ",".join(r for r in ROLES if r in given)


def parse_roles(text: str) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(",") if r)


_USER_COLS = (s.users.c.username, s.users.c.roles, s.users.c.created_at, s.users.c.created_by,
              s.users.c.password_changed_at, s.users.c.disabled_at, s.users.c.disabled_by,
              s.users.c.last_login_at)


def _user(r) -> User:
    return User(username=r[0], roles=parse_roles(r[1]), created_at=_utc(r[2]), created_by=r[3],
                password_changed_at=_utc(r[4]), disabled_at=_utc(r[5]), disabled_by=r[6],
                last_login_at=_utc(r[7]))


def get(conn: Connection, username: str) -> User | None:
    r = conn.execute(select(*_USER_COLS).where(s.users.c.username == normalise_username(username))).first()
    return _user(r) if r else None


def _secret(conn: Connection, name: str) -> tuple[int, str] | None:
    r = conn.execute(select(s.users.c.id, s.users.c.password_hash).where(s.users.c.username == name)).first()
    return (r[0], r[1]) if r else None


def _active_admins(conn: Connection) -> list[str]:
    rows = conn.execute(select(s.users.c.username, s.users.c.roles)
                        .where(s.users.c.disabled_at.is_(None))).all()
    return [r[0] for r in rows if "admin" in parse_roles(r[1])]


def _failure_times(conn: Connection, name: str, now: datetime) -> list[datetime]:
    """Failed sign-ins for `name` since its last success, within the lockout window
    (attempts refused while locked do not count again)."""
    a = s.audit.c
    last_ok = (select(func.coalesce(func.max(a.id), 0))
               .where(a.action == "login", a.username == name).scalar_subquery())
    rows = conn.execute(
        select(a.at).where(a.action == "login_failed", a.username == name, a.id > last_ok,
                           a.at > now - timedelta(seconds=WINDOW_S),
                           (a.reason.is_(None)) | (a.reason != LOCKED_REASON))
    ).all()
    return [_utc(r[0]) for r in rows]


def _check_new_name(username: str) -> str:
    problem = check_username(username) if isinstance(username, str) else "The user name must be text."
    if problem:
        raise ValidationError([f"username: {problem}"])
    return normalise_username(username)


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    given = (roles,) if isinstance(roles, str) else tuple(roles)
    bad = unknown_roles(given)
    if bad:
        raise ValidationError([f"roles: unknown role {', '.join(map(repr, bad))}: use " + ", ".join(ROLES)])
    if not given:
        raise ValidationError(["roles: give at least one role (" + ", ".join(ROLES) + ")"])
    return parse_roles(roles_text(given))


def _check_password(password: str, name: str) -> None:
    problem = check_password_policy(password, name)
    if problem:
        raise ValidationError([f"password: {problem}"])


class UserAccounts:
    """The store's account methods (mixed into `Store`; uses its transactions)."""

    def has_users(self) -> bool:
        """False on a new store: the UI then asks for the first admin account."""
        with self._tx() as conn:
            return bool(conn.execute(select(func.count()).select_from(s.users)).scalar_one())

    def list_users(self) -> list[User]:
        with self._tx() as conn:
            self._require(conn, "manage_users")
            return [_user(r) for r in conn.execute(select(*_USER_COLS).order_by(s.users.c.username)).all()]

    def get_user(self, username: str) -> User | None:
        with self._tx() as conn:
            if self._session is None or normalise_username(username) != normalise_username(self._session.user):
                self._require(conn, "manage_users")
            return get(conn, username)

    def create_user(self, username: str, password: str, roles: Iterable[str], actor: str | None = None) -> User:
        """Add an account. Admin only (`manage_users`), except the very first account of a
        store, which must itself be an admin."""
        return self._create_user(username, password, roles, actor, only_first=False)

    def create_first_admin(self, username: str, password: str, actor: str | None = None, *,
                           clinician: bool = False) -> User:
        """The first admin account of a new store (what the sign-in screen asks for on an
        empty store). Raises UsersExist if the store has any user by the time it runs.

        Why not `has_users()` then `create_user`: two terminals that both saw an empty
        store would then BOTH create an admin (the system store may add users). Here the
        count and the insert are one step under the writer lock (SQLite: BEGIN IMMEDIATE;
        PostgreSQL: the audit chain head row, locked FOR UPDATE before the count, which in
        READ COMMITTED then sees the other terminal's committed admin), so exactly one wins.
        `clinician`: the account is admin and clinician, so one person can start a site
        (an admin alone cannot add patients)."""
        roles = ["admin", "clinician"] if clinician else ["admin"]
        return self._create_user(username, password, roles, actor, only_first=True)

    def _create_user(self, username: str, password: str, roles: Iterable[str], actor: str | None, *,
                     only_first: bool) -> User:
        name = _check_new_name(username)
        wanted = _check_roles(roles)
        _check_password(password, name)
        hashed = hash_password(password)  # slow on purpose: outside the write lock
        who = self._who(actor)
        now = audit.now_utc()
        with self._tx(write=True) as conn:  # the writer lock: count and insert are one step
            if conn.execute(select(func.count()).select_from(s.users)).scalar_one() == 0:
                if "admin" not in wanted:
                    raise StoreError("the first user of a store must be an admin (add the admin role)")
            elif only_first:
                raise UsersExist("this store has users now (another terminal created the first "
                                 "admin): sign in with one of them; nothing was changed")
            else:
                self._require(conn, "manage_users")
            if _secret(conn, name) is not None:
                raise StoreError(f"user {name} already exists")
            new_id = conn.execute(insert(s.users).values(
                username=name, password_hash=hashed, roles=roles_text(wanted), created_at=now,
                created_by=who, password_changed_at=now)).inserted_primary_key[0]
            self._audit(conn, actor=who, action="create", table="users", record_id=new_id, mrn=None,
                        before=None, after={"username": name, "roles": list(wanted)}, at=now)
            return get(conn, name)

    def set_password(self, username: str, password: str, actor: str | None = None) -> None:
        """Set a new password: an admin for anyone, a signed-in user for themself."""
        name = normalise_username(username) if isinstance(username, str) else ""
        _check_password(password, name)
        hashed = hash_password(password)
        who = self._who(actor)
        now = audit.now_utc()
        with self._tx(write=True) as conn:
            if self._session is None or name != normalise_username(self._session.user):
                self._require(conn, "manage_users")
            found = _secret(conn, name)
            if found is None:
                raise NotFound(f"no user {name!r}")
            conn.execute(update(s.users).where(s.users.c.id == found[0])
                         .values(password_hash=hashed, password_changed_at=now))
            self._audit(conn, actor=who, action="update", table="users", record_id=found[0], mrn=None,
                        before=None, after={"username": name, "password_changed_at": now.isoformat()},
                        reason="password set", at=now)

    def set_roles(self, username: str, roles: Iterable[str], actor: str | None = None) -> User:
        wanted = _check_roles(roles)
        name = normalise_username(username) if isinstance(username, str) else ""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            self._require(conn, "manage_users")
            before = get(conn, name)
            if before is None:
                raise NotFound(f"no user {name!r}")
            if "admin" in before.roles and "admin" not in wanted and _active_admins(conn) == [name]:
                raise StoreError(f"{name} is the only active admin: make another admin first")
            conn.execute(update(s.users).where(s.users.c.username == name).values(roles=roles_text(wanted)))
            # record_id names the account: the entry seals its row's digest (rowdigest.py)
            self._audit(conn, actor=who, action="update", table="users", record_id=_secret(conn, name)[0], mrn=None,
                        before={"username": name, "roles": list(before.roles)},
                        after={"username": name, "roles": list(wanted)})
            return get(conn, name)

    def disable_user(self, username: str, actor: str | None = None, *, reason: str | None = None) -> User:
        """Disable an account: it can no longer sign in, and a session it still has can no
        longer write. The account stays (the audit trail names it)."""
        name = normalise_username(username) if isinstance(username, str) else ""
        who = self._who(actor)
        now = audit.now_utc()
        with self._tx(write=True) as conn:
            self._require(conn, "manage_users")
            before = get(conn, name)
            if before is None:
                raise NotFound(f"no user {name!r}")
            if not before.active:
                raise StoreError(f"user {name} is already disabled")
            if _active_admins(conn) == [name]:
                raise StoreError(f"{name} is the only active admin: make another admin first")
            conn.execute(update(s.users).where(s.users.c.username == name)
                         .values(disabled_at=now, disabled_by=who))
            self._audit(conn, actor=who, action="update", table="users", record_id=_secret(conn, name)[0], mrn=None,
                        before={"username": name, "disabled_at": None},
                        after={"username": name, "disabled_at": now.isoformat()},
                        reason=reason or "account disabled", at=now)
            return get(conn, name)

    def authenticate(self, username: str, password: str, now: datetime | None = None) -> Session:
        """Sign in: the Session to bind with `for_user`. Raises LoginLocked (wait) or
        LoginFailed (one message whether the name or the password was wrong). Every
        attempt is audited; `now` (UTC) is the attempt's time (default: the clock)."""
        now = _utc(now) if now is not None else audit.now_utc()
        valid = isinstance(username, str) and check_username(username) is None
        name = normalise_username(username) if valid else None
        if not isinstance(password, str):
            password = ""
        with self._tx() as conn:
            found = _secret(conn, name) if name else None
            user = get(conn, name) if found else None
            failures = _failure_times(conn, name, now) if name else []
        locked, seconds = is_locked(failures, now)
        if locked:
            self._login_audit(name, found, ok=False, reason=LOCKED_REASON, now=now)
            raise LoginLocked(seconds)
        if found is None:
            verify_unknown_user(password)
            self._login_audit(name, None, ok=False, reason="unknown user", now=now)
            raise LoginFailed(WRONG)
        if not verify_password(password, found[1]):
            self._login_audit(name, found, ok=False, reason="wrong password", now=now)
            raise LoginFailed(WRONG)
        if not user.active:
            self._login_audit(name, found, ok=False, reason="account disabled", now=now)
            raise LoginFailed("this account is disabled: ask an admin")
        rehashed = hash_password(password) if needs_rehash(found[1]) else None
        self._login_audit(name, found, ok=True, reason=None, now=now, rehashed=rehashed)
        return mint_session(start_session(name, user.roles, now))

    def _login_audit(self, name, found, *, ok: bool, reason: str | None, now: datetime,
                     rehashed: str | None = None) -> None:
        with self._tx(write=True) as conn:
            if ok:
                values = {"last_login_at": now}
                if rehashed:
                    values["password_hash"] = rehashed
                conn.execute(update(s.users).where(s.users.c.id == found[0]).values(**values))
            row = audit.row(at=now, actor=name or "(not a valid user name)",
                            action="login" if ok else "login_failed", table="users",
                            record_id=found[0] if found else None, mrn=None, before=None,
                            after=None, reason=reason)
            audit.write(conn, [row], username=name)
