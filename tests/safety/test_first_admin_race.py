"""Two terminals open the same NEW store and both ask for the first admin account: exactly
one is created, the other is refused in one clear line (`UsersExist`), on SQLite and on
PostgreSQL. Real processes, both past the "no users yet" check before either writes."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from itb_tui.store import StoreError, open_store

WORKER = str(Path(__file__).with_name("safety_workers.py"))
TODAY = date(2026, 11, 10)


def test_two_terminals_creating_the_first_admin_at_once_make_exactly_one(store_url, tmp_path):
    open_store(store_url, today=TODAY).close()  # the new, empty store
    go = tmp_path / "go"
    names = ("ada", "bob")
    ready = {name: tmp_path / f"ready-{name}" for name in names}
    procs = {name: subprocess.Popen([sys.executable, WORKER, "first_admin", store_url, name,
                                     str(ready[name]), str(go)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in names}
    deadline = time.monotonic() + 120
    while not all(f.exists() for f in ready.values()):  # both saw an empty store
        assert time.monotonic() < deadline, "the workers did not start"
        assert all(p.poll() is None for p in procs.values()), [p.stderr.read() for p in procs.values()]
        time.sleep(0.01)
    go.touch()
    said = {}
    for name, p in procs.items():
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        said[name] = out.strip()
    created = [n for n, text in said.items() if text == "created"]
    refused = [text for text in said.values() if text.startswith("refused:")]
    assert len(created) == 1 and len(refused) == 1, said
    assert refused[0].startswith("refused: UsersExist: this store has users now")
    assert "\n" not in refused[0]
    with open_store(store_url, today=TODAY) as store:
        users = store.list_users()
        assert [(u.username, u.roles) for u in users] == [(created[0], ("admin",))]
        creates = [e for e in store.audit_trail() if e.table == "users" and e.action == "create"]
        assert len(creates) == 1 and store.verify_audit().ok


def test_the_first_admin_is_refused_once_a_store_has_a_user(tmp_path):
    with open_store(f"sqlite:///{tmp_path}/ward.db", today=TODAY) as store:
        store.create_first_admin("ada", "correct horse battery", "os:root")
        trail = len(store.audit_trail())
        try:
            store.create_first_admin("bob", "correct horse battery", "os:root")
        except StoreError as exc:
            assert type(exc).__name__ == "UsersExist" and "sign in" in str(exc)
        else:
            raise AssertionError("a second first admin was created")
        assert [u.username for u in store.list_users()] == ["ada"]
        assert len(store.audit_trail()) == trail
