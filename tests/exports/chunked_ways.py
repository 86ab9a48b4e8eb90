"""What every chunked-export test compares (cli/chunked.py, issue 17): the one-piece export,
the chunked path in one process and on two processes, with chunks of 7 so the 60-patient
demo ward spans several chunks and both shares; and that demo ward, built once a module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from cli_runner import env_for, run_cli  # noqa: E402

WAYS = [
    ("one piece", {}),
    ("chunks, one process", {"ITB_TUI_CHUNK": "7", "ITB_TUI_WORKERS": "1"}),
    ("chunks, two processes", {"ITB_TUI_CHUNK": "7", "ITB_TUI_WORKERS": "2"}),
]
# WAYS and one chunk per share: the ward is cut into exactly two shares whatever the
# chunk size (cli/chunked.py), so a chunk larger than the ward gives one chunk to each.
WAYS_AND_ONE_CHUNK_PER_SHARE = [*WAYS, ("one chunk per share", {"ITB_TUI_CHUNK": "1000", "ITB_TUI_WORKERS": "2"})]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A data directory holding a 60-patient demo store (above the chunk size many times)."""
    data_dir = tmp_path_factory.mktemp("chunked-export")
    assert run_cli(data_dir, "demo", "--patients", "60").code == 0
    return data_dir


def export_each_way(data_dir, fmt: str, filters=(), *, store_args=("--demo",), suffix: str | None = None,
                    read=bytes) -> dict[str, tuple]:
    """`export --format fmt -o FILE *filters` run each way of WAYS: name -> (`read` of the
    file's bytes, its stderr with the file's name as "T"). Every run must succeed and its
    last line say it wrote that file."""
    files = {}
    for name, extra in WAYS:
        target = data_dir / f"out-{len(files)}.{suffix or fmt}"
        run = run_cli(data_dir, *store_args, "export", "--format", fmt, "-o", str(target), *filters,
                      env=env_for(data_dir, **extra))
        assert run.code == 0, run.err
        assert run.err_lines[-1].startswith(f"wrote {target}: ") and run.err_lines[-1].endswith(f"({fmt})")
        files[name] = (read(target.read_bytes()), run.err.replace(str(target), "T"))
    return files


def run_each_way(data_dir, *args: str, ways=WAYS) -> dict[str, tuple[int, str, str]]:
    """The command `args` (writing to stdout: `status --json`) run each way of `ways`:
    name -> (exit code, stdout, stderr), to be compared with the one-piece run's."""
    outs = {}
    for name, extra in ways:
        run = run_cli(data_dir, *args, env=env_for(data_dir, **extra))
        outs[name] = (run.code, run.out, run.err)
    return outs
