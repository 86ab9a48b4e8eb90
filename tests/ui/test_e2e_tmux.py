"""End to end: the real `itb-tui` binary in a real terminal (tmux), driven by keys.

Why: Pilot tests run the app in-process; this proves the installed command starts, draws
the demo ward in a terminal, answers keys and quits cleanly, as a nurse would use it.
A private tmux server (-L) keeps the test away from any tmux the user runs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

TODAY = "2026-11-25"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _blocked_patient_given_name() -> str:
    """A patient the demo ward shows as BLOCKED today, computed with the real engine."""
    from datetime import date

    from itb_tui.clinical.engine import assess
    from itb_tui.demo import build_demo_ward

    today = date.fromisoformat(TODAY)
    for patient in build_demo_ward(today):
        if assess(patient, today).refill.status == "blocked":
            return patient.name.split(",")[-1].strip()  # "Surname, Given": surnames may repeat
    raise AssertionError("the demo ward has no blocked patient")


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=20,
        )

    def screen(self, session: str) -> str:
        result = self.run("capture-pane", "-p", "-t", session, check=False)
        return result.stdout

    def alive(self, session: str) -> bool:
        return self.run("has-session", "-t", session, check=False).returncode == 0

    def wait_for(self, session: str, *texts: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            if not self.alive(session):
                raise AssertionError(f"itb-tui exited early; last screen:\n{screen}")
            screen = self.screen(session)
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{texts} not on screen after {timeout} s:\n{screen}")


def test_the_real_binary_shows_the_blocked_patient_and_quits(tmp_path):
    binary = Path(sys.executable).parent / "itb-tui"
    assert binary.exists(), f"{binary} is not installed (pip install -e .)"
    name = _blocked_patient_given_name()
    tmux = Tmux(f"itb-e2e-{os.getpid()}")
    session = "itb"
    env = {
        "ITB_TUI_DATA_DIR": str(tmp_path / "data"),
        "ITB_TUI_TODAY": TODAY,
        "TZ": "UTC",
        "TERM": "xterm-256color",
    }
    settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
    # COLUMNS/LINES can leak in from the test run and would pin the app to 80x24.
    command = f"env -u NO_COLOR -u ITB_TUI_DB -u COLUMNS -u LINES {settings} {shlex.quote(str(binary))} --demo"
    try:
        tmux.run("new-session", "-d", "-x", "120", "-y", "36", "-s", session, command)
        tmux.wait_for(session, "shown", "Refill", "DEMO")

        # tmux delivers keys faster than any typist: give "/" a moment to move the focus
        # to the filter box before the name arrives (else the letters reach the list's
        # own keys). Retry if the app was not ready; Esc clears and returns to the list.
        screen = ""
        for _attempt in range(6):
            tmux.run("send-keys", "-t", session, "/")
            time.sleep(0.5)
            tmux.run("send-keys", "-t", session, "-l", name)
            try:
                screen = tmux.wait_for(session, f'filter: "{name}"', timeout=3)
                break
            except AssertionError:
                tmux.run("send-keys", "-t", session, "Escape")
                time.sleep(1.0)
        else:
            raise AssertionError(f"typing the filter never showed on screen:\n{tmux.screen(session)}")
        assert name in screen
        assert "BLOCKED" in screen
        # The list says why, in words: the reason under the status.
        assert any(word in screen for word in ("fungemia", "bacteremia", "CSF infection", "pocket infection", "course incomplete"))

        tmux.run("send-keys", "-t", session, "Enter")  # back to the list, then quit
        time.sleep(0.3)
        tmux.run("send-keys", "-t", session, "q")
        deadline = time.monotonic() + 15
        while tmux.alive(session) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not tmux.alive(session), "itb-tui did not quit on q:\n" + tmux.screen(session)
    finally:
        tmux.run("kill-server", check=False)


def _start(tmux: Tmux, session: str, binary: Path, env: dict[str, str], *args: str) -> None:
    settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
    command = (f"env -u NO_COLOR -u ITB_TUI_DB -u COLUMNS -u LINES {settings} "
               f"{shlex.quote(str(binary))} {' '.join(shlex.quote(a) for a in args)}")
    tmux.run("new-session", "-d", "-x", "120", "-y", "36", "-s", session, command)


def _keys(tmux: Tmux, session: str, *items: str) -> None:
    """Type each item (text, or a key name in <>) with a typist's pause between them: tmux
    delivers a burst faster than any person, and a Tab inside a burst can be lost."""
    for item in items:
        if item.startswith("<") and item.endswith(">"):
            tmux.run("send-keys", "-t", session, item[1:-1])
        else:
            tmux.run("send-keys", "-t", session, "-l", item)
        time.sleep(0.3)


def _quit(tmux: Tmux, session: str) -> None:
    tmux.run("send-keys", "-t", session, "q")
    deadline = time.monotonic() + 15
    while tmux.alive(session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not tmux.alive(session), "itb-tui did not quit on q:\n" + tmux.screen(session)


def test_a_real_store_asks_for_the_first_admin_then_for_a_sign_in(tmp_path):
    """A real (non-demo) store: no patient shows before sign-in; the first start creates
    the admin account; the next start asks for the password and refuses a wrong one."""
    from datetime import date

    from itb_tui.demo import build_demo_ward
    from itb_tui.store import open_store

    binary = Path(sys.executable).parent / "itb-tui"
    assert binary.exists(), f"{binary} is not installed (pip install -e .)"
    db = tmp_path / "ward.db"
    with open_store(f"sqlite:///{db}", today=date.fromisoformat(TODAY)) as store:  # real, not demo
        store.import_patients(build_demo_ward(date.fromisoformat(TODAY)), actor="e2e test")
    env = {"ITB_TUI_DATA_DIR": str(tmp_path / "data"), "ITB_TUI_TODAY": TODAY, "TZ": "UTC",
           "TERM": "xterm-256color"}
    password = "a long synthetic passphrase"
    tmux = Tmux(f"itb-e2e-real-{os.getpid()}")
    session = "itb"
    try:
        _start(tmux, session, binary, env, "--db", str(db))
        screen = tmux.wait_for(session, "First admin account", "has no users yet")
        assert "Testperson" not in screen and "DEMO" not in screen
        time.sleep(0.3)
        _keys(tmux, session, "ward.admin", "<Tab>", password, "<Tab>", password, "<Enter>")
        screen = tmux.wait_for(session, "ward.admin (admin)", "shown", "BLOCKED")
        assert "Testperson" in screen
        time.sleep(0.3)
        _quit(tmux, session)

        _start(tmux, session, binary, env, "--db", str(db))
        screen = tmux.wait_for(session, "Sign in", "ward.db")
        assert "Testperson" not in screen
        time.sleep(0.3)
        # Enter after the name moves on to the password.
        _keys(tmux, session, "ward.admin", "<Enter>", "not the passphrase", "<Enter>")
        tmux.wait_for(session, "Not signed in: wrong user name or password.")
        _keys(tmux, session, password, "<Enter>")
        screen = tmux.wait_for(session, "ward.admin (admin)", "shown", "BLOCKED")
        assert "Testperson" in screen
        time.sleep(0.3)
        _quit(tmux, session)
    finally:
        tmux.run("kill-server", check=False)


def _opened_title(tmux: Tmux, session: str, timeout: float = 20.0) -> str:
    """The opened patient's header line ("Testperson, Tove · D1020 ..."): the first line
    once it names an MRN (the ward list's header never does)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux.screen(session)
        first = screen.splitlines()[0] if screen else ""
        if re.search(r"· (MRN )?D\d{4}", first):  # the title names the MRN (issue 13)
            return first
        time.sleep(0.2)
    raise AssertionError(f"no patient opened after {timeout} s:\n{screen}")


def test_slash_mrn_enter_as_one_burst_opens_that_patient(tmp_path):
    """Issue 13: `/`, an MRN and Enter in ONE send-keys (as a barcode scanner or a laggy
    remote terminal delivers them) open the patient typed, never the one under the
    cursor (Alma): right after start while the list loads, and again once it has loaded."""
    binary = Path(sys.executable).parent / "itb-tui"
    assert binary.exists(), f"{binary} is not installed (pip install -e .)"
    env = {"ITB_TUI_DATA_DIR": str(tmp_path / "data"), "ITB_TUI_TODAY": TODAY, "TZ": "UTC",
           "TERM": "xterm-256color"}
    tmux = Tmux(f"itb-e2e-burst-{os.getpid()}")
    session = "itb"
    try:
        _start(tmux, session, binary, env, "--demo")
        tmux.wait_for(session, "DEMO")  # the first frame: the list may still be loading
        tmux.run("send-keys", "-t", session, "/D1020", "Enter")
        title = _opened_title(tmux, session)
        assert "D1020" in title and "Tove" in title, title

        tmux.run("send-keys", "-t", session, "Escape")
        tmux.wait_for(session, "1 of 27 shown")
        tmux.run("send-keys", "-t", session, "Escape")  # clear the filter: every patient again
        tmux.wait_for(session, "27 of 27 shown")
        tmux.run("send-keys", "-t", session, "/d1019", "Enter")
        title = _opened_title(tmux, session)
        assert "D1019" in title and "Sven" in title, title
        tmux.run("send-keys", "-t", session, "Escape")
        tmux.wait_for(session, "shown")
        time.sleep(0.3)
        _quit(tmux, session)
    finally:
        tmux.run("kill-server", check=False)
