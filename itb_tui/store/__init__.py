"""The only code that touches SQL: patients and their records in, plain records out.

Names are exported lazily so that importing an error class (the command line does, to
catch it) does not import SQLAlchemy: `itb-tui --help` and error paths stay fast.
"""

from __future__ import annotations

from itb_tui.store.errors import (
    AccountDisabled,
    ConcurrentEdit,
    LoginFailed,
    LoginLocked,
    NotFound,
    PermissionDenied,
    RefillBlocked,
    StoreError,
    UsersExist,
    ValidationError,
)

__all__ = [
    "AccountDisabled",
    "ConcurrentEdit",
    "ImportResult",
    "LoginFailed",
    "LoginLocked",
    "NotFound",
    "PermissionDenied",
    "RefillBlocked",
    "Store",
    "StoreError",
    "User",
    "UsersExist",
    "ValidationError",
    "open_store",
    "RECORD_KINDS",
]

_LAZY = {
    "Store": "itb_tui.store.store",
    "open_store": "itb_tui.store.store",
    "ImportResult": "itb_tui.store.importer",
    "RECORD_KINDS": "itb_tui.store.schema",
    "User": "itb_tui.store.users",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'itb_tui.store' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
