"""Worker processes for the safety tests: `python safety_workers.py COMMAND URL ...`.

Each is a real, separate interpreter using the store's public API, as a second
workstation would. Synthetic data only."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 10)


def writes(url: str, mrn: str, count: int, go_file: str) -> None:
    """Wait for the start signal, then add `count` bridging records to patient `mrn`,
    one transaction each."""
    from itb_tui.clinical.records import Bridging
    from itb_tui.store import open_store

    store = open_store(url, today=TODAY)
    while not Path(go_file).exists():
        time.sleep(0.005)
    for i in range(count):
        store.add_bridging(mrn, Bridging("other", TODAY, f"{mrn} write {i}"), f"os:worker-{mrn}")
    store.close()


def saves(url: str, mrn: str) -> None:
    """Save the patient's bed over and over (until killed): bed = the save's number."""
    from itb_tui.store import open_store

    store = open_store(url, today=TODAY)
    patient = store.get_patient(mrn)
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        patient = store.save_patient(patient.__class__(mrn=mrn, name=patient.name, bed=str(i)), "os:saver",
                                     expected_version=patient.row_version)


def first_admin(url: str, name: str, ready_file: str, go_file: str) -> None:
    """The sign-in screen of a new store: see no users, say ready, wait for the start
    signal, then create the first admin. Prints `created` or `refused: <message>`."""
    from itb_tui.store import StoreError, open_store

    store = open_store(url, today=TODAY)
    assert not store.has_users(), "the store must start empty"
    Path(ready_file).touch()
    while not Path(go_file).exists():
        time.sleep(0.005)
    try:
        store.create_first_admin(name, "correct horse battery", f"os:{name}")
        print("created", flush=True)
    except StoreError as exc:
        print(f"refused: {type(exc).__name__}: {exc}", flush=True)
    store.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "writes":
        writes(args[0], args[1], int(args[2]), args[3])
    elif command == "saves":
        saves(args[0], args[1])
    elif command == "first_admin":
        first_admin(*args)
    else:
        raise SystemExit(f"unknown command {command}")
