"""The UI's one read of the saved ward-list rows (the machinery is present/saved_rows.py).

Why here: the presentation layer never talks to a store (import contract), so the call and
its refusal live in the shell; a store that cannot answer just means no saved rows, and the
list's own load then says why.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

from itb_tui.perf import gc_tuning
from itb_tui.present.saved_rows import FIRST_ROWS, SavedRows, held_in, list_key, saved_rows_from
from itb_tui.store.errors import StoreError


# Rows derived before the first frame for patients whose saved row is void (a lab result
# filed by `results listen`, an import, another program: writes that do not save rows).
# Each costs an assessment (~50 µs) plus the read of that patient; beyond this the list
# derives the whole ward in its load, as with no saved rows.
FILLED_AT_MOST = 500


def read_saved_rows(store, rules, as_of: date, first: int | None = None) -> SavedRows:
    """What the store holds for the list on `as_of` (see `saved_rows_from`), with the rows
    of the few patients changed since their rows were saved derived from their records
    now (`missing_from`), so one overnight lab result does not make the first start of
    the day derive all 10,000 rows before it draws (issue 17). Those rows come from the
    records, and every row drawn is still re-checked by the load (H35). `first`: decode
    only the most urgent rows now, the rest at `SavedRows.fill` (present/saved_rows.py)."""
    key = list_key(rules, as_of)
    try:
        saved = store.saved_list_rows(key)
    except StoreError:  # PermissionDenied included: the list's own load will say why
        saved = None
    return saved_rows_from(saved, key, _derived_for_missing(store, rules, as_of, saved, key), first)


def _derived_for_missing(store, rules, as_of: date, saved, key: str) -> dict[int, str] | None:
    """patient id -> payload of the row derived from the records now, for each patient of
    `missing_from(saved)`; None when there are none to derive, or the read or a row fails
    (then the list derives every row in its load, as before). A patient whose records
    changed again between the two reads is derived from the newer records: still the
    records, and the load re-derives it anyway."""
    from itb_tui.present.saved_rows import encode, missing_from

    mrns = missing_from(saved, FILLED_AT_MOST)
    if mrns is None:
        return None
    try:
        reads = store.list_reads(as_of, mrns)
    except StoreError:
        return None
    from itb_tui.ui.widgets.ward_rows import build_rows

    ids = {mrn: pid for pid, mrn, _v, _payload in saved.patients}
    filled = {}
    for patient, row in zip(reads.patients, build_rows(reads.patients, as_of, rules, reads.reviews)):
        payload = encode(row)
        if payload is None or ids.get(patient.mrn) is None:
            return None  # an error row, or a patient the saved list does not know: load it all
        filled[ids[patient.mrn]] = payload
    return filled if len(filled) == len(mrns) else None


class SavedRowsReading:
    """Today's saved rows, read and decoded on a thread of their own while Textual starts
    (`ItbApp.prefetch_saved_rows`); `result()` waits for them, before the list's first
    frame. Why: SQLite reads without holding the interpreter, so at 10,000 patients part
    of the read (~60 ms in all) overlaps Textual's CSS parsing and composing instead of
    coming before them (issue 17). Only the screenful of the most urgent rows is decoded
    here (`FIRST_ROWS`, picked from the whole ward); the list fills in the rest just after
    its first frame (WardScreen). The collector is paused meanwhile: the 10,000 new rows
    hold no cycles."""

    def __init__(self, store, rules, as_of: date) -> None:
        self._saved: SavedRows | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(store, rules, as_of),
                                        name="itb-saved-rows", daemon=True)
        self._thread.start()

    def _read(self, store, rules, as_of: date) -> None:
        try:
            with gc_tuning.paused():
                self._saved = read_saved_rows(store, rules, as_of, FIRST_ROWS)
        except BaseException as error:  # noqa: BLE001 - raised again where the rows are wanted
            self._error = error

    def result(self) -> SavedRows:
        """The rows (as `read_saved_rows`); an unexpected error of the read is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._saved


def held_saved_rows(store, rules, as_of: date) -> SavedRows:
    """Which patients have a valid saved row for `as_of`, without decoding any (the rows
    stay None): what deciding which rows to derive and save needs."""
    key = list_key(rules, as_of)
    try:
        saved = store.saved_list_rows(key)
    except StoreError:
        return SavedRows(key)
    return SavedRows(key, held_in(saved, key), None, saved.wards)


def row_maker(rules, today: date):
    """What a write saves in its own transaction (Store.keep_list_rows, issue 17): the rows
    of the patients it changed, for `today` and for tomorrow (the next day's first start),
    each as the list would derive it from those records, or nothing for a row that cannot
    be saved exactly (present/saved_rows.encode)."""
    days = [(day, list_key(rules, day)) for day in (today, today + timedelta(days=1))]

    def make(patients: list, reviews: dict) -> list[tuple[str, list[tuple[int, int, str]]]]:
        # Imported at the first write, not at start (the first frame comes before the engine).
        from itb_tui.perf import gc_tuning
        from itb_tui.present.saved_rows import encode
        from itb_tui.ui.widgets.ward_rows import build_rows

        made = []
        with gc_tuning.paused():
            for day, key in days:
                rows = build_rows(patients, day, rules, reviews)
                made.append((key, [(patient.id, patient.row_version, payload)
                                   for patient, row in zip(patients, rows)
                                   if patient.id is not None and patient.row_version is not None
                                   and (payload := encode(row)) is not None]))
        return made

    return make


CHILD_TIMEOUT_S = 120.0


def rows_from_child(url: str, day: date, mrns: list[str] | None, key: str,
                    cancelled=lambda: False) -> list[tuple[int, int, str]] | None:
    """(patient id, row_version, payload) of the rows on `day` derived by a second process
    (ui/rows_child.py: the other core, so the event loop keeps the interpreter), for a
    SQLite store file; None when that cannot be used here (another database, the child
    failed, or it derived under another key than `key`): the caller derives them itself.
    The child is stopped as soon as `cancelled()` (the app quitting must not wait)."""
    import json
    import subprocess
    import sys
    import time

    if not url.startswith("sqlite:///") or cancelled():
        return None
    request = json.dumps({"url": url, "day": day.isoformat(), "mrns": mrns})
    try:
        child = subprocess.Popen([sys.executable, "-m", "itb_tui.ui.rows_child"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None
    deadline = time.monotonic() + CHILD_TIMEOUT_S
    given = request
    while True:
        try:
            out, _ = child.communicate(given, timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            given = None  # sent already; later calls only collect the answer
            if cancelled() or time.monotonic() > deadline:
                child.kill()
                child.communicate()
                return None
        except (OSError, ValueError):
            child.kill()
            child.wait()
            return None
    if cancelled():
        return None  # the load was cancelled while the child ran: its rows are not wanted
    try:
        answer = json.loads(out) if child.returncode == 0 else None
    except ValueError:
        return None
    if not isinstance(answer, dict) or answer.get("key") != key:
        return None
    try:
        return [(int(pid), int(version), str(payload)) for pid, version, payload in answer["rows"]]
    except (KeyError, TypeError, ValueError):
        return None
