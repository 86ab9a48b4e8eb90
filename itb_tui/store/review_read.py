"""The records the reviewed marks are read as (issue 16): the last review of a patient
and the audit entries about them since, for present/changes.py to put into words.

The store may not import `present`, so these are records of its own; present/changes.py
reads them by attribute (its `ReviewFacts` / `ChangeFacts` protocols name the fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The largest summary a review stores (canonical JSON): a few codes and numbers.
MAX_SUMMARY_CHARS = 4000


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One audit entry about the patient after the review's position."""

    position: int  # the audit entry's id
    at: datetime
    actor: str
    action: str
    table: str
    record_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class PatientReview:
    """The last review of patient `mrn` and what the trail says happened since."""

    mrn: str
    reviewed_by: str
    reviewed_at: datetime
    audit_position: int  # the last audit entry the reviewed screen covered
    summary: dict[str, Any] = field(default_factory=dict)
    events: tuple[ChangeEvent, ...] = ()
