"""Who is signed in, and whether a re-login after the idle lock gets the old place back.

When the screen locks, the UI keeps the session with its `context` (the screen, the
patient and the filters on screen: plain data the UI chooses). If the SAME user signs in
again they land where they were, mid-task; ANOTHER user starts fresh, so they never see
or act on the previous user's half-finished work under their own name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Any

from itb_tui.security.roles import can, require
from itb_tui.security.usernames import normalise_username

DEMO_USER = "demo"


@dataclass(frozen=True, slots=True)
class Session:
    user: str
    roles: frozenset[str]
    started_at: datetime
    demo: bool = False  # the --demo store: signed in automatically, shown as DEMO
    locked_at: datetime | None = None
    # The place to resume after an idle lock (screen, MRN, filters): chosen by the UI.
    context: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Set by the store's sign-in only (store.users): a keyed hash over who, roles and when,
    # so `for_user` refuses a hand-made Session or one whose roles were edited (issue 14).
    # Kept through with_context / lock (they do not change what it covers).
    seal: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "context", MappingProxyType(dict(self.context)))

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    def can(self, action: str) -> bool:
        return can(self.roles, action)

    def require(self, action: str) -> None:
        require(self.roles, action)

    def with_context(self, context: Mapping[str, Any]) -> Session:
        return replace(self, context=context)

    def lock(self, at: datetime) -> Session:
        return replace(self, locked_at=at)


def start_session(user: str, roles: Iterable[str], now: datetime) -> Session:
    return Session(user=user, roles=frozenset(roles), started_at=now)


def demo_session(now: datetime) -> Session:
    """The demo store opens signed in as a demo clinician, so a newcomer lands straight
    on the ward list. Only ever for the demo store; a real store always asks."""
    return Session(user=DEMO_USER, roles=frozenset({"clinician"}), started_at=now, demo=True)


def after_login(locked_session: Session | None, new_user: str) -> bool:
    """True when the user signing in should get the locked session's place back: there
    is a locked session and it belongs to the same user (names compared canonically)."""
    if locked_session is None or not locked_session.locked:
        return False
    return normalise_username(locked_session.user) == normalise_username(new_user)


def resume(locked_session: Session | None, new_session: Session) -> Session:
    """The session to run after a login: the new one, carrying the old place only when
    `after_login` says so (roles come from the new login: a change while locked counts)."""
    if after_login(locked_session, new_session.user):
        assert locked_session is not None
        return new_session.with_context(locked_session.context)
    return new_session
