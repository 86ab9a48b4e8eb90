"""Every process pool of the product, in one module: split a job into shares, run share 0
here and the others in forked children at the same time, and hand back every share's
result, never a partial one.

Why fork and not `multiprocessing`: the children must start AFTER the imports (about
60 ms of them: a spawned interpreter would pay them again), and they need nothing sent
to them: the job, its plan and the rules are already in the forked memory. What comes
back is what a share RENDERED (report text, rows with their sort keys), written to an
unnamed temporary file: pickling the (patient, assessment) records back would cost more
than the work saved (measured at 10,000 patients: 1.0 s to dump, 0.7 s to load).

The rules the callers keep (`cli/chunked.py`):
- fork before opening any database connection in this process, or after closing it (a
  SQLite connection must never cross a fork); each share opens its own;
- a child that fails in any way (an exception, a signal, a short or unreadable result)
  is not an error: its share is done again here, serially, so the caller always gets
  all shares; the caller checks that the shares saw the same committed state.

`worker_count` decides whether a job is worth a second process (`ITB_TUI_WORKERS`
overrides it: 1 = never fork, 2 = always, for tests and the bench).

The garbage collector and the fork (decided with numbers, session 6, this 2-core machine
shared with other jobs: CPU times, which the sharing disturbs least):
- `gc.freeze()` before the fork (so the child's collections leave the parent's objects,
  and their pages, alone): no gain. At 10,000 patients `status --json` costs 914 ms of
  CPU with it, 904 ms without; the parent holds only its imports at the fork (the child
  takes ~11,000 page faults either way) and the CLI runs 30 young and 3 middle
  collections in all, no full one: the loader and the engine already pause the collector.
- The collector paused for a whole share instead (`gc_tuning.paused()` in
  `cli/chunked._run_share`): each chunk's records otherwise went through a young pass
  when the next chunk replaced them. 100,000 patients, one process: 9.97 s CPU with the
  collector on (358 young, 33 middle, 2 full passes), 9.17 s with it off for the whole
  run, 8.38 s with the pause per share and one parse cache per transaction (the one-piece
  path: 7.9 s, in 596 MB instead of 63 MB).
So: no freeze; the pause, through `perf/gc_tuning.py`, the one home of `gc`.
`tests/architecture/test_one_home.py` fails if product code calls `os.fork` elsewhere.
"""

from __future__ import annotations

import os
import sys
from typing import IO, Any, Callable

# Below this many patients a second process costs more than it saves (fork, a second
# connection and schema read, the temporary file): 30 patients take ~2 ms to assess.
MIN_PATIENTS = 2000
WORKERS_ENV = "ITB_TUI_WORKERS"

Work = Callable[[int, IO[bytes]], Any]


def worker_count(patients: int) -> int:
    """How many processes (this one included) a job over `patients` patients should use:
    2 from MIN_PATIENTS up on a machine with two cores or more and `os.fork`, else 1."""
    forced = os.environ.get(WORKERS_ENV, "").strip()
    can_fork = hasattr(os, "fork") and sys.platform != "win32"
    if forced in ("1", "2"):
        return int(forced) if can_fork else 1
    if not can_fork or (os.cpu_count() or 1) < 2 or patients < MIN_PATIENTS:
        return 1
    return 2


def run_shares(count: int, work: Work) -> list[tuple[Any, IO[bytes]]]:
    """`work(k, out)` for k in range(count): k >= 1 in forked children, 0 here meanwhile.
    Each share writes what it rendered to `out` (an unnamed temporary file) and returns a
    small picklable value (counts, the state it read). Returns (value, out) per share, in
    share order, each `out` rewound to its start; the caller closes them.

    A child that fails has its share run again here (serial fallback). An exception in
    this process's own share propagates, after the children are stopped."""
    import tempfile  # here, not at the top: a ward of 30 never gets this far

    sys.stdout.flush()
    sys.stderr.flush()
    outs = [tempfile.TemporaryFile() for _ in range(count)]
    metas = [tempfile.TemporaryFile() for _ in range(count)]
    children: dict[int, int] = {}
    try:
        for k in range(1, count):
            pid = os.fork()
            if pid == 0:  # the child: its share, its value, and out without cleanup
                _child(k, work, outs[k], metas[k])
            children[k] = pid
        results: list[tuple[Any, IO[bytes]] | None] = [None] * count
        results[0] = (work(0, outs[0]), outs[0])
        for k, pid in list(children.items()):
            _, status = os.waitpid(pid, 0)
            del children[k]
            value = _child_value(status, metas[k])
            if value is _FAILED:
                outs[k].seek(0)
                outs[k].truncate()
                value = work(k, outs[k])  # the serial fallback: this share again, here
            results[k] = (value, outs[k])
        for _, out in results:  # type: ignore[misc]
            out.flush()
            out.seek(0)
        return results  # type: ignore[return-value]
    except BaseException:
        for out in outs:
            out.close()
        raise
    finally:
        for pid in children.values():  # only if this share failed: stop the others
            _stop(pid)
        for meta in metas:
            meta.close()


_FAILED = object()


def _child(k: int, work: Work, out: IO[bytes], meta: IO[bytes]) -> None:
    import pickle

    code = 1
    try:
        value = work(k, out)
        out.flush()
        pickle.dump(value, meta, protocol=pickle.HIGHEST_PROTOCOL)
        meta.flush()
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent redoes this share
        pass
    finally:
        os._exit(code)  # no atexit, no stdio flush, no cleanup of the parent's objects


def _child_value(status: int, meta: IO[bytes]) -> Any:
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return _FAILED
    import pickle

    meta.seek(0)
    try:
        return pickle.load(meta)
    except Exception:  # noqa: BLE001 - a short or unreadable result: redo the share
        return _FAILED


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except OSError:
        pass
