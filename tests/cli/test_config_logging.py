"""The administrator's log file (config/log_file.py) after a day's commands on the demo
ward: owner-only (0600 in a 0700 directory), it says what an admin needs (start, stop,
store opened, import / export / backup / results outcomes, errors), and it holds no
patient's name or date of birth, only MRNs."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from cli_runner import TODAY, env_for, run_cli


def _oru(mrn: str, name: str, dob: date, control: str, obr: str = "OBR") -> str:
    """A synthetic ORU^R01 carrying the demo patient's own name and date of birth (as a
    lab's would), so a leak of either into the log would show."""
    family, _, given = name.partition(", ")
    return "\r".join([
        f"MSH|^~\\&|LABSYS|GENLAB|ITB|WARD|20261110093000||ORU^R01|{control}|P|2.5.1",
        f"PID|1||{mrn}^^^HOSP^MR||{family}^{given}||{dob:%Y%m%d}|F",
        f"{obr}|1|PLAC{control}|ACC{control}^GENLAB|600-7^Bacteria identified in Blood by Culture^LN"
        f"|||202611090830|||||||BLD|||||||||||F",
        "OBX|1|CE|17928-3^Bacteria identified in Blood by Aerobe culture^LN|1|^Candida albicans^L||||||F",
    ]) + "\r"


def test_the_log_is_private_useful_and_free_of_names_and_dates_of_birth(tmp_path, data_dir):
    from itb_tui.demo import build_demo_ward

    ward = build_demo_ward(date.fromisoformat(TODAY))
    first = ward[0]
    lab = tmp_path / "lab.hl7"
    lab.write_text(_oru(first.mrn, first.name, first.dob, "C1")
                   + _oru("NOBODY9", first.name, first.dob, "C2")
                   + _oru(first.mrn, first.name, first.dob, "C3", obr="ob r"), encoding="utf-8")
    export = tmp_path / "ward.json"
    steps = [
        ("--log-level", "debug", "demo"),
        ("--demo", "status"),
        ("--demo", "show", first.mrn),
        ("--demo", "tasks"),
        ("--demo", "export", "-f", "fhir", "-o", str(tmp_path / "ward.fhir.json")),
        ("--demo", "export", "-f", "csv", "-o", str(tmp_path / "ward.csv")),
        ("--demo", "export", "-o", str(export)),
        ("--demo", "import", str(export)),
        ("--demo", "results", "import", str(lab)),
        ("--demo", "show", "NOSUCH1"),
        ("--demo", "backup", str(tmp_path / "copy.db")),
    ]
    codes = [run_cli(data_dir, *step, env=env_for(data_dir, ITB_TUI_LOG_LEVEL="DEBUG")).code for step in steps]
    assert codes[:8] == [0] * 8 and codes[8] == 2 and codes[9] == 1 and codes[10] == 0

    log = Path(os.environ["XDG_STATE_HOME"]) / "itb-tui" / "itb-tui.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text(encoding="utf-8")
    # What an admin needs.
    assert text.count("start: itb-tui") == len(steps) and text.count("stop: command") == len(steps)
    assert "store opened: sqlite:///" in text
    assert f"export fhir: {len(ward)} patients to {tmp_path / 'ward.fhir.json'}" in text
    assert f"import {export}: 0 patients created" in text
    assert "backup written:" in text
    assert "results import of 1 file(s): 1 imported, 1 quarantined, 1 refused" in text
    assert f"MRNs: {first.mrn}, NOBODY9" in text
    assert "refused: no patient with MRN 'NOSUCH1'" in text
    # What it must never hold: any demo patient's name (whole, or family / given alone)
    # or date of birth (ISO, or as HL7 writes it).
    for patient in ward:
        family, _, given = patient.name.partition(", ")
        for secret in (patient.name, family, given, patient.dob.isoformat(), f"{patient.dob:%Y%m%d}"):
            assert secret not in text, f"{secret!r} (patient {patient.mrn}) is in the log"
    assert "Candida" not in text  # no result text either


def test_a_log_directory_of_ours_that_others_can_write_is_made_owner_only(tmp_path, data_dir):
    state = Path(os.environ["XDG_STATE_HOME"]) / "itb-tui"
    state.mkdir(parents=True)
    os.chmod(state, 0o777)
    r = run_cli(data_dir, "config", "show")
    # Ours, so made owner-only again; never a log in a directory others could plant files in.
    assert r.code == 0
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def test_a_planted_link_is_not_followed(tmp_path, data_dir):
    state = Path(os.environ["XDG_STATE_HOME"]) / "itb-tui"
    state.mkdir(parents=True, mode=0o700)
    target = tmp_path / "elsewhere.log"
    (state / "itb-tui.log").symlink_to(target)
    r = run_cli(data_dir, "config", "show")
    assert r.code == 0, r.err  # the command still runs: a log never stops the round
    assert "itb-tui: warning: not logging to" in r.err
    assert not target.exists()
