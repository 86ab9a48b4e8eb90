"""The tables, written in SQLAlchemy Core.

Why Core and not SQLModel classes: the ward list reads 10,000+ patients as plain tuples
(one query per table, no ORM object per row), and `import sqlmodel` alone costs about
0.3 s more than `import sqlalchemy` on every `itb-tui status`. The tables are the same
SQLAlchemy `Table` objects SQLModel would build; nothing here needs pydantic.

Design notes (each leaves room for the later issues as an addition, not a rewrite):
- Clinical rows are never deleted. Every child table has `entered_in_error_at/by/reason`;
  those rows stay for the record and are filtered out of what the engine sees.
- Quantities are exact decimal strings (`DecimalText`): the same code round-trips
  `Decimal` exactly on SQLite (which has no decimal type and would go through float) and
  PostgreSQL, and keeps the scale as written ("20" stays 20, "2.0" stays 2.0), so
  export-then-import is the identity. The store never does arithmetic on them.
- Susceptibility is a JSON text column on the culture (sorted keys): a small map always
  read and written with its culture, never queried alone; one column keeps
  `load_patients` at one query per table and the audit before/after whole.
- `audit` is append-only and written in the same transaction as the change it records.
  Hash chaining (prev_hash/hash), user ids and roles are new nullable columns later.
- `patients.row_version` counts changes to the patient and its records (optimistic
  concurrency in a later issue compares it).
- `meta` holds `schema_version` (migrations key off it) and the store `kind`
  (`demo` marks a store the demo builder may overwrite).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 1

# mark_entered_in_error(kind, ...) -> table name
RECORD_KINDS = {
    "pump": "pumps",
    "refill": "refills",
    "culture": "cultures",
    "course": "antifungal_courses",
    "bridging": "bridging",
    "exam": "exams",
}


class DecimalText(TypeDecorator):
    """`Decimal` stored as its exact string; read back as the same `Decimal`."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            # A float here is a caller's bug; repr() is the shortest exact round trip.
            value = Decimal(repr(value))
        try:
            d = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            raise ValueError(f"not a decimal number: {value!r}") from None
        if not d.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return str(d)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


metadata = MetaData()


def _in_error_columns() -> list[Column]:
    return [
        Column("entered_in_error_at", DateTime(timezone=True), nullable=True),
        Column("entered_in_error_by", String(100), nullable=True),
        Column("entered_in_error_reason", Text, nullable=True),
    ]


patients = Table(
    "patients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mrn", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("dob", Date),
    Column("ward", String(100)),
    Column("bed", String(40)),
    Column("weight_kg", DecimalText),
    Column("symptoms_resolved_on", Date),
    Column("neutrophil_recovery_on", Date),
    Column("row_version", Integer, nullable=False, default=1),
)
Index("ix_patients_ward", patients.c.ward)

pumps = Table(
    "pumps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True),
    Column("serial", String(100), nullable=False),
    Column("manufacturer", String(200)),
    Column("model", String(200)),
    Column("reservoir_ml", DecimalText, nullable=False),
    Column("alarm_ml", DecimalText, nullable=False),
    Column("implanted_on", Date),
    Column("removed_on", Date),
    Column("removal_reason", Text),
    Column("concentration_ug_ml", DecimalText, nullable=False),
    Column("daily_dose_ug", DecimalText, nullable=False),
    *_in_error_columns(),
)

refills = Table(
    "refills",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pump_id", Integer, ForeignKey("pumps.id"), nullable=False, index=True),
    # "on" is an SQL keyword; the record field stays `on`.
    Column("refilled_on", Date, nullable=False),
    Column("volume_ml", DecimalText, nullable=False),
    Column("programmer_alarm_on", Date),
    Column("override_reason", Text),
    *_in_error_columns(),
)

cultures = Table(
    "cultures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True),
    Column("specimen", String(40), nullable=False),
    Column("drawn_on", Date, nullable=False),
    Column("result", String(40), nullable=False),
    Column("organism", String(200)),
    Column("susceptibility", Text),  # JSON object text, sorted keys; NULL when empty
    *_in_error_columns(),
)

antifungal_courses = Table(
    "antifungal_courses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True),
    Column("drug", String(100), nullable=False),
    Column("dose_mg", DecimalText),
    Column("started_on", Date, nullable=False),
    Column("stopped_on", Date),
    Column("planned_stop_on", Date),
    *_in_error_columns(),
)

bridging = Table(
    "bridging",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True),
    Column("method", String(40), nullable=False),
    Column("started_on", Date, nullable=False),
    Column("detail", Text),
    *_in_error_columns(),
)

exams = Table(
    "exams",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("exam_on", Date, nullable=False),  # the record field is `on`
    Column("finding", Text),
    *_in_error_columns(),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),  # UTC
    Column("actor", String(100), nullable=False),
    Column("action", String(20), nullable=False),  # create|update|entered_in_error|import
    Column("table_name", String(40), nullable=False),
    Column("record_id", Integer),
    Column("mrn", String(64)),
    Column("before", Text),  # JSON of the record before the change (NULL on create)
    Column("after", Text),  # JSON after the change
    Column("reason", Text),
)
Index("ix_audit_mrn", audit.c.mrn)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
