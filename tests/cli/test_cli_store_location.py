"""A named store that does not exist is refused, never created empty (issue 13): a
mistyped `--db` used to open a new, empty store, a ward that looks empty. Only the
default store and the demo store are created on first use; `init` and `--create`
create a named one on purpose."""

from __future__ import annotations

import argparse

import pytest

from cli_runner import dump_db, env_for, run_cli


def test_the_app_refuses_a_db_path_where_no_store_is(data_dir, tmp_path):
    typo = tmp_path / "wrad.db"
    r = run_cli(data_dir, "--db", str(typo), timeout=60)
    assert r.code == 1
    assert r.err_lines == [
        f"itb-tui: error: no store at {typo} (nothing was created): check the path, or create a new "
        f"store with `itb-tui init --db {typo}` (or `itb-tui --db {typo} --create`)"]
    assert not typo.exists()
    assert list(tmp_path.iterdir()) == [data_dir]  # nothing else created either


def test_the_app_refuses_itb_tui_db_naming_a_missing_store(data_dir, tmp_path):
    typo = tmp_path / "wrad.db"
    r = run_cli(data_dir, env=env_for(data_dir, ITB_TUI_DB=str(typo)), timeout=60)
    assert r.code == 1 and f"no store at {typo}" in r.err
    assert not typo.exists()


def test_init_creates_an_empty_store_the_app_and_status_then_open(data_dir, tmp_path):
    db = tmp_path / "site" / "ward.db"
    db.parent.mkdir()
    r = run_cli(data_dir, "init", "--db", str(db))
    assert r.code == 0, r.err
    assert r.out.splitlines() == [f"new store created: {db}",
                                  f"open it with `itb-tui --db {db}` to create its first account"]
    assert db.exists()
    status = run_cli(data_dir, "--db", str(db), "status")
    assert status.code == 0, status.err


def test_init_refuses_an_existing_store_and_changes_nothing(data_dir, tmp_path):
    db = tmp_path / "ward.db"
    assert run_cli(data_dir, "--db", str(db), "init").code == 0  # --db before the command works too
    before = dump_db(db)
    r = run_cli(data_dir, "init", "--db", str(db))
    assert r.code == 1
    assert r.err_lines == [f"itb-tui: error: a store already exists at {db}: nothing was changed"]
    assert dump_db(db) == before


@pytest.mark.parametrize(("db", "create", "demo", "refused"), [
    ("named.db", False, False, True),
    ("named.db", True, False, False),  # --create: asked for
    (None, False, False, False),  # the default store is created on first use
    (None, False, True, False),  # so is the demo store
])
def test_which_missing_stores_the_app_refuses(tmp_path, monkeypatch, db, create, demo, refused):
    from itb_tui.cli import common, entry  # the cli package split (main 0f08352)

    monkeypatch.setenv("ITB_TUI_DATA_DIR", str(tmp_path / "data"))
    args = argparse.Namespace(db=str(tmp_path / db) if db else None, create=create, demo=demo)
    url = common._url(args)
    if refused:
        with pytest.raises(common.CliError, match="no store at"):
            entry._refuse_missing_named_store(args, url)
    else:
        entry._refuse_missing_named_store(args, url)
