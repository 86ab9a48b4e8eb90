"""Schema version 7: task deferrals (issue 16).

- `task_deferrals`: a round task put off to a date with a reason, who and when. The
  tasks are derived from the rules and never stored; only their deferrals are. Rows are
  only ever inserted (a later deferral of the same task supersedes an earlier one) and
  are digested like the clinical rows (store/rowdigest.py).

A new, empty table: no existing row changes, so every row digest recorded before this
version still holds (`itb-tui check` passes after the upgrade).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.create_table(
        "task_deferrals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("task_key", sa.String(200), nullable=False),
        sa.Column("until", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("deferred_by", sa.String(100), nullable=False),
        sa.Column("deferred_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_task_deferrals_patient_id", "task_deferrals", ["patient_id"])
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="7"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
