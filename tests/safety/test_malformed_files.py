"""Every malformed file of the corpus (malformed_corpus.py) is rejected cleanly by
`itb-tui import`: a non-zero exit, one clear message naming the file (never "internal
error", never a traceback), and the store exactly as it was (every row of every table,
the audit trail included). The number of cases that pass is the figure in
docs/reliability.md ("Malformed import files rejected cleanly"); reproduce it with

    .venv/bin/python -m pytest -q tests/safety/test_malformed_files.py
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from malformed_corpus import CASES, TODAY, _j, _ward  # noqa: E402


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def ward_store(tmp_path_factory):
    """A store holding one good import, made once; each case works on a copy."""
    import os

    from itb_tui.cli.entry import main

    base = tmp_path_factory.mktemp("malformed")
    good = base / "good.json"
    good.write_bytes(_j(_ward()))
    os.environ["ITB_TUI_TODAY"] = TODAY
    try:
        assert main(["--db", str(base / "ward.db"), "import", str(good)]) == 0
    finally:
        os.environ.pop("ITB_TUI_TODAY", None)
    return base / "ward.db"


def test_the_corpus_is_large_and_its_ids_unique():
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 73


@pytest.mark.parametrize("case, data", CASES, ids=[c[0] for c in CASES])
def test_a_malformed_file_is_rejected_cleanly(case, data, ward_store, tmp_path, monkeypatch, capsys):
    from itb_tui.cli.entry import main
    from itb_tui.store.backup import copy_sqlite

    monkeypatch.setenv("ITB_TUI_TODAY", TODAY)
    (tmp_path / "store").mkdir(mode=0o700)
    db = copy_sqlite(ward_store, tmp_path / "store" / "ward.db")
    before = _dump(db)
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(data)
    capsys.readouterr()
    code = main(["--db", str(db), "import", str(bad)])
    out, err = capsys.readouterr()
    assert code != 0, f"accepted: {out}"
    assert err.startswith("itb-tui: error: ") and str(bad) in err.splitlines()[0], err[:500]
    assert "internal error" not in err and "Traceback" not in err, err[:500]
    assert len(err) < 4000, f"the message is {len(err)} characters long"
    assert _dump(db) == before  # nothing changed, the trail included
