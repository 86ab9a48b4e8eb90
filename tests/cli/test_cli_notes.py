"""`itb-tui notes MRN [--all] [--json]` and `itb-tui notes add MRN --text ... [--handover]`
(issue 16, item 3): the real command, the example ward, written as the OS user."""

from __future__ import annotations

import json

from cli_runner import EXAMPLE, run_cli


def test_a_note_written_on_the_command_line_is_listed_newest_first(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    r = run_cli(data_dir, "notes", "add", "A1001", "--text", "relatives visit at 4")
    assert r.code == 0, r.err
    assert "Note saved for Doe, Jane (A1001" in r.out and "note 1" in r.out
    r = run_cli(data_dir, "notes", "add", "A1001", "--text", "drain out at 06:00", "--handover")
    assert r.code == 0, r.err
    assert "⚑ HANDOVER" in r.out
    r = run_cli(data_dir, "notes", "A1001")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == "Notes (newest first): Doe, Jane (A1001): 2, 1 for handover"
    assert lines[1].startswith("  2 | ") and lines[1].endswith("⚑ HANDOVER | drain out at 06:00")
    assert lines[2].startswith("  1 | ") and lines[2].endswith("| relatives visit at 4")
    data = json.loads(run_cli(data_dir, "notes", "A1001", "--json").out)
    assert [(n["id"], n["text"], n["awaiting_handover"]) for n in data["notes"]] == \
        [(2, "drain out at 06:00", True), (1, "relatives visit at 4", False)]
    assert data["notes"][0]["author"].startswith("os:")
    assert run_cli(data_dir, "check").code == 0  # audited and digested


def test_bad_input_says_why_and_writes_nothing(data_dir):
    assert run_cli(data_dir, "import", str(EXAMPLE)).code == 0
    cases = [
        (["add", "A1001", "--text", "   "], "the note is required"),
        (["add", "A1001", "--text", "x" * 1001], "is too long (1001 characters; at most 1000)"),
        (["add", "A1001"], "notes add needs --text"),
        (["add", "Z9", "--text", "hello"], "no patient with MRN 'Z9'"),
        (["A1001", "--text", "hello"], "go with `notes add MRN`"),
        (["A1001", "B2002"], "notes takes one MRN"),
    ]
    for argv, message in cases:
        r = run_cli(data_dir, "notes", *argv)
        assert r.code == 1 and message in r.err and "Traceback" not in r.err, (argv, r.err)
    r = run_cli(data_dir, "notes", "A1001")
    assert r.code == 0 and "A1001): 0, 0 for handover" in r.out and "No notes." in r.out
    assert run_cli(data_dir, "notes", "Z9").code == 1
