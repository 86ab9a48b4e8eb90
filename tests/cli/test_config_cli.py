"""`itb-tui config show` and a bad configuration as a user meets them: the real command in
a subprocess, the configuration in a private XDG directory (tests/conftest.py gives every
test an empty one)."""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_runner import env_for, run_cli


def _config(tmp_path: Path, text: str) -> Path:
    d = Path(os.environ["XDG_CONFIG_HOME"]) / "itb-tui"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = d / "config.toml"
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return path


def test_config_show_says_every_value_and_where_it_came_from(tmp_path, data_dir):
    path = _config(tmp_path, '[site]\nhospital_name = "St Elsewhere"\n[keys]\nward.filter = "f"\n')
    r = run_cli(data_dir, "--log-level", "warning", "config", "show")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == f"configuration file: {path} (default; read)"
    row = {line.split()[0]: line for line in lines if line.startswith(("site.", "ui.", "listener.", "log.", "keys."))}
    assert row["site.hospital_name"].split(None, 1)[1].startswith('"St Elsewhere"')
    assert row["site.hospital_name"].endswith(f"file {path}")
    assert row["site.mrn_system"].split()[1:] == ['"urn:itb-tui:mrn"', "default"]
    assert row["listener.port"].split()[1:] == ["2575", "default"]
    assert row["log.level"].split()[1:] == ['"WARNING"', "option", "--log-level"]
    assert row["keys.ward.filter"].split()[1:] == ['"f"', "file", str(path)]
    assert row["keys.ward.sort"].split()[1:] == ['"s"', "default"]


def test_config_show_json(tmp_path, data_dir):
    other = tmp_path / "other.toml"
    other.write_text("[listener]\nport = 12575\n", encoding="utf-8")
    os.chmod(other, 0o600)
    r = run_cli(data_dir, "config", "show", "--json", "--config", str(other),
                env=env_for(data_dir, ITB_TUI_LOCK_AFTER="300"))
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["format"] == "itb-config-show/1"
    assert doc["file"] == {"path": str(other), "source": "option --config", "found": True}
    assert doc["settings"]["listener.port"] == {"value": 12575, "source": "file", "origin": str(other)}
    assert doc["settings"]["ui.idle_lock_minutes"] == {"value": 5, "source": "env", "origin": "ITB_TUI_LOCK_AFTER"}
    assert doc["keys"]["app.lock"] == {"value": "ctrl+l", "source": "default", "origin": None}


@pytest.mark.parametrize("command", [["config", "show"], ["status"], ["--demo"], ["--demo", "results", "listen"]])
def test_a_bad_file_stops_every_command_before_it_starts(tmp_path, data_dir, command):
    path = _config(tmp_path, "[listener]\nport = 99999\n")
    r = run_cli(data_dir, *command, timeout=60)
    assert r.code == 1
    assert r.err_lines == [f"itb-tui: error: configuration {path}: listener.port must be 1 to 65535 "
                           "(a TCP port), not 99999; nothing was started"]
    assert "Traceback" not in r.err and r.out == ""
    assert not (data_dir / "demo.db").exists()  # nothing was started: not even the demo store


def test_bad_toml_is_one_line_too(tmp_path, data_dir):
    path = _config(tmp_path, "[ui\ntheme = 'textual-light'\n")
    r = run_cli(data_dir, "config", "show")
    assert r.code == 1 and len(r.err_lines) == 1 and "Traceback" not in r.err
    assert r.err_lines[0].startswith(f"itb-tui: error: configuration {path}: not valid TOML: ")


def test_a_group_writable_file_is_refused(tmp_path, data_dir):
    path = _config(tmp_path, "[ui]\nidle_lock_minutes = 60\n")
    os.chmod(path, 0o664)
    r = run_cli(data_dir, "config", "show")
    assert r.code == 1
    assert r.err_lines == [f"itb-tui: error: configuration refused: the configuration file {path} can be "
                           f"written by other users (mode 0664): run `chmod go-w {path}` if you trust it; "
                           "nothing was started"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_line(proc) -> str:
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if sel.select(timeout=0.5):
            return proc.stdout.readline().decode()
    return ""


@pytest.mark.parametrize("flag", [False, True])
def test_results_listen_takes_its_port_from_the_file_unless_told(tmp_path, data_dir, flag):
    port, other = _free_port(), _free_port()
    _config(tmp_path, f"[listener]\nport = {port}\n")
    extra = ["--port", str(other)] if flag else []
    assert run_cli(data_dir, "demo").code == 0  # a store to listen for
    proc = subprocess.Popen([sys.executable, "-m", "itb_tui", "--demo", "results", "listen", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(data_dir))
    try:
        line = _listening_line(proc)
        assert line.startswith(f"listening on 127.0.0.1:{other if flag else port} "), line
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def test_the_site_mrn_system_names_the_patients_in_the_fhir_export(tmp_path, data_dir):
    """The export's MRN identifier is the site's (issue 15 item 5), not the fixed default,
    so a receiving system can tell one hospital's MRNs from another's."""
    _config(tmp_path, '[site]\nmrn_system = "https://example.org/fhir/mrn"\n')
    out = tmp_path / "ward.fhir.json"
    r = run_cli(data_dir, "--demo", "export", "--format", "fhir", "-o", str(out))
    assert r.code == 0, r.err
    bundle = json.loads(out.read_text(encoding="utf-8"))
    patients = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patients
    systems = {i["system"] for p in patients for i in p["identifier"] if i.get("value", "").startswith("D1")}
    assert systems == {"https://example.org/fhir/mrn"}
