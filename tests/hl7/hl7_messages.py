"""Synthetic ORU^R01 messages for the tests (never real data): one builder, every case.

The MRNs, names and accession numbers are made up; dates are near tests' TODAY
(2026-01-15). Segments end in CR as HL7 v2 says."""

from __future__ import annotations

AEROBIC = "17928-3^Bacteria identified in Blood by Aerobe culture^LN"
ANAEROBIC = "17934-1^Bacteria identified in Blood by Anaerobe culture^LN"
BLOOD_CULTURE = "600-7^Bacteria identified in Blood by Culture^LN"
GRAM_STAIN = "GRAM^Gram stain^L"


def oru(*, mrn="H100", dob="19600101", accession="ACC1", drawn="20260110", control="MSG1",
        test=BLOOD_CULTURE, observations=(("CE", AEROBIC, "^Candida albicans^L", "F"),),
        specimen_source="BLD", msh9="ORU^R01", extra_segments=()) -> str:
    """One message: MSH, PID, OBR, then each observation (value type, OBX-3, OBX-5, OBX-11)."""
    segs = [
        f"MSH|^~\\&|LABSYS|GENLAB|ITB|WARD|20260112093000||{msh9}|{control}|P|2.5.1",
        f"PID|1||{mrn}^^^HOSP^MR||Testperson^Synthetic||{dob}|F",
        f"OBR|1|PLAC{accession}|{accession}^GENLAB|{test}|||{drawn}0830|||||||{specimen_source}|||||||||||"
        + ("F" if all(o[3] == "F" for o in observations) else "P"),
    ]
    for i, (kind, code, value, status) in enumerate(observations, 1):
        segs.append(f"OBX|{i}|{kind}|{code}|1|{value}||||||{status}")
    segs.extend(extra_segments)
    return "\r".join(segs) + "\r"


def final_positive(**kw) -> str:
    return oru(**kw)


def preliminary_yeast(**kw) -> str:
    kw.setdefault("observations", (("ST", GRAM_STAIN, "Yeast seen", "P"),))
    return oru(**kw)


def no_growth(**kw) -> str:
    kw.setdefault("observations", (("ST", AEROBIC, "No growth at 5 days", "F"),
                                   ("ST", ANAEROBIC, "No growth at 5 days", "F")))
    return oru(**kw)


def corrected_no_growth(**kw) -> str:
    kw.setdefault("observations", (("ST", AEROBIC, "No growth at 5 days", "C"),))
    return oru(**kw)


def unknown_organism(**kw) -> str:
    kw.setdefault("observations", (("CE", AEROBIC, "^Candida imaginaria^L", "F"),))
    return oru(**kw)


def malformed(**kw) -> str:
    text = oru(**kw)
    return text.replace("\rOBR|", "\rob r|", 1)


def batch(messages: list[str]) -> str:
    """An HL7 batch file: FHS/BHS, the messages, BTS/FTS with the count."""
    head = "FHS|^~\\&|LABSYS|GENLAB|ITB|WARD|20260112\rBHS|^~\\&|LABSYS|GENLAB|ITB|WARD|20260112\r"
    tail = f"BTS|{len(messages)}\rFTS|1\r"
    return head + "".join(messages) + tail
