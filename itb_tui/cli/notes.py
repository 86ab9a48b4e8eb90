"""`itb-tui notes MRN [--all] [--json]` lists a patient's handover notes, newest first;
`itb-tui notes add MRN --text TEXT [--handover]` writes one as the operating-system user
(audited by the store, like every command-line write). Issue 16, item 3.

One positional list rather than sub-commands, so `notes MRN` reads as the brief has it
and `notes add MRN` stays one word away ("add" is never an MRN on this ward: an MRN
starts with a letter and holds digits).
"""

from __future__ import annotations

from itb_tui.cli.common import CliError, _actor, _open, _open_for_reading, _today

USAGE = "give MRN (list the notes) or: add MRN --text TEXT [--handover]"


def add_arguments(p) -> None:
    """The `notes` parser (name and help line: cli/entry.py)."""
    p.add_argument("target", nargs="+", metavar="MRN | add MRN", help=USAGE)
    p.add_argument("--text", metavar="TEXT", help="with add: the note (at most 1000 characters)")
    p.add_argument("--handover", action="store_true", help="with add: mark the note for handover to the next shift")
    p.add_argument("--all", action="store_true", help="also list notes marked entered in error (labelled)")
    p.add_argument("--json", action="store_true", help="the list as JSON")


def cmd_notes(args) -> int:
    target = list(args.target)
    if target[0] == "add":
        if len(target) != 2:
            raise CliError(f"notes add takes one MRN; {USAGE}")
        return _add(args, target[1])
    if len(target) != 1:
        raise CliError(f"notes takes one MRN; {USAGE}")
    if args.text is not None or args.handover:
        raise CliError("--text and --handover go with `notes add MRN`; nothing was changed")
    return _list(args, target[0])


def _list(args, mrn: str) -> int:
    import json

    from itb_tui.present import notes as words

    today = _today()
    with _open_for_reading(args, today) as store:
        patient = store.get_patient(mrn)
        if patient is None:
            raise CliError(f"no patient with MRN {mrn!r}")
        notes = store.notes(mrn, include_in_error=args.all)
    if args.json:
        print(json.dumps({"mrn": patient.mrn, "name": patient.name,
                          "notes": [words.note_json(n) for n in notes]}, indent=2, ensure_ascii=False))
        return 0
    waiting = sum(1 for n in notes if words.awaiting_handover(n))
    print(f"{words.NOTES_TITLE}: {patient.name} ({patient.mrn}): {len(notes)}, {waiting} for handover")
    for note in notes:
        print(f"  {words.note_line(note)}")
    if not notes:
        print(f"  {words.NO_NOTES}")
    return 0


def _add(args, mrn: str) -> int:
    from itb_tui.present import notes as words
    from itb_tui.store import StoreError

    if args.text is None:
        raise CliError("notes add needs --text TEXT; nothing was changed")
    if args.all or args.json:
        raise CliError("--all and --json go with the list (`notes MRN`); nothing was changed")
    today = _today()
    with _open(args, today) as store:
        patient = store.get_patient(mrn)
        if patient is None:
            raise CliError(f"no patient with MRN {mrn!r}; nothing was changed")
        try:
            note = store.add_note(mrn, args.text, _actor(), for_handover=args.handover)
        except StoreError as exc:
            raise CliError(str(exc)) from None
    bed = f", bed {patient.bed}" if patient.bed else ""
    print(f"{words.NOTE_SAVED} for {patient.name} ({patient.mrn}{bed}): note {note.id}")
    print(f"  {words.byline(note)}")
    return 0
