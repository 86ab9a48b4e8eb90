"""The ward's task view (T): what the rules ask the round to do, overdue, today and in the
next 7 days, per bed and patient (every word from present/tasks.py).

Why Enter opens a form and there is no "done" key: a task is the shadow of an alert; it
goes away because the record it asks for was saved (the culture drawn, the refill
recorded) and the engine stops asking, never because someone ticked it. The screen reads
the store in a worker, assesses on the app's "as of" date and reloads on `DataChanged`,
so a saved form makes its task disappear from this list.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from itb_tui.clinical.engine import assess
from itb_tui.clinical.current_records import latest_pending_culture, running_course
from itb_tui.present import notes as note_words
from itb_tui.present.tasks import BUCKET_WORDS, Task, by_bed, patient_text, task_text, ward_tasks
from itb_tui.ui.format import current_pump, last_removed_pump
from itb_tui.ui.role_gate import DETAIL_PERMISSIONS, refusal, unavailable_label
from itb_tui.ui.widgets.key_footer import KeyFooter

TASKS_GROUP = "tasks-load"
SHOWN_BUCKETS = ("overdue", "today", "week")
DEFER_PERMISSION = "defer_task"


class TasksLoaded(Message):
    """The worker read every patient and worked out the tasks on `as_of`."""

    def __init__(self, as_of: date, tasks: list[Task], patients: dict, handover: dict | None = None) -> None:
        super().__init__()
        self.as_of = as_of
        self.tasks = tasks
        self.patients = patients  # mrn -> Patient (the store's copy: forms save against it)
        self.handover = handover or {}  # mrn -> notes awaiting handover, newest first


def group_options(tasks: list[Task], as_of: date, handover: dict | None = None,
                  shown: set | None = None) -> list[Option]:
    """One group's options: each patient (bed first) once, its tasks indented beneath,
    then its handover notes (issue 16, item 3: once, under the patient's first group;
    `shown` collects the MRNs whose notes are out)."""
    options = []
    mrn = None
    for task in by_bed(tasks):
        if task.mrn != mrn:
            mrn = task.mrn
            options.append(Option(patient_text(task), id=f"patient:{task.bucket(as_of)}:{mrn}", disabled=True))
            options.extend(_note_options(mrn, handover, shown))
        options.append(Option(f"    {task_text(task, as_of)}", id=task.key))
    return options


def _note_options(mrn: str, handover: dict | None, shown: set | None) -> list[Option]:
    if not handover or mrn not in handover or (shown is not None and mrn in shown):
        return []
    if shown is not None:
        shown.add(mrn)
    return [Option(f"    {note_words.task_view_line(n)}", id=f"note:{n.id}", disabled=True) for n in handover[mrn]]


def handover_only_options(patients: dict, handover: dict, shown: set) -> list[Option]:
    """Patients with a handover note and no task shown: their own group, last."""
    options = []
    rest = [patients[m] for m in handover if m not in shown and m in patients]
    for p in sorted(rest, key=lambda p: (p.ward or "", p.bed or "", p.name)):
        options.append(Option(note_words.patient_heading(p.name, p.mrn, p.ward, p.bed),
                              id=f"patient:handover:{p.mrn}", disabled=True))
        options.extend(_note_options(p.mrn, handover, shown))
    return options


class TaskScreen(Screen):
    """Tasks of the whole ward, grouped overdue / today / next 7 days."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="tasks.back"),
        Binding("enter", "do_task", "Do it (opens the form)", id="tasks.do",
                tooltip="Open the form that records what the task asks for"),
        Binding("D", "defer_task", "Defer", id="tasks.defer",
                tooltip="Put the task off to a date, with a reason (it comes back on that date)"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="tasks.reload", tooltip="Read the store again"),
    ]

    AUTO_FOCUS = "#task-list"

    DEFAULT_CSS = """
    TaskScreen #task-summary { height: 1; padding: 0 1; background: $panel; }
    TaskScreen #task-list { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[Task] = []
        self.handover: dict = {}  # mrn -> notes awaiting handover (present/notes.py)
        self.patients: dict = {}
        self.as_of: date | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading tasks…", id="task-summary")
        yield OptionList(id="task-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Tasks"
        self.watch(self.app, "as_of", lambda _as_of: self.load(), init=False)
        self.load()

    # --- loading -------------------------------------------------------------------

    def load(self) -> None:
        self._read(self.app.as_of)

    @work(thread=True, exit_on_error=False, exclusive=True, group=TASKS_GROUP)
    def _read(self, as_of: date) -> None:
        store = self.app.store
        patients = store.load_patients()
        read_deferrals = getattr(store, "task_deferrals", None)
        deferrals = list(read_deferrals()) if read_deferrals is not None else []
        rules = self.app.rules
        read_notes = getattr(store, "notes", None)  # a store that keeps none: no notes
        handover = note_words.handover_notes_by_patient(read_notes() if read_notes is not None else [])
        pairs = [(p, assess(p, as_of, rules)) for p in patients]
        self.post_message(TasksLoaded(as_of, ward_tasks(pairs, as_of, deferrals),
                                      {p.mrn: p for p in patients}, handover))

    def on_tasks_loaded(self, message: TasksLoaded) -> None:
        self.loaded = True
        self.as_of, self.tasks, self.patients = message.as_of, message.tasks, message.patients
        self.handover = message.handover
        self._show()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == TASKS_GROUP and event.state == WorkerState.ERROR:
            self.query_one("#task-summary", Static).update("⚠ The tasks could not be read (ctrl+r to retry).")
            self.app.notify(f"Could not read the tasks: {event.worker.error}", severity="error",
                            title="Store error")

    def on_data_changed(self, _message) -> None:
        """A save (here, or in another terminal): the task it answered goes away."""
        self.load()

    def _show(self) -> None:
        as_of = self.as_of
        options: list[Option | None] = []
        noted: set = set()  # patients whose handover notes are shown
        counts = []
        for bucket in SHOWN_BUCKETS:
            group = [t for t in self.tasks if t.bucket(as_of) == bucket]
            counts.append(f"{BUCKET_WORDS[bucket].lower()} {len(group)}")
            if not group:
                continue
            if options:
                options.append(None)
            options.append(Option(f"{BUCKET_WORDS[bucket]} ({len(group)})", id=f"heading:{bucket}", disabled=True))
            options.extend(group_options(group, as_of, self.handover, noted))
        rest = handover_only_options(self.patients, self.handover, noted)
        if rest:
            if options:
                options.append(None)
            patients = sum(1 for o in rest if o.id and o.id.startswith("patient:"))
            options.append(Option(f"{note_words.SHEET_TITLE} ({patients})", id="heading:handover", disabled=True))
            options.extend(rest)
        task_list = self.query_one("#task-list", OptionList)
        highlighted = task_list.highlighted_option.id if task_list.highlighted_option is not None else None
        task_list.clear_options()
        task_list.add_options(options)
        if not self.tasks:
            task_list.add_option(Option("No tasks overdue, today or in the next 7 days.", disabled=True))
        keys = [o.id for o in options if o is not None and not o.disabled]
        if keys:
            index = task_list.get_option_index(highlighted if highlighted in keys else keys[0])
            task_list.highlighted = index
        summary = f"As of {as_of.isoformat()}: {', '.join(counts)} · Enter opens the form that records it"
        self.query_one("#task-summary", Static).update(summary)
        self.sub_title = f"{len(self.tasks)} task{'s' if len(self.tasks) != 1 else ''}"

    # --- doing a task --------------------------------------------------------------

    @property
    def selected_task(self) -> Task | None:
        option = self.query_one("#task-list", OptionList).highlighted_option
        if option is None:
            return None
        return next((t for t in self.tasks if t.key == option.id), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_do_task()

    def action_do_task(self) -> None:
        task = self.selected_task
        if task is None:
            return
        patient = self.patients.get(task.mrn)
        if patient is None:
            self.app.notify(f"No patient with MRN {task.mrn} (it may have been removed).", severity="warning")
            return
        reason = refusal(self.app, DETAIL_PERMISSIONS.get(task.form))
        if reason is not None:
            self.app.notify(f"{reason[:1].upper()}{reason[1:]}.", severity="warning", timeout=6)
            return
        screen = self._form_for(task, patient)
        if screen is not None:
            self.app.push_screen(screen)

    def action_defer_task(self) -> None:
        """D: the defer form for the highlighted task (refused before typing when the
        role may not defer: ui/role_gate.py)."""
        task = self.selected_task
        if task is None:
            return
        reason = refusal(self.app, DEFER_PERMISSION)
        if reason is not None:
            self.app.notify(f"{reason[:1].upper()}{reason[1:]}.", severity="warning", timeout=6)
            return
        patient = self.patients.get(task.mrn)
        if patient is None:
            self.app.notify(f"No patient with MRN {task.mrn} (it may have been removed).", severity="warning")
            return
        from itb_tui.ui.forms.defer_task import DeferTaskForm

        self.app.push_screen(DeferTaskForm(patient, task))

    def unavailable_label(self, action: str) -> str | None:
        """The footer's '✗ …' on D for a role that may not defer (admin)."""
        return unavailable_label(self.app, DEFER_PERMISSION) if action == "defer_task" else None

    def _form_for(self, task: Task, patient):
        """The form that records what `task` asks for, for `patient` (the store's copy)."""
        today = self.app.today
        form = task.form
        if form == "detail":
            self.app.open_patient(task.mrn)
            return None
        if form == "refill":
            from itb_tui.ui.forms.refill import RefillForm

            pump = current_pump(patient, today)
            if pump is None:
                self.app.notify("No pump is implanted today.", severity="warning")
                return None
            return RefillForm(patient, pump)
        if form == "culture":
            from itb_tui.ui.forms.culture import CultureForm

            return CultureForm(patient)
        if form == "culture_result":
            from itb_tui.ui.forms.culture import CultureResultForm

            culture = latest_pending_culture(patient)
            return CultureResultForm(patient, culture) if culture is not None else CultureForm(patient)
        if form == "antifungal":
            from itb_tui.ui.forms.antifungal import AntifungalForm

            return AntifungalForm(patient, running_course(patient, today))
        if form == "bridging":
            from itb_tui.ui.forms.bridging import BridgingForm

            return BridgingForm(patient)
        if form == "explant":
            from itb_tui.ui.forms.explant import ExplantForm

            pump = current_pump(patient, today)
            if pump is None:
                self.app.notify("No pump is implanted today: nothing to explant.", severity="warning")
                return None
            return ExplantForm(patient, pump)
        if form == "exam":
            from itb_tui.ui.forms.exam import ExamForm

            return ExamForm(patient)
        if form == "pump":
            from itb_tui.ui.forms.pump import PumpForm

            return PumpForm(patient, previous=last_removed_pump(patient, today))
        self.app.open_patient(task.mrn)  # a form this screen does not know: the patient
        return None

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()
