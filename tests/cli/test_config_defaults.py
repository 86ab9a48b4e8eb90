"""Without a configuration file nothing changes: each default is the constant the code
used before the file existed (so a site that never writes one runs as before)."""

from __future__ import annotations

from itb_tui.config import defaults, settings


def test_defaults_are_the_codes_own_constants():
    from itb_tui.security.lockout import DEFAULT_IDLE_TIMEOUT_S
    from itb_tui.store.connect import DEFAULT_WRITE_WAIT_S

    site = defaults()
    assert site.idle_lock_s == DEFAULT_IDLE_TIMEOUT_S
    assert site.write_wait_s == DEFAULT_WRITE_WAIT_S
    assert (site.listener_host, site.listener_port) == ("127.0.0.1", 2575)
    assert site.mrn_system == "urn:itb-tui:mrn" and site.hospital_name == ""
    assert site.keymap == {}


def test_the_listener_uses_the_same_defaults():
    from itb_tui.cli import results_listen

    assert (results_listen.DEFAULT_HOST, results_listen.DEFAULT_PORT) == (settings.DEFAULT_HOST,
                                                                         settings.DEFAULT_PORT)


def test_reading_the_configuration_never_loads_textual_or_sqlalchemy():
    import subprocess
    import sys

    code = ("import sys; from itb_tui.config import load_config; from itb_tui.config.show import show_text; "
            "show_text(load_config()); "
            "print(sorted(m for m in ('textual', 'sqlalchemy', 'sqlmodel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
