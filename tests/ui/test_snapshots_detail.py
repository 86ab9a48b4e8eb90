"""Snapshots of the patient detail and every form: the demo ward on 2026-11-25 at 120x36.

Patients are picked by what the engine says about them (blocked with withdrawal risk,
refill OK, a pending culture...), not by MRN, so the snapshots follow the demo ward's
scenarios. A failing snapshot means the screen changed: read the HTML diff pytest writes,
and if the change is intended, accept it with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest

from itb_tui.clinical.engine import assess

from detail_helpers import SIZE, TODAY, make_app, press, settle, type_into
from shell_helpers import make_store


@pytest.fixture
def demo_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ITB_TUI_TODAY", TODAY.isoformat())  # the app stops cursor blink
    return make_app(make_store(tmp_path), demo=True)


def blocked_with_withdrawal_risk(patient, assessment) -> bool:
    return assessment.refill.status == "blocked" and assessment.withdrawal_risk


def refill_ok(patient, assessment) -> bool:
    return assessment.refill.status == "ok" and not assessment.alerts


def pending_culture(patient, assessment) -> bool:
    return assessment.refill.status == "caution" and any(c.result == "pending" for c in patient.cultures)


def course_running(patient, assessment) -> bool:
    return assessment.antifungal.state == "in_progress"


def awaiting_symptoms(patient, assessment) -> bool:
    return assessment.antifungal.state == "awaiting_symptom_resolution"


def explanted(patient, assessment) -> bool:
    return assessment.reimplant.state == "waiting" and assessment.refill.status == "not_applicable"


def opened(predicate, *keys: str, then=None):
    """A run_before that opens the first demo patient matching `predicate`, presses keys."""

    async def run_before(pilot) -> None:
        from itb_tui.ui.screens.detail import PatientDetailScreen

        app = pilot.app
        await settle(pilot)
        mrn = next(p.mrn for p in app.store.load_patients() if predicate(p, assess(p, TODAY, app.rules)))
        app.push_screen(PatientDetailScreen(mrn))
        await settle(pilot)
        if keys:
            await press(pilot, *keys)
        if then is not None:
            await then(pilot)

    return run_before


def test_detail_blocked_with_withdrawal_risk(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(blocked_with_withdrawal_risk))


def test_detail_at_80x24(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened(blocked_with_withdrawal_risk))


def six_alerts_or_more(patient, assessment) -> bool:
    return len(assessment.alerts) >= 6


def test_detail_with_six_alerts_at_120x36(snap_compare, demo_app):
    """Every critical alert one line, critical first, '1 more ↓' (issue 13)."""
    assert snap_compare(demo_app, terminal_size=(120, 36), run_before=opened(six_alerts_or_more))


def test_detail_with_six_alerts_at_80x24(snap_compare, demo_app):
    """Name, MRN, date of birth and refill headline fixed over the scrolling body."""
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened(six_alerts_or_more))


def test_detail_with_six_alerts_at_80x24_in_the_alerts(snap_compare, demo_app):
    """After l: the alerts in view, the name and headline still on top."""
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=opened(six_alerts_or_more, "l"))


def test_refill_form_blocked(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(blocked_with_withdrawal_risk, "r"))


def test_refill_form_allowed_with_a_bad_volume(snap_compare, demo_app):
    async def too_much(pilot) -> None:
        await type_into(pilot, "volume_ml", "45")

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(refill_ok, "r", then=too_much))


def test_culture_form_positive(snap_compare, demo_app):
    async def positive(pilot) -> None:
        form = pilot.app.screen
        form.set_raw("result", "positive")
        await type_into(pilot, "organism", "Candida krusei")

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(refill_ok, "c", then=positive))


def test_culture_result_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(pending_culture, "e"))


def test_antifungal_form_live_alert(snap_compare, demo_app):
    async def fluconazole(pilot) -> None:
        await type_into(pilot, "drug", "fluconazole")

    assert snap_compare(demo_app, terminal_size=SIZE,
                        run_before=opened(blocked_with_withdrawal_risk, "F", then=fluconazole))


def test_antifungal_form_change(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(course_running, "f"))


def test_pump_form_replace(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(refill_ok, "p"))


def test_pump_form_reimplant(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(explanted, "i"))


def test_explant_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(blocked_with_withdrawal_risk, "x"))


def test_bridging_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(blocked_with_withdrawal_risk, "g"))


def test_symptoms_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(awaiting_symptoms, "y"))


def test_exam_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(blocked_with_withdrawal_risk, "m"))


def test_edit_patient_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(refill_ok, "E"))


def test_new_patient_form_with_errors(snap_compare, demo_app):
    async def new_patient(pilot) -> None:
        from itb_tui.ui.forms.patient import PatientForm

        # Over a detail screen, not the ward list: this snapshot shows the form, and the
        # list (another part of the app) has snapshots of its own.
        pilot.app.push_screen(PatientForm())
        await settle(pilot)
        await press(pilot, "enter")  # empty: the required fields say so

    assert snap_compare(demo_app, terminal_size=SIZE, run_before=opened(refill_ok, then=new_patient))


def test_entered_in_error_form(snap_compare, demo_app):
    assert snap_compare(demo_app, terminal_size=SIZE,
                        run_before=opened(blocked_with_withdrawal_risk, "down", "delete"))
