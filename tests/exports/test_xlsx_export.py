"""XLSX export: read back with openpyxl; real dates, coloured and worded status, rules sheet."""

from __future__ import annotations

import stat
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from export_fixtures import AS_OF, FORMULA_NAME, GENERATED_AT, explanted_pair
from itb_tui.exports import ExportError, write_export
from itb_tui.exports.columns import COLUMNS


def _export(tmp_path, pairs, rules):
    path = write_export("xlsx", pairs, tmp_path / "ward.xlsx", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    return path, load_workbook(path)


def _rows(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c for c in row))) for row in ws.iter_rows(min_row=2)]


def test_ward_sheet_has_header_frozen_panes_and_autofilter(tmp_path, pairs, rules):
    path, wb = _export(tmp_path, pairs, rules)
    ws = wb["Ward list"]
    assert [c.value for c in ws[1]] == [c.title for c in COLUMNS]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(COLUMNS)).column_letter}4"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_dates_are_dates_and_counts_are_numbers(tmp_path, pairs, rules):
    _path, wb = _export(tmp_path, pairs, rules)
    rows = _rows(wb["Ward list"])
    assert [r["MRN"].value for r in rows] == ["A1001", "B2002", "C3003"]
    alarm = rows[0]["Alarm date"]
    assert isinstance(alarm.value, datetime) and alarm.value.date().isoformat() == "2026-11-28"
    assert alarm.is_date and alarm.number_format == "yyyy-mm-dd"
    assert rows[0]["Days to alarm"].value == 3
    assert rows[2]["Days left"].value == -38
    assert rows[2]["Eligible on"].value.date().isoformat() == "2026-11-30"
    assert rows[1]["Alarm date"].value.date().isoformat() == "2027-01-04"
    assert rows[2]["Alarm date"].value is None  # no pump in place: empty, not zero


def test_status_cells_are_worded_and_coloured_by_state(tmp_path, pairs, rules):
    _path, wb = _export(tmp_path, pairs, rules)
    rows = _rows(wb["Ward list"])
    blocked, ok, not_applicable = (r["Refill"] for r in rows)
    assert (blocked.value, ok.value, not_applicable.value) == ("blocked", "ok", "not_applicable")
    colours = {c.fill.fgColor.rgb[-6:] for c in (blocked, ok, not_applicable)}
    assert len(colours) == 3  # three states, three colours
    assert blocked.fill.fgColor.rgb.endswith("F4C7C3") and blocked.font.bold
    assert rows[0]["Antifungal"].fill.fgColor.rgb.endswith("F4C7C3")  # awaiting clearance
    assert rows[2]["Antifungal"].fill.fgColor.rgb.endswith("C6EFCE")  # complete
    assert rows[0]["Critical alerts"].value == "withdrawal_risk; device_removal_indicated"


def test_typed_formula_is_stored_as_text_not_formula(tmp_path, rules):
    path = write_export("xlsx", [explanted_pair(name=FORMULA_NAME)], tmp_path / "w.xlsx",
                        as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    ws = load_workbook(path)["Ward list"]
    name = ws["B2"]
    assert name.value == FORMULA_NAME and name.data_type == "s"
    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_rules_sheet_lists_every_rule_with_threshold_source_and_basis(tmp_path, pairs, rules):
    _path, wb = _export(tmp_path, pairs, rules)
    ws = wb["Rules"]
    assert ws["A1"].value == "Rules version" and ws["B1"].value == rules.version
    assert ws["A2"].value == "As of" and ws["B2"].value.date() == AS_OF
    header_row = next(r for r in ws.iter_rows(min_row=1) if r[0].value == "Code")
    header = [c.value for c in header_row]
    assert header[:6] == ["Code", "Title", "Threshold", "Value", "Basis", "Source"]
    listed = {row[0].value: row for row in ws.iter_rows(min_row=header_row[0].row + 1)}
    assert set(listed) == {e.code for e in rules.entries}
    for entry in rules.entries:
        row = listed[entry.code]
        assert row[4].value == entry.basis and row[5].value == entry.source
        assert row[2].value == entry.threshold_name
        if entry.value is not None:
            assert row[3].value == entry.value
    thresholds = {row[2].value: row[3].value for row in listed.values() if row[2].value}
    assert thresholds["bridging_window_days"] == rules.bridging_window_days
    assert thresholds["fluconazole_sdd_dose_mg"] == rules.fluconazole_sdd_dose_mg


def test_xlsx_needs_a_file(capsys, pairs, rules):
    with pytest.raises(ExportError, match="needs an output file"):
        write_export("xlsx", pairs, None, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    assert capsys.readouterr().out == ""
