"""`itb-tui results listen [--host 127.0.0.1] [--port 2575]`: the MLLP receiver for the
interface engine (issue 15). The shell is formats/hl7/mllp.py; this module is the use
case behind each message: read it, store it (`results.store_message`: one transaction,
committed before the ACK is built), answer.

ACK codes (MSA-1), one per message:
- AA: stored (imported, updated, or a duplicate of what is on file), or a result of
  another test (not_culture: counted in the log, nothing to store; NAKing every result the
  lab sends would flood the engine's error queue).
- AE: not applied to the patient record. Either quarantined (kept whole in the store's
  quarantine, `results quarantine list`; the ERR text says its number: a resend is not
  stored twice) or the store could not write (locked, unavailable: nothing stored, the
  engine should resend).
- AR: refused (malformed: not ORU^R01, cannot be parsed, no MRN): nothing stored; a
  resend will be refused again.
Quarantine is AE rather than AA on purpose: the result did NOT reach the patient, and the
engine's own error queue shows it as well as our quarantine.

Binds 127.0.0.1 unless --host says otherwise (MLLP has no authentication or encryption:
put a TLS tunnel or the engine on the same host). Logs one line per message to stderr:
time, control id, MRN, outcome; never a patient's name or the message text.
"""

from __future__ import annotations

import logging
import sys
import time

from itb_tui.config.settings import DEFAULT_HOST, DEFAULT_PORT  # 127.0.0.1, 2575 (the IANA port)

_logger = logging.getLogger("itb_tui.listener")


def add_parser(rsub) -> None:
    lis = rsub.add_parser("listen", help="receive ORU^R01 messages over MLLP; ACK each after it is stored")
    # None: the site configuration's [listener] host / port, else 127.0.0.1:2575 (see _address).
    lis.add_argument("--host", default=None,
                     help=f"address to bind (default: the configuration's listener.host, else {DEFAULT_HOST}: "
                          "this machine only)")
    lis.add_argument("--port", type=int, default=None,
                     help=f"TCP port (default: the configuration's listener.port, else {DEFAULT_PORT}; "
                          "0 picks a free one, printed at start)")
    lis.add_argument("--max-bytes", type=int, default=None, metavar="N",
                     help="largest message accepted (default 1 MiB); a larger one closes the connection")


def answer(store, table, text: str, actor: str, source: str) -> tuple[str, dict]:
    """(the ACK text, the log row) for one received message; the store write, if any, is
    committed when this returns."""
    from itb_tui.cli.lab_feed import row as _row
    from itb_tui.cli.lab_feed import store_message
    from itb_tui.formats.hl7 import ack, read, split_messages

    split = split_messages(text)
    if len(split.messages) != 1 or split.stray:
        why = ("an MLLP block must hold exactly one message" if split.messages
               else "no MSH segment: not an HL7 message")
        row = _row(source, 0, ack.control_id_of(text), "refused", why)
        return ack.build(text, "AR", why, error_code=207), row
    raw = split.messages[0]
    reading = read(raw, table)
    try:
        row = store_message(store, reading, source, 1, actor)
    except Exception as exc:  # noqa: BLE001 - a bug must not kill the feed; nothing was committed
        # (A failure after the commit would land here too: "resend" is then a duplicate, AA.)
        row = _row(source, 1, reading.control_id, "refused",
                   f"not known to be stored: internal error ({type(exc).__name__})", reading.mrn)
        row["store_error"] = True
    outcome = row["outcome"]
    if outcome in ("imported", "updated", "duplicate", "not_culture"):
        return ack.build(raw.text, "AA"), row
    if outcome == "quarantined":
        why = f"quarantined as #{row.get('quarantine_id')}, not applied: {row['detail']}"
        return ack.build(raw.text, "AE", why, error_code=207), row
    if row.get("store_error"):
        return ack.build(raw.text, "AE", row["detail"] + " (resend)", error_code=207), row
    code = 200 if "ORU^R01" in row["detail"] else 207
    return ack.build(raw.text, "AR", row["detail"], error_code=code), row


def cmd_listen(args) -> int:
    from itb_tui.cli.common import CliError, _actor, _open, _today
    from itb_tui.formats.hl7.codes import LabCodesError, load
    from itb_tui.formats.hl7 import mllp

    _address(args)
    if not 0 <= args.port <= 65535:
        raise CliError(f"--port {args.port}: a TCP port is 0 to 65535")
    max_bytes = args.max_bytes or mllp.MAX_BYTES_DEFAULT
    if max_bytes < 256:
        raise CliError("--max-bytes: at least 256")
    try:
        table = load()
    except LabCodesError as exc:
        raise CliError(str(exc)) from None
    _today()  # a bad ITB_TUI_TODAY is refused now, not at the first message
    actor = f"lab feed ({_actor()})"
    source = f"mllp {args.host}:{args.port}"
    store = _open(args, None)  # today=None: the store reads the date at each message (runs for days)
    counts: dict[str, int] = {}

    def handle(text: str) -> str:
        ack_text, row = answer(store, table, text, actor, source)
        counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        _log(row, ack_text)
        return ack_text

    def listening(host: str, port: int) -> None:
        _logger.info("listening on %s:%d (MLLP)", host, port)
        print(f"listening on {host}:{port} (MLLP); SIGTERM or Ctrl-C stops", flush=True)
        if host not in ("127.0.0.1", "::1"):
            print(f"warning: listening on {host}, not only this machine: MLLP has no authentication or "
                  "encryption (keep it on a closed network or behind a TLS tunnel)", file=sys.stderr, flush=True)

    try:
        mllp.run(handle, args.host, args.port, max_bytes=max_bytes, on_listening=listening)
    except OSError as exc:
        raise CliError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    finally:
        store.close()
    done = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items())) or "no messages"
    _logger.info("listener stopped: %s", done)
    print(f"stopped: {done}", flush=True)
    return 0


def _address(args) -> None:
    """--host / --port as given, else the site configuration's (cli/site.py put it on
    args), else the defaults: the command line wins over the file."""
    site = getattr(args, "site_config", None)
    if args.host is None:
        args.host = site.listener_host if site is not None else DEFAULT_HOST
    if args.port is None:
        args.port = site.listener_port if site is not None else DEFAULT_PORT


def _log(row: dict, ack_text: str) -> None:
    code = ack_text.split("\r")[1].split(ack_text[3])[1] if "\r" in ack_text else "?"
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    who = f" MRN {row['mrn']}" if row.get("mrn") else ""
    detail = "" if row["outcome"] in ("imported", "duplicate") else f": {row['detail']}"
    detail += "".join(f"; for a person: {flag}" for flag in row.get("flags", ()))
    print(f"{stamp} {code} {row.get('control_id') or '-'}{who} {row['outcome']}{detail}", file=sys.stderr, flush=True)
    # The log file gets no detail: a refusal's detail can quote the message's text.
    _logger.info("message %s%s: %s, ACK %s", row.get("control_id") or "-", who, row["outcome"], code)
