"""Who may do what: the role table, checked in the store layer (the UI only hides).

A user holds one or more roles; a user may do an action when ANY of their roles may.

| action                 | nurse | clinician | admin | what it covers                               |
|------------------------|-------|-----------|-------|----------------------------------------------|
| view                   | yes   | yes       | yes   | the ward list, a patient's detail            |
| view_patient_history   | yes   | yes       | yes   | one patient's own audit history (detail)     |
| record_refill          | yes*  | yes       |       | a refill; *nurse only when not blocked       |
| override_refill_block  |       | yes       |       | a refill while blocked, with a written reason|
| record_bridging        | yes   | yes       |       | lumbar drain, oral baclofen, IV benzo        |
| record_culture_result  | yes   | yes       |       | the result of a culture already on file      |
| correct_culture_result |       | yes       |       | change a final result, with a reason         |
| record_culture_drawn   | yes   | yes       |       | a new culture, drawn and still pending       |
| add_culture            |       | yes       |       | a new culture with its result                |
| edit_patient           |       | yes       |       | demographics and dates                       |
| add_pump               |       | yes       |       | a new pump                                   |
| explant                |       | yes       |       | record a pump's removal                      |
| antifungal_course      |       | yes       |       | start, change or stop a course               |
| record_exam            |       | yes       |       | eye exam, echocardiogram                     |
| mark_entered_in_error  |       | yes       |       | hide a wrong record, keeping it and why      |
| defer_task             | yes   | yes       |       | put a round task off to a date, with a reason|
| write_note             | yes   | yes       |       | a handover note; hand it over; strike own    |
| mark_reviewed          | yes   | yes       |       | mark a patient reviewed on the round (`v`)   |
| import                 |       |           | yes   | a ward file                                  |
| export                 |       |           | yes   | ward file, spreadsheet, FHIR                 |
| print_round_sheet      | yes   | yes       | yes   | the printable round sheet (a disclosure)     |
| manage_users           |       |           | yes   | add users, roles, reset passwords            |
| view_audit             |       |           | yes   | the whole audit trail                        |
| backup                 |       |           | yes   | a consistent copy of the store               |
| configure_store        |       |           | yes   | the store's settings (meta), audited         |

The nurse's refill right is conditional: `require_refill(roles, blocked=True)` demands
`override_refill_block` as well, which only a clinician holds (the store still asks the
clinician for the reason). `docs/roles.md` carries the same table for readers; a test keeps
the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable

ROLES = ("nurse", "clinician", "admin")

_N, _C, _A = "nurse", "clinician", "admin"

# action -> the roles that may do it. Order is the order shown in docs/roles.md.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset({_N, _C, _A}),
    "view_patient_history": frozenset({_N, _C, _A}),
    "record_refill": frozenset({_N, _C}),
    "override_refill_block": frozenset({_C}),
    "record_bridging": frozenset({_N, _C}),
    "record_culture_result": frozenset({_N, _C}),
    "correct_culture_result": frozenset({_C}),
    "record_culture_drawn": frozenset({_N, _C}),
    "add_culture": frozenset({_C}),
    "edit_patient": frozenset({_C}),
    "add_pump": frozenset({_C}),
    "explant": frozenset({_C}),
    "antifungal_course": frozenset({_C}),
    "record_exam": frozenset({_C}),
    "mark_entered_in_error": frozenset({_C}),
    # A deferral is a care decision about the patient in the bed (the refill booked for
    # Friday's clinic), taken by whoever runs the round: nurse or clinician; not admin,
    # who holds no care role. It changes no record: the task comes back on its date.
    "defer_task": frozenset({_N, _C}),
    # A handover note is what the shift tells the next one about the patient in the bed:
    # whoever runs the round writes it and hands it over. Its author may also strike it
    # out as entered in error (the note on the wrong patient, found at once); anyone
    # else's note needs mark_entered_in_error (clinician), as every record does.
    "write_note": frozenset({_N, _C}),
    # Marking a patient reviewed says "the round has seen this patient as now shown": it
    # clears the "changed since review" marker for the whole ward, so only those who run
    # the round (nurse, clinician) may; admin holds no care role. It changes no record.
    "mark_reviewed": frozenset({_N, _C}),
    "import": frozenset({_A}),
    "export": frozenset({_A}),
    "print_round_sheet": frozenset({_N, _C, _A}),
    "manage_users": frozenset({_A}),
    "view_audit": frozenset({_A}),
    "backup": frozenset({_A}),
    "configure_store": frozenset({_A}),
}
ACTIONS = tuple(PERMISSIONS)

# How each action reads in a sentence ("nurse may not <phrase>").
PHRASES: dict[str, str] = {
    "view": "view the ward",
    "view_patient_history": "view a patient's history",
    "record_refill": "record a refill",
    "override_refill_block": "override a refill block",
    "record_bridging": "record bridging",
    "record_culture_result": "record a culture result",
    "correct_culture_result": "correct a final culture result",
    "record_culture_drawn": "record a culture as drawn",
    "add_culture": "add a culture with its result",
    "edit_patient": "edit a patient",
    "add_pump": "add a pump",
    "explant": "record a pump explant",
    "antifungal_course": "record an antifungal course",
    "record_exam": "record an examination",
    "mark_entered_in_error": "mark a record entered in error",
    "defer_task": "defer a task",
    "write_note": "write a handover note",
    "mark_reviewed": "mark a patient reviewed",
    "import": "import a ward file",
    "export": "export patient data",
    "print_round_sheet": "print the round sheet",
    "manage_users": "manage users",
    "view_audit": "view the audit trail",
    "backup": "make a backup",
    "configure_store": "change the store's settings",
}


class SecurityError(Exception):
    """Base of the security errors; str() is one line a user can read."""


class PermissionDenied(SecurityError):
    """The user's roles do not allow the action. The store raises it before any write."""

    def __init__(self, roles: Iterable[str], action: str) -> None:
        given = _role_set(roles)
        # Known roles in table order (nurse, clinician, admin), then any unknown ones.
        self.roles = tuple(r for r in ROLES if r in given) + tuple(sorted(given - set(ROLES)))
        self.action = action
        self.allowed = tuple(r for r in ROLES if r in PERMISSIONS[action])
        super().__init__(
            f"{_who(self.roles)} may not {PHRASES[action]}: {_who_must(self.allowed)}"
        )


class UnknownAction(ValueError):
    """A programming error: an action name not in the table (never silently denied)."""


def _role_set(roles: Iterable[str] | str) -> frozenset[str]:
    # A bare string is one role, not its letters ("admin" must not become a, d, m, i, n).
    if isinstance(roles, str):
        return frozenset({roles})
    return frozenset(roles)


def _article(role: str) -> str:
    return ("an " if role[:1] in "aeiou" else "a ") + role


def _who(roles: tuple[str, ...]) -> str:
    known = [r for r in roles if r in ROLES]
    if not known:
        return "a user with no role"
    return " and ".join(known)


def _who_must(allowed: tuple[str, ...]) -> str:
    return " or ".join(_article(r) for r in allowed) + " must"


def _check_action(action: str) -> None:
    if action not in PERMISSIONS:
        raise UnknownAction(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")


def can(roles: Iterable[str] | str, action: str) -> bool:
    """True when any of `roles` may do `action`. Unknown roles grant nothing."""
    _check_action(action)
    return bool(_role_set(roles) & PERMISSIONS[action])


def require(roles: Iterable[str] | str, action: str) -> None:
    """Raise PermissionDenied (one readable line) unless `can(roles, action)`."""
    if not can(roles, action):
        raise PermissionDenied(roles, action)


def require_refill(roles: Iterable[str] | str, blocked: bool) -> None:
    """The refill rule: anyone with `record_refill` when the refill is not blocked; when it
    is blocked, only a role that may also override the block (a clinician)."""
    require(roles, "record_refill")
    if blocked:
        require(roles, "override_refill_block")


def unknown_roles(roles: Iterable[str] | str) -> list[str]:
    """Roles not in ROLES, for the user-management form to name ("unknown role 'doctor'")."""
    return sorted(r for r in _role_set(roles) if r not in ROLES)
