"""Waiting, not failing (issue 14, item 6), with real processes: while one process holds
the writer lock inside a long import, a small write from another terminal waits (saying
so on stderr), then succeeds; the wait is bounded (ITB_TUI_WRITE_WAIT_S) and ends in
words, never "database is locked"; a backup taken meanwhile exits 0 only with its audit
entry written, and a copy it could not audit is removed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOLDER = r'''
import sys, time
from datetime import date
from pathlib import Path

from itb_tui.clinical.records import Patient
from itb_tui.store import importer, open_store

url, ready, hold = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
write = importer._write


def slow_write(*args, **kwargs):  # the import's rows are written; the commit comes late
    write(*args, **kwargs)
    ready.write_text("holding")
    time.sleep(hold)


importer._write = slow_write
with open_store(url, today=date(2026, 11, 10)) as store:
    store.import_patients([Patient(mrn=f"L{i:04d}", name=f"Long, Import {i}") for i in range(300)],
                          "os:import")
'''
EXAMPLE = Path(__file__).parents[1] / "cli" / "data" / "ward_example.json"


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update(ITB_TUI_DATA_DIR=str(tmp_path / "data"), ITB_TUI_TODAY="2026-11-10", NO_COLOR="1", **extra)
    return env


def _hold(tmp_path, url, seconds):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, str(script), url, str(ready), str(seconds)],
                            env=_env(tmp_path), stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return proc


def _cli(tmp_path, url, *args, **env):
    return subprocess.run([sys.executable, "-m", "itb_tui", "--db", url, *args], capture_output=True,
                          text=True, env=_env(tmp_path, **env), timeout=120)


@pytest.fixture
def url(store_url):
    from datetime import date

    from itb_tui.store import open_store

    with open_store(store_url, today=date(2026, 11, 10)):
        pass  # created before the holder starts
    return store_url


def test_a_small_write_during_a_long_import_waits_and_succeeds(tmp_path, url):
    holder = _hold(tmp_path, url, 7)
    started = time.monotonic()
    r = _cli(tmp_path, url, "import", str(EXAMPLE))
    waited = time.monotonic() - started
    assert holder.wait(30) == 0
    assert r.returncode == 0, r.stderr
    assert "waiting for another terminal" in r.stderr and "locked" not in r.stderr + r.stdout
    assert waited > 5  # it really waited past SQLite's old 5 s
    check = _cli(tmp_path, url, "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_wait_is_bounded_and_ends_in_words(tmp_path, url):
    holder = _hold(tmp_path, url, 6)
    r = _cli(tmp_path, url, "import", str(EXAMPLE), ITB_TUI_WRITE_WAIT_S="1")
    assert holder.wait(30) == 0
    assert r.returncode == 1
    assert "another terminal has been writing" in r.stderr and "nothing was changed" in r.stderr
    assert "locked" not in r.stderr


def test_a_backup_during_a_long_import_exits_0_with_its_audit_entry(tmp_path, url):
    if not url.startswith("sqlite"):
        pytest.skip("the PostgreSQL backup (pg_dump) is tested in test_backup_while_writing")
    holder = _hold(tmp_path, url, 7)
    r = _cli(tmp_path, url, "backup", str(tmp_path / "copy.db"))
    assert holder.wait(30) == 0
    assert r.returncode == 0, r.stderr
    assert "locked" not in r.stderr
    from datetime import date

    from itb_tui.store import open_store

    with open_store(url, today=date(2026, 11, 10)) as store:
        last = store.audit_trail(limit=1)[-1]
    assert last.action == "backup" and last.after == {"to": str(tmp_path / "copy.db")}


def test_a_backup_that_cannot_be_audited_is_removed(tmp_path, url):
    if not url.startswith("sqlite"):
        pytest.skip("the PostgreSQL backup (pg_dump) is tested in test_backup_while_writing")
    holder = _hold(tmp_path, url, 6)
    r = _cli(tmp_path, url, "backup", str(tmp_path / "copy.db"), ITB_TUI_WRITE_WAIT_S="1")
    assert holder.wait(30) == 0
    assert r.returncode == 1 and "removed" in r.stderr and "locked" not in r.stderr
    assert not (tmp_path / "copy.db").exists() and not (tmp_path / "copy.db.witness").exists()


async def test_the_tui_says_it_is_waiting_for_another_terminal(tmp_path):
    """The store announces a wait through `waiting.wait_notifier`; in the TUI that is a
    notification on screen (from the worker thread that waits), not a line on stderr."""
    import asyncio
    from datetime import date

    from itb_tui.store import open_store, waiting
    from itb_tui.ui.app import app_for_store

    store = open_store(f"sqlite:///{tmp_path}/demo.db", today=date(2026, 11, 10))
    try:
        app = app_for_store(store, today=date(2026, 11, 10), demo=True)
        async with app.run_test() as pilot:
            await asyncio.to_thread(waiting.notify_waiting)
            await pilot.pause()
            said = " ".join(n.message for n in app._notifications)
            assert "Waiting for another terminal to finish writing" in said
        assert waiting.wait_notifier is waiting._stderr_notice  # handed back at exit
    finally:
        store.close()
