"""Whatever bytes arrive, reading a ward file ends in patients or in WardFileError with
one printable line per problem: never a traceback, never a half-read ward."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from itb_tui.wardfile import WardFileError, dump_ward, dumps_ward, parse_ward
from itb_tui.wardfile.parse import ALLOWED
from wardfile_strategies import TODAY, wards

FUZZ = settings(max_examples=150, deadline=None)

FIELD_NAMES = sorted({name for names in ALLOWED.values() for name in names} | {"format", "patients"})
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.decimals(allow_nan=True) | st.sampled_from(["2026-11-10", "2026-02-30", "itb-ward/1",
                                                     "positive", "blood", "Candida krusei"])
)
KEYS = st.sampled_from(FIELD_NAMES) | st.text(max_size=10)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


def _read(source) -> list:
    """parse_ward, asserting the only failure is a WardFileError of printable lines."""
    try:
        return parse_ward(source, TODAY)
    except WardFileError as error:
        assert error.errors, "an error with no message"
        for line in error.errors:
            assert isinstance(line, str) and line.isprintable(), repr(line)
            assert len(line) < 600, line
        assert str(error).isprintable()
        return []


@FUZZ
@given(JUNK)
def test_arbitrary_json_values_never_raise_anything_else(junk):
    _read(junk)
    _read({"format": "itb-ward/1", "patients": [junk]})
    _read({"format": "itb-ward/1", "patients": junk})


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELD_NAMES), JUNK, max_size=8))
def test_patient_shaped_junk_never_raises_anything_else(record):
    _read({"format": "itb-ward/1", "patients": [record, {"mrn": "A1", "name": "X", "pumps": [record],
                                                          "cultures": [record], "antifungals": [record]}]})


def _positions(node, out):
    """Every (container, key) in a decoded JSON tree, to replace one value."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append((node, key))
        _positions(child, out)
    return out


@settings(max_examples=75, deadline=None)
@given(wards().filter(bool), st.data())
def test_a_valid_file_with_one_value_replaced_by_junk_never_raises_anything_else(ward, data):
    doc = json.loads(dumps_ward(ward), parse_float=Decimal, parse_int=Decimal)
    positions = _positions(doc, [])
    container, key = data.draw(st.sampled_from(positions))
    container[key] = data.draw(JUNK)
    _read(doc)


@settings(max_examples=75, deadline=None)
@given(wards().filter(bool), st.data())
def test_a_valid_text_with_bytes_cut_or_inserted_never_raises_anything_else(ward, data):
    text = dumps_ward(ward)
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 20))
    insert = data.draw(st.text(max_size=5) | st.sampled_from(['"', "{", "]", ",", "NaN", "\\", "1e999999"]))
    _read(text[:at] + insert + text[at + cut:])
    _read((text[:at] + insert + text[at + cut:]).encode("utf-8", "surrogatepass"))


def test_huge_strings_get_a_clear_short_message():
    huge = "x" * 1_000_000
    doc = {"format": "itb-ward/1", "patients": [{"mrn": "A1", "name": huge}, {"mrn": huge, "name": "Y"},
                                                 {"mrn": "A3", "name": "Z", huge: 1}]}
    errors = WardFileError
    try:
        parse_ward(json.dumps(doc), TODAY)
    except errors as error:
        lines = error.errors
    assert lines[0] == "A1: name: is too long (1000000 characters; at most 200)"
    assert lines[1] == "patients[1]: mrn: is too long (1000000 characters; at most 32)"
    assert lines[2].startswith('A3: unknown field "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (expected one of: mrn,')
    assert all(len(line) < 600 for line in lines)


def test_strange_unicode_gets_a_clear_message_not_a_crash():
    doc = {"format": "itb-ward/1", "patients": [
        {"mrn": "A1", "name": "bad \ud800 surrogate"},
        {"mrn": "A2", "name": "right\u202eto-left override"},
        {"mrn": "A3", "name": "Ærøskøbing, Åse 🙂"},
    ]}
    try:
        parse_ward(json.dumps(doc), TODAY)  # json escapes the lone surrogate as \\ud800
    except WardFileError as error:
        assert error.errors == [
            "A1: name: contains an invisible or invalid character (U+D800)",
            "A2: name: contains an invisible or invalid character (U+202E)",
        ]
    else:
        raise AssertionError("a lone surrogate was accepted")


def test_huge_numbers_and_deep_nesting_are_refused_politely():
    text = '{"format": "itb-ward/1", "patients": [{"mrn": "A1", "name": "X", "weight_kg": 1e999999}]}'
    try:
        parse_ward(text, TODAY)
    except WardFileError as error:
        assert error.errors == ["A1: weight_kg: must be between 1 and 500 kg"]
    deep = '{"format": "itb-ward/1", "patients": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert _read(deep) == []
    digits = '{"format": "itb-ward/1", "patients": [{"mrn": "A1", "name": "X", "weight_kg": ' + "9" * 10_000 + "}]}"
    try:
        parse_ward(digits, TODAY)
    except WardFileError as error:
        assert error.errors == ["A1: weight_kg: must be between 1 and 500 kg"]


def test_a_dict_with_binary_floats_is_read_at_their_shortest_decimal():
    doc = dump_ward([])
    doc["patients"] = [{"mrn": "A1", "name": "X", "weight_kg": 61.1}]
    assert parse_ward(doc, TODAY)[0].weight_kg == Decimal("61.1")
