"""The administrative commands, run as a user or a script would: users, `audit verify`,
`check` (which must fail on a store whose audit table was edited by hand), `backup`, and
an old store upgraded on open."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from cli_runner import EXAMPLE, dump_db, run_cli

PASSWORD = b"correct horse battery\n"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))


@pytest.fixture
def ward(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    return data_dir


def _one_error(r) -> str:
    assert r.code == 1 and "Traceback" not in r.err, (r.out, r.err)
    assert len(r.err_lines) == 1 and r.err_lines[0].startswith("itb-tui: error: "), r.err
    return r.err_lines[0]


def _sql(db: Path, statement: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(statement)
    conn.commit()
    conn.close()


# --- users ----------------------------------------------------------------------------------

def test_the_first_user_is_an_admin_added_from_a_script(data_dir):
    line = _one_error(run_cli(data_dir, "user", "add", "dr.carl", "--role", "clinician", "--password-stdin",
                              stdin=PASSWORD))
    assert "first user of a store must be an admin" in line
    r = run_cli(data_dir, "user", "add", "Ada", "--role", "clinician", "--role", "admin", "--password-stdin",
                stdin=PASSWORD)
    assert r.code == 0 and r.out.strip() == "user ada added (roles: clinician, admin)"
    # once an admin exists, adding a user needs an admin's password (stdin: admin's, then the new one)
    assert run_cli(data_dir, "user", "add", "nurse.nina", "--role", "nurse", "--password-stdin", "--admin", "ada",
                   stdin=PASSWORD + PASSWORD).code == 0
    listed = run_cli(data_dir, "user", "list")
    assert listed.code == 0
    rows = [line.split() for line in listed.out.splitlines()[1:]]
    # ada signed in to add nurse.nina: her last sign-in is now
    assert [rows[0][:3], rows[1]] == [["ada", "clinician,admin", "active"], ["nurse.nina", "nurse", "active", "never"]]
    assert "correct horse" not in listed.out + listed.err
    r = run_cli(data_dir, "user", "disable", "nurse.nina", "--admin", "ada", stdin=PASSWORD)
    assert r.code == 0 and "disabled" in run_cli(data_dir, "user", "list").out
    conn = sqlite3.connect(data_dir / "ward.db")
    actors = {r[0] for r in conn.execute("SELECT actor FROM audit WHERE table_name = 'users' AND action != 'login'")}
    assert actors == {f"os:{getpass.getuser()}", "ada"}  # the first admin by the OS user, then ada
    assert not conn.execute("SELECT count(*) FROM audit WHERE \"after\" LIKE '%correct horse%'").fetchone()[0]


def test_a_bad_password_or_a_missing_prompt_changes_nothing(data_dir):
    r = run_cli(data_dir, "user", "add", "ada", "--role", "admin", "--password-stdin", stdin=b"short\n")
    assert r.code == 1 and "at least 10 characters" in r.err and "short" not in r.err.split("characters")[1]
    line = _one_error(run_cli(data_dir, "user", "add", "ada", "--role", "admin", stdin=b""))
    assert "--password-stdin" in line
    assert "no users yet" in run_cli(data_dir, "user", "list").out


def test_an_unknown_role_is_a_usage_error(data_dir):
    r = run_cli(data_dir, "user", "add", "ada", "--role", "doctor", "--password-stdin", stdin=PASSWORD)
    assert r.code == 2 and "invalid choice: 'doctor'" in r.err


def test_import_is_recorded_under_the_operating_system_user(ward):
    conn = sqlite3.connect(ward / "ward.db")
    actors = {r[0] for r in conn.execute("SELECT actor FROM audit")}
    assert actors == {f"os:{getpass.getuser()}"}


# --- audit verify and check -----------------------------------------------------------------

def test_audit_verify_and_check_pass_on_an_untouched_store(ward):
    r = run_cli(ward, "audit", "verify")
    assert r.code == 0 and r.out.startswith("audit trail: ok (") and "entries verified" in r.out
    r = run_cli(ward, "check")
    assert r.code == 0 and r.out.splitlines()[0] == "database: ok"


def test_check_passes_on_a_fresh_demo_store(data_dir):
    r = run_cli(data_dir, "--demo", "check")
    assert r.code == 0, r.out + r.err
    assert "database: ok" in r.out and "audit trail: ok" in r.out


def test_an_audit_row_edited_by_hand_fails_verify_and_check_naming_it(ward):
    db = ward / "ward.db"
    _sql(db, "UPDATE audit SET reason = 'nothing to see here' WHERE id = 4")
    for command in (["audit", "verify"], ["check"]):
        r = run_cli(ward, *command)
        assert r.code == 1, command
        assert "audit trail: BROKEN at entry 4: entry 4 was changed after it was written" in r.out


def test_deleting_the_newest_audit_row_fails_verify_and_check(ward):
    db = ward / "ward.db"
    last = sqlite3.connect(db).execute("SELECT max(id) FROM audit").fetchone()[0]
    _sql(db, f"DELETE FROM audit WHERE id = {last}")
    for command in (["audit", "verify"], ["check"]):
        r = run_cli(ward, *command)
        assert r.code == 1 and f"BROKEN at entry {last}" in r.out and "missing at the end" in r.out


def test_check_reports_a_record_whose_parent_is_gone(ward):
    db = ward / "ward.db"
    conn = sqlite3.connect(db)  # foreign keys are off in a plain sqlite3 session
    conn.execute("DELETE FROM refills WHERE pump_id = (SELECT min(id) FROM pumps)")
    conn.execute("DELETE FROM pumps WHERE id = (SELECT min(id) FROM pumps)")
    conn.execute("INSERT INTO refills (pump_id, refilled_on, volume_ml) VALUES (999, '2026-11-01', '20')")
    conn.commit()
    conn.close()
    r = run_cli(ward, "check")
    assert r.code == 1 and "database: FAILED" in r.out and "refills row" in r.out


def test_verify_on_a_missing_store_is_one_line(data_dir):
    assert "no store at" in _one_error(run_cli(data_dir, "audit", "verify"))


# --- backup ---------------------------------------------------------------------------------

def test_backup_writes_an_owner_only_consistent_copy(ward, tmp_path):
    dest = tmp_path / "copies"
    dest.mkdir()
    r = run_cli(ward, "backup", str(dest / "monday.db"))
    assert r.code == 0 and r.out.strip() == f"backup written: {dest / 'monday.db'}"
    copy = dest / "monday.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    r = run_cli(ward, "--db", str(copy), "check")
    assert r.code == 0, r.out
    assert "already exists" in _one_error(run_cli(ward, "backup", str(copy)))


# --- schema versions ------------------------------------------------------------------------

def test_an_old_store_is_upgraded_on_open_and_says_where_the_backup_is(data_dir):
    from store_v1 import make_v1_sqlite

    from itb_tui.store.versions import SCHEMA_VERSION

    db = data_dir / "old" / "ward.db"
    make_v1_sqlite(db)
    r = run_cli(data_dir, "--db", str(db), "status", "--json")
    assert r.code == 0, r.err
    assert [p["mrn"] for p in json.loads(r.out)["patients"]] == ["A1001", "B2002"]
    note = r.err.strip()
    assert note.startswith(f"itb-tui: upgraded the store from schema version 1 to {SCHEMA_VERSION}; "
                           "the old store was copied to ")
    backup = Path(note.rsplit(" ", 1)[1])
    assert backup.exists() and backup.parent == db.parent
    assert run_cli(data_dir, "--db", str(db), "status").err == ""  # only once
    assert run_cli(data_dir, "--db", str(db), "check").code == 0


def test_a_store_from_a_newer_version_is_refused_in_one_line_and_unchanged(ward):
    db = ward / "ward.db"
    from itb_tui.store.versions import SCHEMA_VERSION

    newer = SCHEMA_VERSION + 1  # one this code does not know (schema 6 exists since issue 15)
    _sql(db, f"UPDATE meta SET value = '{newer}' WHERE key = 'schema_version'")
    before = dump_db(db)
    line = _one_error(run_cli(ward, "status"))
    assert f"schema version {newer}" in line and "upgrade itb-tui" in line
    assert dump_db(db) == before


# --- no patient data in messages ------------------------------------------------------------

def test_an_import_error_names_the_mrn_but_not_the_patient(ward, tmp_path):
    doc = json.loads(EXAMPLE.read_text())
    doc["patients"][0]["dob"] = "2030-01-01"
    doc["patients"][0]["pumps"][0]["refills"][0]["volume_ml"] = 999
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    r = run_cli(ward, "import", str(bad))
    assert r.code == 1 and "A1001: dob" in r.err and "A1001: pumps[0].refills[0].volume_ml" in r.err
    name = doc["patients"][0]["name"]
    for part in [name] + [w.strip(",") for w in name.split()]:
        assert part not in r.err and part not in r.out


def test_store_files_and_backups_are_owner_only(ward, tmp_path):
    db = ward / "ward.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert run_cli(ward, "backup", str(tmp_path)).code == 0
    for f in tmp_path.glob("itb-tui-backup-*"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert os.stat(db).st_uid == os.getuid()


# --- the interactive password prompt (a real terminal) -----------------------------------------

def _run_in_terminal(data_dir: Path, argv: list[str], answers: list[bytes], timeout: float = 60) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as its controlling terminal (getpass reads
    /dev/tty), answering each prompt in turn. Returns (exit status, everything shown)."""
    import pty
    import select
    import signal
    import time

    from cli_runner import env_for

    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the CLI
        os.execve(sys.executable, [sys.executable, "-m", "itb_tui", *argv], env_for(data_dir))
    shown, pending, answered_at = b"", list(answers), 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal: it has exited
                break
            if not chunk:
                break
            shown += chunk
            # a NEW prompt since the last answer (not the newline echoed after it)
            if pending and shown[answered_at:].rstrip().endswith(b":"):
                os.write(fd, pending.pop(0))
                answered_at = len(shown)
    status = None
    for _ in range(100):  # it closed the terminal as it exits: give it a moment to finish
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:  # still waiting for input after all: never hang the test suite
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


def test_user_add_asks_for_the_password_twice_without_echoing_it(data_dir):
    code, shown = _run_in_terminal(data_dir, ["user", "add", "ada", "--role", "admin"],
                                   [b"correct horse battery\n", b"correct horse battery\n"])
    assert code == 0, shown
    assert "New password for ada:" in shown and "Type it again:" in shown
    assert "correct horse battery" not in shown  # never echoed
    assert "user ada added (roles: admin)" in shown


def test_two_different_passwords_at_the_prompt_change_nothing(data_dir):
    code, shown = _run_in_terminal(data_dir, ["user", "add", "ada", "--role", "admin"],
                                   [b"correct horse battery\n", b"correct horse batterx\n"])
    assert code == 1 and "the two passwords differ: nothing was changed" in shown
    assert "no users yet" in run_cli(data_dir, "user", "list").out


# --- the same commands on a PostgreSQL store (when a server is configured) -----------------------

@pytest.fixture
def pg_url(pg_own_schema):
    base = os.environ.get("ITB_TUI_TEST_PG_URL")
    if not base:
        pytest.skip("needs ITB_TUI_TEST_PG_URL")
    with pg_own_schema(base, "itb_cli") as url:
        yield url


def test_the_admin_commands_work_on_postgresql(data_dir, pg_url, tmp_path):
    from cli_runner import env_for

    env = env_for(data_dir, ITB_TUI_DB=pg_url)
    assert run_cli(data_dir, "import", str(EXAMPLE), env=env).code == 0
    r = run_cli(data_dir, "user", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD, env=env)
    assert r.code == 0, r.err
    r = run_cli(data_dir, "check", env=env)
    assert r.code == 0 and "database: ok" in r.out and "audit trail: ok" in r.out, r.out + r.err
    r = run_cli(data_dir, "backup", str(tmp_path / "ward.dump"), env=env)
    assert r.code == 0, r.err
    assert stat.S_IMODE((tmp_path / "ward.dump").stat().st_mode) == 0o600
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.begin() as conn:  # as the tables' owner (the app role has no UPDATE on audit)
        conn.execute(text("GRANT UPDATE ON audit TO CURRENT_USER"))
        conn.execute(text("UPDATE audit SET actor = 'someone else' WHERE id = 2"))
    engine.dispose()
    r = run_cli(data_dir, "audit", "verify", env=env)
    assert r.code == 1 and "BROKEN at entry 2" in r.out
    assert "itb_test:" not in r.out + r.err  # never the password


def test_once_an_admin_exists_user_management_needs_an_admins_password(data_dir):
    """Issue 14: anyone who can write the store file could otherwise `user add --role admin`."""
    assert run_cli(data_dir, "user", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD).code == 0
    db = data_dir / "ward.db"
    before = dump_db(db)
    line = _one_error(run_cli(data_dir, "user", "add", "mallory", "--role", "admin", "--password-stdin",
                              stdin=PASSWORD))
    assert "user management needs an admin's password (give --admin NAME)" in line
    assert dump_db(db) == before
    r = run_cli(data_dir, "user", "add", "mallory", "--role", "admin", "--password-stdin", "--admin", "ada",
                stdin=b"a wrong guess here\n" + PASSWORD)
    assert r.code == 1 and "wrong user name or password" in r.err
    assert "mallory" not in run_cli(data_dir, "user", "list").out
    for command in (["disable", "ada"], ["password", "ada", "--password-stdin"]):
        assert run_cli(data_dir, "user", *command, stdin=PASSWORD).code == 1
