"""The app's way into the store (store/opening.py): a current store opens behind the
first screen; anything else is created, upgraded or refused up front, as before."""

from __future__ import annotations

import subprocess
import sys
import threading
import textwrap
from pathlib import Path

import pytest
from store_fixtures import TODAY, fungemia_patient
from store_v1 import make_v1_sqlite

from itb_tui.store import StoreError, open_store
from itb_tui.store.opening import DeferredStore, open_for_app

ROOT = Path(__file__).resolve().parents[2]


def _current_store(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=TODAY) as store:
        store.import_patients([fungemia_patient()], "os:root")
    return url


def test_a_current_store_opens_on_first_use_and_then_is_the_store(tmp_path):
    store = open_for_app(_current_store(tmp_path), today=TODAY)
    try:
        assert isinstance(store, DeferredStore) and not store.opened
        assert store.saved_list_rows("k").patients[0][1] == "A1001"  # the reader answers
        assert not store.opened
        assert [p.mrn for p in store.load_patients()] == ["A1001"]  # anything else opens it
        assert store.opened and store.upgrade is None
        assert store._reader is None  # the read-only connection is let go once open
        assert store.saved_list_rows("k").patients[0][1] == "A1001"  # now from the Store
    finally:
        store.close()


def test_the_first_admin_of_a_deferred_store_can_also_be_a_clinician(tmp_path):
    """The sign-in screen passes `clinician=` (one person can start a site); the deferred
    store the app opens did not take it, so the first sign-in of a real store failed with
    a TypeError on screen."""
    store = open_for_app(_current_store(tmp_path), today=TODAY)
    try:
        assert isinstance(store, DeferredStore)
        user = store.create_first_admin("ward.admin", "a long enough pass phrase 1", "os:root", clinician=True)
        assert set(user.roles) == {"admin", "clinician"}
    finally:
        store.close()


def test_threads_asking_at_once_open_it_once(tmp_path, monkeypatch):
    import itb_tui.store as store_module

    opened = []
    real = store_module.open_store

    def counting(url, **kw):
        opened.append(url)
        return real(url, **kw)

    store = open_for_app(_current_store(tmp_path), today=TODAY)
    monkeypatch.setattr(store_module, "open_store", counting)
    threads = [threading.Thread(target=store.patient_count) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert len(opened) == 1


def test_an_old_store_is_upgraded_before_any_screen(tmp_path):
    db = tmp_path / "old.db"
    make_v1_sqlite(db)
    store = open_for_app(f"sqlite:///{db}", today=TODAY)
    try:
        assert not isinstance(store, DeferredStore)
        assert store.upgrade is not None and store.upgrade.backup
    finally:
        store.close()


def test_a_missing_file_is_created_as_before(tmp_path):
    store = open_for_app(f"sqlite:///{tmp_path}/new.db", today=TODAY)
    try:
        assert not isinstance(store, DeferredStore) and store.patient_count() == 0
    finally:
        store.close()


def test_a_store_that_fails_to_open_later_says_so_every_time(tmp_path, monkeypatch):
    import itb_tui.store as store_module

    store = open_for_app(_current_store(tmp_path), today=TODAY)

    def broken(url, **kw):
        raise StoreError("cannot open database: disk I/O error")

    monkeypatch.setattr(store_module, "open_store", broken)
    for _ in range(2):
        with pytest.raises(StoreError, match="disk I/O error"):
            store.load_patients()
    store.close()


def test_the_list_is_drawn_from_saved_rows_before_sqlalchemy_is_even_imported(tmp_path):
    """The point of it all, in a fresh interpreter as `itb-tui` starts: at the moment the
    saved rows are drawn, neither SQLAlchemy nor the engine has been imported."""
    url = _current_store(tmp_path)
    script = textwrap.dedent(f"""
        import sys
        from datetime import date
        from itb_tui.store.opening import open_for_app
        from itb_tui.ui.app import ItbApp

        def run():
            store = open_for_app({url!r}, today=date(2026, 11, 25))
            app = ItbApp(store, today=date(2026, 11, 25), actor="t")
            seen = {{}}

            async def pilot(p):
                import asyncio
                while not (app.ward_screen and app.ward_screen.loaded):
                    await asyncio.sleep(0.001)
                seen["saved"] = not app.ward_screen.checked
                seen["sqlalchemy"] = "sqlalchemy" in sys.modules
                seen["engine"] = "itb_tui.clinical.engine" in sys.modules
                await app.workers.wait_for_complete()
                app.exit()

            app.run(headless=True, size=(120, 36), auto_pilot=pilot)
            store.close()
            return seen

        seen = run()
        print(seen["saved"], seen["sqlalchemy"], seen["engine"])
    """)

    def start() -> list[str]:
        out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout.split()

    assert start()[0] == "False"  # the first start derives the rows (and saves them)
    assert start() == ["True", "False", "False"]
