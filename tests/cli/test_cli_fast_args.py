"""The plainest `status` command line is read without argparse (cli/fast_args.py, issue 17).
Whatever it reads must be what argparse reads; whatever it does not read goes to argparse,
so help texts and usage errors stay argparse's own."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itb_tui.cli import build_parser
from itb_tui.cli.entry import EXPORT_FORMATS, LOG_LEVEL_CHOICES, ONLY_CHOICES
from itb_tui.cli.fast_args import status_args


def _fast(argv):
    return status_args(argv, log_levels=LOG_LEVEL_CHOICES, only_choices=ONLY_CHOICES,
                       export_formats=EXPORT_FORMATS)


def _argparse(argv):
    """vars() of argparse's namespace, or None where argparse stops (help, usage error)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return vars(build_parser().parse_args(argv))
        except SystemExit:
            return None


READ_FAST = [
    ["status"], ["status", "--json"], ["--db", "ward.db", "status", "--json"],
    ["--db", "status", "status"], ["--db", "", "status"], ["--demo", "--create", "status"],
    ["--log-level", "debug", "status"], ["--config", "c.toml", "--log-level", "Error", "status", "--json"],
    ["status", "--json", "--ward", "A", "--mrn", "M1", "--only", "due", "--as-of", "2026-11-25"],
    ["status", "--ward", "A", "--ward", "B"], ["status", "--as-of", "+3d", "--json", "--json"],
    ["--db", "a.db", "--db", "b.db", "status", "--ward", "status"],
    ["export"], ["--db", "w.db", "export", "--format", "fhir", "-o", "out.json"],
    ["export", "-f", "csv", "--output", "x.csv", "--ward", "A", "--only", "due", "--as-of", "+1d"],
    ["export", "--format", "fhir", "--bundle", "transaction", "--mrn", "M1"],
    ["export", "--format", "ics", "--with-names", "-o", ""], ["export", "-o", "a", "-o", "b"],
]
LEFT_TO_ARGPARSE = [
    [], ["--help"], ["-h"], ["status", "--help"], ["--version"], ["show", "M1"], ["stat"], ["statu"],
    ["status", "--js"], ["--d", "x", "status"], ["--db=x", "status"], ["status", "--ward=A"],
    ["status", "--only", "nonsense"], ["--log-level", "loud", "status"], ["status", "--as-of", "-2d"],
    ["status", "--ward", "-5"], ["status", "--ward"], ["--db"], ["status", "--db", "x"], ["--json", "status"],
    ["status", "extra"], ["status", "--"], ["--", "status"], ["status", "-"], ["status", "--only", "DUE"],
    ["export", "--help"], ["export", "--format", "pdf"], ["export", "-fcsv"], ["export", "-o", "-"],
    ["export", "--output=x"], ["export", "--form", "csv"], ["export", "--bundle", "batch"],
    ["export", "--json"], ["export", "x.csv"], ["export", "--with-names", "yes"],
]


@pytest.mark.parametrize("argv", READ_FAST, ids=" ".join)
def test_what_it_reads_is_what_argparse_reads(argv):
    fast = _fast(argv)
    assert fast is not None and vars(fast) == _argparse(argv)


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE, ids=lambda a: " ".join(a) or "(nothing)")
def test_anything_else_is_left_to_argparse(argv):
    assert _fast(argv) is None


WORDS = st.sampled_from([
    "status", "show", "export", "--db", "--demo", "--create", "--config", "--log-level", "--version", "-h",
    "--help", "--json", "--as-of", "--ward", "--mrn", "--only", "--js", "--d", "--db=x", "--ward=A", "--",
    "-", "-2d", "-5", "", "x", "A", "due", "blocked", "caution", "DUE", "info", "debug", "loud", "+3d",
    "--format", "-f", "--output", "-o", "--bundle", "--with-names", "csv", "fhir", "ics", "pdf",
    "transaction", "collection", "-fcsv", "--form",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(WORDS, max_size=8))
def test_on_any_command_line_it_agrees_with_argparse_or_steps_aside(argv):
    fast = _fast(argv)
    if fast is not None:
        assert vars(fast) == _argparse(argv)


@pytest.mark.parametrize("command", [["status", "--json"], ["export", "--format", "csv", "-o", "x.csv"]],
                         ids=["status", "export"])
def test_the_status_command_runs_without_importing_argparse(tmp_path, command):
    """The point of it: `status` and `export` no longer pay for argparse (and gettext, locale)."""
    import os
    import subprocess
    import sys

    code = (f"import sys, itb_tui.cli.entry as e; e.main(['--db', sys.argv[1], *{command!r}]);"
            "print(sorted(m for m in ('argparse', 'gettext') if m in sys.modules))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ITB_TUI_")}
    env.update(ITB_TUI_DATA_DIR=str(tmp_path), XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), ITB_TUI_TODAY="2026-11-10")
    missing = tmp_path / "none.db"
    r = subprocess.run([sys.executable, "-c", code, str(missing)], env=env, capture_output=True, text=True)
    assert r.stdout.strip().splitlines()[-1] == "[]", r.stderr
    assert "no store at" in r.stderr  # the command ran (and refused the missing store) as before
