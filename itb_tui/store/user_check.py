"""`check` on the user accounts: is every row of `users` what the audit trail says the app
made it? (issue 14: a role raised to admin by SQL gives that user the whole ward.)

Every account write (create, password, roles, disable, sign-in) seals the row's digest in
its audit entry (store/rowdigest.py, `users` is a covered table), so a row changed, added
or removed outside the app is found like a clinical row. An account last written before
the trail covered users (a store older than this check) has no digest yet: it is still
proved, by replay, to have been created by the app (its `create` entry) and to hold the
roles the trail last recorded for it (create and set_roles entries carry them); its next
sign-in or change seals its digest. What replay cannot show for such an account (a
password hash swapped before it was ever sealed) is in docs/hazard-log.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from itb_tui.store import schema as s


@dataclass(slots=True)
class TrailUsers:
    """What the trail says about each account, by username."""
    created: set[str] = field(default_factory=set)
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # record id -> username


def _json(text: str | None) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def trail_users(conn: Connection) -> TrailUsers:
    a = s.audit.c
    out = TrailUsers()
    q = (select(a.action, a.record_id, a.after).where(a.table_name == "users")
         .where(a.action.in_(("create", "update"))).order_by(a.id))
    for action, rid, after in conn.execute(q):
        data = _json(after)
        name = data.get("username")
        if not isinstance(name, str):
            continue
        if rid is not None:
            out.names[rid] = name
        if action == "create":
            out.created.add(name)
        if isinstance(data.get("roles"), list):
            out.roles[name] = tuple(sorted(str(r) for r in data["roles"]))
    return out


def unsealed_problems(conn: Connection, rows: dict[int, tuple[str, str]], sealed: set[int],
                      trail: TrailUsers) -> list[str]:
    """The accounts with no digest in the trail (`rows`: id -> (username, roles text);
    `sealed`: the ids the trail has a digest for), proved by replay."""
    problems = []
    present = set()
    for rid, (name, roles_text) in sorted(rows.items()):
        present.add(name)
        if rid in sealed:
            continue
        where = f"users record {rid} (user {name})"
        if name not in trail.created:
            problems.append(f"{where} was added outside the app (no audit entry created it)")
            continue
        roles = tuple(sorted(r for r in (roles_text or "").split(",") if r))
        if name in trail.roles and roles != trail.roles[name]:
            problems.append(f"{where} was changed outside the app (roles {', '.join(roles) or 'none'}; "
                            f"the audit trail recorded {', '.join(trail.roles[name]) or 'none'})")
    for name in sorted(trail.created - present):
        rid = next((r for r, n in trail.names.items() if n == name), None)
        if rid is None or rid not in sealed:
            problems.append(f"users record {rid if rid is not None else '?'} (user {name}) was removed "
                            "outside the app (the audit trail created it)")
    return problems


def account_rows(conn: Connection) -> dict[int, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in conn.execute(select(s.users.c.id, s.users.c.username, s.users.c.roles))}
