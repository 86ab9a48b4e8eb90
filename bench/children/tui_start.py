"""Cold start to the first fully drawn list: `python -m bench.children.tui_start
--mode app --db FILE` (itb-tui's ward list on that store) or `--mode bare` (a bare
Textual app drawing an empty DataTable). Headless, fixed size; both measured the same
way: the clock (CLOCK_MONOTONIC, shared with the parent) is read when the screen has
repainted after the list is ready, then the app exits. Prints one JSON line.
"""

from __future__ import annotations

import time

T_SCRIPT = time.monotonic()  # the interpreter is up and running this file

import argparse  # noqa: E402
import json  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("app", "bare"), required=True)
    parser.add_argument("--db")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=36)
    # The day the app runs on (default the bench's): the day before, to play yesterday's
    # session, which saves today's rows as its tomorrow's (bench/cases.py).
    parser.add_argument("--today")
    args = parser.parse_args()

    from bench.children.common import bench_today, painted, until

    if args.today:
        from datetime import date

        today = date.fromisoformat(args.today)
    else:
        today = bench_today()

    marks: dict[str, float] = {"script": T_SCRIPT}
    facts: dict[str, object] = {}
    if args.mode == "bare":
        from bench.children.common import bare_app_class

        app = bare_app_class()()
        marks["imported"] = time.monotonic()
        ready = lambda: True  # noqa: E731
        rows = lambda: 0  # noqa: E731
    else:
        from itb_tui.store.opening import open_for_app
        from itb_tui.ui.app import ItbApp

        marks["imported"] = time.monotonic()
        # As `itb-tui` opens it (run_app): a current store opens behind the first screen.
        store = open_for_app(f"sqlite:///{args.db}", today=today)
        app = ItbApp(store, today=today, actor="bench")
        app.prefetch_saved_rows()  # as run_app does

        def ready() -> bool:
            return app.ward_screen is not None and app.ward_screen.loaded

        def checked() -> bool:
            return app.ward_screen.checked

        def rows() -> int:
            from itb_tui.ui.widgets.ward_table import WardTable

            return len(app.ward_screen.query_one(WardTable).rows)

    async def pilot(_pilot) -> None:
        marks["running"] = time.monotonic()
        await until(ready, "the ward list to load")
        marks["loaded"] = time.monotonic()
        await painted(app)
        marks["drawn"] = time.monotonic()
        if args.mode == "app":
            # Drawn from saved rows, the list is then re-derived from the records (H35).
            saved = app.ward_screen.opened_on_saved_rows  # (at 30 the check may be done already)
            await until(checked, "the list to be checked against the records")
            marks["checked"] = time.monotonic()
            facts["from_saved_rows"] = saved
            # Then the load saves the rows it derived (for the next start): let it finish,
            # as a user who does not quit within the first second would.
            await app.workers.wait_for_complete()
        app.exit(rows())

    shown = app.run(headless=True, size=(args.width, args.height), auto_pilot=pilot)
    print(json.dumps({"marks": marks, "rows": shown, **facts}))


if __name__ == "__main__":
    main()
