"""The FHIR export of a big ward is rendered chunk by chunk on both cores (cli/chunked.py,
issue 17): the Bundle a user gets is byte for byte the one-piece export's (its
"timestamp", the second it was made, aside), whatever the chunking, the filters or the
Bundle type, with every record's whole history (all refills) and the facts read from
the trail: a culture corrected on the ward still says "corrected" (synthetic patient L2
of test_fhir_context_audit)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from chunked_ways import demo_dir, export_each_way  # noqa: E402,F401 (demo_dir: a fixture)

STAMP = re.compile(rb'"timestamp":"[^"]*"')



def _stamp_aside(data: bytes) -> bytes:
    """The Bundle with its one "timestamp" (the second it was made) blanked."""
    assert len(STAMP.findall(data)) == 1
    return STAMP.sub(b'"timestamp":"T"', data)


def _files(data_dir, store_args: tuple, *filters):
    files = export_each_way(data_dir, "fhir", filters, store_args=store_args, suffix="json", read=_stamp_aside)
    for name, got in files.items():
        assert got == files["one piece"], f"{name}: {filters} differs from the one-piece export"
    return files["one piece"][0]


@pytest.mark.parametrize("filters", [(), ("--only", "blocked"), ("--ward", "Neuro 4B"), ("--as-of", "+40d"),
                                     ("--bundle", "transaction")])
def test_chunked_fhir_bundle_is_the_one_piece_bundle(demo_dir, filters):
    bundle = json.loads(_files(demo_dir, ("--demo",), *filters))
    assert bundle["resourceType"] == "Bundle"
    patients = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert patients and (filters[:1] != () or len(patients) == 60)


def test_a_ward_with_no_one_blocked_is_an_empty_bundle_either_way(tmp_path):
    from itb_tui.store import open_store
    from test_fhir_context_audit import TODAY, _patient

    db = tmp_path / "ward.db"
    with open_store(f"sqlite:///{db}", today=TODAY) as store:
        store.import_patients([_patient()], "tester")
    bundle = json.loads(_files(tmp_path, ("--db", str(db)), "--only", "blocked"))
    assert bundle["entry"] == []


def test_a_culture_corrected_on_the_ward_is_corrected_in_the_chunked_bundle(tmp_path):
    from test_fhir_context_audit import _filled

    db = tmp_path / "ward.db"
    store, _culture_id = _filled(f"sqlite:///{db}")
    store.close()
    bundle = json.loads(_files(tmp_path, ("--db", str(db))))
    cultures = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
                and e["resource"].get("valueCodeableConcept")]
    assert [c["status"] for c in cultures] == ["corrected"]


def test_the_fhir_export_takes_the_chunked_path(tmp_path, monkeypatch):
    """The comparisons above prove something only if the chunked runs were chunked."""
    from datetime import datetime, timezone

    from itb_tui.cli import chunked
    from itb_tui.cli.common import _rules
    from itb_tui.cli.entry import build_parser
    from itb_tui.store.reader import open_reader
    from test_fhir_context_audit import TODAY, _filled

    db = tmp_path / "ward.db"
    store, _culture_id = _filled(f"sqlite:///{db}")
    store.close()
    monkeypatch.setenv(chunked.CHUNK_ENV, "7")
    monkeypatch.setenv("ITB_TUI_WORKERS", "1")
    args = build_parser().parse_args(["--db", str(db), "export", "--format", "fhir", "-o", str(tmp_path / "o.json")])
    done = chunked.export(args, open_reader(f"sqlite:///{db}"), TODAY, _rules(), datetime.now(timezone.utc))
    assert done is not None and done[1] == 1
