"""`v`: mark the patient reviewed (issue 16), from the ward list or the detail.

Why one module: both screens do the same thing. The summary stored is that of the
assessment TODAY (a review is "seen now"; looking at another date, `v` says to go back
to today first), and the write names the patient's row_version the screen showed, so
a change that arrived after the screen was drawn is refused (ConcurrentEdit: the screens
reload and the user reviews again), never covered by the review. The store write runs in
a worker; the UI never waits for it.
"""

from __future__ import annotations

from itb_tui.present.changes import summary_of
from itb_tui.store.errors import ConcurrentEdit, StoreError
from itb_tui.ui.role_gate import refusal

PERMISSION = "mark_reviewed"


def review_patient(screen, patient) -> None:
    """Mark `patient` (as `screen` shows it) reviewed, saying what happened."""
    app = screen.app
    reason = refusal(app, PERMISSION)
    if reason is not None:
        app.notify(f"{reason[:1].upper()}{reason[1:]}.", severity="warning", timeout=6)
        return
    if patient is None:
        app.notify("The patient is still loading: press v again in a moment.", severity="warning", timeout=4)
        return
    if app.as_of != app.today:
        app.notify("Shown as of another date: press t (today) before marking the patient reviewed.",
                   severity="warning", timeout=6)
        return
    # Imported here: the ward list imports this module, and its first frame (saved rows)
    # must come before the engine is loaded (tests/store/test_store_opening.py).
    from itb_tui.clinical.engine import assess

    summary = summary_of(patient, assess(patient, app.today, app.rules))

    def write() -> None:
        try:
            app.store.mark_reviewed(patient.mrn, summary, app.actor, expected_version=patient.row_version)
        except ConcurrentEdit:
            app.call_from_thread(app.notify, f"{patient.name} changed since this screen was drawn: not marked "
                                 "reviewed. The screen has been reloaded; read it and press v again.",
                                 severity="warning", timeout=10)
            app.call_from_thread(app.notify_data_changed)
            return
        except StoreError as error:
            app.call_from_thread(app.notify, f"Not marked reviewed: {error}", severity="error", timeout=10)
            return
        app.call_from_thread(app.notify, f"Marked reviewed: {patient.name} (MRN {patient.mrn}).", timeout=4)
        app.call_from_thread(app.notify_data_changed)

    screen.run_worker(write, thread=True, group="mark-reviewed", exit_on_error=False)
