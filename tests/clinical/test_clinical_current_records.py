"""The record an action opens: the course running on a date (clinical-rules.md: running
on D = started on or before D, no stop date or one after D) and the latest pending culture."""

from __future__ import annotations

import pytest

from clinical_factories import blood, course, d, patient
from itb_tui.clinical.current_records import latest_pending_culture, running_course


@pytest.mark.parametrize("courses, day, expected_drug", [
    ([course("micafungin", "2026-11-01")], "2026-11-05", "micafungin"),  # open course
    ([course("micafungin", "2026-11-01", "2026-11-05")], "2026-11-05", None),  # its stop day: stopped
    ([course("micafungin", "2026-11-01", "2026-11-06")], "2026-11-05", "micafungin"),  # stops later
    ([course("micafungin", "2026-11-06")], "2026-11-05", None),  # not started yet
    # two running (a step-down overlap): the one started later
    ([course("micafungin", "2026-11-01"), course("fluconazole", "2026-11-04")], "2026-11-05", "fluconazole"),
])
def test_the_running_course_on_a_day(courses, day, expected_drug):
    found = running_course(patient(courses=courses), d(day))
    assert (found.drug if found else None) == expected_drug


def test_the_latest_pending_culture():
    p = patient(cultures=[blood("2026-11-01", "pending"), blood("2026-11-03", "pending"),
                          blood("2026-11-04", "no_growth")])
    assert latest_pending_culture(p).drawn_on == d("2026-11-03")
    assert latest_pending_culture(patient(cultures=[blood("2026-11-04", "no_growth")])) is None
