"""`itb-tui restore BACKUP`: put a checked backup in place of the store (store/restore.py).

Self-contained (parser and command) so it moves with the command line's files."""

from __future__ import annotations


def add_arguments(p) -> None:
    """The `restore` parser (name and help line: cli/entry.py)."""
    p.add_argument("backup", metavar="BACKUP", help="a file written by itb-tui backup")


def cmd_restore(args) -> int:
    from pathlib import Path

    from itb_tui.cli.common import CliError, _actor, _today
    from itb_tui.paths import resolve_db_url, sqlite_path
    from itb_tui.store import StoreError
    from itb_tui.store.restore import restore_sqlite

    url = resolve_db_url(args.db, getattr(args, "demo", False))
    path = sqlite_path(url)
    if path is None:
        return _restore_postgresql(args, url)
    try:
        done = restore_sqlite(Path(args.backup), path, actor=_actor(), today=_today())
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(f"restored {done.store} from {args.backup}")
    import logging

    logging.getLogger("itb_tui.cli").info("restored %s from %s (replaced store kept as %s)", done.store,
                                          args.backup, done.kept_aside)
    if done.kept_aside is not None:
        print(f"the replaced store is kept as {done.kept_aside} (with its -wal and witness, if any)")
    for line in done.check_lines:
        print(line)
    return 0


def _restore_postgresql(args, url: str) -> int:
    from pathlib import Path

    from itb_tui.cli.common import CliError, _actor, _today
    from itb_tui.store import StoreError
    from itb_tui.store.restore_pg import restore_postgresql

    try:
        done = restore_postgresql(Path(args.backup), url, actor=_actor(), today=_today())
    except StoreError as exc:
        raise CliError(str(exc)) from None
    print(f"restored the store (schema {done.schema}) from {args.backup}")
    if done.kept_aside is not None:
        print(f"the replaced store is kept as schema {done.kept_aside} (drop it when no longer needed)")
    for line in done.check_lines:
        print(line)
    return 0
