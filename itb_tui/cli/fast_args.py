"""`itb-tui [--db ...] status [--json ...]` and `export ...` read without argparse (issue 17).

Why: `status` is the command scripts run every few minutes, and importing argparse and
building its parsers (gettext looks a catalogue up on disk for each parser, the locale
module comes with it) was ~3-4 ms of a ~70 ms run. This reads only the plainest spelling
of those two command lines: each option written out in full and its value in the next
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
_LIST_VALUES = {"--as-of": "as_of", "--ward": "ward", "--mrn": "mrn", "--only": "only"}
_STATUS_FLAGS = {"--json": "json"}
_STATUS_VALUES = dict(_LIST_VALUES)
# `export` (issue 17: an export of a ward of 30 paid the same ~3 ms of argparse): its short
# options -f and -o count only as whole tokens with the value in the next argument.
_EXPORT_FLAGS = {"--with-names": "with_names"}
_EXPORT_VALUES = {"--format": "format", "-f": "format", "--output": "output", "-o": "output",
                  "--bundle": "bundle", **_LIST_VALUES}
_EXPORT_DEFAULTS = {"format": "ward-json", "output": None, "bundle": "collection", "with_names": False,
                    "as_of": None, "ward": None, "mrn": None, "only": None}
_BUNDLES = ("collection", "transaction")


def status_args(argv: list[str], *, log_levels: tuple[str, ...], only_choices: tuple[str, ...],
                export_formats: tuple[str, ...] = ()):
    """The parsed `status` (or, given `export_formats`, `export`) command line, or None
    when argparse must read it."""
    values: dict[str, object] = {"db": None, "demo": False, "create": False, "config": None, "log_level": None}
    i = _top_options(argv, values, log_levels)
    if i is None or i >= len(argv):
        return None
    choices = {"--only": only_choices}
    if argv[i] == "status":
        values.update(command="status", json=False, as_of=None, ward=None, mrn=None, only=None)
        flags, valued = _STATUS_FLAGS, _STATUS_VALUES
    elif argv[i] == "export" and export_formats:
        values.update(command="export", **_EXPORT_DEFAULTS)
        flags, valued = _EXPORT_FLAGS, _EXPORT_VALUES
        choices.update({"--format": export_formats, "-f": export_formats, "--bundle": _BUNDLES})
    else:
        return None
    end = _options(argv, i + 1, values, flags, valued, choices=choices)
    return SimpleNamespace(**values) if end is not None else None


def _top_options(argv, values, log_levels):
    """The index of the first word that is not a top-level option, or None."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in _TOP_FLAGS:
            values[_TOP_FLAGS[token]] = True
            i += 1
            continue
        if token not in _TOP_VALUES:
            return i
        if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
            return None
        value = argv[i + 1]
        if token == "--log-level":
            value = value.upper()  # argparse's type=str.upper, then its choices
            if value not in log_levels:
                return None
        values[_TOP_VALUES[token]] = value
        i += 2
    return i


def _options(argv, i, values, flags, valued, *, choices):
    """Read the command's options from argv[i] to the end; the index reached, or None."""
    while i < len(argv):
        token = argv[i]
        if token in flags:
            values[flags[token]] = True
            i += 1
            continue
        if token not in valued or i + 1 >= len(argv) or argv[i + 1].startswith("-"):
            return None
        value = argv[i + 1]
        if token in choices and value not in choices[token]:
            return None
        values[valued[token]] = value
        i += 2
    return i
