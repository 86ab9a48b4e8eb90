"""Where the stores live: the real ward store and the demo store are different files."""

from __future__ import annotations

from pathlib import Path

from itb_tui.paths import data_dir, resolve_db_url


def test_the_data_dir_comes_from_the_environment_first(monkeypatch, tmp_path):
    monkeypatch.setenv("ITB_TUI_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "d"


def test_then_from_xdg_then_from_home(monkeypatch, tmp_path):
    monkeypatch.delenv("ITB_TUI_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "itb-tui"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".local" / "share" / "itb-tui"


def test_default_store_and_demo_store_are_different_files(monkeypatch, tmp_path):
    monkeypatch.setenv("ITB_TUI_DATA_DIR", str(tmp_path))
    assert resolve_db_url(None, demo=False) == f"sqlite:///{tmp_path}/ward.db"
    assert resolve_db_url(None, demo=True) == f"sqlite:///{tmp_path}/demo.db"


def test_a_bare_path_becomes_an_absolute_sqlite_url(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url("here.db", demo=False) == f"sqlite:///{tmp_path}/here.db"
    assert resolve_db_url("~/x.db", demo=False) == f"sqlite:///{Path.home()}/x.db"


def test_a_url_is_kept_as_given():
    url = "postgresql+psycopg://ward@db.example/itb"
    assert resolve_db_url(url, demo=False) == url


def test_env_names_the_real_store_but_never_the_demo(monkeypatch, tmp_path):
    monkeypatch.setenv("ITB_TUI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ITB_TUI_DB", str(tmp_path / "real.db"))
    assert resolve_db_url(None, demo=False) == f"sqlite:///{tmp_path}/real.db"
    assert resolve_db_url(None, demo=True) == f"sqlite:///{tmp_path}/demo.db"
    assert resolve_db_url(str(tmp_path / "other.db"), demo=False) == f"sqlite:///{tmp_path}/other.db"
