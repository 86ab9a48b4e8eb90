"""The security core: passwords, roles, the audit hash chain, login throttling, sessions.

Pure Python with no database and no UI (a test imports it in a fresh interpreter and checks
that neither Textual nor SQLAlchemy comes with it), so the store checks roles and seals
audit entries, and the UI locks and resumes, with the same rules.
"""

# Each name is imported from its module when first used (PEP 562): `status` needs only the
# roles, and importing the password hashing and the audit chain with them cost it ~10 ms.
_HOME = {
    "ACTIONS": "roles",
    "GENESIS": "audit_chain",
    "IdleLock": "lockout",
    "InvalidHash": "passwords",
    "PERMISSIONS": "roles",
    "PermissionDenied": "roles",
    "ROLES": "roles",
    "SecurityError": "roles",
    "Session": "session",
    "UnknownAction": "roles",
    "VerifyResult": "audit_chain",
    "after_login": "session",
    "can": "roles",
    "canonical_json": "audit_chain",
    "check_password_policy": "passwords",
    "check_username": "usernames",
    "delay_after_failures": "lockout",
    "demo_session": "session",
    "entry_hash": "audit_chain",
    "hash_password": "passwords",
    "is_locked": "lockout",
    "needs_rehash": "passwords",
    "normalise_username": "usernames",
    "os_actor": "actors",
    "require": "roles",
    "require_refill": "roles",
    "resume": "session",
    "seal": "audit_chain",
    "seal_all": "audit_chain",
    "start_session": "session",
    "to_jsonable": "audit_chain",
    "verify_chain": "audit_chain",
    "verify_password": "passwords",
    "verify_unknown_user": "passwords",
}


def __getattr__(name: str):
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "ACTIONS", "GENESIS", "PERMISSIONS", "ROLES", "IdleLock", "InvalidHash",
    "PermissionDenied", "SecurityError", "Session", "UnknownAction", "VerifyResult",
    "after_login", "can", "canonical_json", "check_password_policy", "check_username",
    "delay_after_failures", "demo_session", "entry_hash", "hash_password", "is_locked",
    "needs_rehash", "normalise_username", "os_actor", "require", "require_refill", "resume",
    "seal", "seal_all", "start_session", "to_jsonable", "verify_chain", "verify_password",
    "verify_unknown_user",
]
