"""Opening a patient reads the store once (issue 17 follow-up): one `detail_bundle` call,
one transaction, instead of six separate reads (version, patient, corrections, lab
reports, notes, reviews), each its own transaction. Besides that read the open writes
only the user's "seen through" mark (the list's new-result marker, issue 15)."""

from __future__ import annotations

from sqlalchemy import event

from detail_helpers import make_app, running, screen_text, settle, ward_store, SIZE

# Every store method that reads a patient or what the detail shows about them.
READS = ("data_version", "get_patient", "load_patients", "culture_corrections", "lab_reports",
         "lab_report_statuses", "notes", "patient_reviews", "audit_trail", "detail_bundle")


def _record(app, store, monkeypatch) -> list[str]:
    """Record the store calls from now on. The app's poll for other terminals' writes
    (every 2 s, ui/app.py) is stopped: on a loaded machine the open can span a tick."""
    monkeypatch.setattr(app, "_check_data_version", lambda: None)
    calls: list[str] = []
    for name in READS + ("mark_opened",):
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _real=real, _name=name, **kw: calls.append(_name) or _real(*a, **kw))
    return calls


async def test_opening_a_patient_is_one_store_read_in_one_transaction(tmp_path, monkeypatch):
    store = ward_store(tmp_path, demo=False)
    store.add_note("KRU01", "Drain out at 06:00", "os:nurse", for_handover=True)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        calls = _record(app, store, monkeypatch)
        begins = []

        def began(conn) -> None:
            begins.append(conn)

        event.listen(store.engine, "begin", began)
        app.open_patient("KRU01")
        await settle(pilot)
        event.remove(store.engine, "begin", began)
        assert calls == ["detail_bundle", "mark_opened"]
        assert len(begins) == 2  # the read, and the seen-through mark
        shown = screen_text(app)
        assert "✖ BLOCKED: do not refill" in shown and "Drain out at 06:00" in shown


async def test_an_unknown_patient_is_one_read_and_no_seen_mark(tmp_path, monkeypatch):
    async with running(tmp_path, demo=False) as (store, app, pilot, _detail):
        calls = _record(app, store, monkeypatch)
        app.open_patient("NOPE")
        await settle(pilot)
        assert calls == ["detail_bundle"]
        assert "No patient with MRN NOPE" in screen_text(app)
