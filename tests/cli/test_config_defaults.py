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


def test_the_documented_example_is_a_valid_file_and_every_binding_is_listed(tmp_path):
    import os
    import re
    from pathlib import Path

    from itb_tui.config import bindings, load_config

    doc = (Path(__file__).resolve().parents[2] / "docs" / "config.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")
    os.chmod(path, 0o600)
    site = load_config(str(path), environ={})
    assert site.hospital_name == "St Elsewhere General" and site.idle_lock_s == 300
    assert site.keymap == {"ward.filter": "f,slash", "detail.back": "escape,backspace"}
    for bid, keys in bindings.DEFAULT_KEYS.items():
        assert f"| `{bid}` | `{keys}` |" in doc
    for spec in settings.SPECS:
        assert f"| `{spec.name}` |" in doc


def test_the_files_write_wait_reaches_the_store_unless_the_environment_sets_one(tmp_path, monkeypatch):
    import argparse
    import os

    from itb_tui.cli.site import start
    from itb_tui.store.connect import write_wait_s

    path = tmp_path / "c.toml"
    path.write_text("[store]\nwrite_wait_seconds = 7\n", encoding="utf-8")
    os.chmod(path, 0o600)
    monkeypatch.delenv("ITB_TUI_WRITE_WAIT_S", raising=False)
    start(argparse.Namespace(config=str(path), log_level=None, command="status"))
    assert write_wait_s() == 7.0
    monkeypatch.setenv("ITB_TUI_WRITE_WAIT_S", "3")
    start(argparse.Namespace(config=str(path), log_level=None, command="status"))
    assert write_wait_s() == 3.0
