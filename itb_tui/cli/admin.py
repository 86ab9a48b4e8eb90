"""The administrative commands of `itb-tui`: users, the audit trail, check and backup.

Split from `cli/entry.py` to keep each file small; `entry.py` registers these and runs them with
the same error handling (one line on stderr, exit 1, never a traceback). Like the rest
of the command line they act as the system store: whoever can run them on a SQLite store
can read its file anyway, and their changes are audited under the operating-system user
(`os:<name>`). On a new store `user add` creates the first account, which must be an
admin; the TUI then asks for a login. Once the store has an admin, `user add`, `disable`
and `password` need an admin's sign-in (`--admin NAME` and their password) and are
audited under that admin.

Passwords never appear on the command line (where `ps` and shell history would show
them): they are typed at a hidden prompt, twice, or read from stdin with
`--password-stdin` for scripts.
"""

from __future__ import annotations

import sys

ROLE_CHOICES = ("nurse", "clinician", "admin")


def user_arguments(p) -> None:
    """The `user` parser; audit and backup below (names and help lines: cli/entry.py, which
    imports this module only when one of them is used)."""
    users = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = users.add_parser("add", help="add a user (the first user of a store must be an admin)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--role", action="append", choices=ROLE_CHOICES, required=True,
                   help="a role; repeat for several (--role clinician --role admin)")
    q.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin (for scripts)")
    _admin_option(q)
    users.add_parser("list", help="list the users, their roles and last sign-in")
    q = users.add_parser("disable", help="disable a user (they can no longer sign in)")
    q.add_argument("name", metavar="NAME")
    _admin_option(q)
    q = users.add_parser("password", help="set a user's password")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _admin_option(q)


def audit_arguments(p) -> None:
    audits = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audits.add_parser("verify", help="check every entry; exit 1 naming the first broken one")


def backup_arguments(p) -> None:
    p.add_argument("dest", metavar="DEST", help="a new file, or a directory to put a time-stamped copy in")


def _admin_option(q) -> None:
    q.add_argument("--admin", metavar="NAME",
                   help="the admin making the change (needed once the store has an admin): their "
                        "password is asked at the terminal, or is the first line of stdin")


def _as_admin(args, store):
    """The store to change users through. While the store has no active admin (a new
    store: its first account), the system store, as the operating-system user. Once one
    exists, an admin must sign in (issue 14): otherwise anyone who can write the store
    file could `user add --role admin`. Their password: a hidden prompt, or stdin's first
    line (then the new password, if any, is the second)."""
    from itb_tui.cli.common import CliError

    if not any(u.active and "admin" in u.roles for u in store.list_users()):
        return store
    if not args.admin:
        raise CliError("this store has an admin: user management needs an admin's password "
                       "(give --admin NAME); nothing was changed")
    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"Password for admin {args.admin}: ")
    else:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise CliError(f"no password for admin {args.admin} on stdin: nothing was changed")
    session = store.authenticate(args.admin, password)
    if not session.can("manage_users"):
        raise CliError(f"{session.user} is not an admin: nothing was changed")
    return store.for_user(session)


def _password(args, name: str) -> str:
    from itb_tui.cli.common import CliError

    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise CliError("no password on stdin")
        return password
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password: use --password-stdin")
    import getpass

    first = getpass.getpass(f"New password for {name}: ")
    second = getpass.getpass("Type it again: ")
    if first != second:
        raise CliError("the two passwords differ: nothing was changed")
    return first


def cmd_user(args) -> int:
    from itb_tui.cli.common import CliError, _actor, _open, _today
    from itb_tui.store import ValidationError

    today = _today()
    with _open(args, today, create=args.user_command == "add") as system:
        try:
            if args.user_command == "list":
                _print_users(system.list_users())
                return 0
            store = _as_admin(args, system)
            if args.user_command == "add":
                password = _password(args, args.name)
                user = store.create_user(args.name, password, args.role, _actor())
                print(f"user {user.username} added (roles: {', '.join(user.roles)})")
            elif args.user_command == "disable":
                user = store.disable_user(args.name, _actor())
                print(f"user {user.username} disabled")
            elif args.user_command == "password":
                store.set_password(args.name, _password(args, args.name), _actor())
                print(f"password set for {args.name}")
        except ValidationError as exc:
            raise CliError("nothing was changed:", exc.errors) from None
    return 0


def _print_users(users) -> None:
    if not users:
        print("no users yet: add the first admin with  itb-tui user add NAME --role admin")
        return
    rows = [("USER", "ROLES", "STATUS", "LAST SIGN-IN (UTC)")]
    for u in users:
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
        rows.append((u.username, ",".join(u.roles), "active" if u.active else "disabled", last))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def cmd_audit(args) -> int:
    from itb_tui.cli.common import _open, _today
    from itb_tui.store.check import audit_line

    with _open(args, _today()) as store:
        result = store.verify_audit()
    print(audit_line(result))
    return 0 if result.ok else 1


def cmd_check(args) -> int:
    from itb_tui.cli.common import _open, _today

    with _open(args, _today()) as store:
        result = store.check()
    for line in result.lines():
        print(line)
    return 0 if result.ok else 1


def cmd_backup(args) -> int:
    from itb_tui.cli.common import _actor, _open, _today

    with _open(args, _today()) as store:
        where = store.backup(args.dest, _actor())
    print(f"backup written: {where}")
    import logging

    logging.getLogger("itb_tui.cli").info("backup written: %s", where)
    return 0


def cmd_restore(args) -> int:
    from itb_tui.cli.restore import cmd_restore as run

    return run(args)


COMMANDS = {"user": cmd_user, "audit": cmd_audit, "check": cmd_check, "backup": cmd_backup,
            "restore": cmd_restore}
