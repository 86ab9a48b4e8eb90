"""The listener in the administrator's log (config/log_file.py, docs/config.md): where it
listens, each connection, one line per message (control id, MRN, outcome, ACK code),
and never the patient's name, date of birth or the result's text that the message
carries."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_runner import run_cli
from hl7_messages import final_positive, oru
from mllp_listener import Listener, send

WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "H100", "name": "Lab, Alpha", "dob": "1960-01-01", "pumps": [
        {"serial": "NGP-L1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
         "concentration_ug_ml": 500, "daily_dose_ug": 300}]}]}


def test_the_listener_logs_connections_and_messages_by_mrn_only(data_dir, tmp_path):
    f = tmp_path / "ward.json"
    f.write_text(json.dumps(WARD))
    assert run_cli(data_dir, "import", str(f)).code == 0
    lis = Listener(data_dir)
    try:
        send(lis.port, final_positive(mrn="H100", drawn="20261108", control="LOG1", accession="L1"),
             oru(msh9="ADT^A01", control="LOG2"))
    finally:
        code, _, _ = lis.stop()
    assert code == 0
    text = (Path(os.environ["XDG_STATE_HOME"]) / "itb-tui" / "itb-tui.log").read_text(encoding="utf-8")
    assert f"listening on 127.0.0.1:{lis.port} (MLLP)" in text
    assert ": connected" in text and ": disconnected" in text
    assert "message LOG1 MRN H100: imported, ACK AA" in text
    assert "message LOG2: refused, ACK AR" in text  # not an ORU^R01: no MRN read
    assert "listener stopped: 1 imported, 1 refused" in text
    for secret in ("Testperson", "Synthetic", "19600101", "1960-01-01", "Lab, Alpha", "Candida"):
        assert secret not in text
