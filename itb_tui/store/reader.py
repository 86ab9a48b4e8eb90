"""Read-only access to a current store, for `itb-tui status`: no ORM, no writes.

Why a second way in: `open_store` imports the SQLModel schema, the writers, the importer
and the account code (about a second of imports before the first row is read), while
`status --json` only reads seven tables. `open_reader` reads the store's two version
rows and, when the schema is current, serves the same reads as the Store
(`load_patients`, `get_patient`, `wards`, `patient_count`) through the same loader
(`loader.load_dbapi`), in one consistent read transaction per call. A plain SQLite file
is opened with `sqlite3` alone (with `connect.sqlite_settings`, as the Store's engine
does); a PostgreSQL URL through the SQLAlchemy engine's DB-API connection.

When the store is not current (new, older, newer, damaged, not ours, or cannot be
opened at all) `open_reader` returns None and the caller opens it with `open_store`,
which creates, upgrades (with its backup) or refuses with its own clear message: the
fast path never decides anything about a store it does not fully recognise.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from itb_tui.clinical.records import Patient
from itb_tui.store import loader
from itb_tui.store.errors import StoreError

if TYPE_CHECKING:
    from itb_tui.store.audit_entry import AuditEntry
    from itb_tui.store.deferral_read import TaskDeferral
    from itb_tui.store.note_read import Note
    from itb_tui.store import list_rows
    from itb_tui.store.review_read import PatientReview

# The schema this code reads: the same constants schema.py uses (versions.py), so a new
# migration cannot leave the fast path reading an older layout.
from itb_tui.store.versions import HEAD_REVISION, SCHEMA_VERSION  # noqa: E402


def open_reader(url: str) -> "WardReader | None":
    """A reader for the store at `url` if its schema is current, else None (use
    `open_store`)."""
    if url.startswith("sqlite"):
        path = _plain_sqlite_file(url)
        # A missing file (never created here), in-memory, URL options: open_store's business.
        reader = _sqlite_reader(url, path) if path is not None else None
    else:
        reader = _engine_reader(url)
    if reader is None:
        return None
    try:
        current = reader.schema_is_current()
    except StoreError:
        current = False
    if not current:
        reader.close()
        return None
    return reader


def _plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///path` URL that exists; None for anything else."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url:
        return None
    rest = url[len(prefix):]
    if not rest or rest == ":memory:" or rest.startswith("file:"):
        return None
    path = Path(rest)
    if not path.is_file():
        return None
    from itb_tui.store import private_file

    private_file.check_store(path)  # a planted or shared store is refused here too
    return path


def _sqlite_reader(url: str, path: Path) -> "WardReader | None":
    import sqlite3

    from itb_tui.store.connect import sqlite_settings

    try:
        # mode=rw: never create a file here (a mistyped path must not become a store)
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True,
                               check_same_thread=False)
    except sqlite3.Error:
        return None
    try:
        sqlite_settings(conn)
    except sqlite3.Error:
        conn.close()
        return None

    @contextmanager
    def transaction() -> Iterator[tuple[Any, str]]:
        cur = conn.cursor()
        try:
            cur.execute("BEGIN")
            try:
                yield cur, "?"
            finally:
                cur.execute("ROLLBACK")  # read-only: nothing to keep
        finally:
            cur.close()

    return WardReader(url, transaction, conn.close, sqlite3.Error)


def _engine_reader(url: str) -> "WardReader | None":
    from sqlalchemy.exc import SQLAlchemyError

    from itb_tui.store.connect import create_store_engine

    try:
        engine = create_store_engine(url)
    except StoreError:
        return None
    postgres = engine.dialect.name == "postgresql"

    @contextmanager
    def transaction() -> Iterator[tuple[Any, str]]:
        with engine.connect() as conn:
            if postgres:  # as Store._tx: seven queries, one snapshot
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin(), loader.dbapi_cursor(conn) as cursor_and_placeholder:
                yield cursor_and_placeholder

    return WardReader(url, transaction, engine.dispose, (engine.dialect.dbapi.Error, SQLAlchemyError))


class WardReader:
    """The Store's reads (same results, same order) on a current store; close it (or use
    `with`). Every failure is one `StoreError` line."""

    def __init__(self, url: str, transaction: Callable[[], Any], close: Callable[[], None], errors):
        self._url = url
        self._transaction = transaction
        self._close = close
        self._errors = errors
        self.upgrade = None  # a reader never changes the schema (see `open_reader`)

    @property
    def url(self) -> str:
        """The URL without its password (`ports.WardReads`)."""
        return display_url(self._url)

    def _read(self, read: Callable[[Any, str], Any]) -> Any:
        try:
            with self._transaction() as (cur, placeholder):
                return read(cur, placeholder)
        except self._errors as exc:
            from itb_tui.store.connect import describe, safe_url

            raise StoreError(f"database {safe_url(self._url)}: {describe(exc, self._url)}") from None

    def schema_is_current(self) -> bool:
        def check(cur, _placeholder) -> bool:
            cur.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            version = cur.fetchall()
            cur.execute("SELECT version_num FROM alembic_version")
            revision = cur.fetchall()
            return (version == [(str(SCHEMA_VERSION),)] and revision == [(HEAD_REVISION,)])

        return bool(self._read(check))

    def load_patients(self, ward: str | None = None, *, latest_refill_as_of: date | None = None) -> list[Patient]:
        """As `Store.load_patients`; with `latest_refill_as_of`, each pump carries only the
        refill the engine uses on that date (`loader.load_dbapi`)."""
        return self._read(lambda cur, ph: loader.load_dbapi(
            cur, ph, ward=ward, latest_refill_as_of=latest_refill_as_of))

    def get_patient(self, mrn: str, *, latest_refill_as_of: date | None = None) -> Patient | None:
        found = self._read(lambda cur, ph: loader.load_dbapi(
            cur, ph, mrns=[mrn], latest_refill_as_of=latest_refill_as_of))
        return found[0] if found else None

    def load_for_export(self, ward: str | None = None, mrns: Sequence[str] | None = None, *,
                        purpose: str = "export", latest_refill_as_of: date | None = None) -> list[Patient]:
        """As `Store.load_for_export` for the system's view (a reader has no signed-in
        user, whom the Store would check for the `export` right): the same patients with
        their whole history, in MRN order, so `itb-tui export` need not import the ORM.

        Only `purpose="export"`, which writes nothing. The round sheet's disclosure is an
        audit entry (a write): it goes through the Store."""
        if purpose != "export":
            raise ValueError(f"a read-only reader cannot load for {purpose!r}: use the Store")
        cut = latest_refill_as_of
        if mrns is None:
            return self._read(lambda cur, ph: loader.load_dbapi(cur, ph, ward=ward, latest_refill_as_of=cut))
        wanted = [m for m in mrns if loader.encodable(m)]
        found = self._read(lambda cur, ph: loader.load_dbapi(cur, ph, mrns=wanted, latest_refill_as_of=cut))
        return [p for p in found if ward is None or p.ward == ward]

    def for_assessing_on(self, as_of: date) -> "AssessingReads":
        """The reads `status` makes, narrowed to what `assess(patient, as_of)` needs."""
        return AssessingReads(self, as_of)

    def saved_list_rows(self, key: str) -> "list_rows.SavedList":
        """As `Store.saved_list_rows` (the system's view: a reader has no signed-in user)."""
        from itb_tui.store import list_rows

        return self._read(lambda cur, ph: list_rows.read(cur, ph, key))

    def task_deferrals(self, mrn: str | None = None) -> "list[TaskDeferral]":
        """As `Store.task_deferrals` (`itb-tui tasks` reads them on the fast path)."""
        from itb_tui.store import deferral_read

        return self._read(lambda cur, ph: deferral_read.read_dbapi(cur, ph, mrn))

    def lab_reports(self, mrn: str | None = None) -> dict[str, dict[int, tuple[str, str]]]:
        """As `Store.lab_reports` (`status --json` and `show` say which lab results are
        still preliminary)."""
        return self._read(lambda cur, ph: _lab_reports(cur, ph, mrn))

    @property
    def is_sqlite_file(self) -> bool:
        """A plain SQLite file (read with `sqlite3` alone): what `cli/chunked.py` reads in
        MRN-range chunks, on both cores (SQLite's MRN order is Python's, see
        `loader.mrn_chunks`; a PostgreSQL collation need not be)."""
        return self._url.startswith("sqlite")

    @contextmanager
    def snapshot(self) -> "Iterator[ReadSnapshot]":
        """One read transaction for several reads (a chunked report: `cli/chunked.py`):
        every read in the block sees the same committed state. Failures are one
        `StoreError` line, as for every read."""
        try:
            with self._transaction() as (cur, placeholder):
                yield ReadSnapshot(cur, placeholder)
        except self._errors as exc:
            from itb_tui.store.connect import describe, safe_url

            raise StoreError(f"database {safe_url(self._url)}: {describe(exc, self._url)}") from None

    def notes(self, mrn: str | None = None, *, include_in_error: bool = False) -> "list[Note]":
        """As `Store.notes` (the task view and `itb-tui notes` may read them on the fast path)."""
        from itb_tui.store import note_read

        return self._read(lambda cur, ph: note_read.read_dbapi(cur, ph, mrn, include_in_error))

    def patient_reviews(self, mrn: str | None = None) -> "dict[str, PatientReview]":
        """As `Store.patient_reviews` (the round sheet's "changes since the last review",
        read once per export: exports/round_data.py)."""
        from itb_tui.store import review_read

        return self._read(lambda cur, ph: review_read.read_dbapi(cur, ph, mrn))

    def audit_entries(self, tables: Sequence[str], *,
                      actions: Sequence[str] | None = None) -> "list[AuditEntry]":
        """The audit entries of `tables` (table names; of `actions` only if given, e.g. a
        culture's updates and not its 60,000 creations at 10,000 patients: issue 17),
        oldest first: what the FHIR export
        derives from the trail (a result corrected on the ward, the day a weight was
        recorded: exports/fhir_context.py), read without the ORM. The same entries as
        `Store.audit_trail()` gives for those tables (tests/store/test_store_reader.py)."""
        import json

        from itb_tui.store.audit_entry import AuditEntry, _utc

        def read(cur, placeholder) -> list:
            where = f"table_name IN ({', '.join([placeholder] * len(tables))})"
            params = list(tables)
            if actions is not None:
                where += f" AND action IN ({', '.join([placeholder] * len(actions))})"
                params.extend(actions)
            cur.execute("SELECT id, at, actor, action, table_name, record_id, mrn, before, after, reason,"
                        f" username, hash FROM audit WHERE {where} ORDER BY id", tuple(params))
            return [AuditEntry(id=r[0], at=_utc(r[1]), actor=r[2], action=r[3], table=r[4], record_id=r[5],
                               mrn=r[6], before=json.loads(r[7]) if r[7] else None,
                               after=json.loads(r[8]) if r[8] else None, reason=r[9], username=r[10],
                               hash=r[11])
                    for r in cur.fetchall()]

        return self._read(read) if tables and (actions is None or actions) else []

    def wards(self) -> list[str]:
        def read(cur, _placeholder) -> list[str]:
            cur.execute("SELECT DISTINCT ward FROM patients WHERE ward IS NOT NULL ORDER BY ward")
            return [r[0] for r in cur.fetchall()]

        return self._read(read)

    def patient_count(self) -> int:
        def read(cur, _placeholder) -> int:
            cur.execute("SELECT count(*) FROM patients")
            return int(cur.fetchone()[0])

        return self._read(read)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> "WardReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _lab_reports(cur, placeholder: str, mrn: str | None) -> dict[str, dict[int, tuple[str, str]]]:
    sql = ("SELECT p.mrn, l.culture_id, l.accession, l.status FROM lab_reports l "
           "JOIN patients p ON p.id = l.patient_id")
    if mrn is None:
        cur.execute(sql + " ORDER BY l.id")
    else:
        cur.execute(sql + f" WHERE p.mrn = {placeholder} ORDER BY l.id", (mrn,))
    out: dict[str, dict[int, tuple[str, str]]] = {}
    for m, cid, acc, status in cur.fetchall():
        out.setdefault(m, {})[cid] = (acc, status)
    return out


class ReadSnapshot:
    """The reads of one `WardReader.snapshot()` transaction: a ward cut into MRN-range
    chunks, each chunk's patients (for assessing on one date, as `AssessingReads`: only
    the refill the engine uses) and lab reports, and the audit head that says which
    committed state this transaction sees."""

    def __init__(self, cursor, placeholder: str):
        self._cur = cursor
        self._ph = placeholder
        self._parsed = loader.ParseCache()

    def audit_head(self) -> int:
        """The newest audit entry's id (0 for none). Every write to the store adds one in
        its own transaction, so two transactions that see the same head see the same
        committed rows (docs/hazard-log.md, H85)."""
        self._cur.execute("SELECT max(id) FROM audit")
        return int(self._cur.fetchone()[0] or 0)

    def mrn_chunks(self, *, ward: str | None = None, mrn_range: "loader.MrnRange | None" = None,
                   size: int) -> "list[loader.MrnRange]":
        return loader.mrn_chunks(self._cur, self._ph, ward=ward, mrn_range=mrn_range, size=size)

    def load_assessing(self, chunk: "loader.MrnRange", as_of: date, *, ward: str | None = None) -> list[Patient]:
        """The chunk's patients (of `ward`), each pump with only its refill in use on
        `as_of`: for `assess(patient, as_of)` on that date only (see `AssessingReads`)."""
        return loader.load_dbapi(self._cur, self._ph, ward=ward, mrn_range=chunk, latest_refill_as_of=as_of,
                                 parsed=self._parsed)

    def audit_entries(self, tables: Sequence[str], *,
                      actions: Sequence[str] | None = None) -> "list[AuditEntry]":
        """As `WardReader.audit_entries`, in this transaction: a chunked FHIR export's
        facts from the trail seen in the same state of the store as its records."""
        from itb_tui.store import audit_read

        return audit_read.entries_dbapi(self._cur, self._ph, tables, actions=actions)

    def load_whole(self, chunk: "loader.MrnRange", *, ward: str | None = None) -> list[Patient]:
        """The chunk's patients (of `ward`) with their whole history, as `load_for_export`
        reads them: for an export that writes the records (FHIR), not only the assessment."""
        return loader.load_dbapi(self._cur, self._ph, ward=ward, mrn_range=chunk, parsed=self._parsed)

    def ward_file_text(self, chunk: "loader.MrnRange", *, ward: str | None = None) -> tuple[int, str]:
        """The chunk's patients (of `ward`) as the ward file writes them (`load_whole`
        then `wardfile.dump_text.patients_text`, the same bytes), written from the rows
        without building the records (`store/ward_text.py`): (patients, text)."""
        from itb_tui.store.ward_text import ward_file_text

        return ward_file_text(self._cur, self._ph, ward=ward, mrn_range=chunk, parsed=self._parsed)

    def lab_reports(self) -> dict[str, dict[int, tuple[str, str]]]:
        """Every patient's lab reports (MRN -> culture id -> (accession, status)), read once
        per transaction: a join per chunk cost 9-14 ms each even on an empty table (a
        probe per patient of the range), 0.7 s over the 50 chunks of 100,000 patients."""
        return _lab_reports(self._cur, self._ph, None)


class AssessingReads:
    """`load_patients`, `get_patient` and `wards` of a WardReader for assessing on one date:
    each pump carries only its latest refill on or before `as_of` (the one refill
    `clinical.reservoir.last_refill` uses) instead of ~20 years' worth.

    Why a separate object rather than a flag on the reader: the patients it returns are
    NOT the record (their refill history is cut), so they must only ever reach
    `assess(..., as_of)` on this same date; `itb-tui status` asks for this view by name, and
    so do the exports that write only the assessment and the patient's name, MRN, ward and
    bed (`exports.ASSESSMENT_ONLY_FORMATS`: CSV, XLSX, HTML; never the ward file or FHIR,
    which write the history). Everything else (the app, writes) loads the whole history.
    `tests/store/test_store_status_latest_refill.py` proves `status` prints the same bytes either way.
    """

    def __init__(self, reader: WardReader, as_of: date):
        self._reader = reader
        self.as_of = as_of

    def load_patients(self, ward: str | None = None) -> list[Patient]:
        return self._reader.load_patients(ward, latest_refill_as_of=self.as_of)

    def get_patient(self, mrn: str) -> Patient | None:
        return self._reader.get_patient(mrn, latest_refill_as_of=self.as_of)

    def load_for_export(self, ward: str | None = None, mrns: Sequence[str] | None = None, *,
                        purpose: str = "export") -> list[Patient]:
        return self._reader.load_for_export(ward, mrns, purpose=purpose, latest_refill_as_of=self.as_of)

    def wards(self) -> list[str]:
        return self._reader.wards()


def display_url(url: str) -> str:
    """`url` as it may be shown: a SQLite path as given (it holds no password), any other
    URL with its password hidden (which needs SQLAlchemy's URL parser)."""
    from itb_tui.paths import sqlite_path

    if sqlite_path(url) is not None:
        return url
    from itb_tui.store.connect import safe_url

    return safe_url(url)
