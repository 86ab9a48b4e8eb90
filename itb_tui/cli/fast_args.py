"""`itb-tui [--db ...] status [--json ...]` read without argparse (issue 17: start-up).

Why: `status` is the command scripts run every few minutes, and importing argparse and
building its parsers (gettext looks a catalogue up on disk for each parser, the locale
module comes with it) was ~3-4 ms of a ~70 ms run. This reads only the plainest spelling
of that one command line: each option written out in full and its value in the next
argument (`--db PATH status --json --only due`). Anything else (help, --version, another
command, an abbreviation, `--opt=value`, a value starting with "-", a choice not on the
list, an unknown word) returns None and argparse reads the line as before, so every help
text and every usage error is argparse's own. What it returns is what argparse would
(tests/cli/test_cli_fast_args.py compares them, also on generated command lines).
"""

from __future__ import annotations

from types import SimpleNamespace

_TOP_FLAGS = {"--demo": "demo", "--create": "create"}
_TOP_VALUES = {"--db": "db", "--config": "config", "--log-level": "log_level"}
_STATUS_FLAGS = {"--json": "json"}
_STATUS_VALUES = {"--as-of": "as_of", "--ward": "ward", "--mrn": "mrn", "--only": "only"}


def status_args(argv: list[str], *, log_levels: tuple[str, ...], only_choices: tuple[str, ...]):
    """The parsed `status` command line, or None when argparse must read it."""
    values: dict[str, object] = {"db": None, "demo": False, "create": False, "config": None, "log_level": None}
    i = _options(argv, 0, values, _TOP_FLAGS, _TOP_VALUES, stop="status", log_levels=log_levels)
    if i is None or i >= len(argv):
        return None
    values.update(command="status", json=False, as_of=None, ward=None, mrn=None, only=None)
    end = _options(argv, i + 1, values, _STATUS_FLAGS, _STATUS_VALUES, only_choices=only_choices)
    return SimpleNamespace(**values) if end is not None else None


def _options(argv, i, values, flags, valued, *, stop=None, log_levels=(), only_choices=()):
    """Read options from argv[i] up to `stop` (or the end); the index reached, or None."""
    while i < len(argv):
        token = argv[i]
        if token == stop:
            return i
        if token in flags:
            values[flags[token]] = True
            i += 1
            continue
        if token not in valued or i + 1 >= len(argv) or argv[i + 1].startswith("-"):
            return None
        value = argv[i + 1]
        if token == "--log-level":
            value = value.upper()  # argparse's type=str.upper, then its choices
            if value not in log_levels:
                return None
        if token == "--only" and value not in only_choices:
            return None
        values[valued[token]] = value
        i += 2
    return None if stop is not None else i
