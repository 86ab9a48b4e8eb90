"""CSV export: read back with the csv module, one row per patient, formulas neutralised."""

from __future__ import annotations

import csv
import io
import stat

import pytest

from export_fixtures import AS_OF, FORMULA_NAME, GENERATED_AT, explanted_pair
from itb_tui.exports import write_export
from itb_tui.exports.columns import COLUMN_KEYS
from itb_tui.exports.csv_export import neutralise


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_patient_with_the_computed_columns(tmp_path, pairs, rules):
    out = write_export("csv", pairs, tmp_path / "ward.csv", as_of=AS_OF, rules=rules,
                       generated_at=GENERATED_AT)
    rows = _read(out)
    assert [r["mrn"] for r in rows] == ["A1001", "B2002", "C3003"]
    assert list(rows[0]) == list(COLUMN_KEYS) + ["as_of"]
    blocked = rows[0]
    assert blocked["refill_status"] == "blocked"
    assert blocked["refill_reasons"] == "fungemia; culture_pending"
    assert blocked["alarm_on"] == "2026-11-28"
    assert blocked["days_to_alarm"] == "3"
    assert blocked["refill_by"] == "2026-11-28"
    assert blocked["antifungal_state"] == "awaiting_clearance"
    assert blocked["critical_alerts"] == "withdrawal_risk; device_removal_indicated"
    assert blocked["warning_alerts"] == "eye_exam_due"
    assert blocked["as_of"] == "2026-11-25"
    done = rows[2]
    assert (done["antifungal_state"], done["antifungal_day"], done["required_until"],
            done["antifungal_days_left"]) == ("complete", "52", "2026-10-18", "-38")
    assert (done["reimplant_state"], done["eligible_on"]) == ("waiting", "2026-11-30")
    # No pump in place: the reservoir columns are empty, not zero.
    assert done["alarm_on"] == done["days_to_alarm"] == ""


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_every_formula_start_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Doe, Jane", "1-2", "a=b", "", "'quoted"])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def test_typed_text_that_would_run_as_a_formula_is_quoted(tmp_path, rules):
    pair = explanted_pair(name=FORMULA_NAME)
    out = write_export("csv", [pair], tmp_path / "w.csv", as_of=AS_OF, rules=rules,
                       generated_at=GENERATED_AT)
    row = _read(out)[0]
    assert row["name"] == "'" + FORMULA_NAME
    assert row["ward"] == "'=cmd|' /C calc'!A0"
    assert row["bed"] == "'-1"  # a bed typed as "-1" is text, quoted like any other
    # Computed numbers are numbers: a negative day count is not a formula.
    assert row["antifungal_days_left"] == "-38"


def test_file_is_private_and_has_a_bom_for_excel(tmp_path, pairs, rules):
    out = write_export("csv", pairs, tmp_path / "ward.csv", as_of=AS_OF, rules=rules,
                       generated_at=GENERATED_AT)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_without_a_path_the_csv_goes_to_stdout_without_bom(capsys, pairs, rules):
    assert write_export("csv", pairs, None, as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT) is None
    text = capsys.readouterr().out
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["mrn"] for r in rows] == ["A1001", "B2002", "C3003"]
