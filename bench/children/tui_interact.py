"""In-process UI latencies, headless at a fixed size: one keystroke in the filter box to
the redrawn list, and Enter on a patient to the drawn detail screen.

`python -m bench.children.tui_interact --mode app --db FILE` measures itb-tui on that
store; `--mode bare` measures the same two gestures on a bare Textual app (an Input
over an empty DataTable; Enter pushes a screen with one Static): Textual's own floor,
including its 60 Hz repaint throttle. Each keystroke and each open is one sample; the
clock runs from delivering the key to the end of the repaint that shows its effect.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

# Typed one key at a time, then erased with backspace: narrowing and widening again.
# Name fragments of the synthetic hospital, an MRN prefix, a two-word query.
QUERIES = ("mar", "son", "b00012", "ada", "zel", "kel ley")


def key_plan(count: int) -> list[tuple[str, str]]:
    """(key, filter text after it) for `count` keystrokes."""
    plan: list[tuple[str, str]] = []
    while len(plan) < count:
        for query in QUERIES:
            text = ""
            for ch in query:
                text += ch
                plan.append(("space" if ch == " " else ch, text))
            while text:
                text = text[:-1]
                plan.append(("backspace", text))
    return plan[:count]


async def measure_keys(app, filter_text, count: int) -> list[float]:
    from bench.children.common import painted, send_key, until

    samples = []
    for key, expected in key_plan(count):
        started = time.perf_counter()
        send_key(app, key)
        await until(lambda: filter_text() == expected, f"the filter to read {expected!r}")
        await painted(app)
        samples.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)  # let the terminal go quiet, as between real keystrokes
    return samples


async def measure_opens(app, count: int, select, opened, back) -> list[float]:
    from bench.children.common import painted, send_key, until

    samples = []
    for i in range(count):
        select(i)
        await asyncio.sleep(0.01)
        started = time.perf_counter()
        send_key(app, "enter")
        await until(opened, "the patient screen to show the patient")
        await painted(app)
        samples.append(time.perf_counter() - started)
        await back()
    return samples


async def run_app(args) -> dict:
    from itb_tui.store import open_store
    from itb_tui.ui.app import ItbApp
    from itb_tui.ui.screens.detail import PatientDetailScreen
    from itb_tui.ui.widgets.ward_table import WardTable

    from bench.children.common import bench_today, until

    store = open_store(f"sqlite:///{args.db}", today=bench_today())
    app = ItbApp(store, today=bench_today(), actor="bench")
    async with app.run_test(size=(args.width, args.height)) as pilot:
        # Checked: derived from the records, not just drawn from saved rows (and the
        # load's own save of the rows finished), so nothing runs behind the timings.
        await until(lambda: app.ward_screen is not None and app.ward_screen.loaded
                    and app.ward_screen.checked, "the ward list", timeout_s=600)
        await app.workers.wait_for_complete()
        await pilot.pause()
        ward = app.ward_screen
        table = ward.query_one(WardTable)
        total = len(table.rows)
        await pilot.press("slash")
        keys = await measure_keys(app, lambda: ward.filter_text, args.keystrokes)
        await pilot.press("escape")  # clear the filter, back to the list
        await until(lambda: len(table.rows) == total and table.has_focus, "the full list again")
        step = max(total // max(args.opens, 1), 1)

        def select(i: int) -> None:
            table.move_cursor(min(i * step, total - 1))

        def opened() -> bool:
            screen = app.screen
            return isinstance(screen, PatientDetailScreen) and screen.assessment is not None

        async def back() -> None:
            await pilot.press("escape")
            await until(lambda: app.screen is ward, "the ward list again")

        opens = await measure_opens(app, args.opens, select, opened, back)
    store.close()
    return {"rows": total, "keystroke_s": keys, "open_s": opens}


async def run_bare(args) -> dict:
    from bench.children.common import bare_app_class, until

    app = bare_app_class()(with_input=True)
    async with app.run_test(size=(args.width, args.height)) as pilot:
        await pilot.pause()
        field = app.query_one("#filter")
        keys = await measure_keys(app, lambda: field.value, args.keystrokes)
        app.query_one("#table").focus()
        await pilot.pause()

        def opened() -> bool:
            return isinstance(app.screen, app.BareDetail)

        async def back() -> None:
            await pilot.press("escape")
            await until(lambda: not isinstance(app.screen, app.BareDetail), "the main screen")

        opens = await measure_opens(app, args.opens, lambda i: None, opened, back)
    return {"rows": 0, "keystroke_s": keys, "open_s": opens}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("app", "bare"), required=True)
    parser.add_argument("--db")
    parser.add_argument("--keystrokes", type=int, default=40)
    parser.add_argument("--opens", type=int, default=15)
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=36)
    args = parser.parse_args()
    result = asyncio.run(run_app(args) if args.mode == "app" else run_bare(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
