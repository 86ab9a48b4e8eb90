"""Schema version 5: the audit trail covers every clinical row, and its head is witnessed.

- `audit.row_digests`: the digest of each row an entry's write left (store/rowdigest.py),
  hashed into the entry when present; older entries have NULL and verify as before.
- `audit_witness` (PostgreSQL's witness; unused on SQLite, whose witness is a file):
  the chain head after every committed write.
- PostgreSQL: UPDATE, DELETE and TRUNCATE on `audit` and `audit_witness` are revoked
  from PUBLIC and from the role running the upgrade (the app's role): the trail is
  insert-only for the app. See docs/roles.md for running the app under a role that does
  not own the tables (an owner can grant itself the rights back).

The baseline entries (the digests of the rows already held) and the witness's first head
are written by `migrate.witness_start` in the same transaction, after this revision,
because they use the tables as the code at head declares them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.add_column("audit", sa.Column("row_digests", sa.Text, nullable=True))
    op.create_table(
        "audit_witness",
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("last_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in ("audit", "audit_witness"):
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM CURRENT_USER")
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="5"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
