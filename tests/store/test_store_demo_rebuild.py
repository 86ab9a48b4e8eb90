"""Rebuilding the demo store: a swap of whole files that never touches real data."""

from __future__ import annotations

import pytest
from store_fixtures import TODAY, fungemia_patient, quiet_patient

from itb_tui.store import StoreError, open_store
from itb_tui.store.demo_rebuild import rebuild_demo_store


def _fill(patients):
    def fill(store):
        store.set_meta("kind", "demo")
        store.import_patients(patients, "demo")
        return len(patients)
    return fill


def test_the_demo_store_is_rebuilt_from_scratch(tmp_path):
    url = f"sqlite:///{tmp_path}/demo.db"
    rebuild_demo_store(url, TODAY, None, explicit=False, fill=_fill([fungemia_patient(), quiet_patient()]))
    where, n = rebuild_demo_store(url, TODAY, None, explicit=False, fill=_fill([quiet_patient()]))
    assert n == 1 and where == str(tmp_path / "demo.db")
    with open_store(url, today=TODAY) as store:
        assert [p.mrn for p in store.load_patients()] == ["B2002"]
        assert store.get_meta("kind") == "demo"
    assert sorted(p.name for p in tmp_path.iterdir() if "building" in p.name) == []


def test_a_failed_build_leaves_the_old_demo_in_place(tmp_path):
    url = f"sqlite:///{tmp_path}/demo.db"
    rebuild_demo_store(url, TODAY, None, explicit=False, fill=_fill([fungemia_patient()]))

    def broken(store):
        store.import_patients([quiet_patient()], "demo")
        raise StoreError("demo generator failed")

    with pytest.raises(StoreError, match="generator failed"):
        rebuild_demo_store(url, TODAY, None, explicit=False, fill=broken)
    with open_store(url, today=TODAY) as store:
        assert [p.mrn for p in store.load_patients()] == ["A1001"]
    assert [p.name for p in tmp_path.iterdir() if "building" in p.name] == []


def test_a_real_store_named_explicitly_is_never_overwritten(tmp_path):
    url = f"sqlite:///{tmp_path}/ward.db"
    with open_store(url, today=TODAY) as store:
        store.import_patients([fungemia_patient()], "nurse")
    with pytest.raises(StoreError, match="not a demo store"):
        rebuild_demo_store(url, TODAY, None, explicit=True, fill=_fill([quiet_patient()]))
    with open_store(url, today=TODAY) as store:
        assert [p.mrn for p in store.load_patients()] == ["A1001"]


def test_an_empty_store_named_explicitly_may_become_a_demo(tmp_path):
    url = f"sqlite:///{tmp_path}/scratch.db"
    open_store(url, today=TODAY).close()
    _, n = rebuild_demo_store(url, TODAY, None, explicit=True, fill=_fill([quiet_patient()]))
    assert n == 1
