"""FHIR lab results through the store's lab-feed use case (store/results.py), as the HL7
ones go: each outcome, the refill block, idempotency by accession (across formats too),
corrections, and quarantine for an unknown MRN, a date of birth that differs, an unknown
organism code."""

from __future__ import annotations

import json

from fhir_results import AEROBIC, FIXTURE_SNOMED, bundle, observation, patient, positive_report, report
from hl7_messages import AEROBIC as HL7_AEROBIC
from hl7_messages import final_positive
from store_fixtures import quiet_patient

from itb_tui.formats.fhir.results import read_json
from itb_tui.formats.hl7 import read, split_messages

MRN, DOB = "B2002", "1980-01-15"  # quiet_patient; TODAY 2026-11-10, drawn 2026-11-08


def _readings(doc):
    found = read_json(json.dumps(doc), by_code=FIXTURE_SNOMED.get)
    assert not found.refused, found.refused
    return found.readings


def _apply_reading(store, reading):
    if reading.outcome == "quarantined":
        return store.quarantine_lab_message(raw=reading.raw, reason=reading.reason, control_id=reading.control_id,
                                            mrn=reading.mrn, source="lab.json", actor="lab feed (tester)")
    assert reading.outcome == "ok", reading.reason
    return store.apply_lab_message(mrn=reading.mrn, dob=reading.dob, reports=reading.reports,
                                   control_id=reading.control_id, raw=reading.raw, source="lab.json",
                                   actor="lab feed (tester)")


def _apply(store, doc):
    (reading,) = _readings(doc)
    return _apply_reading(store, reading)


def _doc(**kw):
    kw.setdefault("mrn", MRN)
    kw.setdefault("dob", DOB)
    return positive_report(**kw)


def _cultures(store):
    return store.get_patient(MRN).cultures


def test_a_final_positive_by_text_is_imported_and_blocks(store):
    store.import_patients([quiet_patient()], "tester")
    out = _apply(store, _doc())
    assert (out.outcome, out.refill) == ("imported", "blocked")
    (c,) = _cultures(store)
    assert (c.result, c.organism) == ("positive", "Staphylococcus aureus")
    assert store.lab_report_statuses(MRN) == {c.id: ("FA1", "final")}
    assert store.check().ok


def test_an_organism_by_snomed_code_is_imported_by_its_table_name(store):
    store.import_patients([quiet_patient()], "tester")
    assert _apply(store, _doc(text=None, snomed="9900000002")).refill == "blocked"
    assert _cultures(store)[0].organism == "Candida albicans"


def test_the_aerobic_bottle_as_a_lone_observation_blocks(store):
    store.import_patients([quiet_patient()], "tester")
    obs = observation(code=AEROBIC, text="Staphylococcus aureus", accession="BOT1")
    out = _apply(store, bundle(patient(MRN, DOB), obs))
    assert (out.outcome, out.refill) == ("imported", "blocked")


def test_a_contained_observation_report_is_imported(store):
    store.import_patients([quiet_patient()], "tester")
    dr = report(contained=[observation(oid="c1", text="Escherichia coli", subject=None)])
    out = _apply(store, bundle(patient(MRN, DOB), dr))
    assert out.outcome == "imported" and _cultures(store)[0].organism == "Escherichia coli"


def test_re_importing_is_a_duplicate_and_writes_nothing_even_from_hl7(store):
    store.import_patients([quiet_patient()], "tester")
    _apply(store, _doc())
    version = store.data_version()
    assert _apply(store, _doc()).outcome == "duplicate"
    # The same accession sent as HL7 v2 later: the same culture, not a second one.
    hl7 = read(split_messages(final_positive(mrn=MRN, dob="19800115", drawn="20261108", accession="FA1",
                                             observations=(("CE", HL7_AEROBIC, "^Staphylococcus aureus^L", "F"),))).messages[0])
    out = store.apply_lab_message(mrn=hl7.mrn, dob=hl7.dob, reports=hl7.reports, control_id=hl7.control_id,
                                  raw=hl7.raw, source="feed.hl7", actor="lab feed (tester)")
    assert out.outcome == "duplicate"
    assert store.data_version() == version and len(_cultures(store)) == 1


def test_preliminary_yeast_blocks_and_the_final_replaces_it(store):
    store.import_patients([quiet_patient()], "tester")
    out = _apply(store, _doc(status="preliminary", text="Yeast seen"))
    assert (out.outcome, out.refill) == ("imported", "blocked")
    (c,) = _cultures(store)
    assert store.lab_report_statuses(MRN)[c.id] == ("FA1", "preliminary")
    out = _apply(store, _doc(status="final", text="Candida albicans"))
    assert out.outcome == "updated"
    assert store.lab_report_statuses(MRN)[c.id] == ("FA1", "final")
    assert _cultures(store)[0].organism == "Candida albicans"


def test_no_growth_then_a_corrected_positive_is_the_correction_path(store):
    store.import_patients([quiet_patient()], "tester")
    assert _apply(store, _doc(text="No growth")).refill == "ok"
    out = _apply(store, _doc(status="corrected", text="Staphylococcus aureus"))
    assert (out.outcome, out.refill) == ("updated", "blocked")
    (c,) = _cultures(store)
    assert store.lab_report_statuses(MRN)[c.id] == ("FA1", "corrected")
    assert store.check().ok


def test_unknown_mrn_and_a_date_of_birth_that_differs_are_quarantined(store):
    store.import_patients([quiet_patient()], "tester")
    unknown = _apply(store, _doc(mrn="NOBODY"))
    assert unknown.outcome == "quarantined" and "unknown MRN" in unknown.detail
    wrong_dob = _apply(store, _doc(dob="1980-01-16", accession="FA2"))
    assert wrong_dob.outcome == "quarantined" and "date of birth" in wrong_dob.detail
    assert _cultures(store) == ()
    assert [m.reason for m in store.lab_quarantine()] == [unknown.detail, wrong_dob.detail]


def test_an_unknown_organism_code_is_quarantined_and_kept_once(store):
    store.import_patients([quiet_patient()], "tester")
    first = _apply(store, _doc(text=None, snomed="9900000099"))
    again = _apply(store, _doc(text=None, snomed="9900000099"))
    assert first.outcome == again.outcome == "quarantined"
    assert first.quarantine_id == again.quarantine_id and _cultures(store) == ()


def test_a_transaction_bundle_of_two_patients(store):
    store.import_patients([quiet_patient(), quiet_patient(mrn="B3003")], "tester")
    a = positive_report(mrn=MRN, dob=DOB)["entry"]
    b = positive_report(mrn="B3003", dob=DOB, accession="FB1", text="No growth")["entry"]
    for e, new in zip(b, ("p2", "r2", "o2")):
        e["resource"]["id"] = new
    b[1]["resource"]["subject"] = {"reference": "Patient/p2"}
    b[1]["resource"]["result"] = [{"reference": "Observation/o2"}]
    b[2]["resource"]["subject"] = {"reference": "Patient/p2"}
    doc = bundle(*[e["resource"] for e in a + b], kind="transaction", request=True)
    outs = [_apply_reading(store, r) for r in _readings(doc)]
    assert [(o.outcome, o.refill) for o in outs] == [("imported", "blocked"), ("imported", "ok")]


def test_lab_reports_reads_the_same_from_the_store_and_the_read_only_reader(store, store_url):
    """What status --json and show read to say "preliminary": the writable Store, the fast
    read-only reader (its own SQL) agree (the deferred store forwards it: tests/architecture)."""
    from itb_tui.store.reader import open_reader

    store.import_patients([quiet_patient(), quiet_patient(mrn="B3003")], "tester")
    _apply(store, _doc(status="preliminary", text="Yeast seen"))
    (c,) = _cultures(store)
    expected = {MRN: {c.id: ("FA1", "preliminary")}}
    assert store.lab_reports() == expected == store.lab_reports(MRN)
    assert store.lab_reports("B3003") == {} and store.lab_reports("NOBODY") == {}
    reader = open_reader(store_url)
    assert reader is not None
    with reader:
        assert reader.lab_reports() == expected == reader.lab_reports(MRN)
        assert reader.lab_reports("B3003") == {}
