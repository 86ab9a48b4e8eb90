"""Sub-commands whose parsers are built only when used (issue 17: start-up).

Why: building all ~30 argparse parsers of `itb-tui` took ~7 ms of every run (argparse
looks up a gettext catalogue on disk for each parser's "show this help message", and
checks every option through a help formatter), while a run uses one of them. Here each
command is registered with its name, its help line and a function that adds its
arguments; the parser is made (exactly as `add_parser` makes it) the first time argparse
looks the name up: when the command is given, or its `--help` asked for.

What stays exactly as before (tests/cli/test_cli_lazy_parsers.py): the top-level help
(it lists each command's help line, which needs no parser), `itb-tui CMD --help`, the
"invalid choice ... (choose from ...)" message (the names, in registration order) and the
namespace every command line gives.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable

Build = Callable[[argparse.ArgumentParser], None]


class _Pending:
    """A parser not made yet: how to make it."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], argparse.ArgumentParser]) -> None:
        self.make = make


class _ParsersOnFirstUse(dict):
    """name -> parser, each made on its first look-up. Keys (names, in order) are there
    from the start, so `name in choices` and the listing in error messages are unchanged."""

    def __getitem__(self, name: str) -> argparse.ArgumentParser:
        value = dict.__getitem__(self, name)
        if isinstance(value, _Pending):
            value = value.make()
            dict.__setitem__(self, name, value)
        return value

    def get(self, name, default=None):
        return self[name] if name in self else default

    def values(self):
        return [self[name] for name in self]

    def items(self):
        return [(name, self[name]) for name in self]


class LazySubParsers(argparse._SubParsersAction):
    """`parser.add_subparsers(action=LazySubParsers, ...)`, then `add_lazy(...)` per
    command. `add_parser` still works (made at once), for commands registered that way."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._name_parser_map = _ParsersOnFirstUse()
        self.choices = self._name_parser_map

    def add_lazy(self, name: str, build: Build, *, help: str) -> None:
        """Register `name`: `build(parser)` adds its arguments when the parser is needed."""
        if name in self._name_parser_map:
            raise argparse.ArgumentError(self, f"conflicting subparser: {name}")
        self._choices_actions.append(self._ChoicesPseudoAction(name, (), help))
        prog = f"{self._prog_prefix} {name}"  # what add_parser would give it

        def make() -> argparse.ArgumentParser:
            parser = self._parser_class(prog=prog)
            build(parser)
            return parser

        dict.__setitem__(self._name_parser_map, name, _Pending(make))

    def build_all(self) -> None:
        """Make every parser now (tests compare them with parsers made on first use)."""
        self._name_parser_map.values()


def _columns() -> int:
    """`shutil.get_terminal_size().columns`, the width argparse wraps help to, without
    importing shutil (with its zlib, bz2 and lzma: ~2 ms; argparse imports it for the
    first option it checks). The same rule: $COLUMNS when a positive number, else the
    terminal's width, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:  # as HelpFormatter does, through _columns
            width = _columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


class Parser(argparse.ArgumentParser):
    """ArgumentParser with the formatter above; its sub-parsers are Parsers too
    (add_subparsers makes them of the parent's class)."""

    def __init__(self, *args, formatter_class=_HelpFormatter, **kwargs) -> None:
        super().__init__(*args, formatter_class=formatter_class, **kwargs)
