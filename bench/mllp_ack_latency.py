"""ACK latency of `itb-tui results listen` (issue 17 target: ACK <= 50 ms p99 for single
messages), measured over loopback the way the interface engine sees it: one connection,
one message at a time, the clock from the write of the MLLP block to the ACK read back by
the `hl7` library's client. Every message is a new accession (a real insert, committed
before the ACK); `--duplicates` resends one message instead (the read-only path).

    python -m bench.mllp_ack_latency [-n 500] [--db URL] [--duplicates]

Without --db a throw-away SQLite store in a temporary directory is used. Not a test:
numbers depend on the machine (report them with its load).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import hl7.mllp

WARD = {"format": "itb-ward/1", "patients": [
    {"mrn": "BENCH1", "name": "Bench, Synthetic", "dob": "1960-01-01",
     "pumps": [{"serial": "NGP-B1", "reservoir_ml": 20, "alarm_ml": 2, "implanted_on": "2023-05-01",
                "concentration_ug_ml": 500, "daily_dose_ug": 300}]}]}


def message(i: int, accession: str) -> str:
    return "\r".join([
        f"MSH|^~\\&|LABSYS|GENLAB|ITB|WARD|20261110093000||ORU^R01|B{i}|P|2.5.1",
        "PID|1||BENCH1^^^HOSP^MR||Bench^Synthetic||19600101|F",
        f"OBR|1|P{accession}|{accession}^GENLAB|600-7^Bacteria identified in Blood by Culture^LN|||202611080830"
        "|||||||BLD|||||||||||F",
        "OBX|1|ST|17928-3^Bacteria identified in Blood by Aerobe culture^LN|1|No growth at 5 days||||||F",
    ]) + "\r"


async def measure(port: int, n: int, duplicates: bool, prefix: str = "BA") -> list[float]:
    reader, writer = await hl7.mllp.open_hl7_connection("127.0.0.1", port)
    times = []
    try:
        for i in range(n):
            block = message(i, "DUP1" if duplicates else f"{prefix}{i:06d}").encode()
            t0 = time.perf_counter()
            writer.writeblock(block)
            await writer.drain()
            ack = await asyncio.wait_for(reader.readmessage(), 30)
            times.append((time.perf_counter() - t0) * 1000)
            code = str(ack.segment("MSA")(1))
            if code != "AA":
                raise SystemExit(f"message {i}: {code}: {ack.segment('MSA')}")
    finally:
        writer.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--db", help="store URL (default: a temporary SQLite store)")
    ap.add_argument("--duplicates", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    env = dict(os.environ, ITB_TUI_DATA_DIR=tmp.name, ITB_TUI_TODAY="2026-11-10")
    db = ["--db", args.db] if args.db else []
    ward = Path(tmp.name) / "ward.json"
    ward.write_text(json.dumps(WARD))
    cli = [sys.executable, "-m", "itb_tui"]
    subprocess.run([*cli, *db, "import", str(ward)], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([*cli, *db, "results", "listen", "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode()
        port = int(line.split("listening on ", 1)[1].split(" ", 1)[0].rsplit(":", 1)[1])
        asyncio.run(measure(port, 20, args.duplicates, "WU"))  # warm-up (imports, first connection)
        times = asyncio.run(measure(port, args.n, args.duplicates))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    times.sort()
    q = statistics.quantiles(times, n=100)
    print(f"{len(times)} {'duplicate' if args.duplicates else 'new'} messages, {('--db ' + args.db.split('@')[-1]) if args.db else 'SQLite'}:"
          f" ACK ms p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {times[-1]:.1f}"
          f"  (target p99 <= 50 ms: {'met' if q[98] <= 50 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
