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
_BUNDLES = ("collection", "transaction")
# command -> (its flags, its options with a value, the defaults that are not False for a
# flag or None for a value). `export` (issue 17: an export of a ward of 30 paid the same
# ~3 ms of argparse): its short options -f and -o count only as whole tokens with the
# value in the next argument.
_COMMANDS = {
    "status": ({"--json": "json"}, _LIST_VALUES, {}),
    "export": ({"--with-names": "with_names"},
               {"--format": "format", "-f": "format", "--output": "output", "-o": "output",
                "--bundle": "bundle", **_LIST_VALUES},
               {"format": "ward-json", "bundle": "collection"}),
}


def status_args(argv: list[str], *, log_levels: tuple[str, ...], only_choices: tuple[str, ...],
                export_formats: tuple[str, ...] = ()):
    """The parsed `status` (or, given `export_formats`, `export`) command line, or None
    when argparse must read it."""
    values: dict[str, object] = {"db": None, "demo": False, "create": False, "config": None, "log_level": None}
    choices = {"--log-level": log_levels, "--only": only_choices, "--format": export_formats,
               "-f": export_formats, "--bundle": _BUNDLES}
    i = _options(argv, 0, values, _TOP_FLAGS, _TOP_VALUES, choices, until_unknown=True)
    if i is None or i >= len(argv) or argv[i] not in _COMMANDS or (argv[i] == "export" and not export_formats):
        return None
    flags, valued, defaults = _COMMANDS[argv[i]]
    values.update(dict.fromkeys(flags.values(), False), command=argv[i])
    values.update(dict.fromkeys(valued.values()))
    values.update(defaults)
    end = _options(argv, i + 1, values, flags, valued, choices)
    return SimpleNamespace(**values) if end is not None else None


def _options(argv, i, values, flags, valued, choices, *, until_unknown=False):
    """Read options from argv[i] on: the index of the first word that is none of them (the
    command's name) when `until_unknown`, else of the end; None where argparse must read
    the line (an unknown word in the command, a missing value or one starting with "-",
    a value not among its choices)."""
    while i < len(argv):
        token = argv[i]
        if token in flags:
            values[flags[token]] = True
            i += 1
            continue
        if token not in valued:
            return i if until_unknown else None
        if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
            return None
        value = argv[i + 1]
        if token == "--log-level":
            value = value.upper()  # argparse's type=str.upper, then its choices
        if token in choices and value not in choices[token]:
            return None
        values[valued[token]] = value
        i += 2
    return i
