"""Importing a ward file into the store: one transaction, nothing duplicated, nothing lost.

Matching (the file is the truth for the records it carries):
- patients by MRN; demographics come from the file;
- child records by natural key: pump serial; refill (pump, date); culture (specimen,
  drawn date, ordinal among that patient's cultures with the same specimen and date);
  course (drug, start); bridging (method, start); exam (kind, date). Records identical
  in content are matched first, so the ordinal only decides among records that differ;
- a matched record that differs is updated (audited before/after), an unmatched one added;
- records the store has and the file lacks are KEPT: nothing is silently deleted;
- a file record identical to one a clinician marked entered in error is not brought back
  (counted as `kept_in_error`): re-sending an old file must not undo a correction;
- a refill's override reason, and a bridging record's stop date, are never erased by a
  file that does not carry one.
All patients are validated first (every error collected); only then is anything written.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Connection

from itb_tui.clinical.records import Bridging, Patient
from itb_tui.store import audit, codec, loader
from itb_tui.store import schema as s
from itb_tui.store.errors import ValidationError

# Patients per import above which all patients are read at once instead of by MRN list
# (keeps the parameter list of one query small on every database).
_LOAD_ALL_ABOVE = 500

DEMOGRAPHIC_FIELDS = codec.DEMOGRAPHIC_FIELDS


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int = 0  # patients
    updated: int = 0
    unchanged: int = 0
    records_created: int = 0
    records_updated: int = 0
    records_unchanged: int = 0
    kept_in_error: int = 0  # file records not brought back: marked entered in error here

    def summary(self) -> str:
        return (
            f"{self.created} patients created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.records_created} records created, {self.records_updated} updated, "
            f"{self.records_unchanged} unchanged"
            + (f"; {self.kept_in_error} left entered in error" if self.kept_in_error else "")
        )


# kind -> (table, Patient field, values function, natural key)
_KINDS: dict[str, tuple[Any, str, Callable, Callable]] = {
    "culture": (s.cultures, "cultures", codec.culture_values, lambda r: (r.specimen, r.drawn_on)),
    "course": (s.antifungal_courses, "antifungals", codec.course_values, lambda r: (r.drug, r.started_on)),
    "bridging": (s.bridging, "bridging", codec.bridging_values, lambda r: (r.method, r.started_on)),
    "exam": (s.exams, "exams", codec.exam_values, lambda r: (r.kind, r.on)),
}


def _same(f, live) -> bool:
    return codec.bare(_effective(f, live)) == codec.bare(live)


def _content(r):
    """Content for recognising a struck-out record (an override reason may differ)."""
    r = codec.bare(r)
    return dataclasses.replace(r, override_reason=None) if hasattr(r, "override_reason") else r


def _effective(f, live):
    """The file record as it will be stored over `live` (keeps a stored override reason,
    and a stored bridging stop date: a file from a system that does not carry it must not
    turn a stopped drain back into one that covers a removal)."""
    if live is not None and hasattr(f, "override_reason") and f.override_reason is None and live.override_reason:
        f = dataclasses.replace(f, override_reason=live.override_reason)
    if isinstance(f, Bridging) and live is not None and f.stopped_on is None and live.stopped_on:
        f = dataclasses.replace(f, stopped_on=live.stopped_on)
    return f


def _match(file_recs, live_recs, in_error, key) -> list[tuple[str, Any, Any]]:
    """Per file record, in file order: (status, record to store, live record or None);
    status is unchanged | update | create | in_error."""
    out: list[tuple[str, Any, Any] | None] = [None] * len(file_recs)
    live = list(live_recs)
    for i, f in enumerate(file_recs):  # 1. identical content
        for j, l in enumerate(live):
            if l is not None and _same(f, l):
                out[i] = ("unchanged", l, l)
                live[j] = None
                break
    struck = list(in_error)
    for i, f in enumerate(file_recs):  # 2. identical to a record struck out as in error
        if out[i] is None:
            for j, e in enumerate(struck):
                if e is not None and _content(f) == _content(e):
                    out[i] = ("in_error", f, None)
                    struck[j] = None
                    break
    by_key: dict[Any, list] = defaultdict(list)  # 3. natural key + ordinal among the rest
    for l in live:
        if l is not None:
            by_key[key(l)].append(l)
    for i, f in enumerate(file_recs):
        if out[i] is None:
            candidates = by_key.get(key(f))
            if candidates:
                l = candidates.pop(0)
                out[i] = ("update", dataclasses.replace(_effective(f, l), id=l.id), l)
            else:
                out[i] = ("create", dataclasses.replace(f, id=None), None)
    return out  # type: ignore[return-value]


class _Plan:
    """Everything an import will write, gathered before writing anything."""

    def __init__(self) -> None:
        self.new_patients: list[Patient] = []
        self.patient_updates: list[tuple[Patient, Patient]] = []
        self.touched: set[int] = set()
        # (kind, parent ref, record, mrn): parent ref ("patient"|"new_patient"|"pump"|"new_pump", key)
        self.creates: dict[str, list[tuple[tuple[str, int], Any, str]]] = defaultdict(list)
        self.updates: dict[str, list[tuple[Any, Any, str]]] = defaultdict(list)  # (old, new, mrn)
        self.counts = defaultdict(int)
        # culture id -> (audit reason, after-image extras) of an update that is a correction
        self.correction_notes: dict[int, tuple[str, dict]] = {}


def import_into(conn: Connection, patients: list[Patient], actor: str, reason: str | None,
                validate: Callable[[Patient | None, Patient], None], *,
                username: str | None = None, review_cultures: Callable | None = None) -> ImportResult:
    """Import `patients` (see the module notes). `review_cultures(before, after, changes)`
    (from the store) judges each existing patient's culture updates, `changes` being
    (stored, from file) pairs: it returns (problems, notes), problems refusing the import
    (a final result changed without the right or the reason), notes (culture id ->
    (reason, after-image extras)) marking the updates that are corrections."""
    mrns = [p.mrn for p in patients]
    dupes = sorted({m for m in mrns if mrns.count(m) > 1}) if len(set(mrns)) != len(mrns) else []
    if dupes:
        raise ValidationError([f"{m}: mrn: appears more than once in the import" for m in dupes])
    clashes = mrn_clashes(conn, mrns)
    if clashes:
        raise ValidationError(clashes)
    if len(mrns) > _LOAD_ALL_ABOVE:
        wanted = set(mrns)
        existing = {p.mrn: p for p in loader.load(conn) if p.mrn in wanted}
    else:
        existing = {p.mrn: p for p in loader.load(conn, mrns=mrns)} if mrns else {}
    in_error = loader.load_in_error(conn) if existing else {}

    plan = _Plan()
    errors: list[str] = []
    for p in patients:
        before = existing.get(p.mrn)
        try:
            first = len(plan.updates["culture"])
            after = _plan_patient(plan, p, before, in_error)
            validate(before, after)
            changes = [(old, new) for old, new, _ in plan.updates["culture"][first:]]
            if review_cultures is not None and before is not None and changes:
                problems, notes = review_cultures(before, after, changes)
                errors.extend(problems)
                plan.correction_notes.update(notes)
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    _write(conn, plan, actor, reason or "import", username)
    c = plan.counts
    return ImportResult(
        created=len(plan.new_patients), updated=c["patients_updated"], unchanged=c["patients_unchanged"],
        records_created=c["create"], records_updated=c["update"], records_unchanged=c["unchanged"],
        kept_in_error=c["in_error"],
    )


def mrn_clashes(conn: Connection, mrns: list[str]) -> list[str]:
    """MRNs that differ from another in the list or on file only by case or spaces ("F1"
    and "f1"): one patient or two? Refused, naming both (issue 14); an exact match is the
    same patient and updates it."""
    from sqlalchemy import select

    from itb_tui.wardfile.parse import mrn_key

    problems: list[str] = []
    first: dict[str, str] = {}
    for m in mrns:
        seen = first.setdefault(mrn_key(m), m)
        if seen != m:
            problems.append(f"{m}: mrn: clashes with {seen} in the same import: MRNs that differ only "
                            "in case or spaces are refused")
    exact = set(mrns)
    for stored in conn.execute(select(s.patients.c.mrn)).scalars():
        new = first.get(mrn_key(stored))
        if new is not None and stored not in exact:
            problems.append(f"{new}: mrn: clashes with patient {stored} already on file: MRNs that differ "
                            "only in case or spaces are refused (use the MRN as on file)")
    return problems


def _plan_patient(plan: _Plan, p: Patient, before: Patient | None, in_error) -> Patient:
    """Add this patient's changes to the plan; return the patient as it will be stored."""
    c = plan.counts
    if before is None:
        ref = ("new_patient", len(plan.new_patients))
        plan.new_patients.append(p)
        for pi, pump in enumerate(p.pumps):
            pump_ref = ("new_pump", len(plan.creates["pump"]))
            plan.creates["pump"].append((ref, pump, p.mrn))
            for r in pump.refills:
                plan.creates["refill"].append((pump_ref, r, p.mrn))
        for kind, (_, field, _, _) in _KINDS.items():
            for r in getattr(p, field):
                plan.creates[kind].append((ref, r, p.mrn))
        c["create"] += sum(1 + len(x.refills) for x in p.pumps) + sum(
            len(getattr(p, f)) for (_, f, _, _) in _KINDS.values())
        return p

    ref = ("patient", before.id)
    changed = False
    demo = {f: getattr(p, f) for f in DEMOGRAPHIC_FIELDS}
    after = dataclasses.replace(before, **demo)
    if codec.bare(after) != codec.bare(before):
        plan.patient_updates.append((before, after))
        changed = True

    # pumps, then the refills of each
    pumps = list(before.pumps)
    matched = _match(p.pumps, before.pumps, in_error.get((before.id, "pump"), ()), lambda r: r.serial)
    for f_pump, (status, rec, live) in zip(p.pumps, matched):
        c[status] += 1
        if status == "in_error":
            c["in_error"] += len(f_pump.refills)
            continue
        if status == "create":
            pump_ref = ("new_pump", len(plan.creates["pump"]))
            plan.creates["pump"].append((ref, rec, p.mrn))
            for r in f_pump.refills:
                plan.creates["refill"].append((pump_ref, r, p.mrn))
            c["create"] += len(f_pump.refills)
            pumps.append(rec)
            changed = True
            continue
        idx = pumps.index(live)
        new_pump = dataclasses.replace(rec, refills=live.refills) if status == "update" else live
        if status == "update":
            plan.updates["pump"].append((live, rec, p.mrn))
            changed = True
        refills = list(live.refills)
        for status_r, rec_r, live_r in _match(f_pump.refills, live.refills,
                                              in_error.get((live.id, "refill"), ()), lambda r: r.on):
            c[status_r] += 1
            if status_r == "create":
                plan.creates["refill"].append((("pump", live.id), rec_r, p.mrn))
                refills.append(rec_r)
                changed = True
            elif status_r == "update":
                plan.updates["refill"].append((live_r, rec_r, p.mrn))
                refills[refills.index(live_r)] = rec_r
                changed = True
        pumps[idx] = dataclasses.replace(new_pump, refills=tuple(refills))
    after = dataclasses.replace(after, pumps=tuple(pumps))

    for kind, (_, field, _, key) in _KINDS.items():
        records = list(getattr(before, field))
        for status, rec, live in _match(getattr(p, field), getattr(before, field),
                                        in_error.get((before.id, kind), ()), key):
            c[status] += 1
            if status == "create":
                plan.creates[kind].append((ref, rec, p.mrn))
                records.append(rec)
                changed = True
            elif status == "update":
                plan.updates[kind].append((live, rec, p.mrn))
                records[records.index(live)] = rec
                changed = True
        after = dataclasses.replace(after, **{field: tuple(records)})

    if changed:
        plan.touched.add(before.id)
        c["patients_updated"] += 1
    else:
        c["patients_unchanged"] += 1
    return after


_TABLES = {"pump": (s.pumps, codec.pump_values), "refill": (s.refills, codec.refill_values),
           **{k: (v[0], v[2]) for k, v in _KINDS.items()}}


def _insert_returning_ids(conn: Connection, table, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return list(result.scalars().all())


def _write(conn: Connection, plan: _Plan, actor: str, reason: str, username: str | None) -> None:
    at = audit.now_utc()
    audit_rows: list[dict] = []

    def log(action, table, record_id, mrn, before, after, why=None):
        audit_rows.append(audit.row(at=at, actor=actor, action=action, table=table, record_id=record_id,
                                    mrn=mrn, before=before, after=after, reason=why or reason))

    # patients
    new_ids = _insert_returning_ids(conn, s.patients, [
        dict(codec.patient_values(p), row_version=1) for p in plan.new_patients])
    for pid, p in zip(new_ids, plan.new_patients):
        log("create", "patients", pid, p.mrn, None, codec.record_dict(p))
    if plan.patient_updates:
        conn.execute(update(s.patients).where(s.patients.c.id == bindparam("b_id")),
                     [dict(codec.patient_values(a), b_id=b.id) for b, a in plan.patient_updates])
        for b, a in plan.patient_updates:
            log("update", "patients", b.id, b.mrn, codec.record_dict(b), codec.record_dict(a))
    if plan.touched:
        conn.execute(update(s.patients).where(s.patients.c.id == bindparam("b_id"))
                     .values(row_version=s.patients.c.row_version + 1),
                     [{"b_id": i} for i in sorted(plan.touched)])

    # children: pumps first (refills need their ids)
    new_pump_ids: list[int] = []
    for kind in ("pump", "refill", *(_KINDS)):
        table, values = _TABLES[kind]
        parent_col = "pump_id" if kind == "refill" else "patient_id"
        rows = []
        for (ref_kind, ref), rec, _mrn in plan.creates[kind]:
            if ref_kind == "new_patient":
                parent = new_ids[ref]
            elif ref_kind == "new_pump":
                parent = new_pump_ids[ref]
            else:  # an existing patient's or pump's id
                parent = ref
            rows.append(dict(values(rec), **{parent_col: parent}))
        ids = _insert_returning_ids(conn, table, rows)
        if kind == "pump":
            new_pump_ids = ids
        for rid, (_, rec, mrn) in zip(ids, plan.creates[kind]):
            log("create", table.name, rid, mrn, None, codec.record_dict(rec))
        if plan.updates[kind]:
            conn.execute(update(table).where(table.c.id == bindparam("b_id")),
                         [dict(values(new), b_id=old.id) for old, new, _ in plan.updates[kind]])
            for old, new, mrn in plan.updates[kind]:
                image, why = codec.record_dict(new), None
                if kind == "culture" and old.id in plan.correction_notes:  # a correction: its reason
                    why, extras = plan.correction_notes[old.id]
                    image.update(extras)
                log("update", table.name, old.id, mrn, codec.record_dict(old), image, why)

    c = plan.counts
    log("import", "ward_file", None, None, None, {
        "patients_created": len(plan.new_patients), "patients_updated": c["patients_updated"],
        "patients_unchanged": c["patients_unchanged"], "records_created": c["create"],
        "records_updated": c["update"], "records_unchanged": c["unchanged"],
        "kept_in_error": c["in_error"],
    })
    audit.write(conn, audit_rows, username=username)
