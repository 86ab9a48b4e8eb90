"""Open the store for the app without making the first screen wait for SQLAlchemy.

Why: the writable Store imports SQLAlchemy, SQLModel, Alembic and the account code
(~0.7 s on the reference machine) before its first query, while the ward list's first
frame needs only its saved rows (store/list_rows.py), which the read-only fast path
(reader.py, plain `sqlite3`) reads in milliseconds. `open_for_app` returns:

- the opened Store, when the store is not current (new, older, newer, damaged): it is
  created, upgraded (with its backup) or refused right here, before any screen, exactly
  as `open_store` always did;
- else a `DeferredStore`: saved list rows come from the reader; anything else (every
  write, every record read, signing in) opens the real Store on first use, in the
  thread that needs it, and is then served by it. Nothing is decided from the reader
  but which saved rows the list may draw first, and those are re-derived at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from os import PathLike
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from itb_tui.clinical.records import AntifungalCourse, Bridging, Culture, Exam, Patient, Pump, Refill
    from itb_tui.security.audit_chain import VerifyResult
    from itb_tui.security.session import Session
    from itb_tui.store.audit import AuditEntry
    from itb_tui.store.check import CheckResult
    from itb_tui.store.deferral_read import TaskDeferral
    from itb_tui.store.detail_read import PatientDetail
    from itb_tui.store.note_read import Note
    from itb_tui.store.importer import ImportResult
    from itb_tui.store.review_read import PatientReview
    from itb_tui.store.lab_quarantine import QuarantinedMessage
    from itb_tui.store.lab_batch import LabBatch
    from itb_tui.store.results import LabOutcome
    from sqlalchemy.engine import Engine

    from itb_tui.store.store import Store
    from itb_tui.store.users import User


def missing_store_path(url: str):
    """The file a SQLite `url` names when no store is there yet (None: it exists, or the
    URL is another database). The command line refuses to create a store there unasked."""
    from itb_tui.paths import sqlite_path

    path = sqlite_path(url)
    if path is None or path.exists():
        return None
    return path


def open_for_app(url: str, *, today: date):
    """The store for the app at `url`: a `DeferredStore` when the schema is current,
    else the Store `open_store` returns (or its clear StoreError)."""
    from itb_tui.store.reader import open_reader

    reader = open_reader(url)
    if reader is None:
        from itb_tui.store import open_store

        return open_store(url, today=today)
    return DeferredStore(url, today, reader)


class DeferredStore:
    """Stands for the Store until first used, then is it (every method is the opened
    Store's). Thread-safe: the first user opens it, others wait for that.

    Each method of `ports.WardStore` is spelled out below (not only forwarded by
    `__getattr__`), so the type check proves this class is a whole store."""

    def __init__(self, url: str, today: date, reader) -> None:
        self._url = url
        self._today = today
        self._reader = reader
        self._lock = threading.Lock()
        self._store = None
        self._error: BaseException | None = None
        self._row_maker = None  # see keep_list_rows

    @property
    def opened(self) -> bool:
        return self._store is not None

    def store(self) -> Store:
        """The real Store, opened now if it is not yet (raises its StoreError if it
        cannot be, every time it is asked)."""
        if self._store is not None:
            return self._store
        with self._lock:
            if self._store is None and self._error is None:
                from itb_tui.store import open_store

                try:
                    opened = open_store(self._url, today=self._today)
                    if self._row_maker is not None:
                        opened.keep_list_rows(self._row_maker)
                    self._store = opened
                except BaseException as exc:  # re-raised to every caller below
                    self._error = exc
                else:
                    self._close_reader()  # the Store serves everything from now on
        if self._error is not None:
            raise self._error
        return self._store

    def saved_list_rows(self, key: str):
        """Served by the reader until the Store is open (the same rows: reader.py)."""
        if self._store is None and self._reader is not None:
            return self._reader.saved_list_rows(key)
        return self.store().saved_list_rows(key)

    def keep_list_rows(self, maker: Callable[[list, dict], list] | None) -> None:
        """Handed to the Store when it opens (or now, if it is open): writes only ever
        go through the Store."""
        self._row_maker = maker
        if self._store is not None:
            self._store.keep_list_rows(maker)

    def list_reads(self, as_of: date, mrns: Sequence[str] | None = None):
        """Served by the reader until the Store is open (the system's view, as the saved
        rows: a DeferredStore is only ever the app's store before anyone signs in). Read
        under the lock, so the Store opening in another thread cannot close the reader
        half-way through."""
        if self._store is None and self._reader is not None:
            with self._lock:
                reader = self._reader
                if self._store is None and reader is not None:
                    from itb_tui.store import list_rows

                    return reader._read(lambda cur, ph: list_rows.read_for_list(cur, ph, as_of, mrns))
        return self.store().list_reads(as_of, mrns)

    def close(self) -> None:
        self._close_reader()
        if self._store is not None:
            self._store.close()

    def _close_reader(self) -> None:
        """Let go of the read-only connection (a reader still using it gets a StoreError,
        which the list takes as "no saved rows")."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The URL without its password, without opening the Store for it."""
        if self._store is not None:
            return self._store.url
        from itb_tui.store.reader import display_url

        return display_url(self._url)

    # --- ports.WardStore: each served by the Store, opened on first use --------------

    def load_patients(self, ward: str | None=None) -> list[Patient]:
        return self.store().load_patients(ward)

    def get_patient(self, mrn: str) -> Patient | None:
        return self.store().get_patient(mrn)

    def wards(self) -> list[str]:
        return self.store().wards()

    def patient_count(self) -> int:
        return self.store().patient_count()

    @property
    def upgrade(self) -> Any:
        return self.store().upgrade

    def load_for_export(self, ward: str | None=None, mrns: Sequence[str] | None=None, *,
                        purpose: str = "export") -> list[Patient]:
        return self.store().load_for_export(ward, mrns, purpose=purpose)

    def data_version(self) -> int:
        return self.store().data_version()

    def save_list_rows(self, key: str, rows: Sequence[tuple[int, int, str]]) -> int:
        return self.store().save_list_rows(key, rows)

    def audit_trail(self, mrn: str | None=None, username: str | None=None, since: date | datetime | None=None, until: date | datetime | None=None, *, limit: int | None=None) -> list[AuditEntry]:
        return self.store().audit_trail(mrn, username, since, until, limit=limit)

    def lab_reports(self, mrn: str | None = None) -> dict[str, dict[int, tuple[str, str]]]:
        return self.store().lab_reports(mrn)

    def audit_entries(self, tables: Sequence[str], *,
                      actions: Sequence[str] | None = None) -> list[AuditEntry]:
        return self.store().audit_entries(tables, actions=actions)

    def lab_quarantine(self, *, state: str | None = None) -> list:
        return self.store().lab_quarantine(state=state)

    def get_meta(self, key: str) -> str | None:
        return self.store().get_meta(key)

    def set_meta(self, key: str, value: str, actor: str | None = None) -> None:
        return self.store().set_meta(key, value, actor)

    def for_user(self, session: Session) -> Any:
        return self.store().for_user(session)

    def import_patients(self, patients: Sequence[Patient], actor: str, *, reason: str | None=None,
                        correction_reason: str | None = None) -> ImportResult:
        return self.store().import_patients(patients, actor, reason=reason, correction_reason=correction_reason)

    def save_patient(self, patient: Patient, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().save_patient(patient, actor, reason=reason, expected_version=expected_version)

    def add_pump(self, mrn: str, pump: Pump, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().add_pump(mrn, pump, actor, reason=reason, expected_version=expected_version)

    def add_culture(self, mrn: str, culture: Culture, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().add_culture(mrn, culture, actor, reason=reason, expected_version=expected_version)

    def add_course(self, mrn: str, course: AntifungalCourse, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().add_course(mrn, course, actor, reason=reason, expected_version=expected_version)

    def add_bridging(self, mrn: str, bridging: Bridging, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().add_bridging(mrn, bridging, actor, reason=reason, expected_version=expected_version)

    def add_exam(self, mrn: str, exam: Exam, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().add_exam(mrn, exam, actor, reason=reason, expected_version=expected_version)

    def update_culture(self, culture_id: int, culture: Culture, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().update_culture(culture_id, culture, actor, reason=reason, expected_version=expected_version)

    def update_course(self, course_id: int, course: AntifungalCourse, actor: str, *, reason: str | None=None, expected_version: int | None=None) -> Patient:
        return self.store().update_course(course_id, course, actor, reason=reason, expected_version=expected_version)

    def explant_pump(self, mrn: str, pump_id: int, removed_on: date, reason: str, actor: str, *, expected_version: int | None=None) -> Patient:
        return self.store().explant_pump(mrn, pump_id, removed_on, reason, actor, expected_version=expected_version)

    def replace_pump(self, mrn: str, old_pump_id: int, removed_on: date, reason: str, new_pump: Pump, actor: str, *, expected_version: int | None=None) -> Patient:
        return self.store().replace_pump(mrn, old_pump_id, removed_on, reason, new_pump, actor, expected_version=expected_version)

    def record_refill(self, mrn: str, pump_id: int, refill: Refill, actor: str, override_reason: str | None=None, *, expected_version: int | None=None) -> Patient:
        return self.store().record_refill(mrn, pump_id, refill, actor, override_reason, expected_version=expected_version)

    def mark_entered_in_error(self, kind: str, record_id: int, reason: str, actor: str, *, expected_version: int | None=None) -> Patient:
        return self.store().mark_entered_in_error(kind, record_id, reason, actor, expected_version=expected_version)

    def defer_task(self, mrn: str, task_key: str, until: date, reason: str, actor: str, *,
                   expected_version: int | None = None) -> TaskDeferral:
        return self.store().defer_task(mrn, task_key, until, reason, actor, expected_version=expected_version)

    def task_deferrals(self, mrn: str | None = None) -> list[TaskDeferral]:
        return self.store().task_deferrals(mrn)

    def notes(self, mrn: str | None = None, *, include_in_error: bool = False) -> list[Note]:
        return self.store().notes(mrn, include_in_error=include_in_error)

    def add_note(self, mrn: str, text: str, actor: str, *, for_handover: bool = False) -> Note:
        return self.store().add_note(mrn, text, actor, for_handover=for_handover)

    def mark_note_handed_over(self, note_id: int, actor: str) -> Note:
        return self.store().mark_note_handed_over(note_id, actor)

    def mark_reviewed(self, mrn: str, summary: Mapping[str, Any], actor: str, *,
                      expected_version: int | None = None) -> PatientReview:
        return self.store().mark_reviewed(mrn, summary, actor, expected_version=expected_version)

    def patient_reviews(self, mrn: str | None = None) -> dict[str, PatientReview]:
        return self.store().patient_reviews(mrn)

    def mark_opened(self, mrn: str, seen_through: int) -> None:
        return self.store().mark_opened(mrn, seen_through)

    def new_results(self) -> dict[str, int]:
        return self.store().new_results()

    def authenticate(self, username: str, password: str, now: datetime | None=None) -> Session:
        return self.store().authenticate(username, password, now)

    def create_first_admin(self, username: str, password: str, actor: str | None=None, *,
                           clinician: bool = False) -> User:
        return self.store().create_first_admin(username, password, actor, clinician=clinician)

    def create_user(self, username: str, password: str, roles: Iterable[str], actor: str | None=None) -> User:
        return self.store().create_user(username, password, roles, actor)

    def list_users(self) -> list[User]:
        return self.store().list_users()

    def disable_user(self, username: str, actor: str | None=None, *, reason: str | None=None) -> User:
        return self.store().disable_user(username, actor, reason=reason)

    def set_password(self, username: str, password: str, actor: str | None=None) -> None:
        return self.store().set_password(username, password, actor)

    def check(self) -> CheckResult:
        return self.store().check()

    def verify_audit(self) -> VerifyResult:
        return self.store().verify_audit()

    def backup(self, dest: str | PathLike, actor: str | None=None) -> str:
        return self.store().backup(dest, actor)

    # --- the rest of the Store's public methods, spelled out too (not only reached
    # through __getattr__), so the type check sees them; the architecture test
    # (test_deferred_store_signatures.py) fails for a Store method missing here.

    def update_bridging(self, bridging_id: int, bridging: Bridging, actor: str, *, reason: str | None = None,
                        expected_version: int | None = None) -> Patient:
        return self.store().update_bridging(bridging_id, bridging, actor, reason=reason,
                                            expected_version=expected_version)

    def culture_corrections(self, mrn: str) -> dict:
        return self.store().culture_corrections(mrn)

    def detail_bundle(self, mrn: str) -> PatientDetail | None:
        return self.store().detail_bundle(mrn)

    def lab_report_statuses(self, mrn: str) -> dict[int, tuple[str, str]]:
        return self.store().lab_report_statuses(mrn)

    def apply_lab_message(self, *, mrn: str, dob: date | None, reports: Sequence[Any], control_id: str,
                          raw: str, source: str | None, actor: str) -> LabOutcome:
        return self.store().apply_lab_message(mrn=mrn, dob=dob, reports=reports, control_id=control_id,
                                              raw=raw, source=source, actor=actor)

    def lab_batch(self) -> LabBatch:
        return self.store().lab_batch()

    def quarantine_lab_message(self, *, raw: str, reason: str, control_id: str | None, mrn: str | None,
                               source: str | None, actor: str) -> LabOutcome:
        return self.store().quarantine_lab_message(raw=raw, reason=reason, control_id=control_id, mrn=mrn,
                                                   source=source, actor=actor)

    def assign_lab_quarantine(self, quarantine_id: int, *, mrn: str, dob: date | None, reports: Sequence[Any],
                              control_id: str, reason: str, actor: str):
        return self.store().assign_lab_quarantine(quarantine_id, mrn=mrn, dob=dob, reports=reports,
                                                  control_id=control_id, reason=reason, actor=actor)

    def discard_lab_quarantine(self, quarantine_id: int, *, reason: str, actor: str) -> QuarantinedMessage:
        return self.store().discard_lab_quarantine(quarantine_id, reason=reason, actor=actor)

    def get_user(self, username: str) -> User | None:
        return self.store().get_user(username)

    def has_users(self) -> bool:
        return self.store().has_users()

    def set_roles(self, username: str, roles: Iterable[str], actor: str | None = None) -> User:
        return self.store().set_roles(username, roles, actor)

    def checkpoint(self) -> None:
        return self.store().checkpoint()

    @property
    def engine(self) -> Engine:
        return self.store().engine

    @property
    def session(self) -> Session | None:
        return self.store().session

    if not TYPE_CHECKING:  # hidden from the type check: the Protocol methods are above
        def __getattr__(self, name: str):
            # Only reached for what this class does not define: the Store's other data.
            if name.startswith("__"):
                raise AttributeError(name)
            return getattr(self.store(), name)

