"""The patient detail fits the terminal it is read on (issue 13, "Alerts out of sight").

At 120x36 every critical alert of every demo patient is on screen without scrolling
(one line each when they do not all fit in full, critical first), the alert box says
how many more there are below ("N more ↓"), and enter shows one alert in full. At 80x24
the name, MRN, date of birth and refill headline never leave the screen, whatever the
keyboard or the scroll does, and the alerts and timeline are one key away.
"""

from __future__ import annotations

from itb_tui.clinical.engine import assess
from itb_tui.ui.widgets.detail_alerts import AlertList
from itb_tui.ui.widgets.detail_text import rule_title

from detail_helpers import TODAY, make_app, open_detail, press, screen_text, settle
from shell_helpers import make_store

ALMA = "D1001"  # the demo's fungemia with six alerts: four critical, two warnings


def _lines(app) -> list[str]:
    return screen_text(app).splitlines()


def _alert_lines_on_screen(app) -> list[str]:
    """The screen's lines that lie inside the alert box (what the user sees of it)."""
    region = app.screen.query_one(AlertList).region
    lines = _lines(app)
    return [lines[y][region.x:region.right] for y in range(region.y, region.bottom) if y < len(lines)]


async def test_every_critical_alert_of_the_demo_ward_is_on_screen_at_120x36(tmp_path):
    store = make_store(tmp_path)
    app = make_app(store)
    patients = [p for p in store.load_patients()
                if any(a.severity == "critical" for a in assess(p, TODAY, app.rules).alerts)]
    assert len(patients) >= 3  # the demo ward has several critical patients
    async with app.run_test(size=(120, 36)) as pilot:
        for patient in patients:
            screen = await open_detail(pilot, patient.mrn)
            shown = "\n".join(_alert_lines_on_screen(app))
            for alert in screen.assessment.alerts:
                if alert.severity == "critical":
                    assert rule_title(app.rules, alert.code) in shown, (patient.mrn, alert.code)
            await press(pilot, "escape")


async def test_alma_shows_four_critical_alerts_first_and_says_one_more_below(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(pilot, ALMA)
        alerts = screen.query_one(AlertList)
        box = _alert_lines_on_screen(app)
        assert "Fluconazole given for C. krusei" in "\n".join(box)  # the one that was below the fold
        severities = [("CRITICAL" in line, "WARNING" in line) for line in box]
        criticals = [i for i, (c, _w) in enumerate(severities) if c]
        warnings = [i for i, (_c, w) in enumerate(severities) if w]
        assert len(criticals) == 4 and max(criticals) < min(warnings)  # critical first
        assert "1 more ↓" in box[-1]  # the bottom border says what is out of sight
        # The keyboard goes into the alerts (l); walking down shows the last warning, and
        # the border then says what is above instead.
        await press(pilot, "l", "down", "down", "down", "down", "down")
        box = "\n".join(_alert_lines_on_screen(app))
        assert "Dilated eye examination due" in box and "more ↓" not in box and "↑ 1 more" in box
        assert alerts.hidden_below == 0


async def test_enter_shows_the_highlighted_alert_in_full(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_detail(pilot, ALMA)
        alert = next(a for a in screen.assessment.alerts if a.code == "azole_intrinsic_resistance")
        flat = " ".join(screen_text(app).split())
        assert f"Source: {alert.source}"[:40] not in flat
        await press(pilot, "l", "down", "down", "enter")
        flat = " ".join(screen_text(app).split())
        assert "▾ ‼ CRITICAL" in flat and f"Source: {alert.source}"[:40] in flat
        assert " ".join(alert.text.split()[:8]) in flat  # the whole sentence, wrapped
        await press(pilot, "enter")
        assert "▾" not in screen_text(app)


async def test_a_box_with_room_shows_the_critical_alerts_in_full(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(120, 80)) as pilot:
        screen = await open_detail(pilot, ALMA)
        alerts = screen.query_one(AlertList)
        flat = " ".join(screen_text(app).split())
        assert alerts.hidden_below == 0 and "more ↓" not in flat
        for alert in screen.assessment.alerts:
            if alert.severity == "critical":
                assert " ".join(f"Source: {alert.source}".split()[:5]) in flat
                assert " ".join(alert.action.split()[:5]) in flat


def _identity_and_headline_on_screen(app) -> None:
    text = screen_text(app)
    assert "Testperson, Alma · MRN D1001 · born 1979-08-05" in text
    assert "✖ BLOCKED: do not refill this pump" in text


async def test_at_80x24_the_name_and_headline_stay_and_alerts_and_timeline_are_reachable(tmp_path):
    from itb_tui.ui.widgets.detail_timeline import Timeline

    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot, ALMA)
        _identity_and_headline_on_screen(app)
        assert "Fungemia not cleared" in screen_text(app)  # why, first
        await press(pilot, "l")  # into the alerts: they scroll into view
        assert isinstance(app.focused, AlertList)
        _identity_and_headline_on_screen(app)
        box = "\n".join(_alert_lines_on_screen(app))
        for alert in screen.assessment.alerts:
            if alert.severity == "critical":
                assert rule_title(app.rules, alert.code)[:20] in box
        await press(pilot, "l")  # on to the timeline
        assert isinstance(app.focused, Timeline)
        _identity_and_headline_on_screen(app)
        assert "Timeline (newest first)" in screen_text(app)
        assert "POSITIVE: Candida krusei" in screen_text(app)
        body = screen.query_one("#detail-body")
        body.scroll_end(animate=False)
        await settle(pilot)
        _identity_and_headline_on_screen(app)
        body.scroll_home(animate=False)
        await settle(pilot)
        _identity_and_headline_on_screen(app)
        assert "Fungemia not cleared" in screen_text(app)


async def test_the_header_names_the_patient_with_mrn_and_date_of_birth_at_80_columns(tmp_path):
    app = make_app(make_store(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_detail(pilot, ALMA)
        assert "Testperson, Alma · MRN D1001 · born 1979-08-05" in _lines(app)[0]


async def test_a_refill_with_no_reason_still_closes_the_banner_box(tmp_path):
    from detail_helpers import ward_store

    app = make_app(ward_store(tmp_path, demo=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_detail(pilot, "OK01")
        lines = _lines(app)
        at = next(i for i, line in enumerate(lines) if line.startswith("│  ✔ REFILL OK"))
        assert lines[at + 2].startswith("╰")  # an empty line, then the box's bottom edge
