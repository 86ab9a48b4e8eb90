"""The tables, as SQLModel table classes; the store queries their `__table__` with Core.

Why SQLModel classes but Core queries: the classes are the one declaration of the schema
(Alembic compares against their metadata; a reader sees each table as a typed class), while
the ward list reads 10,000+ patients as plain tuples (one query per table, no ORM object
or pydantic model per row). So code uses `PatientRow.__table__` (exported below as
`patients`, ...) and never instantiates a row class on the hot path. The classes live in
a registry of their own, so nothing else defined with SQLModel in the process can leak a
table into our schema or our migrations.

Design notes:
- Clinical rows are never deleted. Every child table has `entered_in_error_at/by/reason`
  (the `EnteredInError` mixin); those rows stay for the record and are filtered out of
  what the engine sees.
- Quantities are exact decimal strings (`DecimalText`): the same code round-trips
  `Decimal` exactly on SQLite (which has no decimal type and would go through float) and
  PostgreSQL, and keeps the scale as written ("20" stays 20, "2.0" stays 2.0), so
  export-then-import is the identity. The store never does arithmetic on them.
- Susceptibility is a JSON text column on the culture (sorted keys): a small map always
  read and written with its culture, never queried alone.
- `audit` is append-only, written in the same transaction as the change it records and
  chained by hash (`prev_hash`, `hash`); its ids are given by the store (previous + 1
  under the writer lock), never by a sequence, so a gap means a deleted entry. `meta`
  row `audit_head` ("<last id> <last hash>") is the lock writers take and lets a deleted
  tail be detected.
- `patients.row_version` counts changes to the patient and its records; a write that
  names the version the user saw is refused when it moved on (optimistic concurrency).
- `users`: user names are stored in canonical form (NFKC, case-folded), so the unique
  constraint makes "Alice" and "alice" one account on every database.
- Schema changes are Alembic revisions (`itb_tui/store/migrations`); `SCHEMA_VERSION`
  is also kept in `meta` so any version of the app can tell a newer store from an old one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import registry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from itb_tui.store.versions import HEAD_REVISION, REVISIONS, SCHEMA_VERSION  # noqa: E402,F401

# mark_entered_in_error(kind, ...) -> table name
RECORD_KINDS = {
    "pump": "pumps",
    "refill": "refills",
    "culture": "cultures",
    "course": "antifungal_courses",
    "bridging": "bridging",
    "exam": "exams",
    "note": "notes",  # a handover note (schema 8): struck out as every record is
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


class TableBase(SQLModel, registry=registry()):
    """Base of our table classes: their own registry, hence their own metadata.

    `defer_build`: pydantic would otherwise compile a validator for every class at import
    (about 0.1 s on every `itb-tui status`) that the store never uses: rows are read and
    written as plain tuples and dicts through the tables, never as model instances."""

    model_config = {"defer_build": True}


metadata = TableBase.metadata


def _col(name: str, type_, *args, **kw):
    """A Field bound to an explicit Column: the exact SQL name, type, nullability and
    index are spelled out here, as the migrations spell them."""
    kw.setdefault("nullable", True)
    return Field(default=None, sa_column=Column(name, type_, *args, **kw))


def _pk():
    return Field(default=None, sa_column=Column("id", Integer, primary_key=True))


class EnteredInError:
    """The three columns every clinical child table has: who struck the record out as
    entered in error, when, and why (the record itself is never deleted).

    A plain SQLAlchemy mixin, not a SQLModel base, on purpose: SQLAlchemy copies its
    Columns into each table AFTER the table's own columns, exactly where the migrations
    put them (`0001_initial._in_error`), so the CREATE TABLE a new store gets is unchanged;
    a SQLModel base would put them first. They are columns only, not model fields: row
    classes are never instantiated (see the module notes)."""

    entered_in_error_at = Column("entered_in_error_at", DateTime(timezone=True), nullable=True)
    entered_in_error_by = Column("entered_in_error_by", String(100), nullable=True)
    entered_in_error_reason = Column("entered_in_error_reason", Text, nullable=True)


class PatientRow(TableBase, table=True):
    __tablename__ = "patients"
    __table_args__ = (Index("ix_patients_ward", "ward"),)

    id: int | None = _pk()
    mrn: str = _col("mrn", String(64), nullable=False, unique=True)
    name: str = _col("name", String(200), nullable=False)
    dob: date | None = _col("dob", Date)
    ward: str | None = _col("ward", String(100))
    bed: str | None = _col("bed", String(40))
    weight_kg: Decimal | None = _col("weight_kg", DecimalText)
    symptoms_resolved_on: date | None = _col("symptoms_resolved_on", Date)
    neutrophil_recovery_on: date | None = _col("neutrophil_recovery_on", Date)
    row_version: int = Field(default=1, sa_column=Column("row_version", Integer, nullable=False, default=1))


class PumpRow(TableBase, EnteredInError, table=True):
    __tablename__ = "pumps"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    serial: str = _col("serial", String(100), nullable=False)
    manufacturer: str | None = _col("manufacturer", String(200))
    model: str | None = _col("model", String(200))
    reservoir_ml: Decimal = _col("reservoir_ml", DecimalText, nullable=False)
    alarm_ml: Decimal = _col("alarm_ml", DecimalText, nullable=False)
    implanted_on: date | None = _col("implanted_on", Date)
    removed_on: date | None = _col("removed_on", Date)
    removal_reason: str | None = _col("removal_reason", Text)
    concentration_ug_ml: Decimal = _col("concentration_ug_ml", DecimalText, nullable=False)
    daily_dose_ug: Decimal = _col("daily_dose_ug", DecimalText, nullable=False)


class RefillRow(TableBase, EnteredInError, table=True):
    __tablename__ = "refills"
    # Schema version 3: the latest refill of a pump on or before a date, by index.
    __table_args__ = (Index("ix_refills_pump_on", "pump_id", "refilled_on"),)

    id: int | None = _pk()
    pump_id: int = _col("pump_id", Integer, ForeignKey("pumps.id"), nullable=False, index=True)
    # "on" is an SQL keyword; the record field stays `on`.
    refilled_on: date = _col("refilled_on", Date, nullable=False)
    volume_ml: Decimal = _col("volume_ml", DecimalText, nullable=False)
    programmer_alarm_on: date | None = _col("programmer_alarm_on", Date)
    override_reason: str | None = _col("override_reason", Text)


class CultureRow(TableBase, EnteredInError, table=True):
    __tablename__ = "cultures"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    specimen: str = _col("specimen", String(40), nullable=False)
    drawn_on: date = _col("drawn_on", Date, nullable=False)
    result: str = _col("result", String(40), nullable=False)
    organism: str | None = _col("organism", String(200))
    susceptibility: str | None = _col("susceptibility", Text)  # JSON text, sorted keys; NULL when empty


class AntifungalCourseRow(TableBase, EnteredInError, table=True):
    __tablename__ = "antifungal_courses"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    drug: str = _col("drug", String(100), nullable=False)
    dose_mg: Decimal | None = _col("dose_mg", DecimalText)
    started_on: date = _col("started_on", Date, nullable=False)
    stopped_on: date | None = _col("stopped_on", Date)
    planned_stop_on: date | None = _col("planned_stop_on", Date)


class BridgingStop:
    """`bridging.stopped_on` (schema version 4, clinical rules revision 3): the last day
    of bridging; NULL while it runs or when not recorded.

    A mixin listed after EnteredInError for the same reason that one is a mixin: its
    Column is copied after them, where migration 0004's ADD COLUMN puts it, so a new store
    and an upgraded one have the same columns in the same order."""

    stopped_on = Column("stopped_on", Date, nullable=True)


class BridgingRow(TableBase, EnteredInError, BridgingStop, table=True):
    __tablename__ = "bridging"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    method: str = _col("method", String(40), nullable=False)
    started_on: date = _col("started_on", Date, nullable=False)
    detail: str | None = _col("detail", Text)


class ExamRow(TableBase, EnteredInError, table=True):
    __tablename__ = "exams"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    kind: str = _col("kind", String(40), nullable=False)
    exam_on: date = _col("exam_on", Date, nullable=False)  # the record field is `on`
    finding: str | None = _col("finding", Text)


class LabReportRow(TableBase, table=True):
    """Schema version 6 (issue 15): the laboratory's report behind a culture that came from
    the lab feed (`itb-tui results import`). The culture row holds the result the rules
    read; this row holds what only the feed knows: the lab's accession (filler order)
    number, unique per specimen source, which makes re-sending idempotent, and the
    report status (preliminary | final | corrected) the screens show. A clinical table:
    audited and digested like the culture (store/rowdigest.py)."""

    __tablename__ = "lab_reports"
    __table_args__ = (UniqueConstraint("specimen", "accession", name="uq_lab_reports_specimen_accession"),)

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    culture_id: int = _col("culture_id", Integer, ForeignKey("cultures.id"), nullable=False, index=True)
    specimen: str = _col("specimen", String(40), nullable=False)
    accession: str = _col("accession", String(100), nullable=False)
    status: str = _col("status", String(20), nullable=False)
    control_id: str | None = _col("control_id", String(100))  # MSH-10 of the last message applied


class LabQuarantineRow(TableBase, table=True):
    """Schema version 6 (issue 15): a laboratory message the import could not use (unknown
    MRN, date of birth that does not match, unknown organism, a culture it cannot read),
    kept whole with why and when, so nothing culture-like is dropped: a person reads it,
    fixes the cause and imports it again."""

    __tablename__ = "lab_quarantine"

    id: int | None = _pk()
    received_at: datetime = _col("received_at", DateTime(timezone=True), nullable=False)
    source: str | None = _col("source", String(500))  # the file it came from
    control_id: str | None = _col("control_id", String(100))
    mrn: str | None = _col("mrn", String(64))
    reason: str = _col("reason", Text, nullable=False)
    raw: str = _col("raw", Text, nullable=False)


class TaskDeferralRow(TableBase, table=True):
    """Schema version 7 (issue 16): a round task put off to a date, with why, who and
    when. Tasks themselves are never stored (present/tasks.py derives them); only their
    deferrals are. Rows are never updated or deleted: a later deferral of the same task
    key supersedes the earlier one, so the history of every deferral stays. Audited and
    digested like a clinical row (store/rowdigest.py): it decides what the round sees."""

    __tablename__ = "task_deferrals"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    task_key: str = _col("task_key", String(200), nullable=False)  # "<mrn>:<kind>:<rule code>"
    until: date = _col("until", Date, nullable=False)  # the task comes back on this day
    reason: str = _col("reason", Text, nullable=False)
    deferred_by: str = _col("deferred_by", String(100), nullable=False)
    deferred_at: datetime = _col("deferred_at", DateTime(timezone=True), nullable=False)  # UTC


class NoteRow(TableBase, EnteredInError, table=True):
    """Schema version 8 (issue 16): a handover note, free text about a patient with its
    author and when it was written. The text is never updated and the row never deleted:
    a wrong note is struck out as entered in error (it stays, with who, when and why), and
    a note for the handover is handed over by setting `handed_over_at/by` once, so the
    note as written stays readable in the store and the audit trail. Digested like a
    clinical row (store/rowdigest.py): a note changed by hand would mislead the next shift."""

    __tablename__ = "notes"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    text: str = _col("text", Text, nullable=False)
    for_handover: bool = _col("for_handover", Boolean, nullable=False)  # as written
    written_by: str = _col("written_by", String(100), nullable=False)
    written_at: datetime = _col("written_at", DateTime(timezone=True), nullable=False)  # UTC
    handed_over_at: datetime | None = _col("handed_over_at", DateTime(timezone=True))  # UTC
    handed_over_by: str | None = _col("handed_over_by", String(100))


class ReviewRow(TableBase, table=True):
    """Schema version 9 (issue 16): a patient marked reviewed on the round (`v`): who,
    when, the last audit entry the reviewer's screen covered (`audit_position`) and a
    small summary of the assessment they saw (present/changes.py: refill status, critical
    alert codes, the pump, its dose and concentration). "Changed since review" is the
    patient's audit entries after that position plus what differs from the summary.
    Only ever inserted: the newest row per patient is the last review. Audited and
    digested like a clinical row (store/rowdigest.py): a review hides changes."""

    __tablename__ = "reviews"

    id: int | None = _pk()
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False, index=True)
    reviewed_by: str = _col("reviewed_by", String(100), nullable=False)
    reviewed_at: datetime = _col("reviewed_at", DateTime(timezone=True), nullable=False)  # UTC
    audit_position: int = _col("audit_position", Integer, nullable=False)
    summary: str = _col("summary", Text, nullable=False)  # canonical JSON


class PatientOpenRow(TableBase, table=True):
    """Schema version 9 (issue 15): the last time each user opened each patient's detail,
    as the audit position the detail's data covered (`seen_through`), for the list's
    "new result" marker. Not a clinical record: one row per (user, patient), overwritten,
    never audited nor digested (like `list_rows`); a lost or altered row can only show a
    marker too many or too few, never change a record or a refill decision."""

    __tablename__ = "patient_opens"
    __table_args__ = (UniqueConstraint("username", "patient_id", name="uq_patient_opens_user_patient"),)

    id: int | None = _pk()
    username: str = _col("username", String(100), nullable=False)
    patient_id: int = _col("patient_id", Integer, ForeignKey("patients.id"), nullable=False)
    seen_through: int = _col("seen_through", Integer, nullable=False)
    opened_at: datetime = _col("opened_at", DateTime(timezone=True), nullable=False)  # UTC


class AuditRow(TableBase, table=True):
    __tablename__ = "audit"
    # ix_audit_table_name (schema 9): the "new result" marker reads the lab_reports entries.
    __table_args__ = (Index("ix_audit_mrn", "mrn"), Index("ix_audit_username", "username"),
                      Index("ix_audit_table_name", "table_name"))

    # Given by the store (previous id + 1), never by a sequence: see the module notes.
    id: int | None = Field(default=None, sa_column=Column("id", Integer, primary_key=True, autoincrement=False))
    at: datetime = _col("at", DateTime(timezone=True), nullable=False)  # UTC
    actor: str = _col("actor", String(100), nullable=False)
    action: str = _col("action", String(20), nullable=False)
    table_name: str = _col("table_name", String(40), nullable=False)
    record_id: int | None = _col("record_id", Integer)
    mrn: str | None = _col("mrn", String(64))
    before: str | None = _col("before", Text)  # JSON of the record before (NULL on create)
    after: str | None = _col("after", Text)  # JSON after the change
    reason: str | None = _col("reason", Text)
    # Schema version 2: the signed-in user (NULL for command-line writes) and the chain.
    username: str | None = _col("username", String(64))
    prev_hash: str | None = _col("prev_hash", String(64))
    hash: str | None = _col("hash", String(64))
    # Schema version 5: the digests of the rows this entry's write left (store/rowdigest.py).
    row_digests: str | None = _col("row_digests", Text)


class AuditWitnessRow(TableBase, table=True):
    """Schema version 5, PostgreSQL: the chain head after every committed write, in a
    table the app role may only insert into (migration 0005 revokes UPDATE, DELETE and
    TRUNCATE), so deleting the newest entries and moving `audit_head` back is found. On
    SQLite the witness is a file beside the store (store/witness.py); the table is unused."""

    __tablename__ = "audit_witness"

    seq: int | None = Field(default=None, sa_column=Column("seq", Integer, primary_key=True))
    last_id: int = _col("last_id", Integer, nullable=False)
    last_hash: str = _col("last_hash", String(64), nullable=False)
    at: datetime = _col("at", DateTime(timezone=True), nullable=False)


class MetaRow(TableBase, table=True):
    __tablename__ = "meta"

    key: str = Field(sa_column=Column("key", String(64), primary_key=True))
    value: str = _col("value", Text, nullable=False)


class UserRow(TableBase, table=True):
    __tablename__ = "users"

    id: int | None = _pk()
    username: str = _col("username", String(64), nullable=False, unique=True)  # canonical form
    password_hash: str = _col("password_hash", String(255), nullable=False)
    roles: str = _col("roles", String(100), nullable=False)  # comma-separated, table order
    created_at: datetime = _col("created_at", DateTime(timezone=True), nullable=False)
    created_by: str = _col("created_by", String(100), nullable=False)
    password_changed_at: datetime | None = _col("password_changed_at", DateTime(timezone=True))
    disabled_at: datetime | None = _col("disabled_at", DateTime(timezone=True))
    disabled_by: str | None = _col("disabled_by", String(100))
    last_login_at: datetime | None = _col("last_login_at", DateTime(timezone=True))


class ListRowRow(TableBase, table=True):
    """Schema version 3: the ward list's row for a patient as last derived (a cache, not
    clinical data: see store/list_rows.py)."""

    __tablename__ = "list_rows"

    patient_id: int = Field(sa_column=Column("patient_id", Integer, ForeignKey("patients.id"),
                                             primary_key=True, autoincrement=False))
    row_version: int = _col("row_version", Integer, nullable=False)
    key: str = _col("key", String(200), nullable=False)
    payload: str = _col("payload", Text, nullable=False)


# The Core tables every query uses (no ORM object per row).
patients = PatientRow.__table__
pumps = PumpRow.__table__
refills = RefillRow.__table__
cultures = CultureRow.__table__
antifungal_courses = AntifungalCourseRow.__table__
bridging = BridgingRow.__table__
exams = ExamRow.__table__
audit = AuditRow.__table__
audit_witness = AuditWitnessRow.__table__
meta = MetaRow.__table__
users = UserRow.__table__
list_rows = ListRowRow.__table__
lab_reports = LabReportRow.__table__
lab_quarantine = LabQuarantineRow.__table__
task_deferrals = TaskDeferralRow.__table__
notes = NoteRow.__table__
reviews = ReviewRow.__table__
patient_opens = PatientOpenRow.__table__
