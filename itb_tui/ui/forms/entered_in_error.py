"""Mark a record "entered in error": it disappears from the lists and the rules, stays in
the store with who, when and why (never hard-deleted), so the reason is required."""

from __future__ import annotations

from typing import Any

from itb_tui.ui.forms.base import Field, FormScreen
from itb_tui.wardfile.fields import check_text
from itb_tui.wardfile.limits import FREE_TEXT_MAX


class EnteredInErrorForm(FormScreen):
    FORM_TITLE = "Mark entered in error"
    SAVE_LABEL = "Mark in error"

    def __init__(self, kind: str, record_id: int, description: str) -> None:
        super().__init__()
        self.kind = kind
        self.record_id = record_id
        self.description = description

    def intro(self) -> str:
        return (f"{self.description}\nThe record is hidden from the list and the rules, and kept in the "
                "store with your name and reason. It is never deleted.")

    def form_fields(self) -> list[Field]:
        return [Field("reason", "Reason", placeholder="e.g. entered for the wrong patient", required=True)]

    def extra_problems(self, values: dict[str, Any], draft) -> dict[str, str]:
        problem = check_text(values.get("reason"), limit=FREE_TEXT_MAX, required=True, multiline=True)
        return {"reason": problem} if problem else {}

    def save(self, values: dict[str, Any]) -> Any:
        return self.store.mark_entered_in_error(self.kind, self.record_id, values["reason"], self.actor)

    def saved_message(self, result: Any) -> str:
        return f"{self.kind.capitalize()} marked entered in error"
