"""The most numerous FHIR resource, a pump refill Procedure (about 60% of a clinic's
entries), written straight to JSON text instead of built as nested dicts and dumped.

Why: at 10,000 patients the export wrote ~204,000 refills; building each as ~25 dicts and
lists and encoding them was the largest cost of the export (issue 17). The constant parts
below are the JSON encoder's own output for the same dicts (computed once, at import), and
the variable parts are encoded by the encoder's own string function, so the text is the
dict path's byte for byte: tests/exports/test_fhir_export.py compares the streamed Bundle
with `dumps_bundle(build_bundle(...))`, which still builds every resource as dicts.
"""

from __future__ import annotations

import functools
import json
import re
from decimal import Decimal
from json.encoder import encode_basestring as json_string  # the encoder's, ensure_ascii=False
from urllib.parse import quote

from itb_tui.formats.fhir import codes as C
from itb_tui.formats.fhir.ids import URI_SYSTEM

REFILL_CODE_TEXT = "Refill of intrathecal baclofen pump reservoir"
REFILL_ACTION = "refilled"

dump = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def _members(obj: dict) -> str:
    """An object's members as the encoder writes them, without the braces."""
    return dump(obj)[1:-1]


def json_number(value: object) -> str:
    """A quantity's value as the export's encoder writes it (write._json_number): a Decimal
    "20" as 20, "61.0" as 61.0; anything else as json writes it."""
    if isinstance(value, Decimal):
        text = str(value)
        if text.isdigit():  # a whole number as written ("40"): 8x quicker than as_tuple
            return text
        if value.as_tuple().exponent >= 0:
            return str(int(value))
        return float.__repr__(float(value))
    return dump(value)


def json_text(value: object) -> str:
    """A string member as the encoder writes it (None as null)."""
    return json_string(value) if type(value) is str else dump(value)


def _quantity_tail(unit: str) -> str:
    return "," + _members({"unit": unit, "system": C.UCUM, "code": unit}) + "}"


# A resource id is hex digits and dashes: percent-encoding leaves it as it is.
_SEARCH = f"identifier={quote(URI_SYSTEM, safe=':/')}|urn:uuid:"
_IDENTIFIER_HEAD = '"identifier":[{"system":' + json_string(URI_SYSTEM) + ',"value":"urn:uuid:'
_REFILL_VOLUME_HEAD = '"extension":[{"url":' + json_string(C.EXT_REFILL_VOLUME) + ',"valueQuantity":{"value":'
_ML_TAIL = _quantity_tail("mL") + "}"
_ALARM_HEAD = ',{"url":' + json_string(C.EXT_PROGRAMMER_ALARM_ON) + ',"valueDate":"'
_OVERRIDE_HEAD = ',{"url":' + json_string(C.EXT_OVERRIDE_REASON) + ',"valueString":'
_REFILL_MIDDLE = "]," + _members({
    "status": "completed",
    "category": {"coding": [{"system": C.PROCEDURE_KIND_SYSTEM, "code": "pump_refill",
                             "display": C.PROCEDURE_KINDS["pump_refill"]}]},
    "code": {"text": REFILL_CODE_TEXT},
}) + ',"subject":'
_FOCAL_HEAD = '","focalDevice":[{"action":' + dump({"text": REFILL_ACTION}) + ',"manipulated":'
_REQUEST_HEAD = ',"request":{"method":"PUT","url":"Procedure?' + _SEARCH


class Template:
    """A resource's members as JSON text with holes: built by dumping the dict path's own
    resource with a placeholder string ("\\0" + letter) where a value goes, so the text
    around the holes is the encoder's. `fill(S=..., ...)` puts in already-encoded JSON."""

    _HOLE = re.compile(r'"\\u0000([A-Z])"')

    def __init__(self, resource: dict) -> None:
        members = {k: v for k, v in resource.items() if k != "resourceType"}
        self.pieces = self._HOLE.split(_members(members))
        # the same text as a format string (braces doubled, holes as {N}): str.format_map
        # fills it in C, where a join over the pieces cost a generator step per piece
        self._format = "".join(p.replace("{", "{{").replace("}", "}}") if i % 2 == 0 else "{" + p + "}"
                               for i, p in enumerate(self.pieces))

    def fill(self, **values: str) -> str:
        return self._format.format_map(values)


def entry_open(kind: str, rid: str) -> str:
    """An entry's text up to the resource's own members: fullUrl, resourceType, id and
    identifier (as write._Entries.add puts them; not for the Patient, which has no such
    identifier), ending in a comma."""
    return (f'{{"fullUrl":"urn:uuid:{rid}","resource":{{"resourceType":"{kind}","id":"{rid}",'
            f'{_IDENTIFIER_HEAD}{rid}"}}],')


def entry_tail(kind: str, rid: str, transaction: bool) -> str:
    """The end of an entry after the resource's last member: in a transaction, its
    conditional update by identifier (write._request)."""
    if transaction:
        return '},"request":{"method":"PUT","url":"' + kind + "?" + _SEARCH + rid + '"}}'
    return "}}"


def refill_entries(rids: list[str], refills, subject_json: str, device_json: str, transaction: bool) -> list[str]:
    """One pump's refills' Bundle entries as JSON text (write._pump_procedures' dicts,
    dumped), `rids` their ids. `subject_json`, `device_json`: the patient and pump
    references, already encoded. What repeats from refill to refill (the references; the
    volume's number, the override and the note, the same for most of a pump's refills)
    is written once per pump; each entry is then one f-string."""
    middle = _REFILL_MIDDLE + subject_json + ',"performedDateTime":"'
    focal = _FOCAL_HEAD + device_json + '}],"note":[{"text":'
    done: dict = {}  # (volume as written, override) -> (volume text, override + middle, note + end)
    out = []
    for rid, refill in zip(rids, refills):
        volume, override = refill.volume_ml, refill.override_reason
        # keyed by the volume's text, not its value: Decimal("40") == Decimal("40.0")
        key = (type(volume), str(volume), override)
        pieces = done.get(key)
        if pieces is None:
            note = f"{volume} mL"
            over = ""
            if override:
                over = _OVERRIDE_HEAD + json_string(override) + "}"
                note += f"; given while refill was blocked, override: {override}"
            pieces = done[key] = (_REFILL_VOLUME_HEAD + json_number(volume) + _ML_TAIL, over + middle,
                                  focal + json_string(note) + ("}]}" + _REQUEST_HEAD if transaction else "}]}}"))
        head, over_middle, end = pieces
        alarm = refill.programmer_alarm_on
        alarm_text = "" if alarm is None else _ALARM_HEAD + alarm.isoformat() + '"}'
        text = (f'{{"fullUrl":"urn:uuid:{rid}","resource":{{"resourceType":"Procedure","id":"{rid}",'
                f'{_IDENTIFIER_HEAD}{rid}"}}],{head}{alarm_text}{over_middle}{refill.on.isoformat()}{end}')
        out.append(text + rid + '"}}' if transaction else text)
    return out
