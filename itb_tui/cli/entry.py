"""The `itb-tui` command: its parser, the ward commands (status, import, export, demo,
the terminal app) and the entry point. The user, audit, check and backup commands are in
`cli/admin.py`; the steps both share (open the store, today, errors) in `cli/common.py`; no subcommand opens the
terminal UI.

Start-up is kept lean on purpose: this module imports only the standard library at the
top; the store (SQLAlchemy), the rules engine and above all Textual are imported inside
the command that needs them, so `itb-tui status` never pays for the UI.

Every failure a user can cause (a missing or malformed file, invalid records, a bad
date, an unknown MRN or ward, a database that cannot be opened, an unknown format) ends
as a clear message on stderr and exit status 1, never a traceback, and never a partial
write: the store's writes are single transactions and output files are written to a
temporary file and renamed.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from itb_tui.cli.common import (
    PROG, CliError, _actor, _as_of, _open, _open_for_reading, _rules, _pairs, _today, _url,
    _fill_demo, _report_upgrade, _write_stdout_bytes, write_file_atomic,
)

if TYPE_CHECKING:
    import argparse

_log = logging.getLogger("itb_tui.cli")  # the owner-only log file (config/log_file.py)
EXPORT_FORMATS = ("ward-json", "csv", "xlsx", "html", "fhir", "ics")
ONLY_CHOICES = ("blocked", "caution", "due")
LOG_LEVEL_CHOICES = ("DEBUG", "INFO", "WARNING", "ERROR")
TASK_DUE_CHOICES = ("today", "week")


# --- argument parsing ----------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    from itb_tui import __version__
    from itb_tui.cli.lazy_parsers import LazySubParsers, Parser

    parser = Parser(  # argparse's, wrapping help without importing shutil (cli/lazy_parsers.py)
        prog=PROG,
        description="Intrathecal baclofen pumps on the ward round: refill blocks in "
                    "bloodstream infection, reservoir and antifungal countdowns. "
                    "Without a command, opens the terminal app.",
    )
    parser.add_argument("--db", metavar="PATH|URL",
                        help="the store: a file path or a database URL (default: $ITB_TUI_DB, "
                             "else ward.db in the data directory)")
    parser.add_argument("--demo", action="store_true",
                        help="use the synthetic demo store (demo.db; built on first use)")
    parser.add_argument("--create", action="store_true",
                        help="create the store named by --db (or $ITB_TUI_DB) if it does not exist; "
                             "without it the app refuses a path where no store is")
    parser.add_argument("--config", metavar="PATH",
                        help="the site configuration file (default: $ITB_TUI_CONFIG, else "
                             "$XDG_CONFIG_HOME/itb-tui/config.toml; see docs/config.md)")
    parser.add_argument("--log-level", metavar="LEVEL", type=str.upper,
                        choices=LOG_LEVEL_CHOICES,
                        help="what goes to the owner-only log file (default: the configuration's, else INFO)")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    # Each command's parser is made only when it is used (cli/lazy_parsers.py: ~7 ms a run).
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action=LazySubParsers)
    sub.add_lazy("init", _init_arguments,
                 help="create a new, empty store (then open it to add the first account)")
    sub.add_lazy("status", _status_arguments, help="print the ward status (a table, or the JSON report)")
    sub.add_lazy("show", _show_arguments,
                 help="one patient's full assessment: every alert, countdown and date")
    sub.add_lazy("tasks", _tasks_arguments,
                 help="the round's tasks: overdue, today and the next 7 days, per bed")
    sub.add_lazy("import", _import_arguments, help="import a ward file (or a FHIR Bundle): all or nothing")
    sub.add_lazy("export", _export_arguments, help="export the ward")
    sub.add_lazy("demo", _demo_arguments, help="(re)build the synthetic demo store (never the real one)")

    # Their arguments are added by their own modules, imported only when the command is used.
    sub.add_lazy("results", _results_arguments,  # `results import` (issue 15)
                 help="laboratory results: `results import FILE|DIR` (HL7 v2 ORU^R01, FHIR R4 JSON)")
    sub.add_lazy("config", _config_arguments,  # `config show` (issue 15, item 5)
                 help="the site configuration: `config show` prints every setting and its source")
    sub.add_lazy("notes", _notes_arguments,  # `notes MRN`, `notes add MRN --text ...` (issue 16, item 3)
                 help="a patient's handover notes (list), or `notes add MRN --text ...`")
    sub.add_lazy("user", _user_arguments, help="manage users: add, list, disable, password")
    sub.add_lazy("audit", _audit_arguments, help="the audit trail: verify its hash chain")
    sub.add_lazy("check", _no_arguments,
                 help="database integrity check plus audit verification (exit 1 on failure)")
    sub.add_lazy("backup", _backup_arguments,
                 help="a consistent copy of the store while it is in use (owner-only file)")
    sub.add_lazy("restore", _restore_arguments,
                 help="replace the store by a backup: checked first, the replaced "
                      "store kept aside, audited (SQLite file or PostgreSQL dump)")
    return parser


def _init_arguments(p: argparse.ArgumentParser) -> None:
    import argparse

    # Also after the command (`itb-tui init --db PATH`); SUPPRESS keeps a --db given before it.
    p.add_argument("--db", metavar="PATH|URL", default=argparse.SUPPRESS, help="where to create it")


def _status_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="the machine-readable status report")
    _add_list_options(p)


def _show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("mrn", metavar="MRN")
    p.add_argument("--as-of", metavar="DATE",
                   help="compute for this date: YYYY-MM-DD, today, +3d, -2d, +1w, 'next monday'")


def _tasks_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--due", choices=TASK_DUE_CHOICES, default="week",
                   help="today: overdue and today's; week (default): also the next 7 days")
    p.add_argument("--json", action="store_true", help="one JSON object per task, in a list")
    p.add_argument("--as-of", metavar="DATE",
                   help="compute for this date: YYYY-MM-DD, today, +3d, -2d, +1w, 'next monday'")
    from itb_tui.cli.tasks_defer import add_defer_parser

    add_defer_parser(p)  # `itb-tui tasks defer MRN TASK_KEY --until DATE --reason TEXT`


def _import_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the itb-ward/1 JSON file ('-' reads stdin)")
    p.add_argument("--correction-reason", metavar="TEXT",
                   help="allow the file to change FINAL culture results (corrections, earlier values "
                        "kept), giving why; without it such a file is refused")


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", "-f", choices=EXPORT_FORMATS, default="ward-json",
                   help="ward-json (default), csv, xlsx, html, fhir or ics (calendar of the dated tasks)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--bundle", choices=("collection", "transaction"), default="collection",
                   help="fhir only: a collection (default) or a transaction of conditional "
                        "creates/updates by identifier, for a FHIR server")
    p.add_argument("--with-names", action="store_true",
                   help="ics only: put patient names in the events (default: MRN and bed only)")
    _add_list_options(p)


def _demo_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--patients", type=_positive_int, metavar="N",
                   help="number of synthetic patients (default: the standard demo ward)")


def _results_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import results

    results.add_arguments(p)


def _config_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import config_cmd

    config_cmd.add_arguments(p)


def _notes_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import notes

    notes.add_arguments(p)


def _user_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import admin

    admin.user_arguments(p)


def _audit_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import admin

    admin.audit_arguments(p)


def _no_arguments(p: argparse.ArgumentParser) -> None:
    pass


def _backup_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import admin

    admin.backup_arguments(p)


def _restore_arguments(p: argparse.ArgumentParser) -> None:
    from itb_tui.cli import restore

    restore.add_arguments(p)


def _add_list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-of", metavar="DATE",
                   help="compute for this date: YYYY-MM-DD, today, +3d, -2d, +1w, 'next monday'")
    p.add_argument("--ward", metavar="NAME", help="only this ward")
    p.add_argument("--mrn", metavar="MRN", help="only this patient")
    p.add_argument("--only", choices=ONLY_CHOICES,
                   help="only blocked, caution, or refill due within the due window (or past)")


def _positive_int(text: str) -> int:
    import argparse

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1 or n > 1_000_000:
        raise argparse.ArgumentTypeError(f"must be between 1 and 1000000, not {n}")
    return n


# --- commands ------------------------------------------------------------------------------

def cmd_status(args) -> int:
    from itb_tui import report
    from itb_tui.store.reader import WardReader

    today = _today()
    as_of = _as_of(args, today)
    rules = _rules()
    with _open_for_reading(args, today) as store:
        if args.json:  # a big ward: in chunks, on both cores (cli/chunked.py), same bytes
            from itb_tui.cli import chunked

            sys.stdout.flush()
            if chunked.status_json(args, store, as_of, rules, sys.stdout.buffer.write):
                sys.stdout.buffer.flush()
                return 0
        # On the fast read path, each pump comes with only the refill the engine uses on
        # as_of (not its whole history): the report is the same, the load a third the size.
        reads = store.for_assessing_on(as_of) if isinstance(store, WardReader) else store
        pairs = _pairs(args, reads, as_of, rules)
        lab_reports = store.lab_reports() if args.json else None
    if args.json:
        # Streamed, byte for byte json.dumps(status_document(...), indent=2) (see report).
        sys.stdout.flush()
        report.write_status_json(pairs, as_of, rules, sys.stdout.buffer.write, lab_reports=lab_reports)
        sys.stdout.buffer.flush()
        return 0
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(report.summary_line(pairs, as_of, rules, ward=args.ward, only=args.only))
    print()
    print(report.format_table(pairs, as_of, color=color), end="")
    return 0


def cmd_show(args) -> int:
    """One patient's assessment in full (present/show.py): the list's words, then every
    alert with its text, source, basis and action, and the dates each countdown rests on."""
    from itb_tui.clinical.engine import assess
    from itb_tui.present.show import show_text

    today = _today()
    as_of = _as_of(args, today)
    rules = _rules()
    with _open_for_reading(args, today) as store:
        patient = store.get_patient(args.mrn)
        lab_reports = store.lab_reports(args.mrn).get(args.mrn) if patient is not None else None
    if patient is None:
        raise CliError(f"no patient with MRN {args.mrn!r}")
    print(show_text(patient, assess(patient, as_of, rules), rules.version, lab_reports=lab_reports), end="")
    return 0


def cmd_tasks(args) -> int:
    """The same list as the ward's task view (T): present/tasks.py, deferrals applied."""
    import json

    from itb_tui import report
    from itb_tui.present.tasks import BUCKET_WORDS, WEEK_DAYS, by_bed, task_json, task_line, ward_tasks

    if getattr(args, "tasks_action", None) == "defer":
        from itb_tui.cli.tasks_defer import cmd_tasks_defer

        return cmd_tasks_defer(args)
    today = _today()
    as_of = _as_of(args, today)
    rules = _rules()
    with _open_for_reading(args, today) as store:
        patients = store.load_patients()
        deferrals = _task_deferrals(store)
    pairs = report.assess_all(patients, as_of, rules)
    tasks = ward_tasks(pairs, as_of, deferrals, horizon_days=0 if args.due == "today" else WEEK_DAYS)
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "due": args.due,
                          "tasks": [task_json(t, as_of) for t in tasks]}, indent=2, ensure_ascii=False))
        return 0
    window = "overdue and today" if args.due == "today" else f"overdue, today and the next {WEEK_DAYS} days"
    print(f"Tasks as of {as_of.isoformat()} ({window}): {len(tasks)}")
    for bucket in ("overdue", "today", "week"):
        group = by_bed(t for t in tasks if t.bucket(as_of) == bucket)
        if group:
            print()
            print(f"{BUCKET_WORDS[bucket]} ({len(group)})")
            for task in group:
                print(f"  {task_line(task, as_of)}")
    return 0


def _task_deferrals(store) -> list:
    """The stored deferrals (none from a store that does not keep them)."""
    read = getattr(store, "task_deferrals", None)
    return list(read()) if read is not None else []


def _read_input(path: str) -> tuple[str, bytes]:
    if path == "-":
        return "stdin", sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return path, fh.read()
    except FileNotFoundError:
        raise CliError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise CliError(f"cannot read {path}: it is a directory") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {(exc.strerror or str(exc)).lower()}") from None


def _parse_json(name: str, raw: bytes):
    import json

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    from itb_tui.wardfile.parse import duplicate_key_paths, load_json

    try:
        doc = load_json(text)
        repeated = duplicate_key_paths(doc)
    except json.JSONDecodeError as exc:
        raise CliError(f"{name}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise CliError(f"{name}: invalid JSON: nested too deeply") from None
    if repeated:  # json.loads would keep the last silently ({"mrn": "F1", "mrn": "F2"})
        raise CliError(f"{name}: {len(repeated)} key{'s' if len(repeated) != 1 else ''} given twice, "
                       "nothing was imported:", [f"{path}: appears more than once" for path in repeated])
    return doc


def cmd_import(args) -> int:
    from itb_tui.wardfile import WardFileError

    today = _today()
    name, raw = _read_input(args.file)
    data = _parse_json(name, raw)
    ignored: dict[str, int] = {}
    from itb_tui.formats.fhir.results import kind_of

    if kind_of(data) == "lab":
        raise CliError(f"{name}: laboratory results (FHIR DiagnosticReport / Observation), not a ward file: "
                       "nothing was imported; use `itb-tui results import`")
    try:
        if isinstance(data, dict) and data.get("resourceType") == "Bundle":
            try:
                from itb_tui.formats.fhir.read import parse_bundle
            except ImportError as exc:
                raise CliError(f"{name}: FHIR Bundle import is not available ({exc})") from None
            patients, ignored = parse_bundle(data, today)
        else:
            from itb_tui.wardfile import parse_ward

            patients = parse_ward(data, today)
    except WardFileError as exc:
        n = len(exc.errors)
        raise CliError(f"{name}: {n} problem{'s' if n != 1 else ''}, nothing was imported:",
                       exc.errors) from None
    from itb_tui.store import ValidationError

    with _open(args, today, create=True) as store:
        try:
            result = store.import_patients(patients, _actor(), reason=f"import {os.path.basename(name)}",
                                           correction_reason=args.correction_reason)
        except ValidationError as exc:
            n = len(exc.errors)
            raise CliError(f"{name}: {n} problem{'s' if n != 1 else ''}, nothing was imported:",
                           exc.errors) from None
    print(f"imported {name}: {result.summary()}")
    _log.info("import %s: %s", name, result.summary())
    if ignored:
        print("ignored FHIR resources: " + ", ".join(f"{k} {v}" for k, v in sorted(ignored.items())))
    return 0


def cmd_export(args) -> int:
    from datetime import datetime, timezone

    today = _today()
    as_of = _as_of(args, today)
    rules = _rules()
    if getattr(args, "with_names", False) and args.format != "ics":
        raise CliError(f"--with-names is for --format ics: a {args.format} export always carries the names")
    from itb_tui.exports import ASSESSMENT_ONLY_FORMATS, ExportError
    from itb_tui.store.reader import WardReader

    # A current store is read without the ORM (the reader's load_for_export, the system's
    # view, as the Store's); an export writes nothing to the store. A format that writes
    # only the assessment reads as status does (one refill per pump, the same bytes).
    options: dict = {}
    with _open_for_reading(args, today) as store:
        from itb_tui.cli import chunked  # a big ward's CSV or HTML: in chunks, on both cores

        try:
            done = chunked.export(args, store, as_of, rules, datetime.now(timezone.utc))
        except ExportError as exc:
            raise CliError(str(exc)) from None
        if done is not None:
            written, count = done
            if written is not None:
                print(f"wrote {written}: {count} patients ({args.format})", file=sys.stderr)
            _log.info("export %s: %d patients to %s", args.format, count, written or "stdout")
            return 0
        narrow = isinstance(store, WardReader) and args.format in ASSESSMENT_ONLY_FORMATS
        reads = store.for_assessing_on(as_of) if narrow else store
        if args.format == "ward-json" and not args.only:  # the records, not their assessment
            from itb_tui.cli.common import export_patients

            pairs = [(p, None) for p in export_patients(args, reads)]
        else:
            pairs = _pairs(args, reads, as_of, rules, for_export=True)
        if args.format == "fhir":
            from itb_tui.exports.fhir_context import fhir_options

            options = fhir_options(store, [p for p, _ in pairs], args.bundle)
            site = getattr(args, "site_config", None)
            if site is not None:  # the site's MRN identifier system (docs/config.md)
                options["mrn_system"] = site.mrn_system
        if args.format in ("html", "ics"):  # the tasks' deferrals and handover notes: one read
            from itb_tui.exports.round_data import read_round_data

            options["round_data"] = read_round_data(store)
    if args.format == "ward-json":
        from itb_tui.wardfile.dump import dumps_ward_chunks

        # dumps_ward's bytes (ending in a newline), one patient at a time: to the file as
        # they come, never the whole ward's text at once
        chunks = dumps_ward_chunks([p for p, _ in pairs])
        if args.output:
            written = write_file_atomic(args.output, chunks)
            print(f"wrote {written}: {len(pairs)} patients (ward-json)", file=sys.stderr)
        else:
            _write_stdout_bytes(b"".join(chunks))
        _log.info("export ward-json: %d patients to %s", len(pairs), args.output or "stdout")
        return 0
    try:
        from itb_tui.exports import ExportError, write_export
    except ImportError as exc:
        raise CliError(f"format {args.format} is not available ({exc})") from None
    try:
        written = write_export(args.format, pairs, args.output, as_of=as_of, rules=rules,
                               generated_at=datetime.now(timezone.utc),
                               with_names=getattr(args, "with_names", False), **options)
    except ExportError as exc:
        raise CliError(str(exc)) from None
    except ImportError as exc:  # a format's own library (openpyxl, fhir.resources) missing
        raise CliError(f"format {args.format} is not available ({exc})") from None
    if written is not None:
        print(f"wrote {written}: {len(pairs)} patients ({args.format})", file=sys.stderr)
    _log.info("export %s: %d patients to %s", args.format, len(pairs), written or "stdout")
    return 0


def cmd_demo(args) -> int:
    import argparse

    from itb_tui.store.demo_rebuild import rebuild_demo_store

    today = _today()
    url = _url(argparse.Namespace(db=args.db, demo=True))
    where, count = rebuild_demo_store(url, today, args.patients, explicit=bool(args.db),
                                      fill=lambda store: _fill_demo(store, today, args.patients))
    _log.info("demo store rebuilt: %s (%d synthetic patients)", where, count)
    print(f"demo store rebuilt: {where} ({count} synthetic patients, dates relative to {today.isoformat()})")
    return 0


def _named_store(args) -> bool:
    """The store was named (--db or $ITB_TUI_DB) rather than the default or the demo one."""
    return bool(args.db or (not args.demo and os.environ.get("ITB_TUI_DB")))


def _refuse_missing_named_store(args, url: str) -> None:
    """A named SQLite store that does not exist is refused, never created empty: a
    mistyped --db would otherwise open a ward that looks empty (issue 13). The default
    store and the demo store are created on first use; --create or `init` create one."""
    from itb_tui.store.opening import missing_store_path

    path = missing_store_path(url)
    if path is None or not _named_store(args) or getattr(args, "create", False):
        return
    raise CliError(f"no store at {path} (nothing was created): check the path, or create a new store "
                   f"with `{PROG} init --db {path}` (or `{PROG} --db {path} --create`)")


def cmd_init(args) -> int:
    """Create a new, empty store where --db (or the default) says; refuse an existing one."""
    from itb_tui.store import open_store
    from itb_tui.store.opening import missing_store_path

    url = _url(args)
    path = missing_store_path(url)
    where = str(path) if path is not None else url
    if path is None:
        from itb_tui.paths import sqlite_path

        existing = sqlite_path(url)
        if existing is not None:
            raise CliError(f"a store already exists at {existing}: nothing was changed")
    with open_store(url, today=_today()) as store:
        if store.patient_count():
            raise CliError(f"the store at {where} already holds patients: nothing was changed")
    opener = f"{PROG} --db {where}" if args.db else PROG
    print(f"new store created: {where}\nopen it with `{opener}` to create its first account")
    return 0


def cmd_ui(args) -> int:
    from itb_tui.store import open_store
    from itb_tui.store.reader import open_reader

    today = _today()
    url = _url(args)
    _refuse_missing_named_store(args, url)
    current = open_reader(url)
    if current is not None:  # nothing to create, upgrade or refuse: the app opens it
        current.close()
    else:
        with open_store(url, today=today) as store:  # a store that cannot be opened fails here, clearly
            _report_upgrade(store)
    try:
        from itb_tui.ui.app import run_app
    except ImportError as exc:
        raise CliError(f"the terminal app is not available ({exc})") from None
    return run_app(url, today=today, demo=args.demo, site=getattr(args, "site_config", None))


COMMANDS = {"status": cmd_status, "import": cmd_import, "export": cmd_export, "demo": cmd_demo,
            "show": cmd_show, "init": cmd_init, "tasks": cmd_tasks}


def _cmd_results(args) -> int:
    from itb_tui.cli.results import cmd_results

    return cmd_results(args)


COMMANDS["results"] = _cmd_results  # issue 15: laboratory results (cli/results.py)


def _cmd_config(args) -> int:
    from itb_tui.cli.config_cmd import cmd_config

    return cmd_config(args)


COMMANDS["config"] = _cmd_config  # issue 15 item 5: the site configuration (cli/config_cmd.py)


def _cmd_notes(args) -> int:
    from itb_tui.cli.notes import cmd_notes

    return cmd_notes(args)


COMMANDS["notes"] = _cmd_notes  # issue 16: handover notes (cli/notes.py)


def _command(name: str | None):
    if name in COMMANDS:
        return COMMANDS[name]
    from itb_tui.cli import admin

    return admin.COMMANDS.get(name, cmd_ui)


# --- entry point ---------------------------------------------------------------------------

def _error(message: str, details: list[str] = ()) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    for line in details:
        print(f"  {line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command; the exit status is returned (0 ok, 1 error, 2 usage)."""
    from itb_tui.perf import gc_tuning

    # Start-up (imports, the configuration, the log) makes ~100,000 objects and no garbage
    # cycles worth a pass: the collector ran ~35 times for nothing (issue 17). Off until
    # the command starts; `status`, a report that ends at once, keeps it off (its load and
    # assessment pause it anyway); as it was again on return, unless `python -m itb_tui`
    # paused it (that process exits now: a last pass over everything would be for nothing).
    paused_here = gc_tuning.pause_for_start_up()
    try:
        return _run(argv)
    finally:
        if paused_here:
            gc_tuning.end_of_start_up()


def _run(argv: list[str] | None) -> int:
    from itb_tui.cli.fast_args import status_args
    from itb_tui.perf import gc_tuning

    # The plainest `status` and `export` lines are read without argparse (cli/fast_args.py); anything else,
    # help and usage errors included, by the parser.
    args = status_args(sys.argv[1:] if argv is None else list(argv), log_levels=LOG_LEVEL_CHOICES,
                       only_choices=ONLY_CHOICES, export_formats=EXPORT_FORMATS)
    if args is None:
        args = build_parser().parse_args(argv)
    undecodable = _undecodable_argument(args)
    if undecodable is not None:
        _error(f"{undecodable} is not valid UTF-8 text (check the terminal's encoding); nothing was changed")
        return 1
    try:
        from itb_tui.cli.site import start

        start(args)  # the site configuration (refused whole if bad: nothing starts) and the log
        if not _ends_at_once(args):
            gc_tuning.end_of_start_up()  # the app, the listener, imports, exports: as before
        return _finish(args, _command(args.command)(args))
    except CliError as exc:
        _error(str(exc), exc.details)
        _log_failure(args, str(exc))
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a message.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence, see below
        known = _known_error_message(exc)
        if known is not None:
            _error(known)
        else:
            # Should never happen: every failure a user can cause is handled above. Still
            # one line, no traceback; the store's transactions make "nothing changed" true.
            first = " ".join(str(exc).split())[:300]
            _error(f"internal error: {type(exc).__name__}: {first}; nothing was changed")
        _log_failure(args, known, exc)
    return _finish(args, 1)


def _ends_at_once(args) -> bool:
    """A report that ends at once and keeps the collector paused to its end: `status`, and
    the FHIR export (its start-up, whole-history read and Bundle make only acyclic records
    and text; the collector ran ~11 passes, ~4 ms of a 30-patient export's ~90 ms, for
    nothing: issue 17; the chunked path pauses it around its shares anyway)."""
    return args.command == "status" or (args.command == "export" and getattr(args, "format", None) == "fhir")


def _finish(args, code: int) -> int:
    from itb_tui.cli.site import stop

    stop(args, code)
    return code


def _log_failure(args, message: str | None, exc: BaseException | None = None) -> None:
    from itb_tui.cli.site import failed

    failed(args, message, exc)


def _undecodable_argument(args) -> str | None:
    """The first option whose value holds bytes that were not UTF-8 (Python hands them over
    as lone surrogates, which no file or database can hold): named, to be refused up front."""
    for name, value in sorted(vars(args).items()):
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return f"--{name.replace('_', '-')} {ascii(item)}"
    return None


def _known_error_message(exc: Exception) -> str | None:
    """Store errors and the like raised outside a command's own handling."""
    from itb_tui.store.errors import StoreError

    if isinstance(exc, StoreError):
        return str(exc)
    return None


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
