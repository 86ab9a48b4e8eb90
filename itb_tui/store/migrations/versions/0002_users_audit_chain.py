"""Schema version 2: users and roles, and the audit trail chained by hash.

- `users`: canonical user name (unique), scrypt password hash, roles, when created,
  disabled and last signed in.
- `audit` gains `username` (the signed-in user; NULL for command-line writes), `prev_hash`
  and `hash`. Entries written before this upgrade are sealed here, in id order (their ids
  made consecutive first: a PostgreSQL sequence may have left gaps that would read as
  deletions). The chain can only vouch for them from the moment of this upgrade.
- `meta.audit_head` ("<last id> <last hash>"): the row every writer locks and the count
  that reveals a deleted tail.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from itb_tui.security.audit_chain import GENESIS, seal

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

HASHED = ("id", "at", "actor", "username", "action", "table_name", "record_id", "mrn",
          "before", "after", "reason")

audit = sa.table(
    "audit",
    sa.column("id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String), sa.column("username", sa.String),
    sa.column("action", sa.String), sa.column("table_name", sa.String),
    sa.column("record_id", sa.Integer), sa.column("mrn", sa.String),
    sa.column("before", sa.Text), sa.column("after", sa.Text), sa.column("reason", sa.Text),
    sa.column("prev_hash", sa.String), sa.column("hash", sa.String),
)
meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("roles", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True)),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("disabled_by", sa.String(100)),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
    )
    op.add_column("audit", sa.Column("username", sa.String(64)))
    op.add_column("audit", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit", sa.Column("hash", sa.String(64)))
    op.create_index("ix_audit_username", "audit", ["username"])
    last_id, last_hash = _seal_existing(op.get_bind())
    op.execute(meta.insert().values(key="audit_head", value=f"{last_id} {last_hash}"))
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="2"))


def _seal_existing(conn) -> tuple[int, str]:
    ids = list(conn.execute(sa.select(audit.c.id).order_by(audit.c.id)).scalars())
    for new_id, old_id in enumerate(ids, start=1):  # ascending: the new id is always free
        if new_id != old_id:
            conn.execute(audit.update().where(audit.c.id == old_id).values(id=new_id))
    rows = conn.execute(sa.select(*[audit.c[n] for n in HASHED]).order_by(audit.c.id)).all()
    prev, updates = GENESIS, []
    for r in rows:
        sealed = seal(prev, dict(zip(HASHED, r)))
        updates.append({"b_id": sealed["id"], "p_prev": prev, "p_hash": sealed["hash"]})
        prev = sealed["hash"]
    if updates:
        conn.execute(audit.update().where(audit.c.id == sa.bindparam("b_id"))
                     .values(prev_hash=sa.bindparam("p_prev"), hash=sa.bindparam("p_hash")), updates)
    return len(rows), prev


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
