"""Each command's parser is made only when used (cli/lazy_parsers.py, issue 17): what a user
sees must not change. Every help text, usage error and parsed namespace below is compared
with the parser made the old way (argparse's own `add_parser` for every command, at once)."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from itb_tui.cli import build_parser
from itb_tui.cli.lazy_parsers import LazySubParsers

COMMANDS = ["init", "status", "show", "tasks", "import", "export", "demo", "results", "config",
            "notes", "user", "audit", "check", "backup", "restore"]
NESTED = [["tasks", "defer"], ["results", "import"], ["results", "listen"], ["results", "quarantine"],
          ["results", "quarantine", "list"], ["results", "quarantine", "assign"],
          ["results", "quarantine", "discard"], ["config", "show"], ["user", "add"], ["user", "list"],
          ["user", "disable"], ["user", "password"], ["audit", "verify"]]
ARGVS = (
    [["--help"], ["-h"], []]
    + [[c, "--help"] for c in COMMANDS] + [n + ["--help"] for n in NESTED]
    + [["nonsense"], ["stat"], ["--bogus"], ["--db"], ["--log-level", "loud", "status"],
       ["--lo", "debug", "status"], ["--db=x.db", "status", "--json", "--only", "due"],
       ["status", "--only", "nonsense"], ["status", "--bogus"], ["status", "--as-of"],
       ["show"], ["show", "M1", "--as-of", "+3d"], ["user"], ["audit"], ["user", "add"],
       ["user", "add", "x", "--role", "doctor"], ["user", "add", "ada", "--role", "admin"],
       ["export", "--format", "docx"], ["export", "-f", "csv", "-o", "x.csv", "--ward", "A"],
       ["tasks", "--due", "month"], ["tasks", "defer"], ["tasks", "--json"],
       ["demo", "--patients", "0"], ["demo", "--patients", "12"], ["results", "bogus"],
       ["results", "quarantine", "bogus"], ["config", "bogus"], ["config", "show", "--json"],
       ["notes"], ["notes", "add", "M1", "--text", "hi"], ["backup"], ["restore", "b.db"],
       ["init", "--db", "new.db"], ["--demo", "--create", "st"], ["check"], ["--version"]]
)


def _old_way(self, name, build, *, help):
    """What build_parser did before: argparse's add_parser, arguments added at once."""
    build(argparse._SubParsersAction.add_parser(self, name, help=help))


def _outcome(argv: list[str]):
    parser = build_parser()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            namespace = vars(parser.parse_args(argv))
            code = None
        except SystemExit as exc:
            namespace, code = None, exc.code
    return code, out.getvalue(), err.getvalue(), namespace


@pytest.fixture
def fixed_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_help_usage_errors_and_namespace_are_those_of_the_parser_built_at_once(argv, fixed_width, monkeypatch):
    lazy = _outcome(argv)
    monkeypatch.setattr(LazySubParsers, "add_lazy", _old_way)
    assert lazy == _outcome(argv)


def test_the_top_level_help_lists_every_command_with_its_help(fixed_width):
    code, out, _, _ = _outcome(["--help"])
    assert code == 0
    listed = [line.split()[0] for line in out.split("COMMAND ...\n", 2)[-1].splitlines()
              if line.startswith("    ") and not line.startswith("     ")]
    assert listed == COMMANDS


def test_a_command_builds_only_its_own_parser():
    parser = build_parser()
    parser.parse_args(["status", "--json"])
    (sub,) = [a for a in parser._actions if isinstance(a, LazySubParsers)]
    built = [name for name, value in dict.items(sub._name_parser_map) if isinstance(value, argparse.ArgumentParser)]
    assert built == ["status"]
    sub.build_all()
    assert all(isinstance(p, argparse.ArgumentParser) for p in dict.values(sub._name_parser_map))


@pytest.mark.parametrize("columns", [None, "120", "50", "0", "-3", "wide"])
def test_help_wraps_at_the_width_argparse_would_use(columns, monkeypatch):
    """The help formatter finds the width without importing shutil, by shutil's rule."""
    import shutil

    from itb_tui.cli.lazy_parsers import _columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert _columns() == shutil.get_terminal_size().columns
    lazy = build_parser().format_help()
    monkeypatch.setattr(LazySubParsers, "add_lazy", _old_way)
    plain = argparse.ArgumentParser(prog="itb-tui", description=build_parser().description)
    for action in build_parser()._actions[1:]:  # the same options, argparse's own formatter
        plain._add_action(action)
    assert lazy == plain.format_help()
