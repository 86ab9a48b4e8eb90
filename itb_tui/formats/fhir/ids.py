"""Resource ids for the FHIR export, from each record's own identity (issue 15).

Why: a receiving system updates by id (or by the identifier carrying it). An id built
from a record's place in a list changed meaning when another record was removed: after
one culture was marked entered in error, the id of "Candida albicans" became "No growth",
and a receiver updating by id overwrote a positive culture with a negative one.

So an id is a name-based UUID (uuid5) of: the patient (MRN system and MRN), the kind of
record, and the record's own key: the store's row id where the record came from the
store (an edit or a correction keeps its id; no other record can take it), otherwise a
natural key from the record's fields (a culture's specimen and day, a course's drug and
start ...), numbered only among records with the same natural key. The same record
gives the same id in every export; removing a record removes its id and touches no other.
"""

from __future__ import annotations

try:  # CPython's own SHA-1: the same digests, as fast a call, without loading OpenSSL
    from _sha1 import sha1  # (hashlib's import costs every FHIR export ~2.5 ms of start-up)
except ImportError:  # another Python
    from hashlib import sha1
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TypeVar

# uuid5(NAMESPACE_URL, "urn:itb-tui"), written out: `import uuid` costs every export ~3 ms
# of start-up (it imports platform); tests/exports/test_fhir_export.py checks the value.
_NAMESPACE_HEX = "9de6343d1ca15a3a9c684b90e0587c3b"
# The identifier system of a resource's own id: RFC 3986 URIs, as FHIR advises for UUIDs.
URI_SYSTEM = "urn:ietf:rfc:3986"

T = TypeVar("T")


_NAMESPACE_BYTES = bytes.fromhex(_NAMESPACE_HEX)


def resource_id(*parts: object) -> str:
    """str(uuid.uuid5(UUID(_NAMESPACE_HEX), "/".join(parts))), computed as RFC 4122 section 4.3 does
    it without building a UUID object (a third of a 10,000-patient export's time went on
    ~340,000 of them). tests/exports/test_fhir_export.py compares it with uuid.uuid5."""
    digest = bytearray(sha1(_NAMESPACE_BYTES + "/".join(str(p) for p in parts).encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def id_prefix(*parts: object):
    """The hash state of `resource_id(*parts, ...)` up to its last parts: a patient's
    resources all start with the same MRN system and MRN (and a pump's with its key), so
    that much is hashed once (`resource_id_after`)."""
    return sha1(_NAMESPACE_BYTES + ("/".join(str(p) for p in parts) + "/").encode("utf-8"))


def id_prefix_after(prefix, *parts: object):
    """id_prefix(*prefix_parts, *parts), from `id_prefix(*prefix_parts)` (a pump's refills)."""
    state = prefix.copy()
    state.update(("/".join(map(str, parts)) + "/").encode("utf-8"))
    return state


def resource_id_after(prefix, *parts: object) -> str:
    """resource_id(*prefix_parts, *parts), from `id_prefix(*prefix_parts)`."""
    state = prefix.copy()
    state.update("/".join(map(str, parts)).encode("utf-8"))
    h = state.hexdigest()
    # the version nibble is 5; the variant's top two bits 10 (RFC 4122), its low two kept
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def resource_ids_after(prefix, keys: Iterable[str]) -> list[str]:
    """[resource_id_after(prefix, key) for key in keys], one loop (a pump's ~20 refills:
    ~200,000 ids at 10,000 patients, the call per id was a fifth of their cost)."""
    copy, variant, out = prefix.copy, _VARIANT, []
    for key in keys:
        state = copy()
        state.update(key.encode("utf-8"))
        h = state.hexdigest()
        out.append(f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant[h[16]]}{h[17:20]}-{h[20:32]}")
    return out


def record_keys(records: Iterable[T], natural: Callable[[T], tuple]) -> list[str]:
    """One key per record, in order: `row:<id>` for a stored record, else its natural key
    (with `#n` for the n-th repeat of the same natural key, n >= 2)."""
    counts: Counter | None = None  # made on the first record without a row id (rare in a store)
    keys = []
    for record in records:
        row = getattr(record, "id", None)
        if row is not None:
            keys.append(f"row:{row}")
            continue
        if counts is None:
            counts = Counter()
        key = "|".join("" if p is None else str(p) for p in natural(record))
        counts[key] += 1
        keys.append(key if counts[key] == 1 else f"{key}#{counts[key]}")
    return keys


def identifier(rid: str) -> dict:
    """The identifier a transaction's conditional update names the resource by."""
    return {"system": URI_SYSTEM, "value": f"urn:uuid:{rid}"}
