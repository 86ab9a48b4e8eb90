"""The antifungal card shows the current episode only (issue 13: "A new episode's
antifungal card showed the earlier episode's course and dates").

Synthetic patient EP2, as of 2026-11-25:
- Episode 1: Candida albicans in blood 2026-09-01, no growth 2026-09-04 (cleared),
  symptoms resolved 2026-09-05; micafungin 2026-09-01 to 2026-09-20, planned stop
  2026-09-18. Over.
- Episode 2: Candida albicans in blood again 2026-11-20, not cleared: a new episode
  starting 2026-11-20. The September course stopped before it began (2026-09-20 <
  2026-11-20), so it is not this episode's; nor are its planned stop or the symptom date.
"""

from __future__ import annotations

from datetime import date

import pytest

from itb_tui.present.episode import episode_card
from itb_tui.wardfile import parse_ward

from detail_helpers import TODAY, make_app, open_detail, screen_text
from shell_helpers import make_store

PUMP = {"manufacturer": "Medtronic", "model": "SynchroMed II", "serial": "TST-EP2", "reservoir_ml": 20,
        "alarm_ml": 2, "concentration_ug_ml": 500, "daily_dose_ug": 300, "implanted_on": "2024-01-10",
        "refills": [{"on": "2026-11-10", "volume_ml": 20}]}
FIRST_COURSE = {"drug": "micafungin", "dose_mg": 100, "started_on": "2026-09-01", "stopped_on": "2026-09-20",
                "planned_stop_on": "2026-09-18"}
SECOND_COURSE = {"drug": "fluconazole", "dose_mg": 800, "started_on": "2026-11-21"}


def _ward(*courses):
    return parse_ward({"format": "itb-ward/1", "patients": [{
        "mrn": "EP2", "name": "Episode, Second", "dob": "1970-07-07", "ward": "Test ward", "bed": "9",
        "symptoms_resolved_on": "2026-09-05",
        "pumps": [PUMP],
        "cultures": [
            {"specimen": "blood", "drawn_on": "2026-09-01", "result": "positive", "organism": "Candida albicans"},
            {"specimen": "blood", "drawn_on": "2026-09-04", "result": "no_growth"},
            {"specimen": "blood", "drawn_on": "2026-11-20", "result": "positive", "organism": "Candida albicans"},
        ],
        "antifungals": list(courses),
    }]}, TODAY)


@pytest.mark.parametrize("courses, shown, hidden", [
    ((FIRST_COURSE,), "no antifungal course in this episode", "micafungin"),
    ((FIRST_COURSE, SECOND_COURSE), "fluconazole 800 mg since 2026-11-21", "micafungin"),
])
async def test_a_second_episode_card_shows_only_its_own_course(tmp_path, shown, hidden, courses):
    store = make_store(tmp_path, patients=_ward(*courses))
    app = make_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(pilot, "EP2")
        assert screen.assessment.antifungal.episode_start_on == date(2026, 11, 20)
        flat = " ".join(screen_text(app).split())
        assert shown in flat
        assert hidden not in flat.split("Timeline")[0]  # the timeline below still lists it
        assert "2026-09-18" not in flat and "2026-09-05" not in flat.split("Timeline")[0]
        assert "Episode start 2026-11-20" in flat


def test_the_card_facts_take_the_episode_courses_and_dates_only():
    patient = _ward(FIRST_COURSE, SECOND_COURSE)[0]
    from itb_tui.clinical.engine import assess
    from itb_tui.clinical.rules import load_rules

    card = episode_card(patient, assess(patient, TODAY, load_rules()))
    assert card.course.drug == "fluconazole"
    assert card.planned_stop_on is None  # 2026-09-18 was the first episode's
    assert card.symptoms_resolved_on is None  # 2026-09-05 is before 2026-11-20
