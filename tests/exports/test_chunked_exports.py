"""The CSV and HTML exports of a big ward are rendered chunk by chunk on both cores
(cli/chunked.py): the file a user gets is byte for byte the one-piece export's, in MRN
order (CSV) or urgency order (the round sheet), whatever the chunking or the filters."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from chunked_ways import WAYS, demo_dir, export_each_way  # noqa: E402,F401 (demo_dir: a fixture)
from cli_runner import env_for, run_cli  # noqa: E402

# The round sheet says when it was made (to the minute): the one thing two runs may differ in.
GENERATED = re.compile(rb"generated (<span class=\"generated\">)?\d{4}-\d\d-\d\d \d\d:\d\d")



@pytest.mark.parametrize("fmt", ["csv", "html"])
@pytest.mark.parametrize("filters", [(), ("--only", "blocked"), ("--ward", "Neuro 4B"), ("--as-of", "+40d")])
def test_chunked_export_file_is_the_one_piece_file(demo_dir, fmt, filters):
    files = export_each_way(demo_dir, fmt, filters, read=lambda data: GENERATED.sub(b"generated", data))
    reference = files["one piece"]
    assert len(reference[0]) > 1000
    for name, got in files.items():
        assert got == reference, f"{name}: {fmt} {filters} differs from the one-piece export"


def test_chunked_csv_to_stdout_is_the_one_piece_text(demo_dir):
    outs = [run_cli(demo_dir, "--demo", "export", "--format", "csv", env=env_for(demo_dir, **extra))
            for _, extra in WAYS]
    assert outs[0].code == 0 and outs[0].out.count("\r\n") == 61  # header + 60 patients
    assert all((o.code, o.out, o.err) == (outs[0].code, outs[0].out, outs[0].err) for o in outs)


def test_chunked_export_refuses_a_directory_as_the_one_piece_path_does(demo_dir):
    runs = [run_cli(demo_dir, "--demo", "export", "--format", "csv", "-o", str(demo_dir),
                    env=env_for(demo_dir, **extra)) for _, extra in WAYS]
    assert runs[0].code == 1 and "it is a directory" in runs[0].err
    assert all((r.code, r.err) == (runs[0].code, runs[0].err) for r in runs)
