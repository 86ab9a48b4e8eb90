"""The ward file writer (wardfile/dump.py) streams its text for speed; the contract is the
earlier recursive writer's output, byte for byte (json.dumps(indent=2, ensure_ascii=False)
with Decimals written as held). The reference below is that writer, kept verbatim."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from itb_tui.clinical.records import Patient
from itb_tui.demo import build_demo_ward
from itb_tui.wardfile.dump import _encode, dump_ward, dumps_ward, dumps_ward_chunks

DAY = date(2026, 11, 25)


def _reference(value: object, level: int) -> str:
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_reference(v, level + 1)}"
                 for k, v in value.items())
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = (f"{inner}{_reference(v, level + 1)}" for v in value)
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (Decimal, int)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def test_the_streamed_ward_file_is_the_recursive_writers_text():
    awkward = [Patient(mrn='Q"1\\', name="O'Brien, \"Sé\"\tÅsa\n☃ \u2028 \x01", ward=None, bed=None,
                       weight_kg=Decimal("61.0"))]
    for ward in (build_demo_ward(DAY), build_demo_ward(DAY, 300), awkward, []):
        assert dumps_ward(ward) == _reference(dump_ward(ward), 0) + "\n"
        assert b"".join(dumps_ward_chunks(ward)) == dumps_ward(ward).encode("utf-8")


def test_every_json_value_kind_is_written_as_before():
    value = {"a": [], "b": {}, "c": [True, False, None, 0, -3, Decimal("0.10"), Decimal("1E+2"), "x\"y"],
             "d": {"e": [{"f": 1.5}]}, 7: "seven"}
    for level in (0, 1, 3):
        assert _encode(value, level) == _reference(value, level)
