"""The store as strict as the forms and as careful about who writes (issue 14, items 7, 8)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from store_fixtures import NOW, add_users, quiet_patient, signed_in

from itb_tui.clinical.records import Patient
from itb_tui.store import PermissionDenied, StoreError, ValidationError


def test_an_mrn_differing_only_in_case_or_spaces_from_one_on_file_is_refused(store):
    store.import_patients([quiet_patient("F1")], "os:root")
    for mrn in ("f1", " F1 ".strip().lower()):
        with pytest.raises(ValidationError) as err:
            store.import_patients([quiet_patient(mrn)], "os:root")
        assert err.value.errors == [f"{mrn}: mrn: clashes with patient F1 already on file: MRNs that differ "
                                    "only in case or spaces are refused (use the MRN as on file)"]
    with pytest.raises(ValidationError, match="clashes with patient F1"):
        store.save_patient(Patient(mrn="f1", name="Other, Patient"), "os:root")
    assert [p.mrn for p in store.load_patients()] == ["F1"]
    assert store.import_patients([quiet_patient("F1")], "os:root").unchanged == 1  # the exact MRN updates
