"""The store as the UI and the command line see it: two typing Protocols, the one way in.

- `WardReads`: what a screen or a command reads. The writable `Store`, the read-only
  `reader.WardReader` (plain sqlite3/psycopg, for `status` and the app's first frame)
  and the app's `opening.DeferredStore` all satisfy it.
- `WardStore(WardReads)`: everything else the UI and the command line call (the writes,
  users, the audit trail, check and backup). `Store` and `DeferredStore` satisfy it; the
  reader does not (it cannot write).

Why Protocols: the three classes share no base class (the reader must not import
SQLAlchemy, the deferred store must not open the Store before it is used), and callers
used to guess with `getattr(store, "x", None)`. `tests/architecture/test_store_ports.py`
runs mypy to prove each class satisfies its Protocol, so a method renamed or given a new
required argument in one class fails the tests, not a ward round.

This module imports nothing heavy at run time (the record types are only for type
checkers), so `ui/` and `cli/` can depend on it without paying for SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from os import PathLike
from typing import TYPE_CHECKING, Any, Protocol, Self

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
    from itb_tui.store.list_rows import ListReads, SavedList
    from itb_tui.store.review_read import PatientReview
    from itb_tui.store.users import User


# How far ahead a task may be deferred (issue 16; the store enforces it, the forms say it
# before saving). A deferral answers "not today: on this date" (the refill booked for
# next week's clinic, the exam after the holiday); a month covers that and keeps a
# forgotten deferral from hiding a task for longer than one review cycle. Longer needs a
# new deferral when this one runs out (audited again).
MAX_DEFER_DAYS = 30
# The longest handover note (characters). A handover note is read out or read at a glance
# at the shift change ("drain out at 06:00; watch for withdrawal"); a page of text
# belongs in the clinical record. 1,000 keeps a note to a few lines on the detail and the
# round sheet and still holds a careful paragraph. The note form says it too.
NOTE_TEXT_MAX = 1000


class WardReads(Protocol):
    """Reading the ward: every store the app or a command may be handed."""

    @property
    def url(self) -> str:
        """The store's URL without its password (for messages and the sign-in screen)."""
        ...

    def load_patients(self, ward: str | None = None) -> list[Patient]: ...

    def get_patient(self, mrn: str) -> Patient | None: ...

    def wards(self) -> list[str]: ...

    def patient_count(self) -> int: ...

    def saved_list_rows(self, key: str) -> SavedList: ...

    def task_deferrals(self, mrn: str | None = None) -> list[TaskDeferral]:
        """Every stored task deferral (of one patient if `mrn`), oldest first (issue 16)."""
        ...

    def lab_reports(self, mrn: str | None = None) -> dict[str, dict[int, tuple[str, str]]]:
        """MRN -> {culture id -> (accession, latest report status)} of the cultures the lab
        feed stored (issue 15): what the screens and reports mark "preliminary"."""
        ...

    def notes(self, mrn: str | None = None, *, include_in_error: bool = False) -> list[Note]:
        """Handover notes (of one patient if `mrn`), newest first; those entered in error
        only if asked (issue 16)."""
        ...

    def audit_entries(self, tables: Sequence[str], *,
                      actions: Sequence[str] | None = None) -> list[AuditEntry]:
        """The audit entries of `tables` (table names; of `actions` only if given), oldest
        first: what the FHIR export derives from the trail (corrections, weight dates)
        without reading all of it."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: Any) -> Any: ...


class WardStore(WardReads, Protocol):
    """The whole store the UI and the command line use: reads, writes, users, audit."""

    @property
    def upgrade(self) -> Any:
        """What opening upgraded (from/to version, backup path), or None."""
        ...

    def load_for_export(self, ward: str | None = None, mrns: Sequence[str] | None = None, *,
                        purpose: str = "export") -> list[Patient]: ...

    def data_version(self) -> int: ...

    def keep_list_rows(self, maker: Callable[[list, dict], list] | None) -> None:
        """Every write from now on saves the changed patients' list rows (store.py)."""
        ...

    def list_reads(self, as_of: date, mrns: Sequence[str] | None = None) -> ListReads:
        """What the ward list derives its rows on `as_of` from, in one snapshot (the
        patients carry only what assessing on that date needs: store/list_rows.py)."""
        ...

    def save_list_rows(self, key: str, rows: Sequence[tuple[int, int, str]]) -> int: ...

    def audit_trail(self, mrn: str | None = None, username: str | None = None,
                    since: date | datetime | None = None, until: date | datetime | None = None, *,
                    limit: int | None = None) -> list[AuditEntry]: ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str, actor: str | None = None) -> None: ...

    def for_user(self, session: Session) -> Any: ...

    # --- records -------------------------------------------------------------------
    def import_patients(self, patients: Sequence[Patient], actor: str, *,
                        reason: str | None = None, correction_reason: str | None = None) -> ImportResult: ...

    def save_patient(self, patient: Patient, actor: str, *, reason: str | None = None,
                     expected_version: int | None = None) -> Patient: ...

    def add_pump(self, mrn: str, pump: Pump, actor: str, *, reason: str | None = None,
                 expected_version: int | None = None) -> Patient: ...

    def add_culture(self, mrn: str, culture: Culture, actor: str, *, reason: str | None = None,
                    expected_version: int | None = None) -> Patient: ...

    def add_course(self, mrn: str, course: AntifungalCourse, actor: str, *, reason: str | None = None,
                   expected_version: int | None = None) -> Patient: ...

    def add_bridging(self, mrn: str, bridging: Bridging, actor: str, *, reason: str | None = None,
                     expected_version: int | None = None) -> Patient: ...

    def add_exam(self, mrn: str, exam: Exam, actor: str, *, reason: str | None = None,
                 expected_version: int | None = None) -> Patient: ...

    def update_culture(self, culture_id: int, culture: Culture, actor: str, *, reason: str | None = None,
                       expected_version: int | None = None) -> Patient: ...

    def update_course(self, course_id: int, course: AntifungalCourse, actor: str, *,
                      reason: str | None = None, expected_version: int | None = None) -> Patient: ...

    def explant_pump(self, mrn: str, pump_id: int, removed_on: date, reason: str, actor: str, *,
                     expected_version: int | None = None) -> Patient: ...

    def replace_pump(self, mrn: str, old_pump_id: int, removed_on: date, reason: str, new_pump: Pump,
                     actor: str, *, expected_version: int | None = None) -> Patient: ...

    def record_refill(self, mrn: str, pump_id: int, refill: Refill, actor: str,
                      override_reason: str | None = None, *,
                      expected_version: int | None = None) -> Patient: ...

    def mark_entered_in_error(self, kind: str, record_id: int, reason: str, actor: str, *,
                              expected_version: int | None = None) -> Patient: ...

    def defer_task(self, mrn: str, task_key: str, until: date, reason: str, actor: str, *,
                   expected_version: int | None = None) -> TaskDeferral: ...

    def add_note(self, mrn: str, text: str, actor: str, *, for_handover: bool = False) -> Note: ...

    def mark_note_handed_over(self, note_id: int, actor: str) -> Note: ...

    # --- the round: reviewed marks and "new result" marks (issues 16, 15) -------------
    def mark_reviewed(self, mrn: str, summary: Mapping[str, Any], actor: str, *,
                      expected_version: int | None = None) -> PatientReview: ...

    def patient_reviews(self, mrn: str | None = None) -> dict[str, PatientReview]:
        """The last review of each reviewed patient, with the audit entries since."""
        ...

    def detail_bundle(self, mrn: str) -> PatientDetail | None:
        """What the patient detail shows about `mrn` (the patient, corrections, lab report
        statuses, notes, last review, the data version), read in one snapshot; None: no
        such patient (store/detail_read.py)."""
        ...

    def mark_opened(self, mrn: str, seen_through: int) -> None:
        """The acting user opened `mrn`'s detail showing data up to `seen_through`."""
        ...

    def new_results(self) -> dict[str, int]:
        """MRN -> newest lab report position, where the acting user has not opened it since."""
        ...

    # --- users ---------------------------------------------------------------------
    def authenticate(self, username: str, password: str, now: datetime | None = None) -> Session: ...

    def create_first_admin(self, username: str, password: str, actor: str | None = None, *,
                           clinician: bool = False) -> User: ...

    def create_user(self, username: str, password: str, roles: Iterable[str],
                    actor: str | None = None) -> User: ...

    def list_users(self) -> list[User]: ...

    def disable_user(self, username: str, actor: str | None = None, *, reason: str | None = None) -> User: ...

    def set_password(self, username: str, password: str, actor: str | None = None) -> None: ...

    # --- maintenance ---------------------------------------------------------------
    def check(self) -> CheckResult: ...

    def verify_audit(self) -> VerifyResult: ...

    def backup(self, dest: str | PathLike, actor: str | None = None) -> str: ...


class LabFeedStore(WardStore, Protocol):
    """What `itb-tui results import` calls (issue 15): the lab feed's writes. Only the
    writable `Store` satisfies it (the app's deferred store is never handed a lab feed)."""

    def apply_lab_message(self, *, mrn: str, dob: date | None, reports: Sequence[Any], control_id: str,
                          raw: str, source: str | None, actor: str) -> Any: ...

    def quarantine_lab_message(self, *, raw: str, reason: str, control_id: str | None, mrn: str | None,
                               source: str | None, actor: str) -> Any: ...

    def lab_batch(self) -> Any: ...

    def lab_quarantine(self, *, state: str | None = None) -> list[Any]: ...

    def discard_lab_quarantine(self, quarantine_id: int, *, reason: str, actor: str) -> Any: ...

    def assign_lab_quarantine(self, quarantine_id: int, *, mrn: str, dob: date | None, reports: Sequence[Any],
                              control_id: str, reason: str, actor: str) -> Any: ...

    def lab_report_statuses(self, mrn: str) -> dict[int, tuple[str, str]]: ...
