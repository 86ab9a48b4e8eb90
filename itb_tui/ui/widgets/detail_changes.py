"""The top of the patient detail: what changed since the last review on this ward
(issue 16). The words are present/changes.py's; this only colours them."""

from __future__ import annotations

from rich.text import Text

from itb_tui.present.changes import changes_since, detail_lines
from itb_tui.ui.widgets.detail_layout import SizedStatic
from itb_tui.ui.widgets.detail_text import critical_style, warning_style


class ChangesSince(SizedStatic):
    """'● Changed since reviewed by nora …:' and one line per change, most serious first."""

    DEFAULT_CSS = """
    ChangesSince {
        height: auto;
        padding: 0 1;
    }
    """

    def show(self, review, patient, assessment) -> None:
        """Nothing for a patient never reviewed on this ward: the list's "○ not reviewed"
        says it, and "since review" means nothing before the first (docs/rules.md, D-changes)."""
        self.display = review is not None
        if review is None:
            self.update("")
            return
        heading, lines = detail_lines(review, changes_since(review, patient, assessment))
        styles = {"danger": critical_style(), "warn": warning_style()}
        text = Text(heading, style="bold" if lines else "dim")
        for words, role in lines:
            text.append("\n  ")
            text.append(words, style=styles.get(role, ""))
        self.set_class(bool(lines), "-changed")
        self.update(text)
