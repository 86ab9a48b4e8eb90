"""The Store: reads that return plain records and writes that are validated, checked
against the user's roles, audited and all-or-nothing.

Each public method is one unit of work on its own connection (safe from worker threads)
and returns fresh records, never live database objects. The store does not decide
clinical state: whether a refill is blocked, and what reason lifts the block, come from
`clinical.policy` (the rules engine underneath), whether a record is valid from the
ward-file validator; the store only refuses to write what they reject.

Who is writing: `open_store(...)` gives the SYSTEM store (command line, tests): its
writes are recorded under the `actor` each call names (the command line passes the
operating-system user). `store.for_user(session)` gives a store bound to a signed-in user:
every write first checks the user's roles (`security.roles`, the table in docs/roles.md)
against the account as it is NOW in the database (a disabled account stops at once), and
its audit rows carry the user name whatever `actor` the caller passes. Roles are checked
here, in the store, so a UI bug that shows a button cannot grant a right.

Changing an existing record takes `expected_version`, the patient's `row_version` the
user's screen showed: if someone changed the patient since, the write is refused with
who and when (`ConcurrentEdit`), never applied over their change. Every write runs under
the writer lock (see `audit.py`), so that check and the write are one atomic step.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, Callable, Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from itb_tui.clinical.records import (
    AntifungalCourse,
    Bridging,
    Culture,
    Exam,
    Patient,
    Pump,
    Refill,
)
from itb_tui.clinical.policy import MIN_OVERRIDE_REASON, REASON_MISSING, REASON_TOO_SHORT, decide_refill
from itb_tui.security.roles import can, require_refill
from itb_tui.security.roles import PermissionDenied as _RoleDenied
from itb_tui.store import audit, codec, detail_read, list_rows, loader
from itb_tui.store import schema as s
from itb_tui.store.access import Access
from itb_tui.store.connect import create_store_engine
from itb_tui.store.deferrals import TaskDeferrals
from itb_tui.store.notes import HandoverNotes
from itb_tui.store.errors import (
    ConcurrentEdit,
    NotFound,
    PermissionDenied,
    RefillBlocked,
    StoreError,
    ValidationError,
)
from itb_tui.store.importer import ImportResult, import_into, mrn_clashes
from itb_tui.store.maintenance import Maintenance
from itb_tui.store.migrate import ensure_schema
from itb_tui.store.reasons import required_text as _required_text
from itb_tui.store.results import LabResults
from itb_tui.store.reviews import PatientReviews
from itb_tui.store.users import UserAccounts

# meta keys only the store itself writes (audit.py's chain head, migrate.py's version)
_OWN_META_KEYS = frozenset({audit.HEAD_KEY, "schema_version"})

DEMOGRAPHIC_FIELDS = codec.DEMOGRAPHIC_FIELDS

# kind -> (table, Patient field, values function)
_CHILD_KINDS: dict[str, tuple[Any, str, Callable[[Any], dict]]] = {
    "pump": (s.pumps, "pumps", codec.pump_values),
    "culture": (s.cultures, "cultures", codec.culture_values),
    "course": (s.antifungal_courses, "antifungals", codec.course_values),
    "bridging": (s.bridging, "bridging", codec.bridging_values),
    "exam": (s.exams, "exams", codec.exam_values),
}
# kind -> the action (docs/roles.md) adding such a record needs
_ADD_ACTION = {"pump": "add_pump", "culture": "add_culture", "course": "antifungal_course",
               "bridging": "record_bridging", "exam": "record_exam"}


def open_store(url: str, *, today: date | Callable[[], date] | None = None, rules: Any = None) -> "Store":
    """Open (creating or upgrading if needed) the store at `url`; raises StoreError with
    one line. The store acts as the system (see the module notes); `for_user` binds it
    to a signed-in user.

    `today` (a date or a callable returning one; default `itb_tui.dates.today`) is what
    record dates are validated against. `rules` is the rules table used to decide whether
    a refill is blocked (None: the default table). `store.upgrade` says whether opening
    upgraded an older store (and where its backup is).
    """
    engine = create_store_engine(url)
    upgrade = ensure_schema(engine, url)
    return Store(engine, today=today, rules=rules, upgrade=upgrade)


# Text the database driver can encode (one definition, shared with reader.py).
_encodable = loader.encodable


def _lookup_mrn(mrn: str) -> str:
    """An MRN to look up: encodable text (`_encodable`), else a clear refusal."""
    if not _encodable(mrn):
        raise NotFound(f"no patient with MRN {ascii(mrn)} (it is not valid text)")
    return mrn


class Store(Access, UserAccounts, Maintenance, LabResults, TaskDeferrals, HandoverNotes,
            PatientReviews):
    """A ward store. Open with `open_store(url)`; close with `close()` (or `with`)."""

    # --- reads -------------------------------------------------------------------------
    def load_patients(self, ward: str | None = None) -> list[Patient]:
        """Every patient (or one ward's) with live records, in MRN order; each carries its
        `row_version` (pass it back as `expected_version` when saving a change)."""
        with self._tx() as conn:
            self._require(conn, "view")
            return loader.load(conn, ward=ward)

    def load_for_export(self, ward: str | None = None, mrns: Sequence[str] | None = None, *,
                        purpose: str = "export") -> list[Patient]:
        """The patients an export writes (every one, one ward's, or the MRNs given), in MRN
        order. Exports take the whole ward off the workstation, so a signed-in user needs
        `export` (admin), checked here and not only in the UI: a screen bug cannot hand the
        ward file to a nurse's session. The system store (the command line, run as the
        operating-system user who owns the store file) may.

        `purpose="round_sheet"`: the printable HTML round sheet, which a nurse may print
        (`print_round_sheet`) without the export right; it is a disclosure of the patients
        on it, so one `disclose` audit row names them, in the same transaction."""
        if purpose not in ("export", "round_sheet"):
            raise ValueError(f"unknown export purpose {purpose!r}")
        round_sheet = purpose == "round_sheet"
        with self._tx(write=round_sheet) as conn:
            self._require(conn, "print_round_sheet" if round_sheet else "export")
            if mrns is None:
                found = loader.load(conn, ward=ward)
            else:
                found = loader.load(conn, mrns=[m for m in mrns if _encodable(m)])
                found = [p for p in found if ward is None or p.ward == ward]
            if round_sheet:
                self._audit(conn, actor=self._who(None), action="disclose", table="patients", record_id=None,
                            mrn=None, before=None,
                            after={"purpose": "round sheet", "ward": ward, "patients": len(found),
                                   "mrns": [p.mrn for p in found]}, reason="printable round sheet")
        return found

    def get_patient(self, mrn: str) -> Patient | None:
        if not _encodable(mrn):
            return None
        with self._tx() as conn:
            self._require(conn, "view")
            found = loader.load(conn, mrns=[mrn])
        return found[0] if found else None

    def wards(self) -> list[str]:
        with self._tx() as conn:
            rows = conn.execute(
                select(s.patients.c.ward).where(s.patients.c.ward.is_not(None))
                .distinct().order_by(s.patients.c.ward)
            ).all()
        return [r[0] for r in rows]

    def data_version(self) -> int:
        """Changes whenever any data changes: every change writes an audit row in its own
        transaction, so the newest audit id is a cheap, cross-process change counter."""
        with self._tx() as conn:
            return int(conn.execute(select(func.coalesce(func.max(s.audit.c.id), 0))).scalar_one())

    # --- saved ward-list rows (a cache of derived rows; see store/list_rows.py) ------------

    def saved_list_rows(self, key: str) -> list_rows.SavedList:
        """Every patient with their saved list row where it is still valid for `key` (the
        patient unchanged since it was saved, same code, rules and date), else None."""
        with self._tx() as conn:
            self._require(conn, "view")
            with loader.dbapi_cursor(conn) as (cur, placeholder):
                return list_rows.read(cur, placeholder, key)

    def keep_list_rows(self, maker: Callable[[list, dict], list] | None) -> None:
        """From now on every write also saves the ward-list rows of the patients it changed,
        in the same transaction (issue 17): `maker(patients, reviews)` (the UI's: the store
        never builds a row, ui/saved_rows.py) returns [(key, [(patient id, row_version,
        payload)])] for the patients as the write left them. So the next start finds every
        row current and only re-checks. None stops it. Stores from `for_user` inherit it."""
        self._row_maker = maker

    # A write about more patients than this (an import of a whole ward) leaves their rows to
    # the list's next load: deriving them would hold the writer lock for seconds.
    ROWS_SAVED_PER_WRITE = 200

    def _save_changed_rows(self, conn: Connection, mrns: set[str]) -> None:
        """The list rows of the patients `mrns` as this write leaves them (after its audit
        rows, which the "since review" cell counts). A maker that fails saves nothing and
        never fails the write: a missing row is derived at the next start."""
        if len(mrns) > self.ROWS_SAVED_PER_WRITE:
            return
        from itb_tui.store import review_read

        with loader.dbapi_cursor(conn) as (cur, placeholder):
            patients = loader.load_dbapi(cur, placeholder, mrns=sorted(mrns))
            reviews: dict = {}
            for patient in patients:
                reviews.update(review_read.read_dbapi(cur, placeholder, patient.mrn))
            try:
                made = self._row_maker(patients, reviews)
            except Exception:  # noqa: BLE001 - a cache: the write itself must stand
                return
            for key, rows in made:
                list_rows.write(cur, placeholder, key, rows)

    def list_reads(self, as_of: date, mrns: Sequence[str] | None = None) -> list_rows.ListReads:
        """What the ward list derives its rows on `as_of` from, in one snapshot, on the
        DB-API path (list_rows.read_for_list: each pump carries only the refill the engine
        uses on `as_of`, so the patients are for assessing on that date only)."""
        with self._tx() as conn:
            self._require(conn, "view")
            with loader.dbapi_cursor(conn) as (cur, placeholder):
                return list_rows.read_for_list(cur, placeholder, as_of, mrns)

    def save_list_rows(self, key: str, rows: Sequence[tuple[int, int, str]]) -> int:
        """Save derived list rows (patient id, row_version, payload) under `key`. Not a
        clinical change: no audit row, no data_version change. SQLite takes the writer lock
        up front (a read upgraded to a write could fail half-way); PostgreSQL needs no
        chain lock for it (a conflicting save fails, and the rows are derived next time)."""
        if not rows:
            return 0
        with self._tx(write=self.dialect == "sqlite") as conn:
            self._require(conn, "view")
            with loader.dbapi_cursor(conn) as (cur, placeholder):
                return list_rows.write(cur, placeholder, key, rows)

    def audit_trail(self, mrn: str | None = None, username: str | None = None,
                    since: date | datetime | None = None, until: date | datetime | None = None,
                    *, limit: int | None = None) -> list[audit.AuditEntry]:
        """Audit rows, oldest first: all, or filtered by patient (MRN), user, and time (UTC;
        a date `until` includes that whole day). `limit` keeps the newest rows. A signed-in
        user needs `view_audit` (admin) for the whole trail, `view_patient_history` for one
        patient's own history."""
        with self._tx() as conn:
            only_patient = mrn is not None and username is None
            self._require(conn, "view_patient_history" if only_patient else "view_audit")
            return audit.read(conn, mrn, username=username, since=since, until=until, limit=limit)

    def audit_entries(self, tables: Sequence[str], *,
                      actions: Sequence[str] | None = None) -> list[audit.AuditEntry]:
        """The audit entries of `tables` (table names; of `actions` only if given), oldest
        first: the narrow read the
        FHIR export derives corrections and weight dates from (exports/fhir_context.py),
        instead of the whole trail; the same entries as the read-only reader's
        `audit_entries`. Needs `view_audit`, as the whole trail does."""
        from itb_tui.store import audit_read

        if not tables:
            return []
        with self._tx() as conn:
            self._require(conn, "view_audit")
            with loader.dbapi_cursor(conn) as (cur, placeholder):
                return audit_read.entries_dbapi(cur, placeholder, tables, actions=actions)

    def culture_corrections(self, mrn: str) -> dict:
        """Culture id -> its corrections (`clinical.corrections.PastCorrection`, oldest
        first), read from this patient's audit trail, whose before-images keep every
        earlier result: the timeline shows them as "corrected (was …)"."""
        from itb_tui.clinical.corrections import past_corrections

        if not _encodable(mrn):
            return {}
        with self._tx() as conn:
            self._require(conn, "view_patient_history")
            return past_corrections(audit.read(conn, mrn))

    def detail_bundle(self, mrn: str) -> detail_read.PatientDetail | None:
        """Everything the patient detail shows about `mrn`, read in one snapshot (one
        transaction; store/detail_read.py): the patient, the corrections of their culture
        results, the lab report statuses, their live notes, their last review, and the
        data version the snapshot covers. None: no patient with that MRN. Needs `view`
        and `view_patient_history` (the corrections are read from their history)."""
        if not _encodable(mrn):
            return None
        with self._tx() as conn:
            roles = self._require(conn, "view")
            if roles is not None and not can(roles, "view_patient_history"):
                raise PermissionDenied(roles, "view_patient_history")
            with loader.dbapi_cursor(conn) as (cur, placeholder):
                return detail_read.read_dbapi(cur, placeholder, mrn)

    def get_meta(self, key: str) -> str | None:
        with self._tx() as conn:
            return self._meta(conn, key)

    def set_meta(self, key: str, value: str, actor: str | None = None) -> None:
        """Set one of the store's settings (e.g. `kind` = demo). Like every write it checks
        the role (`configure_store`, an admin; the system store may) and is audited with
        the value before and after. The keys the store keeps itself (the audit chain head,
        the schema version) are refused: rewriting them would hide a change."""
        if key in _OWN_META_KEYS:
            raise StoreError(f"the store's setting {key!r} is kept by the store itself: nothing was changed")
        who = self._who(actor)
        with self._tx(write=True) as conn:
            self._require(conn, "configure_store")
            if key == "kind" and value == "demo" and conn.execute(select(func.count()).select_from(s.users)).scalar():
                # a demo store opens signed in without a password: never a store with accounts
                raise StoreError("a store with user accounts cannot be made a demo store: nothing was changed")
            old = self._meta(conn, key)
            if old == value:
                return
            conn.execute(s.meta.delete().where(s.meta.c.key == key))
            conn.execute(insert(s.meta), [{"key": key, "value": value}])
            self._audit(conn, actor=who, action="update" if old is not None else "create", table="meta",
                        record_id=None, mrn=None, before=None if old is None else {"key": key, "value": old},
                        after={"key": key, "value": value}, reason="store setting")

    def checkpoint(self) -> None:
        """SQLite: fold the write-ahead log into the database file (before it is copied or
        renamed). Other databases: nothing to do."""
        if self.dialect == "sqlite":
            raw = self._engine.raw_connection()  # outside any transaction, as SQLite needs
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()

    def patient_count(self) -> int:
        with self._tx() as conn:
            return int(conn.execute(select(func.count()).select_from(s.patients)).scalar_one())

    # --- helpers for writes ------------------------------------------------------------
    def _validate(self, before: Patient | None, after: Patient) -> None:
        """Refuse a change that makes the patient invalid. Problems the patient already had
        (e.g. imported under an earlier 'today') do not block unrelated changes."""
        from itb_tui.wardfile import validate_patient

        today = self._today()
        errors = list(validate_patient(after, today))
        if errors and before is not None:
            old = set(validate_patient(before, today))
            errors = [e for e in errors if e not in old]
        if errors:
            raise ValidationError(errors)

    def _live(self, conn: Connection, mrn: str) -> Patient:
        found = loader.load(conn, mrns=[_lookup_mrn(mrn)])
        if not found:
            raise NotFound(f"no patient with MRN {mrn!r}")
        return found[0]

    def _by_id(self, conn: Connection, patient_id: int) -> Patient:
        return loader.load(conn, ids=[patient_id])[0]

    def _bump(self, conn: Connection, patient_id: int) -> None:
        conn.execute(update(s.patients).where(s.patients.c.id == patient_id)
                     .values(row_version=s.patients.c.row_version + 1))

    def _check_version(self, conn: Connection, patient: Patient, expected: int | None) -> None:
        """Refuse when the patient changed after the user's screen loaded it."""
        if expected is None or patient.row_version == expected:
            return
        last = audit.last_change(conn, patient.mrn)
        raise ConcurrentEdit(patient.mrn, expected, patient.row_version,
                             (last.username or last.actor) if last else None, last.at if last else None)

    def _patient_id_of(self, conn: Connection, kind: str, record_id: int) -> int | None:
        if kind == "refill":
            q = (select(s.pumps.c.patient_id)
                 .select_from(s.refills.join(s.pumps, s.refills.c.pump_id == s.pumps.c.id))
                 .where(s.refills.c.id == record_id))
        else:
            table = _CHILD_KINDS[kind][0]
            q = select(table.c.patient_id).where(table.c.id == record_id)
        return conn.execute(q).scalar()

    # --- writes ------------------------------------------------------------------------
    def import_patients(self, patients: Sequence[Patient], actor: str, *, reason: str | None = None,
                        correction_reason: str | None = None) -> ImportResult:
        """Create or update patients by MRN in one transaction (all or nothing). Child
        records are matched by natural key and updated or added; records the store has but
        the import lacks are kept; records a clinician marked entered in error are not
        brought back. Every change is audited with before/after.

        A file that changes a FINAL culture result of a patient on file is refused, naming
        each change and whether it lifts a refill block, unless `correction_reason` is
        given (and a signed-in user may correct results): then each is a correction, its
        earlier value kept like one made in the form (`_check_correction`)."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            roles = self._require(conn, "import")
            return import_into(conn, list(patients), who, reason, self._validate, username=self._username,
                               review_cultures=self._import_corrections(roles, correction_reason))

    def _import_corrections(self, roles, correction_reason: str | None):
        """The importer's judge of culture updates (see `import_patients`)."""
        from itb_tui.clinical import corrections

        def review(before: Patient, after: Patient, changes) -> tuple[list[str], dict]:
            problems: list[str] = []
            notes: dict[int, tuple[str, dict]] = {}
            for old, new in changes:
                decision = corrections.decide(before, after, old, new, self._today(), self._rules)
                if not decision.correction:
                    continue
                where = f"{before.mrn}: cultures ({old.specimen} drawn {old.drawn_on.isoformat()})"
                if roles is not None and not can(roles, decision.action):
                    problems.append(f"{where}: the file {decision.summary()}; "
                                    + str(PermissionDenied(roles, decision.action)))
                elif corrections.reason_problem(correction_reason):
                    problems.append(f"{where}: the file {decision.summary()}; a final result is changed only "
                                    "as a correction: import again with --correction-reason giving why")
                else:
                    extras = {"corrected_from": decision.was}
                    if decision.lifts_block:
                        extras["lifts_refill_block"] = list(decision.lifts_block)
                    notes[old.id] = (_required_text(correction_reason, "the reason for the correction"), extras)
            return problems, notes

        return review

    def save_patient(self, patient: Patient, actor: str, *, reason: str | None = None,
                     expected_version: int | None = None) -> Patient:
        """Create the patient, or update demographics and dates by MRN. Child records are
        untouched (they have their own methods): any in `patient` are ignored.
        `expected_version`: the row_version the user's screen showed (see module notes)."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            self._require(conn, "edit_patient")
            if not _encodable(patient.mrn):  # a lone surrogate would crash the driver, not be refused
                raise StoreError(f"MRN {ascii(patient.mrn)} is not valid text; nothing was changed")
            found = loader.load(conn, mrns=[patient.mrn])
            values = {f: getattr(patient, f) for f in DEMOGRAPHIC_FIELDS}
            if not found:
                after = Patient(mrn=patient.mrn, **values)
                self._validate(None, after)
                clashes = mrn_clashes(conn, [after.mrn])  # "f1" when "F1" is on file (issue 14)
                if clashes:
                    raise ValidationError(clashes)
                new_id = conn.execute(insert(s.patients).values(row_version=1, **codec.patient_values(after))).inserted_primary_key[0]
                self._audit(conn, actor=who, action="create", table="patients", record_id=new_id,
                            mrn=after.mrn, before=None, after=codec.record_dict(after), reason=reason)
                return self._by_id(conn, new_id)
            before = found[0]
            self._check_version(conn, before, expected_version)
            after = dataclasses.replace(before, **values)
            if codec.bare(after) == codec.bare(before):
                return before
            self._validate(before, after)
            conn.execute(update(s.patients).where(s.patients.c.id == before.id).values(**codec.patient_values(after)))
            self._bump(conn, before.id)
            self._audit(conn, actor=who, action="update", table="patients", record_id=before.id,
                        mrn=before.mrn, before=codec.record_dict(before), after=codec.record_dict(after),
                        reason=reason)
            return self._by_id(conn, before.id)

    def _add_child(self, kind: str, mrn: str, record: Any, actor: str, reason: str | None,
                   expected_version: int | None = None, action: str | None = None) -> Patient:
        """Add one record to a patient. With `expected_version` (what a form opened with)
        the add is refused if the patient changed since: the user decided on what they saw
        (e.g. a culture added on another terminal may change what should be recorded)."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            self._require(conn, action or _ADD_ACTION[kind])
            before = self._live(conn, mrn)
            self._check_version(conn, before, expected_version)
            self._insert_child(conn, kind, before, record, who, reason)
            self._bump(conn, before.id)
            return self._by_id(conn, before.id)

    def _insert_child(self, conn: Connection, kind: str, before: Patient, record: Any, who: str,
                      reason: str | None) -> None:
        """Validate, insert and audit one new child record inside the caller's write
        transaction (the caller bumps the patient's row_version once)."""
        table, field, values = _CHILD_KINDS[kind]
        if kind == "pump":
            self._check_new_pump(before, record)
        after = dataclasses.replace(before, **{field: getattr(before, field) + (record,)})
        self._validate(before, after)
        new_id = conn.execute(insert(table).values(patient_id=before.id, **values(record))).inserted_primary_key[0]
        self._audit(conn, actor=who, action="create", table=table.name, record_id=new_id,
                    mrn=before.mrn, before=None, after=codec.record_dict(record), reason=reason)

    @staticmethod
    def _check_new_pump(patient: Patient, pump: Pump) -> None:
        n = len(patient.pumps)
        if pump.refills:
            raise ValidationError([f"{patient.mrn}: pumps[{n}].refills: record refills with record_refill "
                                   "(it checks whether refill is blocked)"])
        if any(p.serial == pump.serial for p in patient.pumps):
            raise ValidationError([f"{patient.mrn}: pumps[{n}].serial: pump {pump.serial} is already "
                                   "recorded for this patient"])

    def add_pump(self, mrn: str, pump: Pump, actor: str, *, reason: str | None = None,
               expected_version: int | None = None) -> Patient:
        return self._add_child("pump", mrn, pump, actor, reason, expected_version)

    def add_culture(self, mrn: str, culture: Culture, actor: str, *, reason: str | None = None,
               expected_version: int | None = None) -> Patient:
        # A culture drawn and still pending is a nurse's entry too; one with a result is not.
        action = "record_culture_drawn" if culture.result == "pending" else "add_culture"
        return self._add_child("culture", mrn, culture, actor, reason, expected_version, action)

    def add_course(self, mrn: str, course: AntifungalCourse, actor: str, *, reason: str | None = None,
               expected_version: int | None = None) -> Patient:
        return self._add_child("course", mrn, course, actor, reason, expected_version)

    def add_bridging(self, mrn: str, bridging: Bridging, actor: str, *, reason: str | None = None,
               expected_version: int | None = None) -> Patient:
        return self._add_child("bridging", mrn, bridging, actor, reason, expected_version)

    def add_exam(self, mrn: str, exam: Exam, actor: str, *, reason: str | None = None,
               expected_version: int | None = None) -> Patient:
        return self._add_child("exam", mrn, exam, actor, reason, expected_version)

    def _update_child(self, kind: str, record_id: int, record: Any, actor: str, reason: str | None,
                      expected_version: int | None) -> Patient:
        table, field, values = _CHILD_KINDS[kind]
        who = self._who(actor)
        with self._tx(write=True) as conn:
            roles = self._require(conn, _update_action(kind, None, None))  # the least it needs
            pid = self._patient_id_of(conn, kind, record_id)
            before = self._by_id(conn, pid) if pid is not None else None
            records = getattr(before, field) if before else ()
            idx = next((i for i, r in enumerate(records) if r.id == record_id), None)
            if idx is None:
                raise NotFound(f"no {kind} with id {record_id} (or it was marked entered in error)")
            old = records[idx]
            new = dataclasses.replace(record, id=record_id)
            action = _update_action(kind, old, new)
            if roles is not None and not can(roles, action):
                raise PermissionDenied(roles, action)
            self._check_version(conn, before, expected_version)
            if codec.bare(new) == codec.bare(old):
                return before
            after = dataclasses.replace(before, **{field: records[:idx] + (new,) + records[idx + 1:]})
            image = codec.record_dict(new)
            if kind == "culture":  # a final result changed: a clinician's correction (issue 14)
                reason = self._check_correction(roles, before, after, old, new, idx, reason, image)
            self._validate(before, after)
            conn.execute(update(table).where(table.c.id == record_id).values(**values(new)))
            self._bump(conn, before.id)
            self._audit(conn, actor=who, action="update", table=table.name, record_id=record_id,
                        mrn=before.mrn, before=codec.record_dict(old), after=image,
                        reason=reason)
            return self._by_id(conn, before.id)

    def _check_correction(self, roles, before: Patient, after: Patient, old: Culture, new: Culture,
                          idx: int, reason: str | None, image: dict) -> str | None:
        """Changing a FINAL culture result is a correction (`clinical.corrections`): refused
        unless the user may correct results (a clinician) and gives the reason. The audit
        row keeps the earlier value (its before-image) and says what the correction lifts."""
        from itb_tui.clinical import corrections

        decision = corrections.decide(before, after, old, new, self._today(), self._rules)
        if not decision.correction:
            return reason
        if roles is not None and not can(roles, decision.action):
            raise PermissionDenied(roles, decision.action)
        problem = corrections.reason_problem(reason)
        if problem:
            raise ValidationError([f"{before.mrn}: cultures[{idx}].correction_reason: {problem}"])
        image["corrected_from"] = decision.was
        if decision.lifts_block:
            image["lifts_refill_block"] = list(decision.lifts_block)
        return _required_text(reason, "the reason for the correction")

    def update_culture(self, culture_id: int, culture: Culture, actor: str, *, reason: str | None = None,
                       expected_version: int | None = None) -> Patient:
        """Change a culture on file. Entering the result of a pending culture (result,
        organism, susceptibility) is `record_culture_result` (a nurse may); changing what
        was drawn or when needs `add_culture` (a clinician); changing a FINAL result is a
        correction (`correct_culture_result`, a clinician, `reason` required: see
        `_check_correction`)."""
        return self._update_child("culture", culture_id, culture, actor, reason, expected_version)

    def update_course(self, course_id: int, course: AntifungalCourse, actor: str, *, reason: str | None = None,
                      expected_version: int | None = None) -> Patient:
        return self._update_child("course", course_id, course, actor, reason, expected_version)

    def update_bridging(self, bridging_id: int, bridging: Bridging, actor: str, *, reason: str | None = None,
                        expected_version: int | None = None) -> Patient:
        """Change a bridging record on file, e.g. its stop date once the drain came out
        (clinical rules revision 3). Audited before/after like every change."""
        return self._update_child("bridging", bridging_id, bridging, actor, reason, expected_version)

    def explant_pump(self, mrn: str, pump_id: int, removed_on: date, reason: str, actor: str, *,
                     expected_version: int | None = None) -> Patient:
        """Record the pump's removal (date and why). The pump stays in the record."""
        who = self._who(actor)
        why = _required_text(reason, "the reason the pump was removed")
        with self._tx(write=True) as conn:
            self._require(conn, "explant")
            before = self._live(conn, mrn)
            self._check_version(conn, before, expected_version)
            self._explant(conn, before, pump_id, removed_on, why, who)
            self._bump(conn, before.id)
            return self._by_id(conn, before.id)

    def replace_pump(self, mrn: str, old_pump_id: int, removed_on: date, reason: str, new_pump: Pump,
                     actor: str, *, expected_version: int | None = None) -> Patient:
        """Explant the implanted pump and add its replacement in ONE transaction, both
        audited in it: if the new pump is refused (invalid, a duplicate serial, a role the
        user lacks) the old pump stays implanted and nothing is written, so a patient is
        never left recorded with no pump half-way through a replacement. Needs `explant`
        and `add_pump` (a clinician); `reason` is why the old pump came out."""
        who = self._who(actor)
        why = _required_text(reason, "the reason the pump was removed")
        with self._tx(write=True) as conn:
            self._require(conn, "explant")
            self._require(conn, "add_pump")
            before = self._live(conn, mrn)
            self._check_version(conn, before, expected_version)
            old, explanted = self._explant(conn, before, old_pump_id, removed_on, why, who)
            self._insert_child(conn, "pump", explanted, new_pump, who, f"replaces pump {old.serial}: {why}")
            self._bump(conn, before.id)
            return self._by_id(conn, before.id)

    def _explant(self, conn: Connection, before: Patient, pump_id: int, removed_on: date, why: str,
                 who: str) -> tuple[Pump, Patient]:
        """Record a pump's removal inside the caller's write transaction: (the pump as it
        was, the patient as it now is)."""
        idx = next((i for i, p in enumerate(before.pumps) if p.id == pump_id), None)
        if idx is None:
            raise NotFound(f"patient {before.mrn} has no pump with id {pump_id}")
        old = before.pumps[idx]
        if old.removed_on is not None:
            raise StoreError(f"pump {old.serial} was already removed on {old.removed_on.isoformat()}")
        new = dataclasses.replace(old, removed_on=removed_on, removal_reason=why)
        after = dataclasses.replace(before, pumps=before.pumps[:idx] + (new,) + before.pumps[idx + 1:])
        self._validate(before, after)
        conn.execute(update(s.pumps).where(s.pumps.c.id == pump_id)
                     .values(removed_on=removed_on, removal_reason=why))
        self._audit(conn, actor=who, action="update", table="pumps", record_id=pump_id,
                    mrn=before.mrn, before=codec.record_dict(old), after=codec.record_dict(new),
                    reason=why)
        return old, after

    def record_refill(self, mrn: str, pump_id: int, refill: Refill, actor: str,
                      override_reason: str | None = None, *, expected_version: int | None = None) -> Patient:
        """Record a refill. The rules engine decides the refill status on the refill date;
        a blocked refill is saved only with a clinician's written override reason (>= 10
        characters), kept on the refill and in the audit row. A signed-in nurse may record
        a refill only when it is not blocked (PermissionDenied, even with a reason).
        `refill.override_reason` is ignored: the override is this argument.
        `expected_version`: the row_version the user's screen showed (ConcurrentEdit if stale)."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            roles = self._require(conn, "record_refill")
            before = self._live(conn, mrn)
            # A refill decided on a stale screen (say, before a positive culture arrived on
            # another terminal) is refused; the block itself is re-checked below anyway.
            self._check_version(conn, before, expected_version)
            idx = next((i for i, p in enumerate(before.pumps) if p.id == pump_id), None)
            if idx is None:
                raise NotFound(f"patient {mrn} has no pump with id {pump_id}")
            pump = before.pumps[idx]
            if any(r.on == refill.on for r in pump.refills):
                raise ValidationError([f"{mrn}: pumps[{idx}].refills[{len(pump.refills)}].on: a refill on "
                                       f"{refill.on.isoformat()} is already recorded for pump {pump.serial}"])
            decision = decide_refill(before, refill.on, self._rules, override_reason)
            state, note = decision.state, decision.note
            if roles is not None:
                try:
                    require_refill(roles, decision.lift_needs_permission)
                except _RoleDenied as exc:
                    raise PermissionDenied(roles, exc.action) from None
            if decision.problem == REASON_MISSING:
                raise RefillBlocked(state.reasons, state.explanations)
            if decision.problem == REASON_TOO_SHORT:
                raise ValidationError([f"{mrn}: override_reason: refill is blocked ("
                                       + ", ".join(state.reasons) + "); give the reason in at "
                                       f"least {MIN_OVERRIDE_REASON} characters"])
            stored_override = decision.stored_override
            new = dataclasses.replace(refill, override_reason=stored_override, id=None)
            new_pump = dataclasses.replace(pump, refills=pump.refills + (new,))
            after = dataclasses.replace(before, pumps=before.pumps[:idx] + (new_pump,) + before.pumps[idx + 1:])
            self._validate(before, after)
            new_id = conn.execute(insert(s.refills).values(pump_id=pump_id, **codec.refill_values(new))).inserted_primary_key[0]
            self._bump(conn, before.id)
            record = codec.record_dict(new)
            record["pump_serial"] = pump.serial
            record["refill_status"] = state.status
            record["refill_reasons"] = list(state.reasons)
            self._audit(conn, actor=who, action="create", table="refills", record_id=new_id,
                        mrn=before.mrn, before=None, after=record, reason=note)
            return self._by_id(conn, before.id)

    def mark_entered_in_error(self, kind: str, record_id: int, reason: str, actor: str, *,
                              expected_version: int | None = None) -> Patient:
        """Strike out a record entered in error. It stays in its table with who, when and
        why, and disappears from `load_patients` (so from the rules engine)."""
        if kind not in s.RECORD_KINDS:
            raise StoreError(f"unknown record kind {kind!r}: use one of " + ", ".join(s.RECORD_KINDS))
        if kind == "note":  # not part of the clinical record: store/notes.py (who may, too)
            note = self._note_in_error(record_id, reason, actor)
            with self._tx() as conn:
                return self._live(conn, note.mrn)
        who = self._who(actor)
        why = _required_text(reason, "the reason the record was entered in error")
        table = getattr(s, s.RECORD_KINDS[kind])
        with self._tx(write=True) as conn:
            self._require(conn, "mark_entered_in_error")
            pid = self._patient_id_of(conn, kind, record_id)
            if pid is None:
                raise NotFound(f"no {kind} with id {record_id}")
            before = self._by_id(conn, pid)
            self._check_version(conn, before, expected_version)
            record, after = _without(before, kind, record_id)
            if record is None:
                flagged = conn.execute(select(table.c.entered_in_error_at).where(table.c.id == record_id)).scalar()
                if flagged is not None:
                    raise StoreError(f"{kind} {record_id} is already marked entered in error")
                raise NotFound(f"no {kind} with id {record_id} (its pump was marked entered in error)")
            self._validate(before, after)
            at = audit.now_utc()
            conn.execute(update(table).where(table.c.id == record_id).values(
                entered_in_error_at=at, entered_in_error_by=who, entered_in_error_reason=why))
            self._bump(conn, before.id)
            old = codec.record_dict(record)
            new = dict(old, entered_in_error_at=at.isoformat(), entered_in_error_by=who,
                       entered_in_error_reason=why)
            self._audit(conn, actor=who, action="entered_in_error", table=table.name, record_id=record_id,
                        mrn=before.mrn, before=old, after=new, reason=why)
            return self._by_id(conn, before.id)


def _update_action(kind: str, old: Any, new: Any) -> str:
    """The action changing a record needs: a culture's result alone is a nurse's entry,
    changing what was drawn or when is a clinician's. (None, None): the least any change
    of this kind needs, checked before the record is even looked up."""
    if kind == "culture":
        if old is None or all(getattr(old, f) == getattr(new, f) for f in ("specimen", "drawn_on")):
            return "record_culture_result"
        return "add_culture"
    if kind == "bridging":
        return "record_bridging"
    return "antifungal_course"


def _without(patient: Patient, kind: str, record_id: int) -> tuple[Any, Patient]:
    """(the live record with that id or None, the patient without it)."""
    if kind == "refill":
        for i, pump in enumerate(patient.pumps):
            for j, r in enumerate(pump.refills):
                if r.id == record_id:
                    new_pump = dataclasses.replace(pump, refills=pump.refills[:j] + pump.refills[j + 1:])
                    return r, dataclasses.replace(patient, pumps=patient.pumps[:i] + (new_pump,) + patient.pumps[i + 1:])
        return None, patient
    field = _CHILD_KINDS[kind][1]
    records = getattr(patient, field)
    for i, r in enumerate(records):
        if r.id == record_id:
            return r, dataclasses.replace(patient, **{field: records[:i] + records[i + 1:]})
    return None, patient
