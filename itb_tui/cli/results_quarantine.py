"""`itb-tui results quarantine [list|assign ID MRN|discard ID]` (issue 15): the laboratory
messages the feed could not apply, worked through by a person, each step audited.

- list [--all] [--json]: the open ones (with --all also those assigned or discarded, by
  whom, when, why). The raw message is not printed: it carries the patient's name.
- assign ID MRN --reason TEXT: apply the message to that patient, as the feed would have;
  the date of birth in the message must still match the patient's (store/lab_quarantine.py
  says why); refused, with the reason, when the message still cannot be applied.
- discard ID --reason TEXT: close it without applying it.
Exit status: 0 done; 1 refused (nothing changed), as every command.
"""

from __future__ import annotations

import json
import sys


def add_parser(rsub) -> None:
    q = rsub.add_parser("quarantine", help="laboratory messages that were not applied: list, assign, discard")
    qsub = q.add_subparsers(dest="quarantine_command", metavar="ACTION")
    ls = qsub.add_parser("list", help="the open quarantined messages")
    ls.add_argument("--all", action="store_true", help="also those already assigned or discarded")
    ls.add_argument("--json", action="store_true")
    asg = qsub.add_parser("assign", help="apply a quarantined message to the patient with this MRN (the date "
                                         "of birth must match)")
    asg.add_argument("id", type=int)
    asg.add_argument("mrn")
    asg.add_argument("--reason", required=True, help="why this message belongs to this patient (audited)")
    dis = qsub.add_parser("discard", help="close a quarantined message without applying it")
    dis.add_argument("id", type=int)
    dis.add_argument("--reason", required=True, help="why (audited)")


def cmd_quarantine(args) -> int:
    from itb_tui.cli.common import CliError, _actor, _open, _today
    from itb_tui.store import StoreError

    action = getattr(args, "quarantine_command", None)
    if action not in ("list", "assign", "discard"):
        raise CliError("say what to do: itb-tui results quarantine list | assign ID MRN --reason TEXT | "
                       "discard ID --reason TEXT")
    actor = _actor()
    with _open(args, _today()) as store:
        try:
            if action == "list":
                return _list(store, args)
            if action == "discard":
                done = store.discard_lab_quarantine(args.id, reason=args.reason, actor=actor)
                print(f"quarantined message #{done.id} discarded (control id {done.control_id or '-'}): "
                      f"nothing applied")
                return 0
            return _assign(store, args, actor)
        except StoreError as exc:
            raise CliError(str(exc)) from None


def _assign(store, args, actor: str) -> int:
    from itb_tui.cli.common import CliError
    from itb_tui.formats.hl7 import RawMessage, read
    from itb_tui.formats.hl7.codes import load

    held = {m.id: m for m in store.lab_quarantine()}
    message = held.get(args.id)
    if message is None:
        raise CliError(f"no quarantined message #{args.id}")
    from itb_tui.formats.fhir.results import looks_like_json, read_json

    if looks_like_json(message.raw):  # a FHIR report, kept as a small Bundle
        from itb_tui.cli.lab_feed import check_organism_codes

        check_organism_codes()
        found = read_json(message.raw, load())
        readings = found.readings
        if found.refused or len(readings) != 1:
            raise CliError(f"quarantined message #{args.id} cannot be assigned: "
                           f"{found.refused or 'not one laboratory report'}")
        reading = readings[0]
    else:
        reading = read(RawMessage(1, message.raw), load())
    if reading.outcome != "ok":
        raise CliError(f"quarantined message #{args.id} cannot be assigned: {reading.reason or reading.outcome}; "
                       "discard it (and enter the result by hand) instead")
    out = store.assign_lab_quarantine(args.id, mrn=args.mrn, dob=reading.dob, reports=reading.reports,
                                      control_id=reading.control_id, reason=args.reason, actor=actor)
    print(f"quarantined message #{args.id} assigned to MRN {args.mrn}: {out.outcome}: {out.detail}"
          + (f" [refill {out.refill}]" if out.refill else ""))
    return 0


def _list(store, args) -> int:
    rows = store.lab_quarantine(state=None if args.all else "open")
    if args.json:
        doc = [{"id": m.id, "received_at": m.received_at.isoformat(), "source": m.source,
                "control_id": m.control_id, "mrn": m.mrn, "reason": m.reason, "state": m.state,
                "resolved_by": m.resolved_by,
                "resolved_at": m.resolved_at.isoformat() if m.resolved_at else None,
                "resolution": m.resolution, "assigned_mrn": m.assigned_mrn} for m in rows]
        sys.stdout.write(json.dumps({"format": "itb-lab-quarantine/1", "messages": doc}, indent=2) + "\n")
        return 0
    if not rows:
        print("no quarantined laboratory messages" + ("" if args.all else " open"))
        return 0
    for m in rows:
        when = m.received_at.strftime("%Y-%m-%d %H:%M")
        state = "" if m.state == "open" else f" [{m.state}" + (f" to MRN {m.assigned_mrn}" if m.assigned_mrn else "") \
            + f" by {m.resolved_by}: {m.resolution}]"
        print(f"#{m.id} {when} {m.control_id or '-'} MRN {m.mrn or '-'}: {m.reason}{state}")
    return 0
