"""Schema version 6: laboratory results from the lab's HL7 feed (issue 15).

- `lab_reports`: the lab's report behind a culture (accession / filler order number,
  unique per specimen source, so re-sending is idempotent; report status preliminary |
  final | corrected; the last message's control id). A clinical table (row digests).
- `lab_quarantine`: messages the import could not use, kept whole with why and when.

Both are new tables: no existing row changes, so every row digest recorded before this
version still holds (`itb-tui check` passes after the upgrade).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.create_table(
        "lab_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("culture_id", sa.Integer, sa.ForeignKey("cultures.id"), nullable=False),
        sa.Column("specimen", sa.String(40), nullable=False),
        sa.Column("accession", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("control_id", sa.String(100), nullable=True),
        sa.UniqueConstraint("specimen", "accession", name="uq_lab_reports_specimen_accession"),
    )
    op.create_index("ix_lab_reports_patient_id", "lab_reports", ["patient_id"])
    op.create_index("ix_lab_reports_culture_id", "lab_reports", ["culture_id"])
    op.create_table(
        "lab_quarantine",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(500), nullable=True),
        sa.Column("control_id", sa.String(100), nullable=True),
        sa.Column("mrn", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
    )
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="6"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
