"""Schema version 9: reviewed marks and "new result" markers (issues 16 and 15).

- `reviews`: a patient marked reviewed on the round, with who, when, the audit position
  the review covered and a summary of the assessment seen; only ever inserted, audited
  and digested like the clinical rows (store/rowdigest.py).
- `patient_opens`: per user and patient, the audit position the last opened detail
  covered (the list's "new result" marker); a convenience, neither audited nor digested.
- `ix_audit_table_name`: the marker reads the lab_reports entries of the trail.

New, empty tables and an index: no existing row changes, so every row digest recorded
before this version still holds (`itb-tui check` passes after the upgrade).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("reviewed_by", sa.String(100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("audit_position", sa.Integer, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("ix_reviews_patient_id", "reviews", ["patient_id"])
    op.create_table(
        "patient_opens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("seen_through", sa.Integer, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", "patient_id", name="uq_patient_opens_user_patient"),
    )
    op.create_index("ix_audit_table_name", "audit", ["table_name"])
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="9"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
