"""The streamed FHIR entries (text templates, formats/fhir/templates.py) must be the dict
path's bytes (dumps_bundle(build_bundle(...))) for EVERY valid record, not only the demo
ward's: generated patients of every shape (the ward-file strategies: odd names and MRNs,
quantities written as 20, 61.0, 1E+1, optional fields left out, overrides, programmer
alarm dates, several pumps), with or without store row ids, collection and transaction,
with report statuses and weight dates, on two list dates.
"""

from __future__ import annotations

import dataclasses
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "wardfile"))
from wardfile_strategies import TODAY, wards  # noqa: E402

from itb_tui.clinical.engine import assess  # noqa: E402
from itb_tui.clinical.rules import load_rules  # noqa: E402
from itb_tui.formats.fhir.write import build_bundle, dumps_bundle, export_context, render_entries  # noqa: E402

RULES = load_rules()
STAMP = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _with_row_ids(patient, first: int):
    """The patient as the store gives it: every record with its row id."""
    n = iter(range(first, first + 10_000))
    ided = lambda records: tuple(dataclasses.replace(r, id=next(n)) for r in records)  # noqa: E731
    pumps = tuple(dataclasses.replace(p, id=next(n), refills=ided(p.refills)) for p in patient.pumps)
    return dataclasses.replace(patient, id=next(n), pumps=pumps, cultures=ided(patient.cultures),
                               antifungals=ided(patient.antifungals), bridging=ided(patient.bridging),
                               exams=ided(patient.exams))


@SETTINGS
@given(wards(), st.booleans(), st.sampled_from(["collection", "transaction"]),
       st.sampled_from([TODAY, date(2026, 6, 1)]), st.data())
def test_streamed_entries_are_the_dict_paths_bytes(ward, stored, bundle, as_of, data):
    if stored:
        ward = [_with_row_ids(p, 1 + 10_000 * i) for i, p in enumerate(ward)]
    pairs = [(p, assess(p, as_of, RULES)) for p in ward]
    statuses = {}
    weights = {}
    if stored:
        for p in ward:
            for c in p.cultures:
                status = data.draw(st.sampled_from([None, "preliminary", "final", "corrected"]))
                if status is not None:
                    statuses[c.id] = status
            if p.weight_kg is not None and data.draw(st.booleans()):
                weights[p.mrn] = date(2026, 1, 2)
    options = {"bundle": bundle, "report_statuses": statuses, "weight_recorded_on": weights}
    whole = dumps_bundle(build_bundle(pairs, as_of=as_of, rules=RULES, generated_at=STAMP, **options))
    lines = whole.split("\n")[1:-2] if pairs else []
    texts = render_entries(pairs, as_of=as_of, rules=RULES, ctx=export_context(**options),
                           transaction=bundle == "transaction")
    assert [t + "," for t in texts[:-1]] + texts[-1:] == lines
