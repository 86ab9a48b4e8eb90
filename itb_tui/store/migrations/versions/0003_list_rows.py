"""Schema version 3: saved ward-list rows, and the refills index the latest-refill query uses.

- `list_rows`: one row per patient, the ward list's display row as the UI last derived
  it (`payload`, opaque text to the store), with the patient's `row_version` and the
  `key` (code, rules table and date) it was derived under. Not clinical data: a cache the
  list may show at start only while it matches the patient's current `row_version` and
  the caller's key exactly; it is re-derived from the records right after
  (store/list_rows.py, docs/hazard-log.md H35). Never audited, never exported.
- `ix_refills_pump_on` (pump_id, refilled_on): the "latest refill on or before a date"
  subquery of `status` and of the ward list reads one index entry per pump instead of
  every refill of the pump.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.create_table(
        "list_rows",
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), primary_key=True,
                  autoincrement=False),
        sa.Column("row_version", sa.Integer, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index("ix_refills_pump_on", "refills", ["pump_id", "refilled_on"])
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="3"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
