"""A chunked report shows ONE state of the store (docs/hazard-log.md, H85): when
the shares' transactions saw different audit heads (a write committed between their
reads), the report is done again in one transaction; a child that fails is redone here.
Either way the user gets the whole report, the one-piece bytes."""

from __future__ import annotations

import io
import os
from datetime import date
from types import SimpleNamespace

import pytest
from cli_runner import TODAY, run_cli

from itb_tui import report
from itb_tui.cli import chunked
from itb_tui.clinical.rules import load_rules
from itb_tui.store import reader as reader_module
from itb_tui.store.reader import open_reader

AS_OF = date.fromisoformat(TODAY)


@pytest.fixture
def demo_url(tmp_path):
    assert run_cli(tmp_path, "demo", "--patients", "40").code == 0
    return f"sqlite:///{tmp_path / 'demo.db'}"


def _one_piece(url, rules) -> bytes:
    with open_reader(url) as store:
        pairs = report.assess_all(store.load_patients(latest_refill_as_of=AS_OF), AS_OF, rules)
        labs = store.lab_reports()
    out = io.BytesIO()
    report.write_status_json(pairs, AS_OF, rules, out.write, lab_reports=labs)
    return out.getvalue()


def _chunked(url, rules, monkeypatch) -> tuple[bytes, list]:
    monkeypatch.setenv("ITB_TUI_CHUNK", "6")
    monkeypatch.setenv("ITB_TUI_WORKERS", "2")
    ranges = []
    real = chunked._run_share

    def spy(plan, mrn_range, out):
        ranges.append(mrn_range)
        return real(plan, mrn_range, out)

    monkeypatch.setattr(chunked, "_run_share", spy)
    args = SimpleNamespace(mrn=None, ward=None, only=None)
    out = io.BytesIO()
    store = open_reader(url)
    assert chunked.status_json(args, store, AS_OF, rules, out.write)
    return out.getvalue(), ranges


def test_shares_that_saw_the_same_state_are_merged(demo_url, monkeypatch):
    rules = load_rules()
    got, ranges = _chunked(demo_url, rules, monkeypatch)
    assert got == _one_piece(demo_url, rules)
    assert len(ranges) == 1  # this process saw only its own share (the other ran in the child)


def test_shares_that_saw_different_states_are_read_again_in_one_transaction(demo_url, monkeypatch):
    rules = load_rules()
    # As if a write committed between the two shares' reads: each process sees its own head.
    monkeypatch.setattr(reader_module.ReadSnapshot, "audit_head", lambda self: os.getpid())
    got, ranges = _chunked(demo_url, rules, monkeypatch)
    assert got == _one_piece(demo_url, rules)
    assert ranges[-1] == (None, None)  # the whole ward, one transaction


def test_a_child_that_fails_has_its_share_done_here(demo_url, monkeypatch):
    rules = load_rules()
    parent = os.getpid()
    real = reader_module.ReadSnapshot.load_assessing

    def fails_in_child(self, *a, **k):
        if os.getpid() != parent:
            raise OSError("disk gone in the child")
        return real(self, *a, **k)

    monkeypatch.setattr(reader_module.ReadSnapshot, "load_assessing", fails_in_child)
    got, ranges = _chunked(demo_url, rules, monkeypatch)
    assert got == _one_piece(demo_url, rules)
    assert len(ranges) == 2 and ranges[0][0] is None and ranges[1][1] is None  # both shares here
