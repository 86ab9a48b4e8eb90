"""Reading the site configuration (itb_tui/config/): every bad file is refused whole with
one line naming the file, the setting and why; a good one gives each value with where
it came from. In-process (pure reading); tests/cli/test_config_cli.py drives the command."""

from __future__ import annotations

import os

import pytest

from itb_tui.config import ConfigError, load_config
from itb_tui.config.log_file import redact_url


def _write(tmp_path, text: str, mode: int = 0o600):
    d = tmp_path / "cfg"
    d.mkdir(exist_ok=True)
    os.chmod(d, 0o700)
    path = d / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, mode)
    return path


FULL = '''
[site]
hospital_name = "St Elsewhere General"
mrn_system = "urn:oid:1.2.826.0.1.3680043.2.1"

[ui]
theme = "itb-high-contrast"
idle_lock_minutes = 5

[listener]
host = "0.0.0.0"
port = 12575

[store]
write_wait_seconds = 120

[log]
level = "debug"

[keys]
ward.filter = "f,slash"
"detail.back" = "escape,backspace"
'''


def test_every_setting_is_read_with_its_source(tmp_path):
    path = _write(tmp_path, FULL)
    site = load_config(str(path), environ={})
    assert (site.hospital_name, site.mrn_system) == ("St Elsewhere General", "urn:oid:1.2.826.0.1.3680043.2.1")
    assert (site.theme, site.idle_lock_s) == ("itb-high-contrast", 300)
    assert (site.listener_host, site.listener_port, site.write_wait_s, site.log_level) == ("0.0.0.0", 12575, 120, "DEBUG")
    assert site.keymap == {"ward.filter": "f,slash", "detail.back": "escape,backspace"}
    assert {s.where() for s in site.settings.values()} == {f"file {path}"}
    assert site.keys["ward.sort"].where() == "default"


def test_no_file_at_the_default_place_means_every_default(tmp_path):
    site = load_config(environ={"XDG_CONFIG_HOME": str(tmp_path / "nothing")})
    assert not site.found and site.path == tmp_path / "nothing" / "itb-tui" / "config.toml"
    assert (site.mrn_system, site.listener_host, site.listener_port, site.idle_lock_s) == (
        "urn:itb-tui:mrn", "127.0.0.1", 2575, 600)
    assert {s.source for s in site.settings.values()} == {"default"}


def test_option_beats_environment_beats_file(tmp_path):
    path = _write(tmp_path, '[log]\nlevel = "ERROR"\n[ui]\nidle_lock_minutes = 5\n')
    site = load_config(environ={"ITB_TUI_CONFIG": str(path), "ITB_TUI_LOG_LEVEL": "warning",
                                "ITB_TUI_LOCK_AFTER": "120"})
    assert site.path_source == "env ITB_TUI_CONFIG"
    assert site.settings["log.level"].where() == "env ITB_TUI_LOG_LEVEL" and site.log_level == "WARNING"
    assert site.settings["ui.idle_lock_minutes"].where() == "env ITB_TUI_LOCK_AFTER" and site.idle_lock_s == 120
    site = load_config(str(path), log_level="debug", environ={"ITB_TUI_LOG_LEVEL": "warning"})
    assert site.settings["log.level"].where() == "option --log-level" and site.log_level == "DEBUG"


def test_a_bad_lock_variable_never_loosens_the_files_lock(tmp_path):
    path = _write(tmp_path, "[ui]\nidle_lock_minutes = 2\n")
    site = load_config(str(path), environ={"ITB_TUI_LOCK_AFTER": "soon"})
    assert site.idle_lock_s == 120 and "ITB_TUI_LOCK_AFTER='soon'" in site.notes[0]


# (file content, words the one-line refusal must hold after the path)
BAD_FILES = [
    ("[site\nhospital_name = 1", "not valid TOML"),
    ('hospital_name = "x"', "unknown section or setting 'hospital_name'"),
    ("[colours]\nred = 1", "unknown section or setting 'colours'"),
    ("[ui]\nthem = 'textual-light'", "unknown setting ui.them"),
    ("ui = 3", "ui must be a table"),
    ("[ui]\ntheme = 'blue'", "ui.theme 'blue' is not a theme of the app"),
    ("[ui]\nidle_lock_minutes = 0", "ui.idle_lock_minutes must be 1 to 60 minutes, not 0"),
    ("[ui]\nidle_lock_minutes = 600", "ui.idle_lock_minutes must be 1 to 60 minutes, not 600"),
    ("[ui]\nidle_lock_minutes = '10'", "ui.idle_lock_minutes must be a whole number of minutes, not text"),
    ("[ui]\nidle_lock_minutes = true", "must be a whole number of minutes, not true/false"),
    ("[ui]\nidle_lock_minutes = 2.5", "must be a whole number of minutes, not a number (2.5)"),
    ("[listener]\nport = 70000", "listener.port must be 1 to 65535"),
    ("[listener]\nport = 0", "listener.port must be 1 to 65535"),
    ("[listener]\nport = '2575'", "listener.port must be a whole number"),
    ("[listener]\nhost = 'not a host!'", "listener.host 'not a host!' is neither an IP address nor a host name"),
    ("[site]\nmrn_system = 'hospital mrn'", "site.mrn_system 'hospital mrn' is not a URI"),
    ("[site]\nmrn_system = 'urn:oid:1.2.x'", "is not an OID URI"),
    ("[site]\nhospital_name = ''", "site.hospital_name must not be empty"),
    ('[site]\nhospital_name = "St\\nElsewhere"', "holds a control character"),
    ("[store]\nwrite_wait_seconds = -1", "store.write_wait_seconds must be 0 to 3600 seconds"),
    ("[log]\nlevel = 'chatty'", "log.level 'chatty' is not a log level"),
    ("[keys]\nward.filtre = 'f'", "keys.ward.filtre: no binding has this id"),
    ("[keys]\n'ward.filter' = 3", "keys.ward.filter must be text in quotes"),
    ("[keys]\nward.filter = ''", "keys.ward.filter: give one or more keys"),
    ("[keys]\nward.filter = 'ctlr+f'", "keys.ward.filter: 'ctlr+f' is not a key"),
    # Safety: a key nobody may take, a back / lock that keeps its key, no silent shadowing.
    ("[keys]\nward.sort = 'escape'", "keys.ward.sort: escape is a safety key (back / cancel on every screen)"),
    ("[keys]\ndetail.refill = 'ctrl+l'", "keys.detail.refill: ctrl+l is a safety key (lock the screen)"),
    ("[keys]\nform.save = 'tab'", "keys.form.save: tab is a safety key"),
    ("[keys]\ndetail.back = 'backspace'", "keys.detail.back: a safety binding keeps its key escape"),
    ("[keys]\napp.lock = 'ctrl+k'", "keys.app.lock: a safety binding keeps its key ctrl+l"),
    ("[keys]\nward.sort = 'b'", "keys.ward.sort: b is already the key of ward.blocked"),
    ("[keys]\nward.sort = 'q'", "keys.ward.sort: q is already the key of app.quit"),
    ("[keys]\nward.sort = 'j'", "keys.ward.sort: j is already a key of the ward screen"),
    ("[keys]\napp.today = 'r'", "keys.app.today: r is already the key of detail.refill"),
    ("[keys]\nward.sort = 'o'\nward.due = 'o'", "is already the key of ward."),
]


@pytest.mark.parametrize("text, why", BAD_FILES, ids=[w[:40] for _, w in BAD_FILES])
def test_a_bad_file_is_refused_in_one_line_naming_file_and_setting(tmp_path, text, why):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(str(path), environ={})
    message = str(err.value)
    assert str(path) in message and why in message, message
    assert "\n" not in message


def test_a_named_file_that_is_missing_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="no configuration file at .*missing.toml"):
        load_config(str(tmp_path / "missing.toml"), environ={})
    with pytest.raises(ConfigError, match="no configuration file"):
        load_config(environ={"ITB_TUI_CONFIG": str(tmp_path / "missing.toml")})


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_a_file_others_can_write_is_refused(tmp_path, mode):
    path = _write(tmp_path, "[ui]\nidle_lock_minutes = 60\n", mode)
    with pytest.raises(ConfigError, match=r"can be written by other users \(mode 0"):
        load_config(str(path), environ={})


def test_a_file_others_can_read_is_fine(tmp_path):
    path = _write(tmp_path, "[ui]\nidle_lock_minutes = 5\n", 0o644)
    assert load_config(str(path), environ={}).idle_lock_s == 300


def test_a_directory_others_can_write_is_refused(tmp_path):
    path = _write(tmp_path, "[ui]\nidle_lock_minutes = 60\n")
    os.chmod(path.parent, 0o777)
    with pytest.raises(ConfigError, match="configuration directory .* can be written by other users"):
        load_config(str(path), environ={})


def test_a_link_to_a_file_others_can_write_is_refused(tmp_path):
    real = _write(tmp_path, "[ui]\nidle_lock_minutes = 60\n", 0o666)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    with pytest.raises(ConfigError, match="can be written by other users"):
        load_config(str(link), environ={})


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_file_of_another_user_is_refused(tmp_path):
    path = _write(tmp_path, "[ui]\nidle_lock_minutes = 60\n")
    os.chown(path, 12345, 12345)
    with pytest.raises(ConfigError, match=r"belongs to another user \(uid 12345\)"):
        load_config(str(path), environ={})


def test_store_urls_lose_their_password_in_the_log():
    assert redact_url("postgresql+psycopg://ward:s3cret@db.example:5432/itb") == \
        "postgresql+psycopg://ward:***@db.example:5432/itb"
    assert redact_url("sqlite:////var/itb/ward.db") == "sqlite:////var/itb/ward.db"
