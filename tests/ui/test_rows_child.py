"""Tomorrow's list rows derived in a second process (ui/rows_child.py, issue 17): the
same text the app would save had it derived them itself, and nothing when it cannot be
trusted to be (another database, another key)."""

from __future__ import annotations

from datetime import timedelta

from shell_helpers import TODAY, make_store

from itb_tui.clinical.rules import load_rules
from itb_tui.present.saved_rows import SavedRows, list_key, rows_to_save
from itb_tui.ui.saved_rows import rows_from_child
from itb_tui.ui.widgets.ward_rows import build_rows


def test_the_child_saves_exactly_the_rows_the_app_would(tmp_path):
    store = make_store(tmp_path)
    tomorrow = TODAY + timedelta(days=1)
    rules = load_rules()
    key = list_key(rules, tomorrow)
    reads = store.list_reads(tomorrow)
    own = rows_to_save(SavedRows(key), reads.patients, build_rows(reads.patients, tomorrow, rules, reads.reviews))
    assert own  # the demo ward has rows to save
    assert rows_from_child(store.url, tomorrow, None, key) == own
    some = [p.mrn for p in reads.patients[:3]]
    assert rows_from_child(store.url, tomorrow, some, key) == [r for r in own if r[0] in {p.id for p in reads.patients[:3]}]


def test_the_child_is_not_used_under_another_key_or_database(tmp_path):
    store = make_store(tmp_path)
    tomorrow = TODAY + timedelta(days=1)
    assert rows_from_child(store.url, tomorrow, None, "another.key") is None
    assert rows_from_child("postgresql+psycopg://u@h/db", tomorrow, None, list_key(load_rules(), tomorrow)) is None


def test_a_cancelled_child_is_stopped_at_once(tmp_path):
    """Quitting the app cancels the load worker: the child is killed, nothing waits for it."""
    import time

    store = make_store(tmp_path)
    tomorrow = TODAY + timedelta(days=1)
    started = time.monotonic()
    assert rows_from_child(store.url, tomorrow, None, list_key(load_rules(), tomorrow), lambda: True) is None
    assert time.monotonic() - started < 1.0
