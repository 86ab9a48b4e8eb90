"""After the idle lock the same user gets their place back; another user starts fresh."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from itb_tui.security.roles import PermissionDenied
from itb_tui.security.session import after_login, demo_session, resume, start_session
from itb_tui.security.usernames import check_username, normalise_username

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)
PLACE = {"screen": "patient", "mrn": "Z9001", "filter": "blocked"}


def _locked(user="nurse.jones", roles=("nurse",)):
    return start_session(user, roles, NOW).with_context(PLACE).lock(NOW + timedelta(minutes=10))


def test_the_same_user_gets_the_saved_place_back():
    locked = _locked()
    assert after_login(locked, "nurse.jones")
    again = resume(locked, start_session("nurse.jones", ["nurse"], NOW + timedelta(minutes=12)))
    assert dict(again.context) == PLACE
    assert not again.locked


def test_the_same_user_typed_differently_is_the_same_user():
    assert after_login(_locked(), "  Nurse.Jones ")


def test_another_user_starts_fresh():
    locked = _locked()
    assert not after_login(locked, "dr.okafor")
    fresh = resume(locked, start_session("dr.okafor", ["clinician"], NOW + timedelta(minutes=12)))
    assert dict(fresh.context) == {}
    assert fresh.user == "dr.okafor" and fresh.roles == {"clinician"}


def test_no_locked_session_means_nothing_to_restore():
    assert not after_login(None, "nurse.jones")
    unlocked = start_session("nurse.jones", ["nurse"], NOW).with_context(PLACE)
    assert not after_login(unlocked, "nurse.jones")


def test_roles_come_from_the_new_login_even_when_the_place_is_restored():
    locked = _locked(roles=("nurse", "clinician"))
    again = resume(locked, start_session("nurse.jones", ["nurse"], NOW))
    assert dict(again.context) == PLACE
    assert not again.can("override_refill_block")


def test_a_session_checks_its_roles():
    session = start_session("nurse.jones", ["nurse"], NOW)
    assert session.can("record_bridging")
    with pytest.raises(PermissionDenied, match="nurse may not manage users: an admin must"):
        session.require("manage_users")


def test_the_saved_place_cannot_be_changed_behind_the_sessions_back():
    place = dict(PLACE)
    session = start_session("nurse.jones", ["nurse"], NOW).with_context(place)
    place["mrn"] = "Z0000"
    assert session.context["mrn"] == "Z9001"
    with pytest.raises(TypeError):
        session.context["mrn"] = "Z0000"  # type: ignore[index]


def test_the_demo_store_opens_as_a_demo_clinician():
    session = demo_session(NOW)
    assert session.demo and session.user == "demo"
    assert session.can("override_refill_block") and not session.can("manage_users")
    assert not start_session("dr.okafor", ["clinician"], NOW).demo


@pytest.mark.parametrize("name", ["nurse.jones", "dr_okafor", "admin1", "A.Smith-Jones"])
def test_ordinary_user_names_are_accepted(name):
    assert check_username(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "The user name must not be empty."),
        ("   ", "The user name must not be empty."),
        ("x" * 65, "The user name must be at most 64 characters long."),
        ("nurse jones", "The user name may use only letters a-z, digits and . _ - and must start with a letter or digit."),
        ("nürse", "The user name may use only letters a-z, digits and . _ - and must start with a letter or digit."),
        (".hidden", "The user name may use only letters a-z, digits and . _ - and must start with a letter or digit."),
    ],
)
def test_unusable_user_names_are_refused_in_words(name, message):
    assert check_username(name) == message


def test_user_names_compare_case_insensitively():
    assert normalise_username(" Nurse.JONES ") == "nurse.jones"
