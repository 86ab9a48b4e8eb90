"""What the signed-in user's roles may not do, said before anything is typed.

Why: a nurse filled a culture, explant or patient form and was refused only at Save, and
the admin keys did nothing, silently (issue 13). Each screen names the permission
(security.roles) behind each of its keys; the footer shows a key the role may not use as
unavailable with who may ("clinician"), the palette says so in its help line, and the
key itself says why in full instead of opening a form that cannot be saved. The store
still checks every write: this only tells the user first. No Textual import.
"""

from __future__ import annotations

from itb_tui.security.roles import PERMISSIONS, ROLES, PermissionDenied

# Patient detail actions -> the permission their form saves with.
DETAIL_PERMISSIONS = {
    "refill": "record_refill",
    "culture": "record_culture_drawn",  # a nurse records it drawn (pending); a result needs add_culture
    "culture_result": "record_culture_result",
    "antifungal": "antifungal_course",
    "new_antifungal": "antifungal_course",
    "pump": "add_pump",
    "reimplant": "add_pump",
    "explant": "explant",
    "bridging": "record_bridging",
    "change_bridging": "record_bridging",
    "symptoms": "edit_patient",
    "exam": "record_exam",
    "edit_patient": "edit_patient",
    "entered_in_error": "mark_entered_in_error",
    "note": "write_note",  # handover notes (issue 16): nurse or clinician
    "handed_over": "write_note",
    "review": "mark_reviewed",
}
# Ward list and app actions.
WARD_PERMISSIONS = {"new_patient": "edit_patient", "review": "mark_reviewed"}
APP_PERMISSIONS = {"audit": "view_audit", "users": "manage_users"}


def roles_of(app) -> tuple[str, ...] | None:
    """The signed-in user's roles; None for the trusted system user (may do anything)."""
    session = getattr(app, "session", None)
    return None if session is None else tuple(session.roles)


def refusal(app, permission: str | None) -> str | None:
    """Why the signed-in user may not do `permission`, in full ("nurse may not add a pump:
    a clinician must"); None when they may."""
    if permission is None:
        return None
    can = getattr(app, "can", None)
    if can is None or can(permission):
        return None
    return str(PermissionDenied(roles_of(app) or (), permission))


def unavailable_label(app, permission: str | None) -> str | None:
    """What the footer adds to a key the signed-in user may not use: '✗ clinician' (who
    may, when one role may), else '✗' (the full reason is in the palette and on the key).
    None when they may."""
    if refusal(app, permission) is None:
        return None
    allowed = [role for role in ROLES if role in PERMISSIONS[permission]]
    return f"✗ {allowed[0]}" if len(allowed) == 1 else "✗"


def who_may(permission: str) -> str:
    """The short word the footer adds to an unavailable key: 'clinician', 'admin'."""
    return " or ".join(role for role in ROLES if role in PERMISSIONS[permission])
