"""Words for the patient detail screen and its forms, on top of the shared `ui/format.py`.

`format.py` holds what every screen shares (status labels, day counts, numbers); this
module adds what only the detail and the forms show: record codes as words (specimens,
results, methods, states), the colour that reinforces (never replaces) each status
word, dates with their weekday (rounds are planned by weekday), and the rules table's
title and source for a code. Pure functions of their arguments: no clock, no store.
"""

from __future__ import annotations

from datetime import date

from rich.table import Table

from itb_tui.present.words import NONE_TEXT, words  # noqa: F401 (words: re-exported)

# Colours that reinforce (never replace) the status words, by colour role
# (present/words.py STATUS_WORDS gives each refill status its role).
ROLE_STYLES = {
    "danger": "bold white on red",
    "warn": "bold black on yellow",
    "ok": "bold white on dark_green",
    "muted": "bold",
}
REFILL_STATUS_STYLES = {"blocked": ROLE_STYLES["danger"], "caution": ROLE_STYLES["warn"],
                        "ok": ROLE_STYLES["ok"], "not_applicable": ROLE_STYLES["muted"]}
SEVERITY_STYLES = {"critical": "bold red", "warning": "bold yellow", "info": "bold blue"}


def apply_status_styles(badges: dict[str, str], severities: dict[str, str]) -> None:
    """Take the running theme's readable status colours (ui/status_colours.py), in place:
    the widgets hold these dicts, not copies. The app calls this whenever the theme's
    CSS variables are built."""
    ROLE_STYLES.update(badges)
    REFILL_STATUS_STYLES.update({"blocked": ROLE_STYLES["danger"], "caution": ROLE_STYLES["warn"],
                                 "ok": ROLE_STYLES["ok"], "not_applicable": ROLE_STYLES["muted"]})
    SEVERITY_STYLES.update(severities)


def critical_style() -> str:
    """Text that must stand out as critical (a red of the theme, AA on its background)."""
    return SEVERITY_STYLES["critical"]


def warning_style() -> str:
    return SEVERITY_STYLES["warning"]

# The countdown cards' state headlines are the presentation layer's (one wording table).
from itb_tui.present.words import ANTIFUNGAL_STATE_WORDS, REIMPLANT_STATE_WORDS  # noqa: E402,F401

SPECIMEN_WORDS = {
    "blood": "blood",
    "csf": "CSF",
    "pocket": "pump pocket",
    "wound": "wound",
    "catheter_tip": "catheter tip",
    "urine": "urine",
    "other": "other",
}
RESULT_WORDS = {"pending": "pending", "no_growth": "no growth", "positive": "POSITIVE"}
BRIDGING_WORDS = {
    "lumbar_drain": "lumbar drain",
    "oral_baclofen": "oral baclofen",
    "iv_benzodiazepine": "IV benzodiazepine",
    "other": "other",
}
EXAM_WORDS = {
    "dilated_eye_exam": "dilated eye exam",
    "echocardiogram": "echocardiogram",
    "other": "other exam",
}


def first_upper(text: str) -> str:
    """`CSF infection` stays as it is; `fungemia` -> `Fungemia` (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


def day_text(value: date | None) -> str:
    """`2026-11-25 Wed`: ISO so it reads the same in every hospital, weekday for planning."""
    if value is None:
        return NONE_TEXT
    return f"{value.isoformat()} {value.strftime('%a')}"


def rule_entry(rules, code: str):
    """The rules-table entry for a code (alert or refill reason), or None.

    The table is the one place a rule's title and source live; the screen shows them
    beside each alert so a clinician can check the basis.
    """
    if rules is None:
        return None
    try:
        return rules.entry(code)
    except KeyError:
        return None


def rule_title(rules, code: str) -> str:
    """A rule's title from the table, falling back to the code in words."""
    entry = rule_entry(rules, code)
    if entry is not None and entry.title:
        return entry.title
    return first_upper(words(code))


def grid(label_width: int) -> Table:
    """A two-column label/value grid: long values wrap under their value, not the label."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(width=label_width, no_wrap=True, style="dim")
    table.add_column(ratio=1)
    return table
