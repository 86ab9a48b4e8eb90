"""The ward file's generic JSON writer: json.dumps(indent=2, ensure_ascii=False) for
dicts, lists, str, None, bool and Decimal, with each Decimal written with the digits it
holds (the standard `json` module cannot). dump_text.py writes the file record by record
with the same bytes and uses this writer for what is not a plain field; dump.py keeps the
dict form (`dump_ward`) whose text this is the definition of.
"""

from __future__ import annotations

import json
from decimal import Decimal


def _number(value: Decimal | int) -> str:
    """A finite Decimal as the JSON number with the same digits and exponent."""
    text = str(value)
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"cannot write {text} as a JSON number")
    return text


# json.dumps(str, ensure_ascii=False) is exactly encode_basestring (the C encoder); the
# writer below calls it directly: 2 million json.dumps calls were most of a 10,000-patient
# export. tests/wardfile/test_wardfile_dump_text.py holds it to json.dumps's bytes.
_quote = json.encoder.encode_basestring


def _encode(value: object, level: int) -> str:
    """json.dumps(indent=2, ensure_ascii=False) for dicts, lists, str, Decimal, None."""
    parts: list[str] = []
    _encode_into(value, level, parts.append)
    return "".join(parts)


def _encode_into(value: object, level: int, out) -> None:
    """`_encode`, written piece by piece to `out` (no intermediate strings per level)."""
    if isinstance(value, str):
        out(_quote(value))
    elif value is None:
        out("null")
    elif isinstance(value, (dict, list)):
        # One shape for both: the opening bracket, each member on a line of its own one
        # level in (a dict's after its quoted key), the closing bracket on the parent's level.
        is_dict = isinstance(value, dict)
        brackets = "{}" if is_dict else "[]"
        if not value:
            out(brackets)
            return
        inner = "  " * (level + 1)
        separator = brackets[0] + "\n"
        for key, member in value.items() if is_dict else enumerate(value):
            out(separator + inner + (_quote(str(key)) + ": " if is_dict else ""))  # not a list's index
            separator = ",\n"
            _encode_into(member, level + 1, out)
        out("\n" + "  " * level + brackets[1])
    elif isinstance(value, bool):
        out("true" if value else "false")
    elif isinstance(value, (Decimal, int)):
        out(_number(value))
    else:
        out(json.dumps(value, ensure_ascii=False))
