"""Schema version 8: handover notes (issue 16, item 3).

- `notes`: free text about a patient, with its author and when it was written, and
  whether it is for the handover to the next shift. A note is never updated in its
  text and never deleted: it is struck out as entered in error (the three columns every
  clinical record has), and its handover flag is cleared by recording who handed it
  over and when (`handed_over_at/by`, set once), so the note as written always stays.
  Digested like the clinical rows (store/rowdigest.py).

A new, empty table: no existing row changes, so every row digest recorded before this
version still holds (`itb-tui check` passes after the upgrade).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("for_handover", sa.Boolean, nullable=False),
        sa.Column("written_by", sa.String(100), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_over_by", sa.String(100), nullable=True),
        sa.Column("entered_in_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entered_in_error_by", sa.String(100), nullable=True),
        sa.Column("entered_in_error_reason", sa.Text, nullable=True),
    )
    op.create_index("ix_notes_patient_id", "notes", ["patient_id"])
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value="8"))


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
