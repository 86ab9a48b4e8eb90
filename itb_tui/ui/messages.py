"""Messages the screens exchange.

Why messages: store access runs in worker threads; a worker never touches a widget, it
posts one of these with plain data and the screen updates its own widgets in the
handler (posting a message is thread-safe in Textual).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.message import Message


class DataChanged(Message):
    """Something in the store changed (a save here, or another terminal's write).

    `ItbApp.notify_data_changed()` posts it to every screen on the stack; a screen that
    shows store data reloads what it shows.
    """


class WardLoaded(Message):
    """A ward-list load finished: the rows to show and what they were computed for."""

    def __init__(
        self,
        rows: list[Any],
        patients: list[Any] | None,
        wards: list[str] | None,
        as_of: date,
        data_version: int | None,
        *,
        saved: bool = False,
        filled: bool = False,
        ordered: list[Any] | None = None,
        reviews: dict | None = None,
        new_results: dict | None = None,
    ) -> None:
        super().__init__()
        self.rows = rows  # list[WardRow]
        # With the patients (a reload): MRN -> last review and the entries since, and MRN ->
        # the newest laboratory report this user has not opened (Store.new_results).
        self.reviews = reviews
        self.new_results = new_results
        # True: rows the store saved at an earlier derivation (shown at start only, while
        # the same load re-derives them; store/list_rows.py). False: derived just now.
        self.saved = saved
        # True: the rest of the saved rows, after the first frame showed only the most
        # urgent (rows empty: they could not be decoded); `ordered`: them in urgency order.
        self.filled = filled
        self.ordered = ordered
        # None when only "as of" moved: the patients and wards did not change.
        self.patients = patients
        self.wards = wards
        self.as_of = as_of
        self.data_version = data_version



class NewResults(Message):
    """MRN -> the newest laboratory report the user has not opened (Store.new_results),
    read after the ward list's rows were posted (they need the opened Store)."""

    def __init__(self, new_results: dict, data_version: int | None) -> None:
        super().__init__()
        self.new_results = new_results
        self.data_version = data_version


class RecordsLoaded(Message):
    """Every patient with all their records (Store.load_patients), read after the ward
    list drew the rows derived from `for_patients` (the patients it listed)."""

    def __init__(self, patients: list, for_patients: list) -> None:
        super().__init__()
        self.patients = patients
        self.for_patients = for_patients
