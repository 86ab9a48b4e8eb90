"""The audit hash chain: a good trail verifies; any change, removal or reordering is
reported at the first broken entry."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from itb_tui.clinical.records import Refill
from itb_tui.security.audit_chain import (
    GENESIS,
    canonical_json,
    entry_hash,
    seal,
    seal_all,
    to_jsonable,
    verify_chain,
)

T0 = datetime(2026, 11, 10, 8, 30, tzinfo=timezone.utc)


def _entry(i: int) -> dict:
    """A synthetic audit entry shaped like the store's (no real patient)."""
    return {
        "id": i,
        "at": T0 + timedelta(minutes=i),
        "actor": "nurse.jones" if i % 2 else "dr.okafor",
        "action": "update" if i % 3 else "create",
        "kind": "refill",
        "record_id": 100 + i,
        "mrn": f"Z{9000 + i}",
        "before": None if i % 3 == 0 else Refill(on=date(2026, 11, 1), volume_ml=Decimal("18.5")),
        "after": Refill(on=date(2026, 11, 1), volume_ml=Decimal("20"), override_reason=None),
        "reason": "blocked refill: patient would run dry" if i == 4 else None,
    }


def _trail(n: int = 8) -> list[dict]:
    return seal_all(_entry(i) for i in range(1, n + 1))


def _as_read_back(entries: list[dict]) -> list[dict]:
    """What the store reads back when it keeps snapshots as canonical JSON text."""
    return [json.loads(canonical_json(e)) for e in entries]


def test_a_good_trail_verifies():
    result = verify_chain(_trail())
    assert result.ok and result.checked == 8
    assert result.first_broken_id is None and result.problem is None


def test_an_empty_trail_verifies():
    assert verify_chain([]).ok and verify_chain([]).checked == 0


def test_a_trail_stored_as_json_and_read_back_still_verifies():
    assert verify_chain(_as_read_back(_trail())).ok


def test_the_first_entry_links_to_genesis():
    first = _trail()[0]
    assert first["prev_hash"] == GENESIS
    assert first["hash"] == entry_hash(GENESIS, first)


FIELDS = ["at", "actor", "action", "kind", "record_id", "mrn", "before", "after", "reason"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("broken", [1, 5, 8])
def test_changing_any_field_reports_that_entry(field, broken):
    entries = _as_read_back(_trail())
    target = entries[broken - 1]
    if field == "after":
        target["after"]["volume_ml"] = "19.5"
    elif field == "record_id":
        target["record_id"] += 1
    else:
        target[field] = "edited by hand"
    result = verify_chain(entries)
    assert not result.ok
    assert result.first_broken_id == broken
    assert result.checked == broken - 1
    assert f"entry {broken} was changed" in result.problem


def test_adding_a_field_is_a_change():
    entries = _trail()
    entries[2]["note"] = "added later"
    assert verify_chain(entries).first_broken_id == 3


@pytest.mark.parametrize("removed", [2, 5, 7])
def test_deleting_an_entry_reports_the_entry_after_the_gap(removed):
    entries = _trail()
    del entries[removed - 1]
    result = verify_chain(entries)
    assert not result.ok and result.first_broken_id == removed + 1
    assert result.problem == (
        f"entry {removed} is missing (or moved): entry {removed + 1} follows entry {removed - 1}"
    )


def test_deleting_the_first_entry_is_detected():
    result = verify_chain(_trail()[1:])
    assert result.first_broken_id == 2
    assert result.problem == "entry 1 is missing (or moved): the trail starts at entry 2"


def test_deleting_an_entry_and_renumbering_the_rest_breaks_the_hash():
    entries = _trail()
    del entries[3]
    for e in entries[3:]:
        e["id"] -= 1
    result = verify_chain(entries)
    assert result.first_broken_id == 4 and not result.ok


def test_deleting_the_newest_entries_is_caught_when_the_last_id_is_known():
    entries = _trail()[:6]
    assert verify_chain(entries).ok  # without the counter a cut-off tail looks whole
    result = verify_chain(entries, expected_last_id=8)
    assert not result.ok and result.first_broken_id == 7
    assert result.problem == "entries 7 to 8 are missing at the end (the last entry written was 8)"


def test_swapping_two_entries_reports_the_first_out_of_place():
    entries = _trail()
    entries[3], entries[4] = entries[4], entries[3]  # ids now 1,2,3,5,4,...
    result = verify_chain(entries)
    assert not result.ok and result.first_broken_id == 5
    assert result.checked == 3


def test_swapping_the_contents_of_two_entries_but_not_their_ids_is_detected():
    entries = _trail()
    a, b = entries[3], entries[4]
    a_id, b_id = a["id"], b["id"]
    entries[3], entries[4] = dict(b, id=a_id), dict(a, id=b_id)
    result = verify_chain(entries)
    assert not result.ok and result.first_broken_id == 4


def test_a_repeated_entry_is_detected():
    entries = _trail()
    entries.insert(4, copy.deepcopy(entries[3]))
    result = verify_chain(entries)
    assert result.first_broken_id == 4
    assert "out of order or repeated" in result.problem


@pytest.mark.parametrize("broken", [1, 4, 8])
def test_editing_a_stored_hash_reports_that_entry(broken):
    entries = _trail()
    entries[broken - 1]["hash"] = "f" * 64
    result = verify_chain(entries)
    assert result.first_broken_id == broken and not result.ok


def test_editing_a_stored_prev_hash_reports_that_entry():
    entries = _trail()
    entries[5]["prev_hash"] = "a" * 64
    result = verify_chain(entries)
    assert result.first_broken_id == 6
    assert result.problem == "entry 6 does not link to entry 5 (prev_hash differs)"


def test_an_entry_without_an_id_is_reported():
    entries = _trail()
    del entries[2]["id"]
    result = verify_chain(entries)
    assert not result.ok and result.first_broken_id is None and "has no whole-number id" in result.problem


def test_verification_resumes_from_a_checkpoint():
    entries = _trail()
    head = verify_chain(entries[:5])
    rest = verify_chain(entries[5:], prev_hash=head.last_hash, first_id=6)
    assert rest.ok and rest.checked == 3 and rest.last_hash == entries[-1]["hash"]


def test_the_same_value_in_different_spellings_hashes_alike():
    base = {"id": 1, "v": Decimal("20"), "at": datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)}
    same = {
        "at": datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1))),
        "v": Decimal("2.0E+1"),
        "id": 1,
    }
    naive_utc = dict(base, at=datetime(2026, 1, 1, 12, 0))
    assert entry_hash(GENESIS, base) == entry_hash(GENESIS, same) == entry_hash(GENESIS, naive_utc)
    assert canonical_json(base) == '{"at":"2026-01-01T12:00:00.000000Z","id":1,"v":"20"}'


def test_different_values_hash_differently():
    assert entry_hash(GENESIS, {"v": Decimal("20")}) != entry_hash(GENESIS, {"v": Decimal("20.1")})
    assert entry_hash(GENESIS, {"v": "20"}) != entry_hash(GENESIS, {"v": 20})
    assert entry_hash(GENESIS, {"v": 1}) != entry_hash("1" * 64, {"v": 1})


def test_a_record_serialises_as_its_fields():
    refill = Refill(on=date(2026, 11, 1), volume_ml=Decimal("20.00"), id=7)
    assert to_jsonable(refill) == {
        "on": "2026-11-01", "volume_ml": "20", "programmer_alarm_on": None,
        "override_reason": None, "id": 7,
    }


@pytest.mark.parametrize(
    "bad", [Decimal("NaN"), Decimal("Infinity"), float("nan"), b"bytes", {1: "int key"}, {1, 2}]
)
def test_values_that_cannot_be_stored_exactly_are_refused(bad):
    with pytest.raises(ValueError):
        canonical_json({"v": bad})


def test_a_bad_prev_hash_is_refused():
    with pytest.raises(ValueError, match="64 lower-case hex"):
        entry_hash("not-a-hash", {"id": 1})


# ---- properties ---------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(max_size=30),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, max_value=10**6, min_value=-10**6),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-5))])),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
contents = st.dictionaries(
    st.text(max_size=10).filter(lambda k: k not in ("id", "hash", "prev_hash")),
    values,
    min_size=1,
    max_size=5,
)


@st.composite
def trails(draw):
    bodies = draw(st.lists(contents, min_size=1, max_size=8))
    return seal_all(dict(body, id=i) for i, body in enumerate(bodies, start=1))


@settings(max_examples=150, deadline=None)
@given(trail=trails())
def test_any_chained_trail_verifies(trail):
    result = verify_chain(trail)
    assert result.ok and result.checked == len(trail)
    assert verify_chain(_as_read_back(trail)).ok


@settings(max_examples=300, deadline=None)
@given(trail=trails(), data=st.data())
def test_any_single_mutation_is_detected_at_the_first_broken_entry(trail, data):
    entries = _as_read_back(trail)
    n = len(entries)
    kinds = ["field", "new_field", "hash", "prev_hash", "delete"] + (["swap"] if n > 1 else [])
    kind = data.draw(st.sampled_from(kinds))
    k = data.draw(st.integers(min_value=0, max_value=n - 1))
    expected = k + 1
    target = entries[k]
    if kind == "field":
        key = data.draw(st.sampled_from(sorted(k_ for k_ in target if k_ not in ("id", "hash", "prev_hash"))))
        new = data.draw(values)
        assume(canonical_json(new) != canonical_json(target[key]))
        target[key] = to_jsonable(new)
    elif kind == "new_field":
        key = data.draw(st.text(max_size=10))
        assume(key not in target)
        target[key] = to_jsonable(data.draw(values))
    elif kind == "hash":
        new = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
        assume(new != target["hash"])
        target["hash"] = new
    elif kind == "prev_hash":
        new = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
        assume(new != target["prev_hash"])
        target["prev_hash"] = new
    elif kind == "delete":
        del entries[k]
        if k == n - 1:  # the newest entry: only the known last id can reveal it
            result = verify_chain(entries, expected_last_id=n)
            assert not result.ok and result.first_broken_id == n
            return
        expected = k + 2
    elif kind == "swap":
        j = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != k))
        entries[k], entries[j] = entries[j], entries[k]
        expected = entries[min(j, k)]["id"]
    result = verify_chain(entries, expected_last_id=n)
    assert not result.ok
    assert result.first_broken_id == expected
    assert result.problem and "\n" not in result.problem
