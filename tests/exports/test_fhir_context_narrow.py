"""The FHIR export's facts from the trail are read from only the entries they come from
(issue 17): the patients' entries and the cultures' updates, not the 60,000 culture
creations of a 10,000-patient store. The context, and so the export's bytes, are those of
the earlier read of every entry of both tables: on the demo ward, on the 30-patient bench
store, and on a store with a culture corrected on the ward (patient L2 of
test_fhir_context_audit: its culture still says "corrected")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from export_fixtures import AS_OF, GENERATED_AT
from itb_tui.exports import fhir_context, render_export
from itb_tui.exports.fhir_context import fhir_options
from itb_tui.store import open_store
from itb_tui.store.reader import open_reader
from test_fhir_context_audit import _filled

BENCH_30 = Path(__file__).resolve().parents[2] / "bench/.cache/hospital-g1-s9b643d624e-n30.db"


def _every_entry_of_both_tables(store):
    """The read before issue 17's narrowing: every entry of patients and cultures."""
    return store.audit_entries(("patients", "cultures"))


def _export(store, rules, monkeypatch, *, narrow: bool) -> tuple[dict, bytes]:
    from itb_tui.report import assess_all

    with monkeypatch.context() as m:
        if not narrow:
            m.setattr(fhir_context, "_trail_entries", _every_entry_of_both_tables)
        patients = store.load_for_export()
        options = fhir_options(store, patients, "collection")
    pairs = assess_all(patients, AS_OF, rules)
    return options, render_export("fhir", pairs, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT,
                                  **options)


def _same_as_before(store, rules, monkeypatch) -> dict:
    narrow = _export(store, rules, monkeypatch, narrow=True)
    assert narrow == _export(store, rules, monkeypatch, narrow=False)
    return narrow[0]


def test_a_corrected_culture_is_still_corrected_from_the_store_and_the_reader(store_url, rules, monkeypatch):
    store, culture_id = _filled(store_url)
    with store:
        assert _same_as_before(store, rules, monkeypatch)["report_statuses"] == {culture_id: "corrected"}
        updates = store.audit_entries(("cultures",), actions=("update",))
        assert [e.record_id for e in updates] == [culture_id]
        assert store.audit_entries(("cultures",), actions=()) == []
        with open_reader(store_url) as reader:
            assert reader.audit_entries(("cultures",), actions=("update",)) == updates
            assert reader.audit_entries(("cultures",), actions=()) == []
            assert _same_as_before(reader, rules, monkeypatch)["report_statuses"] == {culture_id: "corrected"}


def test_the_demo_ward_exports_the_same_bytes(tmp_path, rules, monkeypatch):
    from itb_tui.demo import build_demo_ward

    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=AS_OF) as store:
        store.import_patients(build_demo_ward(AS_OF, 60), "tester")
        assert len(_same_as_before(store, rules, monkeypatch)["weight_recorded_on"]) > 0
    with open_reader(url) as reader:
        _same_as_before(reader, rules, monkeypatch)


@pytest.mark.skipif(not BENCH_30.exists(), reason="the bench store is built by `python -m bench.run`")
def test_the_30_patient_bench_store_exports_the_same_bytes(tmp_path, rules, monkeypatch):
    copy = tmp_path / BENCH_30.name
    shutil.copyfile(BENCH_30, copy)
    with open_reader(f"sqlite:///{copy}") as reader:
        assert len(_same_as_before(reader, rules, monkeypatch)["weight_recorded_on"]) == 30


def test_the_export_never_reads_the_cultures_creations(tmp_path, monkeypatch):
    from itb_tui.demo import build_demo_ward

    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=AS_OF) as store:
        store.import_patients(build_demo_ward(AS_OF, 20), "tester")
    asked = []
    with open_reader(url) as reader:
        real = reader.audit_entries
        monkeypatch.setattr(reader, "audit_entries",
                            lambda tables, *, actions=None: asked.append((tuple(tables), actions))
                            or real(tables, actions=actions))
        fhir_options(reader, reader.load_for_export(), "collection")
    assert asked == [(("patients",), None), (("cultures",), ("update",))]
