"""`status --json` of a big ward is read, assessed and rendered in MRN-range chunks, on
both cores (cli/chunked.py): a user must get the very bytes of the one-piece report,
whatever the chunking, the number of processes, the filters, or the date."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from cli_runner import env_for, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "exports"))
import chunked_ways  # noqa: E402

# The ways every chunked output is compared (tests/exports/chunked_ways.py: the one-piece
# path, chunks of 7 in one process and on two processes), and one chunk per share. The
# 60-patient demo store is that module's `demo_dir` fixture.
demo_dir = chunked_ways.demo_dir


def _outputs(data_dir: Path, *args: str) -> dict[str, tuple[int, str, str]]:
    return chunked_ways.run_each_way(data_dir, *args, ways=chunked_ways.WAYS_AND_ONE_CHUNK_PER_SHARE)


@pytest.mark.parametrize("args", [
    ("status", "--json"),
    ("status", "--json", "--only", "blocked"),
    ("status", "--json", "--only", "due"),
    ("status", "--json", "--as-of", "+40d"),
    ("status", "--json", "--ward", "Neuro 4B"),
    ("status", "--json", "--ward", "No such ward"),  # the same error, whichever path
])
def test_chunked_status_json_is_the_one_piece_bytes_on_the_demo_store(demo_dir, args):
    outs = _outputs(demo_dir, "--demo", *args)
    reference = outs["one piece"]
    if args[-1] != "No such ward":
        assert reference[0] == 0 and reference[1].count('"mrn"') > 0, reference[2]
    for name, got in outs.items():
        assert got == reference, f"{name} differs from the one-piece report"


def test_chunked_status_json_is_the_one_piece_bytes_on_a_bench_store(tmp_path, monkeypatch):
    """The bench's synthetic hospital (varied histories), built here at the current schema:
    a cached store could be of an older schema (its upgrade notice would differ by run)."""
    from bench import generate

    monkeypatch.setattr(generate, "CACHE_DIR", tmp_path / "cache")
    built, _ = generate.ensure_store(30)
    db = tmp_path / "bench30.db"
    shutil.copyfile(built, db)
    db.chmod(0o600)
    outs = _outputs(tmp_path, "--db", str(db), "status", "--json")
    assert outs["one piece"][0] == 0 and outs["one piece"][1].count('"mrn"') == 30
    for name, got in outs.items():
        assert got == outs["one piece"], f"{name} differs from the one-piece report"


def test_an_empty_store_reports_no_patients_in_chunks_too(tmp_path):
    db = tmp_path / "empty.db"
    assert run_cli(tmp_path, "--db", str(db), "init").code == 0
    outs = _outputs(tmp_path, "--db", str(db), "status", "--json")
    assert '"patients": []' in outs["one piece"][1]
    assert all(got == outs["one piece"] for got in outs.values())


@pytest.mark.parametrize("args", [("status", "--json"), ("export", "--format", "csv"),
                                  ("export", "--format", "html")])
def test_the_chunked_path_imports_no_orm_and_no_screen(demo_dir, args):
    """The chunked path is for speed: it must not pay for SQLAlchemy, SQLModel or Textual
    (checked in this process, which imported everything its worker used before the fork)."""
    import subprocess
    import sys

    code = ("import sys, os\nfrom itb_tui.cli.entry import main\nsys.stdout = open(os.devnull, 'w')\n"
            f"code = main(['--demo', *{list(args)!r}])\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'textual'))\n"
            "sys.stderr.write(repr((code, bad)))\n")
    env = env_for(demo_dir, ITB_TUI_CHUNK="7", ITB_TUI_WORKERS="2")
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.stderr.strip().endswith("(0, [])"), run.stderr
