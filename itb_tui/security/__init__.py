"""The security core: passwords, roles, the audit hash chain, login throttling, sessions.

Pure Python with no database and no UI (a test imports it in a fresh interpreter and checks
that neither Textual nor SQLAlchemy comes with it), so the store checks roles and seals
audit entries, and the UI locks and resumes, with the same rules.
"""

from itb_tui.security.actors import os_actor
from itb_tui.security.audit_chain import (
    GENESIS,
    VerifyResult,
    canonical_json,
    entry_hash,
    seal,
    seal_all,
    to_jsonable,
    verify_chain,
)
from itb_tui.security.lockout import IdleLock, delay_after_failures, is_locked
from itb_tui.security.passwords import (
    InvalidHash,
    check_password_policy,
    hash_password,
    needs_rehash,
    verify_password,
    verify_unknown_user,
)
from itb_tui.security.roles import (
    ACTIONS,
    PERMISSIONS,
    ROLES,
    PermissionDenied,
    SecurityError,
    UnknownAction,
    can,
    require,
    require_refill,
)
from itb_tui.security.session import Session, after_login, demo_session, resume, start_session
from itb_tui.security.usernames import check_username, normalise_username

__all__ = [
    "ACTIONS", "GENESIS", "PERMISSIONS", "ROLES", "IdleLock", "InvalidHash",
    "PermissionDenied", "SecurityError", "Session", "UnknownAction", "VerifyResult",
    "after_login", "can", "canonical_json", "check_password_policy", "check_username",
    "delay_after_failures", "demo_session", "entry_hash", "hash_password", "is_locked",
    "needs_rehash", "normalise_username", "os_actor", "require", "require_refill", "resume",
    "seal", "seal_all", "start_session", "to_jsonable", "verify_chain", "verify_password",
    "verify_unknown_user",
]
