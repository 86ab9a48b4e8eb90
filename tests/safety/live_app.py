"""One Textual app kept running for a whole hypothesis test.

Why: hypothesis calls a plain function once per example, but starting the app, loading the
ward and opening a patient takes seconds; hundreds of examples would take many minutes.
Here the app runs (under `run_test`, as in every UI test) in a thread with its own event
loop, and each example hands it a coroutine `job(pilot)` and waits for the answer. All
widget work happens on the app's loop, as Textual requires.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Awaitable, Callable

JOB_TIMEOUT_S = 120


class LiveApp:
    def __init__(self, app, size: tuple[int, int]) -> None:
        self.app = app
        self.size = size
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="live-app", daemon=True)
        self._queue: asyncio.Queue | None = None
        self._ready: concurrent.futures.Future = concurrent.futures.Future()
        self._host: concurrent.futures.Future | None = None

    def __enter__(self) -> "LiveApp":
        self._thread.start()
        self._host = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        self._ready.result(timeout=JOB_TIMEOUT_S)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._queue is not None:
                self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
            if self._host is not None:
                self._host.result(timeout=JOB_TIMEOUT_S)  # re-raises what ended the app, if anything
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=JOB_TIMEOUT_S)
            self._loop.close()

    async def _serve(self) -> None:
        self._queue = asyncio.Queue()
        try:
            async with self.app.run_test(size=self.size) as pilot:
                self._ready.set_result(None)
                while (item := await self._queue.get()) is not None:
                    job, answer = item
                    try:
                        answer.set_result(await job(pilot))
                    except BaseException as exc:  # handed to the example that asked
                        answer.set_exception(exc)
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            raise

    def run(self, job: Callable[[Any], Awaitable[Any]]) -> Any:
        """Run `job(pilot)` on the app's loop; its result (or its exception, re-raised here)."""
        if self._host is not None and self._host.done():
            self._host.result()  # the app ended (a crash): say why
            raise RuntimeError("the app is no longer running")
        answer: concurrent.futures.Future = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, (job, answer))
        return answer.result(timeout=JOB_TIMEOUT_S)
