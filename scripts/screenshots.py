#!/usr/bin/env python3
"""Regenerate screenshots/*.svg: every screen of the app, from the synthetic demo ward.

Why a script: the screenshots in the README and in screenshots/ must match what the app
really shows, so anyone can rebuild them after a change. The date (2026-11-25), the
terminal size (120x36), the time zone and the data are fixed, so two runs give the same
pictures. Nothing here touches a real store: the demo ward goes into a temp directory.

    .venv/bin/python scripts/screenshots.py            # all screenshots
    .venv/bin/python scripts/screenshots.py help form-  # only names containing these words

Forms are built by another part of the app; a form that is not installed yet is skipped
with a printed note, so the script works the moment it lands.

The demo screens come from the app exactly as `itb-tui --demo` opens it (signed in as the
demo clinician). The sign-in, lock and admin screens come from a real store holding the
same synthetic ward and synthetic accounts; the store's clock is pinned so the times on
the audit and user screens are the same on every run.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from itertools import count
from pathlib import Path
from typing import Awaitable, Callable

TODAY = date(2026, 11, 25)
SIZE = (120, 36)
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
# Where the export shot writes (a fixed name, so the path on screen is the same each run).
EXPORT_DATA_DIR = Path(tempfile.gettempdir()) / "itb-tui-screenshots"
# Synthetic accounts for the admin screens (never real people, never real passwords).
ACCOUNTS = (("alice", ("clinician", "admin")), ("nora", ("nurse",)), ("carl", ("clinician",)))
PASSWORD = "synthetic passphrase"

# Pin everything that could differ between two runs, before Textual is imported.
os.environ["ITB_TUI_TODAY"] = TODAY.isoformat()
os.environ["TZ"] = "UTC"
os.environ.pop("NO_COLOR", None)
if hasattr(time, "tzset"):
    time.tzset()
sys.path.insert(0, str(ROOT))


@dataclass
class Shot:
    name: str  # file name without .svg
    what: str  # one line for the report
    take: Callable[["Session"], Awaitable[bool]]  # False: skipped (the note says why)
    size: tuple[int, int] = SIZE
    setup: str = "demo"  # demo | admin (signed in as an admin) | login | first-admin


class Skip(Exception):
    """This screen cannot be shown yet (a form is missing, no demo patient fits)."""


class Session:
    """One running app on the demo ward, and the moves the shots are made of."""

    def __init__(self, app, pilot, patients) -> None:
        self.app = app
        self.pilot = pilot
        self.patients = {p.mrn: p for p in patients}

    async def settle(self) -> None:
        for _ in range(3):
            await self.pilot.pause()
            await self.app.workers.wait_for_complete()
        await self.pilot.pause()

    async def home(self) -> None:
        """Back to the ward list, today, no filters: every shot starts from here."""
        app = self.app
        if app.ward_screen is None:  # the sign-in screens: nothing to go back to
            await self.settle()
            return
        while app.screen is not app.ward_screen and len(app.screen_stack) > 1:
            app.pop_screen()
            await self.pilot.pause()
        app.as_of = app.today
        app.ward_screen.action_clear_filters()
        app.ward_screen.query_one("WardTable").move_cursor(0)
        await self.settle()

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.settle()

    def rows(self):
        return list(self.app.ward_screen.query_one("WardTable").rows)

    def pick(self, test: Callable, what: str) -> str:
        """MRN of the first ward row (most urgent first) whose row and patient pass `test`."""
        for row in self.rows():
            if test(row, self.patients[row.mrn]):
                return row.mrn
        raise Skip(f"no demo patient is {what}")

    async def open_patient(self, mrn: str) -> None:
        self.app.open_patient(mrn)
        await self.settle()
        if type(self.app.screen).__name__ != "PatientDetailScreen":
            raise Skip("the patient detail screen is not installed")

    async def open_form(self, mrn: str | None, key: str, module: str, class_name: str) -> None:
        """Open a form the way a user does (a key on the detail screen, or on the list)."""
        try:
            form_class = getattr(importlib.import_module(module), class_name)
        except (ImportError, AttributeError) as error:
            raise Skip(f"{module}.{class_name} is not installed ({error})") from None
        if mrn is not None:
            await self.open_patient(mrn)
        await self.press(key)
        if not isinstance(self.app.screen, form_class):
            raise Skip(f"pressing {key!r} did not open {class_name}")

    def save(self, name: str) -> None:
        self.app.save_screenshot(f"{name}.svg", str(OUT))


# --- who to show -------------------------------------------------------------------------


def _implanted(patient, today=TODAY) -> bool:
    return any(
        p.implanted_on is not None and p.implanted_on <= today and (p.removed_on is None or p.removed_on > today)
        for p in patient.pumps
    )


def _blocked_with_withdrawal(row, patient) -> bool:
    return row.status == "blocked" and row.withdrawal_risk


def _refillable(row, patient) -> bool:
    return row.status == "ok" and _implanted(patient)


def _blocked_with_pump(row, patient) -> bool:
    return row.status == "blocked" and _implanted(patient)


def _pending_culture(row, patient) -> bool:
    return any(c.result == "pending" for c in patient.cultures)


def _running_course(row, patient) -> bool:
    return any(c.started_on <= TODAY and (c.stopped_on is None or c.stopped_on > TODAY) for c in patient.antifungals)


def _fungal_episode(row, patient) -> bool:
    return "Day " in row.text() or "cleared" in row.text()


def _anyone(row, patient) -> bool:
    return True


# --- the shots ---------------------------------------------------------------------------


async def ward_list(s: Session) -> bool:
    s.save("ward-list")
    return True


async def ward_list_small(s: Session) -> bool:
    s.save("ward-list-80x24")
    return True


async def ward_list_as_of_future(s: Session) -> bool:
    await s.press("a")
    await s.press(*"+10d")
    s.save("as-of-prompt")
    await s.press("enter")
    s.save("ward-list-as-of-future")
    return True


async def task_view(s: Session) -> bool:
    await s.press("T")
    await s.settle()
    s.save("tasks")
    return True


async def ward_list_filtered(s: Session) -> bool:
    await s.press("b")
    s.save("ward-list-blocked")
    return True


async def ward_list_light(s: Session) -> bool:
    await s.press("ctrl+t")
    s.save("ward-list-light")
    await s.press("ctrl+t")
    return True


async def help_screen(s: Session) -> bool:
    await s.press("question_mark")
    s.save("help")
    body = s.app.screen.query_one("#help-body")
    rules = s.app.screen.query_one("#help-rules")
    body.scroll_to_widget(rules, animate=False, top=True)
    await s.settle()
    s.save("help-rules")
    return True


async def palette(s: Session) -> bool:
    mrn = s.pick(_blocked_with_withdrawal, "blocked with withdrawal risk")
    given = s.patients[mrn].name.split(",")[-1].strip()
    await s.press("ctrl+p")
    await s.pilot.press(*given)
    await s.pilot.pause(0.5)
    await s.settle()
    s.save("command-palette")
    await s.press("escape")
    return True


async def detail_blocked(s: Session) -> bool:
    await s.open_patient(s.pick(_blocked_with_withdrawal, "blocked with withdrawal risk"))
    s.save("patient-detail-blocked")
    return True


def _most_alerts(s: Session) -> str:
    """The demo patient with the most alerts (six or more), most urgent first on ties."""
    from itb_tui.clinical.engine import assess

    counts = [(len(assess(s.patients[row.mrn], TODAY, s.app.rules).alerts), -i, row.mrn)
              for i, row in enumerate(s.rows())]
    count, _, mrn = max(counts, default=(0, 0, ""))
    if count < 6:
        raise Skip("no demo patient has six alerts")
    return mrn


async def detail_many_alerts(s: Session) -> bool:
    size = "x".join(map(str, s.app.size))
    await s.open_patient(_most_alerts(s))
    s.save(f"patient-detail-alerts-{size}")
    if s.app.size.height < 30:
        await s.press("l")  # the keyboard into the alerts: they scroll into view
        s.save(f"patient-detail-alerts-{size}-focused")
    return True


async def help_small(s: Session) -> bool:
    await s.press("question_mark")
    s.save("help-80x24")
    body = s.app.screen.query_one("#help-body")
    body.scroll_to_widget(s.app.screen.query_one("#help-rules"), animate=False, top=True)
    await s.settle()
    s.save("help-rules-80x24")
    return True


async def detail_with_notes(s: Session) -> bool:
    """A handover note written through the note form (n), then the detail showing it."""
    mrn = s.pick(_blocked_with_withdrawal, "blocked with withdrawal risk")
    await s.open_form(mrn, "n", "itb_tui.ui.forms.note", "NoteForm")
    s.app.screen.query_one("#f-text").text = "Night: lumbar drain out at 06:00; watch for itch and rebound spasticity."
    s.app.screen.query_one("#f-for_handover").value = True
    await s.settle()
    s.save("form-note")
    await s.press("ctrl+s")
    if type(s.app.screen).__name__ != "PatientDetailScreen":
        raise Skip("the note was not saved")
    s.save("patient-detail-notes")
    return True


async def ward_list_reviewed(s: Session) -> bool:
    """The top patient marked reviewed (v): the 'Since review' column says who and when."""
    await s.home()
    await s.press("v")
    s.save("ward-list-reviewed")
    return True


def form_shot(name, key, module, class_name, who=None, what="") -> Shot:
    async def take(s: Session) -> bool:
        mrn = s.pick(who, what) if who is not None else None
        await s.open_form(mrn, key, module, class_name)
        s.save(name)
        return True

    return Shot(name, f"{class_name} ({module})", take)


async def login_shot(s: Session) -> bool:
    """The sign-in screen after a wrong password: the refusal in words."""
    from textual.widgets import Input

    await _type_login(s, "carl", "not-his-password")
    if not isinstance(s.app.screen.query_one("#login-user", Input), Input):
        raise Skip("the sign-in screen is not showing")
    s.save("login")
    return True


async def first_admin_shot(s: Session) -> bool:
    await _type_login(s, "ward.admin", "short", "short")
    s.save("first-admin")
    return True


async def _type_login(s: Session, username: str, password: str, confirm: str | None = None) -> None:
    from textual.widgets import Input

    await s.settle()
    screen = s.app.screen
    screen.query_one("#login-user", Input).value = username
    screen.query_one("#login-password", Input).value = password
    if confirm is not None:
        screen.query_one("#login-confirm", Input).value = confirm
    screen.query_one("#login-password" if confirm is None else "#login-confirm", Input).focus()
    await s.press("enter")
    for _ in range(100):  # the password check answers from a worker
        if not getattr(screen, "busy", False):
            break
        await s.pilot.pause(0.05)
    await s.settle()


async def lock_shot(s: Session) -> bool:
    await s.open_patient(s.pick(_blocked_with_withdrawal, "blocked with withdrawal risk"))
    s.app.lock()
    await s.settle()
    s.save("lock")
    await _type_login(s, "alice", PASSWORD)  # the same user: back where she was
    return True


async def audit_shot(s: Session) -> bool:
    mrn = s.pick(_blocked_with_withdrawal, "blocked with withdrawal risk")
    await s.open_patient(mrn)
    await s.press("h")  # the patient's own history, from the detail screen
    s.save("audit-patient")
    await s.home()
    await s.press("A")
    s.save("audit")
    return True


async def users_shot(s: Session) -> bool:
    await s.press("U")
    s.save("users")
    await s.press("a")
    s.save("users-add")
    return True


async def export_shot(s: Session) -> bool:
    await s.press("X")
    await s.press("ctrl+s")
    s.save("export")
    return True


SHOTS = [
    Shot("ward-list", "ward list, most urgent first", ward_list),
    Shot("ward-list-as-of-future", "'as of' prompt, then the list 10 days ahead", ward_list_as_of_future),
    Shot("ward-list-blocked", "quick filter: blocked only", ward_list_filtered),
    Shot("ward-list-light", "light theme", ward_list_light),
    Shot("ward-list-80x24", "a small terminal", ward_list_small, size=(80, 24)),
    Shot("tasks", "the round's tasks (T): overdue, today, next 7 days, per bed", task_view),
    Shot("ward-list-reviewed", "the top patient marked reviewed (v)", ward_list_reviewed),
    Shot("patient-detail-notes", "the note form (n), then the detail with the handover note",
         detail_with_notes),
    Shot("help", "help: keys and the rules table", help_screen),
    Shot("command-palette", "patient search in the command palette", palette),
    Shot("patient-detail-blocked", "detail: blocked refill and withdrawal risk", detail_blocked),
    Shot("patient-detail-alerts-120x36", "detail with six alerts: every critical one on screen",
         detail_many_alerts),
    Shot("patient-detail-alerts-80x24", "detail with six alerts at 80x24, and after l", detail_many_alerts,
         size=(80, 24)),
    Shot("help-80x24", "help at 80x24: key sections and rules stacked", help_small, size=(80, 24)),
    form_shot("form-patient", "n", "itb_tui.ui.forms.patient", "PatientForm"),
    form_shot("form-pump", "p", "itb_tui.ui.forms.pump", "PumpForm", _blocked_with_pump, "with a pump"),
    form_shot("form-refill", "r", "itb_tui.ui.forms.refill", "RefillForm", _refillable, "refillable"),
    form_shot("form-refill-blocked", "r", "itb_tui.ui.forms.refill", "RefillForm", _blocked_with_withdrawal,
              "blocked with withdrawal risk"),
    form_shot("form-culture", "c", "itb_tui.ui.forms.culture", "CultureForm", _anyone),
    form_shot("form-culture-result", "e", "itb_tui.ui.forms.culture", "CultureResultForm", _pending_culture,
              "with a pending culture"),
    form_shot("form-antifungal", "f", "itb_tui.ui.forms.antifungal", "AntifungalForm", _running_course,
              "on an antifungal course"),
    form_shot("form-explant", "x", "itb_tui.ui.forms.explant", "ExplantForm", _blocked_with_withdrawal,
              "blocked with withdrawal risk"),
    form_shot("form-bridging", "g", "itb_tui.ui.forms.bridging", "BridgingForm", _blocked_with_withdrawal,
              "blocked with withdrawal risk"),
    form_shot("form-symptoms", "y", "itb_tui.ui.forms.symptoms", "SymptomsForm", _fungal_episode,
              "in a fungal episode"),
    form_shot("form-exam", "m", "itb_tui.ui.forms.exam", "ExamForm", _fungal_episode, "in a fungal episode"),
    form_shot("form-edit-patient", "E", "itb_tui.ui.forms.patient", "PatientForm", _anyone),
    form_shot("form-entered-in-error", "delete", "itb_tui.ui.forms.entered_in_error", "EnteredInErrorForm",
              _blocked_with_withdrawal, "blocked with withdrawal risk"),
    Shot("login", "sign-in on a real store, after a wrong password", login_shot, setup="login"),
    Shot("first-admin", "a new store asks for the first admin account", first_admin_shot, setup="first-admin"),
    Shot("lock", "the idle lock over a patient's detail", lock_shot, setup="admin"),
    Shot("audit", "audit trail (admin), and one patient's history", audit_shot, setup="admin"),
    Shot("users", "user admin: the users, and adding one", users_shot, setup="admin"),
    Shot("export", "export screen after writing a CSV", export_shot, setup="admin"),
]


def pin_store_clock() -> None:
    """The store stamps audit entries and accounts from this ticking clock (one second
    per entry from 07:30 UTC on TODAY), so times on screen are the same on every run."""
    from itb_tui.store import audit

    start = datetime(TODAY.year, TODAY.month, TODAY.day, 7, 30, tzinfo=timezone.utc)
    ticks = count()
    audit.now_utc = lambda: start + timedelta(seconds=next(ticks))


def build(setup: str, tmp: str, size: tuple[int, int]):
    """(store, app, patients) for one group of shots, each in a fresh temp store."""
    from itb_tui.demo import build_demo_ward
    from itb_tui.store import open_store
    from itb_tui.ui.app import ItbApp, app_for_store

    store = open_store(f"sqlite:///{tmp}/{setup}-{size[0]}x{size[1]}.db", today=TODAY)
    if setup == "demo":  # exactly what `itb-tui --demo` opens
        return store, app_for_store(store, today=TODAY, demo=True), store.load_patients()
    if setup == "first-admin":
        return store, app_for_store(store, today=TODAY), []
    store.import_patients(build_demo_ward(TODAY), "ward clerk", reason="synthetic demo ward")
    for name, roles in ACCOUNTS:
        store.create_user(name, PASSWORD, roles, actor="os:itb-admin")
    patients = store.load_patients()
    if setup == "login":
        return store, app_for_store(store, today=TODAY), patients
    session = store.authenticate("alice", PASSWORD)
    return store, ItbApp(store, today=TODAY, session=session), patients


SETUPS = ("demo", "admin", "login", "first-admin")


async def run(shots: list[Shot]) -> tuple[list[str], list[str]]:
    saved, skipped = [], []
    pin_store_clock()
    shutil.rmtree(EXPORT_DATA_DIR, ignore_errors=True)
    os.environ["ITB_TUI_DATA_DIR"] = str(EXPORT_DATA_DIR)
    groups = sorted({(shot.size, shot.setup) for shot in shots}, key=lambda g: (g[0], SETUPS.index(g[1])))
    with tempfile.TemporaryDirectory(prefix="itb-screenshots-") as tmp:
        for size, setup in groups:
            # A fresh store for each group: shots of one group never see another's writes.
            store, app, patients = build(setup, tmp, size)
            async with app.run_test(size=size) as pilot:
                session = Session(app, pilot, patients)
                await session.settle()
                for shot in (s for s in shots if s.size == size and s.setup == setup):
                    await session.home()
                    try:
                        await shot.take(session)
                    except Skip as note:
                        skipped.append(f"{shot.name}: skipped, {note}")
                        print(f"  skip  {shot.name}.svg  ({note})")
                        continue
                    saved.append(shot.name)
                    print(f"  saved {shot.name}.svg  ({shot.what})")
            store.close()
    shutil.rmtree(EXPORT_DATA_DIR, ignore_errors=True)
    return saved, skipped


def main(argv: list[str] | None = None) -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="only shots whose name contains one of these words")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output directory (default: {OUT})")
    args = parser.parse_args(argv)
    OUT = args.out
    shots = [s for s in SHOTS if not args.only or any(word in s.name for word in args.only)]
    OUT.mkdir(exist_ok=True)
    print(f"Screenshots of the demo ward at {TODAY.isoformat()}, {SIZE[0]}x{SIZE[1]}, into {OUT}:")
    saved, skipped = asyncio.run(run(shots))
    # Side products of a shot (the 'as of' prompt, the rules part of help) count as saved.
    print(f"{len(list(OUT.glob('*.svg')))} SVG files in {OUT.name}/; {len(skipped)} skipped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
