"""The ward file is read by the command line too: it must not pull in the UI or the database."""

from __future__ import annotations

import subprocess
import sys


def test_wardfile_and_demo_import_neither_textual_nor_sqlalchemy():
    code = (
        "import sys, itb_tui.wardfile, itb_tui.demo; "
        "print(sorted(m for m in ('textual', 'sqlmodel', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
