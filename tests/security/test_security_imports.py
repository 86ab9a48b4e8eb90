"""The security core stays pure: importing it pulls in no UI and no database library,
and the command line's audit actor is the operating-system user."""

from __future__ import annotations

import subprocess
import sys

from itb_tui.security.actors import os_actor


def test_importing_the_security_core_loads_no_textual_or_sqlalchemy():
    code = (
        "import sys, itb_tui.security; "
        "import itb_tui.security.passwords, itb_tui.security.roles, "
        "itb_tui.security.audit_chain, itb_tui.security.lockout, itb_tui.security.session; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sqlalchemy', 'sqlmodel'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_command_line_writes_are_recorded_as_the_os_user(monkeypatch):
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LOGNAME", "wardclerk")
    assert os_actor() == "os:wardclerk"


def test_an_os_user_without_a_name_is_recorded_by_uid(monkeypatch):
    import getpass

    def no_name():
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", no_name)
    assert os_actor().startswith("os:uid")
