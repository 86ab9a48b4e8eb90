"""The HL7 v2 acknowledgement (original mode) the MLLP listener sends back.

Built from the received text itself, not from a parsed message, so a message the parser
refuses still gets a NAK that names it (MSA-2 = its MSH-10):

    MSH|^~\\&|<MSH-5>|<MSH-6>|<MSH-3>|<MSH-4>|<now>||ACK^<trigger>^ACK|<new id>|<MSH-11>|<MSH-12>
    MSA|AA|<MSH-10>                                       stored (or nothing to store)
    MSA|AE|<MSH-10>|<why>  +  ERR|||207^...^HL70357|E||||<why>   not stored / quarantined
    MSA|AR|<MSH-10>|<why>  +  ERR|||200 or 207^...|E||||<why>    refused (malformed)

Sender and receiver are swapped (the ACK goes back to who sent the message). The reason
is in MSA-3 (read by v2.1-2.4 engines; 80 characters) and ERR-8 (v2.5+, 250), escaped
with the message's own encoding characters. ERR-3 codes are HL7 table 0357: 200
"Unsupported message type", 207 "Application internal error". Enhanced-mode commit ACKs
(MSH-15/16) are not implemented: every message gets one application ACK.
"""

from __future__ import annotations

import itertools
import os
import time
from datetime import datetime, timezone

CODES = ("AA", "AE", "AR")
_DEFAULT_ENCODING = "^~\\&"
_TABLE_0357 = {200: "Unsupported message type", 207: "Application internal error"}
_counter = itertools.count(1)


def _msh_fields(text: str) -> tuple[str, list[str]]:
    """(field separator, MSH fields with MSH-n at index n); a text without a usable MSH
    gives the defaults, so even garbage is answered."""
    first = text.lstrip("\x0b\r\n").replace("\r\n", "\r").replace("\n", "\r").split("\r", 1)[0]
    if not first.startswith("MSH") or len(first) < 8:
        return "|", ["MSH", "|", _DEFAULT_ENCODING]
    sep = first[3]
    parts = first.split(sep)
    return sep, ["MSH", sep] + parts[1:]


def _get(fields: list[str], n: int) -> str:
    return fields[n] if len(fields) > n else ""


def escape(text: str, sep: str = "|", encoding: str = _DEFAULT_ENCODING) -> str:
    """HL7 escape sequences for the delimiters, control characters replaced by spaces."""
    enc = (encoding + _DEFAULT_ENCODING[len(encoding):])[:4]
    comp, rep, esc, sub = enc
    out = text.replace(esc, f"{esc}E{esc}")
    for ch, name in ((sep, "F"), (comp, "S"), (rep, "R"), (sub, "T")):
        out = out.replace(ch, f"{esc}{name}{esc}")
    return "".join(" " if ord(c) < 32 else c for c in out)


def new_control_id() -> str:
    """Unique enough for an ACK's MSH-10 (time, process, counter): 20 characters max."""
    return f"A{int(time.time() * 1000) % 10**11}{os.getpid() % 1000:03d}{next(_counter) % 10000:04d}"


def control_id_of(text: str) -> str:
    _, fields = _msh_fields(text)
    return _get(fields, 10)


def build(received: str, code: str, reason: str = "", *, error_code: int | None = None,
          now: datetime | None = None, control_id: str | None = None) -> str:
    """The ACK for `received` (its text) as segments joined by CR."""
    if code not in CODES:
        raise ValueError(f"ACK code {code!r}: one of {CODES}")
    sep, f = _msh_fields(received)
    enc = _get(f, 2) or _DEFAULT_ENCODING
    comp = enc[0]
    trigger = _get(f, 9).split(comp)[1] if comp in _get(f, 9) else ""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d%H%M%S")
    msh = [enc, _get(f, 5), _get(f, 6), _get(f, 3), _get(f, 4), stamp, "",
           comp.join(["ACK", trigger, "ACK"]), control_id or new_control_id(),
           _get(f, 11) or "P", _get(f, 12) or "2.5"]
    segments = ["MSH" + sep + sep.join(msh)]
    msa = ["MSA", code, _get(f, 10)]
    if code != "AA":
        why = reason.strip() or "not stored"
        msa.append(escape(why[:80], sep, enc))
        err = error_code or 207
        hl7_code = comp.join([str(err), _TABLE_0357.get(err, ""), "HL70357"])
        segments.append(sep.join(msa))
        segments.append(sep.join(["ERR", "", "", hl7_code, "E", "", "", "", escape(why[:250], sep, enc)]))
    else:
        segments.append(sep.join(msa))
    return "\r".join(segments)
