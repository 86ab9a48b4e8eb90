"""Where the time goes, for the benchmarks that miss their target.

`python -m bench.children.profile WHAT --db FILE` prints one JSON line with:
- `phases`: each step timed WITHOUT a profiler (so the numbers add up to the real run),
- `top`: cProfile's functions with the most own time (`tottime`), as file:function with
  the share of the profiled total. cProfile slows Python code 1.5-2x, so read `top` for
  proportions and `phases` for times.

WHAT is one of:
- status: the steps of `itb-tui status --json` (the same calls `cli.cmd_status` makes: read-only
  reader, one-refill-per-pump load, engine, streamed JSON), profiled through `cli.main` itself;
- tui-load: the ward list's load worker (data version, patients, wards, rows: the calls
  `WardScreen._compute` makes) and the first sort, without the UI;
- keys / opens: keystrokes in the filter box / opening patients in the running app (the
  event-loop thread; the detail screen's store read runs in a worker and is timed as a
  phase).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def top_functions(profile: cProfile.Profile, limit: int = 15) -> list[dict]:
    stats = pstats.Stats(profile)
    total = stats.total_tt or 1e-9
    rows = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        rows.append((tottime, cumtime, ncalls, _short(filename), line, func))
    rows.sort(reverse=True)
    return [
        {"function": f"{fn}:{func}" if line else func, "line": line, "calls": n,
         "tottime_s": round(tt, 4), "cumtime_s": round(ct, 4), "pct": round(100 * tt / total, 1)}
        for tt, ct, n, fn, line, func in rows[:limit]
    ]


def _short(filename: str) -> str:
    """Paths relative to the checkout or to site-packages, so they read at a glance."""
    if filename.startswith(str(ROOT)):
        return os.path.relpath(filename, ROOT)
    marker = "site-packages" + os.sep
    if marker in filename:
        return filename.split(marker, 1)[1]
    return filename


def profile_status(db: str) -> dict:
    """The steps `cli.cmd_status` takes for `status --json`, in its order: the read-only
    reader (not the full Store), a load with one refill per pump (the one the engine
    uses on the list date), the engine, the streamed JSON writer."""
    from datetime import date

    today = date.fromisoformat(os.environ.get("ITB_TUI_TODAY", "2026-11-25"))
    marks = [("start", time.perf_counter())]
    from itb_tui import cli, report  # noqa: F401 - cli: what `python -m itb_tui` imports first
    from itb_tui.clinical.engine import assess  # noqa: F401 - imported by assess_all on first use
    from itb_tui.clinical.rules import load_rules
    from itb_tui.store.reader import open_reader
    marks.append(("imports (cli, reader, engine, report)", time.perf_counter()))
    rules = load_rules()
    marks.append(("load rules", time.perf_counter()))
    reader = open_reader(f"sqlite:///{db}")
    if reader is None:
        raise SystemExit(f"profile: {db} is not a current store (status would open the full Store)")
    marks.append(("open_reader (schema check)", time.perf_counter()))
    patients = reader.for_assessing_on(today).load_patients()
    reader.close()
    marks.append(("load (one refill per pump)", time.perf_counter()))
    pairs = report.filter_pairs(report.assess_all(patients, today, rules), None, rules)
    marks.append(("report.assess_all (engine)", time.perf_counter()))
    size = 0

    def sink(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)

    report.write_status_json(pairs, today, rules, sink)
    marks.append(("report.write_status_json", time.perf_counter()))
    del patients, pairs
    marks.append(("free the records", time.perf_counter()))
    phases = {name: marks[i][1] - marks[i - 1][1] for i, (name, _) in enumerate(marks) if i}

    profile = cProfile.Profile()
    with open(os.devnull, "w") as devnull:
        # cmd_status writes bytes to sys.stdout.buffer: a real file, not a StringIO
        with contextlib.redirect_stdout(devnull):
            profile.enable()
            cli.main(["--db", db, "status", "--json"])
            profile.disable()
    return {"phases": phases, "top": top_functions(profile), "json_bytes": size}


def profile_tui_load(db: str) -> dict:
    from datetime import date

    today = date.fromisoformat(os.environ.get("ITB_TUI_TODAY", "2026-11-25"))
    marks = [("start", time.perf_counter())]
    from itb_tui.clinical.rules import load_rules
    from itb_tui.store import open_store
    from itb_tui.ui.widgets.ward_rows import build_rows, filter_rows, sort_rows
    marks.append(("imports (store, rows; no Textual app)", time.perf_counter()))
    rules = load_rules()
    store = open_store(f"sqlite:///{db}", today=today)
    marks.append(("open store, load rules", time.perf_counter()))
    store.data_version()
    marks.append(("store.data_version", time.perf_counter()))
    patients = store.load_patients()
    marks.append(("store.load_patients", time.perf_counter()))
    store.wards()
    marks.append(("store.wards", time.perf_counter()))
    rows = build_rows(patients, today, rules)
    marks.append(("build_rows (engine + cell text)", time.perf_counter()))
    ordered = sort_rows(rows, "urgency")
    filter_rows(ordered, "")
    marks.append(("sort_rows + filter_rows", time.perf_counter()))
    phases = {name: marks[i][1] - marks[i - 1][1] for i, (name, _) in enumerate(marks) if i}

    profile = cProfile.Profile()
    profile.enable()
    patients = store.load_patients()
    rows = build_rows(patients, today, rules)
    sort_rows(rows, "urgency")
    profile.disable()
    store.close()
    return {"phases": phases, "top": top_functions(profile)}


async def _profile_in_app(db: str, what: str, count: int) -> dict:
    from itb_tui.store import open_store
    from itb_tui.ui.app import ItbApp
    from itb_tui.ui.screens.detail import PatientDetailScreen
    from itb_tui.ui.widgets.ward_table import WardTable

    from bench.children.common import bench_today, until
    from bench.children.tui_interact import measure_keys, measure_opens

    store = open_store(f"sqlite:///{db}", today=bench_today())
    app = ItbApp(store, today=bench_today(), actor="bench")
    phases: dict[str, float] = {}
    async with app.run_test(size=(120, 36)) as pilot:
        # Checked: derived from the records, not just drawn from saved rows (and the
        # load's own save of the rows finished), so nothing runs behind the timings.
        await until(lambda: app.ward_screen is not None and app.ward_screen.loaded
                    and app.ward_screen.checked, "the ward list", timeout_s=600)
        await app.workers.wait_for_complete()
        await pilot.pause()
        ward = app.ward_screen
        table = ward.query_one(WardTable)
        profile = cProfile.Profile()
        if what == "keys":
            await pilot.press("slash")
            profile.enable()
            samples = await measure_keys(app, lambda: ward.filter_text, count)
            profile.disable()
            started = time.perf_counter()
            from itb_tui.ui.widgets.ward_rows import filter_rows

            for _ in range(10):
                filter_rows(ward._sorted_rows(), "mar")
            phases["filter_rows over every row, 1 term (per keystroke)"] = (time.perf_counter() - started) / 10
            started = time.perf_counter()
            for _ in range(10):
                ward.summary_text()
            phases["WardScreen.summary_text (per keystroke)"] = (time.perf_counter() - started) / 10
        else:
            total = len(table.rows)
            step = max(total // max(count, 1), 1)

            def opened() -> bool:
                screen = app.screen
                return isinstance(screen, PatientDetailScreen) and screen.assessment is not None

            async def back() -> None:
                await pilot.press("escape")
                await until(lambda: app.screen is ward, "the ward list again")

            profile.enable()
            samples = await measure_opens(app, count, lambda i: table.move_cursor(min(i * step, total - 1)),
                                          opened, back)
            profile.disable()
            mrn = table.rows[0].mrn
            started = time.perf_counter()
            for _ in range(10):
                store.get_patient(mrn)
            phases["store.get_patient (in the worker)"] = (time.perf_counter() - started) / 10
        phases["median sample"] = sorted(samples)[len(samples) // 2]
    store.close()
    return {"phases": phases, "top": top_functions(profile)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("status", "tui-load", "keys", "opens"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    if args.what == "status":
        result = profile_status(args.db)
    elif args.what == "tui-load":
        result = profile_tui_load(args.db)
    else:
        result = asyncio.run(_profile_in_app(args.db, args.what, args.count))
    sys.stdout = sys.__stdout__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
