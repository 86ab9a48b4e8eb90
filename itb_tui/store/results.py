"""Laboratory results from the lab's HL7 feed into the store (issue 15): the use case
behind `itb-tui results import`.

One message is one transaction (`apply_lab_message`): every culture report it carries is
applied, or none is and the message is quarantined whole. The reports come already read
(formats/hl7 reads them; this module does not know HL7): objects with `accession`,
`status` ("preliminary" | "final" | "corrected") and `culture` (a clinical Culture).

The rules, per report, by the lab's accession number and specimen (`lab_reports`):
- new accession: the culture is added (a preliminary positive is stored as a positive,
  so the refill blocks as it would on the final; the report status says "preliminary").
- same accession, same result: duplicate, nothing written (re-sending never duplicates).
- preliminary on file, a later report: the later one replaces it (not a correction:
  a preliminary result is not final). A preliminary arriving after the final: nothing
  changes (reported as a duplicate, saying so).
- final on file, a CORRECTED report (OBX-11 C) with another result: a correction
  (clinical/corrections.py) with the reason "corrected report from the laboratory,
  accession X", its earlier value kept in the audit trail and what it lifts recorded.
- final on file, a FINAL report with another result, not marked corrected: quarantined
  (a final result changes only by a correction).
- the patient is matched by MRN AND date of birth: an unknown MRN, a date of birth that
  differs (or is missing on either side), an accession on file for another patient or
  drawn on another day, a culture struck out as entered in error, or a result the ward-
  file validator refuses: quarantined, the raw message kept with why and when.

Who writes: the system store (the command line, run as the operating-system user who
owns the store) needs no role; the audit rows name the actor "lab feed (<user>)". A
store bound to a signed-in user needs `import`, and `correct_culture_result` for a
correction, as the ward-file import does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from itb_tui.clinical.records import Culture, Patient
from itb_tui.security.roles import can
from itb_tui.store import audit, codec, lab_reads
from itb_tui.store import schema as s
from itb_tui.store.errors import PermissionDenied, ValidationError
from itb_tui.store.lab_pending import maybe_candidates, unmatched_words, ward_pending_candidates
from itb_tui.store.lab_quarantine import LabQuarantine, QuarantinedMessage, _Quarantine  # noqa: F401 - re-exported

if TYPE_CHECKING:
    from itb_tui.store.lab_batch import LabBatch

OUTCOMES = ("imported", "duplicate", "updated", "quarantined")
_RANK = {"duplicate": 0, "imported": 1, "updated": 2}


@dataclass(frozen=True, slots=True)
class LabOutcome:
    """What happened to one message."""

    outcome: str  # imported | duplicate | updated | quarantined
    detail: str  # one line per report, or why it was quarantined
    mrn: str | None = None
    refill: str | None = None  # the patient's refill status after (not for quarantine)
    quarantine_id: int | None = None
    notes: tuple[str, ...] = ()  # what a person must look at though the message was stored


@dataclass
class _Step:
    kind: str  # add | replace | correct | duplicate
    report: Any
    old: Culture | None = None
    lab_id: int | None = None
    note: str = ""
    on_file: str = ""  # the report status on file before (preliminary | final | corrected)
    flag: str = ""  # what a person must look at (several ward-entered pending cultures could be this one)


class LabResults(LabQuarantine):
    """The Store's lab-feed methods (mixed into store.Store)."""

    def apply_lab_message(self, *, mrn: str, dob: date | None, reports: Sequence[Any], control_id: str,
                          raw: str, source: str | None, actor: str) -> LabOutcome:
        """Apply one message's culture reports in one transaction (module notes)."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            roles = self._require(conn, "import")
            try:
                return self._apply(conn, roles, mrn, dob, list(reports), control_id, who)
            except _Quarantine as exc:
                reason = str(exc)
        # The transaction above wrote nothing (every check comes before any write).
        return self.quarantine_lab_message(raw=raw, reason=reason, control_id=control_id, mrn=mrn,
                                           source=source, actor=actor)

    def quarantine_lab_message(self, *, raw: str, reason: str, control_id: str | None, mrn: str | None,
                               source: str | None, actor: str) -> LabOutcome:
        """Keep a message the import cannot use, whole, with why and when (audited). The
        same message quarantined again for the same reason is not stored twice."""
        who = self._who(actor)
        with self._tx(write=True) as conn:
            return self._quarantine(conn, who, raw=raw, reason=reason, control_id=control_id, mrn=mrn,
                                    source=source)

    def lab_batch(self) -> "LabBatch":
        """A file import's writer: its messages committed together, each in a savepoint of
        its own (store/lab_batch.py). The MLLP listener does not use it: an ACK means the
        message is committed."""
        from itb_tui.store.lab_batch import LabBatch

        return LabBatch(self)

    def _quarantine(self, conn: Connection, who: str, *, raw: str, reason: str, control_id: str | None,
                    mrn: str | None, source: str | None) -> LabOutcome:
        q = s.lab_quarantine
        self._require(conn, "import")
        known = conn.execute(select(q.c.id).where(q.c.raw == raw, q.c.reason == reason)).scalar()
        if known is not None:
            return LabOutcome("quarantined", f"{reason} (already in quarantine as #{known})", mrn, None, known)
        at = audit.now_utc()
        new_id = conn.execute(insert(q).values(received_at=at, source=source, control_id=control_id or None,
                                               mrn=(mrn or None), reason=reason, raw=raw)).inserted_primary_key[0]
        self._audit(conn, actor=who, action="create", table="lab_quarantine", record_id=new_id, mrn=None,
                    before=None, after={"control_id": control_id, "mrn": mrn, "source": source,
                                        "reason": reason}, reason="laboratory message quarantined", at=at)
        return LabOutcome("quarantined", reason, mrn, None, new_id)

    def lab_report_statuses(self, mrn: str) -> dict[int, tuple[str, str]]:
        """Culture id -> (accession, report status) for a patient's cultures that came from
        the lab feed: what the screens show beside the result ("preliminary")."""
        lr, p = s.lab_reports, s.patients
        with self._tx() as conn:
            self._require(conn, "view")
            rows = conn.execute(select(lr.c.culture_id, lr.c.accession, lr.c.status)
                                .select_from(lr.join(p, lr.c.patient_id == p.c.id))
                                .where(p.c.mrn == mrn)).all()
        return {cid: (acc, status) for cid, acc, status in rows}

    def lab_reports(self, mrn: str | None = None) -> dict[str, dict[int, tuple[str, str]]]:
        """MRN -> {culture id -> (accession, latest report status)} for the cultures that
        came from the lab feed (of every patient, or of `mrn`): one query for `status
        --json`, which says which results are still preliminary."""
        lr, p = s.lab_reports, s.patients
        if mrn is not None and not _encodable(mrn):
            return {}
        query = (select(p.c.mrn, lr.c.culture_id, lr.c.accession, lr.c.status)
                 .select_from(lr.join(p, lr.c.patient_id == p.c.id)).order_by(lr.c.id))
        if mrn is not None:
            query = query.where(p.c.mrn == mrn)
        out: dict[str, dict[int, tuple[str, str]]] = {}
        with self._tx() as conn:
            self._require(conn, "view")
            for m, cid, acc, status in conn.execute(query).all():
                out.setdefault(m, {})[cid] = (acc, status)
        return out

    # --- the use case -------------------------------------------------------------------
    def _apply(self, conn: Connection, roles, mrn: str, dob: date | None, reports: list, control_id: str,
               who: str) -> LabOutcome:
        from itb_tui.clinical import corrections
        from itb_tui.clinical.engine import assess

        found, on_file = (lab_reads.message_context(conn, mrn, [r.accession for r in reports])
                          if _encodable(mrn) else ([], {}))
        if not found:
            raise _Quarantine(f"unknown MRN {mrn!r}: no patient with that MRN on file")
        before = found[0]
        if dob is None or before.dob is None or before.dob != dob:
            raise _Quarantine(f"MRN {mrn}: the date of birth does not match the patient on file "
                              f"(message {dob.isoformat() if dob else 'none'}, on file "
                              f"{before.dob.isoformat() if before.dob else 'none'})")
        live = {c.id: c for c in before.cultures}
        steps = _one_report_per_pending([self._plan(conn, before, live, report, on_file) for report in reports])
        after = before
        for step in steps:
            report = step.report
            if step.kind == "add":
                after = dataclasses.replace(after, cultures=after.cultures + (report.culture,))
            elif step.kind in ("replace", "correct", "resolve"):
                new = dataclasses.replace(report.culture, id=step.old.id)
                after = dataclasses.replace(after, cultures=tuple(new if c.id == step.old.id else c
                                                                    for c in after.cultures))
        try:
            self._validate(*_changed_cultures_only(before, after, steps))
        except ValidationError as exc:
            raise _Quarantine("the result is refused by the record checks: " + "; ".join(exc.errors)) from None
        corrected: dict[int, corrections.Correction] = {}
        for step in steps:
            if step.kind == "correct":
                decision = corrections.decide(before, after, step.old, dataclasses.replace(step.report.culture, id=step.old.id),
                                              self._today(), self._rules)
                if roles is not None and not can(roles, decision.action):
                    raise PermissionDenied(roles, decision.action)
                corrected[step.old.id] = decision
        if all(step.kind == "duplicate" for step in steps):
            return LabOutcome("duplicate", "; ".join(st.note for st in steps), mrn,
                              assess(before, self._today(), self._rules).refill.status)
        # The patient's row version moves with the message's first write (one round trip).
        bump: tuple | None = (s.patients, update(s.patients).where(s.patients.c.id == before.id)
                              .values(row_version=s.patients.c.row_version + 1))
        for step in steps:
            if step.kind != "duplicate":
                self._write_step(conn, before, step, control_id, who,
                                 corrected.get(step.old.id) if step.old else None, bump)
                bump = None
        if bump is not None:
            _written(conn, *bump)
        outcome = max((st.kind for st in steps), key=lambda k: _RANK[_KIND_OUTCOME[k]])
        refill = assess(after, self._today(), self._rules).refill.status
        return LabOutcome(_KIND_OUTCOME[outcome], "; ".join(st.note for st in steps), mrn, refill,
                          notes=tuple(st.flag for st in steps if st.flag))

    def _plan(self, conn: Connection, patient: Patient, live: dict[int, Culture], report,
              on_file: dict[tuple[str, str], tuple]) -> _Step:
        """`on_file`: the lab reports on file for the message's accessions, by (specimen,
        accession), read with the patient (lab_reads.py)."""
        c = report.culture
        row = on_file.get((c.specimen, report.accession))
        where = f"accession {report.accession} ({c.specimen})"
        if row is None:
            return self._plan_new(conn, patient, live, report, where)
        lab_id, patient_id, culture_id, status = row
        if patient_id != patient.id:
            raise _Quarantine(f"{where} is on file for another patient: not applied to MRN {patient.mrn}")
        old = live.get(culture_id)
        if old is None:
            raise _Quarantine(f"{where}: its culture was marked entered in error; enter a new result by hand")
        if old.drawn_on != c.drawn_on:
            raise _Quarantine(f"{where}: on file drawn {old.drawn_on.isoformat()}, the message says "
                              f"{c.drawn_on.isoformat()}")
        same = _result(old) == _result(c)
        step = self._plan_on_file(report, old, lab_id, status, same, where)
        step.on_file = status
        return step

    @staticmethod
    def _plan_new(conn: Connection, patient: Patient, live: dict[int, Culture], report, where: str) -> _Step:
        """A new accession: resolves the one ward-entered pending culture it answers, or is
        added (store/lab_pending.py has the rule and why)."""
        c = report.culture
        ids = maybe_candidates(live.values(), c)
        linked: set[int] = set()
        if ids:
            lr = s.lab_reports
            linked = set(conn.execute(select(lr.c.culture_id).where(lr.c.culture_id.in_(ids))).scalars())
        candidates = ward_pending_candidates(live.values(), linked, c)
        if len(candidates) == 1:
            old = candidates[0]
            return _Step("resolve", report, old, note=f"{where}: {report.status} {codec_words(c)} resolves the "
                                                      f"pending culture entered on the ward (#{old.id})")
        step = _Step("add", report, note=f"{where}: {report.status} {codec_words(c)}")
        if candidates:
            step.flag = f"{where}: {unmatched_words(candidates)}"
        return step

    @staticmethod
    def _plan_on_file(report, old: Culture, lab_id: int, status: str, same: bool, where: str) -> _Step:
        c = report.culture
        if status == "preliminary":
            if same and report.status == "preliminary":
                return _Step("duplicate", report, old, lab_id, f"{where}: already on file (preliminary)")
            return _Step("replace", report, old, lab_id,
                         f"{where}: {report.status} replaces the preliminary ({codec_words(old)} -> {codec_words(c)})")
        # final or corrected on file
        if report.status == "preliminary":
            return _Step("duplicate", report, old, lab_id,
                         f"{where}: a preliminary report after the final one: the final result stays")
        if same:
            return _Step("duplicate", report, old, lab_id, f"{where}: already on file ({status})")
        if report.status != "corrected":
            raise _Quarantine(f"{where}: a final report that differs from the final result on file "
                              f"({codec_words(old)} -> {codec_words(c)}) but is not marked corrected (OBX-11 C)")
        return _Step("correct", report, old, lab_id,
                     f"{where}: corrected ({codec_words(old)} -> {codec_words(c)})")

    def _resolve_pending(self, conn: Connection, patient: Patient, step: _Step, extras: dict, who: str,
                         bump: tuple | None = None) -> int:
        """The ward-entered pending culture gets the laboratory's result: the store's
        audited update (pending -> a result is an entry, not a correction), in the
        message's transaction. The culture keeps its id; the lab report is linked to it."""
        report = step.report
        new = dataclasses.replace(report.culture, id=step.old.id)
        _written(conn, s.cultures, update(s.cultures).where(s.cultures.c.id == step.old.id)
                 .values(**codec.culture_values(new)), bump)
        self._audit(conn, actor=who, action="update", table="cultures", record_id=step.old.id, mrn=patient.mrn,
                    before=codec.record_dict(step.old), after=dict(codec.record_dict(new), **extras),
                    reason=f"resolved by laboratory report accession {report.accession} ({report.status})")
        return step.old.id

    def _write_step(self, conn: Connection, patient: Patient, step: _Step, control_id: str, who: str,
                    decision, bump: tuple | None = None) -> None:
        """`bump`: the patient's row-version write, sent with this step's first write."""
        lr = s.lab_reports
        report = step.report
        extras = {"accession": report.accession, "report_status": report.status}
        if step.kind == "duplicate":
            return
        if step.kind in ("add", "resolve"):
            lab = {"patient_id": patient.id, "culture_id": None, "specimen": report.culture.specimen,
                   "accession": report.accession, "status": report.status, "control_id": control_id or None}
            lab_row = None
            if step.kind == "add":
                values = codec.culture_values(report.culture)
                culture_write = (s.cultures, insert(s.cultures).values(patient_id=patient.id, **values))
                if conn.dialect.name == "postgresql":
                    # The report names the culture just inserted (currval: this session's
                    # own), so both go in one round trip (store/pipelined.py).
                    new_id = func.currval(func.pg_get_serial_sequence("cultures", "id"))
                    *_, culture_row, lab_row = _written_all(conn, [bump, culture_write,
                                                                   (lr, insert(lr).values(**dict(lab, culture_id=new_id)))])
                else:
                    culture_row = _written(conn, *culture_write, also=bump)
                cid = culture_row["id"]
                reason = f"{report.status} report from the laboratory, accession {report.accession}"
                self._audit(conn, actor=who, action="create", table="cultures", record_id=cid, mrn=patient.mrn,
                            before=None, after=dict(codec.record_dict(report.culture), **extras),
                            reason=reason + (f"; {step.flag}" if step.flag else ""))
            else:
                cid = self._resolve_pending(conn, patient, step, extras, who, bump)
            lab["culture_id"] = cid
            if lab_row is None:
                lab_row = _written(conn, lr, insert(lr).values(**lab))
            lab_id = lab_row["id"]
            self._audit(conn, actor=who, action="create", table="lab_reports", record_id=lab_id, mrn=patient.mrn,
                        before=None, after=lab, reason="laboratory report")
            return
        new = dataclasses.replace(report.culture, id=step.old.id)
        image = dict(codec.record_dict(new), **extras)
        # The before-image names the report status on file: "preliminary" tells
        # corrections.past_corrections that the final replacing it is no correction.
        if step.kind == "correct":
            reason = f"corrected report from the laboratory, accession {report.accession}"
            image["corrected_from"] = decision.was
            if decision.lifts_block:
                image["lifts_refill_block"] = list(decision.lifts_block)
        else:
            reason = f"{report.status} report from the laboratory replaces the preliminary, accession {report.accession}"
        _written(conn, s.cultures, update(s.cultures).where(s.cultures.c.id == step.old.id)
                 .values(**codec.culture_values(new)), bump)
        self._audit(conn, actor=who, action="update", table="cultures", record_id=step.old.id, mrn=patient.mrn,
                    before=dict(codec.record_dict(step.old), report_status=step.on_file),
                    after=image, reason=reason)
        old_status = conn.execute(select(lr.c.status, lr.c.control_id).where(lr.c.id == step.lab_id)).one()
        _written(conn, lr, update(lr).where(lr.c.id == step.lab_id).values(status=report.status,
                                                                           control_id=control_id or None))
        self._audit(conn, actor=who, action="update", table="lab_reports", record_id=step.lab_id, mrn=patient.mrn,
                    before={"status": old_status[0], "control_id": old_status[1]},
                    after={"status": report.status, "control_id": control_id or None}, reason=reason)


def _written(conn: Connection, table, statement, also: tuple | None = None) -> Any:
    """Run an INSERT/UPDATE of one row, returning the row as written, and hand it to the
    audit's row digests (rowdigest.remember), which then need not read it back: every
    write of the lab feed goes through here, so the last image of each row is the one
    that commits (issue 17: three round trips fewer a message on PostgreSQL). `also`:
    (table, statement) of another one-row write run just before it, in the same round
    trip on PostgreSQL (store/pipelined.py)."""
    return _written_all(conn, [also, (table, statement)])[-1]


def _written_all(conn: Connection, writes: list) -> list:
    """`_written` of each (table, statement) of `writes` (None: skipped), in order, in
    one round trip on PostgreSQL; the rows as written."""
    from itb_tui.store import pipelined, rowdigest

    pairs = [w for w in writes if w is not None]
    rows = pipelined.returning(conn, [st.returning(*t.c) for t, st in pairs])
    for (t, _), row in zip(pairs, rows):
        rowdigest.remember(conn, t, row)
    return rows


def _changed_cultures_only(before: Patient, after: Patient, steps: list[_Step]) -> tuple[Patient, Patient]:
    """The patient before and after with only the cultures this message adds or changes
    (and no other records), for the record checks: a culture's checks read only the
    culture, the patient's date of birth and today (wardfile/validate.py), and a message
    changes nothing else, so checking the rest again (every earlier culture, the pumps and
    their refills, at every message) finds only problems `_validate` would drop as already
    there. Keeps the per-message cost flat as a patient's history grows."""
    changed = {st.old.id for st in steps if st.kind in ("replace", "correct", "resolve")}
    added = [st.report.culture for st in steps if st.kind == "add"]
    from itb_tui.wardfile.validate import CHILD_LISTS

    empty = {name: () for name, _ in CHILD_LISTS}
    bare = dataclasses.replace(before, **empty)
    kept = tuple(c for c in after.cultures if c.id in changed and c.id is not None) + tuple(added)
    return bare, dataclasses.replace(bare, cultures=kept)


def _one_report_per_pending(steps: list[_Step]) -> list[_Step]:
    """Two reports of one message that would resolve the same pending culture: which one
    answers it is a guess, so neither does; both are added and flagged (lab_pending.py)."""
    claims: dict[int, int] = {}
    for st in steps:
        if st.kind == "resolve":
            claims[st.old.id] = claims.get(st.old.id, 0) + 1
    for st in steps:
        if st.kind == "resolve" and claims[st.old.id] > 1:
            c = st.report.culture
            where = f"accession {st.report.accession} ({c.specimen})"
            st.kind, st.note = "add", f"{where}: {st.report.status} {codec_words(c)}"
            st.flag = (f"{where}: not matched to the pending culture entered on the ward (#{st.old.id}): "
                       f"{claims[st.old.id]} reports of this message could be its result; all kept, resolve it by hand")
            st.old = None
    return steps


_KIND_OUTCOME = {"add": "imported", "resolve": "updated", "replace": "updated", "correct": "updated", "duplicate": "duplicate"}


def _result(c: Culture) -> tuple:
    return c.result, c.organism or None


def codec_words(c: Culture) -> str:
    from itb_tui.clinical.corrections import result_words

    return result_words(c)


def _encodable(mrn: str) -> bool:
    try:
        str(mrn).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
