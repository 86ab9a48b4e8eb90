"""Checked by mypy (tests/architecture/test_store_ports.py), never run: each store class
assigned to the Protocol it must satisfy. A missing method, a renamed argument or a new
required one is a type error here."""

from itb_tui.store.opening import DeferredStore
from itb_tui.store.ports import LabFeedStore, WardReads, WardStore
from itb_tui.store.reader import WardReader
from itb_tui.store.store import Store


def the_store_is_a_full_store(store: Store) -> None:
    reads: WardReads = store
    full: WardStore = store
    lab: LabFeedStore = store


def the_reader_reads(reader: WardReader) -> None:
    reads: WardReads = reader


def the_deferred_store_is_a_full_store(deferred: DeferredStore) -> None:
    reads: WardReads = deferred
    full: WardStore = deferred
