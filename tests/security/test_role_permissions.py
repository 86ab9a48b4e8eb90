"""The role table: every role x action, the refill rule, the refusal message, the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from itb_tui.security.roles import (
    ACTIONS,
    ROLES,
    PermissionDenied,
    UnknownAction,
    can,
    require,
    require_refill,
    unknown_roles,
)

# Written out independently of roles.py: the table, as a reader would check it.
N, C, A = "nurse", "clinician", "admin"
EXPECTED = {
    "view": {N, C, A},
    "view_patient_history": {N, C, A},
    "record_refill": {N, C},
    "override_refill_block": {C},
    "record_bridging": {N, C},
    "record_culture_result": {N, C},
    "correct_culture_result": {C},  # issue 14: a final result changed is a correction
    "record_culture_drawn": {N, C},
    "add_culture": {C},
    "edit_patient": {C},
    "add_pump": {C},
    "explant": {C},
    "antifungal_course": {C},
    "record_exam": {C},
    "mark_entered_in_error": {C},
    "defer_task": {N, C},
    "write_note": {N, C},
    "mark_reviewed": {N, C},
    "import": {A},
    "export": {A},
    "print_round_sheet": {N, C, A},
    "manage_users": {A},
    "view_audit": {A},
    "backup": {A},
    "configure_store": {A},  # issue 14: set_meta checks a role and is audited
}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_the_table_covers_exactly_the_expected_actions_and_roles():
    assert set(ACTIONS) == set(EXPECTED)
    assert ROLES == ("nurse", "clinician", "admin")


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ["nurse", "clinician", "admin"])
def test_every_role_and_action(role, action):
    allowed = role in EXPECTED[action]
    assert can([role], action) is allowed
    if allowed:
        require([role], action)
    else:
        with pytest.raises(PermissionDenied) as caught:
            require([role], action)
        line = str(caught.value)
        assert "\n" not in line and line.startswith(f"{role} may not ")


def test_the_refusal_names_who_may_do_it():
    with pytest.raises(PermissionDenied) as caught:
        require(["nurse"], "override_refill_block")
    assert str(caught.value) == "nurse may not override a refill block: a clinician must"
    with pytest.raises(PermissionDenied) as caught:
        require(["clinician"], "view_audit")
    assert str(caught.value) == "clinician may not view the audit trail: an admin must"
    with pytest.raises(PermissionDenied) as caught:
        require(["admin"], "record_bridging")
    assert str(caught.value) == "admin may not record bridging: a nurse or a clinician must"
    with pytest.raises(PermissionDenied) as caught:
        require([], "view")
    assert str(caught.value).startswith("a user with no role may not view the ward")


def test_several_roles_add_up():
    assert can(["nurse", "admin"], "backup")
    assert can(["nurse", "admin"], "record_bridging")
    assert not can(["nurse", "admin"], "explant")
    with pytest.raises(PermissionDenied, match="^nurse and admin may not record a pump explant"):
        require(["admin", "nurse"], "explant")


def test_a_bare_role_name_is_one_role_not_its_letters():
    assert can("admin", "backup")
    assert not can("admin", "explant")


def test_unknown_roles_grant_nothing_and_are_named():
    assert not can(["doctor", "superuser"], "view")
    assert unknown_roles(["nurse", "doctor"]) == ["doctor"]


def test_a_misspelt_action_is_an_error_not_a_silent_refusal():
    with pytest.raises(UnknownAction, match="unknown action 'overide_refill_block'"):
        can(["clinician"], "overide_refill_block")


@pytest.mark.parametrize(
    ("roles", "blocked", "allowed"),
    [
        (["nurse"], False, True),
        (["nurse"], True, False),
        (["clinician"], False, True),
        (["clinician"], True, True),
        (["admin"], False, False),
        (["admin"], True, False),
        (["nurse", "clinician"], True, True),
    ],
)
def test_a_nurse_records_a_refill_only_when_it_is_not_blocked(roles, blocked, allowed):
    if allowed:
        require_refill(roles, blocked=blocked)
    else:
        with pytest.raises(PermissionDenied):
            require_refill(roles, blocked=blocked)


def test_a_nurse_refused_a_blocked_refill_is_told_a_clinician_must_override():
    with pytest.raises(PermissionDenied) as caught:
        require_refill(["nurse"], blocked=True)
    assert str(caught.value) == "nurse may not override a refill block: a clinician must"


def test_docs_roles_md_shows_the_same_table_as_the_code():
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"[a-z_]+", cells[0]) and cells[0] != "action":
            rows[cells[0]] = {
                role for role, cell in zip(ROLES, cells[1:4]) if cell.startswith("yes")
            }
    assert rows == EXPECTED
