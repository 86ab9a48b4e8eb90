"""One truth on every screen (issue 12): for any valid record set and date, the ward
list row, the detail banner, the CLI table row and the CSV row of a patient give the
same status word and the same headline alert, because all four take them from
itb_tui/present/. Hypothesis draws the patients (the engine's own property strategy:
fungemia stories, explants, bridging, pumps with and without dates) and the date."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from rich.console import Console

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "clinical"))
from test_clinical_properties import cases  # noqa: E402  (the engine's patient strategy)

from itb_tui.clinical.engine import assess  # noqa: E402
from itb_tui.clinical.rules import load_rules  # noqa: E402
from itb_tui.exports import csv_export  # noqa: E402
from itb_tui.present.row import build_row  # noqa: E402
from itb_tui.present.status import headline_words, refill_view  # noqa: E402
from itb_tui.report import format_table  # noqa: E402
from itb_tui.ui.widgets.detail_banner import banner  # noqa: E402


def _banner_text(assessment) -> str:
    console = Console(width=400, color_system=None, record=True)
    console.print(banner(assessment, assessment.as_of, load_rules()))
    return console.export_text()


def _csv_row(patient, assessment) -> dict[str, str]:
    text = csv_export.render_text([(patient, assessment)], as_of=assessment.as_of)
    return next(csv.DictReader(io.StringIO(text)))


def _table_text(patient, assessment) -> str:
    return format_table([(patient, assessment)], assessment.as_of, width=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_surface_gives_the_same_status_word_and_headline_alert(case):
    patient, as_of = case
    a = assess(patient, as_of, load_rules())
    view = refill_view(a)
    headline = headline_words(a)

    row = build_row(patient, a)  # the ward list
    assert row.cells[3].top == view.label
    assert row.cells[7].bottom == headline

    shown = _banner_text(a)  # the detail banner
    assert shown.lstrip().startswith(view.label)
    if headline:
        assert f" {headline}: " in shown
    else:
        assert "(see Alerts)" not in shown

    table = _table_text(patient, a)  # the CLI table (wide enough not to wrap)
    line = next(x for x in table.splitlines() if f" {patient.mrn} " in x)
    assert f"  {view.label}" in line
    assert line.rstrip().endswith(headline) if headline else line.rstrip().endswith("—")

    exported = _csv_row(patient, a)  # the CSV (and so the XLSX: the same columns)
    assert exported["refill_shown"] == view.line
    assert exported["headline_alert"] == headline
    assert exported["refill_status"] == a.refill.status  # the code stays the contract's

    # and none of them says OK when the refill is due, overdue or a critical alert is on
    if view.code != "ok":
        for text in (row.cells[3].top, shown.splitlines()[0], line, exported["refill_shown"]):
            assert "REFILL OK" not in text
