"""Reading ORU^R01 messages into culture reports (formats/hl7): each kind of message the
lab sends, and each thing that makes one unusable, gives the outcome a reviewer expects."""

from __future__ import annotations

from datetime import date

import pytest
from hl7_messages import (
    AEROBIC,
    ANAEROBIC,
    batch,
    corrected_no_growth,
    final_positive,
    malformed,
    no_growth,
    oru,
    preliminary_yeast,
    unknown_organism,
)

from itb_tui.formats.hl7 import RawMessage, read, split_messages
from itb_tui.formats.hl7 import codes as lab_codes


def _read(text: str):
    found = split_messages(text)
    assert len(found.messages) == 1
    return read(found.messages[0])


def test_final_positive_is_a_positive_blood_culture_with_the_organism_and_accession():
    r = _read(final_positive())
    assert r.outcome == "ok", r.reason
    assert (r.mrn, r.dob, r.control_id) == ("H100", date(1960, 1, 1), "MSG1")
    (rep,) = r.reports
    assert rep.accession == "ACC1" and rep.status == "final"
    c = rep.culture
    assert (c.specimen, c.drawn_on, c.result, c.organism) == ("blood", date(2026, 1, 10), "positive", "Candida albicans")


def test_preliminary_gram_stain_yeast_seen_is_a_preliminary_positive_yeast():
    r = _read(preliminary_yeast())
    assert r.outcome == "ok", r.reason
    (rep,) = r.reports
    assert rep.status == "preliminary"
    assert (rep.culture.result, rep.culture.organism) == ("positive", "Yeast")


def test_growth_identification_to_follow_is_a_preliminary_positive_as_printed():
    r = _read(oru(observations=(("ST", AEROBIC, "Growth, identification to follow", "P"),)))
    (rep,) = r.reports
    assert (rep.status, rep.culture.result, rep.culture.organism) == (
        "preliminary", "positive", "Growth, identification to follow")


def test_no_growth_in_both_bottles_is_no_growth():
    (rep,) = _read(no_growth()).reports
    assert (rep.status, rep.culture.result, rep.culture.organism) == ("final", "no_growth", None)


def test_one_positive_bottle_makes_the_specimen_positive():
    r = _read(oru(observations=(("CE", AEROBIC, "^Staphylococcus aureus^L", "F"),
                                ("ST", ANAEROBIC, "No growth at 5 days", "F"))))
    (rep,) = r.reports
    assert (rep.culture.result, rep.culture.organism) == ("positive", "Staphylococcus aureus")


def test_corrected_status_is_read():
    (rep,) = _read(corrected_no_growth()).reports
    assert rep.status == "corrected" and rep.culture.result == "no_growth"


@pytest.mark.parametrize("text, why", [
    (unknown_organism(), "unknown organism"),
    # 9900000099: a FIXTURE number, no real SNOMED CT concept id (not in the species table)
    (oru(observations=(("CE", AEROBIC, "9900000099^^SCT", "F"),)), "SNOMED CT code 9900000099"),
    (oru(accession=""), "no accession number"),
    (oru(test="X^Something^L", specimen_source="ZZZ",
         observations=(("ST", "C1^Culture^L", "No growth", "F"),)), "specimen source"),
    (oru(observations=(("CE", AEROBIC, "^Candida albicans^L", "W"),)), "status W"),
    (oru(observations=(("CE", AEROBIC, "^Candida albicans^L", "F"),
                       ("CE", ANAEROBIC, "^Staphylococcus aureus^L", "F"))), "two organisms"),
])
def test_culture_like_but_unusable_is_quarantined_with_the_reason(text, why):
    r = _read(text)
    assert r.outcome == "quarantined"
    assert why in r.reason
    assert r.raw.startswith("MSH|")


@pytest.mark.parametrize("text, why", [
    (malformed(), "malformed segment"),
    (oru(msh9="ADT^A01"), "not ORU^R01"),
    (oru(mrn=""), "no MRN"),
    (oru(dob="19601340"), "not a real date"),
    (oru(drawn="2026XX10"), "not an HL7 date"),
])
def test_malformed_is_refused_with_the_reason(text, why):
    r = _read(text)
    assert r.outcome == "refused"
    assert why in r.reason


def test_a_result_of_another_test_is_counted_as_not_a_culture():
    r = _read(oru(test="2823-3^Potassium^LN", observations=(("NM", "2823-3^Potassium^LN", "4.1", "F"),)))
    assert r.outcome == "not_culture"


def test_a_batch_file_is_cut_into_its_messages_and_the_trailer_count_checked():
    text = batch([final_positive(control=f"M{i}", accession=f"A{i}") for i in range(3)])
    found = split_messages(text)
    assert [m.index for m in found.messages] == [1, 2, 3]
    assert found.count_problem is None
    short = split_messages(text.replace("BTS|3", "BTS|4"))
    assert "says 4 messages" in short.count_problem


def test_lf_line_endings_and_mllp_framing_are_accepted():
    text = "\x0b" + final_positive().replace("\r", "\n") + "\x1c\r"
    found = split_messages(text)
    assert read(found.messages[0]).outcome == "ok"


def test_every_listed_code_names_a_checked_source():
    table = lab_codes.load()
    assert {c for _, c in table.codes} == {"600-7", "17928-3", "17934-1"}
    assert all(entry.source for entry in table.codes.values())
    assert read(RawMessage(1, "garbage")).outcome == "refused"


# 3092008 is the species table's verified SNOMED CT code for Staphylococcus aureus
# (data/organisms.toml, with its source); 264868006 is the project's no-growth code
# (formats/fhir/codes.py NO_GROWTH_SNOMED). The FHIR reader reads the same codes alike.
@pytest.mark.parametrize("value, result, organism", [
    ("3092008^^SCT", "positive", "Staphylococcus aureus"),
    ("3092008^^SNOMED CT", "positive", "Staphylococcus aureus"),
    ("3092008^^http://snomed.info/sct", "positive", "Staphylococcus aureus"),
    ("3092008^Staphylococcus aureus^SCT", "positive", "Staphylococcus aureus"),
    ("264868006^^SCT", "no_growth", None),
])
def test_an_organism_sent_as_a_verified_snomed_ct_code_is_read_as_the_fhir_reader_does(value, result, organism):
    r = _read(oru(observations=(("CWE", AEROBIC, value, "F"),)))
    assert r.outcome == "ok", r.reason
    (rep,) = r.reports
    assert (rep.culture.result, rep.culture.organism) == (result, organism)


@pytest.mark.parametrize("value, why", [
    ("3092008^Escherichia coli^SCT", "the SNOMED CT code names 'Staphylococcus aureus'"),
    ("3092008^No growth^SCT", "the text says no growth"),
])
def test_a_snomed_ct_code_and_a_text_that_disagree_are_quarantined(value, why):
    r = _read(oru(observations=(("CE", AEROBIC, value, "F"),)))
    assert r.outcome == "quarantined" and why in r.reason, r.reason


def test_a_code_of_another_coding_system_is_not_looked_up_as_snomed_ct():
    r = _read(oru(observations=(("CE", AEROBIC, "3092008^^L", "F"),)))
    assert r.outcome == "quarantined" and "no result" in r.reason, r.reason
