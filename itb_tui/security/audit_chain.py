"""The audit trail's hash chain: a changed, removed or reordered entry is detected.

Each entry's hash is sha256 over the previous entry's hash followed by the entry's
canonical JSON, so editing any stored field, deleting an entry or swapping two breaks the
chain from that entry on, and `verify_chain` names the first broken one.

What the store must do for this to hold (it owns the table; this module is pure):
- write each entry in the same transaction as the change it records, under a lock that
  serialises writers (SQLite: BEGIN IMMEDIATE; PostgreSQL: lock the chain head), read the
  previous entry's hash, give the new entry the id `previous id + 1` (not a PostgreSQL
  sequence: a rolled-back transaction leaves a gap there, which would read as a deletion),
  then store `seal(prev_hash, entry)`;
- give `verify_chain` the entries in id order with the same field values it sealed. Values
  go through `to_jsonable`, so store before/after snapshots as `canonical_json(...)` text
  and read them back with `json.loads`: the hash then matches exactly.

Canonical form: keys sorted, separators fixed, ASCII only, datetimes as ISO 8601 UTC with
microseconds and `Z` (naive datetimes are taken as UTC: the store writes UTC and SQLite
drops the zone), dates ISO, Decimals as plain decimal strings without trailing zeros (so
20, 20.0 and 2E+1 hash alike: they are the same volume), tuples as lists, dataclass records
as objects. NaN, infinities, bytes and non-text keys are refused rather than guessed.

Limits: the chain has no secret key, so someone who can write the database AND recompute
every later hash can rewrite history undetected (accepted residual risk: docs/hazard-log.md
H31); deleting the newest entries is only seen when the store passes `expected_last_id`
(e.g. from a counter kept outside the table).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""

HASH_FIELD = "hash"
PREV_HASH_FIELD = "prev_hash"
ID_FIELD = "id"
# Fields that carry the chain itself and so are not part of the hashed content.
_CHAIN_FIELDS = frozenset({HASH_FIELD, PREV_HASH_FIELD})


def _utc_iso(value: datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _decimal_text(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"audit entry: {value} is not a number that can be stored")
    if value.is_zero():
        return "0"
    return format(value.normalize(), "f")


def to_jsonable(value: Any) -> Any:
    """Turn a value (records, Decimals, dates, datetimes, tuples, mappings) into plain JSON
    types in the canonical form described above."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit entry: {value} is not a number that can be stored")
        return value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime):  # before date: a datetime is a date
        return _utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"audit entry: key {key!r} is not text")
            out[key] = to_jsonable(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    raise ValueError(f"audit entry: cannot store a value of type {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """The one text form of a value that the hash is taken over."""
    return json.dumps(
        to_jsonable(value),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )


def _is_hash(text: object) -> bool:
    return (
        isinstance(text, str)
        and len(text) == 64
        and all(c in "0123456789abcdef" for c in text)
    )


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    """sha256 hex of `prev_hash` followed by the canonical JSON of the entry's content
    (every field except `hash` and `prev_hash`)."""
    if not _is_hash(prev_hash):
        raise ValueError("audit entry: prev_hash must be 64 lower-case hex digits")
    content = {k: v for k, v in entry.items() if k not in _CHAIN_FIELDS}
    return hashlib.sha256((prev_hash + canonical_json(content)).encode("ascii")).hexdigest()


def seal(prev_hash: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The entry with its `prev_hash` and `hash` filled in, ready to store."""
    sealed = {k: v for k, v in entry.items() if k not in _CHAIN_FIELDS}
    sealed[PREV_HASH_FIELD] = prev_hash
    sealed[HASH_FIELD] = entry_hash(prev_hash, sealed)
    return sealed


def seal_all(entries: Iterable[Mapping[str, Any]], prev_hash: str = GENESIS) -> list[dict]:
    """Seal entries in order, each linked to the one before (tests, imports of a trail)."""
    out = []
    for entry in entries:
        sealed = seal(prev_hash, entry)
        prev_hash = sealed[HASH_FIELD]
        out.append(sealed)
    return out


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int  # entries verified good (all of them when ok; those before the break if not)
    first_broken_id: int | None  # the first entry that does not verify (None when ok)
    problem: str | None  # one line for `itb-tui audit verify` (None when ok)
    last_hash: str = GENESIS  # hash of the last good entry (a checkpoint for next time)


def _broken(checked: int, entry_id: int | None, problem: str, last_hash: str) -> VerifyResult:
    return VerifyResult(False, checked, entry_id, problem, last_hash)


def _entries(first: int, last: int) -> str:
    return f"entry {first} is" if first == last else f"entries {first} to {last} are"


def _order_problem(entry_id: int, expected_id: int, first_id: int) -> str:
    """One line saying how the ids go wrong at this entry."""
    if entry_id < expected_id:
        return (
            f"entry {entry_id} comes after entry {expected_id - 1}: "
            "entries are out of order or repeated"
        )
    missing = _entries(expected_id, entry_id - 1)
    if expected_id == first_id:
        return f"{missing} missing (or moved): the trail starts at entry {entry_id}"
    return f"{missing} missing (or moved): entry {entry_id} follows entry {expected_id - 1}"


def verify_chain(
    entries: Iterable[Mapping[str, Any]],
    *,
    prev_hash: str = GENESIS,
    first_id: int = 1,
    expected_last_id: int | None = None,
) -> VerifyResult:
    """Walk the entries in the order given (the store gives id order) and stop at the first
    that does not verify. Streams: the whole trail is never held in memory.

    `prev_hash`/`first_id` resume from a checkpoint (default: the whole trail from id 1).
    `expected_last_id`, when the store knows it, also catches deletion of the newest entries.
    """
    checked = 0
    expected_id = first_id
    for entry in entries:
        entry_id = entry.get(ID_FIELD) if isinstance(entry, Mapping) else None
        if not isinstance(entry_id, int) or isinstance(entry_id, bool):
            problem = f"the entry where entry {expected_id} belongs has no whole-number id"
            return _broken(checked, None, problem, prev_hash)
        if entry_id != expected_id:
            problem = _order_problem(entry_id, expected_id, first_id)
            return _broken(checked, entry_id, problem, prev_hash)
        stored_prev = entry.get(PREV_HASH_FIELD, prev_hash)
        if stored_prev != prev_hash:
            return _broken(
                checked, entry_id,
                f"entry {entry_id} does not link to entry {entry_id - 1} (prev_hash differs)",
                prev_hash,
            )
        try:
            computed = entry_hash(prev_hash, entry)
        except ValueError as exc:
            return _broken(checked, entry_id, f"entry {entry_id}: {exc}", prev_hash)
        if entry.get(HASH_FIELD) != computed:
            return _broken(
                checked, entry_id,
                f"entry {entry_id} was changed after it was written (its hash does not match)",
                prev_hash,
            )
        prev_hash = computed
        checked += 1
        expected_id += 1
    if expected_last_id is not None and expected_id - 1 != expected_last_id:
        if expected_id - 1 < expected_last_id:
            problem = (
                f"{_entries(expected_id, expected_last_id)} missing at the end "
                f"(the last entry written was {expected_last_id})"
            )
            return _broken(checked, expected_id, problem, prev_hash)
        problem = f"the trail goes past entry {expected_last_id}, the last one written"
        return _broken(checked, expected_last_id + 1, problem, prev_hash)
    return VerifyResult(True, checked, None, None, prev_hash)
