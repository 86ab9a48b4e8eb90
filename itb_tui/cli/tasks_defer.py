"""`itb-tui tasks defer MRN TASK_KEY --until DATE --reason TEXT` (issue 16): put a round
task off to a date, with a reason; audited by the store, and the task comes back on that
date marked "deferred to DATE: reason".

Why the command line checks the key: tasks are derived (present/tasks.py), never stored,
so only here, above the store, can "is this an open task of this patient today?" be
answered; a mistyped key would otherwise be stored and hide nothing, silently.
"""

from __future__ import annotations

from itb_tui.cli.common import CliError, _actor, _open, _rules, _today


def add_defer_parser(tasks_parser) -> None:
    sub = tasks_parser.add_subparsers(dest="tasks_action", metavar="{defer}")
    p = sub.add_parser("defer", help="put a task off to a date, with a reason (audited; it comes back on the date)")
    p.add_argument("mrn", metavar="MRN")
    p.add_argument("task_key", metavar="TASK_KEY", help="the task's key, as `itb-tui tasks --json` prints it")
    p.add_argument("--until", metavar="DATE", required=True,
                   help="the day it comes back: YYYY-MM-DD, +3d, +1w, 'next monday' (after today, at most 30 days)")
    p.add_argument("--reason", metavar="TEXT", required=True, help="why it is deferred (kept in the audit trail)")


def cmd_tasks_defer(args) -> int:
    from itb_tui import report
    from itb_tui.dates import parse_user_date
    from itb_tui.present.tasks import patient_tasks
    from itb_tui.store import StoreError

    today = _today()
    try:
        until = parse_user_date(args.until, today)
    except ValueError as exc:
        raise CliError(f"--until: {exc}; nothing was changed") from None
    with _open(args, today) as store:
        patient = store.get_patient(args.mrn)
        if patient is None:
            raise CliError(f"no patient with MRN {args.mrn!r}; nothing was changed")
        ((_, assessment),) = report.assess_all([patient], today, _rules())
        open_keys = [t.key for t in patient_tasks(patient, assessment, today)]
        if args.task_key not in open_keys:
            listed = ", ".join(open_keys) if open_keys else "none"
            raise CliError(f"{args.mrn} has no open task {args.task_key!r} today (open tasks: {listed}); "
                           "nothing was changed")
        try:
            saved = store.defer_task(args.mrn, args.task_key, until, args.reason, _actor())
        except StoreError as exc:
            raise CliError(str(exc)) from None
    print(f"Deferred {saved.task_key} to {saved.until.isoformat()}: {saved.reason}")
    print(f"It is hidden from the task list until then and comes back on {saved.until.isoformat()}.")
    return 0
