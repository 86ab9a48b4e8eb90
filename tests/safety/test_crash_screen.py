"""A crash shows no patient data (issue 14, item 5): a fault injected into the ward
screen of the real app, in a real pseudo-terminal. The terminal gets one line and the
crash log's path, never Textual's traceback with local variables (a `Patient` is in the
failing function's locals); the log is owner-only and has the traceback without locals;
the exit status is not 0."""

from __future__ import annotations

import os
import pty
import re
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

CHILD = r'''
import sys
from datetime import date
from pathlib import Path

from itb_tui.store import open_store
from itb_tui.ui import app as appmod
from itb_tui.ui.screens import ward

url, name_file = sys.argv[1], Path(sys.argv[2])
TODAY = date(2026, 11, 10)


def boom(self):
    with open_store(url, today=TODAY) as store:
        patient = store.load_patients()[0]  # a Patient in this frame's locals
    name_file.write_text(patient.name)
    raise RuntimeError("injected fault in the ward screen")


ward.WardScreen.on_mount = boom
sys.exit(appmod.run_app(url, today=TODAY, demo=True))
'''


def _run_in_pty(argv, env, timeout=60.0):
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    else:
        proc.kill()
    os.close(master)
    return proc.wait(timeout=10), out.decode("utf-8", "replace")


def test_a_crash_in_a_screen_shows_one_line_and_no_patient(tmp_path):
    data = tmp_path / "data"
    env = dict(os.environ, ITB_TUI_DATA_DIR=str(data), TERM="xterm-256color", COLUMNS="100", LINES="30")
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    name_file = tmp_path / "name.txt"
    code, screen = _run_in_pty([sys.executable, str(script), f"sqlite:///{tmp_path}/demo.db", str(name_file)], env)
    name = name_file.read_text()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    assert code != 0
    assert name and name not in plain and name.split(",")[0] not in plain
    assert "Patient(" not in plain and "Traceback" not in plain and "locals" not in plain
    assert "itb-tui stopped after an internal error" in plain
    logs = list((data / "crash-logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in plain.replace("\r\n", "").replace("\n", "")
    assert stat.S_IMODE(logs[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "crash-logs").stat().st_mode) == 0o700
    log = logs[0].read_text()
    assert "RuntimeError: injected fault in the ward screen" in log and "in boom" in log
    assert name not in log and "Patient(" not in log  # a traceback without local variables
