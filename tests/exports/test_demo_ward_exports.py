"""Every format, read back with a real reader, says what `status --json` says for the demo
ward on 2026-11-25: the same statuses, reasons, dates and alert codes per patient.

This is the end-to-end check (demo ward -> engine -> report -> export -> reader); the
hand-built tests next to it check each format's details.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from export_fixtures import without_ids

from itb_tui import demo, report
from itb_tui.clinical.rules import load_rules
from itb_tui.exports import write_export
from itb_tui.formats.fhir.read import parse_bundle

AS_OF = date(2026, 11, 25)
GENERATED_AT = datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def ward():
    rules = load_rules()
    patients = demo.build_demo_ward(AS_OF)
    pairs = report.assess_all(patients, AS_OF, rules)
    document = report.status_document(pairs, AS_OF, rules)
    return rules, pairs, {p["mrn"]: p for p in document["patients"]}


def _codes(entry, severity):
    return [a["code"] for a in entry["alerts"] if a["severity"] == severity]


def _expected_row(entry):
    """The status report's view of a patient, in the CSV's column keys (as text)."""
    reservoir = entry["reservoir"] or {}
    af, ri = entry["antifungal"], entry["reimplant"]

    def text(value):
        return "" if value is None else str(value)

    return {
        "refill_status": entry["refill"]["status"],
        "refill_reasons": "; ".join(entry["refill"]["reasons"]),
        "alarm_on": text(reservoir.get("alarm_on")),
        "days_to_alarm": text(reservoir.get("days_to_alarm")),
        "refill_by": text(reservoir.get("refill_by")),
        "days_to_refill": text(reservoir.get("days_to_refill")),
        "antifungal_state": af["state"],
        "antifungal_day": text(af.get("day")),
        "required_until": text(af.get("required_until")),
        "antifungal_days_left": text(af.get("days_left")),
        "reimplant_state": ri["state"],
        "eligible_on": text(ri.get("eligible_on")),
        "critical_alerts": "; ".join(_codes(entry, "critical")),
        "warning_alerts": "; ".join(_codes(entry, "warning")),
    }


def test_demo_ward_covers_the_states_the_exports_must_show(ward):
    _rules, _pairs, status = ward
    statuses = {e["refill"]["status"] for e in status.values()}
    assert {"blocked", "ok", "not_applicable"} <= statuses


def test_csv_matches_the_status_report(tmp_path, ward):
    rules, pairs, status = ward
    path = write_export("csv", pairs, tmp_path / "w.csv", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["mrn"] for r in rows) == sorted(status)
    for row in rows:
        expected = _expected_row(status[row["mrn"]])
        assert {k: row[k] for k in expected} == expected, row["mrn"]


def test_xlsx_matches_the_status_report(tmp_path, ward):
    rules, pairs, status = ward
    path = write_export("xlsx", pairs, tmp_path / "w.xlsx", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    ws = load_workbook(path)["Ward list"]
    header = [c.value for c in ws[1]]
    seen = set()
    for cells in ws.iter_rows(min_row=2, values_only=True):
        row = dict(zip(header, cells))
        entry = status[row["MRN"]]
        seen.add(row["MRN"])
        reservoir = entry["reservoir"] or {}
        assert row["Refill"] == entry["refill"]["status"]
        assert (row["Refill reasons"] or "") == "; ".join(entry["refill"]["reasons"])
        alarm = row["Alarm date"].date().isoformat() if row["Alarm date"] else None
        assert alarm == reservoir.get("alarm_on")
        assert row["Days to alarm"] == reservoir.get("days_to_alarm")
        assert row["Antifungal"] == entry["antifungal"]["state"]
        assert row["Day"] == entry["antifungal"]["day"]
        until = row["Required until"].date().isoformat() if row["Required until"] else None
        assert until == entry["antifungal"]["required_until"]
        assert row["Reimplant"] == entry["reimplant"]["state"]
        assert (row["Critical alerts"] or "") == "; ".join(_codes(entry, "critical"))
    assert seen == set(status)


class _Codes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.mrns, self.codes, self.cells = [], {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tbody" and "data-mrn" in attrs:
            self.mrns.append(attrs["data-mrn"])
            self.codes[attrs["data-mrn"]] = {"refill": [], "critical": [], "warning": []}
        if tag == "td":
            self.cells.append(attrs.get("class"))
        if "data-code" in attrs and self.mrns:
            mine = self.codes[self.mrns[-1]]
            classes = (attrs.get("class") or "").split()
            if "status" in classes and self.cells and self.cells[-1] == "refill":
                mine["refill"].append(attrs["data-code"])
            for severity in ("critical", "warning"):
                if severity in classes:
                    mine[severity].append(attrs["data-code"])


def test_round_sheet_matches_the_status_report_urgent_first(tmp_path, ward):
    rules, pairs, status = ward
    path = write_export("html", pairs, tmp_path / "w.html", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    parser = _Codes()
    parser.feed(path.read_text(encoding="utf-8"))
    assert parser.mrns == [p.mrn for p, _a in report.sort_by_urgency(pairs)]
    for mrn, codes in parser.codes.items():
        entry = status[mrn]
        assert codes["refill"] == [entry["refill"]["status"]]
        assert codes["critical"] == _codes(entry, "critical")
        assert codes["warning"] == _codes(entry, "warning")
    at_risk = [m for m, e in status.items() if "withdrawal_risk" in _codes(e, "critical")]
    if at_risk:
        assert parser.mrns[0] in at_risk


def test_fhir_flags_match_the_blocks_and_round_trip(tmp_path, ward):
    from fhir.resources.R4B.bundle import Bundle

    rules, pairs, status = ward
    path = write_export("fhir", pairs, tmp_path / "w.json", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    data = json.loads(path.read_text(encoding="utf-8"))
    Bundle.model_validate(data)
    mrn_of = {e["fullUrl"]: e["resource"]["identifier"][0]["value"] for e in data["entry"]
              if e["resource"]["resourceType"] == "Patient"}
    flags = {mrn_of[e["resource"]["subject"]["reference"]]:
             [c["code"] for c in e["resource"]["code"]["coding"]]
             for e in data["entry"] if e["resource"]["resourceType"] == "Flag"
             and e["resource"]["status"] == "active"}
    lifted = sum(1 for e in data["entry"] if e["resource"]["resourceType"] == "Flag"
                 and e["resource"]["status"] == "inactive")
    blocked = {m: e["refill"]["reasons"] for m, e in status.items()
               if e["refill"]["status"] == "blocked"}
    assert flags == blocked
    patients, ignored = parse_bundle(data, AS_OF)
    assert patients == [without_ids(p) for p, _a in pairs]
    assert ignored == ({"Flag": len(blocked) + lifted} if blocked or lifted else {})
