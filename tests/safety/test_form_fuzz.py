"""Every field of every form, fed hostile values (hypothesis): each is refused with a
clear message, by the form or by the store; nothing raises; the store is unchanged.

Two paths through the same running app (see live_app.py):
- fast: the real, open form checks the typed text without typing it (`FormScreen.check`
  with `typed`), then the form's own `save` is called even when the form refused, so the
  store must refuse the value too: the UI is not the only guard. A value the form could
  not even parse ("lots" in a number field) never reaches the store, so it is not sent.
- typed: fewer examples entered into the real widgets and saved with ctrl+s, as a user
  would; the refusal must be on screen and the app still running.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Static

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))  # the UI tests' set-up

from detail_helpers import SIZE, make_app, open_detail, press, put, screen_text, settle, ward_store  # noqa: E402
from form_fuzz_cases import CASES  # noqa: E402
from live_app import LiveApp  # noqa: E402

from itb_tui.store.errors import ConcurrentEdit, StoreError  # noqa: E402
from itb_tui.ui.forms.base import FormScreen  # noqa: E402

SAVED = "<saved>"


def reaches_the_store(case, field: str, value: str) -> bool:
    """Whether to push a value the form refused on to the store, to see it refused there too.

    Not when the store is known not to check it: see `FormCase.store_guards` and
    `store_cleans_whitespace`.
    """
    if not case.store_guards:
        return False
    if field in case.store_cleans_whitespace and value != " ".join(value.split()):
        return False
    return True


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The extra test patients in a store of their own, and the app on it, running."""
    store = ward_store(tmp_path_factory.mktemp("fuzz"), demo=False)
    with LiveApp(make_app(store), SIZE) as app:
        async def depth(pilot):
            await settle(pilot)
            return len(pilot.app.screen_stack)

        app.base_depth = app.run(depth)
        app.store = store
        app.open_case = None
        yield app
    store.close()


async def open_form(live, pilot, name: str, *, reuse: bool) -> FormScreen:
    """The form of case `name`, opened the way a user opens it (kept open across examples
    of the fast path: nothing is ever saved)."""
    app = pilot.app
    if reuse and live.open_case == name and isinstance(app.screen, FormScreen):
        return app.screen
    case = CASES[name]
    while len(app.screen_stack) > live.base_depth:
        await app.pop_screen()
    await settle(pilot)
    if case.mrn is None:
        from itb_tui.ui.forms.patient import PatientForm

        app.push_screen(PatientForm())
        await settle(pilot)
    else:
        detail = await open_detail(pilot, case.mrn)
        if case.row is not None:
            from itb_tui.ui.widgets.detail_timeline import Timeline

            timeline = detail.query_one(Timeline)
            timeline.move_cursor(row=next(i for i, e in enumerate(timeline.entries) if case.row(e)))
        await press(pilot, case.key)
    form = app.screen
    opened = f"{type(form).__module__}.{type(form).__name__}"
    assert opened.endswith(case.form_class), f"{name}: {case.key!r} opened {opened}"
    live.open_case = name
    return form


def snapshot(store, mrn: str | None):
    """What must not change: the store's change counter and the patient (with its version)."""
    patient = store.get_patient(mrn) if mrn else None
    return store.data_version(), store.patient_count(), patient, patient.row_version if patient else None


def assert_one_line(messages: list[str]) -> None:
    for message in messages:
        assert message.strip(), "an empty message"
        assert "\n" not in message and "Traceback" not in message, message


# --- fast path: every case, many examples ----------------------------------------------


@pytest.mark.parametrize("name", list(CASES))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_hostile_values_are_refused_by_the_form_or_the_store(live, name, data):
    case = CASES[name]
    field = data.draw(st.sampled_from(sorted(case.fields)), label="field")
    value = data.draw(case.fields[field], label="value")
    typed = {**case.entries, field: value}

    async def job(pilot):
        form = await open_form(live, pilot, name, reuse=True)
        before = snapshot(live.store, case.mrn)
        values, errors, general, _ = form.check(typed)
        parsed = field not in form.collect(typed)[1]
        refused = bool(errors or general)
        store_said = None
        if parsed and (not refused or reaches_the_store(case, field, value)):
            try:
                form.save(values)  # what the store does with it, whatever the form said
            except ConcurrentEdit as exc:
                raise AssertionError(f"an earlier example changed the store: {exc}") from exc
            except StoreError as exc:
                store_said = str(exc)
            else:
                store_said = SAVED
        return errors, general, refused, parsed, store_said, before, snapshot(live.store, case.mrn)

    errors, general, refused, parsed, store_said, before, after = live.run(job)
    assert store_said != SAVED, f"{name}: {field}={value!r} was saved"
    assert refused or store_said, f"{name}: {field}={value!r} was accepted by the form"
    if refused and parsed and reaches_the_store(case, field, value):
        assert store_said, f"{name}: the store would accept {field}={value!r} (only the form refused it)"
    assert_one_line([*errors.values(), *general, *([store_said] if store_said else [])])
    assert after == before


# --- typed path: fewer examples, through the widgets and the save key --------------------


def field_errors(form) -> list[str]:
    return [str(w.content) for w in form.query(".form-error").results(Static) if w.has_class("-shown")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_hostile_values_typed_into_a_form_are_refused_on_screen(live, data):
    name = data.draw(st.sampled_from(sorted(CASES)), label="form")
    case = CASES[name]
    field = data.draw(st.sampled_from(sorted(case.fields)), label="field")
    value = data.draw(case.fields[field], label="value")
    typed = {**case.entries, field: value}

    async def job(pilot):
        form = await open_form(live, pilot, name, reuse=True)
        before = snapshot(live.store, case.mrn)
        initial = form.initial_values()  # what an earlier example typed is put back first
        for field_name in case.fields:
            put(form, field_name, typed.get(field_name, initial.get(field_name)))
        for field_name, text in case.entries.items():
            put(form, field_name, typed.get(field_name, text))
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert pilot.app.is_running, "the app stopped"
        assert pilot.app.screen is form, f"{name}: {field}={value!r} closed the form (saved?)"
        shown = [form.form_error, *field_errors(form)]
        on_screen = screen_text(pilot.app)
        return shown, on_screen, before, snapshot(live.store, case.mrn)

    shown, on_screen, before, after = live.run(job)
    assert any(shown), f"{name}: {field}={value!r}: no message"
    assert "✖" in on_screen and "Not saved" in on_screen
    assert_one_line([m for m in shown if m])
    assert after == before


def test_store_refuses_an_mrn_it_cannot_encode(tmp_path):
    """The new-patient form refuses such an MRN itself; the store must not raise either
    (the command line passes undecodable argv bytes as surrogates): a lookup finds
    nobody, a write is refused in words."""
    from itb_tui.clinical.records import Exam
    from itb_tui.store import open_store

    store = open_store(f"sqlite:///{tmp_path}/ward.db")
    try:
        assert store.get_patient("A\ud800A") is None
        with pytest.raises(StoreError, match="not valid text"):
            store.add_exam("A\ud800A", Exam("dilated_eye_exam", date(2026, 11, 1)), "os:test")
    finally:
        store.close()
