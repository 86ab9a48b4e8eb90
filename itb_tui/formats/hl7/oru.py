"""One ORU^R01 message -> the culture reports it carries, or why it cannot be used.

What is read (HL7 v2.x, any minor version):
- MSH-9 must be ORU^R01; MSH-10 is the message control id (shown in the summary).
- PID-3 (first repetition, component 1) is the MRN; PID-7 the date of birth. The store
  matches the patient by both.
- Each OBR starts one report: OBR-3 (filler order number, component 1) is the
  laboratory's accession number, the key that makes re-sending idempotent; OBR-7 the
  collection date (`drawn_on`); OBR-15 (or SPM-4) the specimen source when the test
  code does not name it; OBR-25 the report status.
- The OBX segments after an OBR are its observations. One is culture-like when its
  OBX-3 code is in data/lab-codes.toml (LOINC, each checked against a source) or its text
  names a culture ("blood culture", "aerobic bottle", "gram stain", ...); the OBR-4 test
  counts the same way. OBX-5 is the result (every repetition read: `_values`): a no-growth text, a "growth, identification
  to follow" text (a positive whose organism is not named yet), or an organism as the
  lab prints it ("Yeast seen", "Candida albicans isolated"), matched by the species
  table (clinical rules revision 3). A coded organism (CE/CWE) is read by its text and, when
  its coding system is SNOMED CT (SCT, SNOMED CT, http://snomed.info/sct), by its code in
  the species table's verified codes (as the FHIR reader: formats/culture_value.py): a
  code the table does not have, without a text, or a code and a text that disagree, are
  quarantined.
- OBX-11 (and OBR-25): P preliminary, F final, C corrected. Any other status (W wrong,
  X cannot be obtained, D deleted, ...) is quarantined for a person to read.

Outcomes (`MessageReading.outcome`): "ok" (reports to store), "refused" (malformed:
cannot be parsed, not ORU^R01, no PID-3, a date that is not a date), "quarantined"
(culture-like, but something it needs is missing or unknown: the store keeps the raw
message), "not_culture" (a result of some other test: counted, not stored). A message is
used whole or not at all: one unusable culture in it quarantines the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import hl7

from itb_tui.clinical.records import Culture
from itb_tui.formats.culture_value import ValueRefused, culture_value
from itb_tui.formats.culture_value import organism_text as _organism_text  # noqa: F401 - oru._organism_text
from itb_tui.formats.hl7 import codes as lab_codes
from itb_tui.formats.hl7.batch import RawMessage

STATUS_WORDS = {"P": "preliminary", "F": "final", "C": "corrected"}
_SNOMED_SYSTEMS = frozenset({"SCT", "SNM", "SNOMED", "SNOMEDCT", "SNOMED CT", "SNM3", "HTTP://SNOMED.INFO/SCT"})


@dataclass(frozen=True, slots=True)
class LabReport:
    """One culture as the laboratory reported it."""

    accession: str
    status: str  # preliminary | final | corrected
    culture: Culture  # specimen, drawn_on, result, organism (as printed)
    test: str  # the culture's test, for messages ("aerobic bottle", "Blood culture")


@dataclass(frozen=True, slots=True)
class MessageReading:
    index: int
    control_id: str
    outcome: str  # ok | refused | quarantined | not_culture
    reason: str = ""
    mrn: str = ""
    dob: date | None = None
    reports: tuple[LabReport, ...] = ()
    raw: str = ""
    # observations in a culture report that are not culture results (e.g. susceptibility
    # rows): not imported, counted so the summary says so.
    unused: int = 0
    notes: tuple[str, ...] = field(default=())


class _Refuse(Exception):
    pass


class _Quarantine(Exception):
    pass


def _hl7_date(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    digits = text[:8]
    if len(digits) < 8 or not digits.isdigit():
        raise _Refuse(f"{what} {text!r} is not an HL7 date (YYYYMMDD...)")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise _Refuse(f"{what} {text!r} is not a real date") from None


def _component(fld, component: int) -> str:
    """Component `component` (1-based) of the first repetition of a field, as text (the
    first subcomponent), with the message's own separators (MSH-1/MSH-2)."""
    if not isinstance(fld, hl7.Field):
        return str(fld).strip() if component == 1 else ""
    seps = fld.separators  # segment, field, repetition, component, subcomponent
    rep = str(fld).split(seps[2])[0]
    parts = rep.split(seps[3])
    if component > len(parts):
        return ""
    return parts[component - 1].split(seps[4])[0].strip()


def _field(segment, n: int):
    return segment[n] if n < len(segment) else ""


def _coded(segment, n: int) -> tuple[str, str, str]:
    """(code, text, coding system) of a CE/CWE field."""
    fld = _field(segment, n)
    return _component(fld, 1), _component(fld, 2), _component(fld, 3).upper()


def _culture_kind(code: str, text: str, system: str, table: lab_codes.LabCodes) -> tuple[str, str] | None:
    """(specimen or "", test words) when the coded test is culture-like, else None."""
    entry = table.codes.get((system, code)) or (table.codes.get(("LN", code)) if not system else None)
    if entry is not None:
        return entry.specimen, entry.bottle or entry.display
    said = lab_codes.words(f"{text} {code if not text else ''}")
    for needle, specimen in table.texts:
        if needle and needle in said:
            return specimen, text or code
    return None


def _repetitions(fld) -> list[str]:
    """The non-empty repetitions of a field (split on the message's own repetition
    separator, MSH-2's second character, `~` by default), as raw text."""
    if not isinstance(fld, hl7.Field):
        text = str(fld).strip()
        return [text] if text else []
    return [rep for rep in str(fld).split(fld.separators[2]) if rep.strip()]


def _values(obx) -> list[tuple[str, str, str]]:
    """(text, code, system) of each answer OBX-5 carries. HL7 v2 lets OBX-5 repeat ("may
    repeat for multipart, single answer results with appropriate data types, e.g., CE, TX,
    and FT"): a coded value (CE/CWE/CNE) gives one entry per repetition, every one read
    (a second organism in a repetition is never dropped); a text value (ST/TX/FT) is one
    answer in parts, so its repetitions are joined with a space, as its components are."""
    kind = str(_field(obx, 2)).strip().upper()
    fld = _field(obx, 5)
    reps = _repetitions(fld)
    if not isinstance(fld, hl7.Field):
        return [(reps[0], "", "")] if reps else []
    comp, sub = fld.separators[3], fld.separators[4]
    if kind in ("CE", "CWE", "CNE"):
        out = []
        for rep in reps:
            parts = [p.split(sub)[0].strip() for p in rep.split(comp)] + ["", "", ""]
            out.append((parts[1], parts[0], parts[2].upper()))
        return out
    text = " ".join(" ".join(rep.replace(comp, " ").split()) for rep in reps)
    return [(text, "", "")] if text else []


def _results_of(obx, table: lab_codes.LabCodes) -> list[tuple[str, str | None]]:
    """(result, organism as printed) of each answer of one culture observation (every
    OBX-5 repetition: `_values`); quarantines what it cannot read. A SNOMED CT code
    (OBX-5 CE/CWE, coding system SCT, SNOMED CT or http://snomed.info/sct) is looked up in
    the species table's verified codes as the FHIR reader does (formats/culture_value.py);
    a code and a text that disagree are quarantined. The caller combines the answers as
    it does the observations of one report (two organisms: quarantined)."""
    from itb_tui.clinical.organisms import by_snomed_ct

    values = _values(obx) or [("", "", "")]
    out = []
    for text, code, system in values:
        snomed = [code] if code and system in _SNOMED_SYSTEMS else []
        try:
            out.append(culture_value(text, snomed, table, by_snomed_ct,
                                     nothing="a culture observation has no result (OBX-5 empty)"))
        except ValueRefused as exc:
            raise _Quarantine(str(exc)) from None
    return out


def _status(values: list[str]) -> str:
    letters = [v.strip().upper()[:1] for v in values if v.strip()]
    odd = sorted({v for v in letters if v not in STATUS_WORDS})
    if odd:
        raise _Quarantine(f"result status {', '.join(odd)} is not handled (only P preliminary, "
                          "F final, C corrected): a person must read this report")
    if "C" in letters:
        return "corrected"
    if letters and all(v == "F" for v in letters):
        return "final"
    if not letters:
        raise _Quarantine("no result status (OBX-11 / OBR-25)")
    return "preliminary"


def _report(obr, observations: list, spm, table: lab_codes.LabCodes) -> tuple[LabReport | None, int]:
    """The culture report of one OBR group (None when it is no culture), and how many of
    its observations were not culture results."""
    test = _culture_kind(*_coded(obr, 4), table)
    cultures = []
    for obx in observations:
        kind = _culture_kind(*_coded(obx, 3), table)
        if kind is not None:
            cultures.append((obx, kind))
    if test is None and not cultures:
        return None, 0
    if not cultures:
        if test is not None and observations:
            # The OBR names a culture: its observations are the culture's results.
            cultures = [(obx, test) for obx in observations]
        else:
            raise _Quarantine("a culture report without a result (no OBX)")
    accession = _component(_field(obr, 3), 1)
    if not accession:
        raise _Quarantine("no accession number (OBR-3 filler order number): re-sending could not be recognised")
    drawn = _hl7_date(str(_field(obr, 7)), "OBR-7 collection date")
    if drawn is None:
        raise _Quarantine(f"accession {accession}: no collection date (OBR-7)")
    specimen = next((k[0] for _, k in cultures if k[0]), "") or (test[0] if test else "")
    if not specimen:
        source = _component(_field(obr, 15), 1) or (_component(_field(spm, 4), 1) if spm is not None else "")
        specimen = table.specimen_source.get(source.lower(), "")
        if not specimen:
            raise _Quarantine(f"accession {accession}: specimen source {source or '(none)'!r} is not known")
    statuses = [str(_field(obx, 11)) for obx, _ in cultures] or [str(_field(obr, 25))]
    status = _status(statuses)
    results = [r for obx, _ in cultures for r in _results_of(obx, table)]
    positives = [organism for result, organism in results if result == "positive"]
    from itb_tui.clinical.organisms import canonical_name

    if positives:
        named = {canonical_name(o) for o in positives if lab_codes.words(o) not in table.growth_pending}
        if len(named) > 1:
            raise _Quarantine(f"accession {accession}: two organisms in one specimen ({', '.join(sorted(named))}): "
                              "enter them by hand")
        identified = [o for o in positives if lab_codes.words(o) not in table.growth_pending]
        culture = Culture(specimen=specimen, drawn_on=drawn, result="positive",
                          organism=identified[0] if identified else positives[0])
    else:
        culture = Culture(specimen=specimen, drawn_on=drawn, result="no_growth")
    what = (test[1] if test else "") or cultures[0][1][1]
    return LabReport(accession, status, culture, what), len(observations) - len(cultures)


def read(raw: RawMessage, table: lab_codes.LabCodes | None = None) -> MessageReading:
    """What one message says (see the module notes); never raises for bad input."""
    table = table or lab_codes.load()
    control_id = ""
    mrn = ""
    dob = None
    try:
        try:
            message = hl7.parse(raw.text)
        except Exception as exc:  # the parser's errors are not one class
            raise _Refuse(f"cannot be parsed as HL7 v2 ({type(exc).__name__}: {exc})") from None
        try:
            msh = message.segment("MSH")
        except KeyError:
            raise _Refuse("no MSH segment") from None
        control_id = str(_field(msh, 10)).strip()
        kind = f"{_component(_field(msh, 9), 1)}^{_component(_field(msh, 9), 2)}"
        if kind.upper() != "ORU^R01":
            raise _Refuse(f"message type {kind} is not ORU^R01")
        for seg in message:
            name = str(seg[0]).strip() if len(seg) else ""
            if len(name) != 3 or not name.isalnum() or not name.isupper():
                raise _Refuse(f"malformed segment {str(seg)[:20]!r}")
        pids = [seg for seg in message if str(seg[0]) == "PID"]
        if len(pids) != 1:
            raise _Refuse("no PID segment" if not pids else "more than one patient (PID) in one message")
        mrn = _component(_field(pids[0], 3), 1)
        if not mrn:
            raise _Refuse("no MRN (PID-3)")
        dob = _hl7_date(str(_field(pids[0], 7)), "PID-7 date of birth")
        groups: list[tuple[object, list, object]] = []
        for seg in message:
            name = str(seg[0])
            if name == "OBR":
                groups.append((seg, [], None))
            elif name == "OBX" and groups:
                groups[-1][1].append(seg)
            elif name == "SPM" and groups:
                groups[-1] = (groups[-1][0], groups[-1][1], seg)
            elif name == "OBX":
                raise _Refuse("an OBX before any OBR")
        if not groups:
            raise _Refuse("no OBR segment")
        for obr, observations, spm in groups:
            for obx in observations:
                _hl7_date(str(_field(obx, 14)), "OBX-14 observation date")  # a malformed date refuses
        reports, unused = [], 0
        for obr, observations, spm in groups:
            report, not_results = _report(obr, observations, spm, table)
            if report is not None:
                reports.append(report)
                unused += not_results
        if not reports:
            return MessageReading(raw.index, control_id, "not_culture", "no culture result in it", mrn, dob,
                                  raw=raw.text)
        notes = (f"{unused} observation(s) that are not culture results (e.g. susceptibilities) were not imported",) if unused else ()
        return MessageReading(raw.index, control_id, "ok", "", mrn, dob, tuple(reports), raw.text, unused, notes)
    except _Refuse as exc:
        return MessageReading(raw.index, control_id, "refused", str(exc), mrn, dob, raw=raw.text)
    except _Quarantine as exc:
        return MessageReading(raw.index, control_id, "quarantined", str(exc), mrn, dob, raw=raw.text)
