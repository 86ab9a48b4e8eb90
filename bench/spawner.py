"""A minimal helper process that starts, times and reaps every measured command.

Why a helper: Linux sets a new process's peak resident size (`ru_maxrss`) to at least
the peak of the process that spawned it (the child runs in the parent's memory until it
calls exec, and exec records that memory's high-water mark). Measured directly from the
runner, which may have imported SQLAlchemy or built a store, even `python -c pass`
would report the runner's peak. This helper imports only what it needs from the
standard library, so its own size (the runner records it as the floor) is the floor of
every reading, and it is the same for the app and the baseline.

Protocol: one JSON request per line on stdin
({"argv", "env", "cwd", "stdout" (a path or null), "stderr" (a path), "timeout_s"}),
one JSON reply per line on stdout
({"wall_s", "spawn_monotonic", "maxrss_mb", "returncode", "timed_out"}), after a first
line {"ready": true}.
Run as a script (`python -I -S bench/spawner.py`), not as part of the package.
"""

import json
import os
import subprocess
import sys
import time


def run(req):
    out = open(req["stdout"], "wb") if req.get("stdout") else subprocess.DEVNULL
    err = open(req["stderr"], "wb")
    try:
        spawned = time.monotonic()
        started = time.perf_counter()
        proc = subprocess.Popen(req["argv"], stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=req["env"], cwd=req["cwd"])
        deadline = started + req.get("timeout_s", 900.0)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.0005)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    finally:
        if out is not subprocess.DEVNULL:
            out.close()
        err.close()
    return {"wall_s": wall, "spawn_monotonic": spawned, "maxrss_mb": usage.ru_maxrss / 1024.0,
            "returncode": proc.returncode, "timed_out": timed_out}


def main():
    sys.stdout.write(json.dumps({"ready": True}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = run(json.loads(line))
        except Exception as exc:  # noqa: BLE001 - reported to the runner, which raises
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
