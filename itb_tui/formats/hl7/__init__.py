"""HL7 v2.x ORU^R01 laboratory results -> culture records (issue 15).

Parsing and mapping only: no store, no UI. `batch.split_messages` cuts a file (a single
message, an HL7 batch with FHS/BHS/BTS/FTS, MLLP-framed or not) into messages; `oru.read`
turns one message into the culture reports it carries, or says why it cannot (refused:
malformed; quarantined: culture-like but unusable; not a culture). The codes it
recognises are in data/lab-codes.toml (`codes.py`), each with the source it was
checked against.

Parser: `hl7` (python-hl7, https://github.com/johnpaulett/python-hl7): small, pure
Python, maintained, parses any v2.x version without a message-structure profile, and
fast enough (measured: about 0.5 ms a message on the loaded 2-core test machine, well
inside 10,000 messages a minute). hl7apy validates against the v2 message structures,
which is stricter than the feeds labs actually send and heavier; the checks that
matter here (MSH-9 ORU^R01, PID-3, OBR-3, OBX-3/5/11) are done explicitly instead.
"""

from itb_tui.formats.hl7.batch import RawMessage, split_messages
from itb_tui.formats.hl7.oru import LabReport, MessageReading, read

__all__ = ["LabReport", "MessageReading", "RawMessage", "read", "split_messages"]
