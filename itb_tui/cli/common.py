"""Steps every `itb-tui` command shares: the error a user is shown, today's date, opening
the store (or the read-only reader), the rules, writing a file atomically, the actor.

Its own module so `cli/entry.py` (parser, ward commands) and `cli/admin.py` (users,
audit, check, backup) both import it and neither imports the other (no cycle). Like the
rest of the command line it imports only the standard library at the top.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itb_tui.store.ports import WardStore

PROG = "itb-tui"


class CliError(Exception):
    """A failure to report to the user. `details` are extra lines (e.g. each invalid
    record), printed indented under the message."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = list(details or [])


# --- shared steps --------------------------------------------------------------------------

def _today():
    from itb_tui import dates

    try:
        return dates.today()
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _as_of(args, today):
    if not getattr(args, "as_of", None):
        return today
    from itb_tui.dates import parse_user_date

    try:
        return parse_user_date(args.as_of, today)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _url(args) -> str:
    from itb_tui.paths import resolve_db_url

    return resolve_db_url(args.db, demo=args.demo)


def _open(args, today, *, create: bool = False):
    """The store for this command; with --demo, filled with the demo ward on first use.

    Reading commands refuse a SQLite file that does not exist rather than create an empty
    one: a mistyped --db must not print "0 blocked" as if the ward were clear.
    """
    from itb_tui.store import open_store

    url = _url(args)
    if not create:
        _require_existing(args, url)
    store = open_store(url, today=today)
    _log_opened(url)
    _report_upgrade(store)
    if args.demo and store.patient_count() == 0:
        _fill_demo(store, today or _today(), None)  # today=None: the listener (dates read per message)
    return store


def _log_opened(url: str, how: str = "") -> None:
    """The administrator's log (config/log_file.py): which store, never its password."""
    import logging

    from itb_tui.config.log_file import redact_url

    logging.getLogger("itb_tui.cli").info("store opened%s: %s", how, redact_url(url))


def _require_existing(args, url: str) -> None:
    from itb_tui.paths import sqlite_path

    path = sqlite_path(url)
    if path is not None and not args.demo and not path.exists():
        raise CliError(f"no store at {path}: import a ward file first (itb-tui import FILE), "
                       "or name the store with --db")


def _open_for_reading(args, today):
    """The store for a command that only reads (status): a `reader.WardReader` when the
    store is current, which skips the ORM and the writers (about a second at start-up);
    otherwise (a store to create, upgrade or refuse, an empty demo store to fill) the
    full `_open`, with its messages."""
    from itb_tui.store.reader import open_reader

    url = _url(args)
    _require_existing(args, url)
    reader = open_reader(url)
    if reader is not None:
        if not (args.demo and reader.patient_count() == 0):
            _log_opened(url, " (read only)")
            return reader
        reader.close()
    return _open(args, today)


def _report_upgrade(store: WardStore) -> None:
    """Say so (on stderr, so scripts reading stdout are undisturbed) when opening upgraded
    an older store, and where its backup is."""
    up = store.upgrade
    if up is not None:
        where = (f"; the old store was copied to {up.backup}" if up.backup else
                 " in one transaction (no copy was made: a PostgreSQL store is backed up with "
                 "the server's own backups or itb-tui backup)")
        print(f"{PROG}: upgraded the store from schema version {up.from_version} to "
              f"{up.to_version}{where}", file=sys.stderr)


def _fill_demo(store, today, patients: int | None) -> int:
    try:
        from itb_tui.demo import build_demo_ward
    except ImportError as exc:
        raise CliError(f"the demo ward is not available ({exc})") from None
    ward = build_demo_ward(today) if patients is None else build_demo_ward(today, patients)
    store.set_meta("kind", "demo")
    store.import_patients(ward, "demo", reason="synthetic demo ward")
    return len(ward)


def _rules():
    from itb_tui.clinical.rules import load_rules

    try:
        return load_rules()
    except ValueError as exc:  # RulesError: a broken table must stop us, clearly
        raise CliError(str(exc)) from None


def _pairs(args, store, as_of, rules, *, for_export: bool = False):
    """(patient, assessment) pairs for `status` or `export`; an export reads through the
    store's export entry point, the one place that checks who may take the ward away."""
    from itb_tui import report

    if args.mrn:
        if for_export:
            found = store.load_for_export(mrns=[args.mrn])
            patient = found[0] if found else None
        else:
            patient = store.get_patient(args.mrn)
        if patient is None:
            raise CliError(f"no patient with MRN {args.mrn!r}")
        patients = [patient] if not args.ward or patient.ward == args.ward else []
    elif for_export:
        patients = store.load_for_export(ward=args.ward)
    else:
        patients = store.load_patients(ward=args.ward)
    if args.ward and not patients and not args.mrn:
        raise _no_such_ward(store, args.ward)
    pairs = report.assess_all(patients, as_of, rules)
    return report.filter_pairs(pairs, args.only, rules)


def _no_such_ward(store, ward: str) -> CliError:
    known = store.wards()
    listed = ", ".join(known) if known else "none yet"
    return CliError(f"no patients in ward {ward!r} (wards in this store: {listed})")


def _write_stdout_bytes(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def write_file_atomic(path: str, data) -> str:
    """Write `data` (bytes, or an iterable of bytes written as they come) to `path`
    through a temporary file in the same directory and a rename, mode 0600: a reader
    never sees half a file and a failure leaves the old file intact."""
    import tempfile
    from pathlib import Path

    target = Path(path).expanduser().absolute()
    if target.is_dir():
        raise CliError(f"cannot write {target}: it is a directory, give a file name")
    if not target.parent.is_dir():
        raise CliError(f"cannot write {target}: directory {target.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise CliError(f"cannot write {target}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            for chunk in ((data,) if isinstance(data, (bytes, bytearray)) else data):
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise CliError(f"cannot write {target}: {(exc.strerror or str(exc)).lower()}") from None
    except BaseException:  # making the chunks failed: no half file left behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return str(target)


def _actor() -> str:
    try:
        from itb_tui.security.actors import os_actor
    except ImportError:
        import getpass

        try:
            return getpass.getuser() or "unknown"
        except Exception:
            return f"uid{os.getuid()}"
    return os_actor()


def export_patients(args, store):
    """The patients `export` writes, not assessed: for the ward file, which writes the
    records themselves, when no `--only` filter needs the assessment (issue 17: a
    10,000-patient ward-json export paid for 10,000 assessments it never wrote). The same
    selection, order and messages as `_pairs(..., for_export=True)`
    (tests/cli/test_cli_export_unassessed.py)."""
    if args.mrn:
        found = store.load_for_export(mrns=[args.mrn])
        if not found:
            raise CliError(f"no patient with MRN {args.mrn!r}")
        return [found[0]] if not args.ward or found[0].ward == args.ward else []
    patients = store.load_for_export(ward=args.ward)
    if args.ward and not patients:
        known = store.wards()
        listed = ", ".join(known) if known else "none yet"
        raise CliError(f"no patients in ward {args.ward!r} (wards in this store: {listed})")
    return patients
