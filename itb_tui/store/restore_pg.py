"""Restoring a PostgreSQL store from its backup (`itb-tui restore BACKUP.dump`, issue 14
item 4): the same guarantees as the SQLite restore (store/restore.py), in ONE transaction.

The backup is a `pg_dump -Fc` archive (store/backup.py). `pg_restore` cannot be part of
our transaction, so the archive is turned into its SQL script (`pg_restore -f -`, which
reads and checks the archive) and that script is run by us, on one connection, inside
one transaction that also:

1. refuses while another session holds the store: every itb-tui connection holds a
   SHARED advisory lock on its schema from the moment it connects (store/session_lock.py);
   the restore takes the same lock EXCLUSIVELY without waiting, so it fails while any
   session is connected (their pids are named) and, while the restore runs, a new
   session waits for it instead of seeing half a store; it also takes the writer lock
   (the chain head row) of the replaced store;
2. keeps the replaced store aside whole: its schema is renamed `<schema>_replaced_<UTC
   time>` (every table, the trail and its witness table unchanged; drop it when no longer
   wanted), then the backup's script creates the schema afresh;
3. checks the restored data BEFORE anything is committed: `check` on the restored schema
   (database, audit chain, audit_witness table, every row against its trail); if it fails
   the transaction rolls back and the store is exactly as it was;
4. writes a `restore` audit entry (and its witness row) into the restored trail.

A failure anywhere (a damaged archive, a statement the server refuses, a failed check)
rolls everything back: never a partial restore. Run it as the tables' owner (the app's
role cannot rename the schema; docs/roles.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from itb_tui.store.errors import StoreError

from itb_tui.store.session_lock import LOCK_CLASS, SCHEMA_KEY as _SCHEMA_KEY


@dataclass(frozen=True, slots=True)
class RestoredPg:
    schema: str
    kept_aside: str | None
    check_lines: tuple[str, ...]


def _libpq(url: str):
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed, env


def archive_script(backup: Path) -> str:
    """The archive's SQL script (`pg_restore -f -`); StoreError when it is not a readable
    pg_dump archive."""
    exe = shutil.which("pg_restore")
    if exe is None:
        raise StoreError("cannot restore a PostgreSQL store: pg_restore is not installed (install "
                         "the PostgreSQL client tools, e.g. apt-get install postgresql-client)")
    if not backup.is_file():
        raise StoreError(f"no backup file {backup}")
    done = subprocess.run([exe, "-f", "-", str(backup)], capture_output=True, timeout=3600)
    if done.returncode != 0:
        first = next((ln.strip() for ln in done.stderr.decode("utf-8", "replace").splitlines()
                      if ln.strip()), "no message")
        first = re.sub(r"^(pg_restore: )?(error: )?", "", first)
        raise StoreError(f"{backup} is not a readable itb-tui PostgreSQL backup (pg_restore: "
                         f"{first}); nothing was changed")
    return done.stdout.decode("utf-8")


def script_schema(script: str, backup: Path) -> str:
    """The schema the backup's tables live in."""
    found = re.search(r"^CREATE TABLE (\"?[A-Za-z0-9_]+\"?)\.patients \(", script, re.M)
    if found is None:
        raise StoreError(f"{backup} is not a backup of an itb-tui store (it has no patients "
                         "table); nothing was changed")
    return found.group(1).strip('"')


def script_parts(script: str):
    """The script as ("sql", text) and ("copy", statement, data) parts, in order. psql
    meta-commands (`\\restrict`, `\\connect`) are psql's, not SQL: left out."""
    sql: list[str] = []
    lines = iter(script.splitlines(keepends=True))
    for line in lines:
        if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
            if sql:
                yield ("sql", "".join(sql))
                sql = []
            data = []
            for row in lines:
                if row.rstrip("\n") == "\\.":
                    break
                data.append(row)
            yield ("copy", line.rstrip().rstrip(";"), "".join(data))
        elif line.startswith("\\"):
            continue
        else:
            sql.append(line)
    if sql:
        yield ("sql", "".join(sql))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _store_schema(conn, parsed) -> str:
    from itb_tui.store.backup import _search_path_schema

    schema = _search_path_schema(parsed)
    if schema:
        return schema
    from sqlalchemy import text

    return conn.execute(text("SELECT current_schema()")).scalar() or "public"


def _refuse_if_held(conn, schema: str) -> None:
    from sqlalchemy import text

    key = _SCHEMA_KEY.format(":schema")
    got = conn.execute(text(f"SELECT pg_try_advisory_xact_lock({LOCK_CLASS}, {key})"),
                       {"schema": schema}).scalar()
    if got:
        return
    pids = conn.execute(text(
        "SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = :c "
        f"AND objid = {key}::bigint::oid AND objsubid = 2 AND pid <> pg_backend_pid() ORDER BY pid"),
        {"c": LOCK_CLASS, "schema": schema}).scalars().all()
    raise StoreError(f"the store (schema {schema}) is open in other itb-tui sessions (server pid "
                     f"{', '.join(map(str, pids)) or 'unknown'}): close itb-tui on every terminal, "
                     "then restore; nothing was changed")


def _schema_exists(conn, schema: str) -> bool:
    from sqlalchemy import text

    return bool(conn.execute(text("SELECT count(*) FROM pg_namespace WHERE nspname = :n"),
                             {"n": schema}).scalar())


def _has_store(conn, schema: str) -> bool:
    from sqlalchemy import text

    return bool(conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = :n "
                                  "AND tablename = 'meta'"), {"n": schema}).scalar())


def _aside_name(conn, schema: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ").lower()
    base = f"{schema[:63 - 26]}_replaced_{stamp}"
    name, n = base, 1
    while _schema_exists(conn, name):
        n += 1
        name = f"{base}_{n}"
    return name


def _run_script(dbapi_conn, script: str) -> None:
    cur = dbapi_conn.cursor()
    try:
        for part in script_parts(script):
            if part[0] == "sql":
                if part[1].strip():
                    cur.execute(part[1])  # no parameters: the simple protocol, many statements
            else:
                with cur.copy(part[1]) as copy:
                    copy.write(part[2])
    finally:
        cur.close()


def _copy_schema_grants(conn, source: str, target: str) -> None:
    """A schema we created (the backup's script did not: the `public` schema) gets the
    replaced schema's grants, so the app's role can still reach its tables."""
    from sqlalchemy import text

    rows = conn.execute(text(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.privilege_type "
        "FROM pg_namespace n, aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE n.nspname = :n"), {"n": source}).all()
    for grantee, privilege in rows:
        conn.execute(text(f"GRANT {privilege} ON SCHEMA {_quote(target)} TO {grantee}"))


def restore_postgresql(backup: Path, url: str, *, actor: str, today: date) -> RestoredPg:
    """Replace the store at `url` by the checked backup (see the module notes)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    from itb_tui.store import audit, check, witness
    from itb_tui.store.connect import describe

    backup = backup.expanduser().absolute()
    script = archive_script(backup)
    dumped = script_schema(script, backup)
    parsed, _ = _libpq(url)
    engine = create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": 10})
    try:
        with engine.connect() as conn:
            with conn.begin():
                schema = _store_schema(conn, parsed)
                if dumped != schema:
                    raise StoreError(f"{backup} is a backup of the store in schema {dumped}, not of "
                                     f"this store (schema {schema}); nothing was changed")
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                _refuse_if_held(conn, schema)
                aside = None
                if _has_store(conn, schema):
                    conn.execute(text(f"SET LOCAL search_path TO {_quote(schema)}"))
                    audit.read_head(conn, lock=True)  # the replaced store's writer lock
                if _schema_exists(conn, schema):
                    aside = _aside_name(conn, schema)
                    conn.execute(text(f"ALTER SCHEMA {_quote(schema)} RENAME TO {_quote(aside)}"))
                created_by_script = re.search(rf"^CREATE SCHEMA {re.escape(_quote(schema))};|"
                                              rf"^CREATE SCHEMA {re.escape(schema)};", script, re.M)
                if not created_by_script:
                    conn.execute(text(f"CREATE SCHEMA {_quote(schema)}"))
                    if aside:
                        _copy_schema_grants(conn, aside, schema)
                _run_script(conn.connection.dbapi_connection, script)
                conn.execute(text(f"SET LOCAL search_path TO {_quote(schema)}"))
                conn.execute(text("SET LOCAL lock_timeout = '10s'"))
                result = check.run(conn)
                if not result.ok:
                    raise StoreError(f"the backup {backup} does not pass itb-tui check, so it is not "
                                     "restored (nothing was changed):\n  " + "\n  ".join(result.lines()))
                audit.defer(conn)
                audit.write(conn, [audit.row(
                    at=audit.now_utc(), actor=actor, action="restore", table="store", record_id=None,
                    mrn=None, before=None, reason=None,
                    after={"from": str(backup), "replaced_store_kept_as": f"schema {aside}" if aside else None})])
                head = audit.flush(conn)
                if head is not None:
                    witness.before_commit(conn, head)
                lines = tuple(check.run(conn).lines())
    except StoreError:
        raise
    except (DBAPIError, SQLAlchemyError) as exc:
        raise StoreError(f"cannot restore {backup}: {describe(exc, url)}; nothing was changed") from None
    except Exception as exc:  # psycopg's own errors from the raw cursor (COPY, script)
        text_ = " ".join(str(exc).split())[:300]
        raise StoreError(f"cannot restore {backup}: {text_}; nothing was changed") from None
    finally:
        engine.dispose()
    return RestoredPg(schema, aside, lines)
