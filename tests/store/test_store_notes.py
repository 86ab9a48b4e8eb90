"""Handover notes in the store (issue 16, item 3): "per patient, free text with author and
time ... never deleted (entered in error like every record); a note can be marked for
handover to the next shift". SQLite and PostgreSQL (`store` fixture).
"""

from __future__ import annotations

import pytest
from store_fixtures import add_users, fungemia_patient, quiet_patient, signed_in, tamper_sql

from itb_tui.store import StoreError
from itb_tui.store.errors import NotFound, PermissionDenied
from itb_tui.store.ports import NOTE_TEXT_MAX
from itb_tui.store.reader import open_reader

TEXT = "Lumbar drain out at 06:00; watch for withdrawal overnight"


@pytest.fixture
def ward(store):
    store.import_patients([fungemia_patient(), quiet_patient()], "os:root")
    return store


def test_a_note_is_kept_with_its_author_and_time_newest_first(ward):
    first = ward.add_note("A1001", "  first note  ", "os:nina")
    second = ward.add_note("A1001", f"{TEXT}\n  second line  \n\n", "os:carl", for_handover=True)
    ward.add_note("B2002", "other patient", "os:nina")
    notes = ward.notes("A1001")
    assert [n.id for n in notes] == [second.id, first.id]
    assert notes[0].text == f"{TEXT}\n  second line"  # ends trimmed, the line break kept
    assert (notes[0].author, notes[0].for_handover, notes[0].awaiting_handover) == ("os:carl", True, True)
    assert (notes[1].text, notes[1].for_handover) == ("first note", False)
    assert notes[0].written_at.tzinfo is not None and notes[0].written_at >= notes[1].written_at
    assert len(ward.notes()) == 3


def test_the_note_is_audited_in_the_same_write_and_check_passes(ward):
    before = len(ward.audit_trail())
    note = ward.add_note("A1001", TEXT, "os:nina", for_handover=True)
    trail = ward.audit_trail()
    assert len(trail) == before + 1
    entry = trail[-1]
    assert (entry.action, entry.table, entry.record_id, entry.mrn, entry.actor) == \
        ("create", "notes", note.id, "A1001", "os:nina")
    assert entry.after["text"] == TEXT and entry.after["for_handover"] is True
    result = ward.check()
    assert result.ok, "\n".join(result.lines())


def test_a_failing_audit_write_leaves_no_note(ward, monkeypatch):
    """One transaction: when the audit row cannot be written, the note is not kept either."""
    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ward, "_audit", boom)
    with pytest.raises(RuntimeError):
        ward.add_note("A1001", TEXT, "os:nina")
    monkeypatch.undo()
    assert ward.notes(include_in_error=True) == []


def test_handed_over_clears_the_flag_and_keeps_the_note(ward):
    note = ward.add_note("A1001", TEXT, "os:nina", for_handover=True)
    after = ward.mark_note_handed_over(note.id, "os:carl")
    assert (after.text, after.for_handover, after.handed_over_by) == (TEXT, True, "os:carl")
    assert not after.awaiting_handover and after.handed_over_at is not None
    entry = ward.audit_trail()[-1]
    assert (entry.action, entry.reason) == ("update", "handed over")
    assert entry.before["handed_over_at"] is None and entry.after["handed_over_by"] == "os:carl"
    assert entry.before["text"] == entry.after["text"] == TEXT
    with pytest.raises(StoreError, match="already handed over by os:carl"):
        ward.mark_note_handed_over(note.id, "os:x")
    plain = ward.add_note("A1001", "not for handover", "os:nina")
    with pytest.raises(StoreError, match="not marked for handover"):
        ward.mark_note_handed_over(plain.id, "os:x")
    assert ward.check().ok


def test_entered_in_error_hides_the_note_and_keeps_its_text(ward):
    note = ward.add_note("A1001", TEXT, "os:nina", for_handover=True)
    ward.mark_entered_in_error("note", note.id, "written on the wrong patient", "os:carl")
    assert ward.notes("A1001") == []
    (kept,) = ward.notes("A1001", include_in_error=True)
    assert (kept.text, kept.author, kept.entered_in_error_by, kept.entered_in_error_reason) == \
        (TEXT, "os:nina", "os:carl", "written on the wrong patient")
    assert not kept.awaiting_handover
    entry = ward.audit_trail()[-1]
    assert (entry.action, entry.table, entry.reason) == ("entered_in_error", "notes", "written on the wrong patient")
    assert entry.before["text"] == TEXT
    with pytest.raises(StoreError, match="already marked entered in error"):
        ward.mark_entered_in_error("note", note.id, "again", "os:carl")
    with pytest.raises(StoreError, match="entered in error"):
        ward.mark_note_handed_over(note.id, "os:carl")
    assert ward.check().ok


@pytest.mark.parametrize("text, message", [
    ("", "the note is required"),
    ("   \n\t  ", "the note is required"),
    ("x" * (NOTE_TEXT_MAX + 1), f"is too long ({NOTE_TEXT_MAX + 1} characters; at most {NOTE_TEXT_MAX})"),
    ("bad\x07bell", "contains a control character"),
    (None, "must be text"),
])
def test_bad_text_is_refused_with_a_clear_message_and_changes_nothing(ward, text, message):
    trail = len(ward.audit_trail())
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ward.add_note("A1001", text, "os:nina")
    assert ward.notes(include_in_error=True) == [] and len(ward.audit_trail()) == trail


def test_the_longest_note_allowed_is_kept_whole(ward):
    assert len(ward.add_note("A1001", "y" * NOTE_TEXT_MAX, "os:x").text) == NOTE_TEXT_MAX


def test_unknown_patient_and_note_are_refused(ward):
    with pytest.raises(StoreError, match="no patient with MRN 'Z9'"):
        ward.add_note("Z9", TEXT, "os:x")
    with pytest.raises(NotFound, match="no note with id 99"):
        ward.mark_note_handed_over(99, "os:x")
    with pytest.raises(NotFound, match="no note with id 99"):
        ward.mark_entered_in_error("note", 99, "reason", "os:x")


@pytest.mark.parametrize("user, allowed", [("nurse.nina", True), ("dr.carl", True), ("ada", False)])
def test_nurse_and_clinician_may_write_a_note_admin_may_not(ward, user, allowed):
    add_users(ward)
    as_user = signed_in(ward, user)
    if allowed:
        note = as_user.add_note("A1001", TEXT, "ignored", for_handover=True)
        assert note.author == user and ward.audit_trail()[-1].username == user
        as_user.mark_note_handed_over(note.id, "ignored")
    else:
        with pytest.raises(PermissionDenied, match="admin may not write a handover note"):
            as_user.add_note("A1001", TEXT, "ignored")
        assert ward.notes() == []


def test_a_nurse_may_strike_out_her_own_note_only_a_clinician_anyone_s(ward):
    add_users(ward)
    nurse, clinician = signed_in(ward, "nurse.nina"), signed_in(ward, "dr.carl")
    own = nurse.add_note("A1001", "mine, on the wrong patient", "x")
    other = clinician.add_note("A1001", "the clinician's note", "x")
    with pytest.raises(PermissionDenied, match="nurse may not mark a record entered in error"):
        nurse.mark_entered_in_error("note", other.id, "not mine to strike", "x")
    nurse.mark_entered_in_error("note", own.id, "wrong patient", "x")
    clinician.mark_entered_in_error("note", other.id, "superseded", "x")
    assert ward.notes() == [] and len(ward.notes(include_in_error=True)) == 2


def test_a_note_does_not_move_the_patient_version(ward):
    """A nurse's note never makes a clinician's open form stale."""
    version = ward.get_patient("A1001").row_version
    ward.add_note("A1001", TEXT, "os:nina", for_handover=True)
    assert ward.get_patient("A1001").row_version == version


def test_the_read_only_reader_reads_the_same_notes(ward, store_url):
    note = ward.add_note("A1001", TEXT, "os:nina", for_handover=True)
    ward.add_note("B2002", "second", "os:nina")
    ward.mark_entered_in_error("note", note.id, "wrong patient", "os:carl")
    reader = open_reader(store_url)
    assert reader is not None
    try:
        assert reader.notes() == ward.notes()
        assert reader.notes("A1001", include_in_error=True) == ward.notes("A1001", include_in_error=True)
    finally:
        reader.close()


def test_a_note_changed_outside_the_app_is_found_by_check(ward):
    ward.add_note("A1001", TEXT, "os:nina", for_handover=True)
    tamper_sql(ward, "UPDATE notes SET text = 'nothing to hand over'")
    result = ward.check()
    assert not result.ok
    assert "notes record 1 (MRN A1001) was changed outside the app" in "\n".join(result.lines())


def test_a_backup_carries_the_notes_and_checks_clean(tmp_path):
    """The ward file has no notes (shared/ward-file-format.md); backups carry them whole."""
    from store_fixtures import fungemia_patient as patient

    from itb_tui.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'ward.db'}") as store:
        store.import_patients([patient()], "os:root")
        note = store.add_note("A1001", TEXT, "os:nina", for_handover=True)
        store.mark_note_handed_over(note.id, "os:carl")
        copy = store.backup(tmp_path / "copy.db")
    with open_store(f"sqlite:///{copy}") as restored:
        (kept,) = restored.notes("A1001")
        assert (kept.text, kept.handed_over_by) == (TEXT, "os:carl")
        assert restored.check().ok
