"""perf/parallel.py: shares run at the same time in forked children, and a user always
gets every share's result: a child that dies or fails has its share done again here."""

from __future__ import annotations

import os

import pytest

from itb_tui.perf import parallel

PARENT = os.getpid()


def _work(fail_in_child=None):
    def work(k, out):
        in_child = os.getpid() != PARENT
        if in_child and fail_in_child == "exit":
            os._exit(3)
        if in_child and fail_in_child == "raise":
            raise RuntimeError("boom")
        if in_child and fail_in_child == "unpicklable":
            out.write(b"half")
            return lambda: None  # cannot be pickled back
        out.write(f"share {k}".encode())
        return {"k": k, "pid": os.getpid()}
    return work


def _read(results):
    got = [(value["k"], value["pid"] == PARENT, out.read()) for value, out in results]
    for _, out in results:
        out.close()
    return got


def test_the_second_share_runs_in_another_process_at_the_same_time():
    assert _read(parallel.run_shares(2, _work())) == [(0, True, b"share 0"), (1, False, b"share 1")]


@pytest.mark.parametrize("failure", ["exit", "raise", "unpicklable"])
def test_a_failed_child_share_is_done_again_here_never_left_out(failure):
    assert _read(parallel.run_shares(2, _work(failure))) == [(0, True, b"share 0"), (1, True, b"share 1")]


def test_a_failure_in_this_process_share_propagates_and_stops_the_children():
    def work(k, out):
        if k == 0:
            raise ValueError("parent share failed")
        import time

        time.sleep(30)  # would hold the test if not stopped
        return k

    with pytest.raises(ValueError, match="parent share failed"):
        parallel.run_shares(2, work)


def test_one_share_forks_nothing():
    assert _read(parallel.run_shares(1, _work())) == [(0, True, b"share 0")]


@pytest.mark.parametrize("patients, cpus, forced, expected", [
    (30, 2, "", 1),            # a ward of 30: never worth a second process
    (1999, 2, "", 1),
    (2000, 2, "", 2),          # from MIN_PATIENTS up, with two cores
    (100_000, 1, "", 1),       # one core: serial
    (30, 2, "2", 2),           # forced (tests, bench)
    (100_000, 2, "1", 1),      # forced serial
])
def test_worker_count(monkeypatch, patients, cpus, forced, expected):
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    monkeypatch.setenv(parallel.WORKERS_ENV, forced)
    assert parallel.worker_count(patients) == expected
