"""The ACK the listener sends (formats/hl7/ack.py), as the interface engine parses it:
the control id echoed in MSA-2, sender and receiver swapped, the reason readable after
unescaping (even with the sender's own delimiters), and an answer even for garbage."""

from __future__ import annotations

from datetime import datetime, timezone

import hl7
import pytest

from itb_tui.formats.hl7 import ack

NOW = datetime(2026, 11, 10, 9, 30, tzinfo=timezone.utc)
MSG = "MSH|^~\\&|LABSYS|GENLAB|ITB|WARD|20261110093000||ORU^R01|C42|P|2.5.1\rPID|1||H100"


def test_an_aa_echoes_the_control_id_and_swaps_sender_and_receiver():
    text = ack.build(MSG, "AA", now=NOW, control_id="ACK1")
    assert text == "MSH|^~\\&|ITB|WARD|LABSYS|GENLAB|20261110093000||ACK^R01^ACK|ACK1|P|2.5.1\rMSA|AA|C42"


# "#": a sender that uses another field separator.
@pytest.mark.parametrize("received", [MSG, MSG.replace("|", "#")])
def test_a_nak_reason_with_delimiters_reads_back_whole(received):
    reason = "type ADT^A01 | not ORU^R01 & so on ~ \\ done"
    parsed = hl7.parse(ack.build(received, "AR", reason, error_code=200, now=NOW))
    msa, err = parsed.segment("MSA"), parsed.segment("ERR")
    assert (str(msa(1)), str(msa(2))) == ("AR", "C42")
    assert parsed.unescape(str(err(8))) == reason
    assert str(err(3)(1)(1)) == "200" and str(err(4)) == "E"


def test_garbage_still_gets_an_ar_with_default_delimiters():
    parsed = hl7.parse(ack.build("not hl7 at all", "AR", "no MSH segment", now=NOW))
    assert str(parsed.segment("MSA")(1)) == "AR" and str(parsed.segment("MSA")(2)) == ""


def test_an_unknown_ack_code_is_a_programming_error():
    with pytest.raises(ValueError):
        ack.build(MSG, "CA")
