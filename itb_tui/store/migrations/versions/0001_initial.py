"""Schema version 1: patients and their clinical records, the audit trail, meta.

This is the schema the store had before migrations existed (written by create_all). A
store from that time has no alembic_version table; `itb_tui.store.migrate` recognises it
by meta.schema_version = 1 and stamps it at this revision before upgrading.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

DecimalText = sa.String(40)  # exact decimal strings (itb_tui.store.schema.DecimalText)


def _in_error() -> list[sa.Column]:
    return [
        sa.Column("entered_in_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entered_in_error_by", sa.String(100), nullable=True),
        sa.Column("entered_in_error_reason", sa.Text, nullable=True),
    ]


def _child(name: str, fk: str, parent: str, *columns: sa.Column) -> None:
    """A clinical child table: id, the parent's id (indexed), columns, entered-in-error."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(fk, sa.Integer, sa.ForeignKey(parent), nullable=False),
        *columns,
        *_in_error(),
    )
    op.create_index(f"ix_{name}_{fk}", name, [fk])


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mrn", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dob", sa.Date),
        sa.Column("ward", sa.String(100)),
        sa.Column("bed", sa.String(40)),
        sa.Column("weight_kg", DecimalText),
        sa.Column("symptoms_resolved_on", sa.Date),
        sa.Column("neutrophil_recovery_on", sa.Date),
        sa.Column("row_version", sa.Integer, nullable=False),
    )
    op.create_index("ix_patients_ward", "patients", ["ward"])
    _child(
        "pumps", "patient_id", "patients.id",
        sa.Column("serial", sa.String(100), nullable=False),
        sa.Column("manufacturer", sa.String(200)),
        sa.Column("model", sa.String(200)),
        sa.Column("reservoir_ml", DecimalText, nullable=False),
        sa.Column("alarm_ml", DecimalText, nullable=False),
        sa.Column("implanted_on", sa.Date),
        sa.Column("removed_on", sa.Date),
        sa.Column("removal_reason", sa.Text),
        sa.Column("concentration_ug_ml", DecimalText, nullable=False),
        sa.Column("daily_dose_ug", DecimalText, nullable=False),
    )
    _child(
        "refills", "pump_id", "pumps.id",
        sa.Column("refilled_on", sa.Date, nullable=False),
        sa.Column("volume_ml", DecimalText, nullable=False),
        sa.Column("programmer_alarm_on", sa.Date),
        sa.Column("override_reason", sa.Text),
    )
    _child(
        "cultures", "patient_id", "patients.id",
        sa.Column("specimen", sa.String(40), nullable=False),
        sa.Column("drawn_on", sa.Date, nullable=False),
        sa.Column("result", sa.String(40), nullable=False),
        sa.Column("organism", sa.String(200)),
        sa.Column("susceptibility", sa.Text),
    )
    _child(
        "antifungal_courses", "patient_id", "patients.id",
        sa.Column("drug", sa.String(100), nullable=False),
        sa.Column("dose_mg", DecimalText),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("stopped_on", sa.Date),
        sa.Column("planned_stop_on", sa.Date),
    )
    _child(
        "bridging", "patient_id", "patients.id",
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("detail", sa.Text),
    )
    _child(
        "exams", "patient_id", "patients.id",
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("exam_on", sa.Date, nullable=False),
        sa.Column("finding", sa.Text),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Integer),
        sa.Column("mrn", sa.String(64)),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_audit_mrn", "audit", ["mrn"])
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])


def downgrade() -> None:
    raise NotImplementedError("itb-tui never downgrades a store: restore the backup taken before the upgrade")
