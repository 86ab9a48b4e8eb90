"""`itb-tui results import FILE|DIR`: laboratory results from HL7 v2.x ORU^R01 files
(issue 15). Self-contained (parser and command) so entry.py's edit stays one line each.

Every message is accounted for, in the summary and with `--json`: imported, duplicate,
updated (a final replacing a preliminary, or a corrected result), quarantined (kept in
the store with why: unknown MRN, date of birth that does not match, unknown organism,
anything culture-like it cannot use), refused (malformed: nothing stored), not_culture
(a result of another test: counted, not stored). Exit status: 0 when every culture-like
result was stored (imported, duplicate or updated); 2 when any message was quarantined
or refused (a culture-like result was not imported: someone must look); 1 for an error
that stopped the command (no file, no store), as every command.

The lab feed writes as the system store (the command line runs as the operating-system
user who owns the store): its audit rows name "lab feed (<user>)". The messages are
committed in batches (store/lab_batch.py), each message in a savepoint of its own, so a
message that fails takes no other with it; a run stopped mid-batch says how many were
stored, and running the same file again stores the rest (the others are duplicates).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from itb_tui.cli.lab_feed import check_organism_codes
from itb_tui.cli.lab_feed import row as _row
from itb_tui.cli.lab_feed import store_message

OUTCOMES = ("imported", "duplicate", "updated", "quarantined", "refused", "not_culture")
EXIT_NOT_ALL_IMPORTED = 2
HL7_SUFFIXES = (".hl7", ".txt", ".oru", ".msg")
FHIR_SUFFIXES = (".json",)


def add_arguments(p) -> None:
    """The `results` parser (its name and help line: cli/entry.py, which imports this module
    only when the command is used)."""
    rsub = p.add_subparsers(dest="results_command", metavar="ACTION")
    imp = rsub.add_parser("import", help="import HL7 v2.x ORU^R01 files (single messages or batches) and FHIR R4 "
                                         "JSON (Bundle, DiagnosticReport, Observation); every message accounted for")
    imp.add_argument("path", metavar="FILE|DIR",
                     help="an HL7 or FHIR JSON file, or a directory of them (*.hl7, *.txt, *.oru, *.msg, "
                          "*.json; not recursive)")
    imp.add_argument("--json", action="store_true", help="the outcome of every message as JSON")
    from itb_tui.cli import results_listen

    results_listen.add_parser(rsub)
    from itb_tui.cli import results_quarantine

    results_quarantine.add_parser(rsub)


def _files(path: Path) -> list[Path]:
    from itb_tui.cli.common import CliError

    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in HL7_SUFFIXES + FHIR_SUFFIXES)
        if not found:
            raise CliError(f"{path}: no HL7 or FHIR files in it (*{', *'.join(HL7_SUFFIXES + FHIR_SUFFIXES)})")
        return found
    if not path.is_file():
        raise CliError(f"{path}: no such file or directory")
    return [path]


def _read_text(path: Path) -> str:
    from itb_tui.cli.common import CliError

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # HL7 v2 default character set is ASCII; labs often send Latin-1 (MSH-18 8859/1).
        return data.decode("latin-1")


def cmd_results(args) -> int:
    from itb_tui.cli.common import CliError, _actor, _open, _today

    if getattr(args, "results_command", None) == "listen":
        from itb_tui.cli.results_listen import cmd_listen

        return cmd_listen(args)
    if getattr(args, "results_command", None) == "quarantine":
        from itb_tui.cli.results_quarantine import cmd_quarantine

        return cmd_quarantine(args)
    if getattr(args, "results_command", None) != "import":
        raise CliError("say what to do: itb-tui results import FILE|DIR | listen | quarantine")
    from itb_tui.formats.fhir.results import looks_like_json
    from itb_tui.formats.hl7 import read, split_messages
    from itb_tui.store.errors import BatchLost
    from itb_tui.formats.hl7.codes import LabCodesError, load
    try:
        table = load()
    except LabCodesError as exc:
        raise CliError(str(exc)) from None
    check_organism_codes()
    files = _files(Path(args.path))
    actor = f"lab feed ({_actor()})"
    today = _today()
    rows: list[dict] = []
    started = time.perf_counter()
    with _open(args, today) as store, store.lab_batch() as feed:
        done = _Committed(feed, rows)
        try:
            for path in files:
                text = _read_text(path)
                if path.suffix.lower() in FHIR_SUFFIXES or looks_like_json(text):
                    _fhir_rows(done, path, text, table, actor)
                    continue
                split = split_messages(text)
                for stray in split.stray[:1]:
                    rows.append(_row(path, 0, "", "refused", f"text before the first MSH segment: {stray[:40]!r}"))
                if split.count_problem:
                    rows.append(_row(path, 0, "", "refused", split.count_problem))
                for raw in split.messages:
                    done.add(store_message(feed, read(raw, table), path, raw.index, actor))
            done.commit()
        except BatchLost as exc:
            raise CliError(done.interrupted(f"the database failed ({exc})")) from None
        except KeyboardInterrupt:  # perhaps inside a message: its batch is rolled back
            print(done.interrupted("interrupted"), file=sys.stderr)
            raise
        except Exception:
            # Between messages (a message's own failure never leaves it half done: its
            # savepoint is rolled back first), e.g. a later file that cannot be read: what
            # was stored so far stays stored, as with a commit per message.
            done.commit()
            raise
    seconds = time.perf_counter() - started
    counts = {k: sum(1 for r in rows if r["outcome"] == k) for k in OUTCOMES}
    status = EXIT_NOT_ALL_IMPORTED if counts["quarantined"] or counts["refused"] else 0
    import logging

    logging.getLogger("itb_tui.cli").info(
        "results import of %d file(s): %s; MRNs: %s", len(files),
        ", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing",
        ", ".join(sorted({r["mrn"] for r in rows if r.get("mrn")})) or "none")
    if args.json:
        doc = {"format": "itb-results-import/1", "files": [str(p) for p in files], "counts": counts,
               "messages": rows, "seconds": round(seconds, 3), "exit_status": status}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        _summary(rows, counts, files, seconds)
    return status


class _Committed:
    """The rows of the summary, and how many of them are committed: the store commits a
    batch of messages at a time (store/lab_batch.py), so a message's row counts as
    stored only once its batch is committed."""

    def __init__(self, feed, rows: list[dict]) -> None:
        self.feed, self.rows, self.upto = feed, rows, 0

    def add(self, row: dict) -> None:
        row.pop("store_error", None)
        self.rows.append(row)
        if self.feed.due():
            self.commit()

    def commit(self) -> None:
        self.feed.commit()
        self.upto = len(self.rows)

    def interrupted(self, why: str) -> str:
        """What is stored and what is not, when the import stopped mid-batch."""
        stored = sum(1 for r in self.rows[:self.upto] if r["outcome"] in STORED)
        lost = [r for r in self.rows[self.upto:] if r["outcome"] in STORED]
        rest = f"nothing from {lost[0]['file']}#{lost[0]['message']} on" if lost else "nothing after them"
        return (f"{why}: {stored} message{'s' if stored != 1 else ''} stored, {rest}: run the same import "
                "again (the messages already stored are recognised as duplicates)")


STORED = ("imported", "duplicate", "updated", "quarantined")


def _fhir_rows(done: _Committed, path: Path, text: str, table, actor: str) -> None:
    """The rows of one FHIR JSON file: one per DiagnosticReport, lone Observation or other
    resource (formats/fhir/results.py), stored as the HL7 messages are."""
    from itb_tui.formats.fhir.results import read_json

    found = read_json(text, table)
    if found.refused:
        done.rows.append(_row(path, 0, "", "refused", found.refused))
        return
    for reading in found.readings:
        done.add(store_message(done.feed, reading, path, reading.index, actor))


def _summary(rows: list[dict], counts: dict, files: list[Path], seconds: float) -> None:
    total = sum(1 for r in rows if r["message"])
    parts = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in OUTCOMES if counts[k])
    print(f"{total} message{'s' if total != 1 else ''} from {len(files)} file{'s' if len(files) != 1 else ''}"
          f" in {seconds:.1f} s: {parts or 'nothing'}")
    for r in rows:
        if r["outcome"] in ("imported", "duplicate") and not r.get("notes") and not r.get("flags"):
            continue
        where = f"{r['file']}#{r['message']}" + (f" ({r['control_id']})" if r["control_id"] else "")
        who = f" MRN {r['mrn']}" if r["mrn"] else ""
        refill = f" [refill {r['refill']}]" if r.get("refill") else ""
        print(f"  {r['outcome']}: {where}{who}: {r['detail']}{refill}")
        for note in r.get("notes", ()):
            print(f"    note: {note}")
        for flag in r.get("flags", ()):
            print(f"    for a person: {flag}")
    blocked = sorted({r["mrn"] for r in rows if r.get("refill") == "blocked" and r["outcome"] in ("imported", "updated")})
    if blocked:
        print("refill BLOCKED after this import: " + ", ".join(blocked))
    if counts["quarantined"] or counts["refused"]:
        print("not every culture result was imported: see the quarantined and refused messages above "
              "(quarantined messages are kept in the store)", file=sys.stderr)
