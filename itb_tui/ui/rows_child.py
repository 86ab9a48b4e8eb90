"""Tomorrow's ward-list rows derived in a second process (issue 17: use both cores).

Why a process: deriving and encoding 10,000 rows is ~1-4 s of pure Python; in a thread
of the app it shares the interpreter with the event loop, and every keystroke of the
user's first minutes waits behind it. A child interpreter runs on the other core and
hands back only the rows' saved text (never the records: pickling those costs more than
deriving them), which the app then saves like any rows it derived (never trusted more:
the next day's list still re-derives every row before it says "checked", H35).

`python -m itb_tui.ui.rows_child` reads one JSON request on stdin ({"url", "day",
"mrns"}: a SQLite store only, read through the read-only reader) and writes one JSON
answer on stdout: {"key": the list key it derived under, "rows": [[patient id,
row_version, payload], ...]}. The parent drops the answer unless the key is its own
(another rules table, another code version).
"""

from __future__ import annotations

import json
import sys
from datetime import date


def derive(url: str, day: date, mrns: list[str] | None) -> dict:
    from itb_tui.clinical.rules import load_rules
    from itb_tui.perf import gc_tuning
    from itb_tui.present.saved_rows import encode, list_key
    from itb_tui.store.reader import open_reader
    from itb_tui.ui.widgets.ward_rows import build_rows

    rules = load_rules()
    reader = open_reader(url)
    if reader is None:
        raise SystemExit(2)
    try:
        patients = reader.load_patients(latest_refill_as_of=day)
        reviews = reader.patient_reviews()
    finally:
        reader.close()
    if mrns is not None:
        wanted = set(mrns)
        patients = [patient for patient in patients if patient.mrn in wanted]
    rows = []
    with gc_tuning.paused():
        for patient, row in zip(patients, build_rows(patients, day, rules, reviews)):
            payload = encode(row)
            if payload is not None and patient.id is not None and patient.row_version is not None:
                rows.append([patient.id, patient.row_version, payload])
    return {"key": list_key(rules, day), "rows": rows}


def main() -> int:
    request = json.loads(sys.stdin.read())
    answer = derive(request["url"], date.fromisoformat(request["day"]), request.get("mrns"))
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
