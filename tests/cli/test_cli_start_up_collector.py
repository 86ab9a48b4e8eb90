"""The cyclic collector is paused while the command line starts (perf/gc_tuning.py,
issue 17): `status` and the FHIR export keep it paused to their end, every other command
runs with it as it was (the app and the listener run for hours), and main() leaves it as
it found it."""

from __future__ import annotations

import gc

import pytest

from itb_tui.cli import entry


@pytest.fixture
def private_dirs(tmp_path, monkeypatch):
    for name in ("ITB_TUI_DB", "ITB_TUI_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ITB_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("ITB_TUI_TODAY", "2026-11-10")


@pytest.mark.parametrize("command, collector_on", [("status", False), ("export fhir", False), ("show", True),
                                                    ("check", True), ("export csv", True)])
def test_only_status_and_the_fhir_export_run_with_the_collector_paused(command, collector_on, private_dirs,
                                                                     monkeypatch):
    seen = []
    monkeypatch.setattr(entry, "_command", lambda name: lambda args: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    argv = {"status": ["status", "--json"], "show": ["show", "M1"], "check": ["check"],
            "export fhir": ["export", "--format", "fhir", "-o", "ward.json"],
            "export csv": ["export", "--format", "csv"]}[command]
    assert entry.main(argv) == 0
    assert seen == [collector_on]
    assert gc.isenabled()  # as main() found it


def test_the_collector_is_restored_after_help_errors_and_failures(private_dirs, capsys):
    for argv in (["--help"], ["nonsense"], ["status", "--only", "x"]):
        with pytest.raises(SystemExit):
            entry.main(argv)
        assert gc.isenabled()
    assert entry.main(["status"]) == 1  # no store there: a clear error, collector back on
    assert gc.isenabled() and "no store at" in capsys.readouterr().err


def test_a_collector_switched_off_before_stays_off(private_dirs, monkeypatch):
    monkeypatch.setattr(entry, "_command", lambda name: lambda args: 0)
    gc.disable()
    try:
        entry.main(["show", "M1"])
        assert not gc.isenabled()
    finally:
        gc.enable()
