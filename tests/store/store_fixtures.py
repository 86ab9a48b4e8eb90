"""Synthetic records and helpers for the store tests (no real patient)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)

TODAY = date(2026, 11, 10)


# --- synthetic records (no real patient) ------------------------------------------------

def pump(serial="NGP000123", *, refills=(), implanted_on=date(2023, 5, 1), removed_on=None,
         reservoir="20", alarm="2.0", conc="500", dose="300") -> Pump:
    return Pump(
        serial=serial, manufacturer="Medtronic", model="SynchroMed II",
        reservoir_ml=Decimal(reservoir), alarm_ml=Decimal(alarm), implanted_on=implanted_on,
        removed_on=removed_on, removal_reason=None, concentration_ug_ml=Decimal(conc),
        daily_dose_ug=Decimal(dose), refills=tuple(refills),
    )


def fungemia_patient(mrn="A1001", name="Doe, Jane") -> Patient:
    """The format document's example: fungemia cleared, course running, refill blocked."""
    return Patient(
        mrn=mrn, name=name, dob=date(1971, 4, 2), ward="Neuro 4B", bed="12",
        weight_kg=Decimal("61.0"), symptoms_resolved_on=date(2026, 11, 6),
        pumps=(pump(refills=(Refill(on=date(2026, 10, 20), volume_ml=Decimal("20"),
                                    programmer_alarm_on=date(2026, 11, 18)),)),),
        cultures=(
            Culture("blood", date(2026, 11, 1), "positive", "Candida krusei", {"fluconazole": "R"}),
            Culture("blood", date(2026, 11, 4), "no_growth"),
        ),
        antifungals=(AntifungalCourse("micafungin", Decimal("100"), date(2026, 11, 2)),),
        bridging=(Bridging("oral_baclofen", date(2026, 11, 2), "20 mg three times daily"),),
        exams=(Exam("dilated_eye_exam", date(2026, 11, 5), "no ocular candidiasis"),),
    )


def quiet_patient(mrn="B2002", name="Roe, Richard", ward="Rehab 2") -> Patient:
    """A pump, no infection: refill ok."""
    return Patient(
        mrn=mrn, name=name, dob=date(1980, 1, 15), ward=ward, bed="3",
        pumps=(pump("NGP000456", reservoir="40", conc="2000", dose="400",
                    refills=(Refill(on=date(2026, 10, 1), volume_ml=Decimal("39.95")),)),),
    )


def strip_ids(p: Patient) -> Patient:
    """The patient's content without store ids (what went in, to compare with what came out)."""
    from dataclasses import replace

    return replace(
        p, id=None,
        pumps=tuple(replace(x, id=None, refills=tuple(replace(r, id=None) for r in x.refills)) for x in p.pumps),
        cultures=tuple(replace(x, id=None) for x in p.cultures),
        antifungals=tuple(replace(x, id=None) for x in p.antifungals),
        bridging=tuple(replace(x, id=None) for x in p.bridging),
        exams=tuple(replace(x, id=None) for x in p.exams),
    )


def table_rows(store, table: str) -> list[dict]:
    """Every row of a table, entered-in-error ones included (what an auditor would see)."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


# --- users (synthetic accounts) --------------------------------------------------------------

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)


def add_users(store) -> None:
    """An admin, a clinician and a nurse, added by the system store (as `itb-tui user add`)."""
    store.create_user("ada", PASSWORD, ["admin"], "os:root")
    store.create_user("dr.carl", PASSWORD, ["clinician"], "os:root")
    store.create_user("nurse.nina", PASSWORD, ["nurse"], "os:root")


def signed_in(store, username: str, now=NOW):
    """The store bound to `username`, signed in with the shared test password."""
    return store.for_user(store.authenticate(username, PASSWORD, now))


# --- tampering (as someone who owns the database, not as the app) ----------------------------

def grant_back(conn) -> None:
    """PostgreSQL: the app's role has no UPDATE/DELETE/TRUNCATE on the trail (migration
    0005); an owner can grant them back, which is what a tamperer owning the tables does."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        conn.execute(text("GRANT UPDATE, DELETE, TRUNCATE ON audit, audit_witness TO CURRENT_USER"))


def tamper_sql(store, *statements: str, params: dict | None = None) -> None:
    """Run SQL on the store outside the app, in one transaction."""
    from sqlalchemy import text

    with store.engine.begin() as conn:
        grant_back(conn)
        for statement in statements:
            conn.execute(text(statement), params or {})
