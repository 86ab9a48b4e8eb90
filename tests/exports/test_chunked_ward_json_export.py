"""The ward file (`export --format ward-json`) of a big ward is rendered chunk by chunk on
both cores (cli/chunked.py `ward_json_format`, issue 17): the file and the stdout text a
user gets are byte for byte the one-piece export's (patients in MRN order, every refill),
whatever the chunking and the filters; an unknown ward is the same error either way."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from chunked_ways import WAYS, demo_dir, export_each_way  # noqa: E402,F401 (demo_dir: a fixture)
from cli_runner import env_for, run_cli  # noqa: E402

FILTERS = [(), ("--only", "blocked"), ("--only", "caution"), ("--ward", "Neuro 4B"),
           ("--ward", "Neuro 4B", "--only", "blocked"), ("--as-of", "+40d", "--only", "due")]



@pytest.mark.parametrize("filters", FILTERS)
def test_chunked_ward_file_is_the_one_piece_file(demo_dir, filters):
    files = export_each_way(demo_dir, "ward-json", filters, suffix="json")
    for name, got in files.items():
        assert got == files["one piece"], f"{name}: {filters} differs from the one-piece export"
    ward = json.loads(files["one piece"][0])
    mrns = [p["mrn"] for p in ward["patients"]]
    assert mrns == sorted(mrns)
    assert filters != () or len(mrns) == 60


@pytest.mark.parametrize("filters", [(), ("--only", "blocked")])
def test_chunked_ward_file_to_stdout_is_the_one_piece_text(demo_dir, filters):
    outs = [run_cli(demo_dir, "--demo", "export", "--format", "ward-json", *filters,
                    env=env_for(demo_dir, **extra)) for _, extra in WAYS]
    assert outs[0].code == 0 and outs[0].out.startswith('{\n  "format": ')
    assert all((o.code, o.out, o.err) == (outs[0].code, outs[0].out, outs[0].err) for o in outs)


def test_an_unknown_ward_is_the_same_error_either_way(demo_dir):
    for filters in (("--ward", "No Such Ward"), ("--ward", "No Such Ward", "--only", "due")):
        outs = [run_cli(demo_dir, "--demo", "export", "--format", "ward-json", *filters,
                        env=env_for(demo_dir, **extra)) for _, extra in WAYS]
        assert all((o.code, o.out, o.err) == (outs[0].code, outs[0].out, outs[0].err) for o in outs), filters
