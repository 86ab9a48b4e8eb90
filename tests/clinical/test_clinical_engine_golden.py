"""Every word and date the engine gives stays the same through a change meant to be silent.

Why: issue 17 rewrote the engine's inner loops for speed (facts shared by every rule,
shared constant answers, faster construction of the result objects). A speed change must
change no assessment, and the scenario table checks chosen fields, not every alert text.
This test holds the WHOLE assessment (repr: every field, text, date and quantity) of
- every row of the scenario table on its own list date, and
- the demo ward of 400 patients (27 hand-written, the rest generated) on six dates from
  40 days before to 120 days after the day it is built,
to a digest per assessment recorded with the engine as it was before that rewrite
(`engine_golden.json`, 2,551 digests).

A rule change made ON PURPOSE (or a change to the demo ward generator) changes digests:
check that the patients named in the failure are the ones the change is about, then
rewrite the file:
    python tests/clinical/test_clinical_engine_golden.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import date, timedelta
from pathlib import Path

GOLDEN = Path(__file__).with_name("engine_golden.json")
BUILT_ON = date(2026, 11, 25)
OFFSETS = (-40, -10, 0, 7, 30, 120)  # days from BUILT_ON


def _digest(assessment) -> str:
    return hashlib.sha256(repr(assessment).encode()).hexdigest()[:20]


def current_digests() -> dict[str, str]:
    from itb_tui.clinical import assess, load_rules
    from itb_tui.demo import build_demo_ward
    from clinical_factories import d
    from test_clinical_scenarios import ROWS

    rules = load_rules()
    out = {f"row {name}": _digest(assess(row.patient, d(row.as_of), rules)) for name, row in ROWS.items()}
    ward = build_demo_ward(BUILT_ON, patients=400)
    for offset in OFFSETS:
        day = BUILT_ON + timedelta(days=offset)
        for patient in ward:
            out[f"demo {patient.mrn} {day.isoformat()}"] = _digest(assess(patient, day, rules))
    return out


def test_every_assessment_is_as_recorded():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = current_digests()
    changed = sorted(key for key in expected.keys() | actual.keys() if expected.get(key) != actual.get(key))
    assert not changed, (f"{len(changed)} of {len(expected)} assessments differ from {GOLDEN.name} "
                         f"(see the module docstring): {', '.join(changed[:20])}")


if __name__ == "__main__" and "--write" in sys.argv:
    sys.path.insert(0, str(Path(__file__).parent))
    GOLDEN.write_text(json.dumps(current_digests(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
